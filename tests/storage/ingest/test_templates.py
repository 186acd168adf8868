"""Templates: the workbook and the CSV of every entity import back without a mapping."""

from __future__ import annotations

import io

import openpyxl
import pytest

from cs_metrics.storage import ingest
from tests.storage.ingest.conftest import commit_file


def test_xlsx_template_has_the_columns_and_imports_back(engine):
    book = openpyxl.load_workbook(io.BytesIO(ingest.template_xlsx("revenue")))
    assert book.sheetnames == ["data", "columns"]
    assert [c.value for c in book["data"][1]] == ["customer_id", "month", "mrr"]
    guide = list(book["columns"].iter_rows(values_only=True))
    assert guide[0] == ("column", "required", "format", "description") and guide[1][1] == "yes"
    book["data"].append(["C1", "2026-04", 99.5])
    out = io.BytesIO()
    book.save(out)
    report = commit_file(engine, "revenue", out.getvalue(), "template.xlsx")
    assert report.committed and report.file_format["sheet"] == "data"


@pytest.mark.parametrize("entity", list(ingest.ENTITIES))
def test_csv_templates_are_recognised_without_mapping(entity):
    columns, report = ingest.preview(ingest.template_csv(entity), "t.csv", entity)
    assert report.mapping == {f.name: f.name for f in ingest.ENTITIES[entity].fields}
    assert report.problem_counts == {"no rows": 1}
