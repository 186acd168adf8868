"""Shared sidebar filters: declared once in ``app.py`` with keys, read by every page from here.

Widget keys live in ``st.session_state`` and so persist while a person moves between pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from cs_metrics.i18n import _
from cs_metrics.period import DEFAULT_PRESET, PRESETS, Period, preset_period
from cs_metrics.selection import CustomerFilter
from cs_metrics.services import data
from ui import loaders

KEY_PRESET = "filter_period_preset"
KEY_RANGE = "filter_period_range"
KEY_SEGMENTS = "filter_segments"
KEY_REGIONS = "filter_regions"
KEY_OWNERS = "filter_owners"


@dataclass(frozen=True)
class Selection:
    """What the sidebar selects: the period, its reference date, and the customers."""

    period: Period
    as_of: dt.date
    customers: CustomerFilter
    problem: str | None = None  # a half-filled custom range, explained

    @property
    def previous(self) -> Period:
        return self.period.previous()


def reference_date() -> dt.date:
    """Today, or the latest recorded activity when the data ends earlier (an older import)."""
    latest = loaders.load(data.data_extent)["latest"]
    today = dt.date.today()
    return min(today, latest) if latest else today


def sidebar() -> Selection:
    """Draw the shared filters in the sidebar and return the selection. Call once, in app.py."""
    as_of = reference_date()
    options = loaders.load(data.filter_options)
    with st.sidebar:
        st.subheader(_("Filters"))
        # The labels are translated now, in this run's language (a test harness may call format_func elsewhere).
        labels = {preset: _(preset) for preset in PRESETS}
        preset = st.selectbox(_("Period"), PRESETS, index=PRESETS.index(DEFAULT_PRESET), key=KEY_PRESET,
                              format_func=labels.__getitem__)
        if preset == "Custom":
            default = preset_period(DEFAULT_PRESET, as_of)
            st.date_input(
                _("From – to"), value=(default.first, default.last), max_value=as_of, key=KEY_RANGE, format="YYYY-MM-DD"
            )
        selection = current()
        st.caption(_("{period} · compared with {previous}").format(
            period=selection.period.label(), previous=selection.previous.label()))
        st.multiselect(_("Segment"), options["segments"], key=KEY_SEGMENTS, placeholder=_("All segments"))
        st.multiselect(_("Region"), options["regions"], key=KEY_REGIONS, placeholder=_("All regions"))
        st.multiselect(_("Owner (CSM)"), options["owners"], key=KEY_OWNERS, placeholder=_("All owners"))
    return current()


def current() -> Selection:
    """The selection, read from the sidebar widgets' state (defaults where a widget is unset).

    Pages call this rather than receiving the selection, so that every page sees the same values.
    """
    state = st.session_state
    as_of = reference_date()
    preset = state.get(KEY_PRESET, DEFAULT_PRESET)
    problem = None
    if preset == "Custom":
        chosen = state.get(KEY_RANGE)
        if isinstance(chosen, (tuple, list)) and len(chosen) == 2:
            period = Period(chosen[0], chosen[1])
        else:
            problem = _("Pick both the first and the last day of the custom period; until then the last 12 months "
                        "are shown.")
            period = preset_period(DEFAULT_PRESET, as_of)
    else:
        period = preset_period(preset, as_of)
    customers = CustomerFilter(
        tuple(state.get(KEY_SEGMENTS) or ()), tuple(state.get(KEY_REGIONS) or ()), tuple(state.get(KEY_OWNERS) or ())
    )
    return Selection(period, as_of, customers, problem)
