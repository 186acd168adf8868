"""Meetings figures (``cs_metrics.charts.meetings``), fed by ``cs_metrics.meetings.customer_share``
on small hand-made meetings and agenda items."""

import math

import pandas as pd
from pytest import approx

from cs_metrics import meetings as mt
from cs_metrics.charts import meetings as mc


def log(*rows):
    """(meetings, items) frames from rows (day, department, type, customer min, other min[, favours,
    neutral, worsens]): one direct item and one internal item per meeting."""
    meetings, items = [], []
    for mid, (day, dept, mtype, about, other, *decisions) in enumerate(rows):
        fav, neu, wor = decisions or (0, 0, 0)
        meetings.append({"meeting_id": mid, "held_on": day, "department": dept, "meeting_type": mtype,
                         "customer_item_filled": True, "decisions_favours": fav, "decisions_neutral": neu,
                         "decisions_worsens": wor})
        items += [{"meeting_id": mid, "relevance": "direct", "minutes": about},
                  {"meeting_id": mid, "relevance": "none", "minutes": other}]
    return pd.DataFrame(items), pd.DataFrame(meetings)


# Sales: 5 department meetings in Q1 2026, 24 of 60 minutes each about customers; one more in Q2.
# IT: 2 board meetings in Q1 with 6 of 60 minutes about customers.
ROWS = [(f"2026-01-{d:02d}", "Sales", "department", 24, 36, 1, 0, d % 2) for d in (5, 6, 7, 8, 9)] + [
    ("2026-04-02", "Sales", "department", 30, 30, 0, 2, 0),
    ("2026-02-02", "IT", "board", 6, 54, 0, 1, 0), ("2026-02-03", "IT", "board", 6, 54, 0, 0, 1)]
ITEMS, MEETINGS = log(*ROWS)
Q1 = log(*ROWS[:5], *ROWS[6:])  # the same without the Q2 Sales meeting


def cells_of(items, meetings):
    return mt.customer_share(items, meetings, by=("department", "meeting_type"))


def test_share_heatmap_colours_readable_cells_and_shows_n_everywhere():
    heat = mc.share_heatmap(cells_of(*Q1)).data[0]
    # departments and types in vocabulary order: IT before Sales; board before department
    assert list(heat.y) == ["IT", "Sales"] and list(heat.x) == ["Board", "Department"]
    # Sales x department: 5 meetings, 5 x 24 / 5 x 60 = 0.4; IT x board: 2 < MIN_MEETINGS (5): no colour
    assert heat.z == ([None, None], [None, approx(0.4)])
    assert heat.text == (["too few<br>n=2", ""], ["", "40%<br>n=5"])
    assert heat.customdata == (
        ["IT · board: only 2 meeting(s), fewer than 5: too few to read", "IT · department: no meetings"],
        ["Sales · board: no meetings",
         "Sales · department: 40.0% of agenda time about customers (5 meetings)"])
    assert heat.zmin == 0 and heat.zmax == approx(0.4)  # the top is the largest readable share


def test_share_heatmap_colour_scale_keeps_a_floor_of_25_percent():
    items, meetings = log(*[("2026-01-05", "Board", "board", 6, 54)] * 5)
    heat = mc.share_heatmap(cells_of(items, meetings)).data[0]
    assert heat.z == ([approx(0.1)],)  # one cell: 6 / 60
    assert heat.zmax == 0.25  # max(0.1, 0.25)


def test_share_heatmap_unknown_department_and_type_go_last():
    items, meetings = log(("2026-01-05", "Zeta", "offsite", 10, 10), ("2026-01-05", "Board", "board", 0, 10))
    heat = mc.share_heatmap(cells_of(items, meetings)).data[0]
    assert list(heat.y) == ["Board", "Zeta"]  # known departments in vocabulary order, then the others sorted
    assert list(heat.x) == ["Board", "offsite"]  # an unknown type keeps its raw name
    assert heat.text == (["too few<br>n=1", ""], ["", "too few<br>n=1"])


def test_share_heatmap_empty():
    heat = mc.share_heatmap(cells_of(ITEMS.iloc[0:0], MEETINGS.iloc[0:0])).data[0]
    assert (list(heat.z), list(heat.x), list(heat.y)) == ([], [], [])
    assert heat.zmax == 0.25


def test_share_heatmap_enough_meetings_without_minutes():
    items, meetings = log(*[("2026-01-05", "Product", "project", math.nan, math.nan)] * 5)
    cells = cells_of(items, meetings)
    assert cells["meetings"].tolist() == [5] and bool(cells["enough"].iloc[0])  # 5 meetings: enough
    heat = mc.share_heatmap(cells).data[0]
    hover = heat.customdata[0][0]
    assert "fewer than 5" not in hover
    # 5 meetings (>= MIN_MEETINGS) with no minutes on any item: no share to colour, and the cell says why.
    assert hover == "Product · project: 5 meetings, no agenda minutes recorded"
    assert heat.text == (["no minutes<br>n=5"],)
    assert heat.z == ([None],)


