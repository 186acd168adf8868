"""The PDF: one page per section between the cover and the appendix, the numbers as displayed, and
text the core fonts can draw. Drawn without figures (no Chromium needed)."""

from __future__ import annotations

import io

from pypdf import PdfReader

from cs_metrics.report import pdf_text, render_pdf
from tests.report.conftest import LAST, make_pack


def _read(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_text_maps_signs_outside_latin1():
    assert pdf_text("€1.2M – 3 → 4 ’ …") == "EUR 1.2M - 3 -> 4 ' ..."
    assert pdf_text("città ☃") == "città ?"


def test_pdf_pages_and_numbers():
    reader, content = _read(render_pdf(make_pack(), {}))
    # Cover + three sections (NPS, churn and retention, maturity) + appendix.
    assert len(reader.pages) == 1 + 3 + 1
    flat = content.replace("\n", " ")
    for shown in ("Acme S.p.A.", "Period: 01 Jan 2026 - 31 Mar 2026", "EUR 58.86M", "12.4%", "+30 (+25 to +35)",
                  "Churn & retention", "Appendix: definitions and methods", "Data up to: 2026-03-31"):
        assert shown in flat, shown
    assert "Since the last pack" not in flat
    assert reader.metadata.title == "Acme S.p.A. · Board pack"


def test_pdf_says_what_changed_since_the_last_pack_in_italian():
    _, content = _read(render_pdf(make_pack("it", last=LAST), {}))
    flat = content.replace("\n", " ")
    assert "Dall'ultimo documento (salvato il 2026-03-01 08:00 UTC" in flat
    assert "NPS: +25 -> +30" in flat and "Appendice: definizioni e metodi" in flat
