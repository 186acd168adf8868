"""Upserts: rows whose key is already stored are updated (only where a value differs), the others
inserted, in chunks; a second import of the same rows changes nothing."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from cs_metrics.i18n import _, formats
from cs_metrics.storage.ingest.report import ImportReport
from cs_metrics.storage.tables import Progress, column_default

#: Rows written per statement; progress is reported after each chunk.
CHUNK_ROWS = 5_000


def existing_rows(conn: Connection, table: Any, rows: list[dict[str, Any]], key: tuple[str, ...],
                  columns: Sequence[str] = ()) -> dict[tuple, tuple]:
    """Stored rows whose key appears in ``rows``: key -> (id, *columns)."""
    if not rows:
        return {}
    t = table.__table__
    wanted = {tuple(r.get(k) for k in key) for r in rows}
    cols = [t.c.id, *[t.c[k] for k in key], *[t.c[c] for c in columns]]
    out: dict[tuple, tuple] = {}
    first = key[0]
    firsts = list({w[0] for w in wanted})
    stmt = select(*cols)
    chunks: list[Any] = [None] if None in firsts or len(firsts) > 50_000 else [
        firsts[i:i + 20_000] for i in range(0, len(firsts), 20_000)]
    for chunk in chunks:
        s = stmt if chunk is None else stmt.where(t.c[first].in_(chunk))
        for rec in conn.execute(s):
            k = tuple(rec[1:1 + len(key)])
            if k in wanted:
                out[k] = (rec[0], *rec[1 + len(key):])
    return out


def _same(a: Any, b: Any) -> bool:
    """A value from the file equals the stored one (NaN equals NaN; a naive timestamp is UTC)."""
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        if a.tzinfo is None:
            a = a.replace(tzinfo=dt.UTC)
        if b.tzinfo is None:
            b = b.replace(tzinfo=dt.UTC)
    return a == b


def diff(conn: Connection, table: Any, rows: list[dict[str, Any]],
         key: tuple[str, ...]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """Split rows into (inserts, updates with ``_id``, count unchanged), comparing them with the
    stored rows of ``table`` that have the same ``key``."""
    if not rows:
        return [], [], 0
    columns = sorted({c for r in rows for c in r if c not in key and not c.startswith("_")})
    required = {c.name for c in table.__table__.columns if not c.nullable}
    existing = existing_rows(conn, table, rows, key, columns)
    inserts, updates, same = [], [], 0
    for r in rows:
        k = tuple(r.get(c) for c in key)
        stored = existing.get(k)
        if stored is None:
            inserts.append(r)
            continue
        changed = {c: r[c] for c, old in zip(columns, stored[1:])
                   if c in r and not (r[c] is None and c in required) and not _same(r[c], old)}
        if changed:
            updates.append({**r, "_id": stored[0]})
        else:
            same += 1
    return inserts, updates, same


def upsert(conn: Connection, table: Any, rows: list[dict[str, Any]], key: tuple[str, ...],
           report: ImportReport | None, progress: Progress | None, defaults: dict[str, Any] | None = None) -> None:
    """Insert the new ``rows`` and update the changed ones (by ``key``), counting them in ``report``.

    An empty value fills in the column's ``defaults`` (then the model's default) on insert; on
    update it leaves a required stored value as it is.
    """
    inserts, updates, same = diff(conn, table, rows, key)
    t = table.__table__
    required = {c.name for c in t.columns if not c.nullable}
    # An empty optional cell never blanks a stored value the table requires: it keeps it.
    updates = [{c: val for c, val in u.items() if val is not None or c not in required} for u in updates]
    total = max(len(inserts) + len(updates), 1)
    done = 0
    if inserts:
        columns = [c.name for c in t.columns if c.name != "id"]
        fill = {c.name: column_default(table, c.name) for c in t.columns if c.name != "id"}
        fill.update(defaults or {})
        for start in range(0, len(inserts), CHUNK_ROWS):
            chunk = [{c: (r[c] if r.get(c) is not None else fill.get(c)) for c in columns}
                     for r in inserts[start:start + CHUNK_ROWS]]
            conn.execute(t.insert(), chunk)
            done += len(chunk)
            if progress:
                progress(done / total, _writing(done, total))
    if updates:
        by_columns: dict[tuple, list] = {}
        for u in updates:
            cols = tuple(sorted(c for c in u if c != "_id" and c not in key and c != "id"))
            by_columns.setdefault(cols, []).append(u)
        for cols, group in by_columns.items():
            stmt = update(t).where(t.c.id == bindparam("_id")).values({c: bindparam(c) for c in cols})
            for start in range(0, len(group), CHUNK_ROWS):
                chunk = [{"_id": u["_id"], **{c: u[c] for c in cols}} for u in group[start:start + CHUNK_ROWS]]
                conn.execute(stmt, chunk)
                done += len(chunk)
                if progress:
                    progress(done / total, _writing(done, total))
    if report is not None:
        report.inserted += len(inserts)
        report.updated += len(updates)
        report.unchanged += same


def _writing(done: int, total: int) -> str:
    """The progress message of a write, in the reader's language."""
    return _("writing rows {n} of {total}").format(n=formats.decimal(done), total=formats.decimal(total))
