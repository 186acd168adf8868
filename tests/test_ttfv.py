"""Reference tests for cs_metrics.ttfv.

Sources of the expected numbers
-------------------------------
* "lifelines 0.30.3": ``KaplanMeierFitter`` / ``logrank_test`` / ``multivariate_logrank_test`` run
  by ``tests/reference/make_ttfv_references.py`` on the same data (lifelines is not a dependency;
  the script says how to run it).
* Hand calculations, written out next to the assertion.
* Textbooks: Kleinbaum & Klein, *Survival Analysis: A Self-Learning Text* (3rd ed.), ch. 2, for the
  Freireich leukaemia trial; R's ``survival::survdiff`` values quoted in statsmodels' own test suite.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.datasets import heart

from cs_metrics import ttfv
from cs_metrics.errors import DataError

# --- data ----------------------------------------------------------------------------------------

TINY = pd.DataFrame({"days": [2, 3, 3, 3, 5, 6, 6, 8, 9, 12], "reached": [1, 1, 1, 0, 1, 0, 1, 1, 0, 0]})

# Freireich et al. (1963): weeks in remission, 6-MP against placebo (0 = censored). The same 42
# rows as lifelines' load_leukemia (the reference script checks this) and R's MASS::gehan.
_6MP = [(6, 1), (6, 1), (6, 1), (6, 0), (7, 1), (9, 0), (10, 1), (10, 0), (11, 0), (13, 1), (16, 1),
        (17, 0), (19, 0), (20, 0), (22, 1), (23, 1), (25, 0), (32, 0), (32, 0), (34, 0), (35, 0)]
_PLACEBO = [(t, 1) for t in (1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23)]
FREIREICH = pd.DataFrame(
    [("6-MP", t, s) for t, s in _6MP] + [("placebo", t, s) for t, s in _PLACEBO], columns=["group", "days", "reached"]
)


def _bmt() -> pd.DataFrame:
    """Klein & Moeschberger's bone-marrow transplant data, as shipped with statsmodels' tests."""
    path = Path(statsmodels.__file__).parent / "duration" / "tests" / "results" / "bmt.csv"
    return pd.read_csv(path).rename(columns={"Group": "group", "T": "days", "Status": "reached"})


def _heart() -> pd.DataFrame:
    d = heart.load_pandas().data
    return pd.DataFrame({"days": d["survival"], "reached": d["censors"].astype(int)})


def _row(summary: pd.DataFrame, group) -> pd.Series:
    return summary.set_index("group").loc[group]


# --- Kaplan-Meier: a tiny case checked by hand ---------------------------------------------------


def test_survival_curve_tiny_case_by_hand_and_against_lifelines():
    curve = ttfv.survival_curve(TINY)
    # By hand: S(2) = 9/10; at day 3 two reach value and one is censored (ties: events first):
    # S(3) = 0.9 * 7/9 = 0.7; S(5) = 0.7 * 5/6; S(6) = S(5) * 4/5; S(8) = S(6) * 2/3.
    # The last row carries the flat tail to the longest follow-up (day 12, censored).
    assert curve["days"].tolist() == [0, 2, 3, 5, 6, 8, 12]
    expected = [1, 0.9, 0.7, 0.7 * 5 / 6, 0.7 * 5 / 6 * 4 / 5, 0.7 * 5 / 6 * 4 / 5 * 2 / 3, 0.7 * 5 / 6 * 4 / 5 * 2 / 3]
    np.testing.assert_allclose(curve["still_onboarding"], expected, rtol=1e-12)
    assert curve["at_risk"].tolist() == [10, 10, 9, 6, 5, 3, 1]
    assert curve["events"].tolist() == [0, 1, 2, 1, 1, 1, 0]
    # lifelines 0.30.3 KaplanMeierFitter on TINY: confidence_interval_ (log-log) at days 2..8.
    np.testing.assert_allclose(
        curve["low"].iloc[1:6], [0.4730092714, 0.3287165933, 0.2297865189, 0.1495518181, 0.0552389049], atol=1e-9
    )
    np.testing.assert_allclose(
        curve["high"].iloc[1:6], [0.9852813934, 0.8919490412, 0.8207394972, 0.7366102367, 0.6245404875], atol=1e-9
    )


def test_ttfv_summary_tiny_case():
    s = ttfv.ttfv_summary(TINY, targets=(3, 5, 10, 20)).iloc[0]
    assert (s["group"], s["n"], s["reached"], s["censored"]) == ("all", 10, 6, 4)
    # By hand: S(5) = 0.583 > 0.5 and S(6) = 0.467 <= 0.5, so the median is day 6; S never
    # drops to 0.25, so the 75th and 90th percentiles are not reached (NaN).
    assert s["median"] == 6
    assert math.isnan(s["p75"]) and math.isnan(s["p90"])
    # lifelines 0.30.3: median_survival_times(confidence_interval_) = (2.0, inf).
    assert s["median_low"] == 2 and s["median_high"] == math.inf
    # 1 - S(t), lifelines 0.30.3 survival_function_at_times: 0.3, 0.41667, 0.68889.
    assert s["within_3"] == pytest.approx(0.3)
    assert s["within_5"] == pytest.approx(1 - 0.7 * 5 / 6)
    assert s["within_10"] == pytest.approx(0.6888888889)
    # Day 20 lies beyond the longest follow-up (day 12): the curve says nothing there.
    assert math.isnan(s["within_20"])


def test_ttfv_summary_median_on_a_flat_half_uses_lifelines_convention():
    d = pd.DataFrame({"days": [1, 2, 3, 4], "reached": [1, 1, 1, 1]})
    s = ttfv.ttfv_summary(d).iloc[0]
    # S = 0.75, 0.5, 0.25, 0. lifelines 0.30.3 gives median 2.0 (first t with S <= 0.5), p75 3.0,
    # p90 4.0 and median CI (1.0, 4.0); R's print.survfit would report 2.5, the midpoint of the
    # flat stretch at exactly 0.5.
    assert (s["median"], s["p75"], s["p90"]) == (2, 3, 4)
    assert (s["median_low"], s["median_high"]) == (1, 4)


# --- public datasets -----------------------------------------------------------------------------


def test_freireich_medians_against_textbook_and_lifelines():
    s = ttfv.ttfv_summary(FREIREICH, by="group", targets=(10, 20))
    mp, pl = _row(s, "6-MP"), _row(s, "placebo")
    # Kleinbaum & Klein ch. 2: median remission 23 weeks on 6-MP, 8 weeks on placebo.
    assert (mp["median"], pl["median"]) == (23, 8)
    assert (mp["n"], mp["reached"], mp["censored"]) == (21, 9, 12)
    # lifelines 0.30.3: median CIs (13, inf) and (4, 11); placebo p75 = percentile(0.25) = 12,
    # p90 = percentile(0.10) = 17; 6-MP never drops to 0.25.
    assert (mp["median_low"], mp["median_high"]) == (13, math.inf)
    assert (pl["median_low"], pl["median_high"]) == (4, 11)
    assert (pl["p75"], pl["p90"]) == (12, 17)
    assert math.isnan(mp["p75"])
    # lifelines 0.30.3: 1 - S(10) = 0.24705882 (6-MP), 0.61904762 (placebo); 1 - S(20) = 0.37254902.
    assert mp["within_10"] == pytest.approx(0.2470588235294122, abs=1e-12)
    assert pl["within_10"] == pytest.approx(0.6190476190476191, abs=1e-12)
    assert mp["within_20"] == pytest.approx(0.3725490196078434, abs=1e-12)


def test_freireich_curve_against_lifelines():
    c = ttfv.survival_curve(FREIREICH, by="group")
    mp = c[c["group"] == "6-MP"].set_index("days")
    # lifelines 0.30.3 survival_function_ and confidence_interval_ for the 6-MP arm.
    assert mp.loc[23.0, "still_onboarding"] == pytest.approx(0.4481792717, abs=1e-9)
    assert mp.loc[13.0, "low"] == pytest.approx(0.4316102225, abs=1e-9)
    assert mp.loc[13.0, "high"] == pytest.approx(0.8490659633, abs=1e-9)
    # The tail runs flat from the last event (23) to the longest follow-up (35, censored).
    assert mp.index.max() == 35 and mp.loc[35.0, "still_onboarding"] == mp.loc[23.0, "still_onboarding"]


def test_compare_groups_freireich_logrank_against_textbook_and_lifelines():
    r = ttfv.compare_groups(FREIREICH, by="group")
    # Kleinbaum & Klein ch. 2: log-rank chi-square 16.79 on 1 df (R: survdiff(Surv(time, cens) ~
    # treat, data = MASS::gehan) gives 16.8, p = 4e-05). lifelines 0.30.3 logrank_test:
    # 16.792940989216547, p = 4.168809109334511e-05.
    assert r.dof == 1
    assert r.chi2 == pytest.approx(16.792940989216547, rel=1e-9)
    assert r.p_value == pytest.approx(4.168809109334511e-05, rel=1e-7)
    assert isinstance(r, tuple) and r == (r.chi2, r.dof, r.p_value)


def test_bmt_medians_and_logrank_against_lifelines_and_r():
    data = _bmt()
    s = ttfv.ttfv_summary(data, by="group", targets=(100, 365, 1000))
    # lifelines 0.30.3 KaplanMeierFitter per group: medians 418, 183, 2204; median CIs
    # (192, inf), (113, 390), (641, inf); AML-High p75 = percentile(0.25) = 677.
    assert s["group"].tolist() == ["ALL", "AML-High Risk", "AML-Low Risk"]
    assert s["median"].tolist() == [418, 183, 2204]
    assert s["median_low"].tolist() == [192, 113, 641]
    assert s["median_high"].tolist() == [math.inf, 390, math.inf]
    assert _row(s, "AML-High Risk")["p75"] == 677
    # lifelines 0.30.3 survival_function_at_times, 1 - S(365): 0.45080092, 0.62222222, 0.22222222.
    np.testing.assert_allclose(s["within_365"], [0.45080091533180766, 0.6222222222222221, 0.2222222222222222], atol=1e-12)
    three = ttfv.compare_groups(data, by="group")
    # lifelines 0.30.3 multivariate_logrank_test: 13.80372188722232, 2 df, p = 0.0010059117411473995
    # (Klein & Moeschberger report 13.8 on 2 df for the three disease groups).
    assert three.dof == 2
    assert three.chi2 == pytest.approx(13.80372188722232, rel=1e-9)
    assert three.p_value == pytest.approx(0.0010059117411473995, rel=1e-7)
    aml = ttfv.compare_groups(data[data["group"] != "ALL"], by="group")
    # R survival::survdiff on the two AML groups: 13.44556 (quoted in statsmodels'
    # duration/tests/test_survfunc.py::test_survdiff); lifelines 0.30.3: 13.445562746329736,
    # p = 0.0002455863454895981.
    assert aml.chi2 == pytest.approx(13.44556, abs=1e-4)
    assert aml.p_value == pytest.approx(0.0002455863454895981, rel=1e-7)


def test_heart_transplant_summary_against_lifelines():
    s = ttfv.ttfv_summary(_heart(), targets=(30, 60, 90, 365)).iloc[0]
    # lifelines 0.30.3 on statsmodels.datasets.heart (69 patients, 45 deaths): median 228,
    # CI (65, 730), percentile(0.25) = 1024; 1 - S(t) at 30/60/90/365.
    assert (s["n"], s["reached"]) == (69, 45)
    assert (s["median"], s["median_low"], s["median_high"], s["p75"]) == (228, 65, 730, 1024)
    np.testing.assert_allclose(
        s[["within_30", "within_60", "within_90", "within_365"]].astype(float),
        [0.16282034935611378, 0.33025627948489134, 0.42158496864604245, 0.5675133840894713], atol=1e-12,
    )


# --- edge cases ----------------------------------------------------------------------------------


def test_all_censored_gives_nan_median_zero_shares_and_no_test():
    d = pd.DataFrame({"days": [5, 10, 40], "reached": [False] * 3, "g": ["a", "a", "b"]})
    s = ttfv.ttfv_summary(d, targets=(30, 60)).iloc[0]
    assert (s["n"], s["reached"], s["censored"]) == (3, 0, 3)
    assert math.isnan(s["median"]) and math.isnan(s["median_low"])
    # Nobody reached first value by day 30 (all followed beyond it is not needed: one was seen
    # to day 40 without it); day 60 is beyond every follow-up, so unknown.
    assert s["within_30"] == 0 and math.isnan(s["within_60"])
    curve = ttfv.survival_curve(d)
    assert curve["days"].tolist() == [0, 40] and curve["still_onboarding"].tolist() == [1, 1]
    r = ttfv.compare_groups(d, by="g")
    assert r.dof == 1 and math.isnan(r.chi2) and math.isnan(r.p_value)


def test_one_group_cannot_be_compared():
    r = ttfv.compare_groups(TINY.assign(g="only"), by="g")
    assert (r.dof, math.isnan(r.chi2), math.isnan(r.p_value)) == (0, True, True)
    words = ttfv.compare_groups_in_words(TINY.assign(g="only"), by="g")
    assert not words.differs and "Not enough customers" in words.text


def test_one_customer_group_is_tested_but_left_out_in_words():
    d = pd.DataFrame({"days": [3.0, 5.0, 5.0, 9.0], "reached": [1, 1, 0, 1], "g": ["a", "a", "b", "a"]})
    r = ttfv.compare_groups(d, by="g")
    # lifelines 0.30.3 logrank_test with a one-customer group: 0.8305084745762723, p = 0.36212553949166193.
    assert r.chi2 == pytest.approx(0.8305084745762723, rel=1e-9)
    assert r.p_value == pytest.approx(0.36212553949166193, rel=1e-7)
    big = pd.concat([FREIREICH, pd.DataFrame({"group": ["lonely"], "days": [3], "reached": [1]})])
    words = ttfv.compare_groups_in_words(big, by="group", label="Arm")
    assert words.groups == ("6-MP", "placebo") and words.left_out == ("lonely",)
    assert words.differs and words.result.chi2 == pytest.approx(16.792940989216547)
    assert "differs by arm" in words.text and "1 group(s) with fewer than 10 customers left out" in words.text
    assert ttfv.small_groups(big, by="group").to_dict("records") == [{"group": "lonely", "n": 1}]


def test_compare_groups_p_value_does_not_underflow():
    fast = pd.DataFrame({"days": np.arange(1, 401) % 10 + 1, "reached": 1, "g": "fast"})
    slow = pd.DataFrame({"days": np.arange(1, 401) % 10 + 200, "reached": 1, "g": "slow"})
    r = ttfv.compare_groups(pd.concat([fast, slow]), by="g")
    # 1 - chi2.cdf rounds to exactly 0 for a statistic this large; chi2.sf keeps the tail.
    assert r.chi2 > 500 and 0 < r.p_value < 1e-100


def test_empty_input_gives_empty_or_nan_results():
    empty = pd.DataFrame({"days": pd.Series(dtype=float), "reached": pd.Series(dtype=bool), "g": pd.Series(dtype=object)})
    assert ttfv.survival_curve(empty).empty
    assert list(ttfv.survival_curve(empty).columns) == ttfv.CURVE_COLUMNS
    s = ttfv.ttfv_summary(empty).iloc[0]
    assert s["n"] == 0 and math.isnan(s["median"]) and math.isnan(s["within_30"])
    assert ttfv.ttfv_summary(empty, by="g").empty
    assert math.isnan(ttfv.compare_groups(empty, by="g").chi2)


def test_one_row():
    one = pd.DataFrame({"days": [12.0], "reached": [True]})
    s = ttfv.ttfv_summary(one).iloc[0]
    # S drops from 1 to 0 at day 12: median, p75 and p90 are all 12; no interval can be inverted.
    assert (s["median"], s["p75"], s["p90"], s["within_30"]) == (12, 12, 12, 1.0)
    assert ttfv.survival_curve(one)["still_onboarding"].tolist() == [1.0, 0.0]


def test_nan_duration_or_flag_is_a_data_error_that_says_what_to_fix():
    with pytest.raises(DataError, match="no number in 'days'"):
        ttfv.ttfv_summary(pd.DataFrame({"days": [1.0, np.nan], "reached": [1, 1]}))
    with pytest.raises(DataError, match="True/False"):
        ttfv.survival_curve(pd.DataFrame({"days": [1.0, 2.0], "reached": [1, "maybe"]}))
    with pytest.raises(DataError, match="negative duration"):
        ttfv.compare_groups(pd.DataFrame({"days": [-1.0, 2.0], "reached": [1, 1], "g": ["a", "b"]}), by="g")
    with pytest.raises(DataError, match=r"needs the column\(s\) \['segment'\]"):
        ttfv.ttfv_summary(TINY, by="segment")


def test_missing_group_value_forms_its_own_group():
    d = TINY.assign(owner=["Ann"] * 5 + [None] * 5)
    s = ttfv.ttfv_summary(d, by="owner")
    assert s["group"].tolist() == ["(not set)", "Ann"] and s["n"].tolist() == [5, 5]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 120), st.booleans()), min_size=1, max_size=40))
def test_curve_is_a_decreasing_step_inside_its_band(rows):
    d = pd.DataFrame(rows, columns=["days", "reached"])
    c = ttfv.survival_curve(d)
    s = c["still_onboarding"].to_numpy()
    assert (np.diff(s) <= 1e-12).all() and (s >= 0).all() and (s <= 1).all()
    assert (c["low"] <= s + 1e-12).all() and (s <= c["high"] + 1e-12).all()
    summary = ttfv.ttfv_summary(d).iloc[0]
    if not math.isnan(summary["median"]):
        assert summary["median"] in set(d.loc[d["reached"], "days"])


def test_curve_at_reads_the_step_and_stops_at_the_follow_up():
    c = ttfv.survival_curve(TINY.assign(g="x"), by="g")
    pts = ttfv.curve_at(c, days=(1, 5, 7, 12, 30))
    # Day 1: before any event, S = 1; day 5: 0.7 * 5/6; day 7: S(6); day 12: S(8); day 30 is
    # beyond the longest follow-up (12) while S > 0, so it is left out.
    assert pts["days"].tolist() == [1, 5, 7, 12]
    np.testing.assert_allclose(pts["still_onboarding"], [1, 0.7 * 5 / 6, 0.7 * 5 / 6 * 0.8, 0.7 * 5 / 6 * 0.8 * 2 / 3])


# --- durations -----------------------------------------------------------------------------------

AS_OF = dt.date(2026, 6, 30)


def _customers() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": [1, 2, 3, 4, 5, 6, 7, 8, 9],
        "name": ["A", "B", "C", "D", "E", "F", "G", "H", "I"],
        "segment": ["SMB", "SMB", "Enterprise", "SMB", "SMB", "SMB", "SMB", "SMB", "SMB"],
        "signed_on": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-03-01", "2026-06-01", "2026-07-15",
                                     "2026-02-01", "2026-02-01", "2026-02-01", None]),
        "churned_on": pd.to_datetime([None, "2026-02-15", None, None, None, None, "2026-03-01", "2026-01-01", None]),
    })


def _milestones() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": [1, 1, 1, 3, 5, 6, 7],
        "kind": ["kickoff", "first_value", "first_value", "first_value", "first_value", "first_value", "first_value"],
        "reached_on": pd.to_datetime(["2026-01-05", "2026-01-21", "2026-01-31", "2026-08-01", "2026-07-20",
                                      "2026-01-20", "2026-04-01"]),
    })


def test_ttfv_durations_censors_at_as_of_or_churn_and_reports_impossible_rows():
    d = ttfv.ttfv_durations(_customers(), _milestones(), as_of=AS_OF).set_index("customer_id")
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
        ttfv.ttfv_durations(pd.concat([_customers(), _customers()]), _milestones(), as_of=AS_OF)
    none = ttfv.ttfv_durations(_customers().iloc[:0], _milestones().iloc[:0], as_of=AS_OF)
    assert none.empty and {"days", "reached", "left_before_value"} <= set(none.columns)
    assert none.attrs["problems"].empty


def test_problem_report_adds_milestones_dated_before_signing():
    d = ttfv.ttfv_durations(_customers(), _milestones(), as_of=AS_OF)
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


# --- targets, stalled list, counts ---------------------------------------------------------------


def test_segment_targets_take_the_most_common_target_and_default_elsewhere():
    counts = pd.DataFrame({"segment": ["SMB", "SMB", "Enterprise", "Mid-Market"],
                           "target_days": [30, 45, 60, 0], "n": [90, 3, 12, 5]})
    assert ttfv.segment_targets(counts, segments=("SMB", "Mid-Market", "Enterprise", "New")) == {
        "Enterprise": 60.0, "Mid-Market": 30.0, "New": 30.0, "SMB": 30.0,  # 0 days is not a target
    }
    assert ttfv.segment_targets(counts.iloc[:0], segments=("SMB",), default=21) == {"SMB": 21.0}


def test_with_targets_stalled_list_and_counts():
    d = pd.DataFrame({
        "customer_id": [1, 2, 3, 4, 5, 6, 7],
        "segment": ["SMB", "SMB", "Enterprise", "Enterprise", "Unknown", "SMB", "SMB"],
        "arr": [10.0, 50.0, 500.0, 90.0, 5.0, 70.0, 1.0],
        "days": [25.0, 40.0, 70.0, 50.0, 31.0, 40.0, 20.0],
        "reached": [True, False, False, False, False, False, False],
        "left_before_value": [False, False, False, False, False, False, True],
    })
    out = ttfv.with_targets(d, targets={"SMB": 30, "Enterprise": 60}, default=30)
    # Targets: SMB 30, Enterprise 60, the unknown segment gets the default 30.
    assert out["target_days"].tolist() == [30, 30, 60, 60, 30, 30, 30]
    assert out["timeliness"].tolist() == ["on time", "late", "late", "not due yet", "late", "late", "left early"]
    stalled = ttfv.stalled_onboardings(out)
    # Past target and still onboarding: 3 (70 d), 2 and 6 (40 d; 6 has more ARR), 5 (31 d).
    assert stalled["customer_id"].tolist() == [3, 6, 2, 5]
    assert stalled["days_over_target"].tolist() == [10, 10, 10, 1]
    counts = ttfv.onboarding_counts(out)
    assert (counts.n, counts.reached, counts.still_onboarding, counts.past_target, counts.left_before_value) == (7, 1, 5, 4, 1)
    assert counts.censored == 6
    assert counts.sentence() == "5 still onboarding, of which 4 past target; 1 left before reaching first value"
    assert ttfv.targets_in(d, targets={"SMB": 30}, default=45) == {"Enterprise": 45, "SMB": 30, "Unknown": 45}
    with pytest.raises(DataError, match="positive number of days"):
        ttfv.with_targets(d, targets={"SMB": -3})


def test_stalled_list_empty_when_nobody_is_late():
    d = pd.DataFrame({"segment": ["SMB"], "days": [3.0], "reached": [False]})
    assert ttfv.stalled_onboardings(ttfv.with_targets(d, targets={})).empty


# --- trend and early churn -----------------------------------------------------------------------


def _windows(recent_days: int, earlier_days: int, n: int = 20) -> pd.DataFrame:
    recent = pd.DataFrame({"signed_on": pd.Timestamp("2026-03-01"), "days": float(recent_days), "reached": True}, index=range(n))
    earlier = pd.DataFrame({"signed_on": pd.Timestamp("2025-03-01"), "days": float(earlier_days), "reached": True}, index=range(n))
    return pd.concat([recent, earlier], ignore_index=True)


def test_faster_than_before_says_faster_slower_or_no_change():
    as_of = dt.date(2026, 6, 30)
    faster = ttfv.faster_than_before(_windows(10, 40), as_of=as_of)
    assert faster.faster is True and (faster.recent_median, faster.earlier_median) == (10, 40)
    assert faster.text.startswith("Onboarding is getting faster")
    assert ttfv.faster_than_before(_windows(40, 10), as_of=as_of).faster is False
    same = ttfv.faster_than_before(_windows(20, 20), as_of=as_of)
    assert same.faster is None and same.text.startswith("No real change")
    few = ttfv.faster_than_before(_windows(10, 40, n=3), as_of=as_of)
    assert few.faster is None and few.text.startswith("Too few customers")


def test_cohort_trend_marks_unreadable_cohorts():
    d = pd.DataFrame({"signing_quarter": ["2026 Q1"] * 12 + ["2026 Q2"] * 3 + ["2026 Q3"] * 12,
                      "days": [10.0] * 15 + [5.0] * 12, "reached": [True] * 15 + [False] * 12})
    t = ttfv.cohort_trend(d)
    assert t["group"].tolist() == ["2026 Q1", "2026 Q2", "2026 Q3"]
    # Q2 has 3 customers (< 10); Q3 has nobody at first value yet, so no median.
    assert t["enough"].tolist() == [True, False, False]
    assert math.isnan(t["median"].iloc[2])


def test_early_churn_by_timeliness_against_hand_calculation():
    as_of = dt.date(2026, 6, 30)
    signed = pd.Timestamp("2026-01-01")
    rows = []
    for i in range(12):  # on time: 1 of 12 lost within 90 days
        rows.append(("on time", signed + pd.Timedelta(days=60) if i == 0 else pd.NaT))
    for i in range(12):  # late: 6 of 12 lost within 90 days, 1 more lost on day 120 (not early)
        rows.append(("late", signed + pd.Timedelta(days=80) if i < 6 else (signed + pd.Timedelta(days=120) if i == 6 else pd.NaT)))
    rows.append(("left early", signed + pd.Timedelta(days=10)))  # neither group
    rows.append(("late", pd.NaT))  # signed too recently: its 90 days are not complete
    d = pd.DataFrame(rows, columns=["timeliness", "churned_on"]).assign(signed_on=signed)
    d.loc[len(d) - 1, "signed_on"] = pd.Timestamp("2026-05-01")
    res = ttfv.early_churn_by_timeliness(d, as_of=as_of)
    t = res.table.set_index("group")
    assert t.loc["on time", ["n", "early_churned"]].tolist() == [12, 1]
    assert t.loc["late", ["n", "early_churned"]].tolist() == [12, 6]
    assert res.difference == pytest.approx(6 / 12 - 1 / 12)
    # Wilson interval written out: (p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n).
    z, n, p = 1.959963984540054, 12, 6 / 12
    centre, half = (p + z**2 / (2 * n)) / (1 + z**2 / n), z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    assert (t.loc["late", "low"], t.loc["late", "high"]) == pytest.approx((centre - half, centre + half))
    # Fisher's exact test, two-sided, by hand: margins 7 lost / 17 kept, 12 per group; sum the
    # hypergeometric probabilities of tables no more likely than the observed one (6 lost late).
    def prob(k):
        return math.comb(7, k) * math.comb(17, 12 - k) / math.comb(24, 12)
    observed = prob(6)
    expected_p = sum(prob(k) for k in range(0, 8) if prob(k) <= observed * (1 + 1e-7))
    assert res.p_value == pytest.approx(expected_p, rel=1e-9)
    # 50% against 8% looks large, but with 12 customers a side p = 0.069: not called a difference.
    assert res.enough and res.p_value > 0.05
    assert res.text.startswith("No real difference in churn within 90 days")


def test_early_churn_with_too_few_customers_says_so():
    d = pd.DataFrame({"timeliness": ["on time", "late"], "churned_on": [pd.NaT, pd.NaT],
                      "signed_on": pd.Timestamp("2026-01-01")})
    res = ttfv.early_churn_by_timeliness(d, as_of=dt.date(2026, 6, 30))
    assert not res.enough and res.text.startswith("Too few customers")
    empty = ttfv.early_churn_by_timeliness(d.iloc[:0], as_of=dt.date(2026, 6, 30))
    assert empty.table["n"].tolist() == [0, 0] and math.isnan(empty.p_value)


def test_reached_by_turns_the_curve_and_its_band_over():
    r = ttfv.reached_by(TINY, days=(3, 8, 20)).set_index("days")
    # 1 - S(3) = 0.3 and 1 - S(8) = 0.68889 (by hand above); the interval is 1 minus the
    # lifelines 0.30.3 log-log band at those days, upper and lower swapped.
    assert r.loc[3, "share"] == pytest.approx(0.3)
    assert (r.loc[3, "low"], r.loc[3, "high"]) == pytest.approx((1 - 0.8919490412, 1 - 0.3287165933), abs=1e-9)
    assert r.loc[8, "share"] == pytest.approx(1 - 0.3111111111, abs=1e-9)
    assert math.isnan(r.loc[20, "share"]) and r["n"].tolist() == [10, 10, 10]
    empty = ttfv.reached_by(TINY.iloc[:0], days=(30,))
    assert math.isnan(empty["share"].iloc[0])


def test_every_step_accepts_no_customers():
    d = ttfv.ttfv_durations(_customers().iloc[:0], _milestones().iloc[:0], as_of=AS_OF)
    status = ttfv.with_targets(d, targets={"SMB": 30})
    assert ttfv.stalled_onboardings(status).empty
    assert ttfv.onboarding_counts(status) == ttfv.OnboardingCounts(0, 0, 0, 0, 0)
    assert ttfv.cohort_trend(d).empty
    assert ttfv.faster_than_before(d, as_of=AS_OF).text.startswith("Too few customers")
    assert ttfv.early_churn_by_timeliness(status, as_of=AS_OF).table["n"].tolist() == [0, 0]
    assert ttfv.compare_groups_in_words(d, by="segment").text.startswith("Not enough customers")
    assert ttfv.curve_at(ttfv.survival_curve(d)).empty


# --- figures and display tables ------------------------------------------------------------------


def test_survival_figure_draws_curves_bands_marks_and_target_lines():
    from cs_metrics.charts import ttfv as charts

    curve = ttfv.survival_curve(FREIREICH, by="group")
    fig = charts.survival_figure(curve, marks=ttfv.curve_at(curve, days=(10, 20)),
                                 targets={"6-MP": 20, "placebo": 20, "other": 8})
    lines = [t for t in fig.data if t.mode == "lines" and t.showlegend is not False]
    assert [t.name for t in lines] == ["6-MP", "placebo"]
    assert sum(1 for t in fig.data if t.fill == "tonexty") == 2  # one band per group
    assert sorted(s.x0 for s in fig.layout.shapes) == [8, 20]  # groups sharing a target share a line
    assert [a.text for a in fig.layout.annotations] == ["target 8 d: other", "target 20 d: 6-MP, placebo"]
    many = ttfv.survival_curve(TINY.assign(g=list("abcdeabcde")), by="g")
    assert not any(t.fill == "tonexty" for t in charts.survival_figure(many).data)  # 5 groups: no bands


def test_display_tables_read_well():
    from cs_metrics.charts import ttfv as charts

    table = charts.summary_table(ttfv.ttfv_summary(FREIREICH, by="group"), group_label="Arm")
    assert table["Arm"].tolist() == ["6-MP", "placebo"]
    assert table["95% CI"].tolist() == ["13–not reached", "4–11"]
    assert table["Within 30 days"].tolist() == ["55.2%", "100.0%"]  # 1 - 0.4481792717 (lifelines, above)
    fig = charts.cohort_trend_figure(ttfv.cohort_trend(FREIREICH.rename(columns={"group": "signing_quarter"})))
    assert "Infinity" not in fig.to_json()  # an open upper limit is drawn, not sent as inf
