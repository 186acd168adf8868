"""Every write service refuses every role that may not use it: nothing is written, the refusal says
which role may, and the attempt is in the audit trail. One row of ``WRITES`` per write service.

The roles refused come from the issue's role list, written out per write (not from
``cs_metrics.access``, which they check): viewers write nothing; members only their own team's
assessment, their department's meetings and the follow-ups they own; editors add every follow-up,
churn calls, drafts and board packs; admins the rest. An assessment is given only by a member of
the team, whatever the role.
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, text

from cs_metrics import maturity as mt
from cs_metrics.access import Actor, Refused
from cs_metrics.meetings import ItemDraft, MeetingDraft
from cs_metrics.period import Period
from cs_metrics.services import access, boardpack, churn, data, health, maturity, meetings, nps, vocabulary
from cs_metrics.services import alerts as alert_rules
from cs_metrics.services import plans as account_plans
from cs_metrics.services.deliver import MailSettings, deliver
from cs_metrics.storage import db
from cs_metrics.storage.queries import access as qa
from cs_metrics.storage.tables import export_tables
from tests.storage.ingest.conftest import CUSTOMERS


@pytest.fixture()
def facts(demo_db_url):
    """The demo database and the records the writes aim at, read from it."""
    engine = db.make_engine(demo_db_url)
    with engine.connect() as conn:
        def one(sql: str):
            return conn.execute(text(sql)).first()
        team = one("SELECT name, department FROM team ORDER BY name LIMIT 1")
        meeting = one(f"SELECT id FROM meeting WHERE department = '{team.department}' ORDER BY id LIMIT 1")
        answer = one("SELECT r.id, COALESCE(r.follow_up_owner, c.owner) AS owner FROM nps_response r "
                     "JOIN customer c ON c.id = r.customer_id WHERE r.score <= 6 "
                     "AND COALESCE(r.follow_up_owner, c.owner) IS NOT NULL ORDER BY r.id LIMIT 1")
        churned = one("SELECT customer_id, churned_on FROM churn_event ORDER BY customer_id LIMIT 1")
        reason = one("SELECT key FROM vocabulary_term WHERE kind = 'churn_reason' ORDER BY position LIMIT 1")
        segment = one("SELECT key FROM vocabulary_term WHERE kind = 'segment' ORDER BY position LIMIT 1")
        round_id = one("SELECT id FROM assessment_round WHERE status = 'open' ORDER BY id DESC LIMIT 1")
    assert None not in (team, meeting, answer, churned, reason, segment, round_id)
    with engine.begin() as conn:
        qa.save_person(conn, email="someone@example.com", name="Someone", role="viewer", teams=frozenset(),
                       now=dt.datetime(2026, 11, 1, tzinfo=dt.UTC), by="test")
    yield SimpleNamespace(engine=engine, team=team.name, department=team.department, meeting=meeting.id,
                          answer=answer.id, owner=answer.owner, churned=churned.customer_id,
                          churned_on=dt.date.fromisoformat(str(churned.churned_on)[:10]), reason=reason.key,
                          segment=segment.key, round_id=round_id.id)
    engine.dispose()


def people(f) -> dict[str, Actor]:
    """The people who try: each in the team, department and follow-up aimed at where a scope exists
    (so that only the role refuses them), or outside it (``*_out``)."""
    inside = {"teams": frozenset({f.team}), "departments": frozenset({f.department})}
    outside = {"teams": frozenset({"Another team"}), "departments": frozenset({"Another department"})}
    return {
        "viewer": Actor("viewer@example.com", f.owner, "viewer", **inside),   # even as the follow-up's owner
        "member": Actor("member@example.com", f.owner, "member", **inside),
        "member_out": Actor("member.out@example.com", "Nobody", "member", **outside),
        "editor": Actor("editor@example.com", f.owner, "editor", **inside),
        "editor_out": Actor("editor.out@example.com", "Nobody", "editor", **outside),
        "admin_out": Actor("admin.out@example.com", "Nobody", "admin", **outside),
    }


ADMIN_ONLY = ("viewer", "member", "member_out", "editor", "editor_out")
EDITOR_UP = ("viewer", "member", "member_out")


def _answers(stage: float) -> dict[str, mt.AnswerInput]:
    return {d: mt.AnswerInput(stage) for d in mt.DIMENSIONS}


def _owned_customer(f) -> int:
    """A customer whose owner is the follow-up's owner (the member's name), so only the role refuses."""
    with f.engine.connect() as conn:
        found = conn.execute(text("SELECT id FROM customer WHERE owner = :o ORDER BY id LIMIT 1"),
                             {"o": f.owner}).first()
    assert found is not None
    return found.id


#: write -> (action recorded, roles refused, the call).
WRITES = {
    "import a file": ("data.import", ADMIN_ONLY, lambda f, a: data.commit(
        f.engine, "customers", CUSTOMERS.encode(), filename="c.csv", actor=a)),
    "restore an export": ("data.restore", ADMIN_ONLY, lambda f, a: data.commit(
        f.engine, data.ARCHIVE, b"PK", filename="x.zip", replace=True, actor=a)),
    "export": ("data.export", ADMIN_ONLY, lambda f, a: data.export_zip(f.engine, actor=a)),
    "clear": ("data.clear", ADMIN_ONLY, lambda f, a: data.clear_data(f.engine, actor=a)),
    "reset": ("data.reset", ADMIN_ONLY, lambda f, a: data.reset_database(f.engine, actor=a)),
    "demo": ("data.demo", ADMIN_ONLY, lambda f, a: data.load_demo(f.engine, customers=50, replace=True, actor=a)),
    "save a mapping": ("data.mapping", ADMIN_ONLY, lambda f, a: data.save_mapping(
        f.engine, "customers", "CRM", {"customer_id": "Id"}, actor=a)),
    "add new values": ("data.vocabulary", ADMIN_ONLY, lambda f, a: data.add_new_values(
        f.engine, "segment", ["Public sector"], actor=a)),
    "add a term": ("data.vocabulary", ADMIN_ONLY, lambda f, a: vocabulary.add_term(
        f.engine, "segment", "public", label="Public sector", actor=a)),
    "rename a term": ("data.vocabulary", ADMIN_ONLY, lambda f, a: vocabulary.update_term(
        f.engine, "segment", f.segment, label="Renamed", actor=a)),
    "remove a term": ("data.vocabulary", ADMIN_ONLY, lambda f, a: vocabulary.remove_term(
        f.engine, "segment", f.segment, actor=a)),
    "set the currency": ("data.vocabulary", ADMIN_ONLY, lambda f, a: vocabulary.set_currency(
        f.engine, "USD", actor=a)),
    "draft a health model": ("health.draft", EDITOR_UP, lambda f, a: health.save_model_version(
        f.engine, health.load_model(f.engine), reason="r", activate=False, actor=a)),
    "save and activate a health model": ("health.activate", ADMIN_ONLY, lambda f, a: health.save_model_version(
        f.engine, health.load_model(f.engine), reason="r", activate=True, actor=a)),
    "activate a version": ("health.activate", ADMIN_ONLY, lambda f, a: health.activate_model_version(
        f.engine, 1, actor=a)),
    "assess a team": ("maturity.assess", ("viewer", "member_out", "editor_out", "admin_out"),
                      lambda f, a: maturity.submit_assessment(f.engine, mt.Submission(
                          f.round_id, f.team, "x", "manager", _answers(3.0)), actor=a)),
    "set targets": ("maturity.targets", ADMIN_ONLY, lambda f, a: maturity.set_targets(
        f.engine, {mt.DIMENSIONS[0]: 4.0}, actor=a)),
    "open a round": ("maturity.rounds", ADMIN_ONLY, lambda f, a: maturity.open_round(
        f.engine, name="Another round", opened_on=dt.date(2026, 11, 1), actor=a)),
    "close a round": ("maturity.rounds", ADMIN_ONLY, lambda f, a: maturity.close_round(
        f.engine, f.round_id, actor=a)),
    "change stage labels": ("maturity.instrument", ADMIN_ONLY, lambda f, a: maturity.save_stage_labels(
        f.engine, {"en": ("One", "Two", "Three", "Four", "Five")}, actor=a)),
    "log a meeting": ("meetings.edit", ("viewer", "member_out"), lambda f, a: meetings.save_meeting(
        f.engine, MeetingDraft(dt.date(2026, 10, 1), f.department, "department", 60, (ItemDraft("Pipeline"),),
                               title="Weekly"), actor=a)),
    "delete a meeting": ("meetings.edit", ("viewer", "member_out"), lambda f, a: meetings.delete_meeting(
        f.engine, f.meeting, actor=a)),
    "update an NPS follow-up": ("nps.follow_up", ("viewer", "member_out"), lambda f, a: nps.save_follow_up(
        f.engine, nps.FollowUpEdit(f.answer, "in_progress", owner=f.owner), actor=a)),
    "write an account plan": ("health.plan", ("viewer", "member_out"), lambda f, a: account_plans.save_plan(
        f.engine, account_plans.PlanEdit(_owned_customer(f), "Meet the sponsor", "Call the CFO"), actor=a)),
    "record a churn call": ("churn.follow_up", EDITOR_UP, lambda f, a: churn.record_follow_up(
        f.engine, customer_id=f.churned, call_on=f.churned_on, reason=f.reason, notes="", actor=a)),
    "set an alert rule": ("alerts.edit", EDITOR_UP, lambda f, a: alert_rules.save_setting(
        f.engine, "renewal_red", enabled=False, parameter=30, actor=a)),
    "acknowledge an alert": ("alerts.edit", EDITOR_UP, lambda f, a: alert_rules.acknowledge(
        f.engine, "red_band", "1", dt.date(2026, 10, 1), actor=a)),
    "save a board pack": ("boardpack.save", EDITOR_UP, lambda f, a: boardpack.save(
        f.engine, SimpleNamespace(period=Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30)), language="en"), {},
        actor=a)),
    "send the digest by e-mail": ("delivery.send", ADMIN_ONLY, lambda f, a: deliver(
        f.engine, EmailMessage(), kind="digest", period=Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        language="en", settings=MailSettings("127.0.0.1", 25, False, "", "", "cs@example.com", ("a@example.com",)),
        actor=a)),
    "appoint someone": ("people.manage", ADMIN_ONLY, lambda f, a: access.save_person(
        f.engine, email="new@example.com", name="", role="admin", teams=(), actor=a)),
    "remove someone": ("people.manage", ADMIN_ONLY, lambda f, a: access.remove_person(
        f.engine, "someone@example.com", actor=a)),
}


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in export_tables()}


def test_every_right_has_a_write_in_the_table():
    from cs_metrics.access import RIGHTS

    # audit.read is a read (checked in test_access.py); every other right is exercised below.
    assert {action for action, _, _ in WRITES.values()} == set(RIGHTS) - {"audit.read"}


@pytest.mark.parametrize("write", list(WRITES))
def test_each_write_refuses_each_role_that_may_not_make_it(facts, write):
    action, refused, call = WRITES[write]
    who = people(facts)
    for role in refused:
        before = counts(facts.engine)
        with pytest.raises(Refused) as caught:
            call(facts, who[role])
        assert caught.value.action == action
        after = counts(facts.engine)
        # Nothing written but one audit row: the refused attempt, by this person, with the message.
        assert after == before | {"audit_event": before["audit_event"] + 1}, (write, role)
        row = qa.audit_events(facts.engine, limit=1).iloc[0]
        assert (row["actor"], row["action"], row["outcome"], row["summary"]) == (
            who[role].email, action, "refused", caught.value.message)
        assert "Nothing was written." in caught.value.message
