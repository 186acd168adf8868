"""Small page components shared by the pages."""

from __future__ import annotations

import streamlit as st

from cs_metrics.formatting import fmt_change, fmt_interval, fmt_value
from cs_metrics.overview import Tile
from cs_metrics.storage import db
from ui import loaders


def demo_banner() -> None:
    """Say so, on every page, when the data is the generated demo company."""
    meta = loaders.load(db.dataset_meta)
    if meta.get("dataset") == "demo":
        st.info(
            "You are looking at **demo data**: a generated company "
            f"({meta.get('demo_customers', '?')} customers, data up to {meta.get('demo_as_of', '?')}). "
            "Import your own data or clear the demo on the Data page.",
        )
        st.page_link("pages/data.py", label="Go to the Data page →")


def tile(t: Tile) -> None:
    """One KPI tile: value, interval and n, change against the previous period."""
    with st.container(border=True):
        if t.n == 0 or (isinstance(t.value, float) and t.value != t.value):
            st.metric(t.label, "–", help=t.definition)
            st.caption("No data for this selection.")
            return
        # The difference is shown in grey: it is called a change only where a test says so.
        delta = fmt_change(t.change, t.unit) if t.previous == t.previous else None
        st.metric(t.label, fmt_value(t.value, t.unit), delta=delta, delta_color="off", help=t.definition)
        lines = [f"previous period: {fmt_value(t.previous, t.unit)}"]
        interval = fmt_interval(t.low, t.high, t.unit)
        if interval:
            lines.append(interval)
        lines.append(f"n = {t.n:,}")
        st.caption(" · ".join(lines))
        if t.detail:
            st.caption(t.detail)
        if not t.enough:
            st.warning(f"Only {t.n} observations: too few to read this figure with confidence.")


def empty_state(message: str) -> None:
    """A friendly note in place of charts when a selection has no data."""
    st.info(message)
