"""Figures that cannot contradict each other silently: checks of one source of data against another,
and the signs of a snapshot export.

* ``revenue_disagreement``: customers were lost in the period, yet the revenue data shows no paying
  customer gone (a flat revenue file, or one missing the lost customers' months): the revenue
  retention figures would read 100% beside the lost customers, so they are withheld with a warning.
* ``joined_and_left``: customers who signed and churned inside the period, outside the logo-churn
  denominator (customers active at the start), counted so the tile can say so.
* ``snapshot_signs``: every churn date on one day, or signing dates that all fall on one day of the
  month (derived from a tenure in months): the data is a snapshot, and timing figures are
  approximate.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from babel.dates import format_date

from cs_metrics.i18n import LOCALES, _, formats

#: Fewest churned customers (or customers) before a snapshot pattern is called one.
MIN_FOR_PATTERN = 10
#: Share of signing dates on one day of the month from which they look derived from a tenure.
SAME_DAY_SHARE = 0.9


def joined_and_left(customers: pd.DataFrame, *, start: dt.date, end: dt.date) -> int:
    """Customers who signed in ``[start, end)`` and churned in it too.

    Logo churn divides the customers lost by those active at the start, so these customers are
    in neither number.

    >>> c = pd.DataFrame({"signed_on": ["2025-02-01", "2025-02-01", "2024-06-01"],
    ...                   "churned_on": ["2025-05-01", None, "2025-05-01"]})
    >>> joined_and_left(c, start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1))
    1
    """
    signed = pd.to_datetime(customers["signed_on"])
    churned = pd.to_datetime(customers["churned_on"])
    start_ts, end_ts = pd.Timestamp(start), pd.Timestamp(end)
    inside = (signed >= start_ts) & (signed < end_ts) & (churned >= start_ts) & (churned < end_ts)
    return int(inside.sum())


def revenue_disagreement(lost: int, paying_gone: int, paying: int) -> str | None:
    """A warning when ``lost`` customers left in the period (logo churn) but none of the ``paying``
    customers of the revenue data stopped paying (``paying_gone`` is 0); None when they agree.

    >>> revenue_disagreement(870, 0, 4974)[:60]
    'Customers lost but no revenue lost: 870 customers left in th'
    >>> revenue_disagreement(870, 120, 4974) is None, revenue_disagreement(0, 0, 4974) is None
    (True, True)
    """
    if lost <= 0 or paying <= 0 or paying_gone > 0:
        return None
    return _("Customers lost but no revenue lost: {lost} customers left in the period, yet none of the "
             "{paying} customers paying at its start stopped paying in the revenue data. The revenue file "
             "looks flat (the same amount every month) or misses the lost customers' months, so gross and "
             "net revenue retention are not shown. Import the monthly revenue, month by month, to see them.").format(
        lost=formats.decimal(lost), paying=formats.decimal(paying))


def _day(day: pd.Timestamp) -> str:
    """A day as "31 Oct 2026" / "31 ott 2026" (two-digit day)."""
    if not formats.italian():
        return f"{day:%d %b %Y}"
    return format_date(day.date(), "dd MMM y", locale=LOCALES["it"])


def snapshot_signs(customers: pd.DataFrame) -> list[str]:
    """What suggests the customer data is a snapshot export rather than a history.

    Two signs: every churn date is the same day (at least ``MIN_FOR_PATTERN`` churned customers),
    as when a snapshot records churn on its export day; at least ``SAME_DAY_SHARE`` of the signing
    dates fall on one day of the month, as when they are derived from a tenure in whole months.

    >>> days = pd.date_range("2024-01-31", periods=30, freq="ME")  # always the last day of a month
    >>> c = pd.DataFrame({"signed_on": days, "churned_on": [pd.Timestamp("2026-10-31")] * 30})
    >>> [s[:45] for s in snapshot_signs(c)]
    ['All 30 churn dates fall on 31 Oct 2026: this ', '30 of 30 signing dates fall on the same day o']
    """
    signs = []
    churned = pd.to_datetime(customers["churned_on"]).dropna()
    if len(churned) >= MIN_FOR_PATTERN and churned.nunique() == 1:
        signs.append(_("All {n} churn dates fall on {date}: this looks like a snapshot export that records churn "
                       "on its export day. When each customer left is not known, so figures about timing (early "
                       "churn, reasons by quarter, cohorts) are approximate.").format(
            n=formats.decimal(len(churned)), date=_day(churned.iloc[0])))
    signed = pd.to_datetime(customers["signed_on"]).dropna()
    if len(signed) >= MIN_FOR_PATTERN:
        # Month ends count as one day of the month (a 31st becomes the 30th or the 28th).
        day = signed.dt.day.where(~signed.dt.is_month_end, 31)
        top = int(day.value_counts().iloc[0])
        if top / len(signed) >= SAME_DAY_SHARE:
            signs.append(_("{n} of {total} signing dates fall on the same day of the month: they look derived "
                           "from a tenure in whole months, so durations since signing are approximate to the "
                           "month.").format(n=formats.decimal(top), total=formats.decimal(len(signed))))
    return signs
