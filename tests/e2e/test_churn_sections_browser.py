"""The Churn & retention page's ARR bridge, peer medians and renewals ahead, and the Health page's
plans of accounts at risk, in a real Chromium: drawn, filled, saved, no errors."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import open_page, wait_for_app

pytestmark = pytest.mark.browser


def test_bridge_peers_and_renewals_are_drawn(app_server, page):
    open_page(page, app_server, "Churn & retention")
    wait_for_app(page, timeout=120_000)
    main = page.get_by_test_id("stMainBlockContainer")
    charts = main.get_by_test_id("stPlotlyChart")
    # The waterfall: starting, new, expansion, contraction, churn, ending (six bars).
    page.get_by_role("heading", name="ARR bridge").scroll_into_view_if_needed(timeout=90_000)
    bridge = charts.filter(has_text="ARR from").first
    bridge.scroll_into_view_if_needed(timeout=90_000)
    bridge.locator(".waterfalllayer .point").first.wait_for(timeout=90_000)
    assert bridge.locator(".waterfalllayer .point").count() == 6
    # The company's GRR and NRR with the two peer medians as dashed lines, labelled with their source.
    page.get_by_role("heading", name="Retention against peers").scroll_into_view_if_needed(timeout=90_000)
    peers = charts.filter(has_text="Gross and net revenue retention over time").first
    peers.scroll_into_view_if_needed(timeout=90_000)
    peers.locator(".main-svg").first.wait_for(timeout=90_000)
    assert peers.get_by_text("SaaS Capital 2023").count() == 2
    # Renewals ahead: the ARR up for renewal and the expected renewing ARR.
    page.get_by_role("heading", name="Renewals ahead").scroll_into_view_if_needed(timeout=90_000)
    offer = page.get_by_text("Show renewals ahead", exact=True)
    offer.scroll_into_view_if_needed(timeout=90_000)
    offer.click()
    for label in ("ARR up for renewal", "Expected renewing ARR"):
        main.get_by_test_id("stMetric").filter(has_text=label).first.wait_for(state="visible", timeout=90_000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []


def test_a_plan_for_an_account_at_risk_is_saved_and_listed(app_server, page):
    open_page(page, app_server, "Health")
    main = page.get_by_test_id("stMainBlockContainer")
    page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=90_000)
    page.get_by_role("tab", name="At risk").click()
    form = main.get_by_test_id("stForm").first
    form.wait_for(state="visible", timeout=90_000)
    form.get_by_role("textbox", name="Plan").fill("Executive sponsor call; adoption review with the team")
    form.get_by_role("textbox", name="Next step").fill("Book the call")
    form.get_by_role("button", name="Save plan").click()
    wait_for_app(page)
    main.get_by_text("saved.").first.wait_for(timeout=60_000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []
