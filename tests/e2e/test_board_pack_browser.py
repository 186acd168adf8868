"""The Board pack page in a real Chromium: generate the pack, download the PDF, no errors."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import open_page

pytestmark = pytest.mark.browser


def test_board_pack_generates_and_downloads_a_pdf(app_server, page, tmp_path):
    open_page(page, app_server, "Board pack")
    page.get_by_text("Preview").first.wait_for(timeout=60_000)
    page.get_by_role("button", name="Generate the pack").click()
    download_pdf = page.get_by_role("button", name="Download PDF")
    download_pdf.wait_for(timeout=180_000)
    with page.expect_download(timeout=60_000) as info:
        download_pdf.click()
    download = info.value
    assert download.suggested_filename == "board-pack.pdf"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 50_000
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []
