"""Health from the database: scores of every customer-month, the back-test, and saving a model
version after checking it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from cs_metrics import health
from cs_metrics.storage.queries import ALL, CustomerFilter
from cs_metrics.storage.queries import health as hq

#: Longest author name and change reason a model version keeps.
MAX_AUTHOR = 120
MAX_REASON = 2000


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

    ``coverage`` (``storage.queries.health.signal_coverage``) also rejects a model that leaves a
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
