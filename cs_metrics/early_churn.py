"""Early churn: customers lost within ``EARLY_DAYS`` of signing, a class of its own.

Most early-churn problems show in the first 90 days after the sale (the wrong customers acquired,
gaps in onboarding), so it is read apart from the rest of churn. Each customer is judged once, in
the period in which its first ``EARLY_DAYS`` days close.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd

from cs_metrics.churn import EARLY_DAYS, check_churn, reason_label, reason_pareto
from cs_metrics.errors import DataError
from cs_metrics.stats import wilson_interval
from cs_metrics.tiles import MIN_CUSTOMERS


@dataclass(frozen=True)
class EarlyChurn:
    """Early churn of the customers whose first ``days`` days ended in a period.

    ``n`` customers, ``lost`` of them churned within ``days`` days of signing; ``rate`` with a
    95% Wilson interval ``low``-``high``; ``reached_first_value`` counts the early churners who
    had reached first value before leaving. ``customers`` lists the early churners
    (``customer_id``, ``name``, ``segment``, ``signed_on``, ``churned_on``, ``days``,
    ``primary_reason``, ``first_value_on``, ``reached_first_value``); ``reasons`` is their
    ``reason_pareto``; ``excluded`` counts customers whose window closes after ``as_of``.
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
) -> EarlyChurn:
    """Share of customers who churned within ``days`` of signing, among those whose first
    ``days`` days ended in ``[start, end)``.

    Each customer is judged once, in the period in which its first ``days`` days close, so every
    customer counted has been observed long enough; those whose window closes in the period but
    after ``as_of`` are not judged yet (``excluded``). A customer churned on day ``days`` after
    signing is early. First value counts as reached when its date is on or before the churn date.

    Parameters
    ----------
    customers
        ``customer_id``, ``signed_on``, ``churned_on`` (plus ``name``, ``segment`` if shown).
    churn
        The churn table (reasons), one row per churned customer.
    first_value
        ``customer_id``, ``reached_on``: the first-value date of customers who reached it.

    Example
    -------
    Three customers signed on 10 January 2025 (their 90 days end on 10 April), one left after
    40 days: 1 of 3 in April.

    >>> c = pd.DataFrame({"customer_id": [1, 2, 3], "signed_on": ["2025-01-10"] * 3,
    ...                   "churned_on": [None, "2025-02-19", None]})
    >>> k = pd.DataFrame({"customer_id": [2], "churned_on": ["2025-02-19"], "primary_reason": ["wrong_fit"]})
    >>> fv = pd.DataFrame({"customer_id": [1], "reached_on": ["2025-02-01"]})
    >>> e = early_churn(c, k, fv, start=dt.date(2025, 4, 1), end=dt.date(2025, 5, 1),
    ...                 as_of=dt.date(2025, 12, 31))
    >>> (e.n, e.lost, e.reached_first_value)
    (3, 1, 0)
    """
    missing = [c for c in ("customer_id", "signed_on", "churned_on") if c not in customers.columns]
    if missing:
        raise DataError(f"Early churn needs the customer column(s) {missing}.")
    check_churn(churn)
    signed = pd.to_datetime(customers["signed_on"])
    churned = pd.to_datetime(customers["churned_on"])
    closes = signed + pd.Timedelta(days=days)
    in_period = (closes >= pd.Timestamp(start)) & (closes < pd.Timestamp(end))
    valid = churned.isna() | (churned >= signed)
    mature = closes <= pd.Timestamp(as_of)
    cohort = in_period & valid & mature
    tenure = (churned - signed).dt.days
    early = cohort & churned.notna() & (tenure <= days)
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
    reasons = churn.set_index("customer_id")
    table["primary_reason"] = table["customer_id"].map(reasons["primary_reason"]) if len(reasons) else None
    table["reason"] = table["primary_reason"].map(lambda r: reason_label(r) if isinstance(r, str) else None)
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
        excluded=int((in_period & valid & ~mature).sum()),
        days=days,
        enough=n >= MIN_CUSTOMERS,
        customers=table,
        reasons=reason_pareto(early_rows) if len(early_rows) else reason_pareto(churn.iloc[:0]),
    )
