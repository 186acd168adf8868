"""The pack as a landscape A4 PDF (fpdf2, core fonts): cover, contents, the posture on one page,
one page per section, appendix; every page with its title, the company, the period and
"Page i of N", the company's logo top right when the pack has one."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cs_metrics import i18n
from cs_metrics import summary as sm
from cs_metrics.formatting import CURRENCY_SYMBOLS
from cs_metrics.i18n import formats
from cs_metrics.report.images import FIGURE_SIZE
from cs_metrics.report.pack import Pack, in_pack_language
from cs_metrics.report.readings import (
    at_risk_table,
    cover_lines,
    definitions,
    figure_row,
    interval_text,
    meaning,
    page_titles,
    reading,
    since_line,
    summary_tiles,
    table_head,
    verdict,
)
from cs_metrics.report.texts import METHODS, SECTION_TITLES, period_label

if TYPE_CHECKING:
    from fpdf import FPDF

    from cs_metrics.tiles import Tile

#: Page size in mm (landscape A4) and margins in mm: left and right, top, bottom. The footer is
#: drawn in the bottom margin, the logo in the top margin; everything else between them.
PAGE_SIZE = (297.0, 210.0)
MARGIN = 15.0
MARGIN_TOP = 14.0
MARGIN_BOTTOM = 14.0
#: House colours: text #222222, muted #6E6E6E, accent #0072B2 (Okabe-Ito blue), thin rules.
TEXT_RGB = (0x22, 0x22, 0x22)
MUTED_RGB = (0x6E, 0x6E, 0x6E)
ACCENT_RGB = (0x00, 0x72, 0xB2)
RULE_RGB = (0xC8, 0xC8, 0xC8)
#: The logo's box (mm), top right in the top margin.
LOGO_BOX = (40.0, 8.0)

_FONT = "helvetica"
_PT = 25.4 / 72  # mm per point
_WIDTH = PAGE_SIZE[0] - 2 * MARGIN
_TOP = MARGIN_TOP
_BOTTOM = PAGE_SIZE[1] - MARGIN_BOTTOM
#: Table of figures: share of the width of each column (figure, value, previous, change, reading, n).
_TABLE_SHARES = (0.21, 0.18, 0.11, 0.12, 0.32, 0.06)
#: The health page's accounts at risk: share of the width of each column (customer, owner, ARR,
#: score, why); ARR and score are right-aligned.
_RISK_SHARES = (0.18, 0.13, 0.08, 0.06, 0.13, 0.24, 0.18)
_RISK_RIGHT = (2, 3)
#: Type size (points) of the accounts at risk, and the smallest it shrinks to so that the figures
#: above keep at least ``_MIN_FIGURE_H`` mm of height.
_RISK_SIZE, _RISK_MIN_SIZE = 7.5, 6.0
_MIN_FIGURE_H = 45.0


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


#: Currency symbols the core fonts cannot draw are written as their ISO code.
_PDF_MAP = {symbol: f"{code} " for code, symbol in CURRENCY_SYMBOLS.items() if not _latin1(symbol)}
_PDF_MAP.update({"–": "-", "—": "-", "−": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "→": "->",
                 "…": "...", "≤": "<=", "≥": ">=", "\u00a0": " ", "\u202f": " "})


def pdf_text(text: str) -> str:
    """Text the PDF's core fonts can draw (Latin-1): common typographic signs mapped, currency
    symbols outside Latin-1 written as their code, others replaced.

    >>> from cs_metrics.formatting import currency_symbol
    >>> pdf_text(currency_symbol("INR") + "58.86M – 95% CI 26–34 → it’s; " + currency_symbol("GBP") + "3k")
    "INR 58.86M - 95% CI 26-34 -> it's; £3k"
    >>> pdf_text("58,9 mln € (−0,4 mln €)")
    '58,9 mln EUR (-0,4 mln EUR)'

    """
    for a, b in _PDF_MAP.items():
        # A symbol before the amount ("€58.86M") becomes "EUR 58.86M"; after it ("58,9 mln €"), "58,9 mln EUR".
        text = re.sub(re.escape(a) + r"(?!\d)", b.rstrip(), text) if b.endswith(" ") else text
        text = text.replace(a, b)
    return text.encode("latin-1", "replace").decode("latin-1")


def _line_height(size: float, factor: float = 1.3) -> float:
    """Line height in mm of type of ``size`` points."""
    return size * _PT * factor


class _Page:
    """Drawing primitives on one ``FPDF`` in mm: measured, wrapped, truncated text that never
    leaves its box, thin rules, vector sparklines."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf

    def font(self, size: float, style: str = "", rgb: tuple[int, int, int] = TEXT_RGB) -> None:
        self.pdf.set_font(_FONT, style=style, size=size)
        self.pdf.set_text_color(*rgb)

    def width_of(self, text: str) -> float:
        return self.pdf.get_string_width(pdf_text(text))

    def fit_size(self, text: str, width: float, size: float, min_size: float, style: str = "") -> float:
        """The largest size from ``size`` down to ``min_size`` (half points) at which ``text`` fits ``width``."""
        while size > min_size:
            self.pdf.set_font(_FONT, style=style, size=size)
            if self.width_of(text) <= width:
                return size
            size -= 0.5
        return min_size

    def lines(self, text: str, width: float, max_lines: int | None = None) -> list[str]:
        """``text`` wrapped to ``width`` in the current font; the last kept line ends in "..." when
        lines are dropped, and a word longer than the width is cut to fit."""
        text = pdf_text(text)
        if not text:
            return []
        out = [str(s) for s in self.pdf.multi_cell(width, text=text, dry_run=True, output="LINES")]
        out = [self._cut(line, width) for line in out]
        if max_lines is not None and len(out) > max_lines:
            out = out[:max_lines]
            out[-1] = self._cut(out[-1].rstrip() + "...", width, ellipsis=True)
        return out

    def _cut(self, line: str, width: float, ellipsis: bool = False) -> str:
        if self.pdf.get_string_width(line) <= width:
            return line
        tail = "..." if ellipsis or len(line) > 3 else ""
        body = line[:-3] if ellipsis else line
        while body and self.pdf.get_string_width(body.rstrip() + tail) > width:
            body = body[:-1]
        return body.rstrip() + tail

    def text(self, x: float, y: float, width: float, text: str, size: float, style: str = "",
             rgb: tuple[int, int, int] = TEXT_RGB, max_lines: int | None = None, align: str = "L",
             factor: float = 1.3, draw: bool = True) -> float:
        """Write ``text`` wrapped in a box ``width`` wide from (x, y); the height used in mm."""
        self.font(size, style, rgb)
        rows = self.lines(text, width, max_lines)
        step = _line_height(size, factor)
        if draw:
            for i, row in enumerate(rows):
                self.pdf.set_xy(x, y + i * step)
                self.pdf.cell(width, step, row, align=align)
        return len(rows) * step

    def rule(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.2,
             rgb: tuple[int, int, int] = RULE_RGB) -> None:
        self.pdf.set_draw_color(*rgb)
        self.pdf.set_line_width(width)
        self.pdf.line(x1, y1, x2, y2)

    def frame(self, x: float, y: float, w: float, h: float) -> None:
        self.pdf.set_draw_color(*RULE_RGB)
        self.pdf.set_line_width(0.2)
        self.pdf.rect(x, y, w, h)

    def sparkline(self, series: Sequence[tuple[object, float | None]], x: float, y: float, w: float,
                  h: float) -> bool:
        """The series as one vector polyline in the box (x, y, w, h); NaN and None skipped, nothing
        drawn for fewer than two points. True when drawn."""
        points = [(d, float(v)) for d, v in series if v is not None and not math.isnan(float(v))]
        if len(points) < 2 or w <= 0 or h <= 0:
            return False
        if all(hasattr(d, "toordinal") for d, _ in points):
            xs = [float(d.toordinal()) for d, _ in points]  # type: ignore[attr-defined]
        else:
            xs = [float(i) for i in range(len(points))]
        if max(xs) == min(xs):
            xs = [float(i) for i in range(len(points))]
        ys = [v for _, v in points]
        x0, x_span = min(xs), max(xs) - min(xs)
        y0, y_span = min(ys), max(ys) - min(ys)
        pad = h * 0.1
        coords = [(x + (px - x0) / x_span * w,
                   y + h / 2 if y_span == 0 else y + pad + (1 - (py - y0) / y_span) * (h - 2 * pad))
                  for px, py in zip(xs, ys, strict=True)]
        self.pdf.set_draw_color(*ACCENT_RGB)
        self.pdf.set_line_width(0.35)
        self.pdf.polyline(coords)
        return True


