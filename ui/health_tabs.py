"""The data tabs of the Health page: distribution, movement, one customer, back-test and the
at-risk list. Each function draws one tab from frames the page has loaded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from cs_metrics import health
from cs_metrics.charts import health as charts
from cs_metrics.formatting import fmt_value, money_format
from cs_metrics.services import vocabulary
from ui import components, loaders

month_label = "{:%b %Y}".format


def distribution(now: pd.DataFrame, scores: pd.DataFrame, model: dict[str, Any], latest: pd.Timestamp) -> None:
    """Band shares of the latest month (count and ARR), the histogram of scores, band shares by a
    chosen attribute and by month."""
    shares = health.band_shares(now, weight="arr").set_index("band")
    money = loaders.load(vocabulary.currency)
    cols = st.columns(4)
    cols[0].metric(f"Customers scored, {latest:%b %Y}", f"{int(shares['n'].sum()):,}")
    for col, name in zip(cols[1:], health.BANDS):
        arr = fmt_value(shares.loc[name, "weight"], "currency", currency=money)
        col.metric(f"{name.capitalize()} band", fmt_value(shares.loc[name, "share"], "share"),
                   help=f"{int(shares.loc[name, 'n'])} customers, {arr} ARR")
    if shares["n"].sum() < health.MIN_SCORED:
        st.warning("Fewer than ten customers are scored: too few to read these shares with confidence.")
    st.plotly_chart(charts.score_histogram(health.score_histogram(now), thresholds=health.model_bands(model),
                                           title=f"Distribution of scores, {latest:%b %Y}"), width="stretch")
    by = st.radio("Band shares by", ["segment", "region", "owner"], horizontal=True, key="health_by")
    st.plotly_chart(charts.band_shares_by(health.band_shares_by(now, by), by, title=f"Band shares by {by}"),
                    width="stretch")
    st.plotly_chart(charts.band_trend(health.band_trend(scores), title="Band shares by month"), width="stretch")


def movement(scores: pd.DataFrame, churn: pd.DataFrame, months: list[pd.Timestamp]) -> None:
    """How customers moved between bands from one chosen month to another, in counts and ARR."""
    if len(months) < 2:
        components.empty_state("Band movement needs two months with signals; widen the period.")
        return
    left, right = st.columns(2)
    first = left.selectbox("From", months[:-1], index=max(0, len(months) - 4), format_func=month_label,
                           key="health_from")
    later = [m for m in months if m > first]
    second = right.selectbox("To", later, index=len(later) - 1, format_func=month_label, key="health_to")
    moves = health.movement(scores, churn, start_month=first, end_month=second)
    st.plotly_chart(charts.transition_heatmap(
        health.transition_matrix(moves), health.transition_matrix(moves, value="arr"),
        currency=loaders.load(vocabulary.currency),
        title=f"From {first:%b %Y} to {second:%b %Y}: customers and ARR"), width="stretch")
    st.caption("ARR is the customer's ARR in the first month (in the second for customers not scored before). "
               "Unscored: no signals that month; churned: left the company by the end of the second month.")


def customer(now: pd.DataFrame, scores: pd.DataFrame, model: dict[str, Any], risk: pd.DataFrame,
             latest: pd.Timestamp) -> None:
    """One customer's score explained signal by signal, and its score by month."""
    choices = health.customer_choices(now)
    if st.session_state.get("health_customer") not in choices:
        # Start with the largest customer at risk: "why is this one red?"
        first_pick = risk["customer_id"].iloc[0] if not risk.empty else next(iter(choices))
        st.session_state["health_customer"] = int(first_pick)
    cid = st.selectbox("Customer", list(choices), format_func=choices.get, key="health_customer")
    row = now[now["customer_id"] == cid].iloc[0]
    why = health.explain(row, model, segment=row["segment"])
    cols = st.columns(3)
    cols[0].metric(f"Score, {latest:%b %Y}", f"{why.attrs['score']:.1f}")
    cols[1].metric("Band", str(why.attrs["band"]).capitalize())
    to_next = why.attrs["to_next_band"]
    cols[2].metric("Points to the next band", "–" if why.attrs["band"] == "green" else f"{to_next:.1f}")
    st.caption(f"Owner: {row['owner']} · {row['segment']} · {row['region']} · "
               f"ARR {fmt_value(row['arr'], 'currency', currency=loaders.load(vocabulary.currency))}")
    for label in why.loc[why["missing"], "label"]:
        st.badge(f"No data: {label}", color="gray")
    st.plotly_chart(charts.contribution_waterfall(why, title="What makes up the score"), width="stretch")
    components.table(why[["label", "value", "points", "share", "contribution", "lost"]], hide_index=True,
                     column_config={
                         "label": "Signal",
                         "value": st.column_config.NumberColumn("Raw value", format="%.2f"),
                         "points": st.column_config.NumberColumn("Points (0-100)", format="%.0f"),
                         "share": st.column_config.NumberColumn("Weight share", format="percent"),
                         "contribution": st.column_config.NumberColumn("Adds to score", format="%.1f"),
                         "lost": st.column_config.NumberColumn("Left on the table", format="%.1f")})
    st.plotly_chart(charts.score_history(health.customer_history(scores, cid),
                                         thresholds=health.model_bands(model, row["segment"]),
                                         title="Score by month"), width="stretch")


