"""Contracts and renewals: when each contract term ends under rolling terms, and how many of the
contracts due in a window were renewed (by count or by ARR).

A renewal rate counts transactions: only the contracts whose term ended in the window. Retention
(``cs_metrics.retention``) measures whether customers stayed and paid; with annual or multi-year
contracts the two differ, since a customer may disengage long before its contract ends.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from cs_metrics.errors import DataError
from cs_metrics.retention import EXAMPLE_ROWS, month_index


class ContractDataError(DataError):
    """Customer or contract columns needed for contract ends or renewals are missing or invalid."""


def _shift_months_each(days: pd.Series, months: np.ndarray) -> pd.Series:
    """Add whole months to dates, clipping the day of the month to the target month's length."""
    d = pd.to_datetime(days).to_numpy().astype("datetime64[D]")
    m = d.astype("datetime64[M]")
    dom = (d - m.astype("datetime64[D]")).astype("int64")
    target = m + np.asarray(months, dtype="int64")
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype("int64")
    return pd.Series((target.astype("datetime64[D]") + np.minimum(dom, length - 1)).astype("datetime64[ns]"))


def contract_ends(
    customers: pd.DataFrame, *, start: dt.date, end: dt.date, grace_days: int = 0
) -> pd.DataFrame:
    """Contract ends in ``[start, end)`` under rolling terms, and whether each was renewed.

    Parameters
    ----------
    customers
        ``customer_id``, ``signed_on``, ``contract_term_months`` (whole months, at least 1),
        ``churned_on`` (empty while active); other columns (``arr``, ``segment``...) are carried.
    start, end
        The window of contract end dates.
    grace_days
        A churn recorded up to this many days after a contract end still counts as not renewed.

    Returns
    -------
    DataFrame
        One row per contract end: the customer's columns, ``renewal_date`` (the end date) and
        ``renewed`` (bool). Contract ends after a customer churned are not listed.

    Example
    -------
    Signed 31 Jan 2024 on a 12-month term: ends 31 Jan 2025; churned that day, not renewed.

    >>> c = pd.DataFrame({"customer_id": [1], "signed_on": ["2024-01-31"],
    ...                   "contract_term_months": [12], "churned_on": ["2025-01-31"]})
    >>> ends = contract_ends(c, start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1))
    >>> ends[["renewal_date", "renewed"]].values.tolist()
    [[Timestamp('2025-01-31 00:00:00'), False]]
    """
    missing = [
        c
        for c in ("customer_id", "signed_on", "contract_term_months", "churned_on")
        if c not in customers.columns
    ]
    if missing:
        raise ContractDataError(f"Contract ends need the column(s) {missing}.")
    if pd.Timestamp(end) <= pd.Timestamp(start):
        raise ContractDataError(f"The window must end after it starts (got {start} to {end}).")
    term = pd.to_numeric(customers["contract_term_months"], errors="coerce")
    bad = term.isna() | (term < 1) | (term % 1 != 0)
    if bad.any():
        ids = customers.loc[bad, "customer_id"].head(EXAMPLE_ROWS).tolist()
        raise ContractDataError(
            f"{int(bad.sum())} customer(s) have a contract term that is not a whole number of months "
            f"of at least 1 (e.g. customers {ids}); set contract_term_months (1 for monthly contracts)."
        )
    columns = list(customers.columns) + ["renewal_date", "renewed"]
    data = customers.reset_index(drop=True)
    signed = pd.to_datetime(data["signed_on"])
    churned = pd.to_datetime(data["churned_on"])
    term = term.astype("int64").to_numpy()
    s_idx = month_index(signed)
    lo = np.maximum(1, (month_index([start])[0] - s_idx) // term - 1)
    hi = np.maximum(lo, (month_index([end])[0] - s_idx) // term + 1)
    count = hi - lo + 1
    rows = np.repeat(np.arange(len(data)), count)
    if rows.size == 0:
        return pd.DataFrame(columns=columns)
    k = np.arange(rows.size) - np.repeat(np.concatenate([[0], np.cumsum(count)[:-1]]), count) + lo[rows]
    ends = _shift_months_each(signed.iloc[rows].reset_index(drop=True), k * term[rows])
    churn = churned.iloc[rows].reset_index(drop=True)
    inside = (ends >= pd.Timestamp(start)) & (ends < pd.Timestamp(end))
    still_customer = churn.isna() | (churn >= ends)
    keep = (inside & still_customer).to_numpy()
    out = data.iloc[rows[keep]].reset_index(drop=True)
    out["renewal_date"] = ends[keep].reset_index(drop=True)
    lost = churn[keep].reset_index(drop=True)
    out["renewed"] = (lost.isna() | (lost > out["renewal_date"] + pd.Timedelta(days=grace_days))).astype(bool)
    return out.sort_values(["renewal_date", "customer_id"], ignore_index=True)[columns]


def renewal_rate(
    contracts: pd.DataFrame, *, start: dt.date, end: dt.date, weight: str | None = None
) -> float:
    """Renewed ÷ up for renewal, counting only the contracts whose renewal date is in ``[start, end)``.

    Parameters
    ----------
    contracts
        ``renewal_date`` and ``renewed`` (bool), e.g. from ``contract_ends``; plus the
        ``weight`` column when given.
    start, end
        The window of renewal dates.
    weight
        A column to weigh contracts by (e.g. ``"arr"``): renewed ARR ÷ ARR up for renewal.

    Returns
    -------
    float
        NaN when no contract came up for renewal in the window.

    Example
    -------
    The standard illustration: of 250,000 of ARR up for renewal, 200,000 renews: 80%.

    >>> k = pd.DataFrame({"renewal_date": ["2025-03-31", "2025-06-30"], "renewed": [True, False],
    ...                   "arr": [200_000.0, 50_000.0]})
    >>> renewal_rate(k, start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1), weight="arr")
    0.8
    """
    needed = ["renewal_date", "renewed"] + ([weight] if weight else [])
    missing = [c for c in needed if c not in contracts.columns]
    if missing:
        raise ContractDataError(f"renewal_rate needs the column(s) {missing}.")
    if pd.Timestamp(end) <= pd.Timestamp(start):
        raise ContractDataError(f"The window must end after it starts (got {start} to {end}).")
    day = pd.to_datetime(contracts["renewal_date"])
    due = contracts[(day >= pd.Timestamp(start)) & (day < pd.Timestamp(end))]
    if due.empty:
        return math.nan
    renewed = due["renewed"].astype(bool).to_numpy()
    if weight is None:
        return float(renewed.mean())
    w = pd.to_numeric(due[weight], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    return float(w[renewed].sum() / w.sum()) if w.sum() > 0 else math.nan
