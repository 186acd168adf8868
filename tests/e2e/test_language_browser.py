"""The language in a real Chromium: a browser that asks for Italian gets Italian from the first page."""

from __future__ import annotations

import pytest

from cs_metrics.i18n import _, using
from tests.e2e.conftest import wait_for_run_end

pytestmark = pytest.mark.browser


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
