"""Reference tests for cs_metrics.health."""

from __future__ import annotations

import math

import numpy as np

import pandas as pd
import pytest

from cs_metrics import health
from cs_metrics.errors import DataError


def test_weighted_score_gainsight_example():
    # Gainsight's documented example: weights 20/15/22 on scores 47/59/21:
    # (20*47 + 15*59 + 22*21) / (20 + 15 + 22) = (940 + 885 + 462) / 57 = 2287 / 57 = 40.1228...
    assert health.weighted_score({"a": 47, "b": 59, "c": 21}, {"a": 20, "b": 15, "c": 22}) == pytest.approx(2287 / 57)


def test_weighted_score_missing_signal_renormalises():
    # c missing: (20*47 + 15*59) / 35 = 1825 / 35 = 52.142857 (not 1825 / 57, which would count c as 0).
    assert health.weighted_score({"a": 47, "b": 59, "c": None}, {"a": 20, "b": 15, "c": 22}) == pytest.approx(1825 / 35)


def test_weighted_score_all_missing_is_nan_and_frame_form():
    assert math.isnan(health.weighted_score({"a": None}, {"a": 1}))
    frame = pd.DataFrame({"a": [47, None], "b": [59, None]})
    out = health.weighted_score(frame, {"a": 20, "b": 15})
    # Row 0: (20*47 + 15*59)/35 = 52.142857; row 1: nothing present -> NaN.
    assert out.iloc[0] == pytest.approx(1825 / 35) and math.isnan(out.iloc[1])


@pytest.mark.parametrize("weights", [{"a": 0, "b": 0}, {"a": -1, "b": 2}, {}])
def test_weights_must_be_non_negative_and_not_all_zero(weights):
    with pytest.raises(DataError):
        health.weighted_score({"a": 1, "b": 2}, weights)


def test_band_boundaries_are_inclusive_on_the_upper_side():
    # 50 is red, 75 is yellow (boundaries belong to the lower band).
    assert [health.band(s) for s in (0, 50, 50.0001, 75, 75.0001, 100)] == ["red", "red", "yellow", "yellow", "green", "green"]
    assert health.band(None) is None and health.band(float("nan")) is None
    assert health.band(pd.Series([50, 75, 80, None])).tolist() == ["red", "yellow", "green", None]
    with pytest.raises(DataError):
        health.band(60, (75, 50))


def test_score_customers_contributions_sum_to_score():
    model = {"signals": {"usage": {"rule": "linear", "worst": 0, "best": 1, "weight": 3},
                         "billing_issue": {"rule": "linear", "worst": 2, "best": 0, "weight": 1}},
             "bands": [50, 75]}
    signals = pd.DataFrame({"customer_id": [1, 1, 2], "month": ["2026-01-01"] * 3,
                            "signal": ["usage", "billing_issue", "usage"], "value": [0.5, 1, 0.9]})
    out = health.score_customers(signals, model).set_index("customer_id")
    # Customer 1: usage 0.5 -> 50, billing 1 of 2 -> 50; (3*50 + 1*50)/4 = 50 -> red (50 is red).
    assert out.loc[1, "score"] == pytest.approx(50.0) and out.loc[1, "band"] == "red"
    assert out.loc[1, "contrib_usage"] + out.loc[1, "contrib_billing_issue"] == pytest.approx(50.0)
    # Customer 2: only usage (0.9 -> 90); billing missing drops out: score 90, green.
    assert out.loc[2, "score"] == pytest.approx(90.0) and out.loc[2, "band"] == "green"
    assert math.isnan(out.loc[2, "contrib_billing_issue"])


def test_band_shares_counts_and_arr():
    scored = pd.DataFrame({"band": ["red", "green", "green", None], "arr": [10.0, 30.0, 60.0, 5.0]})
    out = health.band_shares(scored, weight="arr").set_index("band")
    # 3 scored customers: 1 red, 0 yellow, 2 green; ARR 10 / 0 / 90 of 100.
    assert out["n"].tolist() == [1, 0, 2]
    assert out.loc["green", "share"] == pytest.approx(2 / 3)
    assert out.loc["green", "weight_share"] == pytest.approx(0.9)
    assert out.attrs["unscored"] == 1


