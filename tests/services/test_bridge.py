"""The ARR bridge from the database (``services.churn.arr_bridge``) on a small demo company: its
GRR and NRR are the Churn & retention page's tiles, its ending ARR is 12 x the end month's MRR
read here in plain SQL, and a segment's bridge is a smaller one whose parts add up."""

from __future__ import annotations

import datetime as dt

import pytest
from pytest import approx
from sqlalchemy import text

from cs_metrics import bridge
from cs_metrics.period import Period
from cs_metrics.selection import CustomerFilter
from cs_metrics.services import churn as churn_service
from cs_metrics.storage import db, demo
from cs_metrics.storage.queries import ALL
from cs_metrics.vocab import SEGMENTS

PERIOD = Period(dt.date(2025, 11, 1), dt.date(2026, 10, 31))
AS_OF = dt.date(2026, 10, 31)
# The months the period's GRR and NRR compare: the month of the day before it starts (October 2025)
# and the month of its last day (October 2026).
START_MONTH, END_MONTH = dt.date(2025, 10, 1), dt.date(2026, 10, 1)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    path = tmp_path_factory.mktemp("bridge") / "small.db"
    eng = db.make_engine(f"sqlite:///{path}")
    db.upgrade(eng)
    demo.load_demo(eng, customers=300, seed=99, as_of=AS_OF)
    yield eng
    eng.dispose()


def _tiles(engine, flt) -> dict:
    # The call the Churn & retention page makes for its tiles.
    return {t.key: t for t in churn_service.retention_tiles(engine, period=PERIOD, flt=flt)}


def _end_month_mrr(engine, segment: str | None = None) -> float:
    """Sum of the end month's MRR (negative rows left out, as everywhere), in plain SQL."""
    sql = ("SELECT COALESCE(SUM(r.mrr), 0) FROM revenue_month r JOIN customer c ON c.id = r.customer_id "
           "WHERE r.month = :m AND r.mrr >= 0" + (" AND c.segment = :s" if segment else ""))
    with engine.connect() as conn:
        return float(conn.execute(text(sql), {"m": END_MONTH.isoformat(), "s": segment}).scalar_one())


def _adds_up(b: bridge.ArrBridge) -> None:
    assert b.ending == approx(b.starting + b.new + b.expansion - b.contraction - b.churned, rel=1e-12)
    assert b.grr == approx((b.starting - b.contraction - b.churned) / b.starting, rel=1e-12)
    assert b.nrr == approx((b.starting + b.expansion - b.contraction - b.churned) / b.starting, rel=1e-12)
    assert b.n_ending == b.n_start - b.n_churned + b.n_new


@pytest.fixture(scope="module")
def whole(engine) -> bridge.ArrBridge:
    return churn_service.arr_bridge(engine, period=PERIOD, flt=ALL)


def test_arr_bridge_months_and_tiles_on_demo(engine, whole):
    assert (whole.start_month, whole.end_month) == (START_MONTH, END_MONTH)
    tiles = _tiles(engine, ALL)
    # The tiles show a value (no disagreement between churn events and revenue on the demo).
    assert tiles["grr"].value == approx(whole.grr, rel=1e-12)
    assert tiles["nrr"].value == approx(whole.nrr, rel=1e-12)
    # Their MRR sums (computed by the database) are the bridge's existing-customer parts / 12.
    rr = tiles["grr"].extra["retention"]
    assert 12 * rr.starting == approx(whole.starting, rel=1e-12)
    assert 12 * rr.expansion == approx(whole.expansion, rel=1e-12)
    assert 12 * rr.contraction == approx(whole.contraction, rel=1e-12)
    assert 12 * rr.churned == approx(whole.churned, rel=1e-12)
    assert (rr.n, rr.n_churned) == (whole.n_start, whole.n_churned)
    _adds_up(whole)
    # The demo company grows: NRR above 1, GRR at most 1, new customers arrive.
    assert whole.grr <= 1.0 < whole.nrr and whole.new > 0 and whole.n_new > 0


def test_arr_bridge_ending_is_12_times_the_end_months_mrr(engine, whole):
    assert whole.ending == approx(12 * _end_month_mrr(engine), rel=1e-12)


@pytest.mark.parametrize("segment", SEGMENTS)
def test_arr_bridge_of_a_segment_is_smaller_and_adds_up(engine, whole, segment):
    flt = CustomerFilter(segments=(segment,))
    part = churn_service.arr_bridge(engine, period=PERIOD, flt=flt)
    assert 0 < part.starting < whole.starting and 0 < part.ending < whole.ending
    assert 0 < part.n_start < whole.n_start
    _adds_up(part)
    assert part.ending == approx(12 * _end_month_mrr(engine, segment), rel=1e-12)
    tiles = _tiles(engine, flt)
    assert tiles["grr"].value == approx(part.grr, rel=1e-12)
    assert tiles["nrr"].value == approx(part.nrr, rel=1e-12)


def test_arr_bridges_of_every_segment_sum_to_the_whole(engine, whole):
    # Every customer is in exactly one segment: each part of the whole is the sum of the segments' parts.
    parts = [churn_service.arr_bridge(engine, period=PERIOD, flt=CustomerFilter(segments=(s,)))
             for s in SEGMENTS]
    for name in ("starting", "new", "expansion", "contraction", "churned", "ending"):
        assert sum(getattr(p, name) for p in parts) == approx(getattr(whole, name), rel=1e-12), name
    for name in ("n_start", "n_new", "n_churned", "n_ending"):
        assert sum(getattr(p, name) for p in parts) == getattr(whole, name), name


def test_arr_bridge_of_a_segment_without_customers_is_empty(engine):
    # An unknown segment: no revenue at either month, a bridge of zeros.
    b = churn_service.arr_bridge(engine, period=PERIOD, flt=CustomerFilter(segments=("Nobody",)))
    assert (b.starting, b.new, b.ending, b.n_start, b.n_ending) == (0.0, 0.0, 0.0, 0, 0)
