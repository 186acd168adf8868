"""Prepare the database for the app: connect, migrate, and load the demo company into a new one.

Command line (used by ``make run``)::

    python -m cs_metrics.storage.setup prepare [--database-url URL] [--no-demo]
    python -m cs_metrics.storage.setup status  [--database-url URL]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sqlalchemy.engine import Engine

from cs_metrics import i18n
from cs_metrics.errors import ConfigurationError, SchemaError
from cs_metrics.i18n import _, pgettext
from cs_metrics.storage.db import (
    check_connection,
    check_upgradable,
    clear_data,
    current_revision,
    dataset_meta,
    head_revision,
    is_empty,
    make_engine,
    safe_url,
    upgrade,
)
from cs_metrics.storage.demo.loading import load_demo as load_demo_company


def prepare_database(url: str | None = None, *, load_demo: bool = True) -> Engine:
    """Connect, migrate, and load the demo company into a new, empty database.

    A database whose data was cleared on purpose (``app_meta.dataset == "cleared"``) stays empty.

    Parameters
    ----------
    url
        The database URL; default ``$DATABASE_URL``, else the embedded SQLite file.
    load_demo
        Load the demo company when the database is new and empty. Without it a new, empty database
        is marked as cleared on purpose, so that a later start does not load the demo either.

    Returns
    -------
    Engine
        The engine of the prepared database.

    Raises
    ------
    ConfigurationError, SchemaError
        With a message for the person starting the app.
    """
    engine = make_engine(url)
    check_connection(engine)
    upgrade(engine)
    if is_empty(engine) and "dataset" not in dataset_meta(engine):
        if load_demo:
            load_demo_company(engine)
        else:
            clear_data(engine)  # nothing to clear: it records that the database stays empty on purpose
    return engine


def main(argv: Sequence[str] | None = None) -> int:
    """Prepare the database or report its state; returns the exit code (2 for bad configuration)."""
    parser = argparse.ArgumentParser(prog="python -m cs_metrics.storage.setup", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=("prepare", "status"))
    parser.add_argument("--database-url", default=None, help="default: $DATABASE_URL or data/outside_in.db")
    parser.add_argument("--no-demo", action="store_true", help="do not load the demo company into an empty database")
    parser.add_argument("--language", choices=list(i18n.LANGUAGES), default=None,
                        help="language of the messages (default: English)")
    args = parser.parse_args(argv)
    with i18n.using(args.language):
        return _main(args)


def _main(args: argparse.Namespace) -> int:
    try:
        if args.command == "prepare":
            engine = prepare_database(args.database_url, load_demo=not args.no_demo)
        else:
            engine = make_engine(args.database_url)
            check_connection(engine)
            check_upgradable(engine)  # another application's database, or a newer schema: say so, exit 2
        revision = current_revision(engine)
        meta = dataset_meta(engine) if revision else {}
        dataset = meta.get("dataset", pgettext("dataset", "own data") if revision else pgettext("dataset", "empty"))
        print(_("Database {url}: schema {schema} (newest known {newest}), dataset: {dataset}.").format(
            url=safe_url(str(engine.url)), schema=revision or pgettext("schema", "none"), newest=head_revision(), dataset=dataset))
    except (ConfigurationError, SchemaError) as exc:
        print(_("error: {error}").format(error=exc), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
