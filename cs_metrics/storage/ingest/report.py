"""What an import found or wrote: the problems of a file (row, column, value, reason, kind), counted
and listed by kind so that no kind hides another, the values that are not yet in the company's
vocabularies, and the counts of rows inserted, updated, left as they were or left out."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cs_metrics.i18n import N_, _, formats, ngettext

#: Problems kept in detail per kind (all of them are counted): a kind with thousands of rows never
#: crowds the other kinds out of the listing.
MAX_PROBLEMS_PER_KIND = 1_000
#: Rows shown as examples beside the count of each kind (``ImportReport.problem_groups``).
EXAMPLES_PER_KIND = 5

#: Every kind of problem. A kind is data (the key of ``ImportReport.problem_counts``, tested and
#: stored in English); ``kind_label`` gives its name in the reader's language.
KINDS = (
    N_("file too large"), N_("empty file"), N_("wrong file type"), N_("encoding"), N_("not a table"),
    N_("mixed encoding"), N_("wrong number of values"), N_("no rows"), N_("formula"), N_("missing column"),
    N_("duplicate column"), N_("id differs by case"), N_("unmapped customer column"), N_("ambiguous number"),
    N_("wrong type"), N_("out of range"), N_("unknown value"), N_("bad date"), N_("date in the future"),
    N_("too long"), N_("bad value"), N_("missing required value"), N_("unknown customer"), N_("duplicate key"),
    N_("unknown team"), N_("inconsistent rows"), N_("active with churn date"), N_("renewal before signing"),
    N_("churn before signing"), N_("churn of a current customer"), N_("churn date differs"),
    N_("milestone before signing"), N_("closed round"), N_("incomplete assessment"), N_("internal"), N_("file"),
    N_("mapping"), N_("database"), N_("database not empty"), N_("unknown table"), N_("unknown column"),
)


def kind_label(kind: str) -> str:
    """A kind of problem as the reader reads it (``KINDS``; an unknown kind as it is).

    >>> kind_label("wrong type")
    'wrong type'
    """
    return _(kind) if kind in KINDS else kind


@dataclass(frozen=True)
class Problem:
    """One reason a file cannot be imported as it is. ``row`` is the row number a spreadsheet shows
    (the header is row 1); ``None`` for problems of the whole file."""

    row: int | None
    column: str | None
    value: str
    reason: str
    kind: str


@dataclass
class ImportReport:
    """What a dry run found, or what a commit wrote."""

    entity: str
    source_file: str
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_counts: Counter = field(default_factory=Counter)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    committed: bool = False
    dry_run: bool = True
    file_format: dict[str, str] = field(default_factory=dict)
    mapping: dict[str, str | None] = field(default_factory=dict)
    spec: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    skipped: int = 0
    new_values: dict[str, dict[str, int]] = field(default_factory=dict)
    raw: pd.DataFrame | None = field(default=None, repr=False)
    _listed: Counter = field(default_factory=Counter, repr=False)

    @property
    def ok(self) -> bool:
        """True when there is nothing to fix."""
        return not self.problem_counts

    @property
    def problem_total(self) -> int:
        """Problems found, all kinds together (also those not listed in detail)."""
        return sum(self.problem_counts.values())

    def add(self, row: int | None, column: str | None, value: Any, reason: str, kind: str) -> None:
        """Count one problem of ``kind`` and keep it in detail while fewer than
        ``MAX_PROBLEMS_PER_KIND`` of that kind are."""
        self.problem_counts[kind] += 1
        if self._listed[kind] < MAX_PROBLEMS_PER_KIND:
            self._listed[kind] += 1
            self.problems.append(Problem(row, column, shorten(value), reason, kind))

    def problems_frame(self) -> pd.DataFrame:
        """Problems as a table (``row``, ``column``, ``value``, ``reason``, ``kind``), whole-file ones
        first, then by row."""
        ordered = sorted(self.problems, key=lambda p: -1 if p.row is None else p.row)
        return pd.DataFrame(
            [p.__dict__ for p in ordered], columns=["row", "column", "value", "reason", "kind"]
        ).astype({"row": "Int64"})

    def problem_groups(self, examples: int = EXAMPLES_PER_KIND) -> pd.DataFrame:
        """Every kind of problem with its count and its first examples, most frequent first.

        Columns: ``kind`` (its name in the reader's language, ``kind_label``), ``problems`` (all of
        them counted), ``rows`` (the file's row numbers of the first ``examples`` problems of the
        kind, ``-`` for problems of the whole file) and ``example`` (the reason of the first one).

        Example
        -------
        >>> r = ImportReport("revenue", "r.csv")
        >>> for row in (2, 3, 4):
        ...     r.add(row, "mrr", "x", "mrr is not a number.", "wrong type")
        >>> r.add(5, "month", "y", "month is not a date.", "bad date")
        >>> r.problem_groups(examples=2).to_dict("records")[0]
        {'kind': 'wrong type', 'problems': 3, 'rows': '2, 3', 'example': 'mrr is not a number.'}
        """
        first: dict[str, list[Problem]] = {}
        for p in sorted(self.problems, key=lambda p: -1 if p.row is None else p.row):
            first.setdefault(p.kind, []).append(p)
        records = []
        for kind, n in self.problem_counts.most_common():
            shown = first.get(kind, [])[:examples]
            rows = dict.fromkeys("-" if p.row is None else f"{p.row}" for p in shown)
            records.append({"kind": kind_label(kind), "problems": n, "rows": ", ".join(rows),
                            "example": shown[0].reason if shown else ""})
        return pd.DataFrame(records, columns=["kind", "problems", "rows", "example"])

    def problem_examples(self, examples: int = EXAMPLES_PER_KIND) -> pd.DataFrame:
        """The first ``examples`` problems of each kind (columns as ``problems_frame``), by row."""
        seen: Counter = Counter()
        kept = []
        for p in sorted(self.problems, key=lambda p: -1 if p.row is None else p.row):
            if seen[p.kind] < examples:
                seen[p.kind] += 1
                kept.append(p)
        return pd.DataFrame([p.__dict__ for p in kept], columns=["row", "column", "value", "reason", "kind"]
                            ).astype({"row": "Int64"})

    def problem_rows_csv(self) -> bytes:
        """The rows of the file that have problems, as read, with a ``problems`` column (UTF-8 CSV)."""
        reasons: dict[int, list[str]] = {}
        for p in self.problems:
            if p.row is not None:
                reasons.setdefault(p.row, []).append(f"{p.column}: {p.reason}" if p.column else p.reason)
        if self.raw is None or not reasons:
            frame = self.problems_frame()
        else:
            frame = self.raw.loc[self.raw.index.isin(list(reasons))].copy()
            frame.insert(0, "row", frame.index)
            frame["problems"] = [" | ".join(reasons[i]) for i in frame.index]
        buffer = io.StringIO()
        frame.map(_neutralise).to_csv(buffer, index=False)
        return buffer.getvalue().encode("utf-8-sig")

    def summary(self) -> str:
        """One paragraph for a person (and the command line), in the reader's language."""
        name = f"{self.source_file}: " if self.source_file else ""
        if not self.ok:
            kinds = ", ".join(_("{n} × {kind}").format(n=formats.decimal(n), kind=kind_label(k))
                              for k, n in self.problem_counts.most_common())
            total = self.problem_total
            return name + ngettext("{n} problem ({kinds}). Nothing was written; fix the file and check it again.",
                                   "{n} problems ({kinds}). Nothing was written; fix the file and check it again.",
                                   total).format(n=formats.decimal(total), kinds=kinds)
        left_out = (" " + ngettext("{n} row left out by the mapping (see the notes).",
                                   "{n} rows left out by the mapping (see the notes).",
                                   self.skipped).format(n=formats.decimal(self.skipped))
                    if self.skipped else "")
        counts = {"rows": formats.decimal(self.rows), "inserted": formats.decimal(self.inserted),
                  "updated": formats.decimal(self.updated), "unchanged": formats.decimal(self.unchanged)}
        # English says "rows" whatever the count (its text is relied upon); Italian agrees with it.
        if self.committed:
            text = ngettext("{rows} rows read, no problems: inserted {inserted}, updated {updated}, "
                            "{unchanged} already identical.",
                            "{rows} rows read, no problems: inserted {inserted}, updated {updated}, "
                            "{unchanged} already identical.", self.rows).format(**counts)
        else:
            text = ngettext("{rows} rows read, no problems: would insert {inserted}, would update {updated}, "
                            "{unchanged} already identical.",
                            "{rows} rows read, no problems: would insert {inserted}, would update {updated}, "
                            "{unchanged} already identical.", self.rows).format(**counts)
        return f"{name}{text}{left_out}"


def shorten(value: Any, limit: int = 120) -> str:
    """``value`` as text of at most ``limit`` characters (an ellipsis marks a cut).

    Example
    -------
    >>> shorten("abcdef", 4), shorten(None)
    ('abc…', '')
    """
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with a quote (CSV exports only)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r", "'"):
        return "'" + value
    return value
