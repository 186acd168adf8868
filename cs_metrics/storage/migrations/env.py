"""Alembic environment: runs migrations on the connection handed over by ``cs_metrics.storage.db``."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import cs_metrics.storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from cs_metrics.storage.db import make_engine

        with make_engine(config.get_main_option("sqlalchemy.url") or None).begin() as conn:
            _run(conn)
    else:
        _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite needs batch mode to alter tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
