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


# --- odd URLs and files ----------------------------------------------------------------------------


def bad_sqlite_file(kind: str, folder) -> str:
    """A SQLite URL whose file is ``kind``: "text", "random" (bytes), "truncated" (a real Outside In
    database cut to a third of its size) or "corrupted" (a real one whose ``customer`` table's root
    page is overwritten; header, schema and every other table are intact)."""
    import random
    import sqlite3

    path = folder / f"{kind}.db"
    if kind == "text":
        path.write_text("customer,arr\nRossi,1200\n")
        return f"sqlite:///{path}"
    if kind == "random":
        path.write_bytes(random.Random(7).randbytes(8192))
        return f"sqlite:///{path}"
    engine = _prepared(f"sqlite:///{path}")
    with engine.begin() as conn:  # enough rows for the table to span several pages
        conn.execute(m.Customer.__table__.insert(), [
            {"external_id": f"C{i}", "name": f"Customer {i}", "segment": "SMB", "region": "Italy",
             "signed_on": dt.date(2025, 1, 1), "arr": 1200.0, "status": "active"} for i in range(2000)])
    engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")  # fold the write-ahead log into the file
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'customer'").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    if kind == "truncated":
        path.write_bytes(bytes(data[: len(data) // 3]))
    else:
        offset = (root - 1) * page_size
        data[offset: offset + 64] = b"\xff" * 64  # the b-tree page header and first cell pointers
        path.write_bytes(bytes(data))
    return f"sqlite:///{path}"


@pytest.mark.parametrize(
    ("kind", "error", "words"),
    [
        ("text", ConfigurationError, "points to a file that is not a SQLite database"),
        ("random", ConfigurationError, "points to a file that is not a SQLite database"),
        ("truncated", SchemaError, "is damaged: database disk image is malformed"),
        ("corrupted", SchemaError, "is damaged"),
    ],
)
def test_a_file_that_is_no_usable_database_is_named_in_a_message(tmp_path, kind, error, words):
    url = bad_sqlite_file(kind, tmp_path)
    before = (tmp_path / f"{kind}.db").read_bytes()
    engine = db.make_engine(url)
    with pytest.raises(error, match=words) as info:
        db.check_connection(engine)
    engine.dispose()
    assert "DATABASE_URL" in str(info.value) and str(tmp_path / f"{kind}.db") in str(info.value)
    assert (tmp_path / f"{kind}.db").read_bytes() == before  # nothing written


def test_a_non_numeric_port_is_named_in_a_message():
    with pytest.raises(ConfigurationError) as info:
        db.make_engine("postgresql+psycopg://u:s3cret@db.example.com:abc/outside_in")
    message = str(info.value)
    assert "DATABASE_URL has a port that is not a number ('abc')" in message
    assert "s3cret" not in message and "u:***@db.example.com:abc/outside_in" in message


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://u:hunter2@h:5432/d", "postgresql+psycopg://u:***@h:5432/d"),
        ("postgresql+psycopg://u@h/d?password=hunter2", "postgresql+psycopg://u@h/d?password=***"),
        # SQLAlchemy renders the query keys in alphabetical order; only the secret values change.
        ("postgresql+psycopg://u@h/d?sslmode=require&sslpassword=hunter2&PASSWORD=hunter2",
         "postgresql+psycopg://u@h/d?PASSWORD=***&sslmode=require&sslpassword=***"),
        ("postgresql+psycopg://u:hunter2@h:abc/d?password=hunter2", "postgresql+psycopg://u:***@h:abc/d?password=***"),
        ("not a url://u:hunter2@h?password=hunter2", "not a url://u:***@h?password=***"),
        ("sqlite:////srv/oi.db?mode=ro", "sqlite:////srv/oi.db?mode=ro"),
    ],
)
def test_safe_url_masks_passwords_in_the_user_part_and_the_query(url, shown):
    assert db.safe_url(url) == shown


def test_an_unreachable_server_with_a_query_password_does_not_show_it():
    engine = db.make_engine("postgresql+psycopg://someone@127.0.0.1:1/none?password=hunter2&sslpassword=hunter3")
    with pytest.raises(ConfigurationError) as info:
        db.check_connection(engine)
    assert "password=***&sslpassword=***" in str(info.value)
    assert "hunter2" not in str(info.value) and "hunter3" not in str(info.value)


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "postgres+psycopg", "postgresql+psycopg"])
def test_platform_style_postgres_urls_mean_psycopg(scheme):
    engine = db.make_engine(f"{scheme}://u:pw@db.example.com:5432/outside_in")
    assert engine.url.drivername == "postgresql+psycopg"
    assert engine.url.render_as_string(hide_password=False) == "postgresql+psycopg://u:pw@db.example.com:5432/outside_in"
    engine.dispose()


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_platform_style_postgres_url_prepares_a_real_database(pg_url, scheme):
    from sqlalchemy.engine import make_url

    url = make_url(pg_url).set(drivername=scheme).render_as_string(hide_password=False)
    engine = db.make_engine(url)
    db.check_connection(engine)
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    engine.dispose()


def _foreign_tables(url: str) -> None:
    from sqlalchemy import create_engine

    plain = create_engine(url)
    with plain.begin() as conn:
        for name in ("invoice", "ledger_entry", "users", "warehouse"):
            conn.execute(text(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY)"))
        conn.execute(text("INSERT INTO users (id) VALUES (1)"))
    plain.dispose()


def test_another_applications_database_is_refused_and_left_unchanged(any_db_url):
    _foreign_tables(any_db_url)
    engine = db.make_engine(any_db_url)
    with pytest.raises(SchemaError) as info:
        db.upgrade(engine)
    message = str(info.value)
    # The first three of the four tables, sorted by name, then "...".
    assert "already holds 4 tables of another application (invoice, ledger_entry, users, ...)" in message
    assert "DATABASE_URL" in message and "an empty database or a new SQLite file" in message
    assert set(inspect(engine).get_table_names()) == {"invoice", "ledger_entry", "users", "warehouse"}
    engine.dispose()


def test_another_applications_alembic_database_is_refused_as_such(tmp_path):
    url = f"sqlite:///{tmp_path / 'other.db'}"
    _foreign_tables(url)
    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('3f2a9c_billing')"))
    with pytest.raises(SchemaError, match="belongs to another application: it has schema revision '3f2a9c_billing'"):
        db.upgrade(engine)
    assert db.current_revision(engine) == "3f2a9c_billing"
    engine.dispose()


def test_an_empty_database_with_an_empty_version_table_is_still_prepared(tmp_path):
    """A version table with no row (an interrupted first start) is not another application's table."""
    url = f"sqlite:///{tmp_path / 'x.db'}"
    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    engine.dispose()


def test_tables_of_a_postgresql_extension_do_not_make_a_database_foreign(pg_url):
    """pg_stat_statements adds two views to the schema it is created in; the database stays usable."""
    from sqlalchemy import create_engine

    plain = create_engine(pg_url)
    try:
        with plain.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
    except Exception as exc:  # an extension the server does not ship cannot be tested here
        plain.dispose()
        from tests.conftest import skip_or_fail

        skip_or_fail(f"the server has no pg_stat_statements extension: {exc}", "OUTSIDE_IN_REQUIRE_POSTGRES")
    plain.dispose()
    engine = db.make_engine(pg_url)
    assert {"pg_stat_statements", "pg_stat_statements_info"} <= set(inspect(engine).get_view_names())
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    engine.dispose()
