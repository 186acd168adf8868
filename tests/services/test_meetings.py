"""Meetings service on SQLite and PostgreSQL: drafts checked and saved, read back as drafts, the
customer share of a period, the headline, and the page's drill-downs."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from sqlalchemy import func, select

from cs_metrics import meetings as mt
from cs_metrics.access import LOCAL, Actor, Refused
from cs_metrics.charts import meetings as charts
from cs_metrics.errors import DataError
from cs_metrics.period import Period
from cs_metrics.services import meetings as svc
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import meetings as qm
from cs_metrics.storage.queries.access import audit_events

TODAY = dt.date(2026, 3, 31)
START, END = dt.date(2026, 1, 1), dt.date(2026, 4, 1)
QUARTER = Period.window(START, END)  # 2026-01-01 to 2026-03-31


def _it_weekly() -> mt.MeetingDraft:
    return mt.MeetingDraft(
        held_on=dt.date(2026, 2, 2), department="IT", meeting_type="department", duration_minutes=60,
        title="IT weekly", attendees=5, customer_item_text="none",
        items=(
            mt.ItemDraft("Patch backlog", 20),
            mt.ItemDraft("Checkout outage: what customers saw", 25, "direct", "suggestion"),
            mt.ItemDraft("Status page wording", None, "indirect"),
        ),
        decisions=(
            mt.DecisionDraft("Post outages on the status page within 10 minutes", "favours", 1),
            mt.DecisionDraft("Move the portal fixes to next year", "worsens", 1),
            mt.DecisionDraft("Patch on Sundays", "neutral", 0),
        ),
    )


def _sales_review() -> mt.MeetingDraft:
    return mt.MeetingDraft(
        held_on=dt.date(2026, 3, 10), department="Sales", meeting_type="project", duration_minutes=45,
        items=(mt.ItemDraft("Pipeline review", 30), mt.ItemDraft("Why we lost two renewals", 15, "direct")),
        decisions=(mt.DecisionDraft("Freeze discounts", "neutral"),),
    )


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_save_read_back_and_report(engine):
    first = svc.save_meeting(engine, _it_weekly(), actor=LOCAL, today=TODAY)
    second = svc.save_meeting(engine, _sales_review(), actor=LOCAL, today=TODAY)
    assert svc.load_draft(engine, first) == _it_weekly()

    row = svc.share_report(engine, period=Period(START, END - dt.timedelta(days=1))).iloc[0]
    # Agenda minutes 20 + 25 (+ unknown) + 30 + 15 = 90; about customers 25 + 15 = 40.
    assert row["agenda_minutes"] == 90 and row["customer_minutes"] == 40
    assert row["time_share"] == pytest.approx(40 / 90)
    # Items 3 + 2, about customers 2 + 1; filled 1 of 2; decisions favour 1, worsen 1 over 2 meetings.
    assert row["item_share"] == pytest.approx(3 / 5)
    assert row["filled_rate"] == 0.5
    assert (row["favours_per_meeting"], row["worsens_per_meeting"]) == (0.5, 0.5)
    # Customer items with a decision: the outage item; without: status page, lost renewals.
    assert (row["decided_items"], row["mentions"]) == (1, 2)
    cells = svc.share_report(engine, period=Period(START, END), by=("department", "meeting_type"))
    assert cells[["department", "meeting_type", "meetings"]].values.tolist() == [["IT", "department", 1], ["Sales", "project", 1]]

    # The page's drill-downs read the same rows as storage, for the period's window [start, end).
    skipped = svc.skipped_customer_item(engine, period=QUARTER)
    assert skipped["meeting_id"].tolist() == [second]
    assert svc.skipped_customer_item(engine, period=QUARTER, departments=("IT",)).empty
    assert svc.skipped_customer_item(engine, period=QUARTER, meeting_types=("department",)).empty
    worse = svc.decision_ledger(engine, period=QUARTER, impacts=("worsens",))
    assert worse["text"].tolist() == ["Move the portal fixes to next year"]
    assert svc.decision_ledger(engine, period=QUARTER, departments=("Sales",))["text"].tolist() == ["Freeze discounts"]
    assert svc.decision_impact_counts(engine, period=QUARTER) == {"favours": 1, "neutral": 2, "worsens": 1}
    assert svc.meeting_list(engine, period=QUARTER)["meeting_id"].tolist() == [second, first]
    assert svc.meeting_detail(engine, first)["meeting"]["title"] == "IT weekly"
    # A period whose last day is 2026-03-09 leaves the Sales review (held 2026-03-10) out.
    assert svc.meeting_list(engine, period=Period(START, dt.date(2026, 3, 9)))["meeting_id"].tolist() == [first]


def test_headline_compares_with_the_first_quarter(engine):
    svc.save_meeting(engine, _it_weekly(), actor=LOCAL, today=TODAY)
    svc.save_meeting(engine, _sales_review(), actor=LOCAL, today=TODAY)
    head = svc.headline(engine, period=Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
    # First meeting 2026-02-02: the first quarter runs 2026-02-02 to 2026-05-01 and holds both
    # meetings (40 of 90 customer minutes, see above); March holds the Sales review alone: 15 of 45.
    assert head.first_quarter_period == Period(dt.date(2026, 2, 2), dt.date(2026, 5, 1))
    assert head.first_quarter["meetings"] == 2 and head.first_quarter["time_share"] == pytest.approx(40 / 90)
    assert head.current["meetings"] == 1 and head.current["time_share"] == pytest.approx(15 / 45)
    assert head.change_vs_first_quarter == pytest.approx(15 / 45 - 40 / 90)
    assert head.baseline == mt.BASELINE_SHARE


def test_meeting_totals_read_once_give_every_period_and_grouping_of_share_report(engine):
    svc.save_meeting(engine, _it_weekly(), actor=LOCAL, today=TODAY)
    svc.save_meeting(engine, _sales_review(), actor=LOCAL, today=TODAY)
    svc.save_meeting(engine, mt.MeetingDraft(
        held_on=dt.date(2025, 12, 1), department="IT", meeting_type="project", duration_minutes=50,
        items=(mt.ItemDraft("Renewals at risk", 12.5, "direct"), mt.ItemDraft("Budget", 7.25)),
        decisions=(mt.DecisionDraft("Call them", "favours", 0),), customer_item_text="Renewals"), actor=LOCAL, today=TODAY)
    per = svc.meeting_totals(engine)
    assert len(per) == 3 and set(mt.SUMMED_COLUMNS) <= set(per.columns)
    # Reference: share_report, which reads the period's meetings and items and sums them in pandas.
    winter = Period(dt.date(2025, 12, 1), dt.date(2026, 2, 28))
    everything = Period(dt.date(2024, 1, 1), TODAY)
    for period in (QUARTER, winter, everything):
        for by in ((), ("department",), ("department", "meeting_type"), ("department", "quarter")):
            pd.testing.assert_frame_equal(mt.share_of_meetings(per, period=period, by=by),
                                          svc.share_report(engine, period=period, by=by), check_exact=True)
        assert svc.share_heatmap(per, period=period).to_json() == charts.share_heatmap(
            svc.share_report(engine, period=period, by=("department", "meeting_type"))).to_json()
        assert svc.share_trend(per, period=period).to_json() == charts.share_trend(
            svc.share_report(engine, period=period, by=("department", "quarter"))).to_json()
        assert svc.decisions_by_department(per, period=period).to_json() == charts.decisions_by_group(
            svc.share_report(engine, period=period, by=("department",))).to_json()
    # Hand count for December 2025 to February 2026: the project (12.5 of 19.75 minutes about
    # customers) and the IT weekly (25 of 45): 37.5 of 64.75.
    row = mt.share_of_meetings(per, period=Period(dt.date(2025, 12, 1), dt.date(2026, 2, 28))).iloc[0]
    assert row["meetings"] == 2 and row["time_share"] == pytest.approx(37.5 / 64.75)


def test_edit_delete_and_missing_meetings(engine):
    meeting_id = svc.save_meeting(engine, _it_weekly(), actor=LOCAL, today=TODAY)
    svc.save_meeting(engine, _sales_review(), actor=LOCAL, today=TODAY)
    edited = mt.MeetingDraft(
        held_on=dt.date(2026, 2, 3), department="IT", meeting_type="project", duration_minutes=30,
        items=(mt.ItemDraft("Single sign-on requested by customers", 30, "direct"),),
        decisions=(mt.DecisionDraft("Offer single sign-on on every plan", "favours", 0),),
        customer_item_text="Single sign-on for every customer.",
    )
    assert svc.save_meeting(engine, edited, meeting_id=meeting_id, actor=LOCAL, today=TODAY) == meeting_id
    assert svc.load_draft(engine, meeting_id) == edited
    assert (_count(engine, m.Meeting), _count(engine, m.AgendaItem), _count(engine, m.Decision)) == (2, 3, 2)

    with pytest.raises(DataError, match="no meeting with id 99"):
        svc.save_meeting(engine, _sales_review(), meeting_id=99, actor=LOCAL, today=TODAY)
    with pytest.raises(DataError, match="no meeting with id 99"):
        svc.delete_meeting(engine, 99, actor=LOCAL)
    with pytest.raises(DataError, match="no meeting with id 99"):
        svc.load_draft(engine, 99)
    svc.delete_meeting(engine, meeting_id, actor=LOCAL)
    assert (_count(engine, m.Meeting), _count(engine, m.AgendaItem), _count(engine, m.Decision)) == (1, 2, 1)


def test_saving_trims_and_drops_an_empty_customer_item(engine):
    draft = mt.MeetingDraft(
        held_on=dt.date(2026, 2, 2), department="IT", meeting_type="department", duration_minutes=30,
        items=(mt.ItemDraft("  Backups  ", 20),), title="  ", customer_item_text="   ",
    )
    stored = svc.load_draft(engine, svc.save_meeting(engine, draft, actor=LOCAL, today=TODAY))
    # check_meeting trims the texts: an all-blank title and customer item are stored as empty.
    assert (stored.items[0].title, stored.title, stored.customer_item_text) == ("Backups", None, None)
    assert not stored.customer_item_filled


def test_bad_meetings_write_nothing(engine):
    too_long = mt.MeetingDraft(
        held_on=dt.date(2026, 2, 2), department="IT", meeting_type="department", duration_minutes=30,
        items=(mt.ItemDraft("Backups", 20), mt.ItemDraft("Laptops", 20)),
    )
    with pytest.raises(mt.MeetingError, match="more than the meeting lasted"):
        svc.save_meeting(engine, too_long, actor=LOCAL, today=TODAY)
    with pytest.raises(mt.MeetingError, match="Department"):
        svc.save_meeting(engine, mt.MeetingDraft(dt.date(2026, 2, 2), "Warehouse", "department", 30, items=(mt.ItemDraft("x", 5),)),
                         actor=LOCAL, today=TODAY)
    # A decision pointing at an item that does not exist is refused before anything is written.
    broken = mt.MeetingDraft(
        held_on=dt.date(2026, 2, 2), department="IT", meeting_type="department", duration_minutes=30,
        items=(mt.ItemDraft("Backups", 20),), decisions=(mt.DecisionDraft("x", "neutral", 3),),
    )
    with pytest.raises(mt.MeetingError, match="agenda item 4, which does not exist"):
        svc.save_meeting(engine, broken, actor=LOCAL, today=TODAY)
    with pytest.raises(mt.MeetingError, match="in the future"):
        svc.save_meeting(engine, _sales_review(), actor=LOCAL, today=dt.date(2026, 3, 9))
    assert (_count(engine, m.Meeting), _count(engine, m.AgendaItem), _count(engine, m.Decision)) == (0, 0, 0)


def test_empty_database(engine):
    head = svc.headline(engine, period=Period(START, END))
    assert head.current["meetings"] == 0 and head.first_quarter is None
    assert head.first_quarter_period is None and math.isnan(head.change_vs_first_quarter)
    assert svc.decision_impact_counts(engine, period=QUARTER) == {"favours": 0, "neutral": 0, "worsens": 0}
    assert svc.meeting_list(engine, period=QUARTER).empty and svc.decision_ledger(engine, period=QUARTER).empty
    assert qm.first_meeting_date(engine) is None


# --- who may log, edit and delete meetings, and the audit trail ---------------------------------

MIA = Actor("mia@example.com", "Mia", "member", teams=frozenset({"IT"}), departments=frozenset({"IT"}))
VERA = Actor("vera@example.com", "Vera", "viewer")
EDDA = Actor("edda@example.com", "Edda", "editor")


def _trail(engine) -> list[tuple[str, str, str, str, str, str]]:
    rows = audit_events(engine)
    return list(rows[["actor", "actor_role", "action", "outcome", "records", "summary"]].itertuples(index=False,
                                                                                                     name=None))


def _counts(engine) -> tuple[int, int, int]:
    return _count(engine, m.Meeting), _count(engine, m.AgendaItem), _count(engine, m.Decision)


def test_a_member_logs_edits_and_deletes_their_departments_meetings_and_each_is_recorded(engine):
    first = svc.save_meeting(engine, _it_weekly(), actor=MIA, today=TODAY)
    # _it_weekly: IT, held 2026-02-02, titled "IT weekly", 3 agenda items, 3 decisions.
    assert _trail(engine) == [("mia@example.com", "member", "meetings.edit", "done",
                               f"meeting #{first} (IT, 2026-02-02)", "new: 'IT weekly', 3 agenda items, 3 decisions")]
    edited = mt.MeetingDraft(held_on=dt.date(2026, 2, 3), department="IT", meeting_type="department",
                             duration_minutes=60, title="IT weekly review", items=(mt.ItemDraft("Patch backlog", 20),))
    svc.save_meeting(engine, edited, actor=MIA, meeting_id=first, today=TODAY)
    # Changed: the title, the date, 3 -> 1 agenda items, 3 -> 0 decisions.
    assert _trail(engine)[0] == ("mia@example.com", "member", "meetings.edit", "done",
                                 f"meeting #{first} (IT, 2026-02-03)",
                                 "edited: title 'IT weekly' -> 'IT weekly review', date 2026-02-02 -> 2026-02-03, "
                                 "agenda items 3 -> 1, decisions 3 -> 0")
    svc.save_meeting(engine, edited, actor=MIA, meeting_id=first, today=TODAY)
    assert _trail(engine)[0][-1] == "edited: other details (1 agenda item, 0 decisions)"
    svc.delete_meeting(engine, first, actor=MIA)
    assert _trail(engine)[0] == ("mia@example.com", "member", "meetings.edit", "done",
                                 f"meeting #{first} (IT, 2026-02-03)",
                                 "deleted: 'IT weekly review', 1 agenda item, 0 decisions")
    assert _counts(engine) == (0, 0, 0) and len(_trail(engine)) == 4


def test_a_member_cannot_log_move_or_delete_meetings_outside_their_departments(engine):
    # Another department's meeting: refused, nothing stored, a 'refused' row naming it.
    with pytest.raises(Refused, match="only in their own department"):
        svc.save_meeting(engine, _sales_review(), actor=MIA, today=TODAY)
    assert _counts(engine) == (0, 0, 0)
    ((who, role, action, outcome, records, summary),) = _trail(engine)
    assert (who, role, action, outcome, records) == ("mia@example.com", "member", "meetings.edit", "refused",
                                                     "new meeting (Sales, 2026-03-10)")
    assert summary.startswith("A member may log, edit or delete a meeting only in their own department (yours: IT)")

    # Out of their department: moving their IT meeting to Sales is refused and it stays as it was.
    it = svc.save_meeting(engine, _it_weekly(), actor=MIA, today=TODAY)
    moved = mt.MeetingDraft(**{**_it_weekly().__dict__, "department": "Sales"})
    with pytest.raises(Refused, match="for Sales"):
        svc.save_meeting(engine, moved, actor=MIA, meeting_id=it, today=TODAY)
    assert svc.load_draft(engine, it) == _it_weekly()
    assert _trail(engine)[0][3:5] == ("refused", f"meeting #{it} (IT, 2026-02-02)")

    # Into their department: an editor's Sales meeting cannot be moved to IT, nor deleted, by the member.
    sales = svc.save_meeting(engine, _sales_review(), actor=EDDA, today=TODAY)
    into = mt.MeetingDraft(**{**_sales_review().__dict__, "department": "IT"})
    with pytest.raises(Refused, match="for Sales"):
        svc.save_meeting(engine, into, actor=MIA, meeting_id=sales, today=TODAY)
    with pytest.raises(Refused, match="for Sales"):
        svc.delete_meeting(engine, sales, actor=MIA)
    assert svc.load_draft(engine, sales) == _sales_review()
    assert [r[3:5] for r in _trail(engine)[:2]] == [("refused", f"meeting #{sales} (Sales, 2026-03-10)")] * 2
    # Rows: Sales refused, IT saved, move refused, Sales saved by the editor, move in refused, delete refused.
    assert [r[3] for r in _trail(engine)] == ["refused", "refused", "done", "refused", "done", "refused"]


def test_a_viewer_writes_no_meeting(engine):
    with pytest.raises(Refused, match="Only an editor or an admin may log, edit or delete a meeting"):
        svc.save_meeting(engine, _it_weekly(), actor=VERA, today=TODAY)
    assert _counts(engine) == (0, 0, 0)
    assert [r[:5] for r in _trail(engine)] == [("vera@example.com", "viewer", "meetings.edit", "refused",
                                                 "new meeting (IT, 2026-02-02)")]
