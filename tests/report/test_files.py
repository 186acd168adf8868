"""A pack's files by format: formats checked, HTML without a Chromium, progress to the end."""

from __future__ import annotations

import pytest

from cs_metrics.errors import DataError
from cs_metrics.report import images, render_files
from tests.conftest import skip_or_fail
from tests.report.conftest import make_pack


def test_unknown_format_says_which_to_use(pack):
    with pytest.raises(DataError, match=r"Unknown format\(s\) \['docx'\]"):
        render_files(pack, formats=("html", "docx"))


def test_without_chromium_pdf_is_refused_with_install_advice_and_html_still_works(pack, monkeypatch):
    monkeypatch.setattr(images, "chromium_path", lambda: None)
    with pytest.raises(images.ChromiumMissing, match="apt-get install chromium"):
        render_files(pack)
    steps = []
    files = render_files(pack, formats=("html",), progress=lambda share, what: steps.append((share, what)))
    assert set(files) == {"html"}
    assert steps == [(0.95, "HTML"), (1.0, "done")]


def test_every_file_with_its_figures():
    if images.chromium_path() is None:
        skip_or_fail("no Chromium to draw the figures (apt-get install chromium)", "OUTSIDE_IN_REQUIRE_BROWSER")
    steps = []
    try:
        files = render_files(make_pack(), progress=lambda share, what: steps.append((share, what)))
    finally:
        images.stop_figure_server()
    assert files["pdf"].startswith(b"%PDF") and files["pptx"][:2] == b"PK" and files["html"].startswith(b"<!DOCTYPE")
    # Six figures (two per section, conftest) take the first 80%, then each file in turn.
    assert [what for _, what in steps] == ["figure: nps 1/2", "figure: nps 2/2", "figure: retention 1/2",
                                            "figure: retention 2/2", "figure: maturity 1/2", "figure: maturity 2/2",
                                            "PDF", "PPTX", "HTML", "done"]
    # Figure i of 6 starts at 0.8 x i / 6: 0, 0.1333, 0.2667, 0.4, 0.5333, 0.6667.
    assert [round(share, 4) for share, _ in steps[:6]] == [0.0, 0.1333, 0.2667, 0.4, 0.5333, 0.6667]
