"""Health reads and writes: signals per customer-month (pivoted in SQL), their coverage, churn
dates, and the versioned health model.

Signals are pivoted in SQL to one row per customer and month (``MAX(CASE ...)`` per signal), so
what comes back grows with customers x months, never with raw rows. The scores computed from them
are stored per model version (``queries.health_scores``); pages read those, and the pivot here is
read a month at a time to score them, or for one customer to explain a score.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from cs_metrics.default_health_model import DEFAULT_MODEL
from cs_metrics.errors import DataError
from cs_metrics.i18n import _
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import ALL, CustomerFilter, _apply, _frame


def signal_keys(engine: Engine) -> list[str]:
    """Distinct signal keys present in the data, sorted."""
    with engine.connect() as conn:
        return sorted(conn.execute(select(m.HealthSignal.signal).distinct()).scalars().all())


def signal_matrix(
    engine: Engine, *, start: dt.date, end: dt.date, signals: tuple[str, ...], flt: CustomerFilter = ALL,
    customer_id: int | None = None,
) -> pd.DataFrame:
    """One row per customer and month with signals, for the months touching ``[start, end)``
    (of one customer only, with ``customer_id``).

    Columns: ``customer_id``, ``month``, ``name``, ``segment``, ``region``, ``owner``, ``arr``
    (12 x that month's MRR; NaN without revenue that month), then one column per key of
    ``signals`` (NaN where the customer has no value that month).
    """
    hs = m.HealthSignal
    pivots = [func.max(case((hs.signal == key, hs.value))).label(f"s{i}") for i, key in enumerate(signals)]
    one = [hs.customer_id == int(customer_id)] if customer_id is not None else []
    inner = (
        select(hs.customer_id, hs.month, *pivots)
        .where(hs.month >= start.replace(day=1), hs.month < end, *one)
        .group_by(hs.customer_id, hs.month)
        .subquery()
    )
    c, rev = m.Customer, m.RevenueMonth
    stmt = _apply(
        select(
            inner.c.customer_id, inner.c.month, c.name, c.segment, c.region, c.owner,
            (rev.mrr * 12.0).label("arr"), *[inner.c[f"s{i}"] for i in range(len(signals))],
        )
        .join(c, c.id == inner.c.customer_id)
        .outerjoin(rev, and_(rev.customer_id == inner.c.customer_id, rev.month == inner.c.month))
        .order_by(inner.c.month, inner.c.customer_id),
        flt,
    )
    frame = _frame(engine, stmt, dates=("month",))
    frame = frame.rename(columns={f"s{i}": key for i, key in enumerate(signals)})
    for column in ("arr", *signals):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def signal_coverage(
    engine: Engine, *, month: dt.date, flt: CustomerFilter = ALL, keys: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Customers with a value per segment and signal in one month: ``segment``, ``signal``,
    ``customers``; every segment of the selected customers appears with every signal key (0 when
    no customer there has that signal): the ``keys`` given (e.g. a model's signals), else every
    key present in the data (a scan of all signals)."""
    hs, c = m.HealthSignal, m.Customer
    # One row per customer, month and signal (uq_health_signal): counting rows counts customers.
    stmt = _apply(
        select(c.segment, hs.signal, func.count().label("customers"))
        .join(c, c.id == hs.customer_id)
        .where(hs.month == month)
        .group_by(c.segment, hs.signal),
        flt,
    )
    counts = _frame(engine, stmt)
    if keys is not None:
        counts = counts[counts["signal"].isin(keys)]
    segments = _frame(engine, _apply(select(c.segment).distinct(), flt))["segment"].tolist()
    keys = sorted(keys) if keys is not None else signal_keys(engine)
    grid = pd.MultiIndex.from_product([sorted(segments), keys], names=["segment", "signal"])
    if counts.empty:
        return pd.DataFrame({"customers": 0}, index=grid).reset_index()
    out = counts.set_index(["segment", "signal"])["customers"].reindex(grid, fill_value=0)
    return out.astype(int).reset_index()


def segment_names(engine: Engine) -> list[str]:
    """Distinct customer segments, sorted (for per-segment model profiles)."""
    with engine.connect() as conn:
        return sorted(conn.execute(select(m.Customer.segment).distinct()).scalars().all())


def churn_dates(engine: Engine, *, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """Churned customers: ``customer_id``, ``churned_on``."""
    c = m.Customer
    stmt = _apply(select(c.id.label("customer_id"), c.churned_on).where(c.churned_on.is_not(None)), flt)
    return _frame(engine, stmt, dates=("churned_on",))


def customer_signal_history(engine: Engine, customer_id: int) -> pd.DataFrame:
    """All raw signals of one customer: ``month``, ``signal``, ``value`` (oldest month first)."""
    hs = m.HealthSignal
    stmt = select(hs.month, hs.signal, hs.value).where(hs.customer_id == int(customer_id)).order_by(hs.month, hs.signal)
    return _frame(engine, stmt, dates=("month",))


# --- model versions ------------------------------------------------------------------------------


#: How the audit trail names a model version (``records`` of 'health.draft' and 'health.activate' rows).
VERSION_RECORD = "health model version {}"


def model_versions(engine: Engine) -> pd.DataFrame:
    """Every stored model version, newest first: ``version``, ``created_at`` (UTC), ``created_by``,
    ``reason``, ``is_active``, ``draft`` (saved as a draft and not activated since)."""
    hm = m.HealthModel
    stmt = select(hm.version, hm.created_at, hm.created_by, hm.reason, hm.is_active, hm.draft
                  ).order_by(hm.version.desc())
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    # Built column by column: a frame built from whole rows can lose the booleans next to
    # timezone-aware datetimes (seen with PostgreSQL's Etc/UTC zone).
    return pd.DataFrame({
        "version": pd.Series([int(r.version) for r in rows], dtype="int64"),
        "created_at": pd.to_datetime(pd.Series([r.created_at for r in rows], dtype=object), utc=True),
        "created_by": pd.Series([r.created_by for r in rows], dtype=object),
        "reason": pd.Series([r.reason for r in rows], dtype=object),
        "is_active": pd.Series([bool(r.is_active) for r in rows], dtype=bool),
        "draft": pd.Series([bool(r.draft) and not r.is_active for r in rows], dtype=bool),
    })


def load_model(engine: Engine, version: int | None = None) -> dict[str, Any]:
    """A model version's definition with its ``version`` key; the active one when ``version`` is None.

    With no stored version at all, ``cs_metrics.default_health_model.DEFAULT_MODEL`` as version 0.

    Raises
    ------
    DataError
        ``version`` does not exist.
    """
    hm = m.HealthModel
    stmt = select(hm.version, hm.definition)
    if version is None:
        stmt = stmt.order_by(hm.is_active.desc(), hm.version.desc()).limit(1)
    else:
        stmt = stmt.where(hm.version == int(version))
    with engine.connect() as conn:
        row = conn.execute(stmt).first()
    if row is None:
        if version is None:
            return {"version": 0, **json.loads(json.dumps(DEFAULT_MODEL))}
        raise DataError(_("Health model version {version} does not exist; pick one from the version "
                          "history.").format(version=version))
    return {"version": int(row.version), **json.loads(row.definition)}


def store_model_version(engine: Engine, definition: dict[str, Any], *, created_by: str, reason: str,
                        activate: bool = True) -> int:
    """Store a checked model ``definition`` as the next version in one transaction; returns its number.

    With ``activate`` the new version becomes the active one; without, it is a draft and the active
    flag stays where it is. Every earlier version stays. Validation
    (``cs_metrics.services.health.save_model_version``) happens before this call.

    Raises
    ------
    DataError
        Another person saved a version at the same moment (save again).
    """
    hm = m.HealthModel
    try:
        with engine.begin() as conn:
            latest = conn.execute(select(func.max(hm.version))).scalar_one()
            new = int(latest or 0) + 1
            if activate:
                conn.execute(update(hm).where(hm.is_active.is_(True)).values(is_active=False))
            conn.execute(
                hm.__table__.insert().values(
                    version=new, created_at=dt.datetime.now(dt.UTC), created_by=created_by, reason=reason,
                    definition=json.dumps(definition, sort_keys=True), is_active=bool(activate),
                    draft=not activate,
                )
            )
    except IntegrityError:
        raise DataError(_("Someone saved a model version at the same moment; nothing was saved. Save again.")) from None
    return new


def active_version(engine: Engine) -> int | None:
    """The number of the active model version (None when no version is active)."""
    hm = m.HealthModel
    with engine.connect() as conn:
        return conn.execute(select(hm.version).where(hm.is_active.is_(True)).order_by(hm.version.desc())
                            .limit(1)).scalar_one_or_none()


def activate_model_version(engine: Engine, version: int) -> int | None:
    """Make the stored ``version`` the active one, in one transaction; returns the version active
    before (None when there was none).

    Raises
    ------
    DataError
        ``version`` does not exist.
    """
    hm = m.HealthModel
    with engine.begin() as conn:
        if conn.execute(select(hm.id).where(hm.version == int(version))).first() is None:
            raise DataError(_("Health model version {version} does not exist; pick one from the version "
                          "history.").format(version=version))
        before = conn.execute(select(hm.version).where(hm.is_active.is_(True)).order_by(hm.version.desc())
                              .limit(1)).scalar_one_or_none()
        conn.execute(update(hm).where(hm.is_active.is_(True), hm.version != int(version)).values(is_active=False))
        conn.execute(update(hm).where(hm.version == int(version)).values(is_active=True, draft=False))
    return None if before is None else int(before)
