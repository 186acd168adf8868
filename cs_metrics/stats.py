"""Statistics shared by every area: normal quantiles, the Wilson interval, ratio estimators and how
a p-value is written. Ground floor: it imports nothing of the project but its errors and the reader's language.

The argument words are the same everywhere: ``level`` is the confidence level (0.95 for a 95%
interval), never ``alpha`` or ``confidence``.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

from cs_metrics import i18n
from cs_metrics.errors import DataError

#: A change is called statistically detectable when the test's p-value is below this.
ALPHA = 0.05


def z_value(level: float = 0.95) -> float:
    """The two-sided standard normal quantile for a ``level`` interval.

    Example
    -------
    >>> round(z_value(0.95), 6)
    1.959964
    """
    if not 0 < level < 1:
        raise DataError(f"level must be between 0 and 1 (got {level}), e.g. 0.95.")
    return NormalDist().inv_cdf(0.5 + level / 2)


def wilson_interval(successes: int, n: int, *, level: float = 0.95) -> tuple[float, float]:
    """Wilson (1927) score interval for a proportion, good at small n and near 0 or 1; (nan, nan)
    when ``n`` is 0.

    Example
    -------
    0 of 10: the upper bound is 1.96^2 / (10 + 1.96^2) = 0.2775 (Wilson 1927, formula written out).
    30 of 100, z = 1.959964: centre = (0.3 + z^2/200) / (1 + z^2/100) = 0.307399, half-width =
    z * sqrt(0.3*0.7/100 + z^2/40000) / (1 + z^2/100) = 0.088450.

    >>> tuple(round(x, 4) for x in wilson_interval(0, 10))
    (0.0, 0.2775)
    >>> tuple(round(x, 4) for x in wilson_interval(30, 100))
    (0.2189, 0.3958)
    """
    if n < 0 or successes < 0 or successes > n:
        raise DataError(f"Need 0 <= successes <= n (got {successes} of {n}).")
    if n == 0:
        return math.nan, math.nan
    z = z_value(level)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _ratio_and_variance(num: np.ndarray, den: np.ndarray) -> tuple[float, float]:
    """Ratio of totals and its linearised variance (NaN variance below two clusters)."""
    total = float(den.sum())
    if total <= 0:
        return math.nan, math.nan
    ratio = float(num.sum()) / total
    n = len(den)
    if n < 2:
        return ratio, math.nan
    return ratio, n / (n - 1) * float(((num - ratio * den) ** 2).sum()) / total**2


def ratio_interval(num: np.ndarray, den: np.ndarray, *, level: float = 0.95) -> tuple[float, float, float]:
    """Ratio of totals ``sum(num) / sum(den)`` over clusters (e.g. meetings) and its interval.

    The variance is the linearised (Taylor) variance of a ratio estimator over ``n`` clusters
    (Cochran 1977, *Sampling Techniques*, section 6.4), with the ``n / (n - 1)`` correction:
    ``var = n / (n - 1) * sum((y_i - R x_i)^2) / X^2``. The normal interval is clipped to
    [0, 1]; fewer than two clusters give NaN bounds.

    Example
    -------
    >>> r, lo, hi = ratio_interval(np.array([10.0, 0.0]), np.array([20.0, 20.0]))
    >>> float(r), round(float(lo), 3), round(float(hi), 3)
    (0.25, 0.0, 0.74)
    """
    ratio, var = _ratio_and_variance(np.asarray(num, dtype=float), np.asarray(den, dtype=float))
    if math.isnan(var):
        return ratio, math.nan, math.nan
    half = z_value(level) * math.sqrt(var)
    return ratio, max(0.0, ratio - half), min(1.0, ratio + half)


def ratio_difference(
    first_num: np.ndarray, first_den: np.ndarray, second_num: np.ndarray, second_den: np.ndarray
) -> tuple[float, float]:
    """Difference of two independent ratio-of-totals estimates (second minus first) and its
    two-sided p-value (z-test; the variances of ``ratio_interval`` add up). NaN when either side
    has fewer than two clusters or no denominator.

    Example
    -------
    First: meetings with 10 of 20 and 0 of 20 minutes: R = 0.25, residuals 10 - 5 = 5 and
    0 - 5 = -5, var = 2 / 1 * 50 / 40^2 = 0.0625; second: 20 of 20 and 10 of 20: R = 0.75,
    residuals 5 and -5, var = 0.0625. Difference 0.5, SE = sqrt(0.125) = 0.35355, z = 1.41421,
    p = 2 * (1 - Phi(1.41421)) = 0.1573.

    >>> d, p = ratio_difference(np.array([10.0, 0.0]), np.array([20.0, 20.0]),
    ...                         np.array([20.0, 10.0]), np.array([20.0, 20.0]))
    >>> round(d, 4), round(p, 4)
    (0.5, 0.1573)
    """
    r1, v1 = _ratio_and_variance(np.asarray(first_num, dtype=float), np.asarray(first_den, dtype=float))
    r2, v2 = _ratio_and_variance(np.asarray(second_num, dtype=float), np.asarray(second_den, dtype=float))
    if math.isnan(v1) or math.isnan(v2):
        return math.nan, math.nan
    diff = r2 - r1
    se = math.sqrt(v1 + v2)
    if se == 0:
        return diff, 1.0 if diff == 0 else 0.0
    return diff, 2 * NormalDist().cdf(-abs(diff) / se)


def p_text(p_value: float, *, decimal: str | None = None) -> str:
    """A p-value as written in every text of the app: "p < 0.001" or "p = 0.052", with the reader's
    decimal separator unless ``decimal`` says which.

    >>> p_text(0.0521), p_text(0.0004), p_text(0.0521, decimal=",")
    ('p = 0.052', 'p < 0.001', 'p = 0,052')
    """
    if decimal is None:
        decimal = "," if i18n.language() == "it" else "."
    text = "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"
    return text.replace(".", decimal)
