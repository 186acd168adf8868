"""Page components shared by the pages: the header every page starts with, the KPI tile, empty
states, the demo banner, and what keeps a page's size independent of the company's: a table
capped with its count and a CSV download of every row, a pager, and a picker that finds
its options by what is typed."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from cs_metrics.charts import overview as overview_charts
from cs_metrics.formatting import fmt_change, fmt_interval, fmt_value
from cs_metrics.i18n import _, formats
from cs_metrics.services import coverage
from cs_metrics.services import data as data_service
from cs_metrics.tiles import AREAS, COMPANY_WIDE, Tile, verdict_text
from ui import filters, identity, loaders, shell
from ui.text import plain

#: Rows a long table shows; the rest are counted and offered as a CSV download.
TABLE_ROWS = 100
#: Options a picker lists at once; typing narrows them.
PICK_OPTIONS = 50

#: The page each area's tiles link to (the sidebar filters travel with the session).
AREA_PAGES: dict[str, str] = {
    "nps": "pages/nps.py",
    "health": "pages/health.py",
    "onboarding": "pages/onboarding.py",
    "retention": "pages/churn.py",
    "renewals": "pages/churn.py",  # its Renewals ahead section
    "maturity": "pages/maturity.py",
    "meetings": "pages/meetings.py",
}


def page_header(title: str, what: str | None = None, *, company_wide: bool = False) -> filters.Selection:
    """The top of every page: its title, the period (against the comparison period) and the
    customers it covers, a caption saying what the page is for, and a warning when the custom
    period is half-filled. Returns the sidebar's selection.

    ``company_wide`` pages (maturity, meetings) are not filtered by customer and say so.
    """
    shell.require_router()
    selection = filters.current()
    st.title(title)
    scope = (_("company-wide: the customer filters do not apply") if company_wide
             else plain(selection.customers.describe()))
    st.caption(_("{period} against {previous} · {scope}").format(
        period=selection.period.label(), previous=selection.previous.label(), scope=scope))
    if what:
        st.caption(what)
    if selection.problem:
        st.warning(selection.problem)
    return selection


def demo_banner() -> None:
    """Say so, on every page, when the data is the generated demo company."""
    meta = loaders.load(data_service.dataset_meta)
    if meta.get("dataset") == "demo":
        st.info(
            _("You are looking at **demo data**: a generated company ({customers} customers, data up to {as_of}). ")
            .format(customers=meta.get("demo_customers", "?"), as_of=meta.get("demo_as_of", "?"))
            + (_("Import your own data or clear the demo on the Data page.") if identity.allowed("data.import")
               else _("An admin can import the company's own data on the Data page.")),
        )
        if identity.allowed("data.import"):
            st.page_link("pages/data.py", label=_("Go to the Data page →"))


def tile(t: Tile, *, sparkline: bool = False, verdict: bool = False, link: bool = False) -> None:
    """One KPI tile: value, change against the comparison period (grey: it is called a change only
    where a test says so), the previous value, interval and n, the detail line, and a warning below
    the minimum n; money in the tile's currency. Optionally the sparkline, the test's verdict, the
    area and a link to its page."""
    with st.container(border=True):
        if link:
            st.caption(_(AREAS[t.area]) + (_(" · company-wide") if t.area in COMPANY_WIDE else ""))
        if not t.has_value:
            st.metric(t.label, "–", help=t.definition)
            st.caption(_("No data for this selection."))
        else:
            money = {"currency": t.currency}
            delta = fmt_change(t.change, t.unit, **money) if t.previous == t.previous else None
            # Streamlit reads a delta's direction from a leading hyphen: the Italian true minus would point up.
            delta = delta.replace("−", "-") if delta else delta
            st.metric(t.label, fmt_value(t.value, t.unit, **money), delta=delta, delta_color="off",
                      help=t.definition)
            if sparkline and overview_charts.sparkline_values(t.series):  # no empty sparkline
                # Drawn with Plotly: the metric's own chart (Vega) logs "Infinite extent" warnings.
                st.plotly_chart(overview_charts.sparkline(t.series, unit=t.unit), width="stretch",
                                config={"displayModeBar": False}, key=f"sparkline_{t.key}")
            lines = [_("previous period: {value}").format(value=fmt_value(t.previous, t.unit, **money))]
            interval = fmt_interval(t.low, t.high, t.unit, **money)
            if interval:
                lines.append(interval)
            lines.append(_("n = {n}").format(n=formats.decimal(t.n)))
            st.caption(" · ".join(lines))
            if verdict:
                st.caption(_("Change: {verdict}").format(verdict=verdict_text(t)))
            if t.detail:
                st.caption(plain(t.detail))
            if not t.enough:
                st.warning(_("Only {n} observations: too few to read this figure with confidence.").format(n=t.n))
        for warning in t.warnings:
            st.warning(plain(warning))
        if link and t.area in AREA_PAGES:
            try:
                st.page_link(AREA_PAGES[t.area], label=_("Open {area} →").format(area=_(AREAS[t.area])))
            except StreamlitAPIException:  # the page is not registered in this navigation
                pass


def tile_grid(tiles: list[Tile], *, columns: int = 4, **options: bool) -> None:
    """Tiles in rows of ``columns`` (options as for ``tile``)."""
    for start in range(0, len(tiles), columns):
        for column, t in zip(st.columns(columns), tiles[start:start + columns]):
            with column:
                tile(t, **options)


def empty_state(message: str) -> None:
    """A friendly note in place of charts when a selection has no data."""
    st.info(message)


def missing_data(gap: coverage.Gap, *, key: str = "") -> None:
    """In place of a figure whose data was never imported: which file is missing, a link to the
    Data page and the file's empty template (built on click)."""
    with st.container(border=True):
        st.info(gap.message())
        left, right = st.columns(2)
        try:
            left.page_link("pages/data.py", label=_("Import the {file} file on the Data page →").format(
                file=gap.file_label))
        except StreamlitAPIException:  # the page is not registered in this navigation
            pass
        if gap.entity:
            right.download_button(
                _("Empty {file} template (CSV)").format(file=gap.file_label), lambda entity=gap.entity: data_service.template_csv(entity),
                file_name=f"{gap.entity}_template.csv", mime="text/csv",
                key=f"missing_template_{key or gap.figure}",
            )


