"""A self-assessment as a respondent gives it, and every reason it cannot be stored yet."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cs_metrics.errors import DataError
from cs_metrics.i18n import _, formats, language
from cs_metrics.maturity.instrument import (
    CONFIDENCE_LEVELS,
    DIMENSIONS,
    ROLES,
    Instrument,
    load_instrument,
    stage_text,
)

#: Longest text accepted for evidence and comments.
MAX_TEXT = 2000


class SubmissionError(DataError):
    """A self-assessment cannot be stored; ``problems`` lists every thing to fix."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


@dataclass(frozen=True)
class AnswerInput:
    """What a respondent gave on one dimension (stage None: not chosen yet)."""

    stage: float | None
    evidence: str | None = None
    confidence: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class Submission:
    """One respondent's self-assessment of a team in a round."""

    round_id: int | None
    team: str | None
    respondent: str
    role: str | None
    answers: Mapping[str, AnswerInput]
    instrument_version: str = "1"


#: Characters of a revision code: upper-case letters and digits that cannot be misread for one another.
REVISION_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_revision_code() -> str:
    """A random code that lets a respondent without sign-in revise their own answers: three groups of
    four characters (31**12, about 2**59, possible codes), given once when the answers are first stored.

    >>> code = new_revision_code()
    >>> len(code), code.count("-"), revision_code_matches(code.lower(), revision_digest(code))
    (14, 2, True)
    """
    chars = "".join(secrets.choice(REVISION_ALPHABET) for _ in range(12))
    return "-".join(chars[i:i + 4] for i in range(0, 12, 4))


def _normal_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def revision_digest(code: str) -> str:
    """What is stored of a revision code: its SHA-256 (hex), ignoring case, spaces and dashes."""
    return hashlib.sha256(_normal_code(code).encode("ascii", "ignore")).hexdigest()


def revision_code_matches(code: str | None, digest: str | None) -> bool:
    """True when ``code`` is the one whose ``revision_digest`` is stored (never for a missing code or
    digest), compared in constant time.

    >>> revision_code_matches("abcd efgh jkmn", revision_digest("ABCD-EFGH-JKMN")), revision_code_matches("", None)
    (True, False)
    """
    if not code or not digest or not _normal_code(code):
        return False
    return hmac.compare_digest(revision_digest(code), digest)


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def submission_problems(
    submission: Submission,
    *,
    teams: Collection[str] | None = None,
    round_status: str | None = "open",
    round_name: str | None = None,
    instrument: Instrument | None = None,
) -> list[str]:
    """Everything that keeps a submission from being stored, each as a message saying what to fix.

    ``teams`` are the existing team names (None: not checked); ``round_status`` is the chosen
    round's status (None: the round does not exist). An empty list means the submission is valid.

    Example
    -------
    >>> sub = Submission(1, "Sales", "ada@example.com", "manager",
    ...                  {d: AnswerInput(3.0) for d in DIMENSIONS if d != "technology"})
    >>> submission_problems(sub, teams=["Sales"])
    ['Technology: choose the statement that describes your team (a stage from 1 to 5, or a half-step).']
    """
    inst = instrument or load_instrument()
    problems: list[str] = []
    if submission.round_id is None or round_status is None:
        problems.append(_("Choose an assessment round: the one selected does not exist."))
    elif round_status != "open":
        problems.append(
            _("The round {round} is closed: answers can be given or revised only while a round is open. Choose an "
              "open round, or ask whoever runs the assessment to open a new one.").format(round=repr(round_name))
            if round_name else
            _("The round is closed: answers can be given or revised only while a round is open. Choose an open "
              "round, or ask whoever runs the assessment to open a new one.")
        )
    team = _clean(submission.team)
    if team is None:
        problems.append(_("Choose the team you are scoring."))
    elif teams is not None and team not in set(teams):
        problems.append(_("The team {team} does not exist; choose one of the listed teams.").format(team=repr(team)))
    respondent = _clean(submission.respondent)
    if respondent is None:
        problems.append(_("Enter your name or e-mail address: it lets you revise your own answers while the round is "
                          "open."))
    elif len(respondent) > 120:
        problems.append(_("Your name or e-mail address is longer than {n} characters; shorten it.").format(n=120))
    if submission.role not in ROLES:
        problems.append(_("Choose your role: executive, manager or individual contributor."))
    for dim in submission.answers:
        if dim not in DIMENSIONS:
            problems.append(_("Unknown dimension {dimension}; the instrument has {dimensions}.").format(
                dimension=repr(dim), dimensions=", ".join(DIMENSIONS)))
    # The dimensions are named in the reader's language (the instrument's own labels).
    lang = language()
    for dim in DIMENSIONS:
        label = inst.dimension_label(dim, lang)
        answer = submission.answers.get(dim)
        if answer is None or answer.stage is None or (isinstance(answer.stage, float) and math.isnan(answer.stage)):
            problems.append(_("{dimension}: choose the statement that describes your team (a stage from 1 to 5, or a "
                              "half-step).").format(dimension=label))
            continue
        try:
            value = float(answer.stage)
        except (TypeError, ValueError):
            problems.append(_("{dimension}: {value} is not a stage; choose one from 1 to 5.").format(
                dimension=label, value=repr(answer.stage)))
            continue
        if not 1.0 <= value <= 5.0:
            problems.append(_("{dimension}: stage {value} is outside 1–5; choose a stage from 1 to 5.").format(
                dimension=label, value=stage_text(value)))
        elif not (value * 2).is_integer():
            problems.append(_("{dimension}: {value} is not a whole stage or a half-step; use 1, 1.5, 2, ... 5 (for "
                              "example 2.5).").format(dimension=label, value=stage_text(value)))
        if answer.confidence is not None and answer.confidence not in CONFIDENCE_LEVELS:
            problems.append(_("{dimension}: confidence must be low, medium or high (or left empty).").format(
                dimension=label))
        if answer.evidence and len(answer.evidence) > MAX_TEXT:
            problems.append(_("{dimension}: the evidence is {n} characters long; keep it under {limit}.").format(
                dimension=label, n=formats.decimal(len(answer.evidence)), limit=formats.decimal(MAX_TEXT)))
        if answer.comment and len(answer.comment) > MAX_TEXT:
            problems.append(_("{dimension}: the comment is {n} characters long; keep it under {limit}.").format(
                dimension=label, n=formats.decimal(len(answer.comment)), limit=formats.decimal(MAX_TEXT)))
    return problems


def check_submission(submission: Submission, **kwargs: Any) -> Submission:
    """Raise ``SubmissionError`` listing every problem (see ``submission_problems``); else return
    the submission with blank texts turned into None and stages as floats."""
    problems = submission_problems(submission, **kwargs)
    if problems:
        raise SubmissionError(problems)
    answers = {
        dim: AnswerInput(float(a.stage), _clean(a.evidence), a.confidence, _clean(a.comment))
        for dim, a in submission.answers.items()
    }
    return Submission(submission.round_id, _clean(submission.team), _clean(submission.respondent) or "",
                      submission.role, answers, submission.instrument_version)
