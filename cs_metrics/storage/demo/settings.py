"""The demo company's size, seed and calendar, its volume options, and the check of the
generator's arguments."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from cs_metrics.errors import DataError
from cs_metrics.i18n import _, formats

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
#: Customers of an established base were signed up to this many days before the history began.
ESTABLISHED_DAYS = 6 * 365
#: At most this many meetings, and NPS answers per customer, on request.
MAX_MEETINGS = 1_000_000
MAX_NPS_PER_CUSTOMER = 100.0


@dataclass(frozen=True)
class Volume:
    """How much the demo company holds beyond its customers; the defaults give the standard company.

    Attributes
    ----------
    established
        Share (0 to 1) of the customers who were already customers when the ``HISTORY_MONTHS``
        of history begin, signed up to ``ESTABLISHED_DAYS`` earlier; the rest sign during the
        history. Revenue, NPS and health data start with the history. 0: every customer signs
        during the history.
    nps_per_customer
        About this many NPS answers per customer: more contacts are surveyed at each account.
        None: the standard one to four contacts per account (about one answer per customer).
    meetings
        Meetings in the last ``MEETING_DAYS``. None: ``meeting_count(customers)``.
    health_months
        Months of health signals, ``as_of``'s month included.
    """

    established: float = 0.0
    nps_per_customer: float | None = None
    meetings: int | None = None
    health_months: int = HEALTH_MONTHS


#: The named sizes of the demo company: customers and the ``Volume`` options they stand for.
#: ``large`` is the benchmark company: 100,000 customers, 95% of them already customers when the
#: three years of history begin (about 3.1 million revenue months: 3.6 million less the months
#: after churn and before signing), about a million NPS answers, 50,000 meetings and twelve
#: months of health signals (about 8.8 million rows).
SIZES: dict[str, dict[str, Any]] = {
    "standard": {"customers": DEFAULT_CUSTOMERS},
    "large": {
        "customers": 100_000, "established": 0.95, "nps_per_customer": 10.0, "meetings": 50_000,
        "health_months": 12,
    },
}


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
        raise DataError(_("customers must be a whole number, got {value}.").format(value=repr(customers)))
    if not 1 <= int(customers) <= MAX_CUSTOMERS:
        raise DataError(
            _("customers must be between 1 and {high} (got {value}); the default is {default}.").format(
                high=formats.decimal(MAX_CUSTOMERS), value=int(customers), default=DEFAULT_CUSTOMERS)
        )
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or int(seed) < 0:
        raise DataError(_("seed must be a whole number of at least 0, got {value}.").format(value=repr(seed)))
    if as_of is None:
        as_of = dt.date.today()
    elif isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    elif not isinstance(as_of, dt.date):
        raise DataError(_("as_of must be a date such as 2026-10-31, got {value}.").format(value=repr(as_of)))
    if as_of.year < 1990:
        raise DataError(_("as_of must be 1990 or later, got {value}.").format(value=as_of.isoformat()))
    return int(customers), int(seed), as_of


def check_volume(
    size: Any = None,
    *,
    customers: Any = None,
    established: Any = None,
    nps_per_customer: Any = None,
    meetings: Any = None,
    health_months: Any = None,
) -> tuple[Any, Volume]:
    """Combine a named size with the volume options given explicitly; validate the options.

    Parameters
    ----------
    size
        A key of ``SIZES`` (None: ``"standard"``); it supplies every option left as None.
    customers, established, nps_per_customer, meetings, health_months
        Explicit values (None: the size's value, else the standard company's); see ``Volume``.

    Returns
    -------
    tuple of (customers, Volume)
        ``customers`` as given or from the size (checked later by ``check_demo_args``) and the
        volume options.

    Raises
    ------
    DataError
        An unknown size, or an option out of its range.

    Example
    -------
    >>> check_volume("large", meetings=2000)
    (100000, Volume(established=0.95, nps_per_customer=10.0, meetings=2000, health_months=12))
    """
    if size is None:
        size = "standard"
    if size not in SIZES:
        raise DataError(_("size must be one of {sizes}, got {value}.").format(sizes=", ".join(SIZES),
                                                                             value=repr(size)))
    profile = SIZES[size]
    given = {
        "customers": customers, "established": established, "nps_per_customer": nps_per_customer,
        "meetings": meetings, "health_months": health_months,
    }
    chosen = {key: profile.get(key) if value is None else value for key, value in given.items()}
    share = chosen["established"]
    share = 0.0 if share is None else _number(share, "established")
    if not 0.0 <= share <= 1.0:
        raise DataError(_("established must be a share from 0 to 1 (e.g. {example}), got {value}.").format(
            example=formats.decimal(0.95, 2), value=share))
    nps = chosen["nps_per_customer"]
    if nps is not None:
        nps = _number(nps, "nps_per_customer")
        if not 0.0 < nps <= MAX_NPS_PER_CUSTOMER:
            raise DataError(
                _("nps_per_customer must be more than 0 and at most {high} (answers per customer, e.g. 10), "
                  "got {value}.").format(high=f"{MAX_NPS_PER_CUSTOMER:g}", value=nps)
            )
    meet = chosen["meetings"]
    if meet is not None:
        meet = _whole(meet, "meetings", 1, MAX_MEETINGS)
    months = chosen["health_months"]
    months = HEALTH_MONTHS if months is None else _whole(months, "health_months", 1, HISTORY_MONTHS)
    volume = Volume(established=share, nps_per_customer=nps, meetings=meet, health_months=months)
    return chosen["customers"], volume


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise DataError(_("{name} must be a number, got {value}.").format(name=name, value=repr(value)))
    if not math.isfinite(float(value)):
        raise DataError(_("{name} must be a finite number, got {value}.").format(name=name, value=repr(value)))
    return float(value)


def _whole(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise DataError(_("{name} must be a whole number, got {value}.").format(name=name, value=repr(value)))
    if not low <= int(value) <= high:
        raise DataError(_("{name} must be between {low} and {high}, got {value}.").format(
            name=name, low=formats.decimal(low), high=formats.decimal(high), value=formats.decimal(int(value))))
    return int(value)
