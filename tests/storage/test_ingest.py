"""Imports: reading real-world files, mapping, checks, all-or-nothing commits, idempotency, the CLI,
and property tests that throw thousands of malformed files at every entity."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from cs_metrics.storage import db, ingest
from cs_metrics.storage import models as m
from cs_metrics.storage.export import export_tables
from tests.conftest import ROOT

TODAY = dt.date(2026, 10, 31)

# Both profiles are derandomized: a run explores the same files every time, so a result repeats.
# CI uses "thorough" (2,000 malformed files per entity); "default" keeps local runs quick.
settings.register_profile("default", max_examples=40, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("thorough", max_examples=2000, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
PROFILE = os.environ.get("OUTSIDE_IN_HYPOTHESIS", "default")


def _engine(url: str = "sqlite://"):
    engine = db.make_engine(url)
    db.upgrade(engine)
    return engine


def _counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in export_tables()}


def _commit(engine, entity: str, content: str | bytes, name: str = "f.csv", **kw) -> ingest.ImportReport:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return ingest.commit(engine, entity, data, filename=name, today=TODAY, **kw)


def _dry(engine, entity: str, content: str | bytes, name: str = "f.csv", **kw) -> ingest.ImportReport:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return ingest.dry_run(engine, entity, data, filename=name, today=TODAY, **kw)


CUSTOMERS = (
    "customer_id,name,segment,region,signed_on,arr,renewal_date\n"
    "C1,Rossi Logistica,SMB,Italy,2025-01-15,12000,2027-01-15\n"
    "C2,Bianchi SpA,Enterprise,Italy,2024-02-01,250000,2027-02-01\n"
)


@pytest.fixture()
def engine():
    engine = _engine()
    assert _commit(engine, "customers", CUSTOMERS).committed
    assert _commit(engine, "teams", "team,department\nCS Italia,Customer Success\nIT Ops,IT\n").committed
    yield engine
    engine.dispose()


# --- values -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text_", "decimal", "expected"), [
    ("1.234,50", ",", 1234.5),     # Italian: dot thousands, comma decimals
    ("1,234.50", ".", 1234.5),     # English
    ("12,5", ",", 12.5),
    ("12,5", ".", 12.5),           # a lone comma followed by one digit can only be a decimal comma
    ("1,234", ".", 1234.0),        # English thousands
    ("1.234", ",", 1234.0),        # Italian thousands in a comma-decimal column
    ("€ 1.000,00", ",", 1000.0),
    ("-3", ".", -3.0),
    ("(3)", ".", -3.0),            # accounting negative
    ("", ".", None),
    ("dieci", ".", None),
    ("nan", ".", None),
    ("inf", ".", None),
])
def test_parse_number_italian_and_english(text_, decimal, expected):
    assert ingest.parse_number(text_, decimal) == expected


@pytest.mark.parametrize(("text_", "expected"), [
    ("2026-03-31", dt.date(2026, 3, 31)),
    ("2026-03-31T14:05:00Z", dt.date(2026, 3, 31)),
    ("31/03/2026", dt.date(2026, 3, 31)),
    ("31.03.2026", dt.date(2026, 3, 31)),
    ("31-03-2026", dt.date(2026, 3, 31)),
    ("1/2/2026", dt.date(2026, 2, 1)),   # day first, the European default
    ("31/03/26", dt.date(2026, 3, 31)),
    ("2026/03/31", dt.date(2026, 3, 31)),
    # Excel serial: 2026-01-01 is 46023 (45658 = 2025-01-01, + 365); 31 March is day 90, so 46023 + 89.
    ("46112", dt.date(2026, 3, 31)),
])
def test_parse_date_formats(text_, expected):
    value, reason = ingest.parse_date(text_)
    assert reason == "" and value.date() == expected


def test_parse_date_rejects_impossible_days_and_text():
    assert ingest.parse_date("31/02/2026")[1] == "is not a real calendar date (check day and month)"
    assert "is not a date" in ingest.parse_date("yesterday")[1]
    assert ingest.parse_date("2026-03", month=True)[0] == dt.datetime(2026, 3, 1)
    assert ingest.parse_date("03/2026", month=True)[0] == dt.datetime(2026, 3, 1)


def test_day_first_is_detected_from_the_column():
    assert ingest.day_first(["01/02/2026", "25/02/2026"])
    assert not ingest.day_first(["02/25/2026", "03/01/2026"])  # US export: the second part exceeds 12
    assert ingest.day_first(["01/02/2026"])  # ambiguous: European reading


def test_us_dates_in_a_column_are_read_month_first(engine):
    report = _commit(engine, "revenue", "customer_id,month,mrr\nC1,02/25/2026,10\nC1,03/01/2026,10\n")
    assert report.committed
    with engine.connect() as conn:
        months = conn.execute(select(m.RevenueMonth.month).order_by(m.RevenueMonth.month)).scalars().all()
    assert months == [dt.date(2026, 2, 1), dt.date(2026, 3, 1)]


# --- reading files ------------------------------------------------------------------------------


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
    report = _commit(engine, "customers", bom + content.encode(encoding))
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
    assert _commit(engine, "teams", content).committed
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
    before = _counts(engine)
    report = _commit(engine, "revenue", content, name)
    assert not report.committed and report.problem_counts[kind] >= 1
    assert any(says in p.reason for p in report.problems), [p.reason for p in report.problems]
    assert _counts(engine) == before


def test_size_limit_has_a_clear_message(engine):
    report = _commit(engine, "revenue", b"customer_id,month,mrr\n" + b"C1,2026-01,5\n" * 100, max_bytes=1000)
    assert not report.committed
    assert "larger than the limit" in report.problems[0].reason and "Split it" in report.problems[0].reason


# --- checks -------------------------------------------------------------------------------------


def test_every_kind_of_bad_value_is_listed_with_row_column_and_value(engine):
    content = (
        "response_id,customer_id,responded_on,score,comment,touchpoint\n"
        "R1,C1,2026-05-01,11,,relationship\n"      # 2: score out of range
        "R2,C1,2026-13-01,5,,relationship\n"       # 3: no month 13
        "R3,C404,2026-05-01,5,,relationship\n"     # 4: unknown customer
        "R4,C1,2027-01-01,5,,relationship\n"       # 5: in the future (after 2026-10-31)
        "R5,C1,2026-05-01,7.5,,relationship\n"     # 6: not a whole number
        "R6,C1,2026-05-01,5,,webinar\n"            # 7: unknown touchpoint
        "R1,C1,2026-05-02,5,,relationship\n"       # 8: duplicate response id (row 2)
        "R8,C1,,5,,relationship\n"                 # 9: missing date
        f"R9,C1,2026-05-01,5,{'x' * 20001},relationship\n"  # 10: comment too long
    )
    report = _dry(engine, "nps_responses", content)
    got = {(p.row, p.column, p.kind) for p in report.problems}
    assert got == {
        (2, "score", "out of range"), (3, "responded_on", "bad date"), (4, "customer_id", "unknown customer"),
        (5, "responded_on", "date in the future"), (6, "score", "wrong type"), (7, "touchpoint", "unknown value"),
        (8, "response_id", "duplicate key"), (9, "responded_on", "missing required value"),
        (10, "comment", "too long"),
    }
    assert next(p for p in report.problems if p.row == 10).value.endswith("…")  # long values are shortened
    frame = report.problems_frame()
    assert frame["row"].tolist() == sorted(frame["row"].tolist())
    groups = report.problem_groups().set_index("kind")["problems"]
    assert groups.sum() == 9 and groups["out of range"] == 1


def test_problem_rows_download_holds_the_rows_and_their_reasons(engine):
    report = _dry(engine, "revenue", "customer_id,month,mrr\nC1,2026-01,5\nC1,2026-02,=1+1\nC404,2026-03,7\n")
    frame = pd.read_csv(io.BytesIO(report.problem_rows_csv()), dtype=str, encoding="utf-8-sig")
    assert frame["row"].tolist() == ["3", "4"]
    assert frame["mrr"].tolist() == ["'=1+1", "7"]  # a formula-looking value is neutralised in the CSV
    assert "mrr" in frame["problems"].iloc[0] and "No customer" in frame["problems"].iloc[1]


def test_future_dates_are_problems_for_events_not_for_renewals(engine):
    ok = _commit(engine, "customers", "customer_id,name,segment,region,signed_on,renewal_date\n"
                                      "C3,Verdi,SMB,Italy,2026-01-10,2030-01-10\n")
    assert ok.committed
    for entity, content in [
        ("milestones", "customer_id,kind,reached_on\nC1,kickoff,2026-11-15\n"),
        ("churn_events", "customer_id,churned_on\nC1,2026-12-01\n"),
        ("nps_responses", "responded_on,score\n2026-11-01,9\n"),
        ("customers", "customer_id,name,segment,region,signed_on\nC4,X,SMB,Italy,2026-11-02\n"),
    ]:
        report = _dry(engine, entity, content)
        assert report.problem_counts == {"date in the future": 1}, (entity, report.problems)
    # A planned follow-up call and a follow-up due date may be in the future.
    assert _commit(engine, "churn_events", "customer_id,churned_on,follow_up_call_on\nC1,2026-10-01,2026-11-20\n").committed
    assert _commit(engine, "nps_responses", "responded_on,score,follow_up_due\n2026-10-20,3,2026-11-30\n").committed


def test_formula_like_text_is_stored_as_text(engine):
    report = _commit(engine, "nps_responses", "responded_on,score,comment\n2026-05-01,2,=cmd|' /C calc'!A0\n")
    assert report.committed
    with engine.connect() as conn:
        assert conn.execute(select(m.NpsResponse.comment)).scalar_one() == "=cmd|' /C calc'!A0"


def test_anonymous_nps_answers_and_unknown_customers(engine):
    report = _commit(engine, "nps_responses", "responded_on,score,customer_id\n2026-05-01,9,\n2026-05-02,6,C1\n")
    assert report.committed and report.inserted == 2
    with engine.connect() as conn:
        rows = conn.execute(select(m.NpsResponse.customer_id, m.NpsResponse.touchpoint)
                            .order_by(m.NpsResponse.responded_on)).all()
    assert [r.customer_id is None for r in rows] == [True, False]
    assert {r.touchpoint for r in rows} == {"relationship"}  # the default


# --- commits: all or nothing, idempotent ---------------------------------------------------------

ENTITY_FILES = {
    "customers": CUSTOMERS.replace("C2,Bianchi", "C5,Bianchi"),
    "revenue": "Codice cliente;Mese;Canone mensile\nC1;01/2026;1.000,50\nC1;02/2026;1.000,50\nC2;02/2026;20.833,33\n",
    "nps_responses": "id risposta;data;voto;commento;cliente\nR1;03/06/2025;9;Ottimo;C1\nR2;04/06/2025;3;Lento;\n",
    "milestones": "customer_id,kind,name,reached_on,target_days\nC1,first value,,2025-02-20,30\nC2,kickoff,,,14\n",
    "health_signals": "customer_id\tmonth\tsignal\tvalue\nC1\t2026-03\tusage\t0,42\nC1\t2026-03\tbilling_issue\t1\n",
    "churn_events": "customer_id;churned_on;arr_lost;primary_reason;contributing_reasons\nC1;01/10/2026;12000;Prezzo;\"competitor; budget_cut\"\n",
    "teams": "Team,Dipartimento,Tipo\nSupport,Customer Success,customer facing\n",
    "assessments": "round,team,respondent,role,submitted_at,dimension,stage,confidence\n"
                   "2026 H1,CS Italia,r1,manager,2026-03-01 10:00,culture,2.5,alta\n"
                   "2026 H1,CS Italia,r1,manager,2026-03-01 10:00,technology,3,media\n"
                   "2026 H1,IT Ops,r2,individual contributor,02/03/2026,culture,1,\n",
    "meetings": "meeting_id;held_on;department;meeting_type;duration_minutes;item_title;item_minutes;item_relevance;decision;cx_impact\n"
                "M1;03/02/2026;IT;reparto;60;Migrazione server;20;nessuna;Rinviare la migrazione;neutro\n"
                "M1;03/02/2026;IT;reparto;60;Reclami clienti;30;diretta;;\n"
                "M2;04/02/2026;Board;cda;90;Strategia;90;indiretta;Nuovo programma clienti;favorevole\n",
}
EXPECTED_INSERTS = {"customers": 2, "revenue": 3, "nps_responses": 2, "milestones": 2, "health_signals": 2,
                    "churn_events": 1, "teams": 1, "assessments": 3, "meetings": 2}


@pytest.mark.parametrize("entity", list(ingest.ENTITIES))
def test_each_entity_imports_and_a_second_import_changes_nothing(engine, entity):
    content = ENTITY_FILES[entity]
    dry = _dry(engine, entity, content)
    assert dry.ok, dry.problems
    assert (dry.inserted, dry.updated) == (EXPECTED_INSERTS[entity], 0) or entity == "customers"
    first = _commit(engine, entity, content, who="tester")
    assert first.committed and first.inserted == dry.inserted
    after_first = _counts(engine)
    second = _commit(engine, entity, content)
    assert second.committed and (second.inserted, second.updated) == (0, 0)
    assert second.unchanged == first.inserted + first.updated + first.unchanged
    after_second = _counts(engine)
    assert {k: v for k, v in after_second.items() if k != "import_log"} == {
        k: v for k, v in after_first.items() if k != "import_log"}
    with engine.connect() as conn:
        log = conn.execute(select(m.ImportLog).order_by(m.ImportLog.id.desc())).all()
    assert (log[1].entity, log[1].source_file, log[1].inserted, log[1].who) == (entity, "f.csv", first.inserted, "tester")


def test_updates_only_what_the_file_gives(engine):
    # C1 exists with industry empty and ARR 12000; the file changes ARR only (no industry column).
    report = _commit(engine, "customers", "Codice cliente;ARR;Ragione sociale;Segmento;Regione;Data firma\n"
                                          "C1;13.500,00;Rossi Logistica;SMB;Italy;15/01/2025\n")
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 0)
    assert _commit(engine, "customers", "customer_id,industry\nC1,Logistics\n").problem_counts["missing column"] == 4
    with engine.connect() as conn:
        row = conn.execute(select(m.Customer).where(m.Customer.external_id == "C1")).one()
    assert (row.arr, row.renewal_date, row.contract_term_months) == (13500.0, dt.date(2027, 1, 15), 12)


def test_milestones_without_a_name_are_keyed_by_customer_and_kind(engine):
    report = _dry(engine, "milestones", "customer_id,kind,reached_on\nC1,kickoff,2025-01-20\nC1,kickoff,2025-01-21\n")
    assert [(p.row, p.kind) for p in report.problems] == [(3, "duplicate key")]
    assert _commit(engine, "milestones", "customer_id,kind,reached_on\nC1,kickoff,2025-01-20\n").committed
    again = _commit(engine, "milestones", "customer_id,kind,reached_on\nC1,kickoff,2025-01-22\n")
    assert (again.inserted, again.updated) == (0, 1)  # the same milestone, reached on another day


def test_meeting_reimport_replaces_its_agenda(engine):
    content = ENTITY_FILES["meetings"]
    assert _commit(engine, "meetings", content).committed
    changed = _commit(engine, "meetings", content.replace("Rinviare la migrazione", "Anticipare la migrazione"))
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, 1)
    with engine.connect() as conn:
        decisions = conn.execute(select(m.Decision.text, m.Decision.cx_impact).order_by(m.Decision.text)).all()
        items = conn.execute(select(func.count()).select_from(m.AgendaItem)).scalar_one()
    assert decisions == [("Anticipare la migrazione", "neutral"), ("Nuovo programma clienti", "favours")]
    assert items == 3


def test_meeting_rows_must_agree_on_meeting_fields(engine):
    content = ("meeting_id,held_on,department,meeting_type,duration_minutes,item_title\n"
               "M1,2026-02-03,IT,department,60,A\nM1,2026-02-03,IT,department,45,B\n")
    report = _dry(engine, "meetings", content)
    assert [(p.row, p.column, p.kind) for p in report.problems] == [(3, "duration_minutes", "inconsistent rows")]


def test_assessment_needs_a_known_team_and_half_steps(engine):
    report = _dry(engine, "assessments", "round,team,respondent,role,submitted_at,dimension,stage\n"
                                         "R,Nobody,r1,manager,2026-03-01,culture,2.5\n"
                                         "R,IT Ops,r1,manager,2026-03-01,culture,2.3\n")
    assert {(p.row, p.kind) for p in report.problems} == {(2, "unknown team"), (3, "out of range")}


def test_churn_reason_fills_category_and_controllable(engine):
    assert _commit(engine, "churn_events", "customer_id,churned_on,primary_reason\nC1,2026-09-01,Customer was acquired\n"
                   "C2,2026-09-02,price\n").committed
    with engine.connect() as conn:
        rows = conn.execute(select(m.ChurnEvent.primary_reason, m.ChurnEvent.category, m.ChurnEvent.controllable)
                            .order_by(m.ChurnEvent.churned_on)).all()
    # vocab.CHURN_REASONS: acquired -> ("company event", not controllable), price -> ("commercial", controllable)
    assert rows == [("acquired", "company event", False), ("price", "commercial", True)]


def test_a_database_error_rolls_back_everything(engine, monkeypatch):
    before = _counts(engine)
    original = ingest._upsert
    calls = []

    def failing(conn, table, rows, key, *args, **kwargs):
        original(conn, table, rows, key, *args, **kwargs)
        calls.append(table)
        raise ingest.SQLAlchemyError("disk full")

    monkeypatch.setattr(ingest, "_upsert", failing)
    report = _commit(engine, "revenue", ENTITY_FILES["revenue"])
    assert calls and not report.committed and report.problem_counts == {"database": 1}
    assert "Nothing was written" in report.problems[0].reason
    assert _counts(engine) == before


def test_commit_reports_progress(engine):
    lines = "".join(f"C1,{2000 + i // 12}-{i % 12 + 1:02d},{i}\n" for i in range(12 * 25))
    seen = []
    report = _commit(engine, "revenue", "customer_id,month,mrr\n" + lines, progress=lambda s, msg: seen.append(s))
    assert report.committed and report.inserted == 300
    assert seen[-1] == 1.0 and all(0 <= s <= 1 for s in seen)


# --- mapping ------------------------------------------------------------------------------------


def test_auto_mapping_knows_common_export_headers():
    mapping = ingest.auto_mapping("customers", ["Account ID", "Account Name", "Tier", "Territory", "Close Date",
                                                "ARR", "Account Owner", "Notes"])
    assert mapping == {"customer_id": "Account ID", "name": "Account Name", "segment": "Tier",
                       "region": "Territory", "industry": None, "owner": "Account Owner", "plan": None,
                       "signed_on": "Close Date", "contract_term_months": None, "renewal_date": None,
                       "arr": "ARR", "status": None, "churned_on": None}


def test_a_chosen_mapping_wins_and_can_be_saved(engine):
    content = "ID;Nome;Gestore;Seg;Reg;Firmato\nC7;Neri;Anna;SMB;Italy;2025-03-03\n"
    mapping = {"customer_id": "ID", "name": "Nome", "owner": "Gestore", "segment": "Seg", "region": "Reg",
               "signed_on": "Firmato"}
    assert not _dry(engine, "customers", content).ok
    ingest.save_mapping(engine, "customers", "Gestionale", mapping, who="anna")
    ingest.save_mapping(engine, "customers", "Gestionale", mapping)  # saving again replaces
    saved = ingest.saved_mappings(engine, "customers")
    assert list(saved) == ["Gestionale"] and saved["Gestionale"] == mapping
    assert _commit(engine, "customers", content, mapping=saved["Gestionale"]).committed
    with pytest.raises(ingest.DataError, match="name"):
        ingest.save_mapping(engine, "customers", " ", mapping)
    with pytest.raises(ingest.DataError, match="no field"):
        ingest.save_mapping(engine, "customers", "x", {"colour": "A"})


def test_mapping_to_a_missing_column(engine):
    # A required field mapped to a column the file lacks is a problem; an optional one is left out.
    report = _dry(engine, "teams", "team,department\nA,B\n", mapping={"department": "Reparto"})
    assert report.problem_counts == {"missing column": 1}
    report = _dry(engine, "teams", "team,department\nA,B\n", mapping={"kind": "Tipo"})
    assert report.ok and report.notes == ["The mapping's column 'Tipo' for kind is not in this file; kind is left as it is."]


# --- XLSX ---------------------------------------------------------------------------------------


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
    report = _commit(engine, "nps_responses", data, "risposte.xlsx")
    assert report.committed, report.problems
    assert report.file_format["type"] == "XLSX"
    with engine.connect() as conn:
        rows = conn.execute(select(m.NpsResponse.responded_on, m.NpsResponse.score, m.NpsResponse.comment)
                            .order_by(m.NpsResponse.responded_on)).all()
    assert rows == [(dt.date(2026, 5, 1), 9, "x"), (dt.date(2026, 5, 2), 7, "=cmd|' /C calc'!A0")]


def test_xlsx_formulas_are_refused_with_their_cell(engine):
    before = _counts(engine)
    data = _xlsx([["Data", "Punteggio"], ["2026-05-01", 4], ["2026-05-02", 5]], formula_cell="B3")
    report = _commit(engine, "nps_responses", data, "risposte.xlsx")
    assert not report.committed
    formula = next(p for p in report.problems if p.kind == "formula")
    assert (formula.row, formula.column, formula.value) == (3, "Punteggio", "=B2*2")
    assert _counts(engine) == before


def test_xlsx_template_has_the_columns_and_imports_back(engine):
    book = openpyxl.load_workbook(io.BytesIO(ingest.template_xlsx("revenue")))
    assert book.sheetnames == ["data", "columns"]
    assert [c.value for c in book["data"][1]] == ["customer_id", "month", "mrr"]
    guide = list(book["columns"].iter_rows(values_only=True))
    assert guide[0] == ("column", "required", "format", "description") and guide[1][1] == "yes"
    book["data"].append(["C1", "2026-04", 99.5])
    out = io.BytesIO()
    book.save(out)
    report = _commit(engine, "revenue", out.getvalue(), "template.xlsx")
    assert report.committed and report.file_format["sheet"] == "data"


@pytest.mark.parametrize("entity", list(ingest.ENTITIES))
def test_csv_templates_are_recognised_without_mapping(entity):
    columns, report = ingest.preview(ingest.template_csv(entity), "t.csv", entity)
    assert report.mapping == {f.name: f.name for f in ingest.ENTITIES[entity].fields}
    assert report.problem_counts == {"no rows": 1}


# --- command line -------------------------------------------------------------------------------


def test_cli_as_a_module_imports_and_exits_zero(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    good = tmp_path / "clienti.csv"
    good.write_bytes(CUSTOMERS.replace(",", ";").encode("cp1252"))
    proc = subprocess.run([sys.executable, "-m", "cs_metrics.storage.ingest", "customers", str(good),
                           "--database-url", url, "--who", "cli"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "inserted 2" in proc.stdout
    engine = db.make_engine(url)
    assert _counts(engine)["customer"] == 2
    engine.dispose()


def test_cli_dry_run_failure_and_unknown_mapping(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    good = tmp_path / "clienti.csv"
    good.write_bytes(CUSTOMERS.replace(",", ";").encode("cp1252"))
    assert ingest.main(["customers", str(good), "--dry-run", "--database-url", url]) == 0
    assert "would insert 2" in capsys.readouterr().out
    engine = db.make_engine(url)
    assert _counts(engine)["customer"] == 0  # a dry run writes nothing
    assert ingest.main(["customers", str(good), "--database-url", url]) == 0
    bad = tmp_path / "nps.csv"
    bad.write_text("responded_on,score,customer_id\n2026-05-01,11,C1\n2026-05-01,5,NOPE\n")
    capsys.readouterr()
    assert ingest.main(["nps_responses", str(bad), "--database-url", url]) == 1
    err = capsys.readouterr().err
    assert "2 problems" in err and "2\tscore\t11\t" in err and "3\tcustomer_id\tNOPE\t" in err
    assert _counts(engine)["nps_response"] == 0
    assert ingest.main(["customers", str(good), "--mapping", "nothing", "--database-url", url]) == 1
    assert "No saved mapping 'nothing'" in capsys.readouterr().err
    ingest.save_mapping(engine, "customers", "crm", {"owner": "Responsabile"})
    assert ingest.main(["customers", str(good), "--mapping", "crm", "--database-url", url]) == 0
    assert ingest.main(["teams", str(tmp_path / "missing.csv"), "--database-url", url]) == 1
    assert ingest.main(["teams", str(good), "--database-url", "mysql://x/y"]) == 2
    engine.dispose()


# --- property tests: malformed files never escape as exceptions, never write ----------------------

_CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "11", "-1", "1e400", "NaN", "31/02/2026", "2099-01-01", "0000-00-00", "C1", "C404",
                     "=cmd|' /C calc'!A0", "@SUM(1)", "\"", "\"\"", ";", ",", "\t", "\n", "1.234,5", "1,234.5",
                     "sì", "x" * 5000, "\x00", "\ufeff", "é", "Enterprise", "culture", "usage", "CS Italia"]),
    st.integers(-10**12, 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates(dt.date(1800, 1, 1), dt.date(2200, 1, 1)).map(lambda d: d.strftime("%d/%m/%Y")),
)


@st.composite
def malformed_files(draw, entity: str) -> tuple[bytes, str]:
    spec = ingest.ENTITIES[entity]
    how = draw(st.sampled_from(["cells", "cells", "cells", "bytes", "truncated", "missing_column"]))
    if how == "bytes":
        return draw(st.binary(max_size=400)), draw(st.sampled_from(["f.csv", "f.xlsx", "f.txt", "f.bin", "f"]))
    names = [f.name for f in spec.fields]
    if how == "missing_column":
        drop = draw(st.sampled_from(spec.required))
        names = [n for n in names if n != drop]
    else:
        names = draw(st.permutations(names))
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    rows = draw(st.lists(st.lists(_CELLS, min_size=len(names), max_size=len(names)), min_size=1, max_size=6))
    if how != "missing_column":
        # Guarantee at least one problem: a required value left empty on the first row, so that
        # a truncated file still holds it (or loses the header or the row, which is a problem too).
        target = names.index(draw(st.sampled_from(spec.required)))
        rows[0][target] = ""
        # A row with nothing in it is a blank line, which the importer rightly skips: keep one
        # other cell of that row filled so that the row, and its empty required value, count.
        others = [i for i in range(len(names)) if i != target]
        if others and all(not str(rows[0][i]).strip() for i in others):
            rows[0][others[0]] = "x"
    buffer = io.StringIO()
    import csv as _csv

    writer = _csv.writer(buffer, delimiter=sep)
    writer.writerow(names)
    writer.writerows(rows)
    body = buffer.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    data = body.encode(encoding, errors="replace")
    if how == "truncated":
        data = data[: draw(st.integers(0, len(data)))]
    return data, "f.csv"


@pytest.fixture(scope="module")
def property_engine(tmp_path_factory):
    engine = _engine(f"sqlite:///{tmp_path_factory.mktemp('prop') / 'p.db'}")
    assert _commit(engine, "customers", CUSTOMERS).committed
    assert _commit(engine, "teams", "team,department\nCS Italia,Customer Success\n").committed
    assert _commit(engine, "meetings", ENTITY_FILES["meetings"]).committed
    yield engine
    engine.dispose()


@pytest.mark.parametrize("entity", list(ingest.ENTITIES))
def test_malformed_files_never_raise_and_never_write(property_engine, entity):
    before = _counts(property_engine)

    @settings(settings.get_profile(PROFILE))
    @given(malformed_files(entity))
    def check(file):
        data, name = file
        report = ingest.commit(property_engine, entity, data, filename=name, today=TODAY)
        assert not report.committed
        assert not report.ok
        assert "internal" not in report.problem_counts, report.problems
        assert _counts(property_engine) == before

    check()


@settings(settings.get_profile(PROFILE))
@given(st.binary(max_size=2000), st.sampled_from(["a.csv", "a.xlsx", "a.zip", "a.tsv", "a"]),
       st.sampled_from([*ingest.ENTITIES, ingest.ARCHIVE]))
def test_arbitrary_bytes_only_ever_give_a_report(property_engine, data, name, entity):
    report = ingest.dry_run(property_engine, entity, data, filename=name, today=TODAY)
    assert isinstance(report, ingest.ImportReport)
    assert "internal" not in report.problem_counts, report.problems
