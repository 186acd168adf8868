"""The owner's plan of an account at risk (``services.plans``): saved, updated in place, refused
with a message that says what to fix, written only by the customer's owner (a member), editors and
admins, recorded in the audit trail without its text; one row per customer even when people save
at the same moment on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import threading
import zipfile

import pandas as pd
import pytest
from sqlalchemy import func, select

from cs_metrics.access import LOCAL, Actor, Refused
from cs_metrics.services import plans as svc
from cs_metrics.storage import db, export, ingest
from cs_metrics.storage import models as m
from cs_metrics.storage.queries.access import audit_events

D = dt.date
TODAY = D(2026, 11, 2)
ANNA = Actor("anna@example.com", "Anna Rossi", "member")
BEN = Actor("ben@example.com", "Ben", "member")
VERA = Actor("vera@example.com", "Vera", "viewer")
EDDA = Actor("edda@example.com", "Edda", "editor")


def _customers(engine) -> None:
    with db.session_scope(engine) as s:
        s.add_all([
            # Alfa's owner is Anna by name (another case: names are matched ignoring case),
            # Beta's is Ben by e-mail, Gamma has no owner.
            m.Customer(id=1, external_id="C1", name="Alfa", segment="SMB", region="Italy", owner="anna ROSSI",
                       signed_on=D(2025, 1, 1)),
            m.Customer(id=2, external_id="C2", name="Beta", segment="SMB", region="Italy", owner="ben@example.com",
                       signed_on=D(2025, 1, 1)),
            m.Customer(id=3, external_id="C3", name="Gamma", segment="SMB", region="Italy", owner=None,
                       signed_on=D(2025, 1, 1)),
        ])


@pytest.fixture()
def engine(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'plans.db'}")
    db.upgrade(engine)
    _customers(engine)
    yield engine
    engine.dispose()


def _plan_rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        p = m.AccountPlan
        return [tuple(r) for r in conn.execute(
            select(p.customer_id, p.plan, p.next_step, p.due_on, p.updated_by).order_by(p.customer_id))]


def _trail(engine) -> list[tuple]:
    rows = audit_events(engine)  # newest first
    return list(rows[["actor", "action", "outcome", "records", "summary"]].itertuples(index=False, name=None))


def test_save_plan_stores_a_new_plan_and_records_it_without_its_text(engine):
    before = dt.datetime.now(dt.UTC)
    done = svc.save_plan(engine, svc.PlanEdit(1, "  Win back the sponsor  ", "Call the CFO", D(2026, 12, 1)),
                         actor=EDDA, today=TODAY)
    assert done == "Plan of Alfa saved."
    # The texts are stored trimmed, by the editor's e-mail.
    assert _plan_rows(engine) == [(1, "Win back the sponsor", "Call the CFO", D(2026, 12, 1), "edda@example.com")]
    stored = svc.plans_for(engine, (1,))
    assert list(stored.columns) == ["customer_id", "plan", "next_step", "due_on", "updated_by", "updated_at"]
    assert stored.loc[0, "due_on"] == pd.Timestamp("2026-12-01")
    assert before <= stored.loc[0, "updated_at"] <= dt.datetime.now(dt.UTC)
    assert _trail(engine) == [("edda@example.com", "health.plan", "done", "account plan of Alfa (customer #1)",
                               "plan of Alfa: new plan, due 2026-12-01")]
    assert "sponsor" not in _trail(engine)[0][4]


def test_save_plan_updates_the_one_row_and_says_what_changed(engine):
    svc.save_plan(engine, svc.PlanEdit(1, "Win back the sponsor", "Call the CFO", D(2026, 12, 1)), actor=EDDA,
                  today=TODAY)
    svc.save_plan(engine, svc.PlanEdit(1, "Win back the sponsor", "Send the proposal", D(2026, 12, 1)),
                  actor=LOCAL, today=TODAY)
    svc.save_plan(engine, svc.PlanEdit(1, "Executive sponsor meeting", "Send the proposal", None), actor=EDDA,
                  today=TODAY)
    # Still one row, holding the last save.
    assert _plan_rows(engine) == [(1, "Executive sponsor meeting", "Send the proposal", None, "edda@example.com")]
    assert [t[4] for t in _trail(engine)] == [
        "plan of Alfa: plan changed, no due date",
        "plan of Alfa: next step changed, due 2026-12-01",  # the example
        "plan of Alfa: new plan, due 2026-12-01",
    ]
    # The local user (every right) is named as such.
    assert _trail(engine)[1][0] == "Local user"


def test_save_plan_accepts_the_longest_texts_and_a_step_due_today(engine):
    # 2,000 and 300 characters are the limits, today the earliest due date.
    svc.save_plan(engine, svc.PlanEdit(2, "p" * 2000, "s" * 300, TODAY), actor=EDDA, today=TODAY)
    (row,) = _plan_rows(engine)
    assert (len(row[1]), len(row[2]), row[3]) == (2000, 300, TODAY)


def test_save_plan_accepts_a_next_step_alone(engine):
    svc.save_plan(engine, svc.PlanEdit(3, "", "Book a call"), actor=EDDA, today=TODAY)
    assert _plan_rows(engine) == [(3, "", "Book a call", None, "edda@example.com")]


@pytest.mark.parametrize("edit, says", [
    (svc.PlanEdit(1, "   ", "", D(2026, 12, 1)), "Write the plan or its next step: both are empty."),
    (svc.PlanEdit(1, "p" * 2001, "Call"), "The plan is 2,001 characters long; shorten it to 2,000 or fewer."),
    (svc.PlanEdit(1, "Plan", "s" * 301), "The next step is 301 characters long; shorten it to 300 or fewer."),
    (svc.PlanEdit(1, "Plan", "Call", D(2026, 11, 1)),
     "The due date 2026-11-01 is in the past; pick today (2026-11-02) or a later day, or leave it empty."),
])
def test_save_plan_refuses_a_bad_plan_and_writes_nothing(engine, edit, says):
    with pytest.raises(svc.PlanError) as caught:
        svc.save_plan(engine, edit, actor=EDDA, today=TODAY)
    assert str(caught.value) == says
    assert _plan_rows(engine) == [] and _trail(engine) == []  # no plan, no audit row: nothing happened


def test_save_plan_lists_every_problem_at_once(engine):
    with pytest.raises(svc.PlanError) as caught:
        svc.save_plan(engine, svc.PlanEdit(1, "p" * 2001, "s" * 301, D(2026, 1, 1)), actor=EDDA, today=TODAY)
    assert [s for s in ("The plan is", "The next step is", "The due date") if s in str(caught.value)] == [
        "The plan is", "The next step is", "The due date"]


def test_save_plan_of_an_unknown_customer_says_to_reload(engine):
    with pytest.raises(svc.PlanError, match="No customer has the id 99"):
        svc.save_plan(engine, svc.PlanEdit(99, "Plan"), actor=EDDA, today=TODAY)
    assert _trail(engine) == []


def test_a_member_writes_the_plans_of_the_customers_they_own(engine):
    # Anna owns Alfa by name, Ben owns Beta by e-mail.
    svc.save_plan(engine, svc.PlanEdit(1, "Anna's plan"), actor=ANNA, today=TODAY)
    svc.save_plan(engine, svc.PlanEdit(2, "Ben's plan"), actor=BEN, today=TODAY)
    assert [(r[0], r[1], r[4]) for r in _plan_rows(engine)] == [(1, "Anna's plan", "anna@example.com"),
                                                                (2, "Ben's plan", "ben@example.com")]


@pytest.mark.parametrize("who, customer, says", [
    (VERA, 1, "Only an editor or an admin may write the plan of an account at risk; you are signed in as a viewer."),
    (BEN, 1, "A member may write the plan of an account at risk only where they are the owner; this one is "
             "owned by anna ROSSI."),
    (ANNA, 3, "A member may write the plan of an account at risk only where they are the owner; this one is "
              "not assigned to you."),
])
def test_save_plan_refuses_whoever_may_not_and_records_the_attempt(engine, who, customer, says):
    with pytest.raises(Refused) as caught:
        svc.save_plan(engine, svc.PlanEdit(customer, "A plan"), actor=who, today=TODAY)
    assert caught.value.action == "health.plan"
    assert caught.value.message.startswith(says) and caught.value.message.endswith("Nothing was written.")
    assert _plan_rows(engine) == []
    name = {1: "Alfa", 3: "Gamma"}[customer]
    assert _trail(engine) == [(who.email, "health.plan", "refused", f"account plan of {name} (customer #{customer})",
                               caught.value.message)]


def test_an_editor_writes_any_plan(engine):
    for customer in (1, 2, 3):
        svc.save_plan(engine, svc.PlanEdit(customer, f"Plan {customer}"), actor=EDDA, today=TODAY)
    assert [r[:2] for r in _plan_rows(engine)] == [(1, "Plan 1"), (2, "Plan 2"), (3, "Plan 3")]


def test_plans_for_reads_only_the_customers_asked_for(engine):
    for customer in (1, 3):
        svc.save_plan(engine, svc.PlanEdit(customer, f"Plan {customer}"), actor=EDDA, today=TODAY)
    assert svc.plans_for(engine, (2, 3))["customer_id"].tolist() == [3]
    assert svc.plans_for(engine)["customer_id"].tolist() == [1, 3]
    empty = svc.plans_for(engine, ())
    assert empty.empty and list(empty.columns) == ["customer_id", "plan", "next_step", "due_on", "updated_by",
                                                   "updated_at"]


def test_plans_survive_export_clear_and_restore(engine):
    svc.save_plan(engine, svc.PlanEdit(1, "=formula-like plan, kept as text", "Call", D(2026, 12, 1)), actor=EDDA,
                  today=TODAY)
    svc.save_plan(engine, svc.PlanEdit(3, "", "Visit"), actor=EDDA, today=TODAY)
    before = svc.plans_for(engine)
    archive = export.export_zip(engine)
    db.clear_data(engine)
    assert svc.plans_for(engine).empty  # cleared with the customers they belong to
    report = ingest.import_archive(engine, archive, filename="export.zip", who="tester")
    assert report.committed, report.problems
    pd.testing.assert_frame_equal(svc.plans_for(engine), before)
    # A second export holds the same account_plan.csv, byte for byte.
    again = export.export_zip(engine)
    files = [zipfile.ZipFile(io.BytesIO(a)).read("account_plan.csv") for a in (archive, again)]
    assert files[0] == files[1] and files[0].count(b"\r\n") == 3  # the header and two plans


def test_owned_by_matches_name_or_email_ignoring_case():
    frame = pd.DataFrame({"owner": ["anna ROSSI", " anna@example.com ", "Ben", None, ""]})
    assert svc.owned_by(frame, ANNA).tolist() == [True, True, False, False, False]


def test_with_plans_adds_the_plan_and_next_step_in_the_rows_order():
    risk = pd.DataFrame({"customer_id": [3, 1, 2], "name": ["Gamma", "Alfa", "Beta"]})
    plans = pd.DataFrame({"customer_id": [1, 2, 3], "plan": ["Keep", "", "Rescue"],
                          "next_step": ["Call", "Visit", ""],
                          "due_on": [pd.Timestamp("2026-12-01"), pd.NaT, pd.Timestamp("2026-11-20")]})
    out = svc.with_plans(risk, plans)
    assert out["name"].tolist() == ["Gamma", "Alfa", "Beta"]
    assert out["account_plan"].tolist() == ["Rescue", "Keep", ""]
    assert out["next_step_due"].tolist() == ["(due 2026-11-20)", "Call (due 2026-12-01)", "Visit"]
    # No plan at all: both columns empty text.
    none = svc.with_plans(risk, plans.iloc[0:0])
    assert none["account_plan"].tolist() == ["", "", ""] and none["next_step_due"].tolist() == ["", "", ""]


def test_concurrent_saves_of_one_plan_leave_one_row_on_postgresql(pg_url):
    engine = db.make_engine(pg_url)
    db.upgrade(engine)
    _customers(engine)
    writers = 8
    start, errors = threading.Barrier(writers), []

    def save(i: int) -> None:
        try:
            start.wait()
            svc.save_plan(engine, svc.PlanEdit(1, f"Plan {i}", f"Step {i}", D(2026, 12, 1)), actor=EDDA, today=TODAY)
        except Exception as exc:  # collected: an exception in a thread would not fail the test
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rows = _plan_rows(engine)
    # Exactly one row, whole: the plan and the step of one and the same save.
    assert len(rows) == 1
    (customer, plan, step, due, by) = rows[0]
    assert (customer, due, by) == (1, D(2026, 12, 1), "edda@example.com")
    assert plan.removeprefix("Plan ") == step.removeprefix("Step ") and plan in {f"Plan {i}" for i in range(writers)}
    with engine.connect() as conn:
        done = conn.execute(select(func.count()).select_from(m.AuditEvent)
                            .where(m.AuditEvent.action == "health.plan", m.AuditEvent.outcome == "done")).scalar_one()
    assert done == writers  # every save recorded
    engine.dispose()
