"""The heaviest aggregates of the app against DuckDB computing the same numbers from the same rows.

Each aggregate is computed twice in the same run: by the app's own service function on the
engine (what a page calls, without Streamlit's caches), and by DuckDB reading the same database
through its SQLite or PostgreSQL scanner (the extension files shipped in the PyPI packages of
``requirements-bench.txt``; nothing is downloaded). The two results are compared first: a ratio is
reported only when DuckDB's numbers equal the app's. Then each side runs ``repeats`` more times
and the medians are compared.
"""

from __future__ import annotations

import datetime as dt
import glob
import math
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from cs_metrics.meetings import CUSTOMER_RELEVANCE
from cs_metrics.period import Period, add_months, preset_period
from cs_metrics.services import health, meetings, nps, overview
from cs_metrics.tiles import sparkline_windows

#: The packages DuckDB and its readers come from (requirements-bench.txt).
PACKAGES = {"sqlite": "duckdb_extension_sqlite_scanner", "postgresql": "duckdb_extension_postgres_scanner"}
EXTENSIONS = {"sqlite": "sqlite_scanner", "postgresql": "postgres_scanner"}


@dataclass(frozen=True)
class Scope:
    """What the aggregates are computed for: the app's default period (the last 12 months) and
    its comparison period, the sparkline's windows, and the latest month with health scores."""

    period: Period
    previous: Period
    windows: tuple[Period, ...]
    health_month: dt.date | None
    version: int


@dataclass
class Result:
    """One aggregate: median seconds of the app and of DuckDB, and whether their numbers agree."""

    name: str
    app_seconds: float | None = None
    duck_seconds: float | None = None
    equal: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.equal and self.app_seconds is not None and self.duck_seconds:
            return self.app_seconds / self.duck_seconds
        return None


def missing() -> str:
    """Why DuckDB cannot be used here ('' when it can)."""
    try:
        import duckdb  # noqa: F401
        import duckdb_extension_postgres_scanner  # noqa: F401
        import duckdb_extension_sqlite_scanner  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed (pip install -r requirements-bench.txt; make benchmark does)"
    return ""


def extension_file(backend: str) -> str:
    """The scanner extension shipped inside its PyPI package."""
    package = __import__(PACKAGES[backend])
    found = sorted(
        glob.glob(
            os.path.join(
                os.path.dirname(package.__file__),
                "extensions",
                "*",
                f"{EXTENSIONS[backend]}.duckdb_extension",
            )
        )
    )
    if not found:
        raise RuntimeError(f"{PACKAGES[backend]} holds no {EXTENSIONS[backend]}.duckdb_extension file")
    return found[-1]


def connect(url: str):
    """A DuckDB connection with the database at ``url`` attached read-only as ``s``."""
    import duckdb

    parsed = make_url(url)
    backend = parsed.get_backend_name()
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    con.execute(f"LOAD '{extension_file(backend)}'")
    if backend == "sqlite":
        con.execute(f"ATTACH '{parsed.database}' AS s (TYPE sqlite, READ_ONLY)")
    else:
        parts = {
            "host": parsed.host or "127.0.0.1",
            "port": parsed.port or 5432,
            "user": parsed.username,
            "password": parsed.password,
            "dbname": parsed.database,
        }
        dsn = " ".join(f"{k}={v}" for k, v in parts.items() if v is not None)
        con.execute(f"ATTACH '{dsn}' AS s (TYPE postgres, READ_ONLY)")
    return con


def scope(engine: Engine, as_of: dt.date) -> Scope:
    """The app's default selection on ``as_of``, and the latest month scored by the active model."""
    period = preset_period("Last 12 months", as_of)
    version = int(health.load_model(engine)["version"])
    with engine.connect() as conn:
        month = conn.execute(
            text("SELECT MAX(month) FROM health_score WHERE version = :v AND month <= :d"),
            {"v": version, "d": period.last},
        ).scalar()
    month = pd.Timestamp(month).date() if month is not None else None
    return Scope(period, period.previous(), tuple(sparkline_windows(period)), month, version)


def _d(day: dt.date) -> str:
    return f"DATE '{day.isoformat()}'"


# --- 1. health band shares of the latest month -------------------------------------------------------


def bands_app(engine: Engine, sc: Scope) -> pd.DataFrame:
    counts = health.band_counts(engine, start=sc.health_month, end=add_months(sc.health_month, 1))
    return counts.assign(band=counts["band"].fillna("unscored"))[["band", "n", "arr"]]


def bands_duck(con, sc: Scope) -> pd.DataFrame:
    return con.execute(f"""
        SELECT coalesce(band, 'unscored') AS band, count(*) AS n, coalesce(sum(arr), 0) AS arr
        FROM s.health_score WHERE version = {sc.version} AND month = {_d(sc.health_month)}
        GROUP BY 1""").df()


# --- 2. GRR and NRR over the Overview's 14 windows ------------------------------------------------


def _retention_periods(sc: Scope) -> tuple[Period, ...]:
    return (sc.period, sc.previous, *sc.windows)


def retention_app(engine: Engine, sc: Scope) -> pd.DataFrame:
    rows = overview.revenue_retentions(engine, periods=_retention_periods(sc))
    frame = pd.DataFrame(
        [
            {
                k: getattr(r, k)
                for k in (
                    "start_month",
                    "end_month",
                    "n",
                    "n_churned",
                    "starting",
                    "expansion",
                    "contraction",
                    "churned",
                    "grr",
                    "nrr",
                )
            }
            for r in rows
        ]
    )
    return frame.drop_duplicates(["start_month", "end_month"])


def retention_duck(con, sc: Scope) -> pd.DataFrame:
    pairs = dict.fromkeys(overview.retention_months(p) for p in _retention_periods(sc))
    values = ", ".join(f"({_d(a)}, {_d(b)})" for a, b in pairs)
    return con.execute(f"""
        WITH pairs(start_month, end_month) AS (VALUES {values}),
        paying AS (
            SELECT p.start_month, p.end_month, a.mrr AS first, coalesce(b.mrr, 0) AS last
            FROM pairs p
            JOIN s.revenue_month a ON a.month = p.start_month AND a.mrr > 0
            LEFT JOIN s.revenue_month b
              ON b.customer_id = a.customer_id AND b.month = p.end_month AND b.mrr >= 0)
        SELECT start_month, end_month, count(*) AS n, count(*) FILTER (WHERE last <= 0) AS n_churned,
               sum(first) AS starting,
               coalesce(sum(last - first) FILTER (WHERE last > first), 0) AS expansion,
               coalesce(sum(first - last) FILTER (WHERE last > 0 AND last < first), 0) AS contraction,
               coalesce(sum(first) FILTER (WHERE last <= 0), 0) AS churned,
               (sum(first) - coalesce(sum(first - last) FILTER (WHERE last < first), 0)) / sum(first) AS grr,
               sum(last) / sum(first) AS nrr
        FROM paying GROUP BY start_month, end_month""").df()


# --- 3. NPS answers per class and month ----------------------------------------------------------


def nps_app(engine: Engine, sc: Scope) -> pd.DataFrame:
    return nps.monthly_counts(engine, period=sc.period, previous=sc.previous)


def nps_duck(con, sc: Scope) -> pd.DataFrame:
    start, end = min(sc.previous.start, sc.period.start), max(sc.previous.end, sc.period.end)
    return con.execute(f"""
        SELECT date_trunc('month', responded_on) AS month,
               count(*) FILTER (WHERE score BETWEEN 0 AND 6) AS detractors,
               count(*) FILTER (WHERE score BETWEEN 7 AND 8) AS passives,
               count(*) FILTER (WHERE score BETWEEN 9 AND 10) AS promoters
        FROM s.nps_response WHERE responded_on >= {_d(start)} AND responded_on < {_d(end)}
        GROUP BY 1""").df()


# --- 4. customers active at each month end (and ARR) -----------------------------------------------


def active_app(engine: Engine, sc: Scope) -> pd.DataFrame:
    customers, arr = overview.customers_tiles(engine, period=sc.period, previous=sc.previous)
    rows = [
        (sc.period.last, customers.value, arr.value),
        (sc.previous.last, customers.previous, arr.previous),
    ]
    rows += [(day, n, a) for (day, n), (_, a) in zip(customers.series, arr.series)]
    return pd.DataFrame(rows, columns=["day", "active", "arr"]).drop_duplicates("day")


def active_duck(con, sc: Scope) -> pd.DataFrame:
    days = dict.fromkeys([sc.period.last, sc.previous.last, *(w.last for w in sc.windows)])
    values = ", ".join(f"({_d(d)}, {_d(d.replace(day=1))})" for d in days)
    return con.execute(f"""
        WITH days(day, month) AS (VALUES {values}),
        lost AS (SELECT customer_id, min(churned_on) AS churned_on FROM s.churn_event GROUP BY customer_id),
        customers AS (
            SELECT c.signed_on, coalesce(c.churned_on, l.churned_on) AS churned_on
            FROM s.customer c LEFT JOIN lost l ON l.customer_id = c.id),
        active AS (
            SELECT d.day, count(c.signed_on) AS active FROM days d
            LEFT JOIN customers c ON c.signed_on <= d.day AND (c.churned_on IS NULL OR c.churned_on > d.day)
            GROUP BY d.day),
        revenue AS (
            SELECT d.day, 12 * coalesce(sum(r.mrr), 0) AS arr FROM days d
            LEFT JOIN s.revenue_month r ON r.month = d.month GROUP BY d.day)
        SELECT a.day, a.active, r.arr FROM active a JOIN revenue r USING (day)""").df()


# --- 5. customer share of meeting time by department ----------------------------------------------


def meetings_app(engine: Engine, sc: Scope) -> pd.DataFrame:
    share = meetings.share_report(engine, period=sc.period, by=("department",))
    return share[["department", "meetings", "agenda_minutes", "customer_minutes", "time_share"]]


def meetings_duck(con, sc: Scope) -> pd.DataFrame:
    customer = ", ".join(f"'{r}'" for r in CUSTOMER_RELEVANCE)
    return con.execute(f"""
        WITH items AS (
            SELECT meeting_id, coalesce(sum(minutes), 0) AS agenda,
                   coalesce(sum(minutes) FILTER (WHERE relevance IN ({customer})), 0) AS customer
            FROM s.agenda_item GROUP BY meeting_id)
        SELECT m.department, count(*) AS meetings, coalesce(sum(i.agenda), 0) AS agenda_minutes,
               coalesce(sum(i.customer), 0) AS customer_minutes,
               coalesce(sum(i.customer), 0) / nullif(coalesce(sum(i.agenda), 0), 0) AS time_share
        FROM s.meeting m LEFT JOIN items i ON i.meeting_id = m.id
        WHERE m.held_on >= {_d(sc.period.start)} AND m.held_on < {_d(sc.period.end)}
        GROUP BY m.department""").df()


# --- 6. health scores of one month from the raw signals (the rescoring behind an import) -----------


def scores_app(engine: Engine, sc: Scope) -> pd.DataFrame:
    scores = health.health_scores(engine, start=sc.health_month, end=add_months(sc.health_month, 1))
    scores = scores.assign(band=scores["band"].fillna("unscored"))
    return scores.groupby("band", as_index=False).agg(n=("score", "size"), score=("score", "sum"))


def scores_duck_sql(model: dict, sc: Scope) -> str:
    """DuckDB SQL scoring one month from the raw signals with a model without segment profiles:
    each linear rule scales a value to 0-100 (clipped), the score is the weighted mean over the
    signals present, the band closed on the upper side. ``edge`` counts the scores on a band
    threshold (to within 1e-9), whose band depends on the last bit of a floating-point sum."""
    rules = ", ".join(
        f"('{k}', {float(r['worst'])}, {float(r['best'])}, {float(r.get('weight', 0))})"
        for k, r in model["signals"].items()
    )
    low, high = (float(b) for b in model.get("bands", (50, 75)))
    return f"""
        WITH rules(signal, worst, best, weight) AS (VALUES {rules}),
        present AS (SELECT DISTINCT customer_id FROM s.health_signal WHERE month = {_d(sc.health_month)}),
        points AS (
            SELECT h.customer_id, r.weight,
                   least(greatest((h.value - r.worst) / (r.best - r.worst) * 100, 0), 100) AS points
            FROM s.health_signal h JOIN rules r ON r.signal = h.signal
            WHERE h.month = {_d(sc.health_month)} AND h.value IS NOT NULL AND NOT isnan(h.value)),
        scored AS (
            SELECT customer_id, sum(weight * points) / nullif(sum(weight), 0) AS score
            FROM points GROUP BY customer_id),
        banded AS (
            SELECT p.customer_id, s.score,
                   CASE WHEN s.score IS NULL THEN 'unscored' WHEN s.score <= {low} THEN 'red'
                        WHEN s.score <= {high} THEN 'yellow' ELSE 'green' END AS band
            FROM present p LEFT JOIN scored s USING (customer_id)
            JOIN s.customer c ON c.id = p.customer_id)
        SELECT band, count(*) AS n, sum(score) AS score,
               count(*) FILTER (WHERE abs(score - {low}) < 1e-9 OR abs(score - {high}) < 1e-9) AS edge
        FROM banded GROUP BY band"""


@dataclass(frozen=True)
class Aggregate:
    """An aggregate computed by the app (``app(engine, scope)``) and by DuckDB (``duck(con, scope)``),
    compared on ``keys``."""

    name: str
    app: Callable[[Engine, Scope], pd.DataFrame]
    duck: Callable[[object, Scope], pd.DataFrame]
    keys: tuple[str, ...]
    needs_health: bool = False
    check: Callable[[pd.DataFrame, pd.DataFrame, tuple[str, ...]], tuple[str, str]] | None = None

    def agree(self, app: pd.DataFrame, duck: pd.DataFrame) -> tuple[str, str]:
        """``(problem, remark)``: what differs ('' when the numbers agree), and what to say anyway."""
        return self.check(app, duck, self.keys) if self.check else (differences(app, duck, self.keys), "")


def heavy_aggregates(model: dict) -> tuple[Aggregate, ...]:
    """The aggregates measured, heaviest first as the pages need them."""
    profiles = bool(model.get("segments"))
    scores_duck = (lambda con, sc: con.execute(scores_duck_sql(model, sc)).df()) if not profiles else None
    return tuple(
        a
        for a in (
            Aggregate(
                "health band shares, latest month", bands_app, bands_duck, ("band",), needs_health=True
            ),
            Aggregate(
                "GRR and NRR, the Overview's 14 windows",
                retention_app,
                retention_duck,
                ("start_month", "end_month"),
            ),
            Aggregate("NPS answers per class and month", nps_app, nps_duck, ("month",)),
            Aggregate("customers active (and ARR) per month end", active_app, active_duck, ("day",)),
            Aggregate(
                "customer share of meeting time by department", meetings_app, meetings_duck, ("department",)
            ),
            Aggregate(
                "health scores of a month from the raw signals",
                scores_app,
                scores_duck,
                ("band",),
                needs_health=True,
                check=scores_agree,
            )
            if scores_duck
            else None,
        )
        if a is not None
    )


