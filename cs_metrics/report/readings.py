"""The sentences and table rows a pack shows, shared by the PDF, the deck, the HTML file and the
page's preview: a figure's row, the two-line reading of a section, the definitions, the cover
lines and what changed since the last saved pack."""

from __future__ import annotations

import math

from cs_metrics import summary as sm
from cs_metrics.formatting import fmt_interval, fmt_value
from cs_metrics.report.pack import Pack
from cs_metrics.report.texts import DEFINITIONS_IT, SECTION_TITLES, VERDICTS_IT, period_label
from cs_metrics.stats import p_text
from cs_metrics.tiles import COMPANY_WIDE, DETECTABLE, NOT_APPLICABLE, NOT_DETECTABLE, Tile, verdict_text

#: Keys (in ``texts.TEXT``) of the columns of a section's table of figures.
TABLE_COLUMNS: tuple[str, ...] = ("figure", "value", "previous", "change", "test", "n")


def verdict(tile: Tile, language: str) -> str:
    """The test's reading of the tile's change in ``language``, with its p-value where a test ran."""
    if language != "it":
        return verdict_text(tile)
    text = VERDICTS_IT.get(tile.test, tile.test)
    if tile.test in (DETECTABLE, NOT_DETECTABLE) and not math.isnan(tile.p_value):
        text += f" ({p_text(tile.p_value, decimal=',')})"
    return text


def _range_words(text: str, language: str) -> str:
    """An interval's "25 to 35" in the pack's language ("25 a 35" in Italian)."""
    return text.replace(" to ", " a ") if language == "it" else text


def table_head(pack: Pack) -> list[str]:
    """The headings of a section's table of figures, in the pack's language."""
    return [pack.t(k) for k in TABLE_COLUMNS]


def figure_row(tile: Tile, language: str) -> tuple[str, str, str, str, str, str]:
    """(figure, value, previous, change, test reading, n) of a tile, as displayed."""
    if not tile.has_value:
        return (sm.label(tile, language), "–", sm.value_text(tile, tile.previous, language), "", verdict(tile, language), "0")
    value = sm.value_text(tile, tile.value, language)
    interval = fmt_interval(tile.low, tile.high, tile.unit, currency=tile.currency)
    if interval:
        value += f" ({sm.localise(_range_words(interval.replace('95% CI ', ''), language), language)})"
    n = sm.localise(f"{tile.n:,}", language)
    return (sm.label(tile, language), value, sm.value_text(tile, tile.previous, language), sm.change_text(tile, language),
            verdict(tile, language), n)


def figure_line(tile: Tile, language: str) -> str:
    """A tile's row as one line of text (the deck's side panel)."""
    name, value, previous, change, reading_, n = figure_row(tile, language)
    prev = "prima" if language == "it" else "before"
    return f"{name}: {value}; {prev} {previous}; {change}; {reading_}; n = {n}"


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
        second = pack.t("company_wide") if area in COMPANY_WIDE else ""
    return first, second


def since_line(pack: Pack, area: str) -> str:
    """"Since the last pack (saved ...): ..." for a section; "" when no pack was saved before."""
    if not pack.last:
        return ""
    changes = pack.since_last(area)
    return f"{pack.t('since')} ({pack.last_saved()}): " + ("; ".join(changes) if changes else "–")


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


def left_out_text(pack: Pack) -> str:
    """What the pack leaves out for lack of data, and why: "Health, no health signals imported;
    ..." ("" when nothing is left out)."""
    return "; ".join(f"{name}, {reason}" for name, reason in pack.left_out)


def cover_lines(pack: Pack) -> list[tuple[str, str]]:
    """(name, value) lines of the cover: period, comparison, customers, generation time, freshness,
    and what is left out for lack of data (when anything is)."""
    t = pack.t
    customers = pack.flt.describe()
    if pack.language == "it":
        for english, italian in (("all customers", "tutti i clienti"), ("segment: ", "segmento: "),
                                 ("region: ", "regione: "), ("owner: ", "responsabile: ")):
            customers = customers.replace(english, italian)
    return [
        (t("period"), period_label(pack.period, pack.language)),
        (t("compare"), period_label(pack.previous, pack.language)),
        (t("customers"), customers),
        (t("generated"), f"{pack.generated_at:%Y-%m-%d %H:%M} UTC"),
        (t("freshness"), pack.freshness),
    ] + ([(t("left_out"), left_out_text(pack))] if pack.left_out else [])


