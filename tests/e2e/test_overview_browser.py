"""The app in a real Chromium: the Overview opens with its title, tiles and chart, no errors."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import open_page, wait_for_app

pytestmark = pytest.mark.browser


def test_overview_opens_with_chart_and_no_console_error(app_server, page):
    page.goto(app_server)
    wait_for_app(page)
    assert page.locator("h1").first.inner_text() == "Overview"
    page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=30_000)
    # Seventeen tiles on the demo: NPS, three health, two onboarding, three retention, ARR up for renewal,
    # four maturity dimensions, meeting time, customers and ARR; and the generated summary above them. On a new
    # database the page first scores the health months (a progress bar) and the tiles stream in
    # after it, so the count is awaited, then checked once the run has ended.
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stMetric\"]').length >= 17",
                           timeout=60_000)
    wait_for_app(page)
    assert page.locator("[data-testid='stMetric']").count() == 17
    assert page.get_by_text("Largest movements:").count() == 1
    assert "demo data" in page.locator("[data-testid='stAlert']").first.inner_text()
    # The alerts are drawn when asked for: the list appears with its rules, still without errors.
    offer = page.get_by_text("Show the alerts", exact=True)
    offer.scroll_into_view_if_needed(timeout=30_000)
    offer.click()
    page.get_by_text("Alert rules").first.wait_for(timeout=90_000)
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []


def test_data_page_lists_entities(app_server, page):
    open_page(page, app_server, "Data")
    assert page.locator("h1").first.inner_text() == "Data"
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []
