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
from cs_metrics.selection import CustomerFilter
from cs_metrics.services import renewals as data
from cs_metrics.services import vocabulary
from ui import components, loaders

EXPLANATION = (
    f"Contracts of {data.MIN_TERM} months or more whose term ends soon, with each customer's latest health band. "
    "The expected renewing ARR prices each contract at the share of past contract ends that did not renew among "
    "customers in the same band before their end; customers without a score use the rate of all past ends."
)
#: Labels of the list's columns.
LIST_LABELS = {"name": "Customer", "owner": "Owner", "renewal_date": "Renewal date", "days_left": "Days left",
               "arr": "ARR", "band": "Health band", "last_nps": "Last NPS", "last_nps_on": "NPS answered on",
               "open_follow_ups": "Open NPS follow-ups"}
BAND_LABELS = {"band": "Health band", "contracts": "Contracts", "arr": "ARR at stake"}
CHECK_LABELS = {"quarter": "Quarter", "contracts": "Contracts", "arr": "ARR up", "expected": "Forecast",
                "low": "Forecast low", "high": "Forecast high", "renewed_arr": "ARR renewed",
                "inside": "Inside the range"}


def _quarter(day: pd.Timestamp) -> str:
    return f"Q{day.quarter} {day.year}"


@st.fragment
def section(as_of: dt.date, flt: CustomerFilter) -> None:
    """The Renewals ahead section for the contracts of ``flt`` after ``as_of``."""
    st.header("Renewals ahead")
    st.caption(EXPLANATION)
    if not st.toggle("Show renewals ahead", key="churn_renewals_show"):
        st.caption("Drawn when asked for: the expected renewing ARR reads every past contract end with its "
                   "customer's health band.")
        return
    currency = loaders.load(vocabulary.currency)
    money = st.column_config.NumberColumn(format=money_format(currency))
    days = st.radio("Contracts ending within", renewals.HORIZONS, index=1, horizontal=True,
                    format_func=lambda d: f"{d} days", key="churn_renewals_days")
    due = loaders.derive(renewals.due_within, data.renewals_ahead, as_of=as_of, flt=flt, using={"days": days})
    if due.empty:
        components.empty_state(f"No contract of these customers ends in the next {days} days.")
    else:
        ahead = loaders.load(data.expected, as_of=as_of, days=days, flt=flt)
        left, right = st.columns(2)
        left.metric("ARR up for renewal", fmt_value(ahead.arr, "currency", currency=currency))
        left.caption(f"{ahead.contracts:,} contracts ending in the next {days} days")
        right.metric("Expected renewing ARR", fmt_value(ahead.expected, "currency", currency=currency))
        low, high = (fmt_value(v, "currency", currency=currency) for v in (ahead.low, ahead.high))
        right.caption(f"Range {low}–{high} (each band at the ends of its 95% interval) · rates from "
                      f"{ahead.history:,} past contract ends · {ahead.unscored:,} without a score")
        st.subheader("ARR at stake by health band")
        components.table(renewals.arr_by_band(due).rename(columns=BAND_LABELS), hide_index=True,
                         column_config={BAND_LABELS["arr"]: money})
        shown = due[list(LIST_LABELS)].rename(columns=LIST_LABELS)
        components.capped_table(shown, key="churn_renewals_list", noun="contracts", hide_index=True,
                                column_config={LIST_LABELS["arr"]: money})
    st.subheader("How past forecasts compared")
    check = loaders.load(data.forecast_check, as_of=as_of, flt=flt)
    if check["contracts"].sum() == 0:
        components.empty_state("No contract of these customers ended in the last four quarters.")
        return
    shown = check.assign(quarter=check["quarter"].map(_quarter)).rename(columns=CHECK_LABELS)
    components.table(shown, hide_index=True,
                     column_config={CHECK_LABELS[c]: money for c in ("arr", "expected", "low", "high", "renewed_arr")})
    st.caption(f"Each forecast made on the quarter's first day with what was known then. The ARR renewed fell "
               f"inside the range in {int(check['inside'].sum())} of {len(check)} quarters.")
