"""The board pack on a database that lacks an entity: the section (or the figures) left out, and the
pack saying so, with the reason, in its PDF, PPTX and HTML, in English and Italian.

Built on a small demo company (300 customers) with one table's rows deleted; the figures are not
drawn (``figures=False``), so no browser is needed to render the three files.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import sqlite3

import pytest

from cs_metrics import report
from cs_metrics.period import Period
from cs_metrics.services import boardpack
from cs_metrics.storage import db, demo

PERIOD = Period(dt.date(2025, 11, 1), dt.date(2026, 10, 31))
AS_OF = dt.date(2026, 10, 31)
GENERATED = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)

#: Entity -> (rows deleted, sections left out, what the pack says is left out, tiles gone).
CASES = {
    "nps_responses": (("DELETE FROM nps_response",), ("nps",), [("NPS", "no NPS answers imported")], ("nps",)),
    "health_signals": (("DELETE FROM health_signal",), ("health",), [("Health", "no health signals imported")],
                       ("health_green", "health_green_arr", "health_red")),
    "milestones": (("DELETE FROM milestone",), ("onboarding",),
                   [("Onboarding", "no first-value milestones imported")], ("ttfv", "ttfv_within_target")),
    # Logo churn stays: the section is kept, its revenue figures are left out.
    "revenue": (("DELETE FROM revenue_month",), (),
                [("Gross and net revenue retention", "no monthly revenue imported")], ("grr", "nrr")),
    "assessments": (("DELETE FROM assessment_answer", "DELETE FROM assessment"), ("maturity",),
                    [("Maturity", "no maturity assessments imported")], ("maturity_culture",)),
    "meetings": (("DELETE FROM decision", "DELETE FROM agenda_item", "DELETE FROM meeting"), ("meetings",),
                 [("Meetings", "no meetings imported")], ("meeting_share",)),
    # The answers stay (anonymous): NPS is the only section left; the cover has no customers.
    "customers": (("UPDATE nps_response SET customer_id = NULL", "UPDATE nps_survey_send SET customer_id = NULL",
                   "DELETE FROM revenue_month", "DELETE FROM milestone", "DELETE FROM health_signal",
                   "DELETE FROM churn_event", "DELETE FROM customer"),
                  ("health", "onboarding", "retention", "renewals"),
                  [("Health", "no health signals imported"), ("Onboarding", "no customers imported"),
                   ("Churn & retention", "no customers imported"), ("Renewals ahead", "no customers imported"),
                   ("Active customers and ARR", "no customers imported")],
                  ("customers", "arr", "logo_churn", "renewals_90")),
    # No section reads churn events alone: nothing is left out.
    "churn_events": (("DELETE FROM churn_event",), (), [], ()),
}


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("pack_missing") / "small.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    demo.load_demo(engine, customers=300, seed=99, as_of=AS_OF)
    engine.dispose()
    return path


@pytest.fixture()
def without(small_demo, tmp_path):
    """An engine on a copy of the small demo after ``statements``."""
    engines = []

    def make(statements):
        copy = tmp_path / "copy.db"
        shutil.copy(small_demo, copy)
        con = sqlite3.connect(copy)
        with con:
            for statement in statements:
                con.execute(statement)
        con.close()
        engines.append(db.make_engine(f"sqlite:///{copy}"))
        return engines[-1]

    yield make
    for engine in engines:
        engine.dispose()


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _pptx_text(data: bytes) -> str:
    from pptx import Presentation

    prs = Presentation(io.BytesIO(data))
    return "\n".join(shape.text_frame.text for slide in prs.slides for shape in slide.shapes if shape.has_text_frame)


def _build(engine, language="en"):
    return boardpack.build_pack(engine, period=PERIOD, as_of=AS_OF, language=language, generated_at=GENERATED,
                                figures=False)


@pytest.mark.parametrize("entity", list(CASES))
def test_pack_leaves_out_what_is_missing_and_says_so(entity, without):
    statements, gone_sections, said, gone_tiles = CASES[entity]
    pack = _build(without(statements))
    assert pack.sections == tuple(s for s in report.SECTIONS if s not in gone_sections)
    assert list(pack.left_out) == said
    keys = {t.key for t in pack.tiles}
    assert not keys & set(gone_tiles)
    if not said:
        assert all(name != "Left out" for name, _ in report.cover_lines(pack))
        return
    line = "Left out: " + "; ".join(f"{name}, {reason}" for name, reason in said)
    assert (("Left out", line.removeprefix("Left out: ")) in report.cover_lines(pack))
    html = report.render_html(pack).decode("utf-8")
    assert line.replace("&", "&amp;") in html
    for name in gone_sections:  # no page of it in the file: its title is no heading
        assert f">{report.SECTION_TITLES['en'][name]}</h2>" not in html
    # The PDF (its cover sets the name and the text in two columns, in its Latin-1 core font) and
    # the deck carry the same line.
    shown = " ".join(_pdf_text(report.render_pdf(pack, {})).split())
    assert "Left out " + report.pdf_text(line.removeprefix("Left out: ")) in shown
    assert line in _pptx_text(report.render_pptx(pack, {}))
    # Nor does the summary name a figure left out.
    assert not [t for t in pack.summary.movements if t.key in gone_tiles]


def test_pack_in_italian_says_what_is_left_out(without):
    pack = _build(without(CASES["health_signals"][0]), language="it")
    assert pack.left_out == (("Health score", "nessun segnale di salute importato"),)
    line = "Esclusi: Health score, nessun segnale di salute importato"
    assert line in report.render_html(pack).decode("utf-8")
    assert line.replace(":", "", 1) in " ".join(_pdf_text(report.render_pdf(pack, {})).split())
    assert line in _pptx_text(report.render_pptx(pack, {}))


def test_a_section_without_data_in_the_period_is_left_out_for_that_reason(without):
    # Meetings exist, but none before 2024: a pack of 2021 leaves the section out, "no data for this period".
    pack = boardpack.build_pack(without(()), period=Period(dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
                                sections=("meetings",), language="en", generated_at=GENERATED, figures=False)
    assert pack.sections == ()
    assert ("Meetings", "no data for this period") in pack.left_out
