"""Who may record a post-churn follow-up call (editors and admins), and the audit trail of each
call recorded, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from cs_metrics.access import LOCAL, Actor, Refused
from cs_metrics.services import churn as svc
from cs_metrics.storage import db
from cs_metrics.storage import models as m
from cs_metrics.storage.queries.access import audit_events

D = dt.date
TODAY = D(2025, 3, 1)
MIA = Actor("mia@example.com", "Mia", "member", teams=frozenset({"Support"}),
            departments=frozenset({"Customer Success"}))
EDDA = Actor("edda@example.com", "Edda", "editor")


@pytest.fixture()
def engine(any_db_url):
    engine = db.make_engine(any_db_url)
    db.upgrade(engine)
    with db.session_scope(engine) as s:
        s.add(m.Customer(id=3, external_id="C3", name="Gamma", segment="SMB", region="DACH", signed_on=D(2024, 6, 1),
                         contract_term_months=1, arr=600, status="churned", churned_on=D(2025, 1, 20)))
        s.flush()
        s.add(m.ChurnEvent(customer_id=3, churned_on=D(2025, 1, 20), arr_lost=600, primary_reason="price"))
    yield engine
    engine.dispose()


def _event(engine) -> tuple:
    with engine.connect() as conn:
        row = conn.execute(select(m.ChurnEvent).where(m.ChurnEvent.customer_id == 3)).one()
    return row.primary_reason, row.reason_confirmed, row.follow_up_call_on, row.follow_up_notes


def _trail(engine) -> list[tuple]:
    rows = audit_events(engine)
    return list(rows[["actor", "actor_role", "action", "outcome", "records", "summary"]].itertuples(index=False,
                                                                                                     name=None))


def test_a_member_is_refused_and_nothing_changes(engine):
    with pytest.raises(Refused, match="Only an editor or an admin may record a churn follow-up call"):
        svc.record_follow_up(engine, customer_id=3, call_on=D(2025, 2, 5), reason="competitor", notes="Called",
                             actor=MIA, today=TODAY)
    assert _event(engine) == ("price", False, None, None)
    assert [r[:5] for r in _trail(engine)] == [("mia@example.com", "member", "churn.follow_up", "refused",
                                                 "customer #3 (Gamma)")]


def test_an_editor_records_the_call_and_the_reason_change_is_recorded(engine):
    svc.record_follow_up(engine, customer_id=3, call_on=D(2025, 2, 5), reason="competitor", notes="Called",
                         actor=EDDA, today=TODAY)
    assert _event(engine) == ("competitor", True, D(2025, 2, 5), "Called")
    # The stored reason was "price"; the call confirmed "competitor".
    assert _trail(engine) == [("edda@example.com", "editor", "churn.follow_up", "done", "customer #3 (Gamma)",
                               "call 2025-02-05, reason price -> competitor")]
    # A second call confirming the same reason names it once.
    svc.record_follow_up(engine, customer_id=3, call_on=D(2025, 2, 6), reason="competitor", notes="",
                         actor=LOCAL, today=TODAY)
    assert _trail(engine)[0] == ("Local user", "admin", "churn.follow_up", "done", "customer #3 (Gamma)",
                                 "call 2025-02-06, reason competitor")


def test_a_bad_call_leaves_no_audit_row(engine):
    with pytest.raises(svc.FollowUpError, match="enter the date of the follow-up call"):
        svc.record_follow_up(engine, customer_id=3, call_on=None, reason="price", notes="", actor=EDDA, today=TODAY)
    with pytest.raises(svc.FollowUpError, match="has no churn event"):
        svc.record_follow_up(engine, customer_id=9, call_on=D(2025, 2, 5), reason="price", notes="", actor=EDDA,
                             today=TODAY)
    assert _trail(engine) == [] and _event(engine) == ("price", False, None, None)
