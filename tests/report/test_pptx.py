"""The deck: cover, one slide per section, appendix; the numbers as displayed (no figures drawn)."""

from __future__ import annotations

import datetime as dt
import io

from pptx import Presentation

from cs_metrics.report import render_pptx
from tests.report.conftest import LAST, make_pack


def _slides(data: bytes) -> tuple[Presentation, list[str]]:
    prs = Presentation(io.BytesIO(data))
    return prs, ["\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in prs.slides]


def test_deck_has_a_slide_per_section_with_its_figures():
    prs, slides = _slides(render_pptx(make_pack(), {}))
    assert len(slides) == 1 + 3 + 1
    assert "Acme S.p.A." in slides[0] and "Active customers: 1,316; before 1,250; +66" in slides[0]
    assert slides[1].startswith("NPS") and "NPS: +30 (+25 to +35); before +20; +10.0 points" in slides[1]
    assert slides[2].startswith("Churn & retention") and "Logo churn: 12.4%" in slides[2]
    assert "Company-wide: the customer filters do not apply." in slides[3]
    assert slides[4].startswith("Appendix: definitions and methods")
    # 16:9 at 13.333 x 7.5 inches, 914,400 EMU per inch: 13.333 x 914,400 = 12,191,695 (rounded down),
    # 7.5 x 914,400 = 6,858,000. Stamped with the generation time.
    assert (prs.slide_width, prs.slide_height) == (12_191_695, 6_858_000)
    assert prs.core_properties.created == dt.datetime(2026, 4, 2, 9, 30)


def test_deck_says_what_changed_since_the_last_pack():
    _, slides = _slides(render_pptx(make_pack(last=LAST), {}))
    assert "Since the last pack (saved 2026-03-01 08:00 UTC, period 01 Oct 2025 – 31 Dec 2025): NPS: +25 → +30" in slides[1]
