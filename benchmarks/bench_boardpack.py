"""Benchmark: time the board pack on a demo company: numbers, figures (one kaleido server), files.

    python benchmarks/bench_boardpack.py --customers 1500 [--database-url URL] [--reuse]

Prints seconds for building the pack, for the first figure (which starts Chromium), for each
further figure, and for writing the PDF, PPTX and HTML. Speed is measured here, never by timed tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cs_metrics import report  # noqa: E402
from cs_metrics.period import preset_period  # noqa: E402
from cs_metrics.services import boardpack  # noqa: E402
from cs_metrics.storage import db, demo  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--customers", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=20261)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--reuse", action="store_true", help="keep the data already in --database-url")
    args = parser.parse_args()

    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='oi-bench-')}/bench.db"
    engine = db.make_engine(url)
    db.upgrade(engine)
    as_of = dt.date.today()
    if args.reuse and not db.is_empty(engine):
        as_of = dt.date.fromisoformat(db.dataset_meta(engine).get("demo_as_of", as_of.isoformat()))
    else:
        t = time.perf_counter()
        demo.load_demo(engine, customers=args.customers, seed=args.seed, as_of=as_of, replace=True)
        print(f"demo generate+load: {time.perf_counter() - t:8.1f} s")
    period = preset_period("Last 12 months", as_of)

    t = time.perf_counter()
    pack = boardpack.build_pack(engine, period=period, as_of=as_of)
    print(f"build pack:         {time.perf_counter() - t:8.2f} s  ({len(pack.tiles)} figures, {len(pack.sections)} sections)")
    if report.chromium_path() is None:
        print("no Chromium: figures and PDF/PPTX not timed")
    else:
        for i, (area, fig) in enumerate(pack.figures.items()):
            t = time.perf_counter()
            report.figure_images({area: fig})
            label = "first figure (starts Chromium)" if i == 0 else f"figure {area}"
            print(f"{label:32s} {time.perf_counter() - t:6.2f} s")
        t = time.perf_counter()
        files = report.render_files(pack)
        print(f"all files:          {time.perf_counter() - t:8.2f} s  "
              + ", ".join(f"{k} {len(v) / 1e6:.1f} MB" for k, v in files.items()))
        report.stop_figure_server()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
