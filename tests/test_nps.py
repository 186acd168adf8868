"""Reference tests for cs_metrics.nps (hand calculations written out)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from cs_metrics import nps
from cs_metrics.errors import DataError


@pytest.mark.parametrize(("score", "expected"), [(0, "detractor"), (6, "detractor"), (7, "passive"),
                                                 (8, "passive"), (9, "promoter"), (10, "promoter")])
def test_classify_boundaries(score, expected):
    # 0-6 detractor, 7-8 passive, 9-10 promoter (Reichheld's definition).
    assert nps.classify(score) == expected


def test_classify_series_and_bad_values_named():
    assert nps.classify(pd.Series([3, 7, 10])).tolist() == ["detractor", "passive", "promoter"]
    with pytest.raises(nps.ScoreError, match=r"11"):
        nps.classify(pd.Series([3, 11]))
    with pytest.raises(nps.ScoreError):
        nps.classify(7.5)
    with pytest.raises(DataError):
        nps.classify(pd.Series([5, None]))


def test_nps_interval_adjusted_wald_hand_calculation():
    # (20, 30, 50): raw NPS = 50% - 20% = 30. Rocks (2016) adjustment: n' = 103,
    # p' = 50.75/103 = 0.492718, d' = 20.75/103 = 0.201456, NPS' = 0.291262,
    # var = 0.492718 + 0.201456 - 0.291262^2 = 0.609341, SE = sqrt(0.609341/103) = 0.076916,
    # 95%: 0.291262 -/+ 1.959964 * 0.076916 = [0.140509, 0.442015].
    e = nps.nps_interval(20, 30, 50)
    assert (e.n, e.nps) == (100, 30.0)
    assert e.low == pytest.approx(14.0509, abs=1e-3)
    assert e.high == pytest.approx(44.2015, abs=1e-3)


def test_nps_interval_plain_wald_hand_calculation():
    # Wald: p = 0.5, d = 0.2, var = 0.5 + 0.2 - 0.3^2 = 0.61, SE = sqrt(0.61/100) = 0.078102,
    # 0.3 -/+ 1.959964 * 0.078102 = [0.146923, 0.453077].
    e = nps.nps_interval(20, 30, 50, method="wald")
    assert e.low == pytest.approx(14.6923, abs=1e-3)
    assert e.high == pytest.approx(45.3077, abs=1e-3)


def test_nps_interval_all_promoters_is_clipped():
    # (0, 0, 10): n' = 13, p' = 10.75/13 = 0.826923, d' = 0.75/13 = 0.057692, NPS' = 0.769231,
    # var = 0.884615 - 0.591716 = 0.292899, SE = sqrt(0.292899/13) = 0.150102,
    # low = 0.769231 - 1.959964*0.150102 = 0.475036; high = 1.063 -> clipped to 100.
    e = nps.nps_interval(0, 0, 10)
    assert e.nps == 100.0
    assert e.low == pytest.approx(47.5036, abs=1e-3)
    assert e.high == 100.0


def test_nps_interval_zero_responses_is_nan():
    e = nps.nps_interval(0, 0, 0)
    assert e.n == 0 and math.isnan(e.nps) and math.isnan(e.low) and math.isnan(e.high)


def test_nps_interval_rejects_negative_counts():
    with pytest.raises(DataError):
        nps.nps_interval(-1, 2, 3)


# --- nps_interval: more count triples ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "raw", "low", "high"),
    [
        # (1, 1, 1), n = 3: adjusted (1.75, 2.5, 1.75) / 6, NPS' = 0, var = 1.75/6 + 1.75/6 - 0 = 0.583333,
        # SE = sqrt(0.583333/6) = 0.311805, 0 -/+ 1.959964 * 0.311805 = [-0.611126, 0.611126].
        ((1, 1, 1), 0.0, -61.1126, 61.1126),
        # One promoter, n = 1: adjusted (0.75, 1.5, 1.75) / 4, NPS' = 0.25, var = 0.4375 + 0.1875 - 0.0625
        # = 0.5625, SE = sqrt(0.5625/4) = 0.375, 0.25 -/+ 0.734986 = [-0.484986, 0.984986].
        ((0, 0, 1), 100.0, -48.4986, 98.4986),
        # All detractors, (10, 0, 0): mirror of the all-promoter case above: NPS' = -0.769231,
        # SE = 0.150102, low = -1.063426 -> clipped to -100, high = -0.475036.
        ((10, 0, 0), -100.0, -100.0, -47.5036),
        # (5, 10, 15), n = 30: adjusted (5.75, 11.5, 15.75) / 33, NPS' = 10/33 = 0.303030,
        # var = 21.5/33 - 0.303030^2 = 0.559688, SE = sqrt(0.559688/33) = 0.130231,
        # 0.303030 -/+ 1.959964 * 0.130231 = [0.047781, 0.558279].
        ((5, 10, 15), 100 * 10 / 30, 4.7781, 55.8279),
    ],
)
def test_nps_interval_adjusted_wald_small_and_extreme_samples(counts, raw, low, high):
    e = nps.nps_interval(*counts)
    assert e.n == sum(counts)
    assert e.nps == pytest.approx(raw)
    assert e.low == pytest.approx(low, abs=1e-3)
    assert e.high == pytest.approx(high, abs=1e-3)


def test_nps_interval_other_level():
    # (20, 30, 50) at 90%: z = 1.644854; 0.291262 -/+ 1.644854 * 0.076916 = [0.164748, 0.417776].
    e = nps.nps_interval(20, 30, 50, level=0.90)
    assert e.low == pytest.approx(16.4748, abs=1e-3)
    assert e.high == pytest.approx(41.7776, abs=1e-3)


def test_nps_interval_rejects_unknown_method_and_level():
    with pytest.raises(DataError, match="method"):
        nps.nps_interval(1, 2, 3, method="bootstrap")
    with pytest.raises(DataError, match="level"):
        nps.nps_interval(1, 2, 3, level=95)


def test_counts_from_scores():
    assert nps.counts_from_scores(pd.Series([0, 6, 7, 8, 9, 10, 10])) == (2, 2, 3)
    assert nps.counts_from_scores(pd.Series([], dtype=int)) == (0, 0, 0)


# --- nps_difference ----------------------------------------------------------------------------------


def test_nps_difference_wald_matches_the_r_package_formula():
    # brendan-r/NPS, R/nps.R `nps.test(x, y)`: se.hat = sqrt(var.x/n.x + var.y/n.y) with
    # var = (p + d) - (p - d)^2, p.value = 1 - (pnorm(delta/se.hat) * 2 - 1). Written out for
    # (20, 30, 50) -> (10, 30, 60): NPS 0.3 -> 0.5; var.x = 0.61, var.y = 0.6 + 0.1 - 0.25 = 0.45;
    # se = sqrt(0.0061 + 0.0045) = 0.102956; delta = 0.2; z = 1.942572; p = 2 * (1 - Phi(1.942572))
    # = 0.052068; interval 0.2 -/+ 1.959964 * 0.102956 = [-0.001791, 0.401791].
    d = nps.nps_difference((20, 30, 50), (10, 30, 60), method="wald")
    assert d.diff == pytest.approx(20.0)
    assert d.se == pytest.approx(10.2956, abs=1e-3)
    assert d.p_value == pytest.approx(0.052068, abs=1e-5)
    assert d.low == pytest.approx(-0.17906, abs=1e-4)
    assert d.high == pytest.approx(40.17906, abs=1e-4)
    assert not d.significant
    assert (d.first.nps, d.second.nps, d.raw_diff) == (30.0, 50.0, 20.0)


def test_nps_difference_adjusted_wald_hand_calculation():
    # Each sample gets (0.75, 1.5, 0.75): first (20.75, 31.5, 50.75) / 103 -> NPS' = 30/103 = 0.291262,
    # var = 71.5/103 - 0.291262^2 = 0.609341; second (10.75, 31.5, 60.75) / 103 -> NPS' = 50/103 =
    # 0.485437, var = 71.5/103 - 0.485437^2 = 0.458526; diff = 20/103 = 0.194175,
    # se = sqrt(0.609341/103 + 0.458526/103) = 0.101822, z = 1.906990, p = 0.056519,
    # interval 0.194175 -/+ 1.959964 * 0.101822 = [-0.005392, 0.393741].
    d = nps.nps_difference((20, 30, 50), (10, 30, 60))
    assert d.diff == pytest.approx(19.41748, abs=1e-4)
    assert d.p_value == pytest.approx(0.056519, abs=1e-5)
    assert d.low == pytest.approx(-0.53919, abs=1e-4)
    assert d.high == pytest.approx(39.37414, abs=1e-4)
    assert d.raw_diff == pytest.approx(20.0)


def test_nps_difference_significant_drop():
    # (50, 100, 150) -> (60, 100, 140) is a fall of 6.6 adjusted points: first (50.75, 101.5, 150.75)/303,
    # NPS' = 100/303 = 0.330033, var = 201.5/303 - 0.330033^2 = 0.556095; second (60.75, 101.5, 140.75)/303,
    # NPS' = 80/303 = 0.264026, var = 201.5/303 - 0.264026^2 = 0.595307; se = sqrt((0.556095 +
    # 0.595307)/303) = 0.061644; diff = -0.066007; p = 2 * (1 - Phi(1.070763)) = 0.284274.
    d = nps.nps_difference((50, 100, 150), (60, 100, 140))
    assert d.diff == pytest.approx(-6.60066, abs=1e-4)
    assert d.p_value == pytest.approx(0.284274, abs=1e-5)
    assert nps.verdict(d) == "no detectable change (p = 0.284)"
    # Ten times the answers with the same shares: se shrinks by sqrt(10) and the drop becomes real.
    big = nps.nps_difference((500, 1000, 1500), (600, 1000, 1400))
    assert big.significant and big.diff < 0
    assert nps.verdict(big).startswith("down, significant at 95%")


def test_nps_difference_small_samples():
    # (1, 0, 1) -> (0, 0, 2), adjusted: (1.75, 1.5, 1.75)/5 -> NPS' = 0, var = 0.7; (0.75, 1.5, 2.75)/5 ->
    # NPS' = 0.4, var = 0.7 - 0.16 = 0.54; se = sqrt(0.7/5 + 0.54/5) = 0.497996; p = 2 * (1 - Phi(0.803220))
    # = 0.421848; interval 0.4 -/+ 0.976060 = [-0.576054, 1.376054] (not clipped).
    d = nps.nps_difference((1, 0, 1), (0, 0, 2))
    assert d.diff == pytest.approx(40.0)
    assert d.p_value == pytest.approx(0.421848, abs=1e-5)
    assert d.low == pytest.approx(-57.6054, abs=1e-3)
    assert d.high == pytest.approx(137.6054, abs=1e-3)


def test_nps_difference_all_promoters_in_both_plain_wald_has_no_variation():
    # Plain Wald with every answer a promoter: variance 1 + 0 - 1 = 0 in both samples, diff 0 -> p = 1.
    d = nps.nps_difference((0, 0, 5), (0, 0, 7), method="wald")
    assert (d.diff, d.se, d.p_value) == (0.0, 0.0, 1.0)
    assert nps.verdict(d) == "no detectable change (p = 1.000)"


def test_nps_difference_with_an_empty_sample_is_nan():
    d = nps.nps_difference((0, 0, 0), (1, 2, 3))
    assert math.isnan(d.diff) and math.isnan(d.p_value) and math.isnan(d.low)
    assert not d.significant
    assert nps.verdict(d).startswith("cannot be compared")


def test_nps_difference_rejects_bad_triples():
    with pytest.raises(DataError, match="triple"):
        nps.nps_difference((1, 2), (1, 2, 3))
    with pytest.raises(DataError):
        nps.nps_difference((1, 2, -3), (1, 2, 3))


# --- nps_table and nps_trend -------------------------------------------------------------------------


def test_nps_table_by_group_from_raw_scores():
    frame = pd.DataFrame({"segment": ["A", "A", "A", "B", None], "score": [10, 9, 3, 7, 0]})
    t = nps.nps_table(frame, by="segment")
    # A: 2 promoters, 1 detractor of 3 -> (2 - 1)/3 = 33.33; B: one passive -> 0; missing segment: one
    # detractor -> -100 (kept as its own group, not dropped).
    assert t["segment"].tolist()[:2] == ["A", "B"] and pd.isna(t["segment"].iloc[2])
    assert t["n"].tolist() == [3, 1, 1]
    assert t["nps"].tolist() == pytest.approx([100 / 3, 0.0, -100.0])
    # Each row's interval is nps_interval of its counts: A = (1, 0, 2).
    a = nps.nps_interval(1, 0, 2)
    assert (t.loc[0, "low"], t.loc[0, "high"]) == pytest.approx((a.low, a.high))


def test_nps_table_overall_and_by_quarter():
    frame = pd.DataFrame({
        "responded_on": pd.to_datetime(["2026-01-05", "2026-02-10", "2026-04-01", "2026-06-30"]),
        "score": [10, 2, 9, 9],
    })
    overall = nps.nps_table(frame)
    # 3 promoters, 1 detractor of 4: 75 - 25 = 50.
    assert overall[["n", "detractors", "passives", "promoters", "nps"]].iloc[0].tolist() == [4, 1, 0, 3, 50.0]
    q = nps.nps_table(frame, grain="quarter")
    assert q["period"].tolist() == [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-04-01")]
    assert q["nps"].tolist() == [0.0, 100.0]


def test_nps_table_from_counts_matches_raw_scores():
    raw = pd.DataFrame({"touchpoint": ["a"] * 4 + ["b"] * 2, "score": [0, 7, 9, 10, 5, 6]})
    counts = pd.DataFrame({"touchpoint": ["a", "b"], "detractors": [1, 2], "passives": [1, 0], "promoters": [2, 0]})
    pd.testing.assert_frame_equal(nps.nps_table(raw, by="touchpoint"), nps.nps_table(counts, by="touchpoint"))


def test_nps_table_empty_and_bad_input():
    empty = nps.nps_table(pd.DataFrame({"segment": [], "score": []}), by="segment")
    assert empty.empty and list(empty.columns) == ["segment", "n", "detractors", "passives", "promoters", "nps", "low", "high"]
    with pytest.raises(nps.ScoreError, match="11"):
        nps.nps_table(pd.DataFrame({"score": [3, 11]}))
    with pytest.raises(nps.ScoreError):
        nps.nps_table(pd.DataFrame({"score": [3, math.nan]}))
    with pytest.raises(DataError, match="region"):
        nps.nps_table(pd.DataFrame({"score": [3]}), by="region")
    with pytest.raises(DataError, match="period"):
        nps.nps_table(pd.DataFrame({"score": [3], "responded_on": ["2026-01-01"]}), grain="week")
    with pytest.raises(DataError, match="score"):
        nps.nps_table(pd.DataFrame({"value": [3]}))


def test_nps_trend_keeps_empty_months_and_flags_small_ones():
    monthly = pd.DataFrame({
        "month": pd.to_datetime(["2026-01-01", "2026-03-01"]),
        "detractors": [5, 1], "passives": [10, 1], "promoters": [25, 2],
    })
    # end is excluded: [15 Dec 2025, 1 Apr 2026) holds December to March.
    t = nps.nps_trend(monthly, start=dt.date(2025, 12, 15), end=dt.date(2026, 4, 1), min_n=30)
    assert t["period"].tolist() == list(pd.date_range("2025-12-01", "2026-03-01", freq="MS"))
    assert t["n"].tolist() == [0, 40, 0, 4]
    # January: (25 - 5) / 40 = 50; March: (2 - 1) / 4 = 25.
    assert t["nps"].tolist()[1] == 50.0 and t["nps"].tolist()[3] == 25.0
    assert math.isnan(t["nps"].iloc[0]) and math.isnan(t["low"].iloc[2])
    assert t["enough"].tolist() == [False, True, False, False]
    q = nps.nps_trend(monthly, grain="quarter", min_n=30)
    # Q1 together: (27 - 6) / 44 = 47.73, enough answers.
    assert q["n"].tolist() == [44] and q["nps"].iloc[0] == pytest.approx(2100 / 44) and q["enough"].iloc[0]


def test_nps_trend_empty():
    t = nps.nps_trend(pd.DataFrame({"month": [], "detractors": [], "passives": [], "promoters": []}),
                      start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 1))
    assert t["n"].tolist() == [0, 0] and not t["enough"].any()


# --- distribution and rates ------------------------------------------------------------------------


def test_score_distribution_fills_every_score():
    d = nps.score_distribution(pd.DataFrame({"score": [10, 3, 3], "n": [3, 1, 1]}))
    assert d["score"].tolist() == list(range(11))
    assert d.loc[d["score"] == 3, "n"].item() == 2 and d["n"].sum() == 5
    assert d.loc[d["score"] == 10, "share"].item() == pytest.approx(0.6)
    assert d["group"].tolist() == ["detractor"] * 7 + ["passive"] * 2 + ["promoter"] * 2
    empty = nps.score_distribution(pd.DataFrame({"score": [], "n": []}))
    assert empty["n"].sum() == 0 and empty["share"].isna().all()
    with pytest.raises(nps.ScoreError):
        nps.score_distribution(pd.DataFrame({"score": [12], "n": [1]}))


@pytest.mark.parametrize(
    ("count", "total", "low", "high"),
    [
        # Wilson (1927) with z = 1.959964, z^2 = 3.841459:
        # 30/100: centre (0.3 + 0.019207) / 1.038415 = 0.307399, half 1.959964 * sqrt(0.0021 + 0.000096) /
        # 1.038415 = 0.088450 -> [0.218949, 0.395849].
        (30, 100, 0.218949, 0.395849),
        # 0/10: centre (0 + 0.192073) / 1.384146 = 0.138767, half 1.959964 * sqrt(0 + 0.009604) / 1.384146
        # = 0.138767 -> [0, 0.277533].
        (0, 10, 0.0, 0.277533),
        # 10/10 mirrors 0/10.
        (10, 10, 0.722467, 1.0),
    ],
)
def test_rate_interval_wilson(count, total, low, high):
    r = nps.rate_interval(count, total)
    assert r.value == count / total
    assert r.low == pytest.approx(low, abs=1e-5)
    assert r.high == pytest.approx(high, abs=1e-5)


def test_rates_empty_and_bad():
    r = nps.response_rate(0, 0)
    assert math.isnan(r.value) and math.isnan(r.low)
    assert nps.comment_rate(200, 50).value == 0.25
    with pytest.raises(DataError, match="exceed"):
        nps.response_rate(10, 11)


# --- closed loop -----------------------------------------------------------------------------------


def _loop(rows):
    frame = pd.DataFrame(rows, columns=["responded_on", "follow_up_status", "follow_up_due", "follow_up_done_on"])
    for column in ("responded_on", "follow_up_due", "follow_up_done_on"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def test_follow_up_summary_hand_calculation():
    s = nps.follow_up_summary(
        _loop([
            ("2026-03-01", "done", "2026-03-08", "2026-03-03"),  # 2 days
            ("2026-03-01", "done", "2026-03-08", "2026-03-09"),  # 8 days
            ("2026-03-02", "done", None, "2026-03-22"),  # 20 days
            ("2026-03-10", "open", "2026-03-17", None),  # overdue on 31 March
            ("2026-03-28", "in_progress", "2026-04-04", None),  # not yet due
            ("2026-03-29", None, None, None),  # not started; due 7 days later (5 April), not overdue
            ("2026-03-05", "not_needed", None, None),  # out of the rate's denominator
        ]),
        as_of=dt.date(2026, 3, 31),
    )
    # 7 detractors, 6 needing a follow-up, 3 done -> 50%; median of (2, 8, 20) = 8 days.
    assert (s.detractors, s.needing, s.done, s.waiting, s.overdue) == (7, 6, 3, 3, 1)
    assert s.rate.value == 0.5
    assert s.median_days == 8.0


def test_follow_up_summary_empty_and_unknown_status():
    s = nps.follow_up_summary(_loop([]), as_of=dt.date(2026, 3, 31))
    assert (s.detractors, s.done) == (0, 0) and math.isnan(s.rate.value) and math.isnan(s.median_days)
    with pytest.raises(DataError, match="closed"):
        nps.follow_up_summary(_loop([("2026-03-01", "closed", None, None)]), as_of=dt.date(2026, 3, 31))


def test_follow_up_waiting_keeps_the_not_started_open_and_in_progress_in_order():
    loop = _loop([
        ("2026-03-01", "done", None, "2026-03-03"),
        ("2026-03-02", None, None, None),  # not started: waiting
        ("2026-03-03", "in_progress", None, None),  # waiting
        ("2026-03-04", "not_needed", None, None),
        ("2026-03-05", "open", None, None),  # waiting
    ])
    waiting = nps.follow_up_waiting(loop)
    # By hand: rows 2, 3 and 5, in the queue's order, numbered again from 0.
    assert waiting["responded_on"].dt.day.tolist() == [2, 3, 5] and waiting.index.tolist() == [0, 1, 2]
    assert nps.follow_up_waiting(_loop([])).empty


# --- figures (cs_metrics.charts.nps) -----------------------------------------------------------------


def test_trend_chart_draws_uncertain_periods_hollow_not_hidden():
    from cs_metrics.charts import nps as charts

    monthly = pd.DataFrame({"month": pd.to_datetime(["2026-01-01", "2026-02-01"]),
                            "detractors": [5, 1], "passives": [10, 1], "promoters": [25, 2]})
    fig = charts.trend_chart(nps.nps_trend(monthly, min_n=30), min_n=30)
    markers = {t.name: t for t in fig.data if t.mode == "markers"}
    assert len(markers["NPS"].x) == 1 and markers["NPS"].y[0] == 50.0
    uncertain = next(t for name, t in markers.items() if "too uncertain" in name)
    assert len(uncertain.x) == 1 and uncertain.y[0] == 25.0 and uncertain.marker.color == "white"


def test_breakdown_chart_sorts_groups_by_nps_and_labels_n():
    from cs_metrics.charts import nps as charts

    table = nps.nps_table(pd.DataFrame({"segment": ["A", "B"], "detractors": [40, 5], "passives": [10, 10],
                                        "promoters": [10, 40]}), by="segment")
    fig = charts.breakdown_chart(table, by="segment", min_n=30)
    # A: (10 - 40)/60 = -50, B: (40 - 5)/55 = +63.6; lowest first (plotly draws it at the bottom).
    assert list(fig.layout.yaxis.categoryarray) == ["A  (n = 60)", "B  (n = 55)"]


def test_distribution_chart_colours_the_three_groups():
    from cs_metrics.charts import NPS_COLOURS
    from cs_metrics.charts import nps as charts

    fig = charts.distribution_chart(nps.score_distribution(pd.DataFrame({"score": [3, 8, 10], "n": [1, 2, 3]})))
    assert [t.marker.color for t in fig.data] == [NPS_COLOURS[g] for g in ("detractor", "passive", "promoter")]
    assert [list(t.x) for t in fig.data] == [list(range(7)), [7, 8], [9, 10]]


def test_compare_to_rest_hand_calculation():
    # Groups a = (20, 30, 50) and b = (10, 30, 60): for b, the rest is a, so b - rest is the two-sample
    # difference written out above (plain Wald: +20 points, p = 0.052068); for a it is the mirror image.
    t = nps.nps_table(pd.DataFrame({"g": ["a", "b"], "detractors": [20, 10], "passives": [30, 30],
                                    "promoters": [50, 60]}), by="g")
    c = nps.compare_to_rest(t, method="wald").set_index("g")
    assert c.loc["b", "vs_rest"] == pytest.approx(20.0) and c.loc["a", "vs_rest"] == pytest.approx(-20.0)
    assert c["p_value"].tolist() == pytest.approx([0.052068, 0.052068], abs=1e-5)
    assert not c["significant"].any()
    # Three groups: the rest of c = (0, 0, 10) is a + b = (30, 60, 110).
    t3 = pd.concat([t, nps.nps_table(pd.DataFrame({"g": ["c"] * 10, "score": [10] * 10}), by="g")], ignore_index=True)
    row = nps.compare_to_rest(t3).set_index("g").loc["c"]
    expected = nps.nps_difference((30, 60, 110), (0, 0, 10))
    assert row["vs_rest"] == pytest.approx(expected.diff) and row["p_value"] == pytest.approx(expected.p_value)
    # A single group has no rest to compare with.
    one = nps.compare_to_rest(t.iloc[:1])
    assert math.isnan(one["p_value"].iloc[0]) and not one["significant"].iloc[0]
