"""Reference tests for cs_metrics.retention: logo churn, revenue retention, cohorts, renewals.

Every expected number is a hand calculation written out next to it."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cs_metrics import retention
from cs_metrics.errors import DataError

CUSTOMERS = pd.DataFrame(
    {
        "customer_id": [1, 2, 3, 4, 5, 6],
        "signed_on": ["2024-01-01", "2024-06-01", "2024-12-31", "2025-01-01", "2025-03-01", "2023-01-01"],
        "churned_on": [None, "2025-06-01", "2025-12-31", None, "2025-05-01", "2024-12-01"],
    }
)


def test_logo_churn_rate_hand_calculation():
    # Window [2025-01-01, 2026-01-01). Active at start: 1, 2, 3 (6 left in 2024; 4 and 5 signed
    # inside the window). Lost inside: 2 (June) and 3 (31 Dec). Rate = 2 / 3.
    rate = retention.logo_churn_rate(CUSTOMERS, start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1))
    assert rate == pytest.approx(2 / 3)


def test_logo_churn_end_is_exclusive():
    # Window [2025-01-01, 2025-12-31): customer 3 leaves on the 31st, outside it -> 1 of 3 lost.
    assert retention.logo_churn_counts(CUSTOMERS, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)) == (
        3,
        1,
    )


def test_logo_churn_no_customers_at_start_is_nan():
    assert math.isnan(
        retention.logo_churn_rate(CUSTOMERS, start=dt.date(2020, 1, 1), end=dt.date(2021, 1, 1))
    )


def test_logo_churn_bad_window():
    with pytest.raises(DataError):
        retention.logo_churn_rate(CUSTOMERS, start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 1))


# --- revenue retention -----------------------------------------------------------------------------

FIVE = pd.DataFrame(
    {
        "customer_id": [1, 2, 3, 4, 1, 2, 4, 5],
        "month": ["2025-01-01"] * 4 + ["2025-12-01"] * 4,
        "mrr": [100.0, 200.0, 300.0, 400.0, 150.0, 120.0, 400.0, 500.0],
    }
)


def test_revenue_retention_five_customers_hand_calculation():
    # Start (Jan): 1=100, 2=200, 3=300, 4=400 -> starting 1000. Customer 5 starts later: not counted.
    # End (Dec): 1=150 (expansion 50), 2=120 (contraction 80), 3 absent (churned 300), 4=400 (flat).
    # GRR = (1000 - 80 - 300) / 1000 = 0.62; NRR = (1000 + 50 - 80 - 300) / 1000 = 0.67.
    rr = retention.revenue_retention(FIVE, start_month=dt.date(2025, 1, 1), end_month=dt.date(2025, 12, 1))
    assert (rr.n, rr.n_churned) == (4, 1)
    assert (rr.starting, rr.expansion, rr.contraction, rr.churned) == (1000.0, 50.0, 80.0, 300.0)
    assert rr.grr == pytest.approx(0.62)
    assert rr.nrr == pytest.approx(0.67)
    assert rr.ending == pytest.approx(670.0)  # 150 + 120 + 0 + 400


def test_revenue_retention_nrr_above_one_while_grr_caps_at_one():
    # 1: 100 -> 250 (expansion 150); 2: 100 -> 100. NRR = (200 + 150) / 200 = 1.75; GRR = 200 / 200 = 1.
    r = pd.DataFrame(
        {
            "customer_id": [1, 2, 1, 2],
            "month": ["2025-01-01"] * 2 + ["2025-07-01"] * 2,
            "mrr": [100.0, 100.0, 250.0, 100.0],
        }
    )
    rr = retention.revenue_retention(
        r, start_month=pd.Timestamp("2025-01-01"), end_month=pd.Timestamp("2025-07-01")
    )
    assert rr.nrr == pytest.approx(1.75)
    assert rr.grr == pytest.approx(1.0)


def test_revenue_retention_no_customers_at_start_is_nan_with_a_message():
    rr = retention.revenue_retention(FIVE, start_month="2024-01-01", end_month="2025-12-01")
    assert math.isnan(rr.grr) and math.isnan(rr.nrr)
    assert rr.n == 0 and "No customer had revenue in January 2024" in rr.note
    empty = retention.revenue_retention(FIVE.iloc[:0], start_month="2025-01-01", end_month="2025-12-01")
    assert math.isnan(empty.grr) and empty.note


def test_revenue_retention_one_customer_and_zero_mrr_at_start():
    # A customer paying 0 in the start month is not "present at the start"; the other keeps 80 of 100.
    r = pd.DataFrame(
        {
            "customer_id": [1, 2, 1, 2],
            "month": ["2025-01-15", "2025-01-01", "2025-02-01", "2025-02-20"],
            "mrr": [100.0, 0.0, 80.0, 500.0],
        }
    )
    rr = retention.revenue_retention(r, start_month="2025-01-01", end_month="2025-02-01")
    assert rr.n == 1
    assert rr.grr == pytest.approx(0.8) and rr.nrr == pytest.approx(0.8)  # 80 / 100


def test_revenue_retention_rejects_bad_tables():
    with pytest.raises(retention.RevenueDataError, match="negative MRR"):
        retention.revenue_retention(
            FIVE.assign(mrr=FIVE["mrr"] * -1), start_month="2025-01-01", end_month="2025-12-01"
        )
    with pytest.raises(retention.RevenueDataError, match="no numeric MRR"):
        retention.revenue_retention(
            FIVE.assign(mrr=[None] + [1.0] * 7), start_month="2025-01-01", end_month="2025-12-01"
        )
    with pytest.raises(retention.RevenueDataError, match="repeat a customer and month"):
        retention.revenue_retention(
            pd.concat([FIVE, FIVE.iloc[:1]]), start_month="2025-01-01", end_month="2025-12-01"
        )
    with pytest.raises(retention.RevenueDataError, match="column"):
        retention.revenue_retention(
            FIVE.drop(columns="mrr"), start_month="2025-01-01", end_month="2025-12-01"
        )
    with pytest.raises(retention.RevenueDataError, match="after the start month"):
        retention.revenue_retention(FIVE, start_month="2025-12-01", end_month="2025-12-15")


@settings(max_examples=60, deadline=None)
@given(
    start=st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=20),
    change=st.lists(st.floats(-2.0, 3.0, allow_nan=False), min_size=20, max_size=20),
)
def test_revenue_retention_grr_never_above_one_and_nrr_at_least_grr(start, change):
    n = len(start)
    end = [max(0.0, s * (1 + c)) for s, c in zip(start, change)]
    r = pd.DataFrame(
        {
            "customer_id": list(range(n)) * 2,
            "month": ["2025-01-01"] * n + ["2026-01-01"] * n,
            "mrr": start + end,
        }
    )
    rr = retention.revenue_retention(r, start_month="2025-01-01", end_month="2026-01-01")
    if rr.n:
        assert 0.0 <= rr.grr <= 1.0 + 1e-12
        assert rr.nrr >= rr.grr - 1e-12
    else:
        assert math.isnan(rr.grr)


def test_retention_months_compare_the_month_before_the_period_with_its_last_month():
    # 12 months from 23 Nov 2025 to 22 Nov 2026 (end excluded: 23 Nov 2026): revenue going in
    # (Nov 2025, the month of 22 Nov) vs the month of the last day, Nov 2026.
    assert retention.retention_months(dt.date(2025, 11, 23), dt.date(2026, 11, 23)) == (
        dt.date(2025, 11, 1),
        dt.date(2026, 11, 1),
    )


# --- data checks ---------------------------------------------------------------------------------


def test_negative_mrr_reports_count_and_examples_and_is_excluded():
    r = pd.DataFrame({"customer_id": [1, 2, 3], "month": ["2025-01-01"] * 3, "mrr": [10.0, -5.0, -1.0]})
    clean, issue = retention.without_negative_mrr(r)
    assert issue.count == 2 and bool(issue)
    assert issue.examples["customer_id"].tolist() == [2, 3]
    assert clean["customer_id"].tolist() == [1]
    assert not retention.negative_mrr(clean)


def test_churn_before_signing_reports_count_and_examples():
    c = CUSTOMERS.assign(
        churned_on=CUSTOMERS["churned_on"].where(CUSTOMERS["customer_id"] != 4, "2024-12-31")
    )
    issue = retention.churn_before_signing(c)
    assert issue.count == 1 and issue.examples["customer_id"].tolist() == [4]
    assert retention.churn_before_signing(CUSTOMERS).count == 0


# --- cohorts -------------------------------------------------------------------------------------

COHORTS = pd.DataFrame(
    {
        # Cohort 2025-01: customers 1, 2 (MRR 10 and 30); 2 leaves after month 1; 1 doubles in month 2.
        # Cohort 2025-02: customers 3, 4, 5 (MRR 20 each); 5 leaves after month 0.
        "customer_id": [1, 2, 1, 2, 1, 3, 4, 5, 3, 4, 3],
        "month": [
            "2025-01-01",
            "2025-01-01",
            "2025-02-01",
            "2025-02-01",
            "2025-03-01",
            "2025-02-01",
            "2025-02-01",
            "2025-02-01",
            "2025-03-01",
            "2025-03-01",
            "2025-04-01",
        ],
        "mrr": [10.0, 30.0, 10.0, 30.0, 20.0, 20.0, 20.0, 20.0, 20.0, 20.0, 20.0],
    }
)


def test_cohort_table_logo_hand_calculation():
    t = retention.cohort_table(COHORTS, by="logo", cohort="M", min_customers=1)
    # 2025-01: month 0 2/2, month 1 2/2, month 2 1/2, month 3 0/2 (observed up to April: 0 rows).
    assert t.loc["2025-01"].tolist() == [1.0, 1.0, 0.5, 0.0]
    # 2025-02: month 0 3/3, month 1 2/3, month 2 1/3, month 3 not observed yet (April is the last month).
    assert t.loc["2025-02", [0, 1, 2]].tolist() == pytest.approx([1.0, 2 / 3, 1 / 3])
    assert math.isnan(t.loc["2025-02", 3])
    # Weighted: month 1 (2 + 2) / (2 + 3) = 0.8; month 2 (1 + 1) / 5 = 0.4; month 3 only 2025-01: 0 / 2.
    assert t.loc[retention.WEIGHTED_ROW].tolist() == pytest.approx([1.0, 0.8, 0.4, 0.0])
    assert t.attrs["size"] == {"2025-01": 2, "2025-02": 3}
    assert t.attrs["observed"] == {0: 5, 1: 5, 2: 5, 3: 2}


def test_cohort_table_revenue_can_exceed_one():
    t = retention.cohort_table(COHORTS, by="revenue", cohort="M", min_customers=1)
    # 2025-01 starts at 40; month 1: 40 -> 1.0; month 2: customer 1 pays 20 -> 0.5.
    assert t.loc["2025-01", [0, 1, 2]].tolist() == pytest.approx([1.0, 1.0, 0.5])
    grown = COHORTS.assign(
        mrr=COHORTS["mrr"].where(~((COHORTS["customer_id"] == 3) & (COHORTS["month"] == "2025-04-01")), 100.0)
    )
    t2 = retention.cohort_table(grown, by="revenue", cohort="M", min_customers=1)
    assert t2.loc["2025-02", 2] == pytest.approx(100 / 60)  # customer 3: 100 in April, cohort base 60


def test_cohort_table_quarters_pool_months_and_wait_for_the_whole_cohort():
    t = retention.cohort_table(COHORTS, by="logo", cohort="Q", min_customers=1)
    # 2025 Q1 = both cohorts (5 customers). Month 1: (2 + 2) / 5; month 2: (1 + 1) / 5; month 3 is NaN:
    # the February customers have not reached month 3 yet.
    assert t.index.tolist() == ["2025 Q1", retention.WEIGHTED_ROW]
    assert t.loc["2025 Q1", [0, 1, 2]].tolist() == pytest.approx([1.0, 0.8, 0.4])
    assert math.isnan(t.loc["2025 Q1", 3])
    assert t.attrs["size"] == {"2025 Q1": 5}


def test_cohort_table_weighted_row_needs_min_customers_and_accepts_aggregates():
    t = retention.cohort_table(COHORTS, min_customers=3)
    assert math.isnan(t.loc[retention.WEIGHTED_ROW, 3])  # only 2 customers observed at month 3
    agg = retention.cohort_counts(COHORTS)
    pd.testing.assert_frame_equal(retention.cohort_table(agg, min_customers=3), t)


def test_cohort_table_empty_one_row_and_bad_options():
    assert retention.cohort_table(COHORTS.iloc[:0]).empty
    one = retention.cohort_table(COHORTS.iloc[:1], min_customers=1)
    assert one.loc["2025-01"].tolist() == [1.0]
    with pytest.raises(DataError):
        retention.cohort_table(COHORTS, by="seats")
    with pytest.raises(DataError):
        retention.cohort_table(COHORTS, cohort="W")


# --- contract ends and renewals --------------------------------------------------------------------


