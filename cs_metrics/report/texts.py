"""The fixed words of a board pack: headings, section titles, methods, and the period as a pack
writes it. English here, every other language from the catalog (``cs_metrics.i18n``), read in the
pack's language whatever the reader's."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from cs_metrics import i18n
from cs_metrics.i18n import N_, _
from cs_metrics.period import Period
from cs_metrics.tiles import AREAS, MIN_CUSTOMERS, MIN_MEETINGS, MIN_NPS_RESPONSES

#: Languages a pack is written in.
LANGUAGES: tuple[str, ...] = tuple(i18n.LANGUAGES)

#: The fixed words of a pack, in English; their Italian is in the catalog (cs_metrics/locale/it/report.po).
WORDS: dict[str, str] = {
    "title": N_("Customer posture"), "subtitle": N_("Board pack"), "period": N_("Period"),
    "compare": N_("Compared with"), "customers": N_("Customers"), "generated": N_("Generated"),
    "freshness": N_("Data up to"), "changed": N_("What changed"), "context": N_("Customers and revenue"),
    "figure": N_("Figure"), "value": N_("Value"), "previous": N_("Previous"), "change": N_("Change"),
    "test": N_("Change reading"), "n": "n", "reading": N_("Reading"), "since": N_("Since the last pack"),
    "no_since": N_("No figure changed since the last pack"), "saved": N_("saved"),
    "appendix": N_("Appendix: definitions and methods"), "sections": N_("Sections"), "page": N_("Page"),
    "demo": N_("demo data"), "company_wide": N_("Company-wide: the customer filters do not apply."),
    "too_few": N_("too few observations to read with confidence"), "left_out": N_("Left out"),
    "no_data_period": N_("no data for this period"), "contents": N_("Contents"),
    "summary": N_("Summary: the posture on one page"), "meaning": N_("What this means"),
    "contradiction": N_("Largest contradiction"), "notes_definitions": N_("Definitions"),
    "notes_tests": N_("How each change was read"), "notes_freshness": N_("Data freshness"),
    "interval": N_("95% CI"), "of": N_("of"), "at_risk": N_("Largest accounts at risk"), "account": N_("Customer"),
    "owner": N_("Owner"), "arr": "ARR", "score": N_("Score"), "why": N_("Why"), "no_owner": N_("no owner"),
    "plan": N_("Owner's plan"), "next_step": N_("Next step (due)"), "no_plan": N_("no plan yet"),
}


class Words(Mapping[str, str]):
    """``english`` (key -> English) read in ``language``: ``Words("it", WORDS)["title"]`` is the
    catalog's Italian of "Customer posture"."""

    def __init__(self, language: str, english: Mapping[str, str]):
        self.language, self.english = language, english

    def __getitem__(self, key: str) -> str:
        with i18n.using(self.language):
            return _(self.english[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self.english)

    def __len__(self) -> int:
        return len(self.english)


TEXT: dict[str, Words] = {code: Words(code, WORDS) for code in LANGUAGES}
#: Section titles: the Overview's area names (``tiles.AREAS``) in the pack's language.
SECTION_TITLES: dict[str, Words] = {code: Words(code, AREAS) for code in LANGUAGES}

_METHODS: tuple[str, ...] = (
    N_("Sampled figures (NPS, time to first value, maturity, meeting time) carry n and a 95% interval; a change "
       "is called statistically detectable only when its test gives p < 0.05. Census figures (health bands, "
       "churn, revenue retention, customers, ARR) count every customer: no test applies to their change."),
    N_("Below a minimum n (NPS {nps} responses, {customers} customers, {meetings} meetings, 3 answers per "
       "maturity dimension) a figure is marked too uncertain to read."),
    N_("NPS interval: adjusted Wald (Rocks 2016: 0.75 detractor, 1.5 passive, 0.75 promoter added), clipped "
       "to -100..100. Time to first value: Kaplan-Meier with right-censoring (customers still onboarding, or "
       "lost before first value, are censored), log-rank test between signing cohorts."),
    N_("Health bands: score 50 or below red, above 50 to 75 yellow, above 75 green. Trends: each point is the "
       "same figure over a window as long as the period, ending at a month end."),
    N_("Peer medians on the retention trend (dashed): SaaS Capital's 2023 survey of private B2B SaaS companies "
       "above $1M ARR, for the band of annual contract value holding the company's ARR per paying customer "
       "(band edges in US dollars). A median is the middle company, not a target."),
)


def methods(language: str) -> tuple[str, ...]:
    """The appendix's paragraphs on methods, in ``language``."""
    with i18n.using(language):
        return tuple(_(text).format(nps=MIN_NPS_RESPONSES, customers=MIN_CUSTOMERS, meetings=MIN_MEETINGS)
                     for text in _METHODS)


class _Methods(Mapping[str, tuple[str, ...]]):
    def __getitem__(self, language: str) -> tuple[str, ...]:
        return methods(i18n.check(language))

    def __iter__(self) -> Iterator[str]:
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)


METHODS: Mapping[str, tuple[str, ...]] = _Methods()


def period_label(period: Period, language: str = "en") -> str:
    """The period as shown in a pack, from its first to its last day, with the month names of the
    pack's language.

    Example
    -------
    >>> import datetime as dt
    >>> period_label(Period(dt.date(2025, 11, 1), dt.date(2026, 10, 31)), "it")
    '01 nov 2025 – 31 ott 2026'
    """
    with i18n.using(language):
        return period.label()
