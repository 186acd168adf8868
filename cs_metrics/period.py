"""Reporting periods and the calendar: presets relative to a reference date, the previous equal
period, and the month arithmetic every module shares.

One meaning of ``end`` everywhere: a window runs from ``start`` (included) to ``end``
(excluded), ``[start, end)``. A ``Period`` is built from its first and last day, both included
(what a person picks in a date range), and exposes ``start``/``end`` in that half-open sense, so
``Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31)).end`` is 1 April 2026.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from babel.dates import format_date

from cs_metrics.errors import DataError
from cs_metrics.i18n import N_, locale

PRESETS: tuple[str, ...] = (
    N_("Last 90 days"),
    N_("Last 6 months"),
    N_("Last 12 months"),
    N_("Year to date"),
    N_("Previous quarter"),
    N_("Previous year"),
    N_("Custom"),
)
DEFAULT_PRESET = "Last 12 months"


@dataclass(frozen=True)
class Period:
    """The days from ``first`` to ``last``, both included; as a window, ``[start, end)``.

    Example
    -------
    >>> p = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    >>> p.start, p.end, p.days
    (datetime.date(2026, 1, 1), datetime.date(2026, 4, 1), 90)
    """

    first: dt.date
    last: dt.date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise DataError(f"A period must end on or after its start (got {self.first} to {self.last}).")

    @classmethod
    def window(cls, start: dt.date, end: dt.date) -> "Period":
        """The period of the half-open window ``[start, end)``.

        >>> Period.window(dt.date(2026, 1, 1), dt.date(2026, 4, 1)).last
        datetime.date(2026, 3, 31)
        """
        return cls(start, end - dt.timedelta(days=1))

    @property
    def start(self) -> dt.date:
        """The first day of the window (included)."""
        return self.first

    @property
    def end(self) -> dt.date:
        """The day after the last day: the window is ``[start, end)``."""
        return self.last + dt.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def contains(self, day: dt.date) -> bool:
        return self.first <= day <= self.last

    def previous(self) -> "Period":
        """The period of the same length that ends the day before this one starts.

        Example
        -------
        >>> Period(dt.date(2026, 4, 1), dt.date(2026, 6, 30)).previous()
        Period(first=datetime.date(2025, 12, 31), last=datetime.date(2026, 3, 31))
        """
        last = self.first - dt.timedelta(days=1)
        return Period(last - dt.timedelta(days=self.days - 1), last)

    def year_before(self) -> "Period":
        """The same dates a year earlier.

        >>> Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31)).year_before()
        Period(first=datetime.date(2025, 1, 1), last=datetime.date(2025, 3, 31))
        """
        return Period(shift_months(self.first, -12), shift_months(self.last, -12))

    def label(self) -> str:
        """The dates in the reader's language ("01 Nov 2025 – 31 Oct 2026", "01 nov 2025 – 31 ott 2026")."""
        return f"{format_date(self.first, 'dd MMM y', locale=locale())} – {format_date(self.last, 'dd MMM y', locale=locale())}"


# --- the calendar ------------------------------------------------------------------------------------


def as_date(value: Any) -> dt.date:
    """A date from a date, a datetime or Timestamp (its day), or an ISO string.

    >>> as_date("2026-03-05T10:00:00"), as_date(dt.datetime(2026, 3, 5, 23, 0))
    (datetime.date(2026, 3, 5), datetime.date(2026, 3, 5))
    """
    if isinstance(value, dt.datetime):  # pandas.Timestamp is a datetime
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    raise DataError(f"Cannot read {value!r} as a date; use YYYY-MM-DD.")


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s month (before, when negative).

    >>> add_months(dt.date(2026, 11, 26), 2), add_months(dt.date(2026, 1, 31), -1)
    (datetime.date(2027, 1, 1), datetime.date(2025, 12, 1))
    """
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    return dt.date(year, month + 1, 1)


def shift_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (earlier when negative), clipped to the month's length.

    >>> shift_months(dt.date(2026, 3, 31), -1)
    datetime.date(2026, 2, 28)
    """
    first = add_months(day, months)
    return first.replace(day=min(day.day, month_end(first).day))


def month_start(day: dt.date) -> dt.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month.

    >>> month_end(dt.date(2024, 2, 10))
    datetime.date(2024, 2, 29)
    """
    return add_months(day, 1) - dt.timedelta(days=1)


def preset_period(name: str, as_of: dt.date) -> Period:
    """The period a preset names, ending on ``as_of`` (or on the last complete quarter/year).

    Example
    -------
    >>> preset_period("Last 12 months", dt.date(2026, 11, 22))
    Period(first=datetime.date(2025, 11, 23), last=datetime.date(2026, 11, 22))
    """
    if name == "Last 90 days":
        return Period(as_of - dt.timedelta(days=89), as_of)
    if name == "Last 6 months":
        return Period(shift_months(as_of, -6) + dt.timedelta(days=1), as_of)
    if name == "Last 12 months":
        return Period(shift_months(as_of, -12) + dt.timedelta(days=1), as_of)
    if name == "Year to date":
        return Period(dt.date(as_of.year, 1, 1), as_of)
    if name == "Previous quarter":
        this_quarter = dt.date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)
        return Period(add_months(this_quarter, -3), this_quarter - dt.timedelta(days=1))
    if name == "Previous year":
        return Period(dt.date(as_of.year - 1, 1, 1), dt.date(as_of.year - 1, 12, 31))
    raise DataError(f"Unknown period preset {name!r}; choose one of {list(PRESETS[:-1])}.")
