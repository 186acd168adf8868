"""Mapping rules applied to files: one column for two fields, constants, value maps, calculations
(months before a date, a column times a factor), conditions, the row filter and rows left out
because a required value is blank; on CSV and XLSX bytes made by hand."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from sqlalchemy import select

from cs_metrics.storage import models as m
from tests.storage.ingest.conftest import commit_file, dry_file, table_counts

#: A subscription company's customer snapshot, shaped like a real export: camel-case id, tenure in
#: months, a contract type, a monthly charge and a Yes/No churn flag.
SNAPSHOT = (
    "customerID,gender,tenure,Contract,MonthlyCharges,Churn\n"
    "7590-VHVEG,Female,1,Month-to-month,29.85,No\n"
    "5575-GNVDE,Male,34,One year,56.95,No\n"
    "3668-QPYBK,Male,2,Month-to-month,53.85,Yes\n"
    "9237-HQITU,Female,0,Two year,70.70,Yes\n"
    "9305-CDSKC,Female,8,Month-to-month,99.65,No\n"
)
CONTRACT_TO_SEGMENT = {"Month-to-month": "SMB", "One year": "Mid-Market", "Two year": "Enterprise"}
SNAPSHOT_MAPPING = {
    "fields": {
        "customer_id": {"column": "customerID"},
        "name": {"column": "customerID"},
        "segment": {"column": "Contract", "values": CONTRACT_TO_SEGMENT},
        "status": {"column": "Churn", "values": {"Yes": "churned", "No": "active"}},
        "region": {"constant": "North America"},
        "signed_on": {"derive": "months_before", "column": "tenure", "date": "2026-10-31"},
        "arr": {"derive": "times", "column": "MonthlyCharges", "factor": 12},
        "churned_on": {"constant": "2026-10-31", "when": {"column": "Churn", "in": ["Yes"]}},
    },
}


def _customers(engine, like: str = "%") -> list[tuple]:
    c = m.Customer
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(c.external_id, c.name, c.segment, c.region, c.signed_on, c.arr, c.status, c.churned_on)
            .where(c.external_id.like(like)).order_by(c.external_id))]


def test_the_snapshot_imports_through_one_mapping(any_engine):
    report = commit_file(any_engine, "customers", SNAPSHOT, mapping=SNAPSHOT_MAPPING)
    assert report.committed, report.problems
    assert (report.rows, report.inserted, report.skipped) == (5, 5, 0)
    # signed_on = 2026-10-31 minus tenure months, on the same day (clipped to the month's end):
    #   1 -> 2026-09-30 (September has 30 days), 34 -> 2023-12-31, 2 -> 2026-08-31, 0 -> 2026-10-31,
    #   8 -> 2026-02-28 (February 2026 has 28 days).
    # arr = MonthlyCharges x 12: 29.85 -> 358.2, 56.95 -> 683.4, 53.85 -> 646.2, 70.70 -> 848.4, 99.65 -> 1195.8.
    assert _customers(any_engine, "%-%") == [
        ("3668-QPYBK", "3668-QPYBK", "SMB", "North America", dt.date(2026, 8, 31), 646.2, "churned", dt.date(2026, 10, 31)),
        ("5575-GNVDE", "5575-GNVDE", "Mid-Market", "North America", dt.date(2023, 12, 31), 683.4, "active", None),
        ("7590-VHVEG", "7590-VHVEG", "SMB", "North America", dt.date(2026, 9, 30), 358.2, "active", None),
        ("9237-HQITU", "9237-HQITU", "Enterprise", "North America", dt.date(2026, 10, 31), 848.4, "churned",
         dt.date(2026, 10, 31)),
        ("9305-CDSKC", "9305-CDSKC", "SMB", "North America", dt.date(2026, 2, 28), 1195.8, "active", None),
    ]
    again = commit_file(any_engine, "customers", SNAPSHOT, mapping=SNAPSHOT_MAPPING)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 5)


def test_value_maps_ignore_case_and_spaces_and_leave_other_values_as_they_are(engine):
    content = "id,name,segment,region,signed_on,status\nA1,A,smb,Italy,2025-01-01,YES\nA2,B,SMB,Italy,2025-01-01,active\n"
    mapping = {"customer_id": "id", "status": {"column": "status", "values": {"  yes ": "churned"}},
               "churned_on": {"constant": "2026-01-31", "when": {"column": "status", "in": ["Yes"]}}}
    assert commit_file(engine, "customers", content, mapping=mapping).committed
    assert [(r[0], r[6], r[7]) for r in _customers(engine, "A%")] == [
        ("A1", "churned", dt.date(2026, 1, 31)), ("A2", "active", None)]


def test_a_value_map_goes_before_the_field_reads_the_value(engine):
    # Without the map, "Yes" is no status; with it, it is one.
    content = "customer_id,name,segment,region,signed_on,status\nB1,B,SMB,Italy,2025-01-01,Yes\n"
    assert dry_file(engine, "customers", content).problem_counts == {"unknown value": 1}
    mapping = {"status": {"column": "status", "values": {"Yes": "onboarding"}}}
    assert commit_file(engine, "customers", content, mapping=mapping).committed
    assert _customers(engine, "B1")[0][6] == "onboarding"


def test_the_filter_keeps_rows_and_counts_the_others(engine):
    mapping = {**SNAPSHOT_MAPPING, "filter": [{"column": "Churn", "in": ["yes"]}]}
    report = commit_file(engine, "customers", SNAPSHOT, mapping=mapping)
    assert report.committed and (report.inserted, report.skipped) == (2, 3)
    assert report.notes == ["3 rows left out by the filter (Churn is 'yes')."]
    assert [r[0] for r in _customers(engine, "%-%")] == ["3668-QPYBK", "9237-HQITU"]
    mapping = {**SNAPSHOT_MAPPING, "filter": [{"column": "Contract", "not_in": ["Month-to-month"]},
                                              {"column": "gender", "in": ["Female"]}]}
    report = dry_file(engine, "customers", SNAPSHOT, mapping=mapping)
    # Only 9237-HQITU is neither month-to-month nor male; it is already stored (the commit above).
    assert (report.ok, report.unchanged, report.skipped) == (True, 1, 4)


def test_a_filter_that_leaves_no_row_is_a_problem(engine):
    report = dry_file(engine, "customers", SNAPSHOT, mapping={**SNAPSHOT_MAPPING,
                                                              "filter": [{"column": "Churn", "in": ["Maybe"]}]})
    assert report.problem_counts == {"no rows": 1} and "all 5 rows" in report.problems[0].reason


def test_blank_required_values_are_problems_or_rows_left_out(engine):
    content = "responded_on,score,comment\n2026-05-01,9,Great\n2026-05-02,,No score\n2026-05-03,,\n,7,No day\n"
    report = dry_file(engine, "nps_responses", content)
    assert {(p.row, p.column, p.kind) for p in report.problems} == {
        (3, "score", "missing required value"), (4, "score", "missing required value"),
        (5, "responded_on", "missing required value")}
    report = commit_file(engine, "nps_responses", content, mapping={"skip_blank_required": True})
    assert report.committed and (report.inserted, report.skipped) == (1, 3)
    assert report.notes == ["3 rows left out because a required value is blank (responded_on: 1, score: 2)."]


def test_a_calculation_reports_a_bad_source_value_once(engine):
    content = SNAPSHOT.replace("9305-CDSKC,Female,8,", "9305-CDSKC,Female,eight,").replace(
        "3668-QPYBK,Male,2,", "3668-QPYBK,Male,2.5,").replace(",56.95,", ",n/a,")
    report = dry_file(engine, "customers", content, mapping=SNAPSHOT_MAPPING)
    assert {(p.row, p.column, p.value, p.kind) for p in report.problems} == {
        (6, "tenure", "eight", "wrong type"), (4, "tenure", "2.5", "out of range"),
        (3, "MonthlyCharges", "n/a", "wrong type")}
    # With rows skipped for blank required values, a bad tenure is still a problem, not a blank.
    report = dry_file(engine, "customers", content, mapping={**SNAPSHOT_MAPPING, "skip_blank_required": True})
    assert report.skipped == 0 and report.problem_counts == {"wrong type": 2, "out of range": 1}


def test_columns_a_mapping_needs_must_be_in_the_file(engine):
    columns = [f"extra column {i}" for i in range(25)]
    content = ",".join(["customerID", *columns]) + "\n" + ",".join(["X1", *["v"] * 25]) + "\n"
    mapping = {"name": {"column": "Customer Name"}, "segment": {"constant": "SMB"},
               "region": {"constant": "Italy", "when": {"column": "Country", "in": ["IT"]}},
               "signed_on": {"constant": "2025-01-01"}, "owner": {"column": "CSM"},
               "filter": {"column": "Status", "in": ["live"]}}
    report = dry_file(engine, "customers", content, mapping={"fields": {k: v for k, v in mapping.items()
                                                                         if k != "filter"},
                                                             "filter": mapping["filter"]})
    assert [(p.column, p.value) for p in report.problems] == [("name", "Customer Name"), ("region", "Country"),
                                                                (None, "Status")]
    # Every one of the file's 26 columns is named, not only the first 20.
    assert all("'extra column 24'" in p.reason and "'customerID'" in p.reason for p in report.problems)
    # An optional field whose column is missing is left out, with a note.
    assert report.notes == ["The mapping's column 'CSM' for owner is not in this file; owner is left as it is."]
    assert table_counts(engine)["customer"] == 2


def test_a_mapping_written_wrongly_is_a_problem_not_an_exception(engine):
    report = dry_file(engine, "customers", SNAPSHOT, mapping={"fields": {"arr": {"derive": "divide", "column": "x"}}})
    assert report.problem_counts == {"mapping": 1} and "unknown calculation 'divide'" in report.problems[0].reason


def test_rules_apply_to_workbooks_too(engine):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Customer ID", "Tenure", "Monthly Charges", "Churn"])
    sheet.append(["W-1", 12, 20.5, "No"])
    sheet.append(["W-2", 3, 10, "Yes"])
    buffer = io.BytesIO()
    book.save(buffer)
    mapping = {"fields": {"name": {"column": "Customer ID"}, "segment": {"constant": "SMB"},
                          "region": {"constant": "Italy"},
                          "signed_on": {"derive": "months_before", "column": "Tenure", "date": "2026-06-15"},
                          "arr": {"derive": "times", "column": "Monthly Charges", "factor": 12}},
               "filter": [{"column": "Churn", "not_in": ["Yes"]}]}
    report = commit_file(engine, "customers", buffer.getvalue(), "snapshot.xlsx", mapping=mapping)
    assert report.committed and (report.inserted, report.skipped) == (1, 1)
    # "Customer ID" is customer_id whatever its spacing; 2026-06-15 minus 12 months; 20.5 x 12 = 246.
    assert _customers(engine, "W-%") == [("W-1", "W-1", "SMB", "Italy", dt.date(2025, 6, 15), 246.0, "active", None)]


@pytest.mark.parametrize("factor", [12, 0.5])
def test_times_reads_decimal_commas_of_semicolon_files(engine, factor):
    content = "customer_id;name;segment;region;signed_on;monthly\nD1;D;SMB;Italy;2025-01-01;1.234,5\n"
    mapping = {"arr": {"derive": "times", "column": "monthly", "factor": factor}}
    assert commit_file(engine, "customers", content, mapping=mapping).committed
    # 1.234,5 is 1234.5 (Italian thousands dot, decimal comma): x 12 = 14814, x 0.5 = 617.25.
    assert _customers(engine, "D1")[0][5] == {12: 14814.0, 0.5: 617.25}[factor]
