"""Overview tiles from the database: values against independent computations, verdicts, sparklines,
empty data."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from sqlalchemy import create_engine

from cs_metrics import nps, ttfv
from cs_metrics.period import Period
from cs_metrics.services import meetings as meeting_service
from cs_metrics.services import overview
from cs_metrics.storage import db, demo
from cs_metrics.storage import queries as q
from cs_metrics.tiles import (
    DETECTABLE,
    NOT_APPLICABLE,
    NOT_DETECTABLE,
    NOT_TESTABLE,
    SPARK_POINTS,
    tile_numbers,
)

PERIOD = Period(dt.date(2025, 11, 1), dt.date(2026, 10, 31))
AS_OF = dt.date(2026, 10, 31)


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    path = tmp_path_factory.mktemp("overview") / "small.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    demo.load_demo(engine, customers=300, seed=7, as_of=AS_OF)
    engine.dispose()
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def engine(url):
    eng = db.make_engine(url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def tiles(engine):
    return {t.key: t for t in overview.overview_tiles(engine, period=PERIOD, as_of=AS_OF)}


def _raw(url: str, table: str) -> pd.DataFrame:
    eng = create_engine(url)
    try:
        return pd.read_sql(f"SELECT * FROM {table}", eng)
    finally:
        eng.dispose()


# --- pure helpers ------------------------------------------------------------------------------------


def test_overview_tiles_on_an_empty_database_do_not_crash():
    engine = db.make_engine("sqlite://")
    db.upgrade(engine)
    # Without data every tile is left out (tests/services/test_coverage.py); kept
    # here with keep_absent=True to check that the builders themselves do not crash on empty tables.
    assert overview.overview_tiles(engine, period=PERIOD) == []
    tiles = overview.overview_tiles(engine, period=PERIOD, keep_absent=True)
    keys = [t.key for t in tiles]
    assert keys[0] == "nps" and "meeting_share" not in keys and not any(k.startswith("maturity") for k in keys)
    assert all(t.n == 0 for t in tiles)
    by_key = {t.key: t for t in tiles}
    assert by_key["nps"].test == NOT_TESTABLE and math.isnan(by_key["nps"].value)
    assert by_key["logo_churn"].test == NOT_APPLICABLE
    assert len(by_key["nps"].series) == SPARK_POINTS
    engine.dispose()


# --- tiles on the demo company -------------------------------------------------------------------------


def test_nps_tile_against_raw_responses_and_the_test(url, tiles):
    r = _raw(url, "nps_response")
    day = pd.to_datetime(r["responded_on"])

    def counts(p: Period) -> tuple[int, int, int]:
        s = r.loc[(day >= pd.Timestamp(p.start)) & (day <= pd.Timestamp(p.last)), "score"]
        return int((s <= 6).sum()), int(((s >= 7) & (s <= 8)).sum()), int((s >= 9).sum())

    d, pa, pr = counts(PERIOD)
    n = d + pa + pr
    tile = tiles["nps"]
    assert tile.value == pytest.approx((pr - d) / n * 100)  # %promoters - %detractors
    # Adjusted Wald (Rocks 2016): +0.75 detractor, +1.5 passive, +0.75 promoter.
    p_adj, d_adj = (pr + 0.75) / (n + 3), (d + 0.75) / (n + 3)
    half = 1.959964 * math.sqrt((p_adj + d_adj - (p_adj - d_adj) ** 2) / (n + 3))
    assert (tile.low, tile.high) == pytest.approx(((p_adj - d_adj - half) * 100, (p_adj - d_adj + half) * 100))
    diff = nps.nps_difference(counts(PERIOD.previous()), (d, pa, pr))
    assert tile.p_value == pytest.approx(diff.p_value)
    assert tile.test == (DETECTABLE if diff.p_value < 0.05 else NOT_DETECTABLE)
    assert tile.series[-1] == (PERIOD.last, pytest.approx(tile.value))


def test_logo_churn_tile_and_its_sparkline_by_hand(url, tiles):
    c = _raw(url, "customer")
    signed, churned = pd.to_datetime(c["signed_on"]), pd.to_datetime(c["churned_on"])

    def rate(p: Period) -> float:
        at_start = (signed < pd.Timestamp(p.start)) & (churned.isna() | (churned >= pd.Timestamp(p.start)))
        lost = at_start & (churned <= pd.Timestamp(p.last))
        return lost.sum() / at_start.sum()

    tile = tiles["logo_churn"]
    assert tile.value == pytest.approx(rate(PERIOD))
    assert tile.previous == pytest.approx(rate(PERIOD.previous()))
    assert tile.test == NOT_APPLICABLE  # every customer counted: a census
    # Sparkline point at the end of April 2026: the 365 days from 2025-05-01 to 2026-04-30.
    point = dict(tile.series)[dt.date(2026, 4, 30)]
    assert point == pytest.approx(rate(Period(dt.date(2025, 5, 1), dt.date(2026, 4, 30))))


def test_ttfv_tiles_use_the_log_rank_test_of_the_two_cohorts(engine, tiles):
    durations = ttfv.ttfv_durations(q.customers(engine), q.first_value_dates(engine), as_of=AS_OF)
    cur = ttfv.signed_in(durations, start=PERIOD.start, end=PERIOD.end)
    prev = ttfv.signed_in(durations, start=PERIOD.previous().start, end=PERIOD.previous().end)
    cur.attrs, prev.attrs = {}, {}
    both = pd.concat([cur.assign(g="now"), prev.assign(g="before")], ignore_index=True)
    p_value = ttfv.compare_groups(both, by="g").p_value
    assert tiles["ttfv"].p_value == pytest.approx(p_value)
    assert tiles["ttfv_within_target"].test == tiles["ttfv"].test
    assert tiles["ttfv"].value == ttfv.ttfv_summary(cur)["median"].iloc[0]
    assert tiles["ttfv"].detail == f"{int((~cur['reached']).sum())} of {len(cur)} still onboarding"


def test_meeting_share_tile_equals_the_meetings_api_and_counts_meetings(url, engine, tiles):
    tile = tiles["meeting_share"]
    report = meeting_service.share_report(engine, period=PERIOD).iloc[0]
    assert tile.value == pytest.approx(report["time_share"])
    held = pd.to_datetime(_raw(url, "meeting")["held_on"])
    assert tile.n == int(((held >= pd.Timestamp(PERIOD.start)) & (held <= pd.Timestamp(PERIOD.last))).sum())
    assert tile.test in (DETECTABLE, NOT_DETECTABLE)


def test_maturity_tiles_are_medians_of_the_latest_round(url, tiles):
    answers = _raw(url, "assessment_answer").merge(
        _raw(url, "assessment").rename(columns={"id": "assessment_id"}), on="assessment_id")
    rounds = _raw(url, "assessment_round").sort_values("opened_on")
    latest = rounds["id"].iloc[-1]
    part = answers[answers["round_id"] == latest]
    for dim in ("culture", "organization", "customer_involvement", "technology"):
        stages = part.loc[part["dimension"] == dim, "stage"].astype(float)
        tile = tiles[f"maturity_{dim}"]
        assert tile.value == stages.median() and tile.n == len(stages)


def test_company_wide_tiles_ignore_the_customer_filter(engine, tiles):
    flt = q.CustomerFilter(segments=("SMB",))
    filtered = {t.key: t for t in overview.overview_tiles(engine, period=PERIOD, as_of=AS_OF, flt=flt,
                                                          areas=("meetings", "maturity", "retention"))}
    assert filtered["meeting_share"].value == tiles["meeting_share"].value
    assert filtered["maturity_culture"].value == tiles["maturity_culture"].value
    assert filtered["logo_churn"].n < tiles["logo_churn"].n


def test_a_chosen_comparison_period_is_used(engine, tiles):
    year_before = Period(dt.date(2024, 11, 1), dt.date(2025, 10, 31))
    other = Period(dt.date(2025, 5, 1), dt.date(2025, 10, 31))
    same = {t.key: t for t in overview.overview_tiles(engine, period=PERIOD, as_of=AS_OF, previous=year_before,
                                                      areas=("retention",))}
    shifted = {t.key: t for t in overview.overview_tiles(engine, period=PERIOD, as_of=AS_OF, previous=other,
                                                         areas=("retention",))}
    assert same["logo_churn"].previous == tiles["logo_churn"].previous  # the default is the previous year here
    assert shifted["logo_churn"].previous != tiles["logo_churn"].previous


def test_overview_tiles_are_the_same_on_postgresql(pg_url, tmp_path):
    numbers = []
    for url in (f"sqlite:///{tmp_path / 'small.db'}", pg_url):
        engine = db.make_engine(url)
        db.upgrade(engine)
        demo.load_demo(engine, customers=120, seed=3, as_of=AS_OF)
        numbers.append(tile_numbers(overview.overview_tiles(engine, period=PERIOD, as_of=AS_OF)))
        engine.dispose()
    sqlite, postgres = numbers
    assert sqlite.keys() == postgres.keys()
    for key in sqlite:
        for field, value in sqlite[key].items():
            other = postgres[key][field]
            assert other == (pytest.approx(value) if isinstance(value, float) else value), (key, field)


def test_overview_tiles_of_the_chosen_areas_only(engine):
    keys = [t.key for t in overview.overview_tiles(engine, period=PERIOD, as_of=AS_OF, areas=("nps",))]
    assert keys == ["nps"]
