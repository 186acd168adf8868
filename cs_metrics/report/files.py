"""A pack's files by format: the PNG figures drawn once for both the PDF and the deck."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cs_metrics.errors import DataError
from cs_metrics.report.html import render_html
from cs_metrics.report.images import figure_images
from cs_metrics.report.pack import FORMATS, Pack
from cs_metrics.report.pdf import render_pdf
from cs_metrics.report.pptx import render_pptx


def render_files(
    pack: Pack, *, formats: Sequence[str] = FORMATS, progress: Callable[[float, str], None] | None = None
) -> dict[str, bytes]:
    """The pack's files by format (``pdf``, ``pptx``, ``html``).

    Parameters
    ----------
    pack
        The built pack.
    formats
        Which files to write.
    progress
        Called with (share done, what is being drawn), from 0 to 1.

    Raises
    ------
    DataError
        For an unknown format.
    ChromiumMissing
        When the PDF or the deck is asked for and no Chromium can draw their figures.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise DataError(f"Unknown format(s) {unknown}; use {list(FORMATS)}.")
    files: dict[str, bytes] = {}
    images: dict[str, list[bytes]] = {}

    def step(share: float, what: str) -> None:
        if progress:
            progress(min(max(share, 0.0), 1.0), what)

    if "pdf" in formats or "pptx" in formats:
        images = figure_images(pack.figures, progress=lambda s, key: step(0.8 * s, f"figure: {key}"))
    if "pdf" in formats:
        step(0.8, "PDF")
        files["pdf"] = render_pdf(pack, images)
    if "pptx" in formats:
        step(0.9, "PPTX")
        files["pptx"] = render_pptx(pack, images)
    if "html" in formats:
        step(0.95, "HTML")
        files["html"] = render_html(pack)
    step(1.0, "done")
    return files
