"""Board pack: PDF and PPTX contents, frozen snapshots, numbers equal to the API, command line.

The pack is built once per module on a small demo company (300 customers) and its files are drawn
once, with one kaleido server for every figure."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from sqlalchemy import text

from cs_metrics import boardpack, overview
from cs_metrics import summary as sm
from cs_metrics.errors import DataError
from cs_metrics.period import Period
from cs_metrics.storage import db, demo
from cs_metrics.storage.queries import boardpack as qb
from tests.conftest import skip_or_fail

PERIOD = Period(dt.date(2025, 11, 1), dt.date(2026, 10, 31))
AS_OF = dt.date(2026, 10, 31)
GENERATED = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


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
    if boardpack.chromium_path() is None:
        skip_or_fail("no Chromium to draw the figures (apt-get install chromium)", "OUTSIDE_IN_REQUIRE_BROWSER")
    yield boardpack.render_files(pack)  # one kaleido server draws every figure of the module
    boardpack.stop_figure_server()


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
                                    areas=(*boardpack.SECTIONS, "customers"))
    assert pack.numbers["tiles"] == overview.tile_numbers(tiles)
    assert pack.sections == boardpack.SECTIONS  # the demo has data for every section
    # And against the area API directly: NPS from the raw counts of the period.
    from cs_metrics import nps
    from cs_metrics.storage import queries as q

    counts = q.nps_class_counts(engine, start=PERIOD.start, end=PERIOD.end)
    assert pack.numbers["tiles"]["nps"]["value"] == nps.nps_interval(*counts).nps
    assert pack.numbers["tiles"]["nps"]["n"] == sum(counts)


def test_pdf_has_a_page_per_section_and_the_headline_numbers(pack, files):
    pages, content = _pdf_text(files["pdf"])
    # Cover + one page per section + one appendix page.
    assert pages == 1 + len(pack.sections) + 1
    by_key = {t.key: t for t in pack.tiles}
    for key in ("nps", "logo_churn", "grr", "nrr", "ttfv", "health_green", "arr", "customers"):
        shown = boardpack.pdf_text(sm.value_text(by_key[key], by_key[key].value))
        assert shown in content, f"{key} {shown!r} missing from the PDF"
    assert "Acme S.p.A." in content and "Appendix: definitions and methods" in content
    assert "Data up to: 2026-10-31" in content
    assert boardpack.pdf_text(pack.summary.sentences[0])[:40] in content.replace("\n", " ")


def test_pptx_has_one_slide_per_section_with_the_same_numbers(pack, files):
    slides = _pptx_frames(files["pptx"])
    # Cover, one slide per chosen section, appendix.
    assert len(slides) == len(pack.sections) + 2
    for area, frames in zip(pack.sections, slides[1:-1]):
        joined = "\n".join(frames)
        assert boardpack.SECTION_TITLES["en"][area] in joined
        for tile in pack.section_tiles(area):
            if tile.has_value:
                assert sm.value_text(tile, tile.value) in joined, tile.key


def test_html_is_self_contained(pack, files):
    page = files["html"].decode("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script src=\"http" not in page and "cdn.plot.ly" not in page.split("</head>")[0]
    assert page.count("figure-") >= len(pack.sections)
    assert sm.value_text(pack.tiles[0], pack.tiles[0].value) in page


def test_frozen_pack_redownloads_byte_identical_and_next_pack_shows_changes(engine, pack, files):
    pack_id = boardpack.save(engine, pack, files, created_by="Chair")
    for kind in boardpack.FORMATS:
        assert qb.pack_file(engine, pack_id, kind) == files[kind]
    listed = qb.saved_packs(engine)
    assert listed["id"].tolist()[0] == pack_id and listed["created_by"].iloc[0] == "Chair"
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
    lines = later.since_last("nps")
    before, after = pack.section_tiles("nps")[0], later.section_tiles("nps")[0]
    assert lines == [f"NPS: {sm.value_text(before, before.value)} → {sm.value_text(after, after.value)}"]
    assert "Since the last pack" in boardpack.render_html(later).decode()
    # The first pack's stored bytes did not change.
    assert qb.pack_file(engine, pack_id, "pdf") == files["pdf"]


def test_saving_without_html_writes_nothing(engine, pack):
    before = len(qb.saved_packs(engine))
    with pytest.raises(qb.PackError, match="HTML"):
        boardpack.save(engine, pack, {"pdf": b"%PDF"})
    assert len(qb.saved_packs(engine)) == before


def test_italian_pack_speaks_italian(engine):
    pack = boardpack.build_pack(engine, period=PERIOD, as_of=AS_OF, sections=("nps", "retention"), language="it",
                                figures=False)
    page = boardpack.render_html(pack).decode()
    assert "Che cosa è cambiato" in page and "Appendice: definizioni e metodi" in page
    assert "Churn e retention" in page
    first, _ = boardpack.reading(pack, "nps")
    assert first.startswith("NPS è ")


def test_without_chromium_pdf_is_refused_with_install_advice_and_html_still_works(pack, monkeypatch):
    monkeypatch.setattr(boardpack, "chromium_path", lambda: None)
    with pytest.raises(boardpack.ChromiumMissing, match="apt-get install chromium"):
        boardpack.render_files(pack)
    assert set(boardpack.render_files(pack, formats=("html",))) == {"html"}


def test_sections_and_comparison_are_validated(engine):
    with pytest.raises(DataError, match="Unknown section"):
        boardpack.check_sections(["nps", "weather"])
    with pytest.raises(DataError, match="at least one"):
        boardpack.check_sections([])
    assert boardpack.check_sections(["meetings", "nps"]) == ("nps", "meetings")  # pack order
    # Same dates a year earlier, by hand: 2025-11-01..2026-10-31 -> 2024-11-01..2025-10-31.
    assert boardpack.comparison_period(PERIOD, "year") == Period(dt.date(2024, 11, 1), dt.date(2025, 10, 31))
    with pytest.raises(DataError):
        boardpack.comparison_period(PERIOD, "decade")


def test_pdf_text_maps_signs_outside_latin1():
    assert boardpack.pdf_text("€1.2M – 3 → 4 ’ …") == "EUR 1.2M - 3 -> 4 ' ..."
    assert boardpack.pdf_text("città ☃") == "città ?"


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


def test_cli_writes_the_three_files(engine, files, tmp_path):
    url = str(engine.url)
    out = tmp_path / "pack"
    code = boardpack.main(["--database-url", url, "--start", "2026-05-01", "--end", "2026-10-31", "--out", str(out),
                           "--sections", "nps,retention", "--language", "it", "--company", "Acme"])
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["board-pack.html", "board-pack.pdf", "board-pack.pptx"]
    pages, content = _pdf_text((out / "board-pack.pdf").read_bytes())
    assert pages == 1 + 2 + 1 and "Churn e retention" in content
    assert len(_pptx_frames((out / "board-pack.pptx").read_bytes())) == 2 + 2


def test_frozen_pack_round_trip_on_postgresql(pack, files, pg_url):
    engine = db.make_engine(pg_url)
    db.upgrade(engine)
    pack_id = boardpack.save(engine, pack, files, created_by="Chair")
    for kind in boardpack.FORMATS:
        assert qb.pack_file(engine, pack_id, kind) == files[kind]  # bytea comes back byte for byte
    assert qb.last_pack(engine, filters=pack.filters)["numbers"]["tiles"] == pack.numbers["tiles"]
    engine.dispose()
