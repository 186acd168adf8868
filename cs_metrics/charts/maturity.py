"""Maturity figures: team profile radar, company heatmap, spread by role, claimed vs evidenced,
rounds over time. Data in (results of ``cs_metrics.maturity``), ``go.Figure`` out.

Labels (dimensions, stages) are passed in, so the same builders draw English or Italian texts;
the figures' own words (trace names, hover texts) and numbers are in the reader's language
(``cs_metrics.i18n``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cs_metrics.charts import PALETTE, chart_text, house_style
from cs_metrics.i18n import N_, _, formats
from cs_metrics.maturity import DIMENSIONS, ROLES, STAGE_STEPS
from cs_metrics.maturity.instrument import stage_text

#: Nine steps from stage 1 to 5: a light-to-dark blue scale (ordinal, readable without hue).
STEP_COLOURS: tuple[str, ...] = (
    "#c6dbef", "#a9cce3", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b", "#041f45",
)
ROLE_LABELS: dict[str, str] = {"executive": N_("Executives"), "manager": N_("Managers"),
                               "individual_contributor": N_("Individual contributors")}


def _stage_axis(stage_labels: Sequence[str]) -> dict:
    return {"tickvals": [1, 2, 3, 4, 5],
            "ticktext": [f"{i} {chart_text(label)}" for i, label in enumerate(stage_labels, 1)]}


def _dimension(dimension_labels: Mapping[str, str], dimension: str) -> str:
    """The dimension's label as a figure shows it (``chart_text``)."""
    return chart_text(dimension_labels.get(dimension, dimension))


def profile_radar(
    profile: pd.DataFrame,
    *,
    dimension_labels: Mapping[str, str],
    stage_labels: Sequence[str],
    title: str | None = None,
) -> go.Figure:
    """Radar of the current median against the target and the previous round, per dimension.

    ``profile`` is ``cs_metrics.maturity.team_profile(...)``: columns ``dimension``, ``median``,
    ``target``, ``previous``. Suppressed or missing values leave a gap in the outline.
    """
    theta = [_dimension(dimension_labels, d) for d in profile["dimension"]]
    fig = go.Figure()
    for column, name, colour, dash in (
        ("previous", _("Previous round"), "#999999", "dot"),
        ("target", _("Target"), PALETTE[1], "dash"),
        ("median", _("Current (median)"), PALETTE[0], "solid"),
    ):
        values = profile[column].astype(float).tolist()
        if all(np.isnan(values)):
            continue
        fig.add_trace(
            go.Scatterpolar(
                r=values + values[:1], theta=theta + theta[:1], name=name, mode="lines+markers",
                line={"color": colour, "dash": dash}, fill="toself" if column == "median" else None,
                opacity=0.9, hovertemplate="%{theta}: %{r:g}<extra>" + name + "</extra>",
            )
        )
    fig.update_layout(
        polar={
            "radialaxis": {"range": [0, 5], "tickvals": [1, 2, 3, 4, 5], "angle": 45, "tickangle": 45,
                           "tickfont": {"size": 10}},
            "angularaxis": {"rotation": 90, "direction": "clockwise"},
            "domain": {"y": [0.04, 0.9]},
        },
    )
    fig = house_style(fig, title=title, height=440)
    fig.update_layout(margin={"l": 40, "r": 40, "t": 70, "b": 40})
    fig.add_annotation(
        text=" · ".join(f"{i} {chart_text(label)}" for i, label in enumerate(stage_labels, 1)), showarrow=False,
        xref="paper", yref="paper", x=0, y=-0.06, xanchor="left", font={"size": 11, "color": "#555555"},
    )
    return fig


