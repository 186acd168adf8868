"""Export the whole database as a ZIP of CSV files, one per table, that restores to the same rows.

The archive holds one ``<table>.csv`` per table of ``SQLModel.metadata`` (parents before the
tables that refer to them), ``columns.csv`` describing every column, and ``README.txt``. The
list of tables comes from the models, so tables added later are exported without changes here.

CSV conventions (UTF-8 with BOM, comma-separated, header row of column names):

* empty cell: no value (NULL); in a column that requires text, an empty text;
* dates ``YYYY-MM-DD``; timestamps ISO 8601 with their UTC offset; yes/no as ``true``/``false``;
  numbers with a decimal point and every digit needed to read back the same value;
* text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
  tab or a carriage return) is prefixed with a single quote, and so is text that already starts
  with a quote; ``ingest.import_archive`` removes exactly that one quote again.

``ingest.import_archive`` (Data page: "Restore an export"; command line: ``python -m
cs_metrics.storage.ingest archive FILE``) reads the archive back into a database, replacing
everything in one transaction, ids included; the audit trail is kept and gains the archive's
rows it lacks, and people are replaced only when the archive holds some.

Export, restore, export again: every file of the second archive equals the first's byte for byte,
except

* ``import_log.csv``: one more line at its end, the restore's own line (entity ``archive``);
* ``README.txt``: the line "Written ..." (the time of writing) and the row count of
  ``import_log.csv`` (one more).

Export and restore through ``cs_metrics.services.data`` (the Data page) record themselves in
the audit trail, so there ``audit_event.csv`` also ends with those rows (the first export's and
the restore's).
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import decimal
import io
import json
import zipfile
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    Table,
    delete,
    select,
    text,
)
from sqlalchemy.engine import Connection, Engine

from cs_metrics.default_health_model import DEFAULT_MODEL
from cs_metrics.i18n import _
from cs_metrics.storage import db
from cs_metrics.storage import models as m
from cs_metrics.storage.entities import ENTITIES
from cs_metrics.storage.tables import (
    ACCESS_TABLES,
    AUDIT_TABLE,
    Progress,
    column_default,
    export_tables,
    models_by_table,
)
from cs_metrics.storage.vocabulary import seed_in

#: Files of an archive that describe it rather than hold a table.
DOC_FILES = ("README.txt", "columns.csv")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TRUE, _FALSE = "true", "false"
#: Rows fetched from the database at a time while writing a table.
ROWS_PER_READ = 10_000

def _kind(column: Any) -> str:
    """How a column's values are written: bool, datetime, date, int, float, decimal, binary, json or text."""
    kind = column.type
    impl = getattr(kind, "impl", kind)
    if isinstance(impl, Boolean) or isinstance(kind, Boolean):
        return "bool"
    if isinstance(impl, DateTime):
        return "datetime"
    if isinstance(impl, Date):
        return "date"
    if isinstance(impl, Integer):
        return "int"
    if isinstance(impl, Float):
        return "float"
    if isinstance(impl, Numeric):
        return "decimal"
    if isinstance(impl, LargeBinary):
        return "binary"
    if isinstance(impl, JSON):
        return "json"
    return "text"


def neutralise(value: str) -> str:
    """Text as written to a CSV export: formula-like text gets a leading quote.

    Example
    -------
    >>> neutralise("=cmd|' /C calc'!A0"), neutralise("Rossi"), neutralise("'quoted")
    ("'=cmd|' /C calc'!A0", 'Rossi', "''quoted")
    """
    if value[:1] in _FORMULA_START or value[:1] == "'":
        return "'" + value
    return value


def unneutralise(value: str) -> str:
    """The inverse of ``neutralise``.

    Example
    -------
    >>> unneutralise("'=SUM(A1)"), unneutralise("''quoted"), unneutralise("it's")
    ('=SUM(A1)', "'quoted", "it's")
    """
    if len(value) >= 2 and value[0] == "'" and (value[1] in _FORMULA_START or value[1] == "'"):
        return value[1:]
    return value


