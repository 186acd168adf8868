"""Account plans: the owner's plan for a customer at risk, one row per customer (``account_plan``).

``plans`` reads them; ``save_plan`` writes one with a single ``INSERT ... ON CONFLICT (customer_id)
DO UPDATE`` (SQLite and PostgreSQL), so two people saving the plan of the same customer at the
same moment leave exactly one row, the last save's, and never fail on the unique key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from cs_metrics.storage import models as m
from cs_metrics.storage.queries import _frame

p = m.AccountPlan
c = m.Customer

#: The columns ``plans`` returns, in order.
PLAN_COLUMNS = ["customer_id", "plan", "next_step", "due_on", "updated_by", "updated_at"]


def plans(engine: Engine, customer_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """The stored plans (of ``customer_ids`` only, when given), by customer id: ``customer_id``,
    ``plan``, ``next_step``, ``due_on`` (Timestamp, NaT when not set), ``updated_by``,
    ``updated_at`` (UTC Timestamp). No plan at all gives an empty frame with these columns."""
    stmt = select(p.customer_id, p.plan, p.next_step, p.due_on, p.updated_by, p.updated_at).order_by(p.customer_id)
    if customer_ids is not None:
        stmt = stmt.where(p.customer_id.in_(sorted({int(i) for i in customer_ids})))
    frame = _frame(engine, stmt)
    return frame[PLAN_COLUMNS]


def plan_of(engine: Engine, customer_id: int) -> dict | None:
    """One customer and its plan as stored, or None when no customer has this id: ``customer_id``,
    ``customer`` (its name), ``owner`` (the customer's owner, None when unassigned), ``plan``,
    ``next_step``, ``due_on`` (a date or None); the plan's fields are None when no plan is stored."""
    stmt = (select(c.id.label("customer_id"), c.name.label("customer"), c.owner, p.plan, p.next_step, p.due_on)
            .select_from(c).outerjoin(p, p.customer_id == c.id).where(c.id == int(customer_id)))
    with engine.connect() as conn:
        row = conn.execute(stmt).mappings().first()
    if row is None:
        return None
    found = dict(row)
    due = found["due_on"]
    found["due_on"] = dt.date.fromisoformat(str(due)[:10]) if due is not None else None
    return found


def save_plan(engine: Engine, *, customer_id: int, plan: str, next_step: str, due_on: dt.date | None,
              updated_by: str, updated_at: dt.datetime) -> None:
    """Store the plan of ``customer_id``, replacing the one stored (values as given: the service
    checks them first)."""
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    values = {"customer_id": int(customer_id), "plan": plan, "next_step": next_step, "due_on": due_on,
              "updated_by": updated_by, "updated_at": updated_at}
    stmt = insert(p).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["customer_id"],
        set_={k: getattr(stmt.excluded, k) for k in ("plan", "next_step", "due_on", "updated_by", "updated_at")},
    )
    with engine.begin() as conn:
        conn.execute(stmt)


__all__ = ["PLAN_COLUMNS", "plan_of", "plans", "save_plan"]