def _normal(frame: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    out = frame.copy()
    for key in keys:
        values = out[key]
        if pd.api.types.is_datetime64_any_dtype(values) or isinstance(
            values.dropna().iloc[0] if len(values.dropna()) else None, (dt.date, pd.Timestamp)
        ):
            out[key] = pd.to_datetime(values).dt.date
        else:
            out[key] = values.astype(str)
    return out.sort_values(list(keys)).reset_index(drop=True)


def differences(app: pd.DataFrame, duck: pd.DataFrame, keys: tuple[str, ...]) -> str:
    """'' when both frames hold the same rows and numbers (floats to 1e-9 relative), else what differs."""
    a, d = _normal(app, keys), _normal(duck, keys)
    if list(a[list(keys)].itertuples(index=False)) != list(d[list(keys)].itertuples(index=False)):
        return f"rows differ: app {len(a)} {a[list(keys)].values.tolist()[:4]}..., duckdb {len(d)}"
    for column in a.columns:
        if column in keys:
            continue
        if column not in d:
            return f"duckdb has no {column}"
        x = pd.to_numeric(a[column], errors="coerce").to_numpy(dtype=float)
        y = pd.to_numeric(d[column], errors="coerce").to_numpy(dtype=float)
        same = np.isclose(x, y, rtol=1e-9, atol=1e-6) | (np.isnan(x) & np.isnan(y))
        if not same.all():
            i = int(np.argmin(same))
            return f"{column} differs at {a[list(keys)].iloc[i].tolist()}: app {x[i]!r}, duckdb {y[i]!r}"
    return ""


def scores_agree(app: pd.DataFrame, duck: pd.DataFrame, keys: tuple[str, ...]) -> tuple[str, str]:
    """Scores agree when the band counts are equal, except that a score lying on a band threshold
    (e.g. 50 computed as 50.00000000000001) may fall on either side of it; the total of the scores
    must be equal all the same."""
    edge = int(duck["edge"].sum()) if "edge" in duck else 0
    duck = duck.drop(columns="edge", errors="ignore")
    exact = differences(app, duck, keys)
    if not exact or not edge:
        return exact, ""
    a = app.set_index("band")["n"]
    d = duck.set_index("band")["n"]
    bands = a.index.union(d.index)
    moved = int((a.reindex(bands, fill_value=0) - d.reindex(bands, fill_value=0)).abs().sum()) // 2
    totals = math.isclose(float(app["score"].sum()), float(duck["score"].sum()), rel_tol=1e-9)
    if int(a.sum()) != int(d.sum()) or moved > edge or not totals:
        return exact, ""
    return "", f"{moved} score(s) on a band threshold banded differently by floating-point rounding"


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def compare(engine: Engine, url: str, as_of: dt.date, *, repeats: int = 3, say=print) -> list[Result]:
    """Check, then time, every aggregate on the database at ``url``."""
    sc = scope(engine, as_of)
    con = connect(url)
    results = []
    try:
        for agg in heavy_aggregates(health.load_model(engine)):
            result = Result(agg.name)
            results.append(result)
            if agg.needs_health and sc.health_month is None:
                result.note = "no health scores"
                continue
            try:
                app_first, app_out = _timed(lambda: agg.app(engine, sc))
                duck_first, duck_out = _timed(lambda: agg.duck(con, sc))
                problem, remark = agg.agree(app_out, duck_out)
                result.equal = not problem
                if problem:
                    result.note = f"numbers differ, not timed: {problem}"
                    say(f"  {agg.name:<48} {result.note}")
                    continue
                app_times, duck_times = [], []
                for _ in range(repeats):
                    app_times.append(_timed(lambda: agg.app(engine, sc))[0])
                    duck_times.append(_timed(lambda: agg.duck(con, sc))[0])
                result.app_seconds = statistics.median(app_times)
                result.duck_seconds = statistics.median(duck_times)
                result.note = f"{len(app_out)} rows, equal" + (f"; {remark}" if remark else "")
            except Exception as exc:  # one broken aggregate does not stop the others
                result.note = f"error: {str(exc).splitlines()[0][:200]}"
            say(
                f"  {agg.name:<48} app {_s(result.app_seconds)}  duckdb {_s(result.duck_seconds)}  "
                f"x{result.ratio:.1f}"
                if result.ratio
                else f"  {agg.name:<48} {result.note}"
            )
    finally:
        con.close()
    return results


def _s(seconds: float | None) -> str:
    return "   -   " if seconds is None or math.isnan(seconds) else f"{seconds:7.3f} s"
