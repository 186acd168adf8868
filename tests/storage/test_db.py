"""Engine, migrations and round trips, on SQLite and (when TEST_DATABASE_URL is set) PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import inspect, select, text
from sqlmodel import Session, SQLModel

from cs_metrics.errors import ConfigurationError, SchemaError
from cs_metrics.storage import db
from cs_metrics.storage import models as m


def _prepared(url: str):
    engine = db.make_engine(url)
    db.upgrade(engine)
    return engine


def test_upgrade_creates_every_model_table_and_records_head(any_db_url):
    engine = _prepared(any_db_url)
    tables = set(inspect(engine).get_table_names())
    # Every table class declared in models.py must be created by the migrations.
    assert {t.__tablename__ for t in m.TABLES_IN_ORDER} <= tables
    assert db.current_revision(engine) == db.head_revision()
    engine.dispose()


def test_migrations_match_the_models(any_db_url):
    """Alembic's autogenerate finds no difference between the migrated schema and models.py."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = _prepared(any_db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []
    engine.dispose()


def test_upgrade_twice_keeps_data(any_db_url):
    engine = _prepared(any_db_url)
    with db.session_scope(engine) as s:
        s.add(m.Team(name="Support", department="Customer Success"))
    db.upgrade(engine)  # starting the app again must never drop anything
    with Session(engine) as s:
        assert [t.name for t in s.exec(select(m.Team)).scalars()] == ["Support"]
    engine.dispose()


def test_upgrade_seeds_health_model_version_1_once(any_db_url):
    from cs_metrics.default_health_model import DEFAULT_MODEL

    engine = _prepared(any_db_url)
    db.upgrade(engine)
    with Session(engine) as s:
        rows = s.exec(select(m.HealthModel)).scalars().all()
    assert [r.version for r in rows] == [1]
    assert json.loads(rows[0].definition) == DEFAULT_MODEL
    assert rows[0].created_at.tzinfo is not None
    engine.dispose()


def test_round_trip_of_every_entity(any_db_url):
    """Write one row of each entity with its relations, read it back field by field."""
    engine = _prepared(any_db_url)
    when = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    with db.session_scope(engine) as s:
        c = m.Customer(external_id="C1", name="Rossi Logistica S.r.l.", segment="SMB", region="Italy",
                       owner="Giulia Conti", signed_on=dt.date(2025, 1, 15), arr=12000.0, status="churned",
                       churned_on=dt.date(2026, 2, 1))
        s.add(c)
        s.flush()
        s.add(m.RevenueMonth(customer_id=c.id, month=dt.date(2025, 2, 1), mrr=1000.0))
        send = m.NpsSurveySend(customer_id=c.id, sent_on=dt.date(2025, 6, 1))
        s.add(send)
        s.flush()
        s.add(m.NpsResponse(customer_id=c.id, send_id=send.id, responded_on=dt.date(2025, 6, 3), score=4,
                            comment="L'onboarding è stato lento", language="it", follow_up_status="open",
                            follow_up_owner="Giulia Conti", follow_up_due=dt.date(2025, 6, 10)))
        s.add(m.Milestone(customer_id=c.id, kind="first_value", reached_on=None, target_days=30))
        s.add(m.HealthSignal(customer_id=c.id, month=dt.date(2026, 1, 1), signal="usage", value=0.42))
        s.add(m.ChurnEvent(customer_id=c.id, churned_on=dt.date(2026, 2, 1), arr_lost=12000.0,
                           primary_reason="poor_onboarding", contributing_reasons="price;support_experience",
                           category="onboarding", controllable=True))
        team = m.Team(name="CS Italia", department="Customer Success", kind="customer_facing")
        rnd = m.AssessmentRound(name="2026 H1", opened_on=dt.date(2026, 1, 10))
        s.add_all([team, rnd])
        s.flush()
        a = m.Assessment(round_id=rnd.id, team_id=team.id, respondent="r1", role="manager", submitted_at=when)
        s.add(a)
        s.flush()
        s.add(m.AssessmentAnswer(assessment_id=a.id, dimension="culture", stage=2.5, evidence="https://x", confidence="high"))
        s.add(m.MaturityTarget(team_id=None, dimension="culture", target_stage=3.0, set_on=dt.date(2026, 1, 1)))
        mt = m.Meeting(held_on=dt.date(2026, 2, 3), department="IT", meeting_type="department", duration_minutes=60,
                       customer_item_filled=True, customer_item_text="Nessuna decisione sul cliente")
        s.add(mt)
        s.flush()
        item = m.AgendaItem(meeting_id=mt.id, position=1, title="Migrazione server", minutes=20, relevance="none")
        s.add(item)
        s.flush()
        s.add(m.Decision(meeting_id=mt.id, agenda_item_id=item.id, text="Rinviare la migrazione", cx_impact="neutral"))
        s.add(m.ImportLog(at=when, entity="customers", source_file="crm.csv", inserted=1, who="test"))

    with Session(engine) as s:
        got = s.exec(select(m.Customer)).scalars().one()
        assert (got.name, got.signed_on, got.churned_on, got.arr) == (
            "Rossi Logistica S.r.l.", dt.date(2025, 1, 15), dt.date(2026, 2, 1), 12000.0)
        resp = s.exec(select(m.NpsResponse)).scalars().one()
        assert (resp.score, resp.comment, resp.follow_up_due) == (4, "L'onboarding è stato lento", dt.date(2025, 6, 10))
        assert s.exec(select(m.Milestone.reached_on)).scalars().one() is None
        assert s.exec(select(m.ChurnEvent.contributing_reasons)).scalars().one() == "price;support_experience"
        assert s.exec(select(m.AssessmentAnswer.stage)).scalars().one() == 2.5
        assert s.exec(select(m.Assessment.submitted_at)).scalars().one() == when
        assert s.exec(select(m.Decision.text)).scalars().one() == "Rinviare la migrazione"
        assert s.exec(select(m.HealthSignal.value)).scalars().one() == pytest.approx(0.42)
    engine.dispose()


