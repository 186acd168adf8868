"""A built board pack: everything its three files show, as plain data (no engine, no drawing).

``cs_metrics.services.boardpack.build_pack`` fills a ``Pack`` from the database; the renderers
(``report.pdf``, ``report.pptx``, ``report.html``) and the Board pack page only read it.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import plotly.graph_objects as go

from cs_metrics import i18n
from cs_metrics import summary as sm
from cs_metrics.errors import DataError
from cs_metrics.i18n import N_, _
from cs_metrics.period import Period, as_date
from cs_metrics.report.texts import TEXT, period_label
from cs_metrics.selection import CustomerFilter
from cs_metrics.tiles import COMPANY_WIDE, Tile, tile_numbers
from cs_metrics.vocab import DEFAULT_CURRENCY

#: Sections a pack can hold, in order (areas of the Overview; customers and ARR are on the cover).
SECTIONS: tuple[str, ...] = ("nps", "health", "onboarding", "retention", "renewals", "maturity", "meetings")
FORMATS: tuple[str, ...] = ("pdf", "pptx", "html")
FILE_NAMES: dict[str, str] = {"pdf": "board-pack.pdf", "pptx": "board-pack.pptx", "html": "board-pack.html"}
MIME: dict[str, str] = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "html": "text/html",
}
#: Comparison periods a person can choose.
COMPARISONS: dict[str, str] = {"previous": N_("Previous period of equal length"),
                               "year": N_("Same period a year earlier")}


T = TypeVar("T")


@dataclass
class Pack:
    """A built pack: everything the three files show. ``numbers`` is what a snapshot stores.

    ``tiles`` holds the tiles of the sections and of the cover (area ``customers``); ``figures``
    the figures of each section, in reading order (one to three; empty for a preview); ``last`` the last saved pack for the same
    customers (``id``, ``created_at``, ``period_start``, ``period_end``, ``numbers``), or None.
    ``left_out`` the sections and figures left out for lack of data, as (name, reason) in the
    pack's language ("Health", "no health signals imported").
    ``currency`` is the company's currency (ISO 4217 code) every amount is written in; when not
    given, the currency of the pack's money tiles (the ARR on the cover). ``logo`` is an optional
    PNG or JPEG image of the company's logo, shown on every page and slide. ``at_risk`` the
    largest accounts at risk in the health section's month (``services.health.at_risk``: ``name``,
    ``owner``, ``arr``, ``score``, ``why``; ``attrs["n"]`` and ``attrs["arr"]`` count all of
    them; ``attrs["month"]`` the month, ``attrs["previous"]`` the month compared with), or None.
    """

    company: str
    period: Period
    previous: Period
    flt: CustomerFilter
    language: str
    sections: tuple[str, ...]
    generated_at: dt.datetime
    as_of: dt.date
    freshness: str
    tiles: list[Tile]
    summary: sm.Summary
    figures: dict[str, list[go.Figure]] = field(default_factory=dict)
    last: dict[str, Any] | None = None
    left_out: tuple[tuple[str, str], ...] = ()
    currency: str = ""
    logo: bytes | None = None
    at_risk: Any = None

    def __post_init__(self) -> None:
        if not self.currency:
            money = [t.currency for t in self.tiles if t.unit == "currency"]
            self.currency = money[0] if money else DEFAULT_CURRENCY

    def t(self, key: str) -> str:
        """A fixed word of the pack in its language (see ``texts.TEXT``)."""
        return TEXT[self.language][key]

    def section_tiles(self, area: str) -> list[Tile]:
        return [t for t in self.tiles if t.area == area]

    @property
    def has_customer_data(self) -> bool:
        """False when no figure about customers has any observation (the filters match nobody);
        the company-wide areas (maturity, meetings) do not count."""
        return any(t.n > 0 for t in self.tiles if t.area not in COMPANY_WIDE)

    @property
    def filters(self) -> dict[str, list[str]]:
        return {"segments": list(self.flt.segments), "regions": list(self.flt.regions), "owners": list(self.flt.owners)}

    @property
    def numbers(self) -> dict[str, Any]:
        """The pack's numbers as JSON-ready values; periods as their first and last day, both included."""
        return {
            "company": self.company, "period": [self.period.first.isoformat(), self.period.last.isoformat()],
            "compare": [self.previous.first.isoformat(), self.previous.last.isoformat()],
            "as_of": self.as_of.isoformat(), "generated_at": self.generated_at.isoformat(),
            "sections": list(self.sections), "language": self.language, "filters": self.filters,
            "tiles": tile_numbers(self.tiles), "summary": self.summary.text, "currency": self.currency,
        }

    def since_last(self, area: str) -> list[str]:
        """Lines on the figures of ``area`` that differ from the last saved pack (as displayed)."""
        if not self.last:
            return []
        before = self.last["numbers"].get("tiles", {})
        lines = []
        for tile in self.section_tiles(area):
            old = before.get(tile.key)
            if old is None:
                continue
            then = sm.value_text(tile, math.nan if old.get("value") is None else old["value"], self.language)
            now = sm.value_text(tile, tile.value, self.language)
            if then != now:
                lines.append(f"{sm.label(tile, self.language)}: {then} → {now}")  # noqa: RUF001 - an arrow
        return lines

    def last_saved(self) -> str:
        """When the last saved pack was saved and which period it covered ("" when there is none).

        The stored ``period_start``/``period_end`` are the period's first and last day, both included.
        """
        if not self.last:
            return ""
        when = self.last["created_at"]
        when = when if isinstance(when, dt.datetime) else dt.datetime.fromisoformat(str(when))
        period = Period(as_date(self.last["period_start"]), as_date(self.last["period_end"]))
        with i18n.using(self.language):
            return _("saved {when} UTC, period {period}").format(when=f"{when:%Y-%m-%d %H:%M}",
                                                                 period=period_label(period, self.language))


