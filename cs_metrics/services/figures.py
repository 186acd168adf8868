"""One builder per figure shown in two places: the board pack and a page draw the same figure
from the same function.

Each builder reads what it needs (engine in) or takes the tiles already built, computes with the
metric modules and draws with the chart builders of ``cs_metrics.charts``; ``go.Figure`` out.

* ``nps_trend_figure``: NPS per month or quarter with its 95% interval (NPS page, pack).
* ``health_bands_figure``: customers and ARR per health band (Overview, pack).
* ``ttfv_curve_figure``: Kaplan-Meier curve of the period's signing cohort (Onboarding page, pack).
* ``churn_reasons_figure``: Pareto of the reasons of the customers lost in the period, labelled
  with the company's churn reasons and its currency (Churn & retention page, pack).
* ``maturity_bars_figure`` and ``area_trend_figure``: from an area's tiles (Overview tiles, pack).

The builders that read have a twin drawing from data already read (``nps_trend_chart``,
``ttfv_curve_chart``, ``churn_reasons_chart``), so that a page reads a selection's data once and
redraws from it when only an option of the figure changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy.engine import Engine

from cs_metrics import churn, nps, ttfv
from cs_metrics.charts import band_shares_bar
from cs_metrics.charts import churn as churn_charts
from cs_metrics.charts import nps as nps_charts
from cs_metrics.charts import overview as overview_charts
from cs_metrics.charts import ttfv as ttfv_charts
from cs_metrics.errors import DataError
from cs_metrics.period import Period
from cs_metrics.selection import ALL, CustomerFilter
from cs_metrics.services import nps as nps_data
from cs_metrics.services.churn import churn_in_period
from cs_metrics.services.onboarding import onboarding_durations, signing_durations
from cs_metrics.services.overview import signing_cohort
from cs_metrics.services.vocabulary import churn_reasons, currency
from cs_metrics.tiles import MIN_NPS_RESPONSES, Tile

#: The line drawn on the curve when no segment targets are given.
ALL_CUSTOMERS = "all customers"


def nps_trend_figure(
    engine: Engine,
    *,
    period: Period,
    previous: Period | None = None,
    flt: CustomerFilter = ALL,
    grain: str = "month",
    min_n: int = MIN_NPS_RESPONSES,
    title: str | None = None,
) -> go.Figure:
    """NPS per ``grain`` across the comparison period and the period, with its 95% interval as a
    band; points under ``min_n`` answers hollow and grey; the period shaded.

    Parameters
    ----------
    period
        The period shown (shaded from its first day on).
    previous
        The comparison period (default: the previous period of equal length); the trend runs from
        the earlier of the two first days to the end of the later period.
    grain
        ``"month"`` or ``"quarter"`` (any grain of ``nps.nps_trend``).
    min_n
        Answers below which a point is too uncertain to read.

    Returns
    -------
    go.Figure
        ``charts.nps.trend_chart`` of ``nps.nps_trend``: the interval band (traces 0-1), the line
        (trace 2), the points with enough answers (trace 3) and those without (trace 4).
    """
    monthly = nps_data.monthly_counts(engine, period=period, previous=previous, flt=flt)
    return nps_trend_chart(monthly, period=period, previous=previous, grain=grain, min_n=min_n, title=title)


def nps_trend_chart(
    monthly: pd.DataFrame,
    *,
    period: Period,
    previous: Period | None = None,
    grain: str = "month",
    min_n: int = MIN_NPS_RESPONSES,
    title: str | None = None,
) -> go.Figure:
    """``nps_trend_figure`` from the answers per class and month already read
    (``services.nps.monthly_counts``): a page changes the grain or ``min_n`` without reading again."""
    prev = previous or period.previous()
    start, end = min(prev.start, period.start), max(prev.end, period.end)
    trend = nps.nps_trend(monthly, grain=grain, start=start, end=end, min_n=min_n)
    return nps_charts.trend_chart(trend, title=title, min_n=min_n, current_start=period.start)


def health_bands_figure(tile_or_bands: Tile | pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Stacked bars of the share of customers and of ARR in each health band.

    Parameters
    ----------
    tile_or_bands
        The ``health_green`` tile of ``services.overview.health_tiles`` (its ``extra["bands"]``),
        or a ``health.band_shares(..., weight="arr")`` frame.
    """
    if isinstance(tile_or_bands, Tile):
        if "bands" not in tile_or_bands.extra:
            raise DataError(f"The tile {tile_or_bands.key!r} has no health bands; pass the health_green tile "
                            "of services.overview.health_tiles or a health.band_shares frame.")
        bands = tile_or_bands.extra["bands"]
    else:
        bands = tile_or_bands
    return band_shares_bar(bands, title=title)


