"""Command line: ``python -m cs_metrics.storage.ingest ENTITY FILE [--dry-run] [--mapping NAME]
[--database-url URL] [--who NAME] [--replace]``.

The exit code is 0 when the file was imported (or, with ``--dry-run``, would be), 1 when it has
problems (listed on standard error), 2 when the database cannot be used.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cs_metrics.errors import ConfigurationError, DataError, SchemaError
from cs_metrics.storage import db
from cs_metrics.storage.entities import ENTITIES
from cs_metrics.storage.ingest.archive import ARCHIVE
from cs_metrics.storage.ingest.mapping import saved_mappings
from cs_metrics.storage.ingest.report import ImportReport
from cs_metrics.storage.ingest.run import commit, dry_run


def _print_report(report: ImportReport, stream: Any, limit: int = 50) -> None:
    """The summary, then up to ``limit`` problems as tab-separated lines."""
    print(report.summary(), file=stream)
    if report.problems:
        print("row\tcolumn\tvalue\treason", file=stream)
        for p in report.problems[:limit]:
            print(f"{p.row if p.row is not None else '-'}\t{p.column or '-'}\t{p.value}\t{p.reason}", file=stream)
        if report.problem_total > limit:
            print(f"... and {report.problem_total - limit:,} more problems.", file=stream)


def main(argv: Sequence[str] | None = None) -> int:
    """Check (and, without ``--dry-run``, import) one file; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m cs_metrics.storage.ingest",
                                     description="Check and import one CSV or XLSX file (all or nothing).")
    parser.add_argument("entity", choices=[*ENTITIES, ARCHIVE])
    parser.add_argument("file", type=Path)
    parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")
    parser.add_argument("--mapping", default=None, help="name of a saved column mapping for this entity")
    parser.add_argument("--database-url", default=None, help="default: $DATABASE_URL or data/outside_in.db")
    parser.add_argument("--who", default=None, help="name recorded in the import log")
    parser.add_argument("--replace", action="store_true", help="archive only: replace data already stored")
    args = parser.parse_args(argv)
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    try:
        engine = db.make_engine(args.database_url)
        db.check_connection(engine)
        db.upgrade(engine)
        mapping = None
        if args.mapping:
            if args.entity == ARCHIVE:
                raise DataError("--mapping applies to entity files, not to archives.")
            mapping = saved_mappings(engine, args.entity).get(args.mapping)
            if mapping is None:
                names = ", ".join(saved_mappings(engine, args.entity)) or "none saved yet"
                raise DataError(f"No saved mapping {args.mapping!r} for {args.entity} (saved: {names}).")
    except (ConfigurationError, SchemaError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    def progress(share: float, message: str) -> None:
        print(f"{share:6.1%} {message}", file=sys.stderr, flush=True)

    if args.dry_run:
        report = dry_run(engine, args.entity, data, filename=args.file.name, mapping=mapping)
    else:
        report = commit(engine, args.entity, data, filename=args.file.name, mapping=mapping, who=args.who,
                        progress=progress, replace=args.replace)
    _print_report(report, sys.stdout if report.ok else sys.stderr)
    engine.dispose()
    return 0 if report.ok else 1
