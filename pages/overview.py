"""Overview: the customer posture on one screen, for the selected period and customers."""

import streamlit as st

from cs_metrics import charts, overview
from ui import components, filters, loaders

selection = filters.current()
st.title("Overview")
st.caption(
    f"{selection.period.label()} against the previous {selection.period.days} days · "
    f"{selection.customers.describe()}"
)
if selection.problem:
    st.warning(selection.problem)

tiles = loaders.load(
    overview.overview_tiles, period=selection.period, flt=selection.customers, as_of=selection.as_of
)
if all(t.n == 0 for t in tiles):
    components.empty_state("No customers match these filters. Widen the segment, region or owner selection.")
    st.stop()

for row in (tiles[:3], tiles[3:]):
    for column, tile in zip(st.columns(3), row):
        with column:
            components.tile(tile)

health = next(t for t in tiles if t.key == "health_green")
st.subheader("Customers and ARR by health band")
if health.n:
    st.plotly_chart(charts.band_shares_bar(health.extra["bands"]), width="stretch")
    st.caption(f"{health.detail}. Health model version {health.extra['model_version']}.")
else:
    components.empty_state("No health signals for these customers in the period.")
