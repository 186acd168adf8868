"""Figures that cannot contradict each other: logo churn against a flat revenue file, ARR from the
customers file when no revenue is imported, customers who joined and left inside the period, churn
dates taken from churn events, and a snapshot export said as such. Small hand-made companies."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from cs_metrics.period import Period
from cs_metrics.services.overview import customers_tiles, retention_tiles
from cs_metrics.storage import db
from cs_metrics.storage import models as m

YEAR = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
MONTHS = [dt.date(2025, mo, 1) for mo in range(1, 13)] + [dt.date(2026, mo, 1) for mo in range(1, 13)]


def _company(engine, *, revenue: bool, churn_events_only: bool = False) -> None:
    """20 customers signed on 15 Mar 2024 (ARR 1,200 each); 5 of them (1-5) left on 10 Jun 2026.
    With ``revenue``: a flat file, 100 a month for every customer in every month of 2025-2026, the
    lost ones included. With ``churn_events_only`` the lost customers' records carry no churn date;
    only their churn events do."""
    with db.session_scope(engine) as s:
        for i in range(1, 21):
            lost = i <= 5
            s.add(m.Customer(id=i, external_id=f"C{i}", name=f"C{i}", segment="SMB", region="Italy",
                             signed_on=dt.date(2024, 3, 15), arr=1200.0, status="churned" if lost else "active",
                             churned_on=dt.date(2026, 6, 10) if lost and not churn_events_only else None))
        s.flush()
        for i in range(1, 6):
            s.add(m.ChurnEvent(customer_id=i, churned_on=dt.date(2026, 6, 10), primary_reason="price"))
        if revenue:
            s.add_all([m.RevenueMonth(customer_id=i, month=mo, mrr=100.0) for i in range(1, 21) for mo in MONTHS])


def test_customers_lost_with_no_revenue_lost_withholds_grr_and_nrr_with_a_warning(engine):
    _company(engine, revenue=True)
    logo, grr, nrr = retention_tiles(engine, period=YEAR)
    assert logo.value == pytest.approx(5 / 20)  # 5 of the 20 active on 1 Jan 2026 left
    # The flat file says every one of the 20 still pays in Dec 2026: GRR would read 100%; withheld.
    assert math.isnan(grr.value) and math.isnan(nrr.value)
    assert grr.warnings == nrr.warnings
    assert grr.warnings[0].startswith("Customers lost but no revenue lost: 5 customers left in the period")
    assert grr.extra["retention"].grr == pytest.approx(1.0) and grr.extra["retention"].n_churned == 0


def test_churn_event_dates_count_when_the_customer_records_have_none(engine):
    _company(engine, revenue=False, churn_events_only=True)
    logo = retention_tiles(engine, period=YEAR)[0]
    # The churn file says 5 left on 10 Jun 2026 though the customers file has no churn date: 5 of 20.
    assert (logo.n, logo.value) == (20, pytest.approx(0.25))


def test_arr_from_the_customers_file_without_revenue_is_labelled(engine):
    _company(engine, revenue=False)
    active, arr = customers_tiles(engine, period=YEAR)
    # Active on 31 Dec 2026: 20 - 5 lost = 15, each with ARR 1,200 in the customers file: 18,000.
    assert active.value == 15 and arr.value == pytest.approx(15 * 1200.0) and arr.n == 15
    assert arr.label == "ARR (customers file)" and "no monthly revenue is imported" in arr.definition
    # The previous year (2025) ends with all 20 active: 24,000.
    assert arr.previous == pytest.approx(20 * 1200.0)


def test_logo_churn_says_who_joined_and_left_inside_the_period(engine):
    _company(engine, revenue=False)
    with db.session_scope(engine) as s:  # two customers who signed and left within 2026
        s.add_all([m.Customer(id=21 + k, external_id=f"N{k}", name=f"N{k}", segment="SMB", region="Italy",
                              signed_on=dt.date(2026, 2, 1), churned_on=dt.date(2026, 9, 1), status="churned")
                   for k in range(2)])
    logo = retention_tiles(engine, period=YEAR)[0]
    assert (logo.n, logo.value) == (20, pytest.approx(5 / 20))  # the two are outside the rate
    assert logo.detail == "5 of the 20 customers active at the start lost; 2 more joined and left within the period (not in the rate)"
    assert logo.extra["joined_and_left"] == 2