def _cell(value: Any, kind: str) -> str:
    """One value as its CSV cell."""
    if value is None:
        return ""
    if kind == "bool":
        return _TRUE if value else _FALSE
    if kind == "float":
        return repr(float(value))
    if kind == "datetime":
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.isoformat()
    if kind == "date":
        return value.isoformat()
    if kind == "int":
        return str(int(value))
    if kind == "decimal":
        return str(value)
    if kind == "binary":
        return base64.b64encode(bytes(value)).decode("ascii")
    if kind == "json":
        return neutralise(json.dumps(value, ensure_ascii=False, sort_keys=True))
    return neutralise(str(value))


def write_table_csv(conn: Connection, table: Table, stream: io.TextIOBase) -> int:
    """Write one table as CSV to ``stream``; returns the number of rows."""
    columns = list(table.columns)
    kinds = [_kind(c) for c in columns]
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    order = list(table.primary_key.columns) or columns[:1]
    result = conn.execution_options(yield_per=ROWS_PER_READ).execute(select(*columns).order_by(*order))
    n = 0
    for part in result.partitions():
        writer.writerows([_cell(v, k) for v, k in zip(row, kinds)] for row in part)
        n += len(part)
    return n


#: Descriptions of columns that no entity file carries (configuration and bookkeeping tables).
COLUMN_DOCS: dict[tuple[str, str], str] = {
    ("app_meta", "key"): "Name of a fact about the dataset (dataset, demo_seed, generated_at, ...).",
    ("app_meta", "value"): "Its value.",
    ("assessment_round", "name"): "Name of the round (e.g. 2026 H1).",
    ("assessment_round", "opened_on"): "Day the round opened.",
    ("assessment_round", "closed_on"): "Day it closed; empty while open.",
    ("assessment_round", "status"): "open or closed.",
    ("health_model", "version"): "Version number of the health-score model.",
    ("health_model", "created_at"): "When this version was saved.",
    ("health_model", "created_by"): "Who saved it.",
    ("health_model", "reason"): "Why it was changed.",
    ("health_model", "definition"): "The model as JSON: signals, normalisation, weights, bands, segment profiles.",
    ("health_model", "is_active"): "true for the version in use.",
    ("import_log", "at"): "When the import was committed.",
    ("import_log", "entity"): "What was imported (customers, revenue, ..., archive).",
    ("import_log", "source_file"): "Name of the imported file.",
    ("import_log", "inserted"): "Rows added.",
    ("import_log", "updated"): "Rows changed.",
    ("import_log", "who"): "Who imported it.",
    ("import_mapping", "entity"): "Entity the mapping is for.",
    ("import_mapping", "name"): "Name of the mapping (usually the source system).",
    ("import_mapping", "mapping"): "JSON: field -> column name in the source's files.",
    ("import_mapping", "saved_at"): "When it was saved.",
    ("import_mapping", "saved_by"): "Who saved it.",
    ("agenda_item", "position"): "Position in the agenda (1, 2, ...).",
    ("agenda_item", "title"): "Agenda item.",
    ("agenda_item", "minutes"): "Minutes spent on it.",
    ("agenda_item", "relevance"): "none, indirect or direct: is the item about the customer?",
    ("agenda_item", "relevance_source"): "person (tagged by someone) or suggestion (by the classifier).",
    ("decision", "text"): "The decision.",
    ("maturity_target", "target_stage"): "Stage leadership wants on the dimension.",
    ("maturity_target", "set_on"): "Day the target was set.",
    ("maturity_target", "set_by"): "Who set it.",
    ("nps_survey_send", "sent_on"): "Day the survey invitation was sent.",
    ("nps_response", "external_id"): "The survey tool's id for the answer.",
}