# --- weighted score and bands: edge cases -------------------------------------------------------


def test_weighted_score_one_signal_and_signal_without_weight():
    # One signal: the score is that signal's points. "d" has no weight, so it is ignored.
    assert health.weighted_score({"a": 47, "d": 99}, {"a": 20}) == pytest.approx(47.0)
    # A weight of zero drops the signal: (20*47 + 0*59) / 20 = 47.
    assert health.weighted_score({"a": 47, "b": 59}, {"a": 20, "b": 0}) == pytest.approx(47.0)


def test_weighted_score_nan_in_frame_renormalises_per_row():
    frame = pd.DataFrame({"a": [47.0, float("nan")], "b": [59.0, 59.0], "c": [21.0, 21.0]})
    out = health.weighted_score(frame, {"a": 20, "b": 15, "c": 22})
    # Row 0 is Gainsight's example, 2287 / 57; row 1 lacks a: (15*59 + 22*21) / 37 = 1347 / 37 = 36.4054.
    assert out.tolist() == pytest.approx([2287 / 57, 1347 / 37])


def test_band_with_custom_thresholds_is_upper_inclusive():
    # Thresholds (40, 60): 40 red, 40.5 yellow, 60 yellow, 60.5 green.
    assert [health.band(s, (40, 60)) for s in (40, 40.5, 60, 60.5)] == ["red", "yellow", "yellow", "green"]


# --- model validation ---------------------------------------------------------------------------


def _model(**weights):
    return {"signals": {k: {"rule": "linear", "worst": 0, "best": 10, "weight": w} for k, w in weights.items()},
            "bands": [50, 75]}


def test_check_model_accepts_the_default_model_and_returns_floats():
    clean = health.check_model(health.DEFAULT_MODEL)
    assert clean["bands"] == [50.0, 75.0]
    assert clean["signals"]["usage"] == {"rule": "linear", "worst": 0.1, "best": 0.8, "weight": 25.0}


@pytest.mark.parametrize(
    ("model", "fragment"),
    [
        (_model(a=0, b=0), "all weights are zero"),
        (_model(a=-1, b=2), "zero or positive"),
        ({**_model(a=1), "bands": [75, 50]}, "must increase"),
        ({**_model(a=1), "bands": [50, 50]}, "must increase"),
        ({**_model(a=1), "bands": [50, 120]}, "within 0-100"),
        ({**_model(a=1), "bands": [50]}, "exactly two"),
        ({"signals": {"a": {"rule": "linear", "worst": 3, "best": 3, "weight": 1}}}, "make them differ"),
        ({"signals": {"a": {"rule": "percentile", "worst": 0, "best": 1, "weight": 1}}}, "unknown normalisation rule"),
        ({"signals": {"a": {"rule": "linear", "worst": "x", "best": 1, "weight": 1}}}, "must be numbers"),
        ({**_model(a=1), "segments": {"SMB": {"weights": {"a": 0}}}}, "Profile 'SMB': all weights are zero"),
        ({**_model(a=1), "segments": {"SMB": {"weights": {"zzz": 1}}}}, "unknown signals"),
        ({**_model(a=1), "segments": {"SMB": {"bands": [80, 20]}}}, "Profile 'SMB'"),
        ({"signals": {}}, "at least one signal"),
        ("not a model", "at least one signal"),
    ],
)
def test_check_model_rejects_bad_models_with_a_fix_it_message(model, fragment):
    with pytest.raises(health.ModelError) as info:
        health.check_model(model)
    assert fragment in str(info.value)
    assert isinstance(info.value, DataError)


def test_check_model_lists_every_problem_at_once():
    problems = health.model_problems({**_model(a=-1), "bands": [80, 20]})
    assert len(problems) == 2


