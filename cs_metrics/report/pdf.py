"""The pack as an A4 PDF (fpdf2, core fonts): cover, one page per section, appendix."""

from __future__ import annotations

import io
from collections.abc import Sequence

from cs_metrics.formatting import CURRENCY_SYMBOLS
from cs_metrics.report.images import FIGURE_SIZE
from cs_metrics.report.pack import Pack
from cs_metrics.report.readings import cover_lines, definitions, figure_row, reading, since_line, table_head
from cs_metrics.report.texts import METHODS, SECTION_TITLES, period_label


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
    head = table_head(pack)
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
            para(since_line(pack, area), size=8)
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
