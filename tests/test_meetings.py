"""Reference tests for cs_metrics.meetings: customer share, intervals, meeting drafts."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from cs_metrics import meetings as mt
from cs_metrics.errors import DataError
from cs_metrics.period import Period
from cs_metrics.stats import ratio_interval

Z = 1.959963984540054  # standard normal 97.5% quantile (scipy.stats.norm.ppf(0.975))


@pytest.fixture()
def three_meetings() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three meetings written out by hand; the expected numbers below are computed from them.

    M1 2026-01-12 IT department, customer item filled; items: direct 15 min, none 30 min,
       indirect 15 min (1 decision); decisions: 1 favours, 1 neutral.
    M2 2026-01-20 IT department, customer item empty; items: none 40, none 20, direct (minutes
       unknown); decisions: 1 worsens.
    M3 2026-02-03 Sales project, customer item filled; items: direct 30 (2 decisions), none 30;
       decisions: 2 favour.
    """
    meetings = pd.DataFrame(
        {
            "meeting_id": [1, 2, 3],
            "held_on": ["2026-01-12", "2026-01-20", "2026-02-03"],
            "department": ["IT", "IT", "Sales"],
            "meeting_type": ["department", "department", "project"],
            "customer_item_filled": [True, False, True],
            "decisions_favours": [1, 0, 2],
            "decisions_neutral": [1, 0, 0],
            "decisions_worsens": [0, 1, 0],
        }
    )
    items = pd.DataFrame(
        {
            "meeting_id": [1, 1, 1, 2, 2, 2, 3, 3],
            "relevance": ["direct", "none", "indirect", "none", "none", "direct", "direct", "none"],
            "minutes": [15, 30, 15, 40, 20, np.nan, 30, 30],
            "decisions": [0, 0, 1, 0, 0, 0, 2, 0],
        }
    )
    return items, meetings


def test_customer_share_overall_by_hand(three_meetings):
    items, meetings = three_meetings
    row = mt.customer_share(items, meetings).iloc[0]
    assert row["meetings"] == 3
    assert row["items"] == 8  # 3 + 3 + 2
    assert row["customer_items"] == 4  # M1: direct + indirect, M2: direct, M3: direct
    assert row["direct_items"] == 3
    assert row["item_share"] == pytest.approx(4 / 8)
    assert row["agenda_minutes"] == pytest.approx(180)  # 60 + 60 (unknown minutes left out) + 60
    assert row["customer_minutes"] == pytest.approx(60)  # 15 + 15, 0, 30
    assert row["time_share"] == pytest.approx(60 / 180)
    assert row["direct_time_share"] == pytest.approx(45 / 180)  # 15 + 0 + 30
    assert row["filled"] == 2 and row["filled_rate"] == pytest.approx(2 / 3)
    assert (row["decisions"], row["favours"], row["neutral"], row["worsens"]) == (5, 3, 1, 1)
    assert row["favours_per_meeting"] == pytest.approx(3 / 3)
    assert row["worsens_per_meeting"] == pytest.approx(1 / 3)
    # Customer items with a decision: M1's indirect item and M3's direct item; the other two were only mentioned.
    assert (row["decided_items"], row["mentions"]) == (2, 2)
    assert row["decision_rate"] == pytest.approx(0.5)
    assert row["vs_baseline"] == pytest.approx(60 / 180 - 0.05)
    assert not row["enough"] and row["baseline_verdict"] == "too few to read"


def test_customer_share_interval_by_hand(three_meetings):
    items, meetings = three_meetings
    row = mt.customer_share(items, meetings).iloc[0]
    # Time share: y = (30, 0, 30), x = (60, 60, 60), R = 1/3; residuals y - R x = (10, -20, 10),
    # sum of squares 600; var = 3/2 * 600 / 180^2 -> se = sqrt(900) / 180 = 1/6.
    assert row["time_share_low"] == pytest.approx(1 / 3 - Z / 6)
    assert row["time_share_high"] == pytest.approx(1 / 3 + Z / 6)
    # Item share: y = (2, 1, 1), x = (3, 3, 2), R = 1/2; residuals (0.5, -0.5, 0), sum of squares
    # 0.5; se = sqrt(1.5 * 0.5) / 8 = 0.1082532.
    se = math.sqrt(1.5 * 0.5) / 8
    assert row["item_share_low"] == pytest.approx(0.5 - Z * se)
    assert row["item_share_high"] == pytest.approx(0.5 + Z * se)


