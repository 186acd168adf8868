"""Early churn: customers lost within 90 days of signing, judged once when their window closes."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from cs_metrics import early_churn
from tests.test_churn import CHURN

CUSTOMERS = pd.DataFrame(
    {
        "customer_id": [1, 2, 3, 4, 5, 6],
        "name": list("ABCDEF"),
        "signed_on": ["2025-01-01", "2025-01-01", "2025-01-01", "2025-02-01", "2025-03-01", "2025-06-20"],
        # 2 leaves on day 90 (early), 3 on day 91 (not early), 6 signed too recently to judge.
        "churned_on": [None, "2025-04-01", "2025-04-02", "2025-03-01", None, "2025-07-01"],
    }
)


def test_early_churn_hand_calculation_with_wilson_interval():
    k = pd.DataFrame(
        {
            "customer_id": [2, 3, 4, 6],
            "churned_on": ["2025-04-01", "2025-04-02", "2025-03-01", "2025-07-01"],
            "primary_reason": ["wrong_fit", "price", "poor_onboarding", "wrong_fit"],
        }
    )
    fv = pd.DataFrame({"customer_id": [1, 2, 4], "reached_on": ["2025-01-20", "2025-03-15", "2025-03-05"]})
    e = early_churn.early_churn(
        CUSTOMERS, k, fv, start=dt.date(2025, 4, 1), end=dt.date(2025, 10, 1), as_of=dt.date(2025, 8, 1)
    )  # April to September; end is excluded
    # First 90 days end: 1-3 on 1 Apr, 4 on 2 May, 5 on 30 May, 6 on 18 Sep (after 1 Aug: excluded).
    # Early (<= 90 days): 2 (90 days) and 4 (28 days) of 5 -> 0.4.
    assert (e.n, e.lost, e.excluded) == (5, 2, 1)
    assert e.rate == pytest.approx(0.4)
    # Wilson 95%: p = 0.4, n = 5, z = 1.959964: centre (p + z^2/2n) / (1 + z^2/n) = 0.7841/1.7683 = 0.4434,
    # half = z * sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n)
    #      = 1.959964 * sqrt(0.048 + 0.0384146) / 1.7683 = 0.3258.
    z = 1.959964
    centre = (0.4 + z**2 / 10) / (1 + z**2 / 5)
    half = z * math.sqrt(0.4 * 0.6 / 5 + z**2 / 100) / (1 + z**2 / 5)
    assert (e.low, e.high) == pytest.approx((centre - half, centre + half), abs=1e-6)
    # 2 reached first value (15 Mar) before churning (1 Apr); 4 reached it on 5 Mar, after churning on 1 Mar.
    assert e.reached_first_value == 1
    assert e.customers.set_index("customer_id")["reached_first_value"].to_dict() == {2: True, 4: False}
    assert e.reasons.set_index("reason")["count"].to_dict() == {"poor_onboarding": 1, "wrong_fit": 1}
    assert not e.enough  # 5 customers is below the minimum


def test_early_churn_empty_window_is_nan():
    e = early_churn.early_churn(
        CUSTOMERS,
        CHURN.iloc[:0],
        pd.DataFrame({"customer_id": [], "reached_on": []}),
        start=dt.date(2020, 1, 1),
        end=dt.date(2021, 1, 1),
        as_of=dt.date(2025, 8, 1),
    )
    # A window before anyone's 90th day: nobody is judged.
    assert e.n == 0 and math.isnan(e.rate) and math.isnan(e.low) and e.customers.empty
    # The 90th day of customers 1-3 is 1 April: a window ending 31 March (end = 1 April, excluded)
    # does not judge them yet.
    before = early_churn.early_churn(
        CUSTOMERS,
        CHURN.iloc[:0],
        pd.DataFrame({"customer_id": [], "reached_on": []}),
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 4, 1),
        as_of=dt.date(2025, 8, 1),
    )
    assert before.n == 0
