"""The Meetings page's logging form state (``ui.meeting_form``): a draft into the form's fields
and back, empty rows, and numbers capped to what the fields accept."""

from __future__ import annotations

import datetime as dt

from cs_metrics.meetings import DecisionDraft, ItemDraft, MeetingDraft
from ui import meeting_form as mf


def _draft(**changes) -> MeetingDraft:
    base = dict(
        held_on=dt.date(2026, 3, 2), department="Logistics", meeting_type="department", duration_minutes=60,
        items=(ItemDraft("Shift plan", 20), ItemDraft("Late deliveries to customers", 30, "direct", "suggestion")),
        decisions=(DecisionDraft("Earlier cut-off", "favours", 1),), customer_item_text="  Cut-off moved  ",
    )
    return MeetingDraft(**{**base, **changes})


def test_form_state_round_trip():
    draft = _draft(attendees=6, title="Logistics weekly")
    state = mf.form_state(draft, editing=7)
    assert state["mtg_editing"] == 7 and state["mtg_item_rel_1"] == "suggested" and state["mtg_item_rel_0"] == "none"
    back = mf.draft_from_form(state)
    assert back.items == draft.items and back.decisions == draft.decisions
    assert (back.attendees, back.title, back.customer_item_text) == (6, "Logistics weekly", "Cut-off moved")


def test_draft_from_form_skips_empty_rows_and_relinks_decisions():
    state = {
        **mf.form_defaults(dt.date(2026, 3, 2)), "mtg_n_items": 3, "mtg_n_decisions": 2,
        "mtg_item_title_0": "", "mtg_item_minutes_0": None,
        "mtg_item_title_1": "Budget", "mtg_item_minutes_1": 10.0, "mtg_item_rel_1": "none",
        "mtg_item_title_2": "Customer complaints", "mtg_item_minutes_2": 5.0, "mtg_item_rel_2": "suggested",
        "mtg_dec_text_0": "Call back every complainant", "mtg_dec_impact_0": "favours", "mtg_dec_item_0": 2,
        "mtg_dec_text_1": " ",
    }
    draft = mf.draft_from_form(state)
    assert [i.title for i in draft.items] == ["Budget", "Customer complaints"]
    assert draft.items[1].relevance == "direct" and draft.items[1].relevance_source == "suggestion"
    assert draft.decisions == (DecisionDraft("Call back every complainant", "favours", 1),)
    assert draft.attendees is None and not draft.customer_item_filled


def test_form_state_caps_numbers_to_the_fields():
    # Minutes can say anything; the fields accept at most FORM_MAX_MINUTES (24 x 60 = 1,440) minutes,
    # FORM_MAX_ATTENDEES (500) attendees, and a duration of at least 1 minute.
    long = _draft(duration_minutes=2000, attendees=900, items=(ItemDraft("Strategy day", 1800),), decisions=())
    state = mf.form_state(long, editing=None)
    assert (state["mtg_duration"], state["mtg_attendees"], state["mtg_item_minutes_0"]) == (1440, 500, 1440.0)
    assert mf.form_state(_draft(duration_minutes=0), editing=None)["mtg_duration"] == 1
    # No items: the form still shows one empty row.
    assert mf.form_state(_draft(items=(), decisions=()), editing=None)["mtg_n_items"] == 1