def ttfv_curve_figure(
    engine: Engine,
    *,
    period: Period,
    as_of: dt.date,
    flt: CustomerFilter = ALL,
    by: str | None = None,
    targets: Mapping[str, float] | None = None,
    default: float = ttfv.DEFAULT_TARGET_DAYS,
    mark_days: Sequence[float] = (),
    title: str | None = None,
) -> go.Figure:
    """Kaplan-Meier curve of the share still onboarding among the customers signed in ``period``
    (customers not at first value by ``as_of`` are censored, not dropped).

    Parameters
    ----------
    period
        The signing cohort's period.
    as_of
        The day up to which first value is observed.
    by
        A grouping of ``ttfv.GROUPINGS`` (one curve per group), or None for one curve.
    targets
        First-value target days per segment: one dashed line per segment present in the cohort
        (``default`` for segments without one). None: one line at ``default``, "all customers".
    mark_days
        Days at which each curve is marked with a dot (e.g. 30, 60, 90).
    """
    if by is None and targets is None:  # one curve and one line: the cohort's dates are enough
        durations = signing_durations(engine, start=period.start, end=period.end, as_of=as_of, flt=flt)
    else:  # groupings and segment targets need the customers' attributes
        durations = onboarding_durations(engine, as_of=as_of, flt=flt)
    return ttfv_curve_chart(durations, period=period, by=by, targets=targets, default=default, mark_days=mark_days,
                            title=title)


def ttfv_curve_chart(
    durations: pd.DataFrame,
    *,
    period: Period,
    by: str | None = None,
    targets: Mapping[str, float] | None = None,
    default: float = ttfv.DEFAULT_TARGET_DAYS,
    mark_days: Sequence[float] = (),
    title: str | None = None,
) -> go.Figure:
    """``ttfv_curve_figure`` from the customers' ``ttfv.ttfv_durations`` already read
    (``services.onboarding.onboarding_durations``): a page changes the grouping or the targets
    without reading again."""
    if by is not None and by not in ttfv.GROUPINGS:
        raise DataError(f"Unknown grouping {by!r}; use one of {list(ttfv.GROUPINGS)} or None.")
    cohort = signing_cohort(durations, period)
    curve = ttfv.survival_curve(cohort, by=by)
    marks = ttfv.curve_at(curve, days=tuple(mark_days)) if mark_days else None
    if targets is None:
        lines = {ALL_CUSTOMERS: float(default)}
    else:
        lines = ttfv.targets_in(cohort, targets=targets, default=default)
    return ttfv_charts.survival_figure(curve, marks=marks, targets=lines, title=title)


def churn_reasons_figure(
    engine: Engine,
    *,
    period: Period,
    flt: CustomerFilter = ALL,
    weight: str | None = None,
    by_category: bool = False,
    contributing: bool = False,
    title: str | None = None,
) -> go.Figure:
    """Pareto of the reasons of the customers lost in ``period``: bars from the most frequent,
    cumulative share as a line (``churn.reason_pareto``); reasons, categories and colours from the
    company's churn reasons, amounts in its currency.

    Parameters
    ----------
    weight
        None ranks by customers; ``"arr_lost"`` by the ARR lost.
    by_category
        One bar per reason category instead of per reason.
    contributing
        Count contributing reasons too (bars become mentions).
    """
    return churn_reasons_chart(churn_in_period(engine, period=period, flt=flt), reasons=churn_reasons(engine),
                               currency=currency(engine), weight=weight, by_category=by_category,
                               contributing=contributing, title=title)


def churn_reasons_chart(
    lost: pd.DataFrame,
    *,
    reasons: pd.DataFrame,
    currency: str,
    weight: str | None = None,
    by_category: bool = False,
    contributing: bool = False,
    title: str | None = None,
) -> go.Figure:
    """``churn_reasons_figure`` from the customers lost (``services.churn.churn_in_period``), the
    company's churn reasons and its currency already read: a page changes the measure or the
    grouping without reading again."""
    pareto = churn.reason_pareto(lost, weight=weight, by_category=by_category, contributing=contributing,
                                 reasons=reasons)
    return churn_charts.reason_pareto_chart(pareto, measure=weight or "count", reasons=reasons, currency=currency,
                                            title=title)


def maturity_bars_figure(tiles: Sequence[Tile], *, title: str | None = None) -> go.Figure:
    """Median stage per dimension, latest round against the one before, from the maturity tiles
    (``services.overview.maturity_tiles``; tiles of other areas are ignored)."""
    return overview_charts.maturity_bars([t for t in tiles if t.area == "maturity"], title=title)


def area_trend_figure(tiles: Sequence[Tile], *, area: str | None = None, title: str | None = None) -> go.Figure:
    """The sparkline series of an area's tiles drawn in full, one line per tile of the first
    tile's unit (``area``: keep only that area's tiles)."""
    chosen = [t for t in tiles if area is None or t.area == area]
    return overview_charts.area_trend(chosen, title=title)
