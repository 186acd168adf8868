"""The PDF: the pages of ``readings.page_titles`` (cover, contents, summary, one per section,
appendix), the numbers as displayed, and text the core fonts can draw. Drawn without figures
(no Chromium needed); the layout with figures in place is measured in ``test_pdf_layout``."""

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
    # Cover, contents, summary, three sections (NPS, churn and retention, maturity), appendix.
    assert len(reader.pages) == 1 + 1 + 1 + 3 + 1
    flat = content.replace("\n", " ")
    # conftest's tiles: ARR 58,860,000 EUR -> "EUR 58.86M" (€ is outside Latin-1); logo churn 0.124 -> "12.4%";
    # NPS 30 with 25..35 -> "+30 (+25 to +35)" in the NPS table; the period 2026-01-01..2026-03-31.
    for shown in ("Acme S.p.A.", "01 Jan 2026 - 31 Mar 2026", "EUR 58.86M", "12.4%", "+30 (+25 to +35)",
                  "Churn & retention", "Appendix: definitions and methods", "Data up to", "2026-03-31",
                  "Page 7 of 7"):
        assert shown in flat, shown
    assert "Since the last pack" not in flat
    assert reader.metadata.title == "Acme S.p.A. · Board pack"


def test_pdf_says_what_changed_since_the_last_pack_in_italian():
    _, content = _read(render_pdf(make_pack("it", last=LAST), {}))
    flat = content.replace("\n", " ")
    # LAST was saved 2026-03-01 08:00 UTC with NPS 25; the pack's NPS is 30.
    assert "Dall'ultimo report (salvato il 2026-03-01 08:00 UTC" in flat
    assert "NPS: +25 -> +30" in flat and "Appendice: definizioni e metodi" in flat
