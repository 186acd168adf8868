"""The HTML pack: one self-contained file with the pack's pages as sections, plotly.js inline once,
sparklines as SVG, the health section's accounts at risk, every text from the data escaped."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import math
import re
from html.parser import HTMLParser

import pytest

from cs_metrics import summary as sm
from cs_metrics.report import render_html
from cs_metrics.report.html import sparkline_svg
from cs_metrics.report.readings import page_titles, summary_tiles
from tests.report.conftest import LAST, make_pack
from tests.report.test_pdf_layout import (
    AT_RISK,
    AT_RISK_TITLE,
    HEALTH_PAGE,
    SHOWN,
    at_risk_frame,
    make_health_pack,
)

#: The pages of the conftest pack, from texts.TEXT and texts.SECTION_TITLES (see test_pptx.TITLES).
TITLES = {
    "en": ["Acme S.p.A.", "Contents", "Summary: the posture on one page", "NPS", "Churn & retention", "Maturity",
           "Appendix: definitions and methods"],
    "it": ["Acme S.p.A.", "Indice", "Sintesi: il quadro in una pagina", "NPS", "Churn e retention", "Maturità",
           "Appendice: definizioni e metodi"],
}


class _Pages(HTMLParser):
    """The document's pages: for each <section class='page'>, its heading, its text, its plotly divs,
    its cards (text) and its sparklines."""

    def __init__(self) -> None:
        super().__init__()
        self.pages: list[dict] = []
        self._heading = False
        self._card_depth = 0
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "section" and "page" in classes:
            self.pages.append({"id": a.get("id"), "title": "", "text": "", "plots": 0, "cards": [], "sparks": 0})
        if not self.pages:
            return
        current = self.pages[-1]
        if tag in ("h1", "h2") and "page-title" in classes:
            self._heading = True
        if tag == "div" and "plotly-graph-div" in classes:
            current["plots"] += 1
        if tag == "polyline":
            current["sparks"] += 1
        if tag == "div":
            if "card" in classes:
                current["cards"].append("")
                self._card_depth = 1
            elif self._card_depth:
                self._card_depth += 1

    def handle_endtag(self, tag):
        if tag in ("h1", "h2"):
            self._heading = False
        if tag == "div" and self._card_depth:
            self._card_depth -= 1

    def handle_data(self, data):
        if not self.pages:
            return
        current = self.pages[-1]
        current["text"] += data + "\n"
        if self._heading:
            current["title"] += data
        if self._card_depth:
            current["cards"][-1] += data + "\n"


def _pages(page: str) -> list[dict]:
    parser = _Pages()
    parser.feed(page)
    return parser.pages


@pytest.mark.parametrize("language", ["en", "it"])
def test_render_html_has_every_page_title_as_a_heading_in_order(language):
    pack = make_pack(language)
    page = render_html(pack).decode("utf-8")
    pages = _pages(page)
    assert [p["title"] for p in pages] == page_titles(pack) == TITLES[language]
    assert [p["id"] for p in pages] == [f"page-{i}" for i in range(1, 8)]
    assert page.startswith(f"<!DOCTYPE html><html lang='{language}'>")
    # footer "Page i of 7" (Italian "Pagina i di 7") on every page
    word, of = ("Pagina", "di") if language == "it" else ("Page", "of")
    for i, p in enumerate(pages, start=1):
        assert f"{word} {i} {of} 7" in p["text"]


def test_render_html_contents_link_every_page():
    page = render_html(make_pack()).decode("utf-8")
    for i, title in enumerate(TITLES["en"], start=1):
        assert f"<li><a href='#page-{i}'>{title.replace('&', '&amp;')}</a><span class='num'>{i}</span></li>" in page
    # one page break per page when printed
    assert ".page{break-after:page" in page and "@page{size:A4 landscape" in page


def test_render_html_sections_hold_their_interactive_figures():
    pack = make_pack()
    page = render_html(pack).decode("utf-8")
    pages = _pages(page)
    for s, area in enumerate(pack.sections):
        assert pages[3 + s]["plots"] == len(pack.figures[area]) == 2
        for j in (1, 2):
            assert page.count(f'id="figure-{area}-{j}"') == 1
    assert sum(p["plots"] for p in pages) == 6  # 3 sections x 2 figures, none elsewhere
    # self-contained: plotly.js written once (its licence header opens the bundle), nothing fetched
    assert page.count("plotly.js v") == 1 and '<script src="http' not in page
    # a section without figures has no plotly div
    bare = dataclasses.replace(pack, figures={"nps": pack.figures["nps"]})
    assert [p["plots"] for p in _pages(render_html(bare).decode("utf-8"))][3:6] == [2, 0, 0]


def test_render_html_section_reading_table_and_since_line():
    pages = _pages(render_html(make_pack(last=LAST)).decode("utf-8"))
    nps = pages[3]["text"]
    # conftest NPS tile: 30 (25 to 35), before 20, +10 points, p = 0.012, n = 400
    assert "What this means: NPS really moved (+10.0 points), for the better" in nps
    assert "+30 (+25 to +35)\n+20\n+10.0 points\nstatistically detectable (two-sample z-test, p = 0.012)\n400" in nps
    assert "Since the last pack (saved 2026-03-01 08:00 UTC, period 01 Oct 2025 – 31 Dec 2025): NPS: +25 → +30" in nps
    # appendix: every definition (conftest tiles) and the methods, on one page
    assert "NPS\n% promoters minus % detractors.\n" in pages[-1]["text"] and "ARR\n12 x MRR.\n" in pages[-1]["text"]
    assert "Sampled figures (NPS, time to first value" in pages[-1]["text"]


def test_render_html_summary_cards_carry_value_n_and_sparkline():
    jan, feb, mar = dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)
    pack = make_pack()
    series = {"nps": ((jan, 20.0), (feb, math.nan), (mar, 30.0)), "logo_churn": ((mar, 0.124),)}
    pack.tiles = [dataclasses.replace(t, series=series.get(t.key, ())) for t in pack.tiles]
    summary = _pages(render_html(pack).decode("utf-8"))[2]
    tiles = summary_tiles(pack)
    assert len(summary["cards"]) == len(tiles) == 6
    for card, tile in zip(summary["cards"], tiles):
        assert sm.value_text(tile, tile.value, "en") in card and f"n = {tile.n:,}" in card
    assert summary["cards"][0].split("\n")[:5] == [
        "NPS", "+30", "95% CI +25 to +35", "n = 400", "+10.0 points · statistically detectable (two-sample z-test, "
        "p = 0.012)"]
    assert "n = 1,316" in summary["cards"][4]
    # only NPS has two points with a value: one sparkline
    assert summary["sparks"] == 1
    assert "What changed" in summary["text"]


def test_render_html_summary_cards_in_italian():
    pack = make_pack("it")
    cards = _pages(render_html(pack).decode("utf-8"))[2]["cards"]
    # ARR 58,860,000 as the glossary writes millions (one decimal, decimal comma: "58,9 mln €"); customers
    # n = 1.316 (thousands point); logo churn 0.124 -> 12,4%
    assert cards[5].startswith("ARR\n58,9 mln €") and "n = 1.316" in cards[4]
    assert cards[1].startswith("Churn dei clienti (logo churn)\n12,4%")


def test_sparkline_svg_draws_a_polyline():
    jan, mar = dt.date(2026, 1, 31), dt.date(2026, 3, 31)
    # 100 x 20 box with 1 unit of padding: x 1..99, y 19 (lowest) .. 1 (highest)
    svg = sparkline_svg([(jan, 5.0), (mar, 7.0)], width=100, height=20)
    assert re.search(r'points="1\.0,19\.0 99\.0,1\.0"', svg)
    assert sparkline_svg([(jan, 5.0)]) == "" and sparkline_svg([(jan, None), (mar, math.nan)]) == ""


def test_render_html_escapes_names_from_the_data():
    hostile = "<script>alert(1)</script> & Co"
    pack = make_pack("it", last=LAST, company=hostile)
    pack.tiles = [dataclasses.replace(t, label=hostile) if t.key == "customers" else t for t in pack.tiles]
    page = render_html(pack).decode("utf-8")
    assert "<script>alert" not in page
    assert "<h1 class='page-title'>&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co</h1>" in page
    assert "Che cosa è cambiato" in page and "Dall&#x27;ultimo report" in page


def test_render_html_logo_on_every_page():
    logo = b"\x89PNG\r\n\x1a\nnot really drawn"
    page = render_html(dataclasses.replace(make_pack(), logo=logo)).decode("utf-8")
    # 7 pages, one logo each, as a data URI
    assert page.count("<img class='logo' alt='' src='data:image/png;base64,") == 7
    assert "<img class='logo'" not in render_html(make_pack()).decode("utf-8")


def test_render_html_cover_lists_the_period_and_the_customers_figures():
    cover = _pages(render_html(make_pack()).decode("utf-8"))[0]["text"]
    # conftest.PERIOD and its previous period of equal length; customers 1,316 against 1,250: +66
    assert "Period\n01 Jan 2026 – 31 Mar 2026\nCompared with\n03 Oct 2025 – 31 Dec 2025" in cover
    assert "Active customers\n1,316\n1,250\n+66\n" in cover and "Customer posture · Board pack" in cover


@pytest.mark.parametrize("language", ["en", "it"])
def test_render_html_health_section_shows_the_accounts_at_risk(language):
    page = render_html(make_health_pack(language, at_risk=at_risk_frame())).decode("utf-8")
    head, rows, caption = SHOWN[language]  # test_pdf_layout.SHOWN: the rows and caption worked out by hand
    pages = _pages(page)
    health = pages[HEALTH_PAGE]
    assert health["title"] == ("Health score" if language == "it" else "Health") and health["plots"] == 2
    # a titled <table> with the headings and one row per account, the caption in a <p> after it
    esc = html.escape  # "Owner's plan" is written "Owner&#x27;s plan"
    table = ("<table class='at-risk'><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>"
             + "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows) + "</table>")
    assert (f"<h3 class='at-risk-title'>{AT_RISK_TITLE[language]}</h3>{table}"
            f"<p class='muted caption'>{caption}</p>") in page
    assert ("<td>Globex</td><td>Ana Ruiz</td><td>1,5 mln €</td><td>42</td><td>fascia rossa e in calo</td>"
            if language == "it"
            else "<td>Globex</td><td>Ana Ruiz</td><td>€1.50M</td><td>42</td><td>red and falling</td>") in page
    assert "<td>Renewal call with the CFO</td><td>Send the offer (due 2026-04-15)</td>" in page
    text = health["text"]
    for row in rows:
        assert "\n".join(row) + "\n" in text
    # under the figures and the table of figures (the green share: 62.0% against 58.0%)
    green = "Clienti in buona salute\n62,0%\n58,0%" if language == "it" else "Customers in good health\n62.0%\n58.0%"
    assert text.index(green) < text.index(AT_RISK_TITLE[language]) < text.index(caption)
    assert page.index("id=\"figure-health-2\"") < page.index("<table class='at-risk'>")
    # only in the health section
    assert page.count("<table class='at-risk'>") == 1 and sum("Globex" in p["text"] for p in pages) == 1


@pytest.mark.parametrize("at_risk", [None, at_risk_frame([])], ids=["none", "empty"])
def test_render_html_health_section_without_accounts_at_risk(at_risk):
    page = render_html(make_health_pack(at_risk=at_risk)).decode("utf-8")
    health = _pages(page)[HEALTH_PAGE]
    assert "<table class='at-risk'>" not in page and "class='at-risk-title'" not in page
    assert "accounts at risk" not in health["text"] and "Largest" not in health["text"]
    assert "Customers in good health\n62.0%\n58.0%" in health["text"]


def test_render_html_escapes_the_accounts_at_risk():
    hostile = [("<script>alert(1)</script>", "O'Neil & Co", *AT_RISK[0][2:])]
    page = render_html(make_health_pack(at_risk=at_risk_frame(hostile))).decode("utf-8")
    assert "<script>alert" not in page
    # html.escape: < > & and ' become entities; ARR 1,500,000 -> €1.50M, score 42
    assert ("<tr><td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td>O&#x27;Neil &amp; Co</td><td>€1.50M</td>"
            "<td>42</td><td>red and falling</td><td>Renewal call with the CFO</td>"
            "<td>Send the offer (due 2026-04-15)</td></tr>") in page
    # one account of 1,234: "The 1 largest of 1,234 ..."
    assert "<p class='muted caption'>The 1 largest of 1,234 accounts at risk" in page
