"""The data itself, for the shell and the Data page: what the database holds (origin, extent,
rows per entity, filter options), imports (preview, mapping spec and saved mappings, the values a
field accepts and adding new ones to the company's vocabularies, dry run, all-or-nothing commit,
templates, the import log), the whole-database export, the demo company and the resets.

Storage does the work (``cs_metrics.storage.ingest``, ``export``, ``db``, ``demo``); the page
reaches it only through here. Every write, and the export, takes the ``actor`` making it: only an
admin may, and each leaves a row in the audit trail (``cs_metrics.services.access``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.engine import Engine

from cs_metrics.access import Actor
from cs_metrics.services.access import write
from cs_metrics.storage import db, demo, export, ingest
from cs_metrics.storage.db import dataset_meta
from cs_metrics.storage.export import export_filename
from cs_metrics.storage.ingest import (
    ARCHIVE,
    ENTITIES,
    MAX_FILE_BYTES,
    DataError,
    ImportReport,
    column_profile,
    distinct_values,
    dry_run,
    effective_mapping,
    field_guide,
    field_values,
    import_history,
    mapping_json,
    preview,
    read_mapping_file,
    saved_mappings,
    template_csv,
    template_xlsx,
)
from cs_metrics.storage.queries import data_extent, filter_options, table_counts
from cs_metrics.storage.tables import Progress

#: The largest file the Data page takes (``server.maxUploadSize`` in ``.streamlit/config.toml`` says
#: the same). A dry run adds about 25 MB of memory per MB of a revenue file (short rows, many cells;
#: 5-8 MB per MB of NPS answers with comments; ``benchmarks/bench_upload_memory.py``), so a 32 MB
#: file adds about 800 MB to the server's page peak (575 MB at 100,000 customers, README) and stays
#: within the 1.5 GB target. Larger files go through the command line, which has no server to share
#: (``python -m cs_metrics.storage.ingest``, up to ``MAX_FILE_BYTES``).
MAX_UPLOAD_BYTES = 32 * 1024 * 1024

__all__ = [
    "ARCHIVE", "ENTITIES", "MAX_FILE_BYTES", "MAX_UPLOAD_BYTES", "DataError", "ImportReport", "add_new_values",
    "clear_data", "column_profile", "commit", "data_extent", "dataset_meta", "distinct_values", "dry_run",
    "effective_mapping", "export_filename", "export_zip", "field_guide", "field_values", "filter_options",
    "import_history", "load_demo", "mapping_json", "preview", "read_mapping_file", "reset_database",
    "save_mapping", "saved_mappings", "table_counts", "template_csv", "template_xlsx",
]


# --- writes (admins only, each recorded) ---------------------------------------------------------


def commit(engine: Engine, entity: str, payload: bytes, *, actor: Actor, filename: str = "", mapping: Any = None,
           today: dt.date | None = None, progress: Progress | None = None, replace: bool = False,
           add_new_values: bool = False) -> ImportReport:
    """Import a file (``ingest.commit``), or restore an export (``entity == ARCHIVE``), as ``actor``.

    The import log names the actor; the audit trail records the file, the entity and the counts.
    A restore keeps the audit trail (the archive's rows are added to it) and is itself recorded.
    """
    action = "data.restore" if entity == ARCHIVE else "data.import"
    label = ENTITIES[entity].label if entity in ENTITIES else entity
    with write(engine, actor, action, records=f"{label}: {filename or 'unnamed file'}") as entry:
        report = ingest.commit(engine, entity, payload, filename=filename, mapping=mapping, who=actor.who,
                               today=today, progress=progress, replace=replace, add_new_values=add_new_values)
        entry.summary = (f"{report.inserted:,} added, {report.updated:,} updated, {report.unchanged:,} unchanged"
                         if report.committed else f"not written: {report.problem_total:,} problems")
    return report


def clear_data(engine: Engine, *, actor: Actor) -> None:
    """Delete every data row (``db.clear_data``); people, the audit trail and settings stay."""
    with write(engine, actor, "data.clear", records="all data") as entry:
        before = table_counts(engine)
        db.clear_data(engine)
        kept = before["entity"].isin(["Health model versions", "Imports"])
        entry.summary = f"{int(before.loc[~kept, 'rows'].sum()):,} data rows -> 0 (customers {_customers(before):,} -> 0)"


def reset_database(engine: Engine, *, actor: Actor) -> None:
    """Delete everything but the people and the audit trail (``export.reset_database``)."""
    with write(engine, actor, "data.reset", records="the whole database") as entry:
        before = table_counts(engine)
        export.reset_database(engine)
        entry.summary = f"{int(before['rows'].sum()):,} rows -> the default health model and vocabularies"


def load_demo(engine: Engine, *, actor: Actor, customers: int | None = None, replace: bool = False,
              **options: Any) -> dict[str, int]:
    """Replace the data with a generated demo company (``demo.load_demo``)."""
    with write(engine, actor, "data.demo", records="all data") as entry:
        before = _customers(table_counts(engine))
        result = demo.load_demo(engine, customers=customers, replace=replace, **options)
        entry.summary = f"customers {before:,} -> {result.get('customer', 0):,} (demo company)"
    return result


def export_zip(engine: Engine, *, actor: Actor, progress: Progress | None = None) -> bytes:
    """The whole database as a ZIP (``export.export_zip``); only admins may take it, and it is recorded."""
    with write(engine, actor, "data.export", records="the whole database") as entry:
        archive = export.export_zip(engine, progress=progress)
        entry.summary = f"{len(archive) / 1e6:,.1f} MB archive"
    return archive


def add_new_values(engine: Engine, kind: str, values: list[str], *, actor: Actor) -> int:
    """Add values found in a file to the vocabulary ``kind``; returns how many were new."""
    with write(engine, actor, "data.vocabulary", records=f"vocabulary {kind}") as entry:
        added = ingest.add_new_values(engine, kind, values)
        entry.summary = f"{added:,} added: {', '.join(map(str, values[:10]))}{' ...' if len(values) > 10 else ''}"
    return added


def save_mapping(engine: Engine, entity: str, name: str, spec: Any, *, actor: Actor) -> None:
    """Store (or replace) a named mapping of ``entity`` (``ingest.save_mapping``)."""
    with write(engine, actor, "data.mapping", records=f"mapping {name!r} of {entity}") as entry:
        before = saved_mappings(engine, entity)
        ingest.save_mapping(engine, entity, name, spec, who=actor.who)
        entry.summary = "replaced" if name.strip() in before else "new"


def _customers(counts: Any) -> int:
    return int(counts.set_index("entity")["rows"].get("Customers", 0))
