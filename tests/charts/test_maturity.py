"""Figures of the Maturity page (``cs_metrics.charts.maturity``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cs_metrics import maturity as mt
from cs_metrics.charts import maturity as mc
from tests.maturity.data import answers


def test_heatmap_hides_small_groups_and_marks_low_consensus():
    data = pd.concat([answers([1.0, 2.0, 3.0, 4.0], team="Sales"), answers([2.0, 2.0], team="Legal")])
    fig = mc.heatmap(mt.aggregate(data), dimension_labels={"culture": "Culture"})
    heat = fig.data[0]
    # Sales: median (2 + 3) / 2 = 2.5; q1 = 1 + 0.75 = 1.75, q3 = 3 + 0.25 = 3.25, IQR 1.5 -> "◆"
    assert list(heat.y) == ["Legal", "Sales"]
    assert heat.text[1][0] == "2.5 ◆" and heat.z[1][0] == 2.5
    assert heat.text[0][0] == "hidden (n=2)" and heat.z[0][0] is None


def test_profile_radar_draws_current_target_and_previous():
    inst = mt.load_instrument()
    prof = pd.DataFrame({"dimension": list(mt.DIMENSIONS), "median": [2.0, 2.5, 3.0, 1.5],
                         "target": [3.0] * 4, "previous": [np.nan] * 4})
    fig = mc.profile_radar(prof, dimension_labels={d: inst.dimension_label(d) for d in mt.DIMENSIONS},
                           stage_labels=inst.stage_labels())
    assert [t.name for t in fig.data] == ["Target", "Current (median)"]  # no previous round: no outline
    assert list(fig.data[1].r) == [2.0, 2.5, 3.0, 1.5, 2.0]  # closed outline
