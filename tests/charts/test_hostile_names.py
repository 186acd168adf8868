"""Names from the company's data never become live markup in a figure (``cs_metrics.charts.chart_text``).

Plotly draws the texts of a figure as a subset of HTML: a team called ``<a href="...">Team</a>``
would be drawn as a link. Every figure builder of ``cs_metrics.charts`` is built twice from the
same frames, once with plain names and once with hostile ones, and the two serialised figures
(``fig.to_json()``) are compared: the hostile one holds no more tags than the plain one (the
builders' own ``<br>``, ``<b>`` and ``<extra>`` are in both), the escaped name is there, and
every number is the same. The builders are found by listing each module of the package, so a
new figure builder without a case here fails ``test_every_figure_builder_has_a_case``.
"""

from __future__ import annotations

import importlib
import inspect
import json
import math
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import cs_metrics.charts
from cs_metrics.charts import chart_text
from cs_metrics.charts import churn as churn_charts
from cs_metrics.charts import health as health_charts
from cs_metrics.charts import maturity as maturity_charts
from cs_metrics.charts import meetings as meetings_charts
from cs_metrics.charts import nps as nps_charts
from cs_metrics.charts import overview as overview_charts
from cs_metrics.charts import ttfv as ttfv_charts
from cs_metrics.maturity import DIMENSIONS, ROLES, STAGE_STEPS

#: Names as an import could bring them, in sorted order (so that builders that sort by name put
#: them in the same places as ``PLAIN``): a link, bold text, a line break, an image, an ampersand.
HOSTILE: tuple[str, ...] = ('<a href="http://x.test/b">Team</a>', "<b>x</b>", "<br>", "<img src=x>", "a & b")
#: Plain names sorting in the same order as ``HOSTILE``.
PLAIN: tuple[str, ...] = ("Ateam", "Bx", "Cbr", "Dimg", "Eab")
#: Tags of ``HOSTILE`` that must never reach a figure unescaped.
MARKERS: tuple[str, ...] = ("<a", "<b>", "<img", "<br>")

Names = tuple[str, ...]


@dataclass(frozen=True)
class Case:
    """A figure builder and how to build it from five names."""

    function: Callable[..., go.Figure]
    build: Callable[[Names], go.Figure]
    id: str


def _bands(names: Names) -> go.Figure:
    return cs_metrics.charts.band_shares_bar(pd.DataFrame({
        "band": list(names), "n": [1, 2, 3, 4, 5], "share": [0.1, 0.2, 0.2, 0.2, 0.3],
        "weight": [10.0, 20.0, 30.0, 40.0, 50.0], "weight_share": [0.05, 0.15, 0.2, 0.25, 0.35]}))


def _pareto_by_reason(names: Names) -> go.Figure:
    # The labels come from the company's own reasons table, keyed r0..r4.
    reasons = pd.DataFrame({"key": [f"r{i}" for i in range(5)], "label": list(names),
                            "category": ["price"] * 5, "controllable": [True, False, None, True, True]})
    pareto = pd.DataFrame({"reason": [f"r{i}" for i in range(5)], "count": [5, 4, 3, 2, 1],
                           "arr_lost": [50.0, 40.0, 30.0, 20.0, 10.0],
                           "cumulative_share": [5 / 15, 9 / 15, 12 / 15, 14 / 15, 1.0]})
    return churn_charts.reason_pareto_chart(pareto, reasons=reasons)


def _pareto_by_category(names: Names) -> go.Figure:
    pareto = pd.DataFrame({"category": list(names), "count": [5, 4, 3, 2, 1],
                           "arr_lost": [50.0, 40.0, 30.0, 20.0, 10.0],
                           "cumulative_share": [5 / 15, 9 / 15, 12 / 15, 14 / 15, 1.0]})
    return churn_charts.reason_pareto_chart(pareto, measure="arr_lost")


def _controllable(names: Names) -> go.Figure:
    return churn_charts.controllable_chart(pd.DataFrame({"group": list(names[:3]), "count": [3, 2, 1],
                                                         "arr_lost": [30.0, 20.0, 10.0]}))


def _reasons_over_time(names: Names) -> go.Figure:
    return churn_charts.reasons_over_time_chart(pd.DataFrame({
        "quarter": ["2025Q1"] * 5 + ["2025Q2"] * 5, "reason": list(names) * 2, "count": [5, 4, 3, 2, 1] * 2}))


