"""Every page of the app, reached through the sidebar navigation as a person would, with every tab
opened: no exception box, and no console error or warning from the app."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import app_problems, open_tabs, wait_for_app

pytestmark = pytest.mark.browser

#: The navigation's pages in order (as ``app.py`` registers them).
PAGES = ["Overview", "NPS", "Health", "Onboarding", "Churn & retention", "Maturity", "Meetings", "Board pack",
         "Data"]


def test_every_page_and_tab_by_navigation_without_console_problems(app_server, page):
    page.goto(app_server)
    wait_for_app(page)
    nav = page.get_by_test_id("stSidebarNav")
    assert nav.locator("[data-testid='stSidebarNavLink']").all_inner_texts() == PAGES
    opened = {}
    for title in PAGES:
        nav.get_by_role("link", name=title, exact=True).click()
        page.wait_for_function(
            "t => { const h = document.querySelector('[data-testid=\"stMainBlockContainer\"] h1');"
            " return h && h.innerText.trim() === t; }", arg=title, timeout=60_000)
        wait_for_app(page)
        opened[title] = open_tabs(page)
        assert page.locator("[data-testid='stException']").count() == 0, title
        assert app_problems(page) == [], title
    # The Health page's six tabs were all opened (the other pages' tabs as they have them).
    assert opened["Health"] == ["Distribution", "Movement", "Customer", "Back-test", "At risk", "Model"]
