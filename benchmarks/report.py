"""The benchmark's figures against their targets: one row per figure, printed as a table and written
as Markdown with the machine the run came from."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sqlite3
import subprocess
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]

# Targets (issue "Fast at a large company"): stated for 100,000 customers, the pages' 0.5 s for
# 1,500 customers. Sizes in decimal units: 1 MB = 1,000,000 bytes, 1 GB = 1,000,000,000 bytes.
LARGE = 100_000
SMALL = 1_500
FIRST_RUN = 1.0
FILTER_CHANGE = 0.3
SMALL_PAGE = 0.5
PAGE_BYTES = 1_000_000
SERVER_PEAK = 1_500_000_000
BOARD_PACK = 10.0
IMPORT = 30.0
DEMO = 120.0
DUCKDB_RATIO = 3.0


@dataclass
class Row:
    """One figure: what was measured, its value in ``unit`` (s, bytes, ratio), the limit it must
    stay at or under (None: shown without a target), and a note or an error."""

    section: str
    figure: str
    value: float | None
    unit: str
    target: float | None = None
    note: str = ""
    error: str = ""

    @property
    def result(self) -> str:
        if self.error:
            return "error"
        if self.value is None:
            return "not measured"
        if self.target is None:
            return "-"
        if self.value <= self.target:
            return "met"
        if not self.target:
            return "missed"
        times = self.value / self.target
        return f"missed (x{times:.2f})" if times < 10 else f"missed (x{times:,.0f})"

    @property
    def measured(self) -> str:
        if self.error:
            return self.error
        if self.value is None:
            return self.note or "-"
        return fmt(self.value, self.unit)

    @property
    def limit(self) -> str:
        return f"<= {fmt(self.target, self.unit)}" if self.target is not None else ""


def fmt(value: float, unit: str) -> str:
    """A value for a person: seconds with two decimals under 10 s, bytes in MB or GB, ratios as x."""
    if unit == "s":
        return f"{value:.2f} s" if value < 10 else f"{value:,.1f} s"
    if unit == "bytes":
        return f"{value / 1e9:.2f} GB" if value >= 1e9 else f"{value / 1e6:.2f} MB"
    if unit == "ratio":
        return f"x{value:.1f}"
    return f"{value:,.0f} {unit}".strip()


@dataclass
class Report:
    """Every row of a run, the page matrices, and what the run was."""

    title: str
    rows: list[Row] = field(default_factory=list)
    matrices: list[tuple[str, list[str], list[list[str]]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *args, **kwargs) -> Row:
        row = Row(*args, **kwargs)
        self.rows.append(row)
        return row

    def missed(self) -> list[Row]:
        return [r for r in self.rows if r.result.startswith("missed")]

    def met(self) -> list[Row]:
        return [r for r in self.rows if r.result == "met"]


def _table(head: list[str], body: list[list[str]]) -> list[str]:
    widths = [max(len(str(x)) for x in column) for column in zip(head, *body)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return [line(head), line(["-" * w for w in widths]), *(line(r) for r in body)]


def _markdown_table(head: list[str], body: list[list[str]]) -> list[str]:
    esc = lambda c: str(c).replace("|", "\\|")  # noqa: E731
    return [
        "| " + " | ".join(head) + " |",
        "|" + "|".join(" --- " for _ in head) + "|",
        *("| " + " | ".join(esc(c) for c in r) + " |" for r in body),
    ]


HEAD = ["section", "figure", "measured", "target", "result"]


def _body(report: Report) -> list[list[str]]:
    return [[r.section, r.figure, r.measured, r.limit, r.result] for r in report.rows]


def text_table(report: Report) -> str:
    """The report as plain text for the terminal."""
    out = [report.title, ""]
    for name, head, body in report.matrices:
        out += [name, *_table(head, body), ""]
    out += _table(HEAD, _body(report))
    out += ["", f"{len(report.met())} targets met, {len(report.missed())} missed."]
    out += report.notes
    return "\n".join(out)


def markdown(report: Report, machine: dict[str, str], command: str) -> str:
    """The report as Markdown, with the machine and the command it came from."""
    out = [f"# {report.title}", ""]
    out += [f"- **{k}**: {v}" for k, v in machine.items()]
    out += [f"- **command**: `{command}`", ""]
    for name, head, body in report.matrices:
        out += [f"## {name}", "", *_markdown_table(head, body), ""]
    out += ["## Every figure against its target", "", *_markdown_table(HEAD, _body(report)), ""]
    out += [f"{len(report.met())} targets met, {len(report.missed())} missed.", ""]
    out += [*(f"- {n}" for n in report.notes)]
    return "\n".join(out).rstrip() + "\n"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        return head + (" with uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine(engine, *, started: dt.datetime) -> dict[str, str]:
    """What the figures came from: the machine, the software, the database and the code."""
    database = f"SQLite {sqlite3.sqlite_version}"
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            database = "PostgreSQL " + conn.execute(text("SHOW server_version")).scalar_one().split()[0]
    return {
        "date": started.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{os.cpu_count()} cores ({_cpu()}), {_memory()} of memory, {platform.system()} "
        f"{platform.release()}",
        "software": f"Python {platform.python_version()}, Streamlit {_version('streamlit')}, "
        f"pandas {_version('pandas')}, SQLAlchemy {_version('SQLAlchemy')}, DuckDB {_version('duckdb')}",
        "database": database,
        "code": _commit(),
    }
