"""Restoring a whole-database export: the ZIP written by ``cs_metrics.storage.export.export_zip``
read back into a database, every table replaced in one transaction."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from cs_metrics.i18n import _, formats, ngettext
from cs_metrics.storage import models as m
from cs_metrics.storage.export import DOC_FILES, read_table_csv, reset_sequences, store_default_model
from cs_metrics.storage.ingest.history import log_import
from cs_metrics.storage.ingest.lock import IMPORT_BUSY, ImportBusy, import_transaction
from cs_metrics.storage.ingest.readers import MAX_FILE_BYTES
from cs_metrics.storage.ingest.report import ImportReport, shorten
from cs_metrics.storage.ingest.upsert import CHUNK_ROWS
from cs_metrics.storage.tables import ACCESS_TABLES, AUDIT_TABLE, Progress, export_tables

#: What the command line and the page accept besides the entities: a whole-database export.
ARCHIVE = "archive"


def import_archive(engine: Engine, data: bytes, *, filename: str = "", who: str | None = None, apply: bool = True,
                   replace: bool = False, progress: Progress | None = None,
                   max_bytes: int = MAX_FILE_BYTES * 4) -> ImportReport:
    """Restore a ZIP written by ``export.export_zip``: every table replaced, in one transaction.

    A database holding data is only replaced with ``replace=True``. Tables missing from the
    archive end up empty (a default health model is stored when the archive has none). With
    ``apply=False`` nothing is written: the report says what a restore would do.
    """
    report = ImportReport(ARCHIVE, filename or "", dry_run=not apply)
    try:
        contents = _read_archive(data, filename, report, max_bytes)
        if contents is None or not report.ok:
            return report
        context = import_transaction(engine) if apply else engine.connect()
        with context as conn:
            customers = conn.execute(select(func.count()).select_from(m.Customer.__table__)).scalar_one()
            if customers and not replace:
                report.add(None, None, ngettext("{n} customer", "{n} customers", customers).format(
                    n=formats.decimal(customers)), _("The database already holds data. Restoring an export replaces "
                                                     "all of it: confirm the replacement (command line: --replace)."),
                           "database not empty")
                if apply:
                    conn.rollback()
                return report
            report.inserted = report.rows
            if not apply:
                return report
            _replace_everything(conn, contents, report, progress)
            # After the id sequences were moved past the restored ids: the line takes the next id.
            log_import(conn, ARCHIVE, filename, inserted=report.rows, updated=0, who=who)
        report.committed = True
        report.dry_run = False
    except ImportBusy:
        report.inserted = 0
        report.add(None, None, "", _(IMPORT_BUSY), "database")
    except SQLAlchemyError as exc:
        report.inserted = 0
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:300]
        report.add(None, None, "", _("The database refused the archive ({reason}). Nothing was changed.").format(
            reason=reason), "database")
    except Exception as exc:
        report.inserted = 0
        report.add(None, None, "", _("The archive could not be read ({error}). Nothing was changed.").format(
            error=f"{type(exc).__name__}: {shorten(exc, 200)}"), "internal")
    return report


def _read_archive(data: bytes, filename: str, report: ImportReport,
                  max_bytes: int) -> dict[str, list[dict[str, Any]]] | None:
    """The rows of each table file of the archive (table name -> rows); problems go to ``report``
    (None when the archive cannot be used at all)."""
    if len(data or b"") > max_bytes:
        report.add(None, None, f"{len(data) / 1e6:,.0f} MB", _("The archive is larger than {limit} MB.").format(
            limit=formats.decimal(max_bytes / 1e6)), "file too large")
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data or b""))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        report.add(None, None, filename, _("This is not a ZIP archive written by the export. Choose the .zip "
                   "file that 'Export everything' downloaded."), "wrong file type")
        return None
    tables = export_tables()
    known = {f"{t.name}.csv" for t in tables}
    for name in sorted(names - known - set(DOC_FILES)):
        report.add(None, None, name, _("This file is not a table this version of Outside In knows; it was left "
                   "out of the check. Remove it from the archive."), "unknown table")
    if not names & known:
        report.add(None, None, filename, _("The archive holds none of the expected table files ({files}, "
                   "...).").format(files=", ".join(sorted(known)[:4])), "wrong file type")
        return None
    contents: dict[str, list[dict[str, Any]]] = {}
    for table in tables:
        name = f"{table.name}.csv"
        if name not in names:
            continue
        rows = read_table_csv(table, archive.read(name), report)
        contents[table.name] = rows
        report.rows += len(rows)
    return contents


def _replace_everything(conn: Connection, contents: dict[str, list[dict[str, Any]]], report: ImportReport,
                        progress: Progress | None) -> None:
    """Delete every row of every table, then insert the archive's rows with their ids.

    The audit trail is not replaced: the archive's rows that it does not hold yet (same time,
    person, action and records) are appended. People are replaced only when the archive has them.
    """
    tables = [t for t in export_tables() if t.name != AUDIT_TABLE
              and (t.name not in ACCESS_TABLES or contents.get("person"))]
    for table in reversed(tables):
        conn.execute(delete(table))
    done = 0
    _merge_audit(conn, contents.get(AUDIT_TABLE, []))
    for table in tables:
        rows = contents.get(table.name, [])
        for start in range(0, len(rows), CHUNK_ROWS):
            conn.execute(table.insert(), rows[start:start + CHUNK_ROWS])
            done += len(rows[start:start + CHUNK_ROWS])
            if progress:
                progress(done / max(report.rows, 1), _("writing rows {n} of {total}").format(
                    n=formats.decimal(done), total=formats.decimal(report.rows)))
    if not contents.get(m.HealthModel.__tablename__):
        store_default_model(conn)
    reset_sequences(conn, tables)


def _merge_audit(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Append the archive's audit rows that the trail lacks (new ids: the trail keeps its own)."""
    if not rows:
        return
    t = m.AuditEvent.__table__

    def key(row: Any) -> tuple:
        at = row["at"]
        return (at.replace(tzinfo=None) if at is not None else None, row["actor"], row["action"], row["records"])

    held = {key(r._mapping) for r in conn.execute(select(t.c.at, t.c.actor, t.c.action, t.c.records))}
    new = [{k: v for k, v in r.items() if k != "id"} for r in sorted(rows, key=lambda r: (r["at"], r.get("id") or 0))
           if key(r) not in held]
    for start in range(0, len(new), CHUNK_ROWS):
        conn.execute(t.insert(), new[start:start + CHUNK_ROWS])
