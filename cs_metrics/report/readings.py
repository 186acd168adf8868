"""The sentences and table rows a pack shows, shared by the PDF, the deck, the HTML file and the
page's preview: a figure's row, the two-line reading of a section, the definitions, the cover
lines and what changed since the last saved pack."""

from __future__ import annotations

import math

from cs_metrics import i18n
from cs_metrics import summary as sm
from cs_metrics.formatting import fmt_interval, fmt_value
from cs_metrics.i18n import N_, _, formats
from cs_metrics.report.pack import Pack
from cs_metrics.report.texts import SECTION_TITLES, period_label
from cs_metrics.tiles import COMPANY_WIDE, DETECTABLE, NOT_APPLICABLE, NOT_DETECTABLE, Tile, verdict_text

#: Why an account is at risk (``health_data.at_risk``'s ``why``), translated where shown.
WHY: tuple[str, ...] = (N_("red and falling"), N_("red"), N_("falling"))

#: Keys (in ``texts.TEXT``) of the columns of a section's table of figures.
TABLE_COLUMNS: tuple[str, ...] = ("figure", "value", "previous", "change", "test", "n")


def verdict(tile: Tile, language: str) -> str:
    """The test's reading of the tile's change in ``language``, with its p-value where a test ran."""
    with i18n.using(language):
        return verdict_text(tile)


def table_head(pack: Pack) -> list[str]:
    """The headings of a section's table of figures, in the pack's language."""
    return [pack.t(k) for k in TABLE_COLUMNS]


def figure_row(tile: Tile, language: str) -> tuple[str, str, str, str, str, str]:
    """(figure, value, previous, change, test reading, n) of a tile, as displayed."""
    with i18n.using(language):
        if not tile.has_value:
            return (sm.label(tile, language), "–", sm.value_text(tile, tile.previous, language), "",
                    verdict(tile, language), "0")
        value = sm.value_text(tile, tile.value, language)
        interval = _bounds(tile)
        if interval:
            value += f" ({interval})"
        return (sm.label(tile, language), value, sm.value_text(tile, tile.previous, language),
                sm.change_text(tile, language), verdict(tile, language), formats.decimal(tile.n))


def _bounds(tile: Tile) -> str:
    """The tile's interval without its "95% CI" name ("+25 to +35", "27–30 days"), as the table's
    value column shows it after the value."""
    if not tile.has_value or tile.low != tile.low or tile.high != tile.high:
        return ""
    money = {"currency": tile.currency}
    if tile.unit == "points":
        return _("{low} to {high}").format(low=formats.decimal(tile.low, 0, sign=True),
                                           high=formats.decimal(tile.high, 0, sign=True))
    if tile.unit == "days":
        return _("{low}–{high} days").format(low=formats.decimal(tile.low, 0), high=formats.decimal(tile.high, 0))
    return f"{fmt_value(tile.low, tile.unit, **money)}–{fmt_value(tile.high, tile.unit, **money)}"


def figure_line(tile: Tile, language: str) -> str:
    """A tile's row as one line of text (the deck's side panel)."""
    name, value, previous, change, reading_, n = figure_row(tile, language)
    with i18n.using(language):
        return _("{name}: {value}; before {previous}; {change}; {reading}; n = {n}").format(
            name=name, value=value, previous=previous, change=change, reading=reading_, n=n)


def reading(pack: Pack, area: str) -> tuple[str, str]:
    """The two-line reading of a section: the headline figure and its change; the other figures."""
    tiles = pack.section_tiles(area)
    lang = pack.language
    head = tiles[0]
    with i18n.using(lang):
        name = sm.label(head, lang)
        if not head.has_value:
            first = _("{figure}: no data for this selection.").format(figure=name)
        else:
            first = _("{figure} is {value}, against {before} in the comparison period: {verdict}.").format(
                figure=name, value=sm.value_text(head, head.value, lang),
                before=sm.value_text(head, head.previous, lang), verdict=verdict(head, lang))
            if not head.enough:
                first += f" ({pack.t('too_few')})"
        others = [t for t in tiles[1:] if t.has_value]
        if others:
            parts = [f"{sm.label(t, lang)} {sm.value_text(t, t.value, lang)} ({sm.change_text(t, lang)})"
                     for t in others]
            second = _("Also: {figures}.").format(figures="; ".join(parts))
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
    """(figure, definition) for every figure in the pack, in section order, cover figures last; the
    tiles were built in the pack's language, so their definitions are written in it."""
    out = []
    with i18n.using(pack.language):
        for area in (*pack.sections, "customers"):
            for tile in pack.section_tiles(area):
                out.append((sm.label(tile, pack.language), _(tile.definition)))
    return out


def left_out_text(pack: Pack) -> str:
    """What the pack leaves out for lack of data, and why: "Health, no health signals imported;
    ..." ("" when nothing is left out)."""
    return "; ".join(f"{name}, {reason}" for name, reason in pack.left_out)


