"""Health figures (``cs_metrics.charts.health``), fed by the real metric functions of
``cs_metrics.health`` on small hand-made scored frames."""

import math

import numpy as np
import pandas as pd
from pytest import approx

from cs_metrics import health
from cs_metrics.charts import BAND_COLOURS
from cs_metrics.charts import health as hc

RED, YELLOW, GREEN = BAND_COLOURS["red"], BAND_COLOURS["yellow"], BAND_COLOURS["green"]


def scored(scores, *, thresholds=(50, 75), **columns):
    """One month of scored customers shaped like ``health.health_scores``."""
    frame = pd.DataFrame({"customer_id": range(1, len(scores) + 1), "month": pd.Timestamp("2026-01-01"),
                          "score": [float(s) for s in scores], **columns})
    frame["band"] = health.band(frame["score"], thresholds)
    return frame


def lines(fig):
    """(x or y position, annotation text) of the dotted threshold lines."""
    positions = [(s.x0 if s.x0 == s.x1 else s.y0) for s in fig.layout.shapes]
    return positions, [a.text for a in fig.layout.annotations]


def test_score_histogram_stacks_bins_by_band_with_threshold_lines():
    now = scored([10, 38, 40, 41, 70, 72, np.nan], thresholds=(40, 70))
    fig = hc.score_histogram(health.score_histogram(now), thresholds=(40, 70))
    assert [t.name for t in fig.data] == ["Red", "Yellow", "Green"]
    assert [t.marker.color for t in fig.data] == [RED, YELLOW, GREEN]
    red, yellow, green = fig.data
    # 5-point bins closed above: 10 -> (5, 10]; 38 and 40 -> (35, 40] (40 is still red); 41 -> (40, 45]
    assert list(red.x) == [7.5, 37.5] and list(red.y) == [1, 2]
    assert list(yellow.x) == [42.5, 67.5] and list(yellow.y) == [1, 1]  # 41 and 70 (70 still yellow)
    assert list(green.x) == [72.5] and list(green.y) == [1]  # 72; the NaN score is left out
    assert list(red.width) == [5.0, 5.0] and [list(c) for c in red.customdata] == [[5.0, 10.0], [35.0, 40.0]]
    assert "%{y} customers" in red.hovertemplate
    assert lines(fig) == ([40, 70], ["40", "70"])
    assert fig.layout.barmode == "stack"


def test_score_histogram_bin_split_by_a_threshold():
    now = scored([51, 53], thresholds=(52, 80))
    red, yellow, _ = hc.score_histogram(health.score_histogram(now), thresholds=(52, 80)).data
    # both scores fall in (50, 55]: 51 is red, 53 yellow, so the bin is stacked from two traces
    assert (list(red.x), list(red.y)) == ([52.5], [1])
    assert (list(yellow.x), list(yellow.y)) == ([52.5], [1])


def test_score_histogram_empty():
    fig = hc.score_histogram(health.score_histogram(scored([])))
    assert [len(t.x) for t in fig.data] == [0, 0, 0]
    assert lines(fig) == ([50, 75], ["50", "75"])  # the default thresholds are still drawn


def test_band_shares_by_labels_carry_n_and_shares():
    now = scored([10, 48, np.nan, 50, 80], segment=["SMB", "SMB", "SMB", "Enterprise", "Enterprise"])
    fig = hc.band_shares_by(health.band_shares_by(now, "segment"), "segment")
    red, yellow, green = fig.data
    # Enterprise: 50 red, 80 green -> 1/2 each. SMB: 10 and 48 red; the NaN score is not counted in n
    assert list(red.y) == ["Enterprise (n=2)", "SMB (n=2)"]
    assert list(red.x) == [0.5, 1.0] and list(yellow.x) == [0.0, 0.0] and list(green.x) == [0.5, 0.0]
    assert list(red.customdata) == [1, 2] and list(green.customdata) == [1, 0]  # customers per band
    assert list(red.text) == ["50%", "100%"] and list(yellow.text) == ["", ""]  # 0% is below 6%: no text
    assert "%{customdata} customers" in red.hovertemplate
    assert [t.marker.color for t in fig.data] == [RED, YELLOW, GREEN]


def test_band_shares_by_group_without_scored_customer():
    now = scored([80, np.nan], region=["Italy", "DACH"])
    red, _, green = hc.band_shares_by(health.band_shares_by(now, "region"), "region").data
    assert list(green.y) == ["DACH (n=0)", "Italy (n=1)"]
    assert math.isnan(green.x[0]) and green.x[1] == 1.0  # DACH: 0 of 0 scored, no share; Italy 1/1 green
    assert list(green.text) == ["", "100%"] and list(red.customdata) == [0, 0]


def test_band_shares_by_empty():
    fig = hc.band_shares_by(health.band_shares_by(scored([]).assign(owner=[]), "owner"), "owner")
    assert [len(t.y) for t in fig.data] == [0, 0, 0]


