"""Preparing the database for the app (``cs_metrics.storage.setup``): migrate, load the demo into a
new database once, and report bad configuration without a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import create_engine, inspect, text

from cs_metrics.storage import db, setup
from tests.conftest import ROOT
from tests.storage.test_db import bad_sqlite_file


def test_prepare_cli_reports_bad_url_without_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "cs_metrics.storage.setup", "prepare", "--database-url", "postgresql://u@127.0.0.1:1/x"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert proc.returncode == 2
    assert "Cannot open the database in DATABASE_URL" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_prepare_loads_demo_once_and_respects_cleared(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    engine = setup.prepare_database(url)
    assert not db.is_empty(engine) and db.dataset_meta(engine)["dataset"] == "demo"
    db.clear_data(engine)
    engine = setup.prepare_database(url)  # the app starting again after "Clear data"
    assert db.is_empty(engine)
    engine.dispose()


def test_prepare_without_the_demo_keeps_the_database_empty_on_later_starts(tmp_path):
    url = f"sqlite:///{tmp_path / 'own.db'}"
    setup.prepare_database(url, load_demo=False).dispose()  # a clean start for a company's own data
    engine = setup.prepare_database(url)  # `make run` later prepares with the demo allowed
    assert db.is_empty(engine) and db.dataset_meta(engine) == {"dataset": "cleared"}
    engine.dispose()


def _prepare_cli(url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cs_metrics.storage.setup", "prepare", "--database-url", url],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("port", "DATABASE_URL has a port that is not a number ('abc')"),
        ("text", "points to a file that is not a SQLite database (file is not a database)"),
        ("random", "points to a file that is not a SQLite database (file is not a database)"),
        ("truncated", "is damaged: database disk image is malformed"),
        ("corrupted", "is damaged"),
    ],
)
def test_prepare_cli_explains_odd_urls_and_files_without_traceback(tmp_path, kind, words):
    url = ("postgresql+psycopg://u:hunter2@db.example.com:abc/outside_in" if kind == "port"
           else bad_sqlite_file(kind, tmp_path))
    proc = _prepare_cli(url)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and words in proc.stderr and "DATABASE_URL" in proc.stderr
    assert "Traceback" not in proc.stderr and "hunter2" not in proc.stderr


def test_prepare_cli_refuses_another_applications_database_and_writes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    plain = create_engine(url)
    with plain.begin() as conn:
        conn.execute(text("CREATE TABLE contacts (id INTEGER PRIMARY KEY, email TEXT)"))
        conn.execute(text("INSERT INTO contacts (email) VALUES ('a@example.com')"))
    plain.dispose()
    proc = _prepare_cli(url)
    assert proc.returncode == 2
    assert "already holds 1 table of another application (contacts)" in proc.stderr
    assert "Traceback" not in proc.stderr
    plain = create_engine(url)
    assert inspect(plain).get_table_names() == ["contacts"]
    plain.dispose()
    # `status` says the same instead of calling another application's database "empty".
    status = setup.main(["status", "--database-url", url])
    assert status == 2
    plain = create_engine(url)
    assert inspect(plain).get_table_names() == ["contacts"]
    plain.dispose()


def test_status_names_the_other_applications_tables(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    plain = create_engine(url)
    with plain.begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    plain.dispose()
    assert setup.main(["status", "--database-url", url]) == 2
    err = capsys.readouterr().err
    assert "already holds 1 table of another application (invoices)" in err and "dataset: empty" not in err
    # An empty file is Outside In's to take: status says so with exit code 0.
    empty = f"sqlite:///{tmp_path / 'new.db'}"
    assert setup.main(["status", "--database-url", empty]) == 0
    assert "schema none" in capsys.readouterr().out


def test_prepare_with_a_query_password_does_not_print_it(pg_url):
    """PostgreSQL reads the password from the query as from the user part; neither is printed."""
    from sqlalchemy.engine import make_url

    parsed = make_url(pg_url)
    password = parsed.password or "hunter2"  # a server that trusts local users ignores it
    url = parsed.set(drivername="postgres", password=None, query={**parsed.query, "password": password})
    proc = _prepare_cli(url.render_as_string(hide_password=False))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Database postgresql+psycopg://") and "dataset: demo" in proc.stdout
    assert "password=***" in proc.stdout and password not in proc.stdout + proc.stderr
