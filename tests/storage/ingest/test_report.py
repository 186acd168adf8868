"""Reports: the download of the rows that have problems."""

from __future__ import annotations

import io

import pandas as pd

from cs_metrics.storage import ingest
from tests.storage.ingest.conftest import dry_file


def test_problem_rows_download_holds_the_rows_and_their_reasons(engine):
    report = dry_file(engine, "revenue", "customer_id,month,mrr\nC1,2026-01,5\nC1,2026-02,=1+1\nC404,2026-03,7\n")
    frame = pd.read_csv(io.BytesIO(report.problem_rows_csv()), dtype=str, encoding="utf-8-sig")
    assert frame["row"].tolist() == ["3", "4"]
    assert frame["mrr"].tolist() == ["'=1+1", "7"]  # a formula-looking value is neutralised in the CSV
    assert "mrr" in frame["problems"].iloc[0] and "No customer" in frame["problems"].iloc[1]


def test_every_kind_of_problem_is_counted_and_listed_however_many_rows_another_kind_has(engine):
    # Rows 2-6001: 6,000 customers that do not exist; rows 6002-6004: mrr not a number; rows
    # 6005-6007: no month 13.
    lines = [f"X{i},2026-01,10" for i in range(6000)]
    lines += [f"C1,2026-0{m},ten" for m in (2, 3, 4)] + ["C2,2026-13,5", "C2,13/2026,5", "C2,2026-13-01,5"]
    report = dry_file(engine, "revenue", "customer_id,month,mrr\n" + "\n".join(lines) + "\n")
    groups = report.problem_groups().set_index("kind")
    assert groups["problems"].to_dict() == {"unknown customer": 6000, "wrong type": 3, "bad date": 3}
    assert groups.loc["unknown customer", "rows"] == "2, 3, 4, 5, 6"  # the first five rows of the kind
    assert groups.loc["wrong type", "rows"] == "6002, 6003, 6004"
    assert groups.loc["bad date", "rows"] == "6005, 6006, 6007"
    listed = report.problems_frame()["kind"].value_counts().to_dict()
    assert listed == {"unknown customer": ingest.MAX_PROBLEMS_PER_KIND, "wrong type": 3, "bad date": 3}
    examples = report.problem_examples()
    assert examples["row"].tolist() == [2, 3, 4, 5, 6, 6002, 6003, 6004, 6005, 6006, 6007]
    assert "6,006 problems (6,000 × unknown customer, 3 × bad date, 3 × wrong type)" in report.summary()


def test_a_missing_column_message_lists_all_the_files_columns(engine):
    columns = [f"col{i:02d}" for i in range(30)]
    report = dry_file(engine, "revenue", ",".join(columns) + "\n" + ",".join("x" * 30) + "\n")
    assert report.problem_counts == {"missing column": 3}
    assert all(", ".join(repr(c) for c in columns) in p.reason for p in report.problems)
