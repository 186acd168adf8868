"""Churn & retention from the database: what the Churn & retention page shows, for a notebook too.

The retention tiles (logo churn, GRR, NRR) come from ``services.overview.retention_tiles``, the
one builder the Overview, this page and the board pack share. Reasons are labelled and classified
with the company's own churn reasons (``churn_reasons``, edited on the Data page). The one write,
``record_follow_up``, takes the ``actor`` making it (editors and admins) and leaves a row in the
audit trail.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.engine import Engine

from cs_metrics import bridge, early_churn, renewals, retention
from cs_metrics import churn as churn_metrics
from cs_metrics.access import Actor
from cs_metrics.i18n import N_
from cs_metrics.period import Period
from cs_metrics.retention import DataIssue
from cs_metrics.services.access import write
from cs_metrics.services.health import scores_before_churn
from cs_metrics.services.overview import retention_months, retention_tiles, revenue_retention, valid_customers
from cs_metrics.services.vocabulary import churn_reasons
from cs_metrics.storage import queries as q
from cs_metrics.storage.queries import churn as qc

__all__ = [
    "RenewalVsRetention", "all_churn", "arr_bridge", "churn_in_period", "churn_in_period_from",
    "churn_reasons", "cohort_sums", "cohort_table_from", "cohorts", "contradictions_in_period", "data_issues",
    "date_and_revenue_issues", "early_churn_in_period", "follow_ups_tracked", "missing_reason_issue",
    "record_follow_up", "renewal_vs_retention", "retention_tiles",
]

#: Whether post-churn follow-ups are tracked at all (a call date or a confirmed reason anywhere).
follow_ups_tracked = qc.follow_ups_tracked


def record_follow_up(
    engine: Engine, *, customer_id: int, call_on: dt.date | None, reason: str | None, notes: str | None,
    actor: Actor, today: dt.date | None = None,
) -> dict:
    """Record the post-churn follow-up call of ``customer_id`` as ``actor`` (right
    "churn.follow_up": editors and admins), validated and written by storage in one transaction
    (``storage.queries.churn.record_follow_up``); returns the churn event as stored.

    Raises ``FollowUpError`` (nothing written, no audit row) for a bad call, ``Refused`` (recorded)
    when ``actor`` may not record it.
    """
    before = qc.follow_up_of(engine, customer_id)
    records = f"customer #{int(customer_id)}" + (f" ({before['name']})" if before else "")
    with write(engine, actor, "churn.follow_up", records=records) as entry:
        stored = qc.record_follow_up(engine, customer_id=customer_id, call_on=call_on, reason=reason, notes=notes,
                                     today=today)
        old = before["primary_reason"] if before else None
        change = f"{old or 'none'} -> {reason}" if old != reason else reason
        entry.summary = f"call {call_on:%Y-%m-%d}, reason {change}"
    return stored


def arr_bridge(engine: Engine, *, period: Period, flt: q.CustomerFilter = q.ALL) -> bridge.ArrBridge:
    """The ARR bridge of ``period`` (``cs_metrics.bridge.arr_bridge``) over the months its GRR and NRR
    tiles compare (``overview.retention_months``), from the same revenue rows (negative MRR left
    out): its parts reconcile with the tiles' GRR and NRR, and its ending ARR is 12 x the MRR of
    the filtered customers in the end month."""
    start_month, end_month = retention_months(period)
    revenue = qc.revenue_in_months(engine, months=(start_month, end_month), flt=flt)
    return bridge.arr_bridge(revenue, start_month=start_month, end_month=end_month)


def churn_in_period(engine: Engine, *, period: Period, flt: q.CustomerFilter = q.ALL) -> pd.DataFrame:
    """The churn table of customers lost in ``period`` (see ``queries.churn.churn_events``)."""
    return qc.churn_events(engine, start=period.start, end=period.end, flt=flt)


def all_churn(engine: Engine, *, flt: q.CustomerFilter = q.ALL) -> pd.DataFrame:
    """Every churned customer, newest first (the follow-up queue reads all of them)."""
    return qc.churn_events(engine, flt=flt)


def churn_in_period_from(everyone: pd.DataFrame, *, period: Period) -> pd.DataFrame:
    """``churn_in_period`` sliced from ``all_churn`` already read (the same rows, in the same
    order): a page that reads every churned customer does not read the period's again."""
    day = pd.to_datetime(everyone["churned_on"])
    inside = (day >= pd.Timestamp(period.start)) & (day < pd.Timestamp(period.end))
    return everyone[inside.to_numpy()].reset_index(drop=True)


