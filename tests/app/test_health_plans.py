"""The owner's plan under the Health page's at-risk list, on the demo company: a plan saved for the
first (largest) customer shows in the table's "Plan" and "Next step (due)" columns and in the
database; a half-filled form is refused with a message and writes nothing; a viewer reads plans
without a form; a member picks only among the customers they own."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, text

from ui.health_plans import WHO_WRITES

PAGE = "pages/health.py"


def _open_at_risk(at):
    at.session_state["health_tab"] = "At risk"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _stored_plans(url: str) -> list[tuple]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT c.name, p.plan, p.next_step, p.due_on, p.updated_by FROM account_plan p "
                                 "JOIN customer c ON c.id = p.customer_id ORDER BY p.id")).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def _save(at):
    next(b for b in at.button if b.label == "Save plan").click().run()
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture()
def at_risk(app_on_demo):
    return _open_at_risk(app_on_demo(PAGE))


def test_a_plan_saved_for_the_first_customer_shows_in_the_table(at_risk, demo_db_url):
    at = at_risk
    listed = at.dataframe[0].value
    first = listed["name"].iloc[0]
    # Before any save: the two plan columns are there and empty.
    assert (listed["account_plan"] == "").all() and (listed["next_step_due"] == "").all()
    # The select starts on the first customer of the list (the largest ARR at risk).
    pick = at.selectbox(key="health_plan_customer")
    assert pick.options[0] == first and pick.index == 0
    cid = pick.value
    due = dt.date.today() + dt.timedelta(days=30)  # the form refuses days before today
    at.text_area(key=f"health_plan_text_{cid}").input("Executive sponsor meeting to agree a rescue plan.")
    at.text_input(key=f"health_plan_step_{cid}").input("Call the CFO")
    at.date_input(key=f"health_plan_due_{cid}").set_value(due)
    at.text_input(key="health_plan_by").input("Ada")
    _save(at)
    assert [s.value for s in at.success] == [f"Plan of {first} saved."]
    row = at.dataframe[0].value.iloc[0]
    assert row["name"] == first
    assert row["account_plan"] == "Executive sponsor meeting to agree a rescue plan."
    assert row["next_step_due"] == f"Call the CFO (due {due:%Y-%m-%d})"
    # Only that customer has a plan; the rest of the list stays empty.
    assert (at.dataframe[0].value["account_plan"].iloc[1:] == "").all()
    assert _stored_plans(demo_db_url) == [(first, "Executive sponsor meeting to agree a rescue plan.", "Call the CFO",
                                          f"{due:%Y-%m-%d}", "Ada")]
    # The form shows the stored plan for the customer again.
    assert at.text_input(key=f"health_plan_step_{cid}").value == "Call the CFO"


def test_a_half_filled_form_gets_a_message_and_writes_nothing(at_risk, demo_db_url):
    at = at_risk
    cid = at.selectbox(key="health_plan_customer").value
    at.date_input(key=f"health_plan_due_{cid}").set_value(dt.date.today() + dt.timedelta(days=7))  # a date alone
    _save(at)
    assert [e.value for e in at.error] == ["Write the plan or its next step: both are empty."]
    assert not at.success
    assert _stored_plans(demo_db_url) == []
    assert (at.dataframe[0].value["account_plan"] == "").all()


def test_a_viewer_reads_the_plans_without_a_form(app_as):
    at = _open_at_risk(app_as("viewer", PAGE))
    assert "account_plan" in at.dataframe[0].value.columns
    assert any(c.value == WHO_WRITES for c in at.caption)
    assert not [b for b in at.button if b.label == "Save plan"]


def test_a_member_picks_only_among_the_customers_they_own(app_as):
    # A member who owns none of the customers listed gets no form, only why.
    at = _open_at_risk(app_as("member", PAGE, name="Nobody Owns This"))
    assert any(c.value.startswith("None of these customers is yours") for c in at.caption)
    assert not [b for b in at.button if b.label == "Save plan"]
    # The owner of the first customer listed, as a member, picks among their own customers only.
    listed = at.dataframe[0].value
    owner = listed["owner"].iloc[0]
    at = _open_at_risk(app_as("member", PAGE, email="owner@example.com", name=owner))
    assert at.selectbox(key="health_plan_customer").options == listed.loc[listed["owner"] == owner, "name"].tolist()
