"""Headline tiles: one figure for a period beside a comparison period, with its verdict.

A tile is plain data. ``cs_metrics.services.overview`` builds every tile from the database (one
builder per figure, shared by the Overview, the area pages and the board pack); the summary, the
board pack and the pages only read them.

Each tile carries
* the value for the period and for the comparison period, the change, and n;
* a verdict on the change: for sampled figures a test decides between "statistically detectable"
  and "no detectable change"; census figures (every customer counted: health bands, churn,
  retention, customers, ARR) get "no test applicable", since their change is not a sampling
  question;
* a monthly sparkline: the same figure measured at the last ``SPARK_POINTS`` month ends, each
  over a window as long as the period, so its last point is the tile's value.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from cs_metrics.i18n import N_, _, formats
from cs_metrics.period import Period, month_end, shift_months
from cs_metrics.stats import ALPHA, p_text
from cs_metrics.vocab import DEFAULT_CURRENCY

#: Below this many responses an NPS is shown as too uncertain to read.
MIN_NPS_RESPONSES = 30
#: Below this many customers a share or median is shown as too uncertain to read.
MIN_CUSTOMERS = 10
#: Below this many meetings the customer share of meeting time is too uncertain to read.
MIN_MEETINGS = 5
#: Points of each sparkline (month ends).
SPARK_POINTS = 12

#: The verdicts on a change. They are data (compared, stored in snapshots): English always;
#: ``verdict_text`` (or ``_(tile.test)``) gives the reader's words.
DETECTABLE = N_("statistically detectable")
NOT_DETECTABLE = N_("no detectable change")
NOT_APPLICABLE = N_("no test applicable")
NOT_TESTABLE = N_("too little data to test")

#: Areas in display order, with the name of the page each belongs to (English; shown as ``_(AREAS[area])``).
AREAS: dict[str, str] = {
    "nps": N_("NPS"),
    "health": N_("Health"),
    "onboarding": N_("Onboarding"),
    "retention": N_("Churn & retention"),
    "renewals": N_("Renewals ahead"),
    "maturity": N_("Maturity"),
    "meetings": N_("Meetings"),
    "customers": N_("Customers"),
}

#: The names of the tests deciding the verdicts (``Tile.test_name``: data, English; shown as
#: ``_(tile.test_name)``).
TEST_NAMES: tuple[str, ...] = (
    N_("two-sample z-test"), N_("log-rank test"), N_("Mann-Whitney U"), N_("z-test on ratios"),
)

#: The tiles' names by key, as ``services.overview`` writes them (``_(LABELS[key])``, with
#: ``days`` or ``dimension`` where the name has them): the summary names a tile in its own
#: language whatever language the tile was built in.
LABELS: dict[str, str] = {
    "nps": N_("NPS"),
    "health_green": N_("Customers in good health"),
    "health_green_arr": N_("ARR in good health"),
    "health_red": N_("Customers at risk (red)"),
    "ttfv": N_("Median time to first value"),
    "ttfv_within_target": N_("First value within {days} days"),
    "logo_churn": N_("Logo churn"),
    "grr": N_("Gross revenue retention"),
    "nrr": N_("Net revenue retention"),
    "renewals": N_("ARR up for renewal ({days} days)"),
    "maturity": N_("Maturity: {dimension}"),
    "meeting_share": N_("Customer share of meeting time"),
    "customers": N_("Active customers"),
    "arr": N_("ARR"),
    "arr_file": N_("ARR (customers file)"),
}


def tile_label(name: str, **fields: object) -> str:
    """The name ``name`` (a key of ``LABELS``) in the current language, its ``fields`` filled.

    >>> tile_label("renewals", days=90)
    'ARR up for renewal (90 days)'
    """
    return _(LABELS[name]).format(**fields)
#: Areas assessed across the company: the customer filters do not apply to them.
COMPANY_WIDE: frozenset[str] = frozenset({"maturity", "meetings"})


@dataclass(frozen=True)
class Tile:
    """One headline figure for a period and a comparison period.

    ``unit`` is one of ``points`` (NPS), ``share`` (0-1), ``days``, ``count``, ``currency``,
    ``stage`` (maturity, 1-5). ``low``/``high`` bound ``value`` where it comes from a sample;
    ``n`` is the sample or population size behind ``value``; ``enough`` is False when ``n`` is
    below the minimum. ``test`` is one of ``DETECTABLE``, ``NOT_DETECTABLE``, ``NOT_APPLICABLE``
    (census figure), ``NOT_TESTABLE`` (sampled, but too little data); ``p_value`` and
    ``test_name`` say which test decided. ``series`` is the sparkline: ``(month end, value)``
    pairs, oldest first. ``area`` groups tiles (see ``AREAS``). ``warnings`` are data problems
    a person must read beside the figure (e.g. sources that disagree). ``currency`` is the ISO
    4217 code money in the tile (its value, or amounts in its detail) is written in.
    """

    key: str
    label: str
    unit: str
    value: float
    previous: float
    n: int
    n_previous: int
    low: float = math.nan
    high: float = math.nan
    enough: bool = True
    definition: str = ""
    detail: str = ""
    extra: dict = field(default_factory=dict)
    test: str = NOT_APPLICABLE
    p_value: float = math.nan
    test_name: str = ""
    series: tuple[tuple[dt.date, float], ...] = ()
    area: str = ""
    warnings: tuple[str, ...] = ()
    currency: str = DEFAULT_CURRENCY

    @property
    def change(self) -> float:
        return self.value - self.previous

    @property
    def detectable(self) -> bool:
        return self.test == DETECTABLE

    @property
    def sampled(self) -> bool:
        """True for figures from a sample (a test applies), False for census figures."""
        return self.test != NOT_APPLICABLE

    @property
    def has_value(self) -> bool:
        return self.n > 0 and not _nan(self.value)


def _nan(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def verdict_text(tile: Tile) -> str:
    """The test's reading of the change, with its p-value where a test ran, in the reader's language.

    >>> t = Tile("nps", "NPS", "points", 30.0, 20.0, 400, 380, test=DETECTABLE, p_value=0.012,
    ...          test_name="two-sample z-test")
    >>> verdict_text(t)
    'statistically detectable (two-sample z-test, p = 0.012)'
    >>> from cs_metrics.i18n import using
    >>> with using("it"):
    ...     verdict_text(t)
    'statisticamente significativo (test z a due campioni, p = 0,012)'
    """
    verdict = _(tile.test) if tile.test else tile.test
    if tile.test in (DETECTABLE, NOT_DETECTABLE) and not _nan(tile.p_value):
        test = _(tile.test_name) if tile.test_name else tile.test_name
        p = p_text(tile.p_value, decimal="," if formats.italian() else ".")
        return f"{verdict} ({test}, {p})"
    return verdict


def change_verdict(p_value: float, testable: bool = True) -> str:
    """``DETECTABLE`` below ``stats.ALPHA``, ``NOT_DETECTABLE`` above, ``NOT_TESTABLE`` without a test.

    >>> change_verdict(0.03), change_verdict(0.2), change_verdict(0.03, testable=False)
    ('statistically detectable', 'no detectable change', 'too little data to test')
    """
    if not testable or _nan(p_value):
        return NOT_TESTABLE
    return DETECTABLE if p_value < ALPHA else NOT_DETECTABLE


def sparkline_windows(period: Period, *, points: int = SPARK_POINTS) -> list[Period]:
    """Windows as long as ``period`` ending at the last ``points`` month ends, the last one on
    ``period.last`` (so the sparkline's last point is the tile's value), oldest first.

    Example
    -------
    >>> w = sparkline_windows(Period(dt.date(2026, 8, 1), dt.date(2026, 10, 31)), points=3)
    >>> [(p.first.isoformat(), p.last.isoformat()) for p in w]
    [('2026-06-01', '2026-08-31'), ('2026-07-01', '2026-09-30'), ('2026-08-01', '2026-10-31')]
    """
    lasts = [period.last]
    first_of_month = period.last.replace(day=1)
    for k in range(1, points):
        lasts.append(month_end(shift_months(first_of_month, -k)))
    return [Period(last - dt.timedelta(days=period.days - 1), last) for last in reversed(lasts)]


def tile_numbers(tiles: list[Tile]) -> dict[str, dict]:
    """The numbers of the tiles as plain JSON-ready values (for snapshots and comparisons)."""

    def clean(v: float) -> float | None:
        return None if _nan(v) or (isinstance(v, float) and math.isinf(v)) else float(v)

    return {
        t.key: {"label": t.label, "unit": t.unit, "value": clean(t.value), "previous": clean(t.previous),
                "n": int(t.n), "n_previous": int(t.n_previous), "low": clean(t.low), "high": clean(t.high),
                "test": t.test, "p_value": clean(t.p_value)}
        for t in tiles
    }
