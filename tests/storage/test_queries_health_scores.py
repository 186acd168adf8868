"""Stored health scores (``cs_metrics.storage.queries.health_scores``) on the small health company
(``tests.conftest.small``), on SQLite and PostgreSQL: which months are current, the revisions an
import adds, and every aggregate against scores worked out by hand.

Hand scores with the default model (linear points, weighted mean of the signals present):
customer 1 in January: usage 0.45 -> (0.45 - 0.1) / 0.7 = 50 points (weight 25), billing problems
1 of 2 -> 50 points (weight 12): 50.0, red (50 is red), ARR 12 x 100 = 1,200; in February usage 0.8
-> 100.0, green, no revenue. Customer 2 (Enterprise, owner Bruno) in January: usage 0.1 -> 0.0, red,
ARR 6,000. Customer 3 (churned 10 March 2026) in January: usage 0.2 -> 0.1 / 0.7 x 100 = 14.2857, red.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import insert

from cs_metrics.selection import CustomerFilter
from cs_metrics.services import health as service
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import health_scores as hs

JAN, FEB, MAR, APR = (dt.date(2026, k, 1) for k in (1, 2, 3, 4))


@pytest.fixture()
def scored(small):
    """The small company with its scores stored for the active version (1)."""
    service.rescore(small)
    return small


def test_signal_months_walk_the_month_index(small):
    assert hs.signal_months(small) == [JAN, FEB]
    assert hs.signal_months(small, start=dt.date(2026, 2, 14)) == [FEB]  # the month of start counts
    assert hs.signal_months(small, end=FEB) == [JAN]  # end is exclusive
    assert hs.signal_months(small, start=MAR) == []


def test_months_are_stale_until_scored_and_again_after_an_import_touches_them(small):
    assert hs.month_states(small, version=1) == ([JAN, FEB], [])
    assert service.rescore(small) == 4  # customer-months: 3 in January, 1 in February
    assert hs.month_states(small, version=1) == ([], [])
    assert hs.stale_months(small, version=2) == [JAN, FEB]  # another version has nothing stored
    with small.begin() as conn:
        assert hs.touch_months(conn, [dt.date(2026, 2, 17), FEB]) == [FEB]
    assert hs.month_revision(small, FEB) == 1 and hs.month_revision(small, JAN) == 0
    assert hs.stale_months(small, version=1) == [FEB]
    assert service.rescore(small) == 1
    with small.begin() as conn:
        hs.touch_customers(conn, [2])  # customer 2 has signals in January only
    assert hs.stale_months(small, version=1) == [JAN]
    with small.connect() as conn:
        assert hs.input_revisions(conn) == {JAN: 1, FEB: 1}


def test_months_without_signals_any_more_are_dropped(scored):
    with scored.begin() as conn:
        conn.execute(m.HealthSignal.__table__.delete().where(m.HealthSignal.month == FEB))
    assert hs.month_states(scored, version=1) == ([], [FEB])
    assert service.current(scored) == 1
    assert hs.month_states(scored, version=1) == ([], [])
    assert hs.band_counts(scored, version=1, start=FEB, end=MAR).empty


def test_band_counts_per_month_with_arr_and_the_customer_filter(scored):
    counts = hs.band_counts(scored, version=1, start=JAN, end=MAR)
    assert counts.to_dict("records") == [
        {"month": dt.datetime(2026, 1, 1), "band": "red", "n": 3, "arr": 7200.0},  # 1,200 + 6,000 (+ none)
        {"month": dt.datetime(2026, 2, 1), "band": "green", "n": 1, "arr": 0.0},  # no February revenue
    ]
    bruno = hs.band_counts(scored, version=1, start=JAN, end=FEB, flt=CustomerFilter(owners=("Bruno",)))
    assert bruno[["band", "n", "arr"]].to_dict("records") == [{"band": "red", "n": 1, "arr": 6000.0}]
    by = hs.band_counts_by(scored, version=1, month=JAN, by="segment").sort_values("segment")
    assert by[["segment", "band", "n", "arr"]].values.tolist() == [["Enterprise", "red", 1, 6000.0],
                                                                   ["SMB", "red", 2, 1200.0]]
    with pytest.raises(ValueError, match="segment, region, owner"):
        hs.band_counts_by(scored, version=1, month=JAN, by="industry")


def test_score_bins_are_closed_on_the_upper_side(scored):
    bins = hs.score_bins(scored, version=1, month=JAN, bin_width=5).sort_values("bin")
    # 0 -> bin 0 ([0, 5]); 14.2857 -> bin 2 ((10, 15]); 50 -> bin 9 ((45, 50]), not bin 10.
    assert bins[["bin", "band", "n"]].values.tolist() == [[0, "red", 1], [2, "red", 1], [9, "red", 1]]


def test_transitions_between_two_months(scored):
    moves = hs.transitions(scored, version=1, first=JAN, second=FEB, until=dt.date(2026, 2, 28))
    got = {(r.from_band, r.to_band): (r.n, r.arr) for r in moves.itertuples()}
    # Customer 1 red -> green (its January ARR); 2 and 3 have no February signals; 3 churned only
    # on 10 March, after the end of February, so it is unscored rather than churned.
    assert got == {("red", "green"): (1, 1200.0), ("red", "unscored"): (2, 6000.0)}
    later = hs.transitions(scored, version=1, first=JAN, second=FEB, until=dt.date(2026, 3, 31))
    got = {(r.from_band, r.to_band): (r.n, r.arr) for r in later.itertuples()}
    assert got == {("red", "green"): (1, 1200.0), ("red", "unscored"): (1, 6000.0), ("red", "churned"): (1, 0.0)}


def test_at_risk_list_largest_arr_first_then_lowest_score(scored):
    top = hs.at_risk_list(scored, version=1, month=JAN, previous=None, drop=10)
    # Every January customer is red; ARR 6,000 (customer 2), 1,200 (customer 1), none (customer 3).
    assert top["customer_id"].tolist() == [2, 1, 3]
    assert top["why"].tolist() == ["red"] * 3 and top["previous_score"].isna().all()
    assert (top.attrs["n"], top.attrs["arr"]) == (3, 7200.0)
    first = hs.at_risk_list(scored, version=1, month=JAN, previous=None, drop=10, limit=1)
    assert first["name"].tolist() == ["Customer 2"] and (first.attrs["n"], first.attrs["arr"]) == (3, 7200.0)
    # February against January: customer 1 rose from 50 to 100, so nobody is at risk.
    nobody = hs.at_risk_list(scored, version=1, month=FEB, previous=JAN, drop=10)
    assert nobody.empty and (nobody.attrs["n"], nobody.attrs["arr"]) == (0, 0.0)
    # A fall of 10 points or more counts: customer 1 from 100 (February) back to 50 would be both.
    with scored.begin() as conn:
        conn.execute(m.HealthScore.__table__.update().where(m.HealthScore.month == JAN, m.HealthScore.customer_id == 1)
                     .values(score=40.0, band="red"))
        conn.execute(m.HealthScore.__table__.update().where(m.HealthScore.month == FEB, m.HealthScore.customer_id == 1)
                     .values(score=30.0, band="red"))
    both = hs.at_risk_list(scored, version=1, month=FEB, previous=JAN, drop=10)
    assert both[["why", "previous_score", "change"]].values.tolist() == [["red and falling", 40.0, -10.0]]


def test_back_test_inputs_churn_and_search(scored):
    rows = hs.month_scores(scored, version=1, month=JAN)
    assert rows["customer_id"].tolist() == [1, 2, 3]
    assert rows["score"].tolist() == pytest.approx([50.0, 0.0, 100 * 0.1 / 0.7])
    assert rows["arr"].tolist()[:2] == [1200.0, 6000.0] and pd.isna(rows["arr"].iloc[2])
    labels = hs.customer_labels(scored, [3, 2])
    assert labels[["customer_id", "name", "owner"]].values.tolist() == [[2, "Customer 2", "Bruno"],
                                                                       [3, "Customer 3", "Anna"]]
    outcomes = hs.score_outcomes(scored, version=1, month=JAN, start=FEB, end=dt.date(2026, 5, 2))
    assert sorted(outcomes["churned"].tolist()) == [0, 0, 1]  # customer 3 left on 10 March
    # Customers gone before the window opens have no outcome to test.
    assert len(hs.score_outcomes(scored, version=1, month=JAN, start=APR, end=dt.date(2026, 7, 1))) == 2
    # The last score from a month that ended before the churn: January (10 March churn).
    assert hs.bands_before_churn(scored, version=1, start=JAN, end=APR).values.tolist() == [["red", 1]]
    assert hs.bands_before_churn(scored, version=1, start=MAR, end=APR).empty  # January is outside
    with scored.begin() as conn:
        conn.execute(insert(m.ChurnEvent.__table__).values(customer_id=3, churned_on=dt.date(2026, 3, 10)))
    last = hs.last_scores_before_churn(scored, version=1, start=MAR, end=APR)
    assert last[["customer_id", "band"]].values.tolist() == [[3, "red"]]
    assert hs.find_customers(scored, version=1, month=JAN, text="customer 2")["customer_id"].tolist() == [2]
    assert hs.find_customers(scored, version=1, month=JAN, text="c3")["customer_id"].tolist() == [3]  # the id
    assert hs.find_customers(scored, version=1, month=JAN, text="%").empty  # a literal percent sign
    assert hs.find_customers(scored, version=1, month=FEB)["customer_id"].tolist() == [1]


def test_storing_keeps_only_the_versions_asked_for(scored):
    service.rescore(scored, version=1, months=[JAN])
    assert hs.scored_versions(scored) == [1]
    scores = hs.month_scores(scored, version=1, month=JAN)
    assert hs.store_month(scored, version=7, month=JAN, revision=0, scores=scores)
    assert hs.scored_versions(scored) == [1, 7]
    hs.keep_versions(scored, [1])
    assert hs.scored_versions(scored) == [1]
    hs.drop_months(scored, [JAN], version=1)
    assert hs.stale_months(scored, version=1) == [JAN]
