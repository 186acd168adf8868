"""What each importable entity looks like in a file: its fields, their kinds, the column names
(aliases, English and Italian) that other systems use for them, and the spellings (synonyms) of
their controlled values. Fields that hold one of the company's own vocabularies (segments, regions,
touchpoints, churn reasons, departments, meeting types) name it in ``FieldSpec.vocabulary``: their
allowed values are the terms stored in the database (``cs_metrics.storage.vocabulary``), not a
fixed list.

``ENTITIES`` describes every entity file; the imports (``cs_metrics.storage.ingest``) read files by
it and the export (``cs_metrics.storage.export``) documents its columns with it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from cs_metrics import vocab

#: Longest text accepted in a column without a declared length (comments, notes).
MAX_TEXT_CHARS = 20_000


@dataclass(frozen=True)
class FieldSpec:
    """One column of an entity file.

    ``kind`` is one of ``text``, ``int``, ``float``, ``date``, ``datetime``, ``time``, ``month``,
    ``bool``, ``choice`` (one of ``choices``) or ``choices`` (several, separated by ``;`` or ``,``).
    A choice field with a ``vocabulary`` (a kind of ``cs_metrics.vocab.VOCABULARY_KINDS``) takes
    its choices from the company's vocabulary of that kind; ``synonyms`` then map other spellings
    to its keys (used when the key is in the vocabulary).
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
    vocabulary: str | None = None  # the company vocabulary holding the choices

    def format_hint(self) -> str:
        """How a value is written, for templates and messages."""
        hints = {
            "text": f"text{f', at most {self.max_length} characters' if self.max_length else ''}",
            "int": "whole number",
            "float": "number (1234.5 or 1.234,5)",
            "date": "date (2026-03-31, 31/03/2026 or an Excel date)",
            "datetime": "date, optionally with time (2026-03-31 14:05)",
            "time": "time of day (14:05 or 2:05 PM)",
            "month": "month (2026-03, 03/2026 or any day of the month)",
            "bool": "yes/no (also true/false, sì/no, 1/0)",
            "choice": "one of: " + ", ".join(self.choices),
            "choices": "one or more of (separated by ;): " + ", ".join(self.choices),
        }
        text = hints[self.kind]
        if self.vocabulary:
            many = "one or more (separated by ;)" if self.kind == "choices" else "one"
            text = f"{many} of your {vocab.VOCABULARY_KINDS[self.vocabulary].lower()} (Data page, vocabularies)"
        if self.minimum is not None and self.maximum is not None:
            text += f", from {short_number(self.minimum)} to {short_number(self.maximum)}"
        elif self.minimum is not None:
            text += f", at least {short_number(self.minimum)}"
        if self.step:
            text += f", in steps of {short_number(self.step)}"
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


def short_number(value: float) -> str:
    """A limit as people write it: ``5`` rather than ``5.0``."""
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
_REGION_SYNONYMS = (("italia", "Italy"), ("francia", "France"), ("germania", "DACH"), ("germany", "DACH"),
                    ("austria", "DACH"), ("svizzera", "DACH"), ("switzerland", "DACH"), ("spagna", "Iberia"),
                    ("spain", "Iberia"), ("portogallo", "Iberia"), ("portugal", "Iberia"),
                    ("uk", "UK & Ireland"), ("regno unito", "UK & Ireland"), ("united kingdom", "UK & Ireland"),
                    ("paesi nordici", "Nordics"), ("nord america", "North America"), ("usa", "North America"))
_STATUS_SYNONYMS = (("attivo", "active"), ("in onboarding", "onboarding"), ("cessato", "churned"),
                    ("perso", "churned"), ("lost", "churned"), ("churn", "churned"), ("live", "active"))
_CHURN_SYNONYMS = (
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
           required=True, vocabulary="segment", synonyms=_SEGMENT_SYNONYMS, max_length=40),
        _f("region", "choice", "Sales region or country group.", "territory", "country", "area", "regione",
           "zona", "territorio", "paese", required=True, vocabulary="region", synonyms=_REGION_SYNONYMS,
           max_length=60),
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
           "revenue", "amount", "mrr eur", "monthly charges", "monthly charge", "ricavo mensile",
           "canone mensile", "importo", "fatturato", required=True, minimum=0),
    )),
    "nps_responses": EntitySpec("nps_responses", "NPS responses", "One row per survey answer; the "
                                "customer may be left empty for anonymous answers.", (
        _f("response_id", "text", "The survey tool's id for the answer; the key used to update it later.",
           "external id", "id", "survey response id", "response", "id risposta", max_length=64),
        FieldSpec(**{**_CUSTOMER_REF.__dict__, "required": False,
                     "description": "The customer's id in your CRM; empty for an anonymous answer."}),
        _f("responded_on", "date", "Day of the answer (a time written with it is kept as the time of the "
           "answer).", "date", "response date", "submitted", "submitted at", "created at", "survey date", "data",
           "data risposta", "data compilazione", required=True, past_only=True),
        _f("responded_at", "time", "Time of the answer, when the file has it in a column of its own.",
           "time", "response time", "time of response", "submitted time", "ora", "ora risposta", "orario"),
        _f("score", "int", "Likelihood to recommend, 0 to 10.", "nps", "nps score", "rating", "likelihood",
           "punteggio", "voto", "valutazione", required=True, minimum=0, maximum=10),
        _f("comment", "text", "The verbatim comment.", "feedback", "verbatim", "reason", "comments",
           "commento", "motivazione", "note", max_length=MAX_TEXT_CHARS),
        _f("language", "text", "Language code of the comment (it, en, ...).", "lang", "locale", "lingua",
           max_length=8),
        _f("touchpoint", "choice", "Which survey (touchpoint): relationship (default), onboarding, support, "
           "renewal or one of your own.", "survey", "survey type", "channel", "tipo sondaggio",
           "punto di contatto", vocabulary="touchpoint", max_length=40),
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
           "motivo principale", "causa", vocabulary="churn_reason", synonyms=_CHURN_SYNONYMS, max_length=80),
        _f("contributing_reasons", "choices", "Other reasons.", "other reasons", "secondary reasons",
           "altri motivi", "motivi secondari", vocabulary="churn_reason", synonyms=_CHURN_SYNONYMS,
           max_length=80),
        _f("category", "text", "Reason category (default: the primary reason's).", "reason category",
           "churn category", "categoria", max_length=40),
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
        _f("department", "choice", "Department.", "dept", "function", "dipartimento", "reparto", "funzione",
           "area", required=True, vocabulary="department", max_length=80),
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
        _f("department", "choice", "Department holding the meeting.", "dept", "team", "function",
           "dipartimento", "reparto", "funzione", required=True, vocabulary="department", max_length=80),
        _f("meeting_type", "choice", "board, executive, department, project, other or one of your own.", "type",
           "kind", "tipo", "tipo riunione", required=True, vocabulary="meeting_type", max_length=40,
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


def header_key(text: Any) -> str:
    """The form in which a file's column names are matched to fields and aliases: ``norm`` without
    spaces, so that case, spaces, underscores and camel case do not matter.

    Example
    -------
    >>> header_key("customerID"), header_key("Customer ID"), header_key("customer_id")
    ('customerid', 'customerid', 'customerid')
    >>> header_key("MonthlyCharges") == header_key("monthly charges")
    True
    """
    return norm(text).replace(" ", "")


def norm(text: Any) -> str:
    """Lower-case, accents removed, every run of non-alphanumerics one space: the form in which
    column names, aliases and spellings of values are compared.

    Example
    -------
    >>> norm("Età  Cliente (n°)")
    'eta cliente n'
    """
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())
