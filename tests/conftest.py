"""Shared fixtures: project paths, a demo database built once per session, PostgreSQL databases
created per test, and cache hygiene for Streamlit's AppTest."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
#: The demo company every app test sees: fixed size, seed and reference date, so values repeat.
DEMO_CUSTOMERS = 1500
DEMO_SEED = 20261
DEMO_AS_OF = dt.date(2026, 10, 31)


def _require(env_flag: str) -> bool:
    return os.environ.get(env_flag, "") not in ("", "0", "false")


def skip_or_fail(reason: str, env_flag: str) -> None:
    """Skip with ``reason``, or fail when ``env_flag`` is set (CI must run these tests)."""
    if _require(env_flag):
        pytest.fail(f"{reason} ({env_flag} is set, so this test must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def demo_db_file(tmp_path_factory) -> Path:
    """A SQLite file holding the migrated schema and the standard demo company (built once)."""
    from cs_metrics.storage import db, demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    demo.load_demo(engine, customers=DEMO_CUSTOMERS, seed=DEMO_SEED, as_of=DEMO_AS_OF)
    engine.dispose()
    return path


@pytest.fixture()
def demo_db_url(demo_db_file, tmp_path) -> str:
    """A private copy of the demo database (tests may write to it)."""
    copy = tmp_path / "demo.db"
    shutil.copy(demo_db_file, copy)
    return f"sqlite:///{copy}"


@pytest.fixture()
def pg_url() -> str:
    """A new, empty PostgreSQL database for one test, dropped afterwards.

    Needs ``TEST_DATABASE_URL`` (a server where the user may create databases).
    """
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        skip_or_fail("TEST_DATABASE_URL is not set: no PostgreSQL server to test against", "OUTSIDE_IN_REQUIRE_POSTGRES")
    from sqlalchemy.engine import make_url

    url = make_url(base)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    name = f"oi_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # server down or no rights: say which
        admin.dispose()
        skip_or_fail(f"cannot create a PostgreSQL test database at {url.render_as_string()}: {exc}", "OUTSIDE_IN_REQUIRE_POSTGRES")
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request, tmp_path) -> str:
    """An empty database URL, once on SQLite and once on PostgreSQL (same test, both backends)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return request.getfixturevalue("pg_url")
