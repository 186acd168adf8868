"""The board pack: the Overview's numbers, figures and definitions as PDF, PPTX and HTML.

A pack is built from the same functions as the Overview (``overview.overview_tiles``), so its
numbers are the API's. It has a cover (company, period, comparison period, generation time, data
freshness, "what changed"), one section per chosen area (key figures with their test verdicts, a
figure, a two-line reading, and what changed since the last saved pack) and an appendix of
definitions and methods.

Figures become PNG through kaleido on the system Chromium; one kaleido server is started once per
process and reused for every figure. Without a Chromium the PDF and PPTX cannot be drawn
(``ChromiumMissing``); the HTML pack, with interactive figures and plotly.js inline, needs none.

Saving a pack (``save``) stores its numbers and its files in the database, so it re-downloads
byte for byte later, and the next pack can say what changed since.

Command line, for scheduled runs::

    python -m cs_metrics.boardpack --database-url URL --start 2025-11-01 --end 2026-10-31 --out DIR \
        [--compare-start D --compare-end D] [--sections nps health ...] [--language en|it] [--company NAME] [--save]
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import math
import os
import shutil
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from sqlalchemy.engine import Engine

from cs_metrics import overview as ov
from cs_metrics import summary as sm
from cs_metrics.charts import overview as ovc
from cs_metrics.errors import ConfigurationError, DataError, SchemaError
from cs_metrics.overview import Tile
from cs_metrics.period import Period, shift_months
from cs_metrics.stats import p_text
from cs_metrics.storage import queries as q
from cs_metrics.storage.queries import boardpack as qb

#: Sections a pack can hold, in order (areas of the Overview; customers and ARR are on the cover).
SECTIONS: tuple[str, ...] = ("nps", "health", "onboarding", "retention", "maturity", "meetings")
FORMATS: tuple[str, ...] = ("pdf", "pptx", "html")
FILE_NAMES: dict[str, str] = {"pdf": "board-pack.pdf", "pptx": "board-pack.pptx", "html": "board-pack.html"}
MIME: dict[str, str] = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "html": "text/html",
}
#: Figure size in pixels (drawn at 2x for print).
FIGURE_SIZE = (1000, 430)
#: Executable names of a Chromium kaleido can drive.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
INSTALL_CHROMIUM = (
    "The PDF and PPTX packs draw their figures with a Chromium browser, and none was found. "
    "Install one (on Debian or Ubuntu: apt-get install chromium) or set BROWSER_PATH to a Chrome or "
    "Chromium executable; the HTML pack works without it."
)

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Customer posture", "subtitle": "Board pack", "period": "Period", "compare": "Compared with",
        "customers": "Customers", "generated": "Generated", "freshness": "Data up to", "changed": "What changed",
        "context": "Customers and revenue", "figure": "Figure", "value": "Value", "previous": "Previous",
        "change": "Change", "test": "Change reading", "n": "n", "reading": "Reading",
        "since": "Since the last pack", "no_since": "No figure changed since the last pack",
        "saved": "saved", "appendix": "Appendix: definitions and methods", "sections": "Sections",
        "page": "Page", "demo": "demo data", "company_wide": "Company-wide: the customer filters do not apply.",
        "too_few": "too few observations to read with confidence",
    },
    "it": {
        "title": "Postura verso il cliente", "subtitle": "Documento per il consiglio", "period": "Periodo",
        "compare": "Confrontato con", "customers": "Clienti", "generated": "Generato", "freshness": "Dati fino al",
        "changed": "Che cosa è cambiato", "context": "Clienti e ricavi", "figure": "Indicatore", "value": "Valore",
        "previous": "Precedente", "change": "Variazione", "test": "Lettura della variazione", "n": "n",
        "reading": "Lettura", "since": "Dall'ultimo documento", "no_since": "Nessun indicatore è cambiato dall'ultimo documento",
        "saved": "salvato il", "appendix": "Appendice: definizioni e metodi", "sections": "Sezioni",
        "page": "Pagina", "demo": "dati dimostrativi",
        "company_wide": "Riguarda tutta l'azienda: i filtri sui clienti non si applicano.",
        "too_few": "troppo poche osservazioni per una lettura affidabile",
    },
}

SECTION_TITLES: dict[str, dict[str, str]] = {
    "en": {**ov.AREAS},
    "it": {"nps": "NPS", "health": "Salute dei clienti", "onboarding": "Onboarding", "retention": "Churn e retention",
           "maturity": "Maturità", "meetings": "Riunioni", "customers": "Clienti"},
}

VERDICTS_IT: dict[str, str] = {
    ov.DETECTABLE: "statisticamente rilevabile",
    ov.NOT_DETECTABLE: "nessun cambiamento rilevabile",
    ov.NOT_APPLICABLE: "nessun test applicabile",
    ov.NOT_TESTABLE: "dati insufficienti per il test",
}

#: Italian definitions of the figures (the English ones are the tiles' own).
DEFINITIONS_IT: dict[str, str] = {
    "nps": "% di promotori (9-10) meno % di detrattori (0-6) tra le risposte del periodo; intervallo al 95% "
    "con il metodo di Wald corretto (Rocks 2016). La variazione è verificata con un test z a due campioni.",
    "health_green": "Quota dei clienti valutati nella fascia verde (punteggio sopra 75) nell'ultimo mese con "
    "segnali; punteggio = media pesata degli indicatori normalizzati. Conta tutti i clienti: nessun test.",
    "health_green_arr": "Quota dell'ARR (12 x MRR del mese) dei clienti valutati che sta nella fascia verde.",
    "health_red": "Quota dei clienti valutati nella fascia rossa (punteggio 50 o meno).",
    "ttfv": "Mediana di Kaplan-Meier dei giorni dalla firma al primo valore per i clienti firmati nel periodo; "
    "chi è ancora in onboarding è censurato, non escluso. Variazione verificata con il test log-rank.",
    "ttfv_within_target": "Quota dei clienti firmati nel periodo che raggiunge il primo valore entro il target "
    "(1 - S(t) della curva di Kaplan-Meier). Variazione verificata con il test log-rank.",
    "logo_churn": "Clienti persi nel periodo diviso clienti attivi all'inizio (esclusi i firmati nel periodo). "
    "Conta tutti i clienti: nessun test.",
    "grr": "Ricavi mantenuti dai clienti paganti all'inizio del periodo, ciascuno al massimo pari al ricavo "
    "iniziale (l'espansione non conta); mai sopra il 100%.",
    "nrr": "Ricavi a fine periodo dei clienti paganti all'inizio, in rapporto ai loro ricavi iniziali; "
    "l'espansione conta, quindi può superare il 100%.",
    "maturity": "Stadio mediano autovalutato (1 Isola ... 5 Social Business) su tutte le risposte dell'ultimo "
    "round, contro il round precedente; variazione verificata con il test U di Mann-Whitney. Valutato dai "
    "team: i filtri sui clienti non si applicano.",
    "meeting_share": "Minuti dei punti all'ordine del giorno che riguardano il cliente sul totale dei minuti "
    "registrati nelle riunioni del periodo, contro il 5% implicito nella stima del 95% di contenuti interni. "
    "Variazione verificata con un test z sui due rapporti.",
    "customers": "Clienti firmati entro l'ultimo giorno del periodo e non persi a quella data.",
    "arr": "12 x i ricavi ricorrenti mensili dell'ultimo mese del periodo.",
}

METHODS: dict[str, tuple[str, ...]] = {
    "en": (
        "Sampled figures (NPS, time to first value, maturity, meeting time) carry n and a 95% interval; a change "
        "is called statistically detectable only when its test gives p < 0.05. Census figures (health bands, "
        "churn, revenue retention, customers, ARR) count every customer: no test applies to their change.",
        f"Below a minimum n (NPS {ov.MIN_NPS_RESPONSES} responses, {ov.MIN_CUSTOMERS} customers, "
        f"{ov.MIN_MEETINGS} meetings, 3 answers per maturity dimension) a figure is marked too uncertain to read.",
        "NPS interval: adjusted Wald (Rocks 2016: 0.75 detractor, 1.5 passive, 0.75 promoter added), clipped "
        "to -100..100. Time to first value: Kaplan-Meier with right-censoring (customers still onboarding, or "
        "lost before first value, are censored), log-rank test between signing cohorts.",
        "Health bands: score 50 or below red, above 50 to 75 yellow, above 75 green. Trends: each point is the "
        "same figure over a window as long as the period, ending at a month end.",
    ),
    "it": (
        "Gli indicatori campionari (NPS, tempo al primo valore, maturità, tempo delle riunioni) riportano n e un "
        "intervallo al 95%; una variazione è detta statisticamente rilevabile solo se il test dà p < 0,05. Gli "
        "indicatori censuari (fasce di salute, churn, retention dei ricavi, clienti, ARR) contano tutti i clienti: "
        "nessun test si applica alla loro variazione.",
        f"Sotto un n minimo (NPS {ov.MIN_NPS_RESPONSES} risposte, {ov.MIN_CUSTOMERS} clienti, {ov.MIN_MEETINGS} "
        "riunioni, 3 risposte per dimensione di maturità) un indicatore è segnato come troppo incerto.",
        "Intervallo NPS: Wald corretto (Rocks 2016: si aggiungono 0,75 detrattori, 1,5 passivi, 0,75 promotori), "
        "limitato a -100..100. Tempo al primo valore: Kaplan-Meier con censura a destra, test log-rank tra coorti.",
        "Fasce di salute: 50 o meno rosso, oltre 50 fino a 75 giallo, oltre 75 verde. Andamenti: ogni punto è lo "
        "stesso indicatore su una finestra lunga quanto il periodo, che termina a fine mese.",
    ),
}


class ChromiumMissing(RuntimeError):
    """No Chromium to draw figures with; the message says how to install one."""


# --- the pack --------------------------------------------------------------------------------------


@dataclass
class Pack:
    """A built pack: everything the three files show. ``numbers`` is what a snapshot stores."""

    company: str
    period: Period
    previous: Period
    flt: q.CustomerFilter
    language: str
    sections: tuple[str, ...]
    generated_at: dt.datetime
    as_of: dt.date
    freshness: str
    tiles: list[Tile]
    summary: sm.Summary
    figures: dict[str, go.Figure] = field(default_factory=dict)
    last: dict[str, Any] | None = None

    def t(self, key: str) -> str:
        return TEXT[self.language][key]

    def section_tiles(self, area: str) -> list[Tile]:
        return [t for t in self.tiles if t.area == area]

    @property
    def filters(self) -> dict[str, list[str]]:
        return {"segments": list(self.flt.segments), "regions": list(self.flt.regions), "owners": list(self.flt.owners)}

    @property
    def numbers(self) -> dict[str, Any]:
        return {
            "company": self.company, "period": [self.period.first.isoformat(), self.period.last.isoformat()],
            "compare": [self.previous.first.isoformat(), self.previous.last.isoformat()],
            "as_of": self.as_of.isoformat(), "generated_at": self.generated_at.isoformat(),
            "sections": list(self.sections), "language": self.language, "filters": self.filters,
            "tiles": ov.tile_numbers(self.tiles), "summary": self.summary.text,
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
                lines.append(f"{sm.label(tile, self.language)}: {then} → {now}")
        return lines

    def last_saved(self) -> str:
        if not self.last:
            return ""
        when = self.last["created_at"]
        when = when if isinstance(when, dt.datetime) else dt.datetime.fromisoformat(str(when))
        period = Period(_as_date(self.last["period_start"]), _as_date(self.last["period_end"]))
        return f"{self.t('saved')} {when:%Y-%m-%d %H:%M} UTC, {self.t('period').lower()} {period_label(period, self.language)}"


#: Comparison periods a person can choose.
COMPARISONS: dict[str, str] = {"previous": "Previous period of equal length", "year": "Same period a year earlier"}


def comparison_period(period: Period, kind: str = "previous") -> Period:
    """The comparison period: the previous equal period, or the same dates a year earlier.

    >>> comparison_period(Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31)), "year")
    Period(first=datetime.date(2025, 1, 1), last=datetime.date(2025, 3, 31))
    """
    if kind == "previous":
        return period.previous()
    if kind == "year":
        return period.year_before()
    raise DataError(f"Unknown comparison {kind!r}; use one of {list(COMPARISONS)}.")


_MONTHS_IT = ("gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic")


def period_label(period: Period, language: str = "en") -> str:
    """The period as shown in a pack, with Italian month names in Italian packs.

    >>> period_label(Period(dt.date(2025, 11, 1), dt.date(2026, 10, 31)), "it")
    '01 nov 2025 – 31 ott 2026'
    """
    if language != "it":
        return period.label()
    return " – ".join(f"{d.day:02d} {_MONTHS_IT[d.month - 1]} {d.year}" for d in (period.first, period.last))


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def available_sections() -> tuple[str, ...]:
    """Sections whose metric functions are present in this installation."""
    areas = ov.available_areas()
    return tuple(s for s in SECTIONS if s in areas)


def check_sections(sections: Sequence[str] | None) -> tuple[str, ...]:
    """The sections in pack order; raise ``DataError`` naming unknown ones."""
    if sections is None:
        return available_sections()
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        raise DataError(f"Unknown section(s) {unknown}; choose among {list(SECTIONS)}.")
    if not sections:
        raise DataError(f"Choose at least one section among {list(SECTIONS)}.")
    return tuple(s for s in SECTIONS if s in sections)


def freshness(engine: Engine) -> str:
    """Data freshness for the cover: the latest recorded activity, and whether the data is the demo."""
    from cs_metrics.storage import db

    extent = q.data_extent(engine)
    latest = extent.get("latest")
    meta = db.dataset_meta(engine)
    text = latest.isoformat() if latest else "no data"
    if meta.get("dataset") == "demo":
        text += f" (demo, generated {meta.get('generated_at', '')[:10]})"
    return text


def build_pack(
    engine: Engine,
    *,
    period: Period,
    previous: Period | None = None,
    sections: Sequence[str] | None = None,
    flt: q.CustomerFilter = q.ALL,
    as_of: dt.date | None = None,
    language: str = "en",
    company: str = "",
    generated_at: dt.datetime | None = None,
    figures: bool = True,
) -> Pack:
    """Compute a pack: the tiles of the chosen sections (and customers and ARR for the cover), the
    summary, one figure per section, and the last saved pack for the same customers.

    Sections without any figure (e.g. no meetings logged) are left out.
    """
    if language not in TEXT:
        raise DataError(f"Unknown language {language!r}; use en or it.")
    chosen = check_sections(sections)
    previous = previous or period.previous()
    as_of = as_of or period.last
    tiles = ov.overview_tiles(engine, period=period, flt=flt, as_of=as_of, previous=previous,
                              areas=(*chosen, "customers"))
    present = tuple(s for s in chosen if any(t.area == s for t in tiles))
    found = sm.contradictions(engine, period=period, flt=flt, as_of=as_of)
    summary = sm.what_changed([t for t in tiles if t.area in present or t.area == "customers"], found, language=language)
    pack = Pack(
        company=company.strip() or "Outside In", period=period, previous=previous, flt=flt, language=language,
        sections=present, generated_at=(generated_at or dt.datetime.now(dt.UTC)).replace(microsecond=0),
        as_of=as_of, freshness=freshness(engine), tiles=tiles, summary=summary,
    )
    pack.last = qb.last_pack(engine, filters=pack.filters)
    if figures:
        pack.figures = {area: section_figure(engine, area, pack) for area in present}
    return pack


def section_figure(engine: Engine, area: str, pack: Pack) -> go.Figure:
    """The figure of one section, drawn by the area's own chart builder where there is one."""
    import importlib

    tiles = pack.section_tiles(area)
    title = SECTION_TITLES[pack.language][area]
    if area == "nps":
        nps, charts_nps = importlib.import_module("cs_metrics.nps"), importlib.import_module("cs_metrics.charts.nps")
        start = min(pack.previous.start, pack.period.start)
        counts = q.nps_monthly_counts(engine, start=start, end=pack.period.end, flt=pack.flt)
        if len(counts) and hasattr(nps, "nps_trend") and hasattr(charts_nps, "trend_chart"):
            trend = nps.nps_trend(counts, grain="month", start=start, end=pack.period.end)
            return charts_nps.trend_chart(trend, title=title, min_n=ov.MIN_NPS_RESPONSES, current_start=pack.period.start)
    if area == "health" and tiles and tiles[0].n:
        from cs_metrics import charts

        return charts.band_shares_bar(tiles[0].extra["bands"], title=title)
    if area == "onboarding":
        ttfv = importlib.import_module("cs_metrics.ttfv")
        charts_ttfv = importlib.import_module("cs_metrics.charts.ttfv")
        if hasattr(charts_ttfv, "survival_figure") and hasattr(ttfv, "survival_curve") and tiles and tiles[0].n:
            durations = ov._durations(engine, flt=pack.flt, as_of=pack.as_of, customers=None)
            cohort = ov._cohort(durations, pack.period)
            cohort.attrs = {}
            curve = ttfv.survival_curve(cohort)
            fig = charts_ttfv.survival_figure(curve, targets={"all customers": ttfv.DEFAULT_TARGET_DAYS}, title=title)
            return fig
    if area == "retention":
        churn, charts_churn = importlib.import_module("cs_metrics.churn"), importlib.import_module("cs_metrics.charts.churn")
        if all(hasattr(churn, n) for n in ("churn_in_period", "reason_pareto")) and hasattr(charts_churn, "reason_pareto_chart"):
            lost = churn.churn_in_period(engine, period=pack.period, flt=pack.flt)
            if len(lost):
                return charts_churn.reason_pareto_chart(churn.reason_pareto(lost), title=title)
    if area == "maturity" and tiles:
        return ovc.maturity_bars(tiles, title=title)
    return ovc.area_trend(tiles, title=title)