def _logo_size(logo: bytes) -> tuple[float, float]:
    """The logo's size in mm inside ``LOGO_BOX``, keeping its proportions."""
    from PIL import Image

    with Image.open(io.BytesIO(logo)) as img:
        px_w, px_h = img.size
    box_w, box_h = LOGO_BOX
    scale = min(box_w / px_w, box_h / px_h)
    return px_w * scale, px_h * scale


def _table(p: _Page, x: float, y: float, head: Sequence[str], rows: Sequence[Sequence[str]], size: float,
           draw: bool = True, shares: Sequence[float] = _TABLE_SHARES, right: Sequence[int] | None = None) -> float:
    """A table at (x, y), the full printable width split by ``shares`` (the table of figures by
    default); cells wrap to at most two lines; the columns in ``right`` (the last by default) are
    right-aligned. The height used in mm."""
    widths = [_WIDTH * s for s in shares]
    right = (len(widths) - 1,) if right is None else tuple(right)
    pad = 1.2
    top = y
    for r, row in enumerate([head, *rows]):
        style, rgb, cell_size = ("B", MUTED_RGB, size - 0.5) if r == 0 else ("", TEXT_RGB, size)
        heights = [p.text(0, 0, w - 2 * pad, cell, cell_size, style, rgb, max_lines=2, draw=False)
                   for w, cell in zip(widths, row, strict=False)]
        height = max(heights) + 2 * pad
        if draw:
            cx = x
            for c, (w, cell) in enumerate(zip(widths, row, strict=False)):
                p.text(cx + pad, y + pad, w - 2 * pad, cell, cell_size, style, rgb, max_lines=2,
                       align="R" if c in right else "L")
                cx += w
            p.rule(x, y + height, x + _WIDTH, y + height, 0.3 if r == 0 else 0.15,
                   TEXT_RGB if r == 0 else RULE_RGB)
        y += height
    return y - top


