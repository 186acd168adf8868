"""The ARR bridge (``cs_metrics.bridge``) on hand-made revenue: every part written out by hand, the
identity with GRR and NRR, and the edge cases (no rows, one row, no customer at the start, bad data)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from pytest import approx

from cs_metrics import bridge, retention
from cs_metrics.retention import RevenueDataError

JAN, JUN, DEC = "2025-01-01", "2025-06-01", "2025-12-01"

# MRR by customer, January -> December 2025 (ARR = 12 x MRR):
#   A 100 -> 150   expansion 50
#   B 200 -> 120   contraction 80
#   C  50 -> (no row)  churn 50
#   D  80 -> 80    unchanged
#   E   0 -> 60    new (a zero row in January is no revenue)
#   F (June only, 500)  ignored: neither month compared
#   G  30 -> 0     churn 30 (an explicit zero row)
HAND = pd.DataFrame(
    {
        "customer_id": ["A", "B", "C", "D", "E", "G", "F", "A", "B", "D", "E", "G"],
        "month": [JAN] * 6 + [JUN] + [DEC] * 5,
        "mrr": [100, 200, 50, 80, 0, 30, 500, 150, 120, 80, 60, 0],
    }
)


@pytest.fixture(scope="module")
def hand() -> bridge.ArrBridge:
    return bridge.arr_bridge(HAND, start_month=JAN, end_month=DEC)


def test_arr_bridge_hand_made_parts(hand):
    # Starting MRR = A 100 + B 200 + C 50 + D 80 + G 30 = 460 -> ARR 12 x 460 = 5,520
    assert hand.starting == approx(5520.0)
    # New: E 60 MRR in December, none in January -> ARR 720
    assert hand.new == approx(720.0)
    # Expansion: A +50 MRR -> ARR 600
    assert hand.expansion == approx(600.0)
    # Contraction: B 200 -> 120, 80 MRR -> ARR 960
    assert hand.contraction == approx(960.0)
    # Churn: C 50 + G 30 = 80 MRR -> ARR 960
    assert hand.churned == approx(960.0)
    # Ending: 5,520 + 720 + 600 - 960 - 960 = 4,920 = 12 x (A 150 + B 120 + D 80 + E 60 = 410)
    assert hand.ending == approx(4920.0)
    assert (hand.start_month, hand.end_month) == (dt.date(2025, 1, 1), dt.date(2025, 12, 1))
    # Paying in January: A, B, C, D, G = 5; new: E = 1; churned: C, G = 2; expanded: A; contracted: B;
    # paying in December: A, B, D, E = 4.
    assert (hand.n_start, hand.n_new, hand.n_churned) == (5, 1, 2)
    assert (hand.n_expanded, hand.n_contracted, hand.n_ending) == (1, 1, 4)


def test_arr_bridge_hand_made_reconciles_with_grr_and_nrr(hand):
    # GRR = (460 - 80 - 80) / 460 = 300 / 460 = 0.652173...; NRR = (460 + 50 - 80 - 80) / 460 = 350 / 460
    assert hand.grr == approx(300 / 460)
    assert hand.nrr == approx(350 / 460)
    # The identities on the bridge's own ARR parts.
    assert hand.grr == approx((hand.starting - hand.contraction - hand.churned) / hand.starting)
    kept = hand.starting + hand.expansion - hand.contraction - hand.churned
    assert hand.nrr == approx(kept / hand.starting)
    # The same figures as revenue_retention of the same months (the GRR/NRR definition of the page).
    rr = retention.revenue_retention(HAND, start_month=JAN, end_month=DEC)
    assert (hand.grr, hand.nrr) == (rr.grr, rr.nrr)
    assert hand.starting == approx(12 * rr.starting) and hand.churned == approx(12 * rr.churned)


def test_arr_bridge_ending_is_12_times_the_end_months_mrr(hand):
    # 12 x every December row (A 150 + B 120 + D 80 + E 60 + G 0 = 410) = 4,920, straight from the table.
    december = HAND[HAND["month"] == DEC]["mrr"].sum()
    assert december == 410
    assert hand.ending == approx(12 * december)
    assert hand.ending == approx(hand.starting + hand.new + hand.expansion - hand.contraction - hand.churned)


def test_arr_bridge_any_day_of_the_month_and_timestamps():
    # 15 January and 31 December name the same two months: the same bridge.
    b = bridge.arr_bridge(HAND.assign(month=pd.to_datetime(HAND["month"])), start_month=dt.date(2025, 1, 15),
                          end_month=pd.Timestamp("2025-12-31"))
    assert (b.starting, b.ending) == (approx(5520.0), approx(4920.0))


def test_bridge_steps_hand_made(hand):
    steps = bridge.bridge_steps(hand)
    assert steps.columns.tolist() == ["step", "amount", "kind", "customers"]
    assert steps["step"].tolist() == ["Starting ARR", "New customers", "Expansion", "Contraction", "Churn",
                                      "Ending ARR"]
    # The parts above, decreases negative: 5,520, +720, +600, -960, -960, 4,920.
    assert steps["amount"].tolist() == approx([5520.0, 720.0, 600.0, -960.0, -960.0, 4920.0])
    assert steps["kind"].tolist() == ["total", "increase", "increase", "decrease", "decrease", "total"]
    assert steps["customers"].tolist() == [5, 1, 1, 1, 2, 4]
    # The relative steps carry the starting total to the ending one: 5,520 + 720 + 600 - 960 - 960 = 4,920.
    assert steps["amount"].iloc[:5].sum() == approx(steps["amount"].iloc[5])


def test_arr_bridge_empty_table_gives_zeros_and_nan_retention():
    # No rows at all: nothing at the start or the end; GRR and NRR have no denominator.
    b = bridge.arr_bridge(HAND.iloc[0:0], start_month=JAN, end_month=DEC)
    assert (b.starting, b.new, b.expansion, b.contraction, b.churned, b.ending) == (0.0,) * 6
    assert (b.n_start, b.n_new, b.n_churned, b.n_ending) == (0, 0, 0, 0)
    assert math.isnan(b.grr) and math.isnan(b.nrr)


def test_arr_bridge_one_row():
    # One customer paying 10 in January, no row in December: starting 120 ARR, all of it churned.
    one = pd.DataFrame({"customer_id": [1], "month": [JAN], "mrr": [10.0]})
    b = bridge.arr_bridge(one, start_month=JAN, end_month=DEC)
    assert (b.starting, b.churned, b.ending) == (120.0, 120.0, 0.0)
    # GRR = NRR = (120 - 0 - 120) / 120 = 0
    assert (b.grr, b.nrr, b.n_churned) == (0.0, 0.0, 1)


def test_arr_bridge_all_new_customers():
    # Nobody paid in January; two customers pay 40 and 60 in December: new = 12 x 100 = 1,200 = ending.
    fresh = pd.DataFrame({"customer_id": [1, 2], "month": [DEC, DEC], "mrr": [40.0, 60.0]})
    b = bridge.arr_bridge(fresh, start_month=JAN, end_month=DEC)
    assert (b.starting, b.new, b.ending, b.n_new) == (0.0, 1200.0, 1200.0, 2)
    assert math.isnan(b.grr) and math.isnan(b.nrr)


def test_arr_bridge_returning_customer_counts_as_new():
    # Customer 1 paid in June, nothing in January, 25 in December: it is in "new" (12 x 25 = 300).
    back = pd.DataFrame({"customer_id": [1, 1, 2, 2], "month": [JUN, DEC, JAN, DEC],
                         "mrr": [25.0, 25.0, 10.0, 10.0]})
    b = bridge.arr_bridge(back, start_month=JAN, end_month=DEC)
    assert (b.starting, b.new, b.ending, b.n_new) == (120.0, 300.0, 420.0, 1)


@pytest.mark.parametrize(
    "frame, words",
    [
        (HAND.drop(columns="mrr"), "needs the column"),
        (HAND.assign(mrr=HAND["mrr"].where(HAND["customer_id"] != "A")), "no numeric MRR"),
        (HAND.assign(mrr=HAND["mrr"].where(HAND["customer_id"] != "B", -5)), "negative MRR"),
        (pd.concat([HAND, HAND.iloc[[0]]]), "repeat a customer and month"),
    ],
)
def test_arr_bridge_bad_data_raises_with_a_fix(frame, words):
    with pytest.raises(RevenueDataError, match=words):
        bridge.arr_bridge(frame, start_month=JAN, end_month=DEC)


def test_arr_bridge_end_before_start_raises():
    with pytest.raises(RevenueDataError, match="must come after the start month"):
        bridge.arr_bridge(HAND, start_month=DEC, end_month=JAN)
