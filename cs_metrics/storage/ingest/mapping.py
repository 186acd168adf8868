"""Mapping: where each field of an entity comes from in a file.

A mapping is plain JSON, the same on the Data page, in a saved mapping (``save_mapping``) and in a
mapping file for the command line (``--mapping-file``). Its full form::

    {
      "fields": {
        "customer_id": {"column": "customerID"},
        "name":        {"column": "customerID"},
        "segment":     {"column": "Contract"},
        "status":      {"column": "Churn", "values": {"Yes": "churned", "No": "active"}},
        "region":      {"constant": "North America"},
        "signed_on":   {"derive": "months_before", "column": "tenure", "date": "2026-10-31"},
        "arr":         {"derive": "times", "column": "MonthlyCharges", "factor": 12},
        "churned_on":  {"constant": "2026-10-31", "when": {"column": "Churn", "in": ["Yes"]}},
        "owner":       null
      },
      "filter": [{"column": "gender", "not_in": [""]}],
      "skip_blank_required": true
    }

``fields`` gives one rule per field; a field left out is matched to a column by its name or a known
alias (``auto_mapping``), and ``null`` leaves it out of the import even where a column's name would
match. A rule is one of:

* ``{"column": C}``: the cell of column ``C``; one column may feed several fields;
* ``{"constant": V}``: the same value on every row;
* ``{"derive": "months_before", "column": C, "date": "YYYY-MM-DD"}``: the date ``C`` months before
  ``date``, on the same day of the month (a signing date from a tenure in months);
* ``{"derive": "times", "column": C, "factor": F}``: the number in ``C`` times ``F`` (an annual
  revenue from a monthly charge: ``F`` = 12).

Any rule may add ``"values": {"as in the file": "as imported", ...}``, applied to the cell before
the field reads it (case, accents and runs of spaces do not matter; values not listed pass
unchanged; ``""`` is a blank cell), and ``"when": condition``: the field is set only on the rows
where the condition holds, and blank elsewhere.

A condition is ``{"column": C, "in": [v, ...]}`` or ``{"column": C, "not_in": [v, ...]}``, its
values compared like those of ``values``. ``filter`` is a list of conditions: only rows that meet all
of them are imported, the others are counted in a note. With ``skip_blank_required`` a row whose
required field is blank is left out and counted in a note, instead of being a problem.

Columns are found by their exact name, else by their name without case, spaces, underscores and
camel case (``customerID`` = ``Customer ID`` = ``customer_id``). An older saved mapping
``{field: column}`` reads as ``{"fields": {field: {"column": column}}}``.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.engine import Engine

from cs_metrics.errors import DataError
from cs_metrics.i18n import N_, _
from cs_metrics.storage import models as m
from cs_metrics.storage.entities import ENTITIES, header_key
from cs_metrics.storage.ingest.report import shorten

#: The calculations a rule can ``derive`` a field with.
DERIVATIONS = {"months_before": N_("a date minus a number of months from a column"),
               "times": N_("a column's number times a factor")}
_RULE_KEYS = {"column", "constant", "derive", "date", "factor", "values", "when"}


def value_key(text: Any) -> str:
    """The form in which cells are compared with the values of a value map or a condition: case,
    accents, surrounding and repeated spaces do not matter.

    Example
    -------
    >>> value_key("  Month-to-Month "), value_key("Sì"), value_key("-1") == value_key("1")
    ('month-to-month', 'si', False)
    """
    text = unicodedata.normalize("NFKD", "" if text is None else str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(text.split())


def find_column(name: str, columns: Sequence[str]) -> str | None:
    """The column of ``columns`` called ``name``: the exact name, else the only column with the same
    ``header_key`` (None when there is none, or more than one)."""
    if name in columns:
        return name
    hits = [c for c in columns if header_key(c) == header_key(name)]
    return hits[0] if len(hits) == 1 else None


def matched_fields(entity: str | None, columns: Iterable[str]) -> dict[str, str]:
    """The fields of ``entity`` that ``auto_mapping`` finds a column for (none for an unknown entity)."""
    if entity not in ENTITIES:
        return {}
    return {k: v for k, v in auto_mapping(entity, list(columns)).items() if v}


def auto_mapping(entity: str, columns: Sequence[str]) -> dict[str, str | None]:
    """Match each field of ``entity`` to a column of the file by name or known alias, ignoring case,
    spaces, underscores and camel case.

    Returns field name -> column (None when no column matches). A column is used once.

    Example
    -------
    >>> auto_mapping("revenue", ["Codice cliente", "Mese", "Canone mensile", "Note"])
    {'customer_id': 'Codice cliente', 'month': 'Mese', 'mrr': 'Canone mensile'}
    >>> auto_mapping("revenue", ["customerID", "billing_month", "MonthlyCharges"])
    {'customer_id': 'customerID', 'month': 'billing_month', 'mrr': 'MonthlyCharges'}
    """
    spec = ENTITIES[entity]
    keys = {column: header_key(column) for column in columns}
    taken: set[str] = set()
    result: dict[str, str | None] = {}
    # Exact field names (and their Italian template headers) first, then aliases in order of preference.
    for pass_ in (0, 1):
        for f in spec.fields:
            if result.get(f.name):
                continue
            names = ([header_key(f.name), *([header_key(f.italian)] if f.italian else [])] if pass_ == 0
                     else [header_key(a) for a in f.aliases])
            for name in names:
                hit = next((c for c, k in keys.items() if k == name and c not in taken), None)
                if hit:
                    result[f.name] = hit
                    taken.add(hit)
                    break
    return {f.name: result.get(f.name) for f in spec.fields}


def _text(value: Any, where: str) -> str:
    """A value of a mapping as text (numbers and yes/no are written as JSON writes them)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value).strip()
    raise DataError(_("{where}: give a text or a number, not {value}.").format(where=where,
                                                                              value=json.dumps(value)[:60]))


def _condition(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict) or not isinstance(value.get("column"), str) or not value["column"].strip():
        raise DataError(_('{where}: write a condition as {example} (or "not_in" instead of "in").').format(
            where=where, example='{"column": "Churn", "in": ["Yes"]}'))
    ops = [k for k in ("in", "not_in") if k in value]
    unknown = set(value) - {"column", "in", "not_in"}
    if len(ops) != 1 or unknown:
        raise DataError(_('{where}: a condition has a "column" and either "in" or "not_in" (a list of '
                          'values).').format(where=where))
    values = value[ops[0]]
    if isinstance(values, (str, int, float)):
        values = [values]
    if not isinstance(values, list) or not values:
        raise DataError(_('{where}: "{key}" must list at least one value, e.g. ["Yes"].').format(where=where,
                                                                                                key=ops[0]))
    return {"column": value["column"].strip(), ops[0]: [_text(v, where) for v in values]}


def _rule(entity: str, field: str, rule: Any) -> dict[str, Any] | None:
    """One field's rule in its canonical form (see the module's description)."""
    where = f"{entity}.{field}"
    if rule is None:
        return None
    if isinstance(rule, str):
        rule = {"column": rule}
    if not isinstance(rule, dict):
        raise DataError(_("{where}: write a rule as {column}, {constant} or {derive}.").format(
            where=where, column='{"column": "..."}', constant='{"constant": "..."}',
            derive='{"derive": ..., "column": ...}'))
    unknown = sorted(set(rule) - _RULE_KEYS)
    if unknown:
        raise DataError(_("{where}: unknown key {key}; a rule may hold {keys}.").format(
            where=where, key=repr(unknown[0]), keys=", ".join(sorted(_RULE_KEYS))))
    out: dict[str, Any] = {}
    if "constant" in rule:
        if "column" in rule or "derive" in rule:
            raise DataError(_("{where}: give either a constant or a column, not both.").format(where=where))
        if "values" in rule:
            raise DataError(_("{where}: a value map applies to a column; write the constant as it should be "
                              "imported.").format(where=where))
        out["constant"] = _text(rule["constant"], where)
    else:
        column = rule.get("column")
        if not isinstance(column, str) or not column.strip():
            raise DataError(_('{where}: name the column, e.g. {example}, or give a "constant".').format(
                where=where, example='{"column": "Customer ID"}'))
        out["column"] = column.strip()
        derive = rule.get("derive")
        if derive is not None:
            if derive not in DERIVATIONS:
                raise DataError(_("{where}: unknown calculation {derive}; use one of {derivations}.").format(
                    where=where, derive=repr(derive), derivations=", ".join(DERIVATIONS)))
            out["derive"] = derive
            if derive == "months_before":
                try:
                    out["date"] = dt.date.fromisoformat(str(rule.get("date", "")).strip()).isoformat()
                except ValueError:
                    raise DataError(_('{where}: months_before needs "date" as YYYY-MM-DD (the day the months '
                                      'count back from, e.g. the day of the export).').format(where=where)) from None
            else:
                factor = rule.get("factor")
                if isinstance(factor, bool) or not isinstance(factor, (int, float)) or factor != factor:
                    raise DataError(_('{where}: times needs a number "factor", e.g. 12 (months in a '
                                      'year).').format(where=where))
                out["factor"] = factor
        elif "date" in rule or "factor" in rule:
            raise DataError(_('{where}: "date" and "factor" belong to a rule with "derive".').format(where=where))
    if rule.get("values"):
        if not isinstance(rule["values"], dict):
            raise DataError(_("{where}: write the value map as {example}.").format(
                where=where, example='{"as in the file": "as imported", ...}'))
        out["values"] = {_text(k, where): _text(v, where) for k, v in rule["values"].items()}
    if rule.get("when") is not None:
        out["when"] = _condition(rule["when"], _("{where} when").format(where=where))
    return out