def backtest(scores: pd.DataFrame, churn: pd.DataFrame, *, start: dt.date, end: dt.date, as_of: dt.date) -> None:
    """The score against churn that followed: AUC, churn rate by band, who churned while green,
    AUC by month, and the band churned customers of ``[start, end)`` had at their last score."""
    horizon = st.selectbox("Churn within", [30, 60, 90, 180], index=2, format_func="{} days".format,
                           key="health_horizon")
    testable = health.backtest_months(scores, horizon_days=horizon, as_of=as_of)
    if not testable:
        components.empty_state("No month in the period has a complete outcome window yet: "
                               "widen the period or shorten the horizon.")
        return
    month = st.selectbox("Scores of", testable[::-1], format_func=month_label, key="health_bt_month")
    bt = health.backtest(scores, churn, horizon_days=horizon, month=month, as_of=as_of)
    cols = st.columns(2)
    cols[0].metric("AUC of the score for churn", f"{bt.auc.auc:.2f}" if bt.n else "–",
                   help="The chance that a customer who churned had a lower score than one who "
                   "stayed; 0.5 is a coin toss.")
    cols[0].caption(f"95% CI {bt.auc.low:.2f}–{bt.auc.high:.2f} (DeLong 1988) · {bt.churned} churned of "
                    f"{bt.n:,} customers between {bt.window_start:%d %b} and {bt.window_last:%d %b %Y}")
    if not bt.enough:
        st.warning(f"Only {bt.churned} churned and {bt.n - bt.churned} stayed: too few to judge the score.")
    elif not bt.separates:
        st.warning("The score does not separate churners from stayers: its AUC interval reaches 0.5. "
                   "Revisit the signals and weights.")
    else:
        st.success("The score separates churners from stayers: the whole AUC interval lies above 0.5.")
    with cols[1]:
        st.plotly_chart(charts.churn_by_band(bt.by_band, title="Churn rate by band (95% Wilson interval)"),
                        width="stretch")
    st.markdown("**Churned while green**")
    if bt.churned_while_green.empty:
        st.caption("No customer in the green band churned within the horizon.")
    else:
        components.table(bt.churned_while_green[["name", "owner", "segment", "score", "churned_on"]],
                         hide_index=True)
    by_month = health.backtest_by_month(scores, churn, horizon_days=horizon, as_of=as_of)
    st.plotly_chart(charts.auc_by_month(by_month, title="AUC by month of the scores"), width="stretch")
    last = health.band_shares(health.band_before_churn(scores, churn, start=start, end=end)).set_index("band")
    st.caption(f"Of {int(last['n'].sum())} customers who churned in the period after a scored month, "
               f"{int(last.loc['green', 'n'])} were green at their last score.")


def at_risk(risk: pd.DataFrame, latest: pd.Timestamp) -> None:
    """Customers red or falling (the fall is set here, under ``health_drop``), largest ARR first."""
    st.number_input("A fall of this many points counts as falling", min_value=1.0, max_value=100.0,
                    value=10.0, step=1.0, format="%.0f", key="health_drop")
    money = loaders.load(vocabulary.currency)
    st.caption(f"{latest:%b %Y}: {len(risk)} customers red or falling since the month before, "
               f"{fmt_value(risk.attrs.get('arr'), 'currency', currency=money)} ARR, largest first.")
    columns = ["name", "owner", "segment", "arr", "score", "previous_score", "change", "why"]
    components.table(risk[columns], hide_index=True, column_config={
        "name": "Customer", "owner": "Owner", "segment": "Segment",
        "arr": st.column_config.NumberColumn("ARR", format=money_format(money)),
        "score": st.column_config.NumberColumn("Score", format="%.1f"),
        "previous_score": st.column_config.NumberColumn("Month before", format="%.1f"),
        "change": st.column_config.NumberColumn("Change", format="%+.1f"), "why": "Why listed"})
