"""Churn & retention: how many customers and how much revenue stay, why the others left, and
whether the reason of every lost customer is known."""

import streamlit as st

from cs_metrics import churn
from cs_metrics.charts import churn as charts
from cs_metrics.formatting import fmt_value
from cs_metrics.services import churn as data
from cs_metrics.services import coverage, vocabulary
from ui import churn_bridge, churn_follow_up, churn_peers, churn_renewals, churn_sections, components, loaders

selection = components.page_header("Churn & retention")
period, flt = selection.period, selection.customers

if (no_customers := loaders.load(coverage.gap, "logo_churn")) is not None:  # none imported at all
    components.data_gap(no_customers, as_of=selection.as_of)
    st.stop()
no_revenue = loaders.load(coverage.gap, "revenue_retention")  # GRR, NRR and cohorts need monthly revenue
tiles = [t for t in loaders.load(data.retention_tiles, period=period, flt=flt) if t.key == "logo_churn" or not no_revenue]
everyone = loaders.load(data.all_churn, flt=flt)
reasons = loaders.load(data.churn_reasons)  # the company's own: labels, categories, controllable or not
if all(t.n == 0 for t in tiles) and everyone.empty:
    components.empty_state("No customers match these filters. Widen the segment, region or owner selection.")
    st.stop()

# Data left out of the figures; customers without a reason are counted among the churned customers read above.
issues = [*loaders.load(data.date_and_revenue_issues, flt=flt),
          loaders.derive(data.missing_reason_issue, data.all_churn, flt=flt)]
for issue in filter(None, issues):
    st.warning(f"Data check · {issue.label}: {issue.count:,}. They are {issue.action}; fix them at the source.")
    with st.expander(f"Examples: {issue.label.lower()}"):
        components.table(issue.examples, hide_index=True)
components.tile_grid(tiles, columns=3)
churn_bridge.section(period, flt, no_revenue=no_revenue)  # ARR from the start to the end, step by step
if no_revenue is None:  # GRR and NRR over time beside the medians of companies of a similar contract size
    churn_peers.section(tiles, period=period, flt=flt, currency=loaders.load(vocabulary.currency))
if no_revenue is not None:
    components.missing_data(no_revenue)

st.header("Why customers leave")
lost = loaders.derive(data.churn_in_period_from, data.all_churn, flt=flt, using={"period": period})  # a slice
no_events = loaders.load(coverage.gap, "churn_reasons", period=period, flt=flt)  # none, or none in the period
if no_events is not None:
    components.data_gap(no_events, as_of=selection.as_of)
elif lost.empty:
    components.empty_state("No customer was lost in this period.")
else:
    churn_sections.reasons(lost, reasons=reasons)
by_quarter = churn.reasons_by_quarter(everyone, reasons=reasons)
if not by_quarter.empty:
    over_time = charts.reasons_over_time_chart(by_quarter, reasons=reasons,
                                               title="Reasons over time, by quarter of churn")
    st.plotly_chart(over_time, width="stretch")
    st.caption("All recorded history for these customers; the latest quarter may be incomplete.")

st.header(f"Early churn (within {churn.EARLY_DAYS} days)")
early = loaders.load(data.early_churn_in_period, period=period, as_of=selection.as_of, flt=flt)
pending = f" {early.excluded} more are not judged yet." if early.excluded else ""
st.caption(churn.EXPLANATIONS["early"] + pending)
if early.n == 0:
    components.empty_state(f"No customer's first {churn.EARLY_DAYS} days ended in this period.")
else:
    a, b = st.columns(2)
    a.metric("Early churn rate", fmt_value(early.rate, "share"))
    interval = f"95% CI {fmt_value(early.low, 'share')}–{fmt_value(early.high, 'share')}"
    a.caption(f"{early.lost} of {early.n} customers · {interval}")
    if not early.enough:
        a.warning(f"Only {early.n} customers: too few to read this rate with confidence.")
    b.metric("Early churners who had reached first value", f"{early.reached_first_value} of {early.lost}")
    if early.lost:
        churn_sections.early_churners(early, reasons=reasons)

st.header("Cohort retention")
churn_sections.cohorts(flt=flt, no_revenue=no_revenue)

churn_renewals.section(selection.as_of, flt)  # contracts ending in the next 30 / 90 / 180 days

st.header("Renewal vs retention")
rvr = loaders.load(data.renewal_vs_retention, period=period, flt=flt)
st.caption(f"Customers on contracts of {rvr.min_term} months or more. {churn.EXPLANATIONS['renewal']}")
if rvr.up == 0 and rvr.customers_at_start == 0:
    components.empty_state(f"No customer on a contract of {rvr.min_term} months or more in this selection.")
else:
    st.plotly_chart(charts.renewal_vs_retention_chart(rvr.shares()), width="stretch")
    st.caption(f"{rvr.renewed} of {rvr.up} contracts up for renewal renewed · {rvr.customers_at_start} at the start.")

churn_follow_up.section(everyone, reasons=reasons, tracked=loaders.load(data.follow_ups_tracked),
                        gap=loaders.load(coverage.gap, "churn_follow_up"), as_of=selection.as_of)

st.header("Lost while looking fine")
surprises = loaders.load(data.contradictions_in_period, period=period, flt=flt)
st.caption(churn.EXPLANATIONS["surprises"])
if no_events is not None and no_events.kind == coverage.MISSING:
    st.caption(no_events.message())
elif surprises.empty:
    components.empty_state("No customer lost in this period looked healthy or was a promoter.")
else:
    churn_sections.surprises(surprises)
