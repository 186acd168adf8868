"""Files that exporters write in odd but valid ways are read right, and columns that would be read
wrong (a repeated header, an unrecognised customer column, ids with invisible characters) are reported."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl

from cs_metrics.storage.ingest.readers import clean_id, read_table
from cs_metrics.storage.ingest.report import ImportReport
from cs_metrics.storage.ingest.rules import apply_mapping
from tests.storage.ingest.conftest import commit_file, dry_file


def _xlsx(rows: list[list], dimension: str | None = None) -> bytes:
    """A workbook of ``rows``; with ``dimension``, its sheet's ``<dimension ref>`` rewritten to it."""
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    if dimension is None:
        return buf.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), data)
                assert n == 1  # the rewrite really happened
            dst.writestr(item, data)
    return out.getvalue()


# 1. A wrong <dimension> -------------------------------------------------------------------------

def test_xlsx_with_a_wrong_dimension_is_read_whole():
    rows = [["customer_id", "name", "segment"], ["C1", "Rossi Logistica", "SMB"], ["C2", "Bianchi SpA", "Enterprise"]]
    report = ImportReport("customers", "c.xlsx")
    raw = read_table(_xlsx(rows, "A1"), "c.xlsx", report, entity="customers")
    assert report.ok, report.problems
    # All 3 columns and both data rows of ``rows`` (sheet rows 2 and 3), not only cell A1.
    assert list(raw.frame.columns) == ["customer_id", "name", "segment"]
    assert raw.frame.loc[3].tolist() == ["C2", "Bianchi SpA", "Enterprise"]


def test_xlsx_with_a_wrong_dimension_imports(engine):
    rows = [["customer_id", "name", "segment", "region", "signed_on", "arr"],
            ["C3", "Verdi Srl", "SMB", "Italy", "2025-03-01", 5000]]
    report = commit_file(engine, "customers", _xlsx(rows, "A1:A1"), name="c.xlsx")
    assert report.committed, report.problems
    assert report.inserted == 1  # C3 is new; C1 and C2 are the fixture's


# 2. A field over csv's default 131,072 characters -------------------------------------------------

def test_a_long_field_is_read_and_only_its_row_is_refused(engine):
    long = "x" * 200_000  # over csv's default field limit (131,072) and over MAX_TEXT_CHARS (20,000)
    text = f"response_id,responded_on,score,comment,customer_id\nR1,2025-06-03,9,{long},C1\nR2,2025-06-04,7,ok,C2\n"
    report = dry_file(engine, "nps_responses", text)
    assert report.rows == 2  # the file is read, not refused
    assert [(p.row, p.column) for p in report.problems] == [(2, "comment")]
    assert "200,000 characters" in report.problems[0].reason and "20,000" in report.problems[0].reason


def test_a_field_over_the_csv_default_limit_is_read_whole():
    report = ImportReport("teams", "t.csv")
    raw = read_table(("team,department\nA," + "d" * 140_000 + "\n").encode(), "t.csv", report)
    assert report.ok and len(raw.frame.loc[2, "department"]) == 140_000


# 3. NUL bytes -------------------------------------------------------------------------------------

def test_a_stray_nul_is_removed_and_its_line_reported():
    report = ImportReport("customers", "c.csv")
    raw = read_table(b"customer_id,name\nC1,Ro\x00ssi\nC2,Bianchi\n", "c.csv", report)
    assert report.ok, report.problems
    assert raw.frame.loc[2, "name"] == "Rossi"
    assert len(report.notes) == 1 and "line 2." in report.notes[0]  # only line 2 held the NUL


def test_utf16_without_bom_is_text_and_binary_is_still_refused():
    report = ImportReport("teams", "t.csv")
    raw = read_table("team;department\nVendite;Sales\n".encode("utf-16-le"), "t.csv", report)
    assert report.ok and raw.file_format["encoding"] == "UTF-16" and raw.frame.loc[2, "team"] == "Vendite"
    report = ImportReport("teams", "t.csv")
    assert read_table(bytes(range(256)) * 10, "t.csv", report) is None
    assert list(report.problem_counts) == ["not a table"]


# 4. An NPS customer column no alias knows --------------------------------------------------------

NPS_CUST = "response_id,responded_on,score,cust_id\nR1,2025-06-03,9,C1\nR2,2025-06-04,3,C2\n"


def test_an_unmapped_column_of_known_customer_ids_is_a_problem():
    report = ImportReport("nps_responses", "n.csv")
    raw = read_table(NPS_CUST.encode(), "n.csv", report)
    apply_mapping("nps_responses", raw, None, report, customer_ids=["C1", "C2"])
    assert list(report.problem_counts) == ["unmapped customer column"]
    assert "'cust_id'" in report.problems[0].reason and "2 of its 2" in report.problems[0].reason


