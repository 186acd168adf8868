"""Renewals ahead, on the Churn & retention page: the contracts whose term ends in the next 30, 90
or 180 days, the ARR at stake by health band, the renewing ARR expected from each band's past churn
at renewal, the list, and how the forecasts of past quarters compared with what renewed. The
horizon re-runs only this section (``st.fragment``); the data is read once per selection."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from cs_metrics import renewals
from cs_metrics.formatting import fmt_value, money_format
from cs_metrics.i18n import N_, _, formats, pgettext
from cs_metrics.selection import CustomerFilter
from cs_metrics.services import renewals as data
from cs_metrics.services import vocabulary
from ui import components, loaders

#: What the section shows (``{months}``: ``data.MIN_TERM``).
EXPLANATION = N_(
    "Contracts of {months} months or more whose term ends soon, with each customer's latest health band. "
    "The expected renewing ARR prices each contract at the share of past contract ends that did not renew among "
    "customers in the same band before their end; customers without a score use the rate of all past ends."
)
#: Labels of the list's columns (English, translated where shown: ``_labels``).
LIST_LABELS = {"name": N_("Customer"), "owner": N_("Owner"), "renewal_date": N_("Renewal date"),
               "days_left": N_("Days left"), "arr": N_("ARR"), "band": N_("Health band"), "last_nps": N_("Last NPS"),
               "last_nps_on": N_("NPS answered on"), "open_follow_ups": N_("Open NPS follow-ups")}
BAND_LABELS = {"band": N_("Health band"), "contracts": N_("Contracts"), "arr": N_("ARR at stake")}
CHECK_LABELS = {"quarter": N_("Quarter"), "contracts": N_("Contracts"), "arr": N_("ARR up"),
                "expected": N_("Forecast"), "low": N_("Forecast low"), "high": N_("Forecast high"),
                "renewed_arr": N_("ARR renewed"), "inside": N_("Inside the range")}


def _labels(labels: dict[str, str]) -> dict[str, str]:
    """``labels`` in the reader's language."""
    return {column: _(label) for column, label in labels.items()}


def _bands(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its health bands (red, yellow, green, unscored) named in the reader's language."""
    names = {"red": pgettext("health band", "red"), "yellow": pgettext("health band", "yellow"),
             "green": pgettext("health band", "green"), "unscored": pgettext("health band", "unscored")}
    return frame.assign(band=frame["band"].map(lambda band: names.get(band, band)))


def _quarter(day: pd.Timestamp) -> str:
    return _("Q{quarter} {year}").format(quarter=day.quarter, year=day.year)


@st.fragment
def section(as_of: dt.date, flt: CustomerFilter) -> None:
    """The Renewals ahead section for the contracts of ``flt`` after ``as_of``."""
    st.header(_("Renewals ahead"))
    st.caption(_(EXPLANATION).format(months=data.MIN_TERM))
    if not st.toggle(_("Show renewals ahead"), key="churn_renewals_show"):
        st.caption(_("Drawn when asked for: the expected renewing ARR reads every past contract end with its "
                     "customer's health band."))
        return
    currency = loaders.load(vocabulary.currency)
    money = st.column_config.NumberColumn(format=money_format(currency))
    days = st.radio(_("Contracts ending within"), renewals.HORIZONS, index=1, horizontal=True,
                    format_func=lambda d: _("{days} days").format(days=d), key="churn_renewals_days")
    due = loaders.derive(renewals.due_within, data.renewals_ahead, as_of=as_of, flt=flt, using={"days": days})
    if due.empty:
        components.empty_state(_("No contract of these customers ends in the next {days} days.").format(days=days))
    else:
        ahead = loaders.load(data.expected, as_of=as_of, days=days, flt=flt)
        left, right = st.columns(2)
        left.metric(_("ARR up for renewal"), fmt_value(ahead.arr, "currency", currency=currency))
        left.caption(_("{n} contracts ending in the next {days} days").format(n=formats.decimal(ahead.contracts),
                                                                               days=days))
        right.metric(_("Expected renewing ARR"), fmt_value(ahead.expected, "currency", currency=currency))
        low, high = (fmt_value(v, "currency", currency=currency) for v in (ahead.low, ahead.high))
        right.caption(_("Range {low}–{high} (each band at the ends of its 95% interval) · rates from {history} past "
                        "contract ends · {unscored} without a score").format(
            low=low, high=high, history=formats.decimal(ahead.history), unscored=formats.decimal(ahead.unscored)))
        st.subheader(_("ARR at stake by health band"))
        bands = _labels(BAND_LABELS)
        components.table(_bands(renewals.arr_by_band(due)).rename(columns=bands), hide_index=True,
                         column_config={bands["arr"]: money})
        listed = _labels(LIST_LABELS)
        shown = _bands(due[list(LIST_LABELS)]).rename(columns=listed)
        components.capped_table(shown, key="churn_renewals_list", noun=_("contracts"), hide_index=True,
                                column_config={listed["arr"]: money})
    st.subheader(_("How past forecasts compared"))
    check = loaders.load(data.forecast_check, as_of=as_of, flt=flt)
    if check["contracts"].sum() == 0:
        components.empty_state(_("No contract of these customers ended in the last four quarters."))
        return
    checked = _labels(CHECK_LABELS)
    shown = check.assign(quarter=check["quarter"].map(_quarter)).rename(columns=checked)
    components.table(shown, hide_index=True,
                     column_config={checked[c]: money for c in ("arr", "expected", "low", "high", "renewed_arr")})
    st.caption(_("Each forecast made on the quarter's first day with what was known then. The ARR renewed fell "
                 "inside the range in {inside} of {n} quarters.").format(inside=int(check["inside"].sum()),
                                                                          n=len(check)))
