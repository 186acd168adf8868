"""Stored health scores against the scores computed from the raw signals by the pure functions, on
the demo company (SQLite and PostgreSQL): rescored from scratch, after an import of new signals
(only the touched month is scored again) and after a model change. Every figure the Health page,
the Overview (and so the board pack) and the churn contradictions read from the stored scores must
equal what ``cs_metrics.health`` computes from ``services.health.health_scores`` (the raw path).
Also: the imports that mark months, and the command line."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import select

from cs_metrics import churn as churn_metrics
from cs_metrics import health
from cs_metrics.access import LOCAL
from cs_metrics.errors import DataError
from cs_metrics.period import Period
from cs_metrics.selection import ALL, CustomerFilter
from cs_metrics.services import churn as churn_service
from cs_metrics.services import health as service
from cs_metrics.services.overview import health_tiles
from cs_metrics.storage import db, demo, ingest
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import churn as qc
from cs_metrics.storage.queries import health as hq
from cs_metrics.storage.queries import health_scores as hs
from tests.conftest import DEMO_AS_OF, DEMO_CUSTOMERS, DEMO_SEED

START, END = dt.date(2025, 11, 1), DEMO_AS_OF + dt.timedelta(days=1)  # the page's last 12 months, end exclusive
SEP = dt.date(2026, 9, 1)


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_engine(request):
    """The demo company in a private database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        engine = db.make_engine(request.getfixturevalue("demo_db_url"))
    else:
        engine = db.make_engine(request.getfixturevalue("pg_url"))
        db.upgrade(engine)
        demo.load_demo(engine, customers=DEMO_CUSTOMERS, seed=DEMO_SEED, as_of=DEMO_AS_OF)
    yield engine
    engine.dispose()


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False,
                                  check_exact=False, rtol=1e-9)
    assert a.attrs.get("unscored", 0) == b.attrs.get("unscored", 0)


def _check_stored_equals_raw(engine, *, version: int | None = None, flt: CustomerFilter = ALL) -> None:
    """Every aggregate of the stored scores against the pure functions on the raw-signal scores."""
    raw = service.health_scores(engine, start=START, end=END, flt=flt, version=version)
    churn = service.churn_dates(engine, flt=flt)
    counts = service.band_counts(engine, start=START, end=END, flt=flt, version=version)
    months = health.scored_months(raw)
    assert health.scored_months(counts) == months and len(months) == 12
    arr_known = raw.assign(arr=raw["arr"].fillna(0.0))
    for month in months:  # band shares, counts and ARR, of every month
        _same(health.shares_from_counts(counts[counts["month"] == month]),
              health.band_shares(health.month_rows(arr_known, month), weight="arr"))
    _same(health.shares_from_counts(counts, by="month")[["month", "band", "n", "share", "scored"]],
          health.band_trend(raw))
    latest, previous = months[-1], months[-2]
    now, before = health.month_rows(raw, latest), health.month_rows(raw, previous)
    _same(service.score_histogram(engine, month=latest, flt=flt, version=version), health.score_histogram(now))
    _same(service.band_shares_by(engine, month=latest, by="owner", flt=flt, version=version, limit=None),
          health.band_shares_by(now.assign(arr=now["arr"].fillna(0.0)), "owner", weight="arr"))
    _same(service.movement(engine, first=months[0], second=latest, flt=flt, version=version),
          health.movement(raw, churn, start_month=months[0], end_month=latest))
    stored_risk = service.at_risk(engine, month=latest, previous=previous, drop=10, flt=flt, version=version,
                                  limit=100_000)
    raw_risk = health.at_risk(now, before, drop=10)
    assert stored_risk["customer_id"].tolist() == raw_risk["customer_id"].tolist()
    assert stored_risk["score"].tolist() == pytest.approx(raw_risk["score"].tolist())
    assert stored_risk["why"].tolist() == raw_risk["why"].tolist()
    assert (stored_risk.attrs["n"], stored_risk.attrs["arr"]) == (len(raw_risk), pytest.approx(raw_risk.attrs["arr"]))
    csv = service.at_risk_csv(engine, month=latest, previous=previous, drop=10, flt=flt, version=version)
    assert csv.decode("utf-8-sig").count("\n") == len(raw_risk) + 1  # header and one line per customer
    stored_bt = service.health_backtest(engine, start=START, end=END, as_of=DEMO_AS_OF, flt=flt, version=version)
    raw_bt = health.backtest(raw, churn, horizon_days=90, as_of=DEMO_AS_OF)
    assert (stored_bt.month, stored_bt.n, stored_bt.churned, stored_bt.unscored) == (
        raw_bt.month, raw_bt.n, raw_bt.churned, raw_bt.unscored)
    assert stored_bt.auc.auc == pytest.approx(raw_bt.auc.auc) and stored_bt.auc.se == pytest.approx(raw_bt.auc.se)
    _same(stored_bt.by_band, raw_bt.by_band)
    assert stored_bt.churned_while_green["customer_id"].tolist() == raw_bt.churned_while_green["customer_id"].tolist()
    _same(service.auc_by_month(engine, start=START, end=END, as_of=DEMO_AS_OF, flt=flt, version=version),
          health.backtest_by_month(raw, churn, horizon_days=90, as_of=DEMO_AS_OF))
    _same(service.churned_bands(engine, start=START, end=END, flt=flt, version=version),
          health.band_shares(health.band_before_churn(raw, churn, start=START, end=END)))