def _renewal(names: Names) -> go.Figure:
    return churn_charts.renewal_vs_retention_chart(dict(zip(names, [0.9, 0.8, 0.85, 1.05, 0.7])))


def _band_shares_by(names: Names) -> go.Figure:
    rows = [{"segment": g, "band": b, "share": s, "n": n, "scored": 10}
            for g in names for b, s, n in (("red", 0.2, 2), ("yellow", 0.3, 3), ("green", 0.5, 5))]
    return health_charts.band_shares_by(pd.DataFrame(rows), "segment")


def _waterfall(names: Names) -> go.Figure:
    explanation = pd.DataFrame({"label": list(names), "contribution": [10.0, 12.0, 8.0, 20.0, 15.0],
                                "missing": [False] * 5, "share": [0.2] * 5})
    explanation.attrs.update(score=65.0, band="yellow", thresholds=(50, 75))
    return health_charts.contribution_waterfall(explanation)


def _score_history(names: Names) -> go.Figure:
    return health_charts.score_history(pd.DataFrame({
        "month": pd.date_range("2025-01-01", periods=5, freq="MS"), "score": [40.0, 55.0, 60.0, 80.0, 70.0],
        "band": list(names)}))


def _dimension_labels(names: Names) -> dict[str, str]:
    return dict(zip(DIMENSIONS, names))


def _radar(names: Names) -> go.Figure:
    profile = pd.DataFrame({"dimension": list(DIMENSIONS), "median": [2.0, 2.5, 3.0, 1.5],
                            "target": [3.0] * 4, "previous": [1.5, 2.0, 2.5, 1.0]})
    return maturity_charts.profile_radar(profile, dimension_labels=_dimension_labels(names), stage_labels=names)


def _maturity_heatmap(names: Names) -> go.Figure:
    rows = [{"team": team, "dimension": d, "suppressed": team == names[0], "n": 6, "consensus": True,
             "median": 3.0, "iqr": 0.5, "min": 2.0, "max": 4.0} for team in names for d in DIMENSIONS]
    return maturity_charts.heatmap(pd.DataFrame(rows), dimension_labels=_dimension_labels(names))


def _spread(names: Names) -> go.Figure:
    rows = [{"role": r, "stage": s, "share": 1 / len(STAGE_STEPS), "n": 1} for r in ROLES for s in STAGE_STEPS]
    return maturity_charts.spread_by_role(pd.DataFrame(rows), stage_label=lambda s: names[int(s) - 1])


def _claimed(names: Names) -> go.Figure:
    frame = pd.DataFrame({"dimension": list(DIMENSIONS), "claimed": [3.0, 2.5, 2.0, 4.0],
                          "unevidenced": [3.5, 3.0, 2.0, 4.0], "evidenced": [2.5, 2.0, 2.0, 4.0],
                          "n": [10, 10, 10, 10], "n_unevidenced": [6, 5, 5, 4], "n_evidenced": [4, 5, 5, 6]})
    return maturity_charts.claimed_vs_evidenced(frame, dimension_labels=_dimension_labels(names), stage_labels=names)


def _trend_lines(names: Names) -> go.Figure:
    rows = [{"dimension": d, "round_opened_on": pd.Timestamp(f"2025-0{i + 1}-01"), "round": names[i],
             "q1": 2.0, "median": 2.5, "q3": 3.0, "n": 8} for d in DIMENSIONS for i in range(3)]
    return maturity_charts.trend_lines(pd.DataFrame(rows), dimension_labels=_dimension_labels(names),
                                       stage_labels=names)


def _share_heatmap(names: Names) -> go.Figure:
    rows = [{"department": dept, "meeting_type": mtype, "meetings": n, "time_share": share, "enough": n >= 3}
            for dept, mtype, n, share in ((names[0], names[1], 5, 0.1), (names[2], names[3], 1, 0.2),
                                          (names[4], names[1], 4, math.nan))]
    return meetings_charts.share_heatmap(pd.DataFrame(rows))


def _share_trend(names: Names) -> go.Figure:
    rows = [{"department": g, "quarter": q, "time_share": 0.05 * (i + 1), "enough": i != 1, "meetings": 3 + i}
            for i, g in enumerate(names) for q in (pd.Timestamp("2025-01-01"), pd.Timestamp("2025-04-01"))]
    return meetings_charts.share_trend(pd.DataFrame(rows))


