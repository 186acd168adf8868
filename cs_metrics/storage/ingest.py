"""Validated, all-or-nothing imports of CSV and XLSX files, one entity at a time.

An import runs in three steps, the same from the Data page and from the command line:

1. **Read** (``read_table``): the bytes of a CSV (UTF-8 with or without BOM, UTF-16, cp1252 or
   Latin-1; separated by ``,`` ``;`` tab or ``|``) or of an XLSX workbook become a table of
   texts. Unreadable files (empty, binary, too large, wrong extension, mixed encodings, formulas
   in cells) give problems, never exceptions.
2. **Map** (``auto_mapping``): each field of the entity (``ENTITIES``) is matched to a column of
   the file by its name or a known alias in English or Italian; people can change the mapping
   and save it by name (``save_mapping``) to reuse it for the next file from the same source.
3. **Check, then write** (``dry_run``, ``commit``): every value is parsed (decimal commas,
   thousands separators, ISO, day/month/year and Excel-serial dates) and checked (required
   fields, ranges, controlled vocabularies, references to customers and teams, duplicate keys,
   dates in the future for events). A dry run only reads. A commit checks again inside one
   transaction and writes everything or nothing: rows whose key (the source system's id, or a
   natural key such as customer + month) is already stored are updated, the others inserted, so
   importing the same file twice changes nothing the second time. Each commit adds a line to
   ``import_log``.

A whole-database export (``cs_metrics.storage.export``) is read back by ``import_archive``.

Command line::

    python -m cs_metrics.storage.ingest ENTITY FILE [--dry-run] [--mapping NAME] [--database-url URL]

ENTITY is one of ``customers``, ``revenue``, ``nps_responses``, ``milestones``,
``health_signals``, ``churn_events``, ``teams``, ``assessments``, ``meetings``, or ``archive``
for a ZIP written by the export. The exit code is 0 when the file was imported (or, with
``--dry-run``, would be), 1 when it has problems (listed on standard error), 2 when the
database cannot be used.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import re
import sys
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import and_, bindparam, delete, func, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from cs_metrics.errors import ConfigurationError, DataError, SchemaError
from cs_metrics.storage import models as m
from cs_metrics import vocab

#: Largest file accepted (bytes). Bigger files are refused before reading: split them.
MAX_FILE_BYTES = 200 * 1024 * 1024
#: Longest text accepted in a column without a declared length (comments, notes).
MAX_TEXT_CHARS = 20_000
#: Problems kept in detail per report (all of them are counted).
MAX_PROBLEMS_LISTED = 5_000
#: Dates before this day are taken for typing mistakes (e.g. a two-digit year).
EARLIEST_DATE = dt.date(1970, 1, 1)
#: Rows written per statement; progress is reported after each chunk.
CHUNK_ROWS = 5_000
#: Extensions read as text tables and as workbooks.
TEXT_EXTENSIONS = (".csv", ".txt", ".tsv")
WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm")

Progress = Callable[[float, str], None]


# ============================================================================================
# Entity specifications
# ============================================================================================


@dataclass(frozen=True)
class FieldSpec:
    """One column of an entity file.

    ``kind`` is one of ``text``, ``int``, ``float``, ``date``, ``datetime``, ``month``, ``bool``,
    ``choice`` (one of ``choices``) or ``choices`` (several, separated by ``;`` or ``,``).
    """

    name: str
    kind: str
    description: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    synonyms: tuple[tuple[str, str], ...] = ()  # (spelling, canonical choice)
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    max_length: int | None = None
    past_only: bool = False  # a date after today is a problem (events, not plans)

    def format_hint(self) -> str:
        """How a value is written, for templates and messages."""
        hints = {
            "text": f"text{f', at most {self.max_length} characters' if self.max_length else ''}",
            "int": "whole number",
            "float": "number (1234.5 or 1.234,5)",
            "date": "date (2026-03-31, 31/03/2026 or an Excel date)",
            "datetime": "date, optionally with time (2026-03-31 14:05)",
            "month": "month (2026-03, 03/2026 or any day of the month)",
            "bool": "yes/no (also true/false, sì/no, 1/0)",
            "choice": "one of: " + ", ".join(self.choices),
            "choices": "one or more of (separated by ;): " + ", ".join(self.choices),
        }
        text = hints[self.kind]
        if self.minimum is not None and self.maximum is not None:
            text += f", from {_num(self.minimum)} to {_num(self.maximum)}"
        elif self.minimum is not None:
            text += f", at least {_num(self.minimum)}"
        if self.step:
            text += f", in steps of {_num(self.step)}"
        if self.past_only:
            text += ", not in the future"
        return text


@dataclass(frozen=True)
class EntitySpec:
    """What one importable entity looks like in a file."""

    name: str
    label: str
    description: str
    fields: tuple[FieldSpec, ...]

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)


def _num(value: float) -> str:
    return f"{value:g}"


def _f(name: str, kind: str, description: str, *aliases: str, **options: Any) -> FieldSpec:
    return FieldSpec(name=name, kind=kind, description=description, aliases=aliases, **options)


_CUSTOMER_REF = _f(
    "customer_id", "text", "The customer's id in your CRM, as in the customers file.",
    "customer external id", "external id", "account id", "account", "customer", "customer code",
    "company id", "crm id", "salesforce id", "hubspot company id", "id cliente", "codice cliente",
    "cliente", "cod cliente", "id azienda", required=True, max_length=64,
)
_SEGMENT_SYNONYMS = (("mid market", "Mid-Market"), ("midmarket", "Mid-Market"), ("mm", "Mid-Market"),
                     ("small business", "SMB"), ("pmi", "SMB"), ("enterprise", "Enterprise"),
                     ("ent", "Enterprise"), ("grandi aziende", "Enterprise"), ("grande impresa", "Enterprise"))
_STATUS_SYNONYMS = (("attivo", "active"), ("in onboarding", "onboarding"), ("cessato", "churned"),
                    ("perso", "churned"), ("lost", "churned"), ("churn", "churned"), ("live", "active"))
_CHURN_KEYS = tuple(vocab.CHURN_REASONS)
_CHURN_SYNONYMS = tuple((label, key) for key, (label, _cat, _ctl) in vocab.CHURN_REASONS.items()) + (
    ("acquisita", "acquired"), ("fallita", "out_of_business"), ("prezzo", "price"),
    ("concorrente", "competitor"), ("taglio budget", "budget_cut"), ("funzionalita mancante", "missing_feature"),
)

ENTITIES: dict[str, EntitySpec] = {
    "customers": EntitySpec("customers", "Customers", "One row per customer company (account).", (
        _f("customer_id", "text", "Your CRM's id for the customer; the key used to update it later.",
           "external id", "account id", "id", "customer code", "company id", "crm id", "record id",
           "salesforce id", "hubspot company id", "id cliente", "codice cliente", "cod cliente", "codice",
           required=True, max_length=64),
        _f("name", "text", "Company name.", "customer name", "account name", "company", "company name",
           "ragione sociale", "nome cliente", "nome", "denominazione", "cliente", required=True, max_length=200),
        _f("segment", "choice", "Customer segment.", "tier", "customer segment", "segmento", "fascia",
           required=True, choices=vocab.SEGMENTS, synonyms=_SEGMENT_SYNONYMS),
        _f("region", "text", "Sales region or country group.", "territory", "country", "area", "regione",
           "zona", "territorio", "paese", required=True, max_length=60),
        _f("industry", "text", "Industry.", "sector", "vertical", "settore", "industria", max_length=80),
        _f("owner", "text", "Customer Success Manager who owns the account.", "csm", "account owner",
           "customer success manager", "owner name", "responsabile", "referente", "gestore", max_length=120),
        _f("plan", "text", "Plan or product tier.", "product", "subscription", "piano", "prodotto",
           "abbonamento", max_length=60),
        _f("signed_on", "date", "Day the contract was signed.", "signed", "signed date", "contract start",
           "start date", "close date", "customer since", "data firma", "data contratto", "data inizio",
           "data sottoscrizione", "cliente dal", required=True, past_only=True),
        _f("contract_term_months", "int", "Contract length in months (default 12).", "term", "contract term",
           "term months", "durata", "durata contratto", "durata mesi", "mesi contratto", minimum=1, maximum=120),
        _f("renewal_date", "date", "Next renewal date (may be in the future).", "renewal", "next renewal",
           "renewal on", "data rinnovo", "rinnovo", "scadenza", "scadenza contratto"),
        _f("arr", "float", "Annual recurring revenue (current, or last before churn).", "annual recurring revenue",
           "annual revenue", "acv", "arr eur", "fatturato annuo", "valore annuo", "canone annuo", minimum=0),
        _f("status", "choice", "onboarding, active or churned (default: churned when churned_on is set, "
           "else active).", "customer status", "account status", "stage", "stato", "stato cliente",
           choices=vocab.CUSTOMER_STATUSES, synonyms=_STATUS_SYNONYMS),
        _f("churned_on", "date", "Day the customer left, empty when still a customer.", "churn date",
           "churned", "cancelled on", "cancellation date", "lost date", "data churn", "data abbandono",
           "data disdetta", "data cessazione", past_only=True),
    )),
    "revenue": EntitySpec("revenue", "Monthly revenue", "One row per customer and month: the monthly "
                          "recurring revenue (MRR) billed.", (
        _CUSTOMER_REF,
        _f("month", "month", "The month.", "period", "billing month", "date", "mese", "periodo",
           "mese competenza", required=True, past_only=True),
        _f("mrr", "float", "Monthly recurring revenue in that month.", "monthly recurring revenue",
           "revenue", "amount", "mrr eur", "ricavo mensile", "canone mensile", "importo", "fatturato",
           required=True, minimum=0),
    )),
    "nps_responses": EntitySpec("nps_responses", "NPS responses", "One row per survey answer; the "
                                "customer may be left empty for anonymous answers.", (
        _f("response_id", "text", "The survey tool's id for the answer; the key used to update it later.",
           "external id", "id", "survey response id", "response", "id risposta", max_length=64),
        FieldSpec(**{**_CUSTOMER_REF.__dict__, "required": False,
                     "description": "The customer's id in your CRM; empty for an anonymous answer."}),
        _f("responded_on", "date", "Day of the answer.", "date", "response date", "submitted", "submitted at",
           "created at", "survey date", "data", "data risposta", "data compilazione", required=True,
           past_only=True),
        _f("score", "int", "Likelihood to recommend, 0 to 10.", "nps", "nps score", "rating", "likelihood",
           "punteggio", "voto", "valutazione", required=True, minimum=0, maximum=10),
        _f("comment", "text", "The verbatim comment.", "feedback", "verbatim", "reason", "comments",
           "commento", "motivazione", "note", max_length=MAX_TEXT_CHARS),
        _f("language", "text", "Language code of the comment (it, en, ...).", "lang", "locale", "lingua",
           max_length=8),
        _f("touchpoint", "choice", "Which survey: relationship (default), onboarding, support or renewal.",
           "survey", "survey type", "channel", "tipo sondaggio", "punto di contatto",
           choices=vocab.NPS_TOUCHPOINTS),
        _f("follow_up_status", "choice", "Closed-loop follow-up status.", "follow up status", "stato follow up",
           choices=vocab.FOLLOW_UP_STATUSES),
        _f("follow_up_owner", "text", "Who follows up.", "follow up owner", "responsabile follow up",
           max_length=120),
        _f("follow_up_due", "date", "Follow-up due date.", "follow up due", "scadenza follow up"),
        _f("follow_up_done_on", "date", "Day the follow-up was done.", "follow up done", "follow up completato",
           past_only=True),
        _f("follow_up_note", "text", "Follow-up notes.", "follow up note", "note follow up",
           max_length=MAX_TEXT_CHARS),
    )),
    "milestones": EntitySpec("milestones", "Milestones", "One row per milestone of a customer's journey "
                             "(reached or only planned).", (
        _CUSTOMER_REF,
        _f("kind", "choice", "kickoff, first_value, activation or success.", "type", "milestone type",
           "tipo", "tipo milestone", required=True, choices=vocab.MILESTONE_KINDS,
           synonyms=(("first value", "first_value"), ("primo valore", "first_value"), ("attivazione", "activation"),
                     ("kick off", "kickoff"), ("avvio", "kickoff"), ("successo", "success"))),
        _f("name", "text", "Name of the milestone (for success milestones).", "milestone", "milestone name",
           "title", "nome", "traguardo", max_length=200),
        _f("reached_on", "date", "Day it was reached; empty when not reached yet.", "reached", "completed on",
           "achieved on", "date", "data raggiungimento", "raggiunto il", "data", past_only=True),
        _f("target_days", "int", "Days after signing by which it should be reached.", "target", "sla days",
           "giorni obiettivo", "obiettivo giorni", minimum=0, maximum=3650),
    )),
    "health_signals": EntitySpec("health_signals", "Health signals", "One row per customer, month and "
                                 "signal: the raw indicator the health score combines.", (
        _CUSTOMER_REF,
        _f("month", "month", "The month.", "period", "date", "mese", "periodo", required=True, past_only=True),
        _f("signal", "choice", "Signal key: " + "; ".join(f"{k} = {v}" for k, v in vocab.HEALTH_SIGNALS.items()),
           "metric", "indicator", "kpi", "segnale", "indicatore", "metrica", required=True,
           choices=tuple(vocab.HEALTH_SIGNALS)),
        _f("value", "float", "The value, in the unit of the signal.", "amount", "valore", required=True),
    )),
    "churn_events": EntitySpec("churn_events", "Churn events", "One row per lost customer: why it left and "
                               "the follow-up call.", (
        _CUSTOMER_REF,
        _f("churned_on", "date", "Day the customer left.", "churn date", "date", "lost date", "data churn",
           "data abbandono", "data disdetta", required=True, past_only=True),
        _f("arr_lost", "float", "Annual recurring revenue lost.", "arr", "lost arr", "revenue lost",
           "arr perso", "valore perso", minimum=0),
        _f("primary_reason", "choice", "Main reason.", "reason", "churn reason", "main reason", "motivo",
           "motivo principale", "causa", choices=_CHURN_KEYS, synonyms=_CHURN_SYNONYMS),
        _f("contributing_reasons", "choices", "Other reasons.", "other reasons", "secondary reasons",
           "altri motivi", "motivi secondari", choices=_CHURN_KEYS, synonyms=_CHURN_SYNONYMS),
        _f("category", "text", "Reason category (default: the primary reason's).", "reason category",
           "categoria", max_length=40),
        _f("controllable", "bool", "Could the company have prevented it? (default: from the reason; only "
           "acquired and out of business are not)", "preventable", "evitabile", "controllabile"),
        _f("reason_confirmed", "bool", "Was the reason confirmed in a call?", "confirmed", "confermato"),
        _f("follow_up_call_on", "date", "Day of the follow-up call (may be planned).", "follow up call",
           "call date", "data chiamata", "chiamata"),
        _f("follow_up_notes", "text", "Notes of the call.", "notes", "call notes", "note", "note chiamata",
           max_length=MAX_TEXT_CHARS),
    )),
    "teams": EntitySpec("teams", "Teams", "One row per team that scores its Social Business maturity.", (
        _f("team", "text", "Team name; the key used to update it later.", "name", "team name", "squadra",
           "nome team", "gruppo", required=True, max_length=120),
        _f("department", "text", "Department.", "dept", "function", "dipartimento", "reparto", "funzione",
           "area", required=True, max_length=80),
        _f("kind", "choice", "customer_facing, internal or leadership.", "type", "team type", "tipo",
           choices=("customer_facing", "internal", "leadership"),
           synonyms=(("customer facing", "customer_facing"), ("a contatto con il cliente", "customer_facing"),
                     ("interno", "internal"), ("direzione", "leadership"))),
    )),
    "assessments": EntitySpec("assessments", "Maturity assessments", "One row per respondent and "
                              "dimension: the stage chosen (1 to 5, half-steps allowed). Rounds are "
                              "created when new; teams must exist.", (
        _f("round", "text", "Assessment round name (e.g. 2026 H1).", "round name", "wave", "campaign",
           "ciclo", "tornata", "edizione", required=True, max_length=120),
        _f("team", "text", "Team name, as in the teams file.", "team name", "squadra", "gruppo",
           required=True, max_length=120),
        _f("respondent", "text", "Who answered (name, e-mail or an anonymous code).", "respondent id",
           "email", "user", "rispondente", "compilatore", required=True, max_length=120),
        _f("role", "choice", "executive, manager or individual_contributor.", "respondent role", "ruolo",
           required=True, choices=vocab.RESPONDENT_ROLES,
           synonyms=(("individual contributor", "individual_contributor"), ("ic", "individual_contributor"),
                     ("dirigente", "executive"), ("responsabile", "manager"), ("collaboratore", "individual_contributor"))),
        _f("submitted_at", "datetime", "When the answers were given.", "submitted", "date", "timestamp",
           "data", "data compilazione", required=True, past_only=True),
        _f("dimension", "choice", "culture, organization, customer_involvement or technology.", "area",
           "dimensione", required=True, choices=vocab.MATURITY_DIMENSIONS,
           synonyms=(("cultura", "culture"), ("organizzazione", "organization"), ("organisation", "organization"),
                     ("customer involvement", "customer_involvement"), ("coinvolgimento clienti", "customer_involvement"),
                     ("coinvolgimento del cliente", "customer_involvement"), ("tecnologia", "technology"))),
        _f("stage", "float", "Stage chosen, 1 to 5 in half-steps.", "score", "level", "stadio", "livello",
           "punteggio", required=True, minimum=1, maximum=5, step=0.5),
        _f("evidence", "text", "Evidence for the stage (a link or a sentence).", "evidenza", "prova",
           max_length=MAX_TEXT_CHARS),
        _f("confidence", "choice", "low, medium or high.", "certainty", "confidenza", "sicurezza",
           choices=vocab.CONFIDENCE_LEVELS, synonyms=(("bassa", "low"), ("media", "medium"), ("alta", "high"))),
        _f("comment", "text", "Comment.", "comments", "commento", "note", max_length=MAX_TEXT_CHARS),
        _f("instrument_version", "text", "Version of the questionnaire (default 1).", "version",
           "questionnaire version", "versione", "versione questionario", max_length=20),
    )),
    "meetings": EntitySpec("meetings", "Meetings", "One row per agenda item (meeting columns repeated on "
                           "each of its rows); a decision can sit on the row of its item. Re-importing a "
                           "meeting replaces its agenda and decisions.", (
        _f("meeting_id", "text", "Id of the meeting (from the minutes tool, or date + department); the key "
           "used to update it later.", "external id", "id", "meeting", "id riunione", "codice riunione",
           "verbale", required=True, max_length=64),
        _f("held_on", "date", "Day of the meeting.", "date", "meeting date", "data", "data riunione",
           required=True, past_only=True),
        _f("department", "text", "Department holding the meeting.", "dept", "team", "function", "dipartimento",
           "reparto", "funzione", required=True, max_length=80),
        _f("meeting_type", "choice", "board, executive, department, project or other.", "type", "kind",
           "tipo", "tipo riunione", required=True, choices=vocab.MEETING_TYPES,
           synonyms=(("cda", "board"), ("consiglio", "board"), ("direzione", "executive"),
                     ("reparto", "department"), ("progetto", "project"), ("altro", "other"))),
        _f("title", "text", "Title of the meeting.", "meeting title", "subject", "titolo", "oggetto",
           max_length=200),
        _f("duration_minutes", "int", "Length in minutes.", "duration", "minutes", "length", "durata",
           "durata minuti", required=True, minimum=1, maximum=24 * 60),
        _f("attendees", "int", "Number of people present.", "participants", "partecipanti", "presenti",
           minimum=0, maximum=100_000),
        _f("customer_item_filled", "bool", "Was the customer item of the minutes filled?",
           "customer item", "voce cliente", "voce cliente compilata", "punto cliente"),
        _f("customer_item_text", "text", "What the customer item says.", "customer item text",
           "testo voce cliente", "impatto sul cliente", max_length=MAX_TEXT_CHARS),
        _f("item_position", "int", "Position of the agenda item (1, 2, ...).", "position", "order",
           "item number", "posizione", "ordine", "numero punto", minimum=0, maximum=10_000),
        _f("item_title", "text", "Agenda item.", "agenda item", "topic", "punto", "punto all'ordine del giorno",
           "argomento", "ordine del giorno", max_length=300),
        _f("item_minutes", "float", "Minutes spent on the item.", "item duration", "time", "minuti",
           "durata punto", minimum=0, maximum=24 * 60),
        _f("item_relevance", "choice", "none, indirect or direct: is the item about the customer?",
           "relevance", "customer relevance", "rilevanza", "rilevanza cliente",
           choices=vocab.AGENDA_RELEVANCE,
           synonyms=(("nessuna", "none"), ("indiretta", "indirect"), ("diretta", "direct"))),
        _f("decision", "text", "A decision taken on this item.", "decision text", "decisione", "delibera",
           max_length=MAX_TEXT_CHARS),
        _f("cx_impact", "choice", "favours, neutral or worsens the customer's experience.", "impact",
           "customer impact", "impatto", "impatto cx",
           choices=vocab.CX_IMPACTS,
           synonyms=(("favours", "favours"), ("favors", "favours"), ("positive", "favours"), ("favorevole", "favours"),
                     ("neutro", "neutral"), ("neutrale", "neutral"), ("negative", "worsens"), ("peggiora", "worsens"),
                     ("sfavorevole", "worsens"))),
    )),
}

#: What the command line and the page accept besides the entities: a whole-database export.
ARCHIVE = "archive"


def _norm(text: Any) -> str:
    """Lower-case, accents removed, every run of non-alphanumerics one space."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


