"""The ARR bridge of a period: from the ARR going into it to the ARR at its end, step by step.

Definitions
-----------
The bridge compares two months, ``start_month`` and ``end_month`` (a period's, as its revenue
retention compares them: ``retention.retention_months``). ARR is 12 x MRR.

* **Starting ARR**: the ARR in ``start_month`` of the customers paying then (MRR above 0).
* **Expansion**, **contraction** and **churn**: how that starting ARR changed by ``end_month``,
  exactly as ``retention.revenue_retention`` splits it: customers paying more, customers paying
  less but still paying, customers paying nothing.
* **New**: the ARR in ``end_month`` of the customers who paid nothing in ``start_month`` (new
  customers, and customers who had left and came back).
* **Ending ARR** = starting + new + expansion - contraction - churn, which is the ARR of every
  customer in ``end_month``.

So the bridge reconciles with the period's retention figures:
GRR = (starting - contraction - churn) / starting and
NRR = (starting + expansion - contraction - churn) / starting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from cs_metrics import retention
from cs_metrics.i18n import N_

#: Months in a year: ARR is this many times MRR.
MONTHS_PER_YEAR = 12

#: The steps of ``bridge_steps``, in order (English data values; charts and tables show them through ``_()``).
STEPS = (N_("Starting ARR"), N_("New customers"), N_("Expansion"), N_("Contraction"), N_("Churn"), N_("Ending ARR"))


@dataclass(frozen=True)
class ArrBridge:
    """The ARR bridge from ``start_month`` to ``end_month`` (see the module's definitions).

    Amounts are ARR (12 x MRR), all positive: ``ending = starting + new + expansion -
    contraction - churned``. ``n_start`` customers paid in ``start_month``; of them
    ``n_expanded`` pay more, ``n_contracted`` less and ``n_churned`` nothing in ``end_month``;
    ``n_new`` customers paid in ``end_month`` but not in ``start_month``; ``n_ending`` pay in
    ``end_month``. ``grr`` and ``nrr`` are the revenue retention of the same months (NaN when no
    customer paid in ``start_month``).
    """

    start_month: dt.date
    end_month: dt.date
    starting: float
    new: float
    expansion: float
    contraction: float
    churned: float
    ending: float
    n_start: int
    n_new: int
    n_churned: int
    grr: float
    nrr: float
    n_expanded: int = 0
    n_contracted: int = 0
    n_ending: int = 0


def _month_mrr(revenue: pd.DataFrame, month: pd.Timestamp) -> pd.Series:
    """MRR by customer in ``month`` (customers without a row are absent)."""
    months = pd.to_datetime(revenue["month"]).dt.to_period("M").dt.to_timestamp()
    rows = revenue.loc[(months == month).to_numpy()]
    mrr = pd.to_numeric(rows["mrr"]).astype(float).to_numpy()
    return pd.Series(mrr, index=rows["customer_id"].to_numpy())


def arr_bridge(revenue: pd.DataFrame, *, start_month, end_month) -> ArrBridge:
    """The ARR bridge from ``start_month`` to ``end_month``.

    Parameters
    ----------
    revenue
        One row per customer and month: ``customer_id``, ``month``, ``mrr`` (not negative), as
        for ``retention.revenue_retention``; months other than the two compared are ignored.
    start_month, end_month
        The months compared (any day inside the month will do); ``end_month`` after
        ``start_month``.

    Returns
    -------
    ArrBridge
        Expansion, contraction, churn, GRR and NRR are ``retention.revenue_retention``'s, in ARR.
        A table without rows gives a bridge of zeros with NaN GRR and NRR.

    Raises
    ------
    retention.RevenueDataError
        Columns missing, MRR missing or negative, a customer twice in a month, or ``end_month``
        not after ``start_month``.

    Example
    -------
    Customer 1 grows 100 -> 120 MRR, customer 2 shrinks 100 -> 70, customer 3 leaves (100 -> 0),
    customer 4 is new (0 -> 50). In ARR: starting 12 x 300 = 3,600, new 12 x 50 = 600, expansion
    12 x 20 = 240, contraction 12 x 30 = 360, churn 12 x 100 = 1,200; ending 3,600 + 600 + 240 -
    360 - 1,200 = 2,880 = 12 x (120 + 70 + 50).

    >>> r = pd.DataFrame({"customer_id": [1, 2, 3, 1, 2, 4],
    ...     "month": ["2025-01-01"] * 3 + ["2025-12-01"] * 3, "mrr": [100, 100, 100, 120, 70, 50]})
    >>> b = arr_bridge(r, start_month="2025-01-01", end_month="2025-12-01")
    >>> b.starting, b.new, b.expansion, b.contraction, b.churned, b.ending
    (3600.0, 600.0, 240.0, 360.0, 1200.0, 2880.0)
    >>> round(b.grr, 4), round(b.nrr, 4), b.n_start, b.n_new, b.n_churned
    (0.5667, 0.6333, 3, 1, 1)
    """
    rr = retention.revenue_retention(revenue, start_month=start_month, end_month=end_month)
    start, end = pd.Timestamp(rr.start_month), pd.Timestamp(rr.end_month)
    first = _month_mrr(revenue, start)
    first = first[first > 0]
    last = _month_mrr(revenue, end)
    last = last[last > 0]
    kept = last.reindex(first.index).fillna(0.0)
    arrivals = last[~last.index.isin(first.index)]
    year = MONTHS_PER_YEAR
    starting, new = year * rr.starting, year * float(arrivals.sum())
    expansion, contraction, churned = year * rr.expansion, year * rr.contraction, year * rr.churned
    return ArrBridge(
        start_month=rr.start_month,
        end_month=rr.end_month,
        starting=starting,
        new=new,
        expansion=expansion,
        contraction=contraction,
        churned=churned,
        ending=starting + new + expansion - contraction - churned,
        n_start=rr.n,
        n_new=len(arrivals),
        n_churned=rr.n_churned,
        grr=rr.grr,
        nrr=rr.nrr,
        n_expanded=int((kept > first).sum()),
        n_contracted=int(((kept < first) & (kept > 0)).sum()),
        n_ending=len(last),
    )


def bridge_steps(b: ArrBridge) -> pd.DataFrame:
    """The bridge as the rows of a waterfall, in ``STEPS`` order.

    Columns: ``step`` (its name), ``amount`` (ARR; negative for the steps that lower it, so the
    relative steps add up from the starting to the ending ARR), ``kind`` (``"total"`` for the
    starting and ending ARR, ``"increase"`` or ``"decrease"`` for the steps between) and
    ``customers`` (the customers behind each step, ``ArrBridge``'s counts).

    Example
    -------
    >>> b = ArrBridge(dt.date(2025, 1, 1), dt.date(2025, 12, 1), starting=3600.0, new=600.0, expansion=240.0,
    ...               contraction=360.0, churned=1200.0, ending=2880.0, n_start=3, n_new=1, n_churned=1,
    ...               grr=0.5667, nrr=0.6333, n_expanded=1, n_contracted=1, n_ending=3)
    >>> bridge_steps(b)["amount"].tolist()
    [3600.0, 600.0, 240.0, -360.0, -1200.0, 2880.0]
    """
    return pd.DataFrame(
        {
            "step": list(STEPS),
            "amount": [b.starting, b.new, b.expansion, -b.contraction, -b.churned, b.ending],
            "kind": ["total", "increase", "increase", "decrease", "decrease", "total"],
            "customers": [b.n_start, b.n_new, b.n_expanded, b.n_contracted, b.n_churned, b.n_ending],
        }
    )