def test_a_segment_with_no_data_for_any_weighted_signal_is_rejected_and_single_gaps_warned():
    model = _model(a=1, b=1)
    coverage = pd.DataFrame({"segment": ["SMB", "SMB", "Enterprise", "Enterprise"], "signal": ["a", "b", "a", "b"],
                             "customers": [10, 0, 0, 0]})
    with pytest.raises(health.ModelError, match="Segment 'Enterprise': none of the weighted signals has data"):
        health.check_model(model, coverage=coverage)
    # Enterprise gets its own profile weighting only "a" -> still no data there.
    fixed = {**model, "segments": {"Enterprise": {"weights": {"a": 1, "b": 0}}}}
    with pytest.raises(health.ModelError):
        health.check_model(fixed, coverage=coverage)
    coverage.loc[2, "customers"] = 5  # Enterprise now has "a"
    assert health.check_model(fixed, coverage=coverage)
    # SMB has no "b" data: valid, but the editor warns that it drops out there.
    warnings = health.model_warnings(fixed, coverage)
    assert len(warnings) == 1 and "Segment 'SMB'" in warnings[0] and "B" in warnings[0]


def test_edit_model_changes_a_copy_and_builds_segment_profiles():
    model = _model(a=1, b=1)
    edited = health.edit_model(model, rules={"a": (2, 8)}, weights={"a": 3}, bands=(40, 70))
    assert edited["signals"]["a"] == {"rule": "linear", "worst": 2.0, "best": 8.0, "weight": 3.0}
    assert edited["bands"] == [40.0, 70.0] and model["signals"]["a"]["weight"] == 1  # input untouched
    seg = health.edit_model(edited, segment="SMB", weights={"a": 0, "b": 1}, bands=(30, 60))
    assert health.model_weights(seg, "SMB") == {"a": 0.0, "b": 1.0}
    assert health.model_bands(seg, "SMB") == (30.0, 60.0) and health.model_bands(seg, "Enterprise") == (40.0, 70.0)
    assert "segments" not in health.edit_model(seg, segment="SMB", drop_profile=True)


def test_model_table_shares_and_rule_sentences():
    table = health.model_table(health.DEFAULT_MODEL).set_index("signal")
    # DEFAULT_MODEL weights sum to 25+5+10+8+8+7+10+7+12+8 = 100, so usage has a 25% say.
    assert table.loc["usage", "share"] == pytest.approx(0.25)
    assert table["share"].sum() == pytest.approx(1.0)
    assert table.loc["resolution_hours", "rule"].startswith("100 points at 4 or less, 0 at 72")


# --- scoring with profiles, unknown values, all missing -------------------------------------------


def test_score_customers_all_missing_unknown_signal_and_segment_profiles():
    model = {"signals": {"usage": {"rule": "linear", "worst": 0, "best": 1, "weight": 1},
                         "billing_issue": {"rule": "linear", "worst": 2, "best": 0, "weight": 1}},
             "bands": [50, 75], "segments": {"SMB": {"weights": {"usage": 3, "billing_issue": 1}, "bands": [60, 80]}}}
    signals = pd.DataFrame({
        "customer_id": [1, 1, 2, 3, 4, 4],
        "month": ["2026-01-01"] * 6,
        "segment": ["SMB", "SMB", "Enterprise", "Unknown", "Enterprise", "Enterprise"],
        "signal": ["usage", "billing_issue", "usage", "mystery", "usage", "billing_issue"],
        "value": [0.7, 0.0, float("nan"), 5.0, 0.7, 0.0],
    })
    out = health.score_customers(signals, model).set_index("customer_id")
    # Customer 1 (SMB profile 3:1): usage 70, billing 100: (3*70 + 100)/4 = 77.5 -> yellow under (60, 80].
    assert out.loc[1, "score"] == pytest.approx(77.5) and out.loc[1, "band"] == "yellow"
    # Customer 4 (Enterprise, default 1:1): (70 + 100)/2 = 85 -> green.
    assert out.loc[4, "score"] == pytest.approx(85.0) and out.loc[4, "band"] == "green"
    # Customer 2 has only a NaN value and customer 3 only an unknown signal: no score, no band.
    assert 2 not in out.index or (math.isnan(out.loc[2, "score"]) and out.loc[2, "band"] is None)
    assert 3 not in out.index


