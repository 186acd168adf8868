"""An import killed in the middle of its write (SIGKILL, no chance to clean up) leaves the database
as it was before the import: intact, openable, and without a single row of the file."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select, text

from cs_metrics.storage import db, ingest
from cs_metrics.storage import models as m
from cs_metrics.storage.tables import export_tables
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")


def _counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in export_tables()}


def _big_revenue_file(path, customers: int = 1_000, months: int = 30) -> int:
    with open(path, "w", encoding="utf-8") as out:
        out.write("customer_id;month;mrr\n")
        for c in range(customers):
            for k in range(months):
                out.write(f"K{c:05d};{2020 + k // 12}-{k % 12 + 1:02d};{100 + c % 97},{k % 100:02d}\n")
    return customers * months


def test_import_killed_mid_commit_leaves_the_database_intact(tmp_path):
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    customers = "customer_id,name,segment,region,signed_on\n" + "".join(
        f"K{c:05d},Cliente {c},SMB,Italy,2019-12-01\n" for c in range(1_000))
    assert ingest.commit(engine, "customers", customers.encode(), filename="k.csv").committed
    before = _counts(engine)
    engine.dispose()

    rows = _big_revenue_file(tmp_path / "revenue.csv")
    proc = subprocess.Popen(
        [sys.executable, "-m", "cs_metrics.storage.ingest", "revenue", str(tmp_path / "revenue.csv"),
         "--database-url", url],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    # Progress lines go to stderr; "writing rows" appears once the transaction has started writing.
    deadline = time.time() + 120
    seen = ""
    while time.time() < deadline:
        line = proc.stderr.readline()
        seen += line
        if "writing rows" in line:
            break
        if not line and proc.poll() is not None:
            pytest.fail(f"the import ended before writing: {seen}{proc.stdout.read()}")
    else:
        proc.kill()
        pytest.fail("the import never started writing")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert "100.0% done" not in seen  # it really was interrupted before the end

    engine = db.make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    db.upgrade(engine)  # the app can open and prepare it as usual
    assert _counts(engine) == before  # not one revenue row, no import-log line
    # And the same file imports completely afterwards.
    report = ingest.commit(engine, "revenue", (tmp_path / "revenue.csv").read_bytes(), filename="revenue.csv",
                           today=dt.date(2026, 10, 31))
    assert report.committed and report.inserted == rows
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.RevenueMonth)).scalar_one() == rows
    engine.dispose()
