"""Validated, all-or-nothing imports of CSV and XLSX files, one entity at a time.

An import runs in three steps, the same from the Data page and from the command line:

1. **Read** (``read_table``): the bytes of a CSV (UTF-8 with or without BOM, UTF-16, cp1252 or
   Latin-1; separated by ``,`` ``;`` tab or ``|``) or of an XLSX workbook become a table of
   texts. Unreadable files (empty, binary, too large, wrong extension, mixed encodings, formulas
   in cells) give problems, never exceptions.
2. **Map** (``mapping``, ``apply_mapping``): each field of the entity (``ENTITIES``) comes from a
   column (matched by its name or a known alias in English or Italian, whatever its case,
   spaces, underscores or camel case), a constant or a calculation (months before a date, a
   column times a factor), through a value map and a condition; a filter keeps some rows, and
   rows with a blank required value may be left out. A mapping is JSON (``read_mapping``), saved
   by name (``save_mapping``) to reuse for the next file from the same source, or given as a
   file on the command line.
3. **Check, then write** (``dry_run``, ``commit``): every value is parsed (decimal commas,
   thousands separators, ISO, day/month/year and Excel-serial dates, times) and checked (required
   fields, ranges, controlled values and the company's vocabularies, references to customers and
   teams, duplicate keys, dates in the future for events). Problems are counted by kind, each
   with its first rows. Values the vocabularies lack are reported once each, with their number of
   rows, and can be added (``add_new_values``). A dry run only reads. A commit checks again inside one
   transaction and writes everything or nothing: rows whose key (the source system's id, or a
   natural key such as customer + month) is already stored are updated, the others inserted, so
   importing the same file twice changes nothing the second time. Each commit adds a line to
   ``import_log``.

A whole-database export (``cs_metrics.storage.export``) is read back by ``import_archive``.

Command line::

    python -m cs_metrics.storage.ingest ENTITY FILE [--dry-run] [--mapping NAME | --mapping-file SPEC.json]
        [--add-new-values] [--database-url URL] [--who NAME] [--replace] [--language it]

ENTITY is one of ``customers``, ``revenue``, ``nps_responses``, ``milestones``,
``health_signals``, ``churn_events``, ``teams``, ``assessments``, ``meetings``, or ``archive``
for a ZIP written by the export. The exit code is 0 when the file was imported (or, with
``--dry-run``, would be), 1 when it has problems (listed on standard error), 2 when the
database cannot be used.

The modules of this package, in the order a file passes through them: ``readers`` (bytes ->
text cells), ``mapping`` (the mapping spec; saved mappings), ``rules`` (the mapping applied:
the text of each field), ``values`` (text -> typed values), ``vocabularies`` (the company's
vocabularies and new values), ``plan`` (per-entity rules, references, duplicates), ``upsert``
(insert or update by key), ``run`` (dry run and commit), ``history`` (the import log); beside
them ``report`` (problems and counts), ``profile`` (a file's columns at a glance), ``archive``
(restoring an export), ``templates`` and ``cli``.

Two languages: a template has English or Italian column names (``template_csv(entity, "it")``),
and an import recognises both (``FieldSpec.italian``); problems, notes and summaries are written in
the current language (``cs_metrics.i18n``), while problem kinds stay English keys (``kind_label``
names them for a reader).
The entities themselves are described in ``cs_metrics.storage.entities``.
"""

from cs_metrics.errors import DataError
from cs_metrics.storage.entities import ENTITIES, MAX_TEXT_CHARS, EntitySpec, FieldSpec
from cs_metrics.storage.ingest.archive import ARCHIVE, import_archive
from cs_metrics.storage.ingest.cli import main
from cs_metrics.storage.ingest.history import import_history
from cs_metrics.storage.ingest.mapping import (
    DERIVATIONS,
    auto_mapping,
    find_column,
    mapping_json,
    read_mapping,
    read_mapping_file,
    save_mapping,
    saved_mappings,
    value_key,
)
from cs_metrics.storage.ingest.profile import column_profile, distinct_values
from cs_metrics.storage.ingest.readers import (
    MAX_FILE_BYTES,
    TEXT_EXTENSIONS,
    WORKBOOK_EXTENSIONS,
    RawTable,
    read_table,
)
from cs_metrics.storage.ingest.report import EXAMPLES_PER_KIND, MAX_PROBLEMS_PER_KIND, ImportReport, Problem
from cs_metrics.storage.ingest.rules import CONSTANT, apply_mapping, effective_mapping
from cs_metrics.storage.ingest.run import commit, dry_run, preview
from cs_metrics.storage.ingest.templates import field_guide, template_csv, template_xlsx
from cs_metrics.storage.ingest.upsert import CHUNK_ROWS
from cs_metrics.storage.ingest.values import (
    EARLIEST_DATE,
    column_decimal,
    day_first,
    has_time,
    parse_bool,
    parse_date,
    parse_number,
    parse_time,
)
from cs_metrics.storage.ingest.vocabularies import add_new_values, field_values
from cs_metrics.storage.tables import Progress

__all__ = [
    "ARCHIVE", "CHUNK_ROWS", "CONSTANT", "DERIVATIONS", "EARLIEST_DATE", "ENTITIES", "EXAMPLES_PER_KIND",
    "MAX_FILE_BYTES", "MAX_PROBLEMS_PER_KIND", "MAX_TEXT_CHARS", "TEXT_EXTENSIONS", "WORKBOOK_EXTENSIONS",
    "DataError", "EntitySpec", "FieldSpec", "ImportReport", "Problem", "Progress", "RawTable", "add_new_values",
    "apply_mapping", "auto_mapping", "column_decimal", "column_profile", "commit", "day_first", "distinct_values",
    "dry_run", "effective_mapping", "field_guide", "field_values", "find_column", "has_time", "import_archive",
    "import_history", "main", "mapping_json", "parse_bool", "parse_date", "parse_number", "parse_time", "preview",
    "read_mapping", "read_mapping_file", "read_table", "save_mapping", "saved_mappings", "template_csv",
    "template_xlsx", "value_key",
]
