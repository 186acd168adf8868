"""Renewals ahead: contract ends in the next days, band churn rates from past contract ends, the
expected renewing ARR with its interval and how past forecasts compared; every value by hand.

Wilson (1927) bounds below are the score interval written out with z = 1.959964 (z^2 = 3.841459):
centre = (p + z^2/2n) / (1 + z^2/n), half-width = z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from cs_metrics import renewals
from cs_metrics.renewals import ContractDataError

Z2 = 1.959964**2  # 3.841459


def _customers(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["customer_id", "signed_on", "contract_term_months", "churned_on", "arr"])


# --- renewals_ahead ------------------------------------------------------------------------------


def test_renewals_ahead_days_left_and_horizon_buckets():
    c = _customers([
        (1, "2025-01-20", 12, None, 100.0),  # ends 2026-01-20: 19 days after 1 Jan -> 30
        (2, "2025-03-01", 12, None, 200.0),  # ends 2026-03-01: 31 + 28 = 59 days -> 90
        (3, "2024-06-30", 24, None, 300.0),  # ends 2026-06-30: 31+28+31+30+31+29 = 180 days -> 180 (included)
        (4, "2024-07-01", 24, None, 400.0),  # ends 2026-07-01: 181 days, beyond the longest horizon
        (5, "2025-01-01", 12, None, 500.0),  # ends on as_of itself: already past
        (6, "2025-10-15", 1, "2025-12-20", 600.0),  # left before any end ahead
        (7, "2025-11-10", 1, None, 700.0),  # monthly: the 10th of Jan..Jun 2026 (Jul 10 is 190 days)
    ])
    ahead = renewals.renewals_ahead(c, as_of=dt.date(2026, 1, 1))
    got = [(r.customer_id, r.renewal_date.date().isoformat(), r.days_left, r.horizon) for r in ahead.itertuples()]
    # Customer 7: Jan 10 = 9 days, Feb 10 = 31 + 9 = 40, Mar 10 = 59 + 9 = 68, Apr 10 = 90 + 9 = 99,
    # May 10 = 120 + 9 = 129, Jun 10 = 151 + 9 = 160.
    assert got == [
        (7, "2026-01-10", 9, 30), (1, "2026-01-20", 19, 30), (7, "2026-02-10", 40, 90), (2, "2026-03-01", 59, 90),
        (7, "2026-03-10", 68, 90), (7, "2026-04-10", 99, 180), (7, "2026-05-10", 129, 180),
        (7, "2026-06-10", 160, 180), (3, "2026-06-30", 180, 180),
    ]
    assert "renewed" not in ahead.columns and ahead["arr"].tolist()[:2] == [700.0, 100.0]
    # A 30-day list: only the first two (9 and 19 days), each in the 30-day bucket.
    short = renewals.renewals_ahead(c, as_of=dt.date(2026, 1, 1), horizons=(30,))
    assert short["days_left"].tolist() == [9, 19] and short["horizon"].tolist() == [30, 30]
    # A renewal date recorded on the customer is replaced by the one computed from the term.
    recorded = renewals.renewals_ahead(c.assign(renewal_date="2030-01-01"), as_of=dt.date(2026, 1, 1), horizons=(30,))
    assert [d.date().isoformat() for d in recorded["renewal_date"]] == ["2026-01-10", "2026-01-20"]


def test_renewals_ahead_empty_input_and_bad_horizons():
    c = _customers([(1, "2025-01-20", 12, None, 100.0)])
    assert renewals.renewals_ahead(c.iloc[:0], as_of=dt.date(2026, 1, 1)).empty
    with pytest.raises(ContractDataError, match="positive numbers of days"):
        renewals.renewals_ahead(c, as_of=dt.date(2026, 1, 1), horizons=(0, 30))
    with pytest.raises(ContractDataError, match="positive numbers of days"):
        renewals.renewals_ahead(c, as_of=dt.date(2026, 1, 1), horizons=())


# --- last_band -----------------------------------------------------------------------------------


def test_last_band_uses_months_over_before_the_day_and_skips_unscored_months():
    scores = pd.DataFrame({
        "customer_id": [1, 1, 1, 2],
        "month": ["2025-04-01", "2025-05-01", "2025-06-01", "2025-05-01"],
        "band": ["green", "red", None, "yellow"],
    })
    frame = pd.DataFrame({
        "customer_id": [1, 1, 1, 2, 3],
        "renewal_date": ["2025-06-01", "2025-05-31", "2025-08-15", "2025-05-20", "2025-07-01"],
    })
    got = renewals.last_band(frame, scores, before="renewal_date").tolist()
    # 1 on 1 Jun: May is over -> red. 1 on 31 May: May is not over -> April, green. 1 on 15 Aug: June
    # has no band -> May, red. 2 on 20 May: no month over yet -> None. 3: never scored -> None.
    assert got == ["red", "green", "red", None, None]
    # One date for every row: on 1 Jun 2025, May is the last month over for both customers.
    assert renewals.last_band(frame.iloc[[0, 3]], scores, before=dt.date(2025, 6, 1)).tolist() == ["red", "yellow"]
    assert renewals.last_band(frame.iloc[:0], scores, before="renewal_date").empty


# --- band_churn_rates ----------------------------------------------------------------------------


def test_band_churn_rates_counts_and_wilson_bounds():
    history = pd.DataFrame({
        "renewed": [False, False, True, True] + [True] * 5 + [False],
        "band": ["red"] * 4 + ["green"] * 5 + [None],
    })
    rates = renewals.band_churn_rates(history).set_index("band")
    assert rates.index.tolist() == ["red", "yellow", "green", "all"]
    assert rates["n"].tolist() == [4, 0, 5, 10] and rates["not_renewed"].tolist() == [2, 0, 0, 3]
    # red 2 of 4: centre 0.5, half = z sqrt(0.25/4 + z^2/64) / (1 + z^2/4) = 0.349961 -> 0.150039 to 0.849961.
    assert rates.loc["red", ["rate", "low", "high"]].tolist() == pytest.approx([0.5, 0.150039, 0.849961], abs=1e-6)
    # green 0 of 5: upper bound z^2 / (5 + z^2) = 3.841459 / 8.841459 = 0.434482.
    assert rates.loc["green", ["rate", "low", "high"]].tolist() == pytest.approx([0.0, 0.0, 0.434482], abs=1e-6)
    # all 3 of 10 (the unscored loss included): centre (0.3 + z^2/20) / (1 + z^2/10) = 0.355507,
    # half = z sqrt(0.021 + z^2/400) / (1 + z^2/10) = 0.247716 -> 0.107791 to 0.603222.
    assert rates.loc["all", ["rate", "low", "high"]].tolist() == pytest.approx([0.3, 0.107791, 0.603222], abs=1e-6)
    assert rates.loc["yellow", ["rate", "low", "high"]].isna().all()  # no yellow contract ended


def test_band_churn_rates_empty_and_unknown_band():
    empty = renewals.band_churn_rates(pd.DataFrame({"renewed": [], "band": []}))
    assert empty["n"].tolist() == [0, 0, 0, 0] and empty["rate"].isna().all()
    with pytest.raises(ContractDataError, match="Unknown health band"):
        renewals.band_churn_rates(pd.DataFrame({"renewed": [True], "band": ["purple"]}))
    with pytest.raises(ContractDataError, match="renewed"):
        renewals.band_churn_rates(pd.DataFrame({"band": ["red"]}))


# --- expected_renewing and arr_by_band -----------------------------------------------------------

RATES = pd.DataFrame({
    "band": ["red", "yellow", "green", "all"], "n": [4, 0, 10, 20],
    "rate": [0.5, math.nan, 0.1, 0.25], "low": [0.2, math.nan, 0.05, 0.15], "high": [0.8, math.nan, 0.3, 0.4],
})


def test_expected_renewing_prices_each_band_and_the_rest_at_the_overall_rate():
    ahead = pd.DataFrame({"arr": [1000.0, 2000.0, 500.0, 100.0], "band": ["red", "green", "yellow", None]})
    e = renewals.expected_renewing(ahead, RATES)
    # Yellow (no past yellow end) and the unscored contract use the overall rate 0.25 on 500 + 100 = 600.
    # expected = 1000 x 0.5 + 2000 x 0.9 + 600 x 0.75 = 500 + 1800 + 450 = 2750.
    assert e.expected == pytest.approx(2750.0)
    # low (high churn bounds) = 1000 x 0.2 + 2000 x 0.7 + 600 x 0.6 = 200 + 1400 + 360 = 1960.
    assert e.low == pytest.approx(1960.0)
    # high (low churn bounds) = 1000 x 0.8 + 2000 x 0.95 + 600 x 0.85 = 800 + 1900 + 510 = 3210.
    assert e.high == pytest.approx(3210.0)
    assert (e.contracts, e.arr, e.unscored, e.history) == (4, 3600.0, 1, 20)


def test_expected_renewing_empty_missing_arr_and_no_history():
    none_ahead = renewals.expected_renewing(pd.DataFrame({"arr": [], "band": []}), RATES)
    assert (none_ahead.contracts, none_ahead.arr, none_ahead.expected, none_ahead.low) == (0, 0.0, 0.0, 0.0)
    # A missing ARR counts as 0: only the green 2000 remains, 2000 x 0.9 = 1800.
    e = renewals.expected_renewing(pd.DataFrame({"arr": [math.nan, 2000.0], "band": ["red", "green"]}), RATES)
    assert e.expected == pytest.approx(1800.0) and e.arr == 2000.0
    no_history = renewals.band_churn_rates(pd.DataFrame({"renewed": [], "band": []}))
    e = renewals.expected_renewing(pd.DataFrame({"arr": [10.0], "band": ["red"]}), no_history)
    assert math.isnan(e.expected) and math.isnan(e.low) and math.isnan(e.high) and e.history == 0


def test_arr_by_band_always_four_rows_summing_to_the_total():
    ahead = pd.DataFrame({"arr": [1000.0, 2000.0, 500.0, 100.0, 50.0], "band": ["red", "green", "red", None, "green"]})
    by = renewals.arr_by_band(ahead)
    # red 1000 + 500, yellow none, green 2000 + 50, unscored 100; together 3650.
    assert by.values.tolist() == [["red", 2, 1500.0], ["yellow", 0, 0.0], ["green", 2, 2050.0], ["unscored", 1, 100.0]]
    assert by["arr"].sum() == 3650.0
    assert renewals.arr_by_band(ahead.iloc[:0])["arr"].tolist() == [0.0, 0.0, 0.0, 0.0]


# --- forecast_check ------------------------------------------------------------------------------


def test_forecast_check_one_quarter_by_hand():
    c = _customers([
        ("A", "2023-11-15", 12, None, 1000.0),  # ends 2024-11-15 (renewed) and 2025-11-15 (renewed)
        ("B", "2023-12-01", 12, "2025-12-01", 2000.0),  # ends 2024-12-01 renewed; left on its 2025-12-01 end
        ("C", "2024-10-20", 12, "2025-10-20", 500.0),  # left on its first end, inside the quarter
        ("D", "2024-03-10", 12, "2025-03-10", 300.0),  # left on its first end, before the quarter
        ("E", "2024-08-05", 12, "2024-12-01", 800.0),  # left mid-term: never up for renewal
        ("F", "2025-10-05", 1, None, 100.0),  # signed inside the quarter: unknown on its first day
        ("G", "2024-11-30", 12, "2025-11-01", 400.0),  # known on 1 Oct, left before its 30 Nov end
    ])
    scores = pd.DataFrame({
        "customer_id": ["A", "A", "B", "B", "D", "G"],
        "month": ["2024-10-01", "2025-09-01", "2024-11-01", "2025-09-01", "2025-02-01", "2025-09-01"],
        "band": ["green", "green", "green", "red", "red", "yellow"],
    })
    check = renewals.forecast_check(c, scores, as_of=dt.date(2025, 12, 31), quarters=1)
    assert len(check) == 1
    row = check.iloc[0]
    assert row["quarter"] == pd.Timestamp("2025-10-01")  # Q4 2025, over by 31 Dec
    # History before 1 Oct 2025: A 2024-11-15 (band of Oct 2024: green, renewed), B 2024-12-01 (Nov 2024:
    # green, renewed), D 2025-03-10 (Feb 2025: red, lost). Rates: green 0 of 2 (Wilson high z^2/(2 + z^2)
    # = 0.657620), red 1 of 1 (Wilson low 1/(1 + z^2) = 0.206549), all 1 of 3 (Wilson 0.061492 to 0.792340).
    # Up on 1 Oct (bands of Sep 2025): A 1000 green, B 2000 red, C 500 unscored, G 400 yellow (no yellow
    # history: overall rate). 4 contracts, 3900 of ARR.
    assert (row["contracts"], row["arr"]) == (4, 3900.0)
    # expected = 1000 x 1 + 2000 x 0 + (500 + 400) x (1 - 1/3) = 1600.
    assert row["expected"] == pytest.approx(1600.0)
    # low = 1000 x (1 - 0.657620) + 2000 x (1 - 1) + 900 x (1 - 0.792340) = 342.380 + 0 + 186.894 = 529.274.
    assert row["low"] == pytest.approx(529.274, abs=1e-3)
    # high = 1000 x 1 + 2000 x (1 - 0.206549) + 900 x (1 - 0.061492) = 1000 + 1586.901 + 844.657 = 3431.559.
    assert row["high"] == pytest.approx(3431.559, abs=1e-3)
    # What happened: only A renewed (B and C left on their end, G before it): 1000, inside the interval.
    assert row["renewed_arr"] == 1000.0 and bool(row["inside"]) is True


def test_forecast_check_quarter_without_contract_ends_expects_nothing():
    c = _customers([("A", "2023-11-15", 12, None, 1000.0), ("B", "2024-03-10", 12, "2025-03-10", 300.0)])
    check = renewals.forecast_check(c, c.iloc[:0].assign(month=[], band=[]), as_of=dt.date(2025, 12, 31),
                                    quarters=2)
    # Q3 2025 (1 Jul to 30 Sep): no end; Q4 2025: A's 2025-11-15 end, unscored, at the overall rate of
    # the ends before 1 Oct (A 2024-11-15 renewed, B 2025-03-10 lost: 1 of 2), so 1000 x 0.5 = 500.
    assert check["quarter"].tolist() == [pd.Timestamp("2025-07-01"), pd.Timestamp("2025-10-01")]
    assert check["contracts"].tolist() == [0, 1] and check["expected"].tolist() == pytest.approx([0.0, 500.0])
    assert check["renewed_arr"].tolist() == [0.0, 1000.0]
    with pytest.raises(ContractDataError, match="quarters"):
        renewals.forecast_check(c, c.iloc[:0].assign(month=[], band=[]), as_of=dt.date(2025, 12, 31), quarters=0)
