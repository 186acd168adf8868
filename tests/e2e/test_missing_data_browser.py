"""A page whose data was never imported, in a real Chromium: the Health page without health signals
names the missing file, links to the Data page and offers the template, with no error."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from tests.e2e.conftest import open_page, streamlit_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server_without_health_signals(demo_db_file, tmp_path_factory):
    folder = tmp_path_factory.mktemp("e2e_missing")
    source = folder / "without_signals.db"
    shutil.copy(demo_db_file, source)
    con = sqlite3.connect(source)
    with con:
        con.execute("DELETE FROM health_signal")
    con.close()
    with streamlit_server(source, folder) as base:
        yield base


def test_health_without_signals_names_the_missing_file(server_without_health_signals, page):
    open_page(page, server_without_health_signals, "Health")
    main = page.get_by_test_id("stMainBlockContainer")
    message = main.get_by_test_id("stAlert").filter(has_text="Health: no health signals imported").first
    message.wait_for(state="visible", timeout=60_000)
    assert "It needs the Health signals file" in message.inner_text()
    # The link follows the message in the page's stream: wait for it, as for the template below.
    main.get_by_role("link", name="Import the Health signals file on the Data page →").wait_for(
        state="visible", timeout=30_000)
    template = main.get_by_test_id("stDownloadButton").filter(has_text="Empty Health signals template (CSV)")
    template.wait_for(state="visible", timeout=30_000)
    assert main.get_by_test_id("stMetric").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []
