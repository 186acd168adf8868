"""The ARR bridge on the Churn & retention page (AppTest on the demo company): the waterfall, the
reconciliation caption and the table show the values of ``services.churn.arr_bridge`` for the
page's period and filter, and agree with the GRR and NRR tiles; without monthly revenue the
section is not drawn."""

from __future__ import annotations

import base64
import datetime as dt
import json
import sqlite3

import numpy as np
import pytest

from cs_metrics import bridge
from cs_metrics.formatting import fmt_value
from cs_metrics.period import DEFAULT_PRESET, preset_period
from cs_metrics.selection import CustomerFilter
from cs_metrics.services import churn as churn_service
from cs_metrics.services import data, vocabulary
from cs_metrics.storage import db

PAGE = "pages/churn.py"
MINUS = "\u2212"


def _values(array) -> list:
    """A Plotly array from a figure spec: a plain list, or Plotly's base64 typed-array encoding."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def _expected(url: str, flt: CustomerFilter) -> tuple[bridge.ArrBridge, str]:
    """The bridge the services give for the page's default period (the sidebar's preset up to the
    reference date: today, or the latest activity when the data ends earlier) and the currency."""
    engine = db.make_engine(url)
    try:
        latest = data.data_extent(engine)["latest"]
        as_of = min(dt.date.today(), latest) if latest else dt.date.today()
        period = preset_period(DEFAULT_PRESET, as_of)
        return churn_service.arr_bridge(engine, period=period, flt=flt), vocabulary.currency(engine)
    finally:
        engine.dispose()


def _bridge_chart(at) -> dict | None:
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    titled = (c for c in charts if c["layout"].get("title", {}).get("text", "").startswith("ARR from"))
    return next(titled, None)


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _check_shown(at, b: bridge.ArrBridge, currency: str) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert "ARR bridge" in [h.value for h in at.header]
    chart = _bridge_chart(at)
    assert chart is not None
    assert chart["layout"]["title"]["text"] == f"ARR from {b.start_month:%b %Y} to {b.end_month:%b %Y}"
    (trace,) = chart["data"]
    assert trace["type"] == "waterfall"
    assert trace["measure"] == ["absolute", "relative", "relative", "relative", "relative", "total"]
    # The bars are the services' parts: starting, +new, +expansion, -contraction, -churn, ending.
    assert _values(trace["y"]) == pytest.approx(
        [b.starting, b.new, b.expansion, -b.contraction, -b.churned, b.ending], rel=1e-12)
    # The caption writes GRR and NRR out from the parts, and they are the tiles' values.
    money = {k: fmt_value(getattr(b, k), "currency", currency=currency)
             for k in ("starting", "expansion", "contraction", "churned")}
    grr, nrr = fmt_value(b.grr, "share"), fmt_value(b.nrr, "share")
    assert grr == _metric(at, "Gross revenue retention") and nrr == _metric(at, "Net revenue retention")
    captions = " ".join(c.value for c in at.caption)
    assert (f"GRR = (start - contraction - churn) / start = ({money['starting']} - {money['contraction']} - "
            f"{money['churned']}) / {money['starting']} = {grr}.") in captions
    assert (f"NRR = (start + expansion - contraction - churn) / start = ({money['starting']} + "
            f"{money['expansion']} - {money['contraction']} - {money['churned']}) / "
            f"{money['starting']} = {nrr}.") in captions
    # The table: one row per step, ARR in the company's currency, the customers behind each step.
    table = next(d.value for d in at.dataframe if "Step" in d.value.columns)
    assert table["Step"].tolist() == list(bridge.STEPS)
    fmt = {k: fmt_value(getattr(b, k), "currency", currency=currency)
           for k in ("starting", "new", "expansion", "contraction", "churned", "ending")}
    assert table["ARR"].tolist() == [fmt["starting"], f"+{fmt['new']}", f"+{fmt['expansion']}",
                                     f"{MINUS}{fmt['contraction']}", f"{MINUS}{fmt['churned']}",
                                     fmt["ending"]]
    assert table["Customers"].tolist() == [b.n_start, b.n_new, b.n_expanded, b.n_contracted, b.n_churned,
                                           b.n_ending]


def test_churn_page_bridge_shows_the_services_values(app_on_demo, demo_db_url):
    at = app_on_demo(PAGE)
    b, currency = _expected(demo_db_url, CustomerFilter())
    # The demo company has revenue going into the period and new customers during it.
    assert b.n_start > 0 and b.n_new > 0
    _check_shown(at, b, currency)

    # Filtered to one segment: that segment's smaller bridge, still equal to the services' values.
    at.session_state["filter_segments"] = ["Enterprise"]
    at.run()
    part, _ = _expected(demo_db_url, CustomerFilter(segments=("Enterprise",)))
    assert 0 < part.starting < b.starting
    _check_shown(at, part, currency)


def test_churn_page_without_monthly_revenue_draws_no_bridge(app_on_demo, demo_db_url):
    conn = sqlite3.connect(demo_db_url.removeprefix("sqlite:///"))
    with conn:
        conn.execute("DELETE FROM revenue_month")
    conn.close()
    at = app_on_demo(PAGE)
    assert not at.exception, [e.value for e in at.exception]
    assert "ARR bridge" not in [h.value for h in at.header]
    assert _bridge_chart(at) is None
    assert not any("GRR = (start" in c.value for c in at.caption)
    # The page itself still says what is missing.
    assert any("no monthly revenue imported" in i.value for i in at.info)
