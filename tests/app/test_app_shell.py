"""The shell: database problems are explained, the demo is announced, filters are shared."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("definitely not a url", "is not a database URL"),
        ("postgresql+psycopg://someone:hunter2@127.0.0.1:1/none", "Cannot open the database in DATABASE_URL"),
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
    # The period and customer filters are the sidebar's, declared once with keys.
    keys = {w.key for w in at.sidebar.selectbox} | {w.key for w in at.sidebar.multiselect}
    assert keys == {"filter_period_preset", "filter_segments", "filter_regions", "filter_owners"}
    assert at.sidebar.selectbox(key="filter_period_preset").value == "Last 12 months"