@in_pack_language
def render_pdf(pack: Pack, images: dict[str, list[bytes]]) -> bytes:
    """The pack as a landscape A4 PDF with exactly the pages of ``readings.page_titles``: cover,
    contents, summary, one page per section (its figures side by side, filling the page), appendix.

    ``images`` holds each section's figures as PNG (``report.FIGURE_SIZE`` proportions), in the
    order of ``pack.figures``; a section without an entry is drawn without figures.
    """
    from fpdf import FPDF

    lang = pack.language
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_creation_date(pack.generated_at)
    pdf.set_title(pdf_text(f"{pack.company} · {pack.t('subtitle')}"))
    pdf.set_author(pdf_text(pack.company))
    pdf.set_margins(MARGIN, MARGIN_TOP, MARGIN)
    pdf.set_auto_page_break(False)
    pdf.c_margin = 0
    p = _Page(pdf)
    titles = page_titles(pack)
    total = len(titles)
    links = [pdf.add_link(page=number) for number in range(1, total + 1)]
    period = period_label(pack.period, lang)
    logo = (pack.logo, _logo_size(pack.logo)) if pack.logo else None

    def new_page() -> None:
        """A page with its logo and footer: company and period left, "Page i of N" right."""
        pdf.add_page()
        number = pdf.page_no()
        if logo:
            data, (w, h) = logo
            pdf.image(io.BytesIO(data), x=PAGE_SIZE[0] - MARGIN - w, y=(MARGIN_TOP - h) / 2, w=w, h=h)
        y = _BOTTOM + 2.5
        p.rule(MARGIN, y, PAGE_SIZE[0] - MARGIN, y, 0.2)
        right = f"{pack.t('page')} {number} {pack.t('of')} {total}"
        p.font(7.5, rgb=MUTED_RGB)
        right_w = p.width_of(right) + 1
        p.text(PAGE_SIZE[0] - MARGIN - right_w, y + 1.5, right_w, right, 7.5, rgb=MUTED_RGB, max_lines=1, align="R")
        p.text(MARGIN, y + 1.5, _WIDTH - right_w - 8, f"{pack.company} · {period}", 7.5, rgb=MUTED_RGB, max_lines=1)

    def heading(title: str) -> float:
        """The page's title and an accent rule under it; the y where the page's content starts."""
        size = p.fit_size(pdf_text(title), _WIDTH, 18, 11, "B")
        p.text(MARGIN, _TOP, _WIDTH, title, size, "B", max_lines=1)
        p.rule(MARGIN, _TOP + 10, MARGIN + _WIDTH, _TOP + 10, 0.4, ACCENT_RGB)
        return _TOP + 14

    # cover
    new_page()
    y = 52.0
    size = p.fit_size(pdf_text(pack.company), _WIDTH, 32, 14, "B")
    y += p.text(MARGIN, y, _WIDTH, pack.company, size, "B", max_lines=2, factor=1.15) + 3
    y += p.text(MARGIN, y, _WIDTH, f"{pack.t('title')} · {pack.t('subtitle')}", 16, rgb=MUTED_RGB, max_lines=2) + 4
    p.rule(MARGIN, y, MARGIN + 60, y, 0.6, ACCENT_RGB)
    y += 8
    lines = [*cover_lines(pack),
             (pack.t("sections"), ", ".join(SECTION_TITLES[lang][s] for s in pack.sections))]
    p.font(10, "B", MUTED_RGB)
    name_w = min(max(p.width_of(name) for name, _ in lines) + 6, 70)
    for name, value in lines:
        p.text(MARGIN, y, name_w - 4, name, 10, "B", MUTED_RGB, max_lines=1)
        y += max(p.text(MARGIN + name_w, y, _WIDTH - name_w, value, 10, max_lines=3), _line_height(10)) + 2.5
        if y > _BOTTOM - 8:
            break

    # contents
    new_page()
    y = heading(titles[1]) + 4
    column = min(_WIDTH, 200.0)
    step = min(10.0, (_BOTTOM - y) / total)
    size = min(12.0, step / _PT / 1.4)
    for number, title in enumerate(titles, start=1):
        num = str(number)
        p.font(size)
        num_w = p.width_of(num) + 1
        title_size = p.fit_size(pdf_text(title), column - num_w - 12, size, 7)
        p.text(MARGIN, y, column - num_w - 12, title, title_size, max_lines=1)
        p.font(title_size)
        end = MARGIN + min(p.width_of(title), column - num_w - 12) + 2
        pdf.set_dash_pattern(dash=0.4, gap=1.0)
        p.rule(end, y + _line_height(size) * 0.75, MARGIN + column - num_w - 2, y + _line_height(size) * 0.75, 0.2,
               MUTED_RGB)
        pdf.set_dash_pattern()
        p.text(MARGIN + column - num_w, y, num_w, num, size, align="R", max_lines=1)
        pdf.link(MARGIN, y, column, _line_height(size), links[number - 1])
        y += step

    # summary: one card per tile, then what changed
    new_page()
    top = heading(titles[2])
    changed_size = 9.0
    while True:
        changed_h = _line_height(11) + 2 + sum(
            p.text(0, 0, _WIDTH - 5, s, changed_size, draw=False) + 1.5 for s in pack.summary.sentences)
        if changed_h <= 0.35 * (_BOTTOM - top) or changed_size <= 6.5:
            break
        changed_size -= 0.5
    changed_top = _BOTTOM - changed_h
    tiles = summary_tiles(pack)
    if tiles:
        _cards(p, tiles, lang, top, changed_top - 6)
    y = changed_top
    p.text(MARGIN, y, _WIDTH, pack.t("changed"), 11, "B", max_lines=1)
    y += _line_height(11) + 2
    for sentence in pack.summary.sentences:
        h = p.text(MARGIN + 5, y, _WIDTH - 5, sentence, changed_size)
        p.rule(MARGIN + 0.5, y + 0.6, MARGIN + 0.5, y + h - 0.6, 0.6, ACCENT_RGB)
        y += h + 1.5

    # sections
    head = table_head(pack)
    for index, area in enumerate(pack.sections, start=3):
        new_page()
        y = heading(titles[index])
        y += p.text(MARGIN, y, _WIDTH, pack.t("meaning"), 8, "B", MUTED_RGB, max_lines=1) + 0.5
        y += p.text(MARGIN, y, _WIDTH, meaning(pack, area), 11, "B", max_lines=2) + 1.5
        for part in reading(pack, area):
            if part:
                y += p.text(MARGIN, y, _WIDTH, part, 9, max_lines=3) + 0.5
        rows = [figure_row(t, lang) for t in pack.section_tiles(area)]
        since = since_line(pack, area) if pack.last else ""
        block = _table(p, 0, 0, head, rows, 8, draw=False)
        since_h = p.text(0, 0, _WIDTH, since, 8, "I", MUTED_RGB, max_lines=3, draw=False) if since else 0.0
        block += since_h + 2 if since else 0
        risk = at_risk_table(pack) if area == "health" else ([], [], "")
        risk_size = _RISK_SIZE
        while risk[1] and risk_size > _RISK_MIN_SIZE and (
                _BOTTOM - block - _at_risk(p, pack, 0, *risk, risk_size, draw=False) - 5 - (y + 4) < _MIN_FIGURE_H):
            risk_size -= 0.5
        block += _at_risk(p, pack, 0, *risk, risk_size, draw=False) if risk[1] else 0.0
        pngs = images.get(area) or []
        if pngs:
            block_top = _BOTTOM - block
            _figures(pdf, pngs, y + 4, block_top - 5)
            y = block_top
        else:
            y += 4
        y += _table(p, MARGIN, y, head, rows, 8)
        if since:
            p.text(MARGIN, y + 2, _WIDTH, since, 8, "I", MUTED_RGB, max_lines=3)
            y += since_h + 2
        if risk[1]:
            _at_risk(p, pack, y, *risk, risk_size)

    # appendix
    new_page()
    _appendix(p, pack, heading(titles[-1]))
    return bytes(pdf.output())


