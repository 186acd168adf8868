"""Stored health scores: which months are current, one month's scores written, the revisions an
import adds, and the aggregates the pages read.

Scores (``health_score``) are computed by ``cs_metrics.services.health`` with the pure health
functions and stored here per customer, month and model version, with the customer's ARR that
month. ``health_signal_month.revision`` counts the changes to a month's inputs (each import of
signals, revenue or customer segments touching the month adds one, in the import's own
transaction); ``health_score_month`` records, per version and month, the revision the stored
scores were computed from. A month with signals is current for a version when that record exists
and its revision equals the month's; otherwise it is stale and is scored again before it is read.

Every aggregate runs in SQL on the covering index ``ix_health_score_bands``; what comes back is
one row per band, bin or group (or, for a back-test, one month's scores), never every
customer-month of a period.
The customer filter is a ``customer_id IN (SELECT id FROM customer WHERE ...)`` condition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import Integer, and_, case, cast, delete, func, literal, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from cs_metrics.period import as_date
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import ALL, CustomerFilter, _apply, _frame, _month_of

#: Customer attributes the band shares can be grouped by.
GROUPS = ("segment", "region", "owner")
#: Ids per ``IN (...)`` list.
_CHUNK = 20_000

_score = m.HealthScore.__table__
_scored = m.HealthScoreMonth.__table__
_inputs = m.HealthSignalMonth.__table__
_signal = m.HealthSignal.__table__


def _only(column: Any, flt: CustomerFilter) -> Any:
    """``column IN (the ids of the customers of flt)``; True for every customer."""
    if flt.is_all:
        return literal(True)
    return column.in_(_apply(select(m.Customer.id), flt))


def _months(values: Iterable[Any]) -> list[dt.date]:
    return sorted({as_date(v).replace(day=1) for v in values if v is not None})


# --- which months are current ----------------------------------------------------------------------


def signal_months(conn: Engine | Connection, *, start: dt.date | None = None,
                  end: dt.date | None = None) -> list[dt.date]:
    """Months with health signals in ``[start, end)`` (by their first day), oldest first.

    One index seek per month (a recursive query walks ``ix_health_signal_month`` from month to
    month), so it costs the same whatever the number of signals.
    """
    low = [_signal.c.month >= start.replace(day=1)] if start is not None else []
    high = [_signal.c.month < end] if end is not None else []
    walk = select(func.min(_signal.c.month).label("month")).where(*low, *high).cte("walk", recursive=True)
    ahead = _signal.alias("ahead")
    following = select(func.min(ahead.c.month)).where(ahead.c.month > walk.c.month,
                                                       *([ahead.c.month < end] if end is not None else []))
    walk = walk.union_all(select(following.scalar_subquery()).where(walk.c.month.is_not(None)))
    stmt = select(walk.c.month).where(walk.c.month.is_not(None))
    if isinstance(conn, Engine):
        with conn.connect() as c:
            return _months(c.execute(stmt).scalars())
    return _months(conn.execute(stmt).scalars())


def input_revisions(conn: Connection) -> dict[dt.date, int]:
    """Month -> revision of its inputs (months never touched by an import are at 0)."""
    return {as_date(mo): int(r) for mo, r in conn.execute(select(_inputs.c.month, _inputs.c.revision))}


def scored_revisions(conn: Connection, *, version: int) -> dict[dt.date, int]:
    """Month -> the inputs' revision its stored scores for ``version`` were computed from."""
    stmt = select(_scored.c.month, _scored.c.revision).where(_scored.c.version == int(version))
    return {as_date(mo): int(r) for mo, r in conn.execute(stmt)}


def month_states(engine: Engine, *, version: int, start: dt.date | None = None,
                 end: dt.date | None = None) -> tuple[list[dt.date], list[dt.date]]:
    """``(stale, gone)`` for ``version`` in ``[start, end)``: months with signals whose stored scores
    are missing or were computed from an older revision of their inputs, and months with stored
    scores but no signals any more; oldest first."""
    with engine.connect() as conn:
        months = signal_months(conn, start=start, end=end)
        inputs = input_revisions(conn)
        scored = scored_revisions(conn, version=version)
    stale = [mo for mo in months if scored.get(mo) != inputs.get(mo, 0)]
    inside = [mo for mo in scored if (start is None or mo >= start.replace(day=1)) and (end is None or mo < end)]
    have = set(months)
    return stale, sorted(mo for mo in inside if mo not in have)


