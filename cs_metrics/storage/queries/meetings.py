"""Meetings: reads summed in SQL per meeting, the drill-downs, and the atomic save of a meeting.

Agenda items and decisions grow with every meeting logged, so they are summed in SQL: what comes
back is one row per meeting (and relevance), never one row per item, except for the bounded lists
a person reads (a meeting being edited, the decisions ledger, the meetings that skipped the
customer item).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import Integer, case, cast, delete, func, select, update
from sqlalchemy.engine import Engine

from cs_metrics import vocab
from cs_metrics.errors import DataError
from cs_metrics.i18n import _
from cs_metrics.period import as_date
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import _frame


def _in_range(stmt, start: dt.date | None, end: dt.date | None):
    """``stmt`` limited to meetings held in ``[start, end)`` (None: no bound on that side)."""
    if start is not None:
        stmt = stmt.where(m.Meeting.held_on >= start)
    if end is not None:
        stmt = stmt.where(m.Meeting.held_on < end)
    return stmt


def _decision_counts(start: dt.date | None, end: dt.date | None):
    """Decisions per meeting and CX impact, of the meetings held in ``[start, end)`` only."""
    d = m.Decision
    stmt = select(
        d.meeting_id.label("meeting_id"),
        *[func.count(case((d.cx_impact == impact, 1))).label(f"decisions_{impact}")
          for impact in vocab.CX_IMPACTS],
    )
    if start is not None or end is not None:
        stmt = _in_range(stmt.join(m.Meeting, m.Meeting.id == d.meeting_id), start, end)
    return stmt.group_by(d.meeting_id).subquery()


def meeting_rows(
    engine: Engine,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    departments: tuple[str, ...] = (),
    meeting_types: tuple[str, ...] = (),
    details: bool = True,
) -> pd.DataFrame:
    """One row per meeting held in ``[start, end)`` (None: no bound; both None: every meeting):
    ``meeting_id``, ``held_on``, ``department``, ``meeting_type``, ``title``,
    ``duration_minutes``, ``attendees``, ``customer_item_filled``, and ``decisions_favours`` /
    ``decisions_neutral`` / ``decisions_worsens`` (counted in SQL). ``details=False`` leaves out
    ``title``, ``duration_minutes`` and ``attendees`` (what the customer share does not read)."""
    mt = m.Meeting
    dc = _decision_counts(start, end)
    shown = (mt.title, mt.duration_minutes, mt.attendees) if details else ()
    stmt = _in_range(
        select(
            mt.id.label("meeting_id"), mt.held_on, mt.department, mt.meeting_type, *shown,
            # read as 0/1 and made boolean below: cheaper than a Python call per row
            cast(mt.customer_item_filled, Integer).label("customer_item_filled"),
            *[func.coalesce(dc.c[f"decisions_{i}"], 0).label(f"decisions_{i}") for i in vocab.CX_IMPACTS],
        ).outerjoin(dc, dc.c.meeting_id == mt.id),
        start, end,
    ).order_by(mt.held_on, mt.id)
    if departments:
        stmt = stmt.where(mt.department.in_(departments))
    if meeting_types:
        stmt = stmt.where(mt.meeting_type.in_(meeting_types))
    frame = _frame(engine, stmt, dates=("held_on",))
    frame["customer_item_filled"] = frame["customer_item_filled"].astype(bool)
    for impact in vocab.CX_IMPACTS:
        frame[f"decisions_{impact}"] = frame[f"decisions_{impact}"].astype(int)
    return frame


def agenda_item_totals(
    engine: Engine, *, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    """Agenda items of the meetings held in ``[start, end)`` (None: no bound; both None: every
    meeting), summed per meeting and relevance: ``meeting_id``, ``relevance``, ``n_items``,
    ``minutes`` (sum of the known minutes), ``n_items_timed`` (items with minutes) and
    ``n_decided`` (items with at least one decision)."""
    ai, d = m.AgendaItem, m.Decision
    # an item is decided when some decision names it (one membership test per item, no join)
    decided = ai.id.in_(select(d.agenda_item_id).where(d.agenda_item_id.is_not(None)))
    stmt = select(
        ai.meeting_id,
        ai.relevance,
        func.count(ai.id).label("n_items"),
        func.coalesce(func.sum(ai.minutes), 0.0).label("minutes"),
        func.count(ai.minutes).label("n_items_timed"),
        func.coalesce(func.sum(case((decided, 1), else_=0)), 0).label("n_decided"),
    )
    if start is not None or end is not None:
        stmt = _in_range(stmt.join(m.Meeting, m.Meeting.id == ai.meeting_id), start, end)
    stmt = stmt.group_by(ai.meeting_id, ai.relevance).order_by(ai.meeting_id, ai.relevance)
    frame = _frame(engine, stmt)
    for col in ("n_items", "n_items_timed", "n_decided"):
        frame[col] = frame[col].astype(int)
    frame["minutes"] = frame["minutes"].astype(float)
    return frame


def first_meeting_date(engine: Engine) -> dt.date | None:
    """The date of the earliest logged meeting (None when there is none)."""
    with engine.connect() as conn:
        first = conn.execute(select(func.min(m.Meeting.held_on))).scalar_one()
    return as_date(first) if first is not None else None


def skipped_customer_item(
    engine: Engine,
    *,
    start: dt.date,
    end: dt.date,
    departments: tuple[str, ...] = (),
    meeting_types: tuple[str, ...] = (),
    limit: int | None = 500,
) -> pd.DataFrame:
    """Meetings in ``[start, end)`` whose minutes left the customer item empty, newest first:
    ``meeting_id``, ``held_on``, ``department``, ``meeting_type``, ``title``, ``duration_minutes``,
    ``items``, ``customer_items``, ``customer_minutes`` (at most ``limit`` rows; None: all)."""
    mt, ai = m.Meeting, m.AgendaItem
    about = ai.relevance.in_(("direct", "indirect"))

    def newest(*columns):  # the meetings shown, newest first, at most ``limit``
        stmt = _in_range(select(*columns).where(mt.customer_item_filled.is_(False)), start, end)
        stmt = _skipped_where(stmt, departments, meeting_types)
        return stmt.order_by(mt.held_on.desc(), mt.id.desc()).limit(limit)

    per_item = (  # the items of those meetings only, summed per meeting
        select(
            ai.meeting_id.label("meeting_id"),
            func.count(ai.id).label("items"),
            func.sum(case((about, 1), else_=0)).label("customer_items"),
            func.sum(case((about, func.coalesce(ai.minutes, 0.0)), else_=0.0)).label("customer_minutes"),
        )
        .where(ai.meeting_id.in_(newest(mt.id)))
        .group_by(ai.meeting_id)
        .subquery()
    )
    stmt = newest(
        mt.id.label("meeting_id"), mt.held_on, mt.department, mt.meeting_type, mt.title, mt.duration_minutes,
        func.coalesce(per_item.c["items"], 0).label("items"),
        func.coalesce(per_item.c.customer_items, 0).label("customer_items"),
        func.coalesce(per_item.c.customer_minutes, 0.0).label("customer_minutes"),
    ).outerjoin(per_item, per_item.c.meeting_id == mt.id)
    return _frame(engine, stmt, dates=("held_on",))


def _skipped_where(stmt, departments: tuple[str, ...], meeting_types: tuple[str, ...]):
    mt = m.Meeting
    if departments:
        stmt = stmt.where(mt.department.in_(departments))
    if meeting_types:
        stmt = stmt.where(mt.meeting_type.in_(meeting_types))
    return stmt


def skipped_count(
    engine: Engine, *, start: dt.date, end: dt.date, departments: tuple[str, ...] = (),
    meeting_types: tuple[str, ...] = (),
) -> int:
    """How many meetings ``skipped_customer_item`` finds without a limit."""
    mt = m.Meeting
    stmt = _skipped_where(_in_range(select(func.count()).select_from(mt).where(mt.customer_item_filled.is_(False)),
                                    start, end), departments, meeting_types)
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def decision_ledger(
    engine: Engine,
    *,
    start: dt.date,
    end: dt.date,
    impacts: tuple[str, ...] = (),
    departments: tuple[str, ...] = (),
    limit: int | None = 2000,
) -> pd.DataFrame:
    """Decisions of the meetings held in ``[start, end)``, newest first: ``decision_id``,
    ``held_on``, ``department``, ``meeting_type``, ``meeting``, ``agenda_item``, ``relevance``,
    ``text``, ``cx_impact`` (at most ``limit`` rows, None: all; empty filters mean "all")."""
    mt, d, ai = m.Meeting, m.Decision, m.AgendaItem
    stmt = _in_range(
        select(
            d.id.label("decision_id"), mt.held_on, mt.department, mt.meeting_type, mt.title.label("meeting"),
            ai.title.label("agenda_item"), ai.relevance, d.text, d.cx_impact,
        )
        .join(mt, mt.id == d.meeting_id)
        .outerjoin(ai, ai.id == d.agenda_item_id),
        start, end,
    ).order_by(mt.held_on.desc(), d.id.desc()).limit(limit)
    return _frame(engine, _ledger_where(stmt, impacts, departments), dates=("held_on",))


def _ledger_where(stmt, impacts: tuple[str, ...], departments: tuple[str, ...]):
    mt, d = m.Meeting, m.Decision
    if impacts:
        stmt = stmt.where(d.cx_impact.in_(impacts))
    if departments:
        stmt = stmt.where(mt.department.in_(departments))
    return stmt


def decision_count(
    engine: Engine, *, start: dt.date, end: dt.date, impacts: tuple[str, ...] = (), departments: tuple[str, ...] = ()
) -> int:
    """How many decisions ``decision_ledger`` finds without a limit."""
    mt, d = m.Meeting, m.Decision
    stmt = _in_range(select(func.count()).select_from(d).join(mt, mt.id == d.meeting_id), start, end)
    with engine.connect() as conn:
        return int(conn.execute(_ledger_where(stmt, impacts, departments)).scalar_one())


def decision_impact_counts(engine: Engine, *, start: dt.date, end: dt.date) -> dict[str, int]:
    """Decisions of the meetings held in ``[start, end)`` per CX impact (every impact present)."""
    d, mt = m.Decision, m.Meeting
    stmt = _in_range(
        select(d.cx_impact, func.count(d.id)).join(mt, mt.id == d.meeting_id), start, end
    ).group_by(d.cx_impact)
    with engine.connect() as conn:
        counts = {impact: int(n) for impact, n in conn.execute(stmt).all()}
    return {impact: counts.get(impact, 0) for impact in vocab.CX_IMPACTS}


def meeting_list(engine: Engine, *, start: dt.date, end: dt.date, departments: tuple[str, ...] | None = None,
                 limit: int = 300) -> pd.DataFrame:
    """Meetings held in ``[start, end)`` (of ``departments``; None: all), newest first, to pick one
    to edit: ``meeting_id``, ``held_on``, ``department``, ``meeting_type``, ``title``."""
    mt = m.Meeting
    stmt = _in_range(
        select(mt.id.label("meeting_id"), mt.held_on, mt.department, mt.meeting_type, mt.title), start, end
    )
    if departments is not None:
        stmt = stmt.where(mt.department.in_(departments))
    stmt = stmt.order_by(mt.held_on.desc(), mt.id.desc()).limit(limit)
    return _frame(engine, stmt, dates=("held_on",))


def meeting_detail(engine: Engine, meeting_id: int) -> dict[str, Any]:
    """One stored meeting: ``meeting`` (dict of its columns), ``items`` and ``decisions`` (frames,
    in agenda order). Raises ``DataError`` when no meeting has this id."""
    with engine.connect() as conn:
        row = conn.execute(select(m.Meeting).where(m.Meeting.id == meeting_id)).mappings().first()
    if row is None:
        raise DataError(_("There is no meeting with id {id}; it may have been deleted. Reload the page.").format(
            id=meeting_id))
    meeting = dict(row)
    meeting["held_on"] = as_date(meeting["held_on"])
    ai, d = m.AgendaItem, m.Decision
    items = _frame(
        engine,
        select(ai.id, ai.position, ai.title, ai.minutes, ai.relevance, ai.relevance_source)
        .where(ai.meeting_id == meeting_id)
        .order_by(ai.position, ai.id),
    )
    decisions = _frame(
        engine,
        select(d.id, d.agenda_item_id, d.text, d.cx_impact).where(d.meeting_id == meeting_id).order_by(d.id),
    )
    return {"meeting": meeting, "items": items, "decisions": decisions}


def save_meeting(
    engine: Engine,
    meeting: dict[str, Any],
    items: list[dict[str, Any]],
    decisions: list[dict[str, Any]],
    *,
    meeting_id: int | None = None,
) -> int:
    """Store a checked meeting with its agenda items and decisions in one transaction.

    Parameters
    ----------
    meeting : dict
        The ``meeting`` table's columns: ``held_on``, ``department``, ``meeting_type``,
        ``title``, ``duration_minutes``, ``attendees``, ``customer_item_filled``,
        ``customer_item_text``.
    items : list of dict
        Agenda items in agenda order: ``title``, ``minutes``, ``relevance``, ``relevance_source``.
    decisions : list of dict
        ``text``, ``cx_impact`` and ``item``: the 0-based position in ``items`` of the agenda
        item the decision was taken on, or None.
    meeting_id : int, optional
        Replace this stored meeting (its items and decisions are written anew); a missing id
        raises ``DataError`` and nothing is written.

    Returns
    -------
    int
        The meeting's id. The rows must have been checked (``cs_metrics.services.meetings``
        does); a decision pointing past ``items`` raises ``IndexError`` and writes nothing.
    """
    columns = ("held_on", "department", "meeting_type", "title", "duration_minutes", "attendees",
               "customer_item_filled", "customer_item_text")
    values = {column: meeting.get(column) for column in columns}
    with engine.begin() as conn:
        if meeting_id is None:
            meeting_id = int(conn.execute(m.Meeting.__table__.insert().values(**values)).inserted_primary_key[0])
        else:
            found = conn.execute(update(m.Meeting).where(m.Meeting.id == meeting_id).values(**values)).rowcount
            if not found:
                raise DataError(_("There is no meeting with id {id} to update; it may have been deleted.").format(
                    id=meeting_id))
            conn.execute(delete(m.Decision).where(m.Decision.meeting_id == meeting_id))
            conn.execute(delete(m.AgendaItem).where(m.AgendaItem.meeting_id == meeting_id))
        item_ids: list[int] = []
        for position, item in enumerate(items, start=1):
            result = conn.execute(
                m.AgendaItem.__table__.insert().values(
                    meeting_id=meeting_id, position=position, title=item["title"], minutes=item.get("minutes"),
                    relevance=item["relevance"], relevance_source=item["relevance_source"],
                )
            )
            item_ids.append(int(result.inserted_primary_key[0]))
        for decision in decisions:
            on_item = decision.get("item")
            conn.execute(
                m.Decision.__table__.insert().values(
                    meeting_id=meeting_id,
                    agenda_item_id=None if on_item is None else item_ids[on_item],
                    text=decision["text"],
                    cx_impact=decision["cx_impact"],
                )
            )
    return meeting_id


def delete_meeting(engine: Engine, meeting_id: int) -> None:
    """Delete a meeting with its agenda items and decisions, in one transaction."""
    with engine.begin() as conn:
        conn.execute(delete(m.Decision).where(m.Decision.meeting_id == meeting_id))
        conn.execute(delete(m.AgendaItem).where(m.AgendaItem.meeting_id == meeting_id))
        if not conn.execute(delete(m.Meeting).where(m.Meeting.id == meeting_id)).rowcount:
            raise DataError(_("There is no meeting with id {id}; it may have been deleted already.").format(
                id=meeting_id))