# --- figures to PNG --------------------------------------------------------------------------------

_KALEIDO_LOCK = threading.Lock()
_KALEIDO_STARTED = False


def chromium_path() -> str | None:
    """The Chromium/Chrome executable kaleido will use (``BROWSER_PATH`` first), or None."""
    env = os.environ.get("BROWSER_PATH")
    if env and Path(env).exists():
        return env
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def figure_images(
    figures: dict[str, go.Figure], *, progress: Callable[[float, str], None] | None = None
) -> dict[str, bytes]:
    """PNG bytes of each figure, drawn by one kaleido server started once and reused.

    Raises ``ChromiumMissing`` when no Chromium can be found.
    """
    global _KALEIDO_STARTED
    if chromium_path() is None:
        raise ChromiumMissing(INSTALL_CHROMIUM)
    import kaleido
    from kaleido.errors import ChromeNotFoundError

    out: dict[str, bytes] = {}
    width, height = FIGURE_SIZE
    with _KALEIDO_LOCK:
        if not _KALEIDO_STARTED:
            kaleido.start_sync_server(silence_warnings=True)
            _KALEIDO_STARTED = True
        for i, (key, fig) in enumerate(figures.items()):
            if progress:
                progress(i / max(len(figures), 1), key)
            try:
                out[key] = kaleido.calc_fig_sync(
                    fig.to_dict(), opts={"format": "png", "width": width, "height": height, "scale": 2}
                )
            except ChromeNotFoundError:
                raise ChromiumMissing(INSTALL_CHROMIUM) from None
    return out