def stale_months(engine: Engine, *, version: int, start: dt.date | None = None,
                 end: dt.date | None = None) -> list[dt.date]:
    """The stale months of ``month_states``."""
    return month_states(engine, version=version, start=start, end=end)[0]


def month_revision(engine: Engine, month: dt.date) -> int:
    """The current revision of one month's inputs (0 when no import has touched it)."""
    with engine.connect() as conn:
        value = conn.execute(select(_inputs.c.revision).where(_inputs.c.month == month.replace(day=1))).scalar()
    return int(value or 0)


def scored_versions(engine: Engine) -> list[int]:
    """Model versions with stored scores, oldest first."""
    with engine.connect() as conn:
        return sorted(int(v) for v in conn.execute(select(_scored.c.version).distinct()).scalars())


# --- writes --------------------------------------------------------------------------------------


def store_month(engine: Engine, *, version: int, month: dt.date, revision: int, scores: pd.DataFrame) -> bool:
    """Replace the stored scores of ``version`` in ``month`` with ``scores`` and record the month as
    scored from inputs at ``revision``, in one transaction.

    ``scores`` has ``customer_id``, ``score``, ``band`` and ``arr`` (missing values are stored
    empty). Returns False, writing nothing, when another writer stored the same month meanwhile.
    """
    month = month.replace(day=1)
    frame = scores[["customer_id", "score", "band", "arr"]].astype(object)
    frame = frame.where(pd.notna(frame), None)
    rows = [{"version": int(version), "month": month, "customer_id": int(c), "score": s, "band": b, "arr": a}
            for c, s, b, a in frame.itertuples(index=False, name=None)]
    try:
        with engine.begin() as conn:
            conn.execute(delete(_score).where(_score.c.version == int(version), _score.c.month == month))
            conn.execute(delete(_scored).where(_scored.c.version == int(version), _scored.c.month == month))
            for start in range(0, len(rows), _CHUNK):
                conn.execute(_score.insert(), rows[start:start + _CHUNK])
            conn.execute(_scored.insert().values(version=int(version), month=month, revision=int(revision),
                                                 scored_at=dt.datetime.now(dt.UTC), customers=len(rows)))
    except IntegrityError:
        return False
    return True


def drop_months(engine: Engine, months: Iterable[dt.date], *, version: int | None = None) -> None:
    """Delete the stored scores of ``months`` (of every version, or of ``version``)."""
    wanted = _months(months)
    if not wanted:
        return
    with engine.begin() as conn:
        for table in (_score, _scored):
            stmt = delete(table).where(table.c.month.in_(wanted))
            conn.execute(stmt if version is None else stmt.where(table.c.version == int(version)))


def keep_versions(engine: Engine, versions: Iterable[int]) -> None:
    """Delete the stored scores of every model version not in ``versions``."""
    keep = sorted({int(v) for v in versions})
    with engine.begin() as conn:
        for table in (_score, _scored):
            conn.execute(delete(table).where(table.c.version.not_in(keep)))


def touch_months(conn: Connection, months: Iterable[Any]) -> list[dt.date]:
    """Add one to the revision of each month's inputs, inside the caller's transaction (an import
    calls it for the months it wrote), so that their stored scores are rebuilt before they are read.
    Returns the months touched."""
    wanted = _months(months)
    if not wanted:
        return []
    known = set(_months(conn.execute(select(_inputs.c.month).where(_inputs.c.month.in_(wanted))).scalars()))
    if known:
        conn.execute(update(_inputs).where(_inputs.c.month.in_(sorted(known)))
                     .values(revision=_inputs.c.revision + 1))
    new = [mo for mo in wanted if mo not in known]
    if new:
        conn.execute(_inputs.insert(), [{"month": mo, "revision": 1} for mo in new])
    return wanted


def touch_customers(conn: Connection, customer_ids: Iterable[int]) -> list[dt.date]:
    """``touch_months`` for every month in which these customers have signals (a changed segment
    changes which weights and bands apply to them)."""
    ids = sorted({int(i) for i in customer_ids})
    months: set[dt.date] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        months.update(_months(conn.execute(
            select(_signal.c.month).where(_signal.c.customer_id.in_(chunk)).distinct()).scalars()))
    return touch_months(conn, months)


# --- aggregates ----------------------------------------------------------------------------------


def band_counts(engine: Engine, *, version: int, start: dt.date, end: dt.date,
                flt: CustomerFilter = ALL) -> pd.DataFrame:
    """Per month touching ``[start, end)`` and band: ``month``, ``band`` (None: no score), ``n``
    (customers) and ``arr`` (their ARR; 0 without revenue), oldest month first."""
    s = _score.c
    stmt = (
        select(s.month, s.band, func.count().label("n"), func.coalesce(func.sum(s.arr), 0.0).label("arr"))
        .where(s.version == int(version), s.month >= start.replace(day=1), s.month < end, _only(s.customer_id, flt))
        .group_by(s.month, s.band)
        .order_by(s.month, s.band)
    )
    return _typed(_frame(engine, stmt, dates=("month",)))


def band_counts_by(engine: Engine, *, version: int, month: dt.date, by: str,
                   flt: CustomerFilter = ALL) -> pd.DataFrame:
    """Per value of the customer attribute ``by`` (segment, region or owner) and band in one month:
    ``by``, ``band``, ``n``, ``arr``."""
    if by not in GROUPS:
        raise ValueError(f"Band shares are grouped by one of {', '.join(GROUPS)}, not {by!r}.")
    s, c = _score.c, m.Customer
    column = getattr(c, by)
    stmt = (
        select(column.label(by), s.band, func.count().label("n"), func.coalesce(func.sum(s.arr), 0.0).label("arr"))
        .select_from(_score)
        .join(c, c.id == s.customer_id)
        .where(s.version == int(version), s.month == month.replace(day=1), _only(s.customer_id, flt))
        .group_by(column, s.band)
    )
    return _typed(_frame(engine, stmt))


def _bin_of(engine: Engine, score: Any, width: float) -> Any:
    """SQL for ``max(ceil(score / width) - 1, 0)``: bins closed on the upper side, like the bands."""
    q = score / float(width)
    whole = cast(q, Integer) if engine.dialect.name == "sqlite" else cast(func.floor(q), Integer)
    index = case((q == whole, whole - 1), else_=whole)
    return case((index < 0, 0), else_=index)


def score_bins(engine: Engine, *, version: int, month: dt.date, bin_width: float,
               flt: CustomerFilter = ALL) -> pd.DataFrame:
    """Scores of one month counted per bin of ``bin_width`` points and band: ``bin`` (0 holds
    ``[0, width]``, 1 ``(width, 2 width]``, ...), ``band``, ``n``."""
    s = _score.c
    index = _bin_of(engine, s.score, bin_width).label("bin")
    stmt = (
        select(index, s.band, func.count().label("n"))
        .where(s.version == int(version), s.month == month.replace(day=1), s.score.is_not(None),
               _only(s.customer_id, flt))
        .group_by(index, s.band)
    )
    return _frame(engine, stmt)


def transitions(engine: Engine, *, version: int, first: dt.date, second: dt.date, until: dt.date,
                flt: CustomerFilter = ALL) -> pd.DataFrame:
    """How customers moved between bands from ``first`` to ``second``: ``from_band``, ``to_band``,
    ``n`` and ``arr``, for every customer scored in either month.

    A missing row or score is ``unscored``; a customer not scored in ``second`` who churned on or
    before ``until`` is ``churned``. ARR is the first month's, else the second's.
    """
    a, b, c = _score.alias("a"), _score.alias("b"), m.Customer
    both = [a.c.version == int(version), a.c.month == first.replace(day=1), _only(a.c.customer_id, flt)]
    later = and_(b.c.version == int(version), b.c.month == second.replace(day=1), b.c.customer_id == a.c.customer_id)
    gone = select(c.id).where(c.churned_on <= until)
    leaving = case((b.c.band.is_not(None), b.c.band), (a.c.customer_id.in_(gone), "churned"), else_="unscored")
    from_first = select(
        func.coalesce(a.c.band, "unscored").label("from_band"), leaving.label("to_band"),
        func.coalesce(a.c.arr, b.c.arr).label("arr"),
    ).select_from(a.outerjoin(b, later)).where(*both)
    earlier = and_(a.c.version == int(version), a.c.month == first.replace(day=1), a.c.customer_id == b.c.customer_id)
    arriving = case((b.c.band.is_not(None), b.c.band), (b.c.customer_id.in_(gone), "churned"), else_="unscored")
    only_second = select(
        literal("unscored").label("from_band"), arriving.label("to_band"), b.c.arr.label("arr"),
    ).select_from(b.outerjoin(a, earlier)).where(
        b.c.version == int(version), b.c.month == second.replace(day=1), _only(b.c.customer_id, flt),
        a.c.id.is_(None),
    )
    rows = from_first.union_all(only_second).subquery()
    stmt = select(rows.c.from_band, rows.c.to_band, func.count().label("n"),
                  func.coalesce(func.sum(rows.c.arr), 0.0).label("arr")).group_by(rows.c.from_band, rows.c.to_band)
    return _typed(_frame(engine, stmt))


