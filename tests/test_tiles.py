"""Tiles: sparkline windows, stage formats and the numbers a snapshot stores."""

from __future__ import annotations

import datetime as dt
import math

from cs_metrics import tiles
from cs_metrics.formatting import fmt_change, fmt_value
from cs_metrics.period import Period
from cs_metrics.tiles import NOT_APPLICABLE, Tile


def test_sparkline_windows_end_at_month_ends_and_at_the_period_end():
    # A 92-day period ending mid-month: the last window is the period itself; earlier ones end on
    # the last day of each previous month and are 92 days long (31 Oct - 91 days = 1 Aug).
    period = Period(dt.date(2026, 8, 23), dt.date(2026, 11, 22))
    windows = tiles.sparkline_windows(period, points=3)
    assert [w.last for w in windows] == [dt.date(2026, 9, 30), dt.date(2026, 10, 31), dt.date(2026, 11, 22)]
    assert windows[-1] == period
    assert all(w.days == period.days for w in windows)
    assert windows[1].start == dt.date(2026, 8, 1)


def test_display_of_stages_and_numbers_without_nan():
    assert fmt_value(2.5, "stage") == "2.5"
    assert fmt_change(-0.5, "stage") == "-0.5 stages"
    assert fmt_value(math.nan, "stage") == "–"
    tile = Tile(key="x", label="X", unit="share", value=math.nan, previous=0.5, n=0, n_previous=3)
    numbers = tiles.tile_numbers([tile])["x"]
    assert numbers["value"] is None and numbers["previous"] == 0.5 and numbers["test"] == NOT_APPLICABLE
