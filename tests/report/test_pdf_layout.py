"""The PDF's layout measured with pdfplumber: one page per title in ``readings.page_titles``,
the footer on every page, the contents, the posture on one page, the section pages filled by
their figures, the logo on every page, Italian words and numbers, and long text kept inside
the page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math

import pdfplumber
import pytest
from PIL import Image

from cs_metrics import summary as sm
from cs_metrics.report import pdf as pdf_module
from cs_metrics.report import pdf_text, render_pdf
from cs_metrics.report.readings import interval_text, page_titles, summary_tiles
from cs_metrics.report.texts import period_label
from tests.report.conftest import LAST, fake_images, make_pack, make_tiles

MM = 72 / 25.4  # points per mm (pdfplumber measures in points)
# Landscape A4 is 297 x 210 mm; pdf.py's margins: 15 mm left and right, 14 mm top (MARGIN_TOP),
# 14 mm bottom (MARGIN_BOTTOM, the footer's band). Printable height = 210 - 14 - 14 = 182 mm.
PAGE_W, PAGE_H, SIDE, TOP, BOTTOM = 297.0, 210.0, 15.0, 14.0, 14.0
PRINTABLE_H = PAGE_H - TOP - BOTTOM


def _pages(data: bytes) -> list[dict]:
    """Per page: its text, images, chars, and every drawn object (chars, images, rects, lines, curves)."""
    out = []
    with pdfplumber.open(io.BytesIO(data)) as doc:
        for page in doc.pages:
            out.append({"text": page.extract_text(), "images": list(page.images), "chars": list(page.chars),
                        "curves": list(page.curves), "width": page.width, "height": page.height,
                        "objects": [*page.chars, *page.images, *page.rects, *page.lines, *page.curves]})
    return out


def _flat(page: dict) -> str:
    return page["text"].replace("\n", " ")


def _png(size: tuple[int, int] = (60, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_pdf_margins_are_the_ones_measured_here():
    assert (pdf_module.PAGE_SIZE, pdf_module.MARGIN, pdf_module.MARGIN_TOP, pdf_module.MARGIN_BOTTOM) == (
        (PAGE_W, PAGE_H), SIDE, TOP, BOTTOM)


@pytest.mark.parametrize("language", ["en", "it"])
def test_render_pdf_one_page_per_title_with_footer(language):
    pack = make_pack(language)
    pages = _pages(render_pdf(pack, fake_images(pack)))
    titles = page_titles(pack)
    # cover, contents, summary, nps, retention, maturity, appendix
    assert len(titles) == 7 and len(pages) == len(titles)
    period = pdf_text(period_label(pack.period, language))
    word, of = ("Pagina", "di") if language == "it" else ("Page", "of")
    for i, (page, title) in enumerate(zip(pages, titles, strict=True), start=1):
        assert round(page["width"] / MM) == PAGE_W and round(page["height"] / MM) == PAGE_H
        lines = page["text"].splitlines()
        assert pdf_text(title) in lines[0] if i > 1 else pdf_text(title) == lines[0], (i, lines[:2])
        assert period in page["text"], i
        assert f"{word} {i} {of} 7" in page["text"], i
        assert pack.company in lines[-1], i  # the footer: company, period, page number


def test_render_pdf_contents_lists_every_page_with_its_number(pack):
    pages = _pages(render_pdf(pack, {}))
    lines = pages[1]["text"].splitlines()
    for number, title in enumerate(page_titles(pack), start=1):
        assert f"{pdf_text(title)} {number}" in lines, (title, number)


@pytest.mark.parametrize("language", ["en", "it"])
def test_render_pdf_section_pages_are_filled_by_their_figures(language):
    pack = make_pack(language, last=LAST)
    pages = _pages(render_pdf(pack, fake_images(pack)))
    footer_top = (PAGE_H - BOTTOM) * MM
    for index, area in enumerate(pack.sections, start=3):
        page = pages[index]
        assert len(page["images"]) == len(pack.figures[area]) == 2, area  # conftest: two figures per section
        content = [o for o in page["objects"] if o["top"] < footer_top]
        reach = max(o["bottom"] for o in content) / MM - TOP
        # 80% of the printable height: 0.8 x 182 = 145.6 mm below the top margin.
        assert reach >= 0.8 * PRINTABLE_H, (area, reach)
        tops = {round(im["top"], 1) for im in page["images"]}
        left, right = sorted(page["images"], key=lambda im: im["x0"])
        assert len(tops) == 1 and left["x1"] <= right["x0"], area  # side by side, not stacked
        assert left["x0"] >= SIDE * MM - 0.5 and right["x1"] <= (PAGE_W - SIDE) * MM + 0.5
        # Each figure keeps FIGURE_SIZE's 900 x 600 proportions: width / height = 1.5.
        assert math.isclose((left["x1"] - left["x0"]) / (left["bottom"] - left["top"]), 1.5, rel_tol=0.01)
    for index in (0, 1, 2, 6):
        assert pages[index]["images"] == [], index


def test_render_pdf_summary_shows_every_tile(pack):
    pages = _pages(render_pdf(pack, fake_images(pack)))
    flat = _flat(pages[2])
    tiles = summary_tiles(pack)
    # conftest's make_tiles: NPS, logo churn, GRR, maturity, then customers and ARR (summary_tiles order).
    assert [t.key for t in tiles] == ["nps", "logo_churn", "grr", "maturity_culture", "customers", "arr"]
    for t in tiles:
        assert pdf_text(sm.label(t, "en")) in flat, t.key
        assert pdf_text(sm.value_text(t, t.value, "en")) in flat, t.key
        assert f"n = {t.n:,}" in flat, t.key
        assert pdf_text(sm.change_text(t, "en")) in flat, t.key
        if interval_text(t, "en"):
            assert pdf_text(interval_text(t, "en")) in flat, t.key
    # Hand values from make_tiles: NPS 30 with 25..35 and n 400; ARR 58,860,000 EUR and n 1,200.
    for shown in ("+30", "95% CI +25 to +35", "n = 400", "EUR 58.86M", "n = 1,200", "n = 1,316", "91.0%"):
        assert shown in flat, shown
    assert "What changed" in flat
    for sentence in pack.summary.sentences:
        assert pdf_text(sentence) in flat, sentence
    assert pages[2]["images"] == []  # sparklines are vector lines, never images


def test_render_pdf_sparklines_are_vector_lines_skipping_gaps():
    pack = make_pack()
    d = [dt.date(2025, 10, 31), dt.date(2025, 11, 30), dt.date(2025, 12, 31), dt.date(2026, 1, 31)]
    series = {"nps": ((d[0], 20.0), (d[1], math.nan), (d[2], 25.0), (d[3], 30.0)),  # 3 points once NaN is skipped
              "logo_churn": ((d[0], 0.11), (d[1], None)),  # 1 point: no line
              "grr": ((d[0], 0.93), (d[1], 0.92), (d[2], 0.91), (d[3], 0.91))}  # 4 points
    pack.tiles = [dataclasses.replace(t, series=series.get(t.key, ())) for t in make_tiles()]
    page = _pages(render_pdf(pack, {}))[2]
    lines = sorted(page["curves"], key=lambda c: c["x0"])
    assert [len(c["pts"]) for c in lines] == [3, 4]  # NPS (first card), GRR (third card)
    nps_line, grr_line = lines
    # NPS rises 20 -> 25 -> 30: each point higher on the page (smaller top) than the one before.
    tops = [y for _, y in nps_line["pts"]]
    assert tops[0] > tops[1] > tops[2]
    # The gap (NaN on 2025-11-30) keeps its place in time: Oct 31 -> Dec 31 is 61 days of the 92 to Jan 31.
    xs = [x for x, _ in nps_line["pts"]]
    assert math.isclose((xs[1] - xs[0]) / (xs[2] - xs[0]), 61 / 92, rel_tol=1e-3)
    assert page["images"] == []


def test_render_pdf_logo_on_every_page():
    pack = make_pack()
    plain = _pages(render_pdf(pack, fake_images(pack)))
    pack.logo = _png()
    with_logo = _pages(render_pdf(pack, fake_images(pack)))
    assert [len(p["images"]) for p in plain] == [0, 0, 0, 2, 2, 2, 0]
    assert [len(p["images"]) for p in with_logo] == [1, 1, 1, 3, 3, 3, 1]
    for page in with_logo:
        logo = min(page["images"], key=lambda im: im["top"])
        # pdf.py's LOGO_BOX is 40 x 8 mm: a 60 x 20 px image fits as 24 x 8 mm, right-aligned at 297 - 15 mm,
        # inside the 14 mm top margin.
        assert math.isclose((logo["x1"] - logo["x0"]) / MM, 24, abs_tol=0.1)
        assert math.isclose(logo["x1"] / MM, PAGE_W - SIDE, abs_tol=0.1) and logo["bottom"] / MM <= TOP


def test_render_pdf_in_italian():
    pack = make_pack("it")
    pages = _pages(render_pdf(pack, fake_images(pack)))
    assert pages[1]["text"].splitlines()[0] == "Indice"
    assert pages[2]["text"].splitlines()[0] == "Sintesi: la postura in una pagina"
    assert pages[4]["text"].splitlines()[0] == "Churn e retention"
    assert "Pagina 1 di 7" in pages[0]["text"] and "01 gen 2026 - 31 mar 2026" in pages[0]["text"]
    flat = _flat(pages[2])
    arr = next(t for t in pack.tiles if t.key == "arr")
    # 58,860,000 EUR -> "€58,86M" in Italian (decimal comma), "EUR 58,86M" in the core fonts.
    assert pdf_text(sm.value_text(arr, arr.value, "it")) == "EUR 58,86M"
    assert "EUR 58,86M" in flat and "n = 1.316" in flat and "IC 95% +25 a +35" in flat
    assert "Che cosa è cambiato" in flat
    assert "What changed" not in flat and "Page" not in pages[0]["text"]


def test_render_pdf_keeps_long_text_inside_the_page():
    company = "Northern Lights Customer Success and Revenue Operations Holding International S.p.A. " * 3
    pack = make_pack(company=company.strip())
    long = "Share of customers reaching first value within the onboarding target agreed in the contract"
    pack.tiles = [dataclasses.replace(t, label=long) if t.key == "grr" else t for t in pack.tiles]
    pages = _pages(render_pdf(pack, fake_images(pack)))
    assert len(pages) == len(page_titles(pack)) == 7
    for i, page in enumerate(pages, start=1):
        chars = page["chars"]
        assert min(c["x0"] for c in chars) >= SIDE * MM - 0.5, i
        assert max(c["x1"] for c in chars) <= (PAGE_W - SIDE) * MM + 0.5, i
        assert max(c["bottom"] for c in chars) <= PAGE_H * MM, i
    # The company's name on the cover is shrunk and wrapped, never cut mid-page: its first words are there.
    assert "Northern Lights Customer Success" in pages[0]["text"]
    assert "Share of customers" in _flat(pages[2])
