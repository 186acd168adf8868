"""Engine, schema migrations, dataset facts and clearing the data.

``DATABASE_URL`` selects the database. Without it the app uses the embedded SQLite file
``data/outside_in.db`` inside the project. PostgreSQL URLs (``postgresql+psycopg://...``, or plain
``postgresql://...`` and ``postgres://...`` as hosting platforms give them, which mean the same) are
the shared, multi-user deployment.

Outside In keeps its tables in a database of its own: a database holding another application's
tables is refused, never written to.

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
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import delete, event, func, inspect, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from cs_metrics.default_health_model import DEFAULT_MODEL
from cs_metrics.errors import ConfigurationError, DataError, SchemaError
from cs_metrics.i18n import N_, _, ngettext
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


#: Query parameters whose values are secrets (compared in lower case), masked by ``safe_url``.
SECRET_QUERY_KEYS = frozenset({"password", "sslpassword", "pass", "passwd", "pwd", "secret", "token",
                               "access_token", "auth_token", "api_key", "apikey"})
_MASK = "***"
_SENTINEL = "xOutsideInMaskedx"  # letters only, so URL rendering leaves it as it is
_USERINFO_PASSWORD = re.compile(r"(://[^:/@?#\s]*:)[^@/?#\s]*@")


def _is_secret_key(key: str) -> bool:
    key = key.lower()
    return key in SECRET_QUERY_KEYS or "password" in key or "secret" in key


def _mask_text(url: str) -> str:
    """Mask ``user:password@`` and secret query values in text that is not a parseable URL."""
    masked = _USERINFO_PASSWORD.sub(rf"\1{_MASK}@", url)
    return re.sub(r"([?&;]\s*)([^=&;?#\s]+)=([^&;#\s]*)",
                  lambda m: f"{m[1]}{m[2]}={_MASK if _is_secret_key(m[2]) else m[3]}", masked)


def safe_url(url: str) -> str:
    """The URL with its secrets masked, for messages: the password of ``user:password@`` and the
    values of secret query parameters (``?password=...``, ``?sslpassword=...``)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return _mask_text(url)
    query = {key: (_SENTINEL if _is_secret_key(key) else value) for key, value in parsed.query.items()}
    return parsed.set(query=query).render_as_string(hide_password=True).replace(_SENTINEL, _MASK)


def _normalised_driver(drivername: str) -> str:
    """``postgres`` and ``postgresql`` (no driver, or the ``postgres`` spelling) mean psycopg 3."""
    dialect, _plus, driver = drivername.partition("+")
    if dialect in ("postgres", "postgresql"):
        return f"postgresql+{driver or 'psycopg'}"
    return drivername


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
            _("DATABASE_URL is not a database URL: {url}. Use for example 'sqlite:///data/outside_in.db' or "
              "'postgresql+psycopg://user@host:5432/dbname'.").format(url=repr(safe_url(raw)))
        ) from None
    except ValueError:  # the only number in a URL is the port
        port = re.search(r"://(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*):([^/?#]*)", raw)
        raise ConfigurationError(
            _("DATABASE_URL has a port that is not a number ({port}) in {url}. Write the port as digits after "
              "the host, e.g. 'postgresql+psycopg://user@host:5432/dbname', or leave it out for the default "
              "5432.").format(port=repr(port[1] if port else "?"), url=safe_url(raw))
        ) from None
    parsed = parsed.set(drivername=_normalised_driver(parsed.drivername))
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ConfigurationError(
            _("DATABASE_URL names a {backend} database ({url}); Outside In supports SQLite "
              "('sqlite:///path/to/file.db') and PostgreSQL ('postgresql+psycopg://...').").format(
                backend=repr(backend), url=safe_url(raw))
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
                        _("DATABASE_URL points to a SQLite file in a folder that does not exist: {folder}. "
                          "Create the folder or fix the path.").format(folder=folder)
                    )
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, NoSuchModuleError, ModuleNotFoundError, ImportError) as exc:
        raise ConfigurationError(
            _("DATABASE_URL ({url}) cannot be used: {error}. Check the driver name (postgresql+psycopg) and "
              "that requirements.txt is installed.").format(url=safe_url(raw), error=exc)
        ) from None
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "handle_error", _sqlite_busy)
    return engine


