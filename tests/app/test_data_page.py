"""Data page AppTest: row counts per entity, clearing the demo (only when confirmed), reloading it;
importing a file through mapping, dry run and commit; problem lists; saved mappings; reset and restore."""

from __future__ import annotations

from pathlib import Path

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
    # The Overview now says which file is missing (not that the filters match nobody) instead of failing.
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    assert any("no customers imported" in i.value and "Customers file" in i.value for i in at.info)


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
        "06/06/2025;dieci;;\n"                    # row 6: not a whole number
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
    assert "No customer has this id" in reasons[2] and "future" in reasons[3] and "not a whole number" in reasons[4]
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
    assert ingest.saved_mappings(engine, "customers")["Gestionale"]["fields"]["owner"] == {"column": "Gestore account"}
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


# --- the mapping screen -----------------------------------------------------------------------

#: A subscription company's customer snapshot: camel-case id, tenure in months, contract type,
#: monthly charge, Yes/No churn flag; no name, region or signing date.
SNAPSHOT = (
    "customerID,tenure,Contract,MonthlyCharges,Churn\r\n"
    "7590-VHVEG,1,Month-to-month,29.85,No\r\n"
    "5575-GNVDE,34,One year,56.95,No\r\n"
    "3668-QPYBK,2,Month-to-month,53.85,Yes\r\n"
    "9237-HQITU,8,Two year,70.70,Yes\r\n"
).encode("utf-8")


def _by_key(widgets, prefix: str, suffix: str):
    """The one widget whose key starts with ``prefix`` and ends with ``suffix``."""
    found = [w for w in widgets if w.key and w.key.startswith(prefix) and w.key.endswith(suffix)]
    assert len(found) == 1, [w.key for w in widgets]
    return found[0]


def _map(at, field: str, source: str):
    _by_key(at.selectbox, "map_customers_", f"_{field}").set_value(source).run()
    assert not at.exception
    return at


def test_mapping_screen_constant_value_map_and_calculations_go_through_dry_run_and_commit(app_on_demo, demo_db_url):
    from ui.data_mapping_rules import CONSTANT, MONTHS_BEFORE, TIMES

    at = _upload(app_on_demo("pages/data.py"), "customers", "snapshot.csv", SNAPSHOT)
    assert not at.exception
    # The file's columns with sample values; customerID is found without any help.
    profile = next(d.value for d in at.dataframe if "samples" in d.value.columns).set_index("column")
    assert profile.loc["Contract", "samples"] == "Month-to-month, One year, Two year"
    assert profile.loc["Contract", "distinct"] == 3
    assert _by_key(at.selectbox, "map_customers_", "_customer_id").value == "customerID"
    _map(at, "name", "customerID")  # one column feeds two fields
    _map(at, "region", CONSTANT)
    _by_key(at.text_input, "rule_customers_", "_region_constant").set_value("North America").run()
    _map(at, "segment", "Contract")
    for value, segment in [("Month-to-month", "SMB"), ("One year", "Mid-Market"), ("Two year", "Enterprise")]:
        box = next(s for s in at.selectbox if s.key and "_segment_value_Contract_" in s.key and
                   s.label.startswith(value))
        box.set_value(segment).run()
    _map(at, "status", "Churn")
    for value, status in [("No", "active"), ("Yes", "churned")]:
        next(s for s in at.selectbox if s.key and "_status_value_Churn_" in s.key and
             s.label.startswith(value)).set_value(status).run()
    _map(at, "signed_on", MONTHS_BEFORE)
    _by_key(at.selectbox, "rule_customers_", "_signed_on_column").set_value("tenure").run()
    _by_key(at.date_input, "rule_customers_", "_signed_on_date").set_value(dt.date(2026, 10, 31)).run()
    _map(at, "arr", TIMES)
    _by_key(at.selectbox, "rule_customers_", "_arr_column").set_value("MonthlyCharges").run()
    assert _by_key(at.number_input, "rule_customers_", "_arr_factor").value == 12
    _map(at, "churned_on", CONSTANT)
    _by_key(at.text_input, "rule_customers_", "_churned_on_constant").set_value("2026-10-31").run()
    _by_key(at.checkbox, "rule_customers_", "_churned_on_when_on").check().run()
    _by_key(at.selectbox, "rule_customers_", "_churned_on_when_column").set_value("Churn").run()
    _by_key(at.multiselect, "rule_customers_", "_churned_on_when_values_Churn").select("Yes").run()
    assert not at.exception
    before = _tables(demo_db_url)
    at.button(key="import_check").click().run()
    assert not at.exception
    assert "4 rows read, no problems: would insert 4" in at.info[-1].value
    assert _tables(demo_db_url) == before
    # The mapping is saved whole, as the command line reads it.
    at.text_input(key="mapping_save_name").set_value("Telco").run()
    at.button(key="mapping_save").click().run()
    engine = db.make_engine(demo_db_url)
    saved = ingest.saved_mappings(engine, "customers")["Telco"]["fields"]
    assert saved["region"] == {"constant": "North America"}
    assert saved["signed_on"] == {"column": "tenure", "derive": "months_before", "date": "2026-10-31"}
    assert saved["churned_on"] == {"constant": "2026-10-31", "when": {"column": "Churn", "in": ["Yes"]}}
    assert saved["segment"]["values"] == {"Month-to-month": "SMB", "One year": "Mid-Market", "Two year": "Enterprise"}
    at.selectbox(key="mapping_name_customers").set_value("Telco").run()
    at.button(key="import_check").click().run()
    at.button(key="import_commit").click().run()
    assert not at.exception
    assert any("4 added" in s.value for s in at.success)
    frame = pd.read_sql("SELECT external_id, name, segment, region, signed_on, arr, status, churned_on FROM customer "
                        "WHERE external_id LIKE '%-%' ORDER BY external_id", create_engine(demo_db_url))
    # signed_on = 2026-10-31 minus tenure months (34 -> 2023-12-31, 2 -> 2026-08-31, 1 -> 2026-09-30 as
    # September has 30 days, 8 -> 2026-02-28 as February 2026 has 28); arr = MonthlyCharges x 12.
    assert frame.fillna("").astype(str).values.tolist() == [
        ["3668-QPYBK", "3668-QPYBK", "SMB", "North America", "2026-08-31", "646.2", "churned", "2026-10-31"],
        ["5575-GNVDE", "5575-GNVDE", "Mid-Market", "North America", "2023-12-31", "683.4", "active", ""],
        ["7590-VHVEG", "7590-VHVEG", "SMB", "North America", "2026-09-30", "358.2", "active", ""],
        ["9237-HQITU", "9237-HQITU", "Enterprise", "North America", "2026-02-28", "848.4", "churned", "2026-10-31"],
    ]
    engine.dispose()


