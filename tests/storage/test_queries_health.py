"""Health queries and model versions, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from cs_metrics import health
from cs_metrics.errors import DataError
from cs_metrics.storage import db
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import CustomerFilter
from cs_metrics.storage.queries import health as hq

JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)


@pytest.fixture()
def engine(any_db_url):
    engine = db.make_engine(any_db_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


def _customer(id_, segment, **kw):
    return m.Customer(id=id_, external_id=f"C{id_}", name=f"Customer {id_}", segment=segment, region="Italy",
                      owner=kw.pop("owner", "Anna"), signed_on=dt.date(2025, 1, 1), arr=1200.0, **kw)


@pytest.fixture()
def small(engine):
    """Three customers: 1 SMB with two months of signals, 2 Enterprise with usage only, 3 churned."""
    with db.session_scope(engine) as s:
        s.add_all([_customer(1, "SMB"), _customer(2, "Enterprise", owner="Bruno"),
                   _customer(3, "SMB", status="churned", churned_on=dt.date(2026, 3, 10))])
        s.flush()
        s.add_all([m.RevenueMonth(customer_id=1, month=JAN, mrr=100.0), m.RevenueMonth(customer_id=2, month=JAN, mrr=500.0)])
        rows = [(1, JAN, "usage", 0.45), (1, JAN, "billing_issue", 1.0), (1, FEB, "usage", 0.8),
                (2, JAN, "usage", 0.1), (3, JAN, "usage", 0.2)]
        s.add_all([m.HealthSignal(customer_id=c, month=mo, signal=k, value=v) for c, mo, k, v in rows])
    return engine


def test_signal_matrix_coverage_churn_and_history(small):
    wide = hq.signal_matrix(small, start=JAN, end=dt.date(2026, 2, 28), signals=("usage", "billing_issue", "advocacy"))
    assert wide[["customer_id", "month"]].astype(str).values.tolist() == [
        ["1", "2026-01-01"], ["2", "2026-01-01"], ["3", "2026-01-01"], ["1", "2026-02-01"]]
    first = wide.iloc[0]
    assert (first["usage"], first["billing_issue"], first["segment"], first["name"]) == (0.45, 1.0, "SMB", "Customer 1")
    assert first["arr"] == 1200.0  # 12 x the January MRR of 100
    assert pd.isna(wide.iloc[3]["arr"]) and pd.isna(first["advocacy"])  # no February revenue; no advocacy data
    only = hq.signal_matrix(small, start=JAN, end=JAN, signals=("usage",), flt=CustomerFilter(owners=("Bruno",)))
    assert only["customer_id"].tolist() == [2] and only.iloc[0]["arr"] == 6000.0
    # Coverage: customers with a value per segment and signal.
    cov = hq.signal_coverage(small, month=JAN).set_index(["segment", "signal"])["customers"]
    assert cov[("SMB", "usage")] == 2 and cov[("SMB", "billing_issue")] == 1
    assert cov[("Enterprise", "usage")] == 1 and cov[("Enterprise", "billing_issue")] == 0
    empty = hq.signal_coverage(small, month=dt.date(2020, 1, 1))
    assert (empty["customers"] == 0).all() and len(empty) == 4  # 2 segments x 2 signal keys
    churn = hq.churn_dates(small)
    assert churn["customer_id"].tolist() == [3] and churn["churned_on"].iloc[0] == pd.Timestamp("2026-03-10")
    hist = hq.customer_signal_history(small, 1)
    assert hist["signal"].tolist() == ["billing_issue", "usage", "usage"]
    assert hq.segment_names(small) == ["Enterprise", "SMB"]


def test_health_scores_recomputed_per_version(small):
    v1 = health.health_scores(small, start=JAN, end=JAN).set_index("customer_id")
    # Default model: customer 1 usage 0.45 -> 50 (w 25), billing 1 of 2 -> 50 (w 12): 50.
    assert v1.loc[1, "score"] == pytest.approx(50.0)
    model = hq.load_model(small)
    edited = health.edit_model(model, weights={"billing_issue": 0})
    v2 = hq.save_model_version(small, edited, created_by="Anna", reason="Billing data is unreliable")
    rescored = health.health_scores(small, start=JAN, end=JAN, version=v2).set_index("customer_id")
    assert rescored.loc[1, "score"] == pytest.approx(50.0)  # usage alone: 50
    # Customer 2: usage 0.1 -> 0 points in both versions; version 1 still answers as before.
    assert health.health_scores(small, start=JAN, end=JAN, version=1).loc[0, "score"] == pytest.approx(50.0)
    # Saving with coverage also refuses a profile that leaves a segment with nothing to score.
    cov = hq.signal_coverage(small, month=JAN)
    # Enterprise has only usage data; a profile there weighting only billing problems scores nobody.
    bad = health.edit_model(model, segment="Enterprise", weights={"usage": 0, "billing_issue": 1})
    with pytest.raises(health.ModelError, match="Segment 'Enterprise'"):
        hq.save_model_version(small, bad, created_by="Anna", reason="x", coverage=cov)
    stored = hq.save_model_version(small, health.edit_model(model, segment="Enterprise", weights={"usage": 1}),
                                   created_by="Anna", reason="Usage only for Enterprise", coverage=cov)
    assert json.loads(json.dumps(hq.load_model(small, stored)["segments"])) == {"Enterprise": {"weights": {"usage": 1.0}}}


def test_versions_start_with_the_seeded_default_then_saves_keep_history_and_move_the_active_flag(engine):
    versions = hq.model_versions(engine)
    assert versions["version"].tolist() == [1] and versions["is_active"].tolist() == [True]
    assert str(versions["created_at"].dt.tz) == "UTC"
    model = hq.load_model(engine)
    assert model["version"] == 1 and model["signals"] == health.DEFAULT_MODEL["signals"]
    v2 = hq.save_model_version(engine, health.edit_model(model, weights={"usage": 40}), created_by="Anna", reason="More usage")
    v3 = hq.save_model_version(engine, health.edit_model(model, bands=(45, 70)), created_by="Bruno", reason="Lower bands")
    assert (v2, v3) == (2, 3)
    versions = hq.model_versions(engine).set_index("version")
    assert versions["is_active"].to_dict() == {3: True, 2: False, 1: False}
    assert versions.loc[2, "created_by"] == "Anna" and versions.loc[3, "reason"] == "Lower bands"
    assert hq.load_model(engine)["version"] == 3 and hq.load_model(engine)["bands"] == [45.0, 70.0]
    assert hq.load_model(engine, 2)["signals"]["usage"]["weight"] == 40.0
    assert hq.load_model(engine, 1)["signals"]["usage"]["weight"] == 25
    with pytest.raises(DataError, match="does not exist"):
        hq.load_model(engine, 99)


INVALID = [
    ({"weights": {k: 0 for k in health.DEFAULT_MODEL["signals"]}}, "Anna", "x", "all weights are zero"),
    ({"weights": {"usage": -5}}, "Anna", "x", "zero or positive"),
    ({"bands": (80, 60)}, "Anna", "x", "must increase"),
    ({}, "  ", "x", "who is making the change"),
    ({}, "Anna", "", "why the model changes"),
]


def test_invalid_saves_write_nothing(engine):
    model = hq.load_model(engine)
    for edit, who, why, fragment in INVALID:
        with pytest.raises(health.ModelError) as info:
            hq.save_model_version(engine, health.edit_model(model, **edit), created_by=who, reason=why)
        assert fragment in str(info.value)
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(m.HealthModel)).one()[0] == 1
    assert hq.load_model(engine)["version"] == 1
