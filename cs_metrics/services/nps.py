"""NPS from the database: what the NPS page shows, for a notebook too.

The headline figure is the Overview's NPS tile (``services.overview.nps_tile``): one builder for
the NPS, its interval, n, the change and its test wherever they are shown. The one write,
``save_follow_up``, takes the ``actor`` making it: a member updates the follow-ups they own (the
follow-up's owner, or the customer's CSM while no owner is set), editors and admins any; each
save leaves a row in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.engine import Engine

from cs_metrics import nps, text
from cs_metrics.access import Actor
from cs_metrics.i18n import _
from cs_metrics.period import Period
from cs_metrics.selection import ALL, CustomerFilter
from cs_metrics.services.access import write
from cs_metrics.services.overview import nps_tile
from cs_metrics.storage.queries import nps as qn
from cs_metrics.storage.queries import nps_daily_counts, nps_monthly_counts

__all__ = [
    "CommentAnalysis", "FollowUpEdit", "FollowUpError", "MAX_NOTE", "SurveyFacts", "breakdown", "comment_analysis",
    "comment_count", "comment_ids", "comment_texts", "comments_by_id", "follow_up_owner", "follow_up_queue",
    "invalid_scores", "owns_follow_up",
    "monthly_counts", "months_of_days", "nps_tile", "rates", "response_rate", "save_follow_up", "score_distribution",
    "survey_facts", "trend", "verbatims",
]

#: Editing a detractor's follow-up (validated and written by storage in one transaction).
FollowUpEdit = qn.FollowUpEdit
FollowUpError = qn.FollowUpError
MAX_NOTE = qn.MAX_NOTE
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
    data: ``figures.nps_trend_chart`` draws it at any grain), as ``nps_monthly_counts``: summed
    from the answers per day, which the database groups in the order of its date index instead
    of sorting every answer by its month."""
    prev = previous or period.previous()
    start, end = min(prev.start, period.start), max(prev.end, period.end)
    return months_of_days(nps_daily_counts(engine, start=start, end=end, flt=flt))


def months_of_days(daily: pd.DataFrame) -> pd.DataFrame:
    """Per month with answers: ``month`` (its first day), ``detractors``, ``passives``, ``promoters``,
    summed from ``nps_daily_counts`` (``day`` and the same counts).

    Example
    -------
    >>> days = pd.DataFrame({"day": pd.to_datetime(["2026-01-05", "2026-01-20", "2026-03-02"]),
    ...                      "detractors": [1, 2, 0], "passives": [0, 1, 1], "promoters": [3, 0, 2]})
    >>> months_of_days(days).to_dict("list")["promoters"]
    [3, 2]
    """
    columns = ["month", "detractors", "passives", "promoters"]
    if daily.empty:  # as the database returns no month
        empty = pd.DataFrame.from_records([], columns=columns)
        return empty.assign(month=pd.to_datetime(empty["month"]))
    days = pd.to_datetime(daily["day"])
    # Dates at the resolution the backend's dates come in, as the database's months would.
    month = days.dt.to_period("M").dt.to_timestamp().astype(days.dtype).rename("month")
    return daily[columns[1:]].groupby(month, sort=True).sum().reset_index()[columns]


def response_rate(engine: Engine, *, period: Period, flt: CustomerFilter = ALL) -> nps.Rate | None:
    """The response rate of the invitations sent in ``period`` with its Wilson interval (None when
    none is recorded); reads the invitations only (the NPS page takes the comment rate from the
    answers it counts anyway: the headline's n and the comments' count)."""
    sends, answered = qn.invitation_counts(engine, start=period.start, end=period.end, flt=flt)
    return nps.response_rate(sends, answered) if sends else None


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
    languages: tuple[str, ...] = (), groups: tuple[str, ...] = (), offset: int = 0, limit: int | None = None,
) -> pd.DataFrame:
    """Answers with a comment in ``period``, newest first; with ``limit``, one page of them
    (``storage.queries.nps.verbatims``)."""
    return qn.verbatims(engine, start=period.start, end=period.end, flt=flt, search=search,
                        languages=languages, groups=groups, offset=offset, limit=limit)


def comment_count(
    engine: Engine, *, period: Period, flt: CustomerFilter = ALL, languages: tuple[str, ...] = (),
    groups: tuple[str, ...] = (),
) -> int:
    """How many answers with a comment ``verbatims`` lists for these filters (counted by the database)."""
    return qn.verbatim_count(engine, start=period.start, end=period.end, flt=flt, languages=languages,
                             groups=groups)


