"""Board pack from the database: numbers equal to the API, PDF and PPTX contents, frozen snapshots
(saved by editors and admins, recorded in the audit trail), the command line.

The pack is built once per module on a small demo company (300 customers) and its files are drawn
once, with one kaleido server for every figure."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from dataclasses import replace

import pytest
from sqlalchemy import text

from cs_metrics import report
from cs_metrics import summary as sm
from cs_metrics.access import LOCAL, Actor, Refused
from cs_metrics.errors import DataError
from cs_metrics.i18n import using
from cs_metrics.period import Period
from cs_metrics.report import images
from cs_metrics.services import boardpack, overview
from cs_metrics.services.renewal_tiles import renewals_definition
from cs_metrics.storage import db, demo
from cs_metrics.storage.queries import access as qa
from cs_metrics.storage.queries import boardpack as qb
from cs_metrics.tiles import tile_numbers
from tests.conftest import ROOT, skip_or_fail

PERIOD = Period(dt.date(2025, 11, 1), dt.date(2026, 10, 31))
AS_OF = dt.date(2026, 10, 31)
GENERATED = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
VERA = Actor("vera@example.com", "Vera Viewer", "viewer")
EDITH = Actor("edith@example.com", "Edith Editor", "editor")


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    path = tmp_path_factory.mktemp("pack") / "small.db"
    eng = db.make_engine(f"sqlite:///{path}")
    db.upgrade(eng)
    demo.load_demo(eng, customers=300, seed=99, as_of=AS_OF)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def pack(engine):
    return boardpack.build_pack(engine, period=PERIOD, as_of=AS_OF, company="Acme S.p.A.", generated_at=GENERATED)


@pytest.fixture(scope="module")
def files(pack):
    if images.chromium_path() is None:
        skip_or_fail("no Chromium to draw the figures (apt-get install chromium)", "OUTSIDE_IN_REQUIRE_BROWSER")
    yield report.render_files(pack)  # one kaleido server draws every figure of the module
    report.stop_figure_server()


def _pdf_text(data: bytes) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def _pptx_frames(data: bytes) -> list[list[str]]:
    from pptx import Presentation

    prs = Presentation(io.BytesIO(data))
    return [[shape.text_frame.text for shape in slide.shapes if shape.has_text_frame] for slide in prs.slides]


def test_pack_numbers_equal_the_overview_api(engine, pack):
    # The same call the Overview makes, for the same filters and periods.
    tiles = overview.overview_tiles(engine, period=PERIOD, as_of=AS_OF, previous=PERIOD.previous(),
                                    areas=(*report.SECTIONS, "customers"))
    assert pack.numbers["tiles"] == tile_numbers(tiles)
    assert pack.sections == report.SECTIONS  # the demo has data for every section
    # And against the area API directly: NPS from the raw answers of the period, counted here
    # (detractors 0-6, passives 7-8, promoters 9-10; scores outside 0-10 are not answers).
    from cs_metrics import nps

    with engine.connect() as conn:
        scores = conn.execute(text("SELECT score FROM nps_response WHERE responded_on >= :s AND responded_on < :e "
                                   "AND score BETWEEN 0 AND 10"), {"s": PERIOD.start, "e": PERIOD.end}).scalars().all()
    counts = (sum(s <= 6 for s in scores), sum(7 <= s <= 8 for s in scores), sum(s >= 9 for s in scores))
    assert pack.numbers["tiles"]["nps"]["value"] == nps.nps_interval(*counts).nps
    assert pack.numbers["tiles"]["nps"]["n"] == sum(counts)


def test_pack_stores_the_periods_first_and_last_day(pack):
    # As a person picked them: 1 Nov 2025 to 31 Oct 2026, both included; the previous period of
    # equal length (365 days) is 1 Nov 2024 to 31 Oct 2025 (2025 has 365 days).
    assert pack.numbers["period"] == ["2025-11-01", "2026-10-31"]
    assert pack.numbers["compare"] == ["2024-11-01", "2025-10-31"]


def test_each_section_has_the_figures_its_pages_draw(engine, pack):
    from cs_metrics.services import figures
    from cs_metrics.services import nps as nps_data

    # The NPS section is the NPS page's trend (same builder, same data), then NPS by segment: the
    # NPS page's breakdown, one bar per segment of the demo company.
    same = figures.nps_trend_figure(engine, period=PERIOD, previous=PERIOD.previous(), title="NPS")
    assert pack.figures["nps"][0].to_json() == same.to_json()
    segments = nps_data.breakdown(engine, period=PERIOD, by="segment")
    # Segments with fewer than 30 answers (MIN_NPS_RESPONSES) are not drawn: e.g. "(not recorded)".
    drawn = int((segments["n"] >= 30).sum())
    assert len(pack.figures["nps"]) == 2 and len(pack.figures["nps"][1].data[0].y) == drawn
    # Health: the Overview's band bars (traces named by band); onboarding: one Kaplan-Meier curve
    # plus its band, with the 30-day target line; churn: the trend of its figures first, then the
    # reasons' bars and cumulative line; each of these sections then (or first) has the trend of
    # its figures (one line per tile of the first tile's unit).
    assert {t.name for t in pack.figures["health"][0].data} <= {"Red", "Yellow", "Green"}
    assert pack.figures["onboarding"][0].layout.shapes[0].x0 == 30
    assert [t.name for t in pack.figures["retention"][1].data] == ["Customers", "Cumulative share"]
    assert [t.name for t in pack.figures["maturity"][0].data] == ["Previous round", "Latest round"]
    for area in ("health", "onboarding"):
        trend = figures.area_trend_figure(pack.section_tiles(area), title=f"{report.SECTION_TITLES['en'][area]}: trend")
        assert pack.figures[area][1].to_json() == trend.to_json()
    assert all(1 <= len(figs) <= 3 for figs in pack.figures.values())


def test_pdf_has_a_page_per_section_and_the_headline_numbers(pack, files):
    pages, content = _pdf_text(files["pdf"])
    # Cover, contents, summary, one page per section, appendix.
    assert pages == 3 + len(pack.sections) + 1
    by_key = {t.key: t for t in pack.tiles}
    for key in ("nps", "logo_churn", "grr", "nrr", "ttfv", "health_green", "arr", "customers"):
        shown = report.pdf_text(sm.value_text(by_key[key], by_key[key].value))
        assert shown in content, f"{key} {shown!r} missing from the PDF"
    assert "Acme S.p.A." in content and "Appendix: definitions and methods" in content
    assert "Data up to 2026-10-31" in content  # the cover's name and value columns
    assert report.pdf_text(pack.summary.sentences[0])[:40] in content.replace("\n", " ")


def test_pptx_has_one_slide_per_section_with_the_same_numbers(pack, files):
    slides = _pptx_frames(files["pptx"])
    # Cover, contents, summary, one slide per chosen section, appendix.
    assert len(slides) == 3 + len(pack.sections) + 1
    for area, frames in zip(pack.sections, slides[3:-1]):
        joined = "\n".join(frames)
        assert report.SECTION_TITLES["en"][area] in joined
        for tile in pack.section_tiles(area):
            if tile.has_value:
                assert sm.value_text(tile, tile.value) in joined, tile.key


def test_pdf_pages_and_slides_agree_and_every_slide_has_notes(pack, files):
    """The deck's slides are the PDF's pages, title for title, and every slide has speaker notes;
    a section's notes define each of its figures, and the summary's define every figure."""
    from pptx import Presentation
    from pypdf import PdfReader

    titles = report.page_titles(pack)
    pdf = PdfReader(io.BytesIO(files["pdf"]))
    deck = Presentation(io.BytesIO(files["pptx"]))
    assert len(pdf.pages) == len(deck.slides) == len(titles)
    for n, (page, slide, title) in enumerate(zip(pdf.pages, deck.slides, titles, strict=True), start=1):
        assert report.pdf_text(title) in page.extract_text()
        assert next(sh for sh in slide.shapes if sh.name == "Title").text_frame.text == title
        # Page number and period on every page and slide (period label: 01 Nov 2025 - 31 Oct 2026).
        assert f"Page {n} of {len(titles)}" in page.extract_text()
        assert "01 Nov 2025 - 31 Oct 2026" in page.extract_text()
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()
    definitions = dict(report.definitions(pack))
    for area, slide in zip(pack.sections, list(deck.slides)[3:-1], strict=True):
        notes = slide.notes_slide.notes_text_frame.text
        for tile in pack.section_tiles(area):
            assert definitions[sm.label(tile, "en")] in notes, (area, tile.key)
    summary_notes = deck.slides[2].notes_slide.notes_text_frame.text
    assert all(definitions[sm.label(t, "en")] in summary_notes for t in report.summary_tiles(pack))


def test_html_is_self_contained(pack, files):
    page = files["html"].decode("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script src=\"http" not in page and "cdn.plot.ly" not in page.split("</head>")[0]
    assert page.count('id="figure-') == sum(len(figs) for figs in pack.figures.values())
    assert sm.value_text(pack.tiles[0], pack.tiles[0].value) in page


def test_frozen_pack_redownloads_byte_identical_and_next_pack_shows_changes(engine, pack, files):
    pack_id = boardpack.save(engine, pack, files, actor=replace(LOCAL, name="Chair"))
    for kind in report.FORMATS:
        assert boardpack.pack_file(engine, pack_id, kind) == files[kind]
    listed = boardpack.saved_packs(engine)
    assert listed["id"].tolist()[0] == pack_id and listed["created_by"].iloc[0] == "Chair"
    # The stored period is its first and last day, both included, as picked.
    assert (str(listed["period_start"].iloc[0])[:10], str(listed["period_end"].iloc[0])[:10]) == ("2025-11-01", "2026-10-31")
    with engine.connect() as conn:
        stored = json.loads(conn.execute(text("SELECT numbers FROM board_pack WHERE id = :i"), {"i": pack_id}).scalar_one())
    assert stored["tiles"]["nps"] == pack.numbers["tiles"]["nps"]
    # New answers arrive: ten promoters in the period, so the next pack's NPS differs.
    with engine.begin() as conn:
        for i in range(10):
            conn.execute(text("INSERT INTO nps_response (responded_on, score, language, touchpoint) "
                              "VALUES (:d, 10, 'en', 'relationship')"), {"d": dt.date(2026, 10, 20)})
    later = boardpack.build_pack(engine, period=PERIOD, as_of=AS_OF, sections=("nps",), figures=False)
    assert later.last is not None and later.last["id"] == pack_id
    # The saved pack reads back with the period it was saved for.
    assert later.last_saved() == "saved 2026-11-02 09:30 UTC, period 01 Nov 2025 – 31 Oct 2026"
    lines = later.since_last("nps")
    before, after = pack.section_tiles("nps")[0], later.section_tiles("nps")[0]
    assert lines == [f"NPS: {sm.value_text(before, before.value)} → {sm.value_text(after, after.value)}"]
    assert "Since the last pack" in report.render_html(later).decode()
    # The first pack's stored bytes did not change.
    assert boardpack.pack_file(engine, pack_id, "pdf") == files["pdf"]


def test_saving_without_html_writes_nothing(engine, pack):
    before = len(boardpack.saved_packs(engine))
    with pytest.raises(boardpack.PackError, match="HTML"):
        boardpack.save(engine, pack, {"pdf": b"%PDF"}, actor=LOCAL)
    assert len(boardpack.saved_packs(engine)) == before


def _last_event(engine) -> tuple:
    row = qa.audit_events(engine, actions=("boardpack.save",)).iloc[0]
    return tuple(row[["actor", "actor_role", "action", "outcome", "records", "summary"]])


def test_a_viewer_may_not_save_a_pack_and_the_refusal_is_recorded(engine, pack):
    before = len(boardpack.saved_packs(engine))
    with pytest.raises(Refused, match="Only an editor or an admin may save a board pack; you are signed in as a "
                                      "viewer"):
        boardpack.save(engine, pack, {"html": b"<html></html>"}, actor=VERA)
    assert len(boardpack.saved_packs(engine)) == before
    actor, role, action, outcome, records, summary = _last_event(engine)
    # The pack fixture: PERIOD 1 Nov 2025 - 31 Oct 2026, English; not saved, so no number.
    assert (actor, role, action, outcome, records) == (
        "vera@example.com", "viewer", "boardpack.save", "refused", "board pack (01 Nov 2025 – 31 Oct 2026, en)")
    assert summary.startswith("Only an editor or an admin may save a board pack")


def test_an_editor_saves_a_pack_as_themselves_and_the_audit_trail_names_it(engine, pack):
    pack_id = boardpack.save(engine, pack, {"html": b"<html>pack</html>"}, actor=EDITH)
    listed = boardpack.saved_packs(engine).set_index("id")
    assert listed.loc[pack_id, "created_by"] == "edith@example.com"
    # The pack fixture holds every section (report.SECTIONS, in order) for PERIOD, in English.
    assert _last_event(engine) == (
        "edith@example.com", "editor", "boardpack.save", "done",
        f"board pack #{pack_id} (01 Nov 2025 – 31 Oct 2026, en)",
        "sections nps, health, onboarding, retention, renewals, maturity, meetings")


def test_italian_pack_speaks_italian(engine):
    pack = boardpack.build_pack(engine, period=PERIOD, as_of=AS_OF, sections=("nps", "retention"), language="it",
                                figures=False)
    page = report.render_html(pack).decode()
    assert "Che cosa è cambiato" in page and "Appendice: definizioni e metodi" in page
    assert "Churn e retention" in page
    first, _ = report.reading(pack, "nps")
    assert first.startswith("NPS: ") and "nel periodo di confronto" in first  # report.po's reading


def test_unknown_language_or_section_says_what_to_use(engine):
    with pytest.raises(DataError, match="use one of"):
        boardpack.build_pack(engine, period=PERIOD, language="fr", figures=False)
    with pytest.raises(DataError, match="Unknown section"):
        boardpack.build_pack(engine, period=PERIOD, sections=("weather",), figures=False)


def test_freshness_names_the_latest_activity_and_the_demo(engine):
    # The demo's activity runs up to its reference date, 2026-10-31 (load_demo(as_of=AS_OF) above).
    assert boardpack.freshness(engine).startswith("2026-10-31 (demo, generated ")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--start", "2026-13-01", "--end", "2026-12-31"], "is not a date"),
        (["--start", "2026-06-01", "--end", "2026-01-31"], "before --start"),
        (["--start", "2026-01-01", "--end", "2026-03-31", "--sections", "nps", "weather"], "unknown section"),
        (["--start", "2026-01-01", "--end", "2026-03-31", "--compare-start", "2025-01-01"], "both --compare-start"),
        (["--end", "2026-03-31"], "required"),
    ],
)
def test_cli_bad_arguments_exit_2_with_a_message(args, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        boardpack.main([*args, "--out", str(tmp_path / "out"), "--database-url", "sqlite://"])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_unusable_database_exits_2(tmp_path, capsys):
    code = boardpack.main(["--database-url", "mysql://x@y/z", "--start", "2026-01-01", "--end", "2026-03-31",
                           "--out", str(tmp_path / "out")])
    assert code == 2 and "SQLite" in capsys.readouterr().err


def test_cli_runs_as_a_module_and_says_the_days_are_included():
    done = subprocess.run([sys.executable, "-m", "cs_metrics.services.boardpack", "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    help_text = " ".join(done.stdout.split())
    assert "first day of the period, included" in help_text and "last day of the period, included" in help_text
    assert "both included" in help_text


def test_cli_writes_the_three_files(engine, files, tmp_path):
    url = str(engine.url)
    out = tmp_path / "pack"
    code = boardpack.main(["--database-url", url, "--start", "2026-05-01", "--end", "2026-10-31", "--out", str(out),
                           "--sections", "nps,retention", "--language", "it", "--company", "Acme"])
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["board-pack.html", "board-pack.pdf", "board-pack.pptx"]
    pages, content = _pdf_text((out / "board-pack.pdf").read_bytes())
    # Cover, contents, summary, the two sections, appendix: in the PDF and in the deck.
    assert pages == 3 + 2 + 1 and "Churn e retention" in content and "Pagina 6 di 6" in content
    assert len(_pptx_frames((out / "board-pack.pptx").read_bytes())) == 3 + 2 + 1
    # --end is the last day, included: the cover's period ends on 31 October, as typed.
    assert "01 mag 2026 – 31 ott 2026" in (out / "board-pack.html").read_text(encoding="utf-8")


def test_frozen_pack_round_trip_on_postgresql(pack, files, pg_url):
    engine = db.make_engine(pg_url)
    db.upgrade(engine)
    pack_id = boardpack.save(engine, pack, files, actor=LOCAL)
    for kind in report.FORMATS:
        assert boardpack.pack_file(engine, pack_id, kind) == files[kind]  # bytea comes back byte for byte
    assert qb.last_pack(engine, filters=pack.filters)["numbers"]["tiles"] == pack.numbers["tiles"]
    engine.dispose()


def test_the_health_section_lists_the_health_pages_largest_accounts_at_risk(engine, pack):
    from cs_metrics.services import health

    # The Health page's at-risk list for the health tile's month against the comparison period's month,
    # cut to the five largest ARR: the same customers, in the same order, with the same totals.
    extra = pack.section_tiles("health")[0].extra
    page = health.at_risk(engine, month=extra["month"], previous=extra["previous_month"], drop=10.0, limit=5)
    assert pack.at_risk["customer_id"].tolist() == page["customer_id"].tolist()
    assert 1 <= len(pack.at_risk) <= 5 and pack.at_risk.attrs["n"] == page.attrs["n"]
    assert list(pack.at_risk["arr"]) == sorted(pack.at_risk["arr"], reverse=True)
    # Without the health section, none is listed.
    other = boardpack.build_pack(engine, period=PERIOD, as_of=AS_OF, sections=["nps"], figures=False)
    assert other.at_risk is None


def test_the_retention_trend_carries_the_peer_medians_of_the_companys_band(pack):
    from cs_metrics import peers

    # The band of the pack's own ARR per paying customer (ARR tile: value / n), as services.peers finds it.
    arr = next(t for t in pack.tiles if t.key == "arr")
    band = peers.load().band_for(arr.value / arr.n)
    trend = pack.figures["retention"][0]
    assert [s.y0 for s in trend.layout.shapes] == [band.nrr, band.grr]
    assert all("SaaS Capital 2023" in a.text for a in trend.layout.annotations)


def test_the_accounts_at_risk_carry_their_owners_plan(engine, pack):
    from cs_metrics.services import plans

    # A plan written for the largest account at risk shows in the next pack's list; the others have none.
    first = int(pack.at_risk["customer_id"].iloc[0])
    plans.save_plan(engine, plans.PlanEdit(first, "Renewal call with the CFO", "Send the offer",
                                           dt.date(2026, 11, 20)), actor=LOCAL, today=dt.date(2026, 11, 2))
    again = boardpack.build_pack(engine, period=PERIOD, as_of=AS_OF, figures=False)
    assert again.at_risk["account_plan"].tolist()[0] == "Renewal call with the CFO"
    assert again.at_risk["next_step_due"].tolist()[0] == "Send the offer (due 2026-11-20)"
    assert all(p == "" for p in again.at_risk["account_plan"].tolist()[1:])


def test_the_renewals_section_has_its_figure_and_title_in_both_languages(engine, pack):
    from cs_metrics import renewals
    from cs_metrics.services import renewals as renewal_data

    # After retention, titled from tiles.AREAS in English; its table is the renewals tile's row.
    assert pack.sections.index("renewals") == pack.sections.index("retention") + 1
    assert report.page_titles(pack)[3 + pack.sections.index("renewals")] == "Renewals ahead"
    tile = pack.section_tiles("renewals")[0]
    assert tile.key == "renewals_90" and report.figure_row(tile, "en")[0] == "ARR up for renewal (90 days)"
    # Two figures: the ARR up for renewal by band (stacked bars) and the tile's trend.
    bars, trend = pack.figures["renewals"]
    assert bars.layout.title.text == "Renewals ahead: ARR up for renewal by health band"
    assert [t.name for t in bars.data] == ["Red", "Yellow", "Green", "No score"]
    assert list(bars.data[0].x) == ["30 days", "90 days", "180 days"]
    # Each bar's height is the Churn & retention page's "ARR up for renewal" for that horizon
    # (services.renewals.expected), and the 90-day bar is the tile's value.
    totals = [sum(float(t.y[i]) for t in bars.data) for i in range(3)]
    page = [renewal_data.expected(engine, as_of=AS_OF, days=d).arr for d in renewals.HORIZONS]
    assert totals == pytest.approx(page) and totals[1] == pytest.approx(tile.value)
    assert totals[0] <= totals[1] <= totals[2] and totals[0] > 0  # nested horizons, each holding ARR
    # The red segment of the 90-day bar: the red row of the page's "ARR at stake by health band".
    due = renewals.due_within(renewal_data.renewals_ahead(engine, as_of=AS_OF), days=90)
    by_band = renewals.arr_by_band(due).set_index("band")["arr"]
    assert float(bars.data[0].y[1]) == pytest.approx(by_band["red"])
    assert trend.data[0].name == "ARR up for renewal (90 days)"
    # In Italian: the title, the figure's words and the definition.
    it = boardpack.build_pack(engine, period=PERIOD, as_of=AS_OF, sections=["renewals"], language="it",
                              generated_at=GENERATED)
    assert it.sections == ("renewals",) and report.page_titles(it)[3] == "Rinnovi in arrivo"
    bars_it = it.figures["renewals"][0]
    assert bars_it.layout.title.text == "Rinnovi in arrivo: ARR in rinnovo per fascia di salute"
    # The bands as the glossary names them ("fascia rossa, gialla, verde"): report.po.
    assert [t.name for t in bars_it.data] == ["Rossa", "Gialla", "Verde", "Senza punteggio"]
    assert list(bars_it.data[0].x) == ["30 giorni", "90 giorni", "180 giorni"]
    assert report.figure_row(it.section_tiles("renewals")[0], "it")[0] == "ARR in rinnovo (90 giorni)"
    # The tile was built in Italian, so its definition is the catalog's (tiles.po, the renewals definition).
    with using("it"):
        italian = renewals_definition()
    assert dict(report.definitions(it))["ARR in rinnovo (90 giorni)"] == italian
    assert italian.startswith("ARR dei clienti")
