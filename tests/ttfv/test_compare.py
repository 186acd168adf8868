"""Reference tests for ``cs_metrics.ttfv.compare``: the log-rank test, in numbers and in words, and
the trend of onboarding speed.

Sources of the expected numbers
-------------------------------
* "lifelines 0.30.3": ``KaplanMeierFitter`` / ``logrank_test`` / ``multivariate_logrank_test`` run
  by ``tests/reference/make_ttfv_references.py`` on the same data (lifelines is not a dependency;
  the script says how to run it).
* Hand calculations, written out next to the assertion.
* Textbooks: Kleinbaum & Klein, *Survival Analysis: A Self-Learning Text* (3rd ed.), ch. 2, for the
  Freireich leukaemia trial; R's ``survival::survdiff`` values quoted in statsmodels' own test suite.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from cs_metrics import ttfv
from tests.ttfv.data import FREIREICH, TINY, bmt

# --- log-rank ------------------------------------------------------------------------------------


def test_compare_groups_freireich_logrank_against_textbook_and_lifelines():
    r = ttfv.compare_groups(FREIREICH, by="group")
    # Kleinbaum & Klein ch. 2: log-rank chi-square 16.79 on 1 df (R: survdiff(Surv(time, cens) ~
    # treat, data = MASS::gehan) gives 16.8, p = 4e-05). lifelines 0.30.3 logrank_test:
    # 16.792940989216547, p = 4.168809109334511e-05.
    assert r.dof == 1
    assert r.chi2 == pytest.approx(16.792940989216547, rel=1e-9)
    assert r.p_value == pytest.approx(4.168809109334511e-05, rel=1e-7)
    assert isinstance(r, tuple) and r == (r.chi2, r.dof, r.p_value)


def test_bmt_logrank_against_lifelines_and_r():
    data = bmt()
    three = ttfv.compare_groups(data, by="group")
    # lifelines 0.30.3 multivariate_logrank_test: 13.80372188722232, 2 df, p = 0.0010059117411473995
    # (Klein & Moeschberger report 13.8 on 2 df for the three disease groups).
    assert three.dof == 2
    assert three.chi2 == pytest.approx(13.80372188722232, rel=1e-9)
    assert three.p_value == pytest.approx(0.0010059117411473995, rel=1e-7)
    aml = ttfv.compare_groups(data[data["group"] != "ALL"], by="group")
    # R survival::survdiff on the two AML groups: 13.44556 (quoted in statsmodels'
    # duration/tests/test_survfunc.py::test_survdiff); lifelines 0.30.3: 13.445562746329736,
    # p = 0.0002455863454895981.
    assert aml.chi2 == pytest.approx(13.44556, abs=1e-4)
    assert aml.p_value == pytest.approx(0.0002455863454895981, rel=1e-7)


def test_one_group_cannot_be_compared():
    r = ttfv.compare_groups(TINY.assign(g="only"), by="g")
    assert (r.dof, math.isnan(r.chi2), math.isnan(r.p_value)) == (0, True, True)
    words = ttfv.compare_groups_in_words(TINY.assign(g="only"), by="g")
    assert not words.differs and "Not enough customers" in words.text


def test_one_customer_group_is_tested_but_left_out_in_words():
    d = pd.DataFrame({"days": [3.0, 5.0, 5.0, 9.0], "reached": [1, 1, 0, 1], "g": ["a", "a", "b", "a"]})
    r = ttfv.compare_groups(d, by="g")
    # lifelines 0.30.3 logrank_test with a one-customer group: 0.8305084745762723, p = 0.36212553949166193.
    assert r.chi2 == pytest.approx(0.8305084745762723, rel=1e-9)
    assert r.p_value == pytest.approx(0.36212553949166193, rel=1e-7)
    big = pd.concat([FREIREICH, pd.DataFrame({"group": ["lonely"], "days": [3], "reached": [1]})])
    words = ttfv.compare_groups_in_words(big, by="group", label="Arm")
    assert words.groups == ("6-MP", "placebo") and words.left_out == ("lonely",)
    assert words.differs and words.result.chi2 == pytest.approx(16.792940989216547)
    assert "differs by arm" in words.text and "1 group(s) with fewer than 10 customers left out" in words.text
    assert ttfv.small_groups(big, by="group").to_dict("records") == [{"group": "lonely", "n": 1}]


def test_compare_groups_p_value_does_not_underflow():
    fast = pd.DataFrame({"days": np.arange(1, 401) % 10 + 1, "reached": 1, "g": "fast"})
    slow = pd.DataFrame({"days": np.arange(1, 401) % 10 + 200, "reached": 1, "g": "slow"})
    r = ttfv.compare_groups(pd.concat([fast, slow]), by="g")
    # 1 - chi2.cdf rounds to exactly 0 for a statistic this large; chi2.sf keeps the tail.
    assert r.chi2 > 500 and 0 < r.p_value < 1e-100


# --- trend ---------------------------------------------------------------------------------------


def _windows(recent_days: int, earlier_days: int, n: int = 20) -> pd.DataFrame:
    recent = pd.DataFrame({"signed_on": pd.Timestamp("2026-03-01"), "days": float(recent_days), "reached": True}, index=range(n))
    earlier = pd.DataFrame({"signed_on": pd.Timestamp("2025-03-01"), "days": float(earlier_days), "reached": True}, index=range(n))
    return pd.concat([recent, earlier], ignore_index=True)


def test_faster_than_before_says_faster_slower_or_no_change():
    as_of = dt.date(2026, 6, 30)
    faster = ttfv.faster_than_before(_windows(10, 40), as_of=as_of)
    assert faster.faster is True and (faster.recent_median, faster.earlier_median) == (10, 40)
    assert faster.text.startswith("Onboarding is getting faster")
    assert ttfv.faster_than_before(_windows(40, 10), as_of=as_of).faster is False
    same = ttfv.faster_than_before(_windows(20, 20), as_of=as_of)
    assert same.faster is None and same.text.startswith("No real change")
    few = ttfv.faster_than_before(_windows(10, 40, n=3), as_of=as_of)
    assert few.faster is None and few.text.startswith("Too few customers")


def test_cohort_trend_marks_unreadable_cohorts():
    d = pd.DataFrame({"signing_quarter": ["2026 Q1"] * 12 + ["2026 Q2"] * 3 + ["2026 Q3"] * 12,
                      "days": [10.0] * 15 + [5.0] * 12, "reached": [True] * 15 + [False] * 12})
    t = ttfv.cohort_trend(d)
    assert t["group"].tolist() == ["2026 Q1", "2026 Q2", "2026 Q3"]
    # Q2 has 3 customers (< 10); Q3 has nobody at first value yet, so no median.
    assert t["enough"].tolist() == [True, False, False]
    assert math.isnan(t["median"].iloc[2])
