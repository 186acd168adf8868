"""Sections of the NPS page that re-run on their own (``st.fragment``): the trend and the
breakdown, whose grouping changes only their chart, and what customers wrote, whose search,
filters and pages change only the list. The list reads one page of comments at a time (counted
by the database); the word and theme analysis reads the text of every comment of the period once
per period and customers, as the page opens up to ``ANALYSE_AT_ONCE`` comments and on request
beyond."""

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
#: Up to this many comments in the period, their words and themes are compared as the page opens;
#: beyond, when the person asks (splitting ~150,000 different comments into words takes seconds).
ANALYSE_AT_ONCE = 20_000
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
    promoters (``analysis``), then the list of comments."""
    st.subheader("What customers wrote")
    # With the arguments the list and the headline's comment rate pass: one count, read once.
    total = loaders.load(data.comment_count, period=period, flt=flt, languages=(), groups=())
    if not total:
        components.empty_state("No written comments in this period.")
        return
    analysis(period=period, flt=flt, languages=languages, total=total)
    comment_list(period=period, flt=flt, languages=languages)


@st.fragment
def analysis(*, period: Period, flt: CustomerFilter, languages: tuple[str, ...], total: int) -> None:
    """The words and themes that set detractors apart from promoters among the ``total`` comments
    of ``period``: a panel per language of ``languages`` (one for all comments without any), the
    themes and their keywords. Up to ``ANALYSE_AT_ONCE`` comments they show as the page opens;
    beyond, when the person turns them on (reading and splitting every comment takes seconds)."""
    st.caption("Words and themes that set detractors apart from promoters: weighted log-odds with an informative "
               "prior (Monroe, Colaresi & Quinn 2008). Bars show z; hover for how often each side used the word.")
    if total > ANALYSE_AT_ONCE and not st.toggle(
            f"Compare the words and themes of all {total:,} comments", key="nps_analyse",
            help="Reads every comment of the period and counts its words and themes; with this many comments "
                 "it takes a few seconds, so it runs when you ask for it."):
        st.caption(f"{total:,} comments: turn on the comparison above to see which words and themes set "
                   "detractors apart from promoters. The list below needs no comparison: search it or pick a theme.")
        return
    panels = {c: n for c, n in text.LANGUAGES.items() if c in languages} or {None: "All"}
    found = loaders.derive(data.comment_analysis, data.comment_texts, period=period, flt=flt,
                           using={"languages": tuple(panels)})
    for column, (code, name) in zip(st.columns(len(panels)), panels.items()):
        words = found.words[code]
        with column:
            if words.empty:
                st.caption(f"{name}: too few comments to compare.")
            else:
                st.plotly_chart(charts.words_chart(words, title=f"{name} comments"), width="stretch",
                                key=f"nps_words_{code}")
    themes = found.themes
    st.plotly_chart(charts.themes_chart(themes, title="Themes"), width="stretch", key="nps_themes")
    with st.expander("Theme keywords"):
        components.table(themes[["label", "keywords", "detractors", "passives", "promoters", "z"]], hide_index=True,
                         column_config={"label": "Theme", "z": st.column_config.NumberColumn("z", format="%.2f")})


@st.fragment
def comment_list(*, period: Period, flt: CustomerFilter, languages: tuple[str, ...]) -> None:
    """The comments of ``period``, filtered by theme, words, group and language, a page at a time,
    with their count and every filtered comment as a CSV download. Without words or a theme the
    database counts the comments and sends one page; a search or a theme picks from the text of
    every comment (read once per period and customers), then the page is read by its ids."""
    labels = {t.key: t.label for t in text.THEMES}
    theme = st.pills("Theme", list(labels), format_func=labels.get, key="nps_theme")
    f1, f2, f3 = st.columns([2, 1, 1])
    search = f1.text_input("Search the comments", key="nps_search", placeholder="a word, e.g. invoice or fattura")
    groups = tuple(f2.multiselect("Group", list(text.GROUPS), key="nps_groups"))
    chosen = tuple(f3.multiselect("Language", languages, format_func=lambda c: text.LANGUAGES.get(c, c),
                                  key="nps_languages"))
    by_text = bool(search.strip()) or theme is not None
    if by_text:
        ids = loaders.derive(data.comment_ids, data.comment_texts, period=period, flt=flt,
                             using={"search": search, "languages": chosen, "groups": groups, "theme": theme})
        total = len(ids)
    else:
        total = loaders.load(data.comment_count, period=period, flt=flt, languages=chosen, groups=groups)
    st.caption(f"{total:,} comment(s)" + (f" about {labels[theme].lower()}" if theme else ""))
    first = components.pager(total, key="nps_comments", rows=COMMENT_ROWS,
                             reset_on=(theme, search, groups, chosen, period, flt))
    if by_text:
        shown = loaders.load(data.comments_by_id, ids=ids[first:first + COMMENT_ROWS])
    else:
        shown = loaders.load(data.verbatims, period=period, flt=flt, languages=chosen, groups=groups,
                             offset=first, limit=COMMENT_ROWS)
    with st.container(key="nps_verbatims"):
        components.table(shown[COMMENT_COLUMNS], hide_index=True, width="stretch",
                         column_config=COMMENT_CONFIG)
    if total:
        engine = loaders.engine()

        def every() -> bytes:  # read when the button is clicked, not on every run
            rows = data.verbatims(engine, period=period, flt=flt, languages=chosen, groups=groups)
            rows = text.filter_comments(rows, search=search, theme=theme)
            return components.csv_bytes(rows[COMMENT_COLUMNS])

        st.download_button(f"Download the {total:,} comment(s) (CSV)", every, file_name="nps_comments.csv",
                           mime="text/csv", key="nps_comments_csv", on_click="ignore")