def test_score_customers_empty_input():
    out = health.score_customers(pd.DataFrame(columns=["customer_id", "month", "signal", "value"]), health.DEFAULT_MODEL)
    assert out.empty and {"score", "band", "contrib_usage"} <= set(out.columns)


def test_score_wide_matches_score_customers_and_keeps_attributes():
    long = pd.DataFrame({"customer_id": [1, 1, 2], "month": ["2026-01-01"] * 3, "signal": ["usage", "advocacy", "usage"],
                         "value": [0.45, 1, 0.8]})
    wide = pd.DataFrame({"customer_id": [1, 2], "month": ["2026-01-01"] * 2, "name": ["A", "B"],
                         "usage": [0.45, 0.8], "advocacy": [1.0, None]})
    a = health.score_customers(long, health.DEFAULT_MODEL).set_index("customer_id")["score"]
    b = health.score_wide(wide, health.DEFAULT_MODEL, keep_raw=True).set_index("customer_id")
    # Customer 1: usage (0.45-0.1)/0.7 = 50 points x 25, advocacy 1 of 2 = 50 x 7: (1250 + 350)/32 = 50.
    assert b.loc[1, "score"] == pytest.approx(50.0) and b.loc[1, "band"] == "red"
    assert b["score"].tolist() == pytest.approx(a.tolist())
    assert b.loc[1, "name"] == "A" and b.loc[1, "usage"] == 0.45


# --- explanation ------------------------------------------------------------------------------


def test_explain_contributions_sum_to_the_score_and_missing_signals_are_flagged():
    values = {"usage": 0.45, "billing_issue": 1, "advocacy": None}
    why = health.explain(values, health.DEFAULT_MODEL)
    # usage 50 points (weight 25), billing 1 of 2 = 50 points (weight 12); the other 8 are missing:
    # score = (25*50 + 12*50) / 37 = 50; contributions 25*50/37 = 33.78 and 12*50/37 = 16.22.
    assert why.attrs["score"] == pytest.approx(50.0) and why.attrs["band"] == "red"
    assert why["contribution"].sum() == pytest.approx(why.attrs["score"])
    assert why.iloc[0]["signal"] == "usage" and why.iloc[0]["contribution"] == pytest.approx(25 * 50 / 37)
    assert why["missing"].sum() == 8 and why.loc[why["signal"] == "advocacy", "missing"].item()
    assert why.attrs["to_next_band"] == pytest.approx(0.0)  # 50 -> yellow needs just above 50
    # What is left on the table: (100 - points) x share: 50 x 25/37 for usage.
    assert why.iloc[0]["lost"] == pytest.approx(50 * 25 / 37)


def test_explain_matches_score_wide_on_every_demo_like_row():
    rng = pd.Series(range(40))
    wide = pd.DataFrame({"customer_id": rng, "month": "2026-01-01", "segment": "SMB",
                         "usage": (rng % 10) / 10, "billing_issue": (rng % 3).where(rng % 4 > 0),
                         "tickets_opened": rng % 5, "resolution_hours": (rng * 3).where(rng % 5 > 0)})
    scored = health.score_wide(wide, health.DEFAULT_MODEL, keep_raw=True)
    for _, row in scored.iterrows():
        why = health.explain(row, health.DEFAULT_MODEL, segment=row["segment"])
        assert why.attrs["score"] == pytest.approx(row["score"])
        contrib = why.set_index("signal")["contribution"]
        assert contrib["usage"] == pytest.approx(row["contrib_usage"])


def test_explain_all_missing_has_no_score_and_no_band():
    why = health.explain({}, health.DEFAULT_MODEL)
    assert math.isnan(why.attrs["score"]) and why.attrs["band"] is None and why["missing"].all()


# --- distribution, shares, movement, at risk -------------------------------------------------------


