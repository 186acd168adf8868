"""Health figures: score distribution, band shares, movement, one customer's explanation, back-test.

Each builder takes the tidy frames of ``cs_metrics.health`` and returns a ``go.Figure`` in the
house style. Bands always carry their name in text as well as colour.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from cs_metrics.charts import BAND_COLOURS, PALETTE, chart_text, house_style
from cs_metrics.formatting import fmt_value
from cs_metrics.health.model import band_label
from cs_metrics.health.movement import TRANSITION_FROM, TRANSITION_TO
from cs_metrics.i18n import N_, _, formats
from cs_metrics.vocab import DEFAULT_CURRENCY
from cs_metrics.vocab import HEALTH_BANDS as BANDS

_NEUTRAL = "#999999"
#: The rows and columns of the band movement matrix (English; translated where drawn).
FROM_LABELS: dict[str, str] = {"red": N_("from red"), "yellow": N_("from yellow"), "green": N_("from green"),
                               "unscored": N_("from unscored")}
TO_LABELS: dict[str, str] = {"red": N_("to red"), "yellow": N_("to yellow"), "green": N_("to green"),
                             "unscored": N_("to unscored"), "churned": N_("to churned")}


def _g(value: float) -> str:
    """A threshold as ``{:g}`` writes it, with the reader's decimal separator."""
    text = f"{value:g}"
    return text.replace(".", ",") if formats.italian() else text


def _threshold_lines(fig: go.Figure, thresholds: tuple[float, float], *, axis: str = "x") -> None:
    for value in thresholds:
        if axis == "x":
            fig.add_vline(x=value, line_dash="dot", line_color=_NEUTRAL, annotation_text=_g(value))
        else:
            fig.add_hline(y=value, line_dash="dot", line_color=_NEUTRAL, annotation_text=_g(value))


def score_histogram(bins: pd.DataFrame, *, thresholds: tuple[float, float] = (50, 75), title: str | None = None) -> go.Figure:
    """Bars of pre-binned counts (``health.score_histogram``), coloured and stacked by band."""
    fig = go.Figure()
    for name in BANDS:
        part = bins[bins["band"] == name]
        fig.add_trace(
            go.Bar(
                name=band_label(name),
                x=((part["bin_start"] + part["bin_end"]) / 2).tolist(),
                y=part["n"].tolist(),
                width=(part["bin_end"] - part["bin_start"]).tolist(),
                marker_color=BAND_COLOURS[name],
                customdata=part[["bin_start", "bin_end"]].to_numpy().tolist(),
                hovertemplate=_("score {low}-{high}: {n} customers").format(
                    low="%{customdata[0]:g}", high="%{customdata[1]:g}", n="%{y}")
                + "<extra>" + band_label(name).lower() + "</extra>",
            )
        )
    _threshold_lines(fig, thresholds)
    fig.update_layout(barmode="stack", bargap=0.05, xaxis={"title": _("Health score"), "range": [0, 100]},
                      yaxis={"title": _("Customers")})
    house_style(fig, title=title)
    fig.update_layout(legend={"traceorder": "normal"})
    return fig


def band_shares_by(shares: pd.DataFrame, by: str, *, title: str | None = None) -> go.Figure:
    """Horizontal 100% bars of band shares per group (``health.band_shares_by``), n in the label."""
    fig = go.Figure()
    groups = list(dict.fromkeys(shares[by].astype(str)))
    totals = shares.drop_duplicates(by).set_index(shares.drop_duplicates(by)[by].astype(str))["scored"]
    labels = [f"{chart_text(g)} (n={int(totals[g])})" for g in groups]
    for name in BANDS:
        part = shares[shares["band"] == name].set_index(shares.loc[shares["band"] == name, by].astype(str)).reindex(groups)
        fig.add_trace(
            go.Bar(
                name=band_label(name), y=labels, x=part["share"].tolist(), orientation="h",
                marker_color=BAND_COLOURS[name], customdata=part["n"].fillna(0).astype(int).tolist(),
                text=[formats.percent(s, 0) if pd.notna(s) and s >= 0.06 else "" for s in part["share"]],
                textposition="inside",
                hovertemplate=_("{group}: {share} ({n} customers)").format(
                    group="%{y}", share="%{x:.1%}", n="%{customdata}")
                + "<extra>" + band_label(name).lower() + "</extra>",
            )
        )
    fig.update_layout(barmode="stack", xaxis={"tickformat": ".0%", "range": [0, 1]}, yaxis={"autorange": "reversed"})
    house_style(fig, title=title, height=max(220, 60 + 28 * len(groups)))
    fig.update_layout(legend={"traceorder": "normal"})
    return fig


