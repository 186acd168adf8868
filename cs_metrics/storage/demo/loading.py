"""Write the demo company into a database: one transaction, in bulk, refusing to overwrite data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, inspect, select, text
from sqlalchemy.engine import Connection, Engine

from cs_metrics.errors import DataError, SchemaError
from cs_metrics.i18n import _, formats
from cs_metrics.storage import models
from cs_metrics.storage.db import DATA_TABLES, DATASET_META_KEYS, refresh_statistics
from cs_metrics.storage.demo.bulk import (
    keys_and_indexes_after,
    load_settings,
    write_frame,
)
from cs_metrics.storage.demo.company import company_tables
from cs_metrics.storage.demo.settings import DEFAULT_SEED, check_demo_args, check_volume


def load_demo(
    engine: Engine,
    *,
    customers: int | None = None,
    seed: int = DEFAULT_SEED,
    as_of: dt.date | None = None,
    replace: bool = False,
    size: str | None = None,
    established: float | None = None,
    nps_per_customer: float | None = None,
    meetings: int | None = None,
    health_months: int | None = None,
) -> dict[str, int]:
    """Generate the demo company and write it to the database in one transaction.

    Parameters
    ----------
    engine
        A SQLAlchemy engine whose schema is at the newest revision (``db.upgrade``).
    customers, seed, as_of, size, established, nps_per_customer, meetings, health_months
        As in ``generate``.
    replace
        Delete the existing data first (every data table; health-model versions, the import
        log and ``app_meta`` keys other than the demo's are kept). Without it a database that
        already holds data is refused.

    Returns
    -------
    dict of str to int
        Rows written per table of the demo company, in insert order (data tables the demo
        does not fill are emptied by ``replace`` and left out).

    Raises
    ------
    DataError
        The database already holds data and ``replace`` is False, or the arguments are invalid.
        Nothing is written in either case.
    SchemaError
        The schema has not been created.
    """
    chosen, volume = check_volume(
        size, customers=customers, established=established, nps_per_customer=nps_per_customer,
        meetings=meetings, health_months=health_months,
    )
    customers, seed, as_of = check_demo_args(chosen, seed, as_of)
    with engine.connect() as conn:  # fail fast, before spending time generating
        _check_schema(conn)
        if not replace:
            _refuse_if_data(conn)
    meta = {
        "dataset": "demo",
        "demo_seed": str(seed),
        "demo_customers": str(customers),
        "demo_as_of": as_of.isoformat(),
        "generated_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }
    written: dict[str, int] = {}
    with engine.connect() as conn, load_settings(conn), conn.begin():
        if replace:
            for table in reversed(DATA_TABLES):
                conn.execute(delete(table))
        else:
            _refuse_if_data(conn)
        app_meta = models.AppMeta.__table__
        conn.execute(delete(app_meta).where(app_meta.c.key.in_(DATASET_META_KEYS)))
        conn.execute(app_meta.insert(), [{"key": k, "value": v} for k, v in meta.items()])
        # Each table is written as soon as it is generated and then let go, which keeps the
        # memory of a large company to about one table at a time.
        tables = [table.__table__ for table in DATA_TABLES]
        with keys_and_indexes_after(conn, tables):
            for name, frame in company_tables(customers, seed, as_of, volume):
                written[name] = write_frame(conn, _TABLES[name], frame)
                del frame
        if conn.dialect.name == "postgresql":
            for table in DATA_TABLES:
                name = table.__tablename__
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {name}"
                    )
                )
    refresh_statistics(engine)
    return {t.__tablename__: written[t.__tablename__] for t in DATA_TABLES if t.__tablename__ in written}


_TABLES = {t.__tablename__: t.__table__ for t in models.TABLES_IN_ORDER}


def _check_schema(conn: Connection) -> None:
    existing = set(inspect(conn).get_table_names())
    missing = [t.__tablename__ for t in models.TABLES_IN_ORDER if t.__tablename__ not in existing]
    if missing:
        raise SchemaError(
            _("The database has no table {table} (and {n} more missing). Create the schema first with "
              "cs_metrics.storage.db.upgrade(engine).").format(table=repr(missing[0]), n=len(missing) - 1)
        )


def _refuse_if_data(conn: Connection) -> None:
    present = [
        table.__tablename__
        for table in DATA_TABLES
        if conn.execute(select(table.__table__.c.id).limit(1)).first() is not None
    ]
    if present:
        customers = conn.execute(select(func.count()).select_from(models.Customer.__table__)).scalar_one()
        held = (_("{n} customers").format(n=formats.decimal(customers)) if customers
                else _("rows in {table}").format(table=present[0]))
        raise DataError(
            _("The database already holds data ({held}). Load the demo with replace=True (command line: "
              "--replace) to delete it first, or clear the data on the Data page. Nothing was changed.").format(
                held=held)
        )
