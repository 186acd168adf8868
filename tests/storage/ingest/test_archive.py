"""Restoring an export: a database holding data is replaced only on confirmation; a damaged
archive changes nothing; an archive written before a column existed takes the column's default."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

from sqlalchemy import delete, func, select, text

from cs_metrics.access import LOCAL
from cs_metrics.services import data
from cs_metrics.storage import db, export, ingest
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import access as qa
from cs_metrics.storage.tables import export_tables
from tests.storage.ingest.conftest import snapshot


def test_restore_refuses_to_overwrite_without_confirmation(filled):
    archive = export.export_zip(filled)
    before = snapshot(filled)
    report = ingest.import_archive(filled, archive, filename="e.zip")
    assert not report.committed and report.problem_counts == {"database not empty": 1}
    assert snapshot(filled) == before
    assert ingest.import_archive(filled, archive, filename="e.zip", replace=True).committed


def _tampered(archive: bytes, table: str, old: str, new: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(archive))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == f"{table}.csv":
                data = data.replace(old.encode(), new.encode(), 1)
            target.writestr(name, data)
    return out.getvalue()


def test_a_damaged_archive_changes_nothing(filled):
    archive = export.export_zip(filled)
    db.clear_data(filled)
    before = snapshot(filled)
    for bad, kind in [
        (b"not a zip", "wrong file type"),
        (_tampered(archive, "revenue_month", "\r\n1,", "\r\nx,"), "wrong type"),          # an id that is not a number
        (_tampered(archive, "customer", "external_id", "colour"), "unknown column"),
    ]:
        report = ingest.import_archive(filled, bad, filename="bad.zip")
        assert not report.committed and kind in report.problem_counts, report.problems
        assert snapshot(filled) == before
    # A reference to a row that is not there: the database refuses it and the transaction rolls back.
    orphan = _tampered(archive, "revenue_month", "\r\n1,1,", "\r\n1,999999,")
    report = ingest.import_archive(filled, orphan, filename="orphan.zip")
    assert not report.committed and report.problem_counts == {"database": 1}
    assert snapshot(filled) == before


def _without_column(archive: bytes, table: str, column: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(archive))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == f"{table}.csv":
                rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
                at = rows[0].index(column)
                buffer = io.StringIO()
                csv.writer(buffer, lineterminator="\r\n").writerows([r[:at] + r[at + 1:] for r in rows])
                data = buffer.getvalue().encode("utf-8")
            target.writestr(name, data)
    return out.getvalue()


def test_an_older_archive_without_a_newer_column_takes_its_default(filled):
    # An archive written before a column existed: the model's default fills it (customer.contract_term_months
    # defaults to 12 in models.py); a required column without a default is a problem.
    archive = _without_column(export.export_zip(filled), "customer", "contract_term_months")
    report = ingest.import_archive(filled, archive, filename="old.zip", replace=True)
    assert report.committed, report.problems
    with filled.connect() as conn:
        assert set(conn.execute(select(m.Customer.contract_term_months)).scalars()) == {12}
    report = ingest.import_archive(filled, _without_column(archive, "customer", "name"), filename="x.zip",
                                   replace=True)
    assert report.problem_counts == {"missing column": 1}


def test_restore_into_a_database_whose_ids_start_again(filled):
    # A brand-new database of the same kind: every table empty and, on PostgreSQL, every id
    # sequence back at 1. The restore's own import-log line must come after the restored lines.
    archive = export.export_zip(filled)
    before = snapshot(filled)
    with filled.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(t.name for t in export_tables())
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(export_tables()):
                conn.execute(delete(table))
    report = ingest.import_archive(filled, archive, filename="new.zip")
    assert report.committed, report.problems
    after = snapshot(filled)
    assert {k: v for k, v in after.items() if k != "import_log"} == {
        k: v for k, v in before.items() if k != "import_log"}
    # The restored lines keep their ids; the restore's line takes the next one (largest id + 1).
    assert after["import_log"][:-1] == before["import_log"]
    assert after["import_log"][-1][0] == before["import_log"][-1][0] + 1


def test_restore_of_everything_through_the_data_service_into_restarted_ids(filled):
    # An archive holding import-log lines, people with teams and audit rows, restored as the Data
    # page does it into a database whose tables are empty and, on PostgreSQL, whose id sequences
    # start again at 1: the restore's own log line and audit row, and every later write, get new ids.
    with filled.begin() as conn:
        qa.save_person(conn, email="ann@example.com", name="Ann Rossi", role="editor", teams=frozenset({"Extra team"}),
                       now=dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC), by="tester")
    data.export_zip(filled, actor=LOCAL)  # an export's audit row is written after its archive:
    archive = data.export_zip(filled, actor=LOCAL)  # this archive holds the first export's row
    before = snapshot(filled)
    assert len(before["import_log"]) == 1 and len(before["person"]) == 1 and len(before["audit_event"]) == 2
    with filled.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(t.name for t in export_tables())
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(export_tables()):
                conn.execute(delete(table))
    report = data.commit(filled, ingest.ARCHIVE, archive, actor=LOCAL, filename="all.zip")
    assert report.committed, report.problems
    after = snapshot(filled)
    assert {k: v for k, v in after.items() if k not in ("import_log", "audit_event")} == {
        k: v for k, v in before.items() if k not in ("import_log", "audit_event")}
    # Import log: the restored line (id 1), then the restore's (id 2).
    assert after["import_log"][0] == before["import_log"][0] and after["import_log"][1][0] == 2
    # Audit trail (emptied above): the archive's one row (id 1), then the restore's own (id 2).
    assert [(r[0], r[4]) for r in after["audit_event"]] == [(1, "data.export"), (2, "data.restore")]
    assert ingest.commit(filled, "teams", b"team,department\nLater,IT\n", filename="t.csv").committed
    with filled.connect() as conn:
        assert conn.execute(select(func.max(m.ImportLog.id))).scalar_one() == 3
