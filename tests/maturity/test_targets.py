"""Tests for ``cs_metrics.maturity.targets``: next stage, gaps and a team's profile. Every expected
number is a hand calculation written out."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cs_metrics import maturity as mt
from cs_metrics.maturity import MaturityDataError
from tests.maturity.data import two_rounds


@pytest.mark.parametrize(
    "median, target, expected",
    [(2.0, 4.0, 3.0), (2.5, 4.0, 3.0), (2.75, 3.0, 3.0), (4.5, 5.0, 5.0), (3.0, 3.0, math.nan), (3.5, 3.0, math.nan),
     (math.nan, 3.0, math.nan), (2.0, math.nan, math.nan)],
)
def test_next_stage_is_one_stage_at_a_time(median, target, expected):
    result = mt.next_stage(median, target)
    assert (math.isnan(result) and math.isnan(expected)) or result == expected


def test_gaps_prefers_a_teams_own_target_and_falls_back_to_the_company():
    agg = pd.DataFrame({
        "team": ["CS", "CS", "IT", "IT"],
        "dimension": ["culture", "customer_involvement", "culture", "technology"],
        "median": [2.5, 3.0, np.nan, 4.0],
    })
    targets = pd.DataFrame({
        "team": [None, None, "CS"],
        "dimension": ["culture", "customer_involvement", "customer_involvement"],
        "target_stage": [3.0, 3.5, 4.0],
    })
    out = gaps = mt.gaps(agg, targets)
    # CS culture: company 3.0 - 2.5 = 0.5, next stage floor(2.5) + 1 = 3
    # CS customer involvement: own target 4.0 - 3.0 = 1.0, next stage 4
    # IT culture: median suppressed -> gap unknown ; IT technology: no target -> unknown
    assert out["target"].tolist()[:3] == [3.0, 4.0, 3.0] and math.isnan(out["target"].iloc[3])
    assert out["target_scope"].tolist() == ["company", "team", "company", None]
    assert out["gap"].iloc[0] == 0.5 and out["gap"].iloc[1] == 1.0
    assert out["gap"].iloc[2:].isna().all()
    assert out["next_stage"].iloc[0] == 3.0 and out["next_stage"].iloc[1] == 4.0
    assert not gaps["met"].iloc[0] and gaps["met"].iloc[2] is pd.NA


def test_gaps_target_met_has_no_next_step():
    out = mt.gaps(pd.DataFrame({"dimension": ["culture"], "median": [3.5]}),
                  pd.DataFrame({"dimension": ["culture"], "target": [3.0]}))
    assert out["gap"].item() == -0.5 and bool(out["met"].item()) and math.isnan(out["next_stage"].item())


def test_gaps_refuses_a_target_off_the_grid():
    with pytest.raises(MaturityDataError, match="Target 3.2 is not a stage"):
        mt.gaps(pd.DataFrame({"dimension": ["culture"], "median": [3.0]}),
                pd.DataFrame({"dimension": ["culture"], "target": [3.2]}))


def test_team_profile_has_all_dimensions_previous_round_and_targets():
    data = pd.concat([
        two_rounds([1.0, 2.0, 2.0], [2.0, 2.5, 3.0]),
        two_rounds([], [4.0], dimension="technology"),
    ])
    tg = pd.DataFrame({"team": [None], "dimension": ["culture"], "target": [3.0]})
    prof = mt.team_profile(data, tg, round="R2", team="Sales").set_index("dimension")
    assert list(prof.index) == list(mt.DIMENSIONS)
    # culture: now median(2, 2.5, 3) = 2.5, before median(1, 2, 2) = 2, gap 3 - 2.5 = 0.5, next stage 3
    assert (prof.loc["culture", "median"], prof.loc["culture", "previous"]) == (2.5, 2.0)
    assert (prof.loc["culture", "gap"], prof.loc["culture", "next_stage"]) == (0.5, 3.0)
    # technology: one answer -> suppressed ; organization: none -> n = 0, suppressed
    assert prof.loc["technology", "suppressed"] and prof.loc["organization", "n"] == 0
    assert math.isnan(mt.overall_stage(prof["median"]))
