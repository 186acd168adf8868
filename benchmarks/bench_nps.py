"""Benchmark: the NPS page's reads and computations, then a filter change on the real page.

    python benchmarks/bench_nps.py [--customers 1500] [--database-url URL] [--reuse]

Prints seconds for each read and computation of the NPS page (all customers, then one segment),
then, with AppTest, how long the page takes to re-render after a segment filter changes (cold
cache for the new filter) and after a rerun with warm caches. Speed is measured here, never by
timed tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cs_metrics import nps, text  # noqa: E402
from cs_metrics.charts import nps as charts  # noqa: E402
from cs_metrics.period import preset_period  # noqa: E402
from cs_metrics.selection import ALL, CustomerFilter  # noqa: E402
from cs_metrics.storage import db, demo  # noqa: E402
from cs_metrics.services import nps as data  # noqa: E402


def _timed(label: str, fn):
    t = time.perf_counter()
    out = fn()
    print(f"  {label:24s} {1000 * (time.perf_counter() - t):8.1f} ms")
    return out


def page_work(engine, period, flt) -> None:
    """Everything the page reads and computes for one selection, in page order."""
    cur, prev = period, period.previous()
    _timed("invalid scores", lambda: data.invalid_scores(engine, flt=flt))
    _timed("NPS tile (2 periods, sparkline)", lambda: data.nps_tile(engine, period=cur, previous=prev, flt=flt))
    _timed("response and comment rates", lambda: data.rates(engine, period=cur, flt=flt))
    trend = _timed("trend", lambda: data.trend(engine, start=prev.start, end=cur.end, flt=flt))
    _timed("trend chart", lambda: charts.trend_chart(trend, current_start=cur.start))
    groups = _timed("breakdown", lambda: data.breakdown(engine, period=cur, by="segment", flt=flt))
    _timed("breakdown chart", lambda: charts.breakdown_chart(groups, by="segment"))
    dist = _timed("score distribution", lambda: data.score_distribution(engine, period=cur, flt=flt))
    _timed("distribution chart", lambda: charts.distribution_chart(dist))
    written = _timed("verbatims", lambda: data.verbatims(engine, period=cur, flt=flt))
    for code in text.LANGUAGES:
        words = _timed(f"words ({code})", lambda: text.distinguishing_words(written, language=code))
        _timed(f"words chart ({code})", lambda: charts.words_chart(words))
    themes = _timed("themes", lambda: text.theme_table(written))
    _timed("themes chart", lambda: charts.themes_chart(themes))
    loop = _timed("follow-up queue", lambda: data.follow_up_queue(engine, period=cur, as_of=cur.last, flt=flt))
    _timed("follow-up summary", lambda: nps.follow_up_summary(loop, as_of=cur.last))


def page_rerender(url: str) -> None:
    """Time the real page in AppTest: first render, a segment filter change, a warm rerun."""
    from streamlit.testing.v1 import AppTest

    os.environ["DATABASE_URL"] = url
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/nps.py")
    for label, segments in (("first render", None), ("segment filter change", ["SMB"]), ("warm rerun", ["SMB"])):
        if segments is not None:
            at.session_state["filter_segments"] = segments
        t = time.perf_counter()
        at.run()
        print(f"  {label:24s} {time.perf_counter() - t:8.2f} s{'  EXCEPTION' if at.exception else ''}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=demo.DEFAULT_CUSTOMERS)
    parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--reuse", action="store_true", help="keep the data already in --database-url")
    parser.add_argument("--no-page", action="store_true", help="skip the AppTest re-render timing")
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
        print(f"demo generate+load: {time.perf_counter() - t:.1f} s ({args.customers:,} customers)")
    period = preset_period("Last 12 months", as_of)
    for label, flt in (("all customers", ALL), ("segment SMB", CustomerFilter(segments=("SMB",)))):
        print(f"NPS page work, {label}:")
        t = time.perf_counter()
        page_work(engine, period, flt)
        print(f"  {'total':24s} {time.perf_counter() - t:8.2f} s")
    if not args.no_page:
        print("NPS page in AppTest:")
        page_rerender(url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