def _at_risk(p: _Page, pack: Pack, y: float, head: Sequence[str], rows: Sequence[Sequence[str]], caption: str,
             size: float, draw: bool = True) -> float:
    """The health page's largest accounts at risk from ``y``, under the table of figures: a small
    title (``pack.t("at_risk")``), the compact table and its caption in small muted type. The
    height used in mm, the gap above included."""
    top = y
    y += 4
    y += p.text(MARGIN, y, _WIDTH, pack.t("at_risk"), size + 1.5, "B", max_lines=1, draw=draw) + 0.5
    y += _table(p, MARGIN, y, head, rows, size, draw=draw, shares=_RISK_SHARES, right=_RISK_RIGHT)
    if caption:
        y += 1 + p.text(MARGIN, y + 1, _WIDTH, caption, size - 0.5, "", MUTED_RGB, max_lines=2, draw=draw)
    return y - top


def _figures(pdf: FPDF, pngs: Sequence[bytes], top: float, bottom: float) -> None:
    """A section's figures side by side between ``top`` and ``bottom``, as large as the space
    allows at ``FIGURE_SIZE`` proportions, centred."""
    gap = 5.0
    ratio = FIGURE_SIZE[1] / FIGURE_SIZE[0]
    count = len(pngs)
    w = (_WIDTH - gap * (count - 1)) / count
    h = w * ratio
    if h > bottom - top:
        h = max(bottom - top, 10.0)
        w = h / ratio
    x = MARGIN + (_WIDTH - (w * count + gap * (count - 1))) / 2
    y = top + max(0.0, (bottom - top - h) / 2)
    for png in pngs:
        pdf.image(io.BytesIO(png), x=x, y=y, w=w, h=h)
        x += w + gap


