"""The Meetings page's logging form: a meeting with its agenda items and decisions, typed or
proposed from minutes, checked and saved; and picking a logged meeting to edit or delete.

The form keeps its fields in ``st.session_state`` under ``mtg_*`` keys. ``form_defaults``,
``form_state`` and ``draft_from_form`` translate between those fields and a ``MeetingDraft``;
``form`` draws the fields and the save button. ``mtg_round`` survives a save so that the file
uploader (whose key carries it) starts empty again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import streamlit as st

from cs_metrics import vocab
from cs_metrics.access import Actor, everywhere
from cs_metrics.charts.meetings import impact_name, relevance_name, type_name
from cs_metrics.errors import DataError
from cs_metrics.i18n import _, formats, language, pgettext
from cs_metrics.meetings import CUSTOMER_QUESTION, DecisionDraft, ItemDraft, MeetingDraft, meeting_problems
from cs_metrics.period import Period
from cs_metrics.relevance import (
    ACCEPT_SUGGESTION,
    Suggestion,
    relevance_choice,
    resolve_relevance,
    suggest_relevance,
)
from cs_metrics.services import meetings as svc
from ui import identity, loaders
from ui.text import plain

#: Largest values the form's number fields accept (values read from minutes are capped to them).
FORM_MAX_MINUTES = 24 * 60
FORM_MAX_ATTENDEES = 500
FORM_MAX_ITEMS = 100
#: Where the page finds the message of the last save or delete, shown once after the re-run.
MESSAGE = "mtg_message"
ROUND = "mtg_round"


def any_department(who: Actor) -> bool:
    """Whether ``who`` may log and edit meetings of any department (editors and admins)."""
    return everywhere(who, "meetings.edit")


def departments(who: Actor) -> tuple[str, ...]:
    """The departments ``who`` may log meetings for: every department for editors and admins; a
    member's own (none for someone in no team), in the usual order."""
    if any_department(who):
        return vocab.DEPARTMENTS
    return tuple(d for d in vocab.DEPARTMENTS if d in who.departments)


def form_defaults(today: dt.date, choices: tuple[str, ...] = vocab.DEPARTMENTS) -> dict[str, object]:
    """Initial values of the logging form's fields (an empty meeting held ``today``, in the first
    department of ``choices``)."""
    return {
        "mtg_title": "", "mtg_date": today, "mtg_department": choices[0],
        "mtg_type": "department", "mtg_duration": 60, "mtg_attendees": 0, "mtg_n_items": 3,
        "mtg_customer_text": "", "mtg_n_decisions": 0, "mtg_editing": None,
    }


def form_state(draft: MeetingDraft, *, editing: int | None) -> dict[str, object]:
    """The form's fields holding ``draft`` (``editing``: the id of the stored meeting, or None).
    Numbers are capped to what the form's fields accept, so that a person sees and fixes them."""
    state: dict[str, object] = {
        "mtg_title": draft.title or "", "mtg_date": draft.held_on, "mtg_department": draft.department,
        "mtg_type": draft.meeting_type, "mtg_duration": min(max(int(draft.duration_minutes), 1), FORM_MAX_MINUTES),
        "mtg_attendees": min(draft.attendees or 0, FORM_MAX_ATTENDEES), "mtg_n_items": max(1, len(draft.items)),
        "mtg_customer_text": draft.customer_item_text or "", "mtg_n_decisions": len(draft.decisions),
        "mtg_editing": editing,
    }
    for i, item in enumerate(draft.items):
        state[f"mtg_item_title_{i}"] = item.title
        state[f"mtg_item_minutes_{i}"] = None if item.minutes is None else min(float(item.minutes), float(FORM_MAX_MINUTES))
        state[f"mtg_item_rel_{i}"] = relevance_choice(item)
    for j, decision in enumerate(draft.decisions):
        state[f"mtg_dec_text_{j}"] = decision.text
        state[f"mtg_dec_impact_{j}"] = decision.cx_impact
        state[f"mtg_dec_item_{j}"] = decision.item
    return state


