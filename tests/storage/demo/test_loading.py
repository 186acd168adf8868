"""Tests of ``cs_metrics.storage.demo.load_demo``, on SQLite and (when TEST_DATABASE_URL is set)
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import uuid

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel

from cs_metrics.errors import DataError
from cs_metrics.storage import db, demo, models
from cs_metrics.storage.demo import loading, team_texts
from tests.storage.demo.conftest import AS_OF, BY_NAME, TABLES, db_counts


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
    real_tables = loading.company_tables

    def broken(*args):
        for name, frame in real_tables(*args):
            if name == "meeting":
                frame.loc[1, "external_id"] = frame.loc[0, "external_id"]  # unique
            yield name, frame

    monkeypatch.setattr(loading, "company_tables", broken)
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


# --------------------------------------------------------------------------------------------
# Bulk writing: values, settings and schema as they were, options, foreign keys
# --------------------------------------------------------------------------------------------


def _plain(value):
    """A value as it reads back from the database: dates as dates, missing as None."""
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime() if value.tzinfo is not None else value.date()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _assert_tables_read_back(engine: Engine, frames: dict[str, pd.DataFrame]) -> None:
    with engine.connect() as conn:
        for name in TABLES:
            table = BY_NAME[name].__table__
            rows = conn.execute(select(table).order_by(table.c.id)).all()
            expected = frames[name]
            assert len(rows) == len(expected), name
            for position, column in enumerate(table.columns):
                got = [_plain(row[position]) for row in rows]
                want = [_plain(v) for v in expected[column.name].tolist()]
                assert got == want, f"{name}.{column.name}"


def test_load_demo_writes_every_value_as_generated():
    # Every table, column and row read back through SQLAlchemy equals the generated frames
    # (dates as dates, timestamps in UTC, missing values as NULL) ...
    engine = _sqlite_engine()
    demo.load_demo(engine, customers=120, seed=9, as_of=AS_OF)
    frames = demo.generate(customers=120, seed=9, as_of=AS_OF)
    _assert_tables_read_back(engine, frames)
    # ... and is stored exactly as SQLAlchemy's own inserts store it (the same text for dates
    # and timestamps, the same numbers), compared as raw values without type processing.
    reference = _sqlite_engine()
    with reference.begin() as conn:
        for name in TABLES:
            records = [{k: _plain(v) for k, v in row.items()} for row in frames[name].to_dict("records")]
            if records:
                conn.execute(BY_NAME[name].__table__.insert(), records)
    for name in TABLES:
        raw = f"SELECT * FROM {name} ORDER BY id"
        with engine.connect() as conn, reference.connect() as ref:
            assert conn.exec_driver_sql(raw).all() == ref.exec_driver_sql(raw).all(), name


def test_load_demo_with_volume_options(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'volume.db'}")
    db.upgrade(engine)
    options = {"established": 0.9, "nps_per_customer": 6.0, "meetings": 250, "health_months": 6}
    counts = demo.load_demo(engine, customers=90, seed=4, as_of=AS_OF, **options)
    expected = demo.generate(customers=90, seed=4, as_of=AS_OF, **options)
    assert counts == {name: len(expected[name]) for name in TABLES}
    assert counts["meeting"] == 250
    _assert_tables_read_back(engine, expected)
    engine.dispose()


def test_load_demo_restores_connection_settings_and_schema(tmp_path):
    # The load runs with its own SQLite settings (foreign keys checked at the end, a larger page
    # cache, sorting in memory) and rebuilds the secondary indexes; afterwards the connection's
    # settings and the schema are as before.
    engine = db.make_engine(f"sqlite:///{tmp_path / 'settings.db'}")
    db.upgrade(engine)

    def state() -> tuple:
        with engine.connect() as conn:
            pragmas = tuple(
                conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in ("foreign_keys", "cache_size", "temp_store")
            )
            schema = conn.exec_driver_sql(
                "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' ORDER BY name"
            ).all()
        return pragmas, schema

    before = state()
    assert before[0][0] == 1  # make_engine turns foreign keys on for every connection
    demo.load_demo(engine, customers=40, seed=1, as_of=AS_OF)
    demo.load_demo(engine, customers=30, seed=2, as_of=AS_OF, replace=True)
    assert state() == before
    with engine.connect() as conn:  # and the planner's statistics were refreshed (ANALYZE)
        analysed = {r[0] for r in conn.exec_driver_sql("SELECT tbl FROM sqlite_stat1")}
    assert {"customer", "revenue_month", "nps_response"} <= analysed
    engine.dispose()


def test_load_demo_refuses_a_broken_foreign_key(monkeypatch):
    # Foreign keys are checked once over whole tables at the end of a SQLite load: a row
    # pointing to no customer fails the load, which leaves the database as it was.
    engine = _sqlite_engine()
    counts = demo.load_demo(engine, customers=40, seed=1, as_of=AS_OF)
    real_tables = loading.company_tables

    def broken(*args):
        for name, frame in real_tables(*args):
            if name == "revenue_month":
                frame.loc[0, "customer_id"] = 10_000
            yield name, frame

    monkeypatch.setattr(loading, "company_tables", broken)
    with pytest.raises(IntegrityError, match="revenue_month"):
        demo.load_demo(engine, customers=50, seed=2, as_of=AS_OF, replace=True)
    assert db_counts(engine) == counts


def test_load_demo_postgresql_keeps_schema_and_checks_keys(pg_url, monkeypatch):
    # On PostgreSQL the load drops the secondary indexes and foreign keys and creates them again
    # from their catalog definitions: the catalog is the same afterwards, and a broken key
    # still fails the load.
    engine = db.make_engine(pg_url)
    db.upgrade(engine)
    catalog = text(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE connamespace = 'public'::regnamespace "
        "UNION ALL SELECT indrelid::regclass::text, indexrelid::regclass::text, pg_get_indexdef(indexrelid) "
        "FROM pg_index JOIN pg_class ON pg_class.oid = indrelid WHERE relnamespace = 'public'::regnamespace "
        "ORDER BY 1, 2, 3"
    )

    def schema() -> list:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(catalog)]

    before = schema()
    counts = demo.load_demo(engine, customers=60, seed=3, as_of=AS_OF, meetings=120, nps_per_customer=4.0)
    assert schema() == before
    expected = demo.generate(customers=60, seed=3, as_of=AS_OF, meetings=120, nps_per_customer=4.0)
    assert counts == {name: len(expected[name]) for name in TABLES}
    _assert_tables_read_back(engine, expected)

    real_tables = loading.company_tables

    def broken(*args):
        for name, frame in real_tables(*args):
            if name == "health_signal":
                frame.loc[0, "customer_id"] = 10_000
            yield name, frame

    monkeypatch.setattr(loading, "company_tables", broken)
    with pytest.raises(IntegrityError):
        demo.load_demo(engine, customers=50, seed=2, as_of=AS_OF, replace=True)
    assert db_counts(engine) == counts and schema() == before
    engine.dispose()
