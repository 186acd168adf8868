"""A first visit straight to a page's address, on a freshly started server, runs the page inside
the app's router: the sections and filters of the sidebar, the page's own title, no "page not
found" dialog and no exception (Streamlit's older automatic navigation of a ``pages/`` folder
would otherwise run the page alone, with a menu of file names)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import streamlit_server, wait_for_app

pytestmark = pytest.mark.browser

SECTIONS = ["Posture", "Customers", "Culture", "Share", "Data"]


@pytest.mark.parametrize(("path", "title"), [("nps", "NPS"), ("board_pack", "Board pack"), ("data", "Data")])
def test_first_visit_straight_to_a_page_runs_it_inside_the_router(demo_db_file, tmp_path, page, path, title):
    with streamlit_server(demo_db_file, tmp_path) as base:
        page.goto(f"{base}/{path}")
        wait_for_app(page)
        assert page.locator("[data-testid='stMainBlockContainer'] h1").first.inner_text().strip() == title
        nav = page.get_by_test_id("stSidebarNav")
        links = nav.locator("[data-testid='stSidebarNavLink']").all_inner_texts()
        assert links == ["Overview", "NPS", "Health", "Onboarding", "Churn & retention", "Maturity", "Meetings",
                         "Board pack", "Data"]
        assert [s.strip() for s in nav.locator("header, [data-testid='stNavSectionHeader']").all_inner_texts()] == SECTIONS
        assert page.get_by_text("Filters", exact=True).count() == 1  # the router's sidebar filters
        assert page.get_by_text("Page not found").count() == 0
        assert page.locator("[data-testid='stException']").count() == 0
        # The two 404s are Streamlit's own probe of the page's path as a base path; nothing else fails.
        assert [e for e in page.errors if "404" not in e] == []
