"""The Onboarding page in a real Chromium: the curve is drawn, the stalled list is there, no errors."""

from __future__ import annotations

import os

import pytest

from tests.e2e.conftest import open_page

pytestmark = pytest.mark.browser


def test_onboarding_shows_curve_and_stalled_table(app_server, page):
    open_page(page, app_server, "Onboarding")
    page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=30_000)
    # The Kaplan-Meier curve: step lines drawn in the first chart.
    first_chart = page.locator("[data-testid='stPlotlyChart']").first
    assert first_chart.locator("g.scatterlayer path.js-line").count() >= 1
    assert "Share still onboarding" in first_chart.inner_text()
    assert page.get_by_role("heading", name="Stalled onboardings").count() == 1
    # Summary table and stalled list (plus the charts for trend and early churn).
    page.wait_for_function("() => document.querySelectorAll(\"[data-testid='stDataFrame']\").length >= 2", timeout=30_000)
    assert page.locator("[data-testid='stPlotlyChart']").count() == 3
    assert "still onboarding, of which" in page.locator("[data-testid='stAlert']").all_inner_texts().__str__()
    if os.environ.get("OUTSIDE_IN_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["OUTSIDE_IN_SCREENSHOTS"], "onboarding.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []
