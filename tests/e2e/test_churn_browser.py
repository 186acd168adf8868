"""Churn & retention in a real Chromium: the reasons Pareto and, once asked for, the cohort heatmap are drawn,
no errors."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import open_page, wait_for_app

pytestmark = pytest.mark.browser


def test_churn_page_shows_pareto_and_cohort_heatmap(app_server, page):
    open_page(page, app_server, "Churn & retention")
    wait_for_app(page, timeout=120_000)
    charts = page.locator("[data-testid='stPlotlyChart']")
    # Charts below the fold are drawn once scrolled into view, as a person would scroll.
    page.get_by_role("heading", name="Why customers leave").scroll_into_view_if_needed(timeout=90_000)
    pareto = charts.filter(has_text="Churn reasons by customers")
    pareto.scroll_into_view_if_needed(timeout=90_000)
    pareto.locator(".main-svg").first.wait_for(timeout=90_000)
    assert pareto.locator(".bars .point").count() >= 5  # one bar per reason
    # The cohorts (every revenue row summed) are drawn when asked for.
    offer = page.get_by_text("Show cohort retention", exact=True)
    offer.scroll_into_view_if_needed(timeout=90_000)
    offer.click()
    heatmap = charts.filter(has_text="Share retained, by cohort")
    heatmap.scroll_into_view_if_needed(timeout=90_000)
    heatmap.locator(".hm").first.wait_for(timeout=90_000)  # plotly's heatmap layer
    assert page.locator("[data-testid='stMetric']").filter(has_text="Net revenue retention").count() == 1
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []
