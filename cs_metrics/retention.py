"""Retention: logo churn, and (with their own functions) revenue retention and cohorts."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from cs_metrics.errors import DataError


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
        raise DataError(f"logo_churn_rate needs the column(s) {missing}.")
    if pd.Timestamp(end) <= pd.Timestamp(start):
        raise DataError(f"The window must end after it starts (got {start} to {end}).")
    signed = pd.to_datetime(customers["signed_on"])
    churned = pd.to_datetime(customers["churned_on"])
    start_ts, end_ts = pd.Timestamp(start), pd.Timestamp(end)
    at_start = (signed < start_ts) & (churned.isna() | (churned >= start_ts))
    lost = at_start & churned.notna() & (churned < end_ts)
    return int(at_start.sum()), int(lost.sum())
