"""Reference tests for cs_metrics.health."""

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
