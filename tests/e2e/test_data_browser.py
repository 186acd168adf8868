"""The Data page in Chromium: upload a CSV, check it (dry run), read the problem report."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import open_page, wait_for_app, wait_for_run_end

pytestmark = pytest.mark.browser

ITALIAN_NPS = (
    "Data;Punteggio;Commento;Codice cliente\r\n"
    "03/06/2025;9;Servizio ottimo, grazie;C000001\r\n"
    "04/06/2025;11;Voto fuori scala;C000002\r\n"
    "05/06/2025;7;Cliente sconosciuto;NOPE\r\n"
).encode("cp1252")


def test_upload_a_csv_and_see_the_dry_run_report(app_server, page, tmp_path):
    open_page(page, app_server, "Data")
    page.get_by_test_id("stSelectbox").filter(has_text="The file holds").click()
    page.get_by_role("option", name="NPS responses", exact=True).click()
    wait_for_app(page)
    path = tmp_path / "risposte_nps.csv"
    path.write_bytes(ITALIAN_NPS)
    page.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(str(path))
    page.get_by_text("risposte_nps.csv").first.wait_for(timeout=30_000)
    page.get_by_text("separator: ';'", exact=False).first.wait_for(timeout=30_000)
    wait_for_app(page)
    page.get_by_role("button", name="Check the file (dry run)").click()
    report = page.locator("[data-testid='stAlert']").filter(has_text="Nothing was written")
    report.wait_for(timeout=30_000)
    assert "2 problems" in report.inner_text()
    # Elements arrive one by one while the script runs: wait for the button and for the run's end.
    download = page.get_by_role("button", name="Download the rows with problems (CSV)")
    download.wait_for(timeout=30_000)
    wait_for_app(page)
    assert download.count() == 1
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(tmp_path / "data_dry_run.png"), full_page=True)
    assert page.errors == []


def test_appoint_someone_and_read_the_audit_trail(app_server, page, tmp_path):
    open_page(page, app_server, "Data")
    page.get_by_text("People and roles", exact=True).first.wait_for(timeout=30_000)
    wait_for_run_end(page)
    page.get_by_label("E-mail they sign in with").fill("mia.rossi@example.com")
    page.get_by_label("Name (optional)").fill("Mia Rossi")
    role = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("Role", exact=True))
    role.scroll_into_view_if_needed()
    role.click()
    page.keyboard.type("editor")  # the box filters its options as one types
    page.get_by_role("option", name="editor", exact=True).click()
    page.get_by_role("button", name="Save person").click()
    page.get_by_text("Saved mia.rossi@example.com: editor.").wait_for(timeout=30_000)
    # The trail (shared with the other browser tests' writes) is counted above its table.
    page.get_by_text(re.compile(r"^[1-9][0-9,]* rows?\.$")).wait_for(timeout=30_000)
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(tmp_path / "data_people.png"), full_page=True)
    assert page.errors == []