def _check_overview_and_churn(engine, *, flt: CustomerFilter = ALL) -> None:
    """The Overview's health tiles (read by the board pack and the summary too) and the churn page's
    "green but churned" against the raw path, for the active model."""
    period = Period(START, DEMO_AS_OF)
    raw = service.health_scores(engine, start=dt.date(2024, 10, 1), end=END, flt=flt)
    green = next(t for t in health_tiles(engine, period=period, flt=flt) if t.key == "health_green")
    for day, bands, value in ((DEMO_AS_OF, "bands", green.value), (period.previous().last, "bands_previous",
                                                                     green.previous)):
        months = [mo for mo in health.scored_months(raw) if mo <= pd.Timestamp(day)]
        rows = health.month_rows(raw, months[-1])
        expected = health.band_shares(rows.assign(arr=rows["arr"].fillna(0.0)), weight="arr")
        _same(green.extra[bands], expected)
        assert value == pytest.approx(expected.set_index("band").loc["green", "share"])
    lost = churn_service.churn_in_period(engine, period=period, flt=flt)
    signals = qc.health_signals_before_churn(engine, start=period.start, end=period.end, flt=flt)
    scored = health.score_customers(signals, hq.load_model(engine))
    answers = qc.last_nps_before_churn(engine, start=period.start, end=period.end, flt=flt)
    expected = churn_metrics.churn_contradictions(lost, scored, answers)
    got = churn_service.contradictions_in_period(engine, period=period, flt=flt)
    assert got["customer_id"].tolist() == expected["customer_id"].tolist()
    assert got["band"].tolist() == expected["band"].tolist() and len(got) > 0


def _ledger(engine) -> dict[dt.date, tuple]:
    t = m.HealthScoreMonth.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.month, t.c.revision, t.c.scored_at).where(t.c.version == 1)).all()
    return {pd.Timestamp(r.month).date(): (r.revision, r.scored_at) for r in rows}


def test_stored_scores_equal_the_scores_from_raw_signals(demo_engine):
    engine = demo_engine
    # 1. Scored from scratch: every month of the demo company (24 months of signals).
    assert len(service.stale_months(engine)) == 24
    assert service.rescore(engine, everything=True) > 0
    assert service.stale_months(engine) == []
    _check_stored_equals_raw(engine)
    _check_stored_equals_raw(engine, flt=CustomerFilter(segments=("SMB",), regions=("Italy", "Germany")))
    _check_overview_and_churn(engine)

    # 2. An import of new signals for September 2026: only that month is stale and scored again.
    ledger = _ledger(engine)
    with engine.connect() as conn:
        ids = conn.execute(select(m.Customer.external_id).join(m.HealthSignal, m.HealthSignal.customer_id == m.Customer.id)
                           .where(m.HealthSignal.month == SEP, m.HealthSignal.signal == "usage")
                           .order_by(m.Customer.id).limit(60)).scalars().all()
    lines = "".join(f"{i},2026-09,usage,0.05\n{i},2026-09,advocacy,2\n" for i in ids)
    report = ingest.commit(engine, "health_signals", f"customer_id,month,signal,value\n{lines}".encode(),
                           filename="signals.csv", today=DEMO_AS_OF)
    assert report.committed, report.problems
    assert service.stale_months(engine) == [SEP]
    _check_stored_equals_raw(engine)  # the readers score the stale month first
    after = _ledger(engine)
    assert after[SEP][0] == 1 and after[SEP][1] > ledger[SEP][1]
    assert {k: v for k, v in after.items() if k != SEP} == {k: v for k, v in ledger.items() if k != SEP}
    _check_overview_and_churn(engine)

    # 3. A model change: the new version is scored for every month and equals the raw path again;
    #    the scores of the previously active version stay, as the page may switch back to it.
    model = hq.load_model(engine)
    v2 = service.save_model_version(engine, health.edit_model(model, weights={"usage": 0}, bands=(45, 70)),
                                    actor=LOCAL, activate=True, reason="Usage is measured differently")
    assert len(service.stale_months(engine, version=v2)) == 24
    assert service.rescore(engine, version=v2) > 0
    _check_stored_equals_raw(engine, version=v2)
    _check_overview_and_churn(engine)
    assert hs.scored_versions(engine) == [1, v2]
    v3 = service.save_model_version(engine, model, actor=LOCAL, activate=True, reason="Back to the first model")
    assert hs.scored_versions(engine) == [v2]  # versions other than the new and the one active before go
    _check_stored_equals_raw(engine, version=v3)


