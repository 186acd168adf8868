"""Early churn: customers lost within 90 days of signing, each judged once, as soon as its outcome is
known (its churn date when it left early, else the day its first 90 days close)."""

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
        # 2 leaves on day 90 (early), 3 on day 91 (not early), 4 after 28 days, 6 after 11 days.
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
    # Judged on: 1 and 3 on 1 Apr (first 90 days close), 2 on 1 Apr (left on day 90: early),
    # 4 on 1 Mar (left after 28 days: judged before the window), 5 on 30 May, 6 on 1 Jul (left after
    # 11 days; its 90 days would close on 18 Sep, after 1 Aug, but its outcome is already known).
    # Judged in [1 Apr, 1 Oct) by 1 Aug: 1, 2, 3, 5, 6; early: 2 and 6 -> 2 of 5 = 0.4; none waiting.
    assert (e.n, e.lost, e.excluded) == (5, 2, 0)
    assert e.rate == pytest.approx(0.4)
    # Wilson 95%: p = 0.4, n = 5, z = 1.959964: centre (p + z^2/2n) / (1 + z^2/n) = 0.7841/1.7683 = 0.4434,
    # half = z * sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n)
    #      = 1.959964 * sqrt(0.048 + 0.0384146) / 1.7683 = 0.3258.
    z = 1.959964
    centre = (0.4 + z**2 / 10) / (1 + z**2 / 5)
    half = z * math.sqrt(0.4 * 0.6 / 5 + z**2 / 100) / (1 + z**2 / 5)
    assert (e.low, e.high) == pytest.approx((centre - half, centre + half), abs=1e-6)
    # 2 reached first value (15 Mar) before churning (1 Apr); 6 never reached it.
    assert e.reached_first_value == 1
    assert e.customers.set_index("customer_id")["reached_first_value"].to_dict() == {2: True, 6: False}
    assert e.reasons.set_index("reason")["count"].to_dict() == {"wrong_fit": 2}
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
    # does not judge them yet; it judges customer 4, who left on 1 March after 28 days: 1 of 1.
    before = early_churn.early_churn(
        CUSTOMERS,
        CHURN.iloc[:0],
        pd.DataFrame({"customer_id": [], "reached_on": []}),
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 4, 1),
        as_of=dt.date(2025, 8, 1),
    )
    assert (before.n, before.lost) == (1, 1)


def test_early_churn_takes_the_churn_event_date_when_the_customer_has_none():
    # Customer 1 signed 1 Jan 2025, no churn date on its record, a churn event on 20 Jan (19 days):
    # early, judged on 20 Jan. Customer 2 signed the same day, still a customer: judged on 1 Apr.
    customers = pd.DataFrame({"customer_id": [1, 2], "signed_on": ["2025-01-01"] * 2, "churned_on": [None, None]})
    events = pd.DataFrame({"customer_id": [1], "churned_on": ["2025-01-20"], "primary_reason": ["price"]})
    none = pd.DataFrame({"customer_id": [], "reached_on": []})
    e = early_churn.early_churn(customers, events, none, start=dt.date(2025, 1, 1), end=dt.date(2025, 7, 1),
                                as_of=dt.date(2025, 6, 30))
    assert (e.n, e.lost) == (2, 1)  # 1 of 2


def test_early_churn_of_a_snapshot_export_counts_the_recent_leavers():
    # A snapshot exported on 31 Oct 2026: signing dates are the export date minus tenure months and every
    # churned customer carries the export date. Tenure 1 month: signed 30 Sep, left 31 Oct (31 days,
    # early); tenure 2: signed 31 Aug, left after 61 days (early); tenure 4: signed 30 Jun, left after
    # 123 days (not early); tenure 1 and still a customer: 30 days in, judged only when its 90 days close
    # (29 Dec 2026, after this window).
    export = dt.date(2026, 10, 31)
    customers = pd.DataFrame({
        "customer_id": [1, 2, 3, 4],
        "signed_on": ["2026-09-30", "2026-08-31", "2026-06-30", "2026-09-30"],
        "churned_on": ["2026-10-31", "2026-10-31", "2026-10-31", None],
    })
    none = pd.DataFrame({"customer_id": [], "reached_on": []})
    e = early_churn.early_churn(customers, pd.DataFrame(columns=["customer_id", "churned_on", "primary_reason"]),
                                none, start=dt.date(2025, 11, 1), end=export + dt.timedelta(days=1), as_of=export)
    # Judged by 31 Oct: 1 and 2 (left early, on 31 Oct), 3 (its 90 days closed on 28 Sep): 2 of 3.
    assert (e.n, e.lost, e.excluded) == (3, 2, 0)
