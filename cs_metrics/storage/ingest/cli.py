"""Command line: ``python -m cs_metrics.storage.ingest ENTITY FILE [--dry-run] [--mapping NAME |
--mapping-file SPEC.json] [--add-new-values] [--database-url URL] [--who NAME] [--replace]``.

``--mapping`` uses a mapping saved on the Data page; ``--mapping-file`` a mapping written as JSON
(``cs_metrics.storage.ingest.mapping``; the Data page downloads one). ``--add-new-values`` adds
values that the company's vocabularies lack (new segments, regions, churn reasons, ...) instead
of refusing the file. The exit code is 0 when the file was imported (or, with ``--dry-run``,
would be), 1 when it has problems (listed on standard error, every kind with its count and first
rows), 2 when the database cannot be used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from cs_metrics import i18n
from cs_metrics.errors import ConfigurationError, DataError, SchemaError
from cs_metrics.i18n import _, formats
from cs_metrics.storage import db
from cs_metrics.storage.entities import ENTITIES
from cs_metrics.storage.ingest.archive import ARCHIVE
from cs_metrics.storage.ingest.mapping import read_mapping_file, saved_mappings
from cs_metrics.storage.ingest.report import ImportReport
from cs_metrics.storage.ingest.run import commit, dry_run
from cs_metrics.storage.queries.access import COMMAND_LINE, append_event


def _print_report(report: ImportReport, stream: Any) -> None:
    """The summary and the notes, then the first problems of every kind as tab-separated lines."""
    print(report.summary(), file=stream)
    for note in report.notes:
        print(_("note: {note}").format(note=note), file=stream)
    if report.problems:
        print("\t".join((_("row"), _("column"), _("value"), _("reason"))), file=stream)
        for p in report.problem_examples().itertuples(index=False):
            row = "-" if pd.isna(p.row) else p.row
            print(f"{row}\t{p.column or '-'}\t{p.value}\t{p.reason}", file=stream)
        listed = len(report.problem_examples())
        if report.problem_total > listed:
            print(_("... and {n} more problems (the first rows of each kind are shown).").format(
                n=formats.decimal(report.problem_total - listed)), file=stream)
    for kind, values in report.new_values.items():
        if values and not report.ok:
            print(_("{n} new value(s) for {kind}: add them with --add-new-values.").format(
                n=formats.decimal(len(values)), kind=kind), file=stream)


def main(argv: Sequence[str] | None = None) -> int:
    """Check (and, without ``--dry-run``, import) one file; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m cs_metrics.storage.ingest",
                                     description="Check and import one CSV or XLSX file (all or nothing).")
    parser.add_argument("entity", choices=[*ENTITIES, ARCHIVE])
    parser.add_argument("file", type=Path)
    parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--mapping", default=None, help="name of a mapping saved on the Data page for this entity")
    how.add_argument("--mapping-file", type=Path, default=None, help="a mapping written as JSON")
    parser.add_argument("--add-new-values", action="store_true",
                        help="add values the company's vocabularies lack (segments, regions, reasons, ...)")
    parser.add_argument("--database-url", default=None, help="default: $DATABASE_URL or data/outside_in.db")
    parser.add_argument("--who", default=None, help="name recorded in the import log")
    parser.add_argument("--replace", action="store_true", help="archive only: replace data already stored")
    parser.add_argument("--language", choices=list(i18n.LANGUAGES), default=None,
                        help="language of the messages (default: English)")
    args = parser.parse_args(argv)
    with i18n.using(args.language):
        return _main(args)


def _main(args: argparse.Namespace) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(_("error: cannot read {file}: {reason}").format(file=args.file, reason=exc.strerror), file=sys.stderr)
        return 1
    try:
        engine = db.make_engine(args.database_url)
        db.check_connection(engine)
        db.upgrade(engine)
        mapping = None
        if (args.mapping or args.mapping_file) and args.entity == ARCHIVE:
            raise DataError(_("--mapping and --mapping-file apply to entity files, not to archives."))
        if args.mapping_file:
            try:
                mapping = read_mapping_file(args.entity, args.mapping_file.read_bytes())
            except OSError as exc:
                raise DataError(_("cannot read {file}: {reason}").format(file=args.mapping_file,
                                                                        reason=exc.strerror)) from None
        if args.mapping:
            mapping = saved_mappings(engine, args.entity).get(args.mapping)
            if mapping is None:
                names = ", ".join(saved_mappings(engine, args.entity)) or _("none saved yet")
                raise DataError(_("No saved mapping {name} for {entity} (saved: {names}).").format(
                    name=repr(args.mapping), entity=args.entity, names=names))
    except (ConfigurationError, SchemaError) as exc:
        print(_("error: {error}").format(error=exc), file=sys.stderr)
        return 2
    except DataError as exc:
        print(_("error: {error}").format(error=exc), file=sys.stderr)
        return 1

    def progress(share: float, message: str) -> None:
        print(f"{share:6.1%} {message}", file=sys.stderr, flush=True)

    if args.dry_run:
        report = dry_run(engine, args.entity, data, filename=args.file.name, mapping=mapping,
                         add_new_values=args.add_new_values)
    else:
        report = commit(engine, args.entity, data, filename=args.file.name, mapping=mapping, who=args.who,
                        progress=progress, replace=args.replace, add_new_values=args.add_new_values)
        # Whoever runs commands on the server has every right; the trail still says what they did.
        label = ENTITIES[args.entity].label if args.entity in ENTITIES else args.entity
        append_event(engine, at=dt.datetime.now(dt.UTC), actor=args.who or COMMAND_LINE, actor_role="admin",
                     action="data.restore" if args.entity == ARCHIVE else "data.import", outcome="done",
                     records=f"{label}: {args.file.name} (command line)",
                     summary=(f"{report.inserted:,} added, {report.updated:,} updated, {report.unchanged:,} unchanged"
                              if report.committed else f"not written: {report.problem_total:,} problems"))
    _print_report(report, sys.stdout if report.ok else sys.stderr)
    engine.dispose()
    return 0 if report.ok else 1
