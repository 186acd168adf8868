"""Retention: logo churn, gross and net revenue retention, cohorts, and renewal beside retention.

Definitions
-----------
* **Logo churn** for a window ``[start, end)``: customers lost inside the window divided by the
  customers active at ``start``; customers signed inside the window count in neither.
* **Revenue retention** from ``start_month`` to ``end_month`` covers only the customers with
  revenue in ``start_month``. Each one's change is split into expansion (it pays more),
  contraction (it pays less but still pays) and churn (it pays nothing). Gross revenue retention
  (GRR) caps every customer at its starting revenue, so it never exceeds 1; net revenue
  retention (NRR) counts expansion too and may exceed 1.
* **Cohorts**: a customer's cohort is the month (or quarter) of its first month with revenue;
  a cell is the share of the cohort's customers (``by="logo"``) or of its first-month revenue
  (``by="revenue"``) still there so many months later. A cell is computed only from customers
  whose month is inside the data; the weighted average row pools every cohort, weighting each by
  its size.
* **Contract ends** (rolling terms): a contract signed on ``signed_on`` with a term of ``T``
  months ends on ``signed_on + k·T`` months for k = 1, 2, ... (the day of the month is clipped
  to the month's length: 31 January + 1 month is 28 or 29 February). A contract end counts as
  *up for renewal* when the customer was still a customer that day (not churned before it); it
  is *renewed* unless the customer churned on that day or within ``grace_days`` after it.
* **Renewal rate**: renewed ÷ up for renewal, counting only the contracts whose end fell in the
  window. It is a count of transactions; retention, measured over the same window, says how much
  of the whole book is still there. With annual or multi-year terms the two differ: a customer
  who disengaged mid-contract renews (or not) only at its end.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from babel.dates import format_date

from cs_metrics.errors import DataError
from cs_metrics.i18n import LOCALES, N_, _, formats, ngettext

#: Example rows kept by the data checks.
EXAMPLE_ROWS = 5


class RevenueDataError(DataError):
    """A revenue table cannot be used as given (columns, missing or negative MRR, duplicates)."""


@dataclass(frozen=True)
class DataIssue:
    """One data problem found by a check: how many rows, a few examples, and what was done."""

    key: str
    label: str
    count: int
    examples: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False, hash=False)
    action: str = ""

    def __bool__(self) -> bool:
        return self.count > 0


# --- logo churn ---------------------------------------------------------------------------------


def active_at(customers: pd.DataFrame, day: dt.date) -> pd.Series:
    """Boolean mask: signed on or before ``day`` and not churned on or before it."""
    signed = pd.to_datetime(customers["signed_on"])
    churned = pd.to_datetime(customers["churned_on"])
    ts = pd.Timestamp(day)
    return (signed <= ts) & (churned.isna() | (churned > ts))


def logo_churn_rate(customers: pd.DataFrame, *, start: dt.date, end: dt.date) -> float:
    """Share of the customers active at ``start`` who were lost in ``[start, end)``.

    Parameters
    ----------
    customers
        ``customer_id``, ``signed_on``, ``churned_on`` (empty/NaT while active).
    start, end
        The window; customers signed inside it are excluded from both numerator and denominator.

    Returns
    -------
    float
        NaN when no customer was active at ``start``; the count behind the rate is in
        ``logo_churn_counts``.

    Example
    -------
    Four customers active at the start, one lost inside the window, one signed inside the
    window and lost too (excluded): 1 / 4 = 0.25.

    >>> c = pd.DataFrame({"customer_id": [1, 2, 3, 4, 5],
    ...     "signed_on": ["2024-01-01"] * 4 + ["2025-03-01"],
    ...     "churned_on": [None, "2025-06-01", None, None, "2025-05-01"]})
    >>> logo_churn_rate(c, start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1))
    0.25
    """
    at_start, lost = logo_churn_counts(customers, start=start, end=end)
    return lost / at_start if at_start else math.nan


def logo_churn_counts(customers: pd.DataFrame, *, start: dt.date, end: dt.date) -> tuple[int, int]:
    """(customers active at ``start``, of whom lost in ``[start, end)``)."""
    missing = [c for c in ("signed_on", "churned_on") if c not in customers.columns]
    if missing:
        raise DataError(_("logo_churn_rate needs the column(s) {columns}.").format(columns=missing))
    if pd.Timestamp(end) <= pd.Timestamp(start):
        raise DataError(_("The window must end after it starts (got {start} to {end}).").format(start=start, end=end))
    signed = pd.to_datetime(customers["signed_on"])
    churned = pd.to_datetime(customers["churned_on"])
    start_ts, end_ts = pd.Timestamp(start), pd.Timestamp(end)
    at_start = (signed < start_ts) & (churned.isna() | (churned >= start_ts))
    lost = at_start & churned.notna() & (churned < end_ts)
    return int(at_start.sum()), int(lost.sum())


def _month_name(month: pd.Timestamp) -> str:
    """A month in words: "March 2026" / "marzo 2026"."""
    if not formats.italian():
        return f"{month:%B %Y}"
    return format_date(month.date(), "MMMM y", locale=LOCALES["it"])


# --- data checks --------------------------------------------------------------------------------


def _month_floor(values) -> pd.Series:
    return pd.to_datetime(pd.Series(values)).dt.to_period("M").dt.to_timestamp()


def check_revenue(revenue: pd.DataFrame) -> None:
    """Raise ``RevenueDataError`` unless ``revenue`` is a usable customer-month table.

    It needs ``customer_id``, ``month`` and ``mrr``; MRR must be present and not negative, and
    each customer may appear once per month. ``negative_mrr`` finds the negative rows and
    ``without_negative_mrr`` drops them.
    """
    missing = [c for c in ("customer_id", "month", "mrr") if c not in revenue.columns]
    if missing:
        raise RevenueDataError(_(
            "The revenue table needs the column(s) {columns}: one row per customer and month "
            "with customer_id, month (first day of the month) and mrr."
        ).format(columns=missing))
    mrr = pd.to_numeric(revenue["mrr"], errors="coerce")
    if mrr.isna().any():
        n = int(mrr.isna().sum())
        raise RevenueDataError(ngettext(
            "{n} revenue row(s) have no numeric MRR; enter 0 for a month without revenue or remove the row.",
            "{n} revenue row(s) have no numeric MRR; enter 0 for a month without revenue or remove the row.", n,
        ).format(n=n))
    if (mrr < 0).any():
        n = int((mrr < 0).sum())
        raise RevenueDataError(ngettext(
            "{n} revenue row(s) have a negative MRR; credit notes belong in the month's net MRR, which cannot "
            "fall below 0. Fix or remove them.",
            "{n} revenue row(s) have a negative MRR; credit notes belong in the month's net MRR, which cannot "
            "fall below 0. Fix or remove them.", n,
        ).format(n=n))
    months = _month_floor(revenue["month"])
    dup = pd.DataFrame({"c": revenue["customer_id"].to_numpy(), "m": months.to_numpy()}).duplicated()
    if dup.any():
        n = int(dup.sum())
        raise RevenueDataError(ngettext(
            "{n} revenue row(s) repeat a customer and month; keep one row per customer and month (sum the "
            "amounts).",
            "{n} revenue row(s) repeat a customer and month; keep one row per customer and month (sum the "
            "amounts).", n,
        ).format(n=n))


def negative_mrr(revenue: pd.DataFrame, *, examples: int = EXAMPLE_ROWS) -> DataIssue:
    """Revenue rows with a negative MRR: count and the first ``examples`` rows.

    Example
    -------
    >>> r = pd.DataFrame({"customer_id": [1, 2], "month": ["2025-01-01"] * 2, "mrr": [10.0, -5.0]})
    >>> negative_mrr(r).count
    1
    """
    bad = pd.to_numeric(revenue["mrr"], errors="coerce") < 0
    return DataIssue(
        key="negative_mrr",
        label=N_("Revenue months with a negative MRR"),  # English, shown through _()
        count=int(bad.sum()),
        examples=revenue.loc[bad].head(examples).reset_index(drop=True),
        action=N_("left out of revenue retention and cohorts"),
    )


def without_negative_mrr(revenue: pd.DataFrame) -> tuple[pd.DataFrame, DataIssue]:
    """The revenue table without its negative-MRR rows, and the issue describing them."""
    issue = negative_mrr(revenue)
    keep = ~(pd.to_numeric(revenue["mrr"], errors="coerce") < 0)
    return revenue.loc[keep].reset_index(drop=True), issue


def churn_before_signing(customers: pd.DataFrame, *, examples: int = EXAMPLE_ROWS) -> DataIssue:
    """Customers whose churn date is earlier than their signing date.

    Example
    -------
    >>> c = pd.DataFrame({"customer_id": [1, 2], "signed_on": ["2025-03-01", "2025-01-01"],
    ...                   "churned_on": ["2025-02-01", None]})
    >>> churn_before_signing(c).count
    1
    """
    signed = pd.to_datetime(customers["signed_on"])
    churned = pd.to_datetime(customers["churned_on"])
    bad = churned.notna() & (churned < signed)
    return DataIssue(
        key="churn_before_signing",
        label=N_("Customers who churned before they signed"),  # English, shown through _()
        count=int(bad.sum()),
        examples=customers.loc[bad].head(examples).reset_index(drop=True),
        action=N_("left out of churn and retention figures until the dates are corrected"),
    )


# --- revenue retention --------------------------------------------------------------------------


@dataclass(frozen=True)
class RevenueRetention:
    """Revenue retention of the customers with revenue in ``start_month``, at ``end_month``.

    ``starting`` is their MRR in ``start_month``; ``expansion``, ``contraction`` and ``churned``
    are positive amounts of MRR (gained, lost by customers still paying, lost by customers who
    pay nothing in ``end_month``). ``grr = (starting - contraction - churned) / starting`` and
    ``nrr = (starting + expansion - contraction - churned) / starting``; both are NaN, with a
    ``note``, when no customer had revenue at the start. ``n`` counts the customers at the start,
    ``n_churned`` those without revenue at the end.
    """

    start_month: dt.date
    end_month: dt.date
    n: int
    n_churned: int
    starting: float
    expansion: float
    contraction: float
    churned: float
    grr: float
    nrr: float
    note: str = ""

    @property
    def ending(self) -> float:
        """MRR at ``end_month`` of the customers present at the start."""
        return self.starting + self.expansion - self.contraction - self.churned


def _as_month(value) -> pd.Timestamp:
    return pd.Timestamp(value).to_period("M").to_timestamp()


def revenue_retention(revenue: pd.DataFrame, *, start_month, end_month) -> RevenueRetention:
    """Gross and net revenue retention from ``start_month`` to ``end_month``.

    Parameters
    ----------
    revenue
        One row per customer and month: ``customer_id``, ``month`` (first day of the month,
        date or Timestamp), ``mrr`` (not negative). Months other than the two compared are
        ignored; a customer without a row in ``end_month`` has churned.
    start_month, end_month
        The months compared (any day inside the month will do); ``end_month`` after
        ``start_month``.

    Returns
    -------
    RevenueRetention

    Example
    -------
    Customer 1 grows 100 -> 120, customer 2 shrinks 100 -> 70, customer 3 leaves (100 -> 0),
    customer 4 signs later (not counted): starting 300, expansion 20, contraction 30, churned 100;
    GRR = (300 - 30 - 100) / 300 = 0.5667, NRR = (300 + 20 - 30 - 100) / 300 = 0.6333.

    >>> r = pd.DataFrame({"customer_id": [1, 2, 3, 1, 2, 4],
    ...     "month": ["2025-01-01"] * 3 + ["2025-12-01"] * 3, "mrr": [100, 100, 100, 120, 70, 50]})
    >>> rr = revenue_retention(r, start_month="2025-01-01", end_month="2025-12-01")
    >>> round(rr.grr, 4), round(rr.nrr, 4)
    (0.5667, 0.6333)
    """
    check_revenue(revenue)
    return _retention(_by_month(revenue), _as_month(start_month), _as_month(end_month))


def _by_month(revenue: pd.DataFrame) -> dict[pd.Timestamp, pd.Series]:
    """MRR by customer, one Series per month."""
    months = _month_floor(revenue["month"])
    mrr = pd.to_numeric(revenue["mrr"]).astype(float)
    frame = pd.DataFrame({"month": months.to_numpy(), "customer_id": revenue["customer_id"].to_numpy(),
                          "mrr": mrr.to_numpy()})
    return {month: group.set_index("customer_id")["mrr"] for month, group in frame.groupby("month", sort=False)}


def _retention(months: dict[pd.Timestamp, pd.Series], start: pd.Timestamp, end: pd.Timestamp) -> RevenueRetention:
    if end <= start:
        raise RevenueDataError(_("The end month must come after the start month (got {start} and {end}).").format(
            start=f"{start:%Y-%m}", end=f"{end:%Y-%m}"))
    empty = pd.Series(dtype=float)
    first = months.get(start, empty)
    first = first[first > 0]
    last = months.get(end, empty).reindex(first.index).fillna(0.0)
    delta = last - first
    gone = last <= 0
    return retention_from_sums(
        start, end, n=len(first), n_churned=int(gone.sum()), starting=float(first.sum()),
        expansion=float(delta.clip(lower=0).sum()), contraction=float((-delta[~gone]).clip(lower=0).sum()),
        churned=float(first[gone].sum()),
    )


def retention_from_sums(
    start_month, end_month, *, n: int, n_churned: int, starting: float, expansion: float, contraction: float,
    churned: float,
) -> RevenueRetention:
    """``RevenueRetention`` from the sums it is made of (see the class), e.g. as a database
    computes them per pair of months; ``revenue_retention`` gives the same from the rows.

    Example
    -------
    The sums of the ``revenue_retention`` example: GRR (300 - 30 - 100) / 300, NRR (300 + 20 -
    30 - 100) / 300.

    >>> rr = retention_from_sums("2025-01-01", "2025-12-01", n=3, n_churned=1, starting=300.0,
    ...                          expansion=20.0, contraction=30.0, churned=100.0)
    >>> round(rr.grr, 4), round(rr.nrr, 4)
    (0.5667, 0.6333)
    """
    start, end = _as_month(start_month), _as_month(end_month)
    if end <= start:
        raise RevenueDataError(_("The end month must come after the start month (got {start} and {end}).").format(
            start=f"{start:%Y-%m}", end=f"{end:%Y-%m}"))
    note = ""
    if not n:
        note = _(
            "No customer had revenue in {month}: retention is measured on the customers "
            "paying at the start, so there is nothing to measure. Choose a later period."
        ).format(month=_month_name(start))
    grr = (starting - contraction - churned) / starting if starting else math.nan
    nrr = (starting + expansion - contraction - churned) / starting if starting else math.nan
    return RevenueRetention(
        start_month=start.date(),
        end_month=end.date(),
        n=int(n),
        n_churned=int(n_churned),
        starting=float(starting),
        expansion=float(expansion),
        contraction=float(contraction),
        churned=float(churned),
        grr=grr,
        nrr=nrr,
        note=note,
    )


def retention_months(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The months the revenue retention of the window ``[start, end)`` compares: the month
    holding the day before ``start`` (revenue going into the window) and the month holding its
    last day (``end`` minus one day).

    Example
    -------
    >>> retention_months(dt.date(2025, 11, 1), dt.date(2026, 11, 1))
    (datetime.date(2025, 10, 1), datetime.date(2026, 10, 1))
    """
    before = start - dt.timedelta(days=1)
    last = end - dt.timedelta(days=1)
    return before.replace(day=1), last.replace(day=1)


