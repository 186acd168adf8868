"""The pack as one self-contained HTML file: interactive figures, plotly.js inline, no Chromium needed."""

from __future__ import annotations

import html

from cs_metrics.report.pack import Pack
from cs_metrics.report.readings import cover_lines, definitions, figure_row, reading, since_line, table_head
from cs_metrics.report.texts import METHODS, SECTION_TITLES
from cs_metrics.tiles import Tile

_CSS = """
body{font-family:'Source Sans Pro',Helvetica,Arial,sans-serif;margin:0 auto;max-width:1080px;padding:24px;color:#222}
h1{margin-bottom:0}h2{border-bottom:2px solid #0072B2;padding-bottom:4px;margin-top:40px}
table{border-collapse:collapse;width:100%;font-size:14px;margin:8px 0}th,td{border-bottom:1px solid #ddd;
padding:6px;text-align:left;vertical-align:top}th{background:#f4f6f8}.reading{font-weight:600}.muted{color:#666}
.summary{background:#f4f6f8;border-left:4px solid #0072B2;padding:8px 16px}dt{font-weight:600;margin-top:8px}
"""


def render_html(pack: Pack) -> bytes:
    """The pack as one self-contained HTML file (interactive figures, plotly.js inline)."""
    e = html.escape
    lang = pack.language
    head = table_head(pack)

    def table(tiles: list[Tile]) -> str:
        rows = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in figure_row(t, lang)) + "</tr>" for t in tiles)
        return "<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + f"</tr>{rows}</table>"

    parts = [
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>",
        f"<title>{e(pack.company)} · {e(pack.t('subtitle'))}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(pack.company)}</h1><p class='muted'>{e(pack.t('title'))} · {e(pack.t('subtitle'))}</p><ul>",
        "".join(f"<li>{e(n)}: {e(v)}</li>" for n, v in cover_lines(pack)),
        f"</ul><h2>{e(pack.t('changed'))}</h2><div class='summary'>",
        "".join(f"<p>{e(s)}</p>" for s in pack.summary.sentences),
        f"</div><h2>{e(pack.t('context'))}</h2>{table(pack.section_tiles('customers'))}",
    ]
    first_figure = True
    for area in pack.sections:
        first, second = reading(pack, area)
        parts.append(f"<section id='{area}'><h2>{e(SECTION_TITLES[lang][area])}</h2>")
        parts.append(f"<p class='reading'>{e(first)}</p>" + (f"<p>{e(second)}</p>" if second else ""))
        parts.append(table(pack.section_tiles(area)))
        fig = pack.figures.get(area)
        if fig is not None:
            parts.append(fig.to_html(full_html=False, include_plotlyjs=first_figure, div_id=f"figure-{area}",
                                     config={"displaylogo": False, "responsive": True}))
            first_figure = False
        if pack.last:
            parts.append(f"<p class='muted'>{e(since_line(pack, area))}</p>")
        parts.append("</section>")
    parts.append(f"<h2>{e(pack.t('appendix'))}</h2><dl>")
    parts.append("".join(f"<dt>{e(n)}</dt><dd>{e(t)}</dd>" for n, t in definitions(pack)))
    parts.append("</dl>" + "".join(f"<p class='muted'>{e(t)}</p>" for t in METHODS[lang]) + "</body></html>")
    return "".join(parts).encode("utf-8")
