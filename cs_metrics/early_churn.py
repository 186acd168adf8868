"""Early churn: customers lost within ``EARLY_DAYS`` of signing, a class of its own.

Most early-churn problems show in the first 90 days after the sale (the wrong customers acquired,
gaps in onboarding), so it is read apart from the rest of churn. Each customer is judged once, as
soon as its outcome is known: on the day it left, when it left within ``EARLY_DAYS`` of signing;
otherwise on the day its first ``EARLY_DAYS`` days close. So a customer lost after a month counts
in the month it left, whatever the shape of the data (a snapshot export whose latest customers
signed a few weeks before the export included), and a customer still inside its first
``EARLY_DAYS`` days is not judged yet.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd

from cs_metrics.churn import EARLY_DAYS, check_churn, reason_lookup, reason_pareto
from cs_metrics.errors import DataError
from cs_metrics.i18n import _
from cs_metrics.stats import wilson_interval
from cs_metrics.tiles import MIN_CUSTOMERS


@dataclass(frozen=True)
class EarlyChurn:
    """Early churn of the customers judged in a period (see the module docstring).

    ``n`` customers judged, ``lost`` of them churned within ``days`` days of signing; ``rate`` with a
    95% Wilson interval ``low``-``high``; ``reached_first_value`` counts the early churners who
    had reached first value before leaving. ``customers`` lists the early churners
    (``customer_id``, ``name``, ``segment``, ``signed_on``, ``churned_on``, ``days``,
    ``primary_reason``, ``first_value_on``, ``reached_first_value``); ``reasons`` is their
    ``reason_pareto``; ``excluded`` counts customers not judged yet: still inside their first
    ``days`` days on ``as_of`` (their window closes in the period, after ``as_of``).
    """

    n: int
    lost: int
    rate: float
    low: float
    high: float
    reached_first_value: int
    excluded: int
    days: int = EARLY_DAYS
    enough: bool = True
    customers: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False, hash=False)
    reasons: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False, hash=False)


def early_churn(
    customers: pd.DataFrame,
    churn: pd.DataFrame,
    first_value: pd.DataFrame,
    *,
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    days: int = EARLY_DAYS,
    reasons: pd.DataFrame | None = None,
) -> EarlyChurn:
    """Share of customers who churned within ``days`` of signing, among the customers judged in
    ``[start, end)`` (on or before ``as_of``).

    A customer is judged on its churn date when it churned within ``days`` of signing (a customer
    churned on day ``days`` is early), otherwise on the day its first ``days`` days close; so
    every customer counted has been observed long enough, and those still inside their first
    ``days`` days on ``as_of`` are not judged yet (``excluded``). The churn date is the
    customer's own, or its churn event's when the customer record has none. First value counts as
    reached when its date is on or before the churn date.

    Parameters
    ----------
    customers
        ``customer_id``, ``signed_on``, ``churned_on`` (plus ``name``, ``segment`` if shown).
    churn
        The churn table (reasons), one row per churned customer.
    first_value
        ``customer_id``, ``reached_on``: the first-value date of customers who reached it.
    reasons
        The company's churn reasons, for the early churners' ``reason`` labels
        (``churn.REASON_COLUMNS``; default ``churn.default_reasons()``).

    Example
    -------
    Three customers signed on 10 January 2025 (their 90 days end on 10 April), one left after
    40 days (19 February): it is judged in February, the other two in April.

    >>> c = pd.DataFrame({"customer_id": [1, 2, 3], "signed_on": ["2025-01-10"] * 3,
    ...                   "churned_on": [None, "2025-02-19", None]})
    >>> k = pd.DataFrame({"customer_id": [2], "churned_on": ["2025-02-19"], "primary_reason": ["wrong_fit"]})
    >>> fv = pd.DataFrame({"customer_id": [1], "reached_on": ["2025-02-01"]})
    >>> e = early_churn(c, k, fv, start=dt.date(2025, 2, 1), end=dt.date(2025, 5, 1),
    ...                 as_of=dt.date(2025, 12, 31))
    >>> (e.n, e.lost, e.reached_first_value)
    (3, 1, 0)
    >>> early_churn(c, k, fv, start=dt.date(2025, 4, 1), end=dt.date(2025, 5, 1), as_of=dt.date(2025, 12, 31)).n
    2
    """
    missing = [c for c in ("customer_id", "signed_on", "churned_on") if c not in customers.columns]
    if missing:
        raise DataError(_("Early churn needs the customer column(s) {columns}.").format(columns=missing))
    check_churn(churn)
    signed = pd.to_datetime(customers["signed_on"])
    churned = pd.to_datetime(customers["churned_on"])
    if len(churn):  # the churn event's date where the customer record has none
        event = pd.to_datetime(churn["churned_on"]).groupby(churn["customer_id"]).min()
        churned = churned.fillna(pd.Series(customers["customer_id"].map(event).to_numpy(), index=churned.index))
    customers = customers.assign(churned_on=churned)
    closes = signed + pd.Timedelta(days=days)
    valid = churned.isna() | (churned >= signed)
    tenure = (churned - signed).dt.days
    left_early = valid & churned.notna() & (tenure <= days)
    judged_on = churned.where(left_early, closes)
    start_ts, end_ts, as_of_ts = pd.Timestamp(start), pd.Timestamp(end), pd.Timestamp(as_of)
    in_period = (judged_on >= start_ts) & (judged_on < end_ts)
    known = judged_on <= as_of_ts
    cohort = valid & in_period & known
    early = cohort & left_early
    n, lost = int(cohort.sum()), int(early.sum())
    low, high = wilson_interval(lost, n)
    table = customers.loc[early].copy()
    table["days"] = tenure[early].astype("int64")
    fv = (
        first_value.assign(reached_on=pd.to_datetime(first_value["reached_on"]))
        .groupby("customer_id")["reached_on"]
        .min()
    )
    table["first_value_on"] = pd.to_datetime(fv.reindex(table["customer_id"].to_numpy()).to_numpy())
    table["reached_first_value"] = (
        table["first_value_on"].notna() & (table["first_value_on"] <= pd.to_datetime(table["churned_on"]))
    ).astype(bool)
    events = churn.set_index("customer_id")
    table["primary_reason"] = table["customer_id"].map(events["primary_reason"]) if len(events) else None
    labels = {key: entry[0] for key, entry in reason_lookup(reasons).items()}
    table["reason"] = table["primary_reason"].map(lambda r: labels.get(r, r) if isinstance(r, str) else None)
    keep = [
        c
        for c in (
            "customer_id",
            "external_id",
            "name",
            "segment",
            "signed_on",
            "churned_on",
            "days",
            "primary_reason",
            "reason",
            "first_value_on",
            "reached_first_value",
        )
        if c in table.columns
    ]
    table = table[keep].sort_values("churned_on", ascending=False, ignore_index=True)
    early_rows = churn[churn["customer_id"].isin(table["customer_id"])]
    return EarlyChurn(
        n=n,
        lost=lost,
        rate=lost / n if n else math.nan,
        low=float(low),
        high=float(high),
        reached_first_value=int(table["reached_first_value"].sum()),
        excluded=int((valid & in_period & ~known).sum()),
        days=days,
        enough=n >= MIN_CUSTOMERS,
        customers=table,
        reasons=reason_pareto(early_rows) if len(early_rows) else reason_pareto(churn.iloc[:0]),
    )