def comparison_period(period: Period, kind: str = "previous") -> Period:
    """The comparison period: the previous equal period, or the same dates a year earlier.

    Example
    -------
    >>> comparison_period(Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31)), "year")
    Period(first=datetime.date(2025, 1, 1), last=datetime.date(2025, 3, 31))
    """
    if kind == "previous":
        return period.previous()
    if kind == "year":
        return period.year_before()
    raise DataError(f"Unknown comparison {kind!r}; use one of {list(COMPARISONS)}.")


#: The largest logo file a pack takes.
MAX_LOGO_BYTES = 1024 * 1024


def check_logo(data: bytes | None) -> bytes | None:
    """The logo's bytes when they are a PNG or JPEG image of at most ``MAX_LOGO_BYTES``; None for
    no logo; else ``DataError`` saying what to give instead.

    >>> check_logo(b"GIF89a...")
    Traceback (most recent call last):
    cs_metrics.errors.DataError: The logo must be a PNG or JPEG image; this file is neither. Save it as PNG and choose it again.
    """
    if not data:
        return None
    if len(data) > MAX_LOGO_BYTES:
        raise DataError(f"The logo file is {len(data) / 1024 / 1024:.1f} MB; a logo of at most 1 MB is enough for "
                        "print. Save a smaller PNG or JPEG and choose it again.")
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        raise DataError("The logo must be a PNG or JPEG image; this file is neither. Save it as PNG and choose it "
                        "again.")
    return data


def check_sections(sections: Sequence[str] | None) -> tuple[str, ...]:
    """The sections in pack order (every one when ``sections`` is None); raise ``DataError``
    naming unknown ones.

    Example
    -------
    >>> check_sections(["meetings", "nps"])
    ('nps', 'meetings')
    """
    if sections is None:
        return SECTIONS
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        raise DataError(f"Unknown section(s) {unknown}; choose among {list(SECTIONS)}.")
    if not sections:
        raise DataError(f"Choose at least one section among {list(SECTIONS)}.")
    return tuple(s for s in SECTIONS if s in sections)


def in_pack_language(render: Callable[..., T]) -> Callable[..., T]:
    """Run ``render(pack, ...)`` in the pack's language, whatever the reader's: every word, number and
    date it writes (and every figure it draws) is the pack's."""

    @functools.wraps(render)
    def speaking(pack: Pack, *args: Any, **kwargs: Any) -> T:
        with i18n.using(pack.language):
            return render(pack, *args, **kwargs)

    return speaking
