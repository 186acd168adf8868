"""Reading files: encodings, separators, quotes, unreadable files and XLSX workbooks."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from sqlalchemy import select

from cs_metrics.storage import ingest
from cs_metrics.storage import models as m
from tests.storage.ingest.conftest import commit_file, table_counts


@pytest.mark.parametrize(("encoding", "bom", "label"), [
    ("utf-8", b"", "UTF-8"),
    ("utf-8", b"\xef\xbb\xbf", "UTF-8 with BOM"),
    ("cp1252", b"", "Windows-1252"),
    ("utf-16", b"", "UTF-16"),
])
@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_encodings_and_separators(engine, encoding, bom, label, sep):
    content = sep.join(["customer_id", "name", "segment", "region", "signed_on"]) + "\r\n" + sep.join(
        ["C9", "Società Caffè Perù", "SMB", "Italy", "2025-05-02"]) + "\r\n"
    report = commit_file(engine, "customers", bom + content.encode(encoding))
    assert report.committed, report.problems
    assert report.file_format["encoding"] == label
    assert report.file_format.get("separator") == sep
    with engine.connect() as conn:
        assert conn.execute(select(m.Customer.name).where(m.Customer.external_id == "C9")).scalar_one() == (
            "Società Caffè Perù")


def test_latin1_bytes_outside_cp1252_are_read():
    report = ingest.ImportReport("teams", "t.csv")
    raw = ingest.read_table("team,department\nA\x81,B\n".encode("latin-1"), "t.csv", report)
    assert raw.file_format["encoding"] == "Latin-1" and raw.frame.loc[2, "team"] == "A\x81"


def test_quoted_values_may_hold_separators_and_newlines(engine):
    content = 'team;department\n"Vendite; Nord";"Sales\nNord"\n'
    # The department is new to the company's departments: it is added with the import.
    assert commit_file(engine, "teams", content, add_new_values=True).committed
    with engine.connect() as conn:
        assert conn.execute(select(m.Team.department).where(m.Team.name == "Vendite; Nord")).scalar_one() == "Sales\nNord"


@pytest.mark.parametrize(("content", "name", "kind", "says"), [
    (b"", "a.csv", "empty file", "The file is empty"),
    (b"\r\n\r\n", "a.csv", "empty file", "The file is empty"),
    (b"customer_id,month,mrr\r\n", "a.csv", "no rows", "header but no data rows"),
    (bytes(range(256)) * 20, "a.csv", "not a table", "binary data"),
    (b"customer_id,month,mrr\nC1,2026-01,5\n", "a.pdf", "wrong file type", "Files ending in .pdf"),
    (b"customer_id,month,mrr\nC1,2026-01,5\n", "a.xlsx", "wrong file type", "is not an Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "a.xls", "wrong file type", "old Excel"),
    (b"PK\x03\x04garbage", "a.xlsx", "not a table", "cannot be opened"),
    (b"a,b,c\n1,2,3\n", "a.csv", "missing column", "No column holds the required field 'customer_id'"),
    (b"customer_id,month,mrr\nC1,2026-01,5,7\n", "a.csv", "wrong number of values", "must be in double quotes"),
    ("customer_id,month,mrr\nCaffè,2026-01,5\n".encode() + "Perché,2026-01,5\n".encode("cp1252"), "a.csv",
     "mixed encoding", "different text encoding"),
])
def test_bad_files_get_a_specific_message_and_write_nothing(engine, content, name, kind, says):
    before = table_counts(engine)
    report = commit_file(engine, "revenue", content, name)
    assert not report.committed and report.problem_counts[kind] >= 1
    assert any(says in p.reason for p in report.problems), [p.reason for p in report.problems]
    assert table_counts(engine) == before


def test_size_limit_has_a_clear_message(engine):
    report = commit_file(engine, "revenue", b"customer_id,month,mrr\n" + b"C1,2026-01,5\n" * 100, max_bytes=1000)
    assert not report.committed
    assert "larger than the limit" in report.problems[0].reason and "Split it" in report.problems[0].reason


def _xlsx(rows: list[list], formula_cell: str | None = None, text_cells: dict[str, str] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if formula_cell:
        sheet[formula_cell] = "=B2*2"
    for ref, value in (text_cells or {}).items():
        sheet[ref].value = value
        sheet[ref].data_type = "s"  # text that merely starts with "=", not a formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_with_dates_numbers_and_formula_like_text(engine):
    data = _xlsx([["Data", "Punteggio", "Commento"], [dt.datetime(2026, 5, 1), 9, "x"], [dt.date(2026, 5, 2), 7.0, "y"]],
                 text_cells={"C3": "=cmd|' /C calc'!A0"})
    report = commit_file(engine, "nps_responses", data, "risposte.xlsx")
    assert report.committed, report.problems
    assert report.file_format["type"] == "XLSX"
    with engine.connect() as conn:
        rows = conn.execute(select(m.NpsResponse.responded_on, m.NpsResponse.score, m.NpsResponse.comment)
                            .order_by(m.NpsResponse.responded_on)).all()
    assert rows == [(dt.date(2026, 5, 1), 9, "x"), (dt.date(2026, 5, 2), 7, "=cmd|' /C calc'!A0")]


def test_xlsx_formulas_are_refused_with_their_cell(engine):
    before = table_counts(engine)
    data = _xlsx([["Data", "Punteggio"], ["2026-05-01", 4], ["2026-05-02", 5]], formula_cell="B3")
    report = commit_file(engine, "nps_responses", data, "risposte.xlsx")
    assert not report.committed
    formula = next(p for p in report.problems if p.kind == "formula")
    assert (formula.row, formula.column, formula.value) == (3, "Punteggio", "=B2*2")
    assert table_counts(engine) == before
