"""Consistency checks: customers who joined and left inside a period, revenue data that shows no lost
customer beside logo churn, and the signs of a snapshot export. Hand-made frames, counts written out."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from cs_metrics import consistency

YEAR = dict(start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1))


def test_joined_and_left_counts_only_customers_signed_and_lost_inside_the_window():
    c = pd.DataFrame({
        "signed_on": ["2025-02-01", "2025-03-01", "2024-06-01", "2025-12-31", "2025-04-01"],
        "churned_on": ["2025-05-01", None, "2025-05-01", "2026-01-01", "2025-12-31"],
    })
    # 1st: in and out inside 2025; 2nd: still a customer; 3rd: signed before (it is in the logo-churn
    # denominator); 4th: left on 1 Jan 2026, the window's end, excluded; 5th: left on its last day -> 2.
    assert consistency.joined_and_left(c, **YEAR) == 2
    assert consistency.joined_and_left(c.iloc[:0], **YEAR) == 0


def test_revenue_disagreement_only_when_customers_left_but_no_payer_stopped():
    text = consistency.revenue_disagreement(870, 0, 4974)
    assert text.startswith("Customers lost but no revenue lost: 870 customers left")
    assert "4,974 customers paying" in text
    assert consistency.revenue_disagreement(870, 1, 4974) is None  # one payer gone: the sources agree
    assert consistency.revenue_disagreement(0, 0, 4974) is None  # nobody lost
    assert consistency.revenue_disagreement(5, 0, 0) is None  # no revenue data: nothing to compare


def test_snapshot_signs_same_churn_day_and_signing_days_from_tenure():
    export = pd.Timestamp("2026-10-31")
    tenure = list(range(1, 26))  # 25 customers, tenure 1..25 months, all churned on the export day
    signed = [export - pd.DateOffset(months=t) for t in tenure]  # month ends: 30 Sep, 31 Aug, ...
    c = pd.DataFrame({"signed_on": signed, "churned_on": [export] * 25})
    signs = consistency.snapshot_signs(c)
    assert signs[0].startswith("All 25 churn dates fall on 31 Oct 2026")
    # Every signing date is a month end (30 Sep, 31 Aug, 31 Jul, 30 Jun, ...): 25 of 25 on one day.
    assert signs[1].startswith("25 of 25 signing dates fall on the same day of the month")


def test_snapshot_signs_quiet_for_a_history():
    days = pd.date_range("2024-01-01", periods=40, freq="9D")  # days of the month vary
    churn = pd.date_range("2025-01-01", periods=40, freq="5D")
    assert consistency.snapshot_signs(pd.DataFrame({"signed_on": days, "churned_on": churn})) == []
    # Below 10 churned customers (and 10 signing dates) neither is called a pattern.
    few = pd.DataFrame({"signed_on": days[:9], "churned_on": [pd.Timestamp("2026-10-31")] * 9})
    assert consistency.snapshot_signs(few) == []
