"""Command line: ``python -m cs_metrics.storage.demo`` generates the demo company and loads it.

    python -m cs_metrics.storage.demo [--size standard|large] [--customers N] [--seed S]
                                      [--as-of YYYY-MM-DD] [--established SHARE]
                                      [--nps-per-customer K] [--meetings M] [--health-months H]
                                      [--database-url URL] [--replace]

``--size large`` is the benchmark company (100,000 customers, see ``settings.SIZES``); the
volume options change one part of it, or of the standard company.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from cs_metrics import i18n
from cs_metrics.errors import ConfigurationError, DataError, SchemaError
from cs_metrics.i18n import _, formats
from cs_metrics.storage.db import make_engine, upgrade
from cs_metrics.storage.demo.loading import load_demo
from cs_metrics.storage.demo.settings import (
    DEFAULT_SEED,
    HEALTH_MONTHS,
    SIZES,
    check_demo_args,
    check_volume,
)
from cs_metrics.storage.queries.access import COMMAND_LINE, append_event


def _iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(_("not a date in YYYY-MM-DD form: {value}").format(value=repr(value))) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the demo company and load it; returns the exit code (2 for bad input)."""
    parser = argparse.ArgumentParser(
        prog="python -m cs_metrics.storage.demo",
        description="Load the Outside In demo company into a database.",
    )
    parser.add_argument(
        "--size", choices=list(SIZES), default=None,
        help="standard (1,500 customers) or large (the benchmark company: 100,000 customers, "
        "about a million NPS answers, 50,000 meetings); default standard",
    )
    parser.add_argument(
        "--customers", type=int, default=None, help="customers ever signed (default: the size's)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    parser.add_argument(
        "--database-url", default=None, help="default: $DATABASE_URL, else the embedded SQLite file"
    )
    parser.add_argument(
        "--as-of", type=_iso_date, default=None, help="last day of the history, YYYY-MM-DD (default: today)"
    )
    parser.add_argument(
        "--established", type=float, default=None, metavar="SHARE",
        help="share of the customers already customers when the three years of history begin "
        "(0 to 1; standard 0, large 0.95)",
    )
    parser.add_argument(
        "--nps-per-customer", type=float, default=None, metavar="K",
        help="about K NPS answers per customer (standard: about one; large 10)",
    )
    parser.add_argument(
        "--meetings", type=int, default=None, metavar="M",
        help="meetings in the last two years (standard: 60 to 2,000 by size; large 50,000)",
    )
    parser.add_argument(
        "--health-months", type=int, default=None, metavar="H",
        help=f"months of health signals (standard {HEALTH_MONTHS}, large 12)",
    )
    parser.add_argument("--replace", action="store_true", help="delete existing data first")
    parser.add_argument("--language", choices=list(i18n.LANGUAGES), default=None,
                        help="language of the messages (default: English)")
    args = parser.parse_args(argv)
    with i18n.using(args.language):
        return _main(args)


def _main(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    options = {
        "customers": args.customers, "size": args.size, "established": args.established,
        "nps_per_customer": args.nps_per_customer, "meetings": args.meetings,
        "health_months": args.health_months,
    }
    try:
        customers, _volume = check_volume(**options)
        customers, seed, as_of = check_demo_args(customers, args.seed, args.as_of)
        engine = make_engine(args.database_url)
        upgrade(engine)
        counts = load_demo(engine, seed=seed, as_of=as_of, replace=args.replace, **options)
        append_event(engine, at=dt.datetime.now(dt.UTC), actor=COMMAND_LINE, actor_role="admin", action="data.demo",
                     outcome="done", records="all data (command line)",
                     summary=f"{counts.get('customer', 0):,} customers (demo company, seed {seed})")
    except (DataError, ConfigurationError, SchemaError) as exc:
        print(_("error: {error}").format(error=exc), file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(_("error: the database refused the demo data: {reason}").format(reason=reason), file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    summary = ", ".join(f"{name} {formats.decimal(count)}" for name, count in counts.items())
    print(_("Demo company loaded (seed {seed}, as of {day}) in {seconds} s: {summary}.").format(
        seed=seed, day=formats.date(as_of), seconds=formats.decimal(seconds, 1), summary=summary))
    return 0
