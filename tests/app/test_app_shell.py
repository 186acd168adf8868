"""The shell: database problems are explained, the demo is announced, filters are shared."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP
from tests.storage.test_db import bad_sqlite_file


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("definitely not a url", "is not a database URL"),
        ("postgresql+psycopg://someone:hunter2@127.0.0.1:1/none", "Cannot open the database in DATABASE_URL"),
        ("postgresql+psycopg://someone@127.0.0.1:1/none?password=hunter2", "?password=***"),
        ("postgresql+psycopg://someone:hunter2@127.0.0.1:abc/none", "DATABASE_URL has a port that is not a number ('abc')"),
    ],
)
def test_bad_database_url_shows_a_message_not_a_traceback(monkeypatch, url, words):
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert words in at.error[0].value
    assert "hunter2" not in at.error[0].value  # passwords never shown


def test_newer_schema_is_refused_with_a_message(monkeypatch, demo_db_url):
    engine = create_engine(demo_db_url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('9999_newer')"))
        customers = conn.execute(text("SELECT COUNT(*) FROM customer")).scalar_one()
    monkeypatch.setenv("DATABASE_URL", demo_db_url)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "newer than this version of Outside In knows" in at.error[0].value
    with engine.connect() as conn:  # nothing changed
        assert conn.execute(text("SELECT COUNT(*) FROM customer")).scalar_one() == customers
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "9999_newer"
    engine.dispose()


def test_demo_banner_and_shared_filters(app_on_demo):
    at = app_on_demo()
    assert any("demo data" in i.value for i in at.info)
    # The language, period and customer filters are the sidebar's, declared once with keys.
    keys = {w.key for w in at.sidebar.selectbox} | {w.key for w in at.sidebar.multiselect}
    assert keys == {"language_choice", "filter_period_preset", "filter_segments", "filter_regions", "filter_owners"}
    assert at.sidebar.selectbox(key="filter_period_preset").value == "Last 12 months"


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("text", "points to a file that is not a SQLite database"),
        ("random", "points to a file that is not a SQLite database"),
        ("truncated", "is damaged: database disk image is malformed"),
        ("corrupted", "is damaged"),
    ],
)
def test_a_file_that_is_no_usable_database_shows_a_message(monkeypatch, tmp_path, kind, words):
    url = bad_sqlite_file(kind, tmp_path)
    before = (tmp_path / f"{kind}.db").read_bytes()
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert words in at.error[0].value and "DATABASE_URL" in at.error[0].value
    assert (tmp_path / f"{kind}.db").read_bytes() == before


def test_another_applications_database_shows_a_message_and_gets_no_tables(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    plain = create_engine(url)
    with plain.begin() as conn:
        conn.execute(text("CREATE TABLE contacts (id INTEGER PRIMARY KEY)"))
        conn.execute(text("CREATE TABLE deals (id INTEGER PRIMARY KEY)"))
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "already holds 2 tables of another application (contacts, deals)" in at.error[0].value
    with plain.connect() as conn:
        names = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).scalars().all()
    assert names == ["contacts", "deals"]
    plain.dispose()
