"""The posture on one screen: headline figures for a period beside the previous equal period.

``overview_tiles`` reads through ``cs_metrics.storage.queries`` and computes every figure with the
metric modules, so a notebook gets exactly the numbers the Overview page shows.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.engine import Engine

from cs_metrics import health, nps, retention, ttfv
from cs_metrics.period import Period
from cs_metrics.storage import queries as q

#: Below this many responses an NPS is shown as too uncertain to read.
MIN_NPS_RESPONSES = 30
#: Below this many customers a share or median is shown as too uncertain to read.
MIN_CUSTOMERS = 10


@dataclass(frozen=True)
class Tile:
    """One headline figure for the current period and the previous equal period.

    ``unit`` is one of ``points`` (NPS), ``share`` (0-1), ``days``, ``count``, ``currency``.
    ``low``/``high`` bound ``value`` where it comes from a sample; ``n`` is the sample or
    population size behind ``value``; ``enough`` is False when ``n`` is below the minimum.
    """

    key: str
    label: str
    unit: str
    value: float
    previous: float
    n: int
    n_previous: int
    low: float = math.nan
    high: float = math.nan
    enough: bool = True
    definition: str = ""
    detail: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def change(self) -> float:
        return self.value - self.previous


def nps_tile(engine: Engine, *, period: Period, flt: q.CustomerFilter) -> Tile:
    cur = nps.nps_interval(*q.nps_class_counts(engine, start=period.start, end=period.end_exclusive, flt=flt))
    prev_period = period.previous()
    prev = nps.nps_interval(*q.nps_class_counts(engine, start=prev_period.start, end=prev_period.end_exclusive, flt=flt))
    return Tile(
        key="nps",
        label="NPS",
        unit="points",
        value=cur.nps,
        previous=prev.nps,
        n=cur.n,
        n_previous=prev.n,
        low=cur.low,
        high=cur.high,
        enough=cur.n >= MIN_NPS_RESPONSES,
        definition="% promoters (9-10) minus % detractors (0-6) among responses in the period; "
        "95% adjusted-Wald interval (Rocks 2016).",
        detail=f"{cur.promoters} promoters, {cur.passives} passives, {cur.detractors} detractors",
    )


def health_bands(engine: Engine, *, as_of: dt.date, flt: q.CustomerFilter) -> tuple[dt.date | None, pd.DataFrame]:
    """Band shares (customers and ARR) in the latest month with health signals on or before ``as_of``.

    Returns the month used (None when there is none) and ``health.band_shares`` with ARR weights.
    """
    months = [mo for mo in q.health_months(engine) if mo <= as_of]
    if not months:
        return None, health.band_shares(pd.DataFrame({"band": pd.Series(dtype=object), "arr": pd.Series(dtype=float)}), weight="arr")
    month = months[-1]
    signals = q.health_signals(engine, month=month, flt=flt)
    model = q.active_health_model(engine)
    scored = health.score_customers(signals, model)
    arr = signals.drop_duplicates("customer_id").set_index("customer_id")["arr"]
    scored["arr"] = scored["customer_id"].map(arr).astype(float)
    shares = health.band_shares(scored, weight="arr")
    shares.attrs["model_version"] = model["version"]
    return month, shares


def health_tile(engine: Engine, *, period: Period, flt: q.CustomerFilter) -> Tile:
    month, cur = health_bands(engine, as_of=period.end, flt=flt)
    prev_month, prev = health_bands(engine, as_of=period.previous().end, flt=flt)
    n, n_prev = int(cur["n"].sum()), int(prev["n"].sum())
    green = float(cur.loc[cur["band"] == "green", "share"].iloc[0]) if n else math.nan
    green_prev = float(prev.loc[prev["band"] == "green", "share"].iloc[0]) if n_prev else math.nan
    counts = ", ".join(f"{int(r.n)} {r.band}" for r in cur.itertuples())
    return Tile(
        key="health_green",
        label="Customers in good health",
        unit="share",
        value=green,
        previous=green_prev,
        n=n,
        n_previous=n_prev,
        enough=n >= MIN_CUSTOMERS,
        definition="Share of scored customers in the green band (score above 75) in the latest month "
        "with health signals; score = weighted mean of normalised success indicators.",
        detail=f"{month:%b %Y}: {counts}" if month else "no health signals in the period",
        extra={"bands": cur, "month": month, "previous_month": prev_month, "model_version": cur.attrs.get("model_version")},
    )


def ttfv_tile(
    engine: Engine, *, period: Period, flt: q.CustomerFilter, as_of: dt.date, customers: pd.DataFrame | None = None
) -> Tile:
    cust = q.customers(engine, flt=flt) if customers is None else customers
    milestones = q.first_value_dates(engine, flt=flt)
    durations = ttfv.ttfv_durations(cust, milestones, as_of=as_of)
    signed = pd.to_datetime(durations["signed_on"])

    def summary(p: Period) -> pd.Series:
        cohort = durations[(signed >= pd.Timestamp(p.start)) & (signed <= pd.Timestamp(p.end))]
        return ttfv.ttfv_summary(cohort).iloc[0]

    cur, prev = summary(period), summary(period.previous())
    return Tile(
        key="ttfv",
        label="Median time to first value",
        unit="days",
        value=float(cur["median"]),
        previous=float(prev["median"]),
        n=int(cur["n"]),
        n_previous=int(prev["n"]),
        low=float(cur["median_low"]),
        high=float(cur["median_high"]),
        enough=int(cur["n"]) >= MIN_CUSTOMERS,
        definition="Kaplan-Meier median days from signing to first value for customers signed in the "
        "period; customers still onboarding are censored, not dropped.",
        detail=f"{int(cur['censored'])} of {int(cur['n'])} still onboarding",
    )


def logo_churn_tile(
    engine: Engine, *, period: Period, flt: q.CustomerFilter, customers: pd.DataFrame | None = None
) -> Tile:
    cust = q.customers(engine, flt=flt) if customers is None else customers
    prev_period = period.previous()
    n, lost = retention.logo_churn_counts(cust, start=period.start, end=period.end_exclusive)
    n_prev, lost_prev = retention.logo_churn_counts(cust, start=prev_period.start, end=prev_period.end_exclusive)
    return Tile(
        key="logo_churn",
        label="Logo churn",
        unit="share",
        value=lost / n if n else math.nan,
        previous=lost_prev / n_prev if n_prev else math.nan,
        n=n,
        n_previous=n_prev,
        enough=n >= MIN_CUSTOMERS,
        definition="Customers lost during the period divided by customers active at its start "
        "(customers signed inside the period are excluded).",
        detail=f"{lost} of {n} customers lost",
    )


def customers_tile(
    engine: Engine, *, period: Period, flt: q.CustomerFilter, customers: pd.DataFrame | None = None
) -> Tile:
    cust = q.customers(engine, flt=flt) if customers is None else customers
    now = int(retention.active_at(cust, period.end).sum())
    before = int(retention.active_at(cust, period.previous().end).sum())
    n_rev, arr = q.arr_in_month(engine, month=period.end.replace(day=1), flt=flt)
    _, arr_prev = q.arr_in_month(engine, month=period.previous().end.replace(day=1), flt=flt)
    return Tile(
        key="customers",
        label="Active customers",
        unit="count",
        value=float(now),
        previous=float(before),
        n=now,
        n_previous=before,
        definition="Customers signed on or before the period's last day and not churned by then.",
        detail="",
        extra={"arr": arr, "arr_previous": arr_prev, "customers_with_revenue": n_rev},
    )


def arr_tile(customers: Tile) -> Tile:
    """ARR at the end of the period, from the customers tile's monthly revenue."""
    return Tile(
        key="arr",
        label="ARR",
        unit="currency",
        value=customers.extra["arr"],
        previous=customers.extra["arr_previous"],
        n=customers.extra["customers_with_revenue"],
        n_previous=customers.n_previous,
        definition="12 x the monthly recurring revenue of the period's last month.",
    )


def overview_tiles(
    engine: Engine, *, period: Period, flt: q.CustomerFilter = q.ALL, as_of: dt.date | None = None
) -> list[Tile]:
    """Headline tiles for ``period`` and the previous equal period, in display order.

    ``as_of`` is the date up to which onboarding is observed (default: the period's end).
    """
    as_of = as_of or period.end
    frame = q.customers(engine, flt=flt)
    cust = customers_tile(engine, period=period, flt=flt, customers=frame)
    return [
        nps_tile(engine, period=period, flt=flt),
        health_tile(engine, period=period, flt=flt),
        ttfv_tile(engine, period=period, flt=flt, as_of=as_of, customers=frame),
        logo_churn_tile(engine, period=period, flt=flt, customers=frame),
        cust,
        arr_tile(cust),
    ]