def _show_period(first, last) -> None:
    st.session_state[filters.KEY_PRESET] = "Custom"
    st.session_state[filters.KEY_RANGE] = (first, last)


def data_elsewhere(gap: coverage.Gap, *, as_of, key: str = "") -> None:
    """In place of a figure whose data lies outside the selected period: where it lies, and a
    button that sets the sidebar's custom period to that range (up to ``as_of``)."""
    st.info(gap.message())
    first, last = gap.first, min(gap.last, as_of)
    if first <= last:
        st.button(_("Show {first} – {last}").format(first=formats.date_long(first), last=formats.date_long(last)),
                  key=f"elsewhere_{key or gap.figure}",
                  on_click=_show_period, args=(first, last))


def data_gap(gap: coverage.Gap, *, as_of, key: str = "") -> None:
    """Say why a figure is not shown (``coverage.gap``): its file missing, the customers
    filtered out, or its data in another period."""
    if gap.kind == coverage.MISSING:
        missing_data(gap, key=key)
    elif gap.kind == coverage.ELSEWHERE:
        data_elsewhere(gap, as_of=as_of, key=key)
    else:
        empty_state(gap.message())


def left_out_caption(gone: tuple[coverage.LeftOut, ...]) -> None:
    """One caption naming the figures left out for lack of data, and why."""
    if gone:
        st.caption(_("Left out for lack of data: {figures}.").format(figures=" · ".join(g.text() for g in gone)))


