"""Figures and display tables of the Onboarding page (``cs_metrics.charts.ttfv``), drawn from the
TTFV reference data."""

from __future__ import annotations

from cs_metrics import ttfv
from cs_metrics.charts import ttfv as charts
from tests.ttfv.data import FREIREICH, TINY


def test_survival_figure_draws_curves_bands_marks_and_target_lines():
    curve = ttfv.survival_curve(FREIREICH, by="group")
    fig = charts.survival_figure(curve, marks=ttfv.curve_at(curve, days=(10, 20)),
                                 targets={"6-MP": 20, "placebo": 20, "other": 8})
    lines = [t for t in fig.data if t.mode == "lines" and t.showlegend is not False]
    assert [t.name for t in lines] == ["6-MP", "placebo"]
    assert sum(1 for t in fig.data if t.fill == "tonexty") == 2  # one band per group
    assert sorted(s.x0 for s in fig.layout.shapes) == [8, 20]  # groups sharing a target share a line
    assert [a.text for a in fig.layout.annotations] == ["target 8 d: other", "target 20 d: 6-MP, placebo"]
    many = ttfv.survival_curve(TINY.assign(g=list("abcdeabcde")), by="g")
    assert not any(t.fill == "tonexty" for t in charts.survival_figure(many).data)  # 5 groups: no bands


def test_display_tables_read_well():
    table = charts.summary_table(ttfv.ttfv_summary(FREIREICH, by="group"), group_label="Arm")
    assert table["Arm"].tolist() == ["6-MP", "placebo"]
    assert table["95% CI"].tolist() == ["13–not reached", "4–11"]
    assert table["Within 30 days"].tolist() == ["55.2%", "100.0%"]  # 1 - 0.4481792717 (lifelines, above)
    fig = charts.cohort_trend_figure(ttfv.cohort_trend(FREIREICH.rename(columns={"group": "signing_quarter"})))
    assert "Infinity" not in fig.to_json()  # an open upper limit is drawn, not sent as inf