def read_mapping(entity: str, spec: Any) -> dict[str, Any]:
    """A mapping in its canonical form: ``fields``, ``filter``, ``skip_blank_required``.

    Accepts the full form described in this module, or an older ``{field: column}`` mapping.

    Raises
    ------
    DataError
        Unknown entity or field, or a rule, condition or option that is not written as described;
        the message says where and how to write it.

    Example
    -------
    >>> read_mapping("teams", {"team": "Squadra", "kind": None})
    {'fields': {'team': {'column': 'Squadra'}, 'kind': None}, 'filter': [], 'skip_blank_required': False}
    """
    if entity not in ENTITIES:
        raise DataError(_("Unknown entity {entity}; use one of {entities}.").format(
            entity=repr(entity), entities=", ".join(ENTITIES)))
    if spec is None:
        spec = {}
    if not isinstance(spec, dict):
        raise DataError(_("A mapping is a JSON object: {example}.").format(
            example='{"fields": {...}, "filter": [...], "skip_blank_required": false}'))
    if not {"fields", "filter", "skip_blank_required"} & set(spec):
        spec = {"fields": spec}  # an older mapping: {field: column}
    if not isinstance(spec.get("fields", {}), dict):
        raise DataError(_('Write "fields" as {example}.').format(example='{"field": {"column": "..."}, ...}'))
    unknown = sorted(set(spec) - {"fields", "filter", "skip_blank_required", "entity", "version"})
    if unknown:
        raise DataError(_("The mapping has an unknown key {key}; use fields, filter and "
                          "skip_blank_required.").format(key=repr(unknown[0])))
    names = [f.name for f in ENTITIES[entity].fields]
    fields = {}
    for name, rule in spec.get("fields", {}).items():
        if name not in names:
            raise DataError(_("{entity} has no field {field}; the fields are {fields}.").format(
                entity=entity, field=repr(name), fields=", ".join(sorted(names))))
        fields[name] = _rule(entity, name, rule)
    conditions = spec.get("filter") or []
    if isinstance(conditions, dict):
        conditions = [conditions]
    if not isinstance(conditions, list):
        raise DataError(_('Write "filter" as a list of conditions, e.g. {example}.').format(
            example='[{"column": "Churn", "in": ["Yes"]}]'))
    skip = spec.get("skip_blank_required", False)
    if not isinstance(skip, bool):
        raise DataError(_('"skip_blank_required" is true or false.'))
    return {"fields": {n: fields[n] for n in names if n in fields},
            "filter": [_condition(c, _("filter {n}").format(n=i + 1)) for i, c in enumerate(conditions)],
            "skip_blank_required": skip}


def mapping_json(entity: str, spec: Any) -> str:
    """The mapping as the JSON text of a mapping file (``--mapping-file``), checked and canonical."""
    return json.dumps(read_mapping(entity, spec), ensure_ascii=False, indent=2)


def read_mapping_file(entity: str, data: bytes | str) -> dict[str, Any]:
    """A mapping file's JSON text in its canonical form (``read_mapping``).

    Raises
    ------
    DataError
        The text is not JSON (the message gives the line and column) or not a mapping.
    """
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        spec = json.loads(text)
    except UnicodeDecodeError:
        raise DataError(_("The mapping file is not UTF-8 text; save it again as UTF-8 JSON.")) from None
    except json.JSONDecodeError as exc:
        raise DataError(_("The mapping file is not valid JSON ({error} at line {line}, column {column}).").format(
            error=exc.msg, line=exc.lineno, column=exc.colno)) from None
    return read_mapping(entity, spec)


def save_mapping(engine: Engine, entity: str, name: str, spec: Any, *, who: str | None = None) -> None:
    """Store (or replace) a named mapping of ``entity`` (the whole spec, see ``read_mapping``).

    Raises
    ------
    DataError
        Empty or too long name, unknown entity, or a spec that ``read_mapping`` refuses.
    """
    name = (name or "").strip()
    clean = read_mapping(entity, spec)
    if not name or len(name) > 80:
        raise DataError(_("Give the mapping a name of 1 to 80 characters (for example the source system: "
                          "'HubSpot')."))
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


def saved_mappings(engine: Engine, entity: str) -> dict[str, dict[str, Any]]:
    """Saved mappings of ``entity``: name -> the spec in its canonical form (``read_mapping``); a
    saved mapping that no longer fits the entity is left out."""
    t = m.ImportMapping.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.name, t.c.mapping).where(t.c.entity == entity).order_by(t.c.name)).all()
    out = {}
    for name, text in rows:
        try:
            out[name] = read_mapping_file(entity, text)
        except DataError:
            continue
    return out
