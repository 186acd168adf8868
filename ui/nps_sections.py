"""Sections of the NPS page that re-run on their own (``st.fragment``): the trend and the
breakdown, whose grouping changes only their chart, and what customers wrote, whose search,
filters and pages change only the list. The comments are read once per period and customers; the
word and theme analysis is computed from them once and cached; the list filters them on the
server and sends one page."""

from __future__ import annotations

import streamlit as st

from cs_metrics import text
from cs_metrics.charts import nps as charts
from cs_metrics.period import Period
from cs_metrics.selection import CustomerFilter
from cs_metrics.services import figures
from cs_metrics.services import nps as data
from ui import components, loaders

#: Comments shown per page of the list.
COMMENT_ROWS = 50
COMMENT_COLUMNS = ["responded_on", "score", "group", "comment", "language", "segment", "customer", "touchpoint"]
COMMENT_CONFIG = {
    "responded_on": st.column_config.DateColumn("Date"), "score": "Score", "group": "Group",
    "comment": st.column_config.TextColumn("Comment", width="large"), "language": "Language",
    "segment": "Segment", "customer": "Customer", "touchpoint": "Touchpoint"}
GROUP_CONFIG = {
    **{c: st.column_config.NumberColumn(c, format="%+.1f") for c in ("nps", "low", "high", "vs_rest", "vs_rest_low",
                                                                      "vs_rest_high")},
    "p_value": st.column_config.NumberColumn("p", format="%.3f"), "significant": "different at 95%"}


@st.fragment
def trend(*, period: Period, previous: Period, flt: CustomerFilter, min_n: int) -> None:
    """NPS per month or quarter across the comparison period and the period, redrawn from the
    answers per month read once per selection when the grouping changes."""
    st.subheader("Trend")
    grain = st.segmented_control("Group by", ["month", "quarter"], default="month", key="nps_grain") or "month"
    st.plotly_chart(loaders.derive(figures.nps_trend_chart, data.monthly_counts, period=period, previous=previous,
                                   flt=flt, using={"period": period, "previous": previous, "grain": grain,
                                                   "min_n": min_n}),
                    width="stretch", key="nps_trend")
    st.caption(f"Shaded band: 95% interval. Hollow grey points rest on fewer than {min_n} answers and are too "
               "uncertain to read.")


@st.fragment
def breakdown(*, period: Period, flt: CustomerFilter, min_n: int) -> None:
    """NPS per segment, region, owner or touchpoint, each group against the rest."""
    st.subheader("Breakdown")
    by = st.segmented_control("Break down by", ["segment", "region", "owner", "touchpoint"], default="segment",
                              key="nps_by") or "segment"
    groups = loaders.load(data.breakdown, period=period, by=by, flt=flt)
    st.plotly_chart(charts.breakdown_chart(groups, by=by, min_n=min_n), width="stretch", key="nps_breakdown")
    with st.expander("Numbers, and each group against the rest"):
        components.table(groups, hide_index=True, column_config=GROUP_CONFIG)


def comments(*, period: Period, flt: CustomerFilter, languages: tuple[str, ...]) -> None:
    """What customers wrote in ``period``: the words and themes that set detractors apart from
    promoters (a panel per language of ``languages``, one for all comments without any), then the
    list of comments."""
    st.subheader("What customers wrote")
    written = loaders.load(data.verbatims, period=period, flt=flt)
    if written.empty:
        components.empty_state("No written comments in this period.")
        return
    st.caption("Words and themes that set detractors apart from promoters: weighted log-odds with an informative "
               "prior (Monroe, Colaresi & Quinn 2008). Bars show z; hover for how often each side used the word.")
    panels = {c: n for c, n in text.LANGUAGES.items() if c in languages} or {None: "All"}
    analysis = loaders.derive(data.comment_analysis, data.verbatims, period=period, flt=flt,
                              using={"languages": tuple(panels)})
    for column, (code, name) in zip(st.columns(len(panels)), panels.items()):
        words = analysis.words[code]
        with column:
            if words.empty:
                st.caption(f"{name}: too few comments to compare.")
            else:
                st.plotly_chart(charts.words_chart(words, title=f"{name} comments"), width="stretch",
                                key=f"nps_words_{code}")
    themes = analysis.themes
    st.plotly_chart(charts.themes_chart(themes, title="Themes"), width="stretch", key="nps_themes")
    with st.expander("Theme keywords"):
        components.table(themes[["label", "keywords", "detractors", "passives", "promoters", "z"]], hide_index=True,
                         column_config={"label": "Theme", "z": st.column_config.NumberColumn("z", format="%.2f")})
    comment_list(period=period, flt=flt, languages=languages)


@st.fragment
def comment_list(*, period: Period, flt: CustomerFilter, languages: tuple[str, ...]) -> None:
    """The comments of ``period``, filtered by theme, words, group and language, a page at a time,
    with their count and every filtered comment as a CSV download."""
    labels = {t.key: t.label for t in text.THEMES}
    theme = st.pills("Theme", list(labels), format_func=labels.get, key="nps_theme")
    f1, f2, f3 = st.columns([2, 1, 1])
    search = f1.text_input("Search the comments", key="nps_search", placeholder="a word, e.g. invoice or fattura")
    groups = f2.multiselect("Group", list(text.GROUPS), key="nps_groups")
    chosen = f3.multiselect("Language", languages, format_func=lambda c: text.LANGUAGES.get(c, c), key="nps_languages")
    written = loaders.load(data.verbatims, period=period, flt=flt)
    shown = text.filter_comments(written, search=search, languages=tuple(chosen), groups=tuple(groups), theme=theme)
    st.caption(f"{len(shown):,} comment(s)" + (f" about {labels[theme].lower()}" if theme else ""))
    first = components.pager(len(shown), key="nps_comments", rows=COMMENT_ROWS,
                             reset_on=(theme, search, tuple(groups), tuple(chosen), period, flt))
    with st.container(key="nps_verbatims"):
        components.table(shown.iloc[first:first + COMMENT_ROWS][COMMENT_COLUMNS], hide_index=True, width="stretch",
                         column_config=COMMENT_CONFIG)
    if len(shown):
        st.download_button(f"Download the {len(shown):,} comment(s) (CSV)",
                           lambda: components.csv_bytes(shown[COMMENT_COLUMNS]), file_name="nps_comments.csv",
                           mime="text/csv", key="nps_comments_csv", on_click="ignore", icon=":material/download:")