def test_score_histogram_puts_band_boundaries_in_the_lower_bin():
    scored = pd.DataFrame({"score": [0, 50, 50.01, 75, 75.01, 100, None]})
    scored["band"] = health.band(scored["score"])
    out = health.score_histogram(scored, bin_width=5)
    # 0 -> [0, 5]; 50 -> (45, 50] red; 50.01 -> (50, 55] yellow; 75 -> (70, 75] yellow; 75.01 -> (75, 80] green.
    assert out[["bin_start", "band", "n"]].values.tolist() == [
        [0.0, "red", 1], [45.0, "red", 1], [50.0, "yellow", 1], [70.0, "yellow", 1], [75.0, "green", 1], [95.0, "green", 1]]
    assert out.attrs["unscored"] == 1
    assert health.score_histogram(scored.iloc[0:0]).empty
    with pytest.raises(DataError):
        health.score_histogram(scored, bin_width=0)


def test_band_shares_by_group_and_trend():
    scored = pd.DataFrame({"month": ["2026-01-01"] * 3 + ["2026-02-01"] * 2, "segment": ["A", "A", "B", "A", "B"],
                           "band": ["red", "green", "green", "yellow", None], "arr": [1.0, 3.0, 6.0, 2.0, 9.0]})
    by = health.band_shares_by(scored, "segment", weight="arr").set_index(["segment", "band"])
    # Segment A: red, green, yellow (3 scored): shares 1/3 each; ARR green 3 of 6.
    assert by.loc[("A", "green"), "share"] == pytest.approx(1 / 3) and by.loc[("A", "green"), "weight_share"] == pytest.approx(0.5)
    assert by.loc[("B", "green"), "scored"] == 1  # the unscored row of B is not counted
    trend = health.band_trend(scored).set_index(["month", "band"])
    assert trend.loc[("2026-01-01", "green"), "share"] == pytest.approx(2 / 3)
    assert trend.loc[("2026-02-01", "yellow"), "share"] == pytest.approx(1.0)
    assert health.band_shares_by(scored.iloc[0:0], "segment").empty


def test_band_transitions_counts_arr_and_churn():
    before = pd.DataFrame({"customer_id": [1, 2, 3, 4], "band": ["red", "red", "green", "yellow"], "arr": [10.0, 20.0, 30.0, 40.0]})
    after = pd.DataFrame({"customer_id": [1, 3, 5], "band": ["yellow", "green", "red"], "arr": [11.0, 31.0, 50.0]})
    churn = pd.DataFrame({"customer_id": [2, 4], "churned_on": ["2026-02-10", "2026-05-01"]})
    out = health.band_transitions(before, after, churned=churn, until="2026-02-28")
    got = {(r.from_band, r.to_band): (r.n, r.arr) for r in out.itertuples()}
    # 1 red->yellow (ARR before: 10); 2 churned in Feb (20); 3 green->green (30); 4 churned after the
    # second month, so still just "unscored" (40); 5 new in the second month (ARR after: 50).
    assert got == {("red", "yellow"): (1, 10.0), ("red", "churned"): (1, 20.0), ("green", "green"): (1, 30.0),
                   ("yellow", "unscored"): (1, 40.0), ("unscored", "red"): (1, 50.0)}
    matrix = health.transition_matrix(out)
    assert matrix.loc["red", "yellow"] == 1 and matrix.loc["green", "red"] == 0
    assert list(matrix.index) == ["red", "yellow", "green", "unscored"]
    empty = health.band_transitions(before.iloc[0:0], after.iloc[0:0])
    assert empty.empty and health.transition_matrix(empty).empty


def test_movement_needs_the_first_month_before_the_second():
    scored = pd.DataFrame({"customer_id": [1, 1], "month": pd.to_datetime(["2026-01-01", "2026-02-01"]),
                           "band": ["red", "green"]})
    out = health.movement(scored, None, start_month="2026-01-01", end_month="2026-02-01")
    assert out[["from_band", "to_band", "n"]].values.tolist() == [["red", "green", 1]]
    with pytest.raises(DataError):
        health.movement(scored, None, start_month="2026-02-01", end_month="2026-01-01")


