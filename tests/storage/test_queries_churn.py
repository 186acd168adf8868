"""Churn & retention queries and the follow-up write, on SQLite and PostgreSQL (``any_db_url``)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import create_engine, select

from cs_metrics import retention
from cs_metrics.storage import db
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import CustomerFilter
from cs_metrics.storage.queries import churn as qc

D = dt.date


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    out, day = [], first
    while day <= last:
        out.append(day)
        day = D(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return out


@pytest.fixture()
def engine(any_db_url):
    engine = db.make_engine(any_db_url)
    db.upgrade(engine)
    with db.session_scope(engine) as s:
        s.add_all(
            [
                m.Customer(
                    id=1,
                    external_id="C1",
                    name="Alpha",
                    segment="SMB",
                    region="Italy",
                    signed_on=D(2024, 1, 15),
                    contract_term_months=12,
                    arr=1200,
                    status="churned",
                    churned_on=D(2025, 3, 10),
                ),
                m.Customer(
                    id=2,
                    external_id="C2",
                    name="Beta",
                    segment="Enterprise",
                    region="Italy",
                    signed_on=D(2024, 2, 1),
                    contract_term_months=12,
                    arr=12000,
                    status="active",
                ),
                m.Customer(
                    id=3,
                    external_id="C3",
                    name="Gamma",
                    segment="SMB",
                    region="DACH",
                    signed_on=D(2024, 6, 1),
                    contract_term_months=1,
                    arr=600,
                    status="churned",
                    churned_on=D(2025, 1, 20),
                ),
                m.Customer(
                    id=4,
                    external_id="C4",
                    name="Delta",
                    segment="SMB",
                    region="DACH",
                    signed_on=D(2025, 5, 1),
                    contract_term_months=12,
                    arr=0,
                    status="churned",
                    churned_on=D(2025, 4, 1),
                ),
            ]
        )
        s.flush()
        rows = [(1, mo, 100.0) for mo in _months(D(2024, 1, 1), D(2025, 2, 1))]
        rows += [(2, mo, 1000.0) for mo in _months(D(2024, 2, 1), D(2025, 6, 1))] + [
            (2, D(2025, 7, 1), -50.0)
        ]
        rows += [(3, mo, 50.0) for mo in _months(D(2024, 6, 1), D(2024, 12, 1))]
        s.add_all([m.RevenueMonth(customer_id=c, month=mo, mrr=v) for c, mo, v in rows])
        s.add_all(
            [
                m.ChurnEvent(
                    customer_id=1,
                    churned_on=D(2025, 3, 10),
                    arr_lost=1200,
                    primary_reason="price",
                    category="commercial",
                    controllable=True,
                ),
                m.ChurnEvent(customer_id=3, churned_on=D(2025, 1, 20), arr_lost=600),
                m.ChurnEvent(
                    customer_id=4,
                    churned_on=D(2025, 4, 1),
                    arr_lost=0,
                    primary_reason="acquired",
                    category="company event",
                    controllable=False,
                    reason_confirmed=True,
                    follow_up_call_on=D(2025, 4, 20),
                    follow_up_notes="Bought by a group.",
                ),
            ]
        )
        s.add_all(
            [
                m.HealthSignal(customer_id=1, month=D(2025, 1, 1), signal="usage", value=0.9),
                m.HealthSignal(customer_id=1, month=D(2025, 2, 1), signal="usage", value=0.2),
                m.HealthSignal(customer_id=1, month=D(2025, 3, 1), signal="usage", value=0.1),
                m.HealthSignal(customer_id=1, month=D(2025, 3, 1), signal="billing_issue", value=2),
                m.HealthSignal(customer_id=1, month=D(2025, 4, 1), signal="usage", value=0.8),
                m.HealthSignal(customer_id=3, month=D(2024, 12, 1), signal="usage", value=0.95),
                m.HealthSignal(customer_id=3, month=D(2025, 1, 1), signal="usage", value=0.5),
            ]
        )
        s.add_all(
            [
                m.NpsResponse(customer_id=1, responded_on=D(2024, 6, 1), score=9),
                m.NpsResponse(customer_id=1, responded_on=D(2025, 3, 10), score=3),
                m.NpsResponse(customer_id=1, responded_on=D(2025, 4, 1), score=10),
                m.NpsResponse(customer_id=3, responded_on=D(2024, 10, 1), score=10),
                m.NpsResponse(customer_id=3, responded_on=D(2024, 11, 1), score=42),  # invalid: ignored
            ]
        )
    yield engine
    engine.dispose()


def _check_churn_events_window_order_and_filter(engine):
    k = qc.churn_events(engine, start=D(2025, 1, 1), end=D(2025, 4, 1))
    # End is exclusive: customer 4 (1 April) is out; newest first.
    assert k["customer_id"].tolist() == [1, 3]
    assert k["primary_reason"].tolist()[0] == "price" and pd.isna(k["primary_reason"].iloc[1])
    assert k["controllable"].tolist()[0] is True and pd.isna(k["controllable"].iloc[1])
    assert k["reason_confirmed"].tolist() == [False, False]
    assert qc.churn_events(engine, flt=CustomerFilter(segments=("Enterprise",))).empty
    assert len(qc.churn_events(engine)) == 3


def _check_revenue_in_months_leaves_negative_mrr_out(engine):
    r = qc.revenue_in_months(engine, months=(D(2024, 12, 1), D(2025, 7, 1)))
    # December: 1 (100), 2 (1000), 3 (50); July: only customer 2's -50, left out.
    assert sorted(zip(r["customer_id"], r["mrr"])) == [(1, 100.0), (2, 1000.0), (3, 50.0)]
    rr = retention.revenue_retention(
        qc.revenue_in_months(engine, months=(D(2024, 12, 1), D(2025, 2, 1))),
        start_month=D(2024, 12, 1),
        end_month=D(2025, 2, 1),
    )
    # Start 1150; customer 3 gone (50): GRR = NRR = 1100 / 1150.
    assert rr.grr == pytest.approx(1100 / 1150) and rr.nrr == pytest.approx(1100 / 1150)
    long_terms = qc.revenue_in_months_for_terms(engine, months=(D(2024, 12, 1),), min_term=12)
    assert sorted(long_terms["customer_id"]) == [1, 2]


def _check_cohort_revenue_in_sql_equals_cohort_counts_in_pandas(engine):
    with engine.connect() as conn:
        raw = pd.DataFrame(
            conn.execute(select(m.RevenueMonth.customer_id, m.RevenueMonth.month, m.RevenueMonth.mrr)).all(),
            columns=["customer_id", "month", "mrr"],
        )
    expected = retention.cohort_counts(raw[raw["mrr"] >= 0])
    got = qc.cohort_revenue(engine)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    # Cohorts: 2024-01 (customer 1), 2024-02 (2), 2024-06 (3).
    assert sorted(got["cohort_month"].dt.strftime("%Y-%m").unique()) == ["2024-01", "2024-02", "2024-06"]
    assert qc.last_revenue_month(engine) == D(2025, 7, 1)


def _check_data_checks_count_and_show_examples(engine):
    n, rows = qc.negative_mrr_rows(engine)
    assert n == 1 and rows["customer_id"].tolist() == [2] and rows["mrr"].tolist() == [-50.0]
    assert qc.negative_mrr_rows(engine, flt=CustomerFilter(segments=("SMB",)))[0] == 0
    n, rows = qc.churn_before_signing_rows(engine)
    assert n == 1 and rows["customer_id"].tolist() == [4]


def _check_health_and_nps_before_churn(engine):
    s = qc.health_signals_before_churn(engine, start=D(2025, 1, 1), end=D(2025, 4, 1))
    # Customer 1 churned 10 March: its last month starting before then is March (the April row is after).
    # Customer 3 churned 20 January: January.
    got = {(r.customer_id, r.month.date(), r.signal): r.value for r in s.itertuples()}
    assert got == {
        (1, D(2025, 3, 1), "billing_issue"): 2.0,
        (1, D(2025, 3, 1), "usage"): 0.1,
        (3, D(2025, 1, 1), "usage"): 0.5,
    }
    n = qc.last_nps_before_churn(engine, start=D(2025, 1, 1), end=D(2025, 4, 1))
    # Customer 1: the answer on the churn day (3) counts, the later 10 does not;
    # customer 3: the 42 is invalid.
    assert [(r.customer_id, r.score) for r in n.itertuples()] == [(1, 3), (3, 10)]


def test_reads_on_one_seeded_database(engine):
    """One seeded database per backend (migrations are the slow part), every read checked on it."""
    _check_churn_events_window_order_and_filter(engine)
    _check_revenue_in_months_leaves_negative_mrr_out(engine)
    _check_cohort_revenue_in_sql_equals_cohort_counts_in_pandas(engine)
    _check_data_checks_count_and_show_examples(engine)
    _check_health_and_nps_before_churn(engine)


def _event(engine, customer_id: int) -> dict:
    with engine.connect() as conn:
        return dict(
            conn.execute(select(m.ChurnEvent).where(m.ChurnEvent.customer_id == customer_id)).mappings().one()
        )


def test_record_follow_up_persists_reason_call_and_notes(engine):
    notes = "<b>Moved</b> to a rival; **cheaper** seats"
    stored = qc.record_follow_up(
        engine,
        customer_id=3,
        call_on=D(2025, 2, 5),
        reason="competitor",
        notes=f"  {notes} ",
        today=D(2025, 3, 1),
    )
    row = _event(engine, 3)
    assert row["primary_reason"] == "competitor" and row["category"] == "competition"
    assert row["controllable"] is True and row["reason_confirmed"] is True
    assert (
        row["follow_up_call_on"] == D(2025, 2, 5) and row["follow_up_notes"] == notes
    )  # stored as typed, trimmed
    assert stored["primary_reason"] == "competitor"
    qc.record_follow_up(
        engine, customer_id=3, call_on=D(2025, 2, 6), reason="acquired", notes="", today=D(2025, 3, 1)
    )
    row = _event(engine, 3)
    assert (row["controllable"], row["category"], row["follow_up_notes"]) == (False, "company event", None)


#: Half-filled or wrong follow-ups and the message each one gets (today is 1 March 2025).
BAD_FOLLOW_UPS = [
    ({"call_on": None, "reason": "price"}, "enter the date of the follow-up call"),
    ({"call_on": D(2025, 2, 5), "reason": None}, "choose the reason"),
    ({"call_on": D(2025, 2, 5), "reason": "aliens"}, "not one of your churn reasons"),
    ({"call_on": D(2025, 1, 19), "reason": "price"}, "before the churn date 2025-01-20"),
    ({"call_on": D(2025, 3, 2), "reason": "price"}, "in the future"),
    ({"call_on": D(2025, 2, 5), "reason": "price", "notes": "x" * (qc.MAX_NOTES + 1)}, "characters long"),
    ({"customer_id": 2, "call_on": D(2025, 2, 5), "reason": "price"}, "has no churn event"),
]


def test_record_follow_up_refuses_bad_input_and_writes_nothing(engine):
    before = _event(engine, 3)
    for kwargs, message in BAD_FOLLOW_UPS:
        args = {"customer_id": 3, "notes": "called", "today": D(2025, 3, 1), **kwargs}
        with pytest.raises(qc.FollowUpError, match=message):
            qc.record_follow_up(engine, **args)
        assert _event(engine, 3) == before, kwargs


def test_cohort_revenue_matches_pandas_on_the_demo(demo_db_url):
    engine = db.make_engine(demo_db_url)
    raw = pd.read_sql("SELECT customer_id, month, mrr FROM revenue_month", create_engine(demo_db_url))
    expected = retention.cohort_counts(raw[raw["mrr"] >= 0])
    pd.testing.assert_frame_equal(qc.cohort_revenue(engine), expected, check_dtype=False)
    engine.dispose()


def test_record_follow_up_takes_a_company_reason_and_its_classification(engine):
    # The company adds "moved" (not controllable); the follow-up confirms it for customer 1.
    from cs_metrics.storage import vocabulary

    vocabulary.add_terms(engine, "churn_reason", [{"key": "relocated", "label": "Moved abroad",
                                                   "category": "customer circumstances", "controllable": False}])
    stored = qc.record_follow_up(engine, customer_id=1, call_on=D(2025, 3, 20), reason="relocated", notes="")
    assert (stored["primary_reason"], stored["category"], stored["controllable"]) == (
        "relocated", "customer circumstances", False)
