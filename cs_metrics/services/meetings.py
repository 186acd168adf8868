"""Meetings from the database: the customer share of a period, the drill-downs the Meetings page
shows, and saving, loading and deleting a logged meeting.

Saving and deleting take the ``actor`` making the change: a member only for their own
departments, editors and admins for any; each write leaves a row in the audit trail
(``cs_metrics.services.access``), which also covers the meeting's agenda items and decisions.

Page data goes through ``ui.loaders.load(fn, ...)``, so every reader takes the engine first and
hashable arguments (a ``Period``, tuples of names).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy.engine import Engine

from cs_metrics import access, meetings
from cs_metrics.access import Actor
from cs_metrics.charts import meetings as charts
from cs_metrics.meetings import DecisionDraft, Headline, ItemDraft, MeetingDraft
from cs_metrics.period import Period
from cs_metrics.services.access import write
from cs_metrics.storage.queries import meetings as qm


def share_report(engine: Engine, *, period: Period, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """``meetings.customer_share`` of the meetings held in ``period``, per ``by`` group (none:
    one row for all of them)."""
    rows = qm.meeting_rows(engine, start=period.start, end=period.end, details=False)
    items = qm.agenda_item_totals(engine, start=period.start, end=period.end)
    return meetings.customer_share(items, rows, by=by)


def meeting_totals(engine: Engine) -> pd.DataFrame:
    """Every logged meeting with its agenda items and decisions summed (``meetings.per_meeting``):
    ``meeting_id``, ``held_on``, ``department``, ``meeting_type``, ``customer_item_filled`` and
    ``meetings.SUMMED_COLUMNS``. Read once, it gives the customer share of any period and
    grouping (``meetings.share_of_meetings``) without reading the agenda items again."""
    rows = qm.meeting_rows(engine, details=False)
    per = meetings.per_meeting(qm.agenda_item_totals(engine), rows)
    keep = ["meeting_id", "held_on", "department", "meeting_type", *meetings.SUMMED_COLUMNS]
    return per[keep].reset_index(drop=True)


def headline(engine: Engine, *, period: Period) -> Headline:
    """Customer share for ``period``, for the first quarter of logged meetings, and the baseline."""
    return meetings.share_headline(meeting_totals(engine), period=period)


# --- the Meetings page's figures, from ``meeting_totals`` (one reading for every period) ------------


def share_heatmap(per: pd.DataFrame, *, period: Period) -> go.Figure:
    """Customer share of agenda time per department and meeting type in ``period``
    (``charts.meetings.share_heatmap``); ``per`` is ``meeting_totals``."""
    cells = meetings.share_of_meetings(per, period=period, by=("department", "meeting_type"))
    return charts.share_heatmap(cells)


def share_trend(per: pd.DataFrame, *, period: Period) -> go.Figure:
    """Customer share of agenda time per department and calendar quarter of ``period``
    (``charts.meetings.share_trend``); ``per`` is ``meeting_totals``."""
    return charts.share_trend(meetings.share_of_meetings(per, period=period, by=("department", "quarter")))


def decisions_by_department(per: pd.DataFrame, *, period: Period) -> go.Figure:
    """Decisions per meeting by their effect on customers, per department, in ``period``
    (``charts.meetings.decisions_by_group``); ``per`` is ``meeting_totals``."""
    return charts.decisions_by_group(meetings.share_of_meetings(per, period=period, by=("department",)))


def _rows(draft: MeetingDraft) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The meeting, agenda item and decision rows storage keeps for a checked ``draft``."""
    meeting = {
        "held_on": draft.held_on,
        "department": draft.department,
        "meeting_type": draft.meeting_type,
        "title": draft.title,
        "duration_minutes": int(draft.duration_minutes),
        "attendees": draft.attendees,
        "customer_item_filled": draft.customer_item_filled,
        "customer_item_text": draft.customer_item_text if draft.customer_item_filled else None,
    }
    items = [
        {"title": i.title, "minutes": i.minutes, "relevance": i.relevance, "relevance_source": i.relevance_source}
        for i in draft.items
    ]
    decisions = [{"text": d.text, "cx_impact": d.cx_impact, "item": d.item} for d in draft.decisions]
    return meeting, items, decisions


