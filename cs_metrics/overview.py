"""The posture on one screen: headline figures for a period beside a comparison period.

``overview_tiles`` reads through ``cs_metrics.storage.queries`` and computes every figure with the
metric modules of each area (``nps``, ``health``, ``ttfv``, ``retention``, ``maturity``,
``meetings``), so a notebook gets exactly the numbers the Overview page and the board pack show.

Each tile carries
* the value for the period and for the comparison period (by default the previous equal period),
  the change, and n;
* a verdict on the change: for sampled figures a test decides between "statistically detectable"
  and "no detectable change" (NPS: two-sample z-test of ``nps.nps_difference``; time to first
  value: log-rank test of ``ttfv.compare_groups``; maturity: Mann-Whitney U of
  ``maturity.round_changes``; customer share of meeting time: z-test on the difference of two
  ratio estimates); census figures (every customer counted: health bands, churn, retention,
  customers, ARR) get "no test applicable", since their change is not a sampling question;
* a monthly sparkline: the same figure measured at the last ``SPARK_POINTS`` month ends, each
  over a window as long as the period (health bands: the band shares of each month), so its last
  point is the tile's value.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from scipy.stats import norm
from sqlalchemy.engine import Engine

from cs_metrics import health, nps, retention, ttfv
from cs_metrics.formatting import fmt_change, fmt_interval, fmt_value
from cs_metrics.period import Period, shift_months
from cs_metrics.storage import queries as q

#: Below this many responses an NPS is shown as too uncertain to read.
MIN_NPS_RESPONSES = 30
#: Below this many customers a share or median is shown as too uncertain to read.
MIN_CUSTOMERS = 10
#: Below this many meetings the customer share of meeting time is too uncertain to read.
MIN_MEETINGS = 5
#: A change is called statistically detectable when the test's p-value is below this.
ALPHA = 0.05
#: Points of each sparkline (month ends).
SPARK_POINTS = 12

DETECTABLE = "statistically detectable"
NOT_DETECTABLE = "no detectable change"
NOT_APPLICABLE = "no test applicable"
NOT_TESTABLE = "too little data to test"

#: Areas in display order, with the page each links to (the page file a person opens).
AREAS: dict[str, str] = {
    "nps": "NPS",
    "health": "Health",
    "onboarding": "Onboarding",
    "retention": "Churn & retention",
    "maturity": "Maturity",
    "meetings": "Meetings",
    "customers": "Customers",
}


@dataclass(frozen=True)
class Tile:
    """One headline figure for a period and a comparison period.

    ``unit`` is one of ``points`` (NPS), ``share`` (0-1), ``days``, ``count``, ``currency``,
    ``stage`` (maturity, 1-5). ``low``/``high`` bound ``value`` where it comes from a sample;
    ``n`` is the sample or population size behind ``value``; ``enough`` is False when ``n`` is
    below the minimum. ``test`` is one of ``DETECTABLE``, ``NOT_DETECTABLE``, ``NOT_APPLICABLE``
    (census figure), ``NOT_TESTABLE`` (sampled, but too little data); ``p_value`` and
    ``test_name`` say which test decided. ``series`` is the sparkline: ``(month end, value)``
    pairs, oldest first. ``area`` groups tiles (see ``AREAS``).
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
    test: str = NOT_APPLICABLE
    p_value: float = math.nan
    test_name: str = ""
    series: tuple[tuple[dt.date, float], ...] = ()
    area: str = ""

    @property
    def change(self) -> float:
        return self.value - self.previous

    @property
    def detectable(self) -> bool:
        return self.test == DETECTABLE

    @property
    def sampled(self) -> bool:
        """True for figures from a sample (a test applies), False for census figures."""
        return self.test != NOT_APPLICABLE

    @property
    def has_value(self) -> bool:
        return self.n > 0 and not _nan(self.value)


