"""Benchmark: import a 1,000,000-row monthly-revenue CSV (Italian format) into an empty database.

    python benchmarks/bench_import.py [--rows 1000000] [--database-url URL] [--json]

Writes the customers file and a revenue file with semicolons, decimal commas and dd/mm/yyyy
months, then times: the customers import, a dry run of the revenue file, its commit (one
transaction), and a second commit of the same file (nothing changes: every row is compared).
Prints seconds, rows per second, the file size and the peak memory (max RSS) of this process;
with ``--json`` also a last line of JSON with the seconds of each step (``make benchmark`` reads
it). Speed is measured here, never by timed tests.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cs_metrics.storage import db, ingest  # noqa: E402

MONTHS = 48


def write_files(folder: Path, rows: int) -> tuple[Path, Path]:
    customers = -(-rows // MONTHS)
    people = folder / "clienti.csv"
    with people.open("w", encoding="cp1252", newline="") as out:
        out.write("Codice cliente;Ragione sociale;Segmento;Regione;Data firma;ARR\r\n")
        for c in range(customers):
            out.write(f"K{c:07d};Cliente {c} S.r.l.;PMI;Italia;01/12/2021;{12_000 + c % 500:,}\r\n".replace(",", "."))
    revenue = folder / "ricavi.csv"
    with revenue.open("w", encoding="cp1252", newline="") as out:
        out.write("Codice cliente;Mese;Canone mensile\r\n")
        written = 0
        for c in range(customers):
            for k in range(MONTHS):
                if written == rows:
                    break
                out.write(f"K{c:07d};01/{k % 12 + 1:02d}/{2022 + k // 12};{1000 + c % 500},{k:02d}\r\n")
                written += 1
    return people, revenue


def timed(label: str, fn, rows: int) -> float:
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    print(f"{label:<38} {seconds:8.1f} s   {rows / seconds:>10,.0f} rows/s   {result.summary()}", flush=True)
    if not result.ok:
        for p in result.problems[:10]:
            print("   ", p)
        raise SystemExit(1)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file (must be empty)")
    parser.add_argument("--json", action="store_true", help="end with JSON: seconds per step")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="oi-bench-import-"))
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    engine = db.make_engine(url)
    db.upgrade(engine)
    start = time.perf_counter()
    people, revenue = write_files(folder, args.rows)
    print(f"files written in {time.perf_counter() - start:.1f} s: {revenue.stat().st_size / 1e6:,.1f} MB, "
          f"{args.rows:,} revenue rows; database {db.safe_url(url)}")
    customers = sum(1 for _ in people.open(encoding="cp1252")) - 1
    steps = {"rows": args.rows}
    data = revenue.read_bytes()

    def commit(entity: str, content: bytes, name: str):
        return lambda: ingest.commit(engine, entity, content, filename=name)

    def dry_run():
        return ingest.dry_run(engine, "revenue", data, filename=revenue.name)

    rows = args.rows
    steps["customers"] = timed("customers: commit", commit("customers", people.read_bytes(), people.name),
                               customers)
    steps["dry_run"] = timed("revenue: dry run", dry_run, rows)
    steps["commit"] = timed("revenue: commit (one transaction)", commit("revenue", data, revenue.name), rows)
    steps["again"] = timed("revenue: same file again (no change)", commit("revenue", data, revenue.name), rows)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:,.0f} MB")
    engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)  # the files, and the default database
    if args.json:
        print(json.dumps(steps))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
