"""Onboarding: time to first value, counting the customers still waiting for it."""

import streamlit as st

from cs_metrics import ttfv
from cs_metrics.charts import ttfv as charts
from cs_metrics.formatting import fmt_interval, fmt_value, money_format
from cs_metrics.i18n import _, formats
from cs_metrics.services import coverage, onboarding, overview, vocabulary
from ui import components, loaders, onboarding_sections
from ui.text import plain

selection = components.page_header(
    _("Onboarding"), _("Time to first value for the customers signed in the period, counting those still waiting "
                       "for it.")
)
period, flt, as_of = selection.period, selection.customers, selection.as_of
st.caption(_("Data as of {day}: customers not at first value yet are counted up to that day.").format(
    day=formats.date(as_of)))

# Without customers or first-value milestones no figure here means anything: say which file is missing.
if gap := loaders.load(coverage.gap, "onboarding", flt=flt):
    components.data_gap(gap, as_of=as_of)
    st.stop()
# Every customer's rows are read once; a filter's customers are sliced from them, not read again.
of_filter = {"flt": flt, "as_of": as_of}
everyone = loaders.derive(onboarding.durations_of, onboarding.onboarding_rows, using=of_filter)
known = loaders.load(onboarding.segment_targets)

with st.expander(_("First-value targets (days after signing)")):
    st.caption(_("Each segment's usual target from the milestone data; change them to see the view against other "
                 "targets."))
    columns = st.columns(len(known) + 1)
    targets = {
        seg: columns[i].number_input(plain(seg), 1, 730, int(days), key=f"onboarding_target_{seg}")
        for i, (seg, days) in enumerate(known.items())
    }
    default = columns[-1].number_input(_("Other segments"), 1, 730, ttfv.DEFAULT_TARGET_DAYS, key="onboarding_target_default")

status = ttfv.with_targets(everyone, targets=targets, default=default)
cohort = ttfv.signed_in(status, start=period.start, end=period.end)

# --- headline ------------------------------------------------------------------------------------
st.subheader(_("How long customers wait for first value"))
if cohort.empty:
    if gap := loaders.load(coverage.gap, "onboarding", period=period, flt=flt):
        components.data_gap(gap, as_of=as_of)
    else:
        components.empty_state(_("No customer signed {period}. Choose a longer period to see the curve.").format(
            period=period.label()))
else:
    median, within_30 = loaders.derive(overview.ttfv_tiles_from, onboarding.onboarding_rows,
                                       using={"period": period}, via=(onboarding.durations_of, of_filter))
    counts = ttfv.onboarding_counts(cohort)
    tiles = st.columns(4)
    tiles[0].metric(median.label, fmt_value(median.value, "days"),
                    help=_("Kaplan-Meier median: customers still onboarding count up to the day they were last "
                           "seen."))
    tiles[0].caption(" · ".join(x for x in (fmt_interval(median.low, median.high, "days"),
                                            _("n = {n}").format(n=formats.decimal(median.n))) if x))
    tiles[1].metric(within_30.label, fmt_value(within_30.value, "share"))
    tiles[1].caption(fmt_interval(within_30.low, within_30.high, "share") or _("beyond the follow-up so far"))
    for tile, row in zip(tiles[2:], ttfv.reached_by(cohort, days=(60, 90)).itertuples()):
        tile.metric(_("First value within {days} days").format(days=row.days), fmt_value(row.share, "share"))
        tile.caption(fmt_interval(row.low, row.high, "share") or _("beyond the follow-up so far"))
    st.info(_("{counts}. They are not dropped: the curve counts each of them up to the day they were last seen.").format(
        counts=counts.sentence()))
    if counts.n < ttfv.MIN_GROUP_N:
        st.warning(_("Only {n} customers signed in the period: too few to read these figures with confidence.").format(
            n=counts.n))

    onboarding_sections.curve(cohort, period=period, as_of=as_of, flt=flt, targets=targets, default=default)

# --- stalled onboardings -------------------------------------------------------------------------
st.subheader(_("Stalled onboardings"))
stalled = ttfv.stalled_onboardings(status)
st.caption(_("Customers with no first value yet and past their segment's target, whatever their signing date; "
             "longest wait first, then largest ARR."))
if stalled.empty:
    st.success(_("No customer is waiting for first value beyond its target."))
else:
    in_period = len(ttfv.signed_in(stalled, start=period.start, end=period.end))
    st.write(_("{n} customers past target, {in_period} of them signed {period}.").format(
        n=formats.decimal(len(stalled)), in_period=formats.decimal(in_period), period=period.label()))
    last = loaders.load(onboarding.last_milestones, customer_ids=tuple(stalled["customer_id"].tolist()))
    stalled = onboarding.with_last_milestones(stalled, last)  # read for these customers only
    components.capped_table(
        charts.stalled_table(stalled), key="onboarding_stalled", noun=_("stalled onboardings"), hide_index=True,
        width="stretch", column_config={_("ARR"): st.column_config.NumberColumn(
            _("ARR"), format=money_format(loaders.load(vocabulary.currency)))},
    )

# --- trend ---------------------------------------------------------------------------------------
st.subheader(_("Are we getting faster?"))
trend = ttfv.cohort_trend(everyone)
st.plotly_chart(charts.cohort_trend_figure(trend), width="stretch")
st.caption(_("Median days to first value by signing quarter. Grey: fewer than {n} customers, or fewer than half "
             "at first value yet (the latest quarters fill in as customers get there).").format(n=ttfv.MIN_GROUP_N))
st.info(ttfv.faster_than_before(everyone, as_of=as_of).text)

# --- early churn ---------------------------------------------------------------------------------
st.subheader(_("Late first value and early churn"))
churn = ttfv.early_churn_by_timeliness(status, as_of=as_of)
st.plotly_chart(charts.early_churn_figure(churn.table), width="stretch")
st.caption(_("Customers signed at least {days} days ago, any signing date. Late: first value after the target, "
             "or none by then. Bars show 95% intervals.").format(days=ttfv.EARLY_CHURN_DAYS))
(st.warning if churn.differs else st.info)(churn.text)

# --- data checks ---------------------------------------------------------------------------------
early = loaders.derive(onboarding.milestones_before_signing_of, onboarding.early_milestones,
                       using={"flt": flt})
problems = ttfv.problem_report(everyone, early_milestones=early)
with st.expander(_("Data checks: {n} problem(s)").format(n=len(problems)) if len(problems) else
                 _("Data checks: no problems found")):
    if problems.empty:
        st.caption(_("Every signing, first-value and churn date is in a possible order."))
    else:
        st.caption(_("Customers with impossible first-value or churn dates are left out of the figures; with several "
                     "first-value milestones the earliest counts; other milestones dated before signing are only "
                     "listed. Correct them at the source and import again on the Data page."))
        components.capped_table(charts.problems_table(problems), key="onboarding_problems", noun=_("problems"),
                                hide_index=True, width="stretch")
