"""Retention against peers on the Churn & retention page (AppTest on the demo company): the GRR and
NRR trend with the medians of the company's ACV band as dashed lines, switchable off, a band a
person chooses, and the source named."""

from __future__ import annotations

import datetime as dt
import json

from cs_metrics import peers
from cs_metrics.period import DEFAULT_PRESET, preset_period
from cs_metrics.services import data, overview
from cs_metrics.storage import db

PAGE = "pages/churn.py"


def _peers_chart(at) -> dict:
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return next(c for c in charts if {t.get("name") for t in c["data"]} == {"Gross revenue retention",
                                                                            "Net revenue retention"})


def _company_band(url: str) -> peers.Band:
    """The band of the demo's ARR per paying customer for the page's default period (the ARR tile)."""
    engine = db.make_engine(url)
    try:
        latest = data.data_extent(engine)["latest"]
        period = preset_period(DEFAULT_PRESET, min(dt.date.today(), latest))
        arr = next(t for t in overview.customers_tiles(engine, period=period) if t.key == "arr")
    finally:
        engine.dispose()
    return peers.load().band_for(arr.value / arr.n)


def test_peer_medians_of_the_companys_band_are_drawn_and_can_be_changed_or_hidden(app_on_demo, demo_db_url):
    at = app_on_demo(PAGE)
    assert not at.exception, [e.value for e in at.exception]
    assert "Retention against peers" in [h.value for h in at.header]
    band = _company_band(demo_db_url)
    chart = _peers_chart(at)
    # Two dashed lines: the band's median NRR, then its median GRR (SaaS Capital 2023, Figure 1).
    assert [(s["y0"], s["line"]["dash"]) for s in chart["layout"]["shapes"]] == [(band.nrr, "dash"),
                                                                               (band.grr, "dash")]
    assert any("SaaS Capital, 2023 B2B SaaS Retention Benchmarks" in c.value for c in at.caption)
    # Choosing the top band (over $250k: NRR 110%, GRR 93%) moves the lines.
    at.selectbox(key="churn_peers_band").set_value(len(peers.load().bands) - 1).run()
    assert [s["y0"] for s in _peers_chart(at)["layout"]["shapes"]] == [1.10, 0.93]
    # Switched off: the company's lines only.
    at.toggle(key="churn_peers_show").set_value(False).run()
    assert not _peers_chart(at)["layout"].get("shapes")