def stop_figure_server() -> None:
    """Stop the kaleido server (the command line does this before it exits)."""
    global _KALEIDO_STARTED
    with _KALEIDO_LOCK:
        if _KALEIDO_STARTED:
            import kaleido

            kaleido.stop_sync_server(silence_warnings=True)
            _KALEIDO_STARTED = False


# --- texts shared by the three files ---------------------------------------------------------------


def verdict(tile: Tile, language: str) -> str:
    text = ov.verdict_text(tile)
    if language == "it":
        text = VERDICTS_IT.get(tile.test, tile.test)
        if tile.test in (ov.DETECTABLE, ov.NOT_DETECTABLE) and not math.isnan(tile.p_value):
            text += f" ({p_text(tile.p_value, decimal=',')})"
    return text


def figure_row(tile: Tile, language: str) -> tuple[str, str, str, str, str, str]:
    """(figure, value, previous, change, test reading, n) of a tile, as displayed."""
    if not tile.has_value:
        return (sm.label(tile, language), "–", sm.value_text(tile, tile.previous, language), "", verdict(tile, language), "0")
    value = sm.value_text(tile, tile.value, language)
    interval = ov.display_interval(tile.low, tile.high, tile.unit)
    if interval:
        value += f" ({sm.localise(interval.replace('95% CI ', ''), language)})"
    n = sm.localise(f"{tile.n:,}", language)
    return (sm.label(tile, language), value, sm.value_text(tile, tile.previous, language), sm.change_text(tile, language),
            verdict(tile, language), n)


