"""Tests for ``cs_metrics.ttfv.onboarding``: targets, stalled onboardings, head counts and early
churn by timeliness. Expected values are hand calculations written out next to each assertion."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from cs_metrics import ttfv
from cs_metrics.errors import DataError
from tests.ttfv.data import AS_OF, customers, milestones

# --- targets, stalled list, counts ---------------------------------------------------------------


def test_segment_targets_take_the_most_common_target_and_default_elsewhere():
    counts = pd.DataFrame({"segment": ["SMB", "SMB", "Enterprise", "Mid-Market"],
                           "target_days": [30, 45, 60, 0], "n": [90, 3, 12, 5]})
    assert ttfv.segment_targets(counts, segments=("SMB", "Mid-Market", "Enterprise", "New")) == {
        "Enterprise": 60.0, "Mid-Market": 30.0, "New": 30.0, "SMB": 30.0,  # 0 days is not a target
    }
    assert ttfv.segment_targets(counts.iloc[:0], segments=("SMB",), default=21) == {"SMB": 21.0}


def test_with_targets_stalled_list_and_counts():
    d = pd.DataFrame({
        "customer_id": [1, 2, 3, 4, 5, 6, 7],
        "segment": ["SMB", "SMB", "Enterprise", "Enterprise", "Unknown", "SMB", "SMB"],
        "arr": [10.0, 50.0, 500.0, 90.0, 5.0, 70.0, 1.0],
        "days": [25.0, 40.0, 70.0, 50.0, 31.0, 40.0, 20.0],
        "reached": [True, False, False, False, False, False, False],
        "left_before_value": [False, False, False, False, False, False, True],
    })
    out = ttfv.with_targets(d, targets={"SMB": 30, "Enterprise": 60}, default=30)
    # Targets: SMB 30, Enterprise 60, the unknown segment gets the default 30.
    assert out["target_days"].tolist() == [30, 30, 60, 60, 30, 30, 30]
    assert out["timeliness"].tolist() == ["on time", "late", "late", "not due yet", "late", "late", "left early"]
    stalled = ttfv.stalled_onboardings(out)
    # Past target and still onboarding: 3 (70 d), 2 and 6 (40 d; 6 has more ARR), 5 (31 d).
    assert stalled["customer_id"].tolist() == [3, 6, 2, 5]
    assert stalled["days_over_target"].tolist() == [10, 10, 10, 1]
    counts = ttfv.onboarding_counts(out)
    assert (counts.n, counts.reached, counts.still_onboarding, counts.past_target, counts.left_before_value) == (7, 1, 5, 4, 1)
    assert counts.censored == 6
    assert counts.sentence() == "5 still onboarding, of which 4 past target; 1 left before reaching first value"
    assert ttfv.targets_in(d, targets={"SMB": 30}, default=45) == {"Enterprise": 45, "SMB": 30, "Unknown": 45}
    with pytest.raises(DataError, match="positive number of days"):
        ttfv.with_targets(d, targets={"SMB": -3})


def test_stalled_list_empty_when_nobody_is_late():
    d = pd.DataFrame({"segment": ["SMB"], "days": [3.0], "reached": [False]})
    assert ttfv.stalled_onboardings(ttfv.with_targets(d, targets={})).empty


# --- early churn ---------------------------------------------------------------------------------


def test_early_churn_by_timeliness_against_hand_calculation():
    as_of = dt.date(2026, 6, 30)
    signed = pd.Timestamp("2026-01-01")
    rows = []
    for i in range(12):  # on time: 1 of 12 lost within 90 days
        rows.append(("on time", signed + pd.Timedelta(days=60) if i == 0 else pd.NaT))
    for i in range(12):  # late: 6 of 12 lost within 90 days, 1 more lost on day 120 (not early)
        rows.append(("late", signed + pd.Timedelta(days=80) if i < 6 else (signed + pd.Timedelta(days=120) if i == 6 else pd.NaT)))
    rows.append(("left early", signed + pd.Timedelta(days=10)))  # neither group
    rows.append(("late", pd.NaT))  # signed too recently: its 90 days are not complete
    d = pd.DataFrame(rows, columns=["timeliness", "churned_on"]).assign(signed_on=signed)
    d.loc[len(d) - 1, "signed_on"] = pd.Timestamp("2026-05-01")
    res = ttfv.early_churn_by_timeliness(d, as_of=as_of)
    t = res.table.set_index("group")
    assert t.loc["on time", ["n", "early_churned"]].tolist() == [12, 1]
    assert t.loc["late", ["n", "early_churned"]].tolist() == [12, 6]
    assert res.difference == pytest.approx(6 / 12 - 1 / 12)
    # Wilson interval written out: (p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n).
    z, n, p = 1.959963984540054, 12, 6 / 12
    centre, half = (p + z**2 / (2 * n)) / (1 + z**2 / n), z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    assert (t.loc["late", "low"], t.loc["late", "high"]) == pytest.approx((centre - half, centre + half))
    # Fisher's exact test, two-sided, by hand: margins 7 lost / 17 kept, 12 per group; sum the
    # hypergeometric probabilities of tables no more likely than the observed one (6 lost late).
    def prob(k):
        return math.comb(7, k) * math.comb(17, 12 - k) / math.comb(24, 12)
    observed = prob(6)
    expected_p = sum(prob(k) for k in range(0, 8) if prob(k) <= observed * (1 + 1e-7))
    assert res.p_value == pytest.approx(expected_p, rel=1e-9)
    # 50% against 8% looks large, but with 12 customers a side p = 0.069: not called a difference.
    assert res.enough and res.p_value > 0.05
    assert not res.differs
    assert res.text.startswith("No real difference in churn within 90 days")
    # At level 0.90 the same p = 0.069 is below 1 - 0.90 = 0.10: called a difference, late leaving more.
    loose = ttfv.early_churn_by_timeliness(d, as_of=as_of, level=0.90)
    assert loose.differs and loose.p_value == res.p_value
    assert loose.text.startswith("Customers who reached first value late left within 90 days more often")


def test_early_churn_with_too_few_customers_says_so():
    d = pd.DataFrame({"timeliness": ["on time", "late"], "churned_on": [pd.NaT, pd.NaT],
                      "signed_on": pd.Timestamp("2026-01-01")})
    res = ttfv.early_churn_by_timeliness(d, as_of=dt.date(2026, 6, 30))
    assert not res.enough and res.text.startswith("Too few customers")
    empty = ttfv.early_churn_by_timeliness(d.iloc[:0], as_of=dt.date(2026, 6, 30))
    assert empty.table["n"].tolist() == [0, 0] and math.isnan(empty.p_value)


def test_every_step_accepts_no_customers():
    d = ttfv.ttfv_durations(customers().iloc[:0], milestones().iloc[:0], as_of=AS_OF)
    status = ttfv.with_targets(d, targets={"SMB": 30})
    assert ttfv.stalled_onboardings(status).empty
    assert ttfv.onboarding_counts(status) == ttfv.OnboardingCounts(0, 0, 0, 0, 0)
    assert ttfv.cohort_trend(d).empty
    assert ttfv.faster_than_before(d, as_of=AS_OF).text.startswith("Too few customers")
    assert ttfv.early_churn_by_timeliness(status, as_of=AS_OF).table["n"].tolist() == [0, 0]
    assert ttfv.compare_groups_in_words(d, by="segment").text.startswith("Not enough customers")
    assert ttfv.curve_at(ttfv.survival_curve(d)).empty