def page_titles(pack: Pack) -> list[str]:
    """The title of every page of the PDF and every slide of the deck, in order: the cover (the
    company's name), the contents, the one-page summary, one per section, the appendix. Both files
    have exactly these pages, so a presenter's slide numbers are the reader's page numbers."""
    return [pack.company, pack.t("contents"), pack.t("summary"),
            *(SECTION_TITLES[pack.language][area] for area in pack.sections), pack.t("appendix")]


def summary_tiles(pack: Pack) -> list[Tile]:
    """The tiles of the one-page summary: the Overview's tiles of the chosen sections in section
    order, then customers and ARR."""
    return [t for area in (*pack.sections, "customers") for t in pack.section_tiles(area)]


def interval_text(tile: Tile, language: str) -> str:
    """The tile's 95% interval as displayed ("95% CI 24–36"; "" for a census figure)."""
    text = fmt_interval(tile.low, tile.high, tile.unit, currency=tile.currency) if tile.has_value else ""
    if language == "it" and text:
        text = sm.localise(_range_words(text.replace("95% CI", "IC 95%"), "it"), "it")
    return text


def meaning(pack: Pack, area: str) -> str:
    """"What this means": one line written from the section's headline figure, its change and the
    test behind it (a change is called one only when its test says so; too small a sample is said)."""
    tiles = pack.section_tiles(area)
    lang = pack.language
    head = tiles[0] if tiles else None
    it = lang == "it"
    if head is None or not head.has_value:
        return ("Nessun dato in questo periodo: il documento non può dire nulla su quest'area."
                if it else "No data in this period: the pack cannot say anything about this area yet.")
    name = sm.label(head, lang)
    if not head.enough:
        return (f"{name} poggia su troppo poche osservazioni (n = {head.n}): leggetelo come indicativo, non come "
                "una tendenza." if it else f"{name} rests on too few observations (n = {head.n}): read it as an "
                "indication, not a trend.")
    change = sm.change_text(head, lang)
    good = sm.improved(head)
    if head.test == DETECTABLE:
        if it:
            follow = "Vale la pena capire che cosa ha funzionato." if good else "Merita una domanda del consiglio."
            return (f"{name} è cambiato davvero ({change}), {'in meglio' if good else 'in peggio'}: la variazione "
                    f"supera il caso. {follow}")
        return (f"{name} really moved ({change}), for the {'better' if good else 'worse'}: the change is larger than "
                f"chance explains. {'Worth learning what worked.' if good else 'It deserves a board question.'}")
    if head.test == NOT_DETECTABLE:
        return (f"{name} non si è mosso oltre ciò che spiega il caso ({change}): leggetelo come stabile."
                if it else f"{name} did not move beyond what chance explains ({change}): read it as steady.")
    if head.test == NOT_APPLICABLE and head.key in sm.NO_DIRECTION and not math.isnan(head.change):
        # A figure that is neither better nor worse when it moves (more ARR up for renewal): its size only.
        return (f"{name} conta tutti i clienti: {change} rispetto al periodo di confronto." if it else
                f"{name} counts every customer: {change} against the comparison period.")
    if head.test == NOT_APPLICABLE and not math.isnan(head.change) and head.change != 0:
        return (f"{name} conta tutti i clienti, quindi la variazione ({change}) è reale: "
                f"{'un miglioramento' if good else 'un peggioramento'}." if it else
                f"{name} counts every customer, so its change ({change}) is real: for the "
                f"{'better' if good else 'worse'}.")
    if head.test == NOT_APPLICABLE:
        return (f"{name} è invariato rispetto al periodo di confronto." if it
                else f"{name} is unchanged from the comparison period.")
    return (f"{name}: troppo pochi dati nel periodo di confronto per verificare la variazione ({change})."
            if it else f"{name}: too little data in the comparison period to test the change ({change}).")


