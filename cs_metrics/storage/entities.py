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
from dataclasses import dataclass, replace
from typing import Any

from cs_metrics import vocab
from cs_metrics.i18n import N_, _, language

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
    italian: str = ""  # the column's name in an Italian template (``ITALIAN_HEADERS``)

    def header(self, language_code: str | None = None) -> str:
        """The column's name in a template of ``language_code`` (default: the current language):
        the field's name in English, its Italian header in Italian. Both are read back on import."""
        code = language_code or language()
        return self.italian if code == "it" and self.italian else self.name

    def describe(self) -> str:
        """The field's description in the current language."""
        if self.name == "signal" and self.description.startswith("Signal key: "):
            return _("Signal key: {signals}").format(
                signals="; ".join(f"{k} = {_(v)}" for k, v in vocab.HEALTH_SIGNALS.items()))
        return _(self.description)

    def format_hint(self) -> str:
        """How a value is written, for templates and messages (in the current language)."""
        kind = self.kind
        if kind == "text":
            text = (_("text, at most {n} characters").format(n=self.max_length)
                    if self.max_length else _("text"))
        elif kind == "choice":
            text = _("one of: {values}").format(values=", ".join(self.choices))
        elif kind == "choices":
            text = _("one or more of (separated by ;): {values}").format(values=", ".join(self.choices))
        else:
            text = _(_HINTS[kind])
        if self.vocabulary:
            kinds = _(vocab.VOCABULARY_KINDS[self.vocabulary]).lower()
            text = (_("one or more (separated by ;) of your {vocabulary} (Data page, vocabularies)")
                    if self.kind == "choices" else _("one of your {vocabulary} (Data page, vocabularies)")
                    ).format(vocabulary=kinds)
        if self.minimum is not None and self.maximum is not None:
            text += _(", from {low} to {high}").format(low=shown_number(self.minimum), high=shown_number(self.maximum))
        elif self.minimum is not None:
            text += _(", at least {low}").format(low=shown_number(self.minimum))
        if self.step:
            text += _(", in steps of {step}").format(step=shown_number(self.step))
        if self.past_only:
            text += _(", not in the future")
        return text


#: How a value of each kind is written (``FieldSpec.format_hint``; text and choices are built there).
_HINTS = {
    "int": N_("whole number"),
    "float": N_("number (1234.5 or 1.234,5)"),
    "date": N_("date (2026-03-31, 31/03/2026 or an Excel date)"),
    "datetime": N_("date, optionally with time (2026-03-31 14:05)"),
    "time": N_("time of day (14:05 or 2:05 PM)"),
    "month": N_("month (2026-03, 03/2026 or any day of the month)"),
    "bool": N_("yes/no (also true/false, sì/no, 1/0)"),
}


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


def shown_number(value: float) -> str:
    """``short_number`` as the reader writes it: ``0.5`` in English, ``0,5`` in Italian.

    >>> shown_number(0.5), shown_number(1440)
    ('0.5', '1440')
    """
    text = short_number(value)
    if language() == "it":
        text = text.replace(".", ",")
    return text


def _f(name: str, kind: str, description: str, *aliases: str, **options: Any) -> FieldSpec:
    return FieldSpec(name=name, kind=kind, description=description, aliases=aliases, **options)


_CUSTOMER_REF = _f(
    "customer_id", "text", N_("The customer's id in your CRM, as in the customers file."),
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
    "customers": EntitySpec("customers", N_("Customers"), N_("One row per customer company (account)."), (
        _f("customer_id", "text", N_("Your CRM's id for the customer; the key used to update it later."),
           "external id", "account id", "id", "customer code", "company id", "crm id", "record id",
           "salesforce id", "hubspot company id", "id cliente", "codice cliente", "cod cliente", "codice",
           required=True, max_length=64),
        _f("name", "text", N_("Company name."), "customer name", "account name", "company", "company name",
           "ragione sociale", "nome cliente", "nome", "denominazione", "cliente", required=True, max_length=200),
        _f("segment", "choice", N_("Customer segment."), "tier", "customer segment", "segmento", "fascia",
           required=True, vocabulary="segment", synonyms=_SEGMENT_SYNONYMS, max_length=40),
        _f("region", "choice", N_("Sales region or country group."), "territory", "country", "area", "regione",
           "zona", "territorio", "paese", required=True, vocabulary="region", synonyms=_REGION_SYNONYMS,
           max_length=60),
        _f("industry", "text", N_("Industry."), "sector", "vertical", "settore", "industria", max_length=80),
        _f("owner", "text", N_("Customer Success Manager who owns the account."), "csm", "account owner",
           "customer success manager", "owner name", "responsabile", "referente", "gestore", max_length=120),
        _f("plan", "text", N_("Plan or product tier."), "product", "subscription", "piano", "prodotto",
           "abbonamento", max_length=60),
        _f("signed_on", "date", N_("Day the contract was signed."), "signed", "signed date", "contract start",
           "start date", "close date", "customer since", "data firma", "data contratto", "data inizio",
           "data sottoscrizione", "cliente dal", required=True, past_only=True),
        _f("contract_term_months", "int", N_("Contract length in months (default 12)."), "term", "contract term",
           "term months", "durata", "durata contratto", "durata mesi", "mesi contratto", minimum=1, maximum=120),
        _f("renewal_date", "date", N_("Next renewal date (may be in the future)."), "renewal", "next renewal",
           "renewal on", "data rinnovo", "rinnovo", "scadenza", "scadenza contratto"),
        _f("arr", "float", N_("Annual recurring revenue (current, or last before churn)."), "annual recurring revenue",
           "annual revenue", "acv", "arr eur", "fatturato annuo", "valore annuo", "canone annuo", minimum=0),
        _f("status", "choice", N_("onboarding, active or churned (default: churned when churned_on is set, "
           "else active)."), "customer status", "account status", "stage", "stato", "stato cliente",
           choices=vocab.CUSTOMER_STATUSES, synonyms=_STATUS_SYNONYMS),
        _f("churned_on", "date", N_("Day the customer left, empty when still a customer."), "churn date",
           "churned", "cancelled on", "cancellation date", "lost date", "data churn", "data abbandono",
           "data disdetta", "data cessazione", past_only=True),
    )),
    "revenue": EntitySpec("revenue", N_("Monthly revenue"), N_("One row per customer and month: the monthly "
                          "recurring revenue (MRR) billed."), (
        _CUSTOMER_REF,
        _f("month", "month", N_("The month."), "period", "billing month", "date", "mese", "periodo",
           "mese competenza", required=True, past_only=True),
        _f("mrr", "float", N_("Monthly recurring revenue in that month."), "monthly recurring revenue",
           "revenue", "amount", "mrr eur", "monthly charges", "monthly charge", "ricavo mensile",
           "canone mensile", "importo", "fatturato", required=True, minimum=0),
    )),
    "nps_responses": EntitySpec("nps_responses", N_("NPS responses"), N_("One row per survey answer; the "
                                "customer may be left empty for anonymous answers."), (
        _f("response_id", "text", N_("The survey tool's id for the answer; the key used to update it later."),
           "external id", "id", "survey response id", "response", "id risposta", max_length=64),
        FieldSpec(**{**_CUSTOMER_REF.__dict__, "required": False,
                     "description": N_("The customer's id in your CRM; empty for an anonymous answer.")}),
        _f("responded_on", "date", N_("Day of the answer (a time written with it is kept as the time of the "
           "answer)."), "date", "response date", "submitted", "submitted at", "created at", "survey date", "data",
           "data risposta", "data compilazione", required=True, past_only=True),
        _f("responded_at", "time", N_("Time of the answer, when the file has it in a column of its own."),
           "time", "response time", "time of response", "submitted time", "ora", "ora risposta", "orario"),
        _f("score", "int", N_("Likelihood to recommend, 0 to 10."), "nps", "nps score", "rating", "likelihood",
           "punteggio", "voto", "valutazione", required=True, minimum=0, maximum=10),
        _f("comment", "text", N_("The verbatim comment."), "feedback", "verbatim", "reason", "comments",
           "commento", "motivazione", "note", max_length=MAX_TEXT_CHARS),
        _f("language", "text", N_("Language code of the comment (it, en, ...)."), "lang", "locale", "lingua",
           max_length=8),
        _f("touchpoint", "choice", N_("Which survey (touchpoint): relationship (default), onboarding, support, "
           "renewal or one of your own."), "survey", "survey type", "channel", "tipo sondaggio",
           "punto di contatto", vocabulary="touchpoint", max_length=40),
        _f("follow_up_status", "choice", N_("Closed-loop follow-up status."), "follow up status", "stato follow up",
           choices=vocab.FOLLOW_UP_STATUSES),
        _f("follow_up_owner", "text", N_("Who follows up."), "follow up owner", "responsabile follow up",
           max_length=120),
        _f("follow_up_due", "date", N_("Follow-up due date."), "follow up due", "scadenza follow up"),
        _f("follow_up_done_on", "date", N_("Day the follow-up was done."), "follow up done", "follow up completato",
           past_only=True),
        _f("follow_up_note", "text", N_("Follow-up notes."), "follow up note", "note follow up",
           max_length=MAX_TEXT_CHARS),
    )),
    "milestones": EntitySpec("milestones", N_("Milestones"), N_("One row per milestone of a customer's journey "
                             "(reached or only planned)."), (
        _CUSTOMER_REF,
        _f("kind", "choice", N_("kickoff, first_value, activation or success."), "type", "milestone type",
           "tipo", "tipo milestone", required=True, choices=vocab.MILESTONE_KINDS,
           synonyms=(("first value", "first_value"), ("primo valore", "first_value"), ("attivazione", "activation"),
                     ("kick off", "kickoff"), ("avvio", "kickoff"), ("successo", "success"))),
        _f("name", "text", N_("Name of the milestone (for success milestones)."), "milestone", "milestone name",
           "title", "nome", "traguardo", max_length=200),
        _f("reached_on", "date", N_("Day it was reached; empty when not reached yet."), "reached", "completed on",
           "achieved on", "date", "data raggiungimento", "raggiunto il", "data", past_only=True),
        _f("target_days", "int", N_("Days after signing by which it should be reached."), "target", "sla days",
           "giorni obiettivo", "obiettivo giorni", minimum=0, maximum=3650),
    )),
    "health_signals": EntitySpec("health_signals", N_("Health signals"), N_("One row per customer, month and "
                                 "signal: the raw indicator the health score combines."), (
        _CUSTOMER_REF,
        _f("month", "month", N_("The month."), "period", "date", "mese", "periodo", required=True, past_only=True),
        _f("signal", "choice", "Signal key: " + "; ".join(f"{k} = {v}" for k, v in vocab.HEALTH_SIGNALS.items()),
           "metric", "indicator", "kpi", "segnale", "indicatore", "metrica", required=True,
           choices=tuple(vocab.HEALTH_SIGNALS)),
        _f("value", "float", N_("The value, in the unit of the signal."), "amount", "valore", required=True),
    )),
    "churn_events": EntitySpec("churn_events", N_("Churn events"), N_("One row per lost customer: why it left and "
                               "the follow-up call."), (
        _CUSTOMER_REF,
        _f("churned_on", "date", N_("Day the customer left."), "churn date", "date", "lost date", "data churn",
           "data abbandono", "data disdetta", required=True, past_only=True),
        _f("arr_lost", "float", N_("Annual recurring revenue lost."), "arr", "lost arr", "revenue lost",
           "arr perso", "valore perso", minimum=0),
        _f("primary_reason", "choice", N_("Main reason."), "reason", "churn reason", "main reason", "motivo",
           "motivo principale", "causa", vocabulary="churn_reason", synonyms=_CHURN_SYNONYMS, max_length=80),
        _f("contributing_reasons", "choices", N_("Other reasons."), "other reasons", "secondary reasons",
           "altri motivi", "motivi secondari", vocabulary="churn_reason", synonyms=_CHURN_SYNONYMS,
           max_length=80),
        _f("category", "text", N_("Reason category (default: the primary reason's)."), "reason category",
           "churn category", "categoria", max_length=40),
        _f("controllable", "bool", N_("Could the company have prevented it? (default: from the reason; only "
           "acquired and out of business are not)"), "preventable", "evitabile", "controllabile"),
        _f("reason_confirmed", "bool", N_("Was the reason confirmed in a call?"), "confirmed", "confermato"),
        _f("follow_up_call_on", "date", N_("Day of the follow-up call (may be planned)."), "follow up call",
           "call date", "data chiamata", "chiamata"),
        _f("follow_up_notes", "text", N_("Notes of the call."), "notes", "call notes", "note", "note chiamata",
           max_length=MAX_TEXT_CHARS),
    )),
    "teams": EntitySpec("teams", N_("Teams"), N_("One row per team that scores its Social Business maturity."), (
        _f("team", "text", N_("Team name; the key used to update it later."), "name", "team name", "squadra",
           "nome team", "gruppo", required=True, max_length=120),
        _f("department", "choice", N_("Department."), "dept", "function", "dipartimento", "reparto", "funzione",
           "area", required=True, vocabulary="department", max_length=80),
        _f("kind", "choice", N_("customer_facing, internal or leadership."), "type", "team type", "tipo",
           choices=("customer_facing", "internal", "leadership"),
           synonyms=(("customer facing", "customer_facing"), ("a contatto con il cliente", "customer_facing"),
                     ("interno", "internal"), ("direzione", "leadership"))),
    )),
    "assessments": EntitySpec("assessments", N_("Maturity assessments"), N_("One row per respondent and "
                              "dimension: the stage chosen (1 to 5, half-steps allowed). Rounds are "
                              "created when new; teams must exist."), (
        _f("round", "text", N_("Assessment round name (e.g. 2026 H1)."), "round name", "wave", "campaign",
           "ciclo", "tornata", "edizione", required=True, max_length=120),
        _f("team", "text", N_("Team name, as in the teams file."), "team name", "squadra", "gruppo",
           required=True, max_length=120),
        _f("respondent", "text", N_("Who answered (name, e-mail or an anonymous code)."), "respondent id",
           "email", "user", "rispondente", "compilatore", required=True, max_length=120),
        _f("role", "choice", N_("executive, manager or individual_contributor."), "respondent role", "ruolo",
           required=True, choices=vocab.RESPONDENT_ROLES,
           synonyms=(("individual contributor", "individual_contributor"), ("ic", "individual_contributor"),
                     ("dirigente", "executive"), ("responsabile", "manager"), ("collaboratore", "individual_contributor"))),
        _f("submitted_at", "datetime", N_("When the answers were given."), "submitted", "date", "timestamp",
           "data", "data compilazione", required=True, past_only=True),
        _f("dimension", "choice", N_("culture, organization, customer_involvement or technology."), "area",
           "dimensione", required=True, choices=vocab.MATURITY_DIMENSIONS,
           synonyms=(("cultura", "culture"), ("organizzazione", "organization"), ("organisation", "organization"),
                     ("customer involvement", "customer_involvement"), ("coinvolgimento clienti", "customer_involvement"),
                     ("coinvolgimento del cliente", "customer_involvement"), ("tecnologia", "technology"))),
        _f("stage", "float", N_("Stage chosen, 1 to 5 in half-steps."), "score", "level", "stadio", "livello",
           "punteggio", required=True, minimum=1, maximum=5, step=0.5),
        _f("evidence", "text", N_("Evidence for the stage (a link or a sentence)."), "evidenza", "prova",
           max_length=MAX_TEXT_CHARS),
        _f("confidence", "choice", N_("low, medium or high."), "certainty", "confidenza", "sicurezza",
           choices=vocab.CONFIDENCE_LEVELS, synonyms=(("bassa", "low"), ("media", "medium"), ("alta", "high"))),
        _f("comment", "text", N_("Comment."), "comments", "commento", "note", max_length=MAX_TEXT_CHARS),
        _f("instrument_version", "text", N_("Version of the questionnaire (default 1)."), "version",
           "questionnaire version", "versione", "versione questionario", max_length=20),
    )),
    "meetings": EntitySpec("meetings", N_("Meetings"), N_("One row per agenda item (meeting columns repeated on "
                           "each of its rows); a decision can sit on the row of its item. Re-importing a "
                           "meeting replaces its agenda and decisions."), (
        _f("meeting_id", "text", N_("Id of the meeting (from the minutes tool, or date + department); the key "
           "used to update it later."), "external id", "id", "meeting", "id riunione", "codice riunione",
           "verbale", required=True, max_length=64),
        _f("held_on", "date", N_("Day of the meeting."), "date", "meeting date", "data", "data riunione",
           required=True, past_only=True),
        _f("department", "choice", N_("Department holding the meeting."), "dept", "team", "function",
           "dipartimento", "reparto", "funzione", required=True, vocabulary="department", max_length=80),
        _f("meeting_type", "choice", N_("board, executive, department, project, other or one of your own."), "type",
           "kind", "tipo", "tipo riunione", required=True, vocabulary="meeting_type", max_length=40,
           synonyms=(("cda", "board"), ("consiglio", "board"), ("direzione", "executive"),
                     ("reparto", "department"), ("progetto", "project"), ("altro", "other"))),
        _f("title", "text", N_("Title of the meeting."), "meeting title", "subject", "titolo", "oggetto",
           max_length=200),
        _f("duration_minutes", "int", N_("Length in minutes."), "duration", "minutes", "length", "durata",
           "durata minuti", required=True, minimum=1, maximum=24 * 60),
        _f("attendees", "int", N_("Number of people present."), "participants", "partecipanti", "presenti",
           minimum=0, maximum=100_000),
        _f("customer_item_filled", "bool", N_("Was the customer item of the minutes filled?"),
           "customer item", "voce cliente", "voce cliente compilata", "punto cliente"),
        _f("customer_item_text", "text", N_("What the customer item says."), "customer item text",
           "testo voce cliente", "impatto sul cliente", max_length=MAX_TEXT_CHARS),
        _f("item_position", "int", N_("Position of the agenda item (1, 2, ...)."), "position", "order",
           "item number", "posizione", "ordine", "numero punto", minimum=0, maximum=10_000),
        _f("item_title", "text", N_("Agenda item."), "agenda item", "topic", "punto", "punto all'ordine del giorno",
           "argomento", "ordine del giorno", max_length=300),
        _f("item_minutes", "float", N_("Minutes spent on the item."), "item duration", "time", "minuti",
           "durata punto", minimum=0, maximum=24 * 60),
        _f("item_relevance", "choice", N_("none, indirect or direct: is the item about the customer?"),
           "relevance", "customer relevance", "rilevanza", "rilevanza cliente",
           choices=vocab.AGENDA_RELEVANCE,
           synonyms=(("nessuna", "none"), ("indiretta", "indirect"), ("diretta", "direct"))),
        _f("decision", "text", N_("A decision taken on this item."), "decision text", "decisione", "delibera",
           max_length=MAX_TEXT_CHARS),
        _f("cx_impact", "choice", N_("favours, neutral or worsens the customer's experience."), "impact",
           "customer impact", "impatto", "impatto cx",
           choices=vocab.CX_IMPACTS,
           synonyms=(("favours", "favours"), ("favors", "favours"), ("positive", "favours"), ("favorevole", "favours"),
                     ("neutro", "neutral"), ("neutrale", "neutral"), ("negative", "worsens"), ("peggiora", "worsens"),
                     ("sfavorevole", "worsens"))),
    )),
}

