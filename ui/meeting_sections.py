"""Sections of the Meetings page that re-run on their own (``st.fragment``) when their filters
change: the meetings that skipped the customer item, and the decisions ledger. Each reads only
its bounded list and count for the period and filters chosen."""

from __future__ import annotations

import streamlit as st

from cs_metrics import vocab
from cs_metrics.period import Period
from cs_metrics.services import meetings as svc
from ui import components, loaders


@st.fragment
def skipped(period: Period) -> None:
    """Meetings of ``period`` whose minutes left the customer item empty, by department and type."""
    st.subheader("Meetings that skipped the customer item")
    left, right = st.columns(2)
    dept = left.selectbox("Department", ("All", *vocab.DEPARTMENTS), key="meet_skip_dept")
    mtype = right.selectbox("Meeting type", ("All", *vocab.MEETING_TYPES), key="meet_skip_type")
    which = dict(period=period, departments=() if dept == "All" else (dept,),
                 meeting_types=() if mtype == "All" else (mtype,))
    n_skipped = loaders.load(svc.skipped_count, **which)
    st.caption(f"{n_skipped:,} meeting(s) left the customer item empty.")
    rows = loaders.load(svc.skipped_customer_item, limit=components.TABLE_ROWS, **which)
    components.capped_table(
        rows.drop(columns="meeting_id"), key="meet_skipped", noun="meetings", total=n_skipped,
        hide_index=True,
        every=lambda engine=loaders.engine(): svc.skipped_customer_item(engine, limit=None, **which).drop(
            columns="meeting_id"),
        column_config={
            "held_on": st.column_config.DateColumn("Date"), "department": "Department",
            "meeting_type": "Type", "title": "Meeting", "duration_minutes": "Duration (min)",
            "items": "Agenda items", "customer_items": "Items about customers",
            "customer_minutes": st.column_config.NumberColumn("Minutes about customers", format="%d")})


@st.fragment
def ledger(period: Period) -> None:
    """Decisions of ``period`` by their effect on customers and department, newest first."""
    counts = loaders.load(svc.decision_impact_counts, period=period)
    st.caption(f"{counts['favours']:,} decisions favour customers · {counts['neutral']:,} neutral · "
               f"{counts['worsens']:,} worsen their experience")
    left, right = st.columns(2)
    impacts = left.multiselect("Effect on customers", vocab.CX_IMPACTS, default=list(vocab.CX_IMPACTS),
                               key="meet_ledger_impacts")
    depts = right.multiselect("Department", vocab.DEPARTMENTS, key="meet_ledger_depts",
                              placeholder="All departments")
    which = dict(period=period, impacts=tuple(impacts) or tuple(vocab.CX_IMPACTS), departments=tuple(depts))
    rows = loaders.load(svc.decision_ledger, limit=components.TABLE_ROWS, **which)
    if rows.empty:
        components.empty_state("No decisions match: widen the period or the filters.")
        return
    components.capped_table(
        rows, key="meet_ledger", noun="decisions", total=loaders.load(svc.decision_count, **which),
        hide_index=True,
        every=lambda engine=loaders.engine(): svc.decision_ledger(engine, limit=None, **which),
        column_order=("held_on", "cx_impact", "text", "department", "meeting_type", "meeting", "agenda_item",
                      "relevance"),
        column_config={"held_on": st.column_config.DateColumn("Date"), "cx_impact": "Effect on customers",
                       "text": "Decision", "department": "Department", "meeting_type": "Type",
                       "meeting": "Meeting", "agenda_item": "On agenda item", "relevance": "Item relevance"})
