"""Preparing the database for the app (``cs_metrics.storage.setup``): migrate, load the demo into a
new database once, and report bad configuration without a traceback."""

from __future__ import annotations

import subprocess
import sys

from cs_metrics.storage import db, setup
from tests.conftest import ROOT


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
