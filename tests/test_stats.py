"""Shared statistics: the Wilson interval, ratio estimators, normal quantiles and p-value texts."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cs_metrics import stats
from cs_metrics.errors import DataError


def test_wilson_interval_against_statsmodels_and_by_hand():
    from statsmodels.stats.proportion import proportion_confint

    for k, n in [(0, 10), (3, 217), (20, 217), (10, 10), (1, 1)]:
        # Peer library: statsmodels' proportion_confint(method="wilson").
        assert stats.wilson_interval(k, n) == pytest.approx(proportion_confint(k, n, method="wilson"), abs=1e-9)
    # By hand, 0 of 10, z = 1.959964: upper = z^2 / (n + z^2) = 3.841459 / 13.841459 = 0.277533.
    assert stats.wilson_interval(0, 10)[1] == pytest.approx(3.841459 / 13.841459, abs=1e-6)
    assert all(math.isnan(v) for v in stats.wilson_interval(0, 0))
    with pytest.raises(DataError):
        stats.wilson_interval(3, 2)


def test_ratio_interval_one_cluster_and_zero_time():
    ratio, low, high = stats.ratio_interval(np.array([5.0]), np.array([20.0]))
    assert ratio == 0.25 and math.isnan(low) and math.isnan(high)
    assert all(math.isnan(v) for v in stats.ratio_interval(np.array([0.0, 0.0]), np.array([0.0, 0.0])))


def test_ratio_difference_hand_calculation_and_too_few_meetings():
    # first: R = (10 + 0) / 40 = 0.25, residuals 5, -5 -> var = 2/1 * 50 / 1600 = 0.0625
    # second: R = 30 / 40 = 0.75, residuals 5, -5 -> var = 0.0625
    # diff 0.5, se = sqrt(0.125) = 0.353553, z = 1.414214, p = 2 * norm.sf(1.414214) = 0.157299
    a = pd.DataFrame({"y": [10.0, 0.0], "x": [20.0, 20.0]})
    b = pd.DataFrame({"y": [20.0, 10.0], "x": [20.0, 20.0]})
    diff, p = stats.ratio_difference(a["y"], a["x"], b["y"], b["x"])
    assert diff == pytest.approx(0.5)
    assert p == pytest.approx(0.157299, abs=1e-6)
    d, p = stats.ratio_difference(a["y"][:1], a["x"][:1], b["y"], b["x"])  # one meeting: no variance estimate
    assert math.isnan(d) and math.isnan(p)


def test_z_value_and_level_outside_zero_one():
    # Standard normal quantile at 0.975 (any table): 1.959964.
    assert stats.z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    # At 0.95 (90% interval): 1.644854.
    assert stats.z_value(0.90) == pytest.approx(1.644854, abs=1e-6)
    with pytest.raises(DataError, match="level"):
        stats.z_value(95)


def test_p_text_thresholds_and_decimal_comma():
    assert stats.p_text(0.0499) == "p = 0.050"
    assert stats.p_text(0.000999) == "p < 0.001"
    assert stats.p_text(0.25, decimal=",") == "p = 0,250"