def figure_line(tile: Tile, language: str) -> str:
    name, value, previous, change, reading, n = figure_row(tile, language)
    prev = "prima" if language == "it" else "before"
    return f"{name}: {value}; {prev} {previous}; {change}; {reading}; n = {n}"


def reading(pack: Pack, area: str) -> tuple[str, str]:
    """The two-line reading of a section: the headline figure and its change; the other figures."""
    tiles = pack.section_tiles(area)
    lang = pack.language
    head = tiles[0]
    if not head.has_value:
        first = (f"{sm.label(head, lang)}: nessun dato per questa selezione." if lang == "it"
                 else f"{head.label}: no data for this selection.")
    else:
        value = sm.value_text(head, head.value, lang)
        before = sm.value_text(head, head.previous, lang)
        if lang == "it":
            first = f"{sm.label(head, 'it')} è {value}, contro {before} nel periodo di confronto: {verdict(head, 'it')}."
        else:
            first = f"{head.label} is {value}, against {before} in the comparison period: {verdict(head, 'en')}."
        if not head.enough:
            first += f" ({pack.t('too_few')})"
    others = [t for t in tiles[1:] if t.has_value]
    if others:
        parts = [f"{sm.label(t, lang)} {sm.value_text(t, t.value, lang)} ({sm.change_text(t, lang)})" for t in others]
        second = ("Inoltre: " if lang == "it" else "Also: ") + "; ".join(parts) + "."
    else:
        second = pack.t("company_wide") if area in ("maturity", "meetings") else ""
    return first, second