def test_at_risk_lists_red_and_falling_by_arr():
    latest = pd.DataFrame({"customer_id": [1, 2, 3, 4, 5], "score": [40, 70, 90, 60, None],
                           "band": ["red", "yellow", "green", "yellow", None], "arr": [5.0, 50.0, 99.0, 7.0, 1.0],
                           "owner": ["a", "b", "c", "d", "e"]})
    previous = pd.DataFrame({"customer_id": [1, 2, 3, 4], "score": [60, 80, 99, 65]})
    out = health.at_risk(latest, previous, drop=10)
    # 2 fell 10 points (80 -> 70: exactly the threshold counts); 1 is red and fell 20; 3 fell 9; 4 fell 5.
    assert out[["customer_id", "why", "change"]].values.tolist() == [[2, "falling", -10.0], [1, "red and falling", -20.0]]
    assert out.attrs["arr"] == pytest.approx(55.0) and "owner" in out
    only_red = health.at_risk(latest, None)
    assert only_red["customer_id"].tolist() == [1]
    with pytest.raises(DataError):
        health.at_risk(latest, previous, drop=-1)


# --- back-test statistics ------------------------------------------------------------------------


def test_auc_and_delong_by_hand_on_four_cases():
    # Positives 3, 2; negatives 1, 2. Pairs: (3,1)=1, (3,2)=1, (2,1)=1, (2,2)=0.5 -> AUC 3.5/4 = 0.875.
    # DeLong components: V10 = [(1+1)/2, (1+0.5)/2] = [1, 0.75]; V01 = [(1+1)/2, (1+0.5)/2] = [1, 0.75].
    # S10 = S01 = ((0.125)^2 + (0.125)^2) / 1 = 0.03125; Var = S10/2 + S01/2 = 0.03125; SE = 0.1767767.
    out = health.auc_interval([3, 2, 1, 2], [1, 1, 0, 0])
    assert out.auc == pytest.approx(0.875) and out.se == pytest.approx(math.sqrt(0.03125))
    assert out.low == pytest.approx(0.875 - 1.959964 * math.sqrt(0.03125), abs=1e-6) and out.high == 1.0
    assert (out.n_positive, out.n_negative) == (2, 2)


def test_auc_against_hanley_mcneil_1982_table():
    # Hanley & McNeil (1982), Radiology 143:29-36, Table 1: CT ratings 1-5 of 58 normal and 51
    # abnormal images; the paper reports area 0.893 with standard error 0.032.
    normal = np.repeat([1, 2, 3, 4, 5], [33, 6, 6, 11, 2])
    abnormal = np.repeat([1, 2, 3, 4, 5], [3, 2, 2, 11, 33])
    x = np.concatenate([abnormal, normal])
    y = np.r_[np.ones(51), np.zeros(58)]
    hm = health.auc_interval(x, y, method="hanley_mcneil")
    assert round(hm.auc, 3) == 0.893 and round(hm.se, 3) == 0.032
    # DeLong on the same data, against the structural components written out pair by pair.
    psi = (abnormal[:, None] > normal[None, :]) + 0.5 * (abnormal[:, None] == normal[None, :])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    se = math.sqrt(v10.var(ddof=1) / 51 + v01.var(ddof=1) / 58)
    dl = health.auc_interval(x, y)
    assert dl.auc == pytest.approx(psi.mean()) and dl.se == pytest.approx(se)


def test_auc_one_class_or_empty_is_nan_and_bad_method_rejected():
    assert math.isnan(health.auc_interval([1, 2], [1, 1]).auc)
    assert math.isnan(health.auc_interval([], []).auc)
    # NaN predictors drop out: the remaining pair 2 vs 1 is concordant.
    assert health.auc_interval([2, float("nan"), 1], [1, 1, 0]).auc == 1.0
    with pytest.raises(DataError):
        health.auc_interval([1, 2], [1, 0], method="bootstrap")


