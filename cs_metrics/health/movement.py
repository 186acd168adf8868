"""Scores over months: the months of a scored table, band shares by month, how customers move
between bands, who is at risk, and one customer's history."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from cs_metrics.errors import DataError
from cs_metrics.health.scoring import band_shares_by
from cs_metrics.i18n import N_, _

#: Where a customer can come from, and go to, between two months.
TRANSITION_FROM: tuple[str, ...] = ("red", "yellow", "green", "unscored")
TRANSITION_TO: tuple[str, ...] = ("red", "yellow", "green", "unscored", "churned")
#: Why a customer is on the at-risk list: the ``why`` values (kept in English as data), shown with ``why_label``.
WHY_LABELS: dict[str, str] = {"red": N_("red"), "falling": N_("falling"), "red and falling": N_("red and falling")}


def why_label(why: str) -> str:
    """Why a customer is at risk (a ``why`` value: "red", "falling", "red and falling") in the
    reader's language; any other value as it is."""
    return _(WHY_LABELS[why]) if why in WHY_LABELS else why


def month_starts(values: Any) -> pd.Series:
    """The first day of each value's month, as timestamps.

    Example
    -------
    >>> month_starts(["2026-01-15", "2026-02-01"]).dt.strftime("%Y-%m-%d").tolist()
    ['2026-01-01', '2026-02-01']
    """
    return pd.to_datetime(pd.Series(values)).dt.to_period("M").dt.to_timestamp()


def scored_months(scored: pd.DataFrame) -> list[pd.Timestamp]:
    """Months present in ``scored``, oldest first."""
    if scored.empty:
        return []
    return [pd.Timestamp(mo) for mo in sorted(month_starts(scored["month"]).unique())]


def month_rows(scored: pd.DataFrame, month: Any) -> pd.DataFrame:
    """The rows of ``scored`` for one month (any day of it)."""
    target = pd.Timestamp(month).to_period("M").to_timestamp()
    return scored[month_starts(scored["month"]).to_numpy() == target.to_datetime64()].reset_index(drop=True)


def customer_history(scored: pd.DataFrame, customer_id: int) -> pd.DataFrame:
    """One customer's scored months, oldest first (the rows of ``scored`` for ``customer_id``)."""
    rows = scored[scored["customer_id"] == customer_id]
    return rows.sort_values("month").reset_index(drop=True)


def customer_choices(scored: pd.DataFrame) -> dict[int, str]:
    """``customer_id -> "name (segment)"`` for a month's scored customers, sorted by name."""
    if scored.empty:
        return {}
    rows = scored.drop_duplicates("customer_id")
    rows = rows.sort_values(["name", "customer_id"]) if "name" in rows else rows.sort_values("customer_id")
    name = rows["name"].astype(str) if "name" in rows else rows["customer_id"].astype(str)
    label = name + (" (" + rows["segment"].astype(str) + ")" if "segment" in rows else "")
    return dict(zip(rows["customer_id"].astype(int), label))


def band_trend(scored: pd.DataFrame) -> pd.DataFrame:
    """Band shares per month: ``month``, ``band``, ``n``, ``share``, ``scored`` (customers with a band)."""
    return band_shares_by(scored, "month")


def band_transitions(
    before: pd.DataFrame, after: pd.DataFrame, *, churned: pd.DataFrame | None = None, until: Any = None
) -> pd.DataFrame:
    """How customers moved between bands from one month to another, in counts and ARR.

    Parameters
    ----------
    before, after
        Scored customers of the two months: ``customer_id``, ``band`` and optionally ``arr``.
    churned
        Optional ``customer_id``, ``churned_on``: a customer scored ``before`` but not ``after``
        who churned on or before ``until`` moves to ``churned`` rather than ``unscored``.
    until
        The last day a churn counts (included); no limit when None.

    Returns
    -------
    DataFrame
        ``from_band`` (red, yellow, green, unscored), ``to_band`` (red, yellow, green, unscored,
        churned), ``n`` and ``arr`` (ARR in the first month, or in the second for customers not
        scored before); only pairs that occur.

    Example
    -------
    >>> a = pd.DataFrame({"customer_id": [1, 2], "band": ["red", "green"]})
    >>> b = pd.DataFrame({"customer_id": [1, 3], "band": ["yellow", "green"]})
    >>> band_transitions(a, b)[["from_band", "to_band", "n"]].values.tolist()
    [['red', 'yellow', 1], ['green', 'unscored', 1], ['unscored', 'green', 1]]
    """
    def side(frame: pd.DataFrame) -> pd.DataFrame:
        cols = ["customer_id", "band"] + (["arr"] if "arr" in frame else [])
        return frame[cols].drop_duplicates("customer_id").set_index("customer_id")

    a, b = side(before), side(after)
    ids = a.index.union(b.index)
    frame = pd.DataFrame(index=ids)
    frame["from_band"] = a["band"].reindex(ids).fillna("unscored")
    frame["to_band"] = b["band"].reindex(ids).fillna("unscored")
    arr_a = a["arr"].reindex(ids) if "arr" in a else pd.Series(np.nan, index=ids)
    arr_b = b["arr"].reindex(ids) if "arr" in b else pd.Series(np.nan, index=ids)
    frame["arr"] = arr_a.where(arr_a.notna(), arr_b).astype(float)
    if churned is not None and not churned.empty:
        when = pd.to_datetime(churned.set_index("customer_id")["churned_on"]).reindex(ids)
        limit = pd.Timestamp(until) if until is not None else pd.Timestamp.max
        gone = (frame["to_band"] == "unscored") & when.notna() & (when <= limit)
        frame.loc[gone, "to_band"] = "churned"
    out = frame.groupby(["from_band", "to_band"], as_index=False).agg(n=("arr", "size"), arr=("arr", "sum"))
    return transitions_in_order(out)


