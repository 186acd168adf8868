"""Tests for ``cs_metrics.maturity.submission``: every problem that keeps a self-assessment from
being stored is named, with what to fix."""

from __future__ import annotations

import pytest

from cs_metrics import maturity as mt
from cs_metrics.maturity import AnswerInput, Submission


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
