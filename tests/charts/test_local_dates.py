"""Charts in the reader's language: separators and month names (charts.house_style, local_dates)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from cs_metrics.charts import house_style
from cs_metrics.i18n import using


def _monthly(n: int) -> go.Figure:
    days = pd.date_range("2024-01-31", periods=n, freq="ME")
    return go.Figure(go.Scatter(x=days, y=list(range(n)), hovertemplate="%{x|%b %Y}: %{y}<extra></extra>"))


def test_an_italian_date_axis_names_its_months_in_italian():
    with using("it"):
        fig = house_style(_monthly(12))
    # Twelve months fit twelve ticks: one per month start, January 2024 to December 2024, named as
    # CLDR's Italian abbreviations ("gen", "feb", ... "dic"; Babel's it_IT "MMM y").
    assert fig.layout.xaxis.ticktext == ("gen 2024", "feb 2024", "mar 2024", "apr 2024", "mag 2024", "giu 2024",
                                         "lug 2024", "ago 2024", "set 2024", "ott 2024", "nov 2024", "dic 2024")
    assert fig.layout.xaxis.tickvals[0] == "2024-01-01"
    assert fig.data[0].hovertemplate == "%{x|%m/%Y}: %{y}<extra></extra>"
    assert fig.layout.separators == ",."  # decimal comma, thousands point


def test_a_long_axis_thins_its_ticks_and_english_is_left_to_plotly():
    with using("it"):
        fig = house_style(_monthly(30))
    # 30 months (Jan 2024 - Jun 2026): every 3 months gives ceil(30 / 3) = 10 ticks, the first step that
    # keeps at most 12.
    assert fig.layout.xaxis.ticktext[:3] == ("gen 2024", "apr 2024", "lug 2024")
    assert len(fig.layout.xaxis.ticktext) == 10
    english = house_style(_monthly(12))
    assert english.layout.xaxis.ticktext is None and english.layout.separators == ".,"
    assert english.data[0].hovertemplate.startswith("%{x|%b %Y}")


def test_a_category_axis_is_left_alone():
    with using("it"):
        fig = house_style(go.Figure(go.Bar(x=["North", "2024 plan"], y=[1, 2])))
        dated = house_style(go.Figure(go.Bar(x=[dt.date(2026, 3, 1)], y=[1])))
    assert fig.layout.xaxis.ticktext is None
    assert dated.layout.xaxis.ticktext == ("mar 2026",)
