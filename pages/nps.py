"""NPS: the score with its interval, whether it really moved, where it comes from, what customers
wrote, and the detractors still waiting for a call."""

import streamlit as st

from cs_metrics import nps, text
from cs_metrics.charts import nps as charts
from cs_metrics.formatting import fmt_change, fmt_interval, fmt_value
from cs_metrics.services import coverage, figures
from cs_metrics.services import nps as data
from ui import components, loaders, nps_follow_up

sel = components.page_header(
    "NPS", "NPS is one signal of customer success, not its measure: read it beside health, time to first value "
    "and churn. It is computed from counts (% promoters 9-10 minus % detractors 0-6), never by averaging scores.")
cur, prev = sel.period, sel.previous
scope = {"flt": sel.customers}

bad_n, bad = loaders.load(data.invalid_scores, **scope)
if bad_n:
    st.warning(f"{bad_n} stored answer(s) have a score outside 0-10 and are left out of every figure. "
               "Correct or delete them in the source and import again.")
    components.table(bad, hide_index=True)

tile = loaders.load(data.nps_tile, period=cur, previous=prev, **scope)
now, change = nps.nps_interval(*tile.extra["counts"]), tile.extra["difference"]
if now.n == 0:
    gap = loaders.load(coverage.gap, "nps", period=cur, **scope)
    if gap is None:  # answers in the period, none with a valid score
        components.empty_state("No NPS answers for this period and these customers. Widen the period or the filters.")
    else:
        components.data_gap(gap, as_of=sel.as_of)
    st.stop()
held = loaders.load(coverage.coverage, **scope)
min_n = int(st.columns([1, 3])[0].number_input(
    "Minimum answers to read a figure", min_value=1, max_value=1000, value=30, key="nps_min_n",
    help="Below this many answers a score is shown as too uncertain to read."))

# --- headline ----------------------------------------------------------------------------------
left, mid, right = st.columns(3)
with left, st.container(border=True):
    st.metric("NPS", fmt_value(now.nps, "points"), help="95% adjusted-Wald interval (Rocks 2016).")
    st.caption(f"{fmt_interval(now.low, now.high, 'points')} · n = {now.n:,}")
    st.caption(f"{now.promoters:,} promoters, {now.passives:,} passives, {now.detractors:,} detractors")
    if now.n < min_n:
        st.warning(f"Only {now.n} answers: too few to read this score with confidence.")
with mid, st.container(border=True):
    st.metric("Change vs previous period", fmt_change(change.diff, "points"),
              help="Two-sided z-test on the difference of two independent samples, adjusted-Wald estimates.")
    if change.p_value == change.p_value:
        st.caption(f"previous period: {fmt_value(change.first.nps, 'points')} (n = {change.first.n:,}) · "
                   f"difference {fmt_interval(change.low, change.high, 'points')}")
    st.markdown(f"**{nps.verdict(change).capitalize()}**")
with right, st.container(border=True):
    response, comments = loaders.load(data.rates, period=cur, **scope)
    if response is not None:
        st.metric("Response rate", fmt_value(response.value, "share"))
        st.caption(f"{fmt_interval(response.low, response.high, 'share')} · {response.count:,} of "
                   f"{response.total:,} invitations answered")
    else:
        st.metric("Response rate", "–")
        st.caption("Unknown: no survey invitations are recorded for this period." if held.has("survey_sends") else
                   "Unknown: no survey invitations are recorded at all (only a whole-database archive brings them).")
    st.caption(f"Comment rate {fmt_value(comments.value, 'share')} ({comments.count:,} of {comments.total:,} answers)")

# --- trend ---------------------------------------------------------------------------------------
st.subheader("Trend")
grain = st.segmented_control("Group by", ["month", "quarter"], default="month", key="nps_grain") or "month"
st.plotly_chart(loaders.load(figures.nps_trend_figure, period=cur, previous=prev, grain=grain, min_n=min_n, **scope),
                width="stretch", key="nps_trend")
st.caption(f"Shaded band: 95% interval. Hollow grey points rest on fewer than {min_n} answers and are too uncertain to read.")