def _decisions(names: Names) -> go.Figure:
    return meetings_charts.decisions_by_group(pd.DataFrame({
        "department": list(names), "favours": [1, 2, 3, 4, 5], "neutral": [2, 2, 2, 2, 2],
        "worsens": [0, 1, 0, 1, 0], "meetings": [4, 1, 5, 6, 7], "enough": [True, False, True, True, True]}))


def _breakdown(names: Names) -> go.Figure:
    return nps_charts.breakdown_chart(pd.DataFrame({
        "segment": list(names), "nps": [10.0, -5.0, 30.0, 0.0, 50.0], "n": [40, 10, 35, 50, 31],
        "low": [0.0, -30.0, 10.0, -10.0, 30.0], "high": [20.0, 20.0, 50.0, 10.0, 70.0],
        "detractors": [10, 4, 6, 15, 3], "passives": [16, 3, 15, 20, 12], "promoters": [14, 3, 14, 15, 16]}),
        by="segment")


def _words(names: Names) -> go.Figure:
    return nps_charts.words_chart(pd.DataFrame({"word": list(names), "z": [3.0, 2.0, -1.5, -2.5, 1.0],
                                                "detractors": [9, 7, 1, 0, 5], "promoters": [1, 2, 6, 9, 3]}))


def _themes(names: Names) -> go.Figure:
    return nps_charts.themes_chart(pd.DataFrame({
        "label": list(names), "z": [2.0, 1.0, 0.0, -1.0, -2.0], "detractors": [8, 6, 4, 2, 1],
        "promoters": [1, 2, 4, 6, 8], "detractor_share": [0.4, 0.3, 0.2, 0.1, 0.05],
        "promoter_share": [0.05, 0.1, 0.2, 0.3, 0.4]}))


def _tiles(names: Names) -> list[SimpleNamespace]:
    series = [(pd.Timestamp("2025-01-31"), 0.5), (pd.Timestamp("2025-02-28"), 0.6)]
    return [SimpleNamespace(label=f"Maturity: {n}", unit="stage", series=series, value=2.5 + i / 2, previous=2.0)
            for i, n in enumerate(names)]


def _area_trend(names: Names) -> go.Figure:
    return overview_charts.area_trend(_tiles(names))


def _maturity_bars(names: Names) -> go.Figure:
    return overview_charts.maturity_bars(_tiles(names))


def _survival(names: Names) -> go.Figure:
    curve = pd.DataFrame([{"group": g, "days": d, "still_onboarding": s, "low": s - 0.1, "high": min(s + 0.1, 1.0),
                           "at_risk": 10 - k} for g in names[:3] for k, (d, s) in enumerate(((0, 1.0), (30, 0.6), (90, 0.2)))])
    marks = curve[curve["days"] == 30][["group", "days", "still_onboarding"]]
    return ttfv_charts.survival_figure(curve, marks=marks, targets={names[3]: 60, names[4]: 60})


def _cohort_trend(names: Names) -> go.Figure:
    return ttfv_charts.cohort_trend_figure(pd.DataFrame({
        "group": list(names), "median": [40.0, 55.0, 30.0, 70.0, math.nan],
        "median_low": [30.0, 40.0, 20.0, 50.0, math.nan], "median_high": [50.0, math.inf, 45.0, 90.0, math.nan],
        "enough": [True, True, False, True, False], "n": [20, 15, 5, 25, 3], "censored": [2, 3, 1, 4, 3]}))


def _early_churn(names: Names) -> go.Figure:
    return ttfv_charts.early_churn_figure(pd.DataFrame({
        "group": list(names[:2]), "n": [40, 10], "share": [0.05, 0.3], "low": [0.01, 0.1], "high": [0.16, 0.6]}))


