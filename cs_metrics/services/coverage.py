"""What the database holds, and which data each figure needs.

Every figure is read from one or more *sources* (``SOURCES``): rows of an imported file, such as
the NPS answers or the first-value milestones. ``coverage`` says how many rows each source holds
(with its first and last date) for the customers selected; ``NEEDS`` says which sources each
figure reads; ``gap`` says why a figure cannot be shown for a period, in one of three ways:

* ``MISSING``: the database holds no row of a source at all (the file was never imported); the
  page names the file and offers its template, and the figure is left out of the Overview, the
  summary and the board pack;
* ``FILTERED``: rows exist, but none for the customers selected;
* ``ELSEWHERE``: rows exist for these customers, but none in the period; ``first``/``last`` say
  where they lie.

It also says whether follow-ups are tracked at all (an NPS answer with a follow-up status, a
churn event with a call date or a confirmed reason), and which languages the comments are in.

Example
-------
>>> from cs_metrics.storage import db
>>> engine = db.make_engine("sqlite://"); db.upgrade(engine)
>>> cov = coverage(engine)
>>> cov.has("nps_responses"), cov.missing("nps")
(False, ('nps_responses',))
>>> gap(engine, "nps").reason()
'no NPS answers imported'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.sql import Select

from cs_metrics.errors import DataError
from cs_metrics.period import Period, as_date, month_end, month_start
from cs_metrics.selection import ALL, CustomerFilter
from cs_metrics.storage import models as m
from cs_metrics.storage.entities import ENTITIES

__all__ = [
    "ELSEWHERE", "FILTERED", "MISSING", "NEEDS", "OVERVIEW_FIGURES", "SOURCES", "Coverage", "Gap", "Holding",
    "LeftOut", "Need", "Source", "absent_figures", "coverage", "figure_of", "gap", "holding", "left_out",
    "present_sources",
]

MISSING = "missing"
FILTERED = "filtered"
ELSEWHERE = "elsewhere"


@dataclass(frozen=True)
class Source:
    """Rows one or more figures read: ``entity`` is the import file that brings them (a key of
    the Data page's ``ENTITIES``; None when no file imports them), ``noun`` how a sentence names
    them, ``missing_it`` the Italian "none imported"; ``monthly`` sources are dated by month;
    ``company_wide`` ones ignore the customer filters; ``span_verb`` says what their dates mark
    ("NPS answers exist from ...", "Customers signed from ..."); ``none_in_period`` replaces "No
    <noun> in this period" where the source says it better."""

    key: str
    entity: str | None
    noun: str
    missing_it: str
    monthly: bool = False
    company_wide: bool = False
    span_verb: str = "exist"
    none_in_period: str = ""

    @property
    def file_label(self) -> str:
        """The file's name on the Data page ("NPS responses", "Milestones", ...)."""
        return ENTITIES[self.entity].label if self.entity else "NPS survey sends"

    def reason(self, language: str = "en") -> str:
        """Why a figure reading this source is left out: "no NPS answers imported"."""
        return self.missing_it if language == "it" else f"no {self.noun} imported"


SOURCES: dict[str, Source] = {s.key: s for s in (
    Source("customers", "customers", "customers", "nessun cliente importato", span_verb="signed"),
    Source("revenue", "revenue", "monthly revenue", "nessun ricavo mensile importato", monthly=True),
    Source("nps_responses", "nps_responses", "NPS answers", "nessuna risposta NPS importata"),
    Source("survey_sends", None, "NPS survey invitations", "nessun invito al sondaggio NPS importato"),
    Source("first_value", "milestones", "first-value milestones", "nessun traguardo di primo valore importato"),
    Source("health_signals", "health_signals", "health signals", "nessun segnale di salute importato", monthly=True),
    Source("churn_events", "churn_events", "churn events", "nessun evento di churn importato"),
    Source("teams", "teams", "teams", "nessun team importato", company_wide=True),
    Source("assessments", "assessments", "maturity assessments", "nessuna valutazione di maturità importata",
           company_wide=True),
    Source("meetings", "meetings", "meetings", "nessuna riunione importata", company_wide=True,
           span_verb="were logged", none_in_period="No meetings were logged in this period."),
)}


@dataclass(frozen=True)
class Need:
    """The sources a figure reads (every one must hold rows), and the one whose dates must fall
    in the period for the figure to have a value there (``dated``; None when any date will do)."""

    label: str
    label_it: str
    sources: tuple[str, ...]
    dated: str | None = None

    def name(self, language: str = "en") -> str:
        return self.label_it if language == "it" else self.label


NEEDS: dict[str, Need] = {
    "nps": Need("NPS", "NPS", ("nps_responses",), "nps_responses"),
    "response_rate": Need("Response rate", "Tasso di risposta", ("survey_sends",), "survey_sends"),
    "health": Need("Health", "Salute dei clienti", ("health_signals",), "health_signals"),
    "onboarding": Need("Time to first value", "Tempo al primo valore", ("customers", "first_value"), "customers"),
    "logo_churn": Need("Logo churn", "Churn dei clienti (logo churn)", ("customers",)),
    "revenue_retention": Need("Gross and net revenue retention", "Retention lorda e netta dei ricavi",
                              ("revenue",), "revenue"),
    "cohorts": Need("Cohort retention", "Retention per coorte", ("revenue",)),
    "churn_reasons": Need("Churn reasons", "Motivi di churn", ("churn_events",), "churn_events"),
    "churn_follow_up": Need("Post-churn follow-up", "Follow-up dopo il churn", ("churn_events",)),
    "maturity": Need("Maturity", "Maturità", ("assessments",)),
    "teams": Need("Maturity assessment", "Valutazione della maturità", ("teams",)),
    "meetings": Need("Customer share of meeting time", "Quota cliente del tempo delle riunioni", ("meetings",),
                     "meetings"),
    # ARR falls back to the customers file's ARR column when no monthly revenue is imported.
    "customers": Need("Active customers and ARR", "Clienti attivi e ARR", ("customers",)),
    # Contract ends come from the customers file (signing day and term).
    "renewals": Need("Renewals ahead", "Rinnovi in arrivo", ("customers",)),
}

#: The Overview's figures, in its order, with the area each belongs to.
OVERVIEW_FIGURES: dict[str, str] = {
    "nps": "nps", "health": "health", "onboarding": "onboarding", "logo_churn": "retention",
    "revenue_retention": "retention", "renewals": "renewals", "maturity": "maturity", "meetings": "meetings",
    "customers": "customers",
}


def figure_of(tile_key: str) -> str:
    """The figure (a key of ``NEEDS``) a tile shows.

    >>> [figure_of(k) for k in ("health_red", "ttfv_within_target", "grr", "maturity_culture", "arr")]
    ['health', 'onboarding', 'revenue_retention', 'maturity', 'customers']
    """
    if tile_key.startswith("health_"):
        return "health"
    if tile_key.startswith("ttfv"):
        return "onboarding"
    if tile_key.startswith("maturity_"):
        return "maturity"
    return {"grr": "revenue_retention", "nrr": "revenue_retention", "meeting_share": "meetings",
            "arr": "customers", "renewals_90": "renewals"}.get(tile_key, tile_key)


# --- reading the database --------------------------------------------------------------------------


def _filtered(stmt: Select, customer_id, flt: CustomerFilter) -> Select:
    """Rows of customers matching ``flt`` (every row, anonymous ones too, when ``flt`` is ALL)."""
    if flt.is_all:
        return stmt
    c = m.Customer
    if customer_id is not c.id:
        stmt = stmt.join(c, c.id == customer_id)
    for column, values in ((c.segment, flt.segments), (c.region, flt.regions), (c.owner, flt.owners)):
        if values:
            stmt = stmt.where(column.in_(values))
    return stmt


def _table(source: str):
    """(table, date column or None, customer id column or None, extra condition or None) of a source."""
    if source == "customers":
        return m.Customer, m.Customer.signed_on, m.Customer.id, None
    if source == "revenue":
        return m.RevenueMonth, m.RevenueMonth.month, m.RevenueMonth.customer_id, None
    if source == "nps_responses":
        return m.NpsResponse, m.NpsResponse.responded_on, m.NpsResponse.customer_id, None
    if source == "survey_sends":
        return m.NpsSurveySend, m.NpsSurveySend.sent_on, m.NpsSurveySend.customer_id, None
    if source == "first_value":
        return m.Milestone, m.Milestone.reached_on, m.Milestone.customer_id, m.Milestone.kind == "first_value"
    if source == "health_signals":
        return m.HealthSignal, m.HealthSignal.month, m.HealthSignal.customer_id, None
    if source == "churn_events":
        return m.ChurnEvent, m.ChurnEvent.churned_on, m.ChurnEvent.customer_id, None
    if source == "teams":
        return m.Team, None, None, None
    if source == "assessments":
        return m.Assessment, m.Assessment.submitted_at, None, None
    if source == "meetings":
        return m.Meeting, m.Meeting.held_on, None, None
    raise DataError(f"Unknown source {source!r}; use one of {list(SOURCES)}.")


@dataclass(frozen=True)
class Holding:
    """What the database holds of one source: ``rows``, and the ``first`` and ``last`` date of
    those rows (for monthly sources the first day of the first month and the last day of the last
    month); dates are None without rows (or, for milestones, when none is reached yet)."""

    source: str
    rows: int
    first: dt.date | None = None
    last: dt.date | None = None

    @property
    def present(self) -> bool:
        return self.rows > 0


def holding(engine: Engine, source: str, *, flt: CustomerFilter = ALL, period: Period | None = None) -> Holding:
    """Rows of ``source`` for the customers of ``flt`` (company-wide sources ignore it), within
    ``period`` when given (a monthly source counts the months touching it), with their first and
    last date."""
    table, day, customer_id, condition = _table(source)
    if day is None:  # an undated source: rows only
        with engine.connect() as conn:
            return Holding(source, int(conn.execute(select(func.count()).select_from(table)).scalar_one()))
    stmt = select(func.count(), func.min(day), func.max(day)).select_from(table)
    if condition is not None:
        stmt = stmt.where(condition)
    if customer_id is not None:
        stmt = _filtered(stmt, customer_id, flt)
    if period is not None:
        start = month_start(period.start) if SOURCES[source].monthly else period.start
        stmt = stmt.where(day >= start, day < period.end)
    with engine.connect() as conn:
        rows, first, last = conn.execute(stmt).one()
    first, last = (as_date(first) if first is not None else None), (as_date(last) if last is not None else None)
    if last is not None and SOURCES[source].monthly:
        last = month_end(last)
    return Holding(source, int(rows), first, last)


def _exists(engine: Engine, stmt: Select) -> bool:
    with engine.connect() as conn:
        return conn.execute(stmt.limit(1)).first() is not None


def present_sources(engine: Engine) -> frozenset[str]:
    """The sources holding at least one row in the whole database (one cheap look per source)."""
    held = set()
    for source in SOURCES:
        table, _, _, condition = _table(source)
        stmt = select(table.id) if condition is None else select(table.id).where(condition)
        if _exists(engine, stmt):
            held.add(source)
    return frozenset(held)


def absent_figures(engine: Engine, figures: Iterable[str] | None = None) -> dict[str, str]:
    """The figures (of ``figures``, default every one of ``NEEDS``) that read a source holding no
    row in the whole database, each with the first such source."""
    held = present_sources(engine)
    out = {}
    for figure in NEEDS if figures is None else figures:
        missing = [s for s in NEEDS[figure].sources if s not in held]
        if missing:
            out[figure] = missing[0]
    return out


# --- the whole picture -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """Every source's ``Holding`` for the customers selected; whether NPS and post-churn
    follow-ups are tracked at all (in the whole database); the languages of the comments."""

    holdings: tuple[Holding, ...]
    nps_follow_up_tracked: bool
    churn_follow_up_tracked: bool
    comment_languages: tuple[str, ...]

    def of(self, source: str) -> Holding:
        return next(h for h in self.holdings if h.source == source)

    def has(self, source: str) -> bool:
        return self.of(source).present

    def missing(self, figure: str) -> tuple[str, ...]:
        """The sources ``figure`` reads that hold no row."""
        return tuple(s for s in NEEDS[figure].sources if not self.has(s))

    def absent(self, figure: str) -> bool:
        return bool(self.missing(figure))


def coverage(engine: Engine, *, flt: CustomerFilter = ALL) -> Coverage:
    """What the database holds for the customers of ``flt``: rows, first and last date of every
    source, whether follow-ups are tracked, and the languages the comments are written in
    (language codes of answers with a comment, sorted; answers without a language are not counted).
    """
    r, ce = m.NpsResponse, m.ChurnEvent
    nps_tracked = _exists(engine, select(r.id).where(r.follow_up_status.is_not(None)))
    churn_tracked = _exists(engine, select(ce.id).where(ce.follow_up_call_on.is_not(None) | ce.reason_confirmed))
    stmt = _filtered(select(r.language).where(r.language.is_not(None), r.comment.is_not(None),
                                              func.length(func.trim(r.comment)) > 0), r.customer_id, flt)
    with engine.connect() as conn:
        languages = sorted({str(v) for v in conn.execute(stmt.distinct()).scalars() if str(v).strip()})
    return Coverage(
        holdings=tuple(holding(engine, s, flt=flt) for s in SOURCES),
        nps_follow_up_tracked=nps_tracked, churn_follow_up_tracked=churn_tracked,
        comment_languages=tuple(languages),
    )


# --- why a figure is not shown ---------------------------------------------------------------------


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%b %Y}"


@dataclass(frozen=True)
class Gap:
    """Why ``figure`` has no value: ``kind`` is ``MISSING`` (no row of ``source`` at all),
    ``FILTERED`` (none for the customers selected) or ``ELSEWHERE`` (none in the period; the rows
    lie from ``first`` to ``last``)."""

    figure: str
    source: str
    kind: str
    first: dt.date | None = None
    last: dt.date | None = None

    @property
    def noun(self) -> str:
        return SOURCES[self.source].noun

    @property
    def entity(self) -> str | None:
        """The import file (a key of the Data page's entities) that brings the missing rows."""
        return SOURCES[self.source].entity

    @property
    def file_label(self) -> str:
        return SOURCES[self.source].file_label

    @property
    def period(self) -> Period | None:
        """Where the rows lie, as a period (``ELSEWHERE`` only)."""
        return Period(self.first, self.last) if self.first and self.last else None

    def reason(self, language: str = "en") -> str:
        return SOURCES[self.source].reason(language)

    def message(self) -> str:
        """One sentence a page shows in place of the figure."""
        name = NEEDS[self.figure].label
        if self.kind == MISSING:
            return (f"{name}: {self.reason()}. It needs the {self.file_label} file: import it on the Data page "
                    "(the empty template shows its columns).")
        if self.kind == FILTERED:
            if self.source == "customers":
                return "No customers match these filters. Widen the segment, region or owner selection."
            return f"No {self.noun} for these customers. Widen the segment, region or owner selection."
        source = SOURCES[self.source]
        where = f"{self.noun[0].upper()}{self.noun[1:]} {source.span_verb} from {_day(self.first)} to {_day(self.last)}."
        none = source.none_in_period or (f"No {self.noun} in this period" + (
            "." if source.company_wide else " for these customers."))
        return f"{none} {where}"


def gap(engine: Engine, figure: str, *, period: Period | None = None, flt: CustomerFilter = ALL) -> Gap | None:
    """Why ``figure`` cannot be shown for ``period`` and the customers of ``flt`` (None when it can).

    A source with no row in the whole database comes first (``MISSING``), then one with no row for
    these customers (``FILTERED``), then a period holding none of the figure's dated source while
    other periods do (``ELSEWHERE``, with the dates of the rows).
    """
    need = NEEDS[figure]
    held = present_sources(engine)
    for source in need.sources:
        if source not in held:
            return Gap(figure, source, MISSING)
    if not flt.is_all:
        for source in need.sources:
            if not SOURCES[source].company_wide and not holding(engine, source, flt=flt).present:
                return Gap(figure, source, FILTERED)
    if period is not None and need.dated is not None:
        if not holding(engine, need.dated, flt=flt, period=period).present:
            everywhere = holding(engine, need.dated, flt=flt)
            if everywhere.first is not None:
                return Gap(figure, need.dated, ELSEWHERE, everywhere.first, everywhere.last)
    return None


@dataclass(frozen=True)
class LeftOut:
    """A figure left out because a source it reads holds no row: its ``figure`` (a key of
    ``NEEDS``), ``area`` and ``source``."""

    figure: str
    area: str
    source: str

    def name(self, language: str = "en") -> str:
        return NEEDS[self.figure].name(language)

    def reason(self, language: str = "en") -> str:
        return SOURCES[self.source].reason(language)

    def text(self, language: str = "en") -> str:
        """"NPS: no NPS answers imported"."""
        return f"{self.name(language)}: {self.reason(language)}"


def left_out(engine: Engine, *, areas: Iterable[str] | None = None) -> tuple[LeftOut, ...]:
    """The Overview's figures (of ``areas``, default all) whose data the database does not hold at
    all, in the Overview's order, with the first missing source of each."""
    wanted = None if areas is None else set(areas)
    figures = [f for f, area in OVERVIEW_FIGURES.items() if wanted is None or area in wanted]
    absent = absent_figures(engine, figures)
    return tuple(LeftOut(f, OVERVIEW_FIGURES[f], absent[f]) for f in figures if f in absent)