def test_a_merged_header_over_customer_ids_is_a_problem():
    rows = [["response_id", "responded_on", "score", None], ["R1", "2025-06-03", 9, "C1"]]
    report = ImportReport("nps_responses", "n.xlsx")
    raw = read_table(_xlsx(rows), "n.xlsx", report, entity="nps_responses")
    apply_mapping("nps_responses", raw, None, report, customer_ids={"C1", "C2"})
    assert list(report.problem_counts) == ["unmapped customer column"]
    assert "'column 4'" in report.problems[0].reason  # the last header cell is empty (merged): the 4th column


def test_a_customer_named_column_left_unmapped_gives_a_note(engine):
    # Its values are no stored customer's ids (the fixture holds C1 and C2): a note, not a problem.
    report = dry_file(engine, "nps_responses", NPS_CUST.replace(",C1\n", ",X9\n").replace(",C2\n", ",X8\n"))
    assert any("'cust_id'" in n and "customer_id" in n for n in report.notes), report.notes


def test_customer_id_left_out_on_purpose_gives_no_problem():
    report = ImportReport("nps_responses", "n.csv")
    raw = read_table(NPS_CUST.encode(), "n.csv", report)
    apply_mapping("nps_responses", raw, {"customer_id": None}, report, customer_ids=["C1", "C2"])
    assert report.ok and not report.notes


# 5. A repeated header -----------------------------------------------------------------------------

def test_a_second_score_column_is_a_problem_naming_both(engine):
    for header, second in (("score,Score", "'Score'"), ("score,score", "'score (2)'")):
        text = f"response_id,responded_on,{header}\nR1,2025-06-03,9,3\n"
        report = dry_file(engine, "nps_responses", text)
        assert list(report.problem_counts) == ["duplicate column"], (header, report.problems)
        assert "'score'" in report.problems[0].reason and second in report.problems[0].reason


# 6. Invisible characters in ids -------------------------------------------------------------------

def test_ids_with_invisible_characters_are_the_same_customer(engine):
    assert clean_id("C\u200b1\u2060") == "C1" and clean_id("Cafe\u0301") == "Caf\u00e9"
    text = "customer_id,name,segment,region,signed_on,arr,renewal_date\n" \
           "\ufeffC\u200b1,Rossi Logistica,SMB,Italy,2025-01-15,12000,2027-01-15\n"
    report = dry_file(engine, "customers", text)
    assert report.ok, report.problems
    # Same values as the fixture's C1 (conftest.CUSTOMERS): unchanged, not a new customer.
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 1)


# Derived numbers: the column's own decimal mark, never a guess --------------------------------------

def test_a_derived_number_that_reads_both_ways_is_refused(engine):
    spec = {"fields": {"month": {"constant": "2026-10"},
                       "mrr": {"derive": "times", "column": "Monthly", "factor": 12}}}
    report = dry_file(engine, "revenue", "customer_id,Monthly\nC1,1.500\n", mapping=spec)
    # 1.500 is 1500 or 1.5; the file (comma separated) and the column show no decimal mark.
    assert list(report.problem_counts) == ["ambiguous number"], report.problems
    report = dry_file(engine, "revenue", "customer_id,Monthly\nC1,1.500\nC2,2.25\n", mapping=spec)
    # 2.25 shows "." as the decimal mark: 1.500 is 1.5, and 1.5 * 12 = 18.
    assert report.ok, report.problems
    assert report.inserted == 2


def test_ids_that_differ_only_by_case_are_problems(engine):
    report = dry_file(engine, "revenue", "customer_id,month,mrr\nC1,2026-01,10\nc1,2026-02,10\n")
    # Row 3 writes "c1", row 2 "C1": row 3 differs by case, and "c1" is no stored customer either.
    assert sorted((p.row, p.column, p.value, p.kind) for p in report.problems) == [
        (3, "customer_id", "c1", "id differs by case"), (3, "customer_id", "c1", "unknown customer")]
    report = ImportReport("customers", "c.csv")
    raw = read_table(b"customer_id,name,segment,region,signed_on\nc2,Bianchi SpA,SMB,Italy,2024-02-01\n", "c.csv",
                     report)
    apply_mapping("customers", raw, None, report, customer_ids=["C1", "C2"])
    assert [(p.row, p.value, p.kind) for p in report.problems] == [(2, "c2", "id differs by case")]
    assert "'C2'" in report.problems[0].reason and "stored customer" in report.problems[0].reason


def test_the_import_itself_checks_against_the_stored_customers(engine):
    # The `engine` fixture holds C1 and C2 (conftest). Through the whole import, not apply_mapping alone:
    # an NPS file with its customer column under an unknown name is refused, not stored as anonymous...
    report = dry_file(engine, "nps_responses", NPS_CUST)
    assert list(report.problem_counts) == ["unmapped customer column"] and not report.ok
    # ...and a customers file writing a stored id in another case is refused rather than stored apart.
    report = dry_file(engine, "customers", "customer_id,name,segment,region,signed_on\n"
                                           "c2,Bianchi SpA,SMB,Italy,2024-02-01\n")
    assert [(p.row, p.value, p.kind) for p in report.problems] == [(2, "c2", "id differs by case")]
