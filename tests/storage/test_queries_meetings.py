"""Meetings storage on SQLite and PostgreSQL: SQL sums, drill-downs, atomic save / edit / delete of
plain rows (drafts are turned into rows by ``cs_metrics.services.meetings``)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import func, select

from cs_metrics.errors import DataError
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import meetings as qm

START, END = dt.date(2026, 1, 1), dt.date(2026, 4, 1)


def _meeting(held_on: dt.date, department: str, meeting_type: str, duration: int, *, title=None, attendees=None,
             customer_item_text=None) -> dict:
    return {"held_on": held_on, "department": department, "meeting_type": meeting_type, "title": title,
            "duration_minutes": duration, "attendees": attendees, "customer_item_filled": customer_item_text is not None,
            "customer_item_text": customer_item_text}


def _item(title: str, minutes: float | None, relevance: str = "none", source: str = "person") -> dict:
    return {"title": title, "minutes": minutes, "relevance": relevance, "relevance_source": source}


def _decision(text: str, cx_impact: str, item: int | None = None) -> dict:
    return {"text": text, "cx_impact": cx_impact, "item": item}


def it_weekly() -> tuple[dict, list[dict], list[dict]]:
    """An IT department meeting: three items (one without minutes), three decisions, two on item 2."""
    return (
        _meeting(dt.date(2026, 2, 2), "IT", "department", 60, title="IT weekly", attendees=5, customer_item_text="none"),
        [_item("Patch backlog", 20.0), _item("Checkout outage: what customers saw", 25.0, "direct", "suggestion"),
         _item("Status page wording", None, "indirect")],
        [_decision("Post outages on the status page within 10 minutes", "favours", 1),
         _decision("Move the portal fixes to next year", "worsens", 1), _decision("Patch on Sundays", "neutral", 0)],
    )


def sales_review() -> tuple[dict, list[dict], list[dict]]:
    """A Sales project meeting that skipped the customer item; one decision on no item."""
    return (
        _meeting(dt.date(2026, 3, 10), "Sales", "project", 45),
        [_item("Pipeline review", 30.0), _item("Why we lost two renewals", 15.0, "direct")],
        [_decision("Freeze discounts", "neutral")],
    )


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_save_read_back_and_drill_downs(engine):
    first = qm.save_meeting(engine, *it_weekly())
    second = qm.save_meeting(engine, *sales_review())
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

    detail = qm.meeting_detail(engine, first)
    assert (detail["meeting"]["held_on"], detail["meeting"]["title"], detail["meeting"]["attendees"]) == (
        dt.date(2026, 2, 2), "IT weekly", 5)
    assert detail["items"]["title"].tolist() == ["Patch backlog", "Checkout outage: what customers saw", "Status page wording"]
    ids = detail["items"]["id"].tolist()
    # Decisions point at the stored ids of items 2, 2 and 1 (positions 1, 1, 0).
    assert detail["decisions"]["agenda_item_id"].tolist() == [ids[1], ids[1], ids[0]]
    assert qm.first_meeting_date(engine) == dt.date(2026, 2, 2)

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


def test_windows_leave_out_their_end_day(engine):
    qm.save_meeting(engine, *it_weekly())  # held 2026-02-02
    # [2026-01-01, 2026-02-02) ends the day the meeting was held: the meeting is not in it ...
    assert qm.meeting_rows(engine, start=START, end=dt.date(2026, 2, 2)).empty
    # ... and [2026-01-01, 2026-02-03) holds it on its last day.
    assert len(qm.meeting_rows(engine, start=START, end=dt.date(2026, 2, 3))) == 1


def test_unbounded_reads_and_the_first_rows_of_the_skipped_list(engine):
    first = qm.save_meeting(engine, *it_weekly())  # 2026-02-02
    second = qm.save_meeting(engine, *sales_review())  # 2026-03-10, skipped the customer item
    third = qm.save_meeting(engine, _meeting(dt.date(2025, 6, 1), "Sales", "project", 30),
                            [_item("Churned accounts", 10.0, "indirect")], [])  # skipped too
    # No bounds: every meeting, as a window holding them all gives.
    wide = {"start": dt.date(2000, 1, 1), "end": dt.date(2100, 1, 1)}
    pd.testing.assert_frame_equal(qm.meeting_rows(engine), qm.meeting_rows(engine, **wide))
    assert qm.meeting_rows(engine)["meeting_id"].tolist() == [third, first, second]
    pd.testing.assert_frame_equal(qm.agenda_item_totals(engine), qm.agenda_item_totals(engine, **wide))
    assert qm.meeting_rows(engine, start=START)["meeting_id"].tolist() == [first, second]
    assert qm.meeting_rows(engine, end=START)["meeting_id"].tolist() == [third]
    # details=False: the same rows without the columns the customer share does not read.
    brief = qm.meeting_rows(engine, details=False)
    detailed = qm.meeting_rows(engine)
    pd.testing.assert_frame_equal(brief, detailed.drop(columns=["title", "duration_minutes", "attendees"]))
    # The skipped list sums the items of the meetings it shows only: the first row of the full list.
    every = qm.skipped_customer_item(engine, **wide, limit=None)
    assert every["meeting_id"].tolist() == [second, third]
    sums = every[["items", "customer_items", "customer_minutes"]].values.tolist()
    assert sums == [[2, 1, 15.0], [1, 1, 10.0]]
    pd.testing.assert_frame_equal(qm.skipped_customer_item(engine, **wide, limit=1), every.head(1))
    assert qm.skipped_count(engine, **wide) == 2


def test_edit_delete_and_missing_meetings(engine):
    meeting_id = qm.save_meeting(engine, *it_weekly())
    qm.save_meeting(engine, *sales_review())
    edited = (
        _meeting(dt.date(2026, 2, 3), "IT", "project", 30, customer_item_text="Single sign-on for every customer."),
        [_item("Single sign-on requested by customers", 30.0, "direct")],
        [_decision("Offer single sign-on on every plan", "favours", 0)],
    )
    assert qm.save_meeting(engine, *edited, meeting_id=meeting_id) == meeting_id
    detail = qm.meeting_detail(engine, meeting_id)
    assert (detail["meeting"]["meeting_type"], detail["meeting"]["customer_item_text"]) == (
        "project", "Single sign-on for every customer.")
    assert detail["items"]["title"].tolist() == ["Single sign-on requested by customers"]
    assert (_count(engine, m.Meeting), _count(engine, m.AgendaItem), _count(engine, m.Decision)) == (2, 3, 2)

    with pytest.raises(DataError, match="no meeting with id 99"):
        qm.save_meeting(engine, *sales_review(), meeting_id=99)
    with pytest.raises(DataError, match="no meeting with id 99"):
        qm.delete_meeting(engine, 99)
    with pytest.raises(DataError, match="no meeting with id 99"):
        qm.meeting_detail(engine, 99)
    qm.delete_meeting(engine, meeting_id)
    assert (_count(engine, m.Meeting), _count(engine, m.AgendaItem), _count(engine, m.Decision)) == (1, 2, 1)


def test_a_failing_save_writes_nothing(engine):
    # A decision pointing at an item that does not exist fails after the meeting and its items
    # were inserted: the transaction must leave nothing behind.
    broken = (_meeting(dt.date(2026, 2, 2), "IT", "department", 30), [_item("Backups", 20.0)],
              [_decision("x", "neutral", 3)])
    with pytest.raises(IndexError):
        qm.save_meeting(engine, *broken)
    assert (_count(engine, m.Meeting), _count(engine, m.AgendaItem), _count(engine, m.Decision)) == (0, 0, 0)


def test_empty_database(engine):
    assert qm.meeting_rows(engine, start=START, end=END).empty
    assert qm.agenda_item_totals(engine, start=START, end=END).empty
    assert qm.first_meeting_date(engine) is None
    assert qm.decision_impact_counts(engine, start=START, end=END) == {"favours": 0, "neutral": 0, "worsens": 0}
