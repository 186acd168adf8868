"""Overview and board-pack figures (``cs_metrics.charts.overview``), fed by ``cs_metrics.tiles.Tile``
objects shaped like the ones the overview builds (series of (month end, value) pairs, oldest first)."""

import datetime as dt
import math

import pandas as pd

from cs_metrics import tiles as ov
from cs_metrics.charts import overview as oc

# Four month ends: a value, a gap (None: nothing computed), a NaN (window before the data), a value.
SERIES = ((dt.date(2026, 8, 31), 0.5), (dt.date(2026, 9, 30), None),
          (dt.date(2026, 10, 31), math.nan), (dt.date(2026, 11, 30), 0.75))
ENDS = list(pd.to_datetime(["2026-08-31", "2026-09-30", "2026-10-31", "2026-11-30"]))


def tile(label, unit, series, *, value=0.75, previous=0.5, n=40, area="retention"):
    return ov.Tile(key=label.lower(), label=label, unit=unit, value=value, previous=previous, n=n,
                   n_previous=n, series=tuple(series), area=area)


def values(trace):
    return [None if math.isnan(v) else v for v in trace.y]


def test_series_frame_keeps_gaps_as_nan():
    frame = oc.series_frame(SERIES)
    assert list(frame["end"]) == ENDS
    assert [None if math.isnan(v) else v for v in frame["value"]] == [0.5, None, None, 0.75]


def test_sparkline_values_drops_gaps():
    assert oc.sparkline_values(SERIES) == [0.5, 0.75]  # None and NaN left out, order kept
    assert oc.sparkline_values(()) == []


def test_sparkline_draws_the_series_with_the_unit_format():
    fig = oc.sparkline(SERIES, unit="points")
    trace = fig.data[0]
    assert list(pd.to_datetime(list(trace.x))) == ENDS
    assert values(trace) == [0.5, None, None, 0.75]  # gaps stay gaps, not zeros
    assert "%{y:+.0f}" in trace.hovertemplate  # NPS points with a sign
    assert trace.line.color == oc.PALETTE[0]
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    assert fig.layout.height == 60


def test_sparkline_single_point_in_a_given_colour():
    trace = oc.sparkline(((dt.date(2026, 11, 30), 12),), unit="days", colour="#123456").data[0]
    assert values(trace) == [12.0] and trace.line.color == "#123456"
    assert "%{y:.0f}" in trace.hovertemplate


def test_sparkline_empty_series_and_unknown_unit():
    trace = oc.sparkline((), unit="furlongs").data[0]
    assert len(trace.x) == 0 and len(trace.y) == 0
    assert "%{y:.2f}" in trace.hovertemplate  # unknown unit: two decimals


def test_area_trend_one_line_per_tile_of_the_first_unit():
    logo = tile("Logo retention", "share", SERIES)
    nrr = tile("NRR", "share", [(dt.date(2026, 11, 30), 1.08)])
    arr = tile("ARR", "currency", [(dt.date(2026, 11, 30), 1e6)])
    fig = oc.area_trend([logo, arr, nrr], title="Retention")
    assert [t.name for t in fig.data] == ["Logo retention", "NRR"]  # ARR (currency) left out
    assert [t.line.color for t in fig.data] == [oc.PALETTE[0], oc.PALETTE[1]]
    assert values(fig.data[0]) == [0.5, None, None, 0.75] and fig.data[0].connectgaps is False
    assert values(fig.data[1]) == [1.08]
    assert fig.data[1].hovertemplate == "%{x|%b %Y}: %{y:.0%}<extra>NRR</extra>"
    assert fig.layout.yaxis.tickformat == ".0%" and fig.layout.yaxis.rangemode == "tozero"
    assert fig.layout.title.text == "Retention"


def test_area_trend_first_tile_decides_the_unit():
    arr = tile("ARR", "currency", [(dt.date(2026, 10, 31), 9e5), (dt.date(2026, 11, 30), 1e6)], value=1e6)
    fig = oc.area_trend([arr, tile("Logo retention", "share", SERIES)])
    assert [t.name for t in fig.data] == ["ARR"] and values(fig.data[0]) == [9e5, 1e6]
    assert fig.layout.yaxis.tickformat == "~s" and fig.layout.yaxis.rangemode == "normal"


def test_area_trend_tile_without_series():
    fig = oc.area_trend([tile("Customers", "count", [], value=0, previous=0, n=0, area="customers")])
    assert len(fig.data) == 1 and len(fig.data[0].x) == 0
    assert fig.layout.yaxis.tickformat == ",.0f" and fig.layout.yaxis.rangemode == "tozero"


def test_area_trend_no_tiles():
    fig = oc.area_trend([])
    assert fig.data == () and fig.layout.yaxis.tickformat == ".0%"  # defaults to the share unit


def maturity(dimension, value, previous, n):
    return tile(f"Maturity: {dimension}", "stage", [], value=value, previous=previous, n=n, area="maturity")


def test_maturity_bars_previous_and_latest_round_per_dimension():
    fig = oc.maturity_bars([maturity("Culture", 2.5, 2.0, 12), maturity("Technology", 3.0, math.nan, 8),
                            maturity("Customer involvement", math.nan, math.nan, 0)])
    previous, latest = fig.data
    assert (previous.name, latest.name) == ("Previous round", "Latest round")
    assert list(latest.x) == ["Culture", "Technology", "Customer involvement"]  # "Maturity: " dropped
    assert values(previous) == [2.0, None, None]  # no previous round for Technology: no bar
    assert values(latest) == [2.5, 3.0, None]
    assert list(latest.text) == ["2.5", "3.0", ""]  # no answers: no label
    assert previous.marker.color == "#999999" and latest.marker.color == oc.PALETTE[0]
    assert list(fig.layout.yaxis.range) == [0, 5.5] and list(fig.layout.yaxis.tickvals) == [1, 2, 3, 4, 5]
    assert fig.layout.barmode == "group"


def test_maturity_bars_no_tiles():
    fig = oc.maturity_bars([], title="Maturity")
    assert [len(t.x) for t in fig.data] == [0, 0] and fig.layout.title.text == "Maturity"
