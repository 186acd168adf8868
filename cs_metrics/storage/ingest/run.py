"""Running an import: read, map, check, then write everything or nothing.

A dry run (``dry_run``) only reads, and counts what a commit would insert, update and leave as
it is. A commit (``commit``) checks the file again inside one transaction and writes everything
or nothing; each commit adds a line to ``import_log``. With ``add_new_values``, values that the
company's vocabularies do not hold yet are added in the same transaction instead of being problems.

Commits run one at a time per database: on PostgreSQL the transaction first takes an advisory lock
(``IMPORT_LOCK_KEY``), on SQLite the write lock (``BEGIN IMMEDIATE``). A commit waits up to
``IMPORT_LOCK_WAIT_SECONDS`` for the one before it, then compares the file with what that one stored,
so the same file imported twice, one after the other or at the same time, stores its rows once. A
commit that waited in vain writes nothing and reports ``IMPORT_BUSY``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from cs_metrics.errors import DataError
from cs_metrics.i18n import _
from cs_metrics.storage import models as m
from cs_metrics.storage.db import STATISTICS_AFTER_ROWS, refresh_statistics
from cs_metrics.storage.entities import ENTITIES
from cs_metrics.storage.ingest.archive import ARCHIVE, import_archive
from cs_metrics.storage.ingest.history import log_import
from cs_metrics.storage.ingest.lock import IMPORT_BUSY, ImportBusy, import_transaction
from cs_metrics.storage.ingest.plan import PLANS
from cs_metrics.storage.ingest.readers import MAX_FILE_BYTES, read_table
from cs_metrics.storage.ingest.report import ImportReport, shorten
from cs_metrics.storage.ingest.rules import apply_mapping, effective_mapping, sources
from cs_metrics.storage.ingest.upsert import diff, upsert
from cs_metrics.storage.ingest.values import parse_table
from cs_metrics.storage.ingest.vocabularies import Vocabularies
from cs_metrics.storage.tables import Progress


def _customer_ids(engine: Engine, entity: str) -> frozenset[str]:
    """The stored customers' ids, for an entity whose rows name a customer (empty otherwise): ids
    that differ from a stored one only by case, and a customer column the mapping missed, are found
    with them."""
    if not any(f.name == "customer_id" for f in ENTITIES[entity].fields):
        return frozenset()
    with engine.connect() as conn:
        return frozenset(conn.execute(select(m.Customer.external_id).where(m.Customer.external_id.is_not(None)))
                         .scalars())


def preview(data: bytes, filename: str, entity: str, *, max_bytes: int = MAX_FILE_BYTES) -> tuple[list[str], ImportReport]:
    """The columns of a file and the problems found just reading it (for choosing the mapping):
    ``report.raw`` holds the cells as read, ``report.spec`` the automatic mapping and
    ``report.mapping`` the column it finds for each field.

    Example
    -------
    >>> columns, report = preview(b"Cliente;Mese;MRR\\nC1;2026-01;10\\n", "r.csv", "revenue")
    >>> columns, report.ok, report.rows
    (['Cliente', 'Mese', 'MRR'], True, 1)
    """
    report = ImportReport(entity, filename or "")
    if entity == ARCHIVE:
        return [], report
    try:
        raw = read_table(data, filename or "", report, max_bytes=max_bytes, entity=entity)
    except Exception as exc:  # the dry run reports the same file in detail
        report.add(None, None, "", _("The file could not be read ({error}).").format(error=type(exc).__name__),
                   "internal")
        return [], report
    if raw is None:
        return [], report
    report.rows = len(raw.frame)
    report.file_format = raw.file_format
    report.raw = raw.frame
    report.spec = effective_mapping(entity, list(raw.frame.columns))
    report.mapping = sources(report.spec)
    return list(raw.frame.columns), report


def dry_run(engine: Engine, entity: str, data: bytes, *, filename: str = "", mapping: Any = None,
            today: dt.date | None = None, max_bytes: int = MAX_FILE_BYTES,
            add_new_values: bool = False) -> ImportReport:
    """Read and check a file without writing anything; the report says what a commit would do.

    Parameters
    ----------
    engine
        The database the file would go into (references are checked against it).
    entity
        A key of ``ENTITIES`` (or ``"archive"`` for a whole-database export).
    data, filename
        The file's bytes and name (the extension decides CSV or XLSX).
    mapping
        Where each field comes from (``cs_metrics.storage.ingest.mapping``; an older ``{field:
        column}`` mapping too); fields left out are matched automatically.
    today
        The day after which event dates count as "in the future" (default: today).
    add_new_values
        Values the company's vocabularies lack are to be added (a note), not problems.
    """
    return _run(engine, entity, data, filename=filename, mapping=mapping, today=today, max_bytes=max_bytes,
                apply=False, add_new_values=add_new_values)


def commit(engine: Engine, entity: str, data: bytes, *, filename: str = "", mapping: Any = None,
           who: str | None = None, today: dt.date | None = None, progress: Progress | None = None,
           max_bytes: int = MAX_FILE_BYTES, replace: bool = False, add_new_values: bool = False) -> ImportReport:
    """Check the file again and, only when it has no problem, write it in one transaction.

    Returns the report; ``report.committed`` is False (and nothing was written) when the file has
    problems or the database refused the rows. ``replace`` is for archives: allow replacing data.
    With ``add_new_values``, values the company's vocabularies lack are added to them in the same
    transaction.
    """
    return _run(engine, entity, data, filename=filename, mapping=mapping, today=today, max_bytes=max_bytes,
                apply=True, who=who, progress=progress, replace=replace, add_new_values=add_new_values)


def _run(engine: Engine, entity: str, data: bytes, *, filename: str, mapping: Any,
         today: dt.date | None, max_bytes: int, apply: bool, who: str | None = None,
         progress: Progress | None = None, replace: bool = False, add_new_values: bool = False) -> ImportReport:
    """Read, map and check ``data``; with ``apply``, write it in one transaction (see ``commit``)."""
    if entity == ARCHIVE:
        return import_archive(engine, data, filename=filename, who=who, apply=apply, replace=replace,
                              progress=progress, max_bytes=max_bytes)
    report = ImportReport(entity, filename or "", dry_run=not apply)
    if entity not in ENTITIES:
        report.add(None, None, entity, _("Unknown entity {entity}; use one of {entities}.").format(
            entity=repr(entity), entities=", ".join(ENTITIES)), "file")
        return report
    today = today or dt.date.today()
    try:
        raw = read_table(data, filename or "", report, max_bytes=max_bytes, entity=entity)
        if raw is None:
            return report
        report.raw = raw.frame
        report.rows = len(raw.frame)
        report.file_format = raw.file_format
        try:
            cells = apply_mapping(entity, raw, mapping, report, customer_ids=_customer_ids(engine, entity))
        except DataError as exc:
            report.add(None, None, "", f"{exc}", "mapping")
            return report
        if cells is None:
            return report
        # File-level problems found so far (formulas, ragged rows) are listed with the value checks.
        vocabularies = Vocabularies.load(engine)
        parsed = parse_table(entity, cells, report, today, vocabularies)
        vocabularies.report_new(report, add=add_new_values)
        if progress:
            progress(0.0, _("checking references"))
        context = import_transaction(engine) if apply else engine.connect()
        with context as conn:
            writes, defaults = PLANS[entity](conn, parsed, report)
            if not report.ok:
                if apply:
                    conn.rollback()
                return report
            if apply and add_new_values:
                vocabularies.add_new(conn)
            if not apply:
                for table, rows, key in writes.steps:
                    ins, upd, same = diff(conn, table, rows, key)
                    report.inserted += len(ins)
                    report.updated += len(upd)
                    report.unchanged += same
                if writes.custom:
                    writes.custom(conn, report, None, False)
                return report
            for table, rows, key in writes.steps:
                upsert(conn, table, rows, key, report, progress, defaults)
            if writes.custom:
                writes.custom(conn, report, progress, True)
            log_import(conn, entity, filename, inserted=report.inserted, updated=report.updated, who=who)
        report.committed = True
        written = tuple(getattr(table, "__tablename__", None) or table.name for table, _, _ in writes.steps)
        report.dry_run = False
        if progress:
            progress(1.0, _("done"))
    except ImportBusy:
        report.inserted = report.updated = report.unchanged = 0
        report.add(None, None, "", _(IMPORT_BUSY), "database")
    except DataError as exc:  # e.g. SQLite still locked by another write
        report.inserted = report.updated = report.unchanged = 0
        report.add(None, None, "", _("{error} Nothing was written.").format(error=exc), "database")
    except SQLAlchemyError as exc:
        report.inserted = report.updated = report.unchanged = 0
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:300]
        report.add(None, None, "", _("The database refused the rows ({reason}). Nothing was written; check the "
                   "file again (another person may have changed the data meanwhile).").format(reason=reason),
                   "database")
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:  # a file shaped in a way no rule foresaw: say so, write nothing
        report.inserted = report.updated = report.unchanged = 0
        report.add(None, None, "", _("The file could not be read ({error}). Nothing was written; save it again "
                   "as CSV UTF-8 with a header row.").format(error=f"{type(exc).__name__}: {shorten(exc, 200)}"),
                   "internal")
    if report.committed and report.inserted + report.updated >= STATISTICS_AFTER_ROWS:
        refresh_statistics(engine, written)  # after the commit, on its own: the planner sees the new rows
    return report
