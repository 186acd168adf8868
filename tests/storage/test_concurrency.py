"""Concurrent writers: imports run one at a time and store a file's rows once, parallel maturity
writes leave one row each, and a write waiting behind a long SQLite write says so plainly."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

from cs_metrics.access import LOCAL
from cs_metrics.errors import DataError
from cs_metrics.services import maturity as service
from cs_metrics.storage import db, ingest
from cs_metrics.storage import models as m
from cs_metrics.storage.ingest import lock
from cs_metrics.storage.queries import maturity as qm
from tests.storage.ingest.conftest import TODAY, commit_file

#: Three answers without ids and without customers: only their natural key tells them apart.
NPS_FILE = ("responded_on,score,comment\n"
            "2026-05-01,9,Great onboarding\n"
            "2026-05-02,6,\n"
            "2026-05-03,3,Slow support\n")
NPS_ROWS = 3  # the three data lines above
BUSY = "Another import is running; try again in a minute."


def _engine(url: str):
    engine = db.make_engine(url)
    db.upgrade(engine)
    return engine


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _at_once(n: int, job: Callable[[int], object]) -> tuple[list[object], list[BaseException]]:
    """Run ``job(i)`` in ``n`` threads released together; return the results and the exceptions."""
    barrier = threading.Barrier(n)
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        barrier.wait()
        try:
            out = job(i)
        except BaseException as exc:  # collected and asserted on below
            with lock:
                errors.append(exc)
        else:
            with lock:
                results.append(out)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results, errors


# --- 1. imports ----------------------------------------------------------------------------------


def test_same_file_imported_twice_in_sequence_stores_its_rows_once(any_db_url):
    engine = _engine(any_db_url)
    first = commit_file(engine, "nps_responses", NPS_FILE)
    second = commit_file(engine, "nps_responses", NPS_FILE)
    assert first.committed and (first.inserted, first.updated) == (NPS_ROWS, 0)
    assert second.committed and (second.inserted, second.updated, second.unchanged) == (0, 0, NPS_ROWS)
    assert _count(engine, m.NpsResponse) == NPS_ROWS
    engine.dispose()


def test_ten_concurrent_imports_of_one_file_store_its_rows_once(any_db_url, monkeypatch):
    engine = _engine(any_db_url)
    monkeypatch.setattr(lock, "IMPORT_LOCK_WAIT_SECONDS", 60.0)  # all ten wait their turn
    reports, errors = _at_once(10, lambda i: ingest.commit(engine, "nps_responses", NPS_FILE.encode(),
                                                           filename=f"nps-{i}.csv", today=TODAY))
    assert errors == []
    assert len(reports) == 10
    problems = [p.reason for r in reports for p in r.problems]
    assert problems == [], problems
    # One import inserts the three answers; the nine after it find them stored (3 + 0 * 9).
    assert sorted(r.inserted for r in reports) == [0] * 9 + [NPS_ROWS]
    assert _count(engine, m.NpsResponse) == NPS_ROWS
    assert _count(engine, m.ImportLog) == 10
    engine.dispose()


def _hold_write_lock(engine) -> Callable[[], None]:
    """Take what a running import holds (the advisory lock, or SQLite's write lock) from outside."""
    if engine.dialect.name == "postgresql":
        conn = engine.connect()
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": lock.IMPORT_LOCK_KEY})

        def release() -> None:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock.IMPORT_LOCK_KEY})
            conn.close()
        return release
    raw = sqlite3.connect(engine.url.database, timeout=5)
    raw.isolation_level = None
    raw.execute("BEGIN IMMEDIATE")

    def release_sqlite() -> None:
        raw.execute("ROLLBACK")
        raw.close()
    return release_sqlite