#: How long a SQLite write waits for another connection's write to finish before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: What a SQLite write that waited in vain raises (a ``DataError``, which pages show as it is).
SQLITE_BUSY_MESSAGE = N_("Another write is running (for example a large import), so this change was not saved. "
                         "Try again in a minute.")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Foreign keys on; a write waits up to ``SQLITE_BUSY_TIMEOUT_MS`` for another one; file databases
    use write-ahead logging, so readers never wait for the writer nor block it."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_MS)}")
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    except Exception:  # in-memory databases keep their own journal mode
        pass
    cursor.close()


def _sqlite_busy(context) -> None:
    """A write that still found the database locked after the busy timeout raises a ``DataError``
    saying another write is running, instead of SQLite's bare "database is locked"."""
    original = context.original_exception
    if isinstance(original, sqlite3.OperationalError) and "database is locked" in str(original):
        raise DataError(_(SQLITE_BUSY_MESSAGE)) from original


def _reason(exc: BaseException) -> str:
    """The first line of the driver's message (without SQLAlchemy's SQL and background link)."""
    message = str(getattr(exc, "orig", None) or exc).strip()
    return message.splitlines()[0] if message else repr(exc)


def check_connection(engine: Engine) -> None:
    """Open one connection and, for SQLite, check that the file is an intact database.

    Raises
    ------
    ConfigurationError
        The database cannot be opened (server down, wrong host, port, user or database name), or
        the SQLite file is not a database at all.
    SchemaError
        The SQLite file is a damaged database (a truncated file, corrupted pages).
    """
    if engine.dialect.name == "sqlite":
        _check_sqlite_file(engine)
        return
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, SQLAlchemyError, OSError) as exc:
        raise ConfigurationError(
            _("Cannot open the database in DATABASE_URL ({url}): {reason}. Check that the server is running "
              "and that host, port, user and database name are right.").format(
                url=safe_url(str(engine.url)), reason=_reason(exc))
        ) from None


#: SQLite's messages for a file that is not a SQLite database at all.
_NOT_A_DATABASE = ("file is not a database", "file is encrypted")


def _sqlite_problems(cursor) -> list[str]:
    cursor.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return [row[0] for row in cursor.execute("PRAGMA quick_check(3)").fetchall()]


def _check_sqlite_file(engine: Engine) -> None:
    """Read the schema and run ``PRAGMA quick_check`` (every page once; about 0.15 s per 100 MB).

    An existing file is checked through a read-only connection of its own, so that a file that
    turns out to be unusable is left exactly as it was (the engine's connections switch it to WAL).
    """
    where = safe_url(str(engine.url))
    database = engine.url.database or ""
    path = Path(database).expanduser()
    problems: list[str] | None = None
    reason = ""
    if database and not database.startswith("file:") and database != ":memory:" and path.is_file():
        try:
            raw = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
            try:
                problems = _sqlite_problems(raw.cursor())
            finally:
                raw.close()
        except sqlite3.DatabaseError as exc:  # includes OperationalError
            reason = _reason(exc)
            if not any(words in reason for words in (*_NOT_A_DATABASE, "malformed", "corrupt")):
                reason = ""  # e.g. no right to read it: the engine's own connection says why below
    if problems is None and not reason:
        try:
            with engine.connect() as conn:
                problems = _sqlite_problems(conn.connection.cursor())
        except (DatabaseError, sqlite3.DatabaseError) as exc:
            reason = _reason(exc)
    if reason:
        if any(words in reason for words in _NOT_A_DATABASE):
            raise ConfigurationError(
                _("DATABASE_URL ({url}) points to a file that is not a SQLite database ({reason}). Point "
                  "DATABASE_URL at an Outside In database file, or at a new file name to start a new database. "
                  "The file was not changed.").format(url=where, reason=reason)
            ) from None
        if "malformed" not in reason and "corrupt" not in reason:
            raise ConfigurationError(
                _("Cannot open the SQLite database in DATABASE_URL ({url}): {reason}. Check that the path "
                  "names a file (not a folder) that this user may read and write.").format(url=where, reason=reason)
            ) from None
        problems = [reason]
    if problems != ["ok"]:
        raise SchemaError(
            _("The SQLite database in DATABASE_URL ({url}) is damaged: {problem}. Restore the file from a "
              "backup (or try the sqlite3 shell's '.recover'), or point DATABASE_URL at a new file name to "
              "start a new database.").format(url=where, problem=problems[0])
        )


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


