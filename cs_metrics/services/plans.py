"""The owner's plan for each account at risk: what the Health page's at-risk list shows beside each
customer, the board pack too, and the one write that changes it.

A plan is free text, a next step and the day that step is due, one per customer. ``save_plan``
takes the ``actor`` making it: the right "health.plan" lets an editor or an admin write any plan,
and a member the plans of the customers they own (the customer's owner is their name or e-mail);
each save leaves a row in the audit trail that says what changed, never the plan's text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from cs_metrics.access import Actor
from cs_metrics.errors import DataError
from cs_metrics.i18n import _, formats
from cs_metrics.services.access import write
from cs_metrics.storage.queries import plans as qp

__all__ = ["MAX_NEXT_STEP", "MAX_PLAN", "PlanEdit", "PlanError", "check_plan", "owned_by", "plans_for",
           "save_plan", "with_plans"]

#: The longest plan and next step stored, in characters.
MAX_PLAN = 2000
MAX_NEXT_STEP = 300


class PlanError(DataError):
    """A plan cannot be saved as given; the message says every thing to fix. Nothing was written."""


@dataclass(frozen=True)
class PlanEdit:
    """The plan of one customer as a person wrote it: the plan, the next step, the day it is due."""

    customer_id: int
    plan: str = ""
    next_step: str = ""
    due_on: dt.date | None = None


def plans_for(engine: Engine, customer_ids: tuple[int, ...] | None = None) -> pd.DataFrame:
    """The stored plans of ``customer_ids`` (every plan when None): ``customer_id``, ``plan``,
    ``next_step``, ``due_on``, ``updated_by``, ``updated_at``; customers without a plan have no row."""
    return qp.plans(engine, customer_ids)


def check_plan(edit: PlanEdit, *, today: dt.date) -> PlanEdit:
    """``edit`` with its texts trimmed, or ``PlanError`` listing every problem: neither a plan nor a
    next step, a text too long, a due date before ``today``.

    Example
    -------
    >>> check_plan(PlanEdit(7, " Meet the sponsor ", ""), today=dt.date(2026, 11, 2)).plan
    'Meet the sponsor'
    """
    plan, step = (edit.plan or "").strip(), (edit.next_step or "").strip()
    problems = []
    if not plan and not step:
        problems.append(_("Write the plan or its next step: both are empty."))
    if len(plan) > MAX_PLAN:
        problems.append(_("The plan is {n} characters long; shorten it to {most} or fewer.").format(
            n=formats.decimal(len(plan)), most=formats.decimal(MAX_PLAN)))
    if len(step) > MAX_NEXT_STEP:
        problems.append(_("The next step is {n} characters long; shorten it to {most} or fewer.").format(
            n=formats.decimal(len(step)), most=formats.decimal(MAX_NEXT_STEP)))
    if edit.due_on is not None and edit.due_on < today:
        problems.append(_("The due date {due} is in the past; pick today ({today}) or a "
                          "later day, or leave it empty.").format(due=formats.date(edit.due_on),
                                                                  today=formats.date(today)))
    if problems:
        raise PlanError(" ".join(problems))
    return replace(edit, plan=plan, next_step=step)


def save_plan(engine: Engine, edit: PlanEdit, *, actor: Actor, today: dt.date | None = None) -> str:
    """Check and store the plan of ``edit.customer_id`` as ``actor``; return a confirmation.

    The right "health.plan" is checked against the customer's owner first. Raises ``PlanError``
    (nothing written, no audit row) for an unknown customer or a plan ``check_plan`` refuses,
    ``Refused`` (recorded in the audit trail) when ``actor`` may not write this plan.
    """
    before = qp.plan_of(engine, edit.customer_id)
    if before is None:
        raise PlanError(_("No customer has the id {id} (it may have been deleted); reload the page.").format(
            id=edit.customer_id))
    name = before["customer"]
    records = f"account plan of {name} (customer #{int(edit.customer_id)})"
    owner = before["owner"].strip() if isinstance(before["owner"], str) else ""
    with write(engine, actor, "health.plan", records=records, owner=owner) as entry:
        clean = check_plan(edit, today=today or dt.date.today())
        qp.save_plan(engine, customer_id=clean.customer_id, plan=clean.plan, next_step=clean.next_step,
                     due_on=clean.due_on, updated_by=actor.who, updated_at=dt.datetime.now(dt.UTC))
        entry.summary = f"plan of {name}: {_plan_change(before, clean)}"
    return _("Plan of {customer} saved.").format(customer=name)


def _plan_change(before: dict[str, Any], after: PlanEdit) -> str:
    """'next step changed, due 2026-12-01': what changed (the texts named, never quoted) and the due
    date now."""
    if before["plan"] is None:
        parts = ["new plan"]
    else:
        parts = [label for label, old, new in (("plan changed", before["plan"], after.plan),
                                               ("next step changed", before["next_step"], after.next_step))
                 if (old or "") != new] or ["texts unchanged"]
    parts.append(f"due {after.due_on:%Y-%m-%d}" if after.due_on is not None else "no due date")
    return ", ".join(parts)


def owned_by(frame: pd.DataFrame, actor: Actor) -> pd.Series:
    """Per row of ``frame`` (with an ``owner`` column: the customer's owner), whether ``actor`` owns
    the customer (their name or e-mail is the owner, ignoring case and surrounding blanks)."""
    names = {n.strip().casefold() for n in (actor.email, actor.name) if n and n.strip()}
    owners = [o.strip().casefold() if isinstance(o, str) else "" for o in frame["owner"]]
    return pd.Series([bool(o) and o in names for o in owners], index=frame.index, dtype=bool)


def with_plans(risk: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    """``risk`` (rows with a ``customer_id``) with two more columns from ``plans`` (``plans_for``):
    ``account_plan`` (the plan's text) and ``next_step_due`` ('Call the sponsor (due 2026-12-01)');
    both empty text for a customer without a plan. The rows keep their order.

    Example
    -------
    >>> risk = pd.DataFrame({"customer_id": [1, 2]})
    >>> plans = pd.DataFrame({"customer_id": [2], "plan": ["Renewal call"], "next_step": ["Book it"],
    ...                       "due_on": [pd.Timestamp("2026-12-01")]})
    >>> with_plans(risk, plans)["next_step_due"].tolist()
    ['', 'Book it (due 2026-12-01)']
    """
    by_id = {int(row.customer_id): row for row in plans.itertuples(index=False)}
    texts, steps = [], []
    for customer_id in risk["customer_id"]:
        row = by_id.get(int(customer_id))
        texts.append(row.plan if row is not None and isinstance(row.plan, str) else "")
        steps.append(_next_step_due(row) if row is not None else "")
    return risk.assign(account_plan=pd.Series(texts, index=risk.index, dtype=object),
                       next_step_due=pd.Series(steps, index=risk.index, dtype=object))


def _next_step_due(row: Any) -> str:
    step = row.next_step if isinstance(row.next_step, str) else ""
    day = formats.date(pd.Timestamp(row.due_on).date()) if pd.notna(row.due_on) else ""
    if step and day:
        return _("{step} (due {day})").format(step=step, day=day)
    return step or (_("(due {day})").format(day=day) if day else "")
