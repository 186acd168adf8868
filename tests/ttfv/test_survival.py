"""Reference tests for ``cs_metrics.ttfv.survival``: Kaplan-Meier curves, quantiles and shares.

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

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cs_metrics import ttfv
from tests.ttfv.data import FREIREICH, TINY, bmt, heart, row

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
    mp, pl = row(s, "6-MP"), row(s, "placebo")
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


def test_bmt_medians_against_lifelines():
    data = bmt()
    s = ttfv.ttfv_summary(data, by="group", targets=(100, 365, 1000))
    # lifelines 0.30.3 KaplanMeierFitter per group: medians 418, 183, 2204; median CIs
    # (192, inf), (113, 390), (641, inf); AML-High p75 = percentile(0.25) = 677.
    assert s["group"].tolist() == ["ALL", "AML-High Risk", "AML-Low Risk"]
    assert s["median"].tolist() == [418, 183, 2204]
    assert s["median_low"].tolist() == [192, 113, 641]
    assert s["median_high"].tolist() == [math.inf, 390, math.inf]
    assert row(s, "AML-High Risk")["p75"] == 677
    # lifelines 0.30.3 survival_function_at_times, 1 - S(365): 0.45080092, 0.62222222, 0.22222222.
    np.testing.assert_allclose(s["within_365"], [0.45080091533180766, 0.6222222222222221, 0.2222222222222222], atol=1e-12)


def test_heart_transplant_summary_against_lifelines():
    s = ttfv.ttfv_summary(heart(), targets=(30, 60, 90, 365)).iloc[0]
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


# --- reading the curve ---------------------------------------------------------------------------


def test_curve_at_reads_the_step_and_stops_at_the_follow_up():
    c = ttfv.survival_curve(TINY.assign(g="x"), by="g")
    pts = ttfv.curve_at(c, days=(1, 5, 7, 12, 30))
    # Day 1: before any event, S = 1; day 5: 0.7 * 5/6; day 7: S(6); day 12: S(8); day 30 is
    # beyond the longest follow-up (12) while S > 0, so it is left out.
    assert pts["days"].tolist() == [1, 5, 7, 12]
    np.testing.assert_allclose(pts["still_onboarding"], [1, 0.7 * 5 / 6, 0.7 * 5 / 6 * 0.8, 0.7 * 5 / 6 * 0.8 * 2 / 3])


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
