"""Imports in two languages: templates with Italian or English headers, both recognised on import,
and problems reported in the reader's language (English without a language, Italian inside
``i18n.using("it")``)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from cs_metrics import i18n
from cs_metrics.storage import ingest
from cs_metrics.storage.entities import ENTITIES, ITALIAN_HEADERS, header_key
from tests.storage.ingest.conftest import commit_file, dry_file, mark_churned

#: One valid row per entity, by field (fields left out are blank), for the fixture's database
#: (customers C1 and C2, teams CS Italia and IT Ops; C1 is marked churned for the churn event).
ROWS: dict[str, list[dict[str, str]]] = {
    "customers": [{"customer_id": "C9", "name": "Verdi Srl", "segment": "SMB", "region": "Italy",
                   "industry": "Logistica", "owner": "Anna", "plan": "Pro", "signed_on": "01/03/2025",
                   "contract_term_months": "12", "renewal_date": "01/03/2027", "arr": "5.000,50",
                   "status": "attivo"}],
    "revenue": [{"customer_id": "C1", "month": "03/2026", "mrr": "1.000,50"}],
    "nps_responses": [{"response_id": "R1", "customer_id": "C1", "responded_on": "01/05/2026",
                       "responded_at": "14:05", "score": "9", "comment": "Ottimo servizio", "language": "it",
                       "touchpoint": "relationship"}],
    "milestones": [{"customer_id": "C1", "kind": "primo valore", "reached_on": "20/02/2025", "target_days": "30"}],
    "health_signals": [{"customer_id": "C1", "month": "03/2026", "signal": "usage", "value": "0,42"}],
    "churn_events": [{"customer_id": "C1", "churned_on": "01/10/2026", "arr_lost": "12000", "primary_reason": "prezzo",
                      "reason_confirmed": "sì", "follow_up_notes": "Chiamata fatta"}],
    "teams": [{"team": "Vendite Nord", "department": "Customer Success", "kind": "interno"}],
    "assessments": [{"round": "2026 H2", "team": "CS Italia", "respondent": "r1", "role": "manager",
                     "submitted_at": "01/03/2026 10:00", "dimension": d, "stage": "2,5", "confidence": "alta"}
                    for d in ("cultura", "organizzazione", "coinvolgimento del cliente", "tecnologia")],
    "meetings": [{"meeting_id": "M1", "held_on": "03/02/2026", "department": "IT", "meeting_type": "reparto",
                  "title": "Riunione IT", "duration_minutes": "60", "attendees": "5", "customer_item_filled": "sì",
                  "item_position": "1", "item_title": "Reclami clienti", "item_minutes": "30",
                  "item_relevance": "diretta", "decision": "Ricontattare i clienti", "cx_impact": "favorevole"}],
}


def _filled_csv(entity: str, template: bytes) -> bytes:
    """The template's header row followed by ``ROWS[entity]`` under the Italian headers."""
    header = next(csv.reader(io.StringIO(template.decode("utf-8-sig"))))
    by_header = {f.italian: f.name for f in ENTITIES[entity].fields}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    for row in ROWS[entity]:
        writer.writerow([row.get(by_header[h], "") for h in header])
    return out.getvalue().encode("utf-8-sig")


def test_every_field_has_an_italian_header_that_belongs_to_it_alone():
    for entity, spec in ENTITIES.items():
        assert set(ITALIAN_HEADERS[entity]) == {f.name for f in spec.fields}, entity
        keys = [header_key(f.italian) for f in spec.fields]
        assert len(set(keys)) == len(keys), entity
        for f in spec.fields:
            # No other field of the entity has the Italian header as its name or alias.
            others = {header_key(n) for o in spec.fields if o is not f for n in (o.name, *o.aliases)}
            assert header_key(f.italian) not in others, (entity, f.name)


@pytest.mark.parametrize("entity", list(ENTITIES))
def test_italian_csv_templates_are_recognised_without_mapping(entity):
    template = ingest.template_csv(entity, "it")
    header = template.decode("utf-8-sig").strip().split(",")
    assert header == [ITALIAN_HEADERS[entity][f.name] for f in ENTITIES[entity].fields]
    columns, report = ingest.preview(template, "modello.csv", entity)
    assert report.mapping == {f.name: f.italian for f in ENTITIES[entity].fields}
    assert report.problem_counts == {"no rows": 1}


@pytest.mark.parametrize("entity", list(ENTITIES))
def test_an_italian_template_filled_in_imports(engine, entity):
    if entity == "churn_events":
        mark_churned(engine, {"C1": "2026-10-01"})
    data = _filled_csv(entity, ingest.template_csv(entity, "it"))
    report = commit_file(engine, entity, data, "modello.csv")
    assert report.committed, report.problems
    assert report.inserted == (1 if entity != "assessments" else 4)
    # The same file again changes nothing: the Italian headers are read the same way the second time.
    again = commit_file(engine, entity, data, "modello.csv")
    assert again.committed and again.inserted == 0 and again.updated == 0


def test_the_template_follows_the_current_language():
    with i18n.using("it"):
        assert ingest.template_csv("revenue").decode("utf-8-sig").strip() == "codice_cliente,mese,mrr"
    assert ingest.template_csv("revenue").decode("utf-8-sig").strip() == "customer_id,month,mrr"
    assert ingest.template_csv("revenue", "en") == ingest.template_csv("revenue")


