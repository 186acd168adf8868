"""One import at a time per database: the lock every commit and restore takes first.

On PostgreSQL the transaction takes an advisory lock (``IMPORT_LOCK_KEY``), on SQLite the write
lock (``BEGIN IMMEDIATE``). A writer waits up to ``IMPORT_LOCK_WAIT_SECONDS`` for a running one,
then gives up with ``ImportBusy`` (the report says ``IMPORT_BUSY``); nothing is written then.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from cs_metrics.errors import DataError
from cs_metrics.i18n import N_
from cs_metrics.storage import db

#: The PostgreSQL advisory lock an import holds while it writes (one import at a time per database).
IMPORT_LOCK_KEY = 0x4F49_494D  # "OIIM"
#: How long a commit waits for a running import before reporting ``IMPORT_BUSY``.
IMPORT_LOCK_WAIT_SECONDS = 30.0
IMPORT_BUSY = N_("Another import is running; try again in a minute.")


class ImportBusy(Exception):
    """Another import held the lock for longer than ``IMPORT_LOCK_WAIT_SECONDS``."""


def take_import_lock(conn: Connection) -> None:
    """Start ``conn``'s transaction holding the import lock; ``ImportBusy`` when it stays taken."""
    wait = max(float(IMPORT_LOCK_WAIT_SECONDS), 0.0)
    if conn.dialect.name == "postgresql":
        deadline = time.monotonic() + wait
        lock = text("SELECT pg_try_advisory_xact_lock(:key)")
        while not conn.execute(lock, {"key": IMPORT_LOCK_KEY}).scalar_one():
            if time.monotonic() >= deadline:
                raise ImportBusy
            time.sleep(0.05)
        return
    conn.exec_driver_sql(f"PRAGMA busy_timeout={int(wait * 1000)}")
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    except (DataError, OperationalError) as exc:
        if "locked" in str(getattr(exc, "orig", None) or exc) or isinstance(exc, DataError):
            raise ImportBusy from None
        raise
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={int(db.SQLITE_BUSY_TIMEOUT_MS)}")


@contextmanager
def import_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction holding the import lock from its first statement; committed on success."""
    with engine.connect() as conn:
        take_import_lock(conn)
        try:
            yield conn
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