def save_meeting(
    engine: Engine, draft: MeetingDraft, *, actor: Actor, meeting_id: int | None = None,
    today: dt.date | None = None,
) -> int:
    """Check ``draft`` (``meetings.check_meeting``) and store it as ``actor``, a new meeting or
    replacing meeting ``meeting_id``, in one transaction; return the meeting's id.

    ``actor`` needs the right "meetings.edit" for the draft's department and, for an edit, for the
    stored meeting's department too (a member cannot move a meeting out of, or into, a department
    not theirs). The audit row names the meeting and what changed.

    Raises
    ------
    cs_metrics.meetings.MeetingError
        The draft cannot be saved as given (nothing is written); the message lists what to fix.
    DataError
        ``meeting_id`` names no stored meeting (it may have been deleted meanwhile).
    Refused
        ``actor`` may not log or edit meetings of these departments (recorded, nothing written).
    """
    checked = meetings.check_meeting(draft, today=today)
    meeting, items, decisions = _rows(checked)
    before = None if meeting_id is None else load_draft(engine, meeting_id)
    department = checked.department
    if before is not None and not access.can(actor, "meetings.edit", department=before.department):
        department = before.department  # the stored department is the one refused
    records = f"new meeting ({_where(checked)})" if before is None else _record(meeting_id, before)
    with write(engine, actor, "meetings.edit", records=records, department=department) as entry:
        saved = qm.save_meeting(engine, meeting, items, decisions, meeting_id=meeting_id)
        entry.records = _record(saved, checked)
        entry.summary = _new(checked) if before is None else _edited(before, checked)
    return saved


def _where(draft: MeetingDraft) -> str:
    return f"{draft.department}, {draft.held_on:%Y-%m-%d}"


def _record(meeting_id: int, draft: MeetingDraft) -> str:
    """How the audit trail names a meeting, e.g. 'meeting #12 (Sales, 2026-03-10)'."""
    return f"meeting #{meeting_id} ({_where(draft)})"


def _counts(draft: MeetingDraft) -> str:
    """E.g. '3 agenda items, 1 decision'."""
    items, decisions = len(draft.items), len(draft.decisions)
    return f"{items} agenda item{'s' * (items != 1)}, {decisions} decision{'s' * (decisions != 1)}"


def _title(draft: MeetingDraft) -> str:
    return repr(draft.title) if draft.title else "no title"


def _new(draft: MeetingDraft) -> str:
    return f"new: {_title(draft)}, {_counts(draft)}"


def _edited(before: MeetingDraft, after: MeetingDraft) -> str:
    """What an edit changed: title, date, department, agenda items and decisions counts."""
    changes = []
    if before.title != after.title:
        changes.append(f"title {_title(before)} -> {_title(after)}")
    if before.held_on != after.held_on:
        changes.append(f"date {before.held_on:%Y-%m-%d} -> {after.held_on:%Y-%m-%d}")
    if before.department != after.department:
        changes.append(f"department {before.department} -> {after.department}")
    if len(before.items) != len(after.items):
        changes.append(f"agenda items {len(before.items)} -> {len(after.items)}")
    if len(before.decisions) != len(after.decisions):
        changes.append(f"decisions {len(before.decisions)} -> {len(after.decisions)}")
    if not changes:
        return f"edited: other details ({_counts(after)})"
    return "edited: " + ", ".join(changes)


