"""Onboarding (time to first value) from the database: the customers, their days to first value,
each segment's usual first-value target, and milestones dated before signing."""

from __future__ import annotations

import datetime as dt

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