# --- where it comes from -------------------------------------------------------------------------
by_col, dist_col = st.columns([3, 2])
with by_col:
    st.subheader("Breakdown")
    by = st.segmented_control("Break down by", ["segment", "region", "owner", "touchpoint"], default="segment",
                              key="nps_by") or "segment"
    groups = loaders.load(data.breakdown, period=cur, by=by, **scope)
    st.plotly_chart(charts.breakdown_chart(groups, by=by, min_n=min_n), width="stretch", key="nps_breakdown")
    with st.expander("Numbers, and each group against the rest"):
        components.table(groups, hide_index=True, column_config={
            **{c: st.column_config.NumberColumn(c, format="%+.1f") for c in ("nps", "low", "high", "vs_rest", "vs_rest_low", "vs_rest_high")},
            "p_value": st.column_config.NumberColumn("p", format="%.3f"), "significant": "different at 95%"})
with dist_col:
    st.subheader("Scores 0-10")
    scores = loaders.load(data.score_distribution, period=cur, **scope)
    st.plotly_chart(charts.distribution_chart(scores), width="stretch", key="nps_distribution")

# --- verbatims -----------------------------------------------------------------------------------
st.subheader("What customers wrote")
written = loaders.load(data.verbatims, period=cur, **scope)
if written.empty:
    components.empty_state("No written comments in this period.")
else:
    st.caption("Words and themes that set detractors apart from promoters: weighted log-odds with an informative "
               "prior (Monroe, Colaresi & Quinn 2008). Bars show z; hover for how often each side used the word.")
    # A panel per language the comments are written in (one for all comments when none is recorded).
    panels = {c: n for c, n in text.LANGUAGES.items() if c in held.comment_languages} or {None: "All"}
    for column, (code, name) in zip(st.columns(len(panels)), panels.items()):
        words = text.distinguishing_words(written, language=code, top=8)
        with column:
            if words.empty:
                st.caption(f"{name}: too few comments to compare.")
            else:
                st.plotly_chart(charts.words_chart(words, title=f"{name} comments"), width="stretch", key=f"nps_words_{code}")
    themes = text.theme_table(written)
    st.plotly_chart(charts.themes_chart(themes, title="Themes"), width="stretch", key="nps_themes")
    with st.expander("Theme keywords"):
        components.table(themes[["label", "keywords", "detractors", "passives", "promoters", "z"]], hide_index=True,
                         column_config={"label": "Theme", "z": st.column_config.NumberColumn("z", format="%.2f")})
    labels = {t.key: t.label for t in text.THEMES}
    theme = st.pills("Theme", list(labels), format_func=labels.get, key="nps_theme")
    f1, f2, f3 = st.columns([2, 1, 1])
    search = f1.text_input("Search the comments", key="nps_search", placeholder="a word, e.g. invoice or fattura")
    groups_sel = f2.multiselect("Group", ["detractor", "passive", "promoter"], key="nps_groups")
    languages = f3.multiselect("Language", held.comment_languages, format_func=lambda c: text.LANGUAGES.get(c, c),
                               key="nps_languages")
    shown = text.filter_by_theme(loaders.load(data.verbatims, period=cur, search=search, languages=tuple(languages),
                                              groups=tuple(groups_sel), **scope), theme)
    st.caption(f"{len(shown):,} comment(s)" + (f" about {labels[theme].lower()}" if theme else ""))
    with st.container(key="nps_verbatims"):
        components.table(
            shown[["responded_on", "score", "group", "comment", "language", "segment", "customer", "touchpoint"]],
            hide_index=True, width="stretch",
            column_config={"responded_on": st.column_config.DateColumn("Date"), "score": "Score", "group": "Group",
                           "comment": st.column_config.TextColumn("Comment", width="large"), "language": "Language",
                           "segment": "Segment", "customer": "Customer", "touchpoint": "Touchpoint"})

# --- closed loop ---------------------------------------------------------------------------------
nps_follow_up.section(period=cur, as_of=sel.as_of, flt=sel.customers, tracked=held.nps_follow_up_tracked)
