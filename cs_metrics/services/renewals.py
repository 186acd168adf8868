"""Renewals ahead from the database: the contracts whose term ends in the next days with the ARR at
stake, each customer's latest health band, owner, last NPS answer and open NPS follow-ups; the
renewing ARR expected from each band's past churn at renewal; how past forecasts compared.

Contracts are those of ``MIN_TERM`` months or more (as the Renewal vs retention section), so a
customer comes up for renewal at most once in the longest horizon and its ARR is counted once.
ARR is the customer's recorded ARR. Bands are the stored scores of the active health model
(brought up to date first, ``services.health.current``). The pure steps are in
``cs_metrics.renewals``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine

from cs_metrics import renewals
from cs_metrics.selection import ALL, CustomerFilter
from cs_metrics.services.health import current
from cs_metrics.services.overview import valid_customers
from cs_metrics.storage import models as m
from cs_metrics.storage import queries as q
from cs_metrics.storage.queries import _apply, _frame

__all__ = ["LIST_COLUMNS", "MIN_TERM", "band_history", "churn_rates", "contracts", "expected", "forecast_check",
           "renewals_ahead"]

#: Shortest contract term (months) listed: monthly contracts renew every month and are left out.
MIN_TERM = 12
#: Columns of ``renewals_ahead``, in order.
LIST_COLUMNS = ["customer_id", "external_id", "name", "owner", "segment", "renewal_date", "days_left", "horizon",
                "arr", "band", "last_nps", "last_nps_on", "open_follow_ups"]
#: Follow-up statuses of a detractor answer still waiting (no status: not started).
_WAITING = ("open", "in_progress")


def contracts(engine: Engine, *, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """The customers on contracts of ``MIN_TERM`` months or more whose dates can be used
    (``queries.customers``, less those recorded as churned before they signed). The customer
    record's own ``renewal_date`` is left out: contract ends are computed from the signing date
    and the term (``renewals.contract_ends``)."""
    found = q.customers(engine, flt=flt, min_term=MIN_TERM).drop(columns=["renewal_date"])
    return valid_customers(found).reset_index(drop=True)


def band_history(engine: Engine, *, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """Every stored band of the active model: ``customer_id``, ``month``, ``band`` (scored months only)."""
    version = current(engine)
    s = m.HealthScore
    stmt = select(s.customer_id, s.month, s.band).where(s.version == version, s.band.is_not(None))
    if not flt.is_all:
        stmt = stmt.where(s.customer_id.in_(_apply(select(m.Customer.id), flt)))
    return _frame(engine, stmt.order_by(s.customer_id, s.month), dates=("month",))


def _last_answers(engine: Engine, *, as_of: dt.date, flt: CustomerFilter) -> pd.DataFrame:
    """The last valid NPS answer (0-10) on or before ``as_of`` of each customer: ``customer_id``,
    ``last_nps``, ``last_nps_on``."""
    r = m.NpsResponse
    ranked = _apply(
        select(r.customer_id.label("customer_id"), r.score.label("last_nps"), r.responded_on.label("last_nps_on"),
               func.row_number().over(partition_by=r.customer_id, order_by=(r.responded_on.desc(), r.id.desc()))
               .label("rank"))
        .join(m.Customer, m.Customer.id == r.customer_id)
        .where(r.responded_on <= as_of, r.score >= 0, r.score <= 10),
        flt,
    ).subquery()
    stmt = select(ranked.c.customer_id, ranked.c.last_nps, ranked.c.last_nps_on).where(ranked.c.rank == 1)
    return _frame(engine, stmt, dates=("last_nps_on",))


def _open_follow_ups(engine: Engine, *, as_of: dt.date, flt: CustomerFilter) -> pd.DataFrame:
    """Detractor answers (0-6) up to ``as_of`` whose follow-up is still waiting (not started, open,
    in progress: the NPS follow-up queue's rule), per customer: ``customer_id``, ``open_follow_ups``."""
    r = m.NpsResponse
    stmt = _apply(
        select(r.customer_id.label("customer_id"), func.count().label("open_follow_ups"))
        .join(m.Customer, m.Customer.id == r.customer_id)
        .where(r.responded_on <= as_of, r.score >= 0, r.score <= 6,
               or_(r.follow_up_status.is_(None), r.follow_up_status.in_(_WAITING)))
        .group_by(r.customer_id),
        flt,
    )
    return _frame(engine, stmt)


def renewals_ahead(engine: Engine, *, as_of: dt.date, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """``renewals.renewals_ahead`` of ``contracts`` after ``as_of`` (the longest horizon), with the
    customer's latest band (the last scored month over by ``as_of``), last NPS answer and open
    follow-ups (0 when none); columns ``LIST_COLUMNS``, by renewal date."""
    ahead = renewals.renewals_ahead(contracts(engine, flt=flt), as_of=as_of)
    if ahead.empty:
        return pd.DataFrame(columns=LIST_COLUMNS)
    ahead["band"] = renewals.last_band(ahead, band_history(engine, flt=flt), before=as_of + dt.timedelta(days=1))
    ahead = ahead.merge(_last_answers(engine, as_of=as_of, flt=flt), on="customer_id", how="left")
    ahead = ahead.merge(_open_follow_ups(engine, as_of=as_of, flt=flt), on="customer_id", how="left")
    ahead["open_follow_ups"] = ahead["open_follow_ups"].fillna(0).astype("int64")
    return ahead[LIST_COLUMNS]


def churn_rates(engine: Engine, *, as_of: dt.date, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """``renewals.band_churn_rates`` of every contract end up to ``as_of`` (``past_contract_ends``)."""
    history = renewals.past_contract_ends(contracts(engine, flt=flt), band_history(engine, flt=flt),
                                          before=as_of + dt.timedelta(days=1))
    return renewals.band_churn_rates(history)


def expected(engine: Engine, *, as_of: dt.date, days: int, flt: CustomerFilter = ALL) -> renewals.ExpectedRenewal:
    """``renewals.expected_renewing`` of the contracts due within ``days`` days of ``as_of``, at
    the band churn rates of ``churn_rates``."""
    # The contracts and their bands are read once for both the contracts due and the past rates; the
    # list's NPS answers and follow-ups play no part in the expectation.
    found, bands, after = contracts(engine, flt=flt), band_history(engine, flt=flt), as_of + dt.timedelta(days=1)
    due = renewals.due_within(renewals.renewals_ahead(found, as_of=as_of), days=days)
    due["band"] = renewals.last_band(due, bands, before=after)
    return renewals.expected_renewing(due, renewals.band_churn_rates(renewals.past_contract_ends(found, bands,
                                                                                                  before=after)))


def forecast_check(engine: Engine, *, as_of: dt.date, flt: CustomerFilter = ALL, quarters: int = 4) -> pd.DataFrame:
    """``renewals.forecast_check`` of the last ``quarters`` calendar quarters over by ``as_of``."""
    return renewals.forecast_check(contracts(engine, flt=flt), band_history(engine, flt=flt), as_of=as_of,
                                   quarters=quarters)
