"""The company a benchmark runs on: a database made ready, the demo company generated into it (timed
in a process of its own, as ``python -m cs_metrics.storage.demo`` runs) or reused, and its health
scores stored before any page is timed."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from cs_metrics.services import data, health
from cs_metrics.storage import db

ROOT = Path(__file__).resolve().parents[1]
#: Where the benchmark keeps its SQLite databases (ignored by git).
OUT = ROOT / "benchmarks" / "out"


@dataclass
class Company:
    """A company ready to be measured.

    ``built_seconds`` and ``built_peak_bytes`` are those of the demo generator (None when the
    data was reused); ``rescore_seconds`` is the time taken to store the health scores of the
    months that had none (or stale ones) before the pages were timed.
    """

    url: str
    customers: int
    as_of: dt.date
    backend: str
    summary: str = ""
    built_seconds: float | None = None
    built_peak_bytes: int | None = None
    rescore_seconds: float | None = None
    rescored_months: int = 0
    rescored_rows: int = 0


def sqlite_url(label: str) -> str:
    """A SQLite file under ``benchmarks/out`` named after the company."""
    OUT.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{OUT / label}.db"


def backend_of(url: str) -> str:
    """``sqlite`` or ``postgresql``."""
    return make_url(url).get_backend_name()


def sibling_url(url: str, suffix: str) -> str:
    """A second database beside ``url``: ``<name>_<suffix>`` on the same PostgreSQL server, or a
    SQLite file of that name under ``benchmarks/out``."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return parsed.set(database=f"{parsed.database}_{suffix}").render_as_string(hide_password=False)
    return sqlite_url(f"{Path(parsed.database or 'bench').stem}_{suffix}")


def ensure_database(url: str) -> None:
    """Create a PostgreSQL database that does not exist yet (nothing is ever dropped here)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            found = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}
            ).first()
            if found is None:
                conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        admin.dispose()


def drop_database(url: str) -> None:
    """Drop a PostgreSQL database the benchmark created for itself (the import's empty one), or
    delete such a SQLite file."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    finally:
        admin.dispose()


def run_measured(command: list[str], *, env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Run ``command``; return its wall time in seconds, its peak resident memory in bytes and its
    output (standard output and error together). Raises RuntimeError when it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command[1:4])} failed ({proc.returncode}):\n{out.strip()}")
    return seconds, int(usage.ru_maxrss) * 1024, out


def reference_date(engine: Engine) -> dt.date:
    """The day the app's periods end on: today, or the latest activity when the data ends earlier
    (as ``ui.filters.reference_date``)."""
    latest = data.data_extent(engine)["latest"]
    today = dt.date.today()
    return min(today, latest) if latest else today


def prepare(
    url: str, *, size: str | None, customers: int | None, seed: int, reuse: bool, say=print
) -> Company:
    """Make the company ready: reuse the data in ``url`` (with ``reuse`` and data present) or
    generate the demo company into it, then store its health scores."""
    ensure_database(url)
    engine = db.make_engine(url)
    db.upgrade(engine)
    built_seconds = peak = None
    summary = ""
    if reuse and not db.is_empty(engine):
        say(f"Reusing the company in {db.safe_url(url)}.")
    else:
        command = [
            sys.executable,
            "-m",
            "cs_metrics.storage.demo",
            "--database-url",
            url,
            "--seed",
            str(seed),
            "--replace",
        ]
        if size:
            command += ["--size", size]
        if customers:
            command += ["--customers", str(customers)]
        say(f"Generating the demo company into {db.safe_url(url)}: {' '.join(command[3:])}")
        engine.dispose()
        built_seconds, peak, out = run_measured(command)
        summary = out.strip().splitlines()[-1] if out.strip() else ""
        say(f"  {summary}")
    meta = db.dataset_meta(engine)
    count = int(meta.get("demo_customers") or 0) or _customer_count(engine)
    company = Company(
        url=url,
        customers=count,
        as_of=reference_date(engine),
        backend=backend_of(url),
        summary=summary,
        built_seconds=built_seconds,
        built_peak_bytes=peak,
    )
    stale = health.stale_months(engine)
    start = time.perf_counter()
    company.rescored_rows = health.rescore(engine, months=stale) if stale else 0
    company.rescore_seconds = time.perf_counter() - start
    company.rescored_months = len(stale)
    if stale:
        say(
            f"  health scores stored for {len(stale)} months ({company.rescored_rows:,} customer-months) "
            f"in {company.rescore_seconds:.1f} s"
        )
    engine.dispose()
    return company


def _customer_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM customer")).scalar_one())
