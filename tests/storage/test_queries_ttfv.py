"""Onboarding reads on a small hand-built company, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import uuid

import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cs_metrics import ttfv
from cs_metrics.storage import db
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import CustomerFilter
from cs_metrics.storage.queries import ttfv as qt
from tests.conftest import skip_or_fail

D = dt.date


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def engine(request, tmp_path_factory):
    """One small company per backend, shared by this module's read-only tests."""
    if request.param == "sqlite":
        url, drop = f"sqlite:///{tmp_path_factory.mktemp('ttfv') / 'test.db'}", None
    else:
        url, drop = _postgres_database()
    engine = db.make_engine(url)
    db.upgrade(engine)
    build_company(engine)
    yield engine
    engine.dispose()
    if drop:
        drop()


def build_company(engine) -> None:
    """Four customers and their milestones (the same company serves ``tests/services/test_onboarding.py``).

    Alpha (SMB, signed 2026-01-01): first value 2026-01-20, and a second first-value row 2026-02-02.
    Beta (Enterprise, signed 2026-02-01): a kick-off dated before signing, first value not reached.
    Gamma (SMB, signed 2026-03-01): churned 2026-04-01 without first value.
    Delta (Mid-Market, signed 2026-05-01): kick-off and activation, no first-value milestone.
    """
    with db.session_scope(engine) as s:
        s.add_all([
            m.Customer(id=1, external_id="c1", name="Alpha", segment="SMB", region="Italy", owner="Ann",
                       plan="Starter", signed_on=D(2026, 1, 1), arr=1200.0),
            m.Customer(id=2, external_id="c2", name="Beta", segment="Enterprise", region="France", owner="Bob",
                       plan="Scale", signed_on=D(2026, 2, 1), arr=90000.0),
            m.Customer(id=3, external_id="c3", name="Gamma", segment="SMB", region="Italy", owner=None,
                       plan="Growth", signed_on=D(2026, 3, 1), arr=2400.0, status="churned", churned_on=D(2026, 4, 1)),
            m.Customer(id=4, external_id="c4", name="Delta", segment="Mid-Market", region="Italy", owner="Ann",
                       plan="Growth", signed_on=D(2026, 5, 1), arr=12000.0),
        ])
        s.flush()
        s.add_all([
            m.Milestone(customer_id=1, kind="kickoff", name="Kick-off call", reached_on=D(2026, 1, 5), target_days=7),
            m.Milestone(customer_id=1, kind="first_value", name="First report", reached_on=D(2026, 1, 20), target_days=30),
            m.Milestone(customer_id=1, kind="first_value", name="First report (again)", reached_on=D(2026, 2, 2), target_days=30),
            m.Milestone(customer_id=2, kind="kickoff", name=None, reached_on=D(2026, 1, 25), target_days=7),  # before signing
            m.Milestone(customer_id=2, kind="first_value", name="Integration live", reached_on=None, target_days=60),
            m.Milestone(customer_id=3, kind="first_value", name="First dashboard", reached_on=None, target_days=30),
            m.Milestone(customer_id=4, kind="kickoff", name="Kick-off", reached_on=D(2026, 5, 3), target_days=7),
            m.Milestone(customer_id=4, kind="activation", name="Activated", reached_on=D(2026, 5, 3), target_days=None),
        ])