def early_churn_in_period(
    engine: Engine, *, period: Period, as_of: dt.date, flt: q.CustomerFilter = q.ALL
) -> early_churn.EarlyChurn:
    """``early_churn`` for customers whose first 90 days ended in ``period``, observed up to ``as_of``;
    reasons labelled with the company's churn reasons."""
    # A customer is judged within its first EARLY_DAYS days: only those signed from EARLY_DAYS
    # before the period can be judged in it.
    signed = (period.start - dt.timedelta(days=churn_metrics.EARLY_DAYS), period.end)
    cust = q.customers(engine, flt=flt, signed=signed)
    churn = qc.churn_events(engine, start=signed[0], flt=flt)
    return early_churn.early_churn(
        cust, churn, q.first_value_dates(engine, flt=flt, signed=signed), start=period.start, end=period.end,
        as_of=as_of, reasons=churn_reasons(engine),
    )


def cohorts(
    engine: Engine,
    *,
    by: str = "logo",
    cohort: str = "M",
    flt: q.CustomerFilter = q.ALL,
    since: dt.date | None = None,
) -> pd.DataFrame:
    """``retention.cohort_table`` from revenue aggregated in SQL; cohorts starting before
    ``since`` are left out (their later months still count in the data's extent)."""
    return cohort_table_from(cohort_sums(engine, flt=flt), by=by, cohort=cohort, since=since)


def cohort_sums(engine: Engine, *, flt: q.CustomerFilter = q.ALL) -> tuple[pd.DataFrame, dt.date | None]:
    """Revenue summed by the database per cohort and month (``queries.churn.cohort_revenue``) and
    the latest month with revenue: what every cohort table of these customers is made from."""
    return qc.cohort_revenue(engine, flt=flt), qc.last_revenue_month(engine)


def cohort_table_from(
    sums: tuple[pd.DataFrame, dt.date | None], *, by: str = "logo", cohort: str = "M", since: dt.date | None = None
) -> pd.DataFrame:
    """``cohorts`` from ``cohort_sums`` already read: a page switches measure or cohort length
    without reading the revenue again."""
    agg, last = sums
    if since is not None and len(agg):
        agg = agg[pd.to_datetime(agg["cohort_month"]) >= pd.Timestamp(since).to_period("M").to_timestamp()]
    return retention.cohort_table(
        agg, by=by, cohort=cohort, last_month=last, min_customers=churn_metrics.MIN_CURVE_CUSTOMERS
    )


@dataclass(frozen=True)
class RenewalVsRetention:
    """Renewal and retention of the customers on terms of ``min_term`` months or more, same window.

    ``up``/``renewed`` contracts whose end fell in the period; ``renewal_rate`` by count,
    ``renewal_rate_arr`` by ARR; ``logo_retention`` = 1 - logo churn; ``grr``/``nrr`` their
    revenue retention; ``contracts`` the contract ends (customer, date, renewed, ARR).
    """

    min_term: int
    up: int
    renewed: int
    renewal_rate: float
    renewal_rate_arr: float
    customers_at_start: int
    logo_retention: float
    grr: float
    nrr: float
    revenue_customers: int
    contracts: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False, hash=False)

    def shares(self) -> dict[str, float]:
        """The five figures side by side (label -> share), renewal first; the labels are English,
        marked for the catalog (``charts.churn.renewal_vs_retention_chart`` translates them)."""
        return {
            N_("Renewal rate (contracts)"): self.renewal_rate,
            N_("Renewal rate (ARR)"): self.renewal_rate_arr,
            N_("Logo retention"): self.logo_retention,
            N_("Gross revenue retention"): self.grr,
            N_("Net revenue retention"): self.nrr,
        }


