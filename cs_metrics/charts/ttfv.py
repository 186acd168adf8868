"""Figures and display tables for time to first value (the Onboarding page and exports).

Data in, ``go.Figure`` or a display ``DataFrame`` out; every number comes from ``cs_metrics.ttfv``.
Display tables hold text formatted for reading; they never feed a calculation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from cs_metrics.charts import PALETTE, chart_text, house_style
from cs_metrics.formatting import fmt_value
from cs_metrics.i18n import N_, _, formats
from cs_metrics.ttfv import MIN_GROUP_N, NOT_SET

#: Above this many groups the interval bands are left out: they would hide the curves.
MAX_BANDS = 4
GREY = "#999999"
#: The groups of the early-churn chart (``ttfv.early_churn_by_timeliness``), as shown.
TIMELINESS = {"on time": N_("on time"), "late": N_("late")}


def _group_name(group: object, *, alone: bool = False) -> str:
    """A group's name as shown: the curve of every customer ("all") and customers without a value
    ("(not set)") in the reader's language, a data value as plain text."""
    if group == NOT_SET:
        return _(NOT_SET)
    if alone and group == "all":
        return _("all")
    return chart_text(str(group))


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def survival_figure(
    curve: pd.DataFrame,
    *,
    marks: pd.DataFrame | None = None,
    targets: Mapping[str, float] | None = None,
    title: str | None = None,
    bands: bool | None = None,
) -> go.Figure:
    """Kaplan-Meier step curves of the share still onboarding, with interval bands and targets.

    Parameters
    ----------
    curve
        ``cs_metrics.ttfv.survival_curve`` output.
    marks
        ``cs_metrics.ttfv.curve_at`` output: points drawn on the curves (e.g. days 30/60/90).
    targets
        Label -> target days, drawn as dashed vertical lines (labels sharing a day share a line).
    bands
        Draw the pointwise 95% bands; by default only with at most ``MAX_BANDS`` groups.
    """
    fig = go.Figure()
    groups = list(dict.fromkeys(curve["group"]))
    show_bands = len(groups) <= MAX_BANDS if bands is None else bands
    for i, group in enumerate(groups):
        part = curve[curve["group"] == group]
        colour = PALETTE[i % len(PALETTE)]
        name = _group_name(group, alone=len(groups) == 1)
        if show_bands:
            fig.add_trace(go.Scatter(x=part["days"], y=part["high"], mode="lines", line={"width": 0, "shape": "hv"},
                                     hoverinfo="skip", showlegend=False, legendgroup=name))
            fig.add_trace(go.Scatter(x=part["days"], y=part["low"], mode="lines", line={"width": 0, "shape": "hv"},
                                     fill="tonexty", fillcolor=_rgba(colour, 0.15), hoverinfo="skip",
                                     showlegend=False, legendgroup=name, name=_("{group} 95% band").format(group=name)))
        fig.add_trace(go.Scatter(
            x=part["days"], y=part["still_onboarding"], mode="lines", name=name, legendgroup=name,
            line={"color": colour, "width": 2, "shape": "hv"},
            customdata=part[["at_risk", "low", "high"]].to_numpy(),
            hovertemplate=("<b>" + name + "</b><br>"
                           + _("day %{x:.0f}: %{y:.0%} still onboarding<br>95% CI %{customdata[1]:.0%}–"
                               "%{customdata[2]:.0%} · %{customdata[0]:.0f} at risk") + "<extra></extra>"),
        ))
        if marks is not None and len(marks):
            pts = marks[marks["group"] == group]
            fig.add_trace(go.Scatter(
                x=pts["days"], y=pts["still_onboarding"], mode="markers", legendgroup=name, showlegend=False,
                marker={"color": colour, "size": 8, "symbol": "circle", "line": {"color": "white", "width": 1}},
                hovertemplate="<b>" + name + "</b><br>" + _("by day %{x:.0f}: %{y:.0%} still onboarding")
                + "<extra></extra>",
            ))
    by_day: dict[float, list[str]] = {}
    for label, days in (targets or {}).items():
        by_day.setdefault(float(days), []).append(_group_name(label))
    for i, (days, labels) in enumerate(sorted(by_day.items())):
        fig.add_vline(x=days, line={"dash": "dash", "color": "#555555", "width": 1})
        # Labels step down the chart so that close targets do not print over each other.
        fig.add_annotation(x=days, y=0.98 - 0.08 * i, xref="x", yref="paper", showarrow=False, xanchor="left",
                           text=_("target {days} d: {groups}").format(days=f"{days:.0f}", groups=", ".join(labels)),
                           font={"size": 11, "color": "#333333"},
                           bgcolor="rgba(255,255,255,0.85)")
    fig.update_layout(
        xaxis={"title": _("Days since signing"), "rangemode": "tozero"},
        yaxis={"title": _("Share still onboarding"), "tickformat": ".0%", "range": [0, 1.05]},
        hovermode="closest",
    )
    return house_style(fig, title=title, height=420)


