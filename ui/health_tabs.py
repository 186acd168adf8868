"""The data tabs of the Health page: distribution, movement, one customer, back-test and the
at-risk list. Each draws one tab from aggregates of the stored scores (never every customer-month);
each is a fragment, so its own widgets rerun only the tab."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st
from babel.dates import format_date

from cs_metrics import health, i18n
from cs_metrics.charts import health as charts
from cs_metrics.formatting import fmt_value, money_format
from cs_metrics.i18n import N_, _, formats, ngettext
from cs_metrics.selection import CustomerFilter
from cs_metrics.services import health as data
from cs_metrics.services import vocabulary
from ui import components, health_plans, loaders
from ui.text import plain

#: Groups of the band shares (option values; shown through ``GROUP_LABELS``).
GROUP_LABELS = {"segment": N_("segment"), "region": N_("region"), "owner": N_("owner")}
#: "Band shares by segment" and the like, one text per group.
GROUP_TITLES = {"segment": N_("Band shares by segment"), "region": N_("Band shares by region"),
                "owner": N_("Band shares by owner")}
#: The caption when only the largest groups are drawn.
GROUP_MOST = {"segment": N_("The {shown} segments with the most scored customers, of {total}."),
              "region": N_("The {shown} regions with the most scored customers, of {total}."),
              "owner": N_("The {shown} owners with the most scored customers, of {total}.")}


def month_label(month: dt.date) -> str:
    """A month as the reader writes it: "Oct 2026" / "ott 2026"."""
    return formats.month(month)


def _day(day: dt.date, pattern: str) -> str:
    """``day`` in a Babel ``pattern`` ("dd MMM": "01 Nov" / "01 nov") in the reader's language."""
    return format_date(day, pattern, locale=i18n.locale())


def in_language(text: str, language: str) -> str:
    """``text`` (English) in ``language``, whatever the reader's language."""
    with i18n.using(language):
        return _(text)

#: Rows of a long table shown on the page (the download holds all of them).
SHOWN = 25
CSV = "text/csv"


@st.fragment
def distribution(counts: pd.DataFrame, model: dict[str, Any], latest: pd.Timestamp, *, version: int,
                 flt: CustomerFilter) -> None:
    """Band shares of the latest month (count and ARR), the histogram of scores, band shares by a
    chosen attribute and by month."""
    shares = health.shares_from_counts(counts[counts["month"] == latest]).set_index("band")
    money = loaders.load(vocabulary.currency)
    cols = st.columns(4)
    cols[0].metric(_("Customers scored, {month}").format(month=month_label(latest)),
                   formats.decimal(int(shares["n"].sum())))
    for col, name in zip(cols[1:], health.BANDS):
        arr = fmt_value(shares.loc[name, "weight"], "currency", currency=money)
        col.metric(health.band_title(name), fmt_value(shares.loc[name, "share"], "share"),
                   help=_("{n} customers, {arr} ARR").format(n=formats.decimal(int(shares.loc[name, "n"])), arr=arr))
    if shares["n"].sum() < health.MIN_SCORED:
        st.warning(_("Fewer than ten customers are scored: too few to read these shares with confidence."))
    bins = loaders.load(data.score_histogram, month=latest, flt=flt, version=version)
    st.plotly_chart(charts.score_histogram(bins, thresholds=health.model_bands(model),
                                           title=_("Distribution of scores, {month}").format(
                                               month=month_label(latest))), width="stretch")
    by = st.radio(_("Band shares by"), list(GROUP_LABELS), horizontal=True, key="health_by",
                  format_func=lambda g: _(GROUP_LABELS[g]))
    shares_by = loaders.load(data.band_shares_by, month=latest, by=by, flt=flt, version=version)
    st.plotly_chart(charts.band_shares_by(shares_by, by, title=_(GROUP_TITLES[by])), width="stretch")
    shown = len(shares_by.drop_duplicates(by))
    if shares_by.attrs.get("groups", shown) > shown:
        st.caption(_(GROUP_MOST[by]).format(shown=shown, total=formats.decimal(shares_by.attrs["groups"])))
    trend = health.shares_from_counts(counts, by="month")
    st.plotly_chart(charts.band_trend(trend, title=_("Band shares by month")), width="stretch")


@st.fragment
def movement(months: list[pd.Timestamp], *, version: int, flt: CustomerFilter) -> None:
    """How customers moved between bands from one chosen month to another, in counts and ARR."""
    if len(months) < 2:
        components.empty_state(_("Band movement needs two months with signals; widen the period."))
        return
    left, right = st.columns(2)
    first = left.selectbox(_("From"), months[:-1], index=max(0, len(months) - 4), format_func=month_label,
                           key="health_from")
    later = [m for m in months if m > first]
    second = right.selectbox(_("To"), later, index=len(later) - 1, format_func=month_label, key="health_to")
    moves = loaders.load(data.movement, first=first, second=second, flt=flt, version=version)
    st.plotly_chart(charts.transition_heatmap(
        health.transition_matrix(moves), health.transition_matrix(moves, value="arr"),
        currency=loaders.load(vocabulary.currency),
        title=_("From {first} to {second}: customers and ARR").format(
            first=month_label(first), second=month_label(second))), width="stretch")
    st.caption(_("ARR is the customer's ARR in the first month (in the second for customers not scored before). "
                 "Unscored: no signals that month; churned: left the company by the end of the second month."))


