"""Figures to PNG: the Chromium kaleido drives, one server for every figure, the size drawn."""

from __future__ import annotations

import struct
import sys

import plotly.graph_objects as go
import pytest

from cs_metrics.report import images
from tests.conftest import skip_or_fail


def test_browser_path_comes_first_when_it_exists(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", sys.executable)
    assert images.chromium_path() == sys.executable
    monkeypatch.setenv("BROWSER_PATH", "/nowhere/chrome")
    assert images.chromium_path() != "/nowhere/chrome"


def test_without_chromium_the_figures_are_refused_with_install_advice(monkeypatch):
    monkeypatch.setattr(images, "chromium_path", lambda: None)
    with pytest.raises(images.ChromiumMissing, match="apt-get install chromium"):
        images.figure_images({"nps": go.Figure()})


def test_figures_become_png_at_twice_the_figure_size():
    if images.chromium_path() is None:
        skip_or_fail("no Chromium to draw the figures (apt-get install chromium)", "OUTSIDE_IN_REQUIRE_BROWSER")
    seen = []
    try:
        out = images.figure_images({"a": [go.Figure(go.Bar(x=[1], y=[1]))], "b": [go.Figure(), go.Figure()]},
                                   progress=lambda share, key: seen.append((share, key)))
    finally:
        images.stop_figure_server()
    # Three figures: progress 0/3, 1/3 and 2/3 of the way, each named by section and position.
    assert seen == [(0.0, "a 1/1"), (1 / 3, "b 1/2"), (2 / 3, "b 2/2")]
    assert [len(v) for v in out.values()] == [1, 2]
    for png in (png for pngs in out.values() for png in pngs):
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        # The IHDR chunk holds width and height (big-endian) at bytes 16-24: FIGURE_SIZE (900 x 600) x 2.
        assert struct.unpack(">II", png[16:24]) == (1800, 1200)
