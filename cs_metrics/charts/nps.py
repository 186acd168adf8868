"""NPS figures: trend with its interval band, dot-and-whisker breakdown, 0-10 distribution, the words
and themes that set detractors apart from promoters. Data in, ``go.Figure`` out, house style."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cs_metrics.charts import NPS_COLOURS, PALETTE, chart_text, house_style
from cs_metrics.i18n import N_, _

UNCERTAIN = "#BBBBBB"


def _hover_rows(frame: pd.DataFrame) -> list[list]:
    return [[int(r.n), r.low, r.high, int(r.detractors), int(r.passives), int(r.promoters)] for r in frame.itertuples()]


#: Plotly's hover text of a point of the trend (its ``%{...}`` are Plotly's, filled in the browser).
_HOVER = N_(
    "NPS %{y:+.1f}<br>95% CI %{customdata[1]:+.1f} to %{customdata[2]:+.1f}<br>n = %{customdata[0]}"
    " (%{customdata[5]} promoters, %{customdata[4]} passives, %{customdata[3]} detractors)"
)
#: The answer groups of the score distribution, in the legend: "detractors (12)".
_GROUP_NAMES = {"detractor": N_("detractors ({n})"), "passive": N_("passives ({n})"),
                "promoter": N_("promoters ({n})")}
#: The themes chart's bars per group, and their hover text.
_THEME_BARS = {
    "promoter": (N_("promoters' comments"), N_("%{y}: %{x:.0%} of promoters' comments (%{customdata})")),
    "detractor": (N_("detractors' comments"), N_("%{y}: %{x:.0%} of detractors' comments (%{customdata})")),
}


def trend_chart(
    trend: pd.DataFrame, *, title: str | None = None, min_n: int = 30, current_start: pd.Timestamp | None = None
) -> go.Figure:
    """NPS per period with its interval as a band; periods under ``min_n`` drawn hollow and grey.

    ``trend`` is ``cs_metrics.nps.nps_trend``: ``period``, ``n``, counts, ``nps``, ``low``,
    ``high``, ``enough``. ``current_start`` shades the selected period from that date on.
    """
    fig = go.Figure()
    x = pd.to_datetime(trend["period"])
    fig.add_trace(go.Scatter(x=x, y=trend["high"], mode="lines", line={"width": 0}, hoverinfo="skip", showlegend=False))
    fig.add_trace(
        go.Scatter(
            x=x, y=trend["low"], mode="lines", line={"width": 0}, fill="tonexty", fillcolor="rgba(0,114,178,0.18)",
            name=_("95% interval"), hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(x=x, y=trend["nps"], mode="lines", line={"color": PALETTE[0], "width": 2}, connectgaps=False,
                   hoverinfo="skip", showlegend=False)
    )
    for enough, name, marker in (
        (True, _("NPS"), {"color": PALETTE[0], "size": 9}),
        (False, _("NPS, fewer than {n} answers: too uncertain").format(n=min_n),
         {"color": "white", "size": 9, "line": {"color": UNCERTAIN, "width": 2}}),
    ):
        part = trend[trend["enough"] == enough]
        fig.add_trace(
            go.Scatter(x=pd.to_datetime(part["period"]), y=part["nps"], mode="markers", marker=marker, name=name,
                       customdata=_hover_rows(part), hovertemplate=_(_HOVER) + "<extra></extra>")
        )
    if current_start is not None and len(trend):
        fig.add_vrect(x0=pd.Timestamp(current_start), x1=x.max() + pd.Timedelta(days=20),
                      fillcolor="rgba(0,0,0,0.04)", line_width=0, annotation_text=_("selected period"),
                      annotation_position="top left")
    fig.add_hline(y=0, line={"color": "#999999", "width": 1, "dash": "dot"})
    fig.update_yaxes(title=_("NPS (points)"), range=[-100, 100], zeroline=False)
    fig.update_xaxes(title=None)
    return house_style(fig, title=title, height=340)


def breakdown_chart(table: pd.DataFrame, *, by: str, title: str | None = None, min_n: int = 30) -> go.Figure:
    """Dot-and-whisker chart: one row per group, sorted by NPS, whiskers = 95% interval.

    Groups with fewer than ``min_n`` answers are drawn hollow and grey, labelled with their n.
    """
    data = table.sort_values("nps", ascending=True, na_position="first").reset_index(drop=True)
    labels = [_("{group}  (n = {n})").format(group=chart_text(getattr(r, by)), n=int(r.n)) for r in data.itertuples()]
    fig = go.Figure()
    for enough, name, colour, marker in (
        (True, _("NPS with 95% interval"), PALETTE[0], {"color": PALETTE[0], "size": 10}),
        (False, _("fewer than {n} answers: too uncertain").format(n=min_n), UNCERTAIN,
         {"color": "white", "size": 10, "line": {"color": UNCERTAIN, "width": 2}}),
    ):
        mask = (data["n"] >= min_n) == enough
        part = data[mask]
        fig.add_trace(
            go.Scatter(
                x=part["nps"], y=[labels[i] for i in part.index], mode="markers", marker=marker, name=name,
                error_x={"type": "data", "symmetric": False, "array": part["high"] - part["nps"],
                         "arrayminus": part["nps"] - part["low"], "color": colour, "thickness": 2, "width": 4},
                customdata=_hover_rows(part),
                hovertemplate=_("%{y}<br>NPS %{x:+.1f}<br>95% CI %{customdata[1]:+.1f} to %{customdata[2]:+.1f}")
                + "<extra></extra>",
            )
        )
    fig.add_vline(x=0, line={"color": "#999999", "width": 1, "dash": "dot"})
    fig.update_xaxes(title=_("NPS (points)"), range=[-100, 100])
    fig.update_yaxes(categoryorder="array", categoryarray=labels, title=None)
    return house_style(fig, title=title, height=max(220, 60 + 34 * len(data)))


def distribution_chart(distribution: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Bars of answers per score 0-10, coloured by group (detractor, passive, promoter)."""
    fig = go.Figure()
    for group in ("detractor", "passive", "promoter"):
        part = distribution[distribution["group"] == group]
        fig.add_trace(
            go.Bar(x=part["score"], y=part["n"], name=_(_GROUP_NAMES[group]).format(n=int(part["n"].sum())),
                   marker_color=NPS_COLOURS[group], customdata=part["share"],
                   hovertemplate=_("score %{x}: %{y} answers (%{customdata:.1%})") + "<extra></extra>")
        )
    fig.update_xaxes(title=_("Likelihood to recommend (0-10)"), tickmode="linear", dtick=1, range=[-0.6, 10.6])
    fig.update_yaxes(title=_("Answers"))
    fig.update_layout(bargap=0.15)
    return house_style(fig, title=title, height=300)


