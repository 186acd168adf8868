"""Shared ground of the import tests: a fresh database with two customers and two teams, the
sample files of every entity, and helpers that import a text or bytes as a file."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import func, select, update

from cs_metrics.storage import db, demo, ingest
from cs_metrics.storage import models as m
from cs_metrics.storage.tables import export_tables

# Both profiles of the property tests are derandomized: a run explores the same files every time, so
# a result repeats. CI uses "thorough" (1,000 malformed files per entity, 60-90 per class of hostile file);
# "default" keeps local runs quick.
settings.register_profile("default", max_examples=40, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("thorough", max_examples=1000, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
PROFILE = os.environ.get("OUTSIDE_IN_HYPOTHESIS", "default")

#: The day imports take for "today": event dates after it are in the future.
TODAY = dt.date(2026, 10, 31)


def new_engine(url: str = "sqlite://"):
    """A migrated, empty database (in memory unless ``url`` says otherwise)."""
    engine = db.make_engine(url)
    db.upgrade(engine)
    return engine


def table_counts(engine) -> dict[str, int]:
    """Rows per table, to prove that a refused import wrote nothing."""
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in export_tables()}


def commit_file(engine, entity: str, content: str | bytes, name: str = "f.csv", **kw) -> ingest.ImportReport:
    """``ingest.commit`` of ``content`` (text is encoded as UTF-8) on ``TODAY``."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return ingest.commit(engine, entity, data, filename=name, today=TODAY, **kw)


def dry_file(engine, entity: str, content: str | bytes, name: str = "f.csv", **kw) -> ingest.ImportReport:
    """``ingest.dry_run`` of ``content`` (text is encoded as UTF-8) on ``TODAY``."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return ingest.dry_run(engine, entity, data, filename=name, today=TODAY, **kw)


#: Two customers: C1 (SMB, ARR 12,000) and C2 (Enterprise, ARR 250,000).
CUSTOMERS = (
    "customer_id,name,segment,region,signed_on,arr,renewal_date\n"
    "C1,Rossi Logistica,SMB,Italy,2025-01-15,12000,2027-01-15\n"
    "C2,Bianchi SpA,Enterprise,Italy,2024-02-01,250000,2027-02-01\n"
)

#: One small file per entity, written the way real exports are (Italian headers, separators, dates).
#: The churn event is of C1, which must first be marked churned on 2026-10-01 (``mark_churned``).
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
                   "2026 H1,CS Italia,r1,manager,2026-03-01 10:00,organizzazione,2,\n"
                   "2026 H1,CS Italia,r1,manager,2026-03-01 10:00,customer_involvement,2,bassa\n"
                   "2026 H1,IT Ops,r2,individual contributor,02/03/2026,culture,1,\n"
                   "2026 H1,IT Ops,r2,individual contributor,02/03/2026,organization,1.5,\n"
                   "2026 H1,IT Ops,r2,individual contributor,02/03/2026,coinvolgimento del cliente,1,\n"
                   "2026 H1,IT Ops,r2,individual contributor,02/03/2026,tecnologia,2,\n",
    "meetings": "meeting_id;held_on;department;meeting_type;duration_minutes;item_title;item_minutes;item_relevance;decision;cx_impact\n"
                "M1;03/02/2026;IT;reparto;60;Migrazione server;20;nessuna;Rinviare la migrazione;neutro\n"
                "M1;03/02/2026;IT;reparto;60;Reclami clienti;30;diretta;;\n"
                "M2;04/02/2026;Board;cda;90;Strategia;90;indiretta;Nuovo programma clienti;favorevole\n",
}


def mark_churned(engine, days: dict[str, str]) -> None:
    """Mark stored customers churned on the given days (customer id -> ISO day): a churn event is
    only imported for a customer the customers data marks churned on the same day."""
    with engine.begin() as conn:
        for customer, day in days.items():
            conn.execute(update(m.Customer).where(m.Customer.external_id == customer)
                         .values(status="churned", churned_on=dt.date.fromisoformat(day)))


@pytest.fixture()
def engine():
    """A database holding the customers C1 and C2 and the teams CS Italia and IT Ops."""
    engine = new_engine()
    assert commit_file(engine, "customers", CUSTOMERS).committed
    assert commit_file(engine, "teams", "team,department\nCS Italia,Customer Success\nIT Ops,IT\n").committed
    yield engine
    engine.dispose()


@pytest.fixture()
def any_engine(any_db_url):
    """Like ``engine``, once on SQLite and once on PostgreSQL."""
    engine = new_engine(any_db_url)
    assert commit_file(engine, "customers", CUSTOMERS).committed
    assert commit_file(engine, "teams", "team,department\nCS Italia,Customer Success\nIT Ops,IT\n").committed
    yield engine
    engine.dispose()


#: Comments that a spreadsheet would run as formulas, or that hold quotes, separators and scripts.
TRICKY = ["=cmd|' /C calc'!A0", "+39 02 1234", "-minus", "@SUM(A1)", "'quoted", "''twice", "\ttab", "it's",
          "Caffè «Perù» — 東京", "line\nbreak, comma; semicolon \"quote\""]


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    with engine.connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
                for t in export_tables()}


@pytest.fixture()
def filled(any_db_url):
    """A demo company of 80 customers (SQLite, then PostgreSQL) with tricky comments, a saved
    mapping and one logged import: every kind of table holds rows."""
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
