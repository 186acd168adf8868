"""Reports: the download of the rows that have problems."""

from __future__ import annotations

import io

import pandas as pd

from tests.storage.ingest.conftest import dry_file


def test_problem_rows_download_holds_the_rows_and_their_reasons(engine):
    report = dry_file(engine, "revenue", "customer_id,month,mrr\nC1,2026-01,5\nC1,2026-02,=1+1\nC404,2026-03,7\n")
    frame = pd.read_csv(io.BytesIO(report.problem_rows_csv()), dtype=str, encoding="utf-8-sig")
    assert frame["row"].tolist() == ["3", "4"]
    assert frame["mrr"].tolist() == ["'=1+1", "7"]  # a formula-looking value is neutralised in the CSV
    assert "mrr" in frame["problems"].iloc[0] and "No customer" in frame["problems"].iloc[1]
