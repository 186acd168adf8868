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

import datetime as dt
import re
from typing import TypeVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from cs_metrics.i18n import formats, language

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
    return local_dates(fig)


#: Month ticks a date axis shows at most.
MAX_MONTH_TICKS = 12


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _dates(values) -> list[dt.date]:
    """The days of an x array of dates (dates, timestamps, datetime64 or ISO strings); [] otherwise."""
    items = list(values) if values is not None else []
    if not items:
        return []
    head = items[0]
    if not (isinstance(head, dt.date | pd.Timestamp | np.datetime64) or (isinstance(head, str) and _ISO_DAY.match(head))):
        return []
    found = pd.to_datetime(pd.Series(items), errors="coerce", format="mixed" if isinstance(head, str) else None).dropna()
    return [d.date() for d in found]


def local_dates(fig: go.Figure) -> go.Figure:
    """Month names in the reader's language on the figure's date x axes.

    Plotly.js writes month names ("%b") in English unless a locale of its own is loaded in the
    browser. Outside English, a date axis gets explicit ticks at month starts (at most
    ``MAX_MONTH_TICKS``, every 1, 2, 3, 6 or 12 months) labelled the reader's way ("nov 2026"),
    and hover texts write a month as "11/2026" instead of an English name. English figures are
    left as Plotly draws them.
    """
    if language() == "en":
        return fig
    days = [d for trace in fig.data if getattr(trace, "xaxis", "x") in (None, "x") for d in _dates(getattr(trace, "x", None))]
    if not days or fig.layout.xaxis.type not in (None, "date"):
        return fig
    first, last = min(days).replace(day=1), max(days)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next((k for k in (1, 2, 3, 6, 12) if -(-months // k) <= MAX_MONTH_TICKS), 12 * (-(-months // 144)))
    ticks = []
    day = first
    while day <= last:
        ticks.append(day)
        total = day.month - 1 + step
        day = dt.date(day.year + total // 12, total % 12 + 1, 1)
    fig.update_xaxes(tickvals=[d.isoformat() for d in ticks], ticktext=[formats.month(d) for d in ticks])
    for trace in fig.data:
        template = getattr(trace, "hovertemplate", None)
        if isinstance(template, str) and "%{x|%b %Y}" in template:
            trace.hovertemplate = template.replace("%{x|%b %Y}", "%{x|%m/%Y}")
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
