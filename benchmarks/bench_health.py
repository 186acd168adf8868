"""Benchmark: generate a large demo company, then time what the Health page computes on it.

    python benchmarks/bench_health.py --customers 100000 [--database-url URL] [--reuse]

Prints seconds for the SQL pivot of 12 months of signals, the scoring, the back-test (one month and
every month), band movement and the at-risk list, plus the peak memory (max RSS) of this process.
Speed is measured here, never by timed tests.
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

from cs_metrics import health  # noqa: E402
from cs_metrics.period import preset_period  # noqa: E402
from cs_metrics.selection import ALL  # noqa: E402
from cs_metrics.services import health as service  # noqa: E402
from cs_metrics.storage import db, demo  # noqa: E402
from cs_metrics.storage.queries import health as hq  # noqa: E402


def _timed(label: str, fn):
    t = time.perf_counter()
    out = fn()
    print(f"{label:28s} {time.perf_counter() - t:8.2f} s")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--reuse", action="store_true", help="keep the data already in --database-url")
    args = parser.parse_args()

    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='oi-bench-')}/bench.db"
    as_of = dt.date.today()
    engine = db.make_engine(url)
    db.upgrade(engine)
    if args.reuse and not db.is_empty(engine):
        as_of = dt.date.fromisoformat(db.dataset_meta(engine).get("demo_as_of", as_of.isoformat()))
    else:
        _timed("demo generate+load", lambda: demo.load_demo(engine, customers=args.customers, seed=args.seed,
                                                            as_of=as_of, replace=True))
    period = preset_period("Last 12 months", as_of)
    model = service.load_model(engine)
    wide = _timed("signal pivot (SQL, 12 months)", lambda: hq.signal_matrix(
        engine, start=period.start, end=period.end, signals=tuple(model["signals"]), flt=ALL))
    scores = _timed("scoring", lambda: health.score_wide(wide, model, keep_raw=True))
    print(f"{'customer-months scored':28s} {len(scores):8,d}")
    churn = _timed("churn dates", lambda: service.churn_dates(engine, flt=ALL))
    result = _timed("back-test, latest month", lambda: health.backtest(scores, churn, as_of=as_of))
    print(f"{'  AUC (95% CI)':28s} {result.auc.auc:8.3f} ({result.auc.low:.3f}-{result.auc.high:.3f}), "
          f"{result.churned} churned of {result.n:,}")
    _timed("back-test, every month", lambda: health.backtest_by_month(scores, churn, as_of=as_of))
    months = health.scored_months(scores)
    if len(months) > 1:
        _timed("band movement", lambda: health.movement(scores, churn, start_month=months[0], end_month=months[-1]))
        latest, previous = health.month_rows(scores, months[-1]), health.month_rows(scores, months[-2])
        _timed("at-risk list", lambda: health.at_risk(latest, previous))
        _timed("histogram + shares by owner", lambda: (health.score_histogram(latest),
                                                      health.band_shares_by(latest, "owner")))
    print(f"{'peak memory (RSS)':28s} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