def words_chart(words: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Horizontal bars of weighted log-odds z per word: right = detractors' words, left = promoters'."""
    data = words.sort_values("z")
    shown = [chart_text(w) for w in data["word"]]
    fig = go.Figure(
        go.Bar(
            x=data["z"], y=shown, orientation="h",
            marker_color=[NPS_COLOURS["detractor"] if z > 0 else NPS_COLOURS["promoter"] for z in data["z"]],
            customdata=data[["detractors", "promoters"]].to_numpy(),
            hovertemplate=_("%{y}: z = %{x:.2f}<br>used %{customdata[0]:.0f} times by detractors, "
                            "%{customdata[1]:.0f} by promoters") + "<extra></extra>",
        )
    )
    fig.add_vline(x=0, line={"color": "#999999", "width": 1})
    fig.update_xaxes(title=_("← promoters' words · z · detractors' words →"))
    fig.update_yaxes(title=None, categoryorder="array", categoryarray=shown)
    return house_style(fig, title=title, height=max(240, 50 + 20 * len(data)))


def themes_chart(themes: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Share of detractors' and of promoters' comments that mention each theme."""
    data = themes.sort_values("z", ascending=True)
    fig = go.Figure()
    for group, column in (("promoter", "promoter_share"), ("detractor", "detractor_share")):
        counts = data[f"{group}s"]
        name, hover = _THEME_BARS[group]
        fig.add_trace(
            go.Bar(
                y=data["label"].map(chart_text), x=data[column], orientation="h", name=_(name),
                marker_color=NPS_COLOURS[group], customdata=counts,
                hovertemplate=_(hover) + "<extra></extra>",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title=_("Share of comments mentioning the theme"), tickformat=".0%")
    fig.update_yaxes(title=None)
    return house_style(fig, title=title, height=max(260, 60 + 40 * len(data)))