def _nan(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# --- display ---------------------------------------------------------------------------------------


def display_value(value: float | None, unit: str) -> str:
    """A tile value as shown on the page and in the pack (``stage`` as e.g. "2.5")."""
    if unit == "stage":
        return "–" if _nan(value) else f"{value:.1f}"
    return fmt_value(value, unit)


def display_change(change: float | None, unit: str) -> str:
    """A change as shown (shares in percentage points, stages in stages)."""
    if unit == "stage":
        return "no previous value" if _nan(change) else f"{change:+.1f} stages"
    return fmt_change(change, unit)


def display_interval(low: float | None, high: float | None, unit: str) -> str:
    if unit == "stage":
        return "" if _nan(low) or _nan(high) else f"95% CI {low:.1f}–{high:.1f}"
    return fmt_interval(low, high, unit)


def verdict_text(tile: Tile) -> str:
    """The test's reading of the change, with its p-value where a test ran."""
    if tile.test in (DETECTABLE, NOT_DETECTABLE) and not _nan(tile.p_value):
        p = "p < 0.001" if tile.p_value < 0.001 else f"p = {tile.p_value:.3f}"
        return f"{tile.test} ({tile.test_name}, {p})"
    return tile.test


def _verdict(p_value: float, testable: bool = True) -> str:
    if not testable or _nan(p_value):
        return NOT_TESTABLE
    return DETECTABLE if p_value < ALPHA else NOT_DETECTABLE


# --- sparkline windows -----------------------------------------------------------------------------


def _month_end(day: dt.date) -> dt.date:
    return shift_months(day.replace(day=1), 1) - dt.timedelta(days=1)


def sparkline_windows(period: Period, *, points: int = SPARK_POINTS) -> list[Period]:
    """Windows as long as ``period`` ending at the last ``points`` month ends, the last one at
    ``period.end`` (so the sparkline's last point is the tile's value), oldest first.

    Example
    -------
    >>> w = sparkline_windows(Period(dt.date(2026, 8, 1), dt.date(2026, 10, 31)), points=3)
    >>> [(p.start.isoformat(), p.end.isoformat()) for p in w]
    [('2026-06-01', '2026-08-31'), ('2026-07-01', '2026-09-30'), ('2026-08-01', '2026-10-31')]
    """
    ends = [period.end]
    first_of_month = period.end.replace(day=1)
    for k in range(1, points):
        ends.append(_month_end(shift_months(first_of_month, -k)))
    return [Period(end - dt.timedelta(days=period.days - 1), end) for end in reversed(ends)]


def _series(period: Period, fn: Callable[[Period], float], *, points: int = SPARK_POINTS,
            first_day: dt.date | None = None) -> tuple[tuple[dt.date, float], ...]:
    out = []
    for window in sparkline_windows(period, points=points):
        if first_day is not None and window.start < first_day:
            out.append((window.end, math.nan))  # the window reaches before the data starts
            continue
        out.append((window.end, float(fn(window))))
    return tuple(out)


# --- NPS -------------------------------------------------------------------------------------------


def nps_tile(
    engine: Engine, *, period: Period, flt: q.CustomerFilter, previous: Period | None = None,
    first_day: dt.date | None = None,
) -> Tile:
    prev_period = previous or period.previous()

    def counts(p: Period) -> tuple[int, int, int]:
        return q.nps_class_counts(engine, start=p.start, end=p.end_exclusive, flt=flt)

    now, before = counts(period), counts(prev_period)
    cur = nps.nps_interval(*now)
    prev = nps.nps_interval(*before)
    diff = nps.nps_difference(before, now)
    testable = cur.n > 0 and prev.n > 0
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
        "95% adjusted-Wald interval (Rocks 2016). The change is tested with a two-sample z-test on "
        "the adjusted estimates.",
        detail=f"{cur.promoters} promoters, {cur.passives} passives, {cur.detractors} detractors",
        extra={"difference": diff, "counts": now, "counts_previous": before},
        test=_verdict(diff.p_value, testable),
        p_value=diff.p_value,
        test_name="two-sample z-test",
        series=_series(period, lambda p: nps.nps_interval(*counts(p)).nps, first_day=first_day),
        area="nps",
    )


# --- health ----------------------------------------------------------------------------------------


def _scores(engine: Engine, *, start: dt.date, end: dt.date, flt: q.CustomerFilter) -> pd.DataFrame:
    return health.health_scores(engine, start=start, end=end, flt=flt)


def _bands_at(scores: pd.DataFrame, day: dt.date) -> tuple[dt.date | None, pd.DataFrame]:
    """Band shares (customers and ARR) in the latest scored month on or before ``day``."""
    empty = pd.DataFrame({"band": pd.Series(dtype=object), "arr": pd.Series(dtype=float)})
    if scores.empty:
        return None, health.band_shares(empty, weight="arr")
    months = pd.to_datetime(scores["month"])
    eligible = months[months <= pd.Timestamp(day)]
    if eligible.empty:
        return None, health.band_shares(empty, weight="arr")
    month = eligible.max()
    rows = scores[months == month].copy()
    rows["arr"] = pd.to_numeric(rows["arr"], errors="coerce").fillna(0.0)
    return month.date(), health.band_shares(rows, weight="arr")


def health_bands(engine: Engine, *, as_of: dt.date, flt: q.CustomerFilter) -> tuple[dt.date | None, pd.DataFrame]:
    """Band shares (customers and ARR) in the latest month with health signals on or before ``as_of``.

    Returns the month used (None when there is none) and ``health.band_shares`` with ARR weights
    (ARR = 12 x the month's MRR).
    """
    scores = _scores(engine, start=shift_months(as_of.replace(day=1), -1), end=as_of, flt=flt)
    return _bands_at(scores, as_of)


def _share(bands: pd.DataFrame, band: str, column: str) -> float:
    if bands.empty or not bands["n"].sum():
        return math.nan
    return float(bands.loc[bands["band"] == band, column].iloc[0])


def health_tiles(
    engine: Engine, *, period: Period, flt: q.CustomerFilter, previous: Period | None = None
) -> list[Tile]:
    """Share of scored customers, and of their ARR, in the green band; share of customers in red."""
    prev_period = previous or period.previous()
    windows = sparkline_windows(period)
    first = min(windows[0].end, prev_period.end).replace(day=1)
    scores = _scores(engine, start=shift_months(first, -1), end=period.end, flt=flt)
    month, cur = _bands_at(scores, period.end)
    prev_month, prev = _bands_at(scores, prev_period.end)
    n, n_prev = int(cur["n"].sum()), int(prev["n"].sum())
    counts = ", ".join(f"{int(r.n)} {r.band}" for r in cur.itertuples())
    extra = {"bands": cur, "bands_previous": prev, "month": month, "previous_month": prev_month,
             "unscored": cur.attrs.get("unscored", 0)}
    where = f"{month:%b %Y}: {counts}" if month else "no health signals in the period"
    spark = [(w.end, _bands_at(scores, w.end)[1]) for w in windows]

    def series(band: str, column: str) -> tuple[tuple[dt.date, float], ...]:
        return tuple((end, _share(b, band, column)) for end, b in spark)

    base = dict(n=n, n_previous=n_prev, enough=n >= MIN_CUSTOMERS, extra=extra, area="health")
    return [
        Tile(key="health_green", label="Customers in good health", unit="share",
             value=_share(cur, "green", "share"), previous=_share(prev, "green", "share"),
             definition="Share of scored customers in the green band (score above 75) in the latest month "
             "with health signals; score = weighted mean of normalised success indicators. Every "
             "customer is scored, so no test applies to the change.",
             detail=where, series=series("green", "share"), **base),
        Tile(key="health_green_arr", label="ARR in good health", unit="share",
             value=_share(cur, "green", "weight_share"), previous=_share(prev, "green", "weight_share"),
             definition="Share of the ARR (12 x the month's MRR) of scored customers held by customers in "
             "the green band.", detail=where, series=series("green", "weight_share"), **base),
        Tile(key="health_red", label="Customers at risk (red)", unit="share",
             value=_share(cur, "red", "share"), previous=_share(prev, "red", "share"),
             definition="Share of scored customers in the red band (score 50 or below).",
             detail=where, series=series("red", "share"), **base),
    ]


def health_tile(engine: Engine, *, period: Period, flt: q.CustomerFilter) -> Tile:
    """The green-share tile alone (see ``health_tiles``)."""
    return health_tiles(engine, period=period, flt=flt)[0]


# --- onboarding ------------------------------------------------------------------------------------


def _durations(engine: Engine, *, flt: q.CustomerFilter, as_of: dt.date, customers: pd.DataFrame | None) -> pd.DataFrame:
    cust = q.customers(engine, flt=flt) if customers is None else customers
    return ttfv.ttfv_durations(cust, q.first_value_dates(engine, flt=flt), as_of=as_of)


def _cohort(durations: pd.DataFrame, p: Period) -> pd.DataFrame:
    return ttfv.signed_in(durations, start=p.start, end=p.end)


def _summary(cohort: pd.DataFrame) -> pd.Series:
    return ttfv.ttfv_summary(cohort, targets=(ttfv.DEFAULT_TARGET_DAYS,)).iloc[0]


def _log_rank(cur: pd.DataFrame, prev: pd.DataFrame) -> float:
    if cur.empty or prev.empty:
        return math.nan
    parts = [cur.assign(_cohort="current"), prev.assign(_cohort="previous")]
    for part in parts:
        part.attrs = {}  # the data-problem report travels in attrs; it is not needed here
    both = pd.concat(parts, ignore_index=True)
    return float(ttfv.compare_groups(both, by="_cohort").p_value)


def ttfv_tiles(
    engine: Engine, *, period: Period, flt: q.CustomerFilter, as_of: dt.date,
    customers: pd.DataFrame | None = None, previous: Period | None = None,
) -> list[Tile]:
    """Kaplan-Meier median days to first value, and the share reaching it within the target, for
    customers signed in the period; the change is tested with a log-rank test of the two cohorts."""
    prev_period = previous or period.previous()
    durations = _durations(engine, flt=flt, as_of=as_of, customers=customers)
    cur_c, prev_c = _cohort(durations, period), _cohort(durations, prev_period)
    cur, prev = _summary(cur_c), _summary(prev_c)
    p_value = _log_rank(cur_c, prev_c)
    verdict = _verdict(p_value, len(cur_c) >= MIN_CUSTOMERS and len(prev_c) >= MIN_CUSTOMERS)
    target = ttfv.DEFAULT_TARGET_DAYS
    within = f"within_{target}"
    spark = [(w.end, _summary(_cohort(durations, w))) for w in sparkline_windows(period)]
    n, n_prev = int(cur["n"]), int(prev["n"])
    common = dict(n=n, n_previous=n_prev, enough=n >= MIN_CUSTOMERS, test=verdict, p_value=p_value,
                  test_name="log-rank test", area="onboarding",
                  detail=f"{int(cur['censored'])} of {n} still onboarding")
    return [
        Tile(key="ttfv", label="Median time to first value", unit="days", value=float(cur["median"]),
             previous=float(prev["median"]), low=float(cur["median_low"]), high=float(cur["median_high"]),
             definition="Kaplan-Meier median days from signing to first value for customers signed in the "
             "period; customers still onboarding are censored, not dropped. The change is tested with a "
             "log-rank test of the two signing cohorts.",
             series=tuple((end, float(s["median"])) for end, s in spark), **common),
        Tile(key="ttfv_within_target", label=f"First value within {target} days", unit="share",
             value=float(cur[within]), previous=float(prev[within]),
             definition=f"Share of customers signed in the period who reached first value within {target} "
             "days of signing (1 - S(t) of the Kaplan-Meier curve, so customers still onboarding count). "
             "Tested with the log-rank test of the two signing cohorts.",
             series=tuple((end, float(s[within])) for end, s in spark), **common),
    ]


def ttfv_tile(
    engine: Engine, *, period: Period, flt: q.CustomerFilter, as_of: dt.date, customers: pd.DataFrame | None = None
) -> Tile:
    """The median tile alone (see ``ttfv_tiles``)."""
    return ttfv_tiles(engine, period=period, flt=flt, as_of=as_of, customers=customers)[0]


# --- churn and retention ---------------------------------------------------------------------------


def _valid_customers(cust: pd.DataFrame) -> pd.DataFrame:
    # Customers recorded as churned before they signed are left out until corrected (as on the
    # Churn & retention page).
    return cust[~(pd.to_datetime(cust["churned_on"]) < pd.to_datetime(cust["signed_on"]))]


def logo_churn_tile(
    engine: Engine, *, period: Period, flt: q.CustomerFilter, customers: pd.DataFrame | None = None,
    previous: Period | None = None, first_day: dt.date | None = None,
) -> Tile:
    cust = _valid_customers(q.customers(engine, flt=flt) if customers is None else customers)
    prev_period = previous or period.previous()
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
        "(customers signed inside the period are excluded). Every customer counts, so no test applies.",
        detail=f"{lost} of {n} customers lost",
        series=_series(period, lambda p: retention.logo_churn_rate(cust, start=p.start, end=p.end_exclusive),
                       first_day=first_day),
        area="retention",
    )


def _retention_months(p: Period) -> tuple[dt.date, dt.date]:
    start_month, end_month = retention.retention_months(p.start, p.end)
    if end_month <= start_month:  # a period inside one month: compare with the next month
        end_month = shift_months(start_month, 1)
    return start_month, end_month


def revenue_retention_tiles(
    engine: Engine, *, period: Period, flt: q.CustomerFilter, previous: Period | None = None
) -> list[Tile]:
    """GRR and NRR of the customers paying going into the period (``retention.revenue_retention``)."""
    from cs_metrics.storage.queries import churn as qc

    prev_period = previous or period.previous()
    windows = sparkline_windows(period)
    wanted = [period, prev_period, *windows]
    months = sorted({m for p in wanted for m in _retention_months(p)})
    revenue = qc.revenue_in_months(engine, months=tuple(months), flt=flt)

    def rr(p: Period) -> retention.RevenueRetention:
        start_month, end_month = _retention_months(p)
        return retention.revenue_retention(revenue, start_month=start_month, end_month=end_month)

    cur, prev = rr(period), rr(prev_period)
    spark = [(w.end, rr(w)) for w in windows]
    months_text = f"{cur.start_month:%b %Y} → {cur.end_month:%b %Y}"
    base = dict(n=cur.n, n_previous=prev.n, enough=cur.n >= MIN_CUSTOMERS, area="retention",
                extra={"retention": cur, "retention_previous": prev})
    return [
        Tile(key="grr", label="Gross revenue retention", unit="share", value=cur.grr, previous=prev.grr,
             definition="Revenue kept from the customers paying going into the period, each capped at its "
             "starting amount (expansion does not count); never above 100%.",
             detail=f"{months_text}: {cur.n_churned} of {cur.n} paying customers gone" if cur.n else cur.note,
             series=tuple((end, r.grr) for end, r in spark), **base),
        Tile(key="nrr", label="Net revenue retention", unit="share", value=cur.nrr, previous=prev.nrr,
             definition="Revenue of the customers paying going into the period, at its end, as a share of "
             "their starting revenue; expansion counts, so it can exceed 100%.",
             detail=f"{months_text}: expansion {fmt_value(cur.expansion * 12, 'currency')} ARR" if cur.n else cur.note,
             series=tuple((end, r.nrr) for end, r in spark), **base),
    ]


def customers_tile(
    engine: Engine, *, period: Period, flt: q.CustomerFilter, customers: pd.DataFrame | None = None,
    previous: Period | None = None,
) -> Tile:
    cust = q.customers(engine, flt=flt) if customers is None else customers
    prev_period = previous or period.previous()
    now = int(retention.active_at(cust, period.end).sum())
    before = int(retention.active_at(cust, prev_period.end).sum())
    n_rev, arr = q.arr_in_month(engine, month=period.end.replace(day=1), flt=flt)
    _, arr_prev = q.arr_in_month(engine, month=prev_period.end.replace(day=1), flt=flt)
    windows = sparkline_windows(period)
    return Tile(
        key="customers",
        label="Active customers",
        unit="count",
        value=float(now),
        previous=float(before),
        n=now,
        n_previous=before,
        definition="Customers signed on or before the period's last day and not churned by then.",
        extra={"arr": arr, "arr_previous": arr_prev, "customers_with_revenue": n_rev,
               "arr_series": tuple((w.end, q.arr_in_month(engine, month=w.end.replace(day=1), flt=flt)[1])
                                   for w in windows)},
        series=tuple((w.end, float(retention.active_at(cust, w.end).sum())) for w in windows),
        area="customers",
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
        series=customers.extra.get("arr_series", ()),
        area="customers",
    )


# --- maturity --------------------------------------------------------------------------------------


def maturity_tiles(engine: Engine, *, period: Period, previous: Period | None = None) -> list[Tile]:
    """Company-wide median stage per dimension in the latest assessment round opened by the
    period's end, against the round before it (Mann-Whitney U via ``maturity.round_changes``).

    Maturity is assessed by teams, not customers: the customer filters do not apply. Returns no
    tiles when no round has answers.
    """
    from cs_metrics import maturity
    from cs_metrics.storage.queries import maturity as qm

    answers = qm.answers(engine)
    if answers.empty:
        return []
    answers = answers[pd.to_datetime(answers["round_opened_on"]) <= pd.Timestamp(period.end)]
    order = maturity.round_order(answers)
    if not order:
        return []
    current = answers[answers["round"] == order[-1]]
    agg = maturity.aggregate(current, by=("dimension",))
    agg = agg.set_index("dimension")
    changes = maturity.round_changes(answers, by=("dimension",)) if len(order) > 1 else pd.DataFrame()
    changes = changes.set_index("dimension") if not changes.empty else changes
    trend = maturity.round_trends(answers, by=("dimension",))
    instrument = maturity.load_instrument()
    tiles = []
    for dim in maturity.DIMENSIONS:
        row = agg.loc[dim] if dim in agg.index else None
        n = int(row["n"]) if row is not None else 0
        value = float(row["median"]) if row is not None else math.nan
        if dim in getattr(changes, "index", ()):
            ch = changes.loc[dim]
            prev_value, n_prev, p_value = float(ch["previous_median"]), int(ch["n_previous"]), float(ch["p_value"])
            verdict = _verdict(p_value, n >= maturity.MIN_RESPONDENTS and n_prev >= maturity.MIN_RESPONDENTS)
        else:
            prev_value, n_prev, p_value, verdict = math.nan, 0, math.nan, NOT_TESTABLE
        dim_trend = trend[trend["dimension"] == dim]
        name = _dimension_name(instrument, dim)
        tiles.append(Tile(
            key=f"maturity_{dim}", label=f"Maturity: {name}", unit="stage", value=value, previous=prev_value,
            n=n, n_previous=n_prev, enough=n >= maturity.MIN_RESPONDENTS,
            definition="Median self-assessed stage (1 Island … 5 Social Business) across every answer in "
            "the latest round, against the round before; the change is tested with a Mann-Whitney U test. "
            "Assessed by teams: the customer filters do not apply.",
            detail=f"round {order[-1]}" + (f" vs {order[-2]}" if len(order) > 1 else ""),
            extra={"dimension": dim, "round": order[-1], "previous_round": order[-2] if len(order) > 1 else None},
            test=verdict, p_value=p_value, test_name="Mann-Whitney U",
            series=tuple((pd.Timestamp(r.round_opened_on).date(), float(r.median)) for r in dim_trend.itertuples()),
            area="maturity",
        ))
    return tiles


def _dimension_name(instrument, dim: str) -> str:
    return str(instrument.dimension_label(dim))


# --- meetings --------------------------------------------------------------------------------------


def ratio_difference(first: pd.DataFrame, second: pd.DataFrame, *, num: str, den: str) -> tuple[float, float]:
    """Difference of two ratio-of-totals estimates (``second - first``) and its two-sided p-value.

    Each ratio ``R = sum(num) / sum(den)`` over clusters (meetings) has the linearised variance
    ``n / (n - 1) * sum((y_i - R x_i)^2) / X^2`` (Cochran 1977, section 6.4), as in
    ``meetings.ratio_interval``; the samples are independent, so the difference's variance is the
    sum. NaN when either side has fewer than two clusters or no denominator.

    Example
    -------
    First: meetings with 10 of 20 and 0 of 20 minutes: R = 0.25, residuals 10 - 5 = 5 and
    0 - 5 = -5, var = 2 / 1 * 50 / 40^2 = 0.0625; second: 20 of 20 and 10 of 20: R = 0.75,
    residuals 5 and -5, var = 0.0625. Difference 0.5, SE = sqrt(0.125) = 0.35355, z = 1.41421,
    p = 2 * (1 - Phi(1.41421)) = 0.1573.

    >>> a = pd.DataFrame({"y": [10.0, 0.0], "x": [20.0, 20.0]})
    >>> b = pd.DataFrame({"y": [20.0, 10.0], "x": [20.0, 20.0]})
    >>> d, p = ratio_difference(a, b, num="y", den="x")
    >>> round(d, 4), round(p, 4)
    (0.5, 0.1573)
    """

    def estimate(frame: pd.DataFrame) -> tuple[float, float]:
        y = frame[num].to_numpy(dtype=float)
        x = frame[den].to_numpy(dtype=float)
        total = x.sum()
        if len(x) < 2 or total <= 0:
            return math.nan, math.nan
        ratio = y.sum() / total
        return ratio, len(x) / (len(x) - 1) * float(((y - ratio * x) ** 2).sum()) / total**2

    r1, v1 = estimate(first)
    r2, v2 = estimate(second)
    if _nan(r1) or _nan(r2):
        return math.nan, math.nan
    diff = float(r2 - r1)
    se = math.sqrt(v1 + v2)
    if se == 0:
        return diff, 1.0 if diff == 0 else 0.0
    return diff, float(2 * norm.sf(abs(diff) / se))