def at_risk_list(engine: Engine, *, version: int, month: dt.date, previous: dt.date | None, drop: float,
                 flt: CustomerFilter = ALL, limit: int | None = None) -> pd.DataFrame:
    """The customers of ``month`` that are red or fell by ``drop`` points or more since ``previous``,
    largest ARR first (then lowest score), the first ``limit`` of them (all when None):
    ``customer_id``, ``external_id``, ``name``, ``owner``, ``segment``, ``region``, ``arr``,
    ``score``, ``band``, ``previous_score``, ``change``, ``why``. ``attrs["n"]`` and
    ``attrs["arr"]`` count all of them, whatever the limit."""
    s, p = _score.alias("s"), _score.alias("p")
    before = and_(p.c.version == int(version), p.c.month == (previous or month).replace(day=1),
                  p.c.customer_id == s.c.customer_id, literal(previous is not None))
    red, falling = s.c.band == "red", (s.c.score - p.c.score) <= -float(drop)
    why = case((and_(red, falling), "red and falling"), (red, "red"), else_="falling")
    order = (s.c.arr.desc().nulls_last(), s.c.score, s.c.customer_id)
    rows = (
        select(s.c.customer_id, s.c.score, s.c.band, s.c.arr, p.c.score.label("previous_score"),
               (s.c.score - p.c.score).label("change"), why.label("why"),
               func.count().over().label("total_n"), func.sum(s.c.arr).over().label("total_arr"))
        .select_from(s.outerjoin(p, before))
        .where(s.c.version == int(version), s.c.month == month.replace(day=1), s.c.score.is_not(None),
               red | falling, _only(s.c.customer_id, flt))
        .order_by(*order)
    )
    if limit is not None:
        rows = rows.limit(int(limit))
    rows = rows.subquery()
    c = m.Customer
    stmt = (
        select(rows.c.customer_id, c.external_id, c.name, c.owner, c.segment, c.region, rows.c.arr, rows.c.score,
               rows.c.band, rows.c.previous_score, rows.c.change, rows.c.why, rows.c.total_n, rows.c.total_arr)
        .join(c, c.id == rows.c.customer_id)
        .order_by(rows.c.arr.desc().nulls_last(), rows.c.score, rows.c.customer_id)
    )
    frame = _frame(engine, stmt)
    for column in ("arr", "score", "previous_score", "change"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    n = int(frame["total_n"].iloc[0]) if len(frame) else 0
    arr = float(pd.to_numeric(frame["total_arr"]).fillna(0.0).iloc[0]) if len(frame) else 0.0
    frame = frame.drop(columns=["total_n", "total_arr"])
    frame.attrs.update(n=n, arr=arr)
    return frame


def month_scores(engine: Engine, *, version: int, month: dt.date, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """One month's stored scores (the inputs of a back-test): ``customer_id``, ``month``, ``score``,
    ``band``, ``arr``."""
    s = _score.c
    stmt = (
        select(s.customer_id, s.month, s.score, s.band, s.arr)
        .where(s.version == int(version), s.month == month.replace(day=1), _only(s.customer_id, flt))
        .order_by(s.customer_id)
    )
    frame = _frame(engine, stmt, dates=("month",))
    for column in ("score", "arr"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def customer_labels(engine: Engine, customer_ids: Iterable[int]) -> pd.DataFrame:
    """Who these customers are: ``customer_id``, ``external_id``, ``name``, ``owner``, ``segment``,
    ``region``."""
    ids = sorted({int(i) for i in customer_ids})
    c = m.Customer
    parts = [_frame(engine, select(c.id.label("customer_id"), c.external_id, c.name, c.owner, c.segment, c.region)
                    .where(c.id.in_(ids[start:start + _CHUNK]))) for start in range(0, len(ids), _CHUNK)]
    columns = ["customer_id", "external_id", "name", "owner", "segment", "region"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def score_outcomes(engine: Engine, *, version: int, month: dt.date, start: dt.date, end: dt.date,
                   flt: CustomerFilter = ALL) -> pd.DataFrame:
    """The scores of one month with whether the customer churned in ``[start, end)``: ``score``,
    ``churned`` (0/1), for the customers still customers at ``start`` (the input of an AUC)."""
    s, c = _score.c, m.Customer
    gone_before = select(c.id).where(c.churned_on < start)
    churned = case((s.customer_id.in_(select(c.id).where(c.churned_on >= start, c.churned_on < end)), 1), else_=0)
    stmt = select(s.score, churned.label("churned")).where(
        s.version == int(version), s.month == month.replace(day=1), s.score.is_not(None),
        s.customer_id.not_in(gone_before), _only(s.customer_id, flt),
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).cursor.fetchall()  # plain tuples: much faster than result rows
    return pd.DataFrame.from_records(rows, columns=["score", "churned"]).astype({"score": float, "churned": int})


def last_scores_before_churn(engine: Engine, *, version: int, start: dt.date, end: dt.date,
                             flt: CustomerFilter = ALL) -> pd.DataFrame:
    """For each customer whose churn event falls in ``[start, end)``: its stored score in the last
    month that began before the churn date: ``customer_id``, ``month``, ``score``, ``band``."""
    s, ce = _score.c, m.ChurnEvent
    last = (
        select(s.customer_id.label("customer_id"), func.max(s.month).label("month"))
        .join(ce, ce.customer_id == s.customer_id)
        .where(s.version == int(version), ce.churned_on >= start, ce.churned_on < end, s.month < ce.churned_on,
               s.customer_id.in_(select(ce.customer_id).where(ce.churned_on >= start, ce.churned_on < end)),
               _only(s.customer_id, flt))
        .group_by(s.customer_id)
        .subquery()
    )
    stmt = (
        select(s.customer_id, s.month, s.score, s.band)
        .join(last, and_(last.c.customer_id == s.customer_id, last.c.month == s.month))
        .where(s.version == int(version))
        .order_by(s.customer_id)
    )
    frame = _frame(engine, stmt, dates=("month",))
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce").astype(float)
    return frame


def bands_before_churn(engine: Engine, *, version: int, start: dt.date, end: dt.date,
                       flt: CustomerFilter = ALL) -> pd.DataFrame:
    """Customers who churned in ``[start, end)`` counted by the band of their last score from a
    month that ended before the churn date, among the months touching ``[start, end)``:
    ``band``, ``n``."""
    s, c = _score.c, m.Customer
    churned_month = _month_of(engine, c.churned_on)
    last = (
        select(s.customer_id.label("customer_id"), func.max(s.month).label("month"))
        .join(c, c.id == s.customer_id)
        .where(s.version == int(version), s.month >= start.replace(day=1), s.month < end, s.score.is_not(None),
               s.customer_id.in_(select(c.id).where(c.churned_on >= start, c.churned_on < end)),
               c.churned_on >= start, c.churned_on < end, s.month < churned_month, _only(s.customer_id, flt))
        .group_by(s.customer_id)
        .subquery()
    )
    stmt = (
        select(s.band, func.count().label("n"))
        .join(last, and_(last.c.customer_id == s.customer_id, last.c.month == s.month))
        .where(s.version == int(version))
        .group_by(s.band)
    )
    return _frame(engine, stmt)


def find_customers(engine: Engine, *, version: int, month: dt.date, text: str = "", flt: CustomerFilter = ALL,
                   limit: int = 20) -> pd.DataFrame:
    """Customers scored in ``month`` whose name or id contains ``text`` (any case), by name, the
    first ``limit``: ``customer_id``, ``external_id``, ``name``, ``segment``."""
    s, c = _score.c, m.Customer
    stmt = (
        select(c.id.label("customer_id"), c.external_id, c.name, c.segment)
        .select_from(_score)
        .join(c, c.id == s.customer_id)
        .where(s.version == int(version), s.month == month.replace(day=1), _only(s.customer_id, flt))
        .order_by(c.name, c.id)
        .limit(int(limit))
    )
    wanted = (text or "").strip()
    if wanted:
        pattern = "%" + wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(c.name.ilike(pattern, escape="\\") | c.external_id.ilike(pattern, escape="\\"))
    return _frame(engine, stmt)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """``n`` as integers and ``arr`` as floats (drivers return decimals or text for sums)."""
    frame["n"] = pd.to_numeric(frame["n"]).astype("int64")
    if "arr" in frame:
        frame["arr"] = pd.to_numeric(frame["arr"], errors="coerce").fillna(0.0).astype(float)
    if "band" in frame:
        frame["band"] = frame["band"].astype(object).where(frame["band"].notna(), None)
    return frame
