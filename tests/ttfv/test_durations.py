"""Tests for ``cs_metrics.ttfv.durations``: days to first value from customers and milestones,
signing cohorts, input checks and the data-problem report. Expected values are hand calculations
written out next to each assertion."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from cs_metrics import ttfv
from cs_metrics.errors import DataError
from cs_metrics.period import Period
from tests.ttfv.data import AS_OF, TINY, customers, milestones


def test_ttfv_durations_censors_at_as_of_or_churn_and_reports_impossible_rows():
    d = ttfv.ttfv_durations(customers(), milestones(), as_of=AS_OF).set_index("customer_id")
    # 1: first value 2026-01-21, 20 days after signing (the later duplicate is ignored).
    # 2: left 2026-02-15 without first value: censored at churn, 45 days.
    # 3: first value dated after as_of (2026-08-01): not reached yet, censored at as_of = 121 days.
    # 4: signed 2026-06-01, nothing yet: censored at as_of, 29 days.
    # 5: signed after as_of: not in the data yet.
    assert d.index.tolist() == [1, 2, 3, 4]
    assert d["days"].tolist() == [20, 45, 121, 29]
    assert d["reached"].tolist() == [True, False, False, False]
    assert d["left_before_value"].tolist() == [False, True, False, False]
    assert d.loc[1, "signing_quarter"] == "2026 Q1" and d.loc[1, "name"] == "A"
    problems = d.attrs["problems"].set_index("customer_id")
    # 6: first value before signing; 7: first value after leaving; 8: left before signing;
    # 9: no signing date; 1: two first-value milestones (kept, earliest used).
    assert problems["problem"].to_dict() == {
        9: "no signing date",
        1: "more than one first-value milestone",
        6: "first value dated before signing",
        7: "first value dated after the customer left",
        8: "churned before signing",
    }
    assert problems.loc[1, "detail"] == "2 first-value milestones; the earliest (2026-01-21) is used"


def test_ttfv_durations_rejects_duplicate_customers_and_handles_no_customers():
    with pytest.raises(DataError, match="more than once"):
        ttfv.ttfv_durations(pd.concat([customers(), customers()]), milestones(), as_of=AS_OF)
    none = ttfv.ttfv_durations(customers().iloc[:0], milestones().iloc[:0], as_of=AS_OF)
    assert none.empty and {"days", "reached", "left_before_value"} <= set(none.columns)
    assert none.attrs["problems"].empty


def test_problem_report_adds_milestones_dated_before_signing():
    d = ttfv.ttfv_durations(customers(), milestones(), as_of=AS_OF)
    early = pd.DataFrame({"customer_id": [4, 6], "name": ["D", "F"], "kind": ["kickoff", "first_value"],
                          "reached_on": pd.to_datetime(["2026-05-20", "2026-01-20"]),
                          "signed_on": pd.to_datetime(["2026-06-01", "2026-02-01"])})
    report = ttfv.problem_report(d, early_milestones=early)
    # Customer 6's early first value is already reported by ttfv_durations: not listed twice.
    assert report["customer_id"].tolist().count(6) == 1
    kick = report[report["problem"] == "milestone dated before signing"]
    assert kick[["customer_id", "name", "detail"]].values.tolist() == [[4, "D", "kickoff on 2026-05-20, signed 2026-06-01"]]
    clean = pd.DataFrame({"customer_id": [1], "days": [3.0], "reached": [True]})
    assert ttfv.problem_report(clean).empty and list(ttfv.problem_report(clean).columns) == [
        "customer_id", "name", "problem", "detail"]


def test_signed_in_reads_end_as_exclusive():
    d = pd.DataFrame({
        "customer_id": [1, 2, 3, 4],
        "signed_on": pd.to_datetime(["2025-12-31", "2026-01-01", "2026-01-31", "2026-02-01"]),
    })
    d.attrs["problems"] = "kept"
    out = ttfv.signed_in(d, start=dt.date(2026, 1, 1), end=dt.date(2026, 2, 1))
    # The window [2026-01-01, 2026-02-01): signed on start (2) and on end - 1 day, the window's last
    # day (3), are in; signed on end (4) and the day before start (1) are out.
    assert out["customer_id"].tolist() == [2, 3]
    assert out.attrs == {"problems": "kept"}
    # January as a Period, built from its first and last day: .end is 1 February, the same window.
    january = Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert ttfv.signed_in(d, start=january.start, end=january.end)["customer_id"].tolist() == [2, 3]


def test_nan_duration_or_flag_is_a_data_error_that_says_what_to_fix():
    with pytest.raises(DataError, match="no number in 'days'"):
        ttfv.ttfv_summary(pd.DataFrame({"days": [1.0, np.nan], "reached": [1, 1]}))
    with pytest.raises(DataError, match="True/False"):
        ttfv.survival_curve(pd.DataFrame({"days": [1.0, 2.0], "reached": [1, "maybe"]}))
    with pytest.raises(DataError, match="negative duration"):
        ttfv.compare_groups(pd.DataFrame({"days": [-1.0, 2.0], "reached": [1, 1], "g": ["a", "b"]}), by="g")
    with pytest.raises(DataError, match=r"needs the column\(s\) \['segment'\]"):
        ttfv.ttfv_summary(TINY, by="segment")
