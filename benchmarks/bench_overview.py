"""Benchmark: generate a large demo company, then time the Overview's computations on it.

    python benchmarks/bench_overview.py --customers 100000 [--database-url URL]

Prints seconds for generation+load and for each Overview tile, the database size and the peak
memory (max RSS) of this process. Speed is measured here, never by timed tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cs_metrics.period import preset_period  # noqa: E402
from cs_metrics.services import overview  # noqa: E402
from cs_metrics.storage import db, demo, queries  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--reuse", action="store_true", help="keep the data already in --database-url")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="oi-bench-")
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    as_of = dt.date.today()
    engine = db.make_engine(url)
    db.upgrade(engine)

    if args.reuse and not db.is_empty(engine):
        as_of = dt.date.fromisoformat(db.dataset_meta(engine).get("demo_as_of", as_of.isoformat()))
        print(f"reusing the data in {db.safe_url(url)} (as of {as_of})")
    else:
        t0 = time.perf_counter()
        counts = demo.load_demo(engine, customers=args.customers, seed=args.seed, as_of=as_of, replace=True)
        t_load = time.perf_counter() - t0
        print(f"demo generate+load: {t_load:8.1f} s  ({sum(counts.values()):,} rows; "
              + ", ".join(f"{k} {v:,}" for k, v in counts.items() if v) + ")")

    period = preset_period("Last 12 months", as_of)
    flt = queries.ALL
    frame_t = time.perf_counter()
    customers = queries.customers(engine, flt=flt)
    print(f"customers query:    {time.perf_counter() - frame_t:8.2f} s")
    for name, fn in (
        ("NPS tile", lambda: [overview.nps_tile(engine, period=period, flt=flt)]),
        ("health tiles", lambda: overview.health_tiles(engine, period=period, flt=flt)),
        ("TTFV tiles", lambda: overview.ttfv_tiles(engine, period=period, flt=flt, as_of=as_of, customers=customers)),
        ("retention tiles", lambda: overview.retention_tiles(engine, period=period, flt=flt, customers=customers)),
        ("customers tiles", lambda: overview.customers_tiles(engine, period=period, flt=flt, customers=customers)),
    ):
        t = time.perf_counter()
        tile = fn()[0]
        print(f"{name:18s}  {time.perf_counter() - t:8.2f} s  value={tile.value:.4g} n={tile.n:,}")
    t = time.perf_counter()
    overview.overview_tiles(engine, period=period, as_of=as_of)
    print(f"all Overview tiles: {time.perf_counter() - t:8.2f} s")
    if url.startswith("sqlite:///"):
        size = Path(url.removeprefix("sqlite:///")).stat().st_size
        print(f"database size:      {size / 1e6:8.1f} MB")
    print(f"peak memory (RSS):  {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