# ============================================================================================
# Problems and reports
# ============================================================================================


@dataclass(frozen=True)
class Problem:
    """One reason a file cannot be imported as it is. ``row`` is the row number a spreadsheet shows
    (the header is row 1); ``None`` for problems of the whole file."""

    row: int | None
    column: str | None
    value: str
    reason: str
    kind: str


@dataclass
class ImportReport:
    """What a dry run found, or what a commit wrote."""

    entity: str
    source_file: str
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_counts: Counter = field(default_factory=Counter)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    committed: bool = False
    dry_run: bool = True
    file_format: dict[str, str] = field(default_factory=dict)
    mapping: dict[str, str | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    raw: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        """True when there is nothing to fix."""
        return not self.problem_counts

    @property
    def problem_total(self) -> int:
        return sum(self.problem_counts.values())

    def add(self, row: int | None, column: str | None, value: Any, reason: str, kind: str) -> None:
        self.problem_counts[kind] += 1
        if len(self.problems) < MAX_PROBLEMS_LISTED:
            self.problems.append(Problem(row, column, _shorten(value), reason, kind))

    def problems_frame(self) -> pd.DataFrame:
        """Problems as a table (``row``, ``column``, ``value``, ``reason``, ``kind``), whole-file ones
        first, then by row."""
        ordered = sorted(self.problems, key=lambda p: -1 if p.row is None else p.row)
        return pd.DataFrame(
            [p.__dict__ for p in ordered], columns=["row", "column", "value", "reason", "kind"]
        ).astype({"row": "Int64"})

    def problem_groups(self) -> pd.DataFrame:
        """Problems counted by kind (``kind``, ``problems``), most frequent first."""
        return pd.DataFrame(self.problem_counts.most_common(), columns=["kind", "problems"])

    def problem_rows_csv(self) -> bytes:
        """The rows of the file that have problems, as read, with a ``problems`` column (UTF-8 CSV)."""
        reasons: dict[int, list[str]] = {}
        for p in self.problems:
            if p.row is not None:
                reasons.setdefault(p.row, []).append(f"{p.column}: {p.reason}" if p.column else p.reason)
        if self.raw is None or not reasons:
            frame = self.problems_frame()
        else:
            frame = self.raw.loc[self.raw.index.isin(list(reasons))].copy()
            frame.insert(0, "row", frame.index)
            frame["problems"] = [" | ".join(reasons[i]) for i in frame.index]
        buffer = io.StringIO()
        frame.map(_neutralise).to_csv(buffer, index=False)
        return buffer.getvalue().encode("utf-8-sig")

    def summary(self) -> str:
        """One paragraph for a person (and the command line)."""
        name = f"{self.source_file}: " if self.source_file else ""
        if not self.ok:
            kinds = ", ".join(f"{n} × {k}" for k, n in self.problem_counts.most_common())
            return (f"{name}{self.problem_total:,} problem{'s' * (self.problem_total != 1)} ({kinds}). "
                    "Nothing was written; fix the file and check it again.")
        verb = "would insert" if not self.committed else "inserted"
        verb2 = "would update" if not self.committed else "updated"
        return (f"{name}{self.rows:,} rows read, no problems: {verb} {self.inserted:,}, {verb2} "
                f"{self.updated:,}, {self.unchanged:,} already identical.")


def _shorten(value: Any, limit: int = 120) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with a quote (CSV exports only)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r", "'"):
        return "'" + value
    return value


# ============================================================================================
# Reading files
# ============================================================================================


@dataclass
class RawTable:
    """A file read as text cells: ``frame`` has one string column per header, indexed by row number."""

    frame: pd.DataFrame
    file_format: dict[str, str]


def read_table(data: bytes, filename: str, report: ImportReport, *, max_bytes: int = MAX_FILE_BYTES,
               entity: str | None = None) -> RawTable | None:
    """Read CSV or XLSX bytes into text cells; file-level problems go to ``report`` (None returned).

    Example
    -------
    >>> r = ImportReport("teams", "t.csv")
    >>> t = read_table("Team;Reparto\\nVendite Nord;Sales\\n".encode("cp1252"), "t.csv", r)
    >>> list(t.frame.columns), t.frame.loc[2, "Team"], t.file_format["separator"]
    (['Team', 'Reparto'], 'Vendite Nord', ';')
    """
    suffix = Path(filename or "").suffix.lower()
    size = len(data or b"")
    if size > max_bytes:
        report.add(None, None, f"{size / 1e6:,.1f} MB",
                   f"The file is larger than the limit of {max_bytes / 1e6:,.0f} MB. Split it into smaller "
                   "files (for example one per year) and import them one after the other.", "file too large")
        return None
    if size == 0 or not (data or b"").strip(b"\x00\r\n\t \xef\xbb\xbf"):
        report.add(None, None, filename, "The file is empty. Export the data again, with a header row.",
                   "empty file")
        return None
    is_zip = data[:4] == b"PK\x03\x04"
    if suffix == ".xls" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        report.add(None, None, filename, "This is an old Excel (.xls) workbook. Open it in Excel or "
                   "LibreOffice and save it as .xlsx or as CSV.", "wrong file type")
        return None
    if suffix in WORKBOOK_EXTENSIONS or (is_zip and suffix not in TEXT_EXTENSIONS and not suffix):
        if not is_zip:
            report.add(None, None, filename, f"The file is named {suffix} but is not an Excel workbook. "
                       "If it is a CSV, rename it to .csv; otherwise save it again from Excel as .xlsx.",
                       "wrong file type")
            return None
        return _read_xlsx(data, report, entity)
    if suffix not in TEXT_EXTENSIONS and suffix:
        report.add(None, None, filename, f"Files ending in {suffix} cannot be imported. Save the data as "
                   "CSV (.csv) or as an Excel workbook (.xlsx).", "wrong file type")
        return None
    if is_zip:
        report.add(None, None, filename, "The file is named .csv but is a ZIP or Excel workbook. Rename an "
                   "Excel file to .xlsx, or save it as CSV.", "wrong file type")
        return None
    text, encoding = _decode(data, report)
    if text is None:
        return None
    return _read_csv_text(text, encoding, report)


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _decode(data: bytes, report: ImportReport) -> tuple[str | None, str]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            report.add(None, None, "", "The file starts like UTF-16 text but is damaged. Save it again as "
                       "CSV UTF-8.", "encoding")
            return None, ""
    head = data[:65536]
    if b"\x00" in head or _control_share(head) > 0.05:
        report.add(None, None, _shorten(head[:40].decode("latin-1"), 40),
                   "This is not a text (CSV) file: it holds binary data. Export the data as CSV or XLSX.",
                   "not a table")
        return None, ""
    if data.startswith(b"\xef\xbb\xbf"):
        data, bom = data[3:], True
    else:
        bom = False
    try:
        return data.decode("utf-8"), "UTF-8 with BOM" if bom else "UTF-8"
    except UnicodeDecodeError:
        pass
    if bom or _UTF8_MULTIBYTE.search(data):
        # Part of the file is UTF-8 and part is not: find the rows that are not.
        bad = []
        for number, line in enumerate(data.split(b"\n"), start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                bad.append(number)
        for number in bad[:50]:
            report.add(number, None, data.split(b"\n")[number - 1][:80].decode("cp1252", "replace"),
                       "This row is in a different text encoding than the rest of the file (mixed UTF-8 and "
                       "Latin-1/Windows). Save the whole file again as CSV UTF-8.", "mixed encoding")
        if len(bad) > 50:
            report.problem_counts["mixed encoding"] += len(bad) - 50
        return None, ""
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def _control_share(data: bytes) -> float:
    if not data:
        return 0.0
    controls = sum(1 for b in data if b < 32 and b not in (9, 10, 13))
    return controls / len(data)


def _sniff_separator(text: str) -> str:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    best, best_score = ",", -1.0
    for sep in (";", "\t", ",", "|"):
        counts = [_count_outside_quotes(line, sep) for line in lines]
        if not counts or counts[0] == 0:
            continue
        consistent = sum(1 for c in counts if c == counts[0]) / len(counts)
        score = consistent * 10 + min(counts[0], 50) / 50
        if score > best_score:
            best, best_score = sep, score
    return best


def _count_outside_quotes(line: str, sep: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == sep and not quoted:
            count += 1
    return count


def _read_csv_text(text: str, encoding: str, report: ImportReport) -> RawTable | None:
    if "\x00" in text:
        text = text.replace("\x00", "")
    separator = _sniff_separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=False)
    header: list[str] | None = None
    header_row = 0
    rows: list[list[str]] = []
    numbers: list[int] = []
    width = 0
    try:
        for record in reader:
            if header is None:
                if any(cell.strip() for cell in record):
                    header, header_row, width = record, reader.line_num, len(record)
                continue
            n = len(record)
            if n == width:
                rows.append(record)
                numbers.append(reader.line_num)
                continue
            if n == 0:  # a blank line
                continue
            line = reader.line_num
            if n > width:
                extra = [c for c in record[width:] if c.strip()]
                if extra:
                    report.add(line, None, separator.join(record)[:120],
                               f"This row has {n} values but the header has {width} columns. A value "
                               f"that contains the separator ({_sep_name(separator)}) must be in double quotes.",
                               "wrong number of values")
                    continue
                record = record[:width]
            else:
                record = record + [""] * (width - n)
            rows.append(record)
            numbers.append(line)
    except csv.Error as exc:
        report.add(reader.line_num, None, "", f"The CSV cannot be read here ({exc}). Check the quotes on this "
                   "row.", "not a table")
        return None
    if header is None:
        report.add(None, None, "", "The file has no header row. Start the file with one row of column names "
                   "(download a template to see them).", "empty file")
        return None
    frame = _frame(header, rows, numbers, report, nbsp="\u00a0" in text)
    if frame is None:
        return None
    if frame.empty and report.ok:
        report.add(None, None, "", "The file has a header but no data rows.", "no rows")
    return RawTable(frame, {"type": "CSV", "encoding": encoding, "separator": separator,
                            "header row": str(header_row)})


def _sep_name(sep: str) -> str:
    return {";": "semicolon", ",": "comma", "\t": "tab", "|": "vertical bar"}.get(sep, sep)


def _frame(header: Sequence[Any], rows: list[list[str]], numbers: list[int], report: ImportReport,
           *, nbsp: bool = True) -> pd.DataFrame | None:
    """Text cells (stripped) in one column per header name; rows that are entirely empty are dropped."""
    names: list[str] = []
    seen: Counter = Counter()
    for i, raw in enumerate(header):
        name = _clean(raw) or f"column {i + 1}"
        seen[name] += 1
        if seen[name] > 1:
            name = f"{name} ({seen[name]})"
        names.append(name)
    if not names:
        report.add(None, None, "", "The header row is empty.", "empty file")
        return None
    columns = list(zip(*rows)) if rows else [() for _ in names]
    data = {}
    for name, cells in zip(names, columns):
        if nbsp:
            data[name] = [c.replace("\u00a0", " ").strip() for c in cells]
        else:
            data[name] = [c.strip() for c in cells]
    frame = pd.DataFrame(data, index=pd.Index(numbers, name="row"), columns=names, dtype=object)
    if len(frame):
        blank = (frame == "").all(axis=1).to_numpy()
        if blank.any():
            frame = frame.loc[~blank]
    return frame


def _clean(value: Any) -> str:
    if value is None:
        return ""
    text = str(value).replace("\u00a0", " ").replace("\x00", "")
    return text.strip()


def _read_xlsx(data: bytes, report: ImportReport, entity: str | None) -> RawTable | None:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # corrupt archives raise many different errors
        report.add(None, None, "", f"The workbook cannot be opened ({type(exc).__name__}). Save it again "
                   "from Excel as .xlsx, or export the sheet as CSV.", "not a table")
        return None
    try:
        best: tuple[int, Any] | None = None
        for sheet in workbook.worksheets:
            header = next(sheet.iter_rows(min_row=1, max_row=20, values_only=True), None)
            if header is None:
                continue
            names = [_clean(v) for v in header]
            score = len(_matched(entity, names)) if entity in ENTITIES else 0
            if best is None or score > best[0]:
                best = (score, sheet)
        if best is None:
            report.add(None, None, "", "The workbook has no sheet with data.", "empty file")
            return None
        sheet = best[1]
        header: list[str] | None = None
        header_row = 0
        rows: list[list[str]] = []
        numbers: list[int] = []
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            values = []
            for cell in cells:
                if getattr(cell, "data_type", None) == "f":
                    column = header[len(values)] if header and len(values) < len(header) else f"column {len(values) + 1}"
                    report.add(number, column, cell.value, "The cell holds a formula; formulas are not run on "
                               "import. Copy the column and paste it as values, then import again.", "formula")
                    values.append("")
                    continue
                values.append(_cell_text(cell.value))
            if header is None:
                if not any(values):
                    continue
                while values and not values[-1]:
                    values.pop()
                header, header_row = values, number
                continue
            if not any(values):
                continue
            values = (values + [""] * len(header))[: len(header)]
            rows.append(values)
            numbers.append(number)
            if len(rows) > 2_000_000:
                report.add(None, None, "", "The sheet has more than 2,000,000 rows. Split it into several files.",
                           "file too large")
                return None
    finally:
        workbook.close()
    if header is None:
        report.add(None, None, "", "The sheet is empty. Put a header row and data in the first sheet.", "empty file")
        return None
    frame = _frame(header, rows, numbers, report)
    if frame is None:
        return None
    if frame.empty and report.ok:
        report.add(None, None, "", "The sheet has a header but no data rows.", "no rows")
    return RawTable(frame, {"type": "XLSX", "sheet": sheet.title, "header row": str(header_row)})


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return _clean(value)


def preview(data: bytes, filename: str, entity: str, *, max_bytes: int = MAX_FILE_BYTES) -> tuple[list[str], ImportReport]:
    """The columns of a file and the problems found just reading it (for choosing the mapping).

    Example
    -------
    >>> columns, report = preview(b"Cliente;Mese;MRR\\nC1;2026-01;10\\n", "r.csv", "revenue")
    >>> columns, report.ok, report.rows
    (['Cliente', 'Mese', 'MRR'], True, 1)
    """
    report = ImportReport(entity, filename or "")
    if entity == ARCHIVE:
        return [], report
    try:
        raw = read_table(data, filename or "", report, max_bytes=max_bytes, entity=entity)
    except Exception as exc:  # the dry run reports the same file in detail
        report.add(None, None, "", f"The file could not be read ({type(exc).__name__}).", "internal")
        return [], report
    if raw is None:
        return [], report
    report.rows = len(raw.frame)
    report.file_format = raw.file_format
    report.mapping = auto_mapping(entity, list(raw.frame.columns))
    return list(raw.frame.columns), report


# ============================================================================================
# Mapping
# ============================================================================================


def _matched(entity: str | None, columns: Iterable[str]) -> dict[str, str]:
    if entity not in ENTITIES:
        return {}
    return {k: v for k, v in auto_mapping(entity, list(columns)).items() if v}


def auto_mapping(entity: str, columns: Sequence[str]) -> dict[str, str | None]:
    """Match each field of ``entity`` to a column of the file by name or known alias.

    Returns field name -> column (None when no column matches). A column is used once.

    Example
    -------
    >>> auto_mapping("revenue", ["Codice cliente", "Mese", "Canone mensile", "Note"])
    {'customer_id': 'Codice cliente', 'month': 'Mese', 'mrr': 'Canone mensile'}
    """
    spec = ENTITIES[entity]
    normalised = {column: _norm(column) for column in columns}
    taken: set[str] = set()
    result: dict[str, str | None] = {}
    # Exact field names first, then aliases in order of preference.
    for pass_ in (0, 1):
        for f in spec.fields:
            if result.get(f.name):
                continue
            names = [_norm(f.name)] if pass_ == 0 else [_norm(a) for a in f.aliases]
            for name in names:
                hit = next((c for c, n in normalised.items() if n == name and c not in taken), None)
                if hit:
                    result[f.name] = hit
                    taken.add(hit)
                    break
    return {f.name: result.get(f.name) for f in spec.fields}


def check_mapping(entity: str, mapping: dict[str, str | None], columns: Sequence[str], report: ImportReport) -> None:
    """Report required fields without a column, and columns that do not exist in the file."""
    spec = ENTITIES[entity]
    used = [c for c in mapping.values() if c]
    for f in spec.fields:
        column = mapping.get(f.name)
        if column and column not in columns:
            report.add(None, f.name, column, f"The mapping uses the column {column!r}, which is not in the file.",
                       "missing column")
        elif not column and f.required:
            report.add(None, f.name, "", f"No column holds the required field {f.name!r} ({f.description}) "
                       f"Rename a column to {f.name!r} or choose it in the mapping. The file's columns are: "
                       f"{', '.join(columns[:20])}.", "missing column")
    for column, n in Counter(used).items():
        if n > 1:
            report.add(None, column, column, "The same column is mapped to two fields; map each field to its "
                       "own column.", "missing column")


# ============================================================================================
# Parsing values (each returns parsed values and a problem reason per bad value)
# ============================================================================================

_NUMBER_CHARS = re.compile(r"[\s€$£%']|EUR|USD", re.IGNORECASE)
_THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")


def parse_number(text: str, decimal: str = ".") -> float | None:
    """A number written the Italian or the English way; None when it is not a number.

    Example
    -------
    >>> parse_number("1.234,50", ","), parse_number("1,234.50"), parse_number("12,5", ","), parse_number("x")
    (1234.5, 1234.5, 12.5, None)
    """
    s = _NUMBER_CHARS.sub("", text)
    if not s:
        return None
    if s.startswith("(") and s.endswith(")"):
        s = "-" + s[1:-1]
    if "," in s and "." in s:
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif "," in s:
        if decimal == "." and _THOUSANDS_COMMA.match(s):
            s = s.replace(",", "")
        else:
            s = s.replace(",", ".")
    elif "." in s and decimal == "," and _THOUSANDS_DOT.match(s):
        s = s.replace(".", "")
    try:
        value = float(s)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def column_decimal(values: Iterable[str], hint: str = ".") -> str:
    """``","`` when the column writes decimals with a comma (``12,5``), else ``"."``."""
    comma = dot = 0
    for v in values:
        s = _NUMBER_CHARS.sub("", v)
        if re.fullmatch(r"[+-]?\d*,\d+", s) and not _THOUSANDS_COMMA.match(s):
            comma += 1
        elif re.fullmatch(r"[+-]?\d*\.\d+", s) and not _THOUSANDS_DOT.match(s):
            dot += 1
        elif re.fullmatch(r"[+-]?[\d.]*\d,\d+", s):
            comma += 1
        elif re.fullmatch(r"[+-]?[\d,]*\d\.\d+", s):
            dot += 1
    if comma or dot:
        return "," if comma > dot else "."
    return hint


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")
_SLASH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:[ T,]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$")
_YMD_SLASH = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_MONTH_ONLY = re.compile(r"^(?:(\d{4})[-/.](\d{1,2})|(\d{1,2})[-/.](\d{4}))$")
_SERIAL = re.compile(r"^\d{1,7}(?:\.\d+)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def day_first(values: Iterable[str]) -> bool:
    """False only when some ``a/b/yyyy`` value has ``b`` > 12 and none has ``a`` > 12 (US order)."""
    first_big = second_big = False
    for v in values:
        match = _SLASH_DATE.match(v)
        if match:
            a, b = int(match.group(1)), int(match.group(2))
            first_big |= a > 12
            second_big |= b > 12
    return not (second_big and not first_big)


def parse_date(text: str, *, dayfirst: bool = True, month: bool = False) -> tuple[dt.datetime | None, str]:
    """Parse one date; returns (value, "") or (None, reason).

    Example
    -------
    >>> parse_date("31/03/2026")[0].date(), parse_date("2026-03-31")[0].date(), parse_date("46112")[0].date()
    (datetime.date(2026, 3, 31), datetime.date(2026, 3, 31), datetime.date(2026, 3, 31))
    """
    s = text.strip()
    try:
        if match := _ISO_DATE.match(s):
            y, mo, d = int(match.group(1)), int(match.group(2)), int(match.group(3))
            hh, mm, ss = (int(match.group(i) or 0) for i in (4, 5, 6))
            value = dt.datetime(y, mo, d, hh, mm, ss)
            if match.group(7):
                tz = match.group(7)
                offset = dt.timedelta(0) if tz == "Z" else dt.timedelta(
                    hours=int(tz[1:3]), minutes=int(tz[-2:])) * (1 if tz[0] == "+" else -1)
                value = (value - offset)
            return value, ""
        if match := _SLASH_DATE.match(s):
            a, b, y = int(match.group(1)), int(match.group(2)), match.group(3)
            year = int(y) if len(y) == 4 else 2000 + int(y) if int(y) < 70 else 1900 + int(y)
            d, mo = (a, b) if dayfirst else (b, a)
            hh, mm, ss = (int(match.group(i) or 0) for i in (4, 5, 6))
            return dt.datetime(year, mo, d, hh, mm, ss), ""
        if match := _YMD_SLASH.match(s):
            return dt.datetime(int(match.group(1)), int(match.group(2)), int(match.group(3))), ""
        if month and (match := _MONTH_ONLY.match(s)):
            y, mo = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
            return dt.datetime(int(y), int(mo), 1), ""
        if _SERIAL.match(s):
            serial = float(s)
            if 1 <= serial < 2_958_466:
                return dt.datetime.combine(_EXCEL_EPOCH, dt.time()) + dt.timedelta(days=serial), ""
    except (ValueError, OverflowError):
        return None, "is not a real calendar date (check day and month)"
    expected = "2026-03-31, 31/03/2026 or an Excel date" if not month else "2026-03, 03/2026 or a date"
    return None, f"is not a date; write it as {expected}"


_TRUE = {"1", "true", "yes", "y", "si", "s", "x", "vero", "t", "ok", "filled", "compilato", "compilata"}
_FALSE = {"0", "false", "no", "n", "falso", "f", "", "empty", "vuoto", "non compilato", "non compilata"}


def parse_bool(text: str) -> bool | None:
    """yes/no in English or Italian (also 1/0, true/false, x); None when unclear.

    Example
    -------
    >>> parse_bool("Sì"), parse_bool("no"), parse_bool("maybe")
    (True, False, None)
    """
    s = _norm(text)
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    return None


def _choice_lookup(f: FieldSpec) -> dict[str, str]:
    lookup = {_norm(c): c for c in f.choices}
    lookup.update({_norm(c).replace(" ", ""): c for c in f.choices})
    for spelling, canonical in f.synonyms:
        lookup.setdefault(_norm(spelling), canonical)
    return lookup


# ============================================================================================
# Validation: file cells -> typed values, with problems
# ============================================================================================


def _typed_column(f: FieldSpec, raw: pd.Series, column: str, report: ImportReport, today: dt.date,
                  decimal_hint: str) -> pd.Series:
    """Parse one column; bad values become None and a problem each."""
    out = pd.Series([None] * len(raw), index=raw.index, dtype=object)
    present = raw != ""
    if f.required:
        for row in raw.index[~present]:
            report.add(int(row), column, "", f"{f.name} is required: fill it in ({f.format_hint()}).",
                       "missing required value")
    values = raw[present]
    if values.empty:
        return out
    uniques = pd.unique(values.to_numpy())
    parsed: dict[str, tuple[Any, str]] = {}
    if f.kind == "text":
        limit = f.max_length or MAX_TEXT_CHARS
        for u in uniques:
            parsed[u] = (u, "") if len(u) <= limit else (None, f"is {len(u):,} characters long; the limit is {limit:,}. "
                                                         "Shorten it.")
    elif f.kind in ("int", "float"):
        decimal = column_decimal(uniques[:2000], decimal_hint)
        for u in uniques:
            number = parse_number(u, decimal)
            if number is None:
                parsed[u] = (None, f"is not a number ({f.format_hint()})")
            elif f.kind == "int" and number != int(number):
                parsed[u] = (None, "must be a whole number")
            elif f.minimum is not None and number < f.minimum or f.maximum is not None and number > f.maximum:
                parsed[u] = (None, f"is out of range ({f.format_hint()})")
            elif f.step and abs(number / f.step - round(number / f.step)) > 1e-9:
                parsed[u] = (None, f"must be in steps of {_num(f.step)} (for example 2 or 2.5)")
            else:
                parsed[u] = (int(number) if f.kind == "int" else float(number), "")
    elif f.kind in ("date", "datetime", "month"):
        dayfirst = day_first(uniques[:5000])
        for u in uniques:
            value, reason = parse_date(u, dayfirst=dayfirst, month=f.kind == "month")
            if value is None:
                parsed[u] = (None, reason)
                continue
            day = value.date()
            if f.kind == "month":
                day = day.replace(day=1)
            if day < EARLIEST_DATE:
                parsed[u] = (None, f"is before {EARLIEST_DATE.year}: check the year")
            elif f.past_only and day > today:
                parsed[u] = (None, f"is in the future (after {today.isoformat()}); events can only be imported "
                                   "once they happened")
            elif day.year > today.year + 50:
                parsed[u] = (None, "is too far in the future: check the year")
            elif f.kind == "datetime":
                parsed[u] = (value.replace(tzinfo=dt.UTC), "")
            else:
                parsed[u] = (day, "")
    elif f.kind == "bool":
        for u in uniques:
            value = parse_bool(u)
            parsed[u] = (value, "") if value is not None else (None, "is not yes or no (also true/false, sì/no, 1/0)")
    elif f.kind in ("choice", "choices"):
        lookup = _choice_lookup(f)
        for u in uniques:
            parts = [u] if f.kind == "choice" else [p for p in re.split(r"[;,|]", u) if p.strip()]
            keys = [lookup.get(_norm(p)) or lookup.get(_norm(p).replace(" ", "")) for p in parts]
            if any(k is None for k in keys):
                unknown = next(p for p, k in zip(parts, keys) if k is None)
                parsed[u] = (None, f"{unknown.strip()!r} is not a known value; use one of: {', '.join(f.choices)}")
            else:
                parsed[u] = (keys[0] if f.kind == "choice" else ";".join(dict.fromkeys(keys)), "")
    # Plain Python objects (no pandas type inference: ints stay ints, None stays None).
    out = pd.Series([None] * len(raw), index=raw.index, dtype=object)
    present_values = values.tolist()
    positions = raw.index.get_indexer(values.index)
    cells = out.to_numpy(dtype=object, copy=True)
    for position, u in zip(positions, present_values):
        cells[position] = parsed[u][0]
    out = pd.Series(cells, index=raw.index, dtype=object)
    for u, (value, reason) in parsed.items():
        if reason:
            for row in values.index[values.to_numpy() == u]:
                report.add(int(row), column, u, f"{f.name} {reason}.", _kind_of(reason))
    return out


def _kind_of(reason: str) -> str:
    for needle, kind in (("out of range", "out of range"), ("steps of", "out of range"),
                         ("future", "date in the future"), ("not a date", "bad date"), ("calendar", "bad date"),
                         ("before 19", "bad date"), ("not a number", "wrong type"), ("whole number", "wrong type"),
                         ("yes or no", "wrong type"),
                         ("characters long", "too long"), ("not a known value", "unknown value")):
        if needle in reason:
            return kind
    return "bad value"


@dataclass
class _Parsed:
    spec: EntitySpec
    values: pd.DataFrame  # one column per mapped field, typed; index = row numbers
    mapping: dict[str, str | None]

    def has(self, name: str) -> bool:
        return bool(self.mapping.get(name))


def _parse(entity: str, raw: RawTable, mapping: dict[str, str | None], report: ImportReport,
           today: dt.date) -> _Parsed:
    spec = ENTITIES[entity]
    hint = "," if raw.file_format.get("separator") in (";", "\t") else "."
    columns = {}
    for f in spec.fields:
        source = mapping.get(f.name)
        if source and source in raw.frame.columns:
            columns[f.name] = _typed_column(f, raw.frame[source], source, report, today, hint)
    values = pd.DataFrame(columns, index=raw.frame.index)
    return _Parsed(spec, values, mapping)


def _column_of(parsed: _Parsed, name: str) -> str:
    return parsed.mapping.get(name) or name


# ============================================================================================
# Entity rules: typed rows -> table rows, with references and keys
# ============================================================================================


@dataclass
class _Writes:
    """What an entity import would write: upserts per table, in order, and child replacements."""

    steps: list[tuple[Any, list[dict[str, Any]], tuple[str, ...]]] = field(default_factory=list)
    custom: Callable[[Connection, ImportReport, Progress | None, bool], None] | None = None


def _ids(conn: Connection, column: Any, key: Any, values: Iterable[Any]) -> dict[Any, int]:
    wanted = {v for v in values if v is not None}
    if not wanted:
        return {}
    out: dict[Any, int] = {}
    wanted_list = list(wanted)
    for start in range(0, len(wanted_list), 20_000):
        chunk = wanted_list[start:start + 20_000]
        for k, i in conn.execute(select(key, column).where(key.in_(chunk))):
            out[k] = i
    return out


def _resolve_customers(conn: Connection, parsed: _Parsed, report: ImportReport, *, required: bool = True) -> pd.Series:
    refs = parsed.values.get("customer_id")
    if refs is None:
        return pd.Series([None] * len(parsed.values), index=parsed.values.index, dtype=object)
    known = _ids(conn, m.Customer.id, m.Customer.external_id, refs.dropna().unique())
    column = _column_of(parsed, "customer_id")
    resolved = pd.Series([known.get(r) if r is not None else None for r in refs], index=refs.index, dtype=object)
    missing = refs.notna() & resolved.isna()
    for row in refs.index[missing.to_numpy()]:
        report.add(int(row), column, refs[row], "No customer has this id. Import the customers file first, or "
                   "correct the id (it must match customer_id in the customers file).", "unknown customer")
    return resolved


def _duplicates(parsed: _Parsed, keys: Sequence[str], report: ImportReport, label: str,
                frame: pd.DataFrame | None = None, none_is_value: Sequence[str] = ()) -> pd.Series:
    """Mark rows whose key repeats an earlier row of the same file (problem on the later rows).

    Rows missing part of the key are not compared, except for the fields in ``none_is_value``
    (an empty value there is a value of its own, e.g. a milestone without a name)."""
    frame = parsed.values if frame is None else frame
    if frame.empty:
        return pd.Series(False, index=frame.index)
    frame = frame.copy()
    for k in keys:
        if k not in frame.columns:
            if k not in none_is_value:
                return pd.Series(False, index=frame.index)
            frame[k] = None
        if k in none_is_value:
            frame[k] = frame[k].astype(object).where(frame[k].notna(), "∅")
    complete = frame[list(keys)].notna().all(axis=1) if len(keys) else pd.Series(True, index=frame.index)
    keyed = frame.loc[complete, list(keys)].astype(str)
    dup = keyed.duplicated(keep="first")
    if dup.any():
        first = {}
        for row, key in zip(keyed.index, map(tuple, keyed.to_numpy())):
            if key not in first:
                first[key] = row
            elif dup[row]:
                report.add(int(row), ", ".join(_column_of(parsed, k) for k in keys), " / ".join(key),
                           f"Duplicate {label}: the same as row {first[key]}. Keep one of the two rows.",
                           "duplicate key")
    return dup.reindex(frame.index, fill_value=False)


def _rows(parsed: _Parsed, mapping: dict[str, str], extra: dict[str, Any] | None = None,
          defaults: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Table rows from the typed values: ``mapping`` is field -> table column (mapped fields only)."""
    fields = [f for f in mapping if parsed.has(f) and f in parsed.values.columns]
    frame = parsed.values
    out = []
    extra_cols = {k: (list(v) if isinstance(v, pd.Series) else v) for k, v in (extra or {}).items()}
    lists = {f: frame[f].tolist() for f in fields}
    for i in range(len(frame)):
        row = {mapping[f]: lists[f][i] for f in fields}
        for k, v in extra_cols.items():
            row[k] = v[i] if isinstance(v, list) else v
        for k, v in (defaults or {}).items():
            if row.get(k) is None:
                row[k] = v
        out.append(row)
    return out


def _plan_customers(conn, parsed, report, today):
    _duplicates(parsed, ["customer_id"], report, "customer id")
    v = parsed.values
    if "churned_on" in v and "signed_on" in v:
        for row in v.index[(v["churned_on"].notna() & v["signed_on"].notna()).to_numpy()]:
            if v.at[row, "churned_on"] < v.at[row, "signed_on"]:
                report.add(int(row), _column_of(parsed, "churned_on"), v.at[row, "churned_on"],
                           "churned_on is before signed_on; check both dates.", "bad date")
    if "status" in v:
        churned_no_date = (v["status"] == "churned") & (v["churned_on"].isna() if "churned_on" in v else True)
        for row in v.index[churned_no_date.to_numpy()]:
            report.add(int(row), _column_of(parsed, "churned_on"), "", "status is churned but churned_on is "
                       "empty: give the day the customer left.", "missing required value")
    status = None
    if not parsed.has("status") and parsed.has("churned_on"):
        status = ["churned" if d is not None else "active" for d in v["churned_on"]]
    names = {f.name: f.name for f in parsed.spec.fields}
    names["customer_id"] = "external_id"
    rows = _rows(parsed, names, extra={"status": status} if status else None)
    return _Writes(steps=[(m.Customer, rows, ("external_id",))]), {"contract_term_months": 12, "arr": 0.0,
                                                                   "status": "active"}


def _plan_simple(table, key_fields: Sequence[str], label: str, customer: str = "required",
                 names: dict[str, str] | None = None, defaults: dict[str, Any] | None = None,
                 check: Callable | None = None, none_is_value: Sequence[str] = ()):
    def plan(conn, parsed, report, today):
        extra = {}
        if customer != "none":
            ids = _resolve_customers(conn, parsed, report)
            extra["customer_id"] = ids.tolist()
        if check:
            check(parsed, report)
        _duplicates(parsed, key_fields, report, label, none_is_value=none_is_value)
        mapping = {f.name: f.name for f in parsed.spec.fields if f.name != "customer_id"}
        mapping.update(names or {})
        rows = _rows(parsed, mapping, extra=extra)
        table_key = tuple((names or {}).get(k, k) for k in key_fields)
        return _Writes(steps=[(table, rows, table_key)]), dict(defaults or {})
    return plan


def _check_churn(parsed: _Parsed, report: ImportReport) -> None:
    v = parsed.values
    if "primary_reason" in v:
        reasons = v["primary_reason"]
        if "category" not in v or not parsed.has("category"):
            v["category"] = [vocab.CHURN_REASONS[r][1] if r else None for r in reasons]
            parsed.mapping["category"] = parsed.mapping.get("category") or "category"
        else:
            v["category"] = [c if c is not None else (vocab.CHURN_REASONS[r][1] if r else None)
                             for c, r in zip(v["category"], reasons)]
        derived = [vocab.CHURN_REASONS[r][2] if r else None for r in reasons]
        if "controllable" not in v or not parsed.has("controllable"):
            v["controllable"] = derived
            parsed.mapping["controllable"] = parsed.mapping.get("controllable") or "controllable"
        else:
            v["controllable"] = [c if c is not None else d for c, d in zip(v["controllable"], derived)]


def _check_nps(parsed: _Parsed, report: ImportReport) -> None:
    v = parsed.values
    if "follow_up_done_on" in v and "responded_on" in v:
        bad = v["follow_up_done_on"].notna() & v["responded_on"].notna()
        for row in v.index[bad.to_numpy()]:
            if v.at[row, "follow_up_done_on"] < v.at[row, "responded_on"]:
                report.add(int(row), _column_of(parsed, "follow_up_done_on"), v.at[row, "follow_up_done_on"],
                           "follow_up_done_on is before responded_on; check both dates.", "bad date")


def _plan_nps(conn, parsed, report, today):
    _check_nps(parsed, report)
    ids = _resolve_customers(conn, parsed, report)
    v = parsed.values
    has_id = v["response_id"].notna() if "response_id" in v else pd.Series(False, index=v.index)
    _duplicates(parsed, ["response_id"], report, "response id")
    natural = ["customer_id", "responded_on", "score", "comment", "touchpoint"]
    frame = v.reindex(columns=natural).loc[~has_id.to_numpy()].astype(object).fillna("∅")
    _duplicates(parsed, natural, report, "answer (same customer, day, score, comment and touchpoint)", frame=frame)
    mapping = {f.name: f.name for f in parsed.spec.fields if f.name != "customer_id"}
    mapping["response_id"] = "external_id"
    rows = _rows(parsed, mapping, extra={"customer_id": ids.tolist()})
    with_id = [r for r, h in zip(rows, has_id) if h]
    without = [dict(r, external_id=None) if "external_id" in r else r for r, h in zip(rows, has_id) if not h]
    key = ("customer_id", "responded_on", "score", "comment", "touchpoint")
    for r in without:
        r.setdefault("touchpoint", "relationship")
        r.setdefault("comment", None)
    return _Writes(steps=[(m.NpsResponse, with_id, ("external_id",)), (m.NpsResponse, without, key)]), {
        "touchpoint": "relationship"}


def _plan_teams(conn, parsed, report, today):
    _duplicates(parsed, ["team"], report, "team name")
    rows = _rows(parsed, {"team": "name", "department": "department", "kind": "kind"})
    return _Writes(steps=[(m.Team, rows, ("name",))]), {}


def _plan_assessments(conn, parsed, report, today):
    v = parsed.values
    teams = _ids(conn, m.Team.id, m.Team.name, v["team"].dropna().unique()) if "team" in v else {}
    column = _column_of(parsed, "team")
    team_ids = pd.Series([teams.get(t) if t is not None else None for t in v["team"]], index=v.index,
                         dtype=object) if "team" in v else None
    if team_ids is not None:
        for row in v.index[(v["team"].notna() & team_ids.isna()).to_numpy()]:
            report.add(int(row), column, v.at[row, "team"], "No team has this name. Import the teams file first, "
                       "or correct the name.", "unknown team")
    _duplicates(parsed, ["round", "team", "respondent", "dimension"], report, "answer (round, team, respondent, dimension)")
    # One submission per round, team and respondent: its role and time must agree across rows.
    keys = ["round", "team", "respondent"]
    if all(k in v for k in keys):
        for col in ("role", "submitted_at", "instrument_version"):
            if col not in v:
                continue
            seen: dict[tuple, tuple[Any, int]] = {}
            for row, key, val in zip(v.index, map(tuple, v[keys].astype(str).to_numpy()), v[col]):
                if val is None:
                    continue
                if key in seen and seen[key][0] != val:
                    report.add(int(row), _column_of(parsed, col), val, f"{col} differs from row {seen[key][1]} of "
                               "the same respondent, team and round; one submission has one value.", "inconsistent rows")
                seen.setdefault(key, (val, int(row)))
    return _Writes(custom=_assessment_writer(parsed, team_ids)), {}


def _assessment_writer(parsed: _Parsed, team_ids: pd.Series | None):
    def write(conn: Connection, report: ImportReport, progress: Progress | None, apply: bool) -> None:
        v = parsed.values
        if v.empty:
            return
        rounds = {}
        for name, group in v.groupby("round", sort=False):
            rounds[name] = group["submitted_at"].min()
        existing_rounds = _ids(conn, m.AssessmentRound.id, m.AssessmentRound.name, rounds)
        if apply:
            for name, first in rounds.items():
                if name not in existing_rounds:
                    version = v.loc[v["round"] == name, "instrument_version"].dropna() if "instrument_version" in v else []
                    result = conn.execute(m.AssessmentRound.__table__.insert().values(
                        name=name, opened_on=first.date(), status="open",
                        instrument_version=(version.iloc[0] if len(version) else "1")))
                    existing_rounds[name] = result.inserted_primary_key[0]
        subs = []
        for (rnd, team, resp), group in v.assign(_team=team_ids).groupby(["round", "_team", "respondent"], sort=False):
            first = group.iloc[0]
            subs.append({"round_id": existing_rounds.get(rnd), "team_id": int(team), "respondent": resp,
                         "role": first["role"], "submitted_at": first["submitted_at"],
                         "instrument_version": (first.get("instrument_version") or "1"), "_rows": group})
        if not apply:
            # Rounds that do not exist yet: every answer in them is new.
            known = [s for s in subs if s["round_id"] is not None]
            fresh = sum(len(s["_rows"]) for s in subs if s["round_id"] is None)
            existing = _existing(conn, m.Assessment, [{k: s[k] for k in ("round_id", "team_id", "respondent")} for s in known],
                                 ("round_id", "team_id", "respondent"))
            for s in known:
                key = (s["round_id"], s["team_id"], s["respondent"])
                if key not in existing:
                    fresh += len(s["_rows"])
                else:
                    answers = _answer_rows(s["_rows"], existing[key][0])
                    ins, upd, same = _diff(conn, m.AssessmentAnswer, answers, ("assessment_id", "dimension"))
                    report.inserted += len(ins)
                    report.updated += len(upd)
                    report.unchanged += same
            report.inserted += fresh
            return
        sub_rows = [{k: val for k, val in s.items() if k != "_rows"} for s in subs]
        _upsert(conn, m.Assessment, sub_rows, ("round_id", "team_id", "respondent"), None, None)
        ids = _existing(conn, m.Assessment, sub_rows, ("round_id", "team_id", "respondent"))
        answers = []
        for s in subs:
            answers += _answer_rows(s["_rows"], ids[(s["round_id"], s["team_id"], s["respondent"])][0])
        _upsert(conn, m.AssessmentAnswer, answers, ("assessment_id", "dimension"), report, progress)
    return write


def _answer_rows(group: pd.DataFrame, assessment_id: int) -> list[dict[str, Any]]:
    cols = [c for c in ("dimension", "stage", "evidence", "confidence", "comment") if c in group]
    return [{"assessment_id": assessment_id, **{c: r[c] for c in cols}} for _, r in group.iterrows()]


def _plan_meetings(conn, parsed, report, today):
    v = parsed.values
    meeting_cols = ["held_on", "department", "meeting_type", "title", "duration_minutes", "attendees",
                    "customer_item_filled", "customer_item_text"]
    present = [c for c in meeting_cols if c in v]
    if "meeting_id" in v:
        seen: dict[Any, int] = {}
        for row, mid in zip(v.index, v["meeting_id"]):
            if mid is None:
                continue
            if mid in seen:
                first = seen[mid]
                for c in present:
                    a, b = v.at[first, c], v.at[row, c]
                    if a is not None and b is not None and a != b:
                        report.add(int(row), _column_of(parsed, c), b, f"{c} differs from row {first} of the same "
                                   f"meeting ({a}); one meeting has one value.", "inconsistent rows")
            else:
                seen[mid] = row
    items = v.reindex(columns=["meeting_id", "item_position", "item_title"])
    with_position = items[items["item_position"].notna()] if "item_position" in v else items.iloc[0:0]
    _duplicates(parsed, ["meeting_id", "item_position"], report, "agenda position in the same meeting",
                frame=with_position)
    for row in v.index:
        needs_item = any(c in v and v.at[row, c] is not None for c in ("item_minutes", "item_relevance"))
        if needs_item and ("item_title" not in v or v.at[row, "item_title"] is None):
            report.add(int(row), _column_of(parsed, "item_title"), "", "item_title is empty but the row gives "
                       "minutes or relevance for an agenda item: name the item.", "missing required value")
        if "cx_impact" in v and v.at[row, "cx_impact"] is not None and ("decision" not in v or v.at[row, "decision"] is None):
            report.add(int(row), _column_of(parsed, "decision"), "", "cx_impact is set but decision is empty: "
                       "write the decision.", "missing required value")
    return _Writes(custom=_meeting_writer(parsed, present)), {}


def _meeting_writer(parsed: _Parsed, meeting_cols: list[str]):
    def write(conn: Connection, report: ImportReport, progress: Progress | None, apply: bool) -> None:
        v = parsed.values
        if v.empty:
            return
        meetings = []
        for mid, group in v.groupby("meeting_id", sort=False):
            row = {"external_id": mid}
            for c in meeting_cols:
                known = group[c].dropna()
                if len(known):
                    row[c] = known.iloc[0]
            if "customer_item_filled" not in row and row.get("customer_item_text"):
                row["customer_item_filled"] = True
            meetings.append((row, group))
        rows = [r for r, _ in meetings]
        ins, upd, _same_count = _diff(conn, m.Meeting, rows, ("external_id",))
        existing = _existing(conn, m.Meeting, rows, ("external_id",))
        changed = {u["external_id"] for u in upd}
        # A meeting is updated when its own fields, its agenda or its decisions differ.
        changed |= {r["external_id"] for r, group in meetings if (r["external_id"],) in existing
                    and not _same_children(conn, existing[(r["external_id"],)][0], group)}
        report.inserted += len(ins)
        report.updated += len(changed)
        report.unchanged += len(meetings) - len(ins) - len(changed)
        if not apply:
            return
        _upsert(conn, m.Meeting, rows, ("external_id",), None, None)
        ids = _existing(conn, m.Meeting, rows, ("external_id",))
        for n, (r, group) in enumerate(meetings):
            meeting_id = ids[(r["external_id"],)][0]
            if (r["external_id"],) in existing:
                if r["external_id"] not in changed:
                    continue
                conn.execute(delete(m.Decision.__table__).where(m.Decision.__table__.c.meeting_id == meeting_id))
                conn.execute(delete(m.AgendaItem.__table__).where(m.AgendaItem.__table__.c.meeting_id == meeting_id))
            _insert_children(conn, meeting_id, group)
            if progress and n % 500 == 0:
                progress(n / max(len(meetings), 1), f"writing meeting {n + 1:,} of {len(meetings):,}")
    return write


def _children(group: pd.DataFrame) -> tuple[list[dict[str, Any]], list[tuple[int | None, str, str]]]:
    items, decisions = [], []
    for i, (_, r) in enumerate(group.iterrows()):
        title = r.get("item_title")
        index = None
        if title is not None:
            index = len(items)
            pos = r.get("item_position")
            items.append({"position": int(pos) if pos is not None else len(items) + 1, "title": title,
                          "minutes": r.get("item_minutes"), "relevance": r.get("item_relevance") or "none",
                          "relevance_source": "person"})
        if r.get("decision") is not None:
            decisions.append((index, r["decision"], r.get("cx_impact") or "neutral"))
    return items, decisions


def _same_children(conn: Connection, meeting_id: int, group: pd.DataFrame) -> bool:
    items, decisions = _children(group)
    a = m.AgendaItem.__table__
    d = m.Decision.__table__
    stored = conn.execute(select(a.c.id, a.c.position, a.c.title, a.c.minutes, a.c.relevance)
                          .where(a.c.meeting_id == meeting_id).order_by(a.c.id)).all()
    if [(s.position, s.title, s.minutes, s.relevance) for s in stored] != [
            (i["position"], i["title"], i["minutes"], i["relevance"]) for i in items]:
        return False
    order = {s.id: n for n, s in enumerate(stored)}
    got = conn.execute(select(d.c.agenda_item_id, d.c.text, d.c.cx_impact).where(d.c.meeting_id == meeting_id)
                       .order_by(d.c.id)).all()
    return [(order.get(g.agenda_item_id), g.text, g.cx_impact) for g in got] == decisions


def _insert_children(conn: Connection, meeting_id: int, group: pd.DataFrame) -> None:
    items, decisions = _children(group)
    item_ids = []
    for item in items:
        result = conn.execute(m.AgendaItem.__table__.insert().values(meeting_id=meeting_id, **item))
        item_ids.append(result.inserted_primary_key[0])
    if decisions:
        conn.execute(m.Decision.__table__.insert(), [
            {"meeting_id": meeting_id, "agenda_item_id": item_ids[i] if i is not None else None, "text": text,
             "cx_impact": impact} for i, text, impact in decisions])


_PLANS: dict[str, Callable] = {
    "customers": _plan_customers,
    "revenue": _plan_simple(m.RevenueMonth, ["customer_id", "month"], "customer and month"),
    "nps_responses": _plan_nps,
    "milestones": _plan_simple(m.Milestone, ["customer_id", "kind", "name"], "milestone (customer, kind, name)",
                               none_is_value=("name",)),
    "health_signals": _plan_simple(m.HealthSignal, ["customer_id", "month", "signal"], "signal (customer, month, signal)"),
    "churn_events": _plan_simple(m.ChurnEvent, ["customer_id"], "churn event for the same customer",
                                 defaults={"arr_lost": 0.0, "reason_confirmed": False}, check=_check_churn),
    "teams": _plan_teams,
    "assessments": _plan_assessments,
    "meetings": _plan_meetings,
}


# ============================================================================================
# Upserts
# ============================================================================================


def _existing(conn: Connection, table: Any, rows: list[dict[str, Any]], key: tuple[str, ...],
              columns: Sequence[str] = ()) -> dict[tuple, tuple]:
    """Stored rows whose key appears in ``rows``: key -> (id, *columns)."""
    if not rows:
        return {}
    t = table.__table__
    wanted = {tuple(r.get(k) for k in key) for r in rows}
    cols = [t.c.id, *[t.c[k] for k in key], *[t.c[c] for c in columns]]
    out: dict[tuple, tuple] = {}
    first = key[0]
    firsts = list({w[0] for w in wanted})
    stmt = select(*cols)
    chunks: list[Any] = [None] if None in firsts or len(firsts) > 50_000 else [
        firsts[i:i + 20_000] for i in range(0, len(firsts), 20_000)]
    for chunk in chunks:
        s = stmt if chunk is None else stmt.where(t.c[first].in_(chunk))
        for rec in conn.execute(s):
            k = tuple(rec[1:1 + len(key)])
            if k in wanted:
                out[k] = (rec[0], *rec[1 + len(key):])
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        if a.tzinfo is None:
            a = a.replace(tzinfo=dt.UTC)
        if b.tzinfo is None:
            b = b.replace(tzinfo=dt.UTC)
    return a == b


def _diff(conn: Connection, table: Any, rows: list[dict[str, Any]], key: tuple[str, ...]):
    """Split rows into (inserts, updates with ``_id``, count unchanged)."""
    if not rows:
        return [], [], 0
    columns = sorted({c for r in rows for c in r if c not in key and not c.startswith("_")})
    required = {c.name for c in table.__table__.columns if not c.nullable}
    existing = _existing(conn, table, rows, key, columns)
    inserts, updates, same = [], [], 0
    for r in rows:
        k = tuple(r.get(c) for c in key)
        stored = existing.get(k)
        if stored is None:
            inserts.append(r)
            continue
        changed = {c: r[c] for c, old in zip(columns, stored[1:])
                   if c in r and not (r[c] is None and c in required) and not _same(r[c], old)}
        if changed:
            updates.append({**r, "_id": stored[0]})
        else:
            same += 1
    return inserts, updates, same


def _upsert(conn: Connection, table: Any, rows: list[dict[str, Any]], key: tuple[str, ...],
            report: ImportReport | None, progress: Progress | None, defaults: dict[str, Any] | None = None) -> None:
    inserts, updates, same = _diff(conn, table, rows, key)
    t = table.__table__
    required = {c.name for c in t.columns if not c.nullable}
    # An empty optional cell never blanks a stored value the table requires: it keeps it.
    updates = [{c: val for c, val in u.items() if val is not None or c not in required} for u in updates]
    total = max(len(inserts) + len(updates), 1)
    done = 0
    if inserts:
        columns = [c.name for c in t.columns if c.name != "id"]
        fill = {c.name: _column_default(table, c.name) for c in t.columns if c.name != "id"}
        fill.update(defaults or {})
        for start in range(0, len(inserts), CHUNK_ROWS):
            chunk = [{c: (r[c] if r.get(c) is not None else fill.get(c)) for c in columns}
                     for r in inserts[start:start + CHUNK_ROWS]]
            conn.execute(t.insert(), chunk)
            done += len(chunk)
            if progress:
                progress(done / total, f"writing rows {done:,} of {total:,}")
    if updates:
        by_columns: dict[tuple, list] = {}
        for u in updates:
            cols = tuple(sorted(c for c in u if c != "_id" and c not in key and c != "id"))
            by_columns.setdefault(cols, []).append(u)
        for cols, group in by_columns.items():
            stmt = update(t).where(t.c.id == bindparam("_id")).values({c: bindparam(c) for c in cols})
            for start in range(0, len(group), CHUNK_ROWS):
                chunk = [{"_id": u["_id"], **{c: u[c] for c in cols}} for u in group[start:start + CHUNK_ROWS]]
                conn.execute(stmt, chunk)
                done += len(chunk)
                if progress:
                    progress(done / total, f"writing rows {done:,} of {total:,}")
    if report is not None:
        report.inserted += len(inserts)
        report.updated += len(updates)
        report.unchanged += same


def _column_default(table: Any, name: str) -> Any:
    """The model's default for a column (``Field(default=...)``), None when it has none."""
    info = getattr(table, "model_fields", {}).get(name)
    default = getattr(info, "default", None)
    if default is None or type(default).__name__ == "PydanticUndefinedType":
        return None
    return default


# ============================================================================================
# Running an import
# ============================================================================================


def dry_run(engine: Engine, entity: str, data: bytes, *, filename: str = "", mapping: dict[str, str | None] | None = None,
            today: dt.date | None = None, max_bytes: int = MAX_FILE_BYTES) -> ImportReport:
    """Read and check a file without writing anything; the report says what a commit would do.

    Parameters
    ----------
    engine
        The database the file would go into (references are checked against it).
    entity
        A key of ``ENTITIES`` (or ``"archive"`` for a whole-database export).
    data, filename
        The file's bytes and name (the extension decides CSV or XLSX).
    mapping
        Field -> column of the file; fields left out are matched automatically.
    today
        The day after which event dates count as "in the future" (default: today).
    """
    return _run(engine, entity, data, filename=filename, mapping=mapping, today=today, max_bytes=max_bytes,
                apply=False)


def commit(engine: Engine, entity: str, data: bytes, *, filename: str = "", mapping: dict[str, str | None] | None = None,
           who: str | None = None, today: dt.date | None = None, progress: Progress | None = None,
           max_bytes: int = MAX_FILE_BYTES, replace: bool = False) -> ImportReport:
    """Check the file again and, only when it has no problem, write it in one transaction.

    Returns the report; ``report.committed`` is False (and nothing was written) when the file has
    problems or the database refused the rows. ``replace`` is for archives: allow replacing data.
    """
    return _run(engine, entity, data, filename=filename, mapping=mapping, today=today, max_bytes=max_bytes,
                apply=True, who=who, progress=progress, replace=replace)


def _run(engine: Engine, entity: str, data: bytes, *, filename: str, mapping, today, max_bytes, apply: bool,
         who: str | None = None, progress: Progress | None = None, replace: bool = False) -> ImportReport:
    if entity == ARCHIVE:
        return import_archive(engine, data, filename=filename, who=who, apply=apply, replace=replace,
                              progress=progress, max_bytes=max_bytes)
    report = ImportReport(entity, filename or "", dry_run=not apply)
    if entity not in ENTITIES:
        report.add(None, None, entity, f"Unknown entity {entity!r}; use one of {', '.join(ENTITIES)}.", "file")
        return report
    today = today or dt.date.today()
    try:
        raw = read_table(data, filename or "", report, max_bytes=max_bytes, entity=entity)
        if raw is None:
            return report
        report.raw = raw.frame
        report.rows = len(raw.frame)
        report.file_format = raw.file_format
        auto = auto_mapping(entity, list(raw.frame.columns))
        given = {k: v for k, v in (mapping or {}).items() if k in auto}
        spec = ENTITIES[entity]
        for name, column in list(given.items()):
            # A saved mapping may name an optional column this particular file does not have.
            if column and column not in raw.frame.columns and not spec.field(name).required:
                report.notes.append(f"The mapping's column {column!r} for {name} is not in this file; "
                                    f"{name} is left as it is.")
                given[name] = None
        chosen = {**auto, **given}
        report.mapping = chosen
        check_mapping(entity, chosen, list(raw.frame.columns), report)
        if not report.ok and report.problem_counts.get("missing column"):
            return report
        if not report.ok:  # file-level problems (formulas, ragged rows) are listed with the value checks
            pass
        parsed = _parse(entity, raw, chosen, report, today)
        if progress:
            progress(0.0, "checking references")
        context = engine.begin() if apply else engine.connect()
        with context as conn:
            writes, defaults = _PLANS[entity](conn, parsed, report, today)
            if not report.ok:
                if apply:
                    conn.rollback()
                return report
            if not apply:
                for table, rows, key in writes.steps:
                    ins, upd, same = _diff(conn, table, rows, key)
                    report.inserted += len(ins)
                    report.updated += len(upd)
                    report.unchanged += same
                if writes.custom:
                    writes.custom(conn, report, None, False)
                return report
            for table, rows, key in writes.steps:
                _upsert(conn, table, rows, key, report, progress, defaults)
            if writes.custom:
                writes.custom(conn, report, progress, True)
            conn.execute(m.ImportLog.__table__.insert().values(
                at=dt.datetime.now(dt.UTC), entity=entity, source_file=_shorten(filename or "(no name)", 300),
                inserted=report.inserted, updated=report.updated, who=_shorten(who, 120) if who else None))
        report.committed = True
        report.dry_run = False
        if progress:
            progress(1.0, "done")
    except SQLAlchemyError as exc:
        report.inserted = report.updated = report.unchanged = 0
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:300]
        report.add(None, None, "", f"The database refused the rows ({reason}). Nothing was written; check the "
                   "file again (another person may have changed the data meanwhile).", "database")
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:  # a file shaped in a way no rule foresaw: say so, write nothing
        report.inserted = report.updated = report.unchanged = 0
        report.add(None, None, "", f"The file could not be read ({type(exc).__name__}: {_shorten(exc, 200)}). "
                   "Nothing was written; save it again as CSV UTF-8 with a header row.", "internal")
    return report


# ============================================================================================
# Whole-database archives (written by cs_metrics.storage.export)
# ============================================================================================


def import_archive(engine: Engine, data: bytes, *, filename: str = "", who: str | None = None, apply: bool = True,
                   replace: bool = False, progress: Progress | None = None,
                   max_bytes: int = MAX_FILE_BYTES * 4) -> ImportReport:
    """Restore a ZIP written by ``export.export_zip``: every table replaced, in one transaction.

    A database holding data is only replaced with ``replace=True``. Tables missing from the
    archive end up empty (a default health model is stored when the archive has none).
    """
    from cs_metrics.storage import export

    report = ImportReport(ARCHIVE, filename or "", dry_run=not apply)
    try:
        if len(data or b"") > max_bytes:
            report.add(None, None, f"{len(data) / 1e6:,.0f} MB", f"The archive is larger than {max_bytes / 1e6:,.0f} MB.",
                       "file too large")
            return report
        try:
            archive = zipfile.ZipFile(io.BytesIO(data or b""))
            names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            report.add(None, None, filename, "This is not a ZIP archive written by the export. Choose the .zip "
                       "file that 'Export everything' downloaded.", "wrong file type")
            return report
        tables = export.export_tables()
        known = {f"{t.name}.csv" for t in tables}
        for name in sorted(names - known - set(export.DOC_FILES)):
            report.add(None, None, name, "This file is not a table this version of Outside In knows; it was left "
                       "out of the check. Remove it from the archive.", "unknown table")
        if not names & known:
            report.add(None, None, filename, "The archive holds none of the expected table files "
                       f"({', '.join(sorted(known)[:4])}, ...).", "wrong file type")
            return report
        contents: dict[str, list[dict[str, Any]]] = {}
        for table in tables:
            name = f"{table.name}.csv"
            if name not in names:
                continue
            rows = export.read_table_csv(table, archive.read(name), report)
            contents[table.name] = rows
            report.rows += len(rows)
        if not report.ok:
            return report
        context = engine.begin() if apply else engine.connect()
        with context as conn:
            customers = conn.execute(select(func.count()).select_from(m.Customer.__table__)).scalar_one()
            if customers and not replace:
                report.add(None, None, f"{customers:,} customers", "The database already holds data. Restoring "
                           "an export replaces all of it: confirm the replacement (command line: --replace).",
                           "database not empty")
                if apply:
                    conn.rollback()
                return report
            report.inserted = report.rows
            if not apply:
                return report
            for table in reversed(tables):
                conn.execute(delete(table))
            done = 0
            for table in tables:
                rows = contents.get(table.name, [])
                for start in range(0, len(rows), CHUNK_ROWS):
                    conn.execute(table.insert(), rows[start:start + CHUNK_ROWS])
                    done += len(rows[start:start + CHUNK_ROWS])
                    if progress:
                        progress(done / max(report.rows, 1), f"writing rows {done:,} of {report.rows:,}")
            if not contents.get(m.HealthModel.__tablename__):
                from cs_metrics.default_health_model import DEFAULT_MODEL

                conn.execute(m.HealthModel.__table__.insert().values(
                    version=1, created_at=dt.datetime.now(dt.UTC), created_by="Outside In",
                    reason="Default model: the success indicators of the domain brief.",
                    definition=json.dumps(DEFAULT_MODEL), is_active=True))
            conn.execute(m.ImportLog.__table__.insert().values(
                at=dt.datetime.now(dt.UTC), entity=ARCHIVE, source_file=_shorten(filename or "(no name)", 300),
                inserted=report.rows, updated=0, who=_shorten(who, 120) if who else None))
            export.reset_sequences(conn, tables)
        report.committed = True
        report.dry_run = False
    except SQLAlchemyError as exc:
        report.inserted = 0
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:300]
        report.add(None, None, "", f"The database refused the archive ({reason}). Nothing was changed.", "database")
    except Exception as exc:
        report.inserted = 0
        report.add(None, None, "", f"The archive could not be read ({type(exc).__name__}: {_shorten(exc, 200)}). "
                   "Nothing was changed.", "internal")
    return report


# ============================================================================================
# Saved mappings, import history, templates
# ============================================================================================


def save_mapping(engine: Engine, entity: str, name: str, mapping: dict[str, str | None], *, who: str | None = None) -> None:
    """Store (or replace) a named mapping of ``entity`` fields to source column names.

    Raises
    ------
    DataError
        Empty or too long name, unknown entity, or fields the entity does not have.
    """
    name = (name or "").strip()
    if entity not in ENTITIES:
        raise DataError(f"Unknown entity {entity!r}; use one of {', '.join(ENTITIES)}.")
    if not name or len(name) > 80:
        raise DataError("Give the mapping a name of 1 to 80 characters (for example the source system: 'HubSpot').")
    fields = {f.name for f in ENTITIES[entity].fields}
    unknown = [k for k in mapping if k not in fields]
    if unknown:
        raise DataError(f"{entity} has no field {unknown[0]!r}; the fields are {', '.join(sorted(fields))}.")
    clean = {k: v for k, v in mapping.items() if v}
    t = m.ImportMapping.__table__
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        found = conn.execute(select(t.c.id).where(and_(t.c.entity == entity, t.c.name == name))).scalar()
        values = {"mapping": json.dumps(clean, ensure_ascii=False, sort_keys=True), "saved_at": now,
                  "saved_by": _shorten(who, 120) if who else None}
        if found is None:
            conn.execute(t.insert().values(entity=entity, name=name, **values))
        else:
            conn.execute(update(t).where(t.c.id == found).values(**values))


def saved_mappings(engine: Engine, entity: str) -> dict[str, dict[str, str]]:
    """Saved mappings of ``entity``: name -> {field: column}."""
    t = m.ImportMapping.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.name, t.c.mapping).where(t.c.entity == entity).order_by(t.c.name)).all()
    out = {}
    for name, text in rows:
        try:
            out[name] = {k: v for k, v in json.loads(text).items() if isinstance(v, str)}
        except (ValueError, AttributeError):
            continue
    return out


