"""Reporting periods: presets relative to a reference date, and the previous equal period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cs_metrics.errors import DataError

PRESETS: tuple[str, ...] = (
    "Last 90 days",
    "Last 6 months",
    "Last 12 months",
    "Year to date",
    "Previous quarter",
    "Previous year",
    "Custom",
)
DEFAULT_PRESET = "Last 12 months"


@dataclass(frozen=True)
class Period:
    """A closed date range ``[start, end]`` (both days included)."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise DataError(f"A period must end on or after its start (got {self.start} to {self.end}).")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def end_exclusive(self) -> dt.date:
        """The day after ``end``: the period as a half-open range ``[start, end_exclusive)``."""
        return self.end + dt.timedelta(days=1)

    def previous(self) -> "Period":
        """The period of the same length that ends the day before this one starts.

        Example
        -------
        >>> Period(dt.date(2026, 4, 1), dt.date(2026, 6, 30)).previous()
        Period(start=datetime.date(2025, 12, 31), end=datetime.date(2026, 3, 31))
        """
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)

    def label(self) -> str:
        return f"{self.start:%d %b %Y} – {self.end:%d %b %Y}"


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    return dt.date(year, month + 1, 1)


def shift_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (earlier when negative), clipped to the month's length."""
    first = _add_months(day, months)
    last_day = (_add_months(first, 1) - dt.timedelta(days=1)).day
    return first.replace(day=min(day.day, last_day))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def preset_period(name: str, as_of: dt.date) -> Period:
    """The period a preset names, ending on ``as_of`` (or on the last complete quarter/year).

    Example
    -------
    >>> preset_period("Last 12 months", dt.date(2026, 11, 22))
    Period(start=datetime.date(2025, 11, 23), end=datetime.date(2026, 11, 22))
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
        return Period(_add_months(this_quarter, -3), this_quarter - dt.timedelta(days=1))
    if name == "Previous year":
        return Period(dt.date(as_of.year - 1, 1, 1), dt.date(as_of.year - 1, 12, 31))
    raise DataError(f"Unknown period preset {name!r}; choose one of {list(PRESETS[:-1])}.")