def _postgres_database():
    """A fresh PostgreSQL database (as ``tests.conftest.pg_url``, but for a whole module)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        skip_or_fail("TEST_DATABASE_URL is not set: no PostgreSQL server to test against", "OUTSIDE_IN_REQUIRE_POSTGRES")
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
        skip_or_fail(f"cannot create a PostgreSQL test database: {exc}", "OUTSIDE_IN_REQUIRE_POSTGRES")

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def test_onboarding_customers_carry_the_latest_milestone(engine):
    c = qt.onboarding_customers(engine).set_index("customer_id")
    assert c.index.tolist() == [1, 2, 3, 4]
    # Customer 1's latest reached milestone is the second first-value row (2026-02-02).
    assert c.loc[1, ["last_milestone", "last_milestone_kind"]].tolist() == ["First report (again)", "first_value"]
    assert c.loc[1, "last_milestone_on"] == pd.Timestamp("2026-02-02")
    # An unnamed milestone shows its kind; planned (unreached) milestones do not count.
    assert c.loc[2, "last_milestone"] == "kickoff"
    assert pd.isna(c.loc[3, "last_milestone"]) and pd.isna(c.loc[3, "last_milestone_on"])
    # Two milestones on the same day: the one recorded last wins, and the customer appears once.
    assert c.loc[4, "last_milestone"] == "Activated"
    assert c.loc[3, "churned_on"] == pd.Timestamp("2026-04-01")
    assert qt.onboarding_customers(engine, flt=CustomerFilter(owners=("Ann",)))["customer_id"].tolist() == [1, 4]
    # Without the latest milestone: the same customers and columns, less the last three.
    bare = qt.onboarding_customers(engine, last_milestone=False)
    assert list(bare.columns) == list(c.reset_index().columns[:-3])
    # The latest milestones of a few customers, read alone, are those above (in batches when many).
    few = qt.last_milestones(engine, customer_ids=(4, 3, 1)).set_index("customer_id")
    assert few.index.tolist() == [1, 3, 4]
    assert few["last_milestone"].tolist()[::2] == ["First report (again)", "Activated"]
    assert pd.isna(few.loc[3, "last_milestone"])
    assert qt.last_milestones(engine, customer_ids=()).empty


def test_first_value_milestones_keep_duplicates_for_reporting(engine):
    fv = qt.first_value_milestones(engine)
    assert fv["customer_id"].tolist() == [1, 1]
    assert fv["reached_on"].tolist() == [pd.Timestamp("2026-01-20"), pd.Timestamp("2026-02-02")]
    assert qt.first_value_milestones(engine, flt=CustomerFilter(segments=("Enterprise",))).empty


def test_target_counts_per_segment(engine):
    counts = qt.first_value_target_counts(engine)
    assert counts.values.tolist() == [["Enterprise", 60, 1], ["SMB", 30, 3]]
    assert ttfv.segment_targets(counts, segments=("Mid-Market",)) == {"Enterprise": 60, "Mid-Market": 30, "SMB": 30}
    empty = qt.first_value_target_counts(engine, flt=CustomerFilter(segments=("Nope",)))
    assert empty.empty and list(empty.columns) == ["segment", "target_days", "n"]


def test_milestones_before_signing(engine):
    early = qt.milestones_before_signing(engine)
    assert early[["customer_id", "name", "kind"]].values.tolist() == [[2, "Beta", "kickoff"]]
    assert early["reached_on"].iloc[0] == pd.Timestamp("2026-01-25")


def test_reads_feed_the_metrics_end_to_end(engine):
    as_of = D(2026, 6, 30)
    d = ttfv.ttfv_durations(qt.onboarding_customers(engine), qt.first_value_milestones(engine), as_of=as_of)
    d = d.set_index("customer_id")
    # 1: 19 days to first value; 2: waiting since 2026-02-01 (149 days); 3: left after 31 days;
    # 4: waiting since 2026-05-01 (60 days).
    assert d["days"].tolist() == [19, 149, 31, 60]
    assert d["reached"].tolist() == [True, False, False, False]
    report = ttfv.problem_report(d, early_milestones=qt.milestones_before_signing(engine))
    assert sorted(report["problem"]) == ["milestone dated before signing", "more than one first-value milestone"]
    status = ttfv.with_targets(d.reset_index(), targets={"SMB": 30, "Enterprise": 60, "Mid-Market": 45})
    assert ttfv.stalled_onboardings(status)["name"].tolist() == ["Beta", "Delta"]
