"""What an import found or wrote: the problems of a file (row, column, value, reason, kind) and the
counts of rows inserted, updated and left as they were."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

#: Problems kept in detail per report (all of them are counted).
MAX_PROBLEMS_LISTED = 5_000


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
    notes: list[str] = field(default_factory=list)
    raw: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        """True when there is nothing to fix."""
        return not self.problem_counts

    @property
    def problem_total(self) -> int:
        """Problems found, all kinds together (also those not listed in detail)."""
        return sum(self.problem_counts.values())

    def add(self, row: int | None, column: str | None, value: Any, reason: str, kind: str) -> None:
        """Count one problem of ``kind`` and keep it in detail while fewer than ``MAX_PROBLEMS_LISTED`` are."""
        self.problem_counts[kind] += 1
        if len(self.problems) < MAX_PROBLEMS_LISTED:
            self.problems.append(Problem(row, column, shorten(value), reason, kind))

    def problems_frame(self) -> pd.DataFrame:
        """Problems as a table (``row``, ``column``, ``value``, ``reason``, ``kind``), whole-file ones
        first, then by row."""
        ordered = sorted(self.problems, key=lambda p: -1 if p.row is None else p.row)
        return pd.DataFrame(
            [p.__dict__ for p in ordered], columns=["row", "column", "value", "reason", "kind"]
        ).astype({"row": "Int64"})

    def problem_groups(self) -> pd.DataFrame:
        """Problems counted by kind (``kind``, ``problems``), most frequent first."""
        return pd.DataFrame(self.problem_counts.most_common(), columns=["kind", "problems"])

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
            kinds = ", ".join(f"{n} × {k}" for k, n in self.problem_counts.most_common())
            return (f"{name}{self.problem_total:,} problem{'s' * (self.problem_total != 1)} ({kinds}). "
                    "Nothing was written; fix the file and check it again.")
        verb = "would insert" if not self.committed else "inserted"
        verb2 = "would update" if not self.committed else "updated"
        return (f"{name}{self.rows:,} rows read, no problems: {verb} {self.inserted:,}, {verb2} "
                f"{self.updated:,}, {self.unchanged:,} already identical.")


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
