"""Reference tests for ``cs_metrics.maturity.aggregate``. Every expected number is a hand calculation
written out.

Quartiles follow numpy's default (linear interpolation between order statistics, Hyndman & Fan
type 7): for sorted x_0..x_{n-1}, the p-quantile sits at position h = (n - 1) p, and equals
x_floor(h) + (h - floor(h)) (x_ceil(h) - x_floor(h)).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cs_metrics import maturity as mt
from cs_metrics.maturity import MaturityDataError
from tests.maturity.data import answers, two_rounds

# --- aggregate -----------------------------------------------------------------------------------


def test_aggregate_even_n_with_half_steps():
    # sorted 2.0, 2.5, 3.0, 3.5 (n = 4)
    # median = (2.5 + 3.0) / 2 = 2.75
    # q1: h = 3 * 0.25 = 0.75 -> 2.0 + 0.75 * (2.5 - 2.0) = 2.375
    # q3: h = 3 * 0.75 = 2.25 -> 3.0 + 0.25 * (3.5 - 3.0) = 3.125 ; iqr = 0.75 < 1 -> consensus
    row = mt.aggregate(answers([3.5, 2.0, 3.0, 2.5])).iloc[0]
    assert row["median"] == 2.75
    assert row["q1"] == pytest.approx(2.375) and row["q3"] == pytest.approx(3.125)
    assert row["iqr"] == pytest.approx(0.75)
    assert (row["min"], row["max"], row["n"]) == (2.0, 3.5, 4)
    assert bool(row["consensus"]) and not row["suppressed"]


def test_aggregate_odd_n_flags_low_consensus():
    # sorted 1.0, 2.0, 2.5, 4.0, 5.0 (n = 5): median = 2.5 (the middle answer)
    # q1: h = 4 * 0.25 = 1 -> 2.0 ; q3: h = 3 -> 4.0 ; iqr = 2.0 >= 1 -> low consensus
    row = mt.aggregate(answers([5.0, 1.0, 2.5, 4.0, 2.0])).iloc[0]
    assert (row["median"], row["q1"], row["q3"], row["iqr"]) == (2.5, 2.0, 4.0, 2.0)
    assert not bool(row["consensus"])


def test_aggregate_iqr_of_exactly_one_stage_is_low_consensus():
    # sorted 2, 2.5, 3, 3.5, 4 (n = 5): q1 = x_1 = 2.5, q3 = x_3 = 3.5, iqr = 1.0
    row = mt.aggregate(answers([2.0, 2.5, 3.0, 3.5, 4.0])).iloc[0]
    assert row["iqr"] == 1.0 and not bool(row["consensus"])


def test_aggregate_median_of_two_half_steps_can_land_on_a_quarter():
    # (1.5 + 2.0) / 2 = 1.75: the usual median of an even count, not rounded to the grid
    row = mt.aggregate(answers([1.5, 2.0]), min_respondents=1).iloc[0]
    assert row["median"] == 1.75


def test_aggregate_suppresses_groups_below_three_respondents():
    data = pd.concat([answers([2.0, 3.0], team="Legal"), answers([2.0, 3.0, 4.0], team="Sales")])
    out = mt.aggregate(data).set_index("team")
    assert out.loc["Legal", "suppressed"] and out.loc["Legal", "n"] == 2
    assert out.loc[["Legal"], ["median", "q1", "q3", "iqr", "min", "max"]].isna().all(axis=None)
    assert out.loc["Legal", "consensus"] is pd.NA
    # Sales: n = 3 = threshold -> shown; median of 2, 3, 4 = 3
    assert not out.loc["Sales", "suppressed"] and out.loc["Sales", "median"] == 3.0


def test_aggregate_empty_input_gives_empty_frame_with_columns():
    out = mt.aggregate(answers([]))
    assert out.empty
    assert list(out.columns) == ["team", "dimension", *mt.AGGREGATE_COLUMNS]


def test_aggregate_one_row():
    out = mt.aggregate(answers([3.5]))
    assert out["suppressed"].item() and out["n"].item() == 1 and math.isnan(out["median"].item())
    row = mt.aggregate(answers([3.5]), min_respondents=1).iloc[0]
    assert (row["median"], row["iqr"], row["min"], row["max"]) == (3.5, 0.0, 3.5, 3.5)


def test_aggregate_ignores_unanswered_rows():
    # NaN is "not answered": the median of 2, 3, 4 is 3 and n = 3
    row = mt.aggregate(answers([2.0, np.nan, 3.0, 4.0])).iloc[0]
    assert (row["median"], row["n"]) == (3.0, 3)


def test_aggregate_all_answers_in_one_stage():
    row = mt.aggregate(answers([3.0] * 6)).iloc[0]
    assert (row["median"], row["iqr"], row["n"]) == (3.0, 0.0, 6) and bool(row["consensus"])


def test_aggregate_groups_by_any_columns_in_instrument_order():
    data = pd.concat([
        answers([4.0, 4.0, 4.0], dimension="technology", role="executive"),
        answers([1.0, 2.0, 3.0], dimension="culture", role="manager"),
    ])
    out = mt.aggregate(data, by=("dimension", "role"))
    assert out["dimension"].tolist() == ["culture", "technology"]  # culture comes first in the instrument
    assert out["median"].tolist() == [2.0, 4.0]


@pytest.mark.parametrize(
    "stages, dimension, message",
    [
        ([6.0], "culture", "Stage 6 is not allowed"),
        ([0.5], "culture", "Stage 0.5 is not allowed"),
        ([2.3], "culture", "Stage 2.3 is not allowed"),
        ([2.0], "marketing", "Unknown dimension 'marketing'"),
    ],
)
def test_aggregate_refuses_bad_stages_and_unknown_dimensions(stages, dimension, message):
    with pytest.raises(MaturityDataError, match=message):
        mt.aggregate(answers(stages, dimension=dimension))


def test_aggregate_refuses_missing_columns():
    with pytest.raises(MaturityDataError, match="lack the column"):
        mt.aggregate(pd.DataFrame({"dimension": ["culture"], "stage": [2.0]}))


# --- overall stage -------------------------------------------------------------------------------


def test_overall_stage_is_the_minimum():
    # min(3, 2.5, 3.5, 4) = 2.5: the weakest dimension
    assert mt.overall_stage({"culture": 3.0, "organization": 2.5, "customer_involvement": 3.5, "technology": 4.0}) == 2.5
    assert mt.overall_stage(pd.Series({"culture": 1.5, "technology": 5.0})) == 1.5


def test_overall_stage_unknown_when_a_dimension_is_missing_or_empty():
    assert math.isnan(mt.overall_stage({"culture": 3.0, "technology": float("nan")}))
    assert math.isnan(mt.overall_stage({}))


# --- spread, claimed vs evidenced, rounds, roles ------------------------------------------------


def test_stage_distribution_counts_every_step_including_zeros():
    # manager: 2, 2, 3 -> 2.0 has 2/3, 3.0 has 1/3 ; executive: 4 -> 4.0 has 1/1
    data = pd.DataFrame({"dimension": "culture", "role": ["manager"] * 3 + ["executive"],
                         "stage": [2.0, 2.0, 3.0, 4.0]})
    out = mt.stage_distribution(data, by=("role",), min_respondents=1)
    assert len(out) == 2 * 9
    assert out["role"].iloc[0] == "executive"  # roles in vocabulary order
    manager = out[out["role"] == "manager"].set_index("stage")
    assert manager.loc[2.0, "n"] == 2 and manager.loc[2.0, "share"] == pytest.approx(2 / 3)
    assert manager.loc[1.5, "n"] == 0 and manager["share"].sum() == pytest.approx(1.0)
    assert mt.stage_distribution(data.iloc[0:0]).empty


def test_stage_distribution_leaves_out_groups_below_the_privacy_threshold():
    # the one executive's answer would be readable off its bar: left out at the default threshold of 3
    data = pd.DataFrame({"dimension": "culture", "role": ["manager"] * 3 + ["executive"],
                         "stage": [2.0, 2.0, 3.0, 4.0]})
    out = mt.stage_distribution(data, by=("role",))
    assert set(out["role"]) == {"manager"} and out["n"].sum() == 3
    assert mt.stage_distribution(data.iloc[3:], by=("role",)).empty


def test_claimed_vs_evidenced_hand_calculation():
    # with evidence: 3.0, 3.5, 4.0 -> median 3.5 ; without (None, blank, spaces): 2.0, 2.0, 2.5 -> 2.0
    # all six: 2.0, 2.0, 2.5, 3.0, 3.5, 4.0 -> (2.5 + 3.0) / 2 = 2.75 ; share evidenced 3 / 6
    data = pd.DataFrame({
        "dimension": "culture", "stage": [2.0, 2.0, 2.5, 3.0, 3.5, 4.0],
        "evidence": [None, "", "   ", "https://wiki/cab", "CAB minutes", "roadmap vote"],
    })
    row = mt.claimed_vs_evidenced(data).iloc[0]
    assert (row["claimed"], row["evidenced"], row["unevidenced"]) == (2.75, 3.5, 2.0)
    assert (row["n"], row["n_evidenced"], row["n_unevidenced"], row["share_evidenced"]) == (6, 3, 3, 0.5)


def test_claimed_vs_evidenced_hides_medians_of_too_few_answers():
    data = pd.DataFrame({"dimension": "culture", "stage": [2.0, 3.0, 4.0, 4.0],
                         "evidence": [None, None, None, "demo day"]})
    row = mt.claimed_vs_evidenced(data).iloc[0]
    assert row["claimed"] == 3.5 and math.isnan(row["evidenced"]) and row["unevidenced"] == 3.0


def test_round_changes_exact_mann_whitney_with_four_per_round():
    # No ties, 4 vs 4, complete separation: U = 0; exact two-sided p = 2 / C(8, 4) = 2 / 70 = 0.02857
    out = mt.round_changes(two_rounds([1.0, 1.5, 2.0, 2.5], [3.0, 3.5, 4.0, 4.5])).iloc[0]
    assert out["p_value"] == pytest.approx(2 / 70)
    # medians (1.5 + 2) / 2 = 1.75 and (3.5 + 4) / 2 = 3.75 -> change 2.0
    assert (out["previous_median"], out["current_median"], out["change"]) == (1.75, 3.75, 2.0)
    assert out["is_change"]


def test_round_changes_three_per_round_is_not_enough_to_call_a_change():
    # 3 vs 3, complete separation: exact two-sided p = 2 / C(6, 3) = 2 / 20 = 0.1 > 0.05
    out = mt.round_changes(two_rounds([1.0, 1.5, 2.0], [2.5, 3.0, 3.5])).iloc[0]
    assert out["p_value"] == pytest.approx(0.1) and not out["is_change"]
    # At level 0.8 a change needs p < 1 - 0.8 = 0.2: the same p = 0.1 is one.
    assert mt.round_changes(two_rounds([1.0, 1.5, 2.0], [2.5, 3.0, 3.5]), level=0.8).iloc[0]["is_change"]


def test_round_changes_identical_answers_and_single_round():
    out = mt.round_changes(two_rounds([2.0] * 3, [2.0] * 3)).iloc[0]
    assert out["p_value"] == 1.0 and out["change"] == 0.0 and not out["is_change"]
    assert mt.round_changes(two_rounds([2.0] * 3, [])).empty


def test_round_trends_orders_rounds_by_opening_date():
    data = two_rounds([2.0, 2.0, 2.0], [3.0, 3.0, 3.0]).iloc[::-1]
    out = mt.round_trends(data)
    assert out["round"].tolist() == ["R1", "R2"] and out["median"].tolist() == [2.0, 3.0]


def test_role_differences_executives_against_individual_contributors():
    # executives 3.5, 4, 4.5, 5 vs individual contributors 1, 1.5, 2, 2.5: exact p = 2 / 70
    data = pd.DataFrame({"dimension": "culture",
                         "role": ["executive"] * 4 + ["individual_contributor"] * 4 + ["manager"],
                         "stage": [3.5, 4.0, 4.5, 5.0, 1.0, 1.5, 2.0, 2.5, 3.0]})
    row = mt.role_differences(data).iloc[0]
    # medians (4 + 4.5) / 2 = 4.25 and (1.5 + 2) / 2 = 1.75 -> difference 2.5
    assert (row["first_median"], row["second_median"], row["difference"]) == (4.25, 1.75, 2.5)
    assert row["p_value"] == pytest.approx(2 / 70) and row["differs"]


def test_evidence_list_leaves_out_small_teams_and_names():
    data = pd.concat([
        answers([3.0, 3.0, 3.0], team="Sales", evidence=["CAB", None, ""]),
        answers([4.0, 4.0], team="Legal", evidence=["contract review", "x"]),
    ])
    out = mt.evidence_list(data)
    # Sales (3 respondents) keeps its one piece of evidence; Legal (2) is left out
    assert out["team"].tolist() == ["Sales"] and out["evidence"].tolist() == ["CAB"]
    assert "respondent" not in out.columns
