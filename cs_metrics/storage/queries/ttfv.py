"""Reads for the Onboarding (time to first value) view.

Everything here returns at most one row per customer (or per milestone for the few first-value
milestones a customer has); counts per segment and target run in SQL.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased

from cs_metrics.storage import models as m
from cs_metrics.storage.queries import ALL, CustomerFilter, _apply, _frame


def _latest_milestone() -> tuple:
    """The columns of each customer's latest reached milestone and the join that finds it (the
    latest date, then the one recorded last)."""
    c, ms = m.Customer, m.Milestone
    other = aliased(ms)
    latest = (
        select(other.id)
        .where(other.customer_id == c.id, other.reached_on.is_not(None))
        .correlate(c)
        .order_by(other.reached_on.desc(), other.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    columns = (func.coalesce(ms.name, ms.kind).label("last_milestone"), ms.kind.label("last_milestone_kind"),
               ms.reached_on.label("last_milestone_on"))
    return columns, (ms, ms.id == latest)


def onboarding_customers(
    engine: Engine, *, flt: CustomerFilter = ALL, last_milestone: bool = True
) -> pd.DataFrame:
    """One row per customer with what the onboarding view shows about them.

    Columns: ``customer_id``, ``name``, ``segment``, ``region``, ``owner``, ``plan``, ``signed_on``,
    ``arr``, ``status``, ``churned_on`` and the latest milestone reached: ``last_milestone`` (its
    name, or its kind when unnamed), ``last_milestone_kind``, ``last_milestone_on`` (empty when
    the customer has reached none). Without ``last_milestone`` those three are left out: looking
    them up is most of this read's work, and a page shows them for a few customers only
    (``last_milestones``).
    """
    c = m.Customer
    stmt = select(c.id.label("customer_id"), c.name, c.segment, c.region, c.owner, c.plan, c.signed_on,
                  c.arr, c.status, c.churned_on)
    if last_milestone:
        columns, (ms, on) = _latest_milestone()
        stmt = stmt.add_columns(*columns).outerjoin(ms, on)
    stmt = _apply(stmt, flt).order_by(c.id)
    return _frame(engine, stmt, dates=("signed_on", "churned_on", "last_milestone_on"))


#: Customer ids per ``IN (...)`` list: well under the parameter limits of SQLite and PostgreSQL.
ID_BATCH = 10_000


def last_milestones(engine: Engine, *, customer_ids: tuple[int, ...]) -> pd.DataFrame:
    """``customer_id``, ``last_milestone``, ``last_milestone_kind``, ``last_milestone_on`` of the
    customers ``customer_ids`` (as ``onboarding_customers`` gives them), ordered by customer."""
    c = m.Customer
    columns, (ms, on) = _latest_milestone()
    ids = sorted({int(i) for i in customer_ids})
    frames = [
        _frame(engine, select(c.id.label("customer_id"), *columns).outerjoin(ms, on)
               .where(c.id.in_(ids[i:i + ID_BATCH])).order_by(c.id), dates=("last_milestone_on",))
        for i in range(0, max(len(ids), 1), ID_BATCH)
    ]
    if len(frames) == 1:
        return frames[0]
    out = pd.concat(frames, ignore_index=True)
    for column in ("last_milestone", "last_milestone_kind"):  # text, as one read gives it
        if out[column].notna().any():
            out[column] = out[column].astype("str")
    return out


def first_value_milestones(engine: Engine, *, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """Every reached first-value milestone: ``customer_id``, ``kind``, ``reached_on``.

    Normally one per customer; duplicates are returned as they are so that
    ``cs_metrics.ttfv.ttfv_durations`` can report them.
    """
    ms = m.Milestone
    stmt = _apply(
        select(ms.customer_id, ms.kind, ms.reached_on)
        .join(m.Customer, m.Customer.id == ms.customer_id)
        .where(ms.kind == "first_value", ms.reached_on.is_not(None)),
        flt,
    ).order_by(ms.customer_id, ms.reached_on)
    return _frame(engine, stmt, dates=("reached_on",))


def signing_cohort(
    engine: Engine, *, start: dt.date, end: dt.date, flt: CustomerFilter = ALL
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The customers signed in ``[start, end)`` (``customer_id``, ``signed_on``, ``churned_on``)
    and their reached first-value milestones (``customer_id``, ``kind``, ``reached_on``): what
    time to first value needs for one or more signing cohorts."""
    c, ms = m.Customer, m.Milestone
    signed = (c.signed_on >= start) & (c.signed_on < end)
    customers = _frame(engine, _apply(select(c.id.label("customer_id"), c.signed_on, c.churned_on).where(signed), flt)
                       .order_by(c.id), dates=("signed_on", "churned_on"))
    milestones = _frame(engine, _apply(
        select(ms.customer_id, ms.kind, ms.reached_on)
        .join(c, c.id == ms.customer_id)
        .where(ms.kind == "first_value", ms.reached_on.is_not(None), signed),
        flt,
    ).order_by(ms.customer_id, ms.reached_on), dates=("reached_on",))
    return customers, milestones


def first_value_target_counts(engine: Engine, *, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """How often each first-value target occurs per segment: ``segment``, ``target_days``, ``n``."""
    ms, c = m.Milestone, m.Customer
    stmt = _apply(
        select(c.segment, ms.target_days, func.count().label("n"))
        .join(c, c.id == ms.customer_id)
        .where(ms.kind == "first_value", ms.target_days.is_not(None))
        .group_by(c.segment, ms.target_days),
        flt,
    ).order_by(c.segment, ms.target_days)
    frame = _frame(engine, stmt)
    if frame.empty:
        return pd.DataFrame({"segment": pd.Series(dtype=object), "target_days": pd.Series(dtype=float),
                             "n": pd.Series(dtype=int)})
    return frame


def milestones_before_signing(
    engine: Engine, *, flt: CustomerFilter = ALL, with_customer: bool = False
) -> pd.DataFrame:
    """Milestones of any kind dated before the customer signed (a data error to fix).

    Columns: ``customer_id``, ``name`` (the customer's), ``kind``, ``milestone``, ``reached_on``,
    ``signed_on``; with ``with_customer`` also the customer's ``segment``, ``region`` and ``owner``
    (what a filter selects on, so that a page can read every customer's once and slice them).
    """
    ms, c = m.Milestone, m.Customer
    extra = (c.segment, c.region, c.owner) if with_customer else ()
    stmt = _apply(
        select(c.id.label("customer_id"), c.name, ms.kind, ms.name.label("milestone"), ms.reached_on,
               c.signed_on, *extra)
        .join(c, c.id == ms.customer_id)
        .where(ms.reached_on.is_not(None), ms.reached_on < c.signed_on),
        flt,
    ).order_by(c.id, ms.reached_on)
    return _frame(engine, stmt, dates=("reached_on", "signed_on"))
