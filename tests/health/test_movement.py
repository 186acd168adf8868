"""Reference tests for cs_metrics.health.movement: band movement between months and customers at risk."""

from __future__ import annotations

import pandas as pd
import pytest

from cs_metrics import health
from cs_metrics.errors import DataError


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


def test_transitions_in_order_matches_band_transitions():
    before = pd.DataFrame({"customer_id": [1, 2, 3], "band": ["green", "red", "yellow"], "arr": [1.0, 2.0, 4.0]})
    after = pd.DataFrame({"customer_id": [1, 2, 4], "band": ["red", "red", "green"], "arr": [1.0, 2.0, 8.0]})
    expected = health.band_transitions(before, after)
    # The same pairs counted elsewhere (e.g. by SQL), in any order.
    counts = pd.DataFrame({"from_band": ["unscored", "yellow", "green", "red"],
                           "to_band": ["green", "unscored", "red", "red"], "n": [1, 1, 1, 1], "arr": [8, 4, 1, 2]})
    pd.testing.assert_frame_equal(health.transitions_in_order(counts), expected)