def test_band_trend_stacks_shares_per_month_with_n():
    months = pd.to_datetime(["2026-01-01"] * 3 + ["2026-02-01"] * 3)
    frame = pd.DataFrame({"customer_id": [1, 2, 3] * 2, "month": months,
                          "score": [10.0, 60.0, 80.0, 60.0, 90.0, np.nan]})
    frame["band"] = health.band(frame["score"])
    fig = hc.band_trend(health.band_trend(frame))
    assert [t.name for t in fig.data] == ["Red", "Yellow", "Green"]
    assert all(list(pd.to_datetime(list(t.x))) == list(months.unique()) for t in fig.data)
    # January: one customer per band of 3 -> 1/3 each; February: 60 yellow, 90 green of 2 scored
    assert [list(t.y) for t in fig.data] == [approx([1 / 3, 0.0]), approx([1 / 3, 0.5]), approx([1 / 3, 0.5])]
    assert [list(t.customdata) for t in fig.data] == [[1, 0], [1, 1], [1, 1]]
    assert all(t.stackgroup == "bands" and "%{customdata} customers" in t.hovertemplate for t in fig.data)
    assert [t.line.color for t in fig.data] == [RED, YELLOW, GREEN]


def test_transition_heatmap_counts_and_arr_text():
    before = scored([10, 60, 80], arr=[1_000.0, 2_000.0, 3_000.0])
    after = scored([60, 90], arr=[1_000.0, 2_000.0])  # customer 3 has no score in February
    gone = pd.DataFrame({"customer_id": [3], "churned_on": ["2026-02-15"]})
    moves = health.band_transitions(before, after, churned=gone, until="2026-02-28")
    counts, arr = health.transition_matrix(moves), health.transition_matrix(moves, value="arr")
    heat = hc.transition_heatmap(counts, arr).data[0]
    # 1: red -> yellow; 2: yellow -> green; 3: green -> churned (unscored, churned by the end)
    assert list(heat.y) == ["from red", "from yellow", "from green"]
    assert list(heat.x) == ["to yellow", "to green", "to churned"]
    assert heat.z == ([1, 0, 0], [0, 1, 0], [0, 0, 1])
    assert [list(r) for r in heat.text] == [["1<br>€1k", "", ""], ["", "1<br>€2k", ""], ["", "", "1<br>€3k"]]
    assert "%{z} customers" in heat.hovertemplate
    # The same amounts in a company that counts in pounds, and in Swiss francs (written with the code).
    assert hc.transition_heatmap(counts, arr, currency="GBP").data[0].text[0][0] == "1<br>£1k"
    assert hc.transition_heatmap(counts, arr, currency="CHF").data[0].text[2][2] == "1<br>CHF 3k"


def test_transition_heatmap_empty():
    empty = health.transition_matrix(health.band_transitions(scored([]), scored([])))
    heat = hc.transition_heatmap(empty, empty).data[0]
    assert (list(heat.z), list(heat.x), list(heat.y)) == ([], [], [])


MODEL = {"signals": {"usage": {"worst": 0, "best": 1, "weight": 3},
                     "tickets_opened": {"worst": 10, "best": 0, "weight": 1},
                     "advocacy": {"worst": 0, "best": 2, "weight": 1},
                     "expansion": {"worst": 0, "best": 1, "weight": 0}},
         "bands": [50, 75], "segments": {"Enterprise": {"bands": [40, 70]}}}


def test_contribution_waterfall_adds_up_to_the_score_coloured_by_band():
    why = health.explain({"usage": 0.5, "tickets_opened": 0, "expansion": 1}, MODEL)
    fig = hc.contribution_waterfall(why)
    fall = fig.data[0]
    # present, weighted: usage 3 and tickets 1 -> shares 3/4, 1/4 (advocacy missing; expansion weight 0)
    # usage 0.5 -> 50 points x 3/4 = 37.5; tickets 0 (best) -> 100 points x 1/4 = 25; score 62.5
    assert list(fall.x) == ["Product usage", "Support tickets opened", "Score"]
    assert list(fall.y) == [37.5, 25.0, 62.5]
    assert list(fall.measure) == ["relative", "relative", "total"]
    assert list(fall.text) == ["+37.5", "+25.0", "62.5"]
    assert fall.totals.marker.color == YELLOW  # 62.5 is in (50, 75]
    assert lines(fig) == ([50.0, 75.0], ["50", "75"])


def test_contribution_waterfall_without_any_signal():
    why = health.explain({}, MODEL, segment="Enterprise")
    fall = (fig := hc.contribution_waterfall(why)).data[0]
    # NaN score: a total bar at 0 without a label
    assert list(fall.x) == ["Score"] and list(fall.y) == [0] and list(fall.text) == [""]
    assert fall.totals.marker.color == "#999999"  # no band: neutral grey
    assert lines(fig) == ([40.0, 70.0], ["40", "70"])  # the segment's thresholds