CASES: tuple[Case, ...] = (
    Case(cs_metrics.charts.band_shares_bar, _bands, "band_shares_bar"),
    Case(churn_charts.reason_pareto_chart, _pareto_by_reason, "churn.reason_pareto_chart-reasons"),
    Case(churn_charts.reason_pareto_chart, _pareto_by_category, "churn.reason_pareto_chart-categories"),
    Case(churn_charts.controllable_chart, _controllable, "churn.controllable_chart"),
    Case(churn_charts.reasons_over_time_chart, _reasons_over_time, "churn.reasons_over_time_chart"),
    Case(churn_charts.renewal_vs_retention_chart, _renewal, "churn.renewal_vs_retention_chart"),
    Case(health_charts.band_shares_by, _band_shares_by, "health.band_shares_by"),
    Case(health_charts.contribution_waterfall, _waterfall, "health.contribution_waterfall"),
    Case(health_charts.score_history, _score_history, "health.score_history"),
    Case(maturity_charts.profile_radar, _radar, "maturity.profile_radar"),
    Case(maturity_charts.heatmap, _maturity_heatmap, "maturity.heatmap"),
    Case(maturity_charts.spread_by_role, _spread, "maturity.spread_by_role"),
    Case(maturity_charts.claimed_vs_evidenced, _claimed, "maturity.claimed_vs_evidenced"),
    Case(maturity_charts.trend_lines, _trend_lines, "maturity.trend_lines"),
    Case(meetings_charts.share_heatmap, _share_heatmap, "meetings.share_heatmap"),
    Case(meetings_charts.share_trend, _share_trend, "meetings.share_trend"),
    Case(meetings_charts.decisions_by_group, _decisions, "meetings.decisions_by_group"),
    Case(nps_charts.breakdown_chart, _breakdown, "nps.breakdown_chart"),
    Case(nps_charts.words_chart, _words, "nps.words_chart"),
    Case(nps_charts.themes_chart, _themes, "nps.themes_chart"),
    Case(overview_charts.area_trend, _area_trend, "overview.area_trend"),
    Case(overview_charts.maturity_bars, _maturity_bars, "overview.maturity_bars"),
    Case(ttfv_charts.survival_figure, _survival, "ttfv.survival_figure"),
    Case(ttfv_charts.cohort_trend_figure, _cohort_trend, "ttfv.cohort_trend_figure"),
    Case(ttfv_charts.early_churn_figure, _early_churn, "ttfv.early_churn_figure"),
)

#: Figure builders that draw no name from the data, and why.
WITHOUT_NAMES: dict[Callable[..., go.Figure], str] = {
    cs_metrics.charts.house_style: "styles a figure it is given; the title is the caller's text",
    cs_metrics.charts.local_dates: "names months of the figure it is given (dates, no names)",
    churn_charts.cohort_heatmap: "cohorts are months and columns month numbers, computed from dates",
    churn_charts.retention_curve: "month numbers and shares only",
    health_charts.score_histogram: "bands are drawn from the fixed HEALTH_BANDS, not from the frame",
    health_charts.band_trend: "bands are drawn from the fixed HEALTH_BANDS, not from the frame",
    health_charts.transition_heatmap: "rows and columns are the fixed TRANSITION_FROM / TRANSITION_TO bands",
    health_charts.churn_by_band: "bands must be HEALTH_BANDS (their colour is looked up by name)",
    health_charts.auc_by_month: "months and numbers only",
    nps_charts.trend_chart: "periods and numbers only",
    nps_charts.distribution_chart: "the fixed NPS groups and scores 0-10",
    overview_charts.sparkline: "dates and numbers only",
    churn_charts.arr_bridge_chart: "its steps are the fixed bridge.STEPS and amounts (and it escapes them anyway)",
    churn_charts.renewals_by_band_chart: "horizons are numbers and bands the fixed health bands or the caller's "
                                         "labels for them",
    overview_charts.reference_lines: "adds lines to a figure; their labels (peer source and band) go through "
                                     "chart_text",
}


def figure_builders() -> set[Callable[..., go.Figure]]:
    """Every public function of ``cs_metrics.charts`` and its modules that returns a ``go.Figure``."""
    modules = [cs_metrics.charts] + [importlib.import_module(f"cs_metrics.charts.{m.name}")
                                     for m in pkgutil.iter_modules(cs_metrics.charts.__path__)]
    found = set()
    for module in modules:
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_") \
                    and str(inspect.signature(fn).return_annotation).endswith("Figure"):
                found.add(fn)
    return found


def strings(tree: object) -> list[str]:
    """Every string of a decoded figure, keys excluded."""
    if isinstance(tree, str):
        return [tree]
    if isinstance(tree, dict):
        return [s for v in tree.values() for s in strings(v)]
    if isinstance(tree, list):
        return [s for v in tree for s in strings(v)]
    return []


