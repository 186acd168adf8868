"""Reference tests for cs_metrics.maturity. Every expected number is a hand calculation written out.

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
from cs_metrics.maturity import AnswerInput, MaturityDataError, Submission


def _answers(stages, *, team="Sales", dimension="culture", **extra) -> pd.DataFrame:
    n = len(stages)
    return pd.DataFrame(
        {"team": team, "dimension": dimension, "respondent": [f"p{i}" for i in range(n)], "stage": stages, **extra}
    )


# --- instrument ----------------------------------------------------------------------------------


def test_load_instrument_has_five_stages_four_dimensions_and_twenty_statements_per_language():
    inst = mt.load_instrument()
    assert inst.version == "1"
    assert inst.stage_labels() == ("Island", "Channel", "Listening", "Involvement", "Social Business")
    assert inst.stage_labels("it") == ("Isola", "Canale", "Ascolto", "Coinvolgimento", "Social Business")
    for lang in ("en", "it"):
        statements = [s for d in mt.DIMENSIONS for s in inst.descriptors(d, lang)]
        assert len(statements) == 20 and len(set(statements)) == 20
    # The Italian texts are translations, not copies of the English ones.
    assert inst.descriptor("culture", 1, "it") != inst.descriptor("culture", 1, "en")
    assert inst.dimension_label("organization", "it") == "Organizzazione"


def test_stage_label_names_half_steps_as_between_two_stages():
    inst = mt.load_instrument()
    assert inst.stage_label(2.5) == "between Channel and Listening"
    assert inst.stage_label(4.5, "it") == "tra Coinvolgimento e Social Business"
    assert inst.stage_label(float("nan")) == "–"
    assert inst.step_label(3.0) == "3 · Listening"


def test_unknown_instrument_version_says_which_exist():
    with pytest.raises(MaturityDataError, match="shipped version is '1'"):
        mt.load_instrument("9")


def test_with_stage_labels_makes_a_new_version_and_keeps_statements():
    inst = mt.load_instrument()
    new = inst.with_stage_labels({"en": ("Closed", "Broadcast", "Listening", "Involving", "Co-creating")}, version="2")
    assert new.version == "2" and new.stage_label(1.5) == "between Closed and Broadcast"
    assert new.stage_labels("it") == inst.stage_labels("it")
    assert new.descriptors("technology") == inst.descriptors("technology")
    assert inst.stage_labels()[0] == "Island"  # the original is untouched
    assert mt.instrument_from_json(new.to_json()).stage_labels()[4] == "Co-creating"


@pytest.mark.parametrize(
    "labels, message",
    [
        (("A", "B", "C", "D"), "five stages"),
        (("A", "B", "", "D", "E"), "none may be empty"),
        (("A", "B", "C", "D", "a"), "differ"),
        (("A" * 41, "B", "C", "D", "E"), "40 characters"),
    ],
)
def test_with_stage_labels_refuses_bad_labels(labels, message):
    with pytest.raises(MaturityDataError, match=message):
        mt.load_instrument().with_stage_labels({"en": labels}, version="2")


def test_instrument_from_json_refuses_malformed_definitions():
    with pytest.raises(MaturityDataError, match="not valid JSON"):
        mt.instrument_from_json("{")
    with pytest.raises(MaturityDataError, match="lacks 'stages'"):
        mt.instrument_from_json('{"version": "2"}')


# --- aggregate -----------------------------------------------------------------------------------


def test_aggregate_even_n_with_half_steps():
    # sorted 2.0, 2.5, 3.0, 3.5 (n = 4)
    # median = (2.5 + 3.0) / 2 = 2.75
    # q1: h = 3 * 0.25 = 0.75 -> 2.0 + 0.75 * (2.5 - 2.0) = 2.375
    # q3: h = 3 * 0.75 = 2.25 -> 3.0 + 0.25 * (3.5 - 3.0) = 3.125 ; iqr = 0.75 < 1 -> consensus
    row = mt.aggregate(_answers([3.5, 2.0, 3.0, 2.5])).iloc[0]
    assert row["median"] == 2.75
    assert row["q1"] == pytest.approx(2.375) and row["q3"] == pytest.approx(3.125)
    assert row["iqr"] == pytest.approx(0.75)
    assert (row["min"], row["max"], row["n"]) == (2.0, 3.5, 4)
    assert bool(row["consensus"]) and not row["suppressed"]


def test_aggregate_odd_n_flags_low_consensus():
    # sorted 1.0, 2.0, 2.5, 4.0, 5.0 (n = 5): median = 2.5 (the middle answer)
    # q1: h = 4 * 0.25 = 1 -> 2.0 ; q3: h = 3 -> 4.0 ; iqr = 2.0 >= 1 -> low consensus
    row = mt.aggregate(_answers([5.0, 1.0, 2.5, 4.0, 2.0])).iloc[0]
    assert (row["median"], row["q1"], row["q3"], row["iqr"]) == (2.5, 2.0, 4.0, 2.0)
    assert not bool(row["consensus"])


def test_aggregate_iqr_of_exactly_one_stage_is_low_consensus():
    # sorted 2, 2.5, 3, 3.5, 4 (n = 5): q1 = x_1 = 2.5, q3 = x_3 = 3.5, iqr = 1.0
    row = mt.aggregate(_answers([2.0, 2.5, 3.0, 3.5, 4.0])).iloc[0]
    assert row["iqr"] == 1.0 and not bool(row["consensus"])


def test_aggregate_median_of_two_half_steps_can_land_on_a_quarter():
    # (1.5 + 2.0) / 2 = 1.75: the usual median of an even count, not rounded to the grid
    row = mt.aggregate(_answers([1.5, 2.0]), min_respondents=1).iloc[0]
    assert row["median"] == 1.75


def test_aggregate_suppresses_groups_below_three_respondents():
    data = pd.concat([_answers([2.0, 3.0], team="Legal"), _answers([2.0, 3.0, 4.0], team="Sales")])
    out = mt.aggregate(data).set_index("team")
    assert out.loc["Legal", "suppressed"] and out.loc["Legal", "n"] == 2
    assert out.loc[["Legal"], ["median", "q1", "q3", "iqr", "min", "max"]].isna().all(axis=None)
    assert out.loc["Legal", "consensus"] is pd.NA
    # Sales: n = 3 = threshold -> shown; median of 2, 3, 4 = 3
    assert not out.loc["Sales", "suppressed"] and out.loc["Sales", "median"] == 3.0


def test_aggregate_empty_input_gives_empty_frame_with_columns():
    out = mt.aggregate(_answers([]))
    assert out.empty
    assert list(out.columns) == ["team", "dimension", *mt.AGGREGATE_COLUMNS]


def test_aggregate_one_row():
    out = mt.aggregate(_answers([3.5]))
    assert out["suppressed"].item() and out["n"].item() == 1 and math.isnan(out["median"].item())
    row = mt.aggregate(_answers([3.5]), min_respondents=1).iloc[0]
    assert (row["median"], row["iqr"], row["min"], row["max"]) == (3.5, 0.0, 3.5, 3.5)


def test_aggregate_ignores_unanswered_rows():
    # NaN is "not answered": the median of 2, 3, 4 is 3 and n = 3
    row = mt.aggregate(_answers([2.0, np.nan, 3.0, 4.0])).iloc[0]
    assert (row["median"], row["n"]) == (3.0, 3)


def test_aggregate_all_answers_in_one_stage():
    row = mt.aggregate(_answers([3.0] * 6)).iloc[0]
    assert (row["median"], row["iqr"], row["n"]) == (3.0, 0.0, 6) and bool(row["consensus"])


def test_aggregate_groups_by_any_columns_in_instrument_order():
    data = pd.concat([
        _answers([4.0, 4.0, 4.0], dimension="technology", role="executive"),
        _answers([1.0, 2.0, 3.0], dimension="culture", role="manager"),
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
        mt.aggregate(_answers(stages, dimension=dimension))


def test_aggregate_refuses_missing_columns():
    with pytest.raises(MaturityDataError, match="lack the column"):
        mt.aggregate(pd.DataFrame({"dimension": ["culture"], "stage": [2.0]}))


# --- overall stage, gaps, next step --------------------------------------------------------------


def test_overall_stage_is_the_minimum():
    # min(3, 2.5, 3.5, 4) = 2.5: the weakest dimension
    assert mt.overall_stage({"culture": 3.0, "organization": 2.5, "customer_involvement": 3.5, "technology": 4.0}) == 2.5
    assert mt.overall_stage(pd.Series({"culture": 1.5, "technology": 5.0})) == 1.5


def test_overall_stage_unknown_when_a_dimension_is_missing_or_empty():
    assert math.isnan(mt.overall_stage({"culture": 3.0, "technology": float("nan")}))
    assert math.isnan(mt.overall_stage({}))


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


def _two_rounds(previous, current, dimension="culture"):
    return pd.DataFrame({
        "dimension": dimension, "round": ["R1"] * len(previous) + ["R2"] * len(current),
        "round_opened_on": pd.to_datetime(["2025-09-01"] * len(previous) + ["2026-10-01"] * len(current)),
        "stage": previous + current, "team": "Sales", "respondent": [f"p{i}" for i in range(len(previous) + len(current))],
    })


def test_round_changes_exact_mann_whitney_with_four_per_round():
    # No ties, 4 vs 4, complete separation: U = 0; exact two-sided p = 2 / C(8, 4) = 2 / 70 = 0.02857
    out = mt.round_changes(_two_rounds([1.0, 1.5, 2.0, 2.5], [3.0, 3.5, 4.0, 4.5])).iloc[0]
    assert out["p_value"] == pytest.approx(2 / 70)
    # medians (1.5 + 2) / 2 = 1.75 and (3.5 + 4) / 2 = 3.75 -> change 2.0
    assert (out["previous_median"], out["current_median"], out["change"]) == (1.75, 3.75, 2.0)
    assert out["is_change"]


def test_round_changes_three_per_round_is_not_enough_to_call_a_change():
    # 3 vs 3, complete separation: exact two-sided p = 2 / C(6, 3) = 2 / 20 = 0.1 > 0.05
    out = mt.round_changes(_two_rounds([1.0, 1.5, 2.0], [2.5, 3.0, 3.5])).iloc[0]
    assert out["p_value"] == pytest.approx(0.1) and not out["is_change"]


def test_round_changes_identical_answers_and_single_round():
    out = mt.round_changes(_two_rounds([2.0] * 3, [2.0] * 3)).iloc[0]
    assert out["p_value"] == 1.0 and out["change"] == 0.0 and not out["is_change"]
    assert mt.round_changes(_two_rounds([2.0] * 3, [])).empty


def test_round_trends_orders_rounds_by_opening_date():
    data = _two_rounds([2.0, 2.0, 2.0], [3.0, 3.0, 3.0]).iloc[::-1]
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


def test_team_profile_has_all_dimensions_previous_round_and_targets():
    data = pd.concat([
        _two_rounds([1.0, 2.0, 2.0], [2.0, 2.5, 3.0]),
        _two_rounds([], [4.0], dimension="technology"),
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


def test_evidence_list_leaves_out_small_teams_and_names():
    data = pd.concat([
        _answers([3.0, 3.0, 3.0], team="Sales", evidence=["CAB", None, ""]),
        _answers([4.0, 4.0], team="Legal", evidence=["contract review", "x"]),
    ])
    out = mt.evidence_list(data)
    # Sales (3 respondents) keeps its one piece of evidence; Legal (2) is left out
    assert out["team"].tolist() == ["Sales"] and out["evidence"].tolist() == ["CAB"]
    assert "respondent" not in out.columns


# --- submissions ---------------------------------------------------------------------------------


def _submission(**changes) -> Submission:
    base = dict(round_id=2, team="Sales", respondent="ada@example.com", role="manager",
                answers={d: AnswerInput(3.0) for d in mt.DIMENSIONS})
    base.update(changes)
    return Submission(**base)


def test_submission_problems_none_for_a_complete_submission():
    assert mt.submission_problems(_submission(), teams=["Sales"]) == []


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"answers": {d: AnswerInput(3.0) for d in mt.DIMENSIONS if d != "culture"}},
         "Culture: choose the statement"),
        ({"answers": {**{d: AnswerInput(3.0) for d in mt.DIMENSIONS}, "technology": AnswerInput(6.0)}},
         "Technology: stage 6 is outside 1–5"),
        ({"answers": {**{d: AnswerInput(3.0) for d in mt.DIMENSIONS}, "organization": AnswerInput(2.3)}},
         "Organization: 2.3 is not a whole stage or a half-step"),
        ({"team": "Legal"}, "The team 'Legal' does not exist"),
        ({"team": None}, "Choose the team"),
        ({"respondent": "  "}, "Enter your name or e-mail"),
        ({"role": "intern"}, "Choose your role"),
        ({"answers": {**{d: AnswerInput(3.0) for d in mt.DIMENSIONS}, "culture": AnswerInput(3.0, confidence="sure")}},
         "confidence must be low, medium or high"),
        ({"answers": {**{d: AnswerInput(3.0) for d in mt.DIMENSIONS}, "brand": AnswerInput(3.0)}},
         "Unknown dimension 'brand'"),
    ],
)
def test_submission_problems_explain_what_to_fix(changes, expected):
    problems = mt.submission_problems(_submission(**changes), teams=["Sales"])
    assert len(problems) == 1 and expected in problems[0]


def test_submission_problems_closed_and_missing_round():
    closed = mt.submission_problems(_submission(), teams=["Sales"], round_status="closed", round_name="Check 2025")
    assert closed == [
        "The round 'Check 2025' is closed: answers can be given or revised only while a round is open. "
        "Choose an open round, or ask whoever runs the assessment to open a new one."
    ]
    assert "does not exist" in mt.submission_problems(_submission(round_id=None), teams=["Sales"])[0]


def test_submission_problems_lists_every_problem_at_once():
    sub = _submission(team=None, respondent="", role=None, answers={})
    assert len(mt.submission_problems(sub)) == 3 + len(mt.DIMENSIONS)


def test_check_submission_cleans_blank_texts():
    sub = _submission(answers={d: AnswerInput(2, evidence="  ", comment=" ok ") for d in mt.DIMENSIONS})
    clean = mt.check_submission(sub, teams=["Sales"])
    assert clean.answers["culture"] == AnswerInput(2.0, None, None, "ok")
    with pytest.raises(mt.SubmissionError) as info:
        mt.check_submission(_submission(role=None))
    assert info.value.problems == ["Choose your role: executive, manager or individual contributor."]


# --- figures -------------------------------------------------------------------------------------


def test_heatmap_hides_small_groups_and_marks_low_consensus():
    from cs_metrics.charts import maturity as mc

    data = pd.concat([_answers([1.0, 2.0, 3.0, 4.0], team="Sales"), _answers([2.0, 2.0], team="Legal")])
    fig = mc.heatmap(mt.aggregate(data), dimension_labels={"culture": "Culture"})
    heat = fig.data[0]
    # Sales: median (2 + 3) / 2 = 2.5; q1 = 1 + 0.75 = 1.75, q3 = 3 + 0.25 = 3.25, IQR 1.5 -> "◆"
    assert list(heat.y) == ["Legal", "Sales"]
    assert heat.text[1][0] == "2.5 ◆" and heat.z[1][0] == 2.5
    assert heat.text[0][0] == "hidden (n=2)" and heat.z[0][0] is None


def test_profile_radar_draws_current_target_and_previous():
    from cs_metrics.charts import maturity as mc

    inst = mt.load_instrument()
    prof = pd.DataFrame({"dimension": list(mt.DIMENSIONS), "median": [2.0, 2.5, 3.0, 1.5],
                         "target": [3.0] * 4, "previous": [np.nan] * 4})
    fig = mc.profile_radar(prof, dimension_labels={d: inst.dimension_label(d) for d in mt.DIMENSIONS},
                           stage_labels=inst.stage_labels())
    assert [t.name for t in fig.data] == ["Target", "Current (median)"]  # no previous round: no outline
    assert list(fig.data[1].r) == [2.0, 2.5, 3.0, 1.5, 2.0]  # closed outline
