"""Applying a mapping (``cs_metrics.storage.ingest.mapping``) to a file's cells.

The row filter keeps the rows it should; each field then takes its text from its column, its
constant or its calculation, through its value map and its condition; with
``skip_blank_required``, rows whose required field is blank are left out. The result is the text
of each field on each kept row (``values.FieldTexts``), which the fields then read
(``values.parse_table``). Columns the mapping needs and the file lacks are problems; a value a
calculation cannot use is a problem of its row and column.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import pandas as pd

from cs_metrics.i18n import _, formats, ngettext
from cs_metrics.period import as_date, shift_months
from cs_metrics.storage.entities import ENTITIES, header_key
from cs_metrics.storage.ingest.mapping import auto_mapping, find_column, read_mapping, value_key
from cs_metrics.storage.ingest.readers import RawTable, clean_id
from cs_metrics.storage.ingest.report import ImportReport
from cs_metrics.storage.ingest.values import (
    FieldTexts,
    _ambiguous_reason,
    column_convention,
    number_evidence,
    parse_number,
)

#: The source named in messages about a field that holds a constant.
CONSTANT = "(constant)"
#: The user of a column read by the filter (named "the filter" in the reader's language).
_FILTER = "\x00filter"


def effective_mapping(entity: str, columns: list[str], spec: Any = None) -> dict[str, Any]:
    """``spec`` (see ``read_mapping``) with every field it leaves out matched by name
    (``auto_mapping``): each field has a rule or None.

    Example
    -------
    >>> effective_mapping("teams", ["Team", "Reparto"], {"kind": {"constant": "internal"}})["fields"]
    {'team': {'column': 'Team'}, 'department': {'column': 'Reparto'}, 'kind': {'constant': 'internal'}}
    """
    spec = read_mapping(entity, spec)
    auto = auto_mapping(entity, columns)
    fields = {}
    for f in ENTITIES[entity].fields:
        if f.name in spec["fields"]:
            fields[f.name] = spec["fields"][f.name]
        else:
            fields[f.name] = {"column": auto[f.name]} if auto[f.name] else None
    return {**spec, "fields": fields}


def sources(spec: dict[str, Any]) -> dict[str, str | None]:
    """Field -> the source named in messages: its column, ``(constant)``, or None."""
    return {name: (None if rule is None else CONSTANT if "constant" in rule else rule["column"])
            for name, rule in spec["fields"].items()}


def _holds(cells: pd.Series, condition: Mapping[str, Any]) -> np.ndarray:
    """Where ``condition`` holds for the cells of its column."""
    wanted = {value_key(v) for v in condition.get("in", condition.get("not_in", []))}
    uniques = pd.unique(cells.to_numpy())
    inside = {u: value_key(u) in wanted for u in uniques}
    hit = cells.map(inside).to_numpy(dtype=bool)
    return hit if "in" in condition else ~hit


def _describe(condition: Mapping[str, Any]) -> str:
    values = condition.get("in", condition.get("not_in", []))
    listed = _(" or ").join(repr(v) for v in values[:5]) + (" ..." if len(values) > 5 else "")
    text = _("{column} is {values}") if "in" in condition else _("{column} is not {values}")
    return text.format(column=condition["column"], values=listed)


def _number_text(value: float) -> str:
    """A computed number as text the field reads back exactly (dot decimals, no exponent)."""
    text = f"{value:.9f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _derive(rule: dict[str, Any], field: str, cells: pd.Series, hint: str
            ) -> tuple[pd.Series, list[tuple[int, str, str, str, str]]]:
    """The field's text computed from ``cells``, and the problems (row, column, value, reason,
    kind) of the cells the calculation cannot use (their text is left blank)."""
    column = rule["column"]
    present = cells[cells != ""]
    uniques = pd.unique(present.to_numpy())
    convention = column_convention(uniques, hint)
    decimal = convention or hint
    results: dict[str, tuple[str, str, str]] = {}
    for u in uniques:
        number = parse_number(u, decimal)
        if convention is None and number_evidence(u) == "?":
            results[u] = ("", _("{column} {reason}, so {field} cannot be computed from it.").format(
                column=column, reason=_ambiguous_reason(u), field=field), "ambiguous number")
        elif number is None:
            results[u] = ("", _("{column} is not a number, so {field} cannot be computed from it.").format(
                column=column, field=field), "wrong type")
        elif rule["derive"] == "months_before":
            if number < 0 or number != int(number):
                results[u] = ("", _("{column} must be a whole number of months, 0 or more, to compute {field}.").format(
                    column=column, field=field), "out of range")
                continue
            try:
                day = shift_months(as_date(rule["date"]), -int(number))
            except (ValueError, OverflowError):
                results[u] = ("", _("{column} counts back more months than the calendar has.").format(column=column),
                              "out of range")
                continue
            results[u] = (day.isoformat(), "", "")
        else:
            value = number * rule["factor"]
            results[u] = ("", _("{column} times {factor} is too large.").format(column=column, factor=rule["factor"]),
                          "out of range") if not math.isfinite(value) else (_number_text(value), "", "")
    text = cells.map(lambda c: results[c][0] if c in results else "")
    problems = [(int(row), column, u, results[u][1], results[u][2]) for row, u in present.items() if results[u][1]]
    return text, problems


def _clean_ids(cells: pd.Series) -> pd.Series:
    """``cells`` through ``clean_id`` (once per distinct value)."""
    uniques = pd.unique(cells.to_numpy())
    cleaned = {u: clean_id(u) for u in uniques}
    if all(k == v for k, v in cleaned.items()):
        return cells
    return cells.map(cleaned)


def _with_values(cells: pd.Series, values: dict[str, str]) -> pd.Series:
    """``cells`` through a value map (compared as ``value_key``; other values unchanged)."""
    lookup = {value_key(k): v for k, v in values.items()}
    uniques = pd.unique(cells.to_numpy())
    mapped = {u: lookup.get(value_key(u), u) for u in uniques}
    return cells.map(mapped)


def _columns_text(columns: list[str]) -> str:
    return ", ".join(repr(c) for c in columns) or _("none")


def _duplicates(raw: RawTable) -> dict[str, list[str]]:
    """Column -> the other columns whose header reads the same once case, spaces, underscores and
    camel case are set aside (``score`` and ``Score``; two ``score`` columns)."""
    columns = list(raw.frame.columns)
    headers = raw.headers if len(raw.headers) == len(columns) else columns
    groups: dict[str, list[str]] = {}
    for column, header in zip(columns, headers):
        key = header_key(header)
        if key:
            groups.setdefault(key, []).append(column)
    return {c: [o for o in group if o != c] for group in groups.values() if len(group) > 1 for c in group}


def _report_duplicates(rules: dict[str, dict[str, Any]], conditions: list[dict[str, Any]],
                       duplicates: dict[str, list[str]], report: ImportReport) -> None:
    """A column the import reads whose header another column repeats is a problem naming both."""
    used: dict[str, str] = {}
    for name, rule in rules.items():
        for column in (rule.get("column"), rule.get("when", {}).get("column")):
            if column:
                used.setdefault(column, name)
    for condition in conditions:
        if condition["column"]:
            used.setdefault(condition["column"], _FILTER)
    for column, user in used.items():
        others = duplicates.get(column)
        if others:
            names = _(" and ").join(repr(c) for c in [column, *others])
            reader = _("the filter") if user == _FILTER else user
            report.add(None, reader, column, ngettext(
                "The columns {names} have the same name, and only {column} would be read for {user}. Rename or "
                "delete the other column in the file, or choose the column in the mapping.",
                "The columns {names} have the same name, and only {column} would be read for {user}. Rename or "
                "delete the other columns in the file, or choose the column in the mapping.",
                len(others)).format(names=names, column=repr(column), user=reader), "duplicate column")


def _report_alias_twins(entity: str, rules: dict[str, dict[str, Any]], explicit: Collection[str], raw: RawTable,
                        report: ImportReport) -> None:
    """A field found by its name or an alias in one column while another column, read for nothing
    else, is also a name or an alias of it (``score`` and ``voto``): only one would be read, the
    other silently left out, so the file is refused naming both. A field the mapping names is not
    checked: the person chose its column."""
    columns = list(raw.frame.columns)
    headers = dict(zip(columns, raw.headers if len(raw.headers) == len(columns) else columns))
    used = {c for rule in rules.values() for c in (rule.get("column"), rule.get("when", {}).get("column")) if c}
    for f in ENTITIES[entity].fields:
        column = rules.get(f.name, {}).get("column")
        if not column or f.name in explicit:
            continue
        names = {header_key(f.name), *(header_key(a) for a in (f.italian, *f.aliases) if a)}
        own = header_key(headers[column])
        others = [c for c in columns if c not in used and header_key(headers[c]) in names
                  and header_key(headers[c]) != own]
        if others:
            listed = _(" and ").join(repr(headers[c]) for c in [column, *others])
            report.add(None, f.name, headers[column], ngettext(
                "The columns {names} all name {field}, and only {column} would be read. Delete or rename the other "
                "column in the file, or choose the column for {field} in the mapping.",
                "The columns {names} all name {field}, and only {column} would be read. Delete or rename the other "
                "columns in the file, or choose the column for {field} in the mapping.",
                len(others)).format(names=listed, field=f.name, column=repr(headers[column])), "duplicate column")


def _id_fields(entity: str) -> list[str]:
    """The fields holding ids (``customer_id``, ``response_id``, ...): read without invisible characters."""
    return [f.name for f in ENTITIES[entity].fields if f.name.endswith("_id") and f.kind == "text"]


def _twin_key(value: str) -> str:
    """The form in which two ids are the same record written differently: case and spaces set aside."""
    return "".join(value.split()).casefold()


def _report_case_twins(texts: dict[str, pd.Series], ids: list[str], report: ImportReport,
                       customer_ids: Collection[str] | None) -> None:
    """Ids that differ only by case or spaces (``c1``, ``C 1`` beside ``C1``), from another id of the
    file or (``customer_ids``) from a stored customer's id, are problems: they would be stored as
    different records."""
    known: dict[str, str] = {}
    for i in customer_ids or ():
        known.setdefault(_twin_key(str(i)), str(i))
    for name in ids:
        if name not in texts:
            continue
        cells = texts[name]
        uniques = [u for u in pd.unique(cells.to_numpy()) if u]
        first: dict[str, str] = {}
        for u in uniques:
            first.setdefault(_twin_key(u), u)
        for u in uniques:
            twin = first[_twin_key(u)]
            if name == "customer_id" and _twin_key(u) in known:
                twin = known[_twin_key(u)]
                if twin == u or u in (customer_ids or ()):
                    continue
                text = _("{field} {value} differs only by case or spaces from a stored customer's id, {twin}; it "
                         "would be stored apart. Write it as {twin} if it is the same, or give it a distinct id.")
            elif twin == u:
                continue
            else:
                text = _("{field} {value} differs only by case or spaces from another id in this file, {twin}; it "
                         "would be stored apart. Write it as {twin} if it is the same, or give it a distinct id.")
            row = int(cells.index[(cells == u).to_numpy()][0])
            report.add(row, name, u, text.format(field=name, value=repr(u), twin=repr(twin)), "id differs by case")


_CUSTOMER_WORDS = ("cust", "client", "account", "azienda", "company")


def _check_unmapped_customer(entity: str, spec: dict[str, Any], frame: pd.DataFrame,
                             rules: dict[str, dict[str, Any]], report: ImportReport,
                             customer_ids: Collection[str] | None) -> None:
    """An entity whose customer may be blank (an anonymous NPS answer) and whose mapping finds no
    customer column: a column whose values are known customer ids is a problem (the rows would be
    stored without their customer); a column whose name speaks of customers is a note."""
    names = [f.name for f in ENTITIES[entity].fields]
    if "customer_id" not in names or any(f.required for f in ENTITIES[entity].fields if f.name == "customer_id"):
        return
    if "customer_id" in rules or "customer_id" in (spec.get("explicit") or ()):
        return
    used = {c for rule in rules.values() for c in (rule.get("column"), rule.get("when", {}).get("column")) if c}
    known = {clean_id(str(i)).casefold() for i in customer_ids or ()}
    for column in frame.columns:
        if column in used:
            continue
        values = {clean_id(v).casefold() for v in pd.unique(frame[column].to_numpy()) if v}
        if known and values and len(values & known) >= max(1, len(values) // 2):
            report.add(None, "customer_id", column, _(
                "No column is mapped to customer_id, so every answer would be stored without its customer, but the "
                "column {column} holds customer ids ({known} of its {n} values are known customers). Rename it to "
                "'customer_id' or choose {column} for customer_id in the mapping; choose no column for customer_id "
                "to import the answers as anonymous.").format(column=repr(column),
                                                               known=formats.decimal(len(values & known)),
                                                               n=formats.decimal(len(values))),
                       "unmapped customer column")
            return
    for column in frame.columns:
        if column not in used and any(w in header_key(column) for w in _CUSTOMER_WORDS):
            report.notes.append(_("No column is mapped to customer_id, so the answers are imported as anonymous; "
                                  "if the column {column} holds the customers' ids, rename it to 'customer_id' "
                                  "or choose it for customer_id in the mapping.").format(column=repr(column)))
            return


def _locate(spec: dict[str, Any], columns: list[str], report: ImportReport) -> dict[str, dict[str, Any]]:
    """Each field's rule with its columns found in the file; fields that cannot be filled are left
    out (a problem for a required field, a note for an optional one)."""
    rules: dict[str, dict[str, Any]] = {}
    listing = _("The file's columns are: {columns}.").format(columns=_columns_text(columns))
    for f in ENTITIES[report.entity].fields:
        rule = spec["fields"].get(f.name)
        if rule is None:
            if f.required:
                report.add(None, f.name, "", _("No column holds the required field {field} ({description}) Rename "
                           "a column to {field} or choose it in the mapping. {listing}").format(
                               field=repr(f.name), description=f.describe(), listing=listing), "missing column")
            continue
        rule = dict(rule)
        if "column" in rule:
            found = find_column(rule["column"], columns)
            if found is None and f.required:
                report.add(None, f.name, rule["column"], _("The mapping uses the column {column} for {field}, "
                           "which is not in the file. {listing}").format(column=repr(rule["column"]), field=f.name,
                                                                        listing=listing), "missing column")
                continue
            if found is None:
                report.notes.append(_("The mapping's column {column} for {field} is not in this file; {field} is "
                                      "left as it is.").format(column=repr(rule["column"]), field=f.name))
                continue
            rule["column"] = found
        if "when" in rule:
            found = find_column(rule["when"]["column"], columns)
            if found is None:
                report.add(None, f.name, rule["when"]["column"], _("The condition of {field} uses the column "
                           "{column}, which is not in the file. {listing}").format(
                               field=f.name, column=repr(rule["when"]["column"]), listing=listing), "missing column")
                continue
            rule["when"] = {**rule["when"], "column": found}
        rules[f.name] = rule
    return rules


def apply_mapping(entity: str, raw: RawTable, spec: Any, report: ImportReport, *,
                  customer_ids: Collection[str] | None = None) -> FieldTexts | None:
    """The text of each field on each row the mapping keeps (None, with problems in ``report``, when
    the file lacks a column the mapping needs). ``report.skipped`` counts the rows left out, and a
    note says why.

    A column the import reads whose name another column repeats is a problem. Ids (fields ending in
    ``_id``) are read without invisible characters, in Unicode NFC; ids that differ only by case
    from another id of the file are a problem. ``customer_ids`` (the stored customers' ids) lets
    customer ids that differ only by case from a stored one be reported, and an unmapped column of
    known customer ids (an NPS file whose customer column has a name no alias knows).

    Example
    -------
    >>> from cs_metrics.storage.ingest.readers import read_table
    >>> report = ImportReport("revenue", "r.csv")
    >>> raw = read_table(b"customerID,MonthlyCharges,Churn\\nA,10.5,No\\nB,20,Yes\\n", "r.csv", report)
    >>> spec = {"fields": {"month": {"constant": "2026-10"}, "mrr": {"derive": "times", "column": "MonthlyCharges",
    ...         "factor": 12}}, "filter": [{"column": "Churn", "in": ["no"]}]}
    >>> apply_mapping("revenue", raw, spec, report).texts.to_dict("records"), report.skipped
    ([{'customer_id': 'A', 'month': '2026-10', 'mrr': '126'}], 1)
    """
    frame = raw.frame
    columns = list(frame.columns)
    explicit = set(read_mapping(entity, spec)["fields"])
    spec = effective_mapping(entity, columns, spec)
    report.spec = spec
    report.mapping = sources(spec)
    rules = _locate(spec, columns, report)
    conditions = []
    for i, condition in enumerate(spec["filter"]):
        found = find_column(condition["column"], columns)
        if found is None:
            report.add(None, None, condition["column"], _("Filter {n} uses the column {column}, which is not in the "
                       "file. The file's columns are: {columns}.").format(
                           n=i + 1, column=repr(condition["column"]), columns=_columns_text(columns)), "missing column")
        conditions.append({**condition, "column": found})
    report.mapping = {name: (report.mapping[name] if name in rules else None) for name in report.mapping}
    if report.problem_counts.get("missing column"):
        return None
    _report_duplicates(rules, conditions, _duplicates(raw), report)
    _report_alias_twins(entity, rules, explicit, raw, report)
    _check_unmapped_customer(entity, {**spec, "explicit": explicit}, frame, rules, report, customer_ids)
    keep = np.ones(len(frame), dtype=bool)
    for condition in conditions:
        keep &= _holds(frame[condition["column"]], condition)
    if not keep.all():
        left_out = int((~keep).sum())
        report.skipped += left_out
        report.notes.append(ngettext("{n} row left out by the filter ({conditions}).",
                                     "{n} rows left out by the filter ({conditions}).", left_out).format(
            n=formats.decimal(left_out), conditions="; ".join(_describe(c) for c in conditions)))
        frame = frame.loc[keep]
    hint = "," if raw.file_format.get("separator") in (";", "\t") else "."
    texts: dict[str, pd.Series] = {}
    ids = _id_fields(entity)
    failed: dict[str, set[int]] = {}
    pending: list[tuple[int, str, str, str, str]] = []
    for name, rule in rules.items():
        if "constant" in rule:
            text = pd.Series(rule["constant"], index=frame.index, dtype=object)
        else:
            text = frame[rule["column"]]
            if name in ids:
                text = _clean_ids(text)
            if rule.get("values"):
                text = _with_values(text, rule["values"])
            if "derive" in rule:
                text, problems = _derive(rule, name, text, hint)
                if "when" in rule:
                    holds = set(frame.index[_holds(frame[rule["when"]["column"]], rule["when"])])
                    problems = [p for p in problems if p[0] in holds]
                pending += problems
                failed[name] = {p[0] for p in problems}
        if "when" in rule:
            text = text.where(_holds(frame[rule["when"]["column"]], rule["when"]), "")
        texts[name] = text.astype(object)
    _report_case_twins(texts, ids, report, customer_ids)
    table = pd.DataFrame(texts, index=frame.index, columns=list(texts))
    if spec["skip_blank_required"] and len(table):
        blank = np.zeros(len(table), dtype=bool)
        why: Counter = Counter()
        for f in ENTITIES[entity].fields:
            if f.required and f.name in table:
                empty = (table[f.name] == "").to_numpy() & ~table.index.isin(list(failed.get(f.name, ())))
                why[f.name] += int((empty & ~blank).sum())
                blank |= empty
        if blank.any():
            n = int(blank.sum())
            report.skipped += n
            report.notes.append(ngettext("{n} row left out because a required value is blank ({fields}).",
                                         "{n} rows left out because a required value is blank ({fields}).", n).format(
                n=formats.decimal(n), fields=", ".join(f"{k}: {formats.decimal(v)}" for k, v in why.items() if v)))
            table = table.loc[~blank]
    kept = set(table.index)
    for row, column, value, reason, kind in pending:
        if row in kept:
            report.add(row, column, value, reason, kind)
    if len(raw.frame) and table.empty:
        report.add(None, None, "", _("No row is left to import: the mapping leaves out all {n} rows. Check the "
                   "filter's values and the required fields.").format(n=formats.decimal(len(raw.frame))), "no rows")
    return FieldTexts(table, report.mapping, {k: v & kept for k, v in failed.items()}, hint)