def draft_from_form(state: Mapping[str, object]) -> MeetingDraft:
    """The draft the form's fields describe (not validated: see ``meeting_problems``). Rows left
    completely empty are ignored; attendees 0 means unknown."""
    get = state.get
    items: list[ItemDraft] = []
    position: dict[int, int] = {}
    for i in range(int(get("mtg_n_items", 0) or 0)):
        title = str(get(f"mtg_item_title_{i}", "") or "").strip()
        minutes = get(f"mtg_item_minutes_{i}")
        if not title and minutes is None:
            continue
        relevance, source = resolve_relevance(title, get(f"mtg_item_rel_{i}", ACCEPT_SUGGESTION) or ACCEPT_SUGGESTION)
        position[i] = len(items)
        items.append(ItemDraft(title, None if minutes is None else float(minutes), relevance, source))
    decisions = []
    for j in range(int(get("mtg_n_decisions", 0) or 0)):
        text = str(get(f"mtg_dec_text_{j}", "") or "").strip()
        if not text:
            continue
        item = get(f"mtg_dec_item_{j}")
        decisions.append(DecisionDraft(text, get(f"mtg_dec_impact_{j}", "neutral") or "neutral", position.get(item) if item is not None else None))
    attendees = get("mtg_attendees")
    return MeetingDraft(
        held_on=get("mtg_date"), department=get("mtg_department"), meeting_type=get("mtg_type"),
        duration_minutes=int(get("mtg_duration", 0) or 0), items=tuple(items), decisions=tuple(decisions),
        attendees=int(attendees) if attendees else None, title=str(get("mtg_title", "") or "").strip() or None,
        customer_item_text=str(get("mtg_customer_text", "") or "").strip() or None,
    )


def clear() -> None:
    """Empty the form (every ``mtg_*`` field but the upload round)."""
    for key in [k for k in st.session_state if str(k).startswith("mtg_") and k != ROUND]:
        del st.session_state[key]


def edit_or_delete(period: Period, who: Actor) -> None:
    """Pick a meeting of ``period`` (of the departments ``who`` may edit) and load it into the
    form, or delete it (after a check box)."""
    with st.expander(_("Edit or delete a logged meeting")):
        logged = loaders.load(svc.meeting_list, period=period,
                              departments=None if any_department(who) else departments(who))
        labels = {int(r.meeting_id): f"{formats.date(r.held_on)} · {r.department} · {r.title or type_name(r.meeting_type)}"
                  for r in logged.itertuples()}
        chosen = st.selectbox(_("Meeting"), list(labels), format_func=labels.get, key="mtg_pick", index=None,
                              placeholder=_("Choose a meeting of the period"))
        left, right = st.columns(2)
        if left.button(_("Edit this meeting"), disabled=chosen is None):
            try:
                st.session_state.update(form_state(svc.load_draft(loaders.engine(), chosen), editing=chosen))
            except DataError as exc:
                st.error(plain(exc))
        sure = right.checkbox(_("Yes, delete it with its items and decisions"), key="mtg_sure_delete")
        if right.button(_("Delete"), disabled=chosen is None or not sure):
            if identity.attempt(svc.delete_meeting, chosen, who=who) is not identity.FAILED:
                loaders.invalidate()
                if st.session_state.get("mtg_editing") == chosen:
                    st.session_state["mtg_editing"] = None
                st.session_state[MESSAGE] = _("The meeting was deleted.")
                st.rerun()


def _items() -> list[str]:
    """The agenda item rows (title, minutes, relevance with the suggestion); their titles."""
    n_items = st.number_input(_("Agenda items"), min_value=1, max_value=FORM_MAX_ITEMS, key="mtg_n_items")
    titles = []
    for i in range(int(n_items)):
        a, b, c = st.columns([4, 1.2, 4.5])
        titles.append(a.text_input(_("Item {n}").format(n=i + 1), key=f"mtg_item_title_{i}"))
        b.number_input(pgettext("duration", "Minutes"), min_value=0.0, max_value=float(FORM_MAX_MINUTES), value=None, step=5.0, key=f"mtg_item_minutes_{i}")
        tip = suggest_relevance(titles[-1])
        c.selectbox(_("Customer relevance"), (ACCEPT_SUGGESTION, *vocab.AGENDA_RELEVANCE), key=f"mtg_item_rel_{i}",
                    format_func=lambda o, s=tip: _suggested(s) if o == ACCEPT_SUGGESTION else relevance_name(o))
    return titles


def _suggested(suggestion: Suggestion) -> str:
    """The choice that takes the suggested relevance, with the lexicon terms behind it."""
    text = _("suggested: {label}").format(label=relevance_name(suggestion.label))
    return text + (f" ({suggestion.explain()})" if suggestion.matched_terms else "")


