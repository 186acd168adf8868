"""The demo company's size, seed and calendar, and the check of the generator's arguments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from cs_metrics.errors import DataError

DEFAULT_CUSTOMERS = 1500
DEFAULT_SEED = 20261
MAX_CUSTOMERS = 1_000_000
#: Months of customer history ending at ``as_of``.
HISTORY_MONTHS = 36
#: Health signals are generated for the last this many months (``as_of``'s month included).
HEALTH_MONTHS = 24
#: Meetings cover the last this many days.
MEETING_DAYS = 730
#: Departments that made the customer item of their minutes mandatory part-way through.
CUSTOMER_ITEM_ADOPTERS: tuple[str, ...] = ("Board", "Sales", "Customer Success", "Logistics")
#: The adopters started filling the customer item this many months before ``as_of``.
ADOPTION_MONTHS = 12
#: Days after signing by which first value should be reached, per segment.
FIRST_VALUE_TARGET_DAYS: dict[str, int] = {"SMB": 30, "Mid-Market": 45, "Enterprise": 60}


def check_demo_args(customers: Any, seed: Any, as_of: Any) -> tuple[int, int, dt.date]:
    """Validate the generator's arguments; return them normalised.

    Parameters
    ----------
    customers
        Customers ever signed: a whole number from 1 to ``MAX_CUSTOMERS``.
    seed
        The random seed: a whole number of at least 0.
    as_of
        The last day of the history: a date (a datetime gives its date), or None for today.

    Returns
    -------
    tuple of (int, int, datetime.date)
        ``customers``, ``seed`` and ``as_of``.

    Raises
    ------
    DataError
        ``customers`` is not a whole number between 1 and ``MAX_CUSTOMERS``, ``seed`` is not a
        non-negative whole number, or ``as_of`` is not a date from 1990 on.

    Example
    -------
    >>> check_demo_args(1500, 20261, dt.date(2026, 10, 31))
    (1500, 20261, datetime.date(2026, 10, 31))
    """
    if isinstance(customers, bool) or not isinstance(customers, (int, np.integer)):
        raise DataError(f"customers must be a whole number, got {customers!r}.")
    if not 1 <= int(customers) <= MAX_CUSTOMERS:
        raise DataError(
            f"customers must be between 1 and {MAX_CUSTOMERS:,} (got {int(customers)}); "
            f"the default is {DEFAULT_CUSTOMERS}."
        )
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or int(seed) < 0:
        raise DataError(f"seed must be a whole number of at least 0, got {seed!r}.")
    if as_of is None:
        as_of = dt.date.today()
    elif isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    elif not isinstance(as_of, dt.date):
        raise DataError(f"as_of must be a date such as 2026-10-31, got {as_of!r}.")
    if as_of.year < 1990:
        raise DataError(f"as_of must be 1990 or later, got {as_of.isoformat()}.")
    return int(customers), int(seed), as_of
