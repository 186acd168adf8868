"""The ARR bridge section of the Churn & retention page: from the ARR going into the period to the
ARR at its end (new customers, expansion, contraction, churn), reconciled with the GRR and NRR
tiles above it, for the customers the sidebar selects."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cs_metrics import bridge
from cs_metrics.charts import churn as charts
from cs_metrics.formatting import fmt_value
from cs_metrics.i18n import _, formats
from cs_metrics.period import Period
from cs_metrics.selection import CustomerFilter
from cs_metrics.services import churn as data
from cs_metrics.services import coverage, vocabulary
from ui import components, loaders
from ui.text import plain


def _signed(amount: float, kind: str, currency: str) -> str:
    text = fmt_value(abs(amount), "currency", currency=currency)
    return text if kind == "total" else ("+" if amount >= 0 else "\u2212") + text


def reconciliation_text(b: bridge.ArrBridge, *, currency: str) -> str:
    """The definitions of the steps and GRR and NRR written out from the bridge's parts."""
    money = {k: fmt_value(getattr(b, k), "currency", currency=currency)
             for k in ("starting", "expansion", "contraction", "churned")}
    start, end = formats.month(b.start_month), formats.month(b.end_month)
    grr, nrr = fmt_value(b.grr, "share"), fmt_value(b.nrr, "share")
    return _(
        "ARR is 12 × MRR. Starting ARR: customers paying in {start}. New: customers paying in {end} "
        "but not in {start} (returning customers included). Expansion and contraction: the change of the "
        "starting customers still paying in {end}; churn: the ARR of those paying nothing then. "
        "GRR = (start - contraction - churn) / start = ({starting} - {contraction} - {churned}) / {starting} = {grr}. "
        "NRR = (start + expansion - contraction - churn) / start = ({starting} + {expansion} - {contraction} - "
        "{churned}) / {starting} = {nrr}."
    ).format(start=start, end=end, grr=grr, nrr=nrr, **money)


def steps_table(b: bridge.ArrBridge, *, currency: str) -> pd.DataFrame:
    """The bridge's steps as the page lists them: step, ARR (signed for the steps between), customers."""
    steps = bridge.bridge_steps(b)
    return pd.DataFrame({  # the steps' English names (``bridge.STEPS``) in the reader's language
        _("Step"): [_(str(step)) for step in steps["step"]],
        "ARR": [_signed(a, k, currency) for a, k in zip(steps["amount"], steps["kind"])],
        _("Customers"): steps["customers"].astype(int),
    })


def section(period: Period, flt: CustomerFilter, *, no_revenue: coverage.Gap | None) -> None:
    """Header, waterfall, definitions with the reconciliation, and the steps' table; nothing at all
    without monthly revenue (``no_revenue``, the page's gap of revenue retention)."""
    if no_revenue is not None:
        return
    st.header(_("ARR bridge"))
    b = loaders.load(data.arr_bridge, period=period, flt=flt)
    if b.n_start == 0 and b.n_ending == 0:
        components.empty_state(_("No revenue in {start} or {end} for these customers.").format(
            start=formats.month(b.start_month), end=formats.month(b.end_month)))
        return
    currency = loaders.load(vocabulary.currency)
    title = _("ARR from {start} to {end}").format(start=formats.month(b.start_month), end=formats.month(b.end_month))
    st.plotly_chart(charts.arr_bridge_chart(bridge.bridge_steps(b), currency=currency, title=title),
                    width="stretch")
    st.caption(plain(reconciliation_text(b, currency=currency)))
    components.table(steps_table(b, currency=currency), hide_index=True)