def definitions(pack: Pack) -> list[tuple[str, str]]:
    """(figure, definition) for every figure in the pack, in section order, cover figures last."""
    out = []
    for area in (*pack.sections, "customers"):
        for tile in pack.section_tiles(area):
            if pack.language == "it":
                key = "maturity" if tile.key.startswith("maturity_") else tile.key
                text = DEFINITIONS_IT.get(key, tile.definition)
            else:
                text = tile.definition
            out.append((sm.label(tile, pack.language), text))
    return out


def cover_lines(pack: Pack) -> list[tuple[str, str]]:
    t = pack.t
    return [
        (t("period"), period_label(pack.period, pack.language)),
        (t("compare"), period_label(pack.previous, pack.language)),
        (t("customers"), pack.flt.describe() if pack.language == "en" else pack.flt.describe().replace("all customers", "tutti i clienti")),
        (t("generated"), f"{pack.generated_at:%Y-%m-%d %H:%M} UTC"),
        (t("freshness"), pack.freshness),
    ]


# --- PDF -------------------------------------------------------------------------------------------

_PDF_MAP = {"€": "EUR ", "–": "-", "—": "-", "−": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "→": "->",
            "…": "...", "≤": "<=", "≥": ">=", "\u00a0": " ", "\u202f": " "}


def pdf_text(text: str) -> str:
    """Text the PDF's core fonts can draw (Latin-1): common typographic signs mapped, others replaced.

    >>> pdf_text("€58.86M – 95% CI 26–34 → it’s")
    "EUR 58.86M - 95% CI 26-34 -> it's"
    """
    for a, b in _PDF_MAP.items():
        text = text.replace(a, b)
    return text.encode("latin-1", "replace").decode("latin-1")