def comment_texts(engine: Engine, *, period: Period, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """The comments of ``period`` as text only (``id``, ``score``, ``group``, ``language``,
    ``comment``, newest first): what the words and themes are counted from, and what a search or
    a theme picks from."""
    return qn.comment_texts(engine, start=period.start, end=period.end, flt=flt)


def comment_ids(
    comments: pd.DataFrame, *, search: str = "", languages: tuple[str, ...] = (), groups: tuple[str, ...] = (),
    theme: str | None = None,
) -> tuple[int, ...]:
    """The ids of ``comments`` (``comment_texts``) that ``text.filter_comments`` keeps, in their order."""
    kept = text.filter_comments(comments, search=search, languages=languages, groups=groups, theme=theme)
    return tuple(int(i) for i in kept["id"])


def comments_by_id(engine: Engine, *, ids: tuple[int, ...]) -> pd.DataFrame:
    """The answers ``ids`` with every column of ``verbatims``, newest first (one page of a list)."""
    return qn.verbatims_by_id(engine, ids=ids)


def follow_up_queue(
    engine: Engine, *, period: Period, as_of: dt.date, flt: CustomerFilter = ALL, include_closed: bool = True
) -> pd.DataFrame:
    """The detractors of ``period`` with their follow-up and whether it is overdue on ``as_of``."""
    queue = qn.follow_up_queue(engine, start=period.start, end=period.end, flt=flt, include_closed=include_closed)
    return queue.assign(overdue=nps.follow_up_overdue(queue, as_of=as_of))


def _text(value: object) -> str:
    """A stored text, "" when missing (None, or NaN in a pandas text column)."""
    return value.strip() if isinstance(value, str) else ""


def follow_up_owner(owner: object, csm: object) -> str:
    """Who answers for a follow-up: its owner, or the customer's CSM while no owner is set ("" for
    neither)."""
    return _text(owner) or _text(csm)


def owns_follow_up(queue: pd.DataFrame, actor: Actor) -> pd.Series:
    """Per row of ``queue`` (``follow_up_queue``), whether ``actor`` owns its follow-up (their name
    or e-mail is ``follow_up_owner``, or the ``csm`` while no owner is set)."""
    names = {n.strip().casefold() for n in (actor.email, actor.name) if n and n.strip()}
    owners = [follow_up_owner(o, c).casefold() for o, c in zip(queue["follow_up_owner"], queue["csm"])]
    return pd.Series([bool(o) and o in names for o in owners], index=queue.index, dtype=bool)


def save_follow_up(engine: Engine, edit: FollowUpEdit, *, actor: Actor, today: dt.date | None = None) -> None:
    """Validate and save one follow-up edit (``storage.queries.nps.save_follow_up``) as ``actor``.

    The right "nps.follow_up" is checked against the follow-up's current owner (or the customer's
    CSM while none is set). Raises ``FollowUpError`` (nothing written, no audit row) for an
    unknown answer or a bad edit, ``Refused`` (recorded) when ``actor`` may not update it.
    """
    before = qn.follow_up_of(engine, edit.response_id)
    if before is None:
        raise FollowUpError(_("response {answer} does not exist (it may have been deleted); reload the page.").format(
            answer=edit.response_id))
    records = f"NPS answer #{int(edit.response_id)} ({before['customer'] or 'anonymous'})"
    owner = follow_up_owner(before["follow_up_owner"], before["csm"])
    with write(engine, actor, "nps.follow_up", records=records, owner=owner) as entry:
        qn.save_follow_up(engine, edit, today=today)
        entry.summary = _follow_up_change(before, qn.follow_up_of(engine, edit.response_id) or {})


def _follow_up_change(before: dict, after: dict) -> str:
    """'status open -> done, owner Ann -> Bob, due 2026-01-17 -> 2026-01-20': the fields changed
    (status always named), and whether the note was edited."""
    def show(value: object) -> str:
        if isinstance(value, dt.date):
            return f"{value:%Y-%m-%d}"
        return _text(value).replace("_", " ") or "none"

    parts = []
    for key, label in (("follow_up_status", "status"), ("follow_up_owner", "owner"), ("follow_up_due", "due")):
        old, new = before.get(key), after.get(key)
        if old != new:
            parts.append(f"{label} {show(old)} -> {show(new)}")
        elif key == "follow_up_status":
            parts.append(f"status {show(new)}")
    if _text(before.get("follow_up_note")) != _text(after.get("follow_up_note")):
        parts.append("note edited")
    return ", ".join(parts)


@dataclass(frozen=True)
class CommentAnalysis:
    """What the comments of a period say: per language code (None: all comments) the words that
    set detractors apart from promoters (``text.distinguishing_words``), and the themes
    (``text.theme_table``)."""

    words: dict[str | None, pd.DataFrame] = field(default_factory=dict)
    themes: pd.DataFrame = field(default_factory=pd.DataFrame)


def comment_analysis(comments: pd.DataFrame, *, languages: tuple[str | None, ...] = (None,),
                     top: int = 8) -> CommentAnalysis:
    """``CommentAnalysis`` of ``comments`` (``comment_texts`` or the ``verbatims`` of a period) for
    each of ``languages``; every comment is split into words once for all of them."""
    split = text.split_words(comments["comment"]) if len(comments) else None
    words = {code: text.distinguishing_words(comments, language=code, top=top, words=split)
             for code in languages}
    return CommentAnalysis(words=words, themes=text.theme_table(comments, words=split))
