"""Sections of the Meetings page that re-run on their own (``st.fragment``) when their filters
change: the meetings that skipped the customer item, and the decisions ledger. Each reads only
its bounded list and count for the period and filters chosen."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cs_metrics import vocab
from cs_metrics.charts.meetings import impact_name, relevance_name, type_name
from cs_metrics.i18n import _, formats, ngettext, pgettext
from cs_metrics.period import Period
from cs_metrics.services import meetings as svc
from ui import components, loaders


def _shown(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` as the reader reads them: meeting types, effects and relevance in their words (the
    downloaded CSV keeps the stored values)."""
    names = {"meeting_type": type_name, "cx_impact": impact_name, "relevance": relevance_name}
    shown = {column: rows[column].map(name, na_action="ignore") for column, name in names.items()
             if column in rows.columns}
    return rows.assign(**shown) if shown else rows


def _date_format() -> str | None:
    """The dates of a table column as the reader writes them: Streamlit's default ("2026-11-26")
    in English, "26/11/2026" in Italian."""
    return "DD/MM/YYYY" if formats.italian() else None


@st.fragment
def skipped(period: Period) -> None:
    """Meetings of ``period`` whose minutes left the customer item empty, by department and type."""
    st.subheader(_("Meetings that skipped the customer item"))
    left, right = st.columns(2)
    dept = left.selectbox(_("Department"), ("All", *vocab.DEPARTMENTS), key="meet_skip_dept",
                          format_func=lambda d: pgettext("departments", "All") if d == "All" else d)
    mtype = right.selectbox(_("Meeting type"), ("All", *vocab.MEETING_TYPES), key="meet_skip_type",
                            format_func=lambda t: pgettext("meeting types", "All") if t == "All" else type_name(t))
    which = dict(period=period, departments=() if dept == "All" else (dept,),
                 meeting_types=() if mtype == "All" else (mtype,))
    n_skipped = loaders.load(svc.skipped_count, **which)
    st.caption(ngettext("{n} meeting(s) left the customer item empty.", "{n} meeting(s) left the customer item empty.",
                        n_skipped).format(n=formats.decimal(n_skipped)))
    rows = loaders.load(svc.skipped_customer_item, limit=components.TABLE_ROWS, **which)
    components.capped_table(
        _shown(rows.drop(columns="meeting_id")), key="meet_skipped", noun=_("meetings"), total=n_skipped,
        hide_index=True,
        every=lambda engine=loaders.engine(): svc.skipped_customer_item(engine, limit=None, **which).drop(
            columns="meeting_id"),
        column_config={
            "held_on": st.column_config.DateColumn(_("Date"), format=_date_format()), "department": _("Department"),
            "meeting_type": _("Type"), "title": _("Meeting"), "duration_minutes": _("Duration (min)"),
            "items": _("Agenda items"), "customer_items": _("Items about customers"),
            "customer_minutes": st.column_config.NumberColumn(_("Minutes about customers"), format="%d")})


@st.fragment
def ledger(period: Period) -> None:
    """Decisions of ``period`` by their effect on customers and department, newest first."""
    counts = loaders.load(svc.decision_impact_counts, period=period)
    st.caption(_("{favours} decisions favour customers · {neutral} neutral · {worsens} worsen their experience").format(
        favours=formats.decimal(counts["favours"]), neutral=formats.decimal(counts["neutral"]),
        worsens=formats.decimal(counts["worsens"])))
    left, right = st.columns(2)
    impacts = left.multiselect(_("Effect on customers"), vocab.CX_IMPACTS, default=list(vocab.CX_IMPACTS),
                               key="meet_ledger_impacts", format_func=impact_name)
    depts = right.multiselect(_("Department"), vocab.DEPARTMENTS, key="meet_ledger_depts",
                              placeholder=_("All departments"))
    which = dict(period=period, impacts=tuple(impacts) or tuple(vocab.CX_IMPACTS), departments=tuple(depts))
    rows = loaders.load(svc.decision_ledger, limit=components.TABLE_ROWS, **which)
    if rows.empty:
        components.empty_state(_("No decisions match: widen the period or the filters."))
        return
    components.capped_table(
        _shown(rows), key="meet_ledger", noun=_("decisions"), total=loaders.load(svc.decision_count, **which),
        hide_index=True,
        every=lambda engine=loaders.engine(): svc.decision_ledger(engine, limit=None, **which),
        column_order=("held_on", "cx_impact", "text", "department", "meeting_type", "meeting", "agenda_item",
                      "relevance"),
        column_config={"held_on": st.column_config.DateColumn(_("Date"), format=_date_format()),
                       "cx_impact": _("Effect on customers"), "text": _("Decision"), "department": _("Department"),
                       "meeting_type": _("Type"), "meeting": _("Meeting"), "agenda_item": _("On agenda item"),
                       "relevance": _("Item relevance")})
