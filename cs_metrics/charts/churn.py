"""Figure builders of the Churn & retention page: Pareto of reasons, controllable split, reasons
over time, cohort heatmap and curve, renewal beside retention.

Reasons are labelled and coloured from the company's churn reasons (``reasons=``, the table of
``cs_metrics.churn.REASON_COLUMNS``; default a new company's), amounts written in its currency
(``currency=``, an ISO 4217 code). Every word a figure draws is in the reader's language
(``cs_metrics.i18n``), numbers written the reader's way."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cs_metrics import churn
from cs_metrics.charts import BAND_COLOURS, PALETTE, chart_text, house_style
from cs_metrics.formatting import currency_symbol, fmt_value
from cs_metrics.i18n import N_, _, formats, ngettext
from cs_metrics.retention import WEIGHTED_ROW
from cs_metrics.vocab import DEFAULT_CURRENCY

#: Colours: controllable reasons in blue, reasons outside the company's control in grey, reasons
#: whose controllability is not known in light grey.
CONTROLLABLE_COLOUR = PALETTE[0]
EVENT_COLOUR = "#999999"
UNKNOWN_COLOUR = "#DDDDDD"


class _Reasons:
    """Labels and colours of reason keys (or categories) in the company's reasons."""

    def __init__(self, reasons: pd.DataFrame | None, key: str) -> None:
        self.by_category = key == "category"
        self.lookup = churn.reason_lookup(reasons)
        self.flags = churn.category_flags(reasons) if self.by_category else {}

    def label(self, k: str) -> str:
        """The reason's (or category's) name as a figure shows it (``chart_text``)."""
        return chart_text(str(k).capitalize() if self.by_category else self.lookup.get(k, (k, None, None))[0])

    def controllable(self, k: str) -> bool | None:
        """False outside the company's control, None when known to be not known, else True
        (a reason or category the company's reasons do not list counts as one it could act on)."""
        if self.by_category:
            return self.flags.get(k, True)
        return self.lookup[k][2] if k in self.lookup else True

    def colour(self, k: str, other: str = CONTROLLABLE_COLOUR) -> str:
        flag = self.controllable(k)
        return EVENT_COLOUR if flag is False else UNKNOWN_COLOUR if flag is None else other


def _thousands(value: float, symbol: str) -> str:
    """An amount in thousands on a bar: "€12k" / "12 mila €"."""
    if formats.italian():
        return f"{formats.decimal(value / 1e3, 0)} mila {symbol.strip()}"
    return f"{symbol}{value / 1e3:,.0f}k"


def _money_hover(symbol: str) -> str:
    """The hover's amount with the currency symbol where the reader writes it."""
    return "%{y:,.0f} " + symbol.strip() if formats.italian() else symbol + "%{y:,.0f}"


def reason_pareto_chart(
    pareto: pd.DataFrame,
    *,
    measure: str = "count",
    reasons: pd.DataFrame | None = None,
    currency: str = DEFAULT_CURRENCY,
    title: str | None = None,
) -> go.Figure:
    """Bars per reason (or category) sorted descending, with the cumulative share as a line.

    ``pareto`` is ``cs_metrics.churn.reason_pareto``; ``measure`` is ``"count"`` or
    ``"arr_lost"`` (the frame should be sorted by the same measure; amounts in ``currency``).
    Labels come from the company's ``reasons``; reasons outside the company's control are grey,
    those known to be not known light grey, the rest (and keys the reasons do not list) blue.
    """
    key = "category" if "category" in pareto.columns else "reason"
    names = _Reasons(reasons, key)
    labels = [names.label(k) for k in pareto[key]]
    colours = [names.colour(k) for k in pareto[key]]
    values = pareto[measure].astype(float)
    is_money = measure != "count"
    symbol = currency_symbol(currency)
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=labels,
            y=values,
            marker_color=colours,
            name=_("ARR lost") if is_money else _("Customers"),
            text=[_thousands(v, symbol) if is_money else f"{v:.0f}" for v in values],
            textposition="outside",
            hovertemplate="%{x}<br>" + (_money_hover(symbol) if is_money else "%{y:,.0f}") + "<extra></extra>",
            showlegend=False,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=pareto["cumulative_share"],
            yaxis="y2",
            mode="lines+markers",
            name=_("Cumulative share"),
            line={"color": PALETTE[3]},
            hovertemplate="%{x}<br>" + _("cumulative {share}").format(share="%{y:.0%}") + "<extra></extra>",
        )
    )
    fig.update_layout(
        yaxis={"title": _("ARR lost ({symbol})").format(symbol=symbol.strip()) if is_money else _("Churned customers"),
               "rangemode": "tozero"},
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "range": [0, 1.05],
            "tickformat": ".0%",
            "showgrid": False,
            "tickvals": [0, 0.25, 0.5, 0.75, 1.0],
            "title": _("Cumulative share"),
        },
        xaxis={"tickangle": -30},
        showlegend=False,
    )
    return house_style(fig, title=title, height=420)


