"""Plotly figure builders in one house style: data in, ``go.Figure`` out.

Shared by the pages and the board-pack exports. This module holds the house style and the charts
used across pages; each area adds its figure builders in a submodule (``charts.nps``, ...). Colours come from the Okabe-Ito palette, which
stays distinguishable with the common forms of colour blindness; bands are also labelled in text.

Plotly draws every text of a figure (titles, axis and tick labels, legend entries, hover labels,
annotations, text on bars) as a small subset of HTML, so a name taken from the company's data
(a team, segment, owner, reason, ...) goes through ``chart_text`` before it reaches a figure:
a ``<a href=...>`` in a team's name is then shown as typed, never drawn as a link.
"""

from __future__ import annotations

from typing import TypeVar

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from cs_metrics.i18n import formats

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

T = TypeVar("T")

_MARKUP = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def chart_text(value: T) -> T:
    """``value`` made safe to show in a Plotly figure: in a string, ``&``, ``<`` and ``>`` become
    the entities ``&amp;``, ``&lt;`` and ``&gt;``; any other value (a number, a date, NaN) is
    returned as it is, so that an axis keeps its type.

    Plotly.js reads the texts it draws as a subset of HTML (``<a href>``, ``<b>``, ``<br>``,
    ``<span style>``, ``<sub>``, ...). Its ``buildSVGText`` (``src/lib/svg_text_utils.js``) first
    splits a text at its tags and only then turns the entities of the pieces between tags back
    into characters (``convertEntities``), writing them as plain text nodes; so an escaped name
    is drawn exactly as typed and none of it becomes a tag. Decoding entities before splitting
    was plotly/plotly.js issue #2927 ("Some HTML entities are double-decoded", 2018), since
    fixed; the plotly.js bundled with the ``plotly`` package (v4) splits first. A name without
    ``&``, ``<`` or ``>`` is left unchanged.

    Used on every name that comes from data: category values on axes, trace names, hover texts
    and the ``customdata`` a hover template shows, annotations. The ``title`` a caller passes to a
    figure builder is the caller's text and is drawn as given; a caller writing a name into it
    escapes the name with this function.

    Example
    -------
    >>> chart_text('<a href="http://x.test">R&D</a>')
    '&lt;a href="http://x.test"&gt;R&amp;D&lt;/a&gt;'
    >>> chart_text("North"), chart_text(3.5)
    ('North', 3.5)
    """
    return value.translate(_MARKUP) if isinstance(value, str) else value


def house_style(fig: go.Figure, *, title: str | None = None, height: int = 320) -> go.Figure:
    """Apply the common layout: white template, palette, compact margins, legend on top (below the
    title, which keeps a line of its own at the top of the figure), and the reader's decimal and
    thousands separators."""
    fig.update_layout(
        colorway=list(PALETTE),
        separators=formats.separators(),
        font={"family": FONT, "size": 13},
        title={"text": title, "x": 0, "xanchor": "left", "y": 0.98, "yanchor": "top", "yref": "container"}
        if title else None,
        height=height,
        margin={"l": 10, "r": 10, "t": 70 if title else 20, "b": 10},
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
                name=chart_text(str(row.band).capitalize()),
                y=["Customers", "ARR"],
                x=shares,
                orientation="h",
                marker_color=BAND_COLOURS.get(str(row.band), PALETTE[0]),
                text=[f"{chart_text(str(row.band))} {s:.0%}" if pd.notna(s) else "" for s in shares],
                textposition="inside",
                customdata=[[int(row.n)], [getattr(row, "weight", float("nan"))]],
                hovertemplate="%{y}: %{x:.1%}<extra>" + chart_text(str(row.band)) + "</extra>",
            )
        )
    fig.update_layout(barmode="stack", xaxis={"tickformat": ".0%", "range": [0, 1]})
    return house_style(fig, title=title, height=220)
