"""The Health page in a real Chromium: the distribution chart and a customer's drill-down."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import open_page

pytestmark = pytest.mark.browser


def test_health_distribution_and_drilldown_render_without_errors(app_server, page):
    open_page(page, app_server, "Health")
    main = page.get_by_test_id("stMainBlockContainer")
    page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=90_000)
    chart = main.get_by_test_id("stPlotlyChart").filter(has_text="Distribution of scores").first
    chart.wait_for(state="visible", timeout=90_000)
    assert chart.locator("g.barlayer .point").count() > 5  # the histogram's bars are drawn
    assert main.get_by_test_id("stMetric").filter(has_text="Green band").count() == 1

    page.get_by_role("tab", name="Customer").click()
    waterfall = main.get_by_test_id("stPlotlyChart").filter(has_text="What makes up the score").first
    waterfall.wait_for(state="visible", timeout=90_000)
    assert waterfall.locator(".waterfalllayer .point").count() >= 2
    main.get_by_test_id("stMetric").filter(has_text="Points to the next band").wait_for(state="visible",
                                                                                         timeout=30_000)

    page.get_by_role("tab", name="Back-test").click()
    auc = main.get_by_test_id("stMetric").filter(has_text="AUC of the score for churn")
    auc.wait_for(state="visible", timeout=90_000)
    assert float(auc.get_by_test_id("stMetricValue").inner_text()) > 0.5

    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []
