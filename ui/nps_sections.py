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
from cs_metrics.i18n import N_, _, formats, gettext
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
#: The answer groups, as the comment filter shows them (the values stay the stored ones).
GROUP_LABELS = {"detractor": N_("detractor"), "passive": N_("passive"), "promoter": N_("promoter")}
#: The comments' languages (``text.LANGUAGES``), as the filters and the word panels name them.
LANGUAGE_LABELS = {"en": N_("English"), "it": N_("Italian")}
#: The labels of ``text.THEMES``, marked here for the catalog; shown through ``_()``.
THEME_LABELS = (N_("Onboarding and go-live"), N_("Support and tickets"), N_("Price and value"),
                N_("Reports and data"), N_("Integrations"), N_("Training and help material"),
                N_("Billing and invoices"), N_("Customer success relationship"))
#: The group table's number columns and their headers (the column names, in the reader's language).
GROUP_NUMBERS = {"nps": N_("nps"), "low": N_("low"), "high": N_("high"), "vs_rest": N_("vs_rest"),
                 "vs_rest_low": N_("vs_rest_low"), "vs_rest_high": N_("vs_rest_high")}
#: The breakdown's groupings (the option values stay the column names).
BREAKDOWNS = {"segment": N_("segment"), "region": N_("region"), "owner": N_("owner"), "touchpoint": N_("touchpoint")}
GRAINS = {"month": N_("month"), "quarter": N_("quarter")}


def comment_config() -> dict:
    """The comment list's column headers in the reader's language (built at each run)."""
    return {
        "responded_on": st.column_config.DateColumn(_("Date")), "score": _("Score"), "group": _("Group"),
        "comment": st.column_config.TextColumn(_("Comment"), width="large"), "language": _("Language"),
        "segment": _("Segment"), "customer": _("Customer"), "touchpoint": _("Touchpoint")}


def group_config(by: str) -> dict:
    """The breakdown table's column headers in the reader's language (built at each run)."""
    return {
        **{c: st.column_config.NumberColumn(_(label), format="%+.1f") for c, label in GROUP_NUMBERS.items()},
        by: _(BREAKDOWNS.get(by, by)), "n": _("n"), "detractors": _("detractors"), "passives": _("passives"),
        "promoters": _("promoters"),
        "p_value": st.column_config.NumberColumn(_("p"), format="%.3f"), "significant": _("different at 95%")}


@st.fragment
def trend(*, period: Period, previous: Period, flt: CustomerFilter, min_n: int) -> None:
    """NPS per month or quarter across the comparison period and the period, redrawn from the
    answers per month read once per selection when the grouping changes."""
    st.subheader(_("Trend"))
    grain = st.segmented_control(_("Group by"), list(GRAINS), default="month", key="nps_grain",
                                 format_func=lambda g: _(GRAINS[g])) or "month"
    st.plotly_chart(loaders.derive(figures.nps_trend_chart, data.monthly_counts, period=period, previous=previous,
                                   flt=flt, using={"period": period, "previous": previous, "grain": grain,
                                                   "min_n": min_n}),
                    width="stretch", key="nps_trend")
    st.caption(_("Shaded band: 95% interval. Hollow grey points rest on fewer than {n} answers and are too "
                 "uncertain to read.").format(n=min_n))


@st.fragment
def breakdown(*, period: Period, flt: CustomerFilter, min_n: int) -> None:
    """NPS per segment, region, owner or touchpoint, each group against the rest."""
    st.subheader(_("Breakdown"))
    by = st.segmented_control(_("Break down by"), list(BREAKDOWNS), default="segment", key="nps_by",
                              format_func=lambda b: _(BREAKDOWNS[b])) or "segment"
    groups = loaders.load(data.breakdown, period=period, by=by, flt=flt)
    st.plotly_chart(charts.breakdown_chart(groups, by=by, min_n=min_n), width="stretch", key="nps_breakdown")
    with st.expander(_("Numbers, and each group against the rest")):
        components.table(groups, hide_index=True, column_config=group_config(by))


def comments(*, period: Period, flt: CustomerFilter, languages: tuple[str, ...]) -> None:
    """What customers wrote in ``period``: the words and themes that set detractors apart from
    promoters (``analysis``), then the list of comments."""
    st.subheader(_("What customers wrote"))
    # With the arguments the list and the headline's comment rate pass: one count, read once.
    total = loaders.load(data.comment_count, period=period, flt=flt, languages=(), groups=())
    if not total:
        components.empty_state(_("No written comments in this period."))
        return
    analysis(period=period, flt=flt, languages=languages, total=total)
    comment_list(period=period, flt=flt, languages=languages)