def test_new_values_can_be_added_to_the_vocabulary_from_the_dry_run(app_on_demo, demo_db_url):
    from cs_metrics.storage import vocabulary
    from ui.data_mapping_rules import CONSTANT

    at = _upload(app_on_demo("pages/data.py"), "customers", "snapshot.csv", SNAPSHOT)
    _map(at, "name", "customerID")
    _map(at, "segment", "Contract")
    _map(at, "region", CONSTANT)
    _by_key(at.text_input, "rule_customers_", "_region_constant").set_value("Italy").run()
    _map(at, "signed_on", CONSTANT)
    _by_key(at.text_input, "rule_customers_", "_signed_on_constant").set_value("2026-01-15").run()
    at.button(key="import_check").click().run()
    assert "3 problems (3 × unknown value)" in at.error[0].value
    groups = next(d.value for d in at.dataframe if "problems" in d.value.columns)
    assert groups.to_dict("records") == [{"kind": "unknown value", "problems": 3, "rows": "2, 3, 5",
                                          "example": groups["example"].iloc[0]}]
    assert "segment 'Month-to-month' is not in your segments (2 rows)" in groups["example"].iloc[0]
    add = at.button(key="import_add_segment")
    assert add.label == "Add these 3 values to Segments"
    add.click().run()
    assert not at.exception
    engine = db.make_engine(demo_db_url)
    assert vocabulary.keys(engine, "segment")[-3:] == ("Month-to-month", "One year", "Two year")
    engine.dispose()
    # The file is checked again at once: now it can be imported.
    assert "4 rows read, no problems: would insert 4" in at.info[-1].value
    assert at.button(key="import_commit").label == "Import 4 rows"


def test_uploads_are_capped_where_the_memory_target_holds(app_on_demo):
    # services.data.MAX_UPLOAD_BYTES is 32 MB (benchmarks/bench_upload_memory.py: about 25 MB of memory per
    # MB of a revenue file's dry run; 575 MB page peak + 32 x 25 MB stays under the 1.5 GB target). The
    # server-wide cap of .streamlit/config.toml and the Data page's uploader both say 32, and the page
    # says so to the person uploading.
    import tomllib

    from cs_metrics.services import data

    assert data.MAX_UPLOAD_BYTES == 32 * 2**20
    config = tomllib.loads((Path(APP).parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == 32
    at = app_on_demo("pages/data.py")
    assert at.file_uploader(key="import_file").proto.max_upload_size_mb == 32
    assert any("up to 32 MB" in c.value and "python -m cs_metrics.storage.ingest" in c.value for c in at.caption)
