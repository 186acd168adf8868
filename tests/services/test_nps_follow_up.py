"""Who may update an NPS follow-up, and the audit trail of each update, on SQLite and PostgreSQL:
a member updates the follow-ups they own (the owner, or the customer's CSM while no owner is set),
editors any, viewers none."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import select

from cs_metrics.access import LOCAL, Actor, Refused
from cs_metrics.services import nps as svc
from cs_metrics.storage import db
from cs_metrics.storage import models as m
from cs_metrics.storage.queries.access import audit_events

D = dt.date
TODAY = D(2026, 1, 20)
ANNA = Actor("anna@example.com", "Anna", "member")
BEN = Actor("ben@example.com", "Ben Bauer", "member")
VERA = Actor("vera@example.com", "Vera", "viewer")
EDDA = Actor("edda@example.com", "Edda", "editor")


@pytest.fixture()
def engine(any_db_url):
    engine = db.make_engine(any_db_url)
    db.upgrade(engine)
    with db.session_scope(engine) as s:
        s.add_all([
            m.Customer(id=1, external_id="C1", name="Alfa", segment="SMB", region="Italy", owner="Anna", signed_on=D(2025, 1, 1)),
            m.Customer(id=2, external_id="C2", name="Beta", segment="SMB", region="Italy", owner="ben@example.com",
                       signed_on=D(2025, 1, 1)),
        ])
        s.flush()
        s.add_all([
            # Alfa's CSM is Anna, but this follow-up is owned by Ben.
            m.NpsResponse(id=1, customer_id=1, responded_on=D(2026, 1, 10), score=2, follow_up_status="open",
                          follow_up_owner="Ben Bauer", follow_up_due=D(2026, 1, 17)),
            # No owner yet: Beta's CSM (Ben, by e-mail) answers for it.
            m.NpsResponse(id=2, customer_id=2, responded_on=D(2026, 1, 12), score=4),
            # Anonymous, no owner: nobody's own.
            m.NpsResponse(id=3, customer_id=None, responded_on=D(2026, 1, 14), score=0),
        ])
    yield engine
    engine.dispose()


def _stored(engine, response_id: int) -> tuple:
    with engine.connect() as conn:
        row = conn.execute(select(m.NpsResponse).where(m.NpsResponse.id == response_id)).one()
    return row.follow_up_status, row.follow_up_owner, row.follow_up_due, row.follow_up_note


def _trail(engine) -> list[tuple]:
    rows = audit_events(engine)
    return list(rows[["actor", "actor_role", "action", "outcome", "records", "summary"]].itertuples(index=False,
                                                                                                     name=None))


def test_the_owner_updates_their_follow_up_and_the_change_is_recorded(engine):
    svc.save_follow_up(engine, svc.FollowUpEdit(1, "done", owner="Anna", due=D(2026, 1, 19), note="Called"),
                       actor=BEN, today=TODAY)
    assert _stored(engine, 1) == ("done", "Anna", D(2026, 1, 19), "Called")
    # Before: open, owner Ben Bauer, due 2026-01-17, no note.
    assert _trail(engine) == [("ben@example.com", "member", "nps.follow_up", "done", "NPS answer #1 (Alfa)",
                               "status open -> done, owner Ben Bauer -> Anna, due 2026-01-17 -> 2026-01-19, "
                               "note edited")]
    # Ben, the CSM of Beta (matched by e-mail), owns answer 2 while no owner is set.
    svc.save_follow_up(engine, svc.FollowUpEdit(2, "open", owner="Ben Bauer"), actor=BEN, today=TODAY)
    assert _trail(engine)[0][3:] == ("done", "NPS answer #2 (Beta)", "status none -> open, owner none -> Ben Bauer")


def test_a_member_who_does_not_own_the_follow_up_is_refused_and_nothing_changes(engine):
    # Anna is the CSM of Alfa, but answer 1 is owned by Ben Bauer: the owner decides.
    with pytest.raises(Refused, match="owned by Ben Bauer"):
        svc.save_follow_up(engine, svc.FollowUpEdit(1, "done", owner="Anna"), actor=ANNA, today=TODAY)
    assert _stored(engine, 1) == ("open", "Ben Bauer", D(2026, 1, 17), None)
    ((who, role, action, outcome, records, summary),) = _trail(engine)
    assert (who, role, action, outcome, records) == ("anna@example.com", "member", "nps.follow_up", "refused",
                                                     "NPS answer #1 (Alfa)")
    assert summary.startswith("A member may update an NPS follow-up only where they are the owner")
    # An anonymous answer without an owner is nobody's own: only an editor or an admin updates it.
    with pytest.raises(Refused, match="not assigned to you"):
        svc.save_follow_up(engine, svc.FollowUpEdit(3, "not_needed"), actor=BEN, today=TODAY)
    assert _trail(engine)[0][3:5] == ("refused", "NPS answer #3 (anonymous)")
    svc.save_follow_up(engine, svc.FollowUpEdit(3, "not_needed"), actor=EDDA, today=TODAY)
    assert _trail(engine)[0] == ("edda@example.com", "editor", "nps.follow_up", "done", "NPS answer #3 (anonymous)",
                                 "status none -> not needed")


def test_a_viewer_updates_no_follow_up(engine):
    with pytest.raises(Refused, match="Only an editor or an admin may update an NPS follow-up"):
        svc.save_follow_up(engine, svc.FollowUpEdit(2, "open", owner="Vera"), actor=VERA, today=TODAY)
    assert _stored(engine, 2) == (None, None, None, None)
    assert [r[:5] for r in _trail(engine)] == [("vera@example.com", "viewer", "nps.follow_up", "refused",
                                                 "NPS answer #2 (Beta)")]


def test_a_bad_edit_or_a_missing_answer_leaves_no_audit_row(engine):
    with pytest.raises(svc.FollowUpError, match="owner is empty"):
        svc.save_follow_up(engine, svc.FollowUpEdit(1, "open", owner=" "), actor=LOCAL, today=TODAY)
    with pytest.raises(svc.FollowUpError, match="does not exist"):
        svc.save_follow_up(engine, svc.FollowUpEdit(99, "open", owner="Anna"), actor=LOCAL, today=TODAY)
    assert _trail(engine) == []
    # The local user (every right) may update any follow-up; the trail names them.
    svc.save_follow_up(engine, svc.FollowUpEdit(1, "in_progress", owner="Ben Bauer", due=D(2026, 1, 17)),
                       actor=LOCAL, today=TODAY)
    assert _trail(engine) == [("Local user", "admin", "nps.follow_up", "done", "NPS answer #1 (Alfa)",
                               "status open -> in progress")]


def test_owns_follow_up_matches_the_owner_else_the_csm():
    queue = pd.DataFrame({"follow_up_owner": ["Ben Bauer", None, float("nan"), " anna "],
                          "csm": ["Anna", "ben@example.com", None, "Ben Bauer"]})
    # Row 1: owner Ben; row 2: no owner, CSM Ben's e-mail; row 3: nobody; row 4: owner Anna (any case, trimmed).
    assert svc.owns_follow_up(queue, BEN).tolist() == [True, True, False, False]
    assert svc.owns_follow_up(queue, ANNA).tolist() == [False, False, False, True]
