"""SQLModel tables: one class per entity of the Outside In data model.

Every table is created and changed only through the versioned migrations in
``cs_metrics/storage/migrations``; ``SQLModel.metadata`` here is the reference those migrations
are checked against (``test_migrations_match_the_models``: Alembic's autogenerate finds no
difference between the migrated schema and these classes, on SQLite and PostgreSQL).

Conventions
-----------
* Surrogate integer primary keys (``id``); entities that come from other systems also carry an
  ``external_id`` (unique where present) so that imports can upsert.
* Dates are ``datetime.date``; months are the first day of the month.
* Money is in the company's currency, as floats (``arr`` is yearly, ``mrr`` monthly).
* Enumerated values are plain strings; their allowed values are listed in ``cs_metrics.vocab``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from cs_metrics.i18n import N_


class AppMeta(SQLModel, table=True):
    """Key/value facts about the dataset (e.g. ``dataset = demo`` and when it was generated)."""

    __tablename__ = "app_meta"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(default="")


class Customer(SQLModel, table=True):
    """A customer company (an account)."""

    __tablename__ = "customer"

    id: int | None = Field(default=None, primary_key=True)
    external_id: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=200)
    segment: str = Field(max_length=40, index=True)
    region: str = Field(max_length=60, index=True)
    industry: str | None = Field(default=None, max_length=80)
    owner: str | None = Field(default=None, max_length=120, index=True)  # the CSM
    plan: str | None = Field(default=None, max_length=60)
    signed_on: dt.date = Field(index=True)
    contract_term_months: int = Field(default=12)
    renewal_date: dt.date | None = None
    arr: float = Field(default=0.0)  # current (or last, when churned) annual recurring revenue
    status: str = Field(default="active", max_length=20)  # onboarding | active | churned
    churned_on: dt.date | None = Field(default=None, index=True)


class RevenueMonth(SQLModel, table=True):
    """Monthly recurring revenue of one customer in one month."""

    __tablename__ = "revenue_month"
    __table_args__ = (
        UniqueConstraint("customer_id", "month", name="uq_revenue_customer_month"),
        # Retention compares two months' MRR per customer: this index answers it without the table.
        Index("ix_revenue_month_month_customer_mrr", "month", "customer_id", "mrr"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    month: dt.date = Field(index=True)
    mrr: float


class NpsSurveySend(SQLModel, table=True):
    """One survey invitation sent to a customer contact (drives response rate)."""

    __tablename__ = "nps_survey_send"

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id", index=True)
    sent_on: dt.date = Field(index=True)
    touchpoint: str = Field(default="relationship", max_length=40)


class NpsResponse(SQLModel, table=True):
    """One answer to "how likely are you to recommend us?" (0-10), with the closed-loop follow-up."""

    __tablename__ = "nps_response"

    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, max_length=64, unique=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id", index=True)
    send_id: int | None = Field(default=None, foreign_key="nps_survey_send.id", index=True)
    responded_on: dt.date = Field(index=True)
    responded_at: dt.datetime | None = None  # the time of the answer, when the survey tool gives it
    score: int
    comment: str | None = None
    language: str | None = Field(default=None, max_length=8)
    touchpoint: str = Field(default="relationship", max_length=40)
    follow_up_status: str | None = Field(default=None, max_length=20)  # open | in_progress | done | not_needed
    follow_up_owner: str | None = Field(default=None, max_length=120)
    follow_up_due: dt.date | None = None
    follow_up_done_on: dt.date | None = None
    follow_up_note: str | None = None


class Milestone(SQLModel, table=True):
    """A step on a customer's journey: kickoff, first value, activation or a success milestone."""

    __tablename__ = "milestone"
    __table_args__ = (Index("ix_milestone_customer_kind", "customer_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    kind: str = Field(max_length=40)  # kickoff | first_value | activation | success
    name: str | None = Field(default=None, max_length=200)
    reached_on: dt.date | None = None  # None: planned, not reached yet
    target_days: int | None = None  # days after signing by which it should be reached


class HealthSignal(SQLModel, table=True):
    """One raw success indicator of one customer in one month (see ``cs_metrics.health``)."""

    __tablename__ = "health_signal"
    __table_args__ = (
        UniqueConstraint("customer_id", "month", "signal", name="uq_health_signal"),
        Index("ix_health_signal_month", "month"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    month: dt.date
    signal: str = Field(max_length=40)
    value: float


class HealthModel(SQLModel, table=True):
    """A version of the health-score model; editing the model adds a version, never overwrites one."""

    __tablename__ = "health_model"

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(unique=True)
    created_at: dt.datetime  # timezone-aware (UTC), as every datetime column
    created_by: str = Field(max_length=120)
    reason: str = Field(default="")
    definition: str  # JSON: signals, normalisation rules, weights, bands, per-segment profiles
    is_active: bool = Field(default=False)
    # Saved as a draft and never activated since (editors draft, admins activate).
    draft: bool = Field(default=False)


class HealthScore(SQLModel, table=True):
    """The health score of one customer in one month under one model version: ``health.score_wide``
    of the month's signals, stored so that pages aggregate it in SQL (rebuilt, never edited)."""

    __tablename__ = "health_score"
    __table_args__ = (
        # One customer's months (scores before churn, the month before) are found through this one.
        UniqueConstraint("version", "customer_id", "month", name="uq_health_score"),
        # Band counts, ARR, histograms and the at-risk list read only this index.
        Index("ix_health_score_bands", "version", "month", "band", "customer_id", "score", "arr"),
    )

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(description="Version of the health model the score was computed with.")
    month: dt.date = Field(description="Month scored (first day).")
    customer_id: int = Field(foreign_key="customer.id")
    score: float | None = Field(default=None, description="Health score 0-100; empty when no weighted signal "
                                "was present that month.")
    band: str | None = Field(default=None, max_length=10, description="red, yellow or green; empty without a score.")
    arr: float | None = Field(default=None, description="12 x the customer's MRR that month; empty without revenue.")


class HealthScoreMonth(SQLModel, table=True):
    """One month scored under one model version, and from which revision of the month's signals."""

    __tablename__ = "health_score_month"
    __table_args__ = (UniqueConstraint("version", "month", name="uq_health_score_month"),)

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(description="Version of the health model.")
    month: dt.date = Field(description="Month scored (first day).")
    revision: int = Field(default=0, description="Revision of the month's inputs the scores were computed from "
                          "(health_signal_month.revision).")
    scored_at: dt.datetime = Field(description="When the month was scored.")
    customers: int = Field(default=0, description="Customer-months scored.")


class HealthSignalMonth(SQLModel, table=True):
    """How often the inputs of a month's health scores changed: every import of signals, revenue or
    customer segments that touches the month adds one, so its stored scores are rebuilt."""

    __tablename__ = "health_signal_month"

    id: int | None = Field(default=None, primary_key=True)
    month: dt.date = Field(unique=True, description="Month (first day).")
    revision: int = Field(default=0, description="Changes to the month's inputs so far.")


class ChurnEvent(SQLModel, table=True):
    """A customer lost, why, and the post-churn follow-up call."""

    __tablename__ = "churn_event"

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", unique=True)
    churned_on: dt.date = Field(index=True)
    arr_lost: float = Field(default=0.0)
    primary_reason: str | None = Field(default=None, max_length=80)
    contributing_reasons: str | None = None  # ";"-separated reason keys
    category: str | None = Field(default=None, max_length=40)
    controllable: bool | None = None  # acquired / out of business are not
    reason_confirmed: bool = Field(default=False)
    follow_up_call_on: dt.date | None = None
    follow_up_notes: str | None = None


class Team(SQLModel, table=True):
    """A team that scores its own Social Business maturity."""

    __tablename__ = "team"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    department: str = Field(max_length=80)
    kind: str | None = Field(default=None, max_length=40)  # customer_facing | internal | leadership


class AssessmentRound(SQLModel, table=True):
    """A maturity assessment round; answers can be given or revised while it is open."""

    __tablename__ = "assessment_round"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    opened_on: dt.date
    closed_on: dt.date | None = None
    status: str = Field(default="open", max_length=10)  # open | closed
    instrument_version: str = Field(default="1", max_length=20)


class Assessment(SQLModel, table=True):
    """One respondent's submission in one round, for one team."""

    __tablename__ = "assessment"
    __table_args__ = (
        UniqueConstraint("round_id", "team_id", "respondent", name="uq_assessment_respondent"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="assessment_round.id", index=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    respondent: str = Field(max_length=120)
    role: str = Field(max_length=40)  # executive | manager | individual_contributor
    submitted_at: dt.datetime
    instrument_version: str = Field(default="1", max_length=20)
    # SHA-256 of the code that lets a respondent without sign-in revise these answers (None: imported,
    # or given by a signed-in person, who revises as themselves).
    revision_digest: str | None = Field(default=None, max_length=64)


class AssessmentAnswer(SQLModel, table=True):
    """The stage a respondent chose on one dimension (half-steps allowed: 1.0, 1.5, ... 5.0)."""

    __tablename__ = "assessment_answer"
    __table_args__ = (UniqueConstraint("assessment_id", "dimension", name="uq_answer_dimension"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    dimension: str = Field(max_length=40)  # culture | organization | customer_involvement | technology
    stage: float
    evidence: str | None = None
    confidence: str | None = Field(default=None, max_length=10)  # low | medium | high
    comment: str | None = None


class MaturityTarget(SQLModel, table=True):
    """The stage leadership wants on one dimension (for one team, or company-wide when team is empty)."""

    __tablename__ = "maturity_target"
    # One row per team and dimension; PostgreSQL counts an empty team (company-wide) as one value too.
    __table_args__ = (UniqueConstraint("team_id", "dimension", name="uq_target_team_dimension",
                                       postgresql_nulls_not_distinct=True),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int | None = Field(default=None, foreign_key="team.id")
    dimension: str = Field(max_length=40)
    target_stage: float
    set_on: dt.date
    set_by: str | None = Field(default=None, max_length=120)


class Meeting(SQLModel, table=True):
    """An internal meeting and whether its minutes filled the customer item."""

    __tablename__ = "meeting"

    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, max_length=64, unique=True)
    held_on: dt.date = Field(index=True)
    department: str = Field(max_length=80, index=True)
    meeting_type: str = Field(max_length=40)  # board | executive | department | project | other
    title: str | None = Field(default=None, max_length=200)
    duration_minutes: int
    attendees: int | None = None
    customer_item_filled: bool = Field(default=False)
    customer_item_text: str | None = None


class AgendaItem(SQLModel, table=True):
    """One agenda item of a meeting, with how much time it took and whether it was about the customer."""

    __tablename__ = "agenda_item"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    position: int = Field(default=0)
    title: str = Field(max_length=300)
    minutes: float | None = None
    relevance: str = Field(default="none", max_length=10)  # none | indirect | direct
    relevance_source: str = Field(default="person", max_length=20)  # person | suggestion


class Decision(SQLModel, table=True):
    """A decision taken in a meeting and its effect on the customer's experience."""

    __tablename__ = "decision"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    agenda_item_id: int | None = Field(default=None, foreign_key="agenda_item.id")
    text: str
    cx_impact: str = Field(default="neutral", max_length=10)  # favours | neutral | worsens


class ImportLog(SQLModel, table=True):
    """One committed import: what came in, from where, and who loaded it."""

    __tablename__ = "import_log"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime
    entity: str = Field(max_length=40)
    source_file: str = Field(max_length=300)
    inserted: int = Field(default=0)
    updated: int = Field(default=0)
    who: str | None = Field(default=None, max_length=120)


class MaturityInstrument(SQLModel, table=True):
    """A version of the maturity instrument (stage labels, statements); editing adds a version."""

    __tablename__ = "maturity_instrument"

    id: int | None = Field(default=None, primary_key=True)
    version: str = Field(max_length=20, unique=True)
    created_at: dt.datetime
    created_by: str = Field(max_length=120)
    reason: str = Field(default="")
    definition: str  # JSON: see cs_metrics/instrument/social_business_v1.json


class ImportMapping(SQLModel, table=True):
    """A saved column mapping: which column of a source's files holds which field of an entity."""

    __tablename__ = "import_mapping"
    __table_args__ = (UniqueConstraint("entity", "name", name="uq_import_mapping_entity_name"),)

    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(max_length=40)
    name: str = Field(max_length=80)  # usually the source system, e.g. "HubSpot export"
    mapping: str  # JSON: the mapping spec (see cs_metrics.storage.ingest.mapping)
    saved_at: dt.datetime
    saved_by: str | None = Field(default=None, max_length=120)


class BoardPack(SQLModel, table=True):
    """A saved (frozen) board pack: the numbers it showed and its files, re-downloadable unchanged."""

    __tablename__ = "board_pack"

    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(index=True)
    created_by: str = Field(default="", max_length=120)
    company: str = Field(default="", max_length=200)
    period_start: dt.date
    period_end: dt.date
    compare_start: dt.date
    compare_end: dt.date
    sections: str = Field(default="", max_length=200)  # comma-separated area keys
    language: str = Field(default="en", max_length=2)
    filters: str = Field(default="{}")  # JSON: segments, regions, owners
    numbers: str = Field(default="{}")  # JSON: the figures of the pack (see cs_metrics.report.pack)
    pdf: bytes | None = None
    pptx: bytes | None = None
    html: bytes


class VocabularyTerm(SQLModel, table=True):
    """One value of a company's own vocabulary: a segment, a region, a survey touchpoint, a churn
    reason (with its category and whether the company could have acted on it), a department or a
    meeting type. ``key`` is what data rows store; ``label`` what people read."""

    __tablename__ = "vocabulary_term"
    __table_args__ = (UniqueConstraint("kind", "key", name="uq_vocabulary_kind_key"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30, index=True)
    key: str = Field(max_length=80)
    label: str = Field(max_length=120)
    position: int = Field(default=0)
    category: str | None = Field(default=None, max_length=40)
    controllable: bool | None = None



class Person(SQLModel, table=True):
    """Someone who signs in: their e-mail (as the identity provider gives it, lower case), name and
    role (``cs_metrics.access.ROLES``). People and their teams are kept when the data is cleared or
    the database reset."""

    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    name: str = Field(default="", max_length=120)
    role: str = Field(max_length=10)
    added_on: dt.datetime
    added_by: str = Field(default="", max_length=254)
    last_seen: dt.datetime | None = None
    language: str | None = Field(default=None, max_length=5)  # the interface language they chose (i18n)


class PersonTeam(SQLModel, table=True):
    """A person's membership of a team, by the team's name (so that it outlives a reload of the data)."""

    __tablename__ = "person_team"

    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    team: str = Field(max_length=120, primary_key=True)


class AuditEvent(SQLModel, table=True):
    """One row of the append-only audit trail: when, who (and their role then), what
    (``cs_metrics.access.RIGHTS`` keys and ``people.*``), done or refused, which records, and a short
    summary of the change (before -> after where there was a before)."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime
    actor: str = Field(max_length=254, index=True)
    actor_role: str = Field(max_length=10)
    action: str = Field(max_length=40, index=True)
    outcome: str = Field(max_length=10)  # done | refused
    records: str = Field(default="")
    summary: str = Field(default="")


class AccountPlan(SQLModel, table=True):
    """The owner's plan for a customer at risk: what is being done, the next step and when it is due
    (one plan per customer, replaced by each save)."""

    __tablename__ = "account_plan"

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", unique=True, ondelete="CASCADE",
                             description="Refers to customer.id: the customer the plan is for (one plan each).")
    plan: str = Field(default="", max_length=2000, description="What the owner plans to do to keep the customer.")
    next_step: str = Field(default="", max_length=300, description="The next step of the plan.")
    due_on: dt.date | None = Field(default=None, description="Day the next step is due; empty when not set.")
    updated_by: str = Field(default="", max_length=254, description="Who saved the plan last (e-mail or name).")
    updated_at: dt.datetime = Field(description="When the plan was saved last (UTC).")


class Delivery(SQLModel, table=True):
    """A board pack or digest sent by e-mail: one row per kind, period, language and list of
    recipients, so that a scheduled run sends each only once."""

    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("kind", "period_start", "period_end", "language", "recipients_key",
                                       name="uq_delivery_period_recipients"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10, description="What was sent: pack (the board pack) or digest.")
    period_start: dt.date = Field(description="First day of the period sent, included.")
    period_end: dt.date = Field(description="Last day of the period sent, included.")
    language: str = Field(max_length=2, description="Language of the message: en or it.")
    recipients_key: str = Field(max_length=64, description="SHA-256 of the sorted lower-case recipients, "
                                "comma-separated: the same list gives the same key.")
    sent_at: dt.datetime = Field(description="When the message was handed to the mail server (UTC).")
    message_id: str = Field(max_length=254, description="The message's Message-ID header.")



class AlertSetting(SQLModel, table=True):
    """An alert rule as the company set it: on or off and its parameter (a rule without a row has
    its defaults, ``cs_metrics.alerts.RULES``)."""

    __tablename__ = "alert_setting"

    id: int | None = Field(default=None, primary_key=True)
    rule: str = Field(max_length=40, unique=True, description="The rule's key, e.g. renewal_red.")
    enabled: bool = Field(default=True, description="Whether the rule raises alerts.")
    parameter: float | None = Field(default=None, description="The rule's number (days); empty: its default.")
    updated_by: str = Field(default="", max_length=254, description="Who saved the setting last (e-mail or name).")
    updated_at: dt.datetime = Field(description="When the setting was saved last (UTC).")


class AlertAck(SQLModel, table=True):
    """An alert acknowledged: one occurrence of a rule for a subject, known by the day it began, so
    a new occurrence needs a new acknowledgement."""

    __tablename__ = "alert_ack"
    __table_args__ = (UniqueConstraint("rule", "subject", "since", name="uq_alert_ack_occurrence"),)

    id: int | None = Field(default=None, primary_key=True)
    rule: str = Field(max_length=40, description="The rule's key, e.g. renewal_red.")
    subject: str = Field(max_length=120, description="The customer's id (as text) or the team's name.")
    since: dt.date = Field(description="The day (or month) the occurrence began.")
    acknowledged_by: str = Field(default="", max_length=254, description="Who acknowledged it (e-mail or name).")
    acknowledged_at: dt.datetime = Field(description="When it was acknowledged (UTC).")

#: Tables in dependency order (parents first): the order to insert, the reverse order to delete.
TABLES_IN_ORDER: tuple[type[SQLModel], ...] = (
    AppMeta,
    VocabularyTerm,
    Customer,
    RevenueMonth,
    NpsSurveySend,
    NpsResponse,
    Milestone,
    HealthSignal,
    HealthModel,
    HealthSignalMonth,
    HealthScore,
    HealthScoreMonth,
    ChurnEvent,
    AccountPlan,
    Team,
    AssessmentRound,
    Assessment,
    AssessmentAnswer,
    MaturityTarget,
    Meeting,
    AgendaItem,
    Decision,
    ImportLog,
)

#: Entities a person recognises, for counts on the Data page (label -> table class).
ENTITY_LABELS: dict[str, type[SQLModel]] = {
    N_("Customers"): Customer,
    N_("Revenue months"): RevenueMonth,
    N_("NPS survey sends"): NpsSurveySend,
    N_("NPS responses"): NpsResponse,
    N_("Milestones"): Milestone,
    N_("Health signals"): HealthSignal,
    N_("Health model versions"): HealthModel,
    N_("Churn events"): ChurnEvent,
    N_("Teams"): Team,
    N_("Assessment rounds"): AssessmentRound,
    N_("Assessments"): Assessment,
    N_("Assessment answers"): AssessmentAnswer,
    N_("Maturity targets"): MaturityTarget,
    N_("Meetings"): Meeting,
    N_("Agenda items"): AgendaItem,
    N_("Decisions"): Decision,
    N_("Imports"): ImportLog,
}