def _bt_scores():
    # Four customers scored in January and February 2026.
    return pd.DataFrame({
        "customer_id": [1, 2, 3, 4, 5] * 2,
        "month": ["2026-01-01"] * 5 + ["2026-02-01"] * 5,
        "score": [20.0, 60.0, 80.0, 90.0, None, 99.0, 99.0, 99.0, 99.0, 99.0],
    })


def test_backtest_uses_the_month_before_the_window_and_counts_by_band():
    churn = pd.DataFrame({"customer_id": [1, 3, 4], "churned_on": ["2026-02-01", "2026-05-01", "2026-01-20"]})
    r = health.backtest(_bt_scores(), churn, horizon_days=89, month="2026-01-01", as_of="2026-06-30")
    # Window: 1 Feb 2026 + 89 days = [1 Feb, 1 May): customer 1 churns on its first day (counts),
    # 3 churns on 1 May (outside); 4 left on 20 Jan, before the window (dropped); 5 has no score.
    assert (r.window_start, r.window_end) == (pd.Timestamp("2026-02-01"), pd.Timestamp("2026-05-01"))
    assert r.window_last == pd.Timestamp("2026-04-30")
    assert (r.n, r.churned, r.unscored) == (3, 1, 1)
    # The February scores (all 99, after the window opened) play no part: customer 1's score is 20.
    by = r.by_band.set_index("band")
    assert by.loc["red", ["n", "churned"]].tolist() == [1, 1] and by.loc["green", "n"] == 1
    assert by.loc["red", "rate"] == 1.0 and by.loc["yellow", "rate"] == 0.0
    # AUC: the churner (20) is below both stayers (60, 80): 2 of 2 pairs -> 1.0.
    assert r.auc.auc == 1.0 and r.churned_while_green.empty
    assert not r.enough  # 1 churner is far below the minimum


