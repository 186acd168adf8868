"""The pack as a 16:9 deck (python-pptx): cover, one slide per section, appendix."""

from __future__ import annotations

import io
from collections.abc import Sequence

from cs_metrics.report.pack import Pack
from cs_metrics.report.readings import cover_lines, definitions, figure_line, reading, since_line
from cs_metrics.report.texts import METHODS, SECTION_TITLES


def render_pptx(pack: Pack, images: dict[str, bytes]) -> bytes:
    """The pack as a 16:9 deck: cover, one slide per section, appendix."""
    from pptx import Presentation
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]
    props = prs.core_properties
    props.title = f"{pack.company} · {pack.t('subtitle')}"
    props.author = pack.company
    stamp = pack.generated_at.replace(tzinfo=None)
    props.created = props.modified = stamp
    props.last_modified_by = "Outside In"
    props.revision = 1

    def box(slide, left, top, width, height, lines: Sequence[str], size: int = 14, bold_first: bool = False):
        shape = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        frame = shape.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE  # shrink long text to its box when opened
        for i, line in enumerate(lines):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            para.text = line
            para.font.size = Pt(size)
            para.font.bold = bool(bold_first and i == 0)
        return shape

    # cover
    slide = prs.slides.add_slide(blank)
    box(slide, 0.6, 0.4, 12, 1.0, [pack.company], size=34, bold_first=True)
    box(slide, 0.6, 1.3, 12, 0.6, [f"{pack.t('title')} · {pack.t('subtitle')}"], size=20)
    box(slide, 0.6, 2.0, 6.0, 2.2, [f"{n}: {v}" for n, v in cover_lines(pack)], size=13)
    box(slide, 0.6, 4.2, 6.0, 2.8, [figure_line(t, pack.language) for t in pack.section_tiles("customers")], size=12)
    box(slide, 6.9, 2.0, 5.9, 5.0, [pack.t("changed"), *pack.summary.sentences], size=13, bold_first=True)

    for area in pack.sections:
        slide = prs.slides.add_slide(blank)
        box(slide, 0.5, 0.3, 12.3, 0.7, [SECTION_TITLES[pack.language][area]], size=28, bold_first=True)
        first, second = reading(pack, area)
        box(slide, 0.5, 1.0, 12.3, 0.9, [first] + ([second] if second else []), size=13, bold_first=True)
        if area in images:
            slide.shapes.add_picture(io.BytesIO(images[area]), Inches(0.5), Inches(2.0), width=Inches(7.6))
        lines = [figure_line(t, pack.language) for t in pack.section_tiles(area)]
        if pack.last:
            lines.append(since_line(pack, area))
        box(slide, 8.3, 2.0, 4.6, 5.2, lines, size=11)

    slide = prs.slides.add_slide(blank)
    box(slide, 0.5, 0.3, 12.3, 0.7, [pack.t("appendix")], size=24, bold_first=True)
    defs = [f"{name}: {text}" for name, text in definitions(pack)]
    half = (len(defs) + 1) // 2
    box(slide, 0.5, 1.1, 6.1, 6.2, defs[:half], size=8)
    box(slide, 6.8, 1.1, 6.1, 6.2, defs[half:] + list(METHODS[pack.language]), size=8)

    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
