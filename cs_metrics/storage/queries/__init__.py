"""Query functions: the only place that reads the database. Each returns a DataFrame or plain values.

This module holds the shared filter type and the queries used across pages; each area keeps its
own reads (and its few writes, such as follow-up edits) in a submodule: ``queries.nps``,
``queries.health``, ...

Aggregations that grow with the data (counts per class, per month) run in SQL; what comes back is
one row per customer at most. Every function takes the engine first and keyword-only filters.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
from sqlalchemy import Date, TypeDecorator, case, cast, func, literal, select
from sqlalchemy.engine import Engine
from sqlalchemy.sql import Select

from cs_metrics.default_health_model import DEFAULT_MODEL
from cs_metrics.period import as_date, month_end
from cs_metrics.selection import ALL, CustomerFilter
from cs_metrics.storage import models as m


def _apply(stmt: Select, flt: CustomerFilter) -> Select:
    if flt.segments:
        stmt = stmt.where(m.Customer.segment.in_(flt.segments))
    if flt.regions:
        stmt = stmt.where(m.Customer.region.in_(flt.regions))
    if flt.owners:
        stmt = stmt.where(m.Customer.owner.in_(flt.owners))
    return stmt


def _frame(engine: Engine, stmt: Select, *, dates: tuple[str, ...] = ()) -> pd.DataFrame:
    """Run ``stmt`` and return its rows as a DataFrame.

    Rows are read straight from the driver's cursor (several times faster than building
    SQLAlchemy rows for large results); column types are then restored from the statement:
    dates and datetimes become Timestamps, booleans stay booleans (SQLite returns 0/1) on
    every backend.
    ``dates`` names further columns to parse as dates (e.g. computed month expressions).
    """
    with engine.connect() as conn:
        result = conn.execute(stmt)
        columns = list(result.keys())
        rows = result.cursor.fetchall() if result.cursor is not None else []
    frame = pd.DataFrame.from_records(rows, columns=columns)
    types = {col.name: col.type for col in stmt.selected_columns}
    for column in columns:
        kind = types.get(column)
        python_type = _python_type(kind)
        if column in dates or python_type is dt.date:
            frame[column] = pd.to_datetime(frame[column])
        elif python_type is dt.datetime:
            frame[column] = pd.to_datetime(frame[column], utc=True, format="mixed")  # with or without offset
        elif python_type is bool:
            values = frame[column].map(lambda v: v if v is None or v != v else bool(v))  # missing stays missing
            frame[column] = values.astype(bool) if values.notna().all() else values
    return frame


def _python_type(kind: Any) -> type | None:
    """The Python type a column type stands for, looking through type decorators."""
    if kind is None:
        return None
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    try:
        return kind.python_type
    except NotImplementedError:
        return None


def _month_of(engine: Engine, column) -> Any:
    """SQL expression for the first day of the month of a date column (portable)."""
    if engine.dialect.name == "postgresql":
        return cast(func.date_trunc("month", column), Date)
    return func.date(column, "start of month")


# --- reference data ------------------------------------------------------------------------------


def filter_options(engine: Engine) -> dict[str, list[str]]:
    """Distinct segments, regions and owners present in the customer table."""
    out: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for key, column in (("segments", m.Customer.segment), ("regions", m.Customer.region), ("owners", m.Customer.owner)):
            values = conn.execute(select(column).where(column.is_not(None)).distinct()).scalars().all()
            out[key] = sorted(values)
    return out


def data_extent(engine: Engine) -> dict[str, dt.date | None]:
    """First signing date and the latest date any activity was recorded (data freshness)."""
    with engine.connect() as conn:
        first = conn.execute(select(func.min(m.Customer.signed_on))).scalar_one()
        latest = [
            conn.execute(select(func.max(col))).scalar_one()
            for col in (m.Customer.signed_on, m.NpsResponse.responded_on, m.Milestone.reached_on, m.ChurnEvent.churned_on, m.Meeting.held_on)
        ]
        last_month = conn.execute(select(func.max(m.RevenueMonth.month))).scalar_one()
    dates = [as_date(d) for d in latest if d is not None]
    if last_month is not None:
        last_month = as_date(last_month)
        # A revenue month covers the whole month, but never reaches past today.
        dates.append(min(month_end(last_month), dt.date.today()))
    return {"first": as_date(first) if first else None, "latest": max(dates) if dates else None}


def table_counts(engine: Engine) -> pd.DataFrame:
    """Row count of every entity table: columns ``entity``, ``table``, ``rows``."""
    rows = []
    with engine.connect() as conn:
        for label, table in m.ENTITY_LABELS.items():
            count = conn.execute(select(func.count()).select_from(table)).scalar_one()
            rows.append({"entity": label, "table": table.__tablename__, "rows": int(count)})
    return pd.DataFrame(rows)


# --- customers -----------------------------------------------------------------------------------


def _signed(stmt: Select, signed: tuple[dt.date, dt.date] | None) -> Select:
    if signed is None:
        return stmt
    return stmt.where(m.Customer.signed_on >= signed[0], m.Customer.signed_on < signed[1])


def customers(
    engine: Engine, *, flt: CustomerFilter = ALL, signed: tuple[dt.date, dt.date] | None = None,
    min_term: int | None = None,
) -> pd.DataFrame:
    """One row per customer: ``customer_id`` and the customer's attributes; only those signed in
    ``signed`` (``[start, end)``) and on contracts of ``min_term`` months or more, when given.

    ``churned_on`` is the customer's own churn date or, where the record has none, the date of
    its churn event (a churn file imported without updating the customers file), so that every
    churn figure sees the same lost customers.
    """
    c = m.Customer
    stmt = _apply(
        select(
            c.id.label("customer_id"), c.external_id, c.name, c.segment, c.region, c.industry,
            c.owner, c.plan, c.signed_on, c.contract_term_months, c.renewal_date, c.arr,
            c.status, _churned_on().label("churned_on"),
        ),
        flt,
    )
    if min_term is not None:
        stmt = stmt.where(c.contract_term_months >= min_term)
    stmt = _signed(stmt, signed).order_by(c.id)
    return _frame(engine, stmt, dates=("signed_on", "renewal_date", "churned_on"))


def _churned_on() -> Any:
    """A customer's churn date: its own or, where the record has none, its earliest churn event's
    (looked up only for the customers without a date of their own)."""
    c, ce = m.Customer, m.ChurnEvent
    event = select(func.min(ce.churned_on)).where(ce.customer_id == c.id).correlate(c).scalar_subquery()
    return func.coalesce(c.churned_on, event)


def customer_dates(engine: Engine, *, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """One row per customer with only what head counts need: ``customer_id``, ``signed_on``,
    ``churned_on`` (as in ``customers``) and ``arr``; a fraction of ``customers``' cost for the
    figures that count customers active, lost or joined in many windows."""
    c = m.Customer
    stmt = _apply(select(c.id.label("customer_id"), c.signed_on, _churned_on().label("churned_on"), c.arr), flt)
    return _frame(engine, stmt.order_by(c.id), dates=("signed_on", "churned_on"))


def has_revenue(engine: Engine, *, flt: CustomerFilter = ALL) -> bool:
    """Whether any monthly revenue is stored for these customers."""
    rm = m.RevenueMonth
    stmt = _apply(select(rm.id).join(m.Customer, m.Customer.id == rm.customer_id), flt).limit(1)
    with engine.connect() as conn:
        return conn.execute(stmt).first() is not None


def arr_by_month(engine: Engine, *, months: tuple[dt.date, ...], flt: CustomerFilter = ALL) -> pd.DataFrame:
    """Per month of ``months`` (first days): ``month``, ``customers`` with revenue, ``arr`` (12 x
    total MRR); months without revenue come back with 0 and 0."""
    rm = m.RevenueMonth
    stmt = (
        select(rm.month, func.count(rm.customer_id).label("customers"), func.sum(rm.mrr).label("mrr"))
        .where(rm.month.in_(months))
        .group_by(rm.month)
    )
    if not flt.is_all:  # without a filter the month index alone answers
        stmt = _apply(stmt.join(m.Customer, m.Customer.id == rm.customer_id), flt)
    found = _frame(engine, stmt, dates=("month",)).set_index("month")
    index = pd.DatetimeIndex(pd.to_datetime(list(months)), name="month")
    out = found.reindex(index)
    return pd.DataFrame({
        "month": index,
        "customers": out["customers"].fillna(0).astype("int64").to_numpy(),
        "arr": pd.to_numeric(out["mrr"], errors="coerce").fillna(0.0).to_numpy(dtype=float) * 12.0,
    })


# --- NPS -----------------------------------------------------------------------------------------


def _class_sums(r: Any) -> list[Any]:
    valid = (r.score >= 0) & (r.score <= 10)
    return [
        func.sum(case((valid & (r.score <= 6), 1), else_=0)).label("detractors"),
        func.sum(case((valid & (r.score >= 7) & (r.score <= 8), 1), else_=0)).label("passives"),
        func.sum(case((valid & (r.score >= 9), 1), else_=0)).label("promoters"),
    ]


def nps_daily_counts(
    engine: Engine, *, start: dt.date, end: dt.date, flt: CustomerFilter = ALL
) -> pd.DataFrame:
    """Per day with answers in ``[start, end)``: ``day``, ``detractors``, ``passives``,
    ``promoters`` (a sparkline's windows are summed from these days, read once)."""
    r = m.NpsResponse
    stmt = (
        select(r.responded_on.label("day"), *_class_sums(r))
        .where(r.responded_on >= start, r.responded_on < end)
        .group_by(r.responded_on)
        .order_by(r.responded_on)
    )
    if not flt.is_all:
        stmt = _apply(stmt.join(m.Customer, m.Customer.id == r.customer_id), flt)
    return _frame(engine, stmt, dates=("day",))


def nps_monthly_counts(
    engine: Engine, *, start: dt.date, end: dt.date, flt: CustomerFilter = ALL
) -> pd.DataFrame:
    """Per month in ``[start, end)``: ``month``, ``detractors``, ``passives``, ``promoters``."""
    r = m.NpsResponse
    month = _month_of(engine, r.responded_on).label("month")
    stmt = (
        select(month, *_class_sums(r))
        .where(r.responded_on >= start, r.responded_on < end)
        .group_by(month)
        .order_by(month)
    )
    if not flt.is_all:
        stmt = _apply(stmt.join(m.Customer, m.Customer.id == r.customer_id), flt)
    return _frame(engine, stmt, dates=("month",))


# --- milestones ----------------------------------------------------------------------------------


def first_value_dates(
    engine: Engine, *, flt: CustomerFilter = ALL, signed: tuple[dt.date, dt.date] | None = None
) -> pd.DataFrame:
    """Earliest reached first-value milestone per customer: ``customer_id``, ``kind``, ``reached_on``
    (of the customers signed in ``signed``, ``[start, end)``, when given)."""
    ms = m.Milestone
    stmt = _apply(
        select(ms.customer_id, literal("first_value").label("kind"), func.min(ms.reached_on).label("reached_on"))
        .join(m.Customer, m.Customer.id == ms.customer_id)
        .where(ms.kind == "first_value", ms.reached_on.is_not(None)),
        flt,
    )
    return _frame(engine, _signed(stmt, signed).group_by(ms.customer_id), dates=("reached_on",))


# --- health --------------------------------------------------------------------------------------


def active_health_model(engine: Engine) -> dict[str, Any]:
    """The active health model (``definition`` parsed) with ``version``; the newest if none is active."""
    hm = m.HealthModel
    with engine.connect() as conn:
        row = conn.execute(
            select(hm.version, hm.definition).order_by(hm.is_active.desc(), hm.version.desc()).limit(1)
        ).first()
    if row is None:
        return {"version": 0, **DEFAULT_MODEL}
    return {"version": int(row.version), **json.loads(row.definition)}