def test_failed_transaction_writes_nothing(any_db_url):
    engine = _prepared(any_db_url)
    with pytest.raises(Exception):
        with db.session_scope(engine) as s:
            s.add(m.Team(name="A", department="IT"))
            s.flush()
            s.add(m.Team(name="A", department="IT"))  # violates the unique name
            s.flush()
    with Session(engine) as s:
        assert s.exec(select(m.Team)).scalars().all() == []
    engine.dispose()


def test_clear_data_keeps_models_and_marks_cleared(any_db_url):
    engine = _prepared(any_db_url)
    with db.session_scope(engine) as s:
        s.add(m.Customer(external_id="C1", name="A", segment="SMB", region="Italy", signed_on=dt.date(2025, 1, 1)))
        s.add(m.AppMeta(key="dataset", value="demo"))
    db.clear_data(engine)
    assert db.is_empty(engine)
    assert db.dataset_meta(engine) == {"dataset": "cleared"}
    with Session(engine) as s:
        assert len(s.exec(select(m.HealthModel)).scalars().all()) == 1
    engine.dispose()


# --- bad configuration ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("not a url", "is not a database URL"),
        ("mysql://root@localhost/x", "supports SQLite"),
        ("sqlite:////no/such/folder/x.db", "folder that does not exist"),
    ],
)
def test_make_engine_rejects_bad_urls_with_a_message(url, words):
    with pytest.raises(ConfigurationError, match=words):
        db.make_engine(url)


def test_unreachable_server_names_the_variable_and_hides_the_password():
    engine = db.make_engine("postgresql+psycopg://user:secret@127.0.0.1:1/nowhere")
    with pytest.raises(ConfigurationError) as info:
        db.check_connection(engine)
    assert "DATABASE_URL" in str(info.value) and "secret" not in str(info.value)


def test_newer_schema_is_refused_and_left_unchanged(tmp_path):
    engine = _prepared(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('9999_from_the_future')"))
    with pytest.raises(SchemaError, match="newer than this version"):
        db.upgrade(engine)
    assert db.current_revision(engine) == "9999_from_the_future"
    engine.dispose()


def test_unversioned_outside_in_tables_are_refused(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    SQLModel.metadata.create_all(engine)
    with pytest.raises(SchemaError, match="no schema revision"):
        db.upgrade(engine)
    assert "alembic_version" not in inspect(engine).get_table_names()
    engine.dispose()


def test_an_older_database_is_upgraded_in_place(any_db_url):
    """A database left at the first revision gains the later tables and keeps its rows."""
    from alembic import command

    engine = db.make_engine(any_db_url)
    config = db._alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    with db.session_scope(engine) as s:
        s.add(m.Team(name="Support", department="Customer Success"))
    assert db.current_revision(engine) == "0001"
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    assert {"maturity_instrument", "import_mapping", "board_pack"} <= set(inspect(engine).get_table_names())
    with Session(engine) as s:
        assert [t.name for t in s.exec(select(m.Team)).scalars()] == ["Support"]
    engine.dispose()