def controllable_chart(split: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Stacked horizontal bars: share of churned customers and of lost ARR by controllability.

    ``split`` is ``cs_metrics.churn.controllable_split`` (its groups, English, translated here).
    """
    colours = [CONTROLLABLE_COLOUR, EVENT_COLOUR, UNKNOWN_COLOUR]
    n_total, arr_total = split["count"].sum(), split["arr_lost"].sum()
    fig = go.Figure()
    for row, colour in zip(split.itertuples(), colours):
        shares = [
            row.count / n_total if n_total else np.nan,
            row.arr_lost / arr_total if arr_total else np.nan,
        ]
        group = chart_text(_(row.group))
        fig.add_trace(
            go.Bar(
                name=group,
                y=[_("Customers"), _("ARR lost")],
                x=shares,
                orientation="h",
                marker_color=colour,
                text=[formats.percent(s, 0) if pd.notna(s) and s > 0.03 else "" for s in shares],
                textposition="inside",
                hovertemplate="%{y}: %{x:.1%}<extra>" + group + "</extra>",
            )
        )
    house_style(fig, title=title, height=250)
    fig.update_layout(
        barmode="stack",
        xaxis={"tickformat": ".0%", "range": [0, 1]},
        legend={"orientation": "h", "y": -0.2, "yanchor": "top", "x": 0, "traceorder": "normal"},
    )
    return fig


def reasons_over_time_chart(
    by_quarter: pd.DataFrame, *, reasons: pd.DataFrame | None = None, title: str | None = None
) -> go.Figure:
    """Churned customers per quarter, stacked by reason (``cs_metrics.churn.reasons_by_quarter``),
    labelled from the company's ``reasons``; reasons outside its control grey, not known light grey."""
    key = "category" if "category" in by_quarter.columns else "reason"
    names = _Reasons(reasons, key)
    quarters = list(dict.fromkeys(by_quarter["quarter"]))
    order = by_quarter.groupby(key)["count"].sum().sort_values(ascending=False).index
    colours = list(PALETTE) + ["#882255", "#44AA99", "#999933", "#AA4499"]
    fig = go.Figure()
    for i, k in enumerate(order):
        part = by_quarter[by_quarter[key] == k].set_index("quarter")["count"].reindex(quarters, fill_value=0)
        fig.add_trace(
            go.Bar(
                name=names.label(k),
                x=quarters,
                y=part.to_numpy(),
                marker_color=names.colour(k, colours[i % len(colours)]),
                hovertemplate="%{x}: %{y}<extra>" + (names.label(k) if key == "reason" else chart_text(str(k)))
                + "</extra>",
            )
        )
    house_style(fig, title=title, height=440)
    fig.update_layout(
        barmode="stack",
        yaxis={"title": _("Churned customers")},
        legend={"orientation": "v", "x": 1.02, "y": 1, "yanchor": "top", "font": {"size": 11}},
        margin={"r": 10},
    )
    return fig


def cohort_heatmap(table: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Heatmap of ``cs_metrics.retention.cohort_table``: cohorts down, months since start across.

    The weighted-average row is left out (``retention_curve`` draws it).
    """
    body = table.drop(index=WEIGHTED_ROW, errors="ignore")
    sizes = table.attrs.get("size", {})
    z = body.to_numpy(dtype=float)
    # Percentages in the cells only while they fit; the hover shows them otherwise.
    show_text = z.shape[1] <= 18
    percent = np.array([[formats.percent(v, 0) for v in row] for row in np.nan_to_num(z)],
                       dtype=object).reshape(z.shape)
    text = np.where(np.isnan(z) | (not show_text), "", percent)
    y = [f"{c} (n={sizes.get(str(c), '?')})" for c in body.index]
    by_revenue = table.attrs.get("by") == "revenue"
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[str(c) for c in body.columns],
            y=y,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 10},
            colorscale="Blues",
            zmin=0.5,
            zmax=1.3 if by_revenue else 1.0,
            colorbar={"tickformat": ".0%", "title": {"text": _("retained")}},
            hovertemplate=_("cohort {cohort}<br>month {month}: {share}").format(
                cohort="%{y}", month="%{x}", share="%{z:.1%}") + "<extra></extra>",
            xgap=1,
            ygap=1,
        )
    )
    fig.update_layout(
        xaxis={"title": _("Months since the first month with revenue"), "side": "bottom"},
        yaxis={"autorange": "reversed"},
    )
    return house_style(fig, title=title, height=max(320, 26 * len(body) + 120))


def retention_curve(table: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """The weighted-average retention curve of a cohort table, month by month."""
    row = table.loc[WEIGHTED_ROW] if WEIGHTED_ROW in table.index else pd.Series(dtype=float)
    row = row.dropna()
    fig = go.Figure(
        go.Scatter(
            x=[int(c) for c in row.index],
            y=row.to_numpy(),
            mode="lines+markers",
            name=_("All cohorts (weighted)"),
            line={"color": PALETTE[0]},
            hovertemplate=_("month {month}: {share}").format(month="%{x}", share="%{y:.1%}") + "<extra></extra>",
        )
    )
    fig.add_hline(y=1.0, line={"color": "#999999", "dash": "dot", "width": 1})
    fig.update_layout(
        xaxis={"title": _("Months since the first month with revenue")},
        yaxis={"tickformat": ".0%", "title": _("Retained")},
    )
    return house_style(fig, title=title, height=300)


def renewal_vs_retention_chart(values: dict[str, float], *, title: str | None = None) -> go.Figure:
    """Side-by-side bars: renewal rates and retention figures of the same window (label -> share;
    the English labels of ``services.churn.RenewalVsRetention.shares``, translated here)."""
    labels = list(values)
    shares = [values[k] for k in labels]
    colours = [PALETTE[1] if k.startswith("Renewal") else PALETTE[0] for k in labels]
    fig = go.Figure(
        go.Bar(
            x=[chart_text(_(k)) for k in labels],
            y=shares,
            marker_color=colours,
            text=[formats.percent(s, 1) if pd.notna(s) else "–" for s in shares],
            textposition="outside",
            hovertemplate="%{x}: %{y:.1%}<extra></extra>",
        )
    )
    top = max([s for s in shares if pd.notna(s)] + [1.0])
    fig.update_layout(yaxis={"tickformat": ".0%", "range": [0, top * 1.15]}, showlegend=False)
    return house_style(fig, title=title, height=340)


#: Waterfall colours: starting and ending ARR in blue, steps raising it in bluish green, steps
#: lowering it in vermillion (Okabe-Ito, told apart with colour blindness; signs are written too).
BRIDGE_COLOURS: dict[str, str] = {"total": PALETTE[0], "increase": PALETTE[2], "decrease": PALETTE[3]}


def _signed_amount(amount: float, kind: str, currency: str) -> str:
    text = fmt_value(abs(amount), "currency", currency=currency)
    return text if kind == "total" else ("+" if amount >= 0 else "\u2212") + text


def arr_bridge_chart(
    steps: pd.DataFrame, *, currency: str = DEFAULT_CURRENCY, title: str | None = None
) -> go.Figure:
    """Waterfall of the ARR bridge: ``steps`` is ``cs_metrics.bridge.bridge_steps`` (``step``,
    ``amount``, ``kind`` and optionally ``customers``), amounts in ``currency``.

    The first total is drawn from zero (``absolute``), the steps between as changes
    (``relative``, their signed amounts) and the last total as the sum Plotly computes of all
    before it (``total``), which is the ending ARR when the bridge adds up.
    """
    kinds = steps["kind"].tolist()
    measure = ["absolute" if i == 0 and k == "total" else "total" if k == "total" else "relative"
               for i, k in enumerate(kinds)]
    amounts = steps["amount"].astype(float).tolist()
    labels = [_signed_amount(a, k, currency) for a, k in zip(amounts, kinds)]
    names = [chart_text(_(str(s))) for s in steps["step"]]  # the steps' English names (``bridge.STEPS``)
    if "customers" in steps.columns:
        hover = [label + "<br>" + ngettext("{n} customer", "{n} customers", int(n)).format(n=formats.decimal(int(n)))
                 for label, n in zip(labels, steps["customers"])]
    else:
        hover = labels
    fig = go.Figure(
        go.Waterfall(
            x=names,
            y=amounts,
            measure=measure,
            text=labels,
            textposition="outside",
            hovertext=hover,
            hovertemplate="%{x}<br>%{hovertext}<extra></extra>",
            connector={"line": {"color": "#999999", "width": 1, "dash": "dot"}},
            totals={"marker": {"color": BRIDGE_COLOURS["total"]}},
            increasing={"marker": {"color": BRIDGE_COLOURS["increase"]}},
            decreasing={"marker": {"color": BRIDGE_COLOURS["decrease"]}},
            showlegend=False,
        )
    )
    fig.update_layout(yaxis={"title": f"ARR ({currency_symbol(currency).strip()})", "rangemode": "tozero"},
                      showlegend=False)
    return house_style(fig, title=title, height=380)


#: Colour of the ARR of customers without a health score (the bands have ``BAND_COLOURS``).
UNSCORED_COLOUR = "#BBBBBB"
#: The bands' names on the renewals figure (translated where drawn).
BAND_NAMES: dict[str, str] = {"red": N_("Red"), "yellow": N_("Yellow"), "green": N_("Green"),
                              "unscored": N_("Unscored")}


def renewals_by_band_chart(
    table: pd.DataFrame,
    *,
    currency: str = DEFAULT_CURRENCY,
    title: str | None = None,
    days_label: str | None = None,
    band_labels: dict[str, str] | None = None,
) -> go.Figure:
    """Stacked bars: the ARR up for renewal within each horizon, split by health band.

    ``table`` has ``days`` (the horizon: contracts due within that many days), ``band`` (red,
    yellow, green or ``unscored``, in stacking order), ``contracts`` and ``arr``, e.g. one
    ``cs_metrics.renewals.arr_by_band`` per horizon; a bar's height is the horizon's ARR up for
    renewal. ``days_label`` names each bar (default "{days} days" in the reader's language),
    ``band_labels`` each band (default: ``BAND_NAMES`` in the reader's language, else the band's
    name capitalised); each segment is written with its amount, so the
    bands are told apart by their names as well as their colours.
    """
    names = band_labels or {}
    days = sorted({int(d) for d in table["days"]})
    x = [(days_label or _("{days} days")).format(days=d) for d in days]
    fig = go.Figure()
    for band in dict.fromkeys(table["band"]):
        part = table[table["band"] == band]
        found = dict(zip(part["days"].astype(int), zip(part["arr"].astype(float), part["contracts"].astype(int))))
        arr, count = [found.get(d, (0.0, 0))[0] for d in days], [found.get(d, (0.0, 0))[1] for d in days]
        name = chart_text(names.get(band) or (_(BAND_NAMES[band]) if band in BAND_NAMES else str(band).capitalize()))
        fig.add_trace(go.Bar(
            x=x, y=arr, name=name, marker_color=BAND_COLOURS.get(str(band), UNSCORED_COLOUR),
            text=[f"{name} {fmt_value(a, 'currency', currency=currency)}" if a > 0 else "" for a in arr],
            textposition="inside", customdata=count,
            hovertemplate="%{x}: %{text} (n = %{customdata})<extra></extra>",
        ))
    fig.update_layout(barmode="stack",
                      yaxis={"title": f"ARR ({currency_symbol(currency).strip()})", "rangemode": "tozero"})
    return house_style(fig, title=title, height=380)
