"""NPS: the score with its interval, whether it really moved, where it comes from, what customers
wrote, and the detractors still waiting for a call."""

import streamlit as st

from cs_metrics import nps
from cs_metrics.charts import nps as charts
from cs_metrics.formatting import fmt_change, fmt_interval, fmt_value
from cs_metrics.i18n import _, formats
from cs_metrics.services import coverage
from cs_metrics.services import nps as data
from ui import components, loaders, nps_follow_up, nps_sections

sel = components.page_header(
    _("NPS"), _("NPS is one signal of customer success, not its measure: read it beside health, time to first value "
                "and churn. It is computed from counts (% promoters 9-10 minus % detractors 0-6), never by averaging "
                "scores."))
cur, prev = sel.period, sel.previous
scope = {"flt": sel.customers}

bad_n, bad = loaders.load(data.invalid_scores, **scope)
if bad_n:
    st.warning(_("{n} stored answer(s) have a score outside 0-10 and are left out of every figure. "
                 "Correct or delete them in the source and import again.").format(n=bad_n))
    components.table(bad, hide_index=True)

tile = loaders.load(data.nps_tile, period=cur, previous=prev, **scope)
now, change = nps.nps_interval(*tile.extra["counts"]), tile.extra["difference"]
if now.n == 0:
    gap = loaders.load(coverage.gap, "nps", period=cur, **scope)
    if gap is None:  # answers in the period, none with a valid score
        components.empty_state(_("No NPS answers for this period and these customers. Widen the period or the "
                                 "filters."))
    else:
        components.data_gap(gap, as_of=sel.as_of)
    st.stop()
held = loaders.load(data.survey_facts, **scope)
min_n = int(st.columns([1, 3])[0].number_input(
    _("Minimum answers to read a figure"), min_value=1, max_value=1000, value=30, key="nps_min_n",
    help=_("Below this many answers a score is shown as too uncertain to read.")))

# --- headline ----------------------------------------------------------------------------------
left, mid, right = st.columns(3)
with left, st.container(border=True):
    st.metric(_("NPS"), fmt_value(now.nps, "points"), help=_("95% adjusted-Wald interval (Rocks 2016)."))
    st.caption(_("{interval} · n = {n}").format(interval=fmt_interval(now.low, now.high, "points"),
                                                 n=formats.decimal(now.n)))
    st.caption(_("{promoters} promoters, {passives} passives, {detractors} detractors").format(
        promoters=formats.decimal(now.promoters), passives=formats.decimal(now.passives),
        detractors=formats.decimal(now.detractors)))
    if now.n < min_n:
        st.warning(_("Only {n} answers: too few to read this score with confidence.").format(
            n=formats.decimal(now.n)))
with mid, st.container(border=True):
    st.metric(_("Change vs previous period"), fmt_change(change.diff, "points"),
              help=_("Two-sided z-test on the difference of two independent samples, adjusted-Wald estimates."))
    if change.p_value == change.p_value:
        st.caption(_("previous period: {nps} (n = {n}) · difference {interval}").format(
            nps=fmt_value(change.first.nps, "points"), n=formats.decimal(change.first.n),
            interval=fmt_interval(change.low, change.high, "points")))
    st.markdown(f"**{nps.verdict(change).capitalize()}**")
with right, st.container(border=True):
    response = loaders.load(data.response_rate, period=cur, **scope)
    # Of the valid answers (the headline's n), those with a comment (counted once for the list below too).
    commented = loaders.load(data.comment_count, period=cur, languages=(), groups=(), **scope)
    comments = nps.comment_rate(now.n, commented)
    if response is not None:
        st.metric(_("Response rate"), fmt_value(response.value, "share"))
        st.caption(_("{interval} · {count} of {total} invitations answered").format(
            interval=fmt_interval(response.low, response.high, "share"), count=formats.decimal(response.count),
            total=formats.decimal(response.total)))
    else:
        st.metric(_("Response rate"), "–")
        st.caption(_("Unknown: no survey invitations are recorded for this period.") if held.has_sends else
                   _("Unknown: no survey invitations are recorded at all (only a whole-database archive brings "
                     "them)."))
    st.caption(_("Comment rate {rate} ({count} of {total} answers)").format(
        rate=fmt_value(comments.value, "share"), count=formats.decimal(comments.count),
        total=formats.decimal(comments.total)))

# --- trend ---------------------------------------------------------------------------------------
nps_sections.trend(period=cur, previous=prev, flt=sel.customers, min_n=min_n)

# --- where it comes from -------------------------------------------------------------------------
by_col, dist_col = st.columns([3, 2])
with by_col:
    nps_sections.breakdown(period=cur, flt=sel.customers, min_n=min_n)
with dist_col:
    st.subheader(_("Scores 0-10"))
    scores = loaders.load(data.score_distribution, period=cur, **scope)
    st.plotly_chart(charts.distribution_chart(scores), width="stretch", key="nps_distribution")

# --- verbatims -----------------------------------------------------------------------------------
nps_sections.comments(period=cur, flt=sel.customers, languages=held.comment_languages)

# --- closed loop ---------------------------------------------------------------------------------
nps_follow_up.section(period=cur, as_of=sel.as_of, flt=sel.customers, tracked=held.follow_ups_tracked)
