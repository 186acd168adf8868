"""Display formats: values are rounded only here, for people to read."""

from __future__ import annotations

import math

import pytest

from cs_metrics.formatting import fmt_change, fmt_interval, fmt_value


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (30.4, "points", "+30"),
        (-0.4, "points", "0"),  # rounds to zero: no sign
        (0.1234, "share", "12.3%"),
        (27.6, "days", "28 days"),
        (950.0, "currency", "€950"),
        (56_250_000.0, "currency", "€56.25M"),
        (4_008_490_000.0, "currency", "€4.01B"),
        (87_579.0, "count", "87,579"),
        (math.nan, "share", "–"),
    ],
)
def test_fmt_value(value, unit, shown):
    assert fmt_value(value, unit) == shown


def test_fmt_change_and_interval():
    assert fmt_change(0.011, "share") == "+1.1 pp"  # shares change in percentage points
    assert fmt_change(math.nan, "points") == "no previous value"
    assert fmt_interval(14.05, 44.2, "points") == "95% CI +14 to +44"
    assert fmt_interval(math.nan, 3.0, "days") == ""
