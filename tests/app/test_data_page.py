"""Data page AppTest: row counts per entity, clearing the demo (only when confirmed), reloading it;
importing a file through mapping, dry run and commit; problem lists; saved mappings; reset and restore."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import create_engine
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP


@pytest.fixture()
def app_on_demo(demo_db_url, monkeypatch):
    """Like ``tests/app/conftest.app_on_demo``, but the first run already opens the page (the
    Data page does not need the Overview computed first, and that keeps these tests quick)."""
    monkeypatch.setenv("DATABASE_URL", demo_db_url)

    def make(page: str, timeout: float = 60) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=timeout)
        at.switch_page(page)
        at.run()
        return at

    return make


def _count(url: str, table: str) -> int:
    engine = create_engine(url)
    n = int(pd.read_sql(f"SELECT COUNT(*) AS n FROM {table}", engine)["n"].iloc[0])
    engine.dispose()
    return n


def test_data_page_shows_row_counts(app_on_demo, demo_db_url):
    at = app_on_demo("pages/data.py")
    table = at.dataframe[0].value.set_index("entity")["rows"]
    # Counts read directly from the tables.
    assert table["Customers"] == _count(demo_db_url, "customer")
    assert table["NPS responses"] == _count(demo_db_url, "nps_response")
    assert table["Health signals"] == _count(demo_db_url, "health_signal")
    assert any("demo company" in m.value for m in at.markdown)


def test_clear_needs_confirmation_then_empties_the_database(app_on_demo, demo_db_url):
    at = app_on_demo("pages/data.py")
    clear = next(b for b in at.button if b.label == "Clear data")
    assert clear.disabled  # nothing happens without ticking the confirmation
    at.checkbox(key="confirm_clear").check().run()
    next(b for b in at.button if b.label == "Clear data").click().run()
    assert not at.exception
    assert _count(demo_db_url, "customer") == 0 and _count(demo_db_url, "meeting") == 0
    assert _count(demo_db_url, "health_model") == 1  # configuration survives
    shown = at.dataframe[0].value.set_index("entity")["rows"]
    assert shown.drop(["Health model versions", "Imports"]).sum() == 0
    assert any("cleared" in s.value for s in at.success)
    # The Overview now explains that nothing matches instead of failing.
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    assert any("No customers match" in i.value for i in at.info)


def test_reload_demo_replaces_data(app_on_demo, demo_db_url):
    at = app_on_demo("pages/data.py")
    at.number_input(key="demo_size").set_value(100).run()
    at.checkbox(key="confirm_demo").check().run()
    next(b for b in at.button if b.label == "Load demo").click().run()
    assert not at.exception
    assert _count(demo_db_url, "customer") == 100
    assert any("100 customers" in s.value for s in at.success)


# --- import, export, reset --------------------------------------------------------------------

import datetime as dt  # noqa: E402

from cs_metrics.storage import db, ingest  # noqa: E402

#: A customers file as an Italian spreadsheet saves it: Windows-1252, semicolons, decimal commas,
#: dd/mm/yyyy dates, Italian headers; the CSM sits in a column no alias knows ("Gestore account").
ITALIAN_CUSTOMERS = (
    "Codice cliente;Ragione sociale;Segmento;Regione;Data firma;ARR;Gestore account;Data rinnovo\r\n"
    "IT-001;Caffè Rossi S.r.l.;PMI;Italia;15/01/2025;12.000,50;Giulia Conti;15/01/2027\r\n"
    "IT-002;Società Bianchi S.p.A.;Enterprise;Italia;01/02/2024;250.000;Marco Neri;01/02/2027\r\n"
    "IT-003;Verdi & Figli;Mid-Market;Italia;28/02/2026;48.500,00;Giulia Conti;\r\n"
).encode("cp1252")


def _tables(url: str) -> dict[str, int]:
    names = ["customer", "revenue_month", "nps_response", "milestone", "health_signal", "churn_event", "team",
             "assessment", "assessment_answer", "meeting", "agenda_item", "decision", "import_log"]
    return {n: _count(url, n) for n in names}


def _problems(at) -> pd.DataFrame:
    """The problem list the page shows (the table with a ``reason`` column)."""
    return next(d.value for d in at.dataframe if "reason" in d.value.columns)


def _upload(at, entity: str, name: str, content: bytes, mime: str = "text/csv"):
    at.selectbox(key="import_entity").set_value(entity).run()
    at.file_uploader(key="import_file").set_value((name, content, mime)).run()
    return at


def test_italian_csv_goes_through_mapping_dry_run_and_commit(app_on_demo, demo_db_url):
    at = _upload(app_on_demo("pages/data.py"), "customers", "clienti.csv", ITALIAN_CUSTOMERS)
    assert not at.exception
    # Automatic mapping from the Italian headers.
    mapping_boxes = {s.label: s for s in at.selectbox if s.key and s.key.startswith("map_")}
    assert mapping_boxes["customer_id *"].value == "Codice cliente"
    assert mapping_boxes["signed_on *"].value == "Data firma"
    assert mapping_boxes["owner"].value == "— not in the file —"  # "Gestore account" is no known alias
    assert any("';'" in c.value for c in at.caption)  # the caption says the separator was detected
    # The person maps the CSM column by hand.
    mapping_boxes["owner"].set_value("Gestore account").run()
    before = _tables(demo_db_url)
    at.button(key="import_check").click().run()
    assert not at.exception
    assert _tables(demo_db_url) == before  # the dry run wrote nothing
    summary = at.info[-1].value
    assert "3 rows read, no problems: would insert 3" in summary
    commit = at.button(key="import_commit")
    assert commit.label == "Import 3 rows"
    at.text_input(key="import_who").set_value("Giulia").run()
    at.button(key="import_check").click().run()
    at.button(key="import_commit").click().run()
    assert not at.exception
    assert any("3 added" in s.value for s in at.success)
    after = _tables(demo_db_url)
    assert after["customer"] == before["customer"] + 3
    assert after["import_log"] == before["import_log"] + 1
    frame = pd.read_sql("SELECT * FROM customer WHERE external_id LIKE 'IT-%' ORDER BY external_id",
                        create_engine(demo_db_url))
    assert frame["name"].tolist() == ["Caffè Rossi S.r.l.", "Società Bianchi S.p.A.", "Verdi & Figli"]
    assert frame["arr"].tolist() == [12000.5, 250000.0, 48500.0]  # 12.000,50 / 250.000 / 48.500,00
    assert frame["segment"].tolist() == ["SMB", "Enterprise", "Mid-Market"]  # "PMI" is the Italian SMB
    assert pd.to_datetime(frame["signed_on"]).dt.date.tolist() == [
        dt.date(2025, 1, 15), dt.date(2024, 2, 1), dt.date(2026, 2, 28)]
    assert frame["owner"].tolist() == ["Giulia Conti", "Marco Neri", "Giulia Conti"]
    log = pd.read_sql("SELECT * FROM import_log ORDER BY id DESC LIMIT 1", create_engine(demo_db_url)).iloc[0]
    assert (log["entity"], log["source_file"], log["inserted"], log["updated"], log["who"]) == (
        "customers", "clienti.csv", 3, 0, "Giulia")


def test_malformed_file_lists_every_problem_and_writes_nothing(app_on_demo, demo_db_url):
    bad = (
        "Data;Punteggio;Commento;Codice cliente\n"
        "03/06/2025;11;Ottimo;C000001\n"          # row 2: score out of range
        "31/02/2025;9;Bene;C000001\n"             # row 3: no 31 February
        "04/06/2025;7;=cmd|' /C calc'!A0;NOPE\n"  # row 4: unknown customer
        "05/06/2031;8;Futuro;\n"                  # row 5: in the future
        "06/06/2025;dieci;;\n"                    # row 6: not a number
    ).encode("utf-8")
    before = _tables(demo_db_url)
    at = _upload(app_on_demo("pages/data.py"), "nps_responses", "nps.csv", bad)
    at.button(key="import_check").click().run()
    assert not at.exception
    assert "5 problems" in at.error[0].value and "Nothing was written" in at.error[0].value
    problems = _problems(at)
    assert problems["row"].tolist() == [2, 3, 4, 5, 6]
    assert problems["column"].tolist() == ["Punteggio", "Data", "Codice cliente", "Data", "Punteggio"]
    assert problems["value"].tolist() == ["11", "31/02/2025", "NOPE", "05/06/2031", "dieci"]
    reasons = problems["reason"].tolist()
    assert "out of range" in reasons[0] and "not a real calendar date" in reasons[1]
    assert "No customer has this id" in reasons[2] and "future" in reasons[3] and "not a number" in reasons[4]
    groups = next(d.value for d in at.dataframe if "problems" in d.value.columns).set_index("kind")["problems"]
    assert groups.to_dict() == {"out of range": 1, "bad date": 1, "date in the future": 1, "wrong type": 1,
                                "unknown customer": 1}
    assert not [b for b in at.button if b.key == "import_commit"]  # no way to write a file with problems
    assert _tables(demo_db_url) == before


def test_unreadable_files_get_a_message_and_write_nothing(app_on_demo, demo_db_url):
    before = _tables(demo_db_url)
    at = app_on_demo("pages/data.py")
    for name, content, expected in [
        ("empty.csv", b"", "The file is empty"),
        ("garbage.csv", bytes(range(256)) * 8, "not a text (CSV) file"),
        ("report.pdf", b"%PDF-1.4 ...", "cannot be imported"),
        ("header.csv", b"customer_id,month,mrr\r\n", "header but no data rows"),
    ]:
        _upload(at, "revenue", name, content)
        at.button(key="import_check").click().run()
        assert not at.exception
        assert expected in " ".join(_problems(at)["reason"])
    assert _tables(demo_db_url) == before


def test_saved_mapping_is_offered_for_the_next_file(app_on_demo, demo_db_url):
    at = _upload(app_on_demo("pages/data.py"), "customers", "clienti.csv", ITALIAN_CUSTOMERS)
    owner = next(s for s in at.selectbox if s.label == "owner")
    owner.set_value("Gestore account").run()
    at.text_input(key="mapping_save_name").set_value("Gestionale").run()
    at.button(key="mapping_save").click().run()
    assert not at.exception
    engine = db.make_engine(demo_db_url)
    assert ingest.saved_mappings(engine, "customers")["Gestionale"]["owner"] == "Gestore account"
    at.selectbox(key="mapping_name_customers").set_value("Gestionale").run()
    assert next(s for s in at.selectbox if s.label == "owner").value == "Gestore account"


def test_reset_then_restore_an_export(app_on_demo, demo_db_url, tmp_path):
    from cs_metrics.storage import demo, export

    small = db.make_engine(f"sqlite:///{tmp_path / 'small.db'}")
    db.upgrade(small)
    demo.load_demo(small, customers=60, seed=7, as_of=dt.date(2026, 10, 31))
    archive = export.export_zip(small)
    at = app_on_demo("pages/data.py")
    assert at.get("download_button")  # templates, export, export before reset
    at.checkbox(key="confirm_reset").check().run()
    next(b for b in at.button if b.label == "Reset database").click().run()
    assert not at.exception
    assert _count(demo_db_url, "customer") == 0 and _count(demo_db_url, "import_log") == 0
    assert _count(demo_db_url, "health_model") == 1
    # Restore the export through the page: the database holds the demo company again.
    _upload(at, ingest.ARCHIVE, "export.zip", archive, "application/zip")
    at.button(key="import_check").click().run()
    assert not at.exception
    at.button(key="import_commit").click().run()
    assert not at.exception
    assert _count(demo_db_url, "customer") == 60
    assert any("60 added" in m.value or "Imported export.zip" in m.value for m in at.success)