# --- imports mark the months they touch -------------------------------------------------------------


def _commit(engine, entity: str, text: str) -> ingest.ImportReport:
    report = ingest.commit(engine, entity, text.encode(), filename="f.csv", today=dt.date(2026, 10, 31))
    assert report.committed, report.problems
    return report


def test_imports_mark_the_months_they_touch(small):
    jan, feb, mar = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
    service.rescore(small)
    # A dry run or a refused file touches nothing.
    ingest.dry_run(small, "health_signals", b"customer_id,month,signal,value\nC1,2026-02,usage,0.3\n",
                   filename="f.csv", today=dt.date(2026, 10, 31))
    refused = ingest.commit(small, "health_signals", b"customer_id,month,signal,value\nC9,2026-02,usage,0.3\n",
                            filename="f.csv", today=dt.date(2026, 10, 31))
    assert not refused.committed and service.stale_months(small) == []
    _commit(small, "health_signals", "customer_id,month,signal,value\nC1,2026-02,usage,0.3\nC2,2026-03,usage,0.9\n")
    assert service.stale_months(small) == [feb, mar]
    assert service.band_counts(small, start=feb, end=dt.date(2026, 4, 1))[["band", "n"]].values.tolist() == [
        ["red", 1], ["green", 1]]  # C1 in February: usage 0.3 -> 28.6 points; C2 in March: 0.9 -> 100
    # Revenue changes the stored ARR of its months.
    _commit(small, "revenue", "customer_id,month,mrr\nC1,2026-02,250\n")
    assert service.stale_months(small) == [feb]
    assert service.band_counts(small, start=feb, end=mar)["arr"].tolist() == [3000.0]
    # A customer moving to another segment: the months of its signals (a segment picks weights and bands).
    service.current(small)
    _commit(small, "customers", "customer_id,name,segment,region,signed_on\nC2,Customer 2,Enterprise,Italy,2025-01-01\n")
    assert service.stale_months(small) == []  # same segment: nothing to score again
    _commit(small, "customers", "customer_id,name,segment,region,signed_on\nC2,Customer 2,SMB,Italy,2025-01-01\n")
    assert service.stale_months(small) == [jan, mar]


def test_command_line_rescores_the_active_or_a_given_version(small, capsys):
    url = small.url.render_as_string(hide_password=False)
    assert service.main(["rescore", "--database-url", url]) == 0
    out = capsys.readouterr().out
    assert "Scored Feb 2026 (2 of 2 months)" in out and "Version 1: 4 customer-months scored" in out
    assert service.stale_months(small) == []
    assert service.main(["rescore", "--all", "--database-url", url]) == 0
    assert "Version 1: 4 customer-months scored" in capsys.readouterr().out
    assert service.main(["rescore", "--version", "9", "--database-url", url]) == 2
    assert "version 9 does not exist" in capsys.readouterr().err


def test_bad_arguments_get_messages_that_say_what_to_fix(small):
    jan, feb = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
    with pytest.raises(DataError, match="segment, region, owner"):
        service.band_shares_by(small, month=jan, by="industry")
    with pytest.raises(DataError, match="above zero"):
        service.score_histogram(small, month=jan, bin_width=0)
    with pytest.raises(DataError, match="first month before the second"):
        service.movement(small, first=feb, second=jan)
    with pytest.raises(DataError, match="positive number"):
        service.at_risk(small, month=feb, previous=jan, drop=-5)
    with pytest.raises(DataError, match="not fully known yet"):
        service.health_backtest(small, start=jan, end=dt.date(2026, 3, 1), as_of=dt.date(2026, 3, 31), month=feb)
    # Nothing testable yet: an empty result, not an error.
    empty = service.health_backtest(small, start=jan, end=dt.date(2026, 3, 1), as_of=dt.date(2026, 3, 31))
    assert empty.n == 0 and empty.month is None and service.auc_by_month(
        small, start=jan, end=dt.date(2026, 3, 1), as_of=dt.date(2026, 3, 31)).empty
