"""A first visit straight to every page's address (the first of them on a freshly started server)
runs the page inside the app's router: the sections and filters of the sidebar, the page's own title, no "page not
found" dialog and no exception (Streamlit's older automatic navigation of a ``pages/`` folder
would otherwise run the page alone, with a menu of file names)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import app_problems, streamlit_server, wait_for_run_end

pytestmark = pytest.mark.browser

SECTIONS = ["Posture", "Customers", "Culture", "Share", "Data"]
#: Chromium's own console line for each failed request (the request itself is checked by URL).
FAILED_LOAD = "console error: Failed to load resource: the server responded with a status of 404 (Not Found)"


@pytest.fixture(scope="module")
def fresh_server(demo_db_file, tmp_path_factory):
    """A server started for these tests alone: no page has been visited on it before them."""
    with streamlit_server(demo_db_file, tmp_path_factory.mktemp("direct")) as base:
        yield base


@pytest.mark.parametrize(("path", "title"), [
    ("overview", "Overview"), ("nps", "NPS"), ("health", "Health"), ("onboarding", "Onboarding"),
    ("churn", "Churn & retention"), ("maturity", "Maturity"), ("meetings", "Meetings"), ("board_pack", "Board pack"),
    ("data", "Data")])
def test_first_visit_straight_to_a_page_runs_it_inside_the_router(fresh_server, page, path, title):
    base = fresh_server  # each page in a new browser session; the first is the server's first visit
    page.goto(f"{base}/{path}")
    wait_for_run_end(page)
    assert page.locator("[data-testid='stMainBlockContainer'] h1").first.inner_text().strip() == title
    nav = page.get_by_test_id("stSidebarNav")
    links = nav.locator("[data-testid='stSidebarNavLink']").all_inner_texts()
    assert links == ["Overview", "NPS", "Health", "Onboarding", "Churn & retention", "Maturity", "Meetings",
                     "Board pack", "Data"]
    assert [s.strip() for s in nav.locator("header, [data-testid='stNavSectionHeader']").all_inner_texts()] == SECTIONS
    assert page.get_by_text("Filters", exact=True).count() == 1  # the router's sidebar filters
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0
    # The 404s are Streamlit's own probe of the page's path as a base path (its health and
    # host-config endpoints under /<path>/); nothing else fails and nothing warns.
    probe = f"{base}/{path}/_stcore/"
    probes = [e for e in app_problems(page) if e.startswith("HTTP 404: " + probe)]
    assert [e for e in app_problems(page) if e not in probes and e != FAILED_LOAD] == []
    assert app_problems(page).count(FAILED_LOAD) == len(probes)
