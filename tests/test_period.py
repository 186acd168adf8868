"""Tests for cs_metrics.period (calendar arithmetic checked by hand)."""

from __future__ import annotations

import datetime as dt

import pytest

from cs_metrics.errors import DataError
from cs_metrics.period import PRESETS, Period, preset_period


@pytest.mark.parametrize(
    ("name", "start", "end"),
    [
        ("Last 90 days", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),  # 31 + 28 + 31 = 90 days
        ("Last 6 months", dt.date(2025, 10, 1), dt.date(2026, 3, 31)),
        ("Last 12 months", dt.date(2025, 4, 1), dt.date(2026, 3, 31)),
        ("Year to date", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("Previous quarter", dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
        ("Previous year", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    ],
)
def test_presets(name, start, end):
    assert preset_period(name, dt.date(2026, 3, 31)) == Period(start, end)


def test_last_6_months_clips_to_month_length():
    # 31 Aug minus 6 months is 28 Feb (2026 is not a leap year); the period starts the day after.
    assert preset_period("Last 6 months", dt.date(2026, 8, 31)).start == dt.date(2026, 3, 1)


def test_previous_has_same_length_and_ends_before():
    p = Period(dt.date(2026, 4, 1), dt.date(2026, 6, 30))  # 91 days
    prev = p.previous()
    assert prev.days == p.days == 91 and prev.last == dt.date(2026, 3, 31)


def test_every_preset_but_custom_is_known_and_bad_ones_raise():
    for name in PRESETS[:-1]:
        preset_period(name, dt.date(2026, 11, 22))
    with pytest.raises(DataError):
        preset_period("Custom", dt.date(2026, 11, 22))
    with pytest.raises(DataError):
        Period(dt.date(2026, 2, 1), dt.date(2026, 1, 1))