@st.fragment
def analysis(*, period: Period, flt: CustomerFilter, languages: tuple[str, ...], total: int) -> None:
    """The words and themes that set detractors apart from promoters among the ``total`` comments
    of ``period``: a panel per language of ``languages`` (one for all comments without any), the
    themes and their keywords. Up to ``ANALYSE_AT_ONCE`` comments they show as the page opens;
    beyond, when the person turns them on (reading and splitting every comment takes seconds)."""
    st.caption(_("Words and themes that set detractors apart from promoters: weighted log-odds with an informative "
                 "prior (Monroe, Colaresi & Quinn 2008). Bars show z; hover for how often each side used the word."))
    if total > ANALYSE_AT_ONCE and not st.toggle(
            _("Compare the words and themes of all {n} comments").format(n=formats.decimal(total)), key="nps_analyse",
            help=_("Reads every comment of the period and counts its words and themes; with this many comments "
                   "it takes a few seconds, so it runs when you ask for it.")):
        st.caption(_("{n} comments: turn on the comparison above to see which words and themes set detractors "
                     "apart from promoters. The list below needs no comparison: search it or pick a theme.").format(
                         n=formats.decimal(total)))
        return
    panels = {c: _(LANGUAGE_LABELS.get(c, n)) for c, n in text.LANGUAGES.items() if c in languages} or {None: _("All")}
    found = loaders.derive(data.comment_analysis, data.comment_texts, period=period, flt=flt,
                           using={"languages": tuple(panels)})
    for column, (code, name) in zip(st.columns(len(panels)), panels.items()):
        words = found.words[code]
        with column:
            if words.empty:
                st.caption(_("{language}: too few comments to compare.").format(language=name))
            else:
                st.plotly_chart(charts.words_chart(words, title=_("{language} comments").format(language=name)
                                                   if code is not None else _("All comments")),
                                width="stretch",
                                key=f"nps_words_{code}")
    themes = found.themes
    if len(themes):  # the themes' labels in the reader's language (the labels of THEME_LABELS)
        themes = themes.assign(label=themes["label"].map(gettext))
    st.plotly_chart(charts.themes_chart(themes, title=_("Themes")), width="stretch", key="nps_themes")
    with st.expander(_("Theme keywords")):
        components.table(themes[["label", "keywords", "detractors", "passives", "promoters", "z"]], hide_index=True,
                         column_config={"label": _("Theme"), "keywords": _("keywords"), "detractors": _("detractors"),
                                        "passives": _("passives"), "promoters": _("promoters"),
                                        "z": st.column_config.NumberColumn(_("z"), format="%.2f")})


@st.fragment
def comment_list(*, period: Period, flt: CustomerFilter, languages: tuple[str, ...]) -> None:
    """The comments of ``period``, filtered by theme, words, group and language, a page at a time,
    with their count and every filtered comment as a CSV download. Without words or a theme the
    database counts the comments and sends one page; a search or a theme picks from the text of
    every comment (read once per period and customers), then the page is read by its ids."""
    labels = {t.key: t.label for t in text.THEMES}
    theme = st.pills(_("Theme"), list(labels), format_func=lambda k: _(labels[k]), key="nps_theme")
    f1, f2, f3 = st.columns([2, 1, 1])
    search = f1.text_input(_("Search the comments"), key="nps_search",
                           placeholder=_("a word, e.g. invoice or fattura"))
    groups = tuple(f2.multiselect(_("Group"), list(text.GROUPS), format_func=lambda g: _(GROUP_LABELS.get(g, g)),
                                  key="nps_groups"))
    chosen = tuple(f3.multiselect(_("Language"), languages,
                                  format_func=lambda c: _(LANGUAGE_LABELS[c]) if c in LANGUAGE_LABELS else c,
                                  key="nps_languages"))
    by_text = bool(search.strip()) or theme is not None
    if by_text:
        ids = loaders.derive(data.comment_ids, data.comment_texts, period=period, flt=flt,
                             using={"search": search, "languages": chosen, "groups": groups, "theme": theme})
        total = len(ids)
    else:
        total = loaders.load(data.comment_count, period=period, flt=flt, languages=chosen, groups=groups)
    count = formats.decimal(total)
    st.caption(_("{n} comment(s) about {theme}").format(n=count, theme=_(labels[theme]).lower()) if theme else
               _("{n} comment(s)").format(n=count))
    first = components.pager(total, key="nps_comments", rows=COMMENT_ROWS,
                             reset_on=(theme, search, groups, chosen, period, flt))
    if by_text:
        shown = loaders.load(data.comments_by_id, ids=ids[first:first + COMMENT_ROWS])
    else:
        shown = loaders.load(data.verbatims, period=period, flt=flt, languages=chosen, groups=groups,
                             offset=first, limit=COMMENT_ROWS)
    with st.container(key="nps_verbatims"):
        components.table(shown[COMMENT_COLUMNS], hide_index=True, width="stretch",
                         column_config=comment_config())
    if total:
        engine = loaders.engine()

        def every() -> bytes:  # read when the button is clicked, not on every run
            rows = data.verbatims(engine, period=period, flt=flt, languages=chosen, groups=groups)
            rows = text.filter_comments(rows, search=search, theme=theme)
            return components.csv_bytes(rows[COMMENT_COLUMNS])

        st.download_button(_("Download the {n} comment(s) (CSV)").format(n=count), every, file_name="nps_comments.csv",
                           mime="text/csv", key="nps_comments_csv", on_click="ignore")