def render_pdf(pack: Pack, images: dict[str, bytes]) -> bytes:
    """The pack as an A4 PDF: cover, one page per section, appendix (normally one page)."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_creation_date(pack.generated_at)
    pdf.set_title(pdf_text(f"{pack.company} · {pack.t('subtitle')}"))
    pdf.set_author(pdf_text(pack.company))
    pdf.set_margins(15, 15, 15)
    width = pdf.w - 30
    footer = pdf_text(f"{pack.company} · {pack.t('subtitle')} · {period_label(pack.period, pack.language)}")

    def page(auto: bool = False) -> None:
        pdf.set_auto_page_break(auto, margin=18)
        pdf.add_page()

    def foot() -> None:
        pdf.set_auto_page_break(False)
        pdf.set_xy(15, pdf.h - 12)
        pdf.set_font("helvetica", size=7)
        pdf.set_text_color(110)
        pdf.cell(width, 4, f"{footer} · {pack.t('page')} {pdf.page_no()}", align="R")
        pdf.set_text_color(0)

    def heading(text: str, size: int = 16) -> None:
        pdf.set_font("helvetica", style="B", size=size)
        pdf.multi_cell(width, size * 0.5, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)

    def para(text: str, size: float = 10, style: str = "") -> None:
        pdf.set_font("helvetica", style=style, size=size)
        pdf.multi_cell(width, size * 0.45, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def table(rows: list[Sequence[str]], widths: Sequence[float], size: float = 8) -> None:
        pdf.set_font("helvetica", size=size)
        with pdf.table(col_widths=widths, width=width, line_height=size * 0.5, text_align="LEFT",
                       first_row_as_headings=True) as tb:
            for row in rows:
                cells = tb.row()
                for value in row:
                    cells.cell(pdf_text(value))
        pdf.ln(2)

    # cover
    page()
    pdf.set_font("helvetica", style="B", size=24)
    pdf.cell(width, 12, pdf_text(pack.company), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("helvetica", size=16)
    pdf.cell(width, 9, pdf_text(f"{pack.t('title')} · {pack.t('subtitle')}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    for name, value in cover_lines(pack):
        para(f"{name}: {value}", size=10)
    pdf.ln(3)
    heading(pack.t("changed"), 13)
    for sentence in pack.summary.sentences:
        para(sentence, size=10)
        pdf.ln(1)
    pdf.ln(2)
    heading(pack.t("context"), 13)
    head = [pack.t(k) for k in ("figure", "value", "previous", "change", "test", "n")]
    table([head] + [figure_row(t, pack.language) for t in pack.section_tiles("customers")], (40, 30, 25, 25, 45, 15))
    para(f"{pack.t('sections')}: " + ", ".join(SECTION_TITLES[pack.language][s] for s in pack.sections), size=9)
    foot()

    # sections
    for area in pack.sections:
        page()
        heading(SECTION_TITLES[pack.language][area], 16)
        first, second = reading(pack, area)
        para(first, size=10, style="B")
        if second:
            para(second, size=9)
        pdf.ln(2)
        rows = [figure_row(t, pack.language) for t in pack.section_tiles(area)]
        table([head] + rows, (40, 34, 22, 24, 45, 15))
        if area in images:
            img_w = width
            pdf.image(io.BytesIO(images[area]), x=15, w=img_w, h=img_w * FIGURE_SIZE[1] / FIGURE_SIZE[0])
            pdf.ln(2)
        if pack.last:
            changes = pack.since_last(area)
            para(f"{pack.t('since')} ({pack.last_saved()}): " + ("; ".join(changes) if changes else "–"), size=8)
        foot()

    # appendix
    page(auto=True)
    heading(pack.t("appendix"), 14)
    for name, text in definitions(pack):
        para(name, size=8.5, style="B")
        para(text, size=8)
        pdf.ln(1)
    pdf.ln(2)
    for text in METHODS[pack.language]:
        para(text, size=8)
        pdf.ln(1)
    foot()
    return bytes(pdf.output())


# --- PPTX ------------------------------------------------------------------------------------------


def render_pptx(pack: Pack, images: dict[str, bytes]) -> bytes:
    """The pack as a 16:9 deck: cover, one slide per section, appendix."""
    from pptx import Presentation
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]
    props = prs.core_properties
    props.title = f"{pack.company} · {pack.t('subtitle')}"
    props.author = pack.company
    stamp = pack.generated_at.replace(tzinfo=None)
    props.created = props.modified = stamp
    props.last_modified_by = "Outside In"
    props.revision = 1

    def box(slide, left, top, width, height, lines: Sequence[str], size: int = 14, bold_first: bool = False):
        shape = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        frame = shape.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE  # shrink long text to its box when opened
        for i, line in enumerate(lines):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            para.text = line
            para.font.size = Pt(size)
            para.font.bold = bool(bold_first and i == 0)
        return shape

    # cover
    slide = prs.slides.add_slide(blank)
    box(slide, 0.6, 0.4, 12, 1.0, [pack.company], size=34, bold_first=True)
    box(slide, 0.6, 1.3, 12, 0.6, [f"{pack.t('title')} · {pack.t('subtitle')}"], size=20)
    box(slide, 0.6, 2.0, 6.0, 2.2, [f"{n}: {v}" for n, v in cover_lines(pack)], size=13)
    box(slide, 0.6, 4.2, 6.0, 2.8, [figure_line(t, pack.language) for t in pack.section_tiles("customers")], size=12)
    box(slide, 6.9, 2.0, 5.9, 5.0, [pack.t("changed"), *pack.summary.sentences], size=13, bold_first=True)

    for area in pack.sections:
        slide = prs.slides.add_slide(blank)
        box(slide, 0.5, 0.3, 12.3, 0.7, [SECTION_TITLES[pack.language][area]], size=28, bold_first=True)
        first, second = reading(pack, area)
        box(slide, 0.5, 1.0, 12.3, 0.9, [first] + ([second] if second else []), size=13, bold_first=True)
        if area in images:
            slide.shapes.add_picture(io.BytesIO(images[area]), Inches(0.5), Inches(2.0), width=Inches(7.6))
        lines = [figure_line(t, pack.language) for t in pack.section_tiles(area)]
        if pack.last:
            changes = pack.since_last(area)
            lines.append(f"{pack.t('since')} ({pack.last_saved()}): " + ("; ".join(changes) if changes else "–"))
        box(slide, 8.3, 2.0, 4.6, 5.2, lines, size=11)

    slide = prs.slides.add_slide(blank)
    box(slide, 0.5, 0.3, 12.3, 0.7, [pack.t("appendix")], size=24, bold_first=True)
    defs = [f"{name}: {text}" for name, text in definitions(pack)]
    half = (len(defs) + 1) // 2
    box(slide, 0.5, 1.1, 6.1, 6.2, defs[:half], size=8)
    box(slide, 6.8, 1.1, 6.1, 6.2, defs[half:] + list(METHODS[pack.language]), size=8)

    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


# --- HTML ------------------------------------------------------------------------------------------

_CSS = """
body{font-family:'Source Sans Pro',Helvetica,Arial,sans-serif;margin:0 auto;max-width:1080px;padding:24px;color:#222}
h1{margin-bottom:0}h2{border-bottom:2px solid #0072B2;padding-bottom:4px;margin-top:40px}
table{border-collapse:collapse;width:100%;font-size:14px;margin:8px 0}th,td{border-bottom:1px solid #ddd;
padding:6px;text-align:left;vertical-align:top}th{background:#f4f6f8}.reading{font-weight:600}.muted{color:#666}
.summary{background:#f4f6f8;border-left:4px solid #0072B2;padding:8px 16px}dt{font-weight:600;margin-top:8px}
"""


def render_html(pack: Pack) -> bytes:
    """The pack as one self-contained HTML file (interactive figures, plotly.js inline)."""
    e = html.escape
    lang = pack.language
    head = [pack.t(k) for k in ("figure", "value", "previous", "change", "test", "n")]

    def table(tiles: list[Tile]) -> str:
        rows = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in figure_row(t, lang)) + "</tr>" for t in tiles)
        return "<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + f"</tr>{rows}</table>"

    parts = [
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>",
        f"<title>{e(pack.company)} · {e(pack.t('subtitle'))}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(pack.company)}</h1><p class='muted'>{e(pack.t('title'))} · {e(pack.t('subtitle'))}</p><ul>",
        "".join(f"<li>{e(n)}: {e(v)}</li>" for n, v in cover_lines(pack)),
        f"</ul><h2>{e(pack.t('changed'))}</h2><div class='summary'>",
        "".join(f"<p>{e(s)}</p>" for s in pack.summary.sentences),
        f"</div><h2>{e(pack.t('context'))}</h2>{table(pack.section_tiles('customers'))}",
    ]
    first_figure = True
    for area in pack.sections:
        first, second = reading(pack, area)
        parts.append(f"<section id='{area}'><h2>{e(SECTION_TITLES[lang][area])}</h2>")
        parts.append(f"<p class='reading'>{e(first)}</p>" + (f"<p>{e(second)}</p>" if second else ""))
        parts.append(table(pack.section_tiles(area)))
        fig = pack.figures.get(area)
        if fig is not None:
            parts.append(fig.to_html(full_html=False, include_plotlyjs=first_figure, div_id=f"figure-{area}",
                                     config={"displaylogo": False, "responsive": True}))
            first_figure = False
        if pack.last:
            changes = pack.since_last(area)
            parts.append(f"<p class='muted'>{e(pack.t('since'))} ({e(pack.last_saved())}): "
                         f"{e('; '.join(changes) if changes else '–')}</p>")
        parts.append("</section>")
    parts.append(f"<h2>{e(pack.t('appendix'))}</h2><dl>")
    parts.append("".join(f"<dt>{e(n)}</dt><dd>{e(t)}</dd>" for n, t in definitions(pack)))
    parts.append("</dl>" + "".join(f"<p class='muted'>{e(t)}</p>" for t in METHODS[lang]) + "</body></html>")
    return "".join(parts).encode("utf-8")


# --- files, snapshots ------------------------------------------------------------------------------


def render_files(
    pack: Pack, *, formats: Sequence[str] = FORMATS, progress: Callable[[float, str], None] | None = None
) -> dict[str, bytes]:
    """The pack's files by format. PDF/PPTX need PNG figures (``ChromiumMissing`` without a Chromium)."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise DataError(f"Unknown format(s) {unknown}; use {list(FORMATS)}.")
    files: dict[str, bytes] = {}
    images: dict[str, bytes] = {}

    def step(share: float, what: str) -> None:
        if progress:
            progress(min(max(share, 0.0), 1.0), what)

    if "pdf" in formats or "pptx" in formats:
        images = figure_images(pack.figures, progress=lambda s, key: step(0.8 * s, f"figure: {key}"))
    if "pdf" in formats:
        step(0.8, "PDF")
        files["pdf"] = render_pdf(pack, images)
    if "pptx" in formats:
        step(0.9, "PPTX")
        files["pptx"] = render_pptx(pack, images)
    if "html" in formats:
        step(0.95, "HTML")
        files["html"] = render_html(pack)
    step(1.0, "done")
    return files


def save(engine: Engine, pack: Pack, files: dict[str, bytes], *, created_by: str = "") -> int:
    """Freeze a pack: store its numbers and files; returns the snapshot's id."""
    return qb.save_pack(
        engine, created_at=pack.generated_at, created_by=created_by, company=pack.company,
        period=(pack.period.first, pack.period.last), compare=(pack.previous.first, pack.previous.last),
        sections=pack.sections, language=pack.language, filters=pack.filters, numbers=pack.numbers, files=files,
    )


# --- command line ----------------------------------------------------------------------------------


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it as YYYY-MM-DD") from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m cs_metrics.boardpack",
                                description="Write the board pack (PDF, PPTX, HTML) for a period.")
    p.add_argument("--database-url", default=None, help="default: $DATABASE_URL or data/outside_in.db")
    p.add_argument("--start", required=True, type=_date, help="first day of the period, YYYY-MM-DD")
    p.add_argument("--end", required=True, type=_date, help="last day of the period, YYYY-MM-DD")
    p.add_argument("--compare-start", type=_date, default=None, help="first day of the comparison period")
    p.add_argument("--compare-end", type=_date, default=None, help="last day of the comparison period")
    p.add_argument("--out", required=True, type=Path, help="folder to write board-pack.pdf/.pptx/.html into")
    p.add_argument("--sections", nargs="+", default=None, metavar="SECTION",
                   help=f"sections to include (default: all): {' '.join(SECTIONS)}")
    p.add_argument("--language", choices=("en", "it"), default="en")
    p.add_argument("--company", default="", help="company name on the cover")
    p.add_argument("--segments", nargs="*", default=(), help="only these customer segments")
    p.add_argument("--save", action="store_true", help="also store the pack as a frozen snapshot in the database")
    return p


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit code (2 for bad arguments or an unusable database)."""
    parser = _parser()
    args = parser.parse_args(argv)
    sections = None
    if args.sections:
        sections = [s.strip() for part in args.sections for s in part.split(",") if s.strip()]
        unknown = [s for s in sections if s not in SECTIONS]
        if unknown:
            parser.error(f"unknown section(s) {', '.join(unknown)}; choose among {', '.join(SECTIONS)}")
    if args.end < args.start:
        parser.error(f"--end ({args.end}) is before --start ({args.start})")
    if (args.compare_start is None) != (args.compare_end is None):
        parser.error("give both --compare-start and --compare-end, or neither")
    if args.compare_start and args.compare_end < args.compare_start:
        parser.error("--compare-end is before --compare-start")
    if not args.out.parent.exists():
        parser.error(f"the folder {args.out.parent} does not exist; create it or choose another --out")
    from cs_metrics.storage import db

    try:
        engine = db.prepare_database(args.database_url, load_demo=False)
    except (ConfigurationError, SchemaError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    period = Period(args.start, args.end)
    previous = Period(args.compare_start, args.compare_end) if args.compare_start else None
    flt = q.CustomerFilter(segments=tuple(args.segments))
    pack = build_pack(engine, period=period, previous=previous, sections=sections, flt=flt,
                      language=args.language, company=args.company)
    args.out.mkdir(exist_ok=True)
    status = 0
    try:
        files = render_files(pack)
    except ChromiumMissing as exc:
        print(f"warning: {exc} Writing the HTML pack only.", file=sys.stderr)
        files = render_files(pack, formats=("html",))
        status = 1
    finally:
        stop_figure_server()
    for kind, data in files.items():
        (args.out / FILE_NAMES[kind]).write_bytes(data)
        print(f"wrote {args.out / FILE_NAMES[kind]} ({len(data):,} bytes)")
    if args.save:
        print(f"saved snapshot {save(engine, pack, files, created_by='command line')}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
