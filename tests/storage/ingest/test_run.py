"""Running imports: every entity imports, a second import changes nothing, commits are all or
nothing and report their progress."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from cs_metrics.storage import ingest
from cs_metrics.storage import models as m
from cs_metrics.storage.ingest import run
from tests.storage.ingest.conftest import ENTITY_FILES, commit_file, dry_file, mark_churned, table_counts

EXPECTED_INSERTS = {"customers": 2, "revenue": 3, "nps_responses": 2, "milestones": 2, "health_signals": 2,
                    "churn_events": 1, "teams": 1, "assessments": 8, "meetings": 2}


@pytest.mark.parametrize("entity", list(ingest.ENTITIES))
def test_each_entity_imports_and_a_second_import_changes_nothing(engine, entity):
    content = ENTITY_FILES[entity]
    if entity == "churn_events":
        mark_churned(engine, {"C1": "2026-10-01"})
    dry = dry_file(engine, entity, content)
    assert dry.ok, dry.problems
    assert (dry.inserted, dry.updated) == (EXPECTED_INSERTS[entity], 0) or entity == "customers"
    first = commit_file(engine, entity, content, who="tester")
    assert first.committed and first.inserted == dry.inserted
    after_first = table_counts(engine)
    second = commit_file(engine, entity, content)
    assert second.committed and (second.inserted, second.updated) == (0, 0)
    assert second.unchanged == first.inserted + first.updated + first.unchanged
    after_second = table_counts(engine)
    assert {k: v for k, v in after_second.items() if k != "import_log"} == {
        k: v for k, v in after_first.items() if k != "import_log"}
    with engine.connect() as conn:
        log = conn.execute(select(m.ImportLog).order_by(m.ImportLog.id.desc())).all()
    assert (log[1].entity, log[1].source_file, log[1].inserted, log[1].who) == (entity, "f.csv", first.inserted, "tester")


def test_formula_like_text_is_stored_as_text(engine):
    report = commit_file(engine, "nps_responses", "responded_on,score,comment\n2026-05-01,2,=cmd|' /C calc'!A0\n")
    assert report.committed
    with engine.connect() as conn:
        assert conn.execute(select(m.NpsResponse.comment)).scalar_one() == "=cmd|' /C calc'!A0"


def test_a_database_error_rolls_back_everything(engine, monkeypatch):
    before = table_counts(engine)
    original = run.upsert
    calls = []

    def failing(conn, table, rows, key, *args, **kwargs):
        original(conn, table, rows, key, *args, **kwargs)
        calls.append(table)
        raise SQLAlchemyError("disk full")

    monkeypatch.setattr(run, "upsert", failing)
    report = commit_file(engine, "revenue", ENTITY_FILES["revenue"])
    assert calls and not report.committed and report.problem_counts == {"database": 1}
    assert "Nothing was written" in report.problems[0].reason
    assert table_counts(engine) == before


def test_commit_reports_progress(engine):
    lines = "".join(f"C1,{2000 + i // 12}-{i % 12 + 1:02d},{i}\n" for i in range(12 * 25))
    seen = []
    report = commit_file(engine, "revenue", "customer_id,month,mrr\n" + lines, progress=lambda s, msg: seen.append(s))
    assert report.committed and report.inserted == 300
    assert seen[-1] == 1.0 and all(0 <= s <= 1 for s in seen)


def _analysed(engine) -> set[str]:
    with engine.connect() as conn:
        if not conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
            return set()
        return {r[0] for r in conn.exec_driver_sql("SELECT tbl FROM sqlite_stat1")}


def test_a_large_import_refreshes_the_planner_statistics_of_its_table(engine):
    # Below STATISTICS_AFTER_ROWS nothing is analysed; at 10,000 rows the revenue table is.
    assert commit_file(engine, "revenue", "customer_id,month,mrr\nC1,2026-01,100\n").committed
    assert "revenue_month" not in _analysed(engine)
    # 500 customers x 20 months (January 2024 to August 2025) = 10,000 rows
    ids = [f"K{k:03d}" for k in range(500)]
    people = "".join(f"{i},Customer {i},SMB,Italy,2023-01-01\n" for i in ids)
    assert commit_file(engine, "customers", "customer_id,name,segment,region,signed_on\n" + people).committed
    months = [f"{2024 + k // 12}-{k % 12 + 1:02d}" for k in range(20)]
    lines = "".join(f"{i},{mo},100\n" for i in ids for mo in months)
    report = commit_file(engine, "revenue", "customer_id,month,mrr\n" + lines)
    assert report.committed and report.inserted + report.updated == 10_000, report.problems[:3]
    assert "revenue_month" in _analysed(engine)
