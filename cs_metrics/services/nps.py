"""NPS from the database: what the NPS page shows, for a notebook too.

The headline figure is the Overview's NPS tile (``services.overview.nps_tile``): one builder for
the NPS, its interval, n, the change and its test wherever they are shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.engine import Engine

from cs_metrics import nps, text
from cs_metrics.period import Period
from cs_metrics.selection import ALL, CustomerFilter
from cs_metrics.services.overview import nps_tile
from cs_metrics.storage.queries import nps as qn
from cs_metrics.storage.queries import nps_monthly_counts

__all__ = [
    "CommentAnalysis", "FollowUpEdit", "FollowUpError", "MAX_NOTE", "SurveyFacts", "breakdown", "comment_analysis",
    "follow_up_queue", "invalid_scores", "monthly_counts", "nps_tile", "rates", "save_follow_up", "score_distribution",
    "survey_facts", "trend", "verbatims",
]

#: Editing a detractor's follow-up (validated and written by storage in one transaction).
FollowUpEdit = qn.FollowUpEdit
FollowUpError = qn.FollowUpError
MAX_NOTE = qn.MAX_NOTE
save_follow_up = qn.save_follow_up
#: Stored answers whose score is outside 0-10 (left out of every figure): (count, first rows).
invalid_scores = qn.invalid_scores


@dataclass(frozen=True)
class SurveyFacts:
    """What the NPS page needs to know about the survey data of the customers selected: the
    languages the comments are written in, whether any invitation is recorded, and whether
    follow-ups are tracked at all (some answer in the database has a follow-up status)."""

    comment_languages: tuple[str, ...]
    has_sends: bool
    follow_ups_tracked: bool


def survey_facts(engine: Engine, *, flt: CustomerFilter = ALL) -> SurveyFacts:
    """``SurveyFacts`` for the customers of ``flt`` (three small reads)."""
    return SurveyFacts(qn.comment_languages(engine, flt=flt), qn.has_survey_sends(engine, flt=flt),
                       qn.follow_ups_tracked(engine))


def monthly_counts(engine: Engine, *, period: Period, previous: Period | None = None,
                   flt: CustomerFilter = ALL) -> pd.DataFrame:
    """Answers per class and month across the comparison period and the period (the NPS trend's
    data: ``figures.nps_trend_chart`` draws it at any grain)."""
    prev = previous or period.previous()
    return nps_monthly_counts(engine, start=min(prev.start, period.start), end=max(prev.end, period.end), flt=flt)


def rates(engine: Engine, *, period: Period, flt: CustomerFilter = ALL) -> tuple[nps.Rate | None, nps.Rate]:
    """The response rate (None when no invitations are recorded for the period) and the comment rate,
    each with its Wilson interval."""
    survey = qn.survey_counts(engine, start=period.start, end=period.end, flt=flt)
    response = nps.response_rate(survey.sends, survey.answered) if survey.sends else None
    return response, nps.comment_rate(survey.responses, survey.commented)


def trend(
    engine: Engine, *, start: dt.date, end: dt.date, flt: CustomerFilter = ALL, grain: str = "month", min_n: int = 30
) -> pd.DataFrame:
    """``nps.nps_trend`` of the answers in ``[start, end)``: every month (or quarter) with its NPS,
    interval, n and whether n reaches ``min_n``."""
    monthly = nps_monthly_counts(engine, start=start, end=end, flt=flt)
    return nps.nps_trend(monthly, grain=grain, start=start, end=end, min_n=min_n)


def breakdown(engine: Engine, *, period: Period, by: str, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """NPS per value of ``by`` (segment, region, owner, touchpoint) with intervals, and each group
    against the rest (``nps.compare_to_rest``)."""
    counts = qn.counts_by(engine, by=by, start=period.start, end=period.end, flt=flt)
    return nps.compare_to_rest(nps.nps_table(counts, by=by))


def score_distribution(engine: Engine, *, period: Period, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """Answers per score 0-10 (every score present, with its class and share)."""
    return nps.score_distribution(qn.score_counts(engine, start=period.start, end=period.end, flt=flt))


def verbatims(
    engine: Engine, *, period: Period, flt: CustomerFilter = ALL, search: str = "",
    languages: tuple[str, ...] = (), groups: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Answers with a comment in ``period``, newest first (``storage.queries.nps.verbatims``)."""
    return qn.verbatims(engine, start=period.start, end=period.end, flt=flt, search=search,
                        languages=languages, groups=groups)


def follow_up_queue(
    engine: Engine, *, period: Period, as_of: dt.date, flt: CustomerFilter = ALL, include_closed: bool = True
) -> pd.DataFrame:
    """The detractors of ``period`` with their follow-up and whether it is overdue on ``as_of``."""
    queue = qn.follow_up_queue(engine, start=period.start, end=period.end, flt=flt, include_closed=include_closed)
    return queue.assign(overdue=nps.follow_up_overdue(queue, as_of=as_of))


@dataclass(frozen=True)
class CommentAnalysis:
    """What the comments of a period say: per language code (None: all comments) the words that
    set detractors apart from promoters (``text.distinguishing_words``), and the themes
    (``text.theme_table``)."""

    words: dict[str | None, pd.DataFrame] = field(default_factory=dict)
    themes: pd.DataFrame = field(default_factory=pd.DataFrame)


def comment_analysis(comments: pd.DataFrame, *, languages: tuple[str | None, ...] = (None,),
                     top: int = 8) -> CommentAnalysis:
    """``CommentAnalysis`` of ``comments`` (the ``verbatims`` of a period) for each of ``languages``."""
    words = {code: text.distinguishing_words(comments, language=code, top=top) for code in languages}
    return CommentAnalysis(words=words, themes=text.theme_table(comments))
