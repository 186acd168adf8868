"""Benchmark: generate (or reuse) a large demo company, then time the stored health scores on it.

    python benchmarks/bench_health.py --customers 100000 [--database-url URL] [--reuse] [--raw]

Prints seconds for scoring every month and storing the scores, scoring again one month an import
touched, each aggregate the Health page and the Overview read from the stored scores (band counts
of 12 months, histogram, shares by owner, movement, at-risk list, back-test, AUC by month, last
bands before churn, the Overview's health tiles), and with ``--raw`` the scores of 12 months
computed from the raw signals (what every view did before scores were stored), plus the peak
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

from cs_metrics.period import add_months, preset_period  # noqa: E402
from cs_metrics.selection import ALL, CustomerFilter  # noqa: E402
from cs_metrics.services import health as service  # noqa: E402
from cs_metrics.services.overview import health_tiles  # noqa: E402
from cs_metrics.storage import db, demo  # noqa: E402
from cs_metrics.storage.queries import health_scores as hs  # noqa: E402


def _timed(label: str, fn):
    t = time.perf_counter()
    out = fn()
    print(f"{label:36s} {time.perf_counter() - t:8.2f} s", flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--reuse", action="store_true", help="keep the data already in --database-url")
    parser.add_argument("--raw", action="store_true", help="also time scoring 12 months from the raw signals")
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
    start, end = period.start, period.end
    stale = service.stale_months(engine)
    stored = _timed(f"score and store {len(stale)} stale months", lambda: service.rescore(engine))
    print(f"{'customer-months stored':36s} {stored:8,d}")
    months = hs.signal_months(engine, start=start, end=end)
    latest, previous = months[-1], months[-2]
    with engine.begin() as conn:  # what an import of signals for one month does
        hs.touch_months(conn, [previous])
    _timed("score again 1 month an import touched", lambda: service.rescore(engine))
    smb = CustomerFilter(segments=("SMB",))
    counts = _timed("band counts, 12 months", lambda: service.band_counts(engine, start=start, end=end))
    print(f"{'  customer-months counted':36s} {int(counts['n'].sum()):8,d}")
    _timed("band counts, 12 months, SMB only", lambda: service.band_counts(engine, start=start, end=end, flt=smb))
    _timed("histogram of scores", lambda: service.score_histogram(engine, month=latest))
    _timed("band shares by owner", lambda: service.band_shares_by(engine, month=latest, by="owner"))
    _timed("band movement, first to last month", lambda: service.movement(engine, first=months[0], second=latest))
    risk = _timed("at-risk list (25 largest + count)",
                  lambda: service.at_risk(engine, month=latest, previous=previous))
    print(f"{'  customers at risk':36s} {risk.attrs['n']:8,d}")
    _timed("at-risk download (all, CSV)", lambda: service.at_risk_csv(engine, month=latest, previous=previous))
    _timed("customer search", lambda: service.find_customers(engine, month=latest, text="ros"))
    _timed("one customer's scores (raw signals)",
           lambda: service.customer_scores(engine, customer_id=int(risk["customer_id"].iloc[0]), start=start, end=end))
    result = _timed("back-test, latest testable month",
                    lambda: service.health_backtest(engine, start=start, end=end, as_of=as_of))
    print(f"{'  AUC (95% CI)':36s} {result.auc.auc:8.3f} ({result.auc.low:.3f}-{result.auc.high:.3f}), "
          f"{result.churned} churned of {result.n:,}")
    _timed("AUC by month", lambda: service.auc_by_month(engine, start=start, end=end, as_of=as_of))
    _timed("bands before churn", lambda: service.churned_bands(engine, start=start, end=end))
    _timed("scores before churn (contradictions)", lambda: service.scores_before_churn(engine, start=start, end=end))
    _timed("Overview health tiles", lambda: health_tiles(engine, period=period, flt=ALL))
    _timed("Overview health tiles, SMB only", lambda: health_tiles(engine, period=period, flt=smb))
    if args.raw:
        raw = _timed("scores from raw signals, 12 months",
                     lambda: service.health_scores(engine, start=start, end=add_months(latest, 1)))
        print(f"{'  customer-months scored':36s} {len(raw):8,d}")
    print(f"{'peak memory (RSS)':36s} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
