"""The ARR bridge waterfall (``charts.churn.arr_bridge_chart``) fed by ``bridge.bridge_steps`` of a
hand-made bridge: measures, values, labels in the company's currency, colours, escaped names."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from cs_metrics import bridge
from cs_metrics.charts import PALETTE
from cs_metrics.charts import churn as cc

# The hand-made bridge of tests/test_bridge.py: starting 5,520, new 720, expansion 600,
# contraction 960, churn 960, ending 5,520 + 720 + 600 - 960 - 960 = 4,920.
HAND = bridge.ArrBridge(
    dt.date(2025, 1, 1), dt.date(2025, 12, 1), starting=5520.0, new=720.0, expansion=600.0, contraction=960.0,
    churned=960.0, ending=4920.0, n_start=5, n_new=1, n_churned=2, grr=300 / 460, nrr=350 / 460, n_expanded=1,
    n_contracted=1, n_ending=4,
)


def test_arr_bridge_chart_measures_and_values():
    fig = cc.arr_bridge_chart(bridge.bridge_steps(HAND), currency="EUR", title="ARR bridge")
    (trace,) = fig.data
    assert isinstance(trace, go.Waterfall)
    # The starting total from zero, four changes, the ending total computed by Plotly.
    assert list(trace.measure) == ["absolute", "relative", "relative", "relative", "relative", "total"]
    assert list(trace.x) == ["Starting ARR", "New customers", "Expansion", "Contraction", "Churn",
                             "Ending ARR"]
    assert list(trace.y) == [5520.0, 720.0, 600.0, -960.0, -960.0, 4920.0]
    # Plotly's total = the absolute plus the relatives: 5,520 + 720 + 600 - 960 - 960 = 4,920, the ending ARR.
    assert sum(trace.y[:5]) == trace.y[5]
    # fmt_value(..., "currency", currency="EUR"): thousands as "k" rounded, signs on the changes
    # (U+2212 minus): 5,520 -> €6k, 720 -> +€720, 600 -> +€600, 960 -> −€960, 4,920 -> €5k.
    assert list(trace.text) == ["€6k", "+€720", "+€600", "\u2212€960", "\u2212€960", "€5k"]
    assert (trace.hovertext[1], trace.hovertext[4]) == ("+€720<br>1 customer", "\u2212€960<br>2 customers")
    assert fig.layout.title.text == "ARR bridge"


def test_arr_bridge_chart_colour_blind_safe_colours_and_currency():
    fig = cc.arr_bridge_chart(bridge.bridge_steps(HAND), currency="USD")
    (trace,) = fig.data
    # Okabe-Ito: totals blue, increases bluish green, decreases vermillion.
    assert trace.totals.marker.color == PALETTE[0] == "#0072B2"
    assert trace.increasing.marker.color == PALETTE[2] == "#009E73"
    assert trace.decreasing.marker.color == PALETTE[3] == "#D55E00"
    assert trace.text[0] == "$6k" and fig.layout.yaxis.title.text == "ARR ($)"
    assert fig.layout.title.text is None


def test_arr_bridge_chart_escapes_step_names():
    steps = pd.DataFrame({"step": ["<b>Start</b>", "R&D", "End"], "amount": [100.0, -40.0, 60.0],
                          "kind": ["total", "decrease", "total"]})
    (trace,) = cc.arr_bridge_chart(steps).data
    assert list(trace.x) == ["&lt;b&gt;Start&lt;/b&gt;", "R&amp;D", "End"]
    assert list(trace.measure) == ["absolute", "relative", "total"]
    # No customers column: the hover shows the amounts only (default currency EUR).
    assert list(trace.hovertext) == ["€100", "\u2212€40", "€60"]
