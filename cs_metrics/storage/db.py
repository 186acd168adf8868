"""Engine, schema migrations, dataset facts and clearing the data.

``DATABASE_URL`` selects the database. Without it the app uses the embedded SQLite file
``data/outside_in.db`` inside the project. PostgreSQL URLs (``postgresql+psycopg://...`` or plain
``postgresql://...``) are the shared, multi-user deployment.

Schema changes are Alembic revisions in ``cs_metrics/storage/migrations/versions``. ``upgrade``
brings any older database to the newest revision and refuses (changing nothing) a database whose
revision this code does not know, i.e. one written by a newer Outside In.

Preparing the database for the app (and loading the demo company into a new one) is
``cs_metrics.storage.setup``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import delete, event, func, inspect, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from cs_metrics.default_health_model import DEFAULT_MODEL
from cs_metrics.errors import ConfigurationError, SchemaError
from cs_metrics.storage import models
from cs_metrics.storage.vocabulary import seed_vocabulary

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_PATH = ROOT / "data" / "outside_in.db"
DEFAULT_DATABASE_URL = f"sqlite:///{DEFAULT_DATABASE_PATH}"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

#: Tables holding configuration rather than data: clearing the data keeps them.
CONFIG_TABLES = (models.HealthModel, models.ImportLog, models.VocabularyTerm)
#: ``app_meta`` keys that describe the loaded dataset (removed when data is cleared).
DATASET_META_KEYS = ("dataset", "demo_seed", "demo_customers", "demo_as_of", "generated_at")
#: Tables holding data, in insert order: everything but the configuration tables and ``app_meta``.
#: Clearing the data, and loading the demo with ``replace``, empties exactly these.
DATA_TABLES = tuple(t for t in models.TABLES_IN_ORDER if t not in CONFIG_TABLES and t is not models.AppMeta)


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else ``$DATABASE_URL``, else the embedded SQLite file."""
    return url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def safe_url(url: str) -> str:
    """The URL with any password masked, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for ``url`` (see ``database_url``), validating it first.

    Raises
    ------
    ConfigurationError
        The URL is malformed, names an unsupported database, or its driver is not installed.
    """
    raw = database_url(url)
    try:
        parsed = make_url(raw)
    except ArgumentError:
        raise ConfigurationError(
            f"DATABASE_URL is not a database URL: {raw!r}. Use for example "
            "'sqlite:///data/outside_in.db' or 'postgresql+psycopg://user@host:5432/dbname'."
        ) from None
    backend = parsed.get_backend_name()
    if backend == "postgresql" and parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if backend not in ("sqlite", "postgresql"):
        raise ConfigurationError(
            f"DATABASE_URL names a {backend!r} database ({safe_url(raw)}); Outside In supports "
            "SQLite ('sqlite:///path/to/file.db') and PostgreSQL ('postgresql+psycopg://...')."
        )
    kwargs: dict = {}
    if backend == "sqlite":
        database = parsed.database or ""
        in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        if in_memory:
            kwargs["poolclass"] = StaticPool
        else:
            folder = Path(database).expanduser().resolve().parent
            if not folder.exists():
                if Path(database).expanduser().resolve() == DEFAULT_DATABASE_PATH:
                    folder.mkdir(parents=True, exist_ok=True)
                else:
                    raise ConfigurationError(
                        f"DATABASE_URL points to a SQLite file in a folder that does not exist: "
                        f"{folder}. Create the folder or fix the path."
                    )
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, NoSuchModuleError, ModuleNotFoundError, ImportError) as exc:
        raise ConfigurationError(
            f"DATABASE_URL ({safe_url(raw)}) cannot be used: {exc}. Check the driver name "
            "(postgresql+psycopg) and that requirements.txt is installed."
        ) from None
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    try:
        cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    except Exception:  # in-memory databases keep their own journal mode
        pass
    cursor.close()


def check_connection(engine: Engine) -> None:
    """Open and close one connection; raise ``ConfigurationError`` saying why it failed."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, SQLAlchemyError, OSError) as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else repr(exc)
        raise ConfigurationError(
            f"Cannot open the database in DATABASE_URL ({safe_url(str(engine.url))}): {reason}. "
            "Check that the server is running and that host, port, user and database name are right."
        ) from None


def _alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revisions() -> tuple[str, ...]:
    """The newest schema revision(s) this code knows (one per branch, normally exactly one)."""
    from alembic.script import ScriptDirectory

    return tuple(sorted(ScriptDirectory.from_config(_alembic_config()).get_heads()))


def head_revision() -> str:
    """The newest schema revision(s), comma-separated when the history has several branches."""
    return ",".join(head_revisions())


def known_revisions() -> set[str]:
    """Every schema revision this code knows."""
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def current_revisions(engine: Engine) -> tuple[str, ...]:
    """The revision(s) recorded in the database (empty for a database never migrated)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return tuple(sorted(MigrationContext.configure(conn).get_current_heads()))