def heatmap(
    aggregates: pd.DataFrame,
    *,
    dimension_labels: Mapping[str, str],
    title: str | None = None,
) -> go.Figure:
    """Teams × dimensions, coloured by median stage.

    ``aggregates`` is ``aggregate(answers, by=("team", "dimension"))``. A suppressed cell is blank
    with "hidden (n=…)"; a low-consensus cell (IQR ≥ 1 stage) carries "◆" after its median.
    """
    teams = list(dict.fromkeys(aggregates["team"]))
    dims = [d for d in DIMENSIONS if d in set(aggregates["dimension"])]
    indexed = aggregates.set_index(["team", "dimension"])
    z, text, hover = [], [], []
    for team in teams:
        z_row, t_row, h_row = [], [], []
        for dim in dims:
            if (team, dim) not in indexed.index:
                z_row.append(None)
                t_row.append("")
                h_row.append(_("no answers"))
                continue
            row = indexed.loc[(team, dim)]
            if bool(row["suppressed"]):
                z_row.append(None)
                t_row.append(_("hidden (n={n})").format(n=int(row["n"])))
                h_row.append(_("fewer respondents than the privacy threshold (n={n})").format(n=int(row["n"])))
                continue
            low = row["consensus"] is not pd.NA and not bool(row["consensus"])
            z_row.append(float(row["median"]))
            t_row.append(stage_text(row["median"]) + (" ◆" if low else ""))
            spread = _("median {median} · IQR {iqr} · range {low}–{high} · n={n}").format(
                median=stage_text(row["median"]), iqr=stage_text(row["iqr"]), low=stage_text(row["min"]),
                high=stage_text(row["max"]), n=int(row["n"]))
            h_row.append(spread + (" · " + _("low consensus") if low else ""))
        z.append(z_row)
        text.append(t_row)
        hover.append(h_row)
    fig = go.Figure(
        go.Heatmap(
            z=z, x=[_dimension(dimension_labels, d) for d in dims], y=[chart_text(t) for t in teams],
            text=text, customdata=hover, texttemplate="%{text}", zmin=1, zmax=5, colorscale=[[i / 8, c] for i, c in enumerate(STEP_COLOURS)],
            colorbar={"title": {"text": _("stage")}, "tickvals": [1, 2, 3, 4, 5]},
            hovertemplate="%{y} · %{x}<br>%{customdata}<extra></extra>", xgap=2, ygap=2,
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top")
    return house_style(fig, title=title, height=max(260, 60 + 34 * len(teams)))


def spread_by_role(
    distribution: pd.DataFrame,
    *,
    stage_label: callable,
    title: str | None = None,
) -> go.Figure:
    """Stacked horizontal bars: the share of each role's answers at each stage (one dimension).

    ``distribution`` is ``stage_distribution(answers, by=("role",))`` for one dimension;
    ``stage_label(stage)`` names a step.
    """
    roles = [r for r in ROLES if r in set(distribution["role"])]
    fig = go.Figure()
    for step, colour in zip(STAGE_STEPS, STEP_COLOURS, strict=True):
        part = distribution[distribution["stage"] == step].set_index("role").reindex(roles)
        fig.add_trace(
            go.Bar(
                name=stage_text(step), y=[_(ROLE_LABELS[r]) if r in ROLE_LABELS else r for r in roles],
                x=part["share"].fillna(0).tolist(),
                orientation="h", marker_color=colour, customdata=part["n"].fillna(0).astype(int).tolist(),
                hovertemplate=_("{role}: {share} ({n} answers)").format(role="%{y}", share="%{x:.0%}", n="%{customdata}")
                + f"<extra>{stage_text(step)} · {chart_text(stage_label(step))}</extra>",
            )
        )
    fig.update_layout(barmode="stack", xaxis={"tickformat": ".0%", "range": [0, 1]},
                      legend={"title": {"text": _("stage")}, "traceorder": "normal"})
    return house_style(fig, title=title, height=110 + 50 * max(len(roles), 1))


def claimed_vs_evidenced(
    frame: pd.DataFrame,
    *,
    dimension_labels: Mapping[str, str],
    stage_labels: Sequence[str],
    title: str | None = None,
) -> go.Figure:
    """Dot plot per dimension: median of all answers (claimed), of those with evidence, without.

    ``frame`` is ``cs_metrics.maturity.claimed_vs_evidenced(answers)``.
    """
    y = [_dimension(dimension_labels, d) for d in frame["dimension"]]
    fig = go.Figure()
    # The claimed stage is a large, light diamond behind the two smaller markers, so that equal
    # values stay visible.
    for column, count, name, colour, symbol, size in (
        ("claimed", "n", _("All answers (claimed)"), "rgba(0, 114, 178, 0.35)", "diamond", 22),
        ("unevidenced", "n_unevidenced", _("Without evidence"), PALETTE[3], "circle-open", 11),
        ("evidenced", "n_evidenced", _("With evidence"), PALETTE[2], "circle", 9),
    ):
        fig.add_trace(
            go.Scatter(
                x=frame[column], y=y, name=name, mode="markers", customdata=frame[count],
                marker={"color": colour, "size": size, "symbol": symbol, "line": {"width": 2, "color": colour}},
                hovertemplate="%{y}: %{x:g} (n=%{customdata})<extra>" + name + "</extra>",
            )
        )
    fig.update_xaxes(range=[0.8, 5.2], **_stage_axis(stage_labels))
    fig.update_yaxes(autorange="reversed")
    return house_style(fig, title=title, height=300)


def trend_lines(
    trends: pd.DataFrame,
    *,
    dimension_labels: Mapping[str, str],
    stage_labels: Sequence[str],
    title: str | None = None,
) -> go.Figure:
    """One small panel per dimension: the median across rounds, the interquartile range as a band.

    ``trends`` is ``cs_metrics.maturity.round_trends(answers)``; suppressed rounds leave a gap.
    """
    dims = [d for d in DIMENSIONS if d in set(trends["dimension"])] or list(DIMENSIONS)
    fig = make_subplots(rows=1, cols=len(dims), shared_yaxes=True, horizontal_spacing=0.05,
                        subplot_titles=[_dimension(dimension_labels, d) for d in dims])
    for i, dim in enumerate(dims, 1):
        part = trends[trends["dimension"] == dim]
        rounds = [formats.month(pd.Timestamp(d).date()) for d in part["round_opened_on"]]
        fig.add_trace(
            go.Scatter(x=rounds + rounds[::-1], y=part["q3"].tolist() + part["q1"].tolist()[::-1], fill="toself",
                       mode="lines", fillcolor="rgba(0, 114, 178, 0.15)", line={"width": 0}, hoverinfo="skip", showlegend=i == 1,
                       name=_("Interquartile range")),
            row=1, col=i,
        )
        fig.add_trace(
            go.Scatter(
                x=rounds, y=part["median"], name=_("Median"), mode="lines+markers", line={"color": PALETTE[0]},
                showlegend=i == 1,
                customdata=part[["q1", "q3", "n", "round"]].assign(round=part["round"].map(chart_text)).to_numpy(),
                hovertemplate=_("{round}: median {median} (IQR {q1}–{q3}, n={n})").format(
                    round="%{customdata[3]}", median="%{y:g}", q1="%{customdata[0]:g}", q3="%{customdata[1]:g}",
                    n="%{customdata[2]}")
                + "<extra>" + _dimension(dimension_labels, dim) + "</extra>",
            ),
            row=1, col=i,
        )
        fig.update_xaxes(type="category", row=1, col=i, tickangle=0, tickfont={"size": 9})
    fig.update_yaxes(range=[0.8, 5.2], **_stage_axis(stage_labels), row=1, col=1)
    fig.update_yaxes(range=[0.8, 5.2], tickvals=[1, 2, 3, 4, 5])
    fig = house_style(fig, title=title, height=340)
    fig.update_annotations(font={"size": 12})  # the panel titles
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0})
    return fig
