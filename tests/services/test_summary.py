"""Contradictions found in the database for "what changed"."""

from __future__ import annotations

import datetime as dt

import pytest

from cs_metrics.period import Period
from cs_metrics.services.summary import contradictions
from cs_metrics.storage import db


def test_contradictions_on_an_empty_database_are_none():
    engine = db.make_engine("sqlite://")
    db.upgrade(engine)
    assert contradictions(engine, period=Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))) == []
    engine.dispose()


def test_contradictions_on_a_demo_company_match_raw_counts(tmp_path):
    import pandas as pd
    from sqlalchemy import create_engine

    from cs_metrics.storage import demo

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    as_of = dt.date(2026, 10, 31)
    demo.load_demo(engine, customers=150, seed=5, as_of=as_of)
    period = Period(dt.date(2025, 11, 1), as_of)
    found = {c.key: c for c in contradictions(engine, period=period, as_of=as_of)}
    raw = pd.read_sql("SELECT responded_on, score, follow_up_status FROM nps_response", create_engine(url))
    day = pd.to_datetime(raw["responded_on"])
    detractors = raw[(day >= pd.Timestamp(period.start)) & (day <= pd.Timestamp(period.last)) & (raw["score"] <= 6)]
    # Waiting: no follow-up started, or open / in progress (done and not needed are closed).
    waiting = detractors["follow_up_status"].isna() | detractors["follow_up_status"].isin(["open", "in_progress"])
    if waiting.sum():
        c = found["detractors_without_follow_up"]
        assert (c.count, c.total) == (int(waiting.sum()), len(detractors))
        assert c.share == pytest.approx(waiting.sum() / len(detractors))
    lost = pd.read_sql("SELECT churned_on FROM customer WHERE churned_on IS NOT NULL", create_engine(url))
    churned = pd.to_datetime(lost["churned_on"])
    n_lost = int(((churned >= pd.Timestamp(period.start)) & (churned <= pd.Timestamp(period.last))).sum())
    for key in ("green_but_churned", "promoters_but_churned"):
        if key in found:
            assert found[key].total == n_lost
    assert [c.share for c in found.values()] == sorted((c.share for c in found.values()), reverse=True)
    engine.dispose()


def test_no_detractor_waits_where_follow_ups_are_not_tracked(tmp_path):
    from sqlalchemy import text

    from cs_metrics.storage import demo

    engine = db.make_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    db.upgrade(engine)
    as_of = dt.date(2026, 10, 31)
    demo.load_demo(engine, customers=150, seed=5, as_of=as_of)
    period = Period(dt.date(2025, 11, 1), as_of)
    assert "detractors_without_follow_up" in {c.key for c in contradictions(engine, period=period, as_of=as_of)}
    with engine.begin() as conn:  # a company that never tracked follow-ups: no answer has a status
        conn.execute(text("UPDATE nps_response SET follow_up_status = NULL"))
    keys = {c.key for c in contradictions(engine, period=period, as_of=as_of)}
    assert "detractors_without_follow_up" not in keys
    # Without health signals no lost customer was "green".
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM health_signal"))
    assert "green_but_churned" not in {c.key for c in contradictions(engine, period=period, as_of=as_of)}
    engine.dispose()