def table(frame: pd.DataFrame, **options) -> None:
    """``st.dataframe`` without the frame's ``attrs``: pandas writes them into the Arrow metadata,
    where a NaN is invalid JSON and the table silently fails to draw in the browser."""
    clean = frame.copy(deep=False)
    clean.attrs = {}
    st.dataframe(clean, **options)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as a CSV file (UTF-8, no index)."""
    return frame.to_csv(index=False).encode("utf-8")


def capped_table(
    frame: pd.DataFrame,
    *,
    key: str,
    noun: str = "rows",
    total: int | None = None,
    every: Callable[[], pd.DataFrame] | None = None,
    rows: int = TABLE_ROWS,
    **options,
) -> None:
    """The first ``rows`` rows of ``frame``; when there are more, a caption with how many are shown
    of the ``total`` (default ``len(frame)``) and a button downloading all of them as CSV, built
    on click from ``every()`` (default: ``frame``). ``options`` go to ``st.dataframe``."""
    total = len(frame) if total is None else int(total)
    table(frame.head(rows), key=key, **options)
    if total > rows:
        left, right = st.columns([3, 1])
        left.caption(_("Showing the first {rows} of {total} {noun}; download them all to see the rest.").format(
            rows=formats.decimal(rows), total=formats.decimal(total), noun=noun))
        source = every or (lambda: frame)
        right.download_button(_("Download all {total} (CSV)").format(total=formats.decimal(total)), lambda: csv_bytes(source()), file_name=f"{key}.csv",
                              mime="text/csv", key=f"{key}_csv", on_click="ignore")


def pager(total: int, *, key: str, rows: int = TABLE_ROWS, reset_on: object = None) -> int:
    """Previous / next buttons over ``total`` rows shown ``rows`` at a time; returns the first
    row of the page shown (0-based). The page returns to the first when ``reset_on`` changes
    (e.g. the filters that made the rows)."""
    page_key, seen_key = f"{key}_page", f"{key}_seen"
    state = st.session_state
    if state.get(seen_key) != reset_on:
        state[page_key] = 0
        state[seen_key] = reset_on
    pages = max(1, -(-total // rows))
    page = min(max(int(state.get(page_key, 0)), 0), pages - 1)
    if pages > 1:
        back, where, ahead = st.columns([1, 3, 1])
        if back.button(_("← Previous"), key=f"{key}_previous", disabled=page == 0):
            page -= 1
        if ahead.button(_("Next →"), key=f"{key}_next", disabled=page >= pages - 1):
            page += 1
        where.caption(_("Page {page} of {pages} · rows {first}–{last} of {total}").format(
            page=formats.decimal(page + 1), pages=formats.decimal(pages), first=formats.decimal(page * rows + 1),
            last=formats.decimal(min(total, (page + 1) * rows)), total=formats.decimal(total)))
    state[page_key] = page
    return page * rows


def find_and_pick(
    label: str,
    options: Mapping[int, str],
    *,
    key: str,
    find_key: str,
    limit: int = PICK_OPTIONS,
    hint: str | None = None,
) -> int | None:
    """A search box and a select box of the ``options`` (id -> label) whose label contains what is
    typed (case-insensitive), at most ``limit`` of them: the list sent to the browser never grows
    with the company. Without a search the first ``limit`` options are listed. The choice stays
    while it is still among the matches; returns the chosen id (None when nothing matches)."""
    hint = hint or _("a name or a number")
    typed = st.text_input(_("Find ({hint})").format(hint=hint), key=find_key, placeholder=hint).strip().lower()
    ids = [i for i, text in options.items() if typed in text.lower()] if typed else list(options)
    shown = ids[:limit]
    chosen = st.session_state.get(key)
    if chosen in options and chosen not in shown and (not typed or chosen in ids):
        shown = [chosen, *shown[:limit - 1]]  # keep the current choice listed
    if st.session_state.get(key) not in shown:
        st.session_state.pop(key, None)
    if len(ids) > len(shown):
        st.caption(_("{matches} match; the first {shown} are listed. Type more to narrow them.").format(
            matches=formats.decimal(len(ids)), shown=formats.decimal(len(shown))))
    if not shown:
        st.caption(_("Nothing matches; try another name or number."))
        return None
    return st.selectbox(label, shown, format_func=lambda i: options[i], key=key)
