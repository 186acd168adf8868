"""The import log: one line per committed import (entity files and whole archives)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from cs_metrics.storage import models as m
from cs_metrics.storage.ingest.report import shorten


def log_import(conn: Connection, entity: str, filename: str, *, inserted: int, updated: int,
               who: str | None) -> None:
    """Add the line of one import to ``import_log``, inside the import's own transaction."""
    conn.execute(m.ImportLog.__table__.insert().values(
        at=dt.datetime.now(dt.UTC), entity=entity, source_file=shorten(filename or "(no name)", 300),
        inserted=inserted, updated=updated, who=shorten(who, 120) if who else None))


def import_history(engine: Engine, *, limit: int = 20) -> pd.DataFrame:
    """The latest committed imports: ``at``, ``entity``, ``source_file``, ``inserted``, ``updated``, ``who``."""
    t = m.ImportLog.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.at, t.c.entity, t.c.source_file, t.c.inserted, t.c.updated, t.c.who)
                            .order_by(t.c.at.desc(), t.c.id.desc()).limit(limit)).all()
    return pd.DataFrame(rows, columns=["at", "entity", "source_file", "inserted", "updated", "who"])