def band_trend(trend: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Stacked area of band shares per month (``health.band_trend``)."""
    fig = go.Figure()
    for name in BANDS:
        part = trend[trend["band"] == name]
        fig.add_trace(
            go.Scatter(
                name=band_label(name), x=part["month"].tolist(), y=part["share"].tolist(), mode="lines",
                stackgroup="bands", line={"color": BAND_COLOURS[name]}, customdata=part["n"].tolist(),
                hovertemplate=_("{month}: {share} ({n} customers)").format(
                    month="%{x|%b %Y}", share="%{y:.1%}", n="%{customdata}")
                + "<extra>" + band_label(name).lower() + "</extra>",
            )
        )
    fig.update_layout(yaxis={"tickformat": ".0%", "range": [0, 1]}, xaxis={"dtick": "M1", "tickformat": "%b %Y"})
    return house_style(fig, title=title)


def transition_heatmap(
    counts: pd.DataFrame, arr: pd.DataFrame, *, currency: str = DEFAULT_CURRENCY, title: str | None = None
) -> go.Figure:
    """Matrix of band movement (``health.transition_matrix``): colour by count, text count and ARR
    (in ``currency``, an ISO 4217 code)."""
    rows = [b for b in TRANSITION_FROM if b in counts.index]
    cols = [b for b in TRANSITION_TO if b in counts.columns]
    counts = counts.reindex(index=rows, columns=cols, fill_value=0)
    arr = arr.reindex(index=rows, columns=cols, fill_value=0)
    text = [[f"{int(counts.loc[r, c])}<br>{fmt_value(float(arr.loc[r, c]), 'currency', currency=currency)}"
              if counts.loc[r, c] else "" for c in cols] for r in rows]
    fig = go.Figure(
        go.Heatmap(
            z=counts.to_numpy().tolist(), x=[_(TO_LABELS[c]) if c in TO_LABELS else f"to {c}" for c in cols],
            y=[_(FROM_LABELS[r]) if r in FROM_LABELS else f"from {r}" for r in rows],
            text=text, texttemplate="%{text}", colorscale=[[0, "#FFFFFF"], [1, PALETTE[0]]], showscale=False,
            hovertemplate=_("{from_band} {to_band}: {n} customers").format(
                from_band="%{y}", to_band="%{x}", n="%{z}") + "<extra></extra>",
        )
    )
    fig.update_layout(yaxis={"autorange": "reversed"})
    return house_style(fig, title=title, height=300)


def contribution_waterfall(explanation: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Waterfall of the points each present signal adds, ending at the score (``health.explain``)."""
    present = explanation[~explanation["missing"] & (explanation["share"] > 0)]
    score = explanation.attrs.get("score", math.nan)
    fig = go.Figure(
        go.Waterfall(
            orientation="v",
            x=[chart_text(label) for label in present["label"]] + [_("Score")],
            y=present["contribution"].tolist() + [0 if math.isnan(score) else score],
            measure=["relative"] * len(present) + ["total"],
            text=["+" + formats.decimal(c, 1) for c in present["contribution"]]
            + ([formats.decimal(score, 1)] if not math.isnan(score) else [""]),
            textposition="outside",
            increasing={"marker": {"color": PALETTE[0]}},
            totals={"marker": {"color": BAND_COLOURS.get(str(explanation.attrs.get("band")), _NEUTRAL)}},
            hovertemplate=_("{signal}: {points} points").format(signal="%{x}", points="%{y:.1f}") + "<extra></extra>",
        )
    )
    _threshold_lines(fig, explanation.attrs.get("thresholds", (50, 75)), axis="y")
    fig.update_layout(yaxis={"title": _("Points"), "range": [0, 105]}, xaxis={"tickangle": -30}, showlegend=False)
    house_style(fig, title=title, height=420)
    fig.update_layout(margin={"b": 90})
    return fig


def score_history(history: pd.DataFrame, *, thresholds: tuple[float, float] = (50, 75), title: str | None = None) -> go.Figure:
    """One customer's score by month, markers coloured by band."""
    fig = go.Figure(
        go.Scatter(
            x=history["month"].tolist(), y=history["score"].tolist(), mode="lines+markers",
            line={"color": _NEUTRAL},
            marker={"size": 10, "color": [BAND_COLOURS.get(str(b), _NEUTRAL) for b in history["band"]]},
            text=[chart_text(band_label(b).lower() if b in BANDS else b) for b in history["band"].astype(str)],
            hovertemplate="%{x|%b %Y}: %{y:.1f} (%{text})<extra></extra>",
        )
    )
    _threshold_lines(fig, thresholds, axis="y")
    fig.update_layout(yaxis={"title": _("Health score"), "range": [0, 100]}, xaxis={"dtick": "M1", "tickformat": "%b %Y"},
                      showlegend=False)
    return house_style(fig, title=title, height=280)


def churn_by_band(by_band: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Churn rate per band with its interval (``BacktestResult.by_band``)."""
    rate = by_band["rate"].fillna(0)
    fig = go.Figure(
        go.Bar(
            x=[band_label(b) for b in by_band["band"]], y=rate.tolist(),
            marker_color=[BAND_COLOURS[b] for b in by_band["band"]],
            error_y={"type": "data", "symmetric": False, "array": (by_band["high"] - rate).fillna(0).tolist(),
                     "arrayminus": (rate - by_band["low"]).fillna(0).tolist(), "color": "#333333"},
            customdata=by_band[["churned", "n"]].to_numpy().tolist(),
            text=[formats.percent(r, 1) if pd.notna(r) else "" for r in by_band["rate"]], textposition="outside",
            hovertemplate=_("{band}: {churned} of {n} churned ({rate})").format(
                band="%{x}", churned="%{customdata[0]}", n="%{customdata[1]}", rate="%{y:.1%}") + "<extra></extra>",
        )
    )
    fig.update_layout(yaxis={"tickformat": ".0%", "title": _("Churned within the horizon"), "rangemode": "tozero"})
    return house_style(fig, title=title)


def auc_by_month(frame: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """AUC per tested month with its interval, against the 0.5 line of a coin toss."""
    fig = go.Figure(
        go.Scatter(
            x=frame["month"].tolist(), y=frame["auc"].tolist(), mode="markers+lines", line={"color": PALETTE[0]},
            error_y={"type": "data", "symmetric": False, "array": (frame["high"] - frame["auc"]).tolist(),
                     "arrayminus": (frame["auc"] - frame["low"]).tolist()},
            customdata=frame[["churned", "n"]].to_numpy().tolist(),
            hovertemplate=_("{month}: AUC {auc} ({churned} churned of {n})").format(
                month="%{x|%b %Y}", auc="%{y:.2f}", churned="%{customdata[0]}", n="%{customdata[1]}")
            + "<extra></extra>",
        )
    )
    fig.add_hline(y=0.5, line_dash="dot", line_color=_NEUTRAL, annotation_text=_("no better than chance"))
    fig.update_layout(yaxis={"title": "AUC", "range": [0, 1]}, xaxis={"dtick": "M1", "tickformat": "%b %Y"})
    return house_style(fig, title=title, height=280)
