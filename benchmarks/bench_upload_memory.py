"""Benchmark: the memory a dry run of an uploaded file takes, to set the largest upload the server allows.

    python benchmarks/bench_upload_memory.py [--mb 10 25 50] [--entities revenue nps_responses]

For each entity and size, writes a file the way company exports are written (revenue: semicolons,
decimal commas, dd/mm/yyyy; NPS answers: a comment of about 120 characters per row), then, in a
fresh process holding the file's bytes as the Data page does, runs ``ingest.dry_run`` and reads the
process's peak resident memory (max RSS) before and after. Prints seconds, the peak and the memory
the dry run added per MB of file. ``MAX_FILE_BYTES`` (``cs_metrics.storage.ingest.readers``) and
``server.maxUploadSize`` (``.streamlit/config.toml``) are chosen from this: the server's page peak
plus the largest upload's dry run stays within the 1.5 GB memory target. Memory is measured here,
never by timed tests.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CUSTOMERS = 20_000
COMMENT = ("Il servizio è buono ma la reportistica è lenta; abbiamo aperto tre ticket sul modulo fatture "
           "e aspettiamo ancora risposta.")


def _customers_file(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("customer_id,name,segment,region,signed_on,arr\n")
        for c in range(CUSTOMERS):
            out.write(f"K{c:06d},Cliente {c},SMB,Italy,2021-12-01,{12_000 + c % 500}\n")


def _write(entity: str, path: Path, megabytes: float) -> int:
    """A file of about ``megabytes`` MB for ``entity``; returns its rows."""
    limit = int(megabytes * 1024 * 1024)
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        if entity == "revenue":
            out.write("Codice cliente;Mese;Canone mensile\n")
        else:
            out.write("response_id,customer_id,responded_on,score,comment\n")
        while out.tell() < limit:
            c = rows % CUSTOMERS
            if entity == "revenue":
                # One row per customer and month: month k of customer c, never twice the same pair.
                k = rows // CUSTOMERS
                out.write(f"K{c:06d};01/{k % 12 + 1:02d}/{2000 + k // 12};{1000 + c % 500},{k % 100:02d}\n")
            else:
                out.write(f"R{rows:09d},K{c:06d},{2024 + rows % 2}-{rows % 12 + 1:02d}-{rows % 28 + 1:02d},"
                          f"{rows % 11},\"{COMMENT} #{rows}\"\n")
            rows += 1
    return rows


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(entity: str, path: str, url: str) -> None:
    """In a fresh process: hold the file's bytes, dry-run them, print the peaks as JSON."""
    from cs_metrics.storage import db, ingest

    engine = db.make_engine(url)
    data = Path(path).read_bytes()
    before = _peak_mb()
    start = time.perf_counter()
    report = ingest.dry_run(engine, entity, data, filename=Path(path).name)
    seconds = time.perf_counter() - start
    print(json.dumps({"before": before, "peak": _peak_mb(), "seconds": seconds, "ok": report.ok,
                      "problems": [str(p) for p in report.problems[:3]]}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, nargs="+", default=[10, 25, 50])
    parser.add_argument("--entities", nargs="+", default=["revenue", "nps_responses"])
    parser.add_argument("--child", nargs=3, metavar=("ENTITY", "FILE", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0

    from cs_metrics.storage import db, ingest

    folder = Path(tempfile.mkdtemp(prefix="oi-bench-upload-"))
    url = f"sqlite:///{folder}/bench.db"
    engine = db.make_engine(url)
    db.upgrade(engine)
    people = folder / "customers.csv"
    _customers_file(people)
    if not ingest.commit(engine, "customers", people.read_bytes(), filename=people.name).committed:
        raise SystemExit("the customers file was refused")
    engine.dispose()
    print(f"{'entity':<14} {'file MB':>8} {'rows':>10} {'seconds':>8} {'peak MB':>8} {'added MB':>9} {'per MB':>7}")
    for entity in args.entities:
        for mb in args.mb:
            path = folder / f"{entity}-{mb:g}.csv"
            rows = _write(entity, path, mb)
            out = subprocess.run([sys.executable, __file__, "--child", entity, str(path), url], check=True,
                                 capture_output=True, text=True).stdout.strip().splitlines()[-1]
            got = json.loads(out)
            size = path.stat().st_size / 1024 / 1024
            added = got["peak"] - got["before"]
            print(f"{entity:<14} {size:8.1f} {rows:10,} {got['seconds']:8.1f} {got['peak']:8.0f} {added:9.0f} "
                  f"{added / size:7.1f}{'' if got['ok'] else '  problems: ' + '; '.join(got['problems'])}",
                  flush=True)
            path.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
