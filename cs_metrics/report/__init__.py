"""Board-pack rendering, data in: the ``Pack`` and its texts, figures to PNG, the PDF, the deck
and the self-contained HTML file. Nothing here reads the database: ``cs_metrics.services.boardpack``
builds the pack and saves it.

A pack has a cover (company, period, comparison period, generation time, data freshness, "what
changed"), one section per chosen area (key figures with their test verdicts, a figure, a two-line
reading, and what changed since the last saved pack) and an appendix of definitions and methods.
"""

from cs_metrics.report.files import render_files
from cs_metrics.report.html import render_html
from cs_metrics.report.images import (
    FIGURE_SIZE,
    INSTALL_CHROMIUM,
    ChromiumMissing,
    chromium_path,
    figure_images,
    stop_figure_server,
)
from cs_metrics.report.pack import (
    COMPARISONS,
    FILE_NAMES,
    FORMATS,
    MAX_LOGO_BYTES,
    MIME,
    SECTIONS,
    Pack,
    check_logo,
    check_sections,
    comparison_period,
)
from cs_metrics.report.pdf import pdf_text, render_pdf
from cs_metrics.report.pptx import render_pptx
from cs_metrics.report.readings import (
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
from cs_metrics.report.texts import LANGUAGES, SECTION_TITLES, TEXT, period_label

__all__ = [
    "COMPARISONS", "FIGURE_SIZE", "FILE_NAMES", "FORMATS", "INSTALL_CHROMIUM", "LANGUAGES", "MAX_LOGO_BYTES", "MIME",
    "SECTIONS", "check_logo", "interval_text", "meaning", "notes", "page_titles", "summary_tiles",
    "SECTION_TITLES", "TEXT", "ChromiumMissing", "Pack", "check_sections", "chromium_path", "comparison_period",
    "cover_lines", "definitions", "figure_images", "figure_line", "figure_row", "left_out_text", "pdf_text",
    "period_label", "reading", "render_files", "render_html", "render_pdf", "render_pptx", "since_line", "stop_figure_server",
    "table_head", "verdict",
]