def test_italian_workbook_template_has_italian_sheets_and_guide_and_imports_back(engine):
    book = openpyxl.load_workbook(io.BytesIO(ingest.template_xlsx("revenue", "it")))
    # Sheet names and guide headings: the catalog entries ("data"/"columns" in the context
    # "template sheet", "column", "required", "format", "description", "yes") in imports.po.
    assert book.sheetnames == ["dati", "colonne"]
    assert [c.value for c in book["dati"][1]] == ["codice_cliente", "mese", "mrr"]
    guide = list(book["colonne"].iter_rows(values_only=True))
    assert guide[0] == ("colonna", "obbligatorio", "formato", "descrizione")
    # "The month." -> "Il mese."; "month (2026-03, ...)" and ", not in the future" (imports.po).
    assert guide[2] == ("mese", "sì", "mese (2026-03, 03/2026 o un giorno qualsiasi del mese), non nel futuro",
                        "Il mese.")
    assert book["dati"]["A1"].comment.text.startswith("Il codice del cliente nel tuo CRM")
    book["dati"].append(["C1", "2026-04", 99.5])
    out = io.BytesIO()
    book.save(out)
    report = commit_file(engine, "revenue", out.getvalue(), "modello.xlsx")
    assert report.committed and report.file_format["sheet"] == "dati"


def test_the_field_guide_is_in_the_requested_language():
    english = ingest.field_guide("nps_responses", "en").set_index("column")
    italian = ingest.field_guide("nps_responses", "it").set_index("column")
    assert english.loc["score", "format"] == "whole number, from 0 to 10"
    # "whole number" -> "numero intero", ", from {low} to {high}" -> ", da {low} a {high}" (imports.po).
    assert italian.loc["voto", "format"] == "numero intero, da 0 a 10"
    assert italian.loc["voto", "description"] == "Probabilità di raccomandare, da 0 a 10."
    assert italian.loc["voto", "required"] == "sì"


BAD_SCORE = "response_id,customer_id,responded_on,score\nR1,C1,2026-05-01,11\n"


def test_a_row_error_is_reported_in_the_readers_language(engine):
    english = dry_file(engine, "nps_responses", BAD_SCORE)
    with i18n.using("it"):
        italian = dry_file(engine, "nps_responses", BAD_SCORE)
        italian_summary = italian.summary()
    # The kind stays the same key in both languages (data); the reason is translated.
    assert [(p.row, p.column, p.kind) for p in english.problems] == [(2, "score", "out of range")]
    assert [(p.row, p.column, p.kind) for p in italian.problems] == [(2, "score", "out of range")]
    # English: "{field} {reason}." with "is out of range ({format})", "whole number" and
    # ", from {low} to {high}" (the messages' English, values.py and entities.py).
    assert english.problems[0].reason == "score is out of range (whole number, from 0 to 10)."
    # Italian: the same catalog entries in imports.po ("è fuori dall'intervallo ammesso ({format})",
    # "numero intero", ", da {low} a {high}").
    assert italian.problems[0].reason == "score è fuori dall'intervallo ammesso (numero intero, da 0 a 10)."
    # Summary: "{n} problem ({kinds}). Nothing was written; ..." and the kind "out of range" (imports.po).
    assert english.summary() == ("f.csv: 1 problem (1 × out of range). Nothing was written; fix the file and "
                                 "check it again.")
    assert italian_summary == ("f.csv: 1 problema (1 × fuori intervallo). Non è stato scritto nulla; correggi il "
                               "file e controllalo di nuovo.")
    # The groups shown on the Data page name the kind in the reader's language.
    with i18n.using("it"):
        assert italian.problem_groups().to_dict("records")[0]["kind"] == "fuori intervallo"
    assert english.problem_groups().to_dict("records")[0]["kind"] == "out of range"


def test_dates_and_file_problems_are_reported_in_italian(engine):
    future = "response_id,customer_id,responded_on,score\nR1,C1,2027-01-02,7\n"
    with i18n.using("it"):
        report = dry_file(engine, "nps_responses", future)
        missing = dry_file(engine, "revenue", "codice_cliente;mrr\nC1;10\n")
    # "is in the future (after {day}); ..." -> "è nel futuro (dopo il {day}); ..." with the day the
    # Italian way (TODAY = 2026-10-31 in conftest.py, written 31/10/2026).
    assert report.problems[0].reason == ("responded_on è nel futuro (dopo il 31/10/2026); gli eventi si possono "
                                         "importare solo dopo che sono avvenuti.")
    assert report.problems[0].kind == "date in the future"
    # "No column holds the required field {field} ({description}) ..." with the month's description
    # "Il mese." and "The file's columns are: {columns}." (imports.po).
    assert missing.problems[0].reason == (
        "Nessuna colonna contiene il campo obbligatorio 'month' (Il mese.) Rinomina una colonna in 'month' o "
        "sceglila nella mappatura. Le colonne del file sono: 'codice_cliente', 'mrr'.")


def test_an_italian_file_committed_says_so_in_italian(engine):
    with i18n.using("it"):
        report = commit_file(engine, "revenue", "codice_cliente;mese;mrr\nC1;03/2026;10\nC2;03/2026;20\n")
        # "{rows} rows read, no problems: inserted {inserted}, ..." (imports.po).
        assert report.summary() == ("f.csv: 2 righe lette, nessun problema: inserite 2, aggiornate 0, già "
                                    "identiche 0.")
