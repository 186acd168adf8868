"""NPS reads and the follow-up write: counts aggregated in SQL, verbatims, the closed-loop queue.

Every read takes the engine first and keyword-only ``start`` (included), ``end`` (excluded) and
``flt``. Responses without a customer (anonymous) count only when no customer filter is set.
Scores outside 0-10 are never counted; ``invalid_scores`` lists them so they can be fixed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.sql import Select

from cs_metrics.errors import DataError
from cs_metrics.i18n import _, formats
from cs_metrics.period import as_date
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import ALL, CustomerFilter, _apply, _frame
from cs_metrics.vocab import FOLLOW_UP_STATUSES

r = m.NpsResponse
c = m.Customer

VALID = (r.score >= 0) & (r.score <= 10)
#: An answer with a written comment (not only blanks).
HAS_COMMENT = and_(r.comment.is_not(None), func.length(func.trim(r.comment)) > 0)
#: The NPS group of a valid score.
GROUP = case((r.score <= 6, "detractor"), (r.score <= 8, "passive"), else_="promoter").label("group")
GROUP_SCORES = {"detractor": (0, 6), "passive": (7, 8), "promoter": (9, 10)}
#: Dimensions a breakdown can group by: name -> column.
BREAKDOWNS = {"segment": c.segment, "region": c.region, "owner": c.owner, "touchpoint": r.touchpoint,
              "language": r.language}
#: Label of responses without a customer (or without a value) in a breakdown.
NO_VALUE = "(not recorded)"
MAX_NOTE = 2000
MAX_OWNER = 120


def _scoped(
    stmt: Select, *, start: dt.date, end: dt.date, flt: CustomerFilter, customer: bool = True
) -> Select:
    """Responses in ``[start, end)`` joined to their customer (outer join when unfiltered; no join
    at all when unfiltered and the statement reads no ``customer`` column: the outer join on the
    customer's key neither adds nor drops a response, it only costs a lookup per row)."""
    stmt = stmt.where(r.responded_on >= start, r.responded_on < end)
    if flt.is_all:
        return stmt.outerjoin(c, c.id == r.customer_id) if customer else stmt
    return _apply(stmt.join(c, c.id == r.customer_id), flt)


def _class_sums():
    return (
        func.coalesce(func.sum(case((VALID & (r.score <= 6), 1), else_=0)), 0).label("detractors"),
        func.coalesce(func.sum(case((VALID & (r.score >= 7) & (r.score <= 8), 1), else_=0)), 0).label("passives"),
        func.coalesce(func.sum(case((VALID & (r.score >= 9), 1), else_=0)), 0).label("promoters"),
    )


def score_counts(engine: Engine, *, start: dt.date, end: dt.date, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """Valid responses per score: ``score`` (0-10, only those present) and ``n``."""
    stmt = select(r.score.label("score"), func.count().label("n")).select_from(r)
    stmt = _scoped(stmt, start=start, end=end, flt=flt, customer=False)
    stmt = stmt.where(VALID).group_by(r.score).order_by(r.score)
    frame = _frame(engine, stmt)
    return frame.astype({"score": "int64", "n": "int64"})


def counts_by(
    engine: Engine, *, by: str, start: dt.date, end: dt.date, flt: CustomerFilter = ALL
) -> pd.DataFrame:
    """Class counts per value of ``by`` (segment, region, owner, touchpoint, language).

    Columns: ``by``, ``detractors``, ``passives``, ``promoters``; responses without a value
    (e.g. anonymous ones by segment) are grouped under ``NO_VALUE``.
    """
    if by not in BREAKDOWNS:
        raise DataError(_("Cannot break NPS down by {by}; use one of {breakdowns}.").format(
            by=repr(by), breakdowns=sorted(BREAKDOWNS)))
    key = func.coalesce(BREAKDOWNS[by], NO_VALUE).label(by)
    stmt = _scoped(select(key, *_class_sums()).select_from(r), start=start, end=end, flt=flt,
                   customer=BREAKDOWNS[by].table is c.__table__).where(VALID)
    frame = _frame(engine, stmt.group_by(key).order_by(key))
    return frame.astype({col: "int64" for col in ("detractors", "passives", "promoters")})


def invalid_scores(engine: Engine, *, flt: CustomerFilter = ALL, limit: int = 50) -> tuple[int, pd.DataFrame]:
    """Stored responses whose score is outside 0-10: (how many, the first ``limit`` of them).

    The frame has ``id``, ``external_id``, ``responded_on``, ``score``, ``customer``.
    """
    cols = select(r.id, r.external_id, r.responded_on, r.score, c.name.label("customer")).select_from(r).where(~VALID)
    invalid = select(func.count()).select_from(r).where(~VALID)
    with engine.connect() as conn:
        # In the whole database first: usually none, and then none for any filter either.
        total = conn.execute(invalid).scalar_one()
        if total and not flt.is_all:
            total = conn.execute(_apply(invalid.join(c, c.id == r.customer_id), flt)).scalar_one()
    if flt.is_all:
        cols = cols.outerjoin(c, c.id == r.customer_id)
    else:
        cols = _apply(cols.join(c, c.id == r.customer_id), flt)
    if not total:  # no second read for the (empty) rows
        cols = cols.where(False)
    return int(total), _frame(engine, cols.order_by(r.responded_on, r.id).limit(limit), dates=("responded_on",))


@dataclass(frozen=True)
class SurveyCounts:
    """Counts behind the response and comment rates of a period.

    ``sends``: invitations sent in the period; ``answered``: those of them with an answer;
    ``responses``: valid responses in the period; ``commented``: those with a written comment.
    """

    sends: int
    answered: int
    responses: int
    commented: int


def invitation_counts(
    engine: Engine, *, start: dt.date, end: dt.date, flt: CustomerFilter = ALL
) -> tuple[int, int]:
    """Invitations sent in ``[start, end)`` and how many of them have an answer (the response rate).

    An invitation is answered when some response points to it: the distinct invitations of the
    period reached from the responses (one pass over the responses, each looking its invitation
    up by key), not a list of every answered invitation ever joined to the period's invitations.
    """
    s = m.NpsSurveySend
    sends = select(func.count()).select_from(s).where(s.sent_on >= start, s.sent_on < end)
    answered = (select(func.count(func.distinct(r.send_id))).select_from(r).join(s, s.id == r.send_id)
                .where(s.sent_on >= start, s.sent_on < end))
    if not flt.is_all:
        sends = _apply(sends.join(c, c.id == s.customer_id), flt)
        answered = _apply(answered.join(c, c.id == s.customer_id), flt)
    with engine.connect() as conn:
        return int(conn.execute(sends).scalar_one()), int(conn.execute(answered).scalar_one())


def survey_counts(engine: Engine, *, start: dt.date, end: dt.date, flt: CustomerFilter = ALL) -> SurveyCounts:
    """Invitations, answered invitations (``invitation_counts``), responses and commented
    responses in ``[start, end)``."""
    n_sends, n_answered = invitation_counts(engine, start=start, end=end, flt=flt)
    responses = _scoped(
        select(func.count(), func.coalesce(func.sum(case((HAS_COMMENT, 1), else_=0)), 0)).select_from(r),
        start=start, end=end, flt=flt, customer=False,
    ).where(VALID)
    with engine.connect() as conn:
        n_responses, n_commented = conn.execute(responses).one()
    return SurveyCounts(n_sends, n_answered, int(n_responses), int(n_commented))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _commented(stmt: Select, *, start: dt.date, end: dt.date, flt: CustomerFilter, customer: bool = True,
               search: str = "", languages: tuple[str, ...] = (), groups: tuple[str, ...] = ()) -> Select:
    """Valid responses with a comment in ``[start, end)``, narrowed by ``search``, ``languages``
    and ``groups`` (see ``verbatims``)."""
    stmt = _scoped(stmt, start=start, end=end, flt=flt, customer=customer).where(VALID, HAS_COMMENT)
    if search.strip():
        pattern = f"%{_escape_like(search.strip().lower())}%"
        stmt = stmt.where(func.lower(r.comment).like(pattern, escape="\\"))
    if languages:
        stmt = stmt.where(r.language.in_(languages))
    if groups:
        unknown = [g for g in groups if g not in GROUP_SCORES]
        if unknown:
            raise DataError(_("Unknown group(s) {unknown}; use detractor, passive or promoter.").format(unknown=unknown))
        stmt = stmt.where(or_(*[r.score.between(*GROUP_SCORES[g]) for g in groups]))
    return stmt


def _verbatim_columns() -> Select:
    return select(
        r.id, r.responded_on, r.score, GROUP, r.comment, r.language, r.touchpoint, c.name.label("customer"),
        c.segment, c.region, c.owner,
    ).select_from(r)


def verbatims(
    engine: Engine,
    *,
    start: dt.date,
    end: dt.date,
    flt: CustomerFilter = ALL,
    search: str = "",
    languages: tuple[str, ...] = (),
    groups: tuple[str, ...] = (),
    limit: int | None = None,
    offset: int = 0,
) -> pd.DataFrame:
    """Responses with a comment in ``[start, end)``, newest first; with ``limit``, the ``limit``
    of them after the first ``offset`` (a page of a list: ``verbatim_count`` gives its length).

    ``search`` keeps comments containing it (case-insensitive); ``languages`` and ``groups``
    (detractor, passive, promoter) narrow further. Columns: ``id``, ``responded_on``, ``score``,
    ``group``, ``comment``, ``language``, ``touchpoint``, ``customer``, ``segment``, ``region``,
    ``owner``.
    """
    stmt = _commented(_verbatim_columns(), start=start, end=end, flt=flt, search=search, languages=languages,
                      groups=groups)
    stmt = stmt.order_by(r.responded_on.desc(), r.id.desc())
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    elif offset:
        stmt = stmt.offset(offset)
    return _frame(engine, stmt, dates=("responded_on",))


def verbatim_count(
    engine: Engine, *, start: dt.date, end: dt.date, flt: CustomerFilter = ALL, search: str = "",
    languages: tuple[str, ...] = (), groups: tuple[str, ...] = (),
) -> int:
    """How many rows ``verbatims`` returns for the same arguments (without ``limit``)."""
    stmt = _commented(select(func.count()).select_from(r), start=start, end=end, flt=flt, customer=False,
                      search=search, languages=languages, groups=groups)
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def verbatims_by_id(engine: Engine, *, ids: Sequence[int]) -> pd.DataFrame:
    """The responses ``ids`` with the columns of ``verbatims``, newest first (a page of comments
    picked by their text: a theme, a search)."""
    ids = [int(i) for i in ids]
    stmt = _verbatim_columns().outerjoin(c, c.id == r.customer_id).where(r.id.in_(ids))
    return _frame(engine, stmt.order_by(r.responded_on.desc(), r.id.desc()), dates=("responded_on",))


def comment_texts(engine: Engine, *, start: dt.date, end: dt.date, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """Just the text of the comments of ``verbatims`` (the words and themes are counted from all
    of them; a theme or a search picks from them): ``id``, ``score``, ``group``, ``language``,
    ``comment``, newest first."""
    stmt = select(r.id, r.score, GROUP, r.language, r.comment).select_from(r)
    stmt = _commented(stmt, start=start, end=end, flt=flt, customer=False)
    return _frame(engine, stmt.order_by(r.responded_on.desc(), r.id.desc()))


def comment_languages(engine: Engine, *, flt: CustomerFilter = ALL) -> tuple[str, ...]:
    """The language codes of the answers with a written comment (sorted; answers without a
    language are not counted), as ``services.coverage.Coverage.comment_languages``."""
    stmt = select(r.language).select_from(r).where(r.language.is_not(None), HAS_COMMENT)
    if not flt.is_all:
        stmt = _apply(stmt.join(c, c.id == r.customer_id), flt)
    with engine.connect() as conn:
        return tuple(sorted({str(v) for v in conn.execute(stmt.distinct()).scalars() if str(v).strip()}))


def has_survey_sends(engine: Engine, *, flt: CustomerFilter = ALL) -> bool:
    """Whether any survey invitation is recorded for these customers."""
    s = m.NpsSurveySend
    stmt = select(s.id).select_from(s)
    if not flt.is_all:
        stmt = _apply(stmt.join(c, c.id == s.customer_id), flt)
    with engine.connect() as conn:
        return conn.execute(stmt.limit(1)).first() is not None


# --- closed loop ---------------------------------------------------------------------------------


def follow_ups_tracked(engine: Engine) -> bool:
    """Whether any answer in the whole database has a follow-up status (follow-ups are tracked)."""
    with engine.connect() as conn:
        return conn.execute(select(r.id).where(r.follow_up_status.is_not(None)).limit(1)).first() is not None


def follow_up_queue(
    engine: Engine, *, start: dt.date, end: dt.date, flt: CustomerFilter = ALL, include_closed: bool = True
) -> pd.DataFrame:
    """Detractor responses (0-6) of ``[start, end)`` with their follow-up, oldest first.

    Without ``include_closed`` only those still waiting (not started, open, in progress).
    Columns: ``id``, ``responded_on``, ``score``, ``customer``, ``segment``, ``csm`` (the
    customer's owner), ``comment``, ``follow_up_status``, ``follow_up_owner``, ``follow_up_due``,
    ``follow_up_done_on``, ``follow_up_note``.
    """
    stmt = select(
        r.id, r.responded_on, r.score, c.name.label("customer"), c.segment, c.owner.label("csm"), r.comment,
        r.follow_up_status, r.follow_up_owner, r.follow_up_due, r.follow_up_done_on, r.follow_up_note,
    ).select_from(r)
    stmt = _scoped(stmt, start=start, end=end, flt=flt).where(r.score >= 0, r.score <= 6)
    if not include_closed:
        stmt = stmt.where((r.follow_up_status.is_(None)) | r.follow_up_status.in_(("open", "in_progress")))
    frame = _frame(engine, stmt.order_by(r.responded_on, r.id))
    for column in ("responded_on", "follow_up_due", "follow_up_done_on"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def follow_up_of(engine: Engine, response_id: int) -> dict | None:
    """One answer's follow-up as stored (None when no answer has this id): ``id``, ``customer``
    (its name, None when anonymous), ``csm`` (the customer's owner), ``follow_up_status``,
    ``follow_up_owner``, ``follow_up_due``, ``follow_up_note``."""
    stmt = (select(r.id, c.name.label("customer"), c.owner.label("csm"), r.follow_up_status, r.follow_up_owner,
                   r.follow_up_due, r.follow_up_note)
            .select_from(r).outerjoin(c, c.id == r.customer_id).where(r.id == int(response_id)))
    with engine.connect() as conn:
        row = conn.execute(stmt).mappings().first()
    if row is None:
        return None
    found = dict(row)
    found["follow_up_due"] = as_date(found["follow_up_due"]) if found["follow_up_due"] is not None else None
    return found


@dataclass(frozen=True)
class FollowUpEdit:
    """A change to one response's follow-up. ``done_on`` defaults to today when status is done."""

    response_id: int
    status: str
    owner: str | None = None
    due: dt.date | None = None
    note: str | None = None
    done_on: dt.date | None = None


class FollowUpError(DataError):
    """A follow-up edit cannot be saved; the message lists every problem. Nothing was written."""


def _clean(edit: FollowUpEdit, responded_on: dt.date | None, today: dt.date) -> tuple[dict, list[str]]:
    problems: list[str] = []
    label = _("response {id}").format(id=edit.response_id)
    if responded_on is None:
        return {}, [_("{label} does not exist (it may have been deleted); reload the page.").format(label=label)]
    if edit.status not in FOLLOW_UP_STATUSES:
        problems.append(_("{label}: status {status} is not one of {statuses}.").format(
            label=label, status=repr(edit.status), statuses=", ".join(FOLLOW_UP_STATUSES)))
    owner = (edit.owner or "").strip() or None
    if owner and len(owner) > MAX_OWNER:
        problems.append(_("{label}: the owner's name is longer than {n} characters; shorten it.").format(
            label=label, n=MAX_OWNER))
    if edit.status in ("open", "in_progress", "done") and not owner:
        problems.append(_("{label}: say who owns the follow-up (owner is empty).").format(label=label))
    note = (edit.note or "").strip() or None
    if note and len(note) > MAX_NOTE:
        problems.append(_("{label}: the note is longer than {n} characters; shorten it.").format(
            label=label, n=MAX_NOTE))
    if edit.due is not None and edit.due < responded_on:
        problems.append(_("{label}: the due date {due} is before the answer ({answered}); pick a later date.").format(
            label=label, due=formats.date(edit.due), answered=formats.date(responded_on)))
    done_on = None
    if edit.status == "done":
        done_on = edit.done_on or today
        if done_on < responded_on:
            problems.append(_("{label}: the follow-up cannot be done ({done}) before the answer ({answered}).").format(
                label=label, done=formats.date(done_on), answered=formats.date(responded_on)))
        if done_on > today:
            problems.append(_("{label}: the done date {done} is in the future; use today or an earlier day.").format(
                label=label, done=formats.date(done_on)))
    values = {"follow_up_status": edit.status, "follow_up_owner": owner, "follow_up_due": edit.due,
              "follow_up_note": note, "follow_up_done_on": done_on}
    return values, problems


def save_follow_ups(engine: Engine, edits: Sequence[FollowUpEdit], *, today: dt.date | None = None) -> int:
    """Validate every edit, then write them all in one transaction; return how many were saved.

    Raises
    ------
    FollowUpError
        Listing every problem (unknown response, unknown status, missing owner, dates out of
        order, text too long). Nothing is written when any edit has a problem.
    """
    today = today or dt.date.today()
    if not edits:
        return 0
    ids = [int(e.response_id) for e in edits]
    if len(set(ids)) != len(ids):
        raise FollowUpError(_("The same response is edited twice; keep one edit per response."))
    with engine.begin() as conn:
        answered = {
            int(i): as_date(d) for i, d in conn.execute(select(r.id, r.responded_on).where(r.id.in_(ids))).all()
        }
        updates, problems = [], []
        for edit in edits:
            values, issues = _clean(edit, answered.get(int(edit.response_id)), today)
            problems.extend(issues)
            updates.append((int(edit.response_id), values))
        if problems:
            raise FollowUpError(" ".join(problems))
        for response_id, values in updates:
            conn.execute(update(r).where(r.id == response_id).values(**values))
    return len(updates)


def save_follow_up(engine: Engine, edit: FollowUpEdit, *, today: dt.date | None = None) -> None:
    """Validate and save one follow-up edit (see ``save_follow_ups``)."""
    save_follow_ups(engine, [edit], today=today)


__all__ = [
    "BREAKDOWNS", "NO_VALUE", "FollowUpEdit", "FollowUpError", "SurveyCounts", "comment_languages", "comment_texts",
    "counts_by", "follow_up_of", "follow_up_queue", "follow_ups_tracked", "has_survey_sends", "invalid_scores", "invitation_counts", "save_follow_up",
    "save_follow_ups", "score_counts", "survey_counts", "verbatim_count", "verbatims", "verbatims_by_id",
]
