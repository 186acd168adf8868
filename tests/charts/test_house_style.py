"""The house style reaches every figure as it is sent to the browser or drawn for the board pack."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio

from cs_metrics.charts import PALETTE, house_style
from cs_metrics.charts.overview import sparkline


def _sent(fig: go.Figure) -> dict:
    return json.loads(pio.to_json(fig, validate=False))  # as st.plotly_chart serialises it


def test_house_style_figures_carry_the_white_template_palette_and_title():
    fig = house_style(go.Figure(go.Bar(x=["a"], y=[1])), title="Churn by reason", height=300)
    layout = _sent(fig)["layout"]
    # plotly_white's plot background is "white" (plotly/package_data/templates/plotly_white.json)
    assert layout["template"]["layout"]["plot_bgcolor"] == "white"
    assert layout["colorway"] == list(PALETTE)
    assert (layout["title"]["text"], layout["height"]) == ("Churn by reason", 300)


def test_sparklines_carry_the_white_template_too():
    fig = sparkline([("2026-01-31", 0.5), ("2026-02-28", 0.6)])
    assert _sent(fig)["layout"]["template"]["layout"]["plot_bgcolor"] == "white"