def transitions_in_order(counts: pd.DataFrame) -> pd.DataFrame:
    """Band movement counted elsewhere (``from_band``, ``to_band``, ``n``, ``arr``, e.g. by SQL)
    in the order of ``band_transitions``: from red to unscored, then to red ... churned.

    Example
    -------
    >>> c = pd.DataFrame({"from_band": ["green", "red"], "to_band": ["churned", "yellow"], "n": [1, 2],
    ...                   "arr": [5.0, 7.0]})
    >>> transitions_in_order(c)[["from_band", "to_band"]].values.tolist()
    [['red', 'yellow'], ['green', 'churned']]
    """
    out = counts[["from_band", "to_band", "n", "arr"]].copy()
    out["from_band"] = pd.Categorical(out["from_band"], TRANSITION_FROM, ordered=True)
    out["to_band"] = pd.Categorical(out["to_band"], TRANSITION_TO, ordered=True)
    out = out.sort_values(["from_band", "to_band"]).reset_index(drop=True)
    out["from_band"] = out["from_band"].astype(str)
    out["to_band"] = out["to_band"].astype(str)
    out["n"] = out["n"].astype(int)
    out["arr"] = out["arr"].astype(float)
    return out


def transition_matrix(transitions: pd.DataFrame, *, value: str = "n") -> pd.DataFrame:
    """``band_transitions`` as a matrix: rows ``from_band``, columns ``to_band``, cells ``value``."""
    if transitions.empty:
        return pd.DataFrame(index=pd.Index([], name="from_band"), columns=pd.Index([], name="to_band"))
    matrix = transitions.pivot_table(index="from_band", columns="to_band", values=value, aggfunc="sum",
                                     fill_value=0)
    rows = [b for b in TRANSITION_FROM if b in matrix.index]
    cols = [b for b in TRANSITION_TO if b in matrix.columns]
    return matrix.reindex(index=rows, columns=cols)


def movement(
    scored: pd.DataFrame, churn: pd.DataFrame | None, *, start_month: Any, end_month: Any
) -> pd.DataFrame:
    """``band_transitions`` from ``start_month`` to ``end_month`` (both scored months of ``scored``);
    customers gone by the last day of ``end_month`` who churned count as ``churned``."""
    start, end = pd.Timestamp(start_month), pd.Timestamp(end_month)
    if not start < end:
        raise DataError(_("Pick a first month before the second one."))
    until = end.to_period("M").to_timestamp() + pd.offsets.MonthEnd(0)
    return band_transitions(month_rows(scored, start), month_rows(scored, end), churned=churn, until=until)


def at_risk(
    latest: pd.DataFrame, previous: pd.DataFrame | None = None, *, drop: float = 10.0
) -> pd.DataFrame:
    """Customers in the red band, or whose score fell by ``drop`` points or more since ``previous``.

    ``latest`` and ``previous`` are scored months (``customer_id``, ``score``, ``band`` and any
    attributes such as ``name``, ``owner``, ``arr``). Returns those rows of ``latest`` with
    ``previous_score``, ``change`` and ``why`` (``red``, ``falling`` or ``red and falling``),
    largest ARR first (then lowest score); ``attrs["arr"]`` is their ARR.

    Example
    -------
    >>> now = pd.DataFrame({"customer_id": [1, 2, 3], "score": [40.0, 70.0, 90.0],
    ...                     "band": ["red", "yellow", "green"], "arr": [1.0, 5.0, 9.0]})
    >>> before = pd.DataFrame({"customer_id": [1, 2, 3], "score": [45.0, 85.0, 95.0]})
    >>> at_risk(now, before)[["customer_id", "why"]].values.tolist()
    [[2, 'falling'], [1, 'red']]
    """
    if drop < 0:
        raise DataError(_("drop is a fall in points: give a positive number, e.g. 10."))
    out = latest[latest["score"].notna()].copy()
    if previous is not None and not previous.empty:
        prev = previous.drop_duplicates("customer_id").set_index("customer_id")["score"]
        out["previous_score"] = out["customer_id"].map(prev).astype(float)
    else:
        out["previous_score"] = np.nan
    out["change"] = out["score"] - out["previous_score"]
    red = out["band"] == "red"
    falling = out["change"] <= -drop
    out = out[red | falling].copy()
    out["why"] = np.where(red[out.index] & falling[out.index], "red and falling",
                          np.where(red[out.index], "red", "falling"))
    keys = (["arr"] if "arr" in out else []) + ["score"]
    out = out.sort_values(keys, ascending=[False] * ("arr" in out) + [True]).reset_index(drop=True)
    out.attrs["arr"] = float(out["arr"].sum()) if "arr" in out else math.nan
    return out
