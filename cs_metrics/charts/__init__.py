"""Plotly figure builders in one house style: data in, ``go.Figure`` out.

Shared by the pages and the board-pack exports. This module holds the house style and the charts
used across pages; each area adds its figure builders in a submodule (``charts.nps``, ...). Colours come from the Okabe-Ito palette, which
stays distinguishable with the common forms of colour blindness; bands are also labelled in text.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

#: Okabe & Ito (2008) colour-blind-safe palette.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow
    "#000000",
)
BAND_COLOURS: dict[str, str] = {"red": "#D55E00", "yellow": "#E69F00", "green": "#009E73"}
NPS_COLOURS: dict[str, str] = {"detractor": "#D55E00", "passive": "#999999", "promoter": "#009E73"}
FONT = "Source Sans Pro, Helvetica, Arial, sans-serif"

# The house template is Plotly's white one, made the process's default when this module is first
# imported: Plotly validates a template it is given figure by figure (some 40 ms each, a quarter
# of a second on a page of six charts), while the default is validated once.
pio.templates.default = "plotly_white"


def house_style(fig: go.Figure, *, title: str | None = None, height: int = 320) -> go.Figure:
    """Apply the common layout: white template, palette, compact margins, legend on top."""
    fig.update_layout(
        colorway=list(PALETTE),
        font={"family": FONT, "size": 13},
        title={"text": title, "x": 0, "xanchor": "left"} if title else None,
        height=height,
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    return fig


def band_shares_bar(bands: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Stacked horizontal bars: share of customers and of ARR in each health band.

    ``bands`` is ``cs_metrics.health.band_shares(..., weight="arr")``: columns ``band``, ``n``,
    ``share``, ``weight``, ``weight_share``.
    """
    fig = go.Figure()
    for row in bands.itertuples():
        shares = [row.share, getattr(row, "weight_share", float("nan"))]
        fig.add_trace(
            go.Bar(
                name=str(row.band).capitalize(),
                y=["Customers", "ARR"],
                x=shares,
                orientation="h",
                marker_color=BAND_COLOURS.get(str(row.band), PALETTE[0]),
                text=[f"{row.band} {s:.0%}" if pd.notna(s) else "" for s in shares],
                textposition="inside",
                customdata=[[int(row.n)], [getattr(row, "weight", float("nan"))]],
                hovertemplate="%{y}: %{x:.1%}<extra>" + str(row.band) + "</extra>",
            )
        )
    fig.update_layout(barmode="stack", xaxis={"tickformat": ".0%", "range": [0, 1]})
    return house_style(fig, title=title, height=220)
