"""Figures of the Meetings page: customer share by department and meeting type, its trend, and
decisions by their effect on the customer. Inputs are ``cs_metrics.meetings.customer_share``
frames; groups below the minimum number of meetings (``MIN_MEETINGS``) are drawn as "too few to
read" in every figure."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from cs_metrics import vocab
from cs_metrics.charts import PALETTE, chart_text, house_style
from cs_metrics.i18n import _, formats, pgettext
from cs_metrics.meetings import BASELINE_SHARE, MIN_MEETINGS

IMPACT_COLOURS: dict[str, str] = {"favours": "#009E73", "neutral": "#999999", "worsens": "#D55E00"}
#: The meeting types as the heatmap's columns name them, in English (``type_label``: in the reader's language).
TYPE_LABELS: dict[str, str] = {t: t.capitalize() for t in vocab.MEETING_TYPES}


def type_name(meeting_type: str) -> str:
    """A meeting type (``vocab.MEETING_TYPES``, stored in English) as the reader reads it in a
    sentence or a list: "board" / "CdA"; a type the vocabulary does not know keeps its name."""
    names = {"board": pgettext("meeting type", "board"), "executive": pgettext("meeting type", "executive"),
             "department": pgettext("meeting type", "department"), "project": pgettext("meeting type", "project"),
             "other": pgettext("meeting type", "other")}
    return names.get(meeting_type, meeting_type)


def type_label(meeting_type: str) -> str:
    """A meeting type as a heading or an axis names it: "Board" / "CdA"."""
    labels = {"board": pgettext("meeting type", "Board"), "executive": pgettext("meeting type", "Executive"),
              "department": pgettext("meeting type", "Department"), "project": pgettext("meeting type", "Project"),
              "other": pgettext("meeting type", "Other")}
    return labels.get(meeting_type, meeting_type)


def relevance_name(relevance: str) -> str:
    """An agenda item's customer relevance (``vocab.AGENDA_RELEVANCE``) in the reader's words."""
    names = {"none": pgettext("customer relevance", "none"), "indirect": pgettext("customer relevance", "indirect"),
             "direct": pgettext("customer relevance", "direct")}
    return names.get(relevance, relevance)


def impact_name(impact: str) -> str:
    """A decision's effect on customers (``vocab.CX_IMPACTS``) in the reader's words: "favours"."""
    names = {"favours": pgettext("effect on customers", "favours"),
             "neutral": pgettext("effect on customers", "neutral"),
             "worsens": pgettext("effect on customers", "worsens")}
    return names.get(impact, impact)


def impact_label(impact: str) -> str:
    """A decision's effect on customers as a legend names it: "Favours"."""
    labels = {"favours": pgettext("effect on customers", "Favours"),
              "neutral": pgettext("effect on customers", "Neutral"),
              "worsens": pgettext("effect on customers", "Worsens")}
    return labels.get(impact, impact.capitalize())


def _month(day: object) -> str:
    return formats.month(day) if isinstance(day, dt.date) else chart_text(str(day))


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
            mtype = chart_text(type_name(mtype_key))
            if (dept_key, mtype_key) not in index.index:
                z_row.append(None)
                t_row.append("")
                h_row.append(_("{department} · {type}: no meetings").format(department=dept, type=mtype))
                continue
            row = index.loc[(dept_key, mtype_key)]
            n = int(row["meetings"])
            share = row["time_share"]
            if not bool(row["enough"]):
                z_row.append(None)
                t_row.append(_("too few<br>n={n}").format(n=n))
                h_row.append(_("{department} · {type}: only {n} meeting(s), fewer than {min}: too few to read").format(
                    department=dept, type=mtype, n=n, min=MIN_MEETINGS))
            elif pd.isna(share):
                z_row.append(None)
                t_row.append(_("no minutes<br>n={n}").format(n=n))
                h_row.append(_("{department} · {type}: {n} meetings, no agenda minutes recorded").format(
                    department=dept, type=mtype, n=n))
            else:
                z_row.append(float(share))
                t_row.append(f"{formats.percent(share, 0)}<br>n={n}")
                h_row.append(_("{department} · {type}: {share} of agenda time about customers ({n} meetings)").format(
                    department=dept, type=mtype, share=formats.percent(share, 1), n=n))
        z.append(z_row)
        text.append(t_row)
        hover.append(h_row)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[chart_text(type_label(t)) for t in types],
            y=[chart_text(d) for d in departments],
            text=text,
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale="Blues",
            zmin=0,
            zmax=max([v for row in z for v in row if v is not None] + [0.25]),
            colorbar={"title": _("Customer<br>share"), "tickformat": ".0%"},
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
    few = " · " + _("too few to read")
    groups = [g for g in vocab.DEPARTMENTS if g in set(trend[by])] + sorted(set(trend[by]) - set(vocab.DEPARTMENTS))
    for pos, group in enumerate(groups):
        part = trend[trend[by] == group].sort_values(time)
        colour = PALETTE[pos % len(PALETTE)]
        name = chart_text(type_name(str(group)) if by == "meeting_type" else str(group))
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
                text=[_month(x) for x in part[time]],
                customdata=list(zip(part["meetings"], ["" if e else few for e in part["enough"]])),
                hovertemplate=name + "<br>" + _("%{text}: %{y:.1%} (n=%{customdata[0]} meetings%{customdata[1]})")
                + "<extra></extra>",
            )
        )
    fig.add_hline(
        y=BASELINE_SHARE,
        line={"dash": "dash", "color": "#555555"},
        annotation_text=_("{share} baseline").format(share=formats.percent(BASELINE_SHARE, 0)),
        annotation_position="bottom right",
    )
    fig.update_layout(yaxis={"tickformat": ".0%", "rangemode": "tozero", "title": _("Agenda time about customers")})
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
    few = " · " + _("fewer than {min} meetings: too few to read").format(min=MIN_MEETINGS)
    for impact in vocab.CX_IMPACTS:
        per_meeting = rows[impact] / rows["meetings"]
        fig.add_trace(
            go.Bar(
                y=rows[by].map(chart_text),
                x=per_meeting,
                name=impact_label(impact),
                orientation="h",
                marker={
                    "color": IMPACT_COLOURS[impact],
                    "opacity": [1.0 if e else TOO_FEW_OPACITY for e in enough],
                    "pattern": {"shape": ["" if e else "/" for e in enough]},
                },
                customdata=list(zip(rows[impact], rows["meetings"])),
                hovertext=["" if e else few for e in enough],
                hovertemplate=_("%{y}: %{x:.2f} per meeting (%{customdata[0]} decisions, %{customdata[1]} meetings)")
                + "%{hovertext}<extra>" + impact_name(impact) + "</extra>",
            )
        )
    fig.update_layout(barmode="stack", xaxis={"title": _("Decisions per meeting")})
    return house_style(fig, title=title, height=max(240, 34 * len(rows) + 110))
