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


@pytest.fixture(autouse=True)
def _no_language_left_over():
    """Every test starts and ends without a language set in its thread (cs_metrics.i18n): one test's
    Italian never becomes the next test's."""
    from cs_metrics import i18n

    i18n.speak(None)
    yield
    i18n.speak(None)


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


@pytest.fixture()
def engine(any_db_url):
    """An empty database at the newest schema, once on SQLite and once on PostgreSQL."""
    from cs_metrics.storage import db

    engine = db.make_engine(any_db_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


def _health_customer(id_, segment, **kw):
    from cs_metrics.storage import models as m

    return m.Customer(id=id_, external_id=f"C{id_}", name=f"Customer {id_}", segment=segment, region="Italy",
                      owner=kw.pop("owner", "Anna"), signed_on=dt.date(2025, 1, 1), arr=1200.0, **kw)


@pytest.fixture()
def small(engine):
    """Three customers: 1 SMB with two months of signals (January, February 2026), 2 Enterprise
    with usage only, 3 churned on 10 March 2026; January revenue for 1 and 2."""
    from cs_metrics.storage import db
    from cs_metrics.storage import models as m

    jan, feb = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
    with db.session_scope(engine) as s:
        s.add_all([_health_customer(1, "SMB"), _health_customer(2, "Enterprise", owner="Bruno"),
                   _health_customer(3, "SMB", status="churned", churned_on=dt.date(2026, 3, 10))])
        s.flush()
        s.add_all([m.RevenueMonth(customer_id=1, month=jan, mrr=100.0), m.RevenueMonth(customer_id=2, month=jan, mrr=500.0)])
        rows = [(1, jan, "usage", 0.45), (1, jan, "billing_issue", 1.0), (1, feb, "usage", 0.8),
                (2, jan, "usage", 0.1), (3, jan, "usage", 0.2)]
        s.add_all([m.HealthSignal(customer_id=c, month=mo, signal=k, value=v) for c, mo, k, v in rows])
    return engine
