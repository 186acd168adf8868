"""Reference tests for cs_metrics.retention.logo_churn_rate (hand calculations)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from cs_metrics import retention
from cs_metrics.errors import DataError

CUSTOMERS = pd.DataFrame(
    {
        "customer_id": [1, 2, 3, 4, 5, 6],
        "signed_on": ["2024-01-01", "2024-06-01", "2024-12-31", "2025-01-01", "2025-03-01", "2023-01-01"],
        "churned_on": [None, "2025-06-01", "2025-12-31", None, "2025-05-01", "2024-12-01"],
    }
)


def test_logo_churn_rate_hand_calculation():
    # Window [2025-01-01, 2026-01-01). Active at start: 1, 2, 3 (6 left in 2024; 4 and 5 signed
    # inside the window). Lost inside: 2 (June) and 3 (31 Dec). Rate = 2 / 3.
    rate = retention.logo_churn_rate(CUSTOMERS, start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1))
    assert rate == pytest.approx(2 / 3)


def test_logo_churn_end_is_exclusive():
    # Window [2025-01-01, 2025-12-31): customer 3 leaves on the 31st, outside it -> 1 of 3 lost.
    assert retention.logo_churn_counts(CUSTOMERS, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)) == (3, 1)


def test_logo_churn_no_customers_at_start_is_nan():
    assert math.isnan(retention.logo_churn_rate(CUSTOMERS, start=dt.date(2020, 1, 1), end=dt.date(2021, 1, 1)))


def test_logo_churn_bad_window():
    with pytest.raises(DataError):
        retention.logo_churn_rate(CUSTOMERS, start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 1))
