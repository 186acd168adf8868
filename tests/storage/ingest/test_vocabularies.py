"""The company's vocabularies during imports: values checked against the terms stored in the
database (keys, labels, known spellings), new values reported once each with their rows and
added on request, churn reasons' category and controllability taken from their terms."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cs_metrics.storage import ingest, vocabulary
from cs_metrics.storage import models as m
from tests.storage.ingest.conftest import commit_file, dry_file, mark_churned, table_counts

HEADER = "customer_id,name,segment,region,signed_on\n"


def _stored(engine, *columns) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(*columns).order_by(columns[0]))]


def test_keys_labels_and_known_spellings_are_accepted(engine):
    content = HEADER + "V1,A,mid market,Italia,2025-01-01\nV2,B,ENTERPRISE,north america,2025-01-01\n"
    assert commit_file(engine, "customers", content).committed
    # "mid market" and "Italia" are known spellings of the default terms Mid-Market and Italy.
    assert _stored(engine, m.Customer.external_id, m.Customer.segment, m.Customer.region)[2:] == [
        ("V1", "Mid-Market", "Italy"), ("V2", "Enterprise", "North America")]
    mark_churned(engine, {"C1": "2026-09-01"})
    churn = "customer_id,churned_on,primary_reason,contributing_reasons\nC1,2026-09-01,Moved to a competitor,price; Budget cut\n"
    assert commit_file(engine, "churn_events", churn).committed
    # The label "Moved to a competitor" is the term competitor; "Budget cut" the label of budget_cut.
    assert _stored(engine, m.ChurnEvent.primary_reason, m.ChurnEvent.contributing_reasons) == [
        ("competitor", "price;budget_cut")]


def test_new_values_are_reported_once_each_with_their_rows(engine):
    content = HEADER + "".join(f"N{i},N,{seg},Italy,2025-01-01\n" for i, seg in enumerate(
        ["Month-to-month", "month-to-month", "One year", "Month-to-month", "SMB"]))
    report = dry_file(engine, "customers", content)
    # Rows 2, 3 and 5 hold Month-to-month (in two spellings: one value), row 4 One year.
    assert [(p.row, p.column, p.value, p.reason.split(". ")[0]) for p in report.problems] == [
        (2, "segment", "Month-to-month", "segment 'Month-to-month' is not in your segments (3 rows)"),
        (4, "segment", "One year", "segment 'One year' is not in your segments (1 row)")]
    assert report.new_values == {"segment": {"Month-to-month": 3, "One year": 1}}
    assert "SMB, Mid-Market, Enterprise" in report.problems[0].reason
    ingest.add_new_values(engine, "segment", list(report.new_values["segment"]))
    assert vocabulary.keys(engine, "segment") == ("SMB", "Mid-Market", "Enterprise", "Month-to-month", "One year")
    report = commit_file(engine, "customers", content)
    assert report.committed and report.new_values == {}
    segments = dict(_stored(engine, m.Customer.external_id, m.Customer.segment))
    assert [segments[f"N{i}"] for i in range(5)] == ["Month-to-month", "Month-to-month", "One year",
                                                     "Month-to-month", "SMB"]


def test_add_new_values_adds_them_with_the_import_in_one_transaction(any_engine):
    content = HEADER + "W1,W,Month-to-month,United States,2025-01-01\n"
    dry = dry_file(any_engine, "customers", content, add_new_values=True)
    assert dry.ok and dry.new_values == {"segment": {"Month-to-month": 1}, "region": {"United States": 1}}
    assert "Month-to-month" not in vocabulary.keys(any_engine, "segment")  # a dry run writes nothing
    # A file that also has a problem writes nothing, not even its new values.
    bad = commit_file(any_engine, "customers", content + "W2,W,Month-to-month,Italy,someday\n", add_new_values=True)
    assert not bad.committed and "Month-to-month" not in vocabulary.keys(any_engine, "segment")
    done = commit_file(any_engine, "customers", content, add_new_values=True)
    assert done.committed and done.notes == [
        "1 new value for your segments, added with the import: 'Month-to-month'.",
        "1 new value for your regions, added with the import: 'United States'."]
    assert vocabulary.keys(any_engine, "segment")[-1] == "Month-to-month"
    assert vocabulary.keys(any_engine, "region")[-1] == "United States"


def test_the_vocabularies_are_the_companys_not_fixed_lists(engine):
    vocabulary.add_terms(engine, "touchpoint", [{"key": "Order", "label": "After an order"}])
    vocabulary.remove_term(engine, "segment", "SMB")
    nps = "responded_on,score,touchpoint\n2026-05-01,9,order\n2026-05-02,7,After an order\n"
    assert commit_file(engine, "nps_responses", nps).committed
    assert {t for (t,) in _stored(engine, m.NpsResponse.touchpoint)} == {"Order"}
    report = dry_file(engine, "customers", HEADER + "S1,S,SMB,Italy,2025-01-01\n")
    assert report.new_values == {"segment": {"SMB": 1}}  # removed from the company's segments


def test_departments_and_meeting_types_come_from_the_vocabularies(engine):
    teams = "team,department\nFinance team,Finance\n"
    assert dry_file(engine, "teams", teams).new_values == {"department": {"Finance": 1}}
    meetings = ("meeting_id,held_on,department,meeting_type,duration_minutes\n"
                "M9,2026-02-03,Finance,Town hall,60\nM10,2026-02-04,IT,cda,30\n")
    report = dry_file(engine, "meetings", meetings)
    assert report.new_values == {"department": {"Finance": 1}, "meeting_type": {"Town hall": 1}}
    assert commit_file(engine, "meetings", meetings, add_new_values=True).committed
    assert _stored(engine, m.Meeting.external_id, m.Meeting.department, m.Meeting.meeting_type) == [
        ("M10", "IT", "board"), ("M9", "Finance", "Town hall")]  # "cda" is a known spelling of board


def test_a_free_text_churn_reason_becomes_a_key_and_terms_give_category_and_controllability(any_engine):
    vocabulary.add_terms(any_engine, "churn_reason", [{"key": "Price too high", "category": "commercial",
                                                   "controllable": True}])
    mark_churned(any_engine, {"C1": "2026-09-01", "C2": "2026-09-02"})
    churn = ("Customer ID,Churn Date,Churn Category,Churn Reason\n"
             "C1,2026-09-01,,price TOO high\n"                                  # a term: its category
             "C2,2026-09-02,Competitor,  Competitor made better offer  \n")     # new: the file's category
    report = dry_file(any_engine, "churn_events", churn)
    assert report.new_values == {"churn_reason": {"Competitor made better offer": 1}}
    assert commit_file(any_engine, "churn_events", churn, add_new_values=True).committed
    c = m.ChurnEvent
    assert _stored(any_engine, c.primary_reason, c.category, c.controllable) == [
        ("Competitor made better offer", "Competitor", None), ("Price too high", "commercial", True)]
    vocabulary.update_term(any_engine, "churn_reason", "Competitor made better offer", category="competition",
                           controllable=True)
    again = commit_file(any_engine, "churn_events", churn.replace(",Competitor,", ",,"))
    # Without a category in the file, the term's category and controllability are taken.
    assert again.committed and (again.updated, again.unchanged) == (1, 1)
    assert _stored(any_engine, c.primary_reason, c.category, c.controllable)[0] == (
        "Competitor made better offer", "competition", True)


def test_a_new_value_too_long_for_its_column_is_a_problem_not_a_new_value(engine):
    # customer.segment holds at most 40 characters.
    before = table_counts(engine)
    content = HEADER + f"L1,L,{'x' * 41},Italy,2025-01-01\n"
    report = dry_file(engine, "customers", content, add_new_values=True)
    assert report.problem_counts == {"too long": 1} and report.new_values == {}
    assert not commit_file(engine, "customers", content, add_new_values=True).committed
    assert table_counts(engine) == before


@pytest.mark.parametrize(("entity", "field", "expected"), [
    ("customers", "segment", ("SMB", "Mid-Market", "Enterprise")),
    ("customers", "status", ("onboarding", "active", "churned")),
    ("churn_events", "controllable", ("yes", "no")),
    ("customers", "owner", ()),
])
def test_field_values_lists_what_a_field_accepts(engine, entity, field, expected):
    assert ingest.field_values(engine, entity, field) == expected
