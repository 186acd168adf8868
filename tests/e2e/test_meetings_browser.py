"""The Meetings page in a real Chromium: charts drawn, a Word minutes file uploaded, items proposed."""

from __future__ import annotations

import os

import pytest

from tests.e2e.conftest import open_page, wait_for_app
from tests.test_minutes import build_docx_minutes

pytestmark = pytest.mark.browser


def test_upload_minutes_and_see_the_proposed_items(app_server, page, tmp_path):
    open_page(page, app_server, "Meetings")
    page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=60_000)
    assert page.locator("[data-testid='stMetric']").count() == 4

    page.get_by_role("tab", name="Log or upload a meeting").click()
    minutes = tmp_path / "marketing_review_2026-05-14.docx"
    minutes.write_bytes(build_docx_minutes())
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(minutes))
    page.get_by_text("5 agenda item(s) proposed from marketing_review_2026-05-14.docx").wait_for(timeout=90_000)
    wait_for_app(page)

    assert page.get_by_label("Item 1", exact=True).input_value() == "Campaign calendar for June"
    assert page.get_by_label("Item 3", exact=True).input_value() == "Testimonials from customers for the new website"
    assert page.get_by_label("Decision 1", exact=True).input_value() == "send the newsletter every two weeks instead of weekly."
    if os.environ.get("OUTSIDE_IN_SCREENSHOTS"):
        page.screenshot(path=os.environ["OUTSIDE_IN_SCREENSHOTS"] + "/meetings_upload.png", full_page=True)
    # The suggested relevance is shown with the terms that produced it.
    assert page.get_by_label("Customer relevance").nth(2).input_value() == (
        "suggested: direct (customer* +1.0, testimonial* +1.0, website +0.5)"
    )
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []


def test_bad_upload_shows_a_message(app_server, page, tmp_path):
    open_page(page, app_server, "Meetings")
    page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=60_000)
    page.get_by_role("tab", name="Log or upload a meeting").click()
    fake = tmp_path / "minutes.docx"
    fake.write_text("not a Word file")
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(fake))
    page.get_by_text("minutes.docx is not a Word document").wait_for(timeout=90_000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []
