"""The headline tiles, read from the database: one builder per figure.

The Overview shows every tile; the area pages show their own (the Churn & retention page shows
``retention_tiles``); the board pack and the summary read the same tiles. Each builder reads its
data once for the period, the comparison period and the sparkline's windows, and slices it.

The verdicts: NPS by a two-sample z-test (``nps.nps_difference``), time to first value by a
log-rank test of the two signing cohorts (``ttfv.compare_groups``), maturity by Mann-Whitney U
(``maturity.round_changes``), the customer share of meeting time by a z-test on two ratio
estimates (``stats.ratio_difference``); census figures get "no test applicable".
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import pandas as pd
from sqlalchemy.engine import Engine

from cs_metrics import consistency, health, i18n, maturity, meetings, nps, retention, ttfv
from cs_metrics.formatting import fmt_value
from cs_metrics.i18n import N_, _, formats, ngettext
from cs_metrics.period import Period, shift_months
from cs_metrics.services import coverage
from cs_metrics.services.health import band_counts
from cs_metrics.services.onboarding import signing_durations
from cs_metrics.services.renewal_tiles import renewals_tiles
from cs_metrics.services.vocabulary import currency as company_currency
from cs_metrics.stats import ratio_difference, ratio_interval
from cs_metrics.storage import queries as q
from cs_metrics.storage.queries import churn as qc
from cs_metrics.storage.queries import maturity as qm
from cs_metrics.storage.queries import meetings as qmeet
from cs_metrics.tiles import (
    AREAS,
    MIN_CUSTOMERS,
    MIN_MEETINGS,
    MIN_NPS_RESPONSES,
    NOT_TESTABLE,
    Tile,
    change_verdict,
    sparkline_windows,
    tile_label,
)

Series = tuple[tuple[dt.date, float], ...]


def _series(period: Period, fn: Callable[[Period], float], *, first_day: dt.date | None = None) -> Series:
    """``fn`` over each sparkline window; NaN where the window reaches before the data starts."""
    out = []
    for window in sparkline_windows(period):
        if first_day is not None and window.start < first_day:
            out.append((window.last, math.nan))
        else:
            out.append((window.last, float(fn(window))))
    return tuple(out)


def _span(*periods: Period) -> tuple[dt.date, dt.date]:
    """``[start, end)`` covering every period given."""
    return min(p.start for p in periods), max(p.end for p in periods)


# --- NPS -------------------------------------------------------------------------------------------


def nps_tile(
    engine: Engine, *, period: Period, previous: Period | None = None, flt: q.CustomerFilter = q.ALL,
    first_day: dt.date | None = None,
) -> Tile:
    """NPS with its adjusted-Wald interval; the change tested with a two-sample z-test."""
    prev_period = previous or period.previous()
    start, end = _span(period, prev_period, *sparkline_windows(period))
    daily = q.nps_daily_counts(engine, start=start, end=end, flt=flt)
    days = pd.to_datetime(daily["day"])
    classes = daily[["detractors", "passives", "promoters"]].astype("int64")

    def counts(p: Period) -> tuple[int, int, int]:
        inside = (days >= pd.Timestamp(p.start)) & (days < pd.Timestamp(p.end))
        d, pa, pr = classes[inside].sum()
        return int(d), int(pa), int(pr)

    now, before = counts(period), counts(prev_period)
    cur, prev = nps.nps_interval(*now), nps.nps_interval(*before)
    diff = nps.nps_difference(before, now)
    return Tile(
        key="nps", label=tile_label("nps"), unit="points", value=cur.nps, previous=prev.nps, n=cur.n, n_previous=prev.n,
        low=cur.low, high=cur.high, enough=cur.n >= MIN_NPS_RESPONSES,
        definition=_("% promoters (9-10) minus % detractors (0-6) among responses in the period; "
                     "95% adjusted-Wald interval (Rocks 2016). The change is tested with a two-sample z-test on "
                     "the adjusted estimates."),
        detail=_("{promoters} promoters, {passives} passives, {detractors} detractors").format(
            promoters=cur.promoters, passives=cur.passives, detractors=cur.detractors),
        extra={"difference": diff, "counts": now, "counts_previous": before},
        test=change_verdict(diff.p_value, cur.n > 0 and prev.n > 0), p_value=diff.p_value,
        test_name="two-sample z-test",
        series=_series(period, lambda p: nps.nps_interval(*counts(p)).nps, first_day=first_day),
        area="nps",
    )


# --- health ----------------------------------------------------------------------------------------


def _bands_at(counts: pd.DataFrame, day: dt.date) -> tuple[dt.date | None, pd.DataFrame]:
    """Band shares (customers and ARR) in the latest scored month on or before ``day``, from the
    stored scores counted per month and band (``services.health.band_counts``)."""
    empty = pd.DataFrame({"band": pd.Series(dtype=object), "n": pd.Series(dtype="int64"),
                          "arr": pd.Series(dtype=float)})
    if counts.empty:
        return None, health.shares_from_counts(empty)
    months = pd.to_datetime(counts["month"])
    eligible = months[months <= pd.Timestamp(day)]
    if eligible.empty:
        return None, health.shares_from_counts(empty)
    month = eligible.max()
    return month.date(), health.shares_from_counts(counts[months == month])


def _share(bands: pd.DataFrame, band: str, column: str) -> float:
    if bands.empty or not bands["n"].sum():
        return math.nan
    return float(bands.loc[bands["band"] == band, column].iloc[0])


#: How the health tiles' detail counts the customers of a band.
BAND_COUNTS: dict[str, str] = {"green": N_("{n} green"), "yellow": N_("{n} yellow"), "red": N_("{n} red")}


def health_tiles(
    engine: Engine, *, period: Period, previous: Period | None = None, flt: q.CustomerFilter = q.ALL
) -> list[Tile]:
    """Share of scored customers, and of their ARR, in the green band; share of customers in red."""
    prev_period = previous or period.previous()
    windows = sparkline_windows(period)
    first = min(windows[0].last, prev_period.last).replace(day=1)
    counts = band_counts(engine, start=shift_months(first, -1), end=period.end, flt=flt)
    month, cur = _bands_at(counts, period.last)
    prev_month, prev = _bands_at(counts, prev_period.last)
    n, n_prev = int(cur["n"].sum()), int(prev["n"].sum())
    in_bands = ", ".join(_(BAND_COUNTS[r.band]).format(n=int(r.n)) if r.band in BAND_COUNTS else f"{int(r.n)} {r.band}"
                         for r in cur.itertuples())
    extra = {"bands": cur, "bands_previous": prev, "month": month, "previous_month": prev_month,
             "unscored": cur.attrs.get("unscored", 0)}
    where = f"{formats.month(month)}: {in_bands}" if month else _("no health signals in the period")
    spark = [(w.last, _bands_at(counts, w.last)[1]) for w in windows]

    def series(band: str, column: str) -> Series:
        return tuple((last, _share(b, band, column)) for last, b in spark)

    base = dict(n=n, n_previous=n_prev, enough=n >= MIN_CUSTOMERS, extra=extra, area="health", detail=where)
    return [
        Tile(key="health_green", label=tile_label("health_green"), unit="share",
             value=_share(cur, "green", "share"), previous=_share(prev, "green", "share"),
             definition=_("Share of scored customers in the green band (score above 75) in the latest month "
                          "with health signals; score = weighted mean of normalised success indicators. Every "
                          "customer is scored, so no test applies to the change."),
             series=series("green", "share"), **base),
        Tile(key="health_green_arr", label=tile_label("health_green_arr"), unit="share",
             value=_share(cur, "green", "weight_share"), previous=_share(prev, "green", "weight_share"),
             definition=_("Share of the ARR (12 x the month's MRR) of scored customers held by customers in "
                          "the green band."), series=series("green", "weight_share"), **base),
        Tile(key="health_red", label=tile_label("health_red"), unit="share",
             value=_share(cur, "red", "share"), previous=_share(prev, "red", "share"),
             definition=_("Share of scored customers in the red band (score 50 or below)."),
             series=series("red", "share"), **base),
    ]


# --- onboarding ------------------------------------------------------------------------------------


def signing_cohort(durations: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The customers of ``durations`` signed in ``period``, without the data-problem report."""
    cohort = ttfv.signed_in(durations, start=period.start, end=period.end)
    cohort.attrs = {}  # the data-problem report travels in attrs; it is not needed here
    return cohort


def _summary(cohort: pd.DataFrame) -> pd.Series:
    return ttfv.ttfv_summary(cohort, targets=(ttfv.DEFAULT_TARGET_DAYS,)).iloc[0]


def _log_rank(cur: pd.DataFrame, prev: pd.DataFrame) -> float:
    if cur.empty or prev.empty:
        return math.nan
    both = pd.concat([cur.assign(_cohort="current"), prev.assign(_cohort="previous")], ignore_index=True)
    return float(ttfv.compare_groups(both, by="_cohort").p_value)


def ttfv_tiles(
    engine: Engine, *, period: Period, as_of: dt.date, previous: Period | None = None, flt: q.CustomerFilter = q.ALL,
) -> list[Tile]:
    """Kaplan-Meier median days to first value, and the share reaching it within the target, for
    customers signed in the period; the change is tested with a log-rank test of the two cohorts.
    Only the customers signed in the period, the comparison period or a sparkline window are read."""
    prev_period = previous or period.previous()
    start, end = _span(period, prev_period, *sparkline_windows(period))
    durations = signing_durations(engine, start=start, end=end, as_of=as_of, flt=flt)
    return ttfv_tiles_from(durations, period=period, previous=prev_period)


def ttfv_tiles_from(durations: pd.DataFrame, *, period: Period, previous: Period | None = None) -> list[Tile]:
    """``ttfv_tiles`` from the customers' ``ttfv.ttfv_durations`` (a page holding them already)."""
    prev_period = previous or period.previous()
    start, end = _span(period, prev_period, *sparkline_windows(period))
    durations = ttfv.signed_in(durations, start=start, end=end)  # every cohort below is sliced from these
    cur_c, prev_c = signing_cohort(durations, period), signing_cohort(durations, prev_period)
    cur, prev = _summary(cur_c), _summary(prev_c)
    p_value = _log_rank(cur_c, prev_c)
    verdict = change_verdict(p_value, len(cur_c) >= MIN_CUSTOMERS and len(prev_c) >= MIN_CUSTOMERS)
    target = ttfv.DEFAULT_TARGET_DAYS
    within = f"within_{target}"
    spark = [(w.last, _summary(signing_cohort(durations, w))) for w in sparkline_windows(period)]
    n, n_prev = int(cur["n"]), int(prev["n"])
    share_low = share_high = math.nan
    if n:  # the Kaplan-Meier pointwise interval of 1 - S(target)
        reached = ttfv.reached_by(cur_c, days=(target,)).iloc[0]
        share_low, share_high = float(reached["low"]), float(reached["high"])
    common = dict(n=n, n_previous=n_prev, enough=n >= MIN_CUSTOMERS, test=verdict, p_value=p_value,
                  test_name="log-rank test", area="onboarding",
                  detail=_("{censored} of {n} still onboarding").format(censored=int(cur["censored"]), n=n))
    return [
        Tile(key="ttfv", label=tile_label("ttfv"), unit="days", value=float(cur["median"]),
             previous=float(prev["median"]), low=float(cur["median_low"]), high=float(cur["median_high"]),
             definition=_("Kaplan-Meier median days from signing to first value for customers signed in the "
                          "period; customers still onboarding are censored, not dropped. The change is tested with a "
                          "log-rank test of the two signing cohorts."),
             series=tuple((last, float(s["median"])) for last, s in spark), **common),
        Tile(key="ttfv_within_target", label=tile_label("ttfv_within_target", days=target), unit="share",
             value=float(cur[within]), previous=float(prev[within]), low=share_low, high=share_high,
             definition=_("Share of customers signed in the period who reached first value within {days} "
                          "days of signing (1 - S(t) of the Kaplan-Meier curve, so customers still onboarding count), "
                          "with its pointwise 95% interval. Tested with the log-rank test of the two signing "
                          "cohorts.").format(days=target),
             series=tuple((last, float(s[within])) for last, s in spark), extra={"target": target}, **common),
    ]


# --- churn and retention ---------------------------------------------------------------------------


def valid_customers(customers: pd.DataFrame) -> pd.DataFrame:
    """The customers whose dates can be used: those recorded as churned before they signed are left
    out of churn and retention figures until corrected (the Churn & retention page lists them)."""
    return customers[~(pd.to_datetime(customers["churned_on"]) < pd.to_datetime(customers["signed_on"]))]


def retention_months(period: Period) -> tuple[dt.date, dt.date]:
    """The two months whose revenue the period's GRR and NRR compare (``retention.retention_months``;
    a period inside one month is compared with the next month)."""
    start_month, end_month = retention.retention_months(period.start, period.end)
    if end_month <= start_month:
        end_month = shift_months(start_month, 1)
    return start_month, end_month


def revenue_retention(
    engine: Engine, *, period: Period, flt: q.CustomerFilter = q.ALL, min_term: int | None = None
) -> retention.RevenueRetention:
    """GRR and NRR of ``period`` (customers on terms of ``min_term`` months or more, when given),
    from the sums the database computes (``revenue_retentions``)."""
    return revenue_retentions(engine, periods=(period,), flt=flt, min_term=min_term)[0]


def revenue_retentions(
    engine: Engine, *, periods: tuple[Period, ...], flt: q.CustomerFilter = q.ALL, min_term: int | None = None
) -> list[retention.RevenueRetention]:
    """GRR and NRR of each of ``periods`` from one query: the database sums starting MRR,
    expansion, contraction and churned MRR per pair of months (``retention_months``), the same
    figures ``retention.revenue_retention`` computes from the customer-month rows."""
    pairs = tuple(retention_months(p) for p in periods)
    sums = qc.revenue_retention_sums(engine, pairs=pairs, flt=flt, min_term=min_term)
    return [
        retention.retention_from_sums(r.start_month, r.end_month, n=r.n, n_churned=r.n_churned, starting=r.starting,
                                      expansion=r.expansion, contraction=r.contraction, churned=r.churned)
        for r in sums.itertuples()
    ]


#: The definitions of the retention tiles (English; shown as ``_(LOGO_CHURN_DEFINITION)``...).
LOGO_CHURN_DEFINITION = N_(
    "Customers lost during the period divided by customers active at its start (customers signed inside "
    "the period are excluded). Every customer counts, so no test applies."
)
GRR_DEFINITION = N_(
    "Gross revenue retention: revenue kept from the customers paying going into the period, each capped "
    "at its starting amount (expansion does not count); never above 100%."
)
NRR_DEFINITION = N_(
    "Net revenue retention: revenue of the customers paying going into the period, at its end, as a "
    "share of their starting revenue; expansion counts, so it can exceed 100%."
)


def _arr(mrr: float, currency: str) -> str:
    return fmt_value(12 * mrr, "currency", currency=currency)


def retention_tiles(
    engine: Engine, *, period: Period, previous: Period | None = None, flt: q.CustomerFilter = q.ALL,
    customers: pd.DataFrame | None = None, first_day: dt.date | None = None,
) -> list[Tile]:
    """Logo churn, gross and net revenue retention: the one builder of these three tiles, for the
    Overview, the Churn & retention page and the board pack.

    Logo churn counts the customers active at the start who were lost in the period. GRR and NRR
    compare the revenue of the month holding the day before the period with the period's last
    month (``retention_months``); negative MRR rows are left out.
    """
    cust = valid_customers(q.customer_dates(engine, flt=flt) if customers is None else customers)
    prev_period = previous or period.previous()
    windows = sparkline_windows(period)
    n, lost = retention.logo_churn_counts(cust, start=period.start, end=period.end)
    n_prev, lost_prev = retention.logo_churn_counts(cust, start=prev_period.start, end=prev_period.end)
    joined = consistency.joined_and_left(cust, start=period.start, end=period.end)
    if joined:
        inside = _("{lost} of the {n} customers active at the start lost; {joined} more joined and left within "
                   "the period (not in the rate)").format(lost=lost, n=n, joined=joined)
    else:
        inside = _("{lost} of the {n} customers active at the start lost").format(lost=lost, n=n)
    logo = Tile(
        key="logo_churn", label=tile_label("logo_churn"), unit="share",
        value=lost / n if n else math.nan, previous=lost_prev / n_prev if n_prev else math.nan,
        n=n, n_previous=n_prev, enough=n >= MIN_CUSTOMERS, definition=_(LOGO_CHURN_DEFINITION),
        detail=inside, extra={"joined_and_left": joined}, warnings=tuple(consistency.snapshot_signs(cust)),
        series=_series(period, lambda p: retention.logo_churn_rate(cust, start=p.start, end=p.end),
                       first_day=first_day),
        area="retention",
    )
    cur, prev, *spark = revenue_retentions(engine, periods=(period, prev_period, *windows), flt=flt)
    months_text = f"{formats.month(cur.start_month)} → {formats.month(cur.end_month)}"
    money = company_currency(engine)
    # Customers lost while no payer stopped paying: the revenue data cannot be read as retention.
    warning = consistency.revenue_disagreement(lost, cur.n_churned, cur.n)
    agrees_before = consistency.revenue_disagreement(lost_prev, prev.n_churned, prev.n) is None
    base = dict(n=cur.n, n_previous=prev.n, enough=cur.n >= MIN_CUSTOMERS, area="retention",
                extra={"retention": cur, "retention_previous": prev}, currency=money,
                warnings=(warning,) if warning else ())
    grr_detail = _("{months}: of {starting} ARR, {contraction} lost to contraction and {churned} to churn "
                   "({n_churned} of {n} paying customers gone)").format(
        months=months_text, starting=_arr(cur.starting, money), contraction=_arr(cur.contraction, money),
        churned=_arr(cur.churned, money), n_churned=cur.n_churned, n=cur.n)
    nrr_detail = _("{months}: {expansion} ARR gained from expansion").format(
        months=months_text, expansion=_arr(cur.expansion, money))
    return [
        logo,
        Tile(key="grr", label=tile_label("grr"), unit="share", value=math.nan if warning else cur.grr,
             previous=prev.grr if agrees_before else math.nan,
             definition=_(GRR_DEFINITION), detail=grr_detail if cur.n else cur.note,
             series=tuple((w.last, r.grr) for w, r in zip(windows, spark)), **base),
        Tile(key="nrr", label=tile_label("nrr"), unit="share", value=math.nan if warning else cur.nrr,
             previous=prev.nrr if agrees_before else math.nan,
             definition=_(NRR_DEFINITION),
             detail=nrr_detail if cur.n else cur.note,
             series=tuple((w.last, r.nrr) for w, r in zip(windows, spark)), **base),
    ]


