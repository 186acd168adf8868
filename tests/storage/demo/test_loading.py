"""Tests of ``cs_metrics.storage.demo.load_demo``, on SQLite and (when TEST_DATABASE_URL is set)
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel

from cs_metrics.errors import DataError
from cs_metrics.storage import demo, models
from cs_metrics.storage.demo import loading, team_texts
from tests.storage.demo.conftest import AS_OF, TABLES, db_counts


def _sqlite_engine() -> Engine:
    engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    SQLModel.metadata.create_all(engine)
    return engine


def _check_round_trip(engine: Engine) -> None:
    expected = demo.generate(customers=60, seed=5, as_of=AS_OF)
    with engine.begin() as conn:
        conn.execute(insert(models.AppMeta.__table__).values(key="owner_note", value="keep me"))
    counts = demo.load_demo(engine, customers=60, seed=5, as_of=AS_OF)
    assert counts == {name: len(expected[name]) for name in TABLES}
    assert db_counts(engine) == counts
    with engine.connect() as conn:
        meta = dict(conn.execute(select(models.AppMeta.key, models.AppMeta.value)).all())
        first = conn.execute(select(models.Customer.__table__).where(models.Customer.id == 1)).mappings().one()
    assert meta["dataset"] == "demo" and meta["demo_seed"] == "5" and meta["demo_customers"] == "60"
    assert meta["demo_as_of"] == "2026-10-31" and meta["owner_note"] == "keep me"
    assert dt.datetime.fromisoformat(meta["generated_at"]).tzinfo is not None
    row = expected["customer"].iloc[0]
    assert first["external_id"] == row["external_id"] and first["signed_on"] == row["signed_on"].date()
    assert first["arr"] == pytest.approx(row["arr"])

    # A second load without replace is refused and changes nothing.
    with pytest.raises(DataError, match="replace"):
        demo.load_demo(engine, customers=30, seed=6, as_of=AS_OF)
    assert db_counts(engine) == counts

    # With replace the old data goes, in the same transaction, and the new company comes in.
    replaced = demo.load_demo(engine, customers=30, seed=6, as_of=AS_OF, replace=True)
    assert db_counts(engine) == replaced
    assert replaced["customer"] == 30
    with engine.connect() as conn:
        meta = dict(conn.execute(select(models.AppMeta.key, models.AppMeta.value)).all())
    assert meta["demo_seed"] == "6" and meta["owner_note"] == "keep me"


def test_load_demo_round_trip_sqlite():
    _check_round_trip(_sqlite_engine())


def test_load_demo_failure_leaves_database_unchanged(monkeypatch):
    engine = _sqlite_engine()
    counts = demo.load_demo(engine, customers=40, seed=1, as_of=AS_OF)
    real_generate = demo.generate

    def broken(**kwargs):
        frames = real_generate(**kwargs)
        frames["meeting"].loc[1, "external_id"] = frames["meeting"].loc[0, "external_id"]  # unique
        return frames

    monkeypatch.setattr(loading, "generate", broken)
    with pytest.raises(IntegrityError):
        demo.load_demo(engine, customers=50, seed=2, as_of=AS_OF, replace=True)
    assert db_counts(engine) == counts
    with engine.connect() as conn:
        seed = conn.execute(select(models.AppMeta.value).where(models.AppMeta.key == "demo_seed")).scalar_one()
    assert seed == "1"


def test_load_demo_keeps_health_model_versions():
    engine = _sqlite_engine()
    with engine.begin() as conn:
        conn.execute(
            insert(models.HealthModel.__table__).values(
                version=1, created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), created_by="test",
                reason="", definition="{}", is_active=True,
            )
        )
    demo.load_demo(engine, customers=20, seed=1, as_of=AS_OF)
    demo.load_demo(engine, customers=20, seed=2, as_of=AS_OF, replace=True)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(models.HealthModel.__table__)).scalar_one() == 1


@pytest.fixture()
def pg_engine():
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    # A private schema keeps this test apart from others sharing the database.
    schema = f"demo_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        SQLModel.metadata.drop_all(engine)
        SQLModel.metadata.create_all(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_load_demo_round_trip_postgresql(pg_engine):
    _check_round_trip(pg_engine)
    # Sequences were advanced past the explicit ids, so ordinary inserts keep working.
    with pg_engine.begin() as conn:
        new_id = conn.execute(
            insert(models.Team.__table__).values(name="New team", department="IT", kind="internal")
            .returning(models.Team.__table__.c.id)
        ).scalar_one()
    assert new_id == len(team_texts.TEAMS) + 1
