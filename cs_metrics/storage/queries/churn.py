"""Reads and the one write of the Churn & retention area.

Reads return at most one row per customer (or per customer and signal), or aggregates computed
in SQL: revenue is read for the two months a retention figure compares, cohorts are summed per
cohort and month by the database. The write, ``record_follow_up``, stores the outcome of the
post-churn call after validating every field, in one transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import Date, and_, case, func, literal, or_, select, union_all, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select

from cs_metrics.errors import DataError
from cs_metrics.i18n import _, formats
from cs_metrics.period import as_date
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import ALL, CustomerFilter, _apply, _churned_on, _frame

#: Longest follow-up note accepted (characters).
MAX_NOTES = 4000


class FollowUpError(DataError):
    """A post-churn follow-up cannot be saved as entered; the message says which field to fix."""


# --- churn events --------------------------------------------------------------------------------


def churn_events(
    engine: Engine, *, start: dt.date | None = None, end: dt.date | None = None, flt: CustomerFilter = ALL
) -> pd.DataFrame:
    """One row per churned customer with churn date in ``[start, end)`` (all when not given).

    Columns: ``customer_id``, ``external_id``, ``name``, ``segment``, ``owner``, ``signed_on``,
    ``contract_term_months``, ``churned_on``, ``arr_lost``, ``primary_reason``,
    ``contributing_reasons``, ``category``, ``controllable``, ``reason_confirmed``,
    ``follow_up_call_on``, ``follow_up_notes``; newest churn first.
    """
    ce, c = m.ChurnEvent, m.Customer
    stmt = select(
        ce.customer_id,
        c.external_id,
        c.name,
        c.segment,
        c.owner,
        c.signed_on,
        c.contract_term_months,
        ce.churned_on,
        ce.arr_lost,
        ce.primary_reason,
        ce.contributing_reasons,
        ce.category,
        ce.controllable,
        ce.reason_confirmed,
        ce.follow_up_call_on,
        ce.follow_up_notes,
    ).join(c, c.id == ce.customer_id)
    if start is not None:
        stmt = stmt.where(ce.churned_on >= start)
    if end is not None:
        stmt = stmt.where(ce.churned_on < end)
    stmt = _apply(stmt, flt).order_by(ce.churned_on.desc(), ce.customer_id)
    frame = _frame(engine, stmt, dates=("signed_on", "churned_on", "follow_up_call_on"))
    frame["controllable"] = frame["controllable"].astype("boolean")
    frame["reason_confirmed"] = frame["reason_confirmed"].fillna(False).astype(bool)
    return frame


def churned_count(engine: Engine, *, start: dt.date, end: dt.date, flt: CustomerFilter = ALL) -> int:
    """How many rows ``churn_events`` returns for ``[start, end)``: the customers lost in it."""
    ce, c = m.ChurnEvent, m.Customer
    stmt = _apply(select(func.count()).select_from(ce).join(c, c.id == ce.customer_id)
                  .where(ce.churned_on >= start, ce.churned_on < end), flt)
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def customers_on_terms(
    engine: Engine, *, min_term: int, start: dt.date, end: dt.date, flt: CustomerFilter = ALL
) -> pd.DataFrame:
    """The customers on contracts of ``min_term`` months or more who can count in the window
    ``[start, end)``: signed before ``end`` and not churned before ``start``. Columns
    ``customer_id``, ``external_id``, ``name``, ``segment``, ``signed_on``,
    ``contract_term_months``, ``churned_on`` (as ``queries.customers``) and ``arr``; ordered by
    customer.

    Every customer left out can neither be active at ``start`` nor reach a contract end in the
    window while still a customer, so renewal and logo churn counts are those of all of them.
    """
    c = m.Customer
    churned = _churned_on()
    stmt = _apply(
        select(
            c.id.label("customer_id"), c.external_id, c.name, c.segment, c.signed_on, c.contract_term_months,
            churned.label("churned_on"), c.arr,
        ).where(c.contract_term_months >= min_term, c.signed_on < end,
                or_(churned.is_(None), churned >= start)),
        flt,
    ).order_by(c.id)
    return _frame(engine, stmt, dates=("signed_on", "churned_on"))


# --- revenue -------------------------------------------------------------------------------------


def revenue_in_months(
    engine: Engine, *, months: tuple[dt.date, ...], flt: CustomerFilter = ALL
) -> pd.DataFrame:
    """``customer_id``, ``month``, ``mrr`` for the given months (negative MRR left out)."""
    rm = m.RevenueMonth
    stmt = _apply(
        select(rm.customer_id, rm.month, rm.mrr)
        .join(m.Customer, m.Customer.id == rm.customer_id)
        .where(rm.month.in_(list(months)), rm.mrr >= 0),
        flt,
    ).order_by(rm.month, rm.customer_id)
    return _frame(engine, stmt, dates=("month",))


def revenue_in_months_for_terms(
    engine: Engine, *, months: tuple[dt.date, ...], min_term: int, flt: CustomerFilter = ALL
) -> pd.DataFrame:
    """As ``revenue_in_months``, for customers whose contract term is at least ``min_term`` months."""
    rm = m.RevenueMonth
    stmt = _apply(
        select(rm.customer_id, rm.month, rm.mrr)
        .join(m.Customer, m.Customer.id == rm.customer_id)
        .where(rm.month.in_(list(months)), rm.mrr >= 0, m.Customer.contract_term_months >= min_term),
        flt,
    ).order_by(rm.month, rm.customer_id)
    return _frame(engine, stmt, dates=("month",))


def revenue_retention_sums(
    engine: Engine,
    *,
    pairs: tuple[tuple[dt.date, dt.date], ...],
    flt: CustomerFilter = ALL,
    min_term: int | None = None,
) -> pd.DataFrame:
    """The sums revenue retention is made of, computed by the database, one row per pair of
    months ``(start_month, end_month)`` (first days) in the order given.

    Over the customers with MRR above 0 in ``start_month`` (on terms of ``min_term`` months or
    more, when given): ``n`` customers, ``n_churned`` of them without MRR above 0 in ``end_month``,
    ``starting`` MRR, ``expansion``, ``contraction`` and ``churned`` MRR (positive amounts, as
    ``cs_metrics.retention.RevenueRetention``). Negative MRR rows are left out, as in
    ``revenue_in_months``; a pair without customers comes back with zeros.

    Each pair is its own aggregate (one ``SELECT`` per pair, joined by ``UNION ALL``): the
    database walks the start month's rows in index order and looks up each customer's end month,
    with no grouping (and no sort) of the joined rows.
    """
    columns = ["start_month", "end_month", "n", "n_churned", "starting", "expansion", "contraction", "churned"]
    if not pairs:
        return pd.DataFrame(columns=columns)
    rm, c = m.RevenueMonth, m.Customer

    def one(a: dt.date, b: dt.date):
        start, end = aliased(rm, name="s"), aliased(rm, name="e")
        last = func.coalesce(end.mrr, 0.0)
        gone = last <= 0
        stmt = select(
            literal(a, Date).label("start_month"), literal(b, Date).label("end_month"),
            func.count().label("n"),
            func.sum(case((gone, 1), else_=0)).label("n_churned"),
            func.sum(start.mrr).label("starting"),
            func.sum(case((last > start.mrr, last - start.mrr), else_=0.0)).label("expansion"),
            func.sum(case((~gone & (last < start.mrr), start.mrr - last), else_=0.0)).label("contraction"),
            func.sum(case((gone, start.mrr), else_=0.0)).label("churned"),
        ).select_from(start).where(start.month == a, start.mrr > 0)
        if min_term is not None or not flt.is_all:  # the customers first, so that only theirs are looked up
            stmt = _apply(stmt.join(c, c.id == start.customer_id), flt)
            if min_term is not None:
                stmt = stmt.where(c.contract_term_months >= min_term)
        return stmt.outerjoin(end, and_(end.customer_id == start.customer_id, end.month == b, end.mrr >= 0))

    wanted = list(dict.fromkeys((as_date(a), as_date(b)) for a, b in pairs))
    found = _frame(engine, union_all(*[one(a, b) for a, b in wanted]), dates=("start_month", "end_month"))
    found = found.set_index([found["start_month"].dt.date, found["end_month"].dt.date])
    out = pd.DataFrame({"start_month": [as_date(a) for a, _ in pairs], "end_month": [as_date(b) for _, b in pairs]})
    for column in columns[2:]:
        values = found[column].reindex(pd.MultiIndex.from_frame(out[["start_month", "end_month"]]))
        out[column] = pd.to_numeric(values, errors="coerce").fillna(0).to_numpy()
    return out.astype({"n": "int64", "n_churned": "int64", "starting": float, "expansion": float,
                       "contraction": float, "churned": float})


def cohort_revenue(engine: Engine, *, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """Revenue summed in SQL per cohort and month: ``cohort_month`` (a customer's first month
    with MRR above 0), ``month``, ``customers`` (with MRR above 0), ``mrr``.

    The same table as ``cs_metrics.retention.cohort_counts`` on the raw customer-month rows. Each
    customer's first month is looked up once (the first of its months in the customer-month
    index), then every positive revenue row is summed under it.
    """
    rm, c = m.RevenueMonth, m.Customer
    inner = aliased(rm, name="r")
    first_month = (
        select(inner.month).where(inner.customer_id == c.id, inner.mrr > 0)
        .order_by(inner.month).limit(1).correlate(c).scalar_subquery()
    )
    first = _apply(select(c.id.label("customer_id"), first_month.label("cohort_month")), flt)
    first = first.cte("first_months").prefix_with("MATERIALIZED")  # one lookup per customer, not per row
    stmt = (
        select(
            first.c.cohort_month,
            rm.month,
            func.count(rm.customer_id).label("customers"),
            func.sum(rm.mrr).label("mrr"),
        )
        .select_from(first)
        .join(rm, rm.customer_id == first.c.customer_id)
        .where(rm.mrr > 0, first.c.cohort_month.is_not(None))
        .group_by(first.c.cohort_month, rm.month)
        .order_by(first.c.cohort_month, rm.month)
    )
    frame = _frame(engine, stmt, dates=("cohort_month", "month"))
    frame["customers"] = frame["customers"].astype("int64")
    frame["mrr"] = frame["mrr"].astype(float)
    return frame


def last_revenue_month(engine: Engine) -> dt.date | None:
    """The latest month with any revenue row."""
    with engine.connect() as conn:
        value = conn.execute(select(func.max(m.RevenueMonth.month))).scalar_one()
    return as_date(value) if value is not None else None


# --- data checks ---------------------------------------------------------------------------------


def _of_customers(stmt: Select, customer_id: Any, flt: CustomerFilter) -> Select:
    """``stmt`` kept to the rows whose customer matches ``flt``, checked row by row (``EXISTS``): the
    database walks the rows it filters first rather than every customer of a segment."""
    if flt.is_all:  # every row belongs to a customer (foreign key)
        return stmt
    c = m.Customer
    return stmt.where(_apply(select(c.id).where(c.id == customer_id), flt).exists())


def negative_mrr_rows(
    engine: Engine, *, flt: CustomerFilter = ALL, examples: int = 5
) -> tuple[int, pd.DataFrame]:
    """(number of revenue rows with a negative MRR, the first ``examples`` of them).

    One pass over the revenue rows: the count comes with the examples (``count(*) OVER ()``)."""
    rm, c = m.RevenueMonth, m.Customer
    found = (
        _of_customers(
            select(rm.customer_id, rm.month, rm.mrr, func.count().over().label("total")).where(rm.mrr < 0),
            rm.customer_id, flt,
        )
        .order_by(rm.month, rm.customer_id)
        .limit(examples)
        .subquery()
    )
    stmt = (
        select(found.c.customer_id, c.external_id, c.name, found.c.month, found.c.mrr, found.c.total)
        .join(c, c.id == found.c.customer_id)
        .order_by(found.c.month, found.c.customer_id)
    )
    rows = _frame(engine, stmt, dates=("month",))
    count = int(rows["total"].iloc[0]) if len(rows) else 0
    if not count:
        return 0, pd.DataFrame(columns=["customer_id", "external_id", "name", "month", "mrr"])
    return count, rows.drop(columns="total")


def churn_before_signing_rows(
    engine: Engine, *, flt: CustomerFilter = ALL, examples: int = 5
) -> tuple[int, pd.DataFrame]:
    """(customers whose churn date, on the customer or its churn event, is before signing; examples)."""
    c, ce = m.Customer, m.ChurnEvent
    bad = or_(
        and_(c.churned_on.is_not(None), c.churned_on < c.signed_on),
        and_(ce.churned_on.is_not(None), ce.churned_on < c.signed_on),
    )
    stmt = _apply(
        select(
            c.id.label("customer_id"),
            c.external_id,
            c.name,
            c.signed_on,
            func.coalesce(ce.churned_on, c.churned_on).label("churned_on"),
            func.count().over().label("total"),
        )
        .outerjoin(ce, ce.customer_id == c.id)
        .where(bad),
        flt,
    )
    frame = _frame(engine, stmt.order_by(c.id).limit(examples), dates=("signed_on", "churned_on"))
    count = int(frame["total"].iloc[0]) if len(frame) else 0
    return count, frame.drop(columns="total")


# --- contradictions --------------------------------------------------------------------------------


def health_signals_before_churn(
    engine: Engine, *, start: dt.date, end: dt.date, flt: CustomerFilter = ALL
) -> pd.DataFrame:
    """Signals of each customer churned in ``[start, end)`` in its last month with signals that
    began before the churn date: ``customer_id``, ``month``, ``signal``, ``value``, ``segment``."""
    hs, ce = m.HealthSignal, m.ChurnEvent
    last = _apply(
        select(hs.customer_id.label("customer_id"), func.max(hs.month).label("month"))
        .join(ce, ce.customer_id == hs.customer_id)
        .join(m.Customer, m.Customer.id == hs.customer_id)
        .where(ce.churned_on >= start, ce.churned_on < end, hs.month < ce.churned_on)
        .group_by(hs.customer_id),
        flt,
    ).subquery()
    stmt = (
        select(hs.customer_id, hs.month, hs.signal, hs.value, m.Customer.segment)
        .join(last, and_(last.c.customer_id == hs.customer_id, last.c.month == hs.month))
        .join(m.Customer, m.Customer.id == hs.customer_id)
        .order_by(hs.customer_id, hs.signal)
    )
    return _frame(engine, stmt, dates=("month",))


def last_nps_before_churn(
    engine: Engine, *, start: dt.date, end: dt.date, flt: CustomerFilter = ALL
) -> pd.DataFrame:
    """The last valid NPS answer (0-10) on or before the churn date of each customer churned in
    ``[start, end)``: ``customer_id``, ``responded_on``, ``score``."""
    r, ce = m.NpsResponse, m.ChurnEvent
    ranked = _apply(
        select(
            r.customer_id.label("customer_id"),
            r.responded_on.label("responded_on"),
            r.score.label("score"),
            func.row_number()
            .over(partition_by=r.customer_id, order_by=(r.responded_on.desc(), r.id.desc()))
            .label("rank"),
        )
        .join(ce, ce.customer_id == r.customer_id)
        .join(m.Customer, m.Customer.id == r.customer_id)
        .where(
            ce.churned_on >= start,
            ce.churned_on < end,
            r.responded_on <= ce.churned_on,
            r.score >= 0,
            r.score <= 10,
        ),
        flt,
    ).subquery()
    stmt = select(ranked.c.customer_id, ranked.c.responded_on, ranked.c.score).where(ranked.c.rank == 1)
    return _frame(engine, stmt.order_by(ranked.c.customer_id), dates=("responded_on",))


# --- the post-churn follow-up -------------------------------------------------------------------


def follow_ups_tracked(engine: Engine) -> bool:
    """Whether any churn event in the whole database has a call date or a confirmed reason."""
    ce = m.ChurnEvent
    stmt = select(ce.id).where(ce.follow_up_call_on.is_not(None) | ce.reason_confirmed).limit(1)
    with engine.connect() as conn:
        return conn.execute(stmt).first() is not None


def follow_up_of(engine: Engine, customer_id: int) -> dict[str, Any] | None:
    """One churned customer's follow-up as stored (None when the customer has no churn event):
    ``customer_id``, ``name``, ``primary_reason``, ``follow_up_call_on``."""
    ce, cu = m.ChurnEvent, m.Customer
    stmt = (select(ce.customer_id, cu.name, ce.primary_reason, ce.follow_up_call_on)
            .select_from(ce).join(cu, cu.id == ce.customer_id).where(ce.customer_id == int(customer_id)))
    with engine.connect() as conn:
        row = conn.execute(stmt).mappings().first()
    if row is None:
        return None
    found = dict(row)
    found["follow_up_call_on"] = as_date(found["follow_up_call_on"]) if found["follow_up_call_on"] else None
    return found


def record_follow_up(
    engine: Engine,
    *,
    customer_id: int,
    call_on: dt.date | None,
    reason: str | None,
    notes: str | None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Store the outcome of the post-churn call: call date, confirmed primary reason and notes.

    The reason is one of the company's churn reasons (``vocabulary_term``), read in the same
    transaction; its category and whether it was controllable come from that term; the reason is
    marked as confirmed. Every field is checked before anything is written, and
    the update runs in one transaction.

    Raises
    ------
    FollowUpError
        When the customer has no churn event, the call date is missing, before the churn date or
        after ``today``, the reason is not a known one, or the notes are too long.

    Returns
    -------
    dict
        The churn event as stored.
    """
    today = today or dt.date.today()
    problems: list[str] = []
    if call_on is None:
        problems.append(_("enter the date of the follow-up call"))
    elif not isinstance(call_on, dt.date) or isinstance(call_on, dt.datetime):
        problems.append(_("the call date must be a date"))
    elif call_on > today:
        problems.append(_("the call date {day} is in the future; record the call once it has happened").format(
            day=formats.date(call_on)))
    if not reason:
        problems.append(_("choose the reason the customer confirmed"))
    text = (notes or "").strip()
    if len(text) > MAX_NOTES:
        problems.append(_("the notes are {n} characters long; keep them under {limit}").format(
            n=len(text), limit=MAX_NOTES))
    ce, vt = m.ChurnEvent, m.VocabularyTerm
    with engine.begin() as conn:
        term = None
        if reason:
            term = conn.execute(select(vt.category, vt.controllable)
                                .where(vt.kind == "churn_reason", vt.key == reason)).first()
            if term is None:
                known = conn.execute(select(vt.key).where(vt.kind == "churn_reason").order_by(vt.position)).scalars()
                problems.append(_("{reason} is not one of your churn reasons; choose one of {known} (add new reasons "
                                  "on the Data page)").format(reason=repr(reason), known=", ".join(known)))
        row = conn.execute(select(ce.churned_on).where(ce.customer_id == int(customer_id))).first()
        if row is None:
            problems.insert(
                0, _("customer {customer} has no churn event; only churned customers get a follow-up").format(
                    customer=customer_id)
            )
        elif isinstance(call_on, dt.date) and call_on < as_date(row.churned_on):
            problems.append(_("the call date {day} is before the churn date {churned}").format(
                day=formats.date(call_on), churned=formats.date(as_date(row.churned_on))))
        if problems:
            raise FollowUpError(_("The follow-up was not saved: {problems}.").format(problems="; ".join(problems)))
        category, controllable = term.category, None if term.controllable is None else bool(term.controllable)
        result = conn.execute(
            update(ce)
            .where(ce.customer_id == int(customer_id))
            .values(
                primary_reason=reason,
                category=category,
                controllable=controllable,
                reason_confirmed=True,
                follow_up_call_on=call_on,
                follow_up_notes=text or None,
            )
        )
        if result.rowcount != 1:
            raise FollowUpError(
                _("The follow-up was not saved: customer {customer} changed meanwhile; try again.").format(
                    customer=customer_id)
            )
        stored = conn.execute(select(ce).where(ce.customer_id == int(customer_id))).mappings().one()
    return dict(stored)
