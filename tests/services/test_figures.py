"""The figures shared by the pages and the board pack, read from a small hand-built company: the
data each figure draws, checked against hand calculations.

The company (period 1 Jan - 31 Mar 2026, data observed up to 31 Mar 2026):

* signed in the period: #1 SMB on 1 Jan (first value 11 Jan: 10 days), #2 SMB on 15 Jan (first
  value 4 Feb: 20 days), #3 Enterprise on 1 Feb (no first value yet: censored at 58 days);
  #4 Enterprise signed in June 2025;
* lost in the period: #5 SMB (price, ARR 1,000), #6 SMB (price, 3,000), #7 Enterprise
  (competitor, 6,000); #8 SMB was lost in December 2025 (support experience);
* NPS answers: Nov 2025 one promoter (#4); Jan 2026 three promoters (#1, #1, #2) and one
  detractor (#3); Mar 2026 two detractors (#3) and one promoter (#1).
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from cs_metrics.errors import DataError
from cs_metrics.period import Period
from cs_metrics.selection import CustomerFilter
from cs_metrics.services import figures
from cs_metrics.storage import db
from cs_metrics.storage import models as m
from cs_metrics.tiles import Tile

D = dt.date
PERIOD = Period(D(2026, 1, 1), D(2026, 3, 31))
AS_OF = D(2026, 3, 31)
SMB = CustomerFilter(segments=("SMB",))


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('figures') / 'test.db'}")
    db.upgrade(engine)
    signed = {1: ("SMB", D(2026, 1, 1)), 2: ("SMB", D(2026, 1, 15)), 3: ("Enterprise", D(2026, 2, 1)),
              4: ("Enterprise", D(2025, 6, 1)), 5: ("SMB", D(2025, 1, 1)), 6: ("SMB", D(2025, 1, 1)),
              7: ("Enterprise", D(2025, 1, 1)), 8: ("SMB", D(2025, 1, 1))}
    lost = {5: (D(2026, 2, 10), "price", 1000.0), 6: (D(2026, 3, 5), "price", 3000.0),
            7: (D(2026, 3, 20), "competitor", 6000.0), 8: (D(2025, 12, 1), "support_experience", 500.0)}
    answers = [(4, D(2025, 11, 20), 10), (1, D(2026, 1, 10), 10), (1, D(2026, 1, 20), 9), (2, D(2026, 1, 25), 10),
               (3, D(2026, 1, 28), 3), (3, D(2026, 3, 2), 2), (3, D(2026, 3, 9), 5), (1, D(2026, 3, 30), 9)]
    with db.session_scope(engine) as s:
        s.add_all([m.Customer(id=i, external_id=f"c{i}", name=f"Customer {i}", segment=seg, region="Italy",
                              signed_on=day, arr=12000.0, status="churned" if i in lost else "active",
                              churned_on=lost[i][0] if i in lost else None)
                   for i, (seg, day) in signed.items()])
        s.flush()
        s.add_all([m.Milestone(customer_id=i, kind="first_value", reached_on=day, target_days=30)
                   for i, day in ((1, D(2026, 1, 11)), (2, D(2026, 2, 4)), (4, D(2025, 6, 6)))])
        s.add_all([m.ChurnEvent(customer_id=i, churned_on=day, primary_reason=reason, arr_lost=arr)
                   for i, (day, reason, arr) in lost.items()])
        s.add_all([m.NpsResponse(customer_id=i, responded_on=day, score=score, language="en")
                   for i, day, score in answers])
    yield engine
    engine.dispose()


def _values(values) -> list[float]:
    return [round(float(v), 4) if v is not None and not math.isnan(float(v)) else None for v in values]


def _months(xs) -> list[str]:
    return [pd.Timestamp(x).strftime("%Y-%m") for x in xs]


# --- NPS trend ---------------------------------------------------------------------------------------


def test_nps_trend_figure_by_month(engine):
    fig = figures.nps_trend_figure(engine, period=PERIOD, flt=CustomerFilter(), min_n=3, title="NPS")
    line, enough, uncertain = fig.data[2], fig.data[3], fig.data[4]
    # The previous period of equal length is 3 Oct - 31 Dec 2025, so the months run Oct 2025 - Mar 2026.
    # By hand, NPS = (promoters - detractors) / n x 100: Nov 1 promoter -> 100; Jan (3 - 1) / 4 -> 50;
    # Mar (1 - 2) / 3 -> -33.3333; months without answers are gaps.
    assert _months(line.x) == ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
    assert _values(line.y) == [None, 100.0, None, 50.0, None, -33.3333]
    # min_n = 3: January (n = 4) and March (n = 3) are read; November (n = 1) is too uncertain.
    assert _months(enough.x) == ["2026-01", "2026-03"] and _values(enough.y) == [50.0, -33.3333]
    assert "2025-11" in _months(uncertain.x)
    # The hover carries n: 4 in January, 3 in March.
    assert [row[0] for row in enough.customdata] == [4, 3]
    assert fig.layout.title.text == "NPS"


def test_nps_trend_figure_by_quarter_and_for_some_customers(engine):
    by_quarter = figures.nps_trend_figure(engine, period=PERIOD, grain="quarter")
    # Q4 2025: 1 promoter -> 100; Q1 2026: 4 promoters, 3 detractors of 7 -> (4 - 3) / 7 x 100 = 14.2857.
    assert _values(by_quarter.data[2].y) == [100.0, 14.2857]
    smb = figures.nps_trend_figure(engine, period=PERIOD, flt=SMB, min_n=1)
    # SMB customers (#1, #2) only: Jan 3 promoters -> 100; Mar 1 promoter -> 100; Nov's answer was #4's.
    assert _values(smb.data[2].y) == [None, None, None, 100.0, None, 100.0]


def test_nps_trend_figure_shades_the_period_and_spans_a_year_earlier_comparison(engine):
    fig = figures.nps_trend_figure(engine, period=PERIOD, previous=PERIOD.year_before())
    # Comparison Jan - Mar 2025, period Jan - Mar 2026: 15 months from Jan 2025 to Mar 2026.
    assert _months(fig.data[2].x)[0] == "2025-01" and len(fig.data[2].x) == 15
    shaded = [s for s in fig.layout.shapes if s.type == "rect"]
    assert pd.Timestamp(shaded[0].x0) == pd.Timestamp(PERIOD.start)


# --- health bands ------------------------------------------------------------------------------------

BANDS = pd.DataFrame({"band": ["red", "yellow", "green"], "n": [1, 1, 2], "share": [0.25, 0.25, 0.5],
                      "weight": [1000.0, 2000.0, 7000.0], "weight_share": [0.1, 0.2, 0.7]})


def test_health_bands_figure_from_a_frame_or_the_tile():
    fig = figures.health_bands_figure(BANDS, title="Health")
    # One stacked bar per band: (share of customers, share of ARR), as given.
    assert [t.name for t in fig.data] == ["Red", "Yellow", "Green"]
    assert [list(t.x) for t in fig.data] == [[0.25, 0.1], [0.25, 0.2], [0.5, 0.7]]
    tile = Tile(key="health_green", label="Customers in good health", unit="share", value=0.5, previous=0.4,
                n=4, n_previous=4, extra={"bands": BANDS}, area="health")
    assert figures.health_bands_figure(tile).to_json() == figures.health_bands_figure(BANDS).to_json()


def test_health_bands_figure_refuses_a_tile_without_bands():
    tile = Tile(key="nps", label="NPS", unit="points", value=10.0, previous=5.0, n=40, n_previous=40)
    with pytest.raises(DataError, match="health_green tile"):
        figures.health_bands_figure(tile)


# --- time to first value -----------------------------------------------------------------------------


def test_ttfv_curve_figure_keeps_the_customer_still_onboarding(engine):
    fig = figures.ttfv_curve_figure(engine, period=PERIOD, as_of=AS_OF, title="Onboarding")
    line = fig.data[2]  # band top, band bottom, then the curve
    # Kaplan-Meier by hand: 3 at risk, first value at day 10 -> S = 2/3; 2 at risk, day 20 ->
    # S = 2/3 x 1/2 = 1/3; #3 is censored at 58 days (1 Feb to 31 Mar) and carries the flat tail.
    assert list(line.x) == [0, 10, 20, 58]
    assert _values(line.y) == [1.0, 0.6667, 0.3333, 0.3333]
    # No segment targets: one dashed line at the default 30 days for all customers.
    assert [s.x0 for s in fig.layout.shapes] == [30]
    assert fig.layout.annotations[0].text == "target 30 d: all customers"


def test_ttfv_curve_figure_with_segment_targets_marks_and_groups(engine):
    fig = figures.ttfv_curve_figure(engine, period=PERIOD, as_of=AS_OF, targets={"SMB": 14}, default=45,
                                    mark_days=(15, 60))
    # SMB's own target (14) and the default (45) for Enterprise, the other segment in the cohort.
    assert sorted(s.x0 for s in fig.layout.shapes) == [14, 45]
    assert sorted(a.text for a in fig.layout.annotations) == ["target 14 d: SMB", "target 45 d: Enterprise"]
    marks = fig.data[3]
    # Day 15 reads the step at day 10 (S = 2/3); day 60 lies beyond the longest follow-up (58): left out.
    assert list(marks.x) == [15] and _values(marks.y) == [0.6667]
    by_segment = figures.ttfv_curve_figure(engine, period=PERIOD, as_of=AS_OF, by="segment")
    curves = {t.name: t for t in by_segment.data if t.mode == "lines" and t.name in ("SMB", "Enterprise")}
    # SMB: #1 at day 10 (S = 1/2), #2 at day 20 (S = 0); Enterprise: #3 still onboarding at day 58.
    assert _values(curves["SMB"].y) == [1.0, 0.5, 0.0]
    assert list(curves["Enterprise"].x) == [0, 58] and _values(curves["Enterprise"].y) == [1.0, 1.0]


def test_ttfv_curve_figure_refuses_an_unknown_grouping(engine):
    with pytest.raises(DataError, match="Unknown grouping 'colour'"):
        figures.ttfv_curve_figure(engine, period=PERIOD, as_of=AS_OF, by="colour")


# --- churn reasons -----------------------------------------------------------------------------------


def test_churn_reasons_figure_by_customers_and_by_arr(engine):
    fig = figures.churn_reasons_figure(engine, period=PERIOD, title="Churn")
    bars, cumulative = fig.data
    # Lost in the period: price twice (#5, #6), competitor once (#7); #8 was lost before it.
    assert list(bars.x) == ["Price too high for the value", "Moved to a competitor"]
    assert _values(bars.y) == [2.0, 1.0] and _values(cumulative.y) == [0.6667, 1.0]
    by_arr = figures.churn_reasons_figure(engine, period=PERIOD, weight="arr_lost")
    # ARR lost: competitor 6,000; price 1,000 + 3,000 = 4,000; cumulative 6,000 / 10,000 = 0.6.
    assert list(by_arr.data[0].x) == ["Moved to a competitor", "Price too high for the value"]
    assert _values(by_arr.data[0].y) == [6000.0, 4000.0] and _values(by_arr.data[1].y) == [0.6, 1.0]
    assert by_arr.layout.yaxis.title.text == "ARR lost (€)"


def test_churn_reasons_figure_by_category_and_for_some_customers(engine):
    by_category = figures.churn_reasons_figure(engine, period=PERIOD, by_category=True)
    # Categories from the vocabulary: price is "commercial", competitor "competition".
    assert list(by_category.data[0].x) == ["Commercial", "Competition"]
    smb = figures.churn_reasons_figure(engine, period=PERIOD, flt=SMB)
    # SMB customers lost in the period: #5 and #6, both for price.
    assert list(smb.data[0].x) == ["Price too high for the value"] and _values(smb.data[0].y) == [2.0]
    nobody = figures.churn_reasons_figure(engine, period=Period(D(2026, 4, 1), D(2026, 4, 30)))
    assert list(nobody.data[0].x) == []


# --- from tiles --------------------------------------------------------------------------------------


def _tile(key: str, area: str, value: float, previous: float, unit: str = "stage", series=()) -> Tile:
    return Tile(key=key, label=f"Maturity: {key.split('_', 1)[1].capitalize()}" if area == "maturity" else key,
                unit=unit, value=value, previous=previous, n=12, n_previous=10, series=series, area=area)


def test_maturity_bars_figure_takes_the_maturity_tiles():
    tiles = [_tile("maturity_culture", "maturity", 2.5, 2.0), _tile("nps", "nps", 30.0, 20.0, "points"),
             _tile("maturity_technology", "maturity", 3.0, 3.5)]
    fig = figures.maturity_bars_figure(tiles, title="Maturity")
    previous, latest = fig.data
    assert list(latest.x) == ["Culture", "Technology"]
    assert list(previous.y) == [2.0, 3.5] and list(latest.y) == [2.5, 3.0]
    assert list(latest.text) == ["2.5", "3.0"]


def test_area_trend_figure_draws_the_areas_series():
    series = ((D(2026, 1, 31), 0.04), (D(2026, 2, 28), float("nan")), (D(2026, 3, 31), 0.06))
    tiles = [_tile("nps", "nps", 30.0, 20.0, "points", ((D(2026, 3, 31), 30.0),)),
             _tile("meeting_share", "meetings", 0.06, 0.04, "share", series)]
    fig = figures.area_trend_figure(tiles, area="meetings", title="Meetings")
    assert len(fig.data) == 1 and fig.data[0].name == "meeting_share"
    assert _months(fig.data[0].x) == ["2026-01", "2026-02", "2026-03"]
    assert _values(fig.data[0].y) == [0.04, None, 0.06]
    assert fig.layout.yaxis.tickformat == ".0%"
