"""The PDF's layout measured with pdfplumber: one page per title in ``readings.page_titles``,
the footer on every page, the contents, the posture on one page, the section pages filled by
their figures, the health page's largest accounts at risk, the logo on every page, Italian words
and numbers, and long text kept inside the page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math

import pandas as pd
import pdfplumber
import plotly.graph_objects as go
import pytest
from PIL import Image

from cs_metrics import summary as sm
from cs_metrics.report import pdf as pdf_module
from cs_metrics.report import pdf_text, render_pdf
from cs_metrics.report.readings import at_risk_table, interval_text, page_titles, summary_tiles
from cs_metrics.report.texts import period_label
from cs_metrics.tiles import Tile
from tests.report.conftest import LAST, fake_images, make_pack, make_tiles

MM = 72 / 25.4  # points per mm (pdfplumber measures in points)
# Landscape A4 is 297 x 210 mm; pdf.py's margins: 15 mm left and right, 14 mm top (MARGIN_TOP),
# 14 mm bottom (MARGIN_BOTTOM, the footer's band). Printable height = 210 - 14 - 14 = 182 mm.
PAGE_W, PAGE_H, SIDE, TOP, BOTTOM = 297.0, 210.0, 15.0, 14.0, 14.0
PRINTABLE_H = PAGE_H - TOP - BOTTOM


#: The health section's largest accounts at risk, as ``services.health.at_risk`` gives them (largest ARR
#: first) with ``services.plans.with_plans``: name, owner (None: nobody owns the account), ARR, score, why,
#: the owner's plan and next step ("" without a plan: shown as "no plan yet" and "–").
AT_RISK = [("Globex", "Ana Ruiz", 1_500_000.0, 42.0, "red and falling", "Renewal call with the CFO",
            "Send the offer (due 2026-04-15)"),
           ("Initech", None, 240_000.0, 48.4, "red", "", ""),
           ("Umbrella", "Bo Chen", 90_000.0, 61.0, "falling", "", "")]
#: ``readings.at_risk_table`` of AT_RISK written out by hand. ARR: 1,500,000 / 1e6 = €1.50M (two decimals over a
#: million), 240,000 / 1e3 = €240k, 90,000 / 1e3 = €90k; score 48.4 shown without decimals: 48; no owner: the
#: words "no owner". Caption from the attrs: 3 rows of 1,234 accounts, 9,200,000 / 1e6 = €9.20M, month
#: 2026-03-01 "Mar 2026", compared with 2025-03-01 "Mar 2025", a drop of 10 points. Italian: amounts as
#: cs_metrics/locale/GLOSSARY.md writes them ("1,5 mln €", "240 mila €", "9,2 mln €"), thousands point (1.234),
#: Italian months and reasons (the catalog).
SHOWN = {
    "en": (["Customer", "Owner", "ARR", "Score", "Why", "Owner's plan", "Next step (due)"],
           [("Globex", "Ana Ruiz", "€1.50M", "42", "red and falling", "Renewal call with the CFO",
             "Send the offer (due 2026-04-15)"),
            ("Initech", "no owner", "€240k", "48", "red", "no plan yet", "–"),
            ("Umbrella", "Bo Chen", "€90k", "61", "falling", "no plan yet", "–")],
           "The 3 largest of 1,234 accounts at risk (€9.20M ARR) in Mar 2026: in the red band, or down 10 points "
           "or more since Mar 2025."),
    "it": (["Cliente", "Responsabile", "ARR", "Punteggio", "Perché", "Piano del responsabile",
            "Prossimo passo (scadenza)"],
           [("Globex", "Ana Ruiz", "1,5 mln €", "42", "fascia rossa e in calo", "Renewal call with the CFO",
             "Send the offer (due 2026-04-15)"),
            ("Initech", "nessun responsabile", "240 mila €", "48", "fascia rossa", "ancora nessun piano", "–"),
            ("Umbrella", "Bo Chen", "90 mila €", "61", "in calo", "ancora nessun piano", "–")],
           "I 3 con più ARR tra 1.234 clienti a rischio (9,2 mln € di ARR) a mar 2026: in fascia rossa, oppure scesi "
           "di 10 punti o più rispetto a mar 2025."),
}
#: The table's title, ``pack.t("at_risk")`` (texts.TEXT).
AT_RISK_TITLE = {"en": "Largest accounts at risk", "it": "Clienti a rischio con più ARR"}
#: Index of the health page (and slide) in the health pack: cover, contents, summary, NPS, health.
HEALTH_PAGE = 4


def at_risk_frame(records: list[tuple] = AT_RISK) -> pd.DataFrame:
    """``records`` as ``services.health.at_risk`` returns them: 1,234 accounts at risk with €9.20M of ARR in
    all, in March 2026 against March 2025, a drop of 10 points or more."""
    frame = pd.DataFrame(records, columns=["name", "owner", "arr", "score", "why", "account_plan", "next_step_due"])
    frame.attrs.update(n=1234, arr=9_200_000.0, month=dt.date(2026, 3, 1), previous=dt.date(2025, 3, 1), drop=10.0)
    return frame


def make_health_pack(language: str = "en", *, at_risk: pd.DataFrame | None = None, figures: int = 2,
                     last: dict | None = None):
    """conftest's pack with a health section (its green share, ``figures`` figures) between NPS and retention,
    and ``at_risk`` as the pack's accounts at risk: pages cover, contents, summary, NPS, health, retention,
    maturity, appendix."""
    pack = make_pack(language, last=last)
    green = Tile(key="health_green", label="Customers in good health", unit="share", value=0.62, previous=0.58,
                 n=700, n_previous=690, area="health", definition="Share of scored customers in the green band.")
    tiles = [*make_tiles(), green]
    plots = {**pack.figures, "health": [go.Figure(go.Bar(x=["a", "b"], y=[2, 1]),
                                                  layout={"title": {"text": f"health {i}"}})
                                        for i in range(1, figures + 1)]}
    return dataclasses.replace(pack, tiles=tiles, sections=("nps", "health", "retention", "maturity"), figures=plots,
                               summary=sm.what_changed(tiles, language=language), at_risk=at_risk)


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
    assert pages[2]["text"].splitlines()[0] == "Sintesi: il quadro in una pagina"
    assert pages[4]["text"].splitlines()[0] == "Churn e retention"
    assert "Pagina 1 di 7" in pages[0]["text"] and "01 gen 2026 - 31 mar 2026" in pages[0]["text"]
    flat = _flat(pages[2])
    arr = next(t for t in pack.tiles if t.key == "arr")
    # 58,860,000 EUR -> "58,9 mln €" in Italian (the glossary's millions), "58,9 mln EUR" in the core fonts.
    assert pdf_text(sm.value_text(arr, arr.value, "it")) == "58,9 mln EUR"
    assert "58,9 mln EUR" in flat and "n = 1.316" in flat and "IC 95% da +25 a +35" in flat
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


@pytest.mark.parametrize("language", ["en", "it"])
def test_render_pdf_health_page_shows_the_accounts_at_risk_under_the_figures(language):
    pack = make_health_pack(language, at_risk=at_risk_frame())
    head, rows, caption = SHOWN[language]
    assert at_risk_table(pack) == (head, rows, caption)
    pages = _pages(render_pdf(pack, fake_images(pack)))
    assert len(pages) == 8
    page = pages[HEALTH_PAGE]
    lines = page["text"].splitlines()
    assert lines[0] == ("Health score" if language == "it" else "Health")
    title = lines.index(pdf_text(AT_RISK_TITLE[language]))
    # the table of figures stays, above the accounts at risk: its heading row, then the green share's row
    # (0.62 -> 62.0% / 62,0%, against 58.0%, n = 700)
    figures_head = lines.index(" ".join(pdf_text(h) for h in (
        ["Indicatore", "Valore", "Precedente", "Variazione", "Lettura della variazione", "n"] if language == "it"
        else ["Figure", "Value", "Previous", "Change", "Change reading", "n"])))
    assert figures_head < title and ("62,0% 58,0%" if language == "it" else "62.0% 58.0%") in lines[figures_head + 1]
    # then the headings and one line per account, cells in order ("€" is drawn as "EUR " by the core fonts)
    assert lines[title + 1] == " ".join(pdf_text(h) for h in head)
    assert lines[title + 2:title + 5] == [" ".join(pdf_text(c) for c in row) for row in rows]
    assert lines[title + 2] == ("Globex Ana Ruiz 1,5 mln EUR 42 fascia rossa e in calo Renewal call with the CFO "
                                "Send the offer (due 2026-04-15)" if language == "it" else "Globex Ana Ruiz EUR 1.50M 42 red "
                                "and falling Renewal call with the CFO Send the offer (due 2026-04-15)")
    assert pdf_text(caption) in " ".join(lines[title + 5:-1])
    # the caption in small muted type: every char under the last row ("Umbrella", its "U" at the left margin)
    # and above the footer is #6E6E6E and smaller than the rows' 7.5 pt
    last_row = max(c["bottom"] for c in page["chars"] if c["text"] == "U" and c["x0"] < (SIDE + 2) * MM)
    row_size = next(c["size"] for c in page["chars"] if c["text"] == "U" and c["x0"] < (SIDE + 2) * MM)
    under = [c for c in page["chars"] if c["top"] > last_row and c["bottom"] < (PAGE_H - BOTTOM) * MM]
    assert "".join(c["text"] for c in under).replace(" ", "") == pdf_text(caption).replace(" ", "")
    assert row_size == pytest.approx(7.5) and all(c["size"] < row_size for c in under)
    assert all(tuple(c["non_stroking_color"]) == pytest.approx((0x6E / 255,) * 3, abs=0.01) for c in under)
    # the figures stay side by side, above the tables
    assert len(page["images"]) == 2
    left, right = sorted(page["images"], key=lambda im: im["x0"])
    assert left["top"] == pytest.approx(right["top"]) and left["x1"] <= right["x0"]
    below = [c for c in page["chars"] if c["top"] > left["top"]]  # the tables, the caption, the footer
    assert below and left["bottom"] <= min(c["top"] for c in below)


def test_render_pdf_accounts_at_risk_only_on_the_health_page_and_only_when_there_are_some():
    with_risk = _pages(render_pdf(make_health_pack(at_risk=at_risk_frame()), {}))
    # only the health page (index 4) of the 8 shows the table
    assert ["Largest accounts at risk" in p["text"] for p in with_risk] == [False] * 4 + [True] + [False] * 3
    for at_risk in (None, at_risk_frame([])):
        pages = _pages(render_pdf(make_health_pack(at_risk=at_risk), {}))
        text = pages[HEALTH_PAGE]["text"]
        assert "Largest accounts at risk" not in text and "Globex" not in text and "accounts at risk" not in text
        # the rest of the page is unchanged: its table of figures is there
        assert "Customers in good health 62.0% 58.0%" in text


@pytest.mark.parametrize(("rows", "figures", "last"), [
    (AT_RISK, 2, None),
    # five accounts, names long enough to wrap, three figures and the since line: the fullest health page
    ([(f"Northern Lights Customer Success and Revenue Operations Holding International {i}", "Ana Ruiz",
       1_000_000.0 - i, 40.0, "red and falling", "Meet the sponsor, agree the adoption plan and review it every month "
       "with the customer's team", "Book the meeting (due 2026-04-30)") for i in range(5)], 3, LAST),
])
def test_render_pdf_health_page_with_accounts_at_risk_stays_in_the_page_and_filled(rows, figures, last):
    pack = make_health_pack(at_risk=at_risk_frame(rows), figures=figures, last=last)
    page = _pages(render_pdf(pack, fake_images(pack)))[HEALTH_PAGE]
    footer_top = (PAGE_H - BOTTOM) * MM
    content = [o for o in page["objects"] if o["top"] < footer_top]
    # 80% of the printable height: 0.8 x 182 = 145.6 mm below the top margin
    reach = max(o["bottom"] for o in content) / MM - TOP
    assert reach >= 0.8 * PRINTABLE_H, reach
    # inside the printable box: 15 mm sides, 14 mm top, content ending above the footer's band (210 - 14 mm)
    for o in content:
        assert o["x0"] >= SIDE * MM - 0.5 and o["x1"] <= (PAGE_W - SIDE) * MM + 0.5, o.get("text")
        assert o["top"] >= TOP * MM - 0.5 and o["bottom"] <= footer_top + 0.5, o.get("text")
    # every row's customer shown (the long names wrap within their cell, their first words on the page)
    flat = _flat(page)
    for name, *_ in rows:
        assert name.split()[0] in flat
    assert flat.count("red and falling") == sum(r[4] == "red and falling" for r in rows)
    # the figures side by side, same top, 3:2, never overlapping the text under them
    images = sorted(page["images"], key=lambda im: im["x0"])
    assert len(images) == figures and len({round(im["top"], 1) for im in images}) == 1
    assert all(a["x1"] <= b["x0"] for a, b in zip(images, images[1:]))
    assert all(math.isclose((im["x1"] - im["x0"]) / (im["bottom"] - im["top"]), 1.5, rel_tol=0.01) for im in images)
    below = [c for c in page["chars"] if c["top"] > images[0]["top"] and c["bottom"] < footer_top]
    assert max(im["bottom"] for im in images) <= min(c["top"] for c in below)
