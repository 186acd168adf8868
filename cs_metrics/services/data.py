"""The data itself, for the shell and the Data page: what the database holds (origin, extent,
rows per entity, filter options), imports (preview, mapping spec and saved mappings, the values a
field accepts and adding new ones to the company's vocabularies, dry run, all-or-nothing commit,
templates, the import log), the whole-database export, the demo company and the resets.

Storage does the work (``cs_metrics.storage.ingest``, ``export``, ``db``, ``demo``); the page
reaches it only through here.
"""

from __future__ import annotations

from cs_metrics.storage.db import clear_data, dataset_meta
from cs_metrics.storage.demo import load_demo
from cs_metrics.storage.export import export_filename, export_zip, reset_database
from cs_metrics.storage.ingest import (
    ARCHIVE,
    ENTITIES,
    MAX_FILE_BYTES,
    DataError,
    ImportReport,
    add_new_values,
    column_profile,
    commit,
    distinct_values,
    dry_run,
    effective_mapping,
    field_guide,
    field_values,
    import_history,
    mapping_json,
    preview,
    read_mapping_file,
    save_mapping,
    saved_mappings,
    template_csv,
    template_xlsx,
)
from cs_metrics.storage.queries import data_extent, filter_options, table_counts

__all__ = [
    "ARCHIVE", "ENTITIES", "MAX_FILE_BYTES", "DataError", "ImportReport", "add_new_values",
    "clear_data", "column_profile", "commit", "data_extent", "dataset_meta", "distinct_values", "dry_run",
    "effective_mapping", "export_filename", "export_zip", "field_guide", "field_values", "filter_options",
    "import_history", "load_demo", "mapping_json", "preview", "read_mapping_file", "reset_database",
    "save_mapping", "saved_mappings", "table_counts", "template_csv", "template_xlsx",
]