def _drop() -> float:
    return float(st.session_state.get("health_drop", 10.0))


def _customer_options(latest: pd.Timestamp, previous: pd.Timestamp | None, *, version: int,
                      flt: CustomerFilter) -> dict[int, str]:
    """Customers to pick from: those whose name or id holds the search text, else the largest at
    risk; the customer picked before stays among them."""
    text = st.text_input(_("Find a customer"), key="health_find", placeholder=_("Type part of a name or an id"))
    if text.strip():
        options = loaders.load(data.find_customers, month=latest, text=text.strip(), flt=flt, version=version)
    else:
        top = loaders.load(data.at_risk, month=latest, previous=previous, drop=_drop(), flt=flt, version=version)
        options = {int(r.customer_id): f"{r.name} ({r.segment})" for r in top.itertuples()}
        options = options or loaders.load(data.find_customers, month=latest, flt=flt, version=version)
    known = st.session_state.setdefault("health_customer_labels", {})
    known.update(options)
    picked = st.session_state.get("health_customer")
    if picked is not None and picked not in options and picked in known and not text.strip():
        options = {picked: known[picked], **options}
    return options


@st.fragment
def customer(latest: pd.Timestamp, previous: pd.Timestamp | None, model: dict[str, Any], *, version: int,
             flt: CustomerFilter, start: dt.date, end: dt.date) -> None:
    """One customer's score explained signal by signal, and its score by month: the picker searches
    on the server and starts with the largest customer at risk ("why is this one red?")."""
    options = _customer_options(latest, previous, version=version, flt=flt)
    if not options:
        components.empty_state(_("No scored customer matches; type another part of the name or id."))
        return
    if st.session_state.get("health_customer") not in options:
        st.session_state["health_customer"] = next(iter(options))
    cid = st.selectbox(_("Customer"), list(options), format_func=options.get, key="health_customer")
    history = loaders.load(data.customer_scores, customer_id=cid, start=start, end=end, version=version)
    rows = health.month_rows(history, latest)
    if rows.empty:
        components.empty_state(_("This customer has no signals in {month}.").format(month=month_label(latest)))
        return
    row = rows.iloc[0]
    why = health.explain(row, model, segment=row["segment"])
    cols = st.columns(3)
    cols[0].metric(_("Score, {month}").format(month=month_label(latest)), formats.decimal(why.attrs["score"], 1))
    cols[1].metric(_("Band"), health.band_label(why.attrs["band"]) if why.attrs["band"] else "None")
    to_next = why.attrs["to_next_band"]
    cols[2].metric(_("Points to the next band"), "–" if why.attrs["band"] == "green" else formats.decimal(to_next, 1))
    st.caption(_("Owner: {owner} · {segment} · {region} · ARR {arr}").format(
        owner=plain(row["owner"]), segment=plain(row["segment"]), region=plain(row["region"]),
        arr=fmt_value(row["arr"], "currency", currency=loaders.load(vocabulary.currency))))
    for label in why.loc[why["missing"], "label"]:
        st.badge(_("No data: {signal}").format(signal=plain(label)), color="gray")
    st.plotly_chart(charts.contribution_waterfall(why, title=_("What makes up the score")), width="stretch")
    components.table(why[["label", "value", "points", "share", "contribution", "lost"]], hide_index=True,
                     column_config={
                         "label": _("Signal"),
                         "value": st.column_config.NumberColumn(_("Raw value"), format="%.2f"),
                         "points": st.column_config.NumberColumn(_("Points (0-100)"), format="%.0f"),
                         "share": st.column_config.NumberColumn(_("Weight share"), format="percent"),
                         "contribution": st.column_config.NumberColumn(_("Adds to score"), format="%.1f"),
                         "lost": st.column_config.NumberColumn(_("Left on the table"), format="%.1f")})
    st.plotly_chart(charts.score_history(history, thresholds=health.model_bands(model, row["segment"]),
                                         title=_("Score by month")), width="stretch")


