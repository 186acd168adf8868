"""Board pack page: preview numbers equal the API, generate and download, freeze and re-download,
the advice without a Chromium, friendly messages for half-filled choices, and who may save a pack
(viewers build and download; editors and admins also save, which the audit trail records)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from streamlit.testing.v1 import AppTest

from cs_metrics import report
from cs_metrics.formatting import fmt_value
from cs_metrics.period import preset_period
from cs_metrics.report import TEXT, images
from cs_metrics.services import boardpack
from cs_metrics.services.overview import overview_tiles
from cs_metrics.storage import db
from cs_metrics.storage.queries import access as qa
from cs_metrics.tiles import verdict_text
from tests.app.conftest import APP
from tests.conftest import DEMO_AS_OF

PAGE = "pages/board_pack.py"
PERIOD = preset_period("Last 12 months", DEMO_AS_OF)  # the sidebar's default on the demo


def _engine(url: str):
    return db.make_engine(url)


@pytest.fixture(scope="module", autouse=True)
def _stop_figure_server():
    """The page keeps one kaleido server for the process; stop it when these tests are done."""
    yield
    report.stop_figure_server()


@pytest.fixture()
def pack_page(demo_db_url, monkeypatch):
    """A function that opens the app straight on the Board pack page (state set before the first run)."""
    monkeypatch.setenv("DATABASE_URL", demo_db_url)

    def make(**state) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=120)
        for key, value in state.items():
            at.session_state[key] = value
        at.switch_page(PAGE)
        at.run()
        return at

    return make


def test_preview_shows_the_api_numbers_then_generate_save_and_redownload(pack_page, demo_db_url):
    at = pack_page(pack_sections=["nps", "retention"])
    assert not at.exception
    assert at.title[0].value == "Board pack"
    engine = _engine(demo_db_url)
    tiles = {t.key: t for t in overview_tiles(engine, period=PERIOD, as_of=DEMO_AS_OF, areas=("nps",))}
    texts = [t.value for t in at.text]
    assert f"Period: {PERIOD.label()}" in texts
    assert f"Compared with: {PERIOD.previous().label()}" in texts
    nps = tiles["nps"]
    assert f"NPS is {fmt_value(nps.value, 'points')}, against " \
           f"{fmt_value(nps.previous, 'points')} in the comparison period: " \
           f"{verdict_text(nps)}." in texts
    table = at.dataframe[0].value  # the NPS section's key figures
    assert table.iloc[0, 0] == "NPS" and table.iloc[0, 5] == f"{nps.n:,}"
    if images.chromium_path() is None:
        pytest.skip("no Chromium: the PDF cannot be drawn here (apt-get install chromium)")
    at.button(key="pack_generate").click().run()
    assert not at.exception
    assert len(at.get("download_button")) == 3
    pack, files = at.session_state["pack_result"]
    assert pack.numbers["tiles"]["nps"]["value"] == nps.value
    assert files["pdf"].startswith(b"%PDF") and files["pptx"][:2] == b"PK"
    at.text_input(key="pack_saved_by").input("Board secretary")
    at.button(key="pack_save").click().run()
    assert not at.exception
    assert any("Snapshot 1 saved" in s.value for s in at.success)
    listed = boardpack.saved_packs(engine)
    assert listed["created_by"].tolist() == ["Board secretary"]
    # The frozen files come back byte for byte.
    for kind in report.FORMATS:
        assert boardpack.pack_file(engine, int(listed["id"].iloc[0]), kind) == files[kind]
    assert len(at.get("download_button")) == 3 + 3  # this pack's and the saved one's
    engine.dispose()


def test_without_chromium_the_page_says_how_to_install_it_and_offers_html(pack_page, monkeypatch):
    monkeypatch.setattr(images, "chromium_path", lambda: None)
    at = pack_page(pack_sections=["nps"])
    assert any("apt-get install chromium" in w.value for w in at.warning)
    at.button(key="pack_generate").click().run()
    assert not at.exception
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == ["Download HTML"]


def test_half_filled_choices_get_a_message(pack_page):
    at = pack_page(pack_sections=[])
    assert not at.exception
    assert any("at least one section" in i.value for i in at.info)
    at.session_state["pack_sections"] = ["nps"]
    at.session_state["pack_period"] = (dt.date(2026, 1, 1),)
    at.run()
    assert not at.exception
    assert any("both the first and the last day" in i.value for i in at.info)


def _generate_html_only(at: AppTest, monkeypatch) -> AppTest:
    """Generate the pack with the NPS section only, as HTML (no Chromium needed: quick)."""
    monkeypatch.setattr(images, "chromium_path", lambda: None)
    at.session_state["pack_sections"] = ["nps"]
    at.run()
    at.button(key="pack_generate").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_viewer_builds_and_downloads_but_sees_no_save_control(app_as, monkeypatch):
    at = _generate_html_only(app_as("viewer", PAGE), monkeypatch)
    assert [b.proto.label for b in at.get("download_button")] == ["Download HTML"]
    assert not [b for b in at.button if b.key == "pack_save"]
    assert not [t for t in at.text_input if t.key == "pack_saved_by"]
    assert any("Only editors and admins save packs" in c.value for c in at.caption)


def test_an_editor_saves_a_pack_and_the_audit_trail_records_it(app_as, monkeypatch):
    at = _generate_html_only(app_as("editor", PAGE, name="Edith Editor"), monkeypatch)
    assert not [t for t in at.text_input if t.key == "pack_saved_by"]  # a signed-in person is known
    at.button(key="pack_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Snapshot 1 saved" in s.value for s in at.success)
    engine = _engine(app_as.url)
    listed = boardpack.saved_packs(engine)
    audit = qa.audit_events(engine)
    engine.dispose()
    assert listed["created_by"].tolist() == ["editor@example.com"]
    row = audit.iloc[0]
    # The pack's period is the sidebar's default on the demo (PERIOD), in English.
    assert (row["actor"], row["actor_role"], row["action"], row["outcome"], row["records"], row["summary"]) == (
        "editor@example.com", "editor", "boardpack.save", "done", f"board pack #1 ({PERIOD.label()}, en)",
        "sections nps")


def test_company_name_and_logo_go_on_every_page(pack_page):
    import io

    import pdfplumber
    from PIL import Image

    at = pack_page(pack_sections=["nps"])
    # "What this means" leads each section of the preview (report.meaning, tested in tests/report).
    assert any(t.value.startswith("What this means: NPS") for t in at.text)
    if images.chromium_path() is None:
        pytest.skip("no Chromium: the PDF cannot be drawn here (apt-get install chromium)")
    logo = io.BytesIO()
    Image.new("RGB", (120, 40), (0, 114, 178)).save(logo, format="PNG")
    at.text_input(key="pack_company").input("Rossi Logistica")
    at.file_uploader(key="pack_logo").set_value(("logo.png", logo.getvalue(), "image/png")).run()
    at.button(key="pack_generate").click().run()
    assert not at.exception
    pack, files = at.session_state["pack_result"]
    # Cover, contents, summary, the NPS section, appendix: five pages, each with the logo (one image)
    # and the company's name; the NPS page also has its two figures.
    with pdfplumber.open(io.BytesIO(files["pdf"])) as pdf:
        assert [len(page.images) for page in pdf.pages] == [1, 1, 1, 1 + len(pack.figures["nps"]), 1]
        assert all("Rossi Logistica" in page.extract_text() for page in pdf.pages)


def test_a_logo_that_is_not_an_image_is_refused_with_a_message(pack_page):
    at = pack_page(pack_sections=["nps"])
    at.file_uploader(key="pack_logo").set_value(("logo.png", b"not an image at all", "image/png")).run()
    at.button(key="pack_generate").click().run()
    assert not at.exception
    assert "The logo must be a PNG or JPEG image" in at.error[0].value
    assert "pack_result" not in at.session_state


def test_the_page_and_the_command_line_write_the_same_pack(pack_page, demo_db_url, tmp_path):
    import io

    from pypdf import PdfReader

    if images.chromium_path() is None:
        pytest.skip("no Chromium: the PDF cannot be drawn here (apt-get install chromium)")
    # The reader speaks Italian, so the page's pack language starts in Italian (the command line's --language it).
    at = pack_page(language="it", pack_sections=["nps", "retention"], pack_company="Rossi Logistica")
    assert at.session_state["pack_language"] == "it"
    at.button(key="pack_generate").click().run()
    assert not at.exception
    pack, files = at.session_state["pack_result"]
    out = tmp_path / "cli"
    # The same choices on the command line: the sidebar's last 12 months, both days included.
    code = boardpack.main(["--database-url", demo_db_url, "--start", PERIOD.first.isoformat(), "--end",
                           PERIOD.last.isoformat(), "--out", str(out), "--sections", "nps", "retention",
                           "--language", "it", "--company", "Rossi Logistica"])
    assert code == 0

    def lines(data: bytes) -> list[str]:
        # Every line of every page but the generation time, which is when each was built.
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        return [line for line in text.splitlines() if "UTC" not in line]

    page_lines, cli_lines = lines(files["pdf"]), lines((out / "board-pack.pdf").read_bytes())
    assert page_lines == cli_lines
    # The catalog's Italian (cs_metrics/locale/it/report.po and shell.po's section names), and none of the
    # pack's English words where the Italian differs.
    joined = " ".join(page_lines)
    assert "Sintesi: il quadro in una pagina" in page_lines and "Pagina 1 di 6" in joined
    assert "Churn e retention" in page_lines
    english = {TEXT["en"][key] for key in TEXT["en"]} - {TEXT["it"][key] for key in TEXT["it"]}
    # whole words: "Period" is inside the Italian "Periodo"
    assert [word for word in english if len(word) > 4 and re.search(rf"\b{re.escape(word)}\b", joined)] == []