def column_guide() -> list[dict[str, str]]:
    """One entry per exported column: table, column, type, required, description."""
    described: dict[str, str] = {}
    for spec in ENTITIES.values():
        for f in spec.fields:
            described.setdefault(f.name, f.description)
    models = models_by_table()
    out = []
    for table in export_tables():
        model = models.get(table.name)
        table_doc = ((model.__doc__ or "").strip().splitlines() or [""])[0] if model else ""
        for c in table.columns:
            field_info = getattr(model, "model_fields", {}).get(c.name) if model else None
            if (table.name, c.name) in COLUMN_DOCS:
                text_ = COLUMN_DOCS[(table.name, c.name)]
            elif getattr(field_info, "description", None):
                text_ = field_info.description
            elif c.primary_key and c.name == "id":
                text_ = "Row number inside Outside In (other tables refer to it)."
            elif c.foreign_keys:
                target = next(iter(c.foreign_keys)).target_fullname
                text_ = f"Refers to {target} (the row number of that table)."
            elif c.name == "external_id":
                text_ = "The id this row has in the system it came from."
            else:
                text_ = described.get(c.name) or c.name.replace("_", " ").capitalize() + "."
            out.append({"table": table.name, "table_description": table_doc, "column": c.name,
                        "type": {"bool": "true/false", "datetime": "timestamp (ISO 8601, UTC)",
                                 "date": "date (YYYY-MM-DD)", "int": "whole number",
                                 "float": "number", "decimal": "number", "json": "JSON text",
                                 "binary": "file contents (base64)"}.get(_kind(c), "text"),
                        "required": "yes" if not c.nullable else "", "description": text_})
    return out


_README = """Outside In: export of the whole database
=========================================

Written {when} from schema revision {revision}.

One CSV file per table (UTF-8, comma-separated, header row). columns.csv describes every column.
Row counts:
{counts}

Reading the files
* An empty cell means "no value".
* Dates are YYYY-MM-DD; timestamps are ISO 8601 with their UTC offset; yes/no are true/false.
* Text that a spreadsheet would run as a formula (starting with = + - @) and text starting
  with a quote carry one extra leading quote ('), so that opening the file cannot run anything.

Restoring
Data page -> Import -> "Everything (export ZIP)", or on the command line:
    python -m cs_metrics.storage.ingest archive THIS_FILE.zip [--replace]
Restoring replaces every table in one transaction, ids included, and adds one line to the
import log for the restore itself. The audit trail is kept and gains the rows of
audit_event.csv it lacks; people and their teams are replaced only when person.csv has rows.
"""


