"""Health from the database: stored scores kept current and aggregated for the Health page, the
Overview and the board pack; scores computed from the raw signals (to store them, and to explain
one customer's score); the back-test; the versioned model and saving a version after checking it.

Stored scores
-------------
``rescore`` computes a month's scores with ``health.score_wide`` on the month's signals
(``queries.health.signal_matrix``) and stores them per model version (``queries.health_scores``).
An import touching a month adds to the revision of the month's inputs in its own transaction; a
month whose scores were computed from an older revision (or never) is stale. Every reader here
first scores the stale months it reads (``current``), so it returns what the pure functions give
on the raw signals; the Health page does the same beforehand with a progress bar
(``stale_months`` + ``rescore``). Saving a model version keeps the scores of the new and the
active version only; activating one keeps those of the new and the previously active one.

Model versions are written by people, each write checked and recorded in the audit trail
(``services.access.write``): editors save drafts, admins activate. Rescoring is no person's
write: it keeps derived scores current and needs no right. Command line, for scheduled jobs::

    python -m cs_metrics.services.health rescore [--version N] [--all] [--database-url URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from cs_metrics import health
from cs_metrics.access import Actor
from cs_metrics.errors import ConfigurationError, DataError, SchemaError
from cs_metrics.i18n import _, formats
from cs_metrics.period import add_months, month_end
from cs_metrics.selection import ALL, CustomerFilter
from cs_metrics.services.access import write
from cs_metrics.storage import db
from cs_metrics.storage.queries import health as hq
from cs_metrics.storage.queries import health_scores as hs
from cs_metrics.storage.setup import prepare_database

__all__ = [
    "AT_RISK_SHOWN", "MAX_AUTHOR", "MAX_GROUPS", "MAX_REASON", "activate_model_version", "at_risk", "at_risk_csv",
    "auc_by_month",
    "band_counts", "band_shares_by", "churn_dates", "churned_bands", "current", "customer_scores",
    "find_customers", "health_backtest", "health_scores", "load_model", "model_versions", "movement", "rescore",
    "save_model_version", "score_histogram", "scores_before_churn", "segment_names", "signal_coverage",
    "stale_months",
]

#: Longest author name and change reason a model version keeps.
MAX_AUTHOR = 120
MAX_REASON = 2000
#: Customers of the at-risk list shown on the page (all of them are in its download).
AT_RISK_SHOWN = 25
#: Groups (owners, regions, ...) drawn in the band shares by group; the largest by customers.
MAX_GROUPS = 20

#: Told how far a rescore has come: (share done, 0 to 1; a message for a person).
Progress = Callable[[float, str], None]

#: Every stored model version, newest first (``version``, ``created_at``, ``created_by``, ``reason``,
#: ``is_active``, ``draft``: saved as a draft and not activated since).
model_versions = hq.model_versions
#: A model version's definition with its ``version`` key (the active one when ``version`` is None).
load_model = hq.load_model
#: Distinct customer segments, sorted (for per-segment model profiles).
segment_names = hq.segment_names
#: Churned customers of a selection: ``customer_id``, ``churned_on``.
churn_dates = hq.churn_dates
#: Customers with a value per segment and signal in one month (to check a model before saving).
signal_coverage = hq.signal_coverage


# --- scores from the raw signals --------------------------------------------------------------------


def health_scores(
    engine: Engine, *, start: dt.date, end: dt.date, flt: CustomerFilter = ALL, version: int | None = None
) -> pd.DataFrame:
    """Scores computed from the raw signals of every customer-month in the months touching
    ``[start, end)``, by model ``version`` (the active one when None): ``health.score_wide(...,
    keep_raw=True)`` of the pivoted signals, with ``name``, ``segment``, ``region``, ``owner`` and
    ``arr`` (12 x the month's MRR). This is what ``rescore`` stores; pages read the stored scores."""
    model = hq.load_model(engine, version)
    wide = hq.signal_matrix(engine, start=start, end=end, signals=tuple(model["signals"]), flt=flt)
    return health.score_wide(wide, model, keep_raw=True)


def customer_scores(
    engine: Engine, *, customer_id: int, start: dt.date, end: dt.date, version: int | None = None
) -> pd.DataFrame:
    """One customer's scores from its raw signals, months touching ``[start, end)`` oldest first,
    with the raw values (to explain a score with ``health.explain``)."""
    model = hq.load_model(engine, version)
    wide = hq.signal_matrix(engine, start=start, end=end, signals=tuple(model["signals"]), customer_id=customer_id)
    return health.customer_history(health.score_wide(wide, model, keep_raw=True), int(customer_id))


# --- keeping the stored scores current --------------------------------------------------------------


def stale_months(
    engine: Engine, *, version: int | None = None, start: dt.date | None = None, end: dt.date | None = None
) -> list[dt.date]:
    """Months in ``[start, end)`` (all when None) whose stored scores for ``version`` (the active
    one when None) are missing or older than their signals, oldest first."""
    v = int(hq.load_model(engine, version)["version"])
    return hs.stale_months(engine, version=v, start=start, end=end)


def rescore(
    engine: Engine, *, version: int | None = None, months: Sequence[dt.date] | None = None,
    start: dt.date | None = None, end: dt.date | None = None, everything: bool = False,
    progress: Progress | None = None,
) -> int:
    """Score months with model ``version`` (the active one when None) and store the scores.

    Parameters
    ----------
    months
        The months to score; by default the stale months in ``[start, end)``, or with
        ``everything`` every month with signals there.
    progress
        Told after each month how far the work has come.

    Returns
    -------
    int
        Customer-months stored (a month another writer stored meanwhile is left to it).
    """
    model = hq.load_model(engine, version)
    v = int(model["version"])
    stale, gone = hs.month_states(engine, version=v, start=start, end=end)
    hs.drop_months(engine, gone, version=v)
    if months is None:
        months = hs.signal_months(engine, start=start, end=end) if everything else stale
    stored = 0
    for i, month in enumerate(months):
        first = month.replace(day=1)
        revision = hs.month_revision(engine, first)  # read before the signals: a later import makes it stale
        wide = hq.signal_matrix(engine, start=first, end=add_months(first, 1), signals=tuple(model["signals"]))
        scores = health.score_wide(wide, model)
        if hs.store_month(engine, version=v, month=first, revision=revision, scores=scores):
            stored += len(scores)
        if progress:
            progress((i + 1) / len(months), _("Scored {month} ({i} of {n} months)").format(
                month=formats.month(first), i=i + 1, n=len(months)))
    if stored >= db.STATISTICS_AFTER_ROWS:
        db.refresh_statistics(engine, ("health_score",))
    return stored


def current(
    engine: Engine, *, version: int | None = None, start: dt.date | None = None, end: dt.date | None = None
) -> int:
    """The model version (the active one when None), after scoring its stale months in ``[start, end)``."""
    v = int(hq.load_model(engine, version)["version"])
    stale, gone = hs.month_states(engine, version=v, start=start, end=end)
    if stale or gone:
        rescore(engine, version=v, start=start, end=end)
    return v


# --- aggregates of the stored scores ----------------------------------------------------------------


def band_counts(
    engine: Engine, *, start: dt.date, end: dt.date, flt: CustomerFilter = ALL, version: int | None = None
) -> pd.DataFrame:
    """Customers and ARR per band in each month touching ``[start, end)``: ``month``, ``band`` (None:
    no score), ``n``, ``arr``. ``health.shares_from_counts`` turns a month's rows into band shares,
    ``health.shares_from_counts(counts, by="month")`` into the trend."""
    v = current(engine, version=version, start=start, end=end)
    return hs.band_counts(engine, version=v, start=start, end=end, flt=flt)


def _one_month(engine: Engine, version: int | None, month: Any) -> tuple[int, dt.date]:
    first = pd.Timestamp(month).date().replace(day=1)
    return current(engine, version=version, start=first, end=add_months(first, 1)), first


def band_shares_by(
    engine: Engine, *, month: Any, by: str, flt: CustomerFilter = ALL, version: int | None = None,
    limit: int | None = MAX_GROUPS,
) -> pd.DataFrame:
    """``health.band_shares_by`` of one month's scores by ``by`` (segment, region or owner), with
    ARR; only the ``limit`` groups with the most scored customers (``attrs["groups"]``: how many
    groups there are)."""
    if by not in hs.GROUPS:
        raise DataError(_("Band shares are shown by {groups}; {by} is not one of them.").format(
            groups=", ".join(hs.GROUPS), by=repr(by)))
    v, first = _one_month(engine, version, month)
    shares = health.shares_from_counts(hs.band_counts_by(engine, version=v, month=first, by=by, flt=flt), by=by)
    groups = shares.drop_duplicates(by)
    if limit is not None and len(groups) > limit:
        keep = groups.sort_values(["scored", by], ascending=[False, True]).head(limit)[by]
        shares = shares[shares[by].isin(keep)].reset_index(drop=True)
    shares.attrs["groups"] = int(len(groups))
    return shares


def score_histogram(
    engine: Engine, *, month: Any, flt: CustomerFilter = ALL, version: int | None = None, bin_width: float = 5.0
) -> pd.DataFrame:
    """``health.score_histogram`` of one month's scores, counted in SQL."""
    if not bin_width > 0:
        raise DataError("bin_width must be above zero, e.g. 5 points.")
    v, first = _one_month(engine, version, month)
    bins = hs.score_bins(engine, version=v, month=first, bin_width=bin_width, flt=flt)
    counts = hs.band_counts(engine, version=v, start=first, end=add_months(first, 1), flt=flt)
    unscored = int(counts.loc[counts["band"].isna(), "n"].sum())
    return health.histogram_from_bins(bins, bin_width=bin_width, unscored=unscored)


def movement(
    engine: Engine, *, first: Any, second: Any, flt: CustomerFilter = ALL, version: int | None = None
) -> pd.DataFrame:
    """``health.movement`` between two months, counted in SQL: ``from_band``, ``to_band``, ``n``,
    ``arr``; customers gone by the last day of ``second`` who churned count as ``churned``."""
    a, b = pd.Timestamp(first).date().replace(day=1), pd.Timestamp(second).date().replace(day=1)
    if not a < b:
        raise DataError(_("Pick a first month before the second one."))
    v = current(engine, version=version, start=a, end=add_months(b, 1))
    counts = hs.transitions(engine, version=v, first=a, second=b, until=month_end(b), flt=flt)
    return health.transitions_in_order(counts)


def _check_drop(drop: float) -> float:
    if not drop >= 0:
        raise DataError(_("The fall is a number of points: give a positive number, e.g. 10."))
    return float(drop)


def at_risk(
    engine: Engine, *, month: Any, previous: Any = None, drop: float = 10.0, flt: CustomerFilter = ALL,
    version: int | None = None, limit: int = AT_RISK_SHOWN,
) -> pd.DataFrame:
    """``health.at_risk`` of ``month`` against ``previous``: the ``limit`` customers with the
    largest ARR (then lowest score) that are red or fell by ``drop`` points or more, with
    ``attrs["n"]`` and ``attrs["arr"]`` for all of them (``at_risk_csv`` lists all)."""
    v, first = _one_month(engine, version, month)
    before = pd.Timestamp(previous).date().replace(day=1) if previous is not None else None
    if before is not None:
        current(engine, version=v, start=before, end=add_months(before, 1))
    return hs.at_risk_list(engine, version=v, month=first, previous=before, drop=_check_drop(drop), flt=flt,
                           limit=limit)


def at_risk_csv(
    engine: Engine, *, month: Any, previous: Any = None, drop: float = 10.0, flt: CustomerFilter = ALL,
    version: int | None = None,
) -> bytes:
    """Every customer of ``at_risk`` as CSV (UTF-8 with BOM, for spreadsheets)."""
    v, first = _one_month(engine, version, month)
    before = pd.Timestamp(previous).date().replace(day=1) if previous is not None else None
    if before is not None:
        current(engine, version=v, start=before, end=add_months(before, 1))
    rows = hs.at_risk_list(engine, version=v, month=first, previous=before, drop=_check_drop(drop), flt=flt)
    columns = ["external_id", "name", "owner", "segment", "region", "arr", "score", "previous_score", "change", "why"]
    return rows[columns].to_csv(index=False).encode("utf-8-sig")


def find_customers(
    engine: Engine, *, month: Any, text: str = "", flt: CustomerFilter = ALL, version: int | None = None,
    limit: int = 20,
) -> dict[int, str]:
    """``customer_id -> "name (segment)"`` for the first ``limit`` customers scored in ``month``
    whose name or id contains ``text``, by name."""
    v, first = _one_month(engine, version, month)
    found = hs.find_customers(engine, version=v, month=first, text=text, flt=flt, limit=limit)
    return health.customer_choices(found)


# --- the back-test ----------------------------------------------------------------------------------


def _testable(engine: Engine, version: int, start: dt.date, end: dt.date, as_of: dt.date, flt: CustomerFilter,
              horizon_days: int) -> list[pd.Timestamp]:
    counts = hs.band_counts(engine, version=version, start=start, end=end, flt=flt)
    return health.backtest_months(counts[["month"]], horizon_days=horizon_days, as_of=as_of)


def health_backtest(
    engine: Engine, *, start: dt.date, end: dt.date, as_of: dt.date, flt: CustomerFilter = ALL,
    version: int | None = None, horizon_days: int = 90, month: Any = None,
) -> health.BacktestResult:
    """``health.backtest`` of one month's stored scores (by default the latest month touching
    ``[start, end)`` whose outcome window ends by ``as_of``) against churn known up to ``as_of``."""
    if int(horizon_days) <= 0:
        raise DataError(_("horizon_days must be a positive number of days (got {days}).").format(days=horizon_days))
    v = current(engine, version=version, start=start, end=end)
    testable = _testable(engine, v, start, end, as_of, flt, int(horizon_days))
    chosen = pd.Timestamp(month).to_period("M").to_timestamp() if month is not None else None
    if chosen is None and testable:
        chosen = testable[-1]
    if chosen is not None and chosen not in testable:
        last = formats.month(testable[-1]) if testable else _("none")
        raise DataError(_("Churn in the {days} days after {month} is not fully known yet; "
                          "pick a month up to {last} or a shorter horizon.").format(
            days=int(horizon_days), month=formats.month(chosen), last=last))
    if chosen is None:
        scores = pd.DataFrame(columns=["customer_id", "month", "score", "band", "arr"])
    else:
        scores = hs.month_scores(engine, version=v, month=chosen.date(), flt=flt)
    result = health.backtest(scores, hq.churn_dates(engine, flt=flt), horizon_days=int(horizon_days), month=chosen,
                             as_of=as_of)
    green = result.churned_while_green  # who they are, read only for these few
    who = hs.customer_labels(engine, green["customer_id"]).drop(columns=["external_id", "region"])
    return replace(result, churned_while_green=green.merge(who, on="customer_id", how="left"))


def auc_by_month(
    engine: Engine, *, start: dt.date, end: dt.date, as_of: dt.date, flt: CustomerFilter = ALL,
    version: int | None = None, horizon_days: int = 90, level: float = 0.95,
) -> pd.DataFrame:
    """``health.backtest_by_month`` of the stored scores, one month read at a time (score and
    outcome only): ``month``, ``n``, ``churned``, ``auc``, ``low``, ``high``."""
    v = current(engine, version=version, start=start, end=end)
    rows = []
    for month in _testable(engine, v, start, end, as_of, flt, int(horizon_days)):
        opens = add_months(month.date(), 1)
        outcomes = hs.score_outcomes(engine, version=v, month=month.date(), start=opens,
                                     end=opens + dt.timedelta(days=int(horizon_days)), flt=flt)
        auc = health.auc_interval(-outcomes["score"].to_numpy(), outcomes["churned"].to_numpy(), level=level)
        rows.append({"month": month, "n": len(outcomes), "churned": int(outcomes["churned"].sum()), "auc": auc.auc,
                     "low": auc.low, "high": auc.high})
    return pd.DataFrame(rows, columns=["month", "n", "churned", "auc", "low", "high"])


def churned_bands(
    engine: Engine, *, start: dt.date, end: dt.date, flt: CustomerFilter = ALL, version: int | None = None
) -> pd.DataFrame:
    """``health.band_shares`` of ``health.band_before_churn``: the customers who churned in
    ``[start, end)`` by the band of their last score (months touching the window) from a month that
    ended before they left."""
    v = current(engine, version=version, start=start, end=end)
    return health.shares_from_counts(hs.bands_before_churn(engine, version=v, start=start, end=end, flt=flt))


def scores_before_churn(engine: Engine, *, start: dt.date, end: dt.date, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """Active-model scores of each customer whose churn event falls in ``[start, end)``, in its last
    month with signals that began before the churn date: ``customer_id``, ``month``, ``score``, ``band``."""
    v = current(engine, end=end)
    return hs.last_scores_before_churn(engine, version=v, start=start, end=end, flt=flt)


# --- model versions ---------------------------------------------------------------------------------


def _activated(before: int | None) -> str:
    return f"activated (was version {before})" if before is not None else "activated (no version was active)"


def save_model_version(
    engine: Engine, definition: dict[str, Any], *, actor: Actor, reason: str, activate: bool = False,
    coverage: pd.DataFrame | None = None,
) -> int:
    """Check ``definition`` and store it as the next version made by ``actor``; return its number.

    Without ``activate`` the version is a draft ("health.draft", editors and admins) and the active
    version stays; with it the new version becomes the active one ("health.activate", admins).
    ``created_by`` is ``actor.who``. Either leaves a row in the audit trail: records "health model
    version N", summary "draft saved" or "activated (was version M)", then the reason.

    ``coverage`` (``signal_coverage``) also rejects a model that leaves a segment with no weighted
    signal that has data. The stored scores of versions other than the new one and the active one
    are dropped; the new version's scores are computed by ``rescore`` (or before the next read).

    Raises
    ------
    cs_metrics.access.Refused
        ``actor`` may not save a draft, or may not activate (nothing is written but the refusal's
        audit row).
    cs_metrics.health.ModelError
        The definition, the author or the reason is invalid (nothing is written); ``problems``
        lists what to fix.
    DataError
        Another person saved a version at the same moment (save again).
    """
    action = "health.activate" if activate else "health.draft"
    with write(engine, actor, action, records="health model, a new version") as entry:
        problems = []
        author, why = (actor.who or "").strip(), (reason or "").strip()
        if not author:
            problems.append(_("Say who is making the change (your name)."))
        elif len(author) > MAX_AUTHOR:
            problems.append(_("The name is longer than {most} characters; shorten it.").format(most=MAX_AUTHOR))
        if not why:
            problems.append(_("Say why the model changes (the reason is kept in the version history)."))
        elif len(why) > MAX_REASON:
            problems.append(_("The reason is longer than {most} characters; shorten it.").format(most=MAX_REASON))
        try:
            clean = health.check_model({k: v for k, v in definition.items() if k != "version"}, coverage=coverage)
        except health.ModelError as exc:
            problems = exc.problems + problems
        if problems:
            raise health.ModelError(problems)
        before = hq.active_version(engine)
        new = hq.store_model_version(engine, clean, created_by=author, reason=why, activate=activate)
        hs.keep_versions(engine, (v for v in (before, new) if v is not None))
        entry.records = hq.VERSION_RECORD.format(new)
        entry.summary = f"{_activated(before) if activate else 'draft saved'}; reason: {why}"
    return new


def activate_model_version(engine: Engine, version: int, *, actor: Actor) -> int | None:
    """Make the stored ``version`` the active model ("health.activate", admins only); returns the
    version active before. The stored scores of versions other than these two are dropped.

    Raises
    ------
    cs_metrics.access.Refused
        ``actor`` may not activate a model (nothing changes but the refusal's audit row).
    DataError
        ``version`` does not exist, or is already the active one (nothing changes).
    """
    with write(engine, actor, "health.activate", records=hq.VERSION_RECORD.format(int(version))) as entry:
        if hq.active_version(engine) == int(version):
            raise DataError(_("Version {version} is already the active model.").format(version=int(version)))
        before = hq.activate_model_version(engine, int(version))
        hs.keep_versions(engine, (v for v in (before, int(version)) if v is not None))
        entry.summary = _activated(before)
    return before


# --- command line -----------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """``rescore``: bring the stored scores of a model version up to date; returns the exit code
    (2 for an unusable database or version)."""
    parser = argparse.ArgumentParser(prog="python -m cs_metrics.services.health",
                                     description="Keep the stored health scores up to date.")
    parser.add_argument("command", choices=("rescore",))
    parser.add_argument("--version", type=int, default=None, help="model version (default: the active one)")
    parser.add_argument("--all", action="store_true", help="score every month again, not only the stale ones")
    parser.add_argument("--database-url", default=None, help="default: $DATABASE_URL or data/outside_in.db")
    args = parser.parse_args(argv)
    try:
        engine = prepare_database(args.database_url, load_demo=False)
        version = int(hq.load_model(engine, args.version)["version"])
    except (ConfigurationError, SchemaError, DataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    def say(share: float, text: str) -> None:
        print(f"{share:6.1%}  {text}", flush=True)

    stored = rescore(engine, version=version, everything=args.all, progress=say)
    print(f"Version {version}: {stored:,} customer-months scored; every month is current.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
