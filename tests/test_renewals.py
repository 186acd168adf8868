"""Contracts and renewals: contract ends under rolling terms and renewal rates, by hand."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from cs_metrics import renewals, retention


def test_contract_ends_rolling_terms_clip_the_day_and_skip_ends_after_churn():
    c = pd.DataFrame(
        {
            "customer_id": [1, 2, 3, 4],
            "signed_on": ["2023-01-31", "2024-10-15", "2024-03-01", "2024-06-10"],
            "contract_term_months": [12, 3, 12, 12],
            "churned_on": [None, "2025-04-15", "2024-12-01", "2025-06-20"],
        }
    )
    ends = renewals.contract_ends(c, start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1))
    got = [(r.customer_id, r.renewal_date.date().isoformat(), r.renewed) for r in ends.itertuples()]
    # 1: 31 Jan 2023 + 24 months = 31 Jan 2025, renewed. 2: quarterly from 15 Oct 2024: 15 Jan 2025
    # renewed, 15 Apr 2025 the churn day (not renewed), nothing after. 3: left mid-term in Dec 2024,
    # before its March 2025 end: not up for renewal. 4: 10 Jun 2025 renewed, churned 20 Jun.
    # Listed by end date.
    assert got == [
        (2, "2025-01-15", True),
        (1, "2025-01-31", True),
        (2, "2025-04-15", False),
        (4, "2025-06-10", True),
    ]
    # With a 15-day grace, customer 4's churn 10 days after its end counts as not renewed.
    grace = renewals.contract_ends(c, start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1), grace_days=15)
    assert grace.loc[grace["customer_id"] == 4, "renewed"].tolist() == [False]


def test_contract_ends_leap_day_and_bad_terms():
    c = pd.DataFrame(
        {"customer_id": [1], "signed_on": ["2024-01-31"], "contract_term_months": [1], "churned_on": [None]}
    )
    ends = renewals.contract_ends(c, start=dt.date(2024, 2, 1), end=dt.date(2024, 4, 1))
    assert [d.date().isoformat() for d in ends["renewal_date"]] == ["2024-02-29", "2024-03-31"]
    with pytest.raises(renewals.ContractDataError, match="whole number of months"):
        renewals.contract_ends(
            c.assign(contract_term_months=[0]), start=dt.date(2024, 2, 1), end=dt.date(2024, 4, 1)
        )
    assert renewals.contract_ends(c.iloc[:0], start=dt.date(2024, 2, 1), end=dt.date(2024, 4, 1)).empty


def test_renewal_vs_retention_standard_worked_example():
    # The standard illustration: 1,000,000 ARR at the start of the year, 250,000 of it up for renewal,
    # 200,000 renewed and nothing else lost -> renewal rate 200 / 250 = 80%, while revenue retention is
    # (1,000,000 - 50,000) / 1,000,000 = 95%.
    customers = pd.DataFrame(
        {
            "customer_id": [1, 2, 3, 4],
            "signed_on": ["2024-03-01", "2024-06-01", "2024-09-01", "2024-11-01"],
            "contract_term_months": [12, 12, 12, 24],
            "churned_on": [None, None, "2025-09-01", None],
            "arr": [150_000.0, 50_000.0, 50_000.0, 750_000.0],
        }
    )
    start, end = dt.date(2025, 1, 1), dt.date(2026, 1, 1)
    contracts = renewals.contract_ends(customers, start=start, end=end)
    assert contracts["customer_id"].tolist() == [1, 2, 3]  # customer 4's 24-month term ends in Nov 2026
    assert renewals.renewal_rate(contracts, start=start, end=end, weight="arr") == pytest.approx(0.80)
    assert renewals.renewal_rate(contracts, start=start, end=end) == pytest.approx(2 / 3)  # by count
    revenue = pd.DataFrame(
        {
            "customer_id": [1, 2, 3, 4, 1, 2, 4],
            "month": ["2024-12-01"] * 4 + ["2025-12-01"] * 3,
            "mrr": [v / 12 for v in (150_000, 50_000, 50_000, 750_000)]
            + [v / 12 for v in (150_000, 50_000, 750_000)],
        }
    )
    rr = retention.revenue_retention(revenue, start_month="2024-12-01", end_month="2025-12-01")
    assert rr.grr == pytest.approx(0.95) and rr.nrr == pytest.approx(0.95)


def test_renewal_rate_only_counts_contracts_due_in_the_window():
    k = pd.DataFrame(
        {
            "renewal_date": ["2024-12-31", "2025-02-01", "2025-03-01", "2026-01-01"],
            "renewed": [False, True, False, False],
        }
    )
    # Only the February and March ends are in [2025-01-01, 2026-01-01): 1 of 2.
    assert renewals.renewal_rate(k, start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1)) == 0.5
    assert math.isnan(renewals.renewal_rate(k, start=dt.date(2023, 1, 1), end=dt.date(2024, 1, 1)))
    with pytest.raises(renewals.ContractDataError):
        renewals.renewal_rate(k.drop(columns="renewed"), start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1))
