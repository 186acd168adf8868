"""Overview: the customer posture on one screen, for the selected period and customers."""

import streamlit as st
from streamlit.errors import StreamlitAPIException

from cs_metrics import charts, overview, summary
from cs_metrics.charts import overview as overview_charts
from ui import components, filters, loaders

#: The page each area's tiles link to (the sidebar filters travel with the session).
AREA_PAGES = {
    "nps": "pages/nps.py",
    "health": "pages/health.py",
    "onboarding": "pages/onboarding.py",
    "retention": "pages/churn.py",
    "maturity": "pages/maturity.py",
    "meetings": "pages/meetings.py",
}
COMPANY_WIDE = {"maturity", "meetings"}

selection = filters.current()
st.title("Overview")
st.caption(
    f"{selection.period.label()} against {selection.previous.label()} · {selection.customers.describe()}"
)
if selection.problem:
    st.warning(selection.problem)

tiles = loaders.load(
    overview.overview_tiles, period=selection.period, flt=selection.customers, as_of=selection.as_of
)
customer_tiles = [t for t in tiles if t.area not in COMPANY_WIDE]
if all(t.n == 0 for t in customer_tiles):
    components.empty_state("No customers match these filters. Widen the segment, region or owner selection.")
    st.stop()

# --- what changed -----------------------------------------------------------------------------------
found = loaders.load(summary.contradictions, period=selection.period, flt=selection.customers, as_of=selection.as_of)
with st.container(border=True):
    head, choice = st.columns([4, 1])
    head.subheader("What changed")
    language = choice.segmented_control(
        "Language", ["English", "Italiano"], default="English", key="overview_summary_language",
        label_visibility="collapsed",
    )
    text = summary.what_changed(tiles, found, language="it" if language == "Italiano" else "en")
    for sentence in text.sentences:
        st.text(sentence)
    st.caption(
        "Movements are named only when real: sampled figures when their test detects the change (95%), "
        "census figures when they moved by at least half a point or half a percent."
    )


def draw_tile(tile: overview.Tile) -> None:
    """One tile: value, change, sparkline, previous value, interval, n, the test's verdict, a link."""
    with st.container(border=True):
        st.caption(overview.AREAS[tile.area] + (" · company-wide" if tile.area in COMPANY_WIDE else ""))
        if not tile.has_value:
            st.metric(tile.label, "–", help=tile.definition)
            st.caption("No data for this selection.")
        else:
            delta = overview.display_change(tile.change, tile.unit) if tile.previous == tile.previous else None
            st.metric(
                tile.label, overview.display_value(tile.value, tile.unit), delta=delta, delta_color="off",
                help=tile.definition, chart_data=overview_charts.sparkline_values(tile.series) or None,
            )
            lines = [f"previous period: {overview.display_value(tile.previous, tile.unit)}"]
            interval = overview.display_interval(tile.low, tile.high, tile.unit)
            if interval:
                lines.append(interval)
            lines.append(f"n = {tile.n:,}")
            st.caption(" · ".join(lines))
            st.caption(f"Change: {overview.verdict_text(tile)}")
            if tile.detail:
                st.caption(tile.detail)
            if not tile.enough:
                st.warning(f"Only {tile.n} observations: too few to read this figure with confidence.")
        if tile.area in AREA_PAGES:
            try:
                st.page_link(AREA_PAGES[tile.area], label=f"Open {overview.AREAS[tile.area]} →")
            except StreamlitAPIException:  # the page is not part of this installation
                pass


st.caption(
    "Sparklines: the same figure at each of the last 12 month ends, over a window as long as the period. "
    "Maturity and meeting figures are company-wide: the customer filters do not apply to them."
)
for start in range(0, len(tiles), 4):
    for column, tile in zip(st.columns(4), tiles[start:start + 4]):
        with column:
            draw_tile(tile)

health = next((t for t in tiles if t.key == "health_green"), None)
if health is not None:
    st.subheader("Customers and ARR by health band")
    if health.n:
        st.plotly_chart(charts.band_shares_bar(health.extra["bands"]), width="stretch")
        st.caption(f"{health.detail}. Health model as active on the Health page.")
    else:
        components.empty_state("No health signals for these customers in the period.")