def current_revision(engine: Engine) -> str | None:
    """The recorded revision(s), comma-separated; None for a database never migrated."""
    return ",".join(current_revisions(engine)) or None


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision, then seed the default health model if none.

    Raises
    ------
    SchemaError
        The database was written by a newer version (unknown revision), or it holds Outside In
        tables without a recorded revision. Nothing is changed in either case.
    """
    from alembic import command

    current = current_revisions(engine)
    unknown = [rev for rev in current if rev not in known_revisions()]
    if unknown:
        raise SchemaError(
            f"The database at {safe_url(str(engine.url))} has schema revision {unknown[0]!r}, which is "
            f"newer than this version of Outside In knows (newest known: {head_revision()!r}). "
            "Upgrade Outside In, or point DATABASE_URL at another database. Nothing was changed."
        )
    if not current:
        existing = set(inspect(engine).get_table_names())
        ours = {t.__tablename__ for t in models.TABLES_IN_ORDER}
        if existing & ours:
            raise SchemaError(
                f"The database at {safe_url(str(engine.url))} has Outside In tables "
                f"({', '.join(sorted(existing & ours)[:3])}, ...) but no schema revision, so it "
                "cannot be upgraded safely. Export its data, or use an empty database. "
                "Nothing was changed."
            )
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "heads")
    seed_default_health_model(engine)
    seed_vocabulary(engine)


def seed_default_health_model(engine: Engine) -> None:
    """Store ``cs_metrics.default_health_model.DEFAULT_MODEL`` as version 1 when no model exists yet."""
    with Session(engine) as session:
        if session.exec(select(func.count()).select_from(models.HealthModel)).one()[0]:
            return
        session.add(
            models.HealthModel(
                version=1,
                created_at=dt.datetime.now(dt.UTC),
                created_by="Outside In",
                reason="Default model: the success indicators of the domain brief.",
                definition=json.dumps(DEFAULT_MODEL),
                is_active=True,
            )
        )
        session.commit()


def is_empty(engine: Engine) -> bool:
    """True when the database holds no customers."""
    with engine.connect() as conn:
        return not conn.execute(select(func.count()).select_from(models.Customer)).scalar_one()


def dataset_meta(engine: Engine) -> dict[str, str]:
    """The ``app_meta`` facts about the loaded dataset (``DATASET_META_KEYS``: e.g. ``dataset == 'demo'``);
    the company's settings (currency) are read by ``cs_metrics.storage.vocabulary``."""
    with engine.connect() as conn:
        rows = conn.execute(select(models.AppMeta.key, models.AppMeta.value)
                            .where(models.AppMeta.key.in_(DATASET_META_KEYS))).all()
    return {key: value for key, value in rows}


def clear_data(engine: Engine) -> None:
    """Delete every data row in one transaction, keeping health-model versions and the import log."""
    with engine.begin() as conn:
        for table in reversed(DATA_TABLES):
            conn.execute(delete(table))
        conn.execute(delete(models.AppMeta).where(models.AppMeta.key.in_(DATASET_META_KEYS)))
        # Remember that the data was cleared on purpose, so the demo is not loaded again.
        conn.execute(models.AppMeta.__table__.insert().values(key="dataset", value="cleared"))


#: Imports that write at least this many rows refresh the planner's statistics of their tables.
STATISTICS_AFTER_ROWS = 10_000


def refresh_statistics(engine: Engine, tables: tuple[str, ...] | None = None) -> None:
    """Let the query planner see the tables as they are now (``ANALYZE``), after a bulk write.

    Without statistics SQLite chooses its indexes blindly, and PostgreSQL's autovacuum refreshes
    them only some time after a large load: the pages' time-window queries then take a slower
    plan. ``tables`` are table names (default: the whole database). Statistics only speed
    queries up, so a database that refuses (e.g. read-only) is left as it is.
    """
    names = [n for n in (tables or ()) if n in models.SQLModel.metadata.tables]
    try:
        with engine.begin() as conn:
            if not names:
                conn.execute(text("ANALYZE"))
            for name in names:
                conn.execute(text(f'ANALYZE "{name}"'))
    except SQLAlchemyError:
        pass


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

