"""Bulk writes of whole frames inside the caller's transaction: ``executemany`` on the SQLite
connection, ``COPY ... FROM STDIN`` on PostgreSQL.

Values go to the driver as SQLAlchemy would send them: dates as ``YYYY-MM-DD`` text (SQLAlchemy's
storage format on SQLite; PostgreSQL parses it), timestamps through the column type's own bind
processing, missing values as NULL. The statements run on the DBAPI connection of the
SQLAlchemy ``Connection``, so they belong to its transaction and roll back with it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Date, DateTime, Table, TypeDecorator, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

#: Rows converted and sent to the database at a time.
CHUNK_ROWS = 50_000
#: SQLite: rows per INSERT statement, within the parameters any SQLite version accepts.
SQLITE_ROWS_PER_INSERT = 100
SQLITE_MAX_PARAMETERS = 999
#: Page cache of a SQLite connection while it loads (KiB): rows go in key order and the
#: secondary indexes are built at the end, so a modest cache suffices.
SQLITE_LOAD_CACHE_KIB = 64 * 1024
#: SQLite settings while loading, restored afterwards: the page cache, foreign keys checked
#: once at the end (``keys_and_indexes_after``) rather than row by row, index builds sorting
#: in memory.
_LOAD_PRAGMAS = {"cache_size": -SQLITE_LOAD_CACHE_KIB, "foreign_keys": 0, "temp_store": 2}


def write_frame(conn: Connection, table: Table, frame: pd.DataFrame, *, size: int = CHUNK_ROWS) -> int:
    """Insert every row of ``frame`` (the table's columns, in any order) into ``table``.

    Parameters
    ----------
    conn
        A SQLAlchemy connection inside a transaction, on SQLite or PostgreSQL.
    table
        The target table.
    frame
        One column per column of ``table``; missing values (NaN, NaT, NA, None) become NULL.
    size
        Rows per batch.

    Returns
    -------
    int
        Rows written.
    """
    columns = list(table.columns)
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(quote(col.name) for col in columns)
    target = conn.dialect.identifier_preparer.format_table(table)
    postgres = conn.dialect.name == "postgresql"
    width = len(columns)
    row_marks = f"({', '.join('?' * width)})"
    many = max(1, min(SQLITE_ROWS_PER_INSERT, SQLITE_MAX_PARAMETERS // width))
    if postgres:
        statement = f"COPY {target} ({names}) FROM STDIN"
    else:
        statement = f"INSERT INTO {target} ({names}) VALUES {row_marks}"
        statement_many = f"INSERT INTO {target} ({names}) VALUES {', '.join([row_marks] * many)}"
    driver_error = conn.dialect.loaded_dbapi.Error
    cursor = conn.connection.driver_connection.cursor()
    try:
        for start in range(0, len(frame), size):
            part = frame.iloc[start : start + size]
            lists = [_driver_values(part[col.name], col.type, conn.dialect) for col in columns]
            if postgres:
                with cursor.copy(statement) as copy:
                    for row in zip(*lists):
                        copy.write_row(row)
                continue
            # Many rows per statement: one statement run per ``many`` rows, the rest one by one.
            flat = list(chain.from_iterable(zip(*lists)))
            step = many * width
            whole = len(flat) // step * step
            cursor.executemany(statement_many, (flat[i : i + step] for i in range(0, whole, step)))
            cursor.executemany(statement, (flat[i : i + width] for i in range(whole, len(flat), width)))
    except driver_error as exc:  # the same exception SQLAlchemy raises for its own statements
        raise DBAPIError.instance(statement, None, exc, driver_error) from exc
    finally:
        cursor.close()
    return len(frame)


@contextmanager
def load_settings(conn: Connection) -> Iterator[None]:
    """Settings for one large load on a connection outside any transaction, restored afterwards.

    SQLite: ``_LOAD_PRAGMAS`` (a ``SQLITE_LOAD_CACHE_KIB`` page cache, foreign keys off while
    ``keys_and_indexes_after`` checks them once over whole tables, temporary sort data in
    memory). A connection already inside a transaction keeps its settings (its foreign keys
    are then checked row by row, and again at the end). Nothing changes on PostgreSQL.
    """
    if conn.dialect.name != "sqlite" or conn.connection.driver_connection.in_transaction:
        yield
        return
    cursor = conn.connection.driver_connection.cursor()
    try:
        before = {name: cursor.execute(f"PRAGMA {name}").fetchone()[0] for name in _LOAD_PRAGMAS}
        for name, value in _LOAD_PRAGMAS.items():
            cursor.execute(f"PRAGMA {name} = {value}")
        try:
            yield
        finally:
            for name, value in before.items():
                cursor.execute(f"PRAGMA {name} = {int(value)}")
    finally:
        cursor.close()


@contextmanager
def keys_and_indexes_after(conn: Connection, tables: Sequence[Table]) -> Iterator[None]:
    """Put the secondary indexes and foreign keys of ``tables`` in place after the body, in bulk.

    For a load into empty tables inside the caller's transaction: one index built from all the
    rows at the end costs less than keeping it up to date row by row, and so does one check of
    each foreign key over a whole table. Unique indexes and constraints stay (duplicates are
    refused as they come in). A broken foreign key raises ``IntegrityError`` before the
    transaction commits, so a failure rolls everything back.

    SQLite: the non-unique indexes are dropped and created again; foreign keys are off for the
    load (``load_settings``) and checked with ``PRAGMA foreign_key_check`` at the end. Readers
    keep seeing the committed database meanwhile.

    PostgreSQL: the non-unique indexes and the foreign-key constraints are dropped and created
    again from their catalog definitions (same names, same definitions). Readers of these
    tables wait for the load to commit instead of seeing the old data meanwhile.
    """
    if conn.dialect.name == "postgresql":
        with _postgres_rebuilt(conn, tables):
            yield
        return
    if conn.dialect.name != "sqlite":
        yield
        return
    dropped = [index for table in tables for index in table.indexes if not index.unique]
    for index in dropped:
        index.drop(conn, checkfirst=True)
    yield
    for index in dropped:
        index.create(conn, checkfirst=True)
    _check_sqlite_foreign_keys(conn, tables)


@contextmanager
def _postgres_rebuilt(conn: Connection, tables: Sequence[Table]) -> Iterator[None]:
    names = [table.name for table in tables]
    keys = conn.execute(
        text(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(CAST(:names AS regclass[])) ORDER BY oid"
        ),
        {"names": names},
    ).all()
    indexes = conn.execute(
        text(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE NOT indisunique AND NOT indisprimary AND indrelid = ANY(CAST(:names AS regclass[])) "
            "ORDER BY indexrelid"
        ),
        {"names": names},
    ).all()
    quote = conn.dialect.identifier_preparer.quote
    for table, name, _definition in keys:
        conn.execute(text(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}"))
    for name, _definition in indexes:
        conn.execute(text(f"DROP INDEX {name}"))
    yield
    for _name, definition in indexes:
        conn.execute(text(definition))
    for table, name, definition in keys:  # each checks every row of its table at once
        conn.execute(text(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}"))


def _check_sqlite_foreign_keys(conn: Connection, tables: Sequence[Table]) -> None:
    """Raise ``IntegrityError`` for the first row of ``tables`` whose foreign key points to no row."""
    cursor = conn.connection.driver_connection.cursor()
    try:
        for table in tables:
            statement = f"PRAGMA foreign_key_check({conn.dialect.identifier_preparer.quote(table.name)})"
            bad = cursor.execute(statement).fetchone()
            if bad is not None:
                name, rowid, parent, _ = bad
                orig = conn.dialect.loaded_dbapi.IntegrityError(
                    f"FOREIGN KEY constraint failed: {name} row {rowid} points to no row of {parent}"
                )
                raise IntegrityError(statement, None, orig)
    finally:
        cursor.close()


def _driver_values(series: pd.Series, column_type: Any, dialect: Any) -> list[Any]:
    """A column as a list of plain Python values for the DBAPI; missing values as None."""
    impl = column_type.impl if isinstance(column_type, TypeDecorator) else column_type
    missing = series.isna().to_numpy()
    if missing.all():
        return [None] * len(series)
    if isinstance(impl, DateTime):
        process = column_type.dialect_impl(dialect).bind_processor(dialect) or (lambda value: value)
        stamps = series.dt.to_pydatetime()
        return [None if gap else process(value) for value, gap in zip(stamps, missing.tolist())]
    if isinstance(impl, Date):  # few distinct days: format each once
        codes, days = pd.factorize(series.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]"))
        labels = np.datetime_as_string(np.asarray(days, dtype="datetime64[D]"), unit="D").astype(object)
        values = labels[codes]
    elif isinstance(series.dtype, np.dtype) and series.dtype.kind in "iufb":
        if not missing.any():
            return series.to_numpy().tolist()
        values = np.asarray(series.to_numpy().tolist(), dtype=object)
    elif series.dtype == "str" and _repetitive(series):  # a few texts: one Python string each
        codes, texts = pd.factorize(series)
        values = np.asarray(texts, dtype=object)[codes]
    else:  # other texts and the nullable integer and boolean types
        return series.to_numpy(dtype=object, na_value=None).tolist()
    if missing.any():
        values[missing] = None
    return values.tolist()


def _repetitive(series: pd.Series, sample: int = 1000) -> bool:
    """Whether the first ``sample`` values of ``series`` repeat (at most a tenth distinct)."""
    head = series.iloc[:sample]
    return head.nunique() * 10 <= len(head)