# --- customers and ARR -----------------------------------------------------------------------------


def customers_tiles(
    engine: Engine, *, period: Period, previous: Period | None = None, flt: q.CustomerFilter = q.ALL,
    customers: pd.DataFrame | None = None,
) -> list[Tile]:
    """Active customers at the period's last day, and ARR (12 x the MRR of its last month)."""
    cust = q.customer_dates(engine, flt=flt) if customers is None else customers
    prev_period = previous or period.previous()
    windows = sparkline_windows(period)
    now = int(retention.active_at(cust, period.last).sum())
    before = int(retention.active_at(cust, prev_period.last).sum())
    if q.has_revenue(engine, flt=flt):
        months = tuple(sorted({p.last.replace(day=1) for p in (period, prev_period, *windows)}))
        arr = q.arr_by_month(engine, months=months, flt=flt).set_index("month")

        def arr_of(p: Period) -> tuple[int, float]:
            row = arr.loc[pd.Timestamp(p.last.replace(day=1))]
            return int(row["customers"]), float(row["arr"])

        arr_label, arr_definition = tile_label("arr"), _("12 x the monthly recurring revenue of the period's last month.")
    else:  # no monthly revenue imported: the customers file's ARR column, said so
        amounts = pd.to_numeric(cust["arr"], errors="coerce").fillna(0.0)

        def arr_of(p: Period) -> tuple[int, float]:
            active = retention.active_at(cust, p.last)
            return int(active.sum()), float(amounts[active].sum())

        arr_label = tile_label("arr_file")
        arr_definition = _("The ARR column of the customers file, summed over the customers active on the period's "
                           "last day; no monthly revenue is imported, so each customer counts with its ARR as the "
                           "file gives it (current, or last before churn), in every period.")

    n_rev, arr_now = arr_of(period)
    _n_prev, arr_prev = arr_of(prev_period)
    return [
        Tile(key="customers", label=tile_label("customers"), unit="count", value=float(now), previous=float(before),
             n=now, n_previous=before,
             definition=_("Customers signed on or before the period's last day and not churned by then."),
             series=tuple((w.last, float(retention.active_at(cust, w.last).sum())) for w in windows),
             area="customers"),
        Tile(key="arr", label=arr_label, unit="currency", value=arr_now, previous=arr_prev, n=n_rev,
             n_previous=before, definition=arr_definition,
             series=tuple((w.last, arr_of(w)[1]) for w in windows), area="customers",
             currency=company_currency(engine)),
    ]


