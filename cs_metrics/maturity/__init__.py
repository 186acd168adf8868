"""Social Business maturity: the instrument, and what teams' self-scores add up to.

Quintarelli's model places a company on five stages (Island, Channel, Listening, Involvement,
Social Business) separately on four dimensions (culture, organization, customer involvement,
technology). People score their team by choosing, per dimension, the statement that describes it
today, or a half-step between two statements. Stages are ordinal, so answers are summarised with
the median and the spread (quartiles, min–max), never with a mean; groups smaller than a privacy
threshold are suppressed; an overall stage exists only on request and is the weakest dimension.

Rooms
-----
``instrument``
    Stages, dimensions and statements; loading a version; edited stage labels as a new version.
``aggregate``
    Median and spread per group, the spread by stage, claimed against evidenced stages, rounds
    over time and their changes, differences between roles, the evidence offered.
``targets``
    Target stages, gaps, the next stage to reach, a team's profile in a round.
``submission``
    One respondent's self-assessment and every reason it cannot be stored yet.

Answers frame
-------------
Functions here take ``answers``: one row per respondent and dimension, with columns ``team``,
``dimension``, ``respondent``, ``stage`` (1.0–5.0 in steps of 0.5) and, where a function needs them,
``role``, ``round``, ``round_opened_on``, ``evidence``. Rows whose stage is missing (NaN) are
unanswered and ignored.
"""

from cs_metrics.maturity.aggregate import (
    AGGREGATE_COLUMNS,
    LOW_CONSENSUS_IQR,
    MIN_RESPONDENTS,
    aggregate,
    check_answers,
    claimed_vs_evidenced,
    evidence_list,
    overall_stage,
    respondent_count,
    role_differences,
    round_changes,
    round_order,
    round_trends,
    select_answers,
    stage_distribution,
)
from cs_metrics.maturity.instrument import (
    CONFIDENCE_LEVELS,
    DIMENSIONS,
    INSTRUMENT_DIR,
    LANGUAGES,
    ROLES,
    STAGE_STEPS,
    STAGES,
    Instrument,
    MaturityDataError,
    check_instrument,
    instrument_from_json,
    is_valid_stage,
    load_instrument,
)
from cs_metrics.maturity.submission import (
    MAX_TEXT,
    AnswerInput,
    Submission,
    SubmissionError,
    check_submission,
    new_revision_code,
    revision_code_matches,
    revision_digest,
    submission_problems,
)
from cs_metrics.maturity.targets import (
    check_targets,
    fmt_stage,
    gaps,
    next_stage,
    profile_display,
    team_profile,
)

__all__ = [
    "AGGREGATE_COLUMNS", "CONFIDENCE_LEVELS", "DIMENSIONS", "INSTRUMENT_DIR", "LANGUAGES", "LOW_CONSENSUS_IQR",
    "MAX_TEXT", "MIN_RESPONDENTS", "ROLES", "STAGES", "STAGE_STEPS", "AnswerInput", "Instrument",
    "MaturityDataError", "Submission", "SubmissionError", "aggregate", "check_answers", "check_instrument",
    "check_submission", "check_targets", "claimed_vs_evidenced", "evidence_list", "fmt_stage", "gaps",
    "instrument_from_json", "is_valid_stage", "load_instrument", "next_stage", "overall_stage", "profile_display",
    "respondent_count", "role_differences", "round_changes", "round_order", "round_trends", "select_answers",
    "stage_distribution", "submission_problems", "team_profile", "new_revision_code", "revision_code_matches",
    "revision_digest",
]
