"""The language in a real Chromium: switching it in the sidebar redraws the page and its charts in
Italian; a browser that asks for Italian gets Italian from the first page."""

from __future__ import annotations

import pytest

from cs_metrics.i18n import _, using
from tests.e2e.conftest import app_problems, open_page, wait_for_run_end

pytestmark = pytest.mark.browser


def _histogram(page, title: str):
    chart = page.get_by_test_id("stMainBlockContainer").get_by_test_id("stPlotlyChart").filter(has_text=title).first
    chart.wait_for(state="visible", timeout=90_000)
    return chart


def test_switching_to_italian_redraws_the_page_and_a_charts_axis(app_server, page):
    open_page(page, app_server, "Health")
    english_h1 = page.locator("[data-testid='stMainBlockContainer'] h1").first.inner_text().strip()
    chart = _histogram(page, "Distribution of scores")
    assert chart.locator(".g-ytitle").inner_text() == "Customers"  # charts.health.score_histogram's y axis

    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has_text="Language").click()
    page.get_by_role("option", name="Italiano").click()
    with using("it"):  # the expected Italian is the catalog's (cs_metrics/locale/it/*.po)
        italian_h1, axis, title, label = _(english_h1), _("Customers"), _("Distribution of scores"), _("Language")
    assert italian_h1 != english_h1 and axis == "Clienti"
    page.wait_for_function(
        "t => { const h = document.querySelector('[data-testid=\"stMainBlockContainer\"] h1');"
        " return h && h.innerText.trim() === t; }", arg=italian_h1, timeout=60_000)
    wait_for_run_end(page)
    chart = _histogram(page, title)
    assert chart.locator(".g-ytitle").inner_text() == axis
    assert page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has_text=label).count() == 1
    assert page.locator("[data-testid='stException']").count() == 0
    assert app_problems(page) == []


def test_a_browser_asking_for_italian_gets_italian_first(app_server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="it-IT")
    try:
        pg = context.new_page()
        pg.goto(app_server)
        wait_for_run_end(pg)
        with using("it"):
            overview, filters = _("Overview"), _("Filters")
        assert pg.locator("[data-testid='stMainBlockContainer'] h1").first.inner_text().strip() == overview
        assert pg.get_by_test_id("stSidebar").get_by_text(filters, exact=True).count() == 1
    finally:
        context.close()
