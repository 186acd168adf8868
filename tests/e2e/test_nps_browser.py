"""The NPS page in a real Chromium: headline, trend chart and verbatim table drawn, a theme pill
filters the verbatims, and no exception box or console error appears."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import open_page

pytestmark = pytest.mark.browser
TIMEOUT = 90_000


def _script_done(page) -> None:
    """Wait until Streamlit reports that the script run is over (not just that a title is drawn)."""
    page.wait_for_function(
        "() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
        " return app && app.dataset.testScriptState === 'notRunning'; }",
        timeout=TIMEOUT,
    )


def test_nps_page_shows_trend_and_verbatims_and_filters_by_theme(app_server, page):
    open_page(page, app_server, "NPS")
    _script_done(page)
    main = page.get_by_test_id("stMainBlockContainer")
    assert main.locator("h1").first.inner_text() == "NPS"
    # Headline tile with its interval and n.
    assert main.get_by_test_id("stMetric").first.inner_text().startswith("NPS")
    assert re.search(r"95% CI [+-]\d+ to [+-]\d+ · n = [\d,]+", main.inner_text())
    # The trend chart is drawn (an SVG with the interval band and the points).
    trend = main.get_by_test_id("stPlotlyChart").first
    trend.locator(".main-svg").first.wait_for(timeout=TIMEOUT)
    assert trend.locator(".scatterlayer .trace").count() >= 3
    # The verbatim table is drawn.
    verbatims = page.locator(".st-key-nps_verbatims")
    verbatims.get_by_test_id("stDataFrame").wait_for(timeout=TIMEOUT)
    before = main.get_by_text(re.compile(r"^[\d,]+ comment\(s\)$")).inner_text()
    # Choosing a theme filters the table.
    page.locator(".st-key-nps_theme button", has_text="Billing and invoices").click()
    main.get_by_text(re.compile(r"comment\(s\) about billing and invoices")).wait_for(timeout=TIMEOUT)
    _script_done(page)
    after = main.get_by_text(re.compile(r"comment\(s\) about billing")).inner_text()
    assert int(after.split()[0].replace(",", "")) < int(before.split()[0].replace(",", ""))
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []
