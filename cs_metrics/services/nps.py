"""NPS from the database: what the NPS page shows, for a notebook too.

The headline figure is the Overview's NPS tile (``services.overview.nps_tile``): one builder for
the NPS, its interval, n, the change and its test wherever they are shown.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy.engine import Engine

from cs_metrics import nps
from cs_metrics.period import Period
from cs_metrics.selection import ALL, CustomerFilter
from cs_metrics.services.overview import nps_tile
from cs_metrics.storage.queries import nps as qn
from cs_metrics.storage.queries import nps_monthly_counts

__all__ = [
    "FollowUpEdit", "FollowUpError", "MAX_NOTE", "breakdown", "follow_up_queue", "invalid_scores", "nps_tile",
    "rates", "save_follow_up", "score_distribution", "trend", "verbatims",
]

#: Editing a detractor's follow-up (validated and written by storage in one transaction).
FollowUpEdit = qn.FollowUpEdit
FollowUpError = qn.FollowUpError
MAX_NOTE = qn.MAX_NOTE
save_follow_up = qn.save_follow_up
#: Stored answers whose score is outside 0-10 (left out of every figure): (count, first rows).
invalid_scores = qn.invalid_scores


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