# --- cohorts ------------------------------------------------------------------------------------


def cohort_counts(revenue: pd.DataFrame) -> pd.DataFrame:
    """Aggregate a customer-month revenue table by cohort (first month with revenue) and month.

    Returns ``cohort_month``, ``month``, ``customers`` (customers with MRR above 0 that month) and
    ``mrr`` (their MRR), the input ``cohort_table`` needs; the storage layer computes the same
    table in SQL (``queries.churn.cohort_revenue``).
    """
    check_revenue(revenue)
    frame = pd.DataFrame(
        {
            "customer_id": revenue["customer_id"].to_numpy(),
            "month": _month_floor(revenue["month"]).to_numpy(),
            "mrr": pd.to_numeric(revenue["mrr"]).astype(float).to_numpy(),
        }
    )
    frame = frame[frame["mrr"] > 0]
    frame["cohort_month"] = frame.groupby("customer_id")["month"].transform("min")
    out = (
        frame.groupby(["cohort_month", "month"], as_index=False)
        .agg(customers=("customer_id", "nunique"), mrr=("mrr", "sum"))
        .sort_values(["cohort_month", "month"], ignore_index=True)
    )
    return out[["cohort_month", "month", "customers", "mrr"]]


def month_index(values) -> np.ndarray:
    """Months counted from year 0 (``year * 12 + month - 1``), so month differences are integers.

    >>> month_index(["2025-12-31", "2026-01-01"]).tolist()
    [24311, 24312]
    """
    ts = pd.to_datetime(pd.Series(values))
    return (ts.dt.year * 12 + ts.dt.month - 1).to_numpy(dtype="int64")


WEIGHTED_ROW = N_("All cohorts (weighted)")  # an index value; charts show it through _()


def cohort_table(
    revenue: pd.DataFrame, *, by: str = "logo", cohort: str = "M", last_month=None, min_customers: int = 10
) -> pd.DataFrame:
    """Retention by signing cohort and months since the cohort's first month.

    Parameters
    ----------
    revenue
        Either the customer-month table (``customer_id``, ``month``, ``mrr``) or its
        aggregate from ``cohort_counts`` (``cohort_month``, ``month``, ``customers``, ``mrr``).
    by
        ``"logo"``: share of the cohort's customers still paying; ``"revenue"``: MRR as a share
        of the cohort's first-month MRR (expansion can lift it above 1).
    cohort
        ``"M"`` (month) or ``"Q"`` (quarter) of the first month with revenue.
    last_month
        The last month observed (default: the latest month in the data).
    min_customers
        The weighted average row is left empty (NaN) at months observed for fewer customers.

    Returns
    -------
    DataFrame
        Index ``cohort`` (``"2025-01"`` or ``"2025 Q1"``), one column per month since the start
        (0, 1, 2, ...), and a last row ``"All cohorts (weighted)"``. A cohort's cell is NaN until
        all its customers have reached that month (in a quarterly cohort, the customers who
        started in its last month). The weighted row pools, at each month, every customer observed
        that long (grouped by first month, so it is the same for monthly and quarterly cohorts).
        ``attrs["size"]`` maps each cohort to its number of customers, ``attrs["observed"]`` gives
        the customers behind each weighted cell, and ``attrs["by"]``/``attrs["cohort"]`` repeat
        the options.

    Example
    -------
    Cohort Jan 2025 has customers 1 and 2; customer 2 leaves after one month: logo retention
    1.0 in month 0, 0.5 in month 1.

    >>> r = pd.DataFrame({"customer_id": [1, 2, 1], "mrr": [10.0, 10.0, 10.0],
    ...                   "month": ["2025-01-01", "2025-01-01", "2025-02-01"]})
    >>> cohort_table(r, min_customers=1).loc["2025-01"].tolist()
    [1.0, 0.5]
    """
    if by not in ("logo", "revenue"):
        raise DataError(_("Unknown cohort measure {by}: use 'logo' or 'revenue'.").format(by=repr(by)))
    if cohort not in ("M", "Q"):
        raise DataError(_("Unknown cohort length {cohort}: use 'M' (month) or 'Q' (quarter).").format(
            cohort=repr(cohort)))
    agg = revenue if "cohort_month" in revenue.columns else cohort_counts(revenue)
    if agg.empty:
        out = pd.DataFrame(index=pd.Index([], name="cohort"), dtype=float)
        out.attrs.update(size={}, observed={}, by=by, cohort=cohort)
        return out
    value_col = "customers" if by == "logo" else "mrr"
    f = month_index(agg["cohort_month"])
    mth = month_index(agg["month"])
    last = month_index([last_month])[0] if last_month is not None else int(mth.max())
    table = pd.DataFrame(
        {
            "f": f,
            "k": mth - f,
            "v": pd.to_numeric(agg[value_col]).astype(float).to_numpy(),
            "n": pd.to_numeric(agg["customers"]).astype(float).to_numpy(),
        }
    )
    table = table[(table["k"] >= 0) & (table["f"] + table["k"] <= last)]
    first = table[table["k"] == 0].groupby("f")[["v", "n"]].sum()
    cohorts = first.index.to_numpy()
    if len(cohorts) == 0:
        out = pd.DataFrame(index=pd.Index([], name="cohort"), dtype=float)
        out.attrs.update(size={}, observed={}, by=by, cohort=cohort)
        return out
    months = np.arange(int(last - cohorts.min()) + 1)
    value = table.pivot_table(index="f", columns="k", values="v", aggfunc="sum").reindex(
        index=cohorts, columns=months
    )
    observable = (cohorts[:, None] + months[None, :]) <= last
    value = value.fillna(0.0).where(observable)
    base = pd.DataFrame(
        np.where(observable, first["v"].to_numpy()[:, None], np.nan), index=cohorts, columns=months
    )
    seen = pd.DataFrame(
        np.where(observable, first["n"].to_numpy()[:, None], 0.0), index=cohorts, columns=months
    )

    def label(month_index: int) -> str:
        year, month = divmod(int(month_index), 12)
        return f"{year}-{month + 1:02d}" if cohort == "M" else f"{year} Q{month // 3 + 1}"

    groups = np.array([label(x) for x in cohorts], dtype=object)
    # min_count = group size: a cohort's cell needs every one of its first months observed.
    num = value.groupby(groups, sort=False).sum(min_count=1)
    den = base.groupby(groups, sort=False).sum(min_count=1)
    complete = base.notna().groupby(groups, sort=False).all()
    out = (num / den.where(den > 0)).where(complete)
    observed = seen.sum(axis=0)
    total = value.sum(axis=0, min_count=1) / base.sum(axis=0, min_count=1).where(lambda s: s > 0)
    out.loc[WEIGHTED_ROW] = total.where(observed >= min_customers)
    out.index.name = "cohort"
    out.columns = [int(k) for k in months]
    sizes = first["n"].groupby(groups, sort=False).sum()
    out.attrs.update(
        size={str(k): int(v) for k, v in sizes.items()},
        observed={int(k): int(v) for k, v in observed.items()},
        by=by,
        cohort=cohort,
    )
    return out
