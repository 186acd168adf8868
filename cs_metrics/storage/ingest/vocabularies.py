"""The company's vocabularies during an import.

A field that holds a vocabulary (``FieldSpec.vocabulary``: segments, regions, touchpoints, churn
reasons, departments, meeting types) accepts the keys of the terms stored in the database
(``cs_metrics.storage.vocabulary``), their labels and the known spellings of the field
(``FieldSpec.synonyms``), in any case and spacing. A value that matches none is a new value: it is
imported as written (trimmed), and it is reported once, with its number of rows, until it is added
to the vocabulary (``add_new_values``, the Data page's button, ``--add-new-values``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.engine import Connection, Engine

from cs_metrics import vocab
from cs_metrics.i18n import _, formats, ngettext
from cs_metrics.storage import vocabulary
from cs_metrics.storage.entities import ENTITIES, FieldSpec, header_key, norm
from cs_metrics.storage.ingest.report import ImportReport

#: New values named in a problem's reason (all of them are in ``ImportReport.new_values``).
_KNOWN_SHOWN = 12


@dataclass
class NewValue:
    """A value of a file that its vocabulary does not hold: as written, rows, first row, where."""

    value: str
    rows: int
    first_row: int
    column: str
    field: str


@dataclass
class Vocabularies:
    """The vocabularies an import checks against (``terms``: ``kind``, ``key``, ``label``,
    ``category``, ``controllable``), and the new values found so far."""

    terms: pd.DataFrame
    new: dict[str, dict[str, NewValue]] = field(default_factory=dict)
    _lookups: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, engine: Engine) -> Vocabularies:
        """The vocabularies stored in the database."""
        return cls(vocabulary.terms(engine))

    @classmethod
    def defaults(cls) -> Vocabularies:
        """The vocabularies of a new company (``cs_metrics.vocab.default_terms``)."""
        rows = [{"kind": kind, **term} for kind, terms in vocab.default_terms().items() for term in terms]
        return cls(pd.DataFrame(rows, columns=["kind", "key", "label", "category", "controllable"]))

    def keys(self, kind: str) -> tuple[str, ...]:
        """The keys of one vocabulary, in display order."""
        return tuple(self.terms.loc[self.terms["kind"] == kind, "key"])

    def _lookup(self, f: FieldSpec) -> dict[str, str]:
        """Spelling (``norm`` and ``header_key`` forms) -> key, for field ``f``."""
        if f.name not in self._lookups:
            terms = self.terms[self.terms["kind"] == f.vocabulary]
            keys = set(terms["key"])
            lookup: dict[str, str] = {}
            for spelling, key in [*((s, k) for s, k in f.synonyms if k in keys),
                                  *zip(terms["label"], terms["key"]), *zip(terms["key"], terms["key"])]:
                # Keys win over labels, labels over synonyms (later entries overwrite earlier ones).
                lookup[norm(spelling)] = key
                lookup[header_key(spelling)] = key
            self._lookups[f.name] = lookup
        return self._lookups[f.name]

    def resolve(self, f: FieldSpec, text: str, *, rows: int, first_row: int, column: str) -> str:
        """The key ``text`` stands for in the vocabulary of ``f``; a new value comes back as written
        (the first spelling seen, trimmed) and is counted (``rows``) for the report, unless it is
        longer than the field allows (then it only comes back, for the field to refuse)."""
        lookup = self._lookup(f)
        key = lookup.get(norm(text)) or lookup.get(header_key(text))
        if key is not None:
            return key
        if f.max_length and len(text.strip()) > f.max_length:
            return text.strip()
        group = header_key(text) or text.strip()
        found = self.new.setdefault(f.vocabulary, {}).get(group)
        if found is None:
            found = self.new[f.vocabulary][group] = NewValue(text.strip(), 0, first_row, column, f.name)
        found.rows += rows
        found.first_row = min(found.first_row, first_row)
        return found.value

    def reason_defaults(self, key: str | None) -> tuple[str | None, bool | None]:
        """The category and controllability of a churn reason's term (None, None when unknown)."""
        hit = self.terms[(self.terms["kind"] == "churn_reason") & (self.terms["key"] == key)]
        if key is None or hit.empty:
            return None, None
        controllable = hit["controllable"].iloc[0]
        return hit["category"].iloc[0], (None if controllable is None or pd.isna(controllable) else bool(controllable))

    def report_new(self, report: ImportReport, *, add: bool) -> None:
        """Put the new values in ``report.new_values``; unless they are to be added (``add``), each is
        a problem of kind ``unknown value`` (one per value, with its number of rows)."""
        for kind, values in self.new.items():
            if not values:
                continue
            label = _(vocab.VOCABULARY_KINDS[kind]).lower()
            report.new_values[kind] = {v.value: v.rows for v in values.values()}
            if add:
                shown = ", ".join(repr(v.value) for v in list(values.values())[:_KNOWN_SHOWN])
                more = (_(" and {n} more").format(n=formats.decimal(len(values) - _KNOWN_SHOWN))
                        if len(values) > _KNOWN_SHOWN else "")
                report.notes.append(ngettext("{n} new value for your {vocabulary}, added with the import: {values}.",
                                             "{n} new values for your {vocabulary}, added with the import: {values}.",
                                             len(values)).format(n=formats.decimal(len(values)), vocabulary=label,
                                                                 values=shown + more))
                continue
            known = ", ".join(self.keys(kind)[:_KNOWN_SHOWN]) or _("none yet")
            for v in values.values():
                report.add(v.first_row, v.column, v.value, ngettext(
                    "{field} {value} is not in your {vocabulary} ({n} row). Add it to your {vocabulary}, or map it "
                    "to a known value ({known}).",
                    "{field} {value} is not in your {vocabulary} ({n} rows). Add it to your {vocabulary}, or map it "
                    "to a known value ({known}).", v.rows).format(
                        field=v.field, value=repr(v.value), vocabulary=label, n=formats.decimal(v.rows), known=known),
                    "unknown value")

    def add_new(self, conn: Connection) -> int:
        """Add every new value to its vocabulary, inside the caller's transaction; returns how many."""
        return sum(vocabulary.add_terms(conn, kind, [v.value for v in values.values()])
                   for kind, values in self.new.items() if values)


def field_values(engine: Engine, entity: str, field_name: str) -> tuple[str, ...]:
    """The values a field accepts: its vocabulary's keys, its fixed choices, or ``yes``/``no`` for a
    yes/no field (empty for a free field), e.g. to map a file's values onto them."""
    f = ENTITIES[entity].field(field_name)
    if f.vocabulary:
        return vocabulary.keys(engine, f.vocabulary)
    if f.kind == "bool":
        return ("yes", "no")
    return f.choices


def add_new_values(engine: Engine, kind: str, values: list[str]) -> int:
    """Add values found in a file (``ImportReport.new_values[kind]``) to the vocabulary ``kind``;
    returns how many were new."""
    return vocabulary.add_terms(engine, kind, values)
