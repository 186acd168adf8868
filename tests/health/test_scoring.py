"""Reference tests for cs_metrics.health.scoring: scores, bands, explanations and shares."""

from __future__ import annotations

import math

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


# --- distribution and shares ------------------------------------------------------------------


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


def test_shares_from_counts_equal_band_shares_of_the_rows_counted():
    scored = pd.DataFrame({"month": ["2026-01-01"] * 3 + ["2026-02-01"] * 2, "segment": ["A", "A", "B", "A", "B"],
                           "band": ["red", "green", "green", "yellow", None], "arr": [1.0, 3.0, 6.0, 2.0, 9.0]})
    # The same rows counted per month, segment and band, as SQL returns them (None: no score).
    counts = scored.groupby(["month", "segment", "band"], dropna=False, as_index=False).agg(
        n=("arr", "size"), arr=("arr", "sum"))
    counts["band"] = counts["band"].astype(object).where(counts["band"].notna(), None)
    january = counts[counts["month"] == "2026-01-01"].drop(columns=["month", "segment"])
    shares = health.shares_from_counts(january)
    # January: red 1, green 2 of 3 scored; ARR green 3 + 6 = 9 of 10.
    assert shares["n"].tolist() == [1, 0, 2] and shares["weight_share"].tolist() == pytest.approx([0.1, 0.0, 0.9])
    pd.testing.assert_frame_equal(shares, health.band_shares(scored[scored["month"] == "2026-01-01"], weight="arr"))
    by = health.shares_from_counts(counts.drop(columns=["month"]), by="segment")
    pd.testing.assert_frame_equal(by, health.band_shares_by(scored, "segment", weight="arr"), check_dtype=False)
    trend = health.shares_from_counts(counts.drop(columns=["segment", "arr"]), by="month")
    pd.testing.assert_frame_equal(trend, health.band_trend(scored), check_dtype=False)
    assert health.shares_from_counts(counts[counts["band"].isna()].drop(columns=["month", "segment"])).attrs == {
        "unscored": 1}  # February's unscored row of B
    assert health.shares_from_counts(counts.iloc[0:0], by="segment").empty


def test_histogram_from_bins_equals_score_histogram():
    scored = pd.DataFrame({"score": [0, 50, 50.01, 75, 75.01, 100, None]})
    scored["band"] = health.band(scored["score"])
    # Bins as SQL numbers them: max(ceil(score / 5) - 1, 0): 0 -> 0, 50 -> 9, 50.01 -> 10, 75 -> 14, 75.01 -> 15, 100 -> 19.
    bins = pd.DataFrame({"bin": [0, 9, 10, 14, 15, 19], "band": ["red", "red", "yellow", "yellow", "green", "green"],
                         "n": [1] * 6})
    out = health.histogram_from_bins(bins, bin_width=5, unscored=1)
    pd.testing.assert_frame_equal(out, health.score_histogram(scored, bin_width=5))
    assert out.attrs["unscored"] == 1
    with pytest.raises(DataError):
        health.histogram_from_bins(bins, bin_width=0)
