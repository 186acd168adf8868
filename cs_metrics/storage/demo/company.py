"""The whole demo company as one DataFrame per table, without touching a database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

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
from cs_metrics.storage.demo.many_meetings import many_meeting_frames
from cs_metrics.storage.demo.meetings import meeting_frames
from cs_metrics.storage.demo.settings import DEFAULT_SEED, Volume, check_demo_args, check_volume
from cs_metrics.storage.demo.simulation import revenue_panel, simulate_customers
from cs_metrics.storage.demo.surveys import maturity_frames, nps_frames


def generate(
    *,
    customers: int | None = None,
    seed: int = DEFAULT_SEED,
    as_of: dt.date | None = None,
    size: str | None = None,
    established: float | None = None,
    nps_per_customer: float | None = None,
    meetings: int | None = None,
    health_months: int | None = None,
) -> dict[str, pd.DataFrame]:
    """Generate the demo company as one DataFrame per table, without touching a database.

    Parameters
    ----------
    customers
        Customers ever signed (churned ones included), 1 to ``MAX_CUSTOMERS`` (None: the size's,
        1,500 for the standard company).
    seed
        Seed of ``numpy.random.default_rng``; the same arguments always give identical frames.
    as_of
        The last day of the history (default: today). Three years of customers end here,
        health signals cover its last 24 months, meetings its last two years.
    size
        A named size of ``SIZES`` (None: ``"standard"``): ``"large"`` is the benchmark company.
        It supplies the customers and the volume options below that are left as None.
    established, nps_per_customer, meetings, health_months
        Volume options (see ``Volume``); None: the size's value, else the standard company's.
        Without them (and without ``size``) the company is the standard one for its
        ``(customers, seed, as_of)``.

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
        Invalid arguments (see ``check_demo_args`` and ``check_volume``).

    Example
    -------
    >>> frames = generate(customers=50, seed=1, as_of=dt.date(2026, 10, 31))
    >>> len(frames["customer"]), frames["customer"]["external_id"].iloc[0]
    (50, 'C000001')
    """
    customers, volume = check_volume(
        size, customers=customers, established=established, nps_per_customer=nps_per_customer,
        meetings=meetings, health_months=health_months,
    )
    n, seed, as_of = check_demo_args(customers, seed, as_of)
    frames = dict(company_tables(n, seed, as_of, volume))
    return {name: frames[name] for name in TABLE_ORDER}


#: The tables of ``generate``, in the order of its result.
TABLE_ORDER: tuple[str, ...] = (
    "customer", "revenue_month", "nps_survey_send", "nps_response", "milestone", "health_signal",
    "churn_event", "team", "assessment_round", "assessment", "assessment_answer", "maturity_target",
    "meeting", "agenda_item", "decision",
)


def company_tables(
    n: int, seed: int, as_of: dt.date, volume: Volume
) -> Iterator[tuple[str, pd.DataFrame]]:
    """The tables of ``generate`` one at a time, each after the tables its foreign keys point to.

    Arguments are already checked (``check_demo_args``, ``check_volume``). No table is kept once
    the caller asks for the next one, and the revenue panel goes once the health signals are
    drawn, so a caller that writes each table and lets it go holds about one table at a time.
    """
    # One independent stream per part, so that changing one part leaves the others as they were.
    streams = np.random.default_rng(seed).spawn(9)
    c = simulate_customers(n, as_of, streams[0], established=volume.established)
    names = company_names(c, streams[1])
    panel = revenue_panel(c, streams[2])
    last_row = np.concatenate([np.flatnonzero(np.diff(panel.cust)), [len(panel.cust) - 1]])
    arr = np.round(12.0 * panel.mrr[last_row], 2)  # current ARR, or ARR at churn
    milestones, fv_reached = milestone_frame(c, streams[3])
    yield "customer", _in_model_order("customer", customer_frame(c, names, arr, fv_reached))
    yield "revenue_month", _in_model_order("revenue_month", revenue_frame(panel))
    health = health_frame(c, panel, streams[5], months=volume.health_months)
    del panel
    yield "health_signal", _in_model_order("health_signal", health)
    del health
    yield "milestone", _in_model_order("milestone", milestones)
    del milestones
    sends, responses = nps_frames(c, streams[4], per_customer=volume.nps_per_customer)
    yield "nps_survey_send", _in_model_order("nps_survey_send", sends)
    del sends
    yield "nps_response", _in_model_order("nps_response", responses)
    del responses
    yield "churn_event", _in_model_order("churn_event", churn_frame(c, arr, streams[6]))
    for name, frame in maturity_frames(as_of, streams[7]).items():
        yield name, _in_model_order(name, frame)
    if volume.meetings is None:
        meetings = meeting_frames(c, names, as_of, streams[8])
    else:
        meetings = many_meeting_frames(c, names, as_of, streams[8], volume.meetings)
    for name in ("meeting", "agenda_item", "decision"):
        yield name, _in_model_order(name, meetings.pop(name))


def _in_model_order(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The model's columns in model order (the demo gives NPS answers no time), ids 1..n as index."""
    columns = [col.name for col in _TABLES[name].__table__.columns]
    return frame.reindex(columns=columns).reset_index(drop=True)


_TABLES = {t.__tablename__: t for t in models.TABLES_IN_ORDER}
