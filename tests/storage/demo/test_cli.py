"""Tests of the demo's command line, ``python -m cs_metrics.storage.demo``."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine

from tests.conftest import ROOT
from tests.storage.demo.conftest import db_counts


def _run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "cs_metrics.storage.demo", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def test_cli_loads_a_small_company(tmp_path):
    pytest.importorskip("cs_metrics.storage.db", reason="the CLI needs cs_metrics.storage.db")
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    done = _run_cli("--customers", "50", "--seed", "1", "--as-of", "2026-10-31", "--database-url", url)
    assert done.returncode == 0, done.stderr
    assert "customer 50" in done.stdout and " s: " in done.stdout
    engine = create_engine(url)
    assert db_counts(engine)["customer"] == 50
    # The load is in the audit trail, by the command line, with its 50 customers and seed.
    from cs_metrics.storage.queries.access import audit_events
    assert audit_events(engine)[["actor", "action", "summary"]].values.tolist() == [
        ["command line", "data.demo", "50 customers (demo company, seed 1)"]]
    engine.dispose()
    again = _run_cli("--customers", "50", "--seed", "1", "--database-url", url)
    assert again.returncode == 2 and "--replace" in again.stderr and "Traceback" not in again.stderr


def test_cli_loads_a_large_company_scaled_down(tmp_path):
    # The large profile with fewer customers and meetings: its options reach the generator.
    url = f"sqlite:///{tmp_path / 'large.db'}"
    done = _run_cli(
        "--size", "large", "--customers", "60", "--meetings", "80", "--health-months", "3",
        "--seed", "2", "--as-of", "2026-10-31", "--database-url", url,
    )
    assert done.returncode == 0, done.stderr
    assert "customer 60," in done.stdout and "meeting 80," in done.stdout
    engine = create_engine(url)
    counts = db_counts(engine)
    engine.dispose()
    assert counts["customer"] == 60 and counts["meeting"] == 80
    # The large profile's 10 answers per customer, within the random variation of 60 customers.
    assert 6 * 60 <= counts["nps_response"] <= 14 * 60


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--customers", "-5"), "customers must be between 1"),
        (("--customers", "many"), "invalid int value"),
        (("--as-of", "2026-13-01"), "not a date"),
        (("--size", "huge"), "invalid choice"),
        (("--established", "2"), "established must be a share from 0 to 1"),
        (("--meetings", "0"), "meetings must be between 1"),
        (("--nps-per-customer", "-1"), "nps_per_customer must be more than 0"),
    ],
)
def test_cli_rejects_bad_arguments(tmp_path, args, message):
    done = _run_cli(*args, "--database-url", f"sqlite:///{tmp_path / 'x.db'}")
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.db").exists()