def renewal_vs_retention(
    engine: Engine, *, period: Period, flt: q.CustomerFilter = q.ALL, min_term: int = 12
) -> RenewalVsRetention:
    """Renewal rate beside logo and revenue retention for contracts of ``min_term``+ months (the
    customers who can count in the period: ``queries.churn.customers_on_terms``)."""
    terms = qc.customers_on_terms(engine, min_term=min_term, start=period.start, end=period.end, flt=flt)
    cust = valid_customers(terms)
    ends = renewals.contract_ends(cust, start=period.start, end=period.end)
    n, lost = retention.logo_churn_counts(cust, start=period.start, end=period.end)
    rr = revenue_retention(engine, period=period, flt=flt, min_term=min_term)
    return RenewalVsRetention(
        min_term=min_term,
        up=len(ends),
        renewed=int(ends["renewed"].sum()) if len(ends) else 0,
        renewal_rate=renewals.renewal_rate(ends, start=period.start, end=period.end),
        renewal_rate_arr=renewals.renewal_rate(
            ends, start=period.start, end=period.end, weight="arr"
        ),
        customers_at_start=n,
        logo_retention=1 - lost / n if n else math.nan,
        grr=rr.grr,
        nrr=rr.nrr,
        revenue_customers=rr.n,
        contracts=ends,
    )


def contradictions_in_period(
    engine: Engine, *, period: Period, flt: q.CustomerFilter = q.ALL
) -> pd.DataFrame:
    """``churn_contradictions`` for customers lost in ``period``, with their stored scores of the
    active health model; reasons labelled with the company's churn reasons."""
    churn = churn_in_period(engine, period=period, flt=flt)
    scored = scores_before_churn(engine, start=period.start, end=period.end, flt=flt)
    answers = qc.last_nps_before_churn(engine, start=period.start, end=period.end, flt=flt)
    return churn_metrics.churn_contradictions(churn, scored, answers, reasons=churn_reasons(engine))


def data_issues(engine: Engine, *, flt: q.CustomerFilter = q.ALL) -> list[DataIssue]:
    """Problems in the data behind this page that are left out of the figures, with examples:
    ``date_and_revenue_issues`` then ``missing_reason_issue`` of every churned customer."""
    issues = [*date_and_revenue_issues(engine, flt=flt), missing_reason_issue(all_churn(engine, flt=flt))]
    return [i for i in issues if i]


def date_and_revenue_issues(engine: Engine, *, flt: q.CustomerFilter = q.ALL) -> list[DataIssue]:
    """Revenue months with a negative MRR and customers who churned before they signed (those
    found, with examples): the checks of ``data_issues`` that read the database. Their label and
    action are English, marked for the catalog: a page shows them through ``_()``."""
    n_neg, neg = qc.negative_mrr_rows(engine, flt=flt)
    n_bad, bad = qc.churn_before_signing_rows(engine, flt=flt)
    for frame in (neg, bad):
        for column in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[column]):
                frame[column] = frame[column].dt.date
    issues = [
        DataIssue(
            "negative_mrr",
            N_("Revenue months with a negative MRR"),
            n_neg,
            neg,
            N_("left out of revenue retention and cohorts"),
        ),
        DataIssue(
            "churn_before_signing",
            N_("Customers who churned before they signed"),
            n_bad,
            bad,
            N_("left out of churn and retention figures until the dates are corrected"),
        ),
    ]
    return [i for i in issues if i]


def missing_reason_issue(everyone: pd.DataFrame) -> DataIssue:
    """The churned customers of ``everyone`` (``all_churn``) without a recorded reason: the last
    check of ``data_issues``, made from the churned customers a page has already read."""
    missing = churn_metrics.missing_reasons(everyone)
    return DataIssue(
        missing.key,
        missing.label,
        missing.count,
        missing.examples[
            [c for c in ("external_id", "name", "churned_on") if c in missing.examples.columns]
        ].assign(churned_on=lambda d: pd.to_datetime(d["churned_on"]).dt.date),
        missing.action,
    )


#: The follow-up form's limits and error, for the page.
FollowUpError = qc.FollowUpError
MAX_NOTES = qc.MAX_NOTES