def meeting_share_tile(engine: Engine, *, period: Period, previous: Period | None = None) -> Tile | None:
    """Customer share of agenda time in the meetings logged in the period (``meetings.customer_share``).

    Meetings are internal: the customer filters do not apply. None when no meeting was ever logged.
    """
    from cs_metrics import meetings
    from cs_metrics.storage.queries import meetings as qmeet

    prev_period = previous or period.previous()
    windows = sparkline_windows(period)
    start = min(windows[0].start, prev_period.start)
    end = max(period.end_exclusive, prev_period.end_exclusive)
    meeting_rows = qmeet.meeting_rows(engine, start=start, end=end)
    if meeting_rows.empty:
        return None
    items = qmeet.agenda_item_totals(engine, start=start, end=end)

    def share(p: Period) -> pd.Series:
        return meetings.customer_share(items, meeting_rows, period=p).iloc[0]

    cur, prev = share(period), share(prev_period)
    per = meetings.per_meeting(items, meeting_rows)
    held = pd.to_datetime(per["held_on"])

    def inside(p: Period) -> pd.DataFrame:
        return per[(held >= pd.Timestamp(p.start)) & (held <= pd.Timestamp(p.end))]

    def window_share(p: Period) -> float:
        # The same ratio of totals as ``customer_share``'s time share, on the meetings of the window.
        rows = inside(p)
        return meetings.ratio_interval(rows["customer_minutes"].to_numpy(), rows["agenda_minutes"].to_numpy())[0]

    diff, p_value = ratio_difference(inside(prev_period), inside(period), num="customer_minutes", den="agenda_minutes")
    n, n_prev = int(cur["meetings"]), int(prev["meetings"])
    return Tile(
        key="meeting_share", label="Customer share of meeting time", unit="share",
        value=float(cur["time_share"]), previous=float(prev["time_share"]), n=n, n_previous=n_prev,
        low=float(cur["time_share_low"]), high=float(cur["time_share_high"]), enough=n >= MIN_MEETINGS,
        definition="Minutes of agenda items about the customer (directly or indirectly) over all recorded "
        "agenda minutes of the meetings logged in the period, against the 5% implied by the estimate that "
        "95% of meeting content is internal. The change is tested with a z-test on the two ratio "
        "estimates. Meetings are internal: the customer filters do not apply.",
        detail=f"{n} meetings · {cur['baseline_verdict']}",
        extra={"share": cur, "share_previous": prev, "baseline": meetings.BASELINE_SHARE},
        test=_verdict(p_value, n >= 2 and n_prev >= 2), p_value=p_value, test_name="z-test on ratios",
        series=tuple((w.end, float(window_share(w))) for w in windows),
        area="meetings",
    )


# --- all tiles -------------------------------------------------------------------------------------


#: What each area needs from its modules: (module, names) pairs.
AREA_NEEDS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "nps": (("cs_metrics.nps", ("nps_interval", "nps_difference")),),
    "health": (("cs_metrics.health", ("health_scores", "band_shares")),),
    "onboarding": (("cs_metrics.ttfv", ("ttfv_durations", "ttfv_summary", "compare_groups", "signed_in",
                                        "DEFAULT_TARGET_DAYS")),),
    "retention": (("cs_metrics.retention", ("logo_churn_counts", "logo_churn_rate", "revenue_retention",
                                            "retention_months")),
                  ("cs_metrics.storage.queries.churn", ("revenue_in_months",))),
    "maturity": (("cs_metrics.maturity", ("aggregate", "round_changes", "round_trends", "round_order",
                                          "load_instrument", "DIMENSIONS", "MIN_RESPONDENTS")),
                 ("cs_metrics.storage.queries.maturity", ("answers",))),
    "meetings": (("cs_metrics.meetings", ("customer_share", "per_meeting", "ratio_interval", "BASELINE_SHARE")),
                 ("cs_metrics.storage.queries.meetings", ("meeting_rows", "agenda_item_totals"))),
    "customers": (("cs_metrics.retention", ("active_at",)),),
}