def load_draft(engine: Engine, meeting_id: int) -> MeetingDraft:
    """The stored meeting ``meeting_id`` as a draft, to edit and save again (``DataError`` when
    no meeting has this id)."""
    detail = qm.meeting_detail(engine, meeting_id)
    m = detail["meeting"]
    ids = [int(i) for i in detail["items"]["id"]]
    items = tuple(
        ItemDraft(r.title, None if pd.isna(r.minutes) else float(r.minutes), r.relevance, r.relevance_source)
        for r in detail["items"].itertuples()
    )

    def position(item_id: Any) -> int | None:
        return ids.index(int(item_id)) if pd.notna(item_id) and int(item_id) in ids else None

    decisions = tuple(DecisionDraft(r.text, r.cx_impact, position(r.agenda_item_id)) for r in detail["decisions"].itertuples())
    return MeetingDraft(
        held_on=m["held_on"], department=m["department"], meeting_type=m["meeting_type"],
        duration_minutes=int(m["duration_minutes"]), items=items, decisions=decisions,
        attendees=None if m["attendees"] is None else int(m["attendees"]), title=m["title"],
        customer_item_text=m["customer_item_text"] if m["customer_item_filled"] else None,
    )


def delete_meeting(engine: Engine, meeting_id: int, *, actor: Actor) -> None:
    """Delete a meeting with its agenda items and decisions as ``actor`` (right "meetings.edit" for
    its department); ``DataError`` when it is gone, ``Refused`` (recorded) when not allowed."""
    before = load_draft(engine, meeting_id)
    with write(engine, actor, "meetings.edit", records=_record(meeting_id, before),
               department=before.department) as entry:
        qm.delete_meeting(engine, meeting_id)
        entry.summary = f"deleted: {_title(before)}, {_counts(before)}"


def meeting_list(engine: Engine, *, period: Period, departments: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Meetings held in ``period`` (of ``departments``; None: all), newest first, to pick one to
    edit: ``meeting_id``, ``held_on``, ``department``, ``meeting_type``, ``title``."""
    return qm.meeting_list(engine, start=period.start, end=period.end, departments=departments)


def meeting_detail(engine: Engine, meeting_id: int) -> dict[str, Any]:
    """One stored meeting: ``meeting`` (its columns), ``items`` and ``decisions`` (frames)."""
    return qm.meeting_detail(engine, meeting_id)


def skipped_customer_item(
    engine: Engine, *, period: Period, departments: tuple[str, ...] = (), meeting_types: tuple[str, ...] = (),
    limit: int | None = 500,
) -> pd.DataFrame:
    """Meetings held in ``period`` whose minutes left the customer item empty, newest first
    (empty filters mean "all"; at most ``limit``, None: all); see
    ``storage.queries.meetings.skipped_customer_item``."""
    return qm.skipped_customer_item(
        engine, start=period.start, end=period.end, departments=departments, meeting_types=meeting_types, limit=limit
    )


def skipped_count(
    engine: Engine, *, period: Period, departments: tuple[str, ...] = (), meeting_types: tuple[str, ...] = ()
) -> int:
    """How many meetings of ``period`` left the customer item empty (as ``skipped_customer_item``)."""
    return qm.skipped_count(engine, start=period.start, end=period.end, departments=departments,
                            meeting_types=meeting_types)


def decision_ledger(
    engine: Engine, *, period: Period, impacts: tuple[str, ...] = (), departments: tuple[str, ...] = (),
    limit: int | None = 2000,
) -> pd.DataFrame:
    """Decisions of the meetings held in ``period``, newest first (empty filters mean "all"; at
    most ``limit``, None: all); see ``storage.queries.meetings.decision_ledger``."""
    return qm.decision_ledger(engine, start=period.start, end=period.end, impacts=impacts, departments=departments,
                              limit=limit)


def decision_count(
    engine: Engine, *, period: Period, impacts: tuple[str, ...] = (), departments: tuple[str, ...] = ()
) -> int:
    """How many decisions of ``period`` ``decision_ledger`` finds without a limit."""
    return qm.decision_count(engine, start=period.start, end=period.end, impacts=impacts, departments=departments)


def decision_impact_counts(engine: Engine, *, period: Period) -> dict[str, int]:
    """Decisions of the meetings held in ``period`` per effect on the customer (every effect
    present, 0 when none)."""
    return qm.decision_impact_counts(engine, start=period.start, end=period.end)
