"""The details of one field's rule on the mapping screen: the constant, the calculation's column and
parameter, the value map (the column's distinct values beside the values the field accepts) and
the condition; and the condition editor the row filter shares."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from cs_metrics import vocab
from cs_metrics.i18n import N_, _, formats, ngettext
from cs_metrics.services import data
from ui import loaders
from ui.text import plain

NONE = N_("— not in the file —")
CONSTANT = N_("◆ the same value on every row")
MONTHS_BEFORE = N_("◆ a date minus the months in a column")
TIMES = N_("◆ a column times a factor")
#: Source options beside the file's columns -> what the rule holds.
SPECIAL = {CONSTANT: "constant", MONTHS_BEFORE: "months_before", TIMES: "times"}
AS_WRITTEN = N_("(as written)")
#: Distinct values of a column offered for a value map or a condition.
VALUES_SHOWN = 30
_IN, _NOT_IN = N_("is one of"), N_("is not one of")


def source_option(rule: dict[str, Any] | None, columns: list[str]) -> str:
    """The source selectbox's option for a rule."""
    if rule is None:
        return NONE
    if "constant" in rule:
        return CONSTANT
    if rule.get("derive") == "months_before":
        return MONTHS_BEFORE
    if rule.get("derive") == "times":
        return TIMES
    return rule["column"] if rule["column"] in columns else NONE


def option_text(option: str) -> str:
    """How a source option reads: the special ones in the reader's language, a file's column as it is."""
    return _(option) if option == NONE or option in SPECIAL else option


def _blank(value: str) -> str:
    return value if value != "" else _("(blank)")


def _blanks():
    """``_blank`` with "(blank)" translated now (a test's runner formats options outside the run)."""
    blank = _blank("")
    return lambda value: value if value != "" else blank


def condition_editor(key: str, columns: list[str], raw: pd.DataFrame, base: dict[str, Any] | None,
                     label: str) -> dict[str, Any] | None:
    """A checkbox ``label``; when ticked, a column, "is one of" / "is not one of" and its values.
    Returns the condition (None when not ticked or no value chosen)."""
    if not st.checkbox(label, value=base is not None, key=f"{key}_on"):
        return None
    base = base or {}
    left, middle, right = st.columns([2, 1, 3])
    start = base.get("column") if base.get("column") in columns else columns[0]
    column = left.selectbox(_("Column"), columns, index=columns.index(start), key=f"{key}_column")
    negated = "not_in" in base
    ops = {_IN: _(_IN), _NOT_IN: _(_NOT_IN)}
    op = middle.radio(_("Keep rows where it"), list(ops), index=int(negated), key=f"{key}_op",
                      format_func=ops.get)
    chosen = base.get("not_in" if negated else "in", []) if base.get("column") == column else []
    options = list(dict.fromkeys([*data.distinct_values(raw, column, limit=VALUES_SHOWN)["value"], *chosen]))
    values = right.multiselect(_("Values"), options, default=[v for v in chosen if v in options],
                               format_func=_blanks(), key=f"{key}_values_{column}")
    if not values:
        st.caption(_("Choose at least one value, or untick the condition."))
        return None
    return {"column": column, ("in" if op == _IN else "not_in"): list(values)}


def _value_map(entity: str, field: Any, key: str, raw: pd.DataFrame, column: str,
               base: dict[str, str]) -> dict[str, str]:
    """One select box per distinct value of ``column``: the value the field gets for it."""
    targets = list(loaders.load(data.field_values, entity, field.name))
    if field.vocabulary:
        name = _(vocab.VOCABULARY_KINDS[field.vocabulary]).lower()
        st.caption(_("Your {vocabulary}: {values}. A value left as written and not in your {vocabulary} can be added "
                     "after the check.").format(vocabulary=name, values=plain(", ".join(targets)) or _("none yet")))
    elif targets:
        st.caption(_("{field} accepts: {values}.").format(field=field.name, values=plain(", ".join(targets))))
    values = data.distinct_values(raw, column, limit=VALUES_SHOWN)
    if len(values) == VALUES_SHOWN:
        st.caption(_("The {n} most frequent values of '{column}'; the others are imported as written.").format(
            n=VALUES_SHOWN, column=plain(column)))
    out: dict[str, str] = {}
    as_written = _(AS_WRITTEN)
    grid = st.columns(3)
    for i, (value, rows) in enumerate(zip(values["value"], values["rows"])):
        current = base.get(value)
        options = list(dict.fromkeys([AS_WRITTEN, *targets, *([current] if current else [])]))
        # The English reads "(1 rows)" as it always has; a language with forms has them.
        pick = grid[i % 3].selectbox(ngettext("{value} ({n} rows)", "{value} ({n} rows)", rows).format(
                                         value=plain(_blank(value)), n=formats.decimal(rows)), options,
                                     format_func=lambda o: as_written if o == AS_WRITTEN else o,
                                     index=options.index(current) if current in options else 0,
                                     key=f"{key}_value_{column}_{i}")
        if pick != AS_WRITTEN:
            out[value] = pick
    # Values mapped by a loaded mapping that this file's most frequent values do not show are kept.
    out.update({k: v for k, v in base.items() if k not in set(values["value"])})
    return out


def rule_details(entity: str, field: Any, pick: str, base: dict[str, Any] | None, key: str,
                 columns: list[str], raw: pd.DataFrame) -> dict[str, Any]:
    """The rule of ``field`` whose source select box shows ``pick`` (a column or one of
    ``SPECIAL``), with the inputs it needs; ``base`` is the rule the screen started from."""
    base = base or {}
    kind = SPECIAL.get(pick)
    if kind == "constant":
        rule: dict[str, Any] = {"constant": st.text_input(
            _("Value"), value=base.get("constant", ""), key=f"{key}_constant",
            help=_("Imported on every row. Format: {format}.").format(format=field.format_hint()))}
    elif kind in ("months_before", "times"):
        left, right = st.columns(2)
        start = base.get("column") if base.get("column") in columns else columns[0]
        rule = {"derive": kind, "column": left.selectbox(_("From the column"), columns, index=columns.index(start),
                                                          key=f"{key}_column")}
        if kind == "months_before":
            day = base.get("date")
            rule["date"] = right.date_input(
                _("Count the months back from"), value=dt.date.fromisoformat(day) if day else dt.date.today(),
                key=f"{key}_date", help=_("For example the day of the export: signed on = that day minus the "
                                          "tenure in months.")).isoformat()
        else:
            rule["factor"] = right.number_input(_("Times"), value=float(base.get("factor", 12)), format="%g",
                                                key=f"{key}_factor",
                                                help=_("For example 12: a monthly charge times 12 is a yearly one."))
        if base.get("values"):
            rule["values"] = base["values"]
    else:
        rule = {"column": pick}
        if field.kind in ("choice", "choices", "bool") or field.vocabulary:
            same = base.get("column") == pick
            values = _value_map(entity, field, key, raw, pick, base.get("values", {}) if same else {})
            if values:
                rule["values"] = values
    when = condition_editor(f"{key}_when", columns, raw, base.get("when"),
                            _("Set {field} only on some rows (blank on the others)").format(field=field.name))
    if when:
        rule["when"] = when
    return rule