def notes(pack: Pack, area: str) -> list[str]:
    """The presenter's notes of a section: each figure's definition, the test behind each change
    reading (with its p-value), and the data's freshness."""
    lang = pack.language
    tiles = pack.section_tiles(area)
    defs = dict(definitions(pack))
    out = [f"{pack.t('notes_definitions')}:"]
    out += [f"- {sm.label(t, lang)}: {defs.get(sm.label(t, lang), t.definition)}" for t in tiles]
    out.append(f"{pack.t('notes_tests')}:")
    for t in tiles:
        reading_ = verdict(t, lang)
        test = f" ({t.test_name})" if t.test_name and t.test_name not in reading_ else ""
        out.append(f"- {sm.label(t, lang)}: {reading_}{test}; n = {sm.localise(f'{t.n:,}', lang)}, "
                   f"{pack.t('previous').lower()} n = {sm.localise(f'{t.n_previous:,}', lang)}.")
    out.append(f"{pack.t('notes_freshness')}: {pack.freshness}; {pack.t('generated').lower()} "
               f"{pack.generated_at:%Y-%m-%d %H:%M} UTC.")
    return out


_WHY_IT = {"red and falling": "rosso e in calo", "red": "rosso", "falling": "in calo"}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS_IT = ("gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic")


def _month(value, language: str) -> str:
    day = value if hasattr(value, "month") else None
    if day is None:
        return ""
    return f"{(_MONTHS_IT if language == 'it' else _MONTHS_EN)[day.month - 1]} {day.year}"


#: The longest plan and next step a pack's table shows (the presenter's notes hold the whole plan).
PLAN_CHARS = 90
STEP_CHARS = 60


def _short(text, limit: int) -> str:
    text = " ".join(str(text).split()) if isinstance(text, str) else ""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def at_risk_table(pack: Pack) -> tuple[list[str], list[tuple[str, ...]], str]:
    """The health section's largest accounts at risk: the table's headings, its rows (customer,
    owner, ARR, score, why, the owner's plan, the next step with its due date) as displayed, and a
    caption saying how many accounts and how much ARR are at risk in all and what "at risk" means;
    no rows when the pack holds none. Plans longer than ``PLAN_CHARS`` are cut with "…"."""
    frame = pack.at_risk
    t, lang = pack.t, pack.language
    head = [t("account"), t("owner"), t("arr"), t("score"), t("why"), t("plan"), t("next_step")]
    if frame is None or len(frame) == 0:
        return head, [], ""
    rows = []
    for r in frame.itertuples():
        owner = r.owner if isinstance(r.owner, str) and r.owner.strip() else t("no_owner")
        arr = sm.localise(fmt_value(float(r.arr), "currency", currency=pack.currency), lang) if r.arr == r.arr else "–"
        why = _WHY_IT.get(r.why, r.why) if lang == "it" else r.why
        plan = _short(getattr(r, "account_plan", ""), PLAN_CHARS) or t("no_plan")
        step = _short(getattr(r, "next_step_due", ""), STEP_CHARS) or "–"
        rows.append((str(r.name), owner, arr, sm.localise(f"{float(r.score):.0f}", lang), why, plan, step))
    n, total = int(frame.attrs.get("n", len(frame))), float(frame.attrs.get("arr", 0.0) or 0.0)
    money = sm.localise(fmt_value(total, "currency", currency=pack.currency), lang)
    month, before = _month(frame.attrs.get("month"), lang), _month(frame.attrs.get("previous"), lang)
    drop = f"{float(frame.attrs.get('drop', 10.0)):g}"
    if lang == "it":
        since = f", o scesi di {drop} punti o più da {before}" if before else ""
        which = (f"I {len(rows)} con più ARR tra {sm.localise(f'{n:,}', lang)} clienti a rischio" if len(rows) < n
                 else "L'unico cliente a rischio" if n == 1 else f"I {n} clienti a rischio")
        caption = f"{which} ({money} di ARR) a {month}: in fascia rossa{since}."
    else:
        since = f", or down {drop} points or more since {before}" if before else ""
        which = (f"The {len(rows)} largest of {n:,} accounts at risk" if len(rows) < n
                 else "The only account at risk" if n == 1 else f"The {n} accounts at risk")
        caption = f"{which} ({money} ARR) in {month}: in the red band{since}."
    return head, rows, caption
