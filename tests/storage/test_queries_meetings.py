"""Meetings storage on SQLite and PostgreSQL: SQL sums, drill-downs, atomic save / edit / delete."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from cs_metrics import meetings as mt
from cs_metrics.errors import DataError
from cs_metrics.period import Period
from cs_metrics.storage import db
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import meetings as qm

TODAY = dt.date(2026, 3, 31)
START, END = dt.date(2026, 1, 1), dt.date(2026, 4, 1)


@pytest.fixture()
def engine(any_db_url):
    engine = db.make_engine(any_db_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


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


def test_save_read_back_report_and_drill_downs(engine):
    first = mt.save_meeting(engine, _it_weekly())
    second = mt.save_meeting(engine, _sales_review())
    rows = qm.meeting_rows(engine, start=START, end=END).set_index("meeting_id")
    assert list(rows.index) == [first, second]
    assert rows.loc[first, ["decisions_favours", "decisions_neutral", "decisions_worsens"]].tolist() == [1, 1, 1]
    assert rows.loc[second, ["decisions_favours", "decisions_neutral", "decisions_worsens"]].tolist() == [0, 1, 0]
    assert bool(rows.loc[first, "customer_item_filled"]) and not bool(rows.loc[second, "customer_item_filled"])

    totals = qm.agenda_item_totals(engine, start=START, end=END)
    it = totals[totals["meeting_id"] == first].set_index("relevance")
    # IT weekly: one item per relevance; the indirect item has no minutes; the direct one has two decisions.
    assert it.loc["none", ["n_items", "minutes", "n_decided"]].tolist() == [1, 20.0, 1]
    assert it.loc["direct", ["n_items", "minutes", "n_decided"]].tolist() == [1, 25.0, 1]
    assert it.loc["indirect", ["n_items", "minutes", "n_items_timed"]].tolist() == [1, 0.0, 0]

    assert mt.load_draft(engine, first) == _it_weekly()
    assert qm.first_meeting_date(engine) == dt.date(2026, 2, 2)

    row = mt.share_report(engine, period=Period(START, END - dt.timedelta(days=1))).iloc[0]
    # Agenda minutes 20 + 25 (+ unknown) + 30 + 15 = 90; about customers 25 + 15 = 40.
    assert row["agenda_minutes"] == 90 and row["customer_minutes"] == 40
    assert row["time_share"] == pytest.approx(40 / 90)
    # Items 3 + 2, about customers 2 + 1; filled 1 of 2; decisions favour 1, worsen 1 over 2 meetings.
    assert row["item_share"] == pytest.approx(3 / 5)
    assert row["filled_rate"] == 0.5
    assert (row["favours_per_meeting"], row["worsens_per_meeting"]) == (0.5, 0.5)
    # Customer items with a decision: the outage item; without: status page, lost renewals.
    assert (row["decided_items"], row["mentions"]) == (1, 2)
    cells = mt.share_report(engine, period=Period(START, END), by=("department", "meeting_type"))
    assert cells[["department", "meeting_type", "meetings"]].values.tolist() == [["IT", "department", 1], ["Sales", "project", 1]]

    skipped = qm.skipped_customer_item(engine, start=START, end=END)
    assert skipped["meeting_id"].tolist() == [second]
    assert skipped[["items", "customer_items", "customer_minutes"]].values.tolist() == [[2, 1, 15.0]]
    assert qm.skipped_customer_item(engine, start=START, end=END, departments=("IT",)).empty

    ledger = qm.decision_ledger(engine, start=START, end=END)
    assert ledger["text"].tolist()[0] == "Freeze discounts"  # newest meeting first
    worse = qm.decision_ledger(engine, start=START, end=END, impacts=("worsens",))
    assert worse[["agenda_item", "relevance"]].values.tolist() == [["Checkout outage: what customers saw", "direct"]]
    assert qm.decision_impact_counts(engine, start=START, end=END) == {"favours": 1, "neutral": 2, "worsens": 1}
    assert qm.meeting_list(engine, start=START, end=END)["meeting_id"].tolist() == [second, first]


def test_edit_delete_and_missing_meetings(engine):
    meeting_id = mt.save_meeting(engine, _it_weekly())
    mt.save_meeting(engine, _sales_review())
    edited = mt.MeetingDraft(
        held_on=dt.date(2026, 2, 3), department="IT", meeting_type="project", duration_minutes=30,
        items=(mt.ItemDraft("Single sign-on requested by customers", 30, "direct"),),
        decisions=(mt.DecisionDraft("Offer single sign-on on every plan", "favours", 0),),
        customer_item_text="Single sign-on for every customer.",
    )
    assert mt.save_meeting(engine, edited, meeting_id=meeting_id) == meeting_id
    assert mt.load_draft(engine, meeting_id) == edited
    assert (_count(engine, m.Meeting), _count(engine, m.AgendaItem), _count(engine, m.Decision)) == (2, 3, 2)

    with pytest.raises(DataError, match="no meeting with id 99"):
        mt.save_meeting(engine, _sales_review(), meeting_id=99)
    with pytest.raises(DataError, match="no meeting with id 99"):
        qm.delete_meeting(engine, 99)
    with pytest.raises(DataError, match="no meeting with id 99"):
        mt.load_draft(engine, 99)
    qm.delete_meeting(engine, meeting_id)
    assert (_count(engine, m.Meeting), _count(engine, m.AgendaItem), _count(engine, m.Decision)) == (1, 2, 1)


def test_bad_meetings_write_nothing(engine):
    too_long = mt.MeetingDraft(
        held_on=dt.date(2026, 2, 2), department="IT", meeting_type="department", duration_minutes=30,
        items=(mt.ItemDraft("Backups", 20), mt.ItemDraft("Laptops", 20)),
    )
    with pytest.raises(mt.MeetingError, match="more than the meeting lasted"):
        mt.save_meeting(engine, too_long)
    with pytest.raises(mt.MeetingError, match="Department"):
        mt.save_meeting(engine, mt.MeetingDraft(dt.date(2026, 2, 2), "Warehouse", "department", 30, items=(mt.ItemDraft("x", 5),)))
    assert _count(engine, m.Meeting) == 0 and _count(engine, m.AgendaItem) == 0

    # A decision pointing at an item that does not exist fails after the meeting and its items
    # were inserted: the transaction must leave nothing behind.
    broken = mt.MeetingDraft(
        held_on=dt.date(2026, 2, 2), department="IT", meeting_type="department", duration_minutes=30,
        items=(mt.ItemDraft("Backups", 20),), decisions=(mt.DecisionDraft("x", "neutral", 3),),
    )
    with pytest.raises(IndexError):
        qm.save_meeting(engine, broken)
    assert (_count(engine, m.Meeting), _count(engine, m.AgendaItem), _count(engine, m.Decision)) == (0, 0, 0)


def test_empty_database(engine):
    assert qm.meeting_rows(engine, start=START, end=END).empty
    assert qm.agenda_item_totals(engine, start=START, end=END).empty
    assert qm.first_meeting_date(engine) is None
    head = mt.headline(engine, period=Period(START, END))
    assert head.current["meetings"] == 0 and head.first_quarter is None
    assert qm.decision_impact_counts(engine, start=START, end=END) == {"favours": 0, "neutral": 0, "worsens": 0}