# --- maturity --------------------------------------------------------------------------------------


def maturity_tiles(engine: Engine, *, period: Period, previous: Period | None = None) -> list[Tile]:
    """Company-wide median stage per dimension in the latest assessment round opened by the
    period's last day, against the round before it (Mann-Whitney U via ``maturity.round_changes``).

    Maturity is assessed by teams, not customers: the customer filters do not apply. Returns no
    tiles when no round has answers.
    """
    answers = qm.answers(engine)
    if answers.empty:
        return []
    answers = answers[pd.to_datetime(answers["round_opened_on"]) < pd.Timestamp(period.end)]
    order = maturity.round_order(answers)
    if not order:
        return []
    current = answers[answers["round"] == order[-1]]
    agg = maturity.aggregate(current, by=("dimension",)).set_index("dimension")
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
            verdict = change_verdict(p_value, n >= maturity.MIN_RESPONDENTS and n_prev >= maturity.MIN_RESPONDENTS)
        else:
            prev_value, n_prev, p_value, verdict = math.nan, 0, math.nan, NOT_TESTABLE
        dim_trend = trend[trend["dimension"] == dim]
        tiles.append(Tile(
            key=f"maturity_{dim}", label=tile_label("maturity", dimension=instrument.dimension_label(dim, i18n.language())),
            unit="stage",
            value=value, previous=prev_value, n=n, n_previous=n_prev, enough=n >= maturity.MIN_RESPONDENTS,
            definition=_("Median self-assessed stage (1 Island … 5 Social Business) across every answer in "
                         "the latest round, against the round before; the change is tested with a Mann-Whitney U "
                         "test. Assessed by teams: the customer filters do not apply."),
            detail=(_("round {round} vs {previous}").format(round=order[-1], previous=order[-2]) if len(order) > 1
                    else _("round {round}").format(round=order[-1])),
            extra={"dimension": dim, "round": order[-1], "previous_round": order[-2] if len(order) > 1 else None},
            test=verdict, p_value=p_value, test_name="Mann-Whitney U",
            series=tuple((pd.Timestamp(r.round_opened_on).date(), float(r.median)) for r in dim_trend.itertuples()),
            area="maturity",
        ))
    return tiles


# --- meetings --------------------------------------------------------------------------------------


def meeting_share_tile(engine: Engine, *, period: Period, previous: Period | None = None) -> Tile | None:
    """Customer share of agenda time in the meetings logged in the period (``meetings.customer_share``).

    Meetings are internal: the customer filters do not apply. None when no meeting was ever logged.
    """
    prev_period = previous or period.previous()
    windows = sparkline_windows(period)
    start, end = _span(period, prev_period, *windows)
    meeting_rows = qmeet.meeting_rows(engine, start=start, end=end)
    if meeting_rows.empty:
        return None
    items = qmeet.agenda_item_totals(engine, start=start, end=end)
    cur = meetings.customer_share(items, meeting_rows, period=period).iloc[0]
    prev = meetings.customer_share(items, meeting_rows, period=prev_period).iloc[0]
    per = meetings.per_meeting(items, meeting_rows)
    held = pd.to_datetime(per["held_on"])

    def inside(p: Period) -> pd.DataFrame:
        return per[(held >= pd.Timestamp(p.start)) & (held < pd.Timestamp(p.end))]

    def window_share(p: Period) -> float:
        # The same ratio of totals as ``customer_share``'s time share, on the meetings of the window.
        rows = inside(p)
        return ratio_interval(rows["customer_minutes"].to_numpy(), rows["agenda_minutes"].to_numpy())[0]

    before, now = inside(prev_period), inside(period)
    _difference, p_value = ratio_difference(before["customer_minutes"], before["agenda_minutes"],
                                  now["customer_minutes"], now["agenda_minutes"])
    n, n_prev = int(cur["meetings"]), int(prev["meetings"])
    baseline_verdict = cur["baseline_verdict"]  # an English N_ value of cs_metrics.meetings, read in the catalog
    return Tile(
        key="meeting_share", label=tile_label("meeting_share"), unit="share",
        value=float(cur["time_share"]), previous=float(prev["time_share"]), n=n, n_previous=n_prev,
        low=float(cur["time_share_low"]), high=float(cur["time_share_high"]), enough=n >= MIN_MEETINGS,
        definition=_("Minutes of agenda items about the customer (directly or indirectly) over all recorded "
                     "agenda minutes of the meetings logged in the period, against the 5% implied by the estimate "
                     "that 95% of meeting content is internal. The change is tested with a z-test on the two ratio "
                     "estimates. Meetings are internal: the customer filters do not apply."),
        # The English says "meetings" for one meeting too (as it always has); the translation agrees.
        detail=ngettext("{n} meetings · {verdict}", "{n} meetings · {verdict}", n).format(
            n=n, verdict=_(baseline_verdict)),
        extra={"share": cur, "share_previous": prev, "baseline": meetings.BASELINE_SHARE},
        test=change_verdict(p_value, n >= 2 and n_prev >= 2), p_value=p_value, test_name="z-test on ratios",
        series=tuple((w.last, float(window_share(w))) for w in windows),
        area="meetings",
    )


