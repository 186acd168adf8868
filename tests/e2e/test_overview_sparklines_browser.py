"""The Overview's sparklines under a period where some series are empty: the tiles without data
draw no sparkline, the others draw theirs, and the browser logs no warning (Streamlit's metric
chart logged Vega's "Infinite extent" warnings for every sparkline, twice)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import app_problems, wait_for_app, wait_for_run_end

pytestmark = pytest.mark.browser
TIMEOUT = 90_000


def test_overview_sparklines_under_a_period_with_empty_series_log_no_warning(app_server, page):
    page.goto(app_server)
    wait_for_run_end(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").filter(has_text="Period").click()
    page.get_by_role("option", name="Custom", exact=True).click()
    wait_for_run_end(page)
    # November 2023 - October 2024: the demo's revenue starts in October 2023 and its health
    # signals later, so the three health tiles have no value (and no series) and NPS, logo churn,
    # GRR and NRR one sparkline point each (services.overview.overview_tiles on the demo database
    # for this period: 11 tiles, health_green, health_green_arr and health_red without a value).
    for end, typed in (("start", "20231101"), ("end", "20241031")):  # year, month, day segments
        sidebar.get_by_role("spinbutton", name=f"year, From – to {end} date").click()
        page.keyboard.type(typed)
    sidebar.get_by_text("Filters", exact=True).click()  # the range is taken when the field loses focus
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_text("01 Nov 2023 – 31 Oct 2024").first.wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    wait_for_run_end(page)
    main.get_by_text("No data for this selection.").first.wait_for(timeout=TIMEOUT)
    empty = main.get_by_text("No data for this selection.").count()
    tiles = main.get_by_test_id("stMetric").count()
    sparklines = main.locator("[class*='st-key-sparkline_']").filter(has=page.locator(".main-svg"))
    page.wait_for_function("n => [...document.querySelectorAll(\"[class*='st-key-sparkline_']\")]"
                           ".filter(e => e.querySelector('.main-svg')).length >= n", arg=tiles - empty,
                           timeout=TIMEOUT)
    assert empty == 3  # the three health tiles
    assert sparklines.count() == tiles - empty  # one per tile with a value, none for the empty ones
    assert page.locator("[data-testid='stException']").count() == 0
    assert app_problems(page) == []
