"""Reference tests for cs_metrics.churn: reasons, controllable churn, early churn, follow-up and
contradictions. Every expected number is a hand calculation written out next to it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cs_metrics import churn, health
from cs_metrics.errors import DataError

CHURN = pd.DataFrame(
    {
        "customer_id": [1, 2, 3, 4, 5, 6, 7],
        "churned_on": [
            "2025-01-10",
            "2025-02-10",
            "2025-04-05",
            "2025-05-20",
            "2025-07-01",
            "2025-07-15",
            "2025-08-01",
        ],
        "primary_reason": ["price", "price", "competitor", "acquired", "no_value", None, "price"],
        "contributing_reasons": ["no_value", None, "price;no_value", None, None, None, "competitor"],
        "category": ["commercial", "commercial", "competition", "company event", "value", None, "commercial"],
        "controllable": [True, True, True, False, True, None, True],
        "arr_lost": [10.0, 20.0, 300.0, 50.0, 40.0, 99.0, 30.0],
        "reason_confirmed": [True, True, False, True, True, False, True],
        "follow_up_call_on": [
            "2025-01-25",
            None,
            "2025-04-20",
            "2025-06-01",
            "2025-07-20",
            None,
            "2025-08-20",
        ],
    }
)


def test_reason_pareto_by_count_hand_calculation():
    p = churn.reason_pareto(CHURN)
    # 6 customers with a reason: price 3, competitor 1, acquired 1, no_value 1 (ties by name).
    assert p["reason"].tolist() == ["price", "acquired", "competitor", "no_value"]
    assert p["count"].tolist() == [3, 1, 1, 1]
    assert p["arr_lost"].tolist() == [60.0, 50.0, 300.0, 40.0]  # price: 10 + 20 + 30
    assert p["share"].tolist() == pytest.approx([3 / 6, 1 / 6, 1 / 6, 1 / 6])
    assert p["cumulative_share"].tolist() == pytest.approx([0.5, 4 / 6, 5 / 6, 1.0])
    assert p.attrs["missing"] == 1  # customer 6 has no reason yet


def test_reason_pareto_by_arr_sorts_by_money():
    p = churn.reason_pareto(CHURN, weight="arr_lost")
    # ARR with a reason: 60 + 300 + 50 + 40 = 450.
    # competitor 300/450, price 60/450, acquired 50/450, no_value 40/450.
    assert p["reason"].tolist() == ["competitor", "price", "acquired", "no_value"]
    assert p["share"].tolist() == pytest.approx([300 / 450, 60 / 450, 50 / 450, 40 / 450])
    assert p["cumulative_share"].iloc[-1] == pytest.approx(1.0)


def test_reason_pareto_by_category_one_row_per_category():
    p = churn.reason_pareto(CHURN, by_category=True)
    assert list(p.columns[:5]) == ["category", "count", "arr_lost", "share", "cumulative_share"]
    assert p.set_index("category")["count"].to_dict() == {
        "commercial": 3,
        "competition": 1,
        "company event": 1,
        "value": 1,
    }
    assert p["category"].is_unique


def test_reason_pareto_counts_contributing_reasons_too():
    p = churn.reason_pareto(CHURN, contributing=True).set_index("reason")
    # Mentions: price 3 primary + 1 contributing (customer 3); no_value 1 + 2 (customers 1, 3);
    # competitor 1 + 1 (customer 7); acquired 1. Total 10 mentions.
    assert p.loc["price", ["count", "primary", "contributing"]].tolist() == [4, 3, 1]
    assert p.loc["no_value", ["count", "primary", "contributing"]].tolist() == [3, 1, 2]
    assert p.loc["competitor", "count"] == 2
    assert p["share"].sum() == pytest.approx(1.0)
    assert p.loc["price", "share"] == pytest.approx(4 / 10)


def test_reason_pareto_unknown_reason_empty_one_row_and_all_in_one_class():
    odd = CHURN.iloc[:1].assign(primary_reason="left_for_the_moon", category=None)
    p = churn.reason_pareto(odd, by_category=True)
    assert p["category"].tolist() == [churn.UNCATEGORISED]
    assert churn.reason_pareto(odd)["reason"].tolist() == ["left_for_the_moon"]
    empty = churn.reason_pareto(CHURN.iloc[:0])
    assert empty.empty and list(empty.columns) == ["reason", "count", "arr_lost", "share", "cumulative_share"]
    one = churn.reason_pareto(CHURN.iloc[:1])
    assert one[["count", "share", "cumulative_share"]].values.tolist() == [[1, 1.0, 1.0]]
    nan_only = churn.reason_pareto(CHURN.iloc[5:6])
    assert nan_only.empty and nan_only.attrs["missing"] == 1
    with pytest.raises(DataError, match="column"):
        churn.reason_pareto(CHURN.drop(columns="primary_reason"))
    with pytest.raises(DataError):
        churn.reason_pareto(CHURN, weight="seats")


def test_controllable_split_uses_the_flag_then_the_reason():
    # Flags: 1, 2, 3, 5, 7 controllable (5 customers, ARR 10+20+300+40+30 = 400); 4 acquired (50);
    # 6 unknown (99). A missing flag on a known reason comes from the vocabulary.
    s = churn.controllable_split(CHURN).set_index("group")
    assert s["count"].tolist() == [5, 1, 1]
    assert s.loc[churn.CONTROLLABLE, "arr_lost"] == 400.0
    assert s["share"].tolist() == pytest.approx([5 / 7, 1 / 7, 1 / 7])
    filled = churn.controllable_split(CHURN.assign(controllable=None)).set_index("group")
    assert filled.loc[churn.NOT_CONTROLLABLE, "count"] == 1  # "acquired" is not controllable
    by_arr = churn.controllable_split(CHURN, weight="arr_lost")
    assert by_arr["share"].tolist() == pytest.approx([400 / 549, 50 / 549, 99 / 549])
    assert churn.controllable_split(CHURN.iloc[:0])["count"].tolist() == [0, 0, 0]


def test_reasons_by_quarter():
    q = churn.reasons_by_quarter(CHURN)
    # Q1: price x2 (Jan, Feb); Q2: competitor (Apr), acquired (May);
    # Q3: no_value, price (customer 6 has no reason).
    assert q[["quarter", "reason", "count"]].values.tolist() == [
        ["2025 Q1", "price", 2],
        ["2025 Q2", "acquired", 1],
        ["2025 Q2", "competitor", 1],
        ["2025 Q3", "no_value", 1],
        ["2025 Q3", "price", 1],
    ]
    assert q.attrs["missing"] == 1
    assert churn.reasons_by_quarter(CHURN, by_category=True)["category"].iloc[0] == "commercial"
    assert churn.reasons_by_quarter(CHURN.iloc[:0]).empty


def test_missing_reasons_reports_count_and_examples():
    issue = churn.missing_reasons(CHURN)
    assert issue.count == 1 and issue.examples["customer_id"].tolist() == [6]



# --- follow-up -----------------------------------------------------------------------------------


def test_follow_up_status_counts_and_queue():
    f = churn.follow_up_status(CHURN)
    # Called: 1, 3, 4, 5, 7 (5). Confirmed with a reason: 1, 2, 4, 5, 7 (5). Both: 1, 4, 5, 7 (4).
    assert (f.n, f.called, f.confirmed, f.complete) == (7, 5, 5, 4)
    assert f.share_complete == pytest.approx(4 / 7)
    # Queue, newest churn first: 6 (nothing), 3 (call but unconfirmed), 2 (confirmed but no call).
    assert f.queue["customer_id"].tolist() == [6, 3, 2]
    assert f.queue["missing"].tolist() == ["call and confirmed reason", "confirmed reason", "call"]
    assert churn.follow_up_status(CHURN.iloc[:0]).n == 0


# --- contradictions ------------------------------------------------------------------------------


def test_churn_contradictions_uses_health_bands_and_nps_classes():
    model = {"signals": {"usage": {"rule": "linear", "worst": 0, "best": 1, "weight": 1}}, "bands": [50, 75]}
    signals = pd.DataFrame(
        {
            "customer_id": [1, 2, 3],
            "month": ["2024-12-01"] * 3,
            "signal": ["usage"] * 3,
            "value": [0.9, 0.4, 0.75],
        }
    )
    scored = health.score_customers(signals, model)  # 90 green, 40 red, 75 yellow (75 is not above 75)
    nps = pd.DataFrame({"customer_id": [2, 3], "responded_on": ["2024-11-01", "2024-12-01"], "score": [9, 8]})
    out = churn.churn_contradictions(CHURN.iloc[:3], scored, nps)
    assert out["customer_id"].tolist() == [2, 1]  # newest churn first
    flags = out.set_index("customer_id")
    assert flags.loc[1, "green"] and not flags.loc[1, "promoter"]
    assert flags.loc[2, "promoter"] and flags.loc[2, "band"] == "red"
    assert flags.loc[2, "nps_days_before_churn"] == (dt.date(2025, 2, 10) - dt.date(2024, 11, 1)).days
    none = churn.churn_contradictions(CHURN.iloc[:3], scored.iloc[:0], nps.iloc[:0])
    assert none.empty


# --- the company's own reasons ---------------------------------------------------------------------

#: A company's reasons: one of its own, the consumer reason "moved", "unknown", and "price" relabelled.
REASONS = pd.DataFrame(
    {
        "key": ["cheaper_plan", "moved", "unknown", "price"],
        "label": ["Moved to cheaper plan", "Customer moved away", "Reason not known", "Too expensive"],
        "category": ["price", "customer circumstances", "unknown", "price"],
        "controllable": [True, False, None, True],
    }
)
#: Churned customers whose rows leave category and controllable empty (the reasons classify them).
MINE = pd.DataFrame(
    {
        "customer_id": [1, 2, 3, 4, 5, 6, 7],
        "churned_on": ["2025-01-10", "2025-02-11", "2025-04-03", "2025-04-20", "2025-05-02", "2025-07-09",
                       "2025-07-30"],
        "primary_reason": ["cheaper_plan", "cheaper_plan", "moved", "cheaper_plan", "unknown", "price", None],
        "category": [None] * 7,
        "controllable": [None] * 7,
        "arr_lost": [100.0, 200.0, 400.0, 300.0, 50.0, 1000.0, 70.0],
        "reason_confirmed": [True] * 6 + [False],
        "follow_up_call_on": [None] * 7,
    }
)


def test_reason_lookup_and_labels_from_the_company_reasons():
    assert churn.reason_label("cheaper_plan", REASONS) == "Moved to cheaper plan"
    assert churn.reason_label("price", REASONS) == "Too expensive"
    assert churn.reason_label("competitor", REASONS) == "competitor"  # not among the company's: its key
    assert churn.reason_label("competitor") == "Moved to a competitor"  # a new company's reasons
    assert churn.reason_lookup(REASONS)["unknown"] == ("Reason not known", "unknown", None)
    assert churn.category_flags(REASONS) == {"price": True, "customer circumstances": False, "unknown": None}
    with pytest.raises(DataError, match=r"needs the column\(s\) \['controllable'\]"):
        churn.reason_lookup(REASONS.drop(columns="controllable"))


def test_controllable_split_with_the_company_reasons_hand_counts():
    s = churn.controllable_split(MINE, reasons=REASONS).set_index("group")
    # Controllable: cheaper_plan x3 (customers 1, 2, 4: ARR 100 + 200 + 300) and price (6: 1,000) = 4,
    # ARR 1,600. Not controllable: moved (3: 400). Not known: "unknown" (5: 50) and no reason (7: 70).
    assert s["count"].tolist() == [4, 1, 2]
    assert s["arr_lost"].tolist() == [1600.0, 400.0, 120.0]
    assert s.index.tolist() == [churn.CONTROLLABLE, churn.NOT_CONTROLLABLE, churn.UNKNOWN]
    # A new company's reasons do not list cheaper_plan: its three customers become "not known".
    default = churn.controllable_split(MINE).set_index("group")
    assert default["count"].tolist() == [1, 1, 5]  # price; moved; cheaper_plan x3, unknown, no reason


def test_reason_pareto_by_category_with_the_company_reasons_hand_counts():
    p = churn.reason_pareto(MINE, by_category=True, reasons=REASONS).set_index("category")
    # price: cheaper_plan x3 + price = 4 (ARR 1,600); customer circumstances: moved 1 (400); unknown 1 (50);
    # customer 7 has no reason and is left out.
    assert p["count"].to_dict() == {"price": 4, "customer circumstances": 1, "unknown": 1}
    assert p.loc["price", "arr_lost"] == 1600.0
    assert p.attrs["missing"] == 1
    q = churn.reasons_by_quarter(MINE, by_category=True, reasons=REASONS)
    # Q1: cheaper_plan x2 (price); Q2: moved, cheaper_plan, unknown; Q3: price (customer 7 has no reason).
    assert q[["quarter", "category", "count"]].values.tolist() == [
        ["2025 Q1", "price", 2], ["2025 Q2", "customer circumstances", 1], ["2025 Q2", "price", 1],
        ["2025 Q2", "unknown", 1], ["2025 Q3", "price", 1]]


def test_follow_up_queue_and_contradictions_label_with_the_company_reasons():
    f = churn.follow_up_status(MINE, reasons=REASONS)
    # Nobody was called: all seven are in the queue, newest churn first (customers 7, 6, 5, 4, 3, 2, 1).
    assert pd.isna(f.queue["reason"].iloc[0])  # customer 7 has no reason yet
    assert f.queue["reason"].tolist()[1:] == ["Too expensive", "Reason not known", "Moved to cheaper plan",
                                              "Customer moved away", "Moved to cheaper plan", "Moved to cheaper plan"]
    scored = pd.DataFrame({"customer_id": [3], "month": ["2025-03-01"], "score": [80.0], "band": ["green"]})
    out = churn.churn_contradictions(MINE, scored, pd.DataFrame(columns=["customer_id", "responded_on", "score"]),
                                     reasons=REASONS)
    assert out[["customer_id", "reason"]].values.tolist() == [[3, "Customer moved away"]]
