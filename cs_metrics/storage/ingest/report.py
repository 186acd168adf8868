"""What an import found or wrote: the problems of a file (row, column, value, reason, kind), counted
and listed by kind so that no kind hides another, the values that are not yet in the company's
vocabularies, and the counts of rows inserted, updated, left as they were or left out."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

#: Problems kept in detail per kind (all of them are counted): a kind with thousands of rows never
#: crowds the other kinds out of the listing.
MAX_PROBLEMS_PER_KIND = 1_000
#: Rows shown as examples beside the count of each kind (``ImportReport.problem_groups``).
EXAMPLES_PER_KIND = 5


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

        Columns: ``kind``, ``problems`` (all of them counted), ``rows`` (the file's row numbers of
        the first ``examples`` problems of the kind, ``-`` for problems of the whole file) and
        ``example`` (the reason of the first one).

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
            records.append({"kind": kind, "problems": n, "rows": ", ".join(rows),
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
        """One paragraph for a person (and the command line)."""
        name = f"{self.source_file}: " if self.source_file else ""
        if not self.ok:
            kinds = ", ".join(f"{n:,} × {k}" for k, n in self.problem_counts.most_common())
            return (f"{name}{self.problem_total:,} problem{'s' * (self.problem_total != 1)} ({kinds}). "
                    "Nothing was written; fix the file and check it again.")
        verb = "would insert" if not self.committed else "inserted"
        verb2 = "would update" if not self.committed else "updated"
        left_out = (f" {self.skipped:,} row{'s' * (self.skipped != 1)} left out by the mapping (see the notes)."
                    if self.skipped else "")
        return (f"{name}{self.rows:,} rows read, no problems: {verb} {self.inserted:,}, {verb2} "
                f"{self.updated:,}, {self.unchanged:,} already identical.{left_out}")


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
