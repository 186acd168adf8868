"""The pack as one self-contained HTML file: the same pages as the PDF and the deck, as sections of
one document, with interactive figures (plotly.js inline once), sparklines as inline SVG, a contents
list with anchors and print CSS that starts each page on a new sheet. No Chromium needed.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence

from cs_metrics import i18n
from cs_metrics import summary as sm
from cs_metrics.i18n import formats
from cs_metrics.report.pack import Pack, in_pack_language
from cs_metrics.report.pptx import sparkline_points
from cs_metrics.report.readings import (
    at_risk_table,
    cover_lines,
    definitions,
    figure_row,
    interval_text,
    left_out_text,
    meaning,
    page_titles,
    reading,
    since_line,
    summary_tiles,
    table_head,
    verdict,
)
from cs_metrics.report.texts import METHODS, period_label
from cs_metrics.tiles import Tile

#: Size of a summary card's sparkline (SVG user units = CSS pixels).
SPARK_WIDTH, SPARK_HEIGHT = 120, 32
#: Height of a section's figures in the browser.
FIGURE_HEIGHT = "440px"

_CSS = """
:root{--ink:#222222;--muted:#6E6E6E;--accent:#0072B2;--rule:#BBBBBB}
body{font-family:Helvetica,Arial,sans-serif;margin:0 auto;max-width:1200px;padding:24px;color:var(--ink)}
.page{position:relative;padding:8px 0 16px;border-bottom:1px solid var(--rule);margin-bottom:32px}
.page-head{display:flex;justify-content:space-between;align-items:flex-start;gap:16px}
.logo{max-height:40px;max-width:160px}
h1.page-title{font-size:40px;margin:48px 0 4px}h2.page-title{font-size:26px;margin:0 0 12px}
.subtitle{color:var(--accent);font-size:20px;margin:0 0 16px;border-bottom:1px solid var(--accent);padding-bottom:8px}
.muted{color:var(--muted)}.meaning{font-weight:700;font-size:17px;margin:4px 0}.reading p{margin:2px 0}
table{border-collapse:collapse;width:100%;font-size:14px;margin:8px 0}
th,td{border-bottom:1px solid var(--rule);padding:5px 6px;text-align:left;vertical-align:top}
th{color:var(--muted);font-weight:700}
.cover th{width:220px}
.toc ol{list-style:none;padding:0;font-size:18px;max-width:640px}
.toc li{display:flex;justify-content:space-between;border-bottom:1px dotted var(--rule);padding:6px 0}
.toc a{color:var(--ink);text-decoration:none}.toc .num{color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:10px}
.card{border:1px solid var(--rule);padding:8px 10px;break-inside:avoid}
.card .label{font-weight:700}.card .value{font-size:24px;font-weight:700}
.card .small{font-size:12px;color:var(--muted)}.card .change{font-size:13px}
.card svg{float:right;margin-top:4px}
.changed{border-left:3px solid var(--accent);padding:4px 12px;margin-top:14px}
.changed h3{color:var(--accent);margin:4px 0}
.at-risk-title{font-size:15px;margin:14px 0 0}table.at-risk{font-size:13px;margin:4px 0}
table.at-risk td:nth-child(3),table.at-risk td:nth-child(4),table.at-risk th:nth-child(3),
table.at-risk th:nth-child(4){text-align:right}.caption{font-size:12px;margin:0}
.figures{display:flex;gap:8px}.figures>.figure{flex:1 1 0;min-width:0}
.columns{columns:2;column-gap:32px;font-size:12px}.columns dt{font-weight:700;margin-top:6px}
.columns dd{margin:0 0 4px}.columns p{margin:0 0 8px;break-inside:avoid}
footer{display:flex;justify-content:space-between;color:var(--muted);font-size:12px;border-top:1px solid var(--rule);
margin-top:16px;padding-top:4px}
@page{size:A4 landscape;margin:12mm}
@media print{body{max-width:none;padding:0}.page{break-after:page;page-break-after:always;border:0;margin:0}
.page:last-of-type{break-after:auto;page-break-after:auto}.card,.changed,table{break-inside:avoid}}
"""


def sparkline_svg(series: Sequence[tuple[object, float | None]], *, width: int = SPARK_WIDTH,
                  height: int = SPARK_HEIGHT) -> str:
    """A sparkline as an inline SVG polyline ("" when fewer than two points have a value).

    Example
    -------
    >>> import datetime as dt
    >>> sparkline_svg([(dt.date(2026, 1, 31), 1.0), (dt.date(2026, 3, 31), 3.0)], width=100, height=20)
    '<svg class="spark" width="100" height="20" viewBox="0 0 100 20" role="img" aria-hidden="true"><polyline \
points="1.0,19.0 99.0,1.0" fill="none" stroke="#0072B2" stroke-width="1.5"/></svg>'
    """
    points = sparkline_points(series)
    if not points:
        return ""
    pad = 1.0  # keep the stroke inside the box
    coords = " ".join(f"{pad + x * (width - 2 * pad):.1f},{pad + (1 - y) * (height - 2 * pad):.1f}" for x, y in points)
    return (f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-hidden="true"><polyline points="{coords}" fill="none" stroke="#0072B2" stroke-width="1.5"/></svg>')


def _image_type(data: bytes) -> str:
    return "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"


@in_pack_language
def render_html(pack: Pack) -> bytes:
    """The pack as one self-contained HTML file: one section per ``readings.page_titles(pack)``
    entry, in order, each with its title as heading and a footer; figures are interactive
    (plotly.js written once, with the first figure)."""
    e = html.escape
    lang = pack.language
    t = pack.t
    titles = page_titles(pack)
    total = len(titles)
    footer_left = f"{e(pack.company)} · {e(period_label(pack.period, lang))}"
    logo = ""
    if pack.logo:
        logo = (f"<img class='logo' alt='' src='data:{_image_type(pack.logo)};base64,"
                f"{base64.b64encode(pack.logo).decode('ascii')}'>")

    def page(i: int, body: str) -> str:
        """Page ``i`` (from 0): its title as heading, its body, its footer."""
        tag = "h1" if i == 0 else "h2"
        return (f"<section class='page' id='page-{i + 1}'><div class='page-head'>"
                f"<{tag} class='page-title'>{e(titles[i])}</{tag}>{logo}</div>{body}"
                f"<footer><span>{footer_left}</span><span class='page-number'>{e(t('page'))} {i + 1} "
                f"{e(t('of'))} {total}</span></footer></section>")

    def table(rows: list[Sequence[str]], head: Sequence[str] | None = None, cls: str = "") -> str:
        out = [f"<table class='{cls}'>" if cls else "<table>"]
        if head:
            out.append("<tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr>")
        out += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows]
        return "".join(out) + "</table>"

    pages: list[str] = []
    # cover
    cover = "".join(f"<tr><th>{e(n)}</th><td>{e(v)}</td></tr>" for n, v in cover_lines(pack))
    head = table_head(pack)
    context = table([figure_row(tile, lang) for tile in pack.section_tiles("customers")], head)
    pages.append(page(0, f"<p class='subtitle'>{e(t('title'))} · {e(t('subtitle'))}</p>"
                         f"<table class='cover'>{cover}</table><h3>{e(t('context'))}</h3>{context}"))
    # contents
    items = "".join(f"<li><a href='#page-{i}'>{e(title)}</a><span class='num'>{i}</span></li>"
                    for i, title in enumerate(titles, start=1))
    left_out = f"<p class='muted'>{e(t('left_out'))}: {e(left_out_text(pack))}</p>" if pack.left_out else ""
    pages.append(page(1, f"<nav class='toc'><ol>{items}</ol></nav>{left_out}"))
    # summary
    cards = "".join(_card(tile, lang) for tile in summary_tiles(pack))
    changed = "".join(f"<p>{e(s)}</p>" for s in pack.summary.sentences)
    pages.append(page(2, f"<div class='cards'>{cards}</div><div class='changed'><h3>{e(t('changed'))}</h3>"
                         f"{changed}</div>"))
    # sections
    first_figure = True
    for s, area in enumerate(pack.sections):
        first, second = reading(pack, area)
        body = [f"<p class='meaning'>{e(t('meaning'))}: {e(meaning(pack, area))}</p>",
                f"<div class='reading'><p>{e(first)}</p>" + (f"<p>{e(second)}</p>" if second else "") + "</div>"]
        figures = pack.figures.get(area, [])
        if figures:
            body.append("<div class='figures'>")
            for j, fig in enumerate(figures, start=1):
                body.append("<div class='figure'>" + fig.to_html(
                    full_html=False, include_plotlyjs=first_figure, div_id=f"figure-{area}-{j}",
                    default_width="100%", default_height=FIGURE_HEIGHT,
                    config={"displaylogo": False, "responsive": True}) + "</div>")
                first_figure = False
            body.append("</div>")
        body.append(table([figure_row(tile, lang) for tile in pack.section_tiles(area)], head))
        since = since_line(pack, area)
        if since:
            body.append(f"<p class='muted since'>{e(since)}</p>")
        if area == "health":
            risk_head, risk_rows, caption = at_risk_table(pack)
            if risk_rows:
                body.append(f"<h3 class='at-risk-title'>{e(t('at_risk'))}</h3>"
                            + table(risk_rows, risk_head, "at-risk") + f"<p class='muted caption'>{e(caption)}</p>")
        pages.append(page(3 + s, "".join(body)))
    # appendix
    defs = "".join(f"<dt>{e(n)}</dt><dd>{e(d)}</dd>" for n, d in definitions(pack))
    methods = "".join(f"<p>{e(m)}</p>" for m in METHODS[lang])
    pages.append(page(total - 1, f"<div class='columns'><dl>{defs}</dl>{methods}</div>"))

    document = (f"<!DOCTYPE html><html lang='{e(lang)}'><head><meta charset='utf-8'>"
                f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
                f"<title>{e(pack.company)} · {e(t('subtitle'))}</title><style>{_CSS}</style></head><body>"
                + "".join(pages) + "</body></html>")
    return document.encode("utf-8")


def _card(tile: Tile, language: str) -> str:
    """A summary card: label, value, interval, n, change with its verdict, sparkline."""
    e = html.escape
    interval = interval_text(tile, language)
    with i18n.using(language):
        n = formats.decimal(tile.n)
    return (f"<div class='card'>{sparkline_svg(tile.series)}<div class='label'>{e(sm.label(tile, language))}</div>"
            f"<div class='value'>{e(sm.value_text(tile, tile.value, language))}</div>"
            + (f"<div class='small'>{e(interval)}</div>" if interval else "")
            + f"<div class='small'>n = {e(n)}</div>"
            f"<div class='change'>{e(sm.change_text(tile, language))} · {e(verdict(tile, language))}</div></div>")
