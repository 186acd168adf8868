"""Shared query helpers behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select

from cs_metrics.storage import db
from cs_metrics.storage import models as m
from cs_metrics.storage import queries as q


def test_frame_restores_dates_and_booleans_on_every_backend(any_db_url):
    engine = db.make_engine(any_db_url)
    db.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(m.Customer.__table__.insert(), [
            dict(id=i, external_id=f"C{i}", name="x", segment="SMB", region="Italy", signed_on=dt.date(2025, 1, i),
                 contract_term_months=12, arr=1.0, status="churned") for i in (1, 2, 3)])
        conn.execute(m.ChurnEvent.__table__.insert(), [
            dict(customer_id=1, churned_on=dt.date(2025, 5, 1), controllable=True, reason_confirmed=True, arr_lost=0.0),
            dict(customer_id=2, churned_on=dt.date(2025, 5, 2), controllable=None, reason_confirmed=False, arr_lost=0.0),
            dict(customer_id=3, churned_on=dt.date(2025, 5, 3), controllable=False, reason_confirmed=False, arr_lost=0.0)])
    frame = q._frame(engine, select(m.ChurnEvent.churned_on, m.ChurnEvent.controllable, m.ChurnEvent.reason_confirmed)
                     .order_by(m.ChurnEvent.customer_id))
    # SQLite returns 0/1 and ISO strings, psycopg returns bool and date: both come back the same.
    assert frame["churned_on"].tolist() == [pd.Timestamp("2025-05-01"), pd.Timestamp("2025-05-02"), pd.Timestamp("2025-05-03")]
    assert frame["reason_confirmed"].dtype == bool and frame["reason_confirmed"].tolist() == [True, False, False]
    controllable = frame["controllable"].tolist()
    assert controllable[0] is True and controllable[2] is False and pd.isna(controllable[1])
    # Timezone-aware timestamps (UTCDateTime columns) come back as UTC Timestamps.
    when = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    with engine.begin() as conn:
        conn.execute(m.ImportLog.__table__.insert().values(at=when, entity="customers", source_file="a.csv"))
    logged = q._frame(engine, select(m.ImportLog.at))
    assert logged["at"].tolist() == [pd.Timestamp("2026-03-01 09:30", tz="UTC")]
    engine.dispose()


def test_customer_filter_and_nps_counts(any_db_url):
    engine = db.make_engine(any_db_url)
    db.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(m.Customer.__table__.insert(), [
            dict(id=1, external_id="C1", name="a", segment="SMB", region="Italy", signed_on=dt.date(2025, 1, 1),
                 contract_term_months=12, arr=1.0, status="active"),
            dict(id=2, external_id="C2", name="b", segment="Enterprise", region="DACH", signed_on=dt.date(2025, 1, 1),
                 contract_term_months=12, arr=1.0, status="active")])
        conn.execute(m.NpsResponse.__table__.insert(), [
            dict(customer_id=1, responded_on=dt.date(2025, 3, 1), score=10, touchpoint="relationship"),
            dict(customer_id=1, responded_on=dt.date(2025, 3, 2), score=3, touchpoint="relationship"),
            dict(customer_id=2, responded_on=dt.date(2025, 3, 3), score=8, touchpoint="relationship"),
            dict(customer_id=None, responded_on=dt.date(2025, 3, 4), score=9, touchpoint="relationship"),
            dict(customer_id=2, responded_on=dt.date(2025, 4, 1), score=9, touchpoint="relationship")])
    march = dict(start=dt.date(2025, 3, 1), end=dt.date(2025, 4, 1))  # end excluded: 1 April's 9 is out

    def class_counts(**kwargs) -> tuple[int, int, int]:
        days = q.nps_daily_counts(engine, **march, **kwargs)
        return tuple(int(days[c].sum()) for c in ("detractors", "passives", "promoters"))

    # All March responses, anonymous included: scores 10, 3, 8, 9 -> 1 detractor, 1 passive, 2 promoters.
    assert class_counts() == (1, 1, 2)
    # SMB only: customer 1's 10 and 3; the anonymous answer has no segment and drops out.
    assert class_counts(flt=q.CustomerFilter(segments=("SMB",))) == (1, 0, 1)
    # One row per day with answers, in order: 1, 2, 3 and 4 March.
    assert q.nps_daily_counts(engine, **march)["day"].dt.day.tolist() == [1, 2, 3, 4]
    assert q.filter_options(engine) == {"segments": ["Enterprise", "SMB"], "regions": ["DACH", "Italy"], "owners": []}
    engine.dispose()
