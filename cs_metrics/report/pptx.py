"""The pack as a 16:9 deck (python-pptx): one slide per page of the pack, with speaker notes.

The slides are ``readings.page_titles(pack)``, in order: cover, contents, summary, one per
section, appendix. Every slide carries its title (a text box named ``Title`` whose text is the
title), the logo when the pack has one, a footer (company, period, "Page i of n") and notes for
the presenter: the definitions, the tests behind each change reading and the data's freshness.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from cs_metrics import i18n
from cs_metrics import summary as sm
from cs_metrics.i18n import formats
from cs_metrics.report.pack import Pack, in_pack_language
from cs_metrics.report.readings import (
    at_risk_table,
    cover_lines,
    definitions,
    figure_line,
    figure_row,
    interval_text,
    left_out_text,
    meaning,
    notes,
    page_titles,
    reading,
    since_line,
    summary_tiles,
    table_head,
    verdict,
)
from cs_metrics.report.texts import METHODS, period_label
from cs_metrics.tiles import Tile

#: Slide size in inches (16:9).
SLIDE_WIDTH, SLIDE_HEIGHT = 13.333, 7.5
#: Left and right margin, top of the title, top of the footer's rule (inches).
MARGIN, TOP, FOOTER_TOP = 0.5, 0.3, 6.95
#: Height of the logo (inches); its width follows the image, at most ``LOGO_MAX_WIDTH``.
LOGO_HEIGHT, LOGO_MAX_WIDTH = 0.5, 2.0
#: Gap between figures side by side, and between blocks (inches).
GAP = 0.15
#: House colours: text, muted, accent (Okabe-Ito blue), thin rules.
INK, MUTED, ACCENT, RULE = "222222", "6E6E6E", "0072B2", "BBBBBB"
#: "No Style, Table Grid": thin rules, no fills (PowerPoint's built-in table style id).
TABLE_GRID = "{5940675A-B579-460E-94D1-54222C63F5DA}"
#: Width of each column of a section's table of figures, in table order (inches; 12.33 in all).
TABLE_WIDTHS = (2.6, 2.5, 1.4, 1.6, 3.33, 0.9)
#: Height of one row of a section's table (inches).
ROW_HEIGHT = 0.3
#: The health slide's accounts at risk: width of each column (customer, owner, ARR, score, why;
#: inches, 12.33 in all), height of a row, of the title and of the caption (inches).
RISK_WIDTHS = (2.2, 1.6, 0.9, 0.7, 1.5, 3.2, 2.23)
RISK_ROW_HEIGHT, RISK_TITLE_HEIGHT, RISK_CAPTION_HEIGHT = 0.24, 0.3, 0.3


def sparkline_points(series: Sequence[tuple[object, float | None]]) -> list[tuple[float, float]]:
    """A sparkline's points scaled to the unit square, (x, y) with y up, oldest first.

    Missing values (None, NaN) are skipped; fewer than two points left give no line (``[]``).
    x follows the dates (their ordinal day) when they differ, else the order; a flat series
    sits at y = 0.5.

    Example
    -------
    >>> import datetime as dt
    >>> sparkline_points([(dt.date(2026, 1, 1), 1.0), (dt.date(2026, 1, 3), None), (dt.date(2026, 1, 5), 3.0)])
    [(0.0, 0.0), (1.0, 1.0)]
    """
    kept = [(d, float(v)) for d, v in series if v is not None and not math.isnan(float(v))]
    if len(kept) < 2:
        return []
    try:
        xs = [float(d.toordinal()) for d, _ in kept]  # type: ignore[attr-defined]
    except AttributeError:
        xs = [float(i) for i in range(len(kept))]
    if max(xs) == min(xs):
        xs = [float(i) for i in range(len(kept))]
    ys = [v for _, v in kept]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    return [((x - x0) / (x1 - x0), (y - y0) / (y1 - y0) if y1 > y0 else 0.5) for x, y in zip(xs, ys)]


def summary_grid(count: int) -> tuple[int, int]:
    """(columns, rows) of the summary slide's cards for ``count`` tiles.

    Example
    -------
    >>> summary_grid(6), summary_grid(16)
    ((3, 2), (4, 4))
    """
    cols = 3 if count <= 6 else 4 if count <= 16 else 5
    return cols, max(1, math.ceil(count / cols))


@in_pack_language
def render_pptx(pack: Pack, images: dict[str, list[bytes]]) -> bytes:
    """The pack as a 16:9 deck: one slide per ``readings.page_titles(pack)`` entry, with notes.

    Parameters
    ----------
    pack
        The built pack.
    images
        PNG bytes of each section's figures (``report.FIGURE_SIZE``), in reading order; a section
        without an entry shows no figure.
    """
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
    from pptx.util import Emu, Inches, Pt

    lang = pack.language
    t = pack.t
    titles = page_titles(pack)
    total = len(titles)
    footer = f"{pack.company} · {period_label(pack.period, lang)}"

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_WIDTH), Inches(SLIDE_HEIGHT)
    blank = prs.slide_layouts[6]
    props = prs.core_properties
    props.title = f"{pack.company} · {t('subtitle')}"
    props.author = pack.company
    stamp = pack.generated_at.replace(tzinfo=None)
    props.created = props.modified = stamp
    props.last_modified_by = "Outside In"
    props.revision = 1
    width = SLIDE_WIDTH - 2 * MARGIN

    def rgb(hex_: str) -> RGBColor:
        return RGBColor.from_string(hex_)

    def write(frame, lines: Sequence[str | tuple[str, dict]], size: float, colour: str = INK,
              align=None) -> None:
        """Paragraphs into ``frame``; a line may be (text, {"bold", "size", "colour"}) for its own style."""
        for i, line in enumerate(lines):
            text, style = (line, {}) if isinstance(line, str) else line
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            if align is not None:
                para.alignment = align
            run = para.add_run()
            run.text = text
            run.font.size = Pt(style.get("size", size))
            run.font.bold = style.get("bold", False)
            run.font.color.rgb = rgb(style.get("colour", colour))

    def box(slide, left: float, top: float, w: float, h: float, lines: Sequence[str | tuple[str, dict]],
            size: float = 14, *, colour: str = INK, name: str = "", fit: bool = True, align=None,
            anchor=None):
        shape = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(w), Inches(h))
        if name:
            shape.name = name
        frame = shape.text_frame
        frame.word_wrap = True
        frame.margin_left = frame.margin_right = Inches(0.05)
        # shrink long text to its box when the deck is opened
        frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE if fit else MSO_AUTO_SIZE.NONE
        if anchor is not None:
            frame.vertical_anchor = anchor
        write(frame, lines, size, colour, align)
        return shape

    def rule(slide, left: float, top: float, w: float, colour: str = RULE, weight: float = 0.75):
        line = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, Inches(left), Inches(top), Inches(left + w),
                                          Inches(top))
        line.line.color.rgb = rgb(colour)
        line.line.width = Pt(weight)
        return line

    def new_slide(index: int, *, title_size: float = 26, title_top: float = TOP):
        """A slide with its title, logo, footer; ``index`` counts from 0."""
        slide = prs.slides.add_slide(blank)
        logo_room = LOGO_MAX_WIDTH + GAP if pack.logo else 0.0
        box(slide, MARGIN, title_top, width - logo_room, 0.7, [(titles[index], {"bold": True})], title_size,
            name="Title", anchor=MSO_ANCHOR.TOP)
        if pack.logo:
            pic = slide.shapes.add_picture(io.BytesIO(pack.logo), Inches(0), Inches(TOP), height=Inches(LOGO_HEIGHT))
            if pic.width > Inches(LOGO_MAX_WIDTH):  # a wide logo: keep its shape, cap its width
                pic.height = Emu(int(pic.height * Inches(LOGO_MAX_WIDTH) / pic.width))
                pic.width = Inches(LOGO_MAX_WIDTH)
            pic.left = Inches(SLIDE_WIDTH - MARGIN) - pic.width
            pic.name = "Logo"
        rule(slide, MARGIN, FOOTER_TOP, width)
        box(slide, MARGIN, FOOTER_TOP + 0.05, width * 0.7, 0.35, [footer], 10, colour=MUTED, name="Footer")
        box(slide, MARGIN + width * 0.7, FOOTER_TOP + 0.05, width * 0.3, 0.35,
            [f"{t('page')} {index + 1} {t('of')} {total}"], 10, colour=MUTED, name="Page", align=PP_ALIGN.RIGHT)
        return slide

    def speak(slide, lines: Sequence[str]) -> None:
        slide.notes_slide.notes_text_frame.text = "\n".join(lines)

    def grid(slide, name: str, rows: Sequence[Sequence[str]], top: float, widths: Sequence[float], row_h: float,
             size: float, right: Sequence[int] = ()) -> None:
        """A table of thin rules without fills from ``top``: a muted bold heading row, then ``rows``."""
        shape = slide.shapes.add_table(len(rows), len(widths), Inches(MARGIN), Inches(top), Inches(sum(widths)),
                                       Inches(row_h * len(rows)))
        shape.name = name
        table = shape.table
        table._tbl.tblPr.find("{http://schemas.openxmlformats.org/drawingml/2006/main}tableStyleId").text = TABLE_GRID
        table.horz_banding = False
        for c, col_w in enumerate(widths):
            table.columns[c].width = Inches(col_w)
        for r, row in enumerate(rows):
            table.rows[r].height = Inches(row_h)
            for c, text in enumerate(row):
                cell = table.cell(r, c)
                cell.fill.background()
                cell.margin_top = cell.margin_bottom = Inches(0.02)
                cell.text_frame.word_wrap = True
                write(cell.text_frame, [(text, {"bold": r == 0, "colour": MUTED if r == 0 else INK})], size,
                      align=PP_ALIGN.RIGHT if c in right else None)

    freshness = (f"{t('notes_freshness')}: {pack.freshness}; {t('generated').lower()} "
                 f"{pack.generated_at:%Y-%m-%d %H:%M} UTC.")
    defs = dict(definitions(pack))

    # cover: the company's name big, then what the pack covers
    slide = new_slide(0, title_size=40, title_top=1.3)
    box(slide, MARGIN, 2.1, width, 0.5, [f"{t('title')} · {t('subtitle')}"], 20, colour=ACCENT)
    rule(slide, MARGIN, 2.75, width, ACCENT, 1.0)
    cover = cover_lines(pack)
    box(slide, MARGIN, 2.95, 2.6, 3.8, [(name, {"bold": True}) for name, _ in cover], 14, colour=MUTED)
    box(slide, MARGIN + 2.7, 2.95, 4.6, 3.8, [value for _, value in cover], 14)
    box(slide, MARGIN + 7.6, 2.95, width - 7.6, 3.8,
        [(t("context"), {"bold": True, "colour": MUTED}),
         *(figure_line(tile, lang) for tile in pack.section_tiles("customers"))], 13)
    speak(slide, [f"{name}: {value}" for name, value in cover])

    # contents: every page with its number
    slide = new_slide(1)
    rows = len(titles)
    box(slide, MARGIN + 0.3, 1.3, 8.5, 0.45 * rows, titles, 18, fit=False)
    box(slide, MARGIN + 8.8, 1.3, 0.8, 0.45 * rows, [str(i) for i in range(1, rows + 1)], 18, colour=MUTED,
        fit=False, align=PP_ALIGN.RIGHT)
    if pack.left_out:
        box(slide, MARGIN, 1.4 + 0.45 * rows, width, FOOTER_TOP - 1.5 - 0.45 * rows,
            [f"{t('left_out')}: {left_out_text(pack)}"], 12, colour=MUTED)
    speak(slide, [freshness] + ([f"{t('left_out')}: {left_out_text(pack)}"] if pack.left_out else []))

    # summary: one card per tile, then what changed
    slide = new_slide(2)
    tiles = summary_tiles(pack)
    cols, grid_rows = summary_grid(len(tiles))
    changed = [(t("changed"), {"bold": True, "colour": ACCENT}), *pack.summary.sentences]
    changed_h = min(1.9, 0.35 + 0.3 * len(pack.summary.sentences))
    grid_top, grid_bottom = 1.15, FOOTER_TOP - changed_h - GAP
    card_w = (width - GAP * (cols - 1)) / cols
    card_h = (grid_bottom - grid_top - GAP * (grid_rows - 1)) / grid_rows
    scale = min(1.0, card_h / 1.6)  # type shrinks with the cards
    for k, tile in enumerate(tiles):
        left = MARGIN + (k % cols) * (card_w + GAP)
        top = grid_top + (k // cols) * (card_h + GAP)
        frame_ = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(left), Inches(top), Inches(card_w),
                                        Inches(card_h))
        frame_.fill.background()
        frame_.line.color.rgb = rgb(RULE)
        frame_.line.width = Pt(0.75)
        frame_.shadow.inherit = False
        frame_.name = "Card"
        box(slide, left + 0.05, top + 0.03, card_w - 0.1, card_h - 0.06, _card_lines(tile, lang, scale),
            10 * scale, name="Card text")
        _sparkline(slide, tile.series, left + card_w * 0.6, top + card_h * 0.28, card_w * 0.35, card_h * 0.25,
                   rgb(ACCENT), Inches, Pt)
    box(slide, MARGIN, FOOTER_TOP - changed_h, width, changed_h - 0.05, changed, 11)
    speak(slide, [f"{t('notes_definitions')}:"]
          + [f"- {sm.label(tile, lang)}: {defs.get(sm.label(tile, lang), tile.definition)}" for tile in tiles]
          + [freshness])

    # sections: meaning, reading, figures side by side, table of figures, since the last pack
    head = table_head(pack)
    for s, area in enumerate(pack.sections):
        slide = new_slide(3 + s)
        first, second = reading(pack, area)
        box(slide, MARGIN, 1.0, width, 0.55, [(f"{t('meaning')}: {meaning(pack, area)}", {"bold": True})], 14)
        box(slide, MARGIN, 1.55, width, 0.55, [first] + ([second] if second else []), 12, colour=MUTED)
        area_tiles = pack.section_tiles(area)
        since = since_line(pack, area)
        table_h = ROW_HEIGHT * (len(area_tiles) + 1)
        since_h = 0.4 if since else 0.0
        risk_head, risk_rows, risk_caption = at_risk_table(pack) if area == "health" else ([], [], "")
        risk_h = (GAP + RISK_TITLE_HEIGHT + RISK_ROW_HEIGHT * (len(risk_rows) + 1) + RISK_CAPTION_HEIGHT
                  if risk_rows else 0.0)
        fig_top = 2.15
        fig_bottom = FOOTER_TOP - GAP - since_h - risk_h - table_h - GAP
        pngs = images.get(area, [])
        if pngs:
            k = len(pngs)
            avail_w, avail_h = width, fig_bottom - fig_top
            w = min((avail_w - GAP * (k - 1)) / k, avail_h * 1.5)  # figures are 3:2
            h = w / 1.5
            left0 = MARGIN + (avail_w - (k * w + GAP * (k - 1))) / 2
            for j, png in enumerate(pngs):
                pic = slide.shapes.add_picture(io.BytesIO(png), Inches(left0 + j * (w + GAP)), Inches(fig_top),
                                               Inches(w), Inches(h))
                pic.name = f"Figure {j + 1}"
            table_top = fig_top + h + GAP
        else:
            table_top = fig_top
        rows_ = [head] + [list(figure_row(tile, lang)) for tile in area_tiles]
        grid(slide, "Figures", rows_, table_top, TABLE_WIDTHS, ROW_HEIGHT, 10)
        if risk_rows:  # under the table of figures (and the since line): title, table, caption in small muted type
            risk_top = table_top + table_h + since_h + GAP
            box(slide, MARGIN, risk_top, width, RISK_TITLE_HEIGHT, [(t("at_risk"), {"bold": True})], 12,
                name="At risk title", anchor=MSO_ANCHOR.BOTTOM)
            risk_top += RISK_TITLE_HEIGHT
            grid(slide, "At risk", [risk_head, *risk_rows], risk_top, RISK_WIDTHS, RISK_ROW_HEIGHT, 9, right=(2, 3))
            box(slide, MARGIN, risk_top + RISK_ROW_HEIGHT * (len(risk_rows) + 1), width, RISK_CAPTION_HEIGHT,
                [risk_caption], 9, colour=MUTED, name="At risk caption")
        if since:
            since_top = table_top + table_h if risk_rows else FOOTER_TOP - since_h - 0.02
            box(slide, MARGIN, since_top, width, since_h, [since], 10, colour=MUTED)
        spoken = notes(pack, area)
        if risk_rows:
            spoken += [f"{t('at_risk')}: {risk_caption}", *(", ".join(row) for row in risk_rows)]
        speak(slide, spoken)

    # appendix: definitions and methods in two columns
    slide = new_slide(total - 1)
    col_w = (width - 0.3) / 2
    box(slide, MARGIN, 1.1, col_w, FOOTER_TOP - 1.2,
        [f"{name}: {text}" for name, text in definitions(pack)], 9)
    box(slide, MARGIN + col_w + 0.3, 1.1, col_w, FOOTER_TOP - 1.2, list(METHODS[lang]), 9)
    speak(slide, list(METHODS[lang]))

    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _card_lines(tile: Tile, language: str, scale: float) -> list[tuple[str, dict]]:
    """A summary card's lines: label, value, interval, n, change with the verdict."""
    lines: list[tuple[str, dict]] = [
        (sm.label(tile, language), {"bold": True, "size": 11 * scale}),
        (sm.value_text(tile, tile.value, language), {"bold": True, "size": 20 * scale}),
    ]
    interval = interval_text(tile, language)
    if interval:
        lines.append((interval, {"colour": MUTED, "size": 9 * scale}))
    with i18n.using(language):
        n = formats.decimal(tile.n)
    lines.append((f"n = {n}", {"colour": MUTED, "size": 9 * scale}))
    lines.append((f"{sm.change_text(tile, language)} · {verdict(tile, language)}", {"size": 9 * scale}))
    return lines


def _sparkline(slide, series, left: float, top: float, width: float, height: float, colour, inches, pt):
    """The tile's sparkline as a vector line (a freeform shape) in the given box; None when fewer
    than two points have a value."""
    points = sparkline_points(series)
    if not points:
        return None
    coords = [(int(inches(left + x * width)), int(inches(top + (1 - y) * height))) for x, y in points]
    builder = slide.shapes.build_freeform(coords[0][0], coords[0][1], scale=1.0)
    builder.add_line_segments(coords[1:], close=False)
    shape = builder.convert_to_shape()
    shape.fill.background()
    shape.line.color.rgb = colour
    shape.line.width = pt(1.25)
    shape.shadow.inherit = False
    shape.name = "Sparkline"
    return shape