# --- all tiles -------------------------------------------------------------------------------------

#: The figures (keys of ``coverage.NEEDS``) each area reads: ``coverage.OVERVIEW_FIGURES``, and the
#: renewals ahead, read from the customers file's contracts.
_AREA_FIGURES: dict[str, tuple[str, ...]] = {
    area: tuple(f for f, a in coverage.OVERVIEW_FIGURES.items() if a == area) for area in AREAS
} | {"renewals": ("customers",)}


def overview_tiles(
    engine: Engine,
    *,
    period: Period,
    flt: q.CustomerFilter = q.ALL,
    as_of: dt.date | None = None,
    previous: Period | None = None,
    areas: tuple[str, ...] | None = None,
    keep_absent: bool = False,
) -> list[Tile]:
    """Headline tiles for ``period`` and the comparison period, in display order.

    Tiles whose data the database does not hold at all (no NPS answers, no health signals, no
    first-value milestones, no monthly revenue, ...: ``services.coverage``) are left out, so no
    figure is shown as a number without data; ``coverage.left_out`` says which and why.

    Parameters
    ----------
    period
        The period shown.
    flt
        Customers to include (maturity and meetings are company-wide and ignore it).
    as_of
        The date up to which onboarding is observed, and after which renewals are ahead (default:
        the period's last day).
    previous
        The comparison period (default: the previous period of equal length).
    areas
        Areas to compute (default: every one of ``tiles.AREAS``).
    keep_absent
        Keep the tiles whose data is absent too (shown with n = 0).

    Example
    -------
    >>> from cs_metrics.storage import db
    >>> engine = db.make_engine("sqlite://"); db.upgrade(engine)
    >>> span = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    >>> overview_tiles(engine, period=span)
    []
    >>> tiles = overview_tiles(engine, period=span, keep_absent=True)
    >>> [t.key for t in tiles][:2], tiles[0].n
    (['nps', 'health_green'], 0)
    """
    as_of = as_of or period.last
    absent = {} if keep_absent else coverage.absent_figures(engine)
    wanted = tuple(AREAS) if areas is None else tuple(a for a in AREAS if a in areas)
    wanted = tuple(a for a in wanted if any(f not in absent for f in _AREA_FIGURES.get(a, ())))
    frame = q.customer_dates(engine, flt=flt)
    first_day = q.data_extent(engine).get("first")
    scope = dict(period=period, previous=previous, flt=flt)
    tiles: list[Tile] = []
    if "nps" in wanted:
        tiles.append(nps_tile(engine, first_day=first_day, **scope))
    if "health" in wanted:
        tiles.extend(health_tiles(engine, **scope))
    if "onboarding" in wanted:
        tiles.extend(ttfv_tiles(engine, as_of=as_of, **scope))
    if "retention" in wanted:
        tiles.extend(retention_tiles(engine, customers=frame, first_day=first_day, **scope))
    if "renewals" in wanted:
        tiles.extend(renewals_tiles(engine, as_of=as_of, **scope))
    if "maturity" in wanted:
        tiles.extend(maturity_tiles(engine, period=period, previous=previous))
    if "meetings" in wanted:
        tile = meeting_share_tile(engine, period=period, previous=previous)
        if tile is not None:
            tiles.append(tile)
    if "customers" in wanted:
        tiles.extend(customers_tiles(engine, customers=frame, **scope))
    return [t for t in tiles if coverage.figure_of(t.key) not in absent]
