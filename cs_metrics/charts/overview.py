"""Overview and board-pack figures: sparklines, the trend of an area's tiles, the maturity profile.

Data in (``cs_metrics.tiles.Tile`` objects), ``go.Figure`` out, in the house style.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from cs_metrics.charts import PALETTE, chart_text, house_style
from cs_metrics.i18n import _, formats

#: Plotly tick formats per tile unit.
TICK_FORMATS: dict[str, str] = {"share": ".0%", "points": "+.0f", "days": ".0f", "count": ",.0f",
                                "currency": "~s", "stage": ".1f"}


def series_frame(series: Sequence[tuple]) -> pd.DataFrame:
    """A tile's sparkline series as a frame: ``end`` (Timestamp), ``value`` (float; NaN kept)."""
    return pd.DataFrame({"end": pd.to_datetime([s[0] for s in series]),
                         "value": [float(s[1]) if s[1] is not None else math.nan for s in series]})


def sparkline_values(series: Sequence[tuple]) -> list[float]:
    """The series' values without gaps, for ``st.metric(chart_data=...)``."""
    return [float(v) for _end, v in series if v is not None and not (isinstance(v, float) and math.isnan(v))]


def sparkline(series: Sequence[tuple], *, unit: str = "share", colour: str = PALETTE[0]) -> go.Figure:
    """A small line without axes: the shape of a tile's last months."""
    data = series_frame(series)
    fig = go.Figure(go.Scatter(x=data["end"], y=data["value"], mode="lines", line={"color": colour, "width": 2},
                               hovertemplate="%{x|%b %Y}: %{y:" + TICK_FORMATS.get(unit, ".2f") + "}<extra></extra>"))
    fig.update_layout(height=60, margin={"l": 0, "r": 0, "t": 0, "b": 0}, showlegend=False,
                      paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def area_trend(tiles: Sequence, *, title: str | None = None) -> go.Figure:
    """The sparkline series of an area's tiles drawn in full, one line per tile.

    Tiles of the first tile's unit share the left axis; others are left out (one unit per chart).
    """
    fig = go.Figure()
    unit = tiles[0].unit if tiles else "share"
    for i, tile in enumerate(t for t in tiles if t.unit == unit):
        data = series_frame(tile.series)
        label = chart_text(tile.label)
        fig.add_trace(go.Scatter(
            x=data["end"], y=data["value"], mode="lines+markers", name=label,
            line={"color": PALETTE[i % len(PALETTE)], "width": 2}, connectgaps=False,
            hovertemplate="%{x|%b %Y}: %{y:" + TICK_FORMATS.get(unit, ".2f") + "}<extra>" + label + "</extra>",
        ))
    fig.update_yaxes(tickformat=TICK_FORMATS.get(unit, ""), rangemode="tozero" if unit in ("share", "count") else "normal")
    fig.update_xaxes(title=None)
    return house_style(fig, title=title, height=320)


def maturity_bars(tiles: Sequence, *, title: str | None = None) -> go.Figure:
    """Median stage per dimension, this round against the previous one (grouped bars, 1-5 scale)."""
    names = [chart_text(t.label.split(": ", 1)[-1]) for t in tiles]
    fig = go.Figure()
    fig.add_trace(go.Bar(name=_("Previous round"), x=names, y=[t.previous for t in tiles], marker_color="#999999",
                         hovertemplate="%{x}: %{y:.1f}<extra>" + _("previous round") + "</extra>"))
    fig.add_trace(go.Bar(name=_("Latest round"), x=names, y=[t.value for t in tiles], marker_color=PALETTE[0],
                         text=[formats.decimal(t.value, 1) if t.value == t.value else "" for t in tiles],
                         textposition="outside",
                         hovertemplate="%{x}: %{y:.1f}<extra>" + _("latest round") + "</extra>"))
    fig.update_layout(barmode="group")
    fig.update_yaxes(range=[0, 5.5], tickvals=[1, 2, 3, 4, 5], title=_("median stage"))
    return house_style(fig, title=title, height=320)


def reference_lines(fig: go.Figure, lines: Sequence[tuple[str, float]]) -> go.Figure:
    """``fig`` with a dashed horizontal line per (label, value), labelled at its left end (the
    label is data-borne text: escaped). A grey dash, so the company's own lines keep the colours."""
    for label, value in lines:
        fig.add_hline(y=value, line={"dash": "dash", "color": "#6E6E6E", "width": 1.5},
                      annotation={"text": chart_text(label), "font": {"size": 11, "color": "#4D4D4D"}},
                      annotation_position="top left")
    return fig