def test_an_import_while_another_runs_reports_a_problem_and_writes_nothing(any_db_url, monkeypatch):
    engine = _engine(any_db_url)
    monkeypatch.setattr(lock, "IMPORT_LOCK_WAIT_SECONDS", 0.3)
    release = _hold_write_lock(engine)
    try:
        report = commit_file(engine, "nps_responses", NPS_FILE)
    finally:
        release()
    assert not report.committed
    assert [p.reason for p in report.problems] == [BUSY]
    assert (report.inserted, report.updated) == (0, 0)
    assert _count(engine, m.NpsResponse) == 0 and _count(engine, m.ImportLog) == 0
    again = commit_file(engine, "nps_responses", NPS_FILE)  # the lock is free again
    assert again.committed and again.inserted == NPS_ROWS
    engine.dispose()


def test_a_restore_while_an_import_runs_waits_its_turn_and_writes_nothing(any_db_url, monkeypatch):
    from cs_metrics.storage import export

    engine = _engine(any_db_url)
    commit_file(engine, "nps_responses", NPS_FILE)
    archive = export.export_zip(engine)
    monkeypatch.setattr(lock, "IMPORT_LOCK_WAIT_SECONDS", 0.3)
    release = _hold_write_lock(engine)
    try:
        report = ingest.import_archive(engine, archive, filename="backup.zip", replace=True)
    finally:
        release()
    assert not report.committed and [p.reason for p in report.problems] == [BUSY]
    # Unchanged: the three answers and the one import-log line of the import above.
    assert (_count(engine, m.NpsResponse), _count(engine, m.ImportLog)) == (NPS_ROWS, 1)
    assert ingest.import_archive(engine, archive, filename="backup.zip", replace=True).committed
    engine.dispose()


# --- 2. maturity writes --------------------------------------------------------------------------


def test_fifty_concurrent_company_targets_leave_one_row_per_dimension(any_db_url):
    engine = _engine(any_db_url)
    _, errors = _at_once(50, lambda i: qm.set_targets(engine, {"listening": 3.0 + (i % 2) / 2,
                                                               "involvement": 4.0}, set_by=f"p{i}"))
    assert errors == []
    frame = qm.targets(engine)
    assert sorted(frame["dimension"]) == ["involvement", "listening"]  # one row each, team None
    assert frame["team"].tolist() == [None, None]
    assert set(frame.loc[frame["dimension"] == "listening", "target"]) <= {3.0, 3.5}
    engine.dispose()


def test_fifty_concurrent_stage_label_saves_all_succeed(any_db_url):
    engine = _engine(any_db_url)
    labels = {"en": ("Island", "Megaphone", "Listening", "Involvement", "Social Business")}
    results, errors = _at_once(50, lambda i: service.save_stage_labels(engine, labels, actor=LOCAL))
    assert errors == []
    # Version 1 is shipped and never stored; fifty saves number 2 .. 51, each once.
    assert sorted(int(inst.version) for inst in results) == list(range(2, 52))
    assert _count(engine, m.MaturityInstrument) == 50
    engine.dispose()


def test_postgresql_refuses_a_second_company_target_for_a_dimension(pg_url):
    engine = _engine(pg_url)
    row = {"team_id": None, "dimension": "listening", "target_stage": 3.0, "set_on": TODAY}
    with engine.begin() as conn:
        conn.execute(insert(m.MaturityTarget).values(**row))
    with pytest.raises(IntegrityError):
        with engine.begin() as conn:
            conn.execute(insert(m.MaturityTarget).values(**row))
    engine.dispose()


# --- 3. SQLite waits -----------------------------------------------------------------------------


def test_sqlite_file_databases_use_wal_and_a_busy_timeout(tmp_path: Path):
    engine = _engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.SQLITE_BUSY_TIMEOUT_MS
    engine.dispose()


def test_sqlite_write_behind_a_long_write_raises_a_data_error(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    engine = _engine(f"sqlite:///{tmp_path / 'w.db'}")
    release = _hold_write_lock(engine)
    try:
        with pytest.raises(DataError, match="Another write is running"):
            qm.set_targets(engine, {"listening": 3.0}, set_by="Ada")
        assert qm.targets(engine).empty  # readers still read while the writer holds the lock (WAL)
    finally:
        release()
    qm.set_targets(engine, {"listening": 3.0}, set_by="Ada")  # the lock is free again
    assert qm.targets(engine)["target"].tolist() == [3.0]
    engine.dispose()