def available_areas() -> tuple[str, ...]:
    """Areas whose metric functions are present in this installation, in display order.

    An area whose module cannot be imported or lacks a function it needs is not offered (its tiles
    and its board-pack section are left out rather than shown half-built).
    """
    import importlib

    out = []
    for area, needs in AREA_NEEDS.items():
        try:
            modules = [(importlib.import_module(module), names) for module, names in needs]
        except Exception:  # a module that cannot be imported: the area is not offered
            continue
        if all(hasattr(mod, name) for mod, names in modules for name in names):
            out.append(area)
    return tuple(out)


def overview_tiles(
    engine: Engine,
    *,
    period: Period,
    flt: q.CustomerFilter = q.ALL,
    as_of: dt.date | None = None,
    previous: Period | None = None,
    areas: tuple[str, ...] | None = None,
) -> list[Tile]:
    """Headline tiles for ``period`` and the comparison period, in display order.

    Parameters
    ----------
    period
        The period shown.
    flt
        Customers to include (maturity and meetings are company-wide and ignore it).
    as_of
        The date up to which onboarding is observed (default: the period's end).
    previous
        The comparison period (default: the previous period of equal length).
    areas
        Areas to compute (default: every available one, see ``available_areas``).

    Example
    -------
    >>> from cs_metrics.storage import db
    >>> engine = db.make_engine("sqlite://"); db.upgrade(engine)
    >>> tiles = overview_tiles(engine, period=Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31)))
    >>> [t.key for t in tiles][:2], tiles[0].n
    (['nps', 'health_green'], 0)
    """
    as_of = as_of or period.end
    wanted = available_areas() if areas is None else tuple(a for a in available_areas() if a in areas)
    frame = q.customers(engine, flt=flt)
    extent = q.data_extent(engine)
    first_day = extent.get("first")
    tiles: list[Tile] = []
    if "nps" in wanted:
        tiles.append(nps_tile(engine, period=period, flt=flt, previous=previous, first_day=first_day))
    if "health" in wanted:
        tiles.extend(health_tiles(engine, period=period, flt=flt, previous=previous))
    if "onboarding" in wanted:
        tiles.extend(ttfv_tiles(engine, period=period, flt=flt, as_of=as_of, customers=frame, previous=previous))
    if "retention" in wanted:
        tiles.append(logo_churn_tile(engine, period=period, flt=flt, customers=frame, previous=previous,
                                     first_day=first_day))
        tiles.extend(revenue_retention_tiles(engine, period=period, flt=flt, previous=previous))
    if "maturity" in wanted:
        tiles.extend(maturity_tiles(engine, period=period, previous=previous))
    if "meetings" in wanted:
        tile = meeting_share_tile(engine, period=period, previous=previous)
        if tile is not None:
            tiles.append(tile)
    if "customers" in wanted:
        cust = customers_tile(engine, period=period, flt=flt, customers=frame, previous=previous)
        tiles.extend([cust, arr_tile(cust)])
    return tiles


def tiles_by_area(tiles: list[Tile]) -> dict[str, list[Tile]]:
    """Tiles grouped by area, areas in ``AREAS`` order (areas without tiles left out)."""
    out: dict[str, list[Tile]] = {}
    for area in AREAS:
        group = [t for t in tiles if t.area == area]
        if group:
            out[area] = group
    return out


def tile_numbers(tiles: list[Tile]) -> dict[str, dict]:
    """The numbers of the tiles as plain JSON-ready values (for snapshots and comparisons)."""

    def clean(v: float) -> float | None:
        return None if _nan(v) or (isinstance(v, float) and math.isinf(v)) else float(v)

    return {
        t.key: {"label": t.label, "unit": t.unit, "value": clean(t.value), "previous": clean(t.previous),
                "n": int(t.n), "n_previous": int(t.n_previous), "low": clean(t.low), "high": clean(t.high),
                "test": t.test, "p_value": clean(t.p_value)}
        for t in tiles
    }
