"""The HTML pack: one self-contained file, plotly.js inline once, every text escaped."""

from __future__ import annotations

from cs_metrics.report import render_html
from tests.report.conftest import LAST, make_pack


def test_html_is_self_contained_with_one_figure_per_section():
    page = render_html(make_pack()).decode("utf-8")
    assert page.startswith("<!DOCTYPE html><html lang='en'>")
    assert "<script src=\"http" not in page
    for area in ("nps", "retention", "maturity"):
        assert page.count(f"id=\"figure-{area}\"") == 1
    # plotly.js is written once, with the first figure (its licence header opens the bundle).
    assert page.count("plotly.js v") == 1
    assert "+30 (+25 to +35)" in page and "Appendix: definitions and methods" in page


def test_html_escapes_the_company_and_speaks_italian():
    page = render_html(make_pack("it", last=LAST, company="<Acme & Co>")).decode("utf-8")
    assert "<h1>&lt;Acme &amp; Co&gt;</h1>" in page and "<Acme" not in page
    assert page.startswith("<!DOCTYPE html><html lang='it'>")
    assert "Che cosa è cambiato" in page and "Dall&#x27;ultimo documento" in page
