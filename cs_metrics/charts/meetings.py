"""Figures of the Meetings page: customer share by department and meeting type, its trend, and
decisions by their effect on the customer. Inputs are ``cs_metrics.meetings.customer_share``
frames; groups below the minimum number of meetings (``MIN_MEETINGS``) are drawn as "too few to
read" in every figure."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cs_metrics import vocab
from cs_metrics.charts import PALETTE, chart_text, house_style
from cs_metrics.meetings import BASELINE_SHARE, MIN_MEETINGS

IMPACT_COLOURS: dict[str, str] = {"favours": "#009E73", "neutral": "#999999", "worsens": "#D55E00"}
TYPE_LABELS: dict[str, str] = {t: t.capitalize() for t in vocab.MEETING_TYPES}
#: Opacity of the bars of groups with too few meetings to read.
TOO_FEW_OPACITY = 0.45


def share_heatmap(cells: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Department x meeting type heatmap of the customer share of agenda time.

    ``cells`` is ``customer_share(..., by=("department", "meeting_type"))``. Cells with fewer than
    ``MIN_MEETINGS`` meetings are left uncoloured and labelled "too few"; cells with enough
    meetings but no agenda minutes recorded are left uncoloured and say so; every cell shows n.
    """
    departments = [d for d in vocab.DEPARTMENTS if d in set(cells["department"])] + sorted(
        set(cells["department"]) - set(vocab.DEPARTMENTS)
    )
    types = [t for t in vocab.MEETING_TYPES if t in set(cells["meeting_type"])] + sorted(
        set(cells["meeting_type"]) - set(vocab.MEETING_TYPES)
    )
    index = cells.set_index(["department", "meeting_type"])
    z, text, hover = [], [], []
    for dept_key in departments:
        z_row, t_row, h_row = [], [], []
        dept = chart_text(dept_key)
        for mtype_key in types:
            mtype = chart_text(mtype_key)
            if (dept_key, mtype_key) not in index.index:
                z_row.append(None)
                t_row.append("")
                h_row.append(f"{dept} · {mtype}: no meetings")
                continue
            row = index.loc[(dept_key, mtype_key)]
            n = int(row["meetings"])
            share = row["time_share"]
            if not bool(row["enough"]):
                z_row.append(None)
                t_row.append(f"too few<br>n={n}")
                h_row.append(f"{dept} · {mtype}: only {n} meeting(s), fewer than {MIN_MEETINGS}: too few to read")
            elif pd.isna(share):
                z_row.append(None)
                t_row.append(f"no minutes<br>n={n}")
                h_row.append(f"{dept} · {mtype}: {n} meetings, no agenda minutes recorded")
            else:
                z_row.append(float(share))
                t_row.append(f"{share:.0%}<br>n={n}")
                h_row.append(f"{dept} · {mtype}: {share:.1%} of agenda time about customers ({n} meetings)")
        z.append(z_row)
        text.append(t_row)
        hover.append(h_row)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[chart_text(TYPE_LABELS.get(t, t)) for t in types],
            y=[chart_text(d) for d in departments],
            text=text,
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale="Blues",
            zmin=0,
            zmax=max([v for row in z for v in row if v is not None] + [0.25]),
            colorbar={"title": "Customer<br>share", "tickformat": ".0%"},
            xgap=2,
            ygap=2,
        )
    )
    fig.update_layout(yaxis={"autorange": "reversed"}, plot_bgcolor="#F2F2F2")
    return house_style(fig, title=title, height=max(260, 48 * len(departments) + 90))


def share_trend(
    trend: pd.DataFrame, *, time: str = "quarter", by: str = "department", title: str | None = None
) -> go.Figure:
    """Customer share of agenda time over time, one line per ``by`` group, with the 5% baseline.

    ``trend`` is ``customer_share(..., by=(by, time))``. Points of groups with fewer than
    ``MIN_MEETINGS`` meetings are hollow and their hover says they are too few to read.
    """
    fig = go.Figure()
    groups = [g for g in vocab.DEPARTMENTS if g in set(trend[by])] + sorted(set(trend[by]) - set(vocab.DEPARTMENTS))
    for pos, group in enumerate(groups):
        part = trend[trend[by] == group].sort_values(time)
        colour = PALETTE[pos % len(PALETTE)]
        name = chart_text(str(group))
        fig.add_trace(
            go.Scatter(
                x=part[time],
                y=part["time_share"],
                name=name,
                mode="lines+markers",
                line={"color": colour, "width": 2},
                marker={
                    "color": ["white" if not e else colour for e in part["enough"]],
                    "line": {"color": colour, "width": 2},
                    "size": 8,
                },
                customdata=list(zip(part["meetings"], ["" if e else " · too few to read" for e in part["enough"]])),
                hovertemplate=f"{name}<br>%{{x|%b %Y}}: %{{y:.1%}} (n=%{{customdata[0]}} meetings%{{customdata[1]}})<extra></extra>",
            )
        )
    fig.add_hline(
        y=BASELINE_SHARE,
        line={"dash": "dash", "color": "#555555"},
        annotation_text="5% baseline",
        annotation_position="bottom right",
    )
    fig.update_layout(yaxis={"tickformat": ".0%", "rangemode": "tozero", "title": "Agenda time about customers"})
    return house_style(fig, title=title, height=380)


def decisions_by_group(summary: pd.DataFrame, *, by: str = "department", title: str | None = None) -> go.Figure:
    """Decisions per meeting by their effect on the customer, one stacked bar per group.

    ``summary`` is ``customer_share(..., by=by)`` (columns ``favours``, ``neutral``, ``worsens``,
    ``meetings``, ``enough``). Worsening decisions are drawn like the others, never hidden. Bars
    of groups with fewer than ``MIN_MEETINGS`` meetings are hatched and faded, and their hover
    says they are too few to read.
    """
    fig = go.Figure()
    rows = summary.sort_values(by, ascending=False)
    enough = [bool(e) for e in rows["enough"]]
    for impact in vocab.CX_IMPACTS:
        per_meeting = rows[impact] / rows["meetings"]
        fig.add_trace(
            go.Bar(
                y=rows[by].map(chart_text),
                x=per_meeting,
                name=impact.capitalize(),
                orientation="h",
                marker={
                    "color": IMPACT_COLOURS[impact],
                    "opacity": [1.0 if e else TOO_FEW_OPACITY for e in enough],
                    "pattern": {"shape": ["" if e else "/" for e in enough]},
                },
                customdata=list(zip(rows[impact], rows["meetings"])),
                hovertext=["" if e else f" · fewer than {MIN_MEETINGS} meetings: too few to read" for e in enough],
                hovertemplate="%{y}: %{x:.2f} per meeting (%{customdata[0]} decisions, %{customdata[1]} meetings)"
                "%{hovertext}<extra>" + impact + "</extra>",
            )
        )
    fig.update_layout(barmode="stack", xaxis={"title": "Decisions per meeting"})
    return house_style(fig, title=title, height=max(240, 34 * len(rows) + 110))
