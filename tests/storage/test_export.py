"""Whole-database export: a ZIP of documented CSVs that restores to the identical database (row by
row, ids included) on SQLite and PostgreSQL; formula-like text neutralised in the CSVs only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
import zipfile

import pytest
from sqlalchemy import func, select, update

from cs_metrics import vocab
from cs_metrics.access import LOCAL
from cs_metrics.period import Period
from cs_metrics.services import boardpack
from cs_metrics.storage import db, demo, export, ingest
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import access as qa

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


#: A saved pack's HTML file of 150,000 random bytes: base64 writes it as 4 * 150,000 / 3 = 200,000
#: characters in one cell, above the 131,072 characters Python's csv module reads by default.
PACK_HTML = random.Random(7).randbytes(150_000)


@pytest.fixture()
def with_pack_and_people(filled):
    """``filled`` plus a saved board pack (large binary cells), a person with a team and the audit
    rows the pack's saving wrote."""
    pack = boardpack.build_pack(filled, period=Period(dt.date(2025, 11, 1), dt.date(2026, 10, 31)),
                                as_of=dt.date(2026, 10, 31), sections=("nps",), figures=False,
                                generated_at=dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC))
    pack_id = boardpack.save(filled, pack, {"html": PACK_HTML, "pdf": b"%PDF-1.7 \x00\xff", "pptx": b"PK\x03\x04"},
                             actor=LOCAL)
    with filled.begin() as conn:
        qa.save_person(conn, email="ann@example.com", name="Ann Rossi", role="editor",
                       teams=frozenset({"Extra team"}), now=dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC), by="tester")
    return filled, pack_id


def _files(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_a_saved_board_pack_restores(with_pack_and_people):
    engine, pack_id = with_pack_and_people
    archive = export.export_zip(engine)
    # One cell longer than the csv module's default limit: the HTML file, 4 * 150,000 / 3 characters.
    long_cells = re.findall(rb"[A-Za-z0-9+/=]{131073,}", _files(archive)["board_pack.csv"])
    assert [len(c) for c in long_cells] == [200_000]
    db.clear_data(engine)
    report = ingest.import_archive(engine, archive, filename="export.zip", replace=True)
    assert report.committed, report.problems
    assert boardpack.pack_file(engine, pack_id, "html") == PACK_HTML
    assert boardpack.pack_file(engine, pack_id, "pdf") == b"%PDF-1.7 \x00\xff"


def test_export_restore_export_differs_only_in_the_restores_log_line(with_pack_and_people):
    # What export.py documents: every file equal byte for byte, but import_log.csv (one more line,
    # the restore's own) and README.txt (its time of writing and the import_log.csv row count).
    engine, _ = with_pack_and_people
    archive = export.export_zip(engine)
    first = _files(archive)
    db.clear_data(engine)
    report = ingest.import_archive(engine, archive, filename="export.zip", who="tester")
    assert report.committed, report.problems
    second = _files(export.export_zip(engine))
    assert second.keys() == first.keys()
    for name in sorted(first.keys() - {"import_log.csv", "README.txt"}):
        assert second[name] == first[name], name
    # import_log.csv: the first file, then exactly one line for the restore.
    old_log, new_log = first["import_log.csv"], second["import_log.csv"]
    assert new_log.startswith(old_log)
    logged = list(csv.reader(io.StringIO(old_log.decode("utf-8-sig"))))
    extra = new_log[len(old_log):].decode("utf-8")
    assert extra.endswith("\r\n") and extra.count("\r\n") == 1
    row = next(csv.reader(io.StringIO(extra)))
    # The restore's line takes the next id (largest logged id + 1) and logs every row it wrote.
    assert row[0] == str(int(logged[-1][0]) + 1)
    assert row[2:] == ["archive", "export.zip", str(report.rows), "0", "tester"]
    # README.txt: only the time of writing and the import_log.csv row count differ.
    old_lines = first["README.txt"].decode("utf-8").splitlines()
    new_lines = second["README.txt"].decode("utf-8").splitlines()
    assert len(new_lines) == len(old_lines)
    changed = [(a, b) for a, b in zip(old_lines, new_lines) if a != b]
    assert all(a.startswith("Written ") and b.startswith("Written ") or a.startswith("  import_log.csv: ")
               for a, b in changed)
    count = f"  import_log.csv: {len(logged) - 1:,} rows"  # the header row is not a row
    assert count in old_lines
    assert f"  import_log.csv: {len(logged):,} rows" == new_lines[old_lines.index(count)]
