"""The Overview's "ARR up for renewal (90 days)" tile: the Churn & retention page's numbers (its
Renewals ahead section's service), a comparison value counted here from the raw customer rows, and
a "what changed" summary that never calls its movement better or worse."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cs_metrics import renewals
from cs_metrics import summary as sm
from cs_metrics.formatting import fmt_value
from cs_metrics.period import Period
from cs_metrics.selection import CustomerFilter
from cs_metrics.services import overview, renewal_tiles
from cs_metrics.services import renewals as service
from cs_metrics.storage import db, demo
from cs_metrics.tiles import AREAS, COMPANY_WIDE, NOT_APPLICABLE, SPARK_POINTS, Tile

PERIOD = Period(dt.date(2025, 11, 1), dt.date(2026, 10, 31))
AS_OF = dt.date(2026, 10, 31)
#: Customers on contracts of 12 months or more, with the churn date the app reads (its own or its event's).
CUSTOMERS_SQL = """
SELECT c.id AS customer_id, c.signed_on, c.contract_term_months, c.arr,
       COALESCE(c.churned_on, (SELECT MIN(e.churned_on) FROM churn_event e WHERE e.customer_id = c.id)) AS churned_on
FROM customer c WHERE c.contract_term_months >= 12
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    path = tmp_path_factory.mktemp("renewal_tile") / "small.db"
    eng = db.make_engine(f"sqlite:///{path}")
    db.upgrade(eng)
    demo.load_demo(eng, customers=300, seed=7, as_of=AS_OF)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def tile(engine) -> Tile:
    found = [t for t in overview.overview_tiles(engine, period=PERIOD, as_of=AS_OF) if t.area == "renewals"]
    assert [t.key for t in found] == ["renewals_90"]
    return found[0]


def _money(value: float) -> str:
    return fmt_value(value, "currency", currency="EUR")  # the demo company writes amounts in euros


def test_the_tile_is_the_churn_pages_renewals_ahead_for_90_days(engine, tile):
    # The Churn & retention page's section with "Contracts ending within 90 days" picked: its
    # "ARR up for renewal" metric, its contract count, its "ARR at stake by health band" table and
    # its "Expected renewing ARR" with the range, from the same service calls the page makes.
    assert renewal_tiles.RENEWAL_MIN_TERM == service.MIN_TERM
    page = service.expected(engine, as_of=AS_OF, days=90)
    due = renewals.due_within(service.renewals_ahead(engine, as_of=AS_OF), days=90)
    bands = renewals.arr_by_band(due).set_index("band")
    assert page.contracts > 10 and page.arr > 0  # the small demo company has renewals coming
    assert tile.value == pytest.approx(page.arr) and tile.n == page.contracts == len(due)
    red = bands.loc["red", "arr"] / page.arr
    assert 0 < red < 1  # a real split: some, not all, of the ARR is held in the red band
    assert tile.detail == (f"{red:.1%} of it in the red band · expected renewing {_money(page.expected)} "
                           f"(range {_money(page.low)}–{_money(page.high)})")
    assert tile.extra["expected"] == page
    assert tile.extra["bands"].set_index("band")["arr"].tolist() == pytest.approx(bands["arr"].tolist())


def test_the_comparison_value_is_the_arr_due_after_the_comparison_periods_last_day(engine, tile):
    # Counted here from the raw rows: the comparison period ends 31 Oct 2025; every contract end
    # signed_on + k x term months (pandas' DateOffset clips the day to the month) in 1 Nov 2025 to
    # 29 Jan 2026 (90 days), of customers signed by 31 Oct 2025 and not lost by then (a loss dated
    # later was not known yet, so it does not take the contract out).
    day = pd.Timestamp(PERIOD.previous().last)
    assert day == pd.Timestamp("2025-10-31")
    customers = pd.read_sql(CUSTOMERS_SQL, engine, parse_dates=["signed_on", "churned_on"])
    customers = customers[~(customers["churned_on"] < customers["signed_on"])]  # unusable dates are left out
    known = customers[(customers["signed_on"] <= day) & ~(customers["churned_on"] <= day)]
    due = []
    for c in known.itertuples():
        for k in range(1, 40):
            end = c.signed_on + pd.DateOffset(months=k * int(c.contract_term_months))
            if day < end <= day + pd.Timedelta(days=90):
                due.append(float(c.arr))
    assert len(due) > 10
    assert tile.n_previous == len(due) and tile.previous == pytest.approx(sum(due))
    # A census figure: no test; its sparkline ends on the tile's own value (as of 31 Oct 2026, the period's last day).
    assert tile.test == NOT_APPLICABLE and not tile.sampled
    assert len(tile.series) == SPARK_POINTS and tile.series[-1] == (AS_OF, pytest.approx(tile.value))


def test_the_renewals_area_follows_the_customer_filter(engine, tile):
    assert AREAS["renewals"] == "Renewals ahead" and "renewals" not in COMPANY_WIDE
    flt = CustomerFilter(segments=("SMB",))
    smb = overview.renewals_tiles(engine, period=PERIOD, flt=flt, as_of=AS_OF)[0]
    assert smb.value == pytest.approx(service.expected(engine, as_of=AS_OF, days=90, flt=flt).arr)
    assert 0 < smb.n < tile.n


def test_the_tile_on_an_empty_database():
    engine = db.make_engine("sqlite://")
    db.upgrade(engine)
    # No customers imported: the area is left out, as every area without its data.
    assert overview.overview_tiles(engine, period=PERIOD, areas=("renewals",)) == []
    kept = overview.overview_tiles(engine, period=PERIOD, areas=("renewals",), keep_absent=True)
    assert [t.key for t in kept] == ["renewals_90"]
    assert kept[0].n == 0 and not kept[0].has_value and kept[0].detail == "no contract ends in the next 90 days"
    engine.dispose()


def _renewals(value: float, previous: float) -> Tile:
    return Tile(key="renewals_90", label="ARR up for renewal (90 days)", unit="currency", value=value,
                previous=previous, n=40, n_previous=30, area="renewals")


def test_the_summary_never_calls_more_arr_up_for_renewal_better_or_worse():
    # +100% (1.0M against 0.5M) is far above the 0.5% a census movement needs, yet it is not named;
    # logo churn 11.2% -> 12.4% (+1.2 pp, census) still is.
    churn = Tile(key="logo_churn", label="Logo churn", unit="share", value=0.124, previous=0.112, n=761,
                 n_previous=700)
    up = _renewals(1_000_000.0, 500_000.0)
    assert sm.movement_size(up) == pytest.approx(100.0)  # (1.0M - 0.5M) / 0.5M x 100
    assert not sm.is_real_movement(up)
    for language in sm.LANGUAGES:
        text = sm.what_changed([churn, up], language=language)
        assert [t.key for t in text.movements] == ["logo_churn"]
        assert sm.label(up, language) not in text.text
    # Alone, it leaves the "no real movement" sentence, whichever way it moved.
    for value in (250_000.0, 1_000_000.0):
        assert sm.what_changed([_renewals(value, 500_000.0)]).text.startswith("No real movement")
    assert sm.label(up, "it") == "ARR in rinnovo (90 giorni)"
