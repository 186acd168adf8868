"""Reference tests for cs_metrics.health.backtest: does the score predict churn?."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cs_metrics import health
from cs_metrics.errors import DataError


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
    # ``end`` is exclusive: the inputs below name the day after the window's last day (28 Feb, 1 Mar).
    assert health.band_before_churn(scores, churn, end="2026-03-01").empty
    assert len(health.band_before_churn(scores, churn, start="2026-03-01", end="2026-03-02")) == 1
    assert health.band_before_churn(scores.iloc[0:0], churn).empty


def test_band_before_churn_counts_a_churn_on_the_last_day_of_the_window_but_not_on_end():
    # February's window [1 Feb, 1 Mar): its last day is 28 Feb 2026.
    scores = pd.DataFrame({"customer_id": [1, 1, 2, 2], "month": ["2026-01-01", "2026-02-01"] * 2,
                           "score": [80.0, 40.0, 60.0, 20.0], "band": ["green", "red", "yellow", "red"]})
    churn = pd.DataFrame({"customer_id": [1, 2], "churned_on": ["2026-02-28", "2026-03-01"]})
    out = health.band_before_churn(scores, churn, start="2026-02-01", end="2026-03-01")
    # Customer 1 churned on 28 Feb, the window's last day: counted, with its January score (80, green),
    # since February had not ended by then. Customer 2 churned on 1 Mar = end: not counted.
    assert out[["customer_id", "month", "band"]].values.tolist() == [[1, "2026-01-01", "green"]]
    assert out["churned_on"].tolist() == ["2026-02-28"]
    # One day more: customer 2 (1 Mar) now counts, with February (ended 28 Feb, score 20, red).
    wider = health.band_before_churn(scores, churn, start="2026-02-01", end="2026-03-02")
    assert wider[["customer_id", "month", "score"]].values.tolist() == [[1, "2026-01-01", 80.0], [2, "2026-02-01", 20.0]]


def test_backtest_flags_a_score_that_does_not_separate():
    # Churners and stayers get the same scores (10, 50, 90 each): every churner-stayer pair is
    # won, lost or tied equally often, so AUC = 0.5 exactly and the interval straddles 0.5.
    scores = pd.DataFrame({"customer_id": range(60), "month": "2026-01-01",
                           "score": [10.0, 50.0, 90.0] * 20})
    churn = pd.DataFrame({"customer_id": range(0, 60, 2), "churned_on": "2026-02-15"})
    r = health.backtest(scores, churn, horizon_days=30, as_of="2026-03-31")
    assert r.auc.auc == pytest.approx(0.5) and r.enough and not r.separates