def test_share_trend_lines_per_department_hollow_when_too_few_and_baseline():
    trend = mt.customer_share(ITEMS, MEETINGS, by=("department", "quarter"))
    fig = mc.share_trend(trend)
    it, sales = fig.data
    assert (it.name, sales.name) == ("IT", "Sales")  # vocabulary order
    assert (it.line.color, sales.line.color) == (mc.PALETTE[0], mc.PALETTE[1])
    assert list(pd.to_datetime(list(sales.x))) == list(pd.to_datetime(["2026-01-01", "2026-04-01"]))
    # Sales Q1: 120 / 300 = 0.4 (5 meetings); Q2: 30 / 60 = 0.5 (1 meeting). IT Q1: 12 / 120 = 0.1 (2)
    assert list(sales.y) == approx([0.4, 0.5]) and list(it.y) == approx([0.1])
    assert list(sales.marker.color) == [mc.PALETTE[1], "white"]  # too few meetings: hollow point
    assert [list(c) for c in sales.customdata] == [[5, ""], [1, " · too few to read"]]
    assert [list(c) for c in it.customdata] == [[2, " · too few to read"]]
    assert "n=%{customdata[0]} meetings%{customdata[1]}" in sales.hovertemplate
    assert [(s.y0, s.y1) for s in fig.layout.shapes] == [(mt.BASELINE_SHARE, mt.BASELINE_SHARE)]  # 0.05
    assert [a.text for a in fig.layout.annotations] == ["5% baseline"]


def test_share_trend_missing_minutes_leave_a_gap():
    items, meetings = log(("2026-01-05", "IT", "board", 6, 54),
                          ("2026-04-05", "IT", "board", math.nan, math.nan))
    trace = mc.share_trend(mt.customer_share(items, meetings, by=("department", "quarter"))).data[0]
    assert trace.y[0] == approx(0.1) and math.isnan(trace.y[1])  # Q1 6 / 60; Q2 no minutes: no share


def test_share_trend_by_meeting_type_per_month():
    trend = mt.customer_share(ITEMS, MEETINGS, by=("meeting_type", "month"))
    fig = mc.share_trend(trend, time="month", by="meeting_type")
    assert [t.name for t in fig.data] == ["board", "department"]  # not departments: sorted
    # department meetings: Jan 5 x 24 / 300 = 0.4, Apr 30 / 60 = 0.5
    assert list(fig.data[1].y) == approx([0.4, 0.5])


def test_share_trend_empty():
    fig = mc.share_trend(mt.customer_share(ITEMS.iloc[0:0], MEETINGS.iloc[0:0], by=("department", "quarter")))
    assert fig.data == () and len(fig.layout.shapes) == 1  # no line, the baseline stays


def test_decisions_by_group_per_meeting_rates_colours_and_n():
    summary = mt.customer_share(ITEMS, MEETINGS, by="department")
    fig = mc.decisions_by_group(summary)
    assert [t.name for t in fig.data] == ["Favours", "Neutral", "Worsens"]
    assert [t.marker.color for t in fig.data] == ["#009E73", "#999999", "#D55E00"]
    favours, neutral, worsens = fig.data
    assert list(favours.y) == ["Sales", "IT"]  # sorted descending: alphabetical from the top
    # Sales, 6 meetings: favours 5 x 1 = 5, neutral 2, worsens days 5, 7, 9 odd = 3
    # IT, 2 meetings: favours 0, neutral 1, worsens 1
    assert list(favours.x) == approx([5 / 6, 0 / 2])
    assert list(neutral.x) == approx([2 / 6, 1 / 2])
    assert list(worsens.x) == approx([3 / 6, 1 / 2])
    assert [list(c) for c in worsens.customdata] == [[3, 6], [1, 2]]  # decisions, meetings
    assert "%{customdata[0]} decisions, %{customdata[1]} meetings" in worsens.hovertemplate
    assert fig.layout.barmode == "stack"


def test_decisions_by_group_marks_groups_with_too_few_meetings():
    fig = mc.decisions_by_group(mt.customer_share(ITEMS, MEETINGS, by="department"))
    # Rows from the top: Sales (6 meetings >= MIN_MEETINGS = 5), IT (2 meetings: too few to read).
    for trace in fig.data:
        assert list(trace.y) == ["Sales", "IT"]
        assert list(trace.marker.opacity) == [1.0, mc.TOO_FEW_OPACITY]
        assert list(trace.marker.pattern.shape) == ["", "/"]
        assert list(trace.hovertext) == ["", " · fewer than 5 meetings: too few to read"]
        assert "%{hovertext}" in trace.hovertemplate


def test_decisions_by_group_single_group_without_decisions():
    items, meetings = log(("2026-01-05", "Marketing", "other", 5, 5))
    summary = mt.customer_share(items, meetings, by="department")
    favours, neutral, worsens = mc.decisions_by_group(summary).data
    assert list(favours.y) == ["Marketing"]
    assert (list(favours.x), list(neutral.x), list(worsens.x)) == ([0.0], [0.0], [0.0])  # 0 of 1 meeting


def test_decisions_by_group_empty():
    summary = mt.customer_share(ITEMS.iloc[0:0], MEETINGS.iloc[0:0], by="department")
    assert [len(t.y) for t in mc.decisions_by_group(summary).data] == [0, 0, 0]
