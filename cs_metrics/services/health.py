"""Health from the database: scores of every customer-month, the back-test, the stored model
versions, and saving a model version after checking it. The Health page reads everything here."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from cs_metrics import health
from cs_metrics.selection import ALL, CustomerFilter
from cs_metrics.storage.queries import health as hq

__all__ = [
    "MAX_AUTHOR", "MAX_REASON", "churn_dates", "health_backtest", "health_scores", "load_model", "model_versions",
    "save_model_version", "segment_names", "signal_coverage",
]

#: Longest author name and change reason a model version keeps.
MAX_AUTHOR = 120
MAX_REASON = 2000

#: Every stored model version, newest first (``version``, ``created_at``, ``created_by``, ``reason``,
#: ``is_active``).
model_versions = hq.model_versions
#: A model version's definition with its ``version`` key (the active one when ``version`` is None).
load_model = hq.load_model
#: Distinct customer segments, sorted (for per-segment model profiles).
segment_names = hq.segment_names
#: Churned customers of a selection: ``customer_id``, ``churned_on``.
churn_dates = hq.churn_dates
#: Customers with a value per segment and signal in one month (to check a model before saving).
signal_coverage = hq.signal_coverage


def health_scores(
    engine: Engine, *, start: dt.date, end: dt.date, flt: CustomerFilter = ALL, version: int | None = None
) -> pd.DataFrame:
    """Scores of every customer-month with signals in the months touching ``[start, end)``, by
    model ``version`` (the active one when None): ``health.score_wide(..., keep_raw=True)`` of the
    pivoted signals, with ``name``, ``segment``, ``region``, ``owner`` and ``arr`` (12 x the
    month's MRR)."""
    model = hq.load_model(engine, version)
    wide = hq.signal_matrix(engine, start=start, end=end, signals=tuple(model["signals"]), flt=flt)
    return health.score_wide(wide, model, keep_raw=True)


def health_backtest(
    engine: Engine, *, start: dt.date, end: dt.date, as_of: dt.date, flt: CustomerFilter = ALL,
    version: int | None = None, horizon_days: int = 90, month: Any = None,
) -> health.BacktestResult:
    """``health.backtest`` of the scores of ``health_scores`` against churn known up to ``as_of``."""
    scores = health_scores(engine, start=start, end=end, flt=flt, version=version)
    churn = hq.churn_dates(engine, flt=flt)
    return health.backtest(scores, churn, horizon_days=horizon_days, month=month, as_of=as_of)


def save_model_version(
    engine: Engine, definition: dict[str, Any], *, created_by: str, reason: str, coverage: pd.DataFrame | None = None
) -> int:
    """Check ``definition`` and store it as the next version, made active; return its number.

    ``coverage`` (``signal_coverage``) also rejects a model that leaves a
    segment with no weighted signal that has data.

    Raises
    ------
    cs_metrics.health.ModelError
        The definition, the author or the reason is invalid (nothing is written); ``problems``
        lists what to fix.
    DataError
        Another person saved a version at the same moment (save again).
    """
    problems = []
    author, why = (created_by or "").strip(), (reason or "").strip()
    if not author:
        problems.append("Say who is making the change (your name).")
    elif len(author) > MAX_AUTHOR:
        problems.append(f"The name is longer than {MAX_AUTHOR} characters; shorten it.")
    if not why:
        problems.append("Say why the model changes (the reason is kept in the version history).")
    elif len(why) > MAX_REASON:
        problems.append(f"The reason is longer than {MAX_REASON} characters; shorten it.")
    try:
        clean = health.check_model({k: v for k, v in definition.items() if k != "version"}, coverage=coverage)
    except health.ModelError as exc:
        problems = exc.problems + problems
    if problems:
        raise health.ModelError(problems)
    return hq.store_model_version(engine, clean, created_by=author, reason=why)