def test_score_history_markers_by_band_and_segment_thresholds():
    thresholds = health.model_bands(MODEL, "Enterprise")  # (40, 70) from the segment profile
    months = pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"])
    frame = pd.DataFrame({"customer_id": 7, "month": months, "score": [35.0, 55.0, 71.0, np.nan]})
    frame["band"] = health.band(frame["score"], thresholds)
    trace = (fig := hc.score_history(health.customer_history(frame, 7), thresholds=thresholds)).data[0]
    assert list(trace.y[:3]) == [35.0, 55.0, 71.0] and math.isnan(trace.y[3])
    # 35 <= 40 red; 55 <= 70 yellow; 71 green; the unscored month grey
    assert list(trace.marker.color) == [RED, YELLOW, GREEN, "#999999"]
    assert list(trace.text[:3]) == ["red", "yellow", "green"]
    assert lines(fig) == ([40.0, 70.0], ["40", "70"])


SCORES = pd.DataFrame({"customer_id": [1, 2, 3, 4, 2, 4], "month": ["2026-01-01"] * 4 + ["2026-02-01"] * 2,
                       "score": [20.0, 30.0, 80.0, 90.0, 35.0, 95.0]})
CHURN = pd.DataFrame({"customer_id": [1, 3], "churned_on": ["2026-02-10", "2026-03-01"]})


def test_churn_by_band_rates_intervals_and_n():
    result = health.backtest(SCORES, CHURN, horizon_days=90, month="2026-01-01", as_of="2026-06-30")
    bar = hc.churn_by_band(result.by_band).data[0]
    # January, window 1 Feb - 1 May: red 20, 30 (1 churned of 2); yellow none; green 80, 90 (1 of 2)
    assert list(bar.x) == ["Red", "Yellow", "Green"] and list(bar.marker.color) == [RED, YELLOW, GREEN]
    assert list(bar.y) == [0.5, 0.0, 0.5]  # the empty band is drawn at 0 ...
    assert list(bar.text) == ["50.0%", "", "50.0%"]  # ... without a label
    assert [list(c) for c in bar.customdata] == [[1, 2], [0, 0], [1, 2]]  # churned, n
    assert "%{customdata[0]} of %{customdata[1]} churned" in bar.hovertemplate
    # Wilson 1 of 2, z = 1.96: centre 0.5, half width 1.96 * sqrt(.25/2 + 1.96^2/16) / (1 + 1.96^2/2) = 0.4055
    assert list(bar.error_y.array) == approx([0.4055, 0.0, 0.4055], abs=1e-4)
    assert list(bar.error_y.arrayminus) == approx([0.4055, 0.0, 0.4055], abs=1e-4)


def test_churn_by_band_nothing_testable():
    result = health.backtest(SCORES, CHURN, horizon_days=90, as_of="2026-02-01")  # no window has ended
    bar = hc.churn_by_band(result.by_band).data[0]
    assert list(bar.y) == [0.0, 0.0, 0.0] and list(bar.text) == ["", "", ""]
    assert [list(c) for c in bar.customdata] == [[0, 0]] * 3


def test_auc_by_month_points_intervals_n_and_chance_line():
    frame = health.backtest_by_month(SCORES, CHURN, horizon_days=90, as_of="2026-06-30")
    trace = (fig := hc.auc_by_month(frame)).data[0]
    assert list(pd.to_datetime(list(trace.x))) == list(pd.to_datetime(["2026-01-01", "2026-02-01"]))
    # January: churners 20, 80 vs stayers 30, 90: 20<30, 20<90, 80<90 lower, 80>30 -> 3 of 4 pairs = 0.75
    assert trace.y[0] == 0.75
    assert trace.error_y.array[0] == approx(0.25)  # DeLong high clipped at 1: 1 - 0.75
    assert trace.error_y.arrayminus[0] == approx(0.75 - frame["low"].iloc[0])
    # February: customers 2 and 4 scored, nobody churned in March-May: no AUC
    assert math.isnan(trace.y[1])
    assert [list(c) for c in trace.customdata] == [[2, 4], [0, 2]]  # churned, n
    assert "%{customdata[0]} churned of %{customdata[1]}" in trace.hovertemplate
    assert [(s.y0, s.y1) for s in fig.layout.shapes] == [(0.5, 0.5)]
    assert [a.text for a in fig.layout.annotations] == ["no better than chance"]


def test_auc_by_month_empty():
    frame = health.backtest_by_month(SCORES, CHURN, horizon_days=90, as_of="2026-02-01")
    fig = hc.auc_by_month(frame)
    assert len(fig.data[0].x) == 0 and len(fig.layout.shapes) == 1
