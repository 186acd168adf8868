"""The whole demo company as one DataFrame per table, without touching a database."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from cs_metrics.storage import models
from cs_metrics.storage.demo.frames import (
    churn_frame,
    company_names,
    customer_frame,
    health_frame,
    milestone_frame,
    revenue_frame,
)
from cs_metrics.storage.demo.meetings import meeting_frames
from cs_metrics.storage.demo.settings import DEFAULT_CUSTOMERS, DEFAULT_SEED, check_demo_args
from cs_metrics.storage.demo.simulation import revenue_panel, simulate_customers
from cs_metrics.storage.demo.surveys import maturity_frames, nps_frames


def generate(
    *, customers: int = DEFAULT_CUSTOMERS, seed: int = DEFAULT_SEED, as_of: dt.date | None = None
) -> dict[str, pd.DataFrame]:
    """Generate the demo company as one DataFrame per table, without touching a database.

    Parameters
    ----------
    customers
        Customers ever signed (churned ones included), 1 to ``MAX_CUSTOMERS``.
    seed
        Seed of ``numpy.random.default_rng``; the same ``(customers, seed, as_of)`` always gives
        identical frames.
    as_of
        The last day of the history (default: today). Three years of customers end here,
        health signals cover its last 24 months, meetings its last two years.

    Returns
    -------
    dict of str to DataFrame
        Keys are table names (``customer``, ``revenue_month``, ``nps_survey_send``,
        ``nps_response``, ``milestone``, ``health_signal``, ``churn_event``, ``team``,
        ``assessment_round``, ``assessment``, ``assessment_answer``, ``maturity_target``,
        ``meeting``, ``agenda_item``, ``decision``); columns are the model's columns, in model
        order, with integer ``id`` 1..n so that foreign keys line up. Dates are
        ``datetime64[ns]`` (NaT when empty), timestamps ``datetime64[ns, UTC]``, nullable
        integers ``Int64``, texts ``str``.

    Raises
    ------
    DataError
        Invalid arguments (see ``check_demo_args``).

    Example
    -------
    >>> frames = generate(customers=50, seed=1, as_of=dt.date(2026, 10, 31))
    >>> len(frames["customer"]), frames["customer"]["external_id"].iloc[0]
    (50, 'C000001')
    """
    n, seed, as_of = check_demo_args(customers, seed, as_of)
    # One independent stream per part, so that changing one part leaves the others as they were.
    streams = np.random.default_rng(seed).spawn(9)
    c = simulate_customers(n, as_of, streams[0])
    names = company_names(c, streams[1])
    panel = revenue_panel(c, streams[2])
    last_row = np.concatenate([np.flatnonzero(np.diff(panel.cust)), [len(panel.cust) - 1]])
    arr = np.round(12.0 * panel.mrr[last_row], 2)  # current ARR, or ARR at churn
    milestones, fv_reached = milestone_frame(c, streams[3])
    sends, responses = nps_frames(c, streams[4])
    frames: dict[str, pd.DataFrame] = {
        "customer": customer_frame(c, names, arr, fv_reached),
        "revenue_month": revenue_frame(panel),
        "nps_survey_send": sends,
        "nps_response": responses,
        "milestone": milestones,
        "health_signal": health_frame(c, panel, streams[5]),
        "churn_event": churn_frame(c, arr, streams[6]),
    }
    frames.update(maturity_frames(as_of, streams[7]))
    frames.update(meeting_frames(c, names, as_of, streams[8]))
    by_name = {t.__tablename__: t for t in models.TABLES_IN_ORDER}
    for name, frame in frames.items():
        columns = [col.name for col in by_name[name].__table__.columns]
        frames[name] = frame.reindex(columns=columns).reset_index(drop=True)  # the demo gives answers no time
    return frames