def export_zip(engine: Engine, *, progress: Progress | None = None) -> bytes:
    """The whole database as ZIP bytes (see the module docstring for the format).

    Example
    -------
    >>> from cs_metrics.storage import db
    >>> engine = db.make_engine("sqlite://"); db.upgrade(engine)
    >>> names = zipfile.ZipFile(io.BytesIO(export_zip(engine))).namelist()
    >>> "customer.csv" in names and "README.txt" in names
    True
    """
    buffer = io.BytesIO()
    tables = export_tables()
    counts = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive, engine.connect() as conn:
        for i, table in enumerate(tables):
            with archive.open(f"{table.name}.csv", "w") as raw:
                stream = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                n = write_table_csv(conn, table, stream)
                stream.flush()
                stream.detach()
            counts.append(f"  {table.name}.csv: {n:,} rows")
            if progress:
                progress((i + 1) / len(tables), _("exported {table}").format(table=table.name))
        guide = io.StringIO()
        writer = csv.DictWriter(guide, fieldnames=["table", "table_description", "column", "type", "required",
                                                   "description"], lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(column_guide())
        archive.writestr("columns.csv", "\ufeff" + guide.getvalue())
        revision = db.current_revision(engine) or "none"
        archive.writestr("README.txt", _README.format(
            when=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(), revision=revision,
            counts="\n".join(counts)))
    return buffer.getvalue()


def export_filename(now: dt.datetime | None = None) -> str:
    """A file name for an export, with the time it was written (UTC)."""
    now = now or dt.datetime.now(dt.UTC)
    return f"outside_in_export_{now:%Y%m%d_%H%M%S}.zip"


#: The largest CSV field Python's csv module can be allowed to read (its limit is a C long).
_FIELD_LIMIT_MAX = 2**31 - 1


def _allow_fields_of(chars: int) -> None:
    """Let the csv module read fields of up to ``chars`` characters (a whole table file), so that
    large cells (a saved board pack's files, base64) read back; the limit is only ever raised."""
    wanted = min(chars + 1, _FIELD_LIMIT_MAX)
    if csv.field_size_limit() < wanted:
        csv.field_size_limit(wanted)


def read_table_csv(table: Table, data: bytes, report: Any) -> list[dict[str, Any]]:
    """Parse one exported table back into rows for ``table.insert()``; problems go to ``report``."""
    name = f"{table.name}.csv"
    try:
        text_ = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.add(None, name, "", _("The file is not UTF-8; use the archive exactly as the export wrote it."),
                   "encoding")
        return []
    _allow_fields_of(len(text_))
    reader = csv.reader(io.StringIO(text_, newline=""))
    header = next(reader, None)
    if not header:
        report.add(None, name, "", _("The table file has no header row."), "empty file")
        return []
    columns = {c.name: c for c in table.columns}
    for column in header:
        if column not in columns:
            report.add(1, f"{name}:{column}", column, _("This column does not exist in this version of Outside "
                       "In. Remove it, or update Outside In."), "unknown column")
    # Columns added after the archive was written take the model's default, when it has one.
    model = models_by_table().get(table.name)
    fill = {c.name: column_default(model, c.name) for c in table.columns if c.name not in header}
    missing = [c for c in table.columns if c.name not in header and not c.nullable and fill.get(c.name) is None
               and not c.primary_key]
    for c in missing:
        report.add(1, f"{name}:{c.name}", "", _("This required column is missing from the table file."),
                   "missing column")
    if not report.ok:
        return []
    kinds = {c: _kind(columns[c]) for c in header}
    nullable = {c: columns[c].nullable for c in header}
    rows = []
    for record in reader:
        if not record:
            continue
        line = reader.line_num
        if len(record) != len(header):
            report.add(line, name, ",".join(record)[:80], _("The row has {n} values for {columns} columns.").format(
                n=len(record), columns=len(header)), "wrong number of values")
            continue
        row = {k: v for k, v in fill.items() if v is not None}
        for column, cell in zip(header, record):
            try:
                row[column] = _parse(cell, kinds[column], nullable[column])
            except ValueError:
                report.add(line, f"{name}:{column}", cell, _("is not a valid {kind} value.").format(kind=kinds[column]),
                           "wrong type")
        rows.append(row)
    return rows


def _parse(cell: str, kind: str, nullable: bool) -> Any:
    """One CSV cell back as a value of ``kind`` (ValueError when it is not one)."""
    if cell == "":
        return None if nullable or kind != "text" else ""
    if kind == "int":
        return int(cell)
    if kind == "float":
        return float(cell)
    if kind == "bool":
        if cell.lower() in (_TRUE, "1"):
            return True
        if cell.lower() in (_FALSE, "0"):
            return False
        raise ValueError(cell)
    if kind == "date":
        return dt.date.fromisoformat(cell)
    if kind == "datetime":
        value = dt.datetime.fromisoformat(cell)
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if kind == "decimal":
        try:
            return decimal.Decimal(cell)
        except decimal.InvalidOperation:
            raise ValueError(cell) from None
    if kind == "binary":
        try:
            return base64.b64decode(cell.encode("ascii"), validate=True)
        except (ValueError, UnicodeEncodeError):
            raise ValueError(cell) from None
    if kind == "json":
        return json.loads(unneutralise(cell))
    return unneutralise(cell)


def reset_sequences(conn: Connection, tables: Sequence[Table]) -> None:
    """On PostgreSQL, move each ``id`` sequence past the largest id (after inserting explicit ids)."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" in table.columns and table.columns["id"].primary_key and isinstance(table.columns["id"].type, Integer):
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table.name}"))


def store_default_model(conn: Connection) -> None:
    """Store ``cs_metrics.default_health_model.DEFAULT_MODEL`` as version 1, the active model."""
    conn.execute(m.HealthModel.__table__.insert().values(
        version=1, created_at=dt.datetime.now(dt.UTC), created_by="Outside In",
        reason="Default model: the success indicators of the domain brief.",
        definition=json.dumps(DEFAULT_MODEL), is_active=True))


def reset_database(engine: Engine) -> None:
    """Delete every row of every table (data, import log, saved mappings, health-model versions,
    vocabularies and settings) in one transaction, store the default health model and vocabularies
    again, and mark the database as cleared so the demo company is not loaded again by itself.
    The people who may sign in and the audit trail stay."""
    kept = (*ACCESS_TABLES, AUDIT_TABLE)
    tables = [t for t in export_tables() if t.name not in kept]
    with engine.begin() as conn:
        for table in reversed(tables):
            conn.execute(delete(table))
        store_default_model(conn)
        seed_in(conn)
        conn.execute(m.AppMeta.__table__.insert().values(key="dataset", value="cleared"))