def _decisions(titles: list[str]) -> None:
    n_dec = st.number_input(_("Decisions"), min_value=0, max_value=FORM_MAX_ITEMS, key="mtg_n_decisions")
    for j in range(int(n_dec)):
        a, b, c = st.columns([5, 2, 3])
        a.text_input(_("Decision {n}").format(n=j + 1), key=f"mtg_dec_text_{j}")
        st.session_state.setdefault(f"mtg_dec_impact_{j}", "neutral")
        b.selectbox(_("Effect on customers"), vocab.CX_IMPACTS, key=f"mtg_dec_impact_{j}", format_func=impact_name)
        c.selectbox(_("On agenda item"), [None, *range(len(titles))], key=f"mtg_dec_item_{j}",
                    format_func=lambda k: "–" if k is None else f"{k + 1}. {titles[k]}")


def form(today: dt.date, who: Actor) -> None:
    """The logging form, filled from ``st.session_state``, and its save button: a refused meeting
    says what to fix and keeps the input; a saved one empties the form and leaves a message. The
    departments offered are those ``who`` may log meetings for (``departments``)."""
    choices = departments(who)
    for key, value in form_defaults(today, choices).items():
        st.session_state.setdefault(key, value)
    if st.session_state["mtg_department"] not in choices:  # e.g. minutes of another department
        st.warning(_("These minutes are of {department}, which is not one of your departments ({yours}): the department "
                     "is set to {first}. Choose the right one, or ask an editor to log a meeting of another department.")
                   .format(department=plain(st.session_state["mtg_department"]), yours=plain(", ".join(choices)),
                           first=plain(choices[0])))
        st.session_state["mtg_department"] = choices[0]
    editing = st.session_state.get("mtg_editing")
    st.subheader(_("Edit meeting {id}").format(id=editing) if editing else _("Log a meeting"))
    if editing and st.button(_("Discard the changes and log a new meeting instead")):
        clear()
        st.rerun()
    c1, c2, c3 = st.columns(3)
    c1.text_input(_("Title"), key="mtg_title", placeholder=_("e.g. Logistics weekly"))
    c2.date_input(_("Held on"), key="mtg_date", min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31),
                  format="DD/MM/YYYY" if formats.italian() else "YYYY-MM-DD")
    c3.selectbox(_("Department"), choices, key="mtg_department")
    c1.selectbox(_("Meeting type"), vocab.MEETING_TYPES, key="mtg_type", format_func=type_name)
    c2.number_input(_("Duration (minutes)"), min_value=1, max_value=FORM_MAX_MINUTES, step=5, key="mtg_duration")
    c3.number_input(_("Attendees (0 if unknown)"), min_value=0, max_value=FORM_MAX_ATTENDEES, key="mtg_attendees")
    titles = _items()
    question = CUSTOMER_QUESTION.get(language(), CUSTOMER_QUESTION["en"])
    st.text_area(_("Customer item: {question}").format(question=question), key="mtg_customer_text",
                 help=_("Write 'none' when nothing discussed affects customers; leave it empty only if the minutes "
                        "skipped the item."))
    _decisions(titles)
    draft = draft_from_form(st.session_state)
    minutes, duration = _number(draft.agenda_minutes), formats.decimal(draft.duration_minutes)
    if draft.customer_item_filled:
        st.caption(_("Agenda minutes: {minutes} of {duration} · customer item filled").format(
            minutes=minutes, duration=duration))
    else:
        st.caption(_("Agenda minutes: {minutes} of {duration} · customer item empty (the meeting will count as having "
                     "skipped it)").format(minutes=minutes, duration=duration))
    if st.button(_("Save meeting"), type="primary", key="mtg_save"):
        _save(draft, editing=editing, today=today, who=who)


def _number(value: float) -> str:
    """A number of minutes as short as it goes ("55", "12.5"), with the reader's decimal mark."""
    text = f"{value:g}"
    return text.replace(".", ",") if formats.italian() else text


def _save(draft: MeetingDraft, *, editing: int | None, today: dt.date, who: Actor) -> None:
    problems = meeting_problems(draft, today=today)
    if problems:
        st.error(_("Nothing was saved. {problems}").format(problems=plain(" ".join(problems))))
        return
    try:
        saved = svc.save_meeting(loaders.engine(), draft, actor=who, meeting_id=editing, today=today)
    except identity.Refused as exc:
        identity.refused(exc)
        return
    except DataError as exc:
        st.error(_("Nothing was saved. {problems}").format(problems=plain(exc)))
        return
    loaders.invalidate()
    clear()
    st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
    st.session_state[MESSAGE] = _("Meeting {id} saved with {items} agenda item(s) and {decisions} decision(s).").format(
        id=saved, items=len(draft.items), decisions=len(draft.decisions))
    st.rerun()
