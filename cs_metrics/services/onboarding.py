"""Onboarding (time to first value) from the database: the customers, their days to first value,
each segment's usual first-value target, and milestones dated before signing.

A page reads every customer's rows once (``onboarding_rows``, ``early_milestones``) and makes each
selection's figures from them (``durations_of``, ``milestones_before_signing_of``): the same tables
as ``onboarding_durations`` and ``milestones_before_signing``, without reading again when the
segment, region or owner filter changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.engine import Engine

from cs_metrics import ttfv
from cs_metrics.selection import ALL, CustomerFilter
from cs_metrics.storage import queries as q
from cs_metrics.storage.queries import ttfv as qt


def onboarding_customers(engine: Engine, *, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """One row per customer matching ``flt``, with the latest milestone each has reached."""
    return qt.onboarding_customers(engine, flt=flt)


def onboarding_durations(engine: Engine, *, flt: CustomerFilter = ALL, as_of: dt.date) -> pd.DataFrame:
    """``ttfv.ttfv_durations`` of the customers matching ``flt``, observed up to ``as_of``.

    Carries the customers' onboarding columns (name, segment, owner, ARR, last milestone, ...);
    impossible rows are left out and listed in ``attrs["problems"]``.
    """
    return ttfv.ttfv_durations(
        qt.onboarding_customers(engine, flt=flt), qt.first_value_milestones(engine, flt=flt), as_of=as_of
    )


def signing_durations(
    engine: Engine, *, start: dt.date, end: dt.date, as_of: dt.date, flt: CustomerFilter = ALL
) -> pd.DataFrame:
    """``ttfv.ttfv_durations`` of the customers signed in ``[start, end)`` only, reading just what
    the durations need (signing and churn dates, first-value milestones): the same rows as
    ``onboarding_durations`` for those customers, without their other columns."""
    customers, milestones = qt.signing_cohort(engine, start=start, end=end, flt=flt)
    return ttfv.ttfv_durations(customers, milestones, as_of=as_of)


def segment_targets(engine: Engine) -> dict[str, float]:
    """Each segment's usual first-value target in days (``ttfv.segment_targets``): the most common
    target recorded on first-value milestones, ``ttfv.DEFAULT_TARGET_DAYS`` for segments without one."""
    segments = tuple(q.filter_options(engine)["segments"])
    return ttfv.segment_targets(qt.first_value_target_counts(engine), segments=segments)


def milestones_before_signing(engine: Engine, *, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """Milestones of any kind dated before the customer signed (a data error to fix)."""
    return qt.milestones_before_signing(engine, flt=flt)


@dataclass(frozen=True)
class OnboardingRows:
    """Every customer's onboarding rows: ``customers`` (``queries.ttfv.onboarding_customers``
    without the latest milestone) and their reached ``first_values`` (``first_value_milestones``)."""

    customers: pd.DataFrame = field(compare=False, hash=False)
    first_values: pd.DataFrame = field(compare=False, hash=False)


def onboarding_rows(engine: Engine) -> OnboardingRows:
    """What ``onboarding_durations`` reads, for every customer, except each customer's latest
    milestone: a page shows it for the stalled customers only (``last_milestones``)."""
    customers = qt.onboarding_customers(engine, last_milestone=False)
    return OnboardingRows(customers, qt.first_value_milestones(engine))


def _customers_of(customers: pd.DataFrame, flt: CustomerFilter) -> pd.DataFrame:
    """The rows of ``customers`` that ``flt`` selects, as the database selects them (``IN`` on the
    segment, the region and the owner; a customer without an owner is left out by an owner filter)."""
    keep = pd.Series(True, index=customers.index)
    for column, values in (("segment", flt.segments), ("region", flt.regions), ("owner", flt.owners)):
        if values:
            keep &= customers[column].isin(list(values)).to_numpy()
    return customers[keep.to_numpy()].reset_index(drop=True)


def durations_of(rows: OnboardingRows, *, flt: CustomerFilter = ALL, as_of: dt.date) -> pd.DataFrame:
    """``onboarding_durations(engine, flt=flt, as_of=as_of)`` made from ``onboarding_rows``: the same
    customers in the same order, their first-value milestones, the same problems; without the
    latest milestone (``with_last_milestones`` adds it to the rows a page lists)."""
    customers = _customers_of(rows.customers, flt)
    milestones = rows.first_values
    if not flt.is_all:
        chosen = milestones["customer_id"].isin(customers["customer_id"])
        milestones = milestones[chosen.to_numpy()].reset_index(drop=True)
    return ttfv.ttfv_durations(customers, milestones, as_of=as_of)


#: What a filter selects on: carried by ``early_milestones``, dropped by ``milestones_before_signing_of``.
_SELECTION = ["segment", "region", "owner"]


def early_milestones(engine: Engine) -> pd.DataFrame:
    """Every customer's milestones dated before signing (``milestones_before_signing``) with the
    customer's segment, region and owner."""
    return qt.milestones_before_signing(engine, with_customer=True)


def milestones_before_signing_of(early: pd.DataFrame, *, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """``milestones_before_signing(engine, flt=flt)`` made from ``early_milestones``."""
    return _customers_of(early, flt).drop(columns=_SELECTION)


def last_milestones(engine: Engine, *, customer_ids: tuple[int, ...]) -> pd.DataFrame:
    """The latest reached milestone of each of ``customer_ids`` (``queries.ttfv.last_milestones``)."""
    return qt.last_milestones(engine, customer_ids=customer_ids)


def with_last_milestones(rows: pd.DataFrame, last: pd.DataFrame) -> pd.DataFrame:
    """``rows`` (e.g. ``ttfv.stalled_onboardings``) with each customer's ``last_milestone`` and
    ``last_milestone_on`` from ``last_milestones``: the columns ``onboarding_durations`` carries."""
    found = last.set_index("customer_id")
    out = rows.copy()
    for column in ("last_milestone", "last_milestone_on"):
        out[column] = out["customer_id"].map(found[column]) if len(found) else None
    return out
