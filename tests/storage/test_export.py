"""Whole-database export: a ZIP of documented CSVs that restores to the identical database (row by
row, ids included) on SQLite and PostgreSQL; formula-like text neutralised in the CSVs only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from sqlalchemy import func, select, update

from cs_metrics import vocab
from cs_metrics.storage import db, demo, export, ingest
from cs_metrics.storage import models as m

TRICKY = ["=cmd|' /C calc'!A0", "+39 02 1234", "-minus", "@SUM(A1)", "'quoted", "''twice", "\ttab", "it's",
          "Caffè «Perù» — 東京", "line\nbreak, comma; semicolon \"quote\""]


def _snapshot(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
                for t in export.export_tables()}


@pytest.fixture()
def filled(any_db_url):
    engine = db.make_engine(any_db_url)
    db.upgrade(engine)
    demo.load_demo(engine, customers=80, seed=5, as_of=dt.date(2026, 10, 31))
    with engine.begin() as conn:
        ids = conn.execute(select(m.NpsResponse.id).order_by(m.NpsResponse.id).limit(len(TRICKY))).scalars().all()
        for i, value in zip(ids, TRICKY):
            conn.execute(update(m.NpsResponse).where(m.NpsResponse.id == i).values(comment=value))
    ingest.save_mapping(engine, "customers", "CRM", {"customer_id": "Account ID"}, who="tester")
    assert ingest.commit(engine, "teams", b"team,department\nExtra team,IT\n", filename="t.csv").committed
    yield engine
    engine.dispose()


def test_export_clear_import_round_trip_is_identical(filled):
    before = _snapshot(filled)
    archive = export.export_zip(filled)
    db.clear_data(filled)
    assert db.is_empty(filled)
    report = ingest.import_archive(filled, archive, filename="export.zip", who="tester")
    assert report.committed, report.problems
    after = _snapshot(filled)
    for table, rows in before.items():
        if table == "import_log":
            # The restore itself is logged: the exported lines, then one line for the restore.
            assert after[table][:-1] == rows
            assert after[table][-1][2:6] == ("archive", "export.zip", report.rows, 0)
        else:
            assert after[table] == rows, table
    # New rows get fresh ids after a restore (PostgreSQL sequences were moved past the restored ids).
    assert ingest.commit(filled, "teams", b"team,department\nAfter restore,IT\n", filename="t.csv").committed


def test_export_into_a_brand_new_database(filled, tmp_path):
    archive = export.export_zip(filled)
    fresh = db.make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    db.upgrade(fresh)  # a new database already holds the default health model; the archive replaces it
    assert ingest.import_archive(fresh, archive, filename="e.zip").committed
    assert {k: v for k, v in _snapshot(fresh).items() if k != "import_log"} == {
        k: v for k, v in _snapshot(filled).items() if k != "import_log"}
    fresh.dispose()


def test_csv_files_neutralise_formulas_and_are_documented(filled):
    archive = zipfile.ZipFile(io.BytesIO(export.export_zip(filled)))
    names = set(archive.namelist())
    assert {f"{t.name}.csv" for t in export.export_tables()} | {"README.txt", "columns.csv"} == names
    rows = list(csv.DictReader(io.StringIO(archive.read("nps_response.csv").decode("utf-8-sig"))))
    comments = [r["comment"] for r in rows[: len(TRICKY)]]
    assert comments[:7] == ["'=cmd|' /C calc'!A0", "'+39 02 1234", "'-minus", "'@SUM(A1)", "''quoted", "'''twice",
                            "'\ttab"]
    assert comments[7:] == TRICKY[7:]
    guide = list(csv.DictReader(io.StringIO(archive.read("columns.csv").decode("utf-8-sig"))))
    described = {(g["table"], g["column"]): g for g in guide}
    assert len(described) == sum(len(t.columns) for t in export.export_tables())
    assert described[("customer", "signed_on")]["description"] == "Day the contract was signed."
    assert described[("revenue_month", "customer_id")]["description"].startswith("Refers to customer.id")
    assert described[("customer", "signed_on")]["type"] == "date (YYYY-MM-DD)"
    assert described[("import_log", "who")]["description"] == "Who imported it."
    assert all(g["description"] and g["type"] for g in guide)


def test_reset_database_empties_everything_but_the_default_model(filled):
    export.reset_database(filled)
    counts = {t: len(rows) for t, rows in _snapshot(filled).items()}
    # Kept again after the reset: the default health model, the default vocabularies (one row per
    # term of vocab.default_terms) and three app_meta keys: dataset = cleared, the default currency,
    # and the mark that the vocabularies were stored.
    default_terms = sum(len(terms) for terms in vocab.default_terms().values())
    assert counts.pop("health_model") == 1 and counts.pop("app_meta") == 3
    assert counts.pop("vocabulary_term") == default_terms
    assert set(counts.values()) == {0}
    assert db.dataset_meta(filled) == {"dataset": "cleared"}
    with filled.connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.ImportMapping)).scalar_one() == 0