def cover_lines(pack: Pack) -> list[tuple[str, str]]:
    """(name, value) lines of the cover: period, comparison, customers, generation time, freshness,
    and what is left out for lack of data (when anything is)."""
    t = pack.t
    with i18n.using(pack.language):
        customers = pack.flt.describe()
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
    with i18n.using(language):
        return fmt_interval(tile.low, tile.high, tile.unit, currency=tile.currency) if tile.has_value else ""


def meaning(pack: Pack, area: str) -> str:
    """"What this means": one line written from the section's headline figure, its change and the
    test behind it (a change is called one only when its test says so; too small a sample is said)."""
    tiles = pack.section_tiles(area)
    head = tiles[0] if tiles else None
    with i18n.using(pack.language):
        if head is None or not head.has_value:
            return _("No data in this period: the pack cannot say anything about this area yet.")
        name = sm.label(head, pack.language)
        if not head.enough:
            return _("{figure} rests on too few observations (n = {n}): read it as an indication, not a trend.").format(
                figure=name, n=formats.decimal(head.n))
        change = sm.change_text(head, pack.language)
        good = sm.improved(head)
        if head.test == DETECTABLE:
            if good:
                return _("{figure} really moved ({change}), for the better: the change is larger than chance "
                         "explains. Worth learning what worked.").format(figure=name, change=change)
            return _("{figure} really moved ({change}), for the worse: the change is larger than chance explains. "
                     "It deserves a board question.").format(figure=name, change=change)
        if head.test == NOT_DETECTABLE:
            return _("{figure} did not move beyond what chance explains ({change}): read it as steady.").format(
                figure=name, change=change)
        if head.test == NOT_APPLICABLE and head.key in sm.NO_DIRECTION and not math.isnan(head.change):
            # A figure that is neither better nor worse when it moves (more ARR up for renewal): its size only.
            return _("{figure} counts every customer: {change} against the comparison period.").format(
                figure=name, change=change)
        if head.test == NOT_APPLICABLE and not math.isnan(head.change) and head.change != 0:
            if good:
                return _("{figure} counts every customer, so its change ({change}) is real: for the better.").format(
                    figure=name, change=change)
            return _("{figure} counts every customer, so its change ({change}) is real: for the worse.").format(
                figure=name, change=change)
        if head.test == NOT_APPLICABLE:
            return _("{figure} is unchanged from the comparison period.").format(figure=name)
        return _("{figure}: too little data in the comparison period to test the change ({change}).").format(
            figure=name, change=change)


def notes(pack: Pack, area: str) -> list[str]:
    """The presenter's notes of a section: each figure's definition, the test behind each change
    reading (with its p-value), and the data's freshness."""
    lang = pack.language
    tiles = pack.section_tiles(area)
    defs = dict(definitions(pack))
    with i18n.using(lang):
        out = [f"{pack.t('notes_definitions')}:"]
        out += [f"- {sm.label(t, lang)}: {defs.get(sm.label(t, lang), t.definition)}" for t in tiles]
        out.append(f"{pack.t('notes_tests')}:")
        for t in tiles:
            reading_ = verdict(t, lang)
            test = f" ({_(t.test_name)})" if t.test_name and _(t.test_name) not in reading_ else ""
            out.append(_("- {figure}: {reading}{test}; n = {n}, previous n = {n_previous}.").format(
                figure=sm.label(t, lang), reading=reading_, test=test, n=formats.decimal(t.n),
                n_previous=formats.decimal(t.n_previous)))
        out.append(_("{freshness_word}: {freshness}; generated {when} UTC.").format(
            freshness_word=pack.t("notes_freshness"), freshness=pack.freshness,
            when=f"{pack.generated_at:%Y-%m-%d %H:%M}"))
    return out


def _month(value, language: str) -> str:
    if not hasattr(value, "month"):
        return ""
    with i18n.using(language):
        return formats.month(value)


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
    with i18n.using(lang):
        for r in frame.itertuples():
            owner = r.owner if isinstance(r.owner, str) and r.owner.strip() else t("no_owner")
            arr = fmt_value(float(r.arr), "currency", currency=pack.currency) if r.arr == r.arr else "–"
            plan = _short(getattr(r, "account_plan", ""), PLAN_CHARS) or t("no_plan")
            step = _short(getattr(r, "next_step_due", ""), STEP_CHARS) or "–"
            rows.append((str(r.name), owner, arr, formats.decimal(float(r.score), 0), _(r.why), plan, step))
        n, total = int(frame.attrs.get("n", len(frame))), float(frame.attrs.get("arr", 0.0) or 0.0)
        money = fmt_value(total, "currency", currency=pack.currency)
        month, before = _month(frame.attrs.get("month"), lang), _month(frame.attrs.get("previous"), lang)
        drop = formats.decimal(float(frame.attrs.get("drop", 10.0)), 0)
        since = _(", or down {drop} points or more since {month}").format(drop=drop, month=before) if before else ""
        if len(rows) < n:
            which = _("The {shown} largest of {n} accounts at risk").format(shown=len(rows), n=formats.decimal(n))
        elif n == 1:
            which = _("The only account at risk")
        else:
            which = _("The {n} accounts at risk").format(n=n)
        caption = _("{which} ({arr} ARR) in {month}: in the red band{since}.").format(
            which=which, arr=money, month=month, since=since)
    return head, rows, caption