#: The column names of an Italian template (``FieldSpec.header``), recognised on import like the
#: fields' own names: entity -> field -> header. Each is unique within its entity and is no other
#: field's name or alias.
ITALIAN_HEADERS: dict[str, dict[str, str]] = {
    "customers": {
        "customer_id": "codice_cliente", "name": "ragione_sociale", "segment": "segmento", "region": "regione",
        "industry": "settore", "owner": "responsabile", "plan": "piano", "signed_on": "data_firma",
        "contract_term_months": "durata_contratto_mesi", "renewal_date": "data_rinnovo", "arr": "arr",
        "status": "stato", "churned_on": "data_churn",
    },
    "revenue": {"customer_id": "codice_cliente", "month": "mese", "mrr": "mrr"},
    "nps_responses": {
        "response_id": "id_risposta", "customer_id": "codice_cliente", "responded_on": "data_risposta",
        "responded_at": "ora_risposta", "score": "voto", "comment": "commento", "language": "lingua",
        "touchpoint": "touchpoint", "follow_up_status": "stato_follow_up",
        "follow_up_owner": "responsabile_follow_up", "follow_up_due": "scadenza_follow_up",
        "follow_up_done_on": "data_follow_up_completato", "follow_up_note": "note_follow_up",
    },
    "milestones": {
        "customer_id": "codice_cliente", "kind": "tipo", "name": "nome", "reached_on": "data_raggiungimento",
        "target_days": "giorni_obiettivo",
    },
    "health_signals": {"customer_id": "codice_cliente", "month": "mese", "signal": "segnale", "value": "valore"},
    "churn_events": {
        "customer_id": "codice_cliente", "churned_on": "data_churn", "arr_lost": "arr_perso",
        "primary_reason": "motivo_principale", "contributing_reasons": "altri_motivi", "category": "categoria",
        "controllable": "evitabile", "reason_confirmed": "motivo_confermato", "follow_up_call_on": "data_chiamata",
        "follow_up_notes": "note_chiamata",
    },
    "teams": {"team": "nome_team", "department": "funzione", "kind": "tipo"},
    "assessments": {
        "round": "rilevazione", "team": "nome_team", "respondent": "rispondente", "role": "ruolo",
        "submitted_at": "data_compilazione", "dimension": "dimensione", "stage": "fase", "evidence": "evidenza",
        "confidence": "grado_certezza", "comment": "commento", "instrument_version": "versione_questionario",
    },
    "meetings": {
        "meeting_id": "codice_riunione", "held_on": "data_riunione", "department": "funzione",
        "meeting_type": "tipo_riunione", "title": "titolo", "duration_minutes": "durata_minuti",
        "attendees": "partecipanti", "customer_item_filled": "punto_cliente_compilato",
        "customer_item_text": "testo_punto_cliente", "item_position": "posizione_punto",
        "item_title": "punto_ordine_del_giorno", "item_minutes": "minuti_punto",
        "item_relevance": "rilevanza_cliente", "decision": "decisione", "cx_impact": "impatto_cx",
    },
}
for _entity, _headers in ITALIAN_HEADERS.items():
    _spec = ENTITIES[_entity]
    ENTITIES[_entity] = EntitySpec(_spec.name, _spec.label, _spec.description, tuple(
        replace(f, italian=_headers[f.name]) for f in _spec.fields))
del _entity, _headers, _spec


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