def _cards(p: _Page, tiles: Sequence[Tile], lang: str, top: float, bottom: float) -> None:
    """One card per tile in a grid between ``top`` and ``bottom``: label, value, interval, n,
    change with its reading, and the sparkline under them."""
    count = len(tiles)
    rows = 1 if count <= 3 else 2 if count <= 8 else 3
    cols = math.ceil(count / rows)
    gap, pad = 4.0, 3.0
    cw = (_WIDTH - gap * (cols - 1)) / cols
    ch = (bottom - top - gap * (rows - 1)) / rows
    inner = cw - 2 * pad

    def texts(t: Tile) -> list[tuple[str, float, str, tuple[int, int, int], int]]:
        change = f"{sm.change_text(t, lang)} · {verdict(t, lang)}"
        return [(sm.label(t, lang), 9.0, "B", TEXT_RGB, 2), (sm.value_text(t, t.value, lang), 20.0, "B", ACCENT_RGB, 1),
                (interval_text(t, lang), 7.5, "", MUTED_RGB, 1), (f"n = {_n(t.n, lang)}", 7.5, "",
                                                                  MUTED_RGB, 1),
                (change, 7.5, "", TEXT_RGB, 3)]

    def height(t: Tile, scale: float) -> float:
        return sum(p.text(0, 0, inner, s, size * scale, style, rgb, max_lines=k, draw=False) + 1
                   for s, size, style, rgb, k in texts(t) if s)

    scale = 1.0
    while scale > 0.55 and max(height(t, scale) for t in tiles) > ch - 2 * pad - 6:
        scale -= 0.05
    for i, t in enumerate(tiles):
        x = MARGIN + (i % cols) * (cw + gap)
        y = top + (i // cols) * (ch + gap)
        p.frame(x, y, cw, ch)
        ty = y + pad
        for s, size, style, rgb, k in texts(t):
            if s:
                fitted = p.fit_size(pdf_text(s), inner, size * scale, size * scale * 0.7, style) if k == 1 else size * scale
                ty += p.text(x + pad, ty, inner, s, fitted, style, rgb, max_lines=k) + 1
        spark_top = ty + 1
        spark_h = min(y + ch - pad - spark_top, 22.0)
        p.sparkline(t.series, x + pad, spark_top, inner, spark_h)


def _appendix(p: _Page, pack: Pack, top: float) -> None:
    """Definitions, then methods, flowing through two columns on one page; the type shrinks
    (8 pt down to 5 pt) until everything fits."""
    gap = 10.0
    col_w = (_WIDTH - gap) / 2
    items: list[tuple[str, str, float]] = []  # (text, style, space after in mm)
    for name, text in definitions(pack):
        items += [(name, "B", 0.2), (text, "", 1.6)]
    items += [(text, "", 1.6) for text in METHODS[pack.language]]
    method_start = len(items) - len(METHODS[pack.language])

    def layout(size: float, clip: bool = False) -> list[tuple[int, float, str, str]] | None:
        """(column, y, line, style) of every line; None when two columns are not enough, or with
        ``clip`` the lines that fit."""
        placed = []
        col, y = 0, top
        step = _line_height(size, 1.25)
        for i, (text, style, after) in enumerate(items):
            if i == method_start and i:
                y += 2.5
            p.font(size, style)
            for line in p.lines(text, col_w):
                if y + step > _BOTTOM:
                    col, y = col + 1, top
                    if col > 1:
                        return placed if clip else None
                placed.append((col, y, line, style))
                y += step
            y += after
        return placed

    size = 8.0
    placed = layout(size)
    while placed is None and size > 5.0:
        size -= 0.25
        placed = layout(size)
    if placed is None:  # still too long at 5 pt: what does not fit is left out, never drawn off the page
        placed = layout(size, clip=True) or []
    step = _line_height(size, 1.25)
    for col, y, line, style in placed:
        p.font(size, style)
        p.pdf.set_xy(MARGIN + col * (col_w + gap), y)
        p.pdf.cell(col_w, step, line)
    x = MARGIN + col_w + gap / 2
    p.rule(x, top, x, _BOTTOM, 0.2)


def _n(n: int, language: str) -> str:
    with i18n.using(language):
        return formats.decimal(n)
