"""Reference tests for cs_metrics.nps (hand calculations written out)."""

from __future__ import annotations

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