def test_backtest_default_month_and_incomplete_windows():
    churn = pd.DataFrame({"customer_id": [3], "churned_on": ["2026-03-15"]})
    # as_of 30 Apr: January's 90-day window [1 Feb, 2 May) is not complete; a 60-day one is.
    assert health.backtest_months(_bt_scores(), horizon_days=90, as_of="2026-04-30") == []
    # 60 days: January's window [1 Feb, 2 Apr) and February's [1 Mar, 30 Apr) are complete by 30 Apr.
    assert health.backtest_months(_bt_scores(), horizon_days=60, as_of="2026-04-30") == [
        pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01")]
    empty = health.backtest(_bt_scores(), churn, horizon_days=90, as_of="2026-04-30")
    assert empty.n == 0 and math.isnan(empty.auc.auc) and empty.month is None
    with pytest.raises(DataError, match="not fully known yet"):
        health.backtest(_bt_scores(), churn, horizon_days=90, month="2026-01-01", as_of="2026-04-30")
    r = health.backtest(_bt_scores(), churn, horizon_days=60, as_of="2026-04-30")
    assert r.month == pd.Timestamp("2026-02-01")  # the latest testable month by default
    r = health.backtest(_bt_scores(), churn, horizon_days=60, month="2026-01-15", as_of="2026-04-30")
    # Customer 3 (80 in January, green) churned on 15 Mar: a churned-while-green surprise.
    assert r.month == pd.Timestamp("2026-01-01") and r.churned_while_green["customer_id"].tolist() == [3]
    with pytest.raises(DataError):
        health.backtest(_bt_scores(), churn, horizon_days=0)


def test_backtest_empty_inputs():
    none = pd.DataFrame(columns=["customer_id", "month", "score"])
    r = health.backtest(none, pd.DataFrame(columns=["customer_id", "churned_on"]))
    assert r.n == 0 and r.by_band["n"].tolist() == [0, 0, 0] and not r.separates
    assert health.backtest_by_month(none, pd.DataFrame(columns=["customer_id", "churned_on"])).empty


def test_band_before_churn_takes_the_last_month_that_ended_before_churn():
    scores = pd.DataFrame({"customer_id": [1, 1, 1, 2], "month": ["2026-01-01", "2026-02-01", "2026-03-01", "2026-01-01"],
                           "score": [80.0, 60.0, 10.0, 50.0], "band": ["green", "yellow", "red", "red"]})
    churn = pd.DataFrame({"customer_id": [1, 2, 3], "churned_on": ["2026-03-01", pd.NaT, "2026-01-05"]})
    out = health.band_before_churn(scores, churn)
    # Customer 1 churned on 1 Mar: February (ended 28 Feb) is the last full month before; March is after.
    assert out[["customer_id", "band"]].values.tolist() == [[1, "yellow"]]
    assert health.band_before_churn(scores, churn, start="2026-03-02").empty
    assert health.band_before_churn(scores, churn, end="2026-02-28").empty
    assert len(health.band_before_churn(scores, churn, start="2026-03-01", end="2026-03-01")) == 1
    assert health.band_before_churn(scores.iloc[0:0], churn).empty


# --- the demo company: the score predicts churn -------------------------------------------------


def test_demo_backtest_auc_is_clearly_above_chance(demo_db_url):
    import datetime as dt

    from sqlalchemy import create_engine

    from cs_metrics.storage import db
    from tests.conftest import DEMO_AS_OF

    engine = db.make_engine(demo_db_url)
    start, end = dt.date(2025, 11, 1), DEMO_AS_OF
    result = health.health_backtest(engine, start=start, end=end, as_of=DEMO_AS_OF, horizon_days=90)
    engine.dispose()
    # The demo's customers decline before a controllable churn, so the score must separate them.
    assert result.enough and result.separates
    assert result.auc.auc > 0.7 and result.auc.low > 0.6
    # Independently: the latest month whose 90-day window ends by 31 Oct 2026 is July 2026
    # (1 Aug + 90 days = 30 Oct); score it by hand from raw SQL and count concordant pairs.
    assert result.month == pd.Timestamp("2026-07-01")
    raw = create_engine(demo_db_url)
    sig = pd.read_sql("SELECT customer_id, signal, value FROM health_signal WHERE month = '2026-07-01'", raw)
    cust = pd.read_sql("SELECT id AS customer_id, churned_on FROM customer", raw).set_index("customer_id")
    raw.dispose()
    wide = sig.pivot_table(index="customer_id", columns="signal", values="value")
    num = den = 0
    for key, rule in health.DEFAULT_MODEL["signals"].items():
        pts = ((wide[key] - rule["worst"]) / (rule["best"] - rule["worst"]) * 100).clip(0, 100)
        num, den = num + pts.fillna(0) * rule["weight"], den + pts.notna() * rule["weight"]
    score = (num / den).dropna()
    churned_on = pd.to_datetime(cust["churned_on"]).reindex(score.index)
    keep = ~(churned_on < pd.Timestamp("2026-08-01"))
    score, churned_on = score[keep], churned_on[keep]
    hit = (churned_on >= pd.Timestamp("2026-08-01")) & (churned_on < pd.Timestamp("2026-10-30"))
    c, s = score[hit].to_numpy(), score[~hit].to_numpy()
    pairs = (c[:, None] < s[None, :]).sum() + 0.5 * (c[:, None] == s[None, :]).sum()
    assert (result.n, result.churned) == (len(score), int(hit.sum()))
    assert result.auc.auc == pytest.approx(pairs / (len(c) * len(s)))


def test_backtest_flags_a_score_that_does_not_separate():
    # Churners and stayers get the same scores (10, 50, 90 each): every churner-stayer pair is
    # won, lost or tied equally often, so AUC = 0.5 exactly and the interval straddles 0.5.
    scores = pd.DataFrame({"customer_id": range(60), "month": "2026-01-01",
                           "score": [10.0, 50.0, 90.0] * 20})
    churn = pd.DataFrame({"customer_id": range(0, 60, 2), "churned_on": "2026-02-15"})
    r = health.backtest(scores, churn, horizon_days=30, as_of="2026-03-31")
    assert r.auc.auc == pytest.approx(0.5) and r.enough and not r.separates
