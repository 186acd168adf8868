"""Reads for the Onboarding (time to first value) view.

Everything here returns at most one row per customer (or per milestone for the few first-value
milestones a customer has); counts per segment and target run in SQL.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from cs_metrics.storage import models as m
from cs_metrics.storage.queries import ALL, CustomerFilter, _apply, _frame


def onboarding_customers(engine: Engine, *, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """One row per customer with what the onboarding view shows about them.

    Columns: ``customer_id``, ``name``, ``segment``, ``region``, ``owner``, ``plan``, ``signed_on``,
    ``arr``, ``status``, ``churned_on`` and the latest milestone reached: ``last_milestone`` (its
    name, or its kind when unnamed), ``last_milestone_kind``, ``last_milestone_on`` (empty when
    the customer has reached none).
    """
    c, ms = m.Customer, m.Milestone
    ranked = (
        select(
            ms.customer_id,
            func.coalesce(ms.name, ms.kind).label("last_milestone"),
            ms.kind.label("last_milestone_kind"),
            ms.reached_on.label("last_milestone_on"),
            func.row_number()
            .over(partition_by=ms.customer_id, order_by=(ms.reached_on.desc(), ms.id.desc()))
            .label("rank"),
        )
        .where(ms.reached_on.is_not(None))
        .subquery()
    )
    stmt = _apply(
        select(
            c.id.label("customer_id"), c.name, c.segment, c.region, c.owner, c.plan, c.signed_on,
            c.arr, c.status, c.churned_on,
            ranked.c.last_milestone, ranked.c.last_milestone_kind, ranked.c.last_milestone_on,
        ).outerjoin(ranked, (ranked.c.customer_id == c.id) & (ranked.c.rank == 1)),
        flt,
    ).order_by(c.id)
    return _frame(engine, stmt, dates=("signed_on", "churned_on", "last_milestone_on"))


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


def milestones_before_signing(engine: Engine, *, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """Milestones of any kind dated before the customer signed (a data error to fix).

    Columns: ``customer_id``, ``name`` (the customer's), ``kind``, ``milestone``, ``reached_on``,
    ``signed_on``.
    """
    ms, c = m.Milestone, m.Customer
    stmt = _apply(
        select(c.id.label("customer_id"), c.name, ms.kind, ms.name.label("milestone"), ms.reached_on, c.signed_on)
        .join(c, c.id == ms.customer_id)
        .where(ms.reached_on.is_not(None), ms.reached_on < c.signed_on),
        flt,
    ).order_by(c.id, ms.reached_on)
    return _frame(engine, stmt, dates=("reached_on", "signed_on"))