@st.fragment
def backtest(months: list[pd.Timestamp], *, start: dt.date, end: dt.date, as_of: dt.date, version: int,
             flt: CustomerFilter) -> None:
    """The score against churn that followed: AUC, churn rate by band, who churned while green,
    AUC by month, and the band churned customers of ``[start, end)`` had at their last score."""
    horizon = st.selectbox(_("Churn within"), [30, 60, 90, 180], index=2,
                           format_func=lambda d: ngettext("{n} day", "{n} days", d).format(n=d), key="health_horizon")
    testable = health.backtest_months(pd.DataFrame({"month": months}), horizon_days=horizon, as_of=as_of)
    if not testable:
        components.empty_state(_("No month in the period has a complete outcome window yet: "
                                 "widen the period or shorten the horizon."))
        return
    month = st.selectbox(_("Scores of"), testable[::-1], format_func=month_label, key="health_bt_month")
    scope = dict(start=start, end=end, as_of=as_of, flt=flt, version=version, horizon_days=horizon)
    bt = loaders.load(data.health_backtest, month=month, **scope)
    cols = st.columns(2)
    cols[0].metric(_("AUC of the score for churn"), formats.decimal(bt.auc.auc, 2) if bt.n else "–",
                   help=_("The chance that a customer who churned had a lower score than one who "
                          "stayed; 0.5 is a coin toss."))
    cols[0].caption(_("95% CI {low}–{high} (DeLong 1988) · {churned} churned of {n} customers between {first} "
                      "and {last}").format(
        low=formats.decimal(bt.auc.low, 2), high=formats.decimal(bt.auc.high, 2), churned=bt.churned,
        n=formats.decimal(bt.n), first=_day(bt.window_start, "dd MMM"), last=_day(bt.window_last, "dd MMM y")))
    if not bt.enough:
        st.warning(_("Only {churned} churned and {stayed} stayed: too few to judge the score.").format(
            churned=bt.churned, stayed=bt.n - bt.churned))
    elif not bt.separates:
        st.warning(_("The score does not separate churners from stayers: its AUC interval reaches 0.5. "
                     "Revisit the signals and weights."))
    else:
        st.success(_("The score separates churners from stayers: the whole AUC interval lies above 0.5."))
    with cols[1]:
        st.plotly_chart(charts.churn_by_band(bt.by_band, title=_("Churn rate by band (95% Wilson interval)")),
                        width="stretch")
    heading = _("Churned while green")
    st.markdown(f"**{heading}**")
    green = bt.churned_while_green[["name", "owner", "segment", "score", "churned_on"]]
    if green.empty:
        st.caption(_("No customer in the green band churned within the horizon."))
    else:
        if len(green) > SHOWN:
            st.caption(_("The first {shown} of {n} by churn date; the download lists all.").format(
                shown=SHOWN, n=formats.decimal(len(green))))
        components.table(green.head(SHOWN), hide_index=True, column_config={
            "name": _("Customer"), "owner": _("Owner"), "segment": _("Segment"),
            "score": _("Score"), "churned_on": _("Churned on")})
        st.download_button(_("Download all (CSV)"), green.to_csv(index=False).encode("utf-8-sig"),
                           f"churned_while_green_{month:%Y_%m}.csv", CSV, key="health_green_csv")
    by_month = loaders.load(data.auc_by_month, **scope)
    st.plotly_chart(charts.auc_by_month(by_month, title=_("AUC by month of the scores")), width="stretch")
    last = loaders.load(data.churned_bands, start=start, end=end, flt=flt, version=version).set_index("band")
    st.caption(_("Of {n} customers who churned in the period after a scored month, "
                 "{green} were green at their last score.").format(
        n=int(last["n"].sum()), green=int(last.loc["green", "n"])))


@st.fragment
def at_risk(latest: pd.Timestamp, previous: pd.Timestamp | None, *, version: int, flt: CustomerFilter) -> None:
    """Customers red or falling (the fall is set here, under ``health_drop``): the largest by ARR,
    how many there are, and all of them as a download."""
    st.number_input(_("A fall of this many points counts as falling"), min_value=1.0, max_value=100.0,
                    value=10.0, step=1.0, format="%.0f", key="health_drop")
    scope = dict(month=latest, previous=previous, drop=_drop(), flt=flt, version=version)
    risk = loaders.load(data.at_risk, **scope)
    money = loaders.load(vocabulary.currency)
    n = risk.attrs.get("n", len(risk))
    values = dict(month=month_label(latest), n=formats.decimal(n), listed=len(risk),
                  arr=fmt_value(risk.attrs.get("arr"), "currency", currency=money))
    if n > len(risk):
        st.caption(_("{month}: {n} customers red or falling since the month before, {arr} ARR; "
                     "the {listed} largest below.").format(**values))
    else:
        st.caption(_("{month}: {n} customers red or falling since the month before, {arr} ARR, "
                     "largest first.").format(**values))
    listed = health_plans.table(risk, arr_format=money_format(money))
    if n:
        st.download_button(_("Download all {n} (CSV)").format(n=formats.decimal(n)),
                           lambda: data.at_risk_csv(loaders.engine(), **scope),
                           f"at_risk_{latest:%Y_%m}.csv", CSV, key="health_risk_csv")
    health_plans.editor(listed)
