"""The Meetings page in a real Chromium: charts drawn, a Word minutes file uploaded, items proposed."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import open_page, wait_for_app
from tests.test_minutes import build_docx_minutes

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def expect_single_value(page: Page, label: str, value: str, timeout: float = 60.0) -> None:
    """Wait until exactly one input is labelled ``label`` and it holds ``value``, then assert it
    (a stale copy left by a re-run, or another value, fails once ``timeout`` seconds have passed)."""
    from playwright.sync_api import expect

    field = page.get_by_label(label, exact=True)
    deadline = time.monotonic() + timeout
    while field.evaluate_all("inputs => inputs.map(i => i.value)") != [value] and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    expect(field).to_have_count(1, timeout=1_000)
    expect(field).to_have_value(value, timeout=1_000)


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

    # While the re-run after the upload settles, Streamlit may still show the form as it was next
    # to the filled one: wait until each field exists once and holds the proposed value.
    expect_single_value(page, "Item 1", "Campaign calendar for June")
    expect_single_value(page, "Item 3", "Testimonials from customers for the new website")
    expect_single_value(page, "Decision 1", "send the newsletter every two weeks instead of weekly.")
    assert page.get_by_label("Customer relevance").count() == 5  # one per proposed item
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
