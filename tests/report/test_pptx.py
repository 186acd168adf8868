"""The deck: one slide per page of the pack, in order, with footer, logo, figures, the health slide's
accounts at risk and speaker notes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math

import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Inches, Pt

from cs_metrics import summary as sm
from cs_metrics.report import render_pptx
from cs_metrics.report.pptx import FOOTER_TOP, TOP, sparkline_points, summary_grid
from cs_metrics.report.readings import definitions, page_titles, summary_tiles
from cs_metrics.services.overview import GRR_DEFINITION
from tests.report.conftest import LAST, fake_images, make_pack
from tests.report.test_pdf_layout import (
    AT_RISK,
    AT_RISK_TITLE,
    HEALTH_PAGE,
    SHOWN,
    at_risk_frame,
    make_health_pack,
)

#: The pages of the conftest pack (sections nps, retention, maturity), from texts.TEXT and tiles.AREAS /
#: texts.SECTION_TITLES: cover (company), contents, summary, three sections, appendix.
TITLES = {
    "en": ["Acme S.p.A.", "Contents", "Summary: the posture on one page", "NPS", "Churn & retention", "Maturity",
           "Appendix: definitions and methods"],
    "it": ["Acme S.p.A.", "Indice", "Sintesi: il quadro in una pagina", "NPS", "Churn e retention", "Maturità",
           "Appendice: definizioni e metodi"],
}
#: Index of the first section slide (after cover, contents and summary).
FIRST_SECTION = 3


def _deck(pack, images=None) -> Presentation:
    return Presentation(io.BytesIO(render_pptx(pack, {} if images is None else images)))


def _named(slide, name: str) -> list:
    return [s for s in slide.shapes if s.name == name]


def _text(slide) -> str:
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def _table(slide) -> list[list[str]]:
    (shape,) = _named(slide, "Figures")
    return [[cell.text for cell in row.cells] for row in shape.table.rows]


def _png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("language", ["en", "it"])
def test_render_pptx_has_one_slide_per_page_title_in_order(language):
    pack = make_pack(language)
    prs = _deck(pack, fake_images(pack))
    titles = [_named(slide, "Title")[0].text_frame.text for slide in prs.slides]
    assert titles == page_titles(pack) == TITLES[language]
    # 16:9 at 13.333 x 7.5 inches, 914,400 EMU per inch: 13.333 x 914,400 = 12,191,695 (rounded down),
    # 7.5 x 914,400 = 6,858,000. Stamped with the generation time (conftest.GENERATED, naive).
    assert (prs.slide_width, prs.slide_height) == (12_191_695, 6_858_000)
    assert prs.core_properties.created == dt.datetime(2026, 4, 2, 9, 30)


@pytest.mark.parametrize(("language", "page", "footer"), [
    ("en", "Page {i} of 7", "Acme S.p.A. · 01 Jan 2026 – 31 Mar 2026"),
    ("it", "Pagina {i} di 7", "Acme S.p.A. · 01 gen 2026 – 31 mar 2026"),
])
def test_render_pptx_footer_numbers_every_slide(language, page, footer):
    # 7 slides: TITLES above; the period is conftest.PERIOD, 2026-01-01 to 2026-03-31.
    prs = _deck(make_pack(language))
    for i, slide in enumerate(prs.slides, start=1):
        assert _named(slide, "Page")[0].text_frame.text == page.format(i=i)
        assert _named(slide, "Footer")[0].text_frame.text == footer


def test_render_pptx_cover_and_contents():
    prs = _deck(make_pack())
    cover, contents = prs.slides[0], prs.slides[1]
    text = _text(cover)
    assert "Customer posture · Board pack" in text
    # readings.figure_line of the customers tile: 1,316 now, 1,250 before, 1,316 - 1,250 = +66.
    assert "Active customers: 1,316; before 1,250; +66" in text
    # every page title with its number, 1 to 7
    assert "\n".join(TITLES["en"]) in _text(contents) and "\n".join(str(i) for i in range(1, 8)) in _text(contents)


def test_render_pptx_notes_on_every_slide():
    pack = dataclasses.replace(make_pack(), left_out=(("Health", "no health signals imported"),))
    prs = _deck(pack)
    notes = [slide.notes_slide.notes_text_frame.text for slide in prs.slides]
    assert all(n.strip() for n in notes)
    # cover: readings.cover_lines (conftest.PERIOD and its previous period of equal length, 90 days back)
    assert "Period: 01 Jan 2026 – 31 Mar 2026" in notes[0] and "Compared with: 03 Oct 2025 – 31 Dec 2025" in notes[0]
    assert "Customers: segment: SMB" in notes[0] and "Data up to: 2026-03-31" in notes[0]
    # contents: freshness and what is left out
    assert "Data freshness: 2026-03-31" in notes[1] and "Left out: Health, no health signals imported" in notes[1]
    # summary: the definition of every summary tile (6 tiles in conftest.make_tiles)
    defs = dict(definitions(pack))
    assert len(summary_tiles(pack)) == 6
    for tile in summary_tiles(pack):
        assert f"{tile.label}: {defs[tile.label]}" in notes[2]
    assert "Data freshness: 2026-03-31" in notes[2]
    # sections: each tile's definition and its test with n
    for s, area in enumerate(pack.sections):
        for tile in pack.section_tiles(area):
            assert defs[tile.label] in notes[FIRST_SECTION + s]
        assert "n = " in notes[FIRST_SECTION + s]
    assert "NPS: statistically detectable (two-sample z-test, p = 0.012); n = 400, previous n = 380." in notes[3]
    # appendix: the methods
    assert notes[-1].startswith("Sampled figures (NPS, time to first value, maturity, meeting time) carry n")


def test_render_pptx_notes_in_italian():
    pack = make_pack("it")
    # A pack's tiles are built in its language; conftest's are English, so give two of them the definitions
    # services/overview.py writes, which the catalog (tiles.po) translates.
    customers = "Customers signed on or before the period's last day and not churned by then."
    pack.tiles = [dataclasses.replace(t, definition=GRR_DEFINITION) if t.key == "grr"
                  else dataclasses.replace(t, definition=customers) if t.key == "customers" else t for t in pack.tiles]
    notes = [slide.notes_slide.notes_text_frame.text for slide in _deck(pack).slides]
    assert all(n.strip() for n in notes)
    # retention slide: the GRR definition and the Italian verdict with n
    assert ("- Retention lorda dei ricavi (GRR): Retention lorda dei ricavi: ricavi mantenuti dai clienti paganti "
            "all'inizio del periodo" in notes[4])
    assert "- Churn dei clienti (logo churn): nessun test applicabile; n = 761, n precedente = 700." in notes[4]
    # summary: the customers' definition under the Italian label
    assert ("- Clienti attivi: Clienti acquisiti entro l'ultimo giorno del periodo e non ancora persi a quella data."
            in notes[2])
    assert "Aggiornamento dei dati: 2026-03-31" in notes[2] and notes[0].startswith("Periodo: 01 gen 2026 – 31 mar 2026")


def test_render_pptx_section_slides_fill_with_their_figures():
    pack = make_pack()
    prs = _deck(pack, fake_images(pack))
    printable_top, printable_bottom = Inches(TOP), Inches(FOOTER_TOP)
    for s, area in enumerate(pack.sections):
        slide = prs.slides[FIRST_SECTION + s]
        pictures = [p for p in slide.shapes if p.shape_type == MSO_SHAPE_TYPE.PICTURE and p.name != "Logo"]
        assert len(pictures) == len(pack.figures[area]) == 2
        # side by side, same top, no overlap, inside the margins, 3:2 kept (900 x 600 px)
        a, b = sorted(pictures, key=lambda p: p.left)
        assert a.top == b.top and a.left + a.width <= b.left and b.left + b.width <= Inches(13.333 - 0.5)
        assert abs(a.width / a.height - 1.5) < 0.01
        # content reaches at least 80% of the printable height (below the title, above the footer)
        content = [sh for sh in slide.shapes if sh.name not in ("Footer", "Page") and sh.shape_type != MSO_SHAPE_TYPE.LINE]
        bottom = max(sh.top + sh.height for sh in content)
        assert bottom - printable_top >= 0.8 * (printable_bottom - printable_top)
    # no images: the section slides hold none
    bare = _deck(pack)
    assert not [p for p in bare.slides[FIRST_SECTION].shapes if p.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_render_pptx_section_table_and_since_line():
    prs = _deck(make_pack(last=LAST))
    rows = _table(prs.slides[FIRST_SECTION])
    assert rows[0] == ["Figure", "Value", "Previous", "Change", "Change reading", "n"]
    # conftest NPS tile: 30 (25 to 35), before 20, 30 - 20 = +10 points, p = 0.012, n = 400
    assert rows[1] == ["NPS", "+30 (+25 to +35)", "+20", "+10.0 points",
                       "statistically detectable (two-sample z-test, p = 0.012)", "400"]
    assert "What this means: NPS really moved (+10.0 points), for the better" in _text(prs.slides[FIRST_SECTION])
    # LAST saved NPS 25: "+25 → +30"
    assert ("Since the last pack (saved 2026-03-01 08:00 UTC, period 01 Oct 2025 – 31 Dec 2025): NPS: +25 → +30"
            in _text(prs.slides[FIRST_SECTION]))
    it = _table(_deck(make_pack("it")).slides[FIRST_SECTION + 1])
    # logo churn 0.124 -> 12.4%, written 12,4% in Italian; n = 761
    assert it[0] == ["Indicatore", "Valore", "Precedente", "Variazione", "Lettura della variazione", "n"]
    assert it[1][:2] == ["Churn dei clienti (logo churn)", "12,4%"] and it[1][5] == "761"


def test_render_pptx_logo_on_every_slide():
    pack = dataclasses.replace(make_pack(), logo=_png((400, 100)))
    prs = _deck(pack, fake_images(pack))
    for slide in prs.slides:
        (logo,) = _named(slide, "Logo")
        # 0.5 in high, 400 x 100 px so 2.0 in wide; right edge on the right margin (13.333 - 0.5 in)
        assert logo.height == Inches(0.5) and logo.width == Inches(2.0)
        assert logo.left + logo.width == Inches(13.333 - 0.5) and logo.top == Inches(TOP)
        (title,) = _named(slide, "Title")
        assert title.left + title.width <= logo.left
    # a very wide logo (1000 x 100 px: 5 in at 0.5 in high) is capped at 2 in wide, 0.2 in high
    wide = _deck(dataclasses.replace(make_pack(), logo=_png((1000, 100))))
    (logo,) = _named(wide.slides[0], "Logo")
    assert logo.width == Inches(2.0) and abs(logo.height - Inches(0.2)) <= 1
    assert not any(_named(slide, "Logo") for slide in _deck(make_pack()).slides)


def test_render_pptx_summary_cards_with_sparklines():
    jan, feb, mar = dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)
    pack = make_pack()
    series = {"nps": ((jan, 20.0), (feb, math.nan), (mar, 30.0)), "logo_churn": ((mar, 0.124),),
              "grr": ((jan, None), (feb, 0.9))}
    pack.tiles = [dataclasses.replace(t, series=series.get(t.key, ())) for t in pack.tiles]
    slide = _deck(pack).slides[2]
    cards = [s.text_frame.text for s in _named(slide, "Card text")]
    assert len(cards) == len(_named(slide, "Card")) == 6
    for text, tile in zip(cards, summary_tiles(pack)):
        assert sm.value_text(tile, tile.value, "en") in text and "n = " in text
    assert cards[0].split("\n")[:5] == ["NPS", "+30", "95% CI +25 to +35", "n = 400",
                                        "+10.0 points · statistically detectable (two-sample z-test, p = 0.012)"]
    assert "n = 1,316" in cards[4]
    # only NPS keeps two points (the NaN is skipped); logo churn has one, GRR one after None is skipped
    (line,) = _named(slide, "Sparkline")
    path = line._element.xpath(".//a:path")[0]
    assert len(path.xpath("./a:moveTo")) == 1 and len(path.xpath("./a:lnTo")) == 1
    # 20 then 30: the line rises, so its last point is higher (smaller y) than its first
    start, end = path.xpath("./a:moveTo/a:pt")[0], path.xpath("./a:lnTo/a:pt")[0]
    assert int(end.get("y")) < int(start.get("y")) and int(end.get("x")) > int(start.get("x"))
    assert "What changed" in _text(slide)


def test_sparkline_points_skips_missing_and_scales():
    jan, feb, mar = dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)
    # x by day: Jan 31 -> 0, Mar 31 -> 59/59 = 1; Feb 28 is 28 days in: 28/59; y: (v - 10) / (40 - 10)
    assert sparkline_points([(jan, 10.0), (feb, 40.0), (mar, 25.0)]) == [(0.0, 0.0), (28 / 59, 1.0), (1.0, 0.5)]
    assert sparkline_points([(jan, 10.0), (feb, math.nan), (mar, None)]) == []
    assert sparkline_points([]) == []
    # flat: middle of the box
    assert sparkline_points([(jan, 5.0), (mar, 5.0)]) == [(0.0, 0.5), (1.0, 0.5)]


def test_summary_grid_fits_every_tile():
    # 6 tiles: 3 columns x 2 rows; 7 tiles: 4 x 2; 16: 4 x 4; 17: 5 x 4 (ceil(17 / 5) = 4)
    assert [summary_grid(n) for n in (1, 6, 7, 16, 17)] == [(3, 1), (3, 2), (4, 2), (4, 4), (5, 4)]


def test_render_pptx_keeps_names_as_plain_text():
    prs = _deck(make_pack(company="<Acme & Co>"))
    assert _named(prs.slides[0], "Title")[0].text_frame.text == "<Acme & Co>"
    assert _named(prs.slides[4], "Footer")[0].text_frame.text.startswith("<Acme & Co> · ")


@pytest.mark.parametrize("language", ["en", "it"])
def test_render_pptx_health_slide_shows_the_accounts_at_risk(language):
    pack = make_health_pack(language, at_risk=at_risk_frame())
    prs = _deck(pack, fake_images(pack))
    head, rows, caption = SHOWN[language]  # test_pdf_layout.SHOWN: the rows and caption worked out by hand
    slide = prs.slides[HEALTH_PAGE]
    assert _named(slide, "Title")[0].text_frame.text == ("Health score" if language == "it" else "Health")
    (title,) = _named(slide, "At risk title")
    (table,) = _named(slide, "At risk")
    (note,) = _named(slide, "At risk caption")
    assert title.text_frame.text == AT_RISK_TITLE[language]
    assert [[cell.text for cell in row.cells] for row in table.table.rows] == [head, *map(list, rows)]
    assert note.text_frame.text == caption
    # the caption in small muted type: 9 pt, #6E6E6E, under the table; the table under the table of figures,
    # which stays with the green share's row (62.0% against 58.0%)
    run = note.text_frame.paragraphs[0].runs[0]
    assert run.font.size == Pt(9) and str(run.font.color.rgb) == "6E6E6E"
    (figures,) = _named(slide, "Figures")
    assert _table(slide)[1][:3] == (["Clienti in buona salute", "62,0%", "58,0%"] if language == "it"
                                    else ["Customers in good health", "62.0%", "58.0%"])
    assert figures.top + figures.height <= title.top and title.top + title.height <= table.top
    assert table.top + table.height <= note.top
    # speaker notes: the section's notes, then the caption and one line per account
    notes = slide.notes_slide.notes_text_frame.text.splitlines()
    assert notes[-4:] == [f"{AT_RISK_TITLE[language]}: {caption}", *(", ".join(row) for row in rows)]
    assert notes[-3] == ("Globex, Ana Ruiz, 1,5 mln €, 42, fascia rossa e in calo, Renewal call with the CFO, Send "
                         "the offer (due 2026-04-15)" if language == "it" else "Globex, Ana Ruiz, €1.50M, 42, red and falling, "
                         "Renewal call with the CFO, Send the offer (due 2026-04-15)")
    # no other slide shows them
    others = [s for i, s in enumerate(prs.slides) if i != HEALTH_PAGE]
    assert not any(_named(s, "At risk") or "Globex" in s.notes_slide.notes_text_frame.text for s in others)


@pytest.mark.parametrize("at_risk", [None, at_risk_frame([])], ids=["none", "empty"])
def test_render_pptx_health_slide_without_accounts_at_risk(at_risk):
    slide = _deck(make_health_pack(at_risk=at_risk)).slides[HEALTH_PAGE]
    assert not any(_named(slide, name) for name in ("At risk title", "At risk", "At risk caption"))
    assert "accounts at risk" not in _text(slide) + slide.notes_slide.notes_text_frame.text
    assert _table(slide)[1][:2] == ["Customers in good health", "62.0%"]


@pytest.mark.parametrize(("rows", "figures", "last"), [
    (AT_RISK, 2, None),
    # five accounts, three figures and the since line: the fullest health slide
    ([(f"Customer {i}", "Ana Ruiz", 1_000_000.0 - i, 40.0, "red and falling", "Meet the sponsor", "Call (due 2026-04-30)")
      for i in range(5)], 3, LAST),
])
def test_render_pptx_health_slide_with_accounts_at_risk_stays_in_the_slide_and_filled(rows, figures, last):
    pack = make_health_pack(at_risk=at_risk_frame(rows), figures=figures, last=last)
    slide = _deck(pack, fake_images(pack)).slides[HEALTH_PAGE]
    printable_top, printable_bottom = Inches(TOP), Inches(FOOTER_TOP)
    content = [sh for sh in slide.shapes if sh.name not in ("Footer", "Page") and sh.shape_type != MSO_SHAPE_TYPE.LINE]
    # content reaches at least 80% of the printable height and stays inside the margins (0.5 in) above the footer
    assert max(sh.top + sh.height for sh in content) - printable_top >= 0.8 * (printable_bottom - printable_top)
    for sh in content:
        assert sh.left >= Inches(0.5) and sh.left + sh.width <= Inches(13.333 - 0.5), sh.name
        assert sh.top >= printable_top and sh.top + sh.height <= printable_bottom, sh.name
    # top to bottom without overlap: figures, table of figures, (since line), title, accounts, caption
    order = ["Figure 1", "Figures", *(["TextBox"] if last else []), "At risk title", "At risk", "At risk caption"]
    stack = sorted((sh for sh in content if sh.top >= Inches(2.15)), key=lambda sh: sh.top)
    names = [sh.name.split(" ")[0] if sh.name.startswith("TextBox") else sh.name for sh in stack]
    assert [n for n in names if not n.startswith("Figure ") or n == "Figure 1"] == order
    assert all(a.top + a.height <= b.top for a, b in zip(stack[figures - 1:], stack[figures:]))
    # the figures side by side, same top, 3:2 kept
    pictures = sorted((p for p in slide.shapes if p.shape_type == MSO_SHAPE_TYPE.PICTURE), key=lambda p: p.left)
    assert len(pictures) == figures and len({p.top for p in pictures}) == 1
    assert all(a.left + a.width <= b.left for a, b in zip(pictures, pictures[1:]))
    assert all(abs(p.width / p.height - 1.5) < 0.01 for p in pictures)
    (table,) = _named(slide, "At risk")
    assert len(table.table.rows) == len(rows) + 1
    assert [row.cells[0].text for row in list(table.table.rows)[1:]] == [r[0] for r in rows]
