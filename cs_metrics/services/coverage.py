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
from cs_metrics.i18n import N_, _, formats, using
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
    them; ``missing`` says none is imported, ``span`` where their dates lie ("NPS answers exist
    from {first} to {last}.", "Customers signed from ..."), ``none_in_period`` that the period
    holds none (each an English message, shown translated); ``monthly`` sources are dated by
    month; ``company_wide`` ones ignore the customer filters."""

    key: str
    entity: str | None
    noun: str
    missing: str
    span: str
    none_in_period: str
    monthly: bool = False
    company_wide: bool = False

    @property
    def file_label(self) -> str:
        """The file's name on the Data page ("NPS responses", "Milestones", ...), in the reader's language."""
        return _(ENTITIES[self.entity].label) if self.entity else _(SURVEY_SENDS_FILE)

    def reason(self, language: str | None = None) -> str:
        """Why a figure reading this source is left out: "no NPS answers imported" (in ``language``,
        default the reader's)."""
        with using(language):
            return _(self.missing)


#: The name of the survey invitations, which no import file of the Data page brings.
SURVEY_SENDS_FILE = N_("NPS survey sends")

SOURCES: dict[str, Source] = {s.key: s for s in (
    Source("customers", "customers", N_("customers"), N_("no customers imported"),
           N_("Customers signed from {first} to {last}."), N_("No customers in this period for these customers.")),
    Source("revenue", "revenue", N_("monthly revenue"), N_("no monthly revenue imported"),
           N_("Monthly revenue exist from {first} to {last}."),
           N_("No monthly revenue in this period for these customers."), monthly=True),
    Source("nps_responses", "nps_responses", N_("NPS answers"), N_("no NPS answers imported"),
           N_("NPS answers exist from {first} to {last}."), N_("No NPS answers in this period for these customers.")),
    Source("survey_sends", None, N_("NPS survey invitations"), N_("no NPS survey invitations imported"),
           N_("NPS survey invitations exist from {first} to {last}."),
           N_("No NPS survey invitations in this period for these customers.")),
    Source("first_value", "milestones", N_("first-value milestones"), N_("no first-value milestones imported"),
           N_("First-value milestones exist from {first} to {last}."),
           N_("No first-value milestones in this period for these customers.")),
    Source("health_signals", "health_signals", N_("health signals"), N_("no health signals imported"),
           N_("Health signals exist from {first} to {last}."),
           N_("No health signals in this period for these customers."), monthly=True),
    Source("churn_events", "churn_events", N_("churn events"), N_("no churn events imported"),
           N_("Churn events exist from {first} to {last}."), N_("No churn events in this period for these customers.")),
    Source("teams", "teams", N_("teams"), N_("no teams imported"), N_("Teams exist from {first} to {last}."),
           N_("No teams in this period."), company_wide=True),
    Source("assessments", "assessments", N_("maturity assessments"), N_("no maturity assessments imported"),
           N_("Maturity assessments exist from {first} to {last}."), N_("No maturity assessments in this period."),
           company_wide=True),
    Source("meetings", "meetings", N_("meetings"), N_("no meetings imported"),
           N_("Meetings were logged from {first} to {last}."), N_("No meetings were logged in this period."),
           company_wide=True),
)}


@dataclass(frozen=True)
class Need:
    """The sources a figure reads (every one must hold rows), and the one whose dates must fall
    in the period for the figure to have a value there (``dated``; None when any date will do).
    ``label`` is English, shown translated (``name``)."""

    label: str
    sources: tuple[str, ...]
    dated: str | None = None

    def name(self, language: str | None = None) -> str:
        """The figure's name in ``language`` (default the reader's)."""
        with using(language):
            return _(self.label)


NEEDS: dict[str, Need] = {
    "nps": Need(N_("NPS"), ("nps_responses",), "nps_responses"),
    "response_rate": Need(N_("Response rate"), ("survey_sends",), "survey_sends"),
    "health": Need(N_("Health"), ("health_signals",), "health_signals"),
    "onboarding": Need(N_("Time to first value"), ("customers", "first_value"), "customers"),
    "logo_churn": Need(N_("Logo churn"), ("customers",)),
    "revenue_retention": Need(N_("Gross and net revenue retention"), ("revenue",), "revenue"),
    "cohorts": Need(N_("Cohort retention"), ("revenue",)),
    "churn_reasons": Need(N_("Churn reasons"), ("churn_events",), "churn_events"),
    "churn_follow_up": Need(N_("Post-churn follow-up"), ("churn_events",)),
    "maturity": Need(N_("Maturity"), ("assessments",)),
    "teams": Need(N_("Maturity assessment"), ("teams",)),
    "meetings": Need(N_("Customer share of meeting time"), ("meetings",), "meetings"),
    # ARR falls back to the customers file's ARR column when no monthly revenue is imported.
    "customers": Need(N_("Active customers and ARR"), ("customers",)),
    # Contract ends come from the customers file (signing day and term).
    "renewals": Need(N_("Renewals ahead"), ("customers",)),
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
    raise DataError(_("Unknown source {source}; use one of {choices}.").format(
        source=repr(source), choices=", ".join(SOURCES)))


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

    def reason(self, language: str | None = None) -> str:
        return SOURCES[self.source].reason(language)

    def message(self) -> str:
        """One sentence a page shows in place of the figure, in the reader's language."""
        if self.kind == MISSING:
            return _("{name}: {reason}. It needs the {file} file: import it on the Data page (the empty template "
                     "shows its columns).").format(name=NEEDS[self.figure].name(), reason=self.reason(),
                                                    file=self.file_label)
        if self.kind == FILTERED:
            if self.source == "customers":
                return _("No customers match these filters. Widen the segment, region or owner selection.")
            return _("No {things} for these customers. Widen the segment, region or owner selection.").format(
                things=_(self.noun))
        source = SOURCES[self.source]
        where = _(source.span).format(first=formats.date_long(self.first), last=formats.date_long(self.last))
        return f"{_(source.none_in_period)} {where}"


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

    def name(self, language: str | None = None) -> str:
        return NEEDS[self.figure].name(language)

    def reason(self, language: str | None = None) -> str:
        return SOURCES[self.source].reason(language)

    def text(self, language: str | None = None) -> str:
        """"NPS: no NPS answers imported" (in ``language``, default the reader's)."""
        return f"{self.name(language)}: {self.reason(language)}"


def left_out(engine: Engine, *, areas: Iterable[str] | None = None) -> tuple[LeftOut, ...]:
    """The Overview's figures (of ``areas``, default all) whose data the database does not hold at
    all, in the Overview's order, with the first missing source of each."""
    wanted = None if areas is None else set(areas)
    figures = [f for f, area in OVERVIEW_FIGURES.items() if wanted is None or area in wanted]
    absent = absent_figures(engine, figures)
    return tuple(LeftOut(f, OVERVIEW_FIGURES[f], absent[f]) for f in figures if f in absent)
