"""Shared fixtures of the demo company tests: the default-size company and a small one, generated
once per session at a fixed date, and the table names and row counts the tests compare."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from cs_metrics.storage import demo, models

AS_OF = dt.date(2026, 10, 31)
TABLES = (
    "customer", "revenue_month", "nps_survey_send", "nps_response", "milestone", "health_signal",
    "churn_event", "team", "assessment_round", "assessment", "assessment_answer",
    "maturity_target", "meeting", "agenda_item", "decision",
)
BY_NAME = {t.__tablename__: t for t in models.TABLES_IN_ORDER}


@pytest.fixture(scope="session")
def company() -> dict[str, pd.DataFrame]:
    """The default-size company at a fixed date, generated once for the session."""
    return demo.generate(customers=1500, seed=20261, as_of=AS_OF)


@pytest.fixture(scope="session")
def small() -> dict[str, pd.DataFrame]:
    return demo.generate(customers=200, seed=3, as_of=AS_OF)


def db_counts(engine: Engine) -> dict[str, int]:
    """Rows per demo table in the database."""
    with engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(BY_NAME[name].__table__)).scalar_one()
            for name in TABLES
        }
