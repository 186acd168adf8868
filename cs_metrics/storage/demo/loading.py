"""Write the demo company into a database: one transaction, in chunks, refusing to overwrite data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Date, DateTime, TypeDecorator, delete, func, inspect, select, text
from sqlalchemy.engine import Connection, Engine

from cs_metrics.errors import DataError, SchemaError
from cs_metrics.storage import models
from cs_metrics.storage.db import DATA_TABLES, DATASET_META_KEYS
from cs_metrics.storage.demo.company import generate
from cs_metrics.storage.demo.settings import DEFAULT_CUSTOMERS, DEFAULT_SEED, check_demo_args

#: Rows per bulk insert.
CHUNK_ROWS = 25_000


def load_demo(
    engine: Engine,
    *,
    customers: int = DEFAULT_CUSTOMERS,
    seed: int = DEFAULT_SEED,
    as_of: dt.date | None = None,
    replace: bool = False,
) -> dict[str, int]:
    """Generate the demo company and write it to the database in one transaction.

    Parameters
    ----------
    engine
        A SQLAlchemy engine whose schema is at the newest revision (``db.upgrade``).
    customers, seed, as_of
        As in ``generate``.
    replace
        Delete the existing data first (every data table; health-model versions, the import
        log and ``app_meta`` keys other than the demo's are kept). Without it a database that
        already holds data is refused.

    Returns
    -------
    dict of str to int
        Rows written per table.

    Raises
    ------
    DataError
        The database already holds data and ``replace`` is False, or the arguments are invalid.
        Nothing is written in either case.
    SchemaError
        The schema has not been created.
    """
    customers, seed, as_of = check_demo_args(customers, seed, as_of)
    with engine.connect() as conn:  # fail fast, before spending time generating
        _check_schema(conn)
        if not replace:
            _refuse_if_data(conn)
    frames = generate(customers=customers, seed=seed, as_of=as_of)
    meta = {
        "dataset": "demo",
        "demo_seed": str(seed),
        "demo_customers": str(customers),
        "demo_as_of": as_of.isoformat(),
        "generated_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        if replace:
            for table in reversed(DATA_TABLES):
                conn.execute(delete(table))
        else:
            _refuse_if_data(conn)
        app_meta = models.AppMeta.__table__
        conn.execute(delete(app_meta).where(app_meta.c.key.in_(DATASET_META_KEYS)))
        conn.execute(app_meta.insert(), [{"key": k, "value": v} for k, v in meta.items()])
        for table in DATA_TABLES:
            t = table.__table__
            frame = frames[t.name]
            for rows in _chunks(frame, t):
                conn.execute(t.insert(), rows)
            counts[t.name] = len(frame)
        if conn.dialect.name == "postgresql":
            for table in DATA_TABLES:
                name = table.__tablename__
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {name}"
                    )
                )
    return counts


def _python_values(series: pd.Series, column_type: Any) -> list[Any]:
    """A column as Python values for the DBAPI: dates as ``date``, missing as None."""
    missing = series.isna().to_numpy()
    if missing.all():
        return [None] * len(series)
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl
    if isinstance(column_type, DateTime):
        values = np.asarray(series.dt.to_pydatetime(), dtype=object)
    elif isinstance(column_type, Date):
        values = np.asarray(series.dt.date, dtype=object)
    elif series.dtype.kind in "iub" and not missing.any():
        return series.tolist()
    else:
        values = series.astype(object).to_numpy()
    if missing.any():
        values = values.copy()
        values[missing] = None
    return values.tolist()


def _chunks(frame: pd.DataFrame, table: Any, size: int = CHUNK_ROWS) -> Iterator[list[dict[str, Any]]]:
    """The rows of ``frame`` as lists of at most ``size`` dicts, ready for ``insert``."""
    columns = [col.name for col in table.columns]
    types = {col.name: col.type for col in table.columns}
    for start in range(0, len(frame), size):
        part = frame.iloc[start : start + size]
        lists = [_python_values(part[name], types[name]) for name in columns]
        yield [dict(zip(columns, row)) for row in zip(*lists)]


def _check_schema(conn: Connection) -> None:
    existing = set(inspect(conn).get_table_names())
    missing = [t.__tablename__ for t in models.TABLES_IN_ORDER if t.__tablename__ not in existing]
    if missing:
        raise SchemaError(
            f"The database has no table {missing[0]!r} (and {len(missing) - 1} more missing). "
            "Create the schema first with cs_metrics.storage.db.upgrade(engine)."
        )


def _refuse_if_data(conn: Connection) -> None:
    present = [
        table.__tablename__
        for table in DATA_TABLES
        if conn.execute(select(table.__table__.c.id).limit(1)).first() is not None
    ]
    if present:
        customers = conn.execute(select(func.count()).select_from(models.Customer.__table__)).scalar_one()
        held = f"{customers:,} customers" if customers else f"rows in {present[0]}"
        raise DataError(
            f"The database already holds data ({held}). Load the demo with replace=True "
            "(command line: --replace) to delete it first, or clear the data on the Data page. "
            "Nothing was changed."
        )