def cohort_trend_figure(trend: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Median TTFV by signing cohort with 95% intervals; cohorts too small or too recent in grey.

    ``trend`` is ``cs_metrics.ttfv.cohort_trend`` output. An upper limit beyond the follow-up
    (``inf``) is drawn as an open-ended bar reaching the top of the chart.
    """
    fig = go.Figure()
    finite_high = trend["median_high"].replace(math.inf, float("nan"))
    top = float(pd.concat([finite_high, trend["median"]]).max(skipna=True) or 0) * 1.15 or 60.0
    beyond = _("beyond the follow-up")
    for enough, colour, name in ((True, PALETTE[0], _("median (95% CI)")), (False, GREY, _("too uncertain to read"))):
        part = trend[(trend["enough"] == enough) & trend["median"].notna()]
        if part.empty:
            continue
        high = part["median_high"].where(part["median_high"].map(math.isfinite), top)
        fig.add_trace(go.Scatter(
            x=part["group"].map(chart_text), y=part["median"], mode="markers", name=name,
            marker={"color": colour, "size": 9},
            error_y={"type": "data", "symmetric": False, "array": (high - part["median"]).clip(lower=0),
                     "arrayminus": (part["median"] - part["median_low"]).clip(lower=0), "color": colour},
            customdata=list(zip(part["n"], part["censored"], part["median_low"],
                                [f"{h:.0f}" if math.isfinite(h) else beyond for h in part["median_high"]])),
            hovertemplate=_("%{x}: median %{y:.0f} days<br>95% CI %{customdata[2]:.0f} to %{customdata[3]}"
                            "<br>n = %{customdata[0]}, %{customdata[1]} still censored") + "<extra></extra>",
        ))
    pending = trend[trend["median"].isna()]
    if len(pending):
        fig.add_trace(go.Scatter(
            x=pending["group"].map(chart_text), y=[0] * len(pending), mode="markers+text",
            name=_("median not reached yet"), marker={"color": GREY, "symbol": "x", "size": 8},
            text=[_("not yet")] * len(pending), textposition="top center",
            hovertemplate=_("%{x}: fewer than half reached first value yet") + "<extra></extra>",
        ))
    fig.update_layout(xaxis={"title": _("Signing quarter"), "type": "category"},
                      yaxis={"title": _("Median days to first value"), "rangemode": "tozero"})
    return house_style(fig, title=title, height=340)


def early_churn_figure(table: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Share lost within 90 days of signing, on time against late, with 95% Wilson intervals."""
    colours = {"on time": PALETTE[2], "late": PALETTE[3]}
    labels = [_("{group} (n = {n})").format(group=_(TIMELINESS[g]) if g in TIMELINESS else chart_text(g),
                                            n=formats.decimal(n)) for g, n in zip(table["group"], table["n"])]
    fig = go.Figure(go.Bar(
        x=labels, y=table["share"],
        marker_color=[colours.get(g, PALETTE[0]) for g in table["group"]],
        error_y={"type": "data", "symmetric": False, "array": (table["high"] - table["share"]).fillna(0),
                 "arrayminus": (table["share"] - table["low"]).fillna(0), "color": "#333333"},
        text=[formats.percent(s, 1) if n else _("no customers") for s, n in zip(table["share"], table["n"])],
        textposition="inside", insidetextanchor="start",
        hovertemplate=_("%{x}: %{y:.1%} churned within 90 days") + "<extra></extra>",
    ))
    fig.update_layout(xaxis={"title": _("First value reached")}, yaxis={"title": _("Churned within 90 days"),
                                                                      "tickformat": ".0%", "rangemode": "tozero"})
    return house_style(fig, title=title, height=300)


# --- display tables ------------------------------------------------------------------------------


def _days(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _("not reached")
    if math.isinf(value):
        return _("not reached")
    return f"{value:.0f}"


def summary_table(summary: pd.DataFrame, *, group_label: str | None = None, min_n: int = MIN_GROUP_N) -> pd.DataFrame:
    """``cs_metrics.ttfv.ttfv_summary`` as a table to read: one row per group, figures as text, the
    headers in the reader's language (``group_label``: the first column's, "Group" by default)."""
    within = [c for c in summary.columns if c.startswith("within_")]
    rows = []
    for r in summary.to_dict("records"):
        row = {
            group_label or _("Group"): _group_name(r["group"]) if r["group"] == NOT_SET else str(r["group"]),
            _("Customers"): int(r["n"]),
            _("Reached first value"): int(r["reached"]),
            _("Not yet at first value (censored)"): int(r["censored"]),
            _("Median days"): _days(r["median"]),
            _("95% CI"): (f"{_days(r['median_low'])}–{_days(r['median_high'])}"
                          if not math.isnan(r["median_low"]) else "–"),
            _("75% reached by day"): _days(r["p75"]),
            _("90% reached by day"): _days(r["p90"]),
        }
        for c in within:
            row[_("Within {days} days").format(days=c.split("_", 1)[1])] = fmt_value(r[c], "share")
        row[_("Note")] = _("too few to read (under {n})").format(n=min_n) if r["n"] < min_n else ""
        rows.append(row)
    return pd.DataFrame(rows)


def stalled_table(stalled: pd.DataFrame) -> pd.DataFrame:
    """``cs_metrics.ttfv.stalled_onboardings`` as a table to read (names kept as plain text)."""
    out = pd.DataFrame({
        _("Customer"): stalled.get("name", stalled["customer_id"]).astype(str),
        _("Segment"): stalled.get("segment", pd.Series("", index=stalled.index)),
        _("Owner"): stalled.get("owner", pd.Series("", index=stalled.index)).fillna(_("(none)")),
        _("ARR"): stalled.get("arr", pd.Series(float("nan"), index=stalled.index)),
        _("Signed on"): pd.to_datetime(stalled["signed_on"]).dt.date if "signed_on" in stalled else None,
        _("Days waiting"): stalled["days"].astype(int),
        _("Target (days)"): stalled["target_days"].astype(int),
        _("Days over target"): stalled["days_over_target"].astype(int),
        _("Last milestone"): stalled.get("last_milestone", pd.Series("", index=stalled.index)).fillna(_("none yet")),
        _("Reached on"): (pd.to_datetime(stalled["last_milestone_on"]).dt.date
                          if "last_milestone_on" in stalled else None),
    })
    return out.reset_index(drop=True)


def problems_table(problems: pd.DataFrame) -> pd.DataFrame:
    """``cs_metrics.ttfv.problem_report`` as a table to read."""
    return pd.DataFrame({
        _("Customer"): [str(n) if isinstance(n, str) and n else f"#{c}" for c, n in
                        zip(problems["customer_id"], problems["name"])],
        _("Problem"): problems["problem"].astype(str),
        _("Detail"): problems["detail"].astype(str),
    })