def same_numbers(plain: object, hostile: object, path: str = "") -> None:
    """The two decoded figures have the same shape and the same numbers; only texts may differ.

    Arrays Plotly writes as base64 (``{"dtype": ..., "bdata": ...}``) are compared as written."""
    if isinstance(plain, dict):
        assert isinstance(hostile, dict) and plain.keys() == hostile.keys(), path
        for key in plain:
            if key == "bdata":
                assert plain[key] == hostile[key], f"{path}.bdata"
            else:
                same_numbers(plain[key], hostile[key], f"{path}.{key}")
    elif isinstance(plain, list):
        assert isinstance(hostile, list) and len(plain) == len(hostile), path
        for i, (p, h) in enumerate(zip(plain, hostile)):
            same_numbers(p, h, f"{path}[{i}]")
    elif not isinstance(plain, str):
        assert type(plain) is type(hostile) and plain == hostile, f"{path}: {plain!r} != {hostile!r}"


def test_hostile_and_plain_names_sort_alike():
    # The hostile figure is compared place by place with the plain one: builders that order
    # groups by name must put each hostile name where its plain counterpart goes.
    assert sorted(HOSTILE) == list(HOSTILE) and sorted(PLAIN) == list(PLAIN)


def test_every_figure_builder_has_a_case():
    builders = figure_builders()
    covered = {case.function for case in CASES} | set(WITHOUT_NAMES)
    missing = sorted(f"{fn.__module__}.{fn.__name__}" for fn in builders - covered)
    assert not missing, f"figure builders without a hostile-name case (add one to CASES or WITHOUT_NAMES): {missing}"
    # And no case names a function the listing does not find (the listing is not empty or stale).
    assert covered <= builders
    # 39 builders today: 3 in the package (with local_dates), churn 8 (with the ARR bridge and the renewals by
    # band), health 8, maturity 5, meetings 3, nps 5, overview 4 (with the reference lines), ttfv 3.
    assert len(builders) == 39


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_names_with_markup_are_shown_as_typed(case: Case):
    plain = json.loads(case.build(PLAIN).to_json())
    hostile = json.loads(case.build(HOSTILE).to_json())
    plain_text = "\n".join(strings(plain)).lower()
    hostile_text = "\n".join(strings(hostile)).lower()
    for marker in MARKERS:
        # The builder's own tags (a "<br>" in a hover template, "<b>" around a group) are in both.
        assert hostile_text.count(marker) == plain_text.count(marker), marker
    assert "&lt;a href=" in hostile_text
    # "a & b" is drawn from "a &amp; b"; a bare "&" never reaches the figure.
    assert "a & b" not in hostile_text
    same_numbers(plain, hostile)


def test_names_with_markup_reach_the_figure_escaped():
    fig = _decisions(HOSTILE)
    # Hand-escaped: & -> &amp;, < -> &lt;, > -> &gt;; bars sorted by name descending.
    assert list(fig.data[0].y) == ["a &amp; b", "&lt;img src=x&gt;", "&lt;br&gt;", "&lt;b&gt;x&lt;/b&gt;",
                                   '&lt;a href="http://x.test/b"&gt;Team&lt;/a&gt;']


def test_chart_text_escapes_markup():
    # Each of & < > replaced by its entity, & first so that entities are not escaped twice.
    assert chart_text('<a href="http://x.test/b">R&D</a>') == '&lt;a href="http://x.test/b"&gt;R&amp;D&lt;/a&gt;'
    assert chart_text("&lt;") == "&amp;lt;"  # shown as typed, not as "<"
    assert chart_text("<br>") == "&lt;br&gt;"


def test_chart_text_leaves_plain_names_and_other_values_alone():
    assert chart_text("Acme S.p.A. (Nord-Est), l'ufficio") == "Acme S.p.A. (Nord-Est), l'ufficio"
    assert chart_text("") == ""
    assert chart_text(3.5) == 3.5
    assert chart_text(None) is None
    assert math.isnan(chart_text(math.nan))
    stamp = pd.Timestamp("2025-01-31")
    assert chart_text(stamp) is stamp
    assert chart_text(np.int64(7)) == 7