def test_customer_share_by_department(three_meetings):
    items, meetings = three_meetings
    out = mt.customer_share(items, meetings, by="department").set_index("department")
    assert list(out.index) == ["IT", "Sales"]
    # IT = M1 + M2: 30 customer minutes of 120; 3 customer items of 6.
    assert out.loc["IT", "time_share"] == pytest.approx(30 / 120)
    assert out.loc["IT", "item_share"] == pytest.approx(3 / 6)
    assert out.loc["IT", "filled_rate"] == pytest.approx(1 / 2)
    # Sales = M3 alone: 30 of 60; a single meeting has no interval.
    assert out.loc["Sales", "time_share"] == pytest.approx(0.5)
    assert math.isnan(out.loc["Sales", "time_share_low"])
    assert out.loc["Sales", "meetings"] == 1 and not out.loc["Sales", "enough"]


def test_customer_share_by_month_and_type(three_meetings):
    items, meetings = three_meetings
    out = mt.customer_share(items, meetings, by=("month", "meeting_type"))
    assert list(out["month"]) == [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01")]
    assert list(out["meetings"]) == [2, 1]
    assert out["time_share"].tolist() == pytest.approx([30 / 120, 30 / 60])
    quarters = mt.customer_share(items, meetings, by="quarter")
    assert list(quarters["quarter"]) == [pd.Timestamp("2026-01-01")] and quarters["meetings"].iloc[0] == 3


def test_customer_share_period_keeps_meetings_held_in_it(three_meetings):
    items, meetings = three_meetings
    period = Period(dt.date(2026, 1, 20), dt.date(2026, 2, 3))
    # The window is [2026-01-20, 2026-02-04): M3, held on its last day (end - 1 day), counts.
    assert period.end == dt.date(2026, 2, 4) and period.end - dt.timedelta(days=1) == dt.date(2026, 2, 3)
    row = mt.customer_share(items, meetings, period=period).iloc[0]
    # M2 and M3 (both ends included): 30 customer minutes of 60 + 60.
    assert row["meetings"] == 2
    assert row["time_share"] == pytest.approx(30 / 120)
    # A window ending on 2026-02-03 (exclusive) leaves M3 out: M2 alone, 0 customer minutes of 60.
    before = mt.customer_share(items, meetings, period=Period.window(dt.date(2026, 1, 20), dt.date(2026, 2, 3))).iloc[0]
    assert before["meetings"] == 1 and before["time_share"] == 0.0


def _uniform(n: int, relevance: tuple[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    meetings = pd.DataFrame(
        {"meeting_id": range(1, n + 1), "held_on": ["2026-03-02"] * n, "department": ["Board"] * n,
         "meeting_type": ["board"] * n, "customer_item_filled": [True] * n}
    )
    items = pd.DataFrame(
        {"meeting_id": [i for i in range(1, n + 1) for _ in relevance], "relevance": list(relevance) * n,
         "minutes": [10.0] * (2 * n)}
    )
    return items, meetings


def test_baseline_verdicts_need_five_meetings():
    # Five meetings, each half customer time: share 0.5 with no spread -> interval [0.5, 0.5].
    row = mt.customer_share(*_uniform(5, ("direct", "none"))).iloc[0]
    assert row["enough"] and row["time_share"] == 0.5 and row["baseline_verdict"] == "above baseline"
    # All-in-one class "none": share 0, interval [0, 0], below 5%.
    row = mt.customer_share(*_uniform(5, ("none", "none"))).iloc[0]
    assert row["time_share"] == 0 and row["baseline_verdict"] == "below baseline"
    # All-in-one class "direct": share 1.
    assert mt.customer_share(*_uniform(5, ("direct", "direct"))).iloc[0]["time_share"] == 1.0
    # Four meetings are too few to read, whatever the share.
    row = mt.customer_share(*_uniform(4, ("direct", "none"))).iloc[0]
    assert not row["enough"] and row["baseline_verdict"] == "too few to read"


def test_baseline_within_interval_is_not_distinguishable():
    # Shares per meeting 0, 0, 0, 0, 0.5 (10 of 20 min): R = 0.1, se = sqrt(5/4 * (4 * 4 + 64)) / 100 = 0.1
    # -> interval [0, 0.296], which contains 5%.
    items, meetings = _uniform(5, ("none", "none"))
    items.loc[8, "relevance"] = "direct"
    row = mt.customer_share(items, meetings).iloc[0]
    assert row["time_share"] == pytest.approx(0.1)
    assert row["time_share_high"] == pytest.approx(0.1 + Z * 0.1)
    assert row["baseline_verdict"] == "not distinguishable from baseline"


def test_customer_share_empty_input():
    meetings = pd.DataFrame(columns=["meeting_id", "held_on", "department", "meeting_type", "customer_item_filled"])
    items = pd.DataFrame(columns=["meeting_id", "relevance", "minutes"])
    row = mt.customer_share(items, meetings).iloc[0]
    assert row["meetings"] == 0 and math.isnan(row["time_share"]) and math.isnan(row["filled_rate"])
    by = mt.customer_share(items, meetings, by=("department", "meeting_type"))
    assert by.empty and {"department", "meeting_type", "time_share", "enough"} <= set(by.columns)


def test_customer_share_meeting_without_items_counts_in_fill_rate():
    meetings = pd.DataFrame(
        {"meeting_id": [1, 2], "held_on": ["2026-03-02", "2026-03-03"], "department": ["IT", "IT"],
         "meeting_type": ["other", "other"], "customer_item_filled": [True, False]}
    )
    items = pd.DataFrame({"meeting_id": [1], "relevance": ["indirect"], "minutes": [20.0]})
    row = mt.customer_share(items, meetings).iloc[0]
    assert row["meetings"] == 2 and row["items"] == 1 and row["filled_rate"] == 0.5
    assert row["time_share"] == 1.0  # 20 of 20 recorded agenda minutes


def test_customer_share_unknown_department_is_its_own_group(three_meetings):
    items, meetings = three_meetings
    meetings.loc[2, "department"] = "Warehouse Ops"
    assert "Warehouse Ops" in set(mt.customer_share(items, meetings, by="department")["department"])


def test_customer_share_rejects_bad_input(three_meetings):
    items, meetings = three_meetings
    with pytest.raises(DataError, match="relevance"):
        mt.customer_share(items.assign(relevance=["maybe"] + list(items["relevance"][1:])), meetings)
    with pytest.raises(DataError, match="label each item"):
        mt.customer_share(items.assign(relevance=[None] + list(items["relevance"][1:])), meetings)
    with pytest.raises(DataError, match="group meetings by"):
        mt.customer_share(items, meetings, by="region")
    with pytest.raises(DataError, match="lacks column"):
        mt.customer_share(items.drop(columns="minutes"), meetings)
    with pytest.raises(DataError, match="negative"):
        mt.customer_share(items.assign(minutes=-1), meetings)


def test_customer_share_accepts_rows_summed_per_meeting(three_meetings):
    items, meetings = three_meetings
    summed = (
        items.assign(minutes=items["minutes"].fillna(0), n_items=1, n_decided=(items["decisions"] > 0).astype(int))
        .groupby(["meeting_id", "relevance"], as_index=False)[["minutes", "n_items", "n_decided"]]
        .sum()
    )
    pd.testing.assert_frame_equal(mt.customer_share(summed, meetings), mt.customer_share(items, meetings))


def test_first_quarter_is_three_months_from_the_first_meeting():
    assert mt.first_quarter(dt.date(2025, 1, 31)) == Period(dt.date(2025, 1, 31), dt.date(2025, 4, 29))
    assert mt.first_quarter(None) is None


# --- shares of meetings summed once ----------------------------------------------------------------


def _reference_share(per: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The per-group summary as ``customer_share`` computed it before it was vectorised (pandas
    sums over each group's frame, one group at a time): the reference the arrays must match."""
    data = per.copy()
    data["month"] = data["held_on"].dt.to_period("M").dt.start_time
    data["quarter"] = data["held_on"].dt.to_period("Q").dt.start_time

    def summary(group: pd.DataFrame) -> dict:
        n = len(group)
        c_items, decided = float(group["customer_items"].sum()), float(group["decided_items"].sum())
        minutes = group["customer_minutes"].to_numpy(), group["agenda_minutes"].to_numpy()
        t, t_lo, t_hi = ratio_interval(*minutes)
        i, i_lo, i_hi = ratio_interval(group["customer_items"].to_numpy(), group["items"].to_numpy())
        agenda = float(group["agenda_minutes"].sum())
        enough = n >= mt.MIN_MEETINGS
        return {
            "meetings": n, "items": int(group["items"].sum()), "customer_items": int(c_items),
            "direct_items": int(group["direct_items"].sum()), "item_share": i, "item_share_low": i_lo,
            "item_share_high": i_hi, "agenda_minutes": agenda,
            "customer_minutes": float(group["customer_minutes"].sum()),
            "direct_minutes": float(group["direct_minutes"].sum()), "time_share": t, "time_share_low": t_lo,
            "time_share_high": t_hi,
            "direct_time_share": float(group["direct_minutes"].sum()) / agenda if agenda > 0 else math.nan,
            "filled": int(group["customer_item_filled"].sum()),
            "filled_rate": float(group["customer_item_filled"].mean()) if n else math.nan,
            "decisions": int(group[["favours", "neutral", "worsens"]].to_numpy().sum()),
            "favours": int(group["favours"].sum()), "neutral": int(group["neutral"].sum()),
            "worsens": int(group["worsens"].sum()),
            "favours_per_meeting": float(group["favours"].sum()) / n if n else math.nan,
            "worsens_per_meeting": float(group["worsens"].sum()) / n if n else math.nan,
            "decided_items": int(decided), "mentions": int(c_items - decided),
            "decision_rate": decided / c_items if c_items else math.nan, "vs_baseline": t - mt.BASELINE_SHARE,
            "baseline_verdict": mt._verdict(t_lo, t_hi, mt.BASELINE_SHARE, enough), "enough": enough,
        }

    if not keys:
        return pd.DataFrame([summary(data)], columns=list(mt.SHARE_COLUMNS))
    rows = [{**dict(zip(keys, key)), **summary(group)} for key, group in data.groupby(keys, sort=True)]
    return pd.DataFrame(rows, columns=keys + list(mt.SHARE_COLUMNS))


def _random_meetings(seed: int, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` meetings over two years with about four items each; minutes with decimals, some unknown."""
    rng = np.random.default_rng(seed)
    meetings = pd.DataFrame({
        "meeting_id": np.arange(1, n + 1),
        "held_on": pd.Timestamp("2024-11-04") + pd.to_timedelta(rng.integers(0, 730, n), unit="D"),
        "department": rng.choice(["IT", "Sales", "Board", "Logistics"], n),
        "meeting_type": rng.choice(["department", "project", "board"], n),
        "customer_item_filled": rng.random(n) < 0.6,
        "decisions_favours": rng.integers(0, 3, n), "decisions_neutral": rng.integers(0, 3, n),
        "decisions_worsens": rng.integers(0, 2, n),
    })
    k = 4 * n
    items = pd.DataFrame({
        "meeting_id": rng.integers(1, n + 1, k),
        "relevance": rng.choice(["none", "indirect", "direct"], k, p=[0.8, 0.1, 0.1]),
        "minutes": np.where(rng.random(k) < 0.1, np.nan, rng.random(k) * 37.3),
        "decisions": rng.integers(0, 2, k),
    })
    return items, meetings


@pytest.mark.parametrize("seed, n", [(1, 300), (2, 40), (3, 3)])
def test_share_of_meetings_matches_the_per_group_pandas_reference_exactly(seed, n):
    items, meetings = _random_meetings(seed, n)
    per = mt.per_meeting(items, meetings)
    period = Period(dt.date(2025, 2, 1), dt.date(2026, 1, 31))
    inside = per[(per["held_on"] >= pd.Timestamp(period.start)) & (per["held_on"] < pd.Timestamp(period.end))]
    groupings = ([], ["department"], ["department", "meeting_type"], ["department", "quarter"],
                 ["meeting_type", "month"])
    for by in groupings:
        # Reference: the earlier per-group pandas code; same numbers added in the same order.
        pd.testing.assert_frame_equal(mt.share_of_meetings(per, by=by), _reference_share(per, by),
                                      check_exact=True)
        pd.testing.assert_frame_equal(mt.share_of_meetings(per, by=by, period=period),
                                      _reference_share(inside, by), check_exact=True)
        pd.testing.assert_frame_equal(mt.customer_share(items, meetings, by=by, period=period),
                                      _reference_share(inside, by), check_exact=True)


def test_share_of_meetings_needs_the_summed_columns(three_meetings):
    items, meetings = three_meetings
    with pytest.raises(DataError, match="per_meeting"):
        mt.share_of_meetings(meetings)
    per = mt.per_meeting(items, meetings)
    with pytest.raises(DataError, match="department"):
        mt.share_of_meetings(per.drop(columns="department"), by="department")


def test_share_headline_by_hand(three_meetings):
    items, meetings = three_meetings
    february = Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    head = mt.share_headline(mt.per_meeting(items, meetings), period=february)
    # First meeting 2026-01-12: the first quarter is 2026-01-12 to 2026-04-11 and holds all three
    # meetings: 60 of 180 agenda minutes about customers (M1 15 + 15, M3 30). February holds M3
    # alone: 30 of 60 minutes.
    assert head.first_quarter_period == Period(dt.date(2026, 1, 12), dt.date(2026, 4, 11))
    assert head.first_quarter["meetings"] == 3 and head.first_quarter["time_share"] == pytest.approx(60 / 180)
    assert head.current["meetings"] == 1 and head.current["time_share"] == pytest.approx(30 / 60)
    assert head.change_vs_first_quarter == pytest.approx(30 / 60 - 60 / 180)
    empty = mt.share_headline(mt.per_meeting(items.iloc[0:0], meetings.iloc[0:0]), period=february)
    assert empty.current["meetings"] == 0
    assert empty.first_quarter is None and empty.first_quarter_period is None


# --- drafts --------------------------------------------------------------------------------------


def _draft(**changes) -> mt.MeetingDraft:
    base = dict(
        held_on=dt.date(2026, 3, 2), department="Logistics", meeting_type="department", duration_minutes=60,
        items=(mt.ItemDraft("Shift plan", 20), mt.ItemDraft("Late deliveries to customers", 30, "direct", "suggestion")),
        decisions=(mt.DecisionDraft("Earlier cut-off", "favours", 1),), customer_item_text="  Cut-off moved  ",
    )
    return mt.MeetingDraft(**{**base, **changes})


def test_meeting_problems_none_for_a_good_draft():
    assert mt.meeting_problems(_draft(), today=dt.date(2026, 3, 2)) == []
    checked = mt.check_meeting(_draft(), today=dt.date(2026, 3, 2))
    assert checked.customer_item_text == "Cut-off moved" and checked.customer_item_filled


def test_meeting_problems_minutes_over_duration():
    problems = mt.meeting_problems(_draft(duration_minutes=45), today=dt.date(2026, 3, 2))
    assert problems == [
        "The agenda items add up to 50 minutes, more than the meeting lasted (45 minutes): fix the minutes or the duration."
    ]


def test_meeting_problems_lists_every_problem():
    bad = _draft(
        held_on=dt.date(2026, 3, 3), department="Warehouse", meeting_type="standup", duration_minutes=0,
        items=(mt.ItemDraft("", 5, "maybe"),), decisions=(mt.DecisionDraft("", "better", 4),), attendees=0,
    )
    problems = " ".join(mt.meeting_problems(bad, today=dt.date(2026, 3, 2)))
    for expected in ("in the future", "Department 'Warehouse'", "Meeting type 'standup'", "duration",
                     "Attendees", "Agenda item 1 has no title", "relevance 'maybe'", "Decision 1 has no text",
                     "CX impact 'better'", "agenda item 5, which does not exist"):
        assert expected in problems
    with pytest.raises(mt.MeetingError):
        mt.check_meeting(bad, today=dt.date(2026, 3, 2))
    assert mt.meeting_problems(_draft(items=(), decisions=()), today=dt.date(2026, 3, 2)) == ["Add at least one agenda item."]