def check_upgradable(engine: Engine) -> None:
    """Raise ``SchemaError`` when ``upgrade`` would refuse the database (see there); change nothing."""
    current = current_revisions(engine)
    unknown = [rev for rev in current if rev not in known_revisions()]
    where = safe_url(str(engine.url))
    ours = {t.__tablename__ for t in models.TABLES_IN_ORDER}
    if unknown or not current:
        inspector = inspect(engine)
        existing = ((set(inspector.get_table_names()) | set(inspector.get_view_names()))
                    - {"alembic_version"} - _extension_relations(engine))
        foreign = sorted(existing - ours)
        listed = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
    if unknown and not existing & ours:
        raise SchemaError(
            _("The database in DATABASE_URL ({url}) belongs to another application: it has schema revision "
              "{revision}, which is not Outside In's, and tables ({tables}) that are not Outside In's. Point "
              "DATABASE_URL at an empty database or a new SQLite file. Nothing was changed.").format(
                url=where, revision=repr(unknown[0]), tables=listed or _("none"))
        )
    if unknown:
        raise SchemaError(
            _("The database at {url} has schema revision {revision}, which is newer than this version of "
              "Outside In knows (newest known: {newest}). Upgrade Outside In, or point DATABASE_URL at another "
              "database. Nothing was changed.").format(url=where, revision=repr(unknown[0]),
                                                       newest=repr(head_revision()))
        )
    if not current:
        if existing & ours:
            raise SchemaError(
                _("The database at {url} has Outside In tables ({tables}, ...) but no schema revision, so it "
                  "cannot be upgraded safely. Export its data, or use an empty database. Nothing was "
                  "changed.").format(url=where, tables=", ".join(sorted(existing & ours)[:3]))
            )
        if foreign:
            raise SchemaError(ngettext(
                "The database in DATABASE_URL ({url}) already holds {n} table of another application "
                "({tables}). Outside In does not add its tables to another application's database: point "
                "DATABASE_URL at an empty database or a new SQLite file. Nothing was changed.",
                "The database in DATABASE_URL ({url}) already holds {n} tables of another application "
                "({tables}). Outside In does not add its tables to another application's database: point "
                "DATABASE_URL at an empty database or a new SQLite file. Nothing was changed.",
                len(foreign)).format(url=where, n=len(foreign), tables=listed))


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision, then seed the default health model if none.

    Raises
    ------
    SchemaError
        The database was written by a newer version (unknown revision), it holds Outside In
        tables without a recorded revision, or it holds another application's tables (and no
        Outside In revision). Nothing is changed in any of these cases.
    """
    from alembic import command

    check_upgradable(engine)
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "heads")
    seed_default_health_model(engine)
    seed_vocabulary(engine)


def _extension_relations(engine: Engine) -> set[str]:
    """Tables and views that PostgreSQL extensions put in the schema (e.g. PostGIS's
    ``spatial_ref_sys``, ``pg_stat_statements``): part of the server set-up, not another application."""
    if engine.dialect.name != "postgresql":
        return set()
    with engine.connect() as conn:
        return set(conn.execute(text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e' "
            "WHERE n.nspname = current_schema()")).scalars())


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

