"""Churn & retention: how many customers and how much revenue stay, why the others left, and
whether the reason of every lost customer is known."""

import streamlit as st

from cs_metrics import churn
from cs_metrics.charts import churn as charts
from cs_metrics.formatting import fmt_value
from cs_metrics.i18n import _, formats, ngettext
from cs_metrics.services import churn as data
from cs_metrics.services import coverage, vocabulary
from ui import churn_bridge, churn_follow_up, churn_peers, churn_renewals, churn_sections, components, loaders

selection = components.page_header(_("Churn & retention"))
period, flt = selection.period, selection.customers

if (no_customers := loaders.load(coverage.gap, "logo_churn")) is not None:  # none imported at all
    components.data_gap(no_customers, as_of=selection.as_of)
    st.stop()
no_revenue = loaders.load(coverage.gap, "revenue_retention")  # GRR, NRR and cohorts need monthly revenue
tiles = [t for t in loaders.load(data.retention_tiles, period=period, flt=flt) if t.key == "logo_churn" or not no_revenue]
everyone = loaders.load(data.all_churn, flt=flt)
reasons = loaders.load(data.churn_reasons)  # the company's own: labels, categories, controllable or not
if all(t.n == 0 for t in tiles) and everyone.empty:
    components.empty_state(_("No customers match these filters. Widen the segment, region or owner selection."))
    st.stop()

# Data left out of the figures; customers without a reason are counted among the churned customers read above.
issues = [*loaders.load(data.date_and_revenue_issues, flt=flt),
          loaders.derive(data.missing_reason_issue, data.all_churn, flt=flt)]
for issue in filter(None, issues):  # label and action are English, marked for the catalog where they are made
    label = _(issue.label)
    st.warning(_("Data check · {label}: {count}. They are {action}; fix them at the source.").format(
        label=label, count=formats.decimal(issue.count), action=_(issue.action)))
    with st.expander(_("Examples: {label}").format(label=label.lower())):
        components.table(issue.examples, hide_index=True)
components.tile_grid(tiles, columns=3)
churn_bridge.section(period, flt, no_revenue=no_revenue)  # ARR from the start to the end, step by step
if no_revenue is None:  # GRR and NRR over time beside the medians of companies of a similar contract size
    churn_peers.section(tiles, period=period, flt=flt, currency=loaders.load(vocabulary.currency))
if no_revenue is not None:
    components.missing_data(no_revenue)

st.header(_("Why customers leave"))
lost = loaders.derive(data.churn_in_period_from, data.all_churn, flt=flt, using={"period": period})  # a slice
no_events = loaders.load(coverage.gap, "churn_reasons", period=period, flt=flt)  # none, or none in the period
if no_events is not None:
    components.data_gap(no_events, as_of=selection.as_of)
elif lost.empty:
    components.empty_state(_("No customer was lost in this period."))
else:
    churn_sections.reasons(lost, reasons=reasons)
by_quarter = churn.reasons_by_quarter(everyone, reasons=reasons)
if not by_quarter.empty:
    over_time = charts.reasons_over_time_chart(by_quarter, reasons=reasons,
                                               title=_("Reasons over time, by quarter of churn"))
    st.plotly_chart(over_time, width="stretch")
    st.caption(_("All recorded history for these customers; the latest quarter may be incomplete."))

st.header(_("Early churn (within {days} days)").format(days=churn.EARLY_DAYS))
early = loaders.load(data.early_churn_in_period, period=period, as_of=selection.as_of, flt=flt)
# The English says "more are" for one too (as it always has); the translation has both forms.
pending = (" " + ngettext("{n} more are not judged yet.", "{n} more are not judged yet.", early.excluded).format(
    n=early.excluded)) if early.excluded else ""
st.caption(churn_sections.explanation("early") + pending)
if early.n == 0:
    components.empty_state(_("No customer's first {days} days ended in this period.").format(days=churn.EARLY_DAYS))
else:
    a, b = st.columns(2)
    a.metric(_("Early churn rate"), fmt_value(early.rate, "share"))
    interval = _("95% CI {low}–{high}").format(low=fmt_value(early.low, "share"), high=fmt_value(early.high, "share"))
    a.caption(_("{lost} of {n} customers · {interval}").format(lost=early.lost, n=early.n, interval=interval))
    if not early.enough:
        a.warning(_("Only {n} customers: too few to read this rate with confidence.").format(n=early.n))
    b.metric(_("Early churners who had reached first value"),
             _("{reached} of {lost}").format(reached=early.reached_first_value, lost=early.lost))
    if early.lost:
        churn_sections.early_churners(early, reasons=reasons)

st.header(_("Cohort retention"))
churn_sections.cohorts(flt=flt, no_revenue=no_revenue)

churn_renewals.section(selection.as_of, flt)  # contracts ending in the next 30 / 90 / 180 days

st.header(_("Renewal vs retention"))
rvr = loaders.load(data.renewal_vs_retention, period=period, flt=flt)
st.caption(_("Customers on contracts of {months} months or more.").format(months=rvr.min_term) + " "
           + churn_sections.explanation("renewal"))
if rvr.up == 0 and rvr.customers_at_start == 0:
    components.empty_state(_("No customer on a contract of {months} months or more in this selection.").format(
        months=rvr.min_term))
else:
    st.plotly_chart(charts.renewal_vs_retention_chart(rvr.shares()), width="stretch")
    st.caption(_("{renewed} of {up} contracts up for renewal renewed · {start} at the start.").format(
        renewed=rvr.renewed, up=rvr.up, start=rvr.customers_at_start))

churn_follow_up.section(everyone, reasons=reasons, tracked=loaders.load(data.follow_ups_tracked),
                        gap=loaders.load(coverage.gap, "churn_follow_up"), as_of=selection.as_of)

st.header(_("Lost while looking fine"))
surprises = loaders.load(data.contradictions_in_period, period=period, flt=flt)
st.caption(churn_sections.explanation("surprises"))
if no_events is not None and no_events.kind == coverage.MISSING:
    st.caption(no_events.message())
elif surprises.empty:
    components.empty_state(_("No customer lost in this period looked healthy or was a promoter."))
else:
    churn_sections.surprises(surprises)
