"""Mapping: which column of a file holds which field of an entity.

Each field is matched to a column by its name or a known alias (``cs_metrics.storage.entities``),
in English or Italian; people can change the mapping and save it by name (``save_mapping``) to
reuse it for the next file from the same source.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Sequence

from sqlalchemy import and_, select, update
from sqlalchemy.engine import Engine

from cs_metrics.errors import DataError
from cs_metrics.storage import models as m
from cs_metrics.storage.entities import ENTITIES, norm
from cs_metrics.storage.ingest.report import ImportReport, shorten


def matched_fields(entity: str | None, columns: Iterable[str]) -> dict[str, str]:
    """The fields of ``entity`` that ``auto_mapping`` finds a column for (none for an unknown entity)."""
    if entity not in ENTITIES:
        return {}
    return {k: v for k, v in auto_mapping(entity, list(columns)).items() if v}


def auto_mapping(entity: str, columns: Sequence[str]) -> dict[str, str | None]:
    """Match each field of ``entity`` to a column of the file by name or known alias.

    Returns field name -> column (None when no column matches). A column is used once.

    Example
    -------
    >>> auto_mapping("revenue", ["Codice cliente", "Mese", "Canone mensile", "Note"])
    {'customer_id': 'Codice cliente', 'month': 'Mese', 'mrr': 'Canone mensile'}
    """
    spec = ENTITIES[entity]
    normalised = {column: norm(column) for column in columns}
    taken: set[str] = set()
    result: dict[str, str | None] = {}
    # Exact field names first, then aliases in order of preference.
    for pass_ in (0, 1):
        for f in spec.fields:
            if result.get(f.name):
                continue
            names = [norm(f.name)] if pass_ == 0 else [norm(a) for a in f.aliases]
            for name in names:
                hit = next((c for c, n in normalised.items() if n == name and c not in taken), None)
                if hit:
                    result[f.name] = hit
                    taken.add(hit)
                    break
    return {f.name: result.get(f.name) for f in spec.fields}


def check_mapping(entity: str, mapping: dict[str, str | None], columns: Sequence[str], report: ImportReport) -> None:
    """Report required fields without a column, and columns that do not exist in the file."""
    spec = ENTITIES[entity]
    used = [c for c in mapping.values() if c]
    for f in spec.fields:
        column = mapping.get(f.name)
        if column and column not in columns:
            report.add(None, f.name, column, f"The mapping uses the column {column!r}, which is not in the file.",
                       "missing column")
        elif not column and f.required:
            report.add(None, f.name, "", f"No column holds the required field {f.name!r} ({f.description}) "
                       f"Rename a column to {f.name!r} or choose it in the mapping. The file's columns are: "
                       f"{', '.join(columns[:20])}.", "missing column")
    for column, n in Counter(used).items():
        if n > 1:
            report.add(None, column, column, "The same column is mapped to two fields; map each field to its "
                       "own column.", "missing column")


def save_mapping(engine: Engine, entity: str, name: str, mapping: dict[str, str | None], *, who: str | None = None) -> None:
    """Store (or replace) a named mapping of ``entity`` fields to source column names.

    Raises
    ------
    DataError
        Empty or too long name, unknown entity, or fields the entity does not have.
    """
    name = (name or "").strip()
    if entity not in ENTITIES:
        raise DataError(f"Unknown entity {entity!r}; use one of {', '.join(ENTITIES)}.")
    if not name or len(name) > 80:
        raise DataError("Give the mapping a name of 1 to 80 characters (for example the source system: 'HubSpot').")
    fields = {f.name for f in ENTITIES[entity].fields}
    unknown = [k for k in mapping if k not in fields]
    if unknown:
        raise DataError(f"{entity} has no field {unknown[0]!r}; the fields are {', '.join(sorted(fields))}.")
    clean = {k: v for k, v in mapping.items() if v}
    t = m.ImportMapping.__table__
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        found = conn.execute(select(t.c.id).where(and_(t.c.entity == entity, t.c.name == name))).scalar()
        values = {"mapping": json.dumps(clean, ensure_ascii=False, sort_keys=True), "saved_at": now,
                  "saved_by": shorten(who, 120) if who else None}
        if found is None:
            conn.execute(t.insert().values(entity=entity, name=name, **values))
        else:
            conn.execute(update(t).where(t.c.id == found).values(**values))


def saved_mappings(engine: Engine, entity: str) -> dict[str, dict[str, str]]:
    """Saved mappings of ``entity``: name -> {field: column}."""
    t = m.ImportMapping.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.name, t.c.mapping).where(t.c.entity == entity).order_by(t.c.name)).all()
    out = {}
    for name, text in rows:
        try:
            out[name] = {k: v for k, v in json.loads(text).items() if isinstance(v, str)}
        except (ValueError, AttributeError):
            continue
    return out


def choose_mapping(entity: str, columns: Sequence[str], mapping: dict[str, str | None] | None,
                   report: ImportReport) -> dict[str, str | None]:
    """The mapping an import uses: ``mapping`` (fields a person chose) over ``auto_mapping``.

    A chosen optional field whose column this file lacks is left out, with a note in ``report``
    (a saved mapping may name a column that only some files of the source have). The mapping is
    checked (``check_mapping``) and kept in ``report.mapping``.

    Example
    -------
    >>> report = ImportReport("teams", "t.csv")
    >>> choose_mapping("teams", ["Squadra", "Reparto"], {"team": "Squadra", "kind": "Tipo"}, report)
    {'team': 'Squadra', 'department': 'Reparto', 'kind': None}
    >>> report.ok, report.notes
    (True, ["The mapping's column 'Tipo' for kind is not in this file; kind is left as it is."])
    """
    auto = auto_mapping(entity, columns)
    given = {k: v for k, v in (mapping or {}).items() if k in auto}
    spec = ENTITIES[entity]
    for name, column in list(given.items()):
        if column and column not in columns and not spec.field(name).required:
            report.notes.append(f"The mapping's column {column!r} for {name} is not in this file; "
                                f"{name} is left as it is.")
            given[name] = None
    chosen = {**auto, **given}
    report.mapping = chosen
    check_mapping(entity, chosen, columns, report)
    return chosen
