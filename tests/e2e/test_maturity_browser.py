"""Browser test: a person takes the maturity assessment in Chromium and finds it in the results."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import open_page, wait_for_app

pytestmark = pytest.mark.browser

SHOTS = None  # set to a folder path to keep screenshots while looking at the page by hand


def _choose(scope, label: str, option: str) -> None:
    """Pick an option of a select box as a person does: open it, type, press Enter."""
    box = scope.get_by_role("combobox", name=label)
    box.click()
    box.press_sequentially(option)
    scope.page.get_by_role("option", name=option, exact=True).wait_for()
    box.press("Enter")
    wait_for_app(scope.page)


def test_submit_an_assessment_and_see_it_in_the_results(page, app_server):
    page.set_default_timeout(60_000)
    open_page(page, app_server, "Maturity")
    main = page.get_by_test_id("stMainBlockContainer")
    assert main.locator("h1").inner_text().strip() == "Maturity"
    assert main.locator("[data-testid='stException']").count() == 0

    # Results before: Marketing has four respondents in the open demo round.
    main.get_by_role("tab", name="Results").click()
    results = main.get_by_role("tabpanel", name="Results")
    _choose(results, "Team", "Marketing")
    results.get_by_text("Marketing · Maturity check October 2026 · 4 respondents").wait_for()

    # Take the assessment.
    main.get_by_role("tab", name="Take the assessment").click()
    form = main.get_by_test_id("stForm").first
    _choose(form, "Team", "Marketing")
    form.get_by_role("textbox", name="Your name or e-mail").fill("browser.person@example.com")
    _choose(form, "Role", "Individual contributor")
    radios = form.get_by_test_id("stRadio")
    for i in range(4):
        radios.nth(i).get_by_text("2.5 · between Channel and Listening", exact=True).click()
    form.get_by_role("textbox", name="Evidence (a link or an example)").first.fill("<script>alert(1)</script> roadmap vote")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/form.png", full_page=True)
    form.get_by_role("button", name="Submit my assessment").click()
    wait_for_app(page)
    saved = main.get_by_text("Saved your assessment of Marketing")
    saved.wait_for()
    # Without sign-in the first submission shows its revision code once, in bold.
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", saved.locator("strong").inner_text())

    # The results now count five respondents for Marketing.
    main.get_by_role("tab", name="Results").click()
    results.get_by_text("Marketing · Maturity check October 2026 · 5 respondents").wait_for()
    assert results.locator(".js-plotly-plot").count() >= 4
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/results.png", full_page=True)
    assert main.locator("[data-testid='stException']").count() == 0
    assert page.errors == []