def import_history(engine: Engine, *, limit: int = 20) -> pd.DataFrame:
    """The latest committed imports: ``at``, ``entity``, ``source_file``, ``inserted``, ``updated``, ``who``."""
    t = m.ImportLog.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.at, t.c.entity, t.c.source_file, t.c.inserted, t.c.updated, t.c.who)
                            .order_by(t.c.at.desc(), t.c.id.desc()).limit(limit)).all()
    return pd.DataFrame(rows, columns=["at", "entity", "source_file", "inserted", "updated", "who"])


def field_guide(entity: str) -> pd.DataFrame:
    """The columns of an entity file: ``column``, ``required``, ``format``, ``description``."""
    return pd.DataFrame(
        [{"column": f.name, "required": "yes" if f.required else "", "format": f.format_hint(),
          "description": f.description} for f in ENTITIES[entity].fields]
    )


def template_csv(entity: str) -> bytes:
    """An empty CSV for ``entity``: the header row only (UTF-8 with BOM, so Excel reads accents)."""
    return ("\ufeff" + ",".join(f.name for f in ENTITIES[entity].fields) + "\r\n").encode("utf-8")


def template_xlsx(entity: str) -> bytes:
    """An empty workbook for ``entity``: sheet ``data`` (header) and sheet ``columns`` (the guide)."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "data"
    for i, f in enumerate(ENTITIES[entity].fields, start=1):
        cell = sheet.cell(row=1, column=i, value=f.name)
        cell.font = Font(bold=True)
        cell.comment = Comment(f"{f.description} Format: {f.format_hint()}.", "Outside In")
        sheet.column_dimensions[cell.column_letter].width = max(14, len(f.name) + 4)
    guide = workbook.create_sheet("columns")
    frame = field_guide(entity)
    guide.append(list(frame.columns))
    for record in frame.itertuples(index=False):
        guide.append(list(record))
    for cell in guide[1]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ============================================================================================
# Command line
# ============================================================================================


def _print_report(report: ImportReport, stream: Any, limit: int = 50) -> None:
    print(report.summary(), file=stream)
    if report.problems:
        print("row\tcolumn\tvalue\treason", file=stream)
        for p in report.problems[:limit]:
            print(f"{p.row if p.row is not None else '-'}\t{p.column or '-'}\t{p.value}\t{p.reason}", file=stream)
        if report.problem_total > limit:
            print(f"... and {report.problem_total - limit:,} more problems.", file=stream)


def main(argv: Sequence[str] | None = None) -> int:
    from cs_metrics.storage import db

    parser = argparse.ArgumentParser(prog="python -m cs_metrics.storage.ingest",
                                     description="Check and import one CSV or XLSX file (all or nothing).")
    parser.add_argument("entity", choices=[*ENTITIES, ARCHIVE])
    parser.add_argument("file", type=Path)
    parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")
    parser.add_argument("--mapping", default=None, help="name of a saved column mapping for this entity")
    parser.add_argument("--database-url", default=None, help="default: $DATABASE_URL or data/outside_in.db")
    parser.add_argument("--who", default=None, help="name recorded in the import log")
    parser.add_argument("--replace", action="store_true", help="archive only: replace data already stored")
    args = parser.parse_args(argv)
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    try:
        engine = db.make_engine(args.database_url)
        db.check_connection(engine)
        db.upgrade(engine)
        mapping = None
        if args.mapping:
            if args.entity == ARCHIVE:
                raise DataError("--mapping applies to entity files, not to archives.")
            mapping = saved_mappings(engine, args.entity).get(args.mapping)
            if mapping is None:
                names = ", ".join(saved_mappings(engine, args.entity)) or "none saved yet"
                raise DataError(f"No saved mapping {args.mapping!r} for {args.entity} (saved: {names}).")
    except (ConfigurationError, SchemaError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    def progress(share: float, message: str) -> None:
        print(f"{share:6.1%} {message}", file=sys.stderr, flush=True)

    if args.dry_run:
        report = dry_run(engine, args.entity, data, filename=args.file.name, mapping=mapping)
    else:
        report = commit(engine, args.entity, data, filename=args.file.name, mapping=mapping, who=args.who,
                        progress=progress, replace=args.replace)
    _print_report(report, sys.stdout if report.ok else sys.stderr)
    engine.dispose()
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
