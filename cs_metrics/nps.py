"""Net Promoter Score, computed from counts (never by averaging scores), with honest intervals.

NPS = %promoters (9-10) - %detractors (0-6), in points from -100 to 100. Its sampling interval
uses the adjusted-Wald method of Rocks (2016), "Confidence intervals for the Net Promoter Score":
add 0.75 detractor, 1.5 passive and 0.75 promoter pseudo-observations (3 in all), use the
trinomial variance p + d - (p - d)^2 of the adjusted proportions, centre the interval on the
adjusted estimate and clip it to [-100, 100]. It keeps its nominal coverage at small n, where the
plain Wald interval is too narrow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from cs_metrics.errors import DataError

CLASSES: tuple[str, ...] = ("detractor", "passive", "promoter")
#: Pseudo-observations of the adjusted-Wald method (Rocks 2016): detractor, passive, promoter.
ADJUSTMENT: tuple[float, float, float] = (0.75, 1.5, 0.75)


class ScoreError(DataError):
    """A likelihood-to-recommend score is outside 0-10, not an integer, or missing."""


def check_scores(scores: pd.Series) -> None:
    """Raise ``ScoreError`` naming the values that are not integers from 0 to 10."""
    values = pd.to_numeric(pd.Series(scores), errors="coerce")
    bad = values.isna() | (values < 0) | (values > 10) | (values % 1 != 0)
    if bad.any():
        shown = pd.Series(scores)[bad].head(5).tolist()
        raise ScoreError(
            f"{int(bad.sum())} score(s) are not whole numbers from 0 to 10 (e.g. {shown}); "
            "fix or remove them before computing NPS."
        )


def classify(score):
    """Class of a 0-10 score: 0-6 detractor, 7-8 passive, 9-10 promoter (vectorised for a Series).

    Example
    -------
    >>> classify(6), classify(7), classify(9)
    ('detractor', 'passive', 'promoter')
    """
    if isinstance(score, pd.Series):
        check_scores(score)
        values = score.astype(int)
        return pd.Series(
            np.select([values <= 6, values <= 8], ["detractor", "passive"], "promoter"),
            index=score.index,
            dtype=object,
        )
    check_scores(pd.Series([score], dtype=object))
    value = int(score)
    return "detractor" if value <= 6 else "passive" if value <= 8 else "promoter"


@dataclass(frozen=True)
class NpsEstimate:
    """NPS of one sample: ``nps`` is the raw score; ``low``/``high`` the interval (points)."""

    n: int
    nps: float
    low: float
    high: float
    detractors: int = 0
    passives: int = 0
    promoters: int = 0
    level: float = 0.95
    method: str = "adjusted_wald"


def _z(level: float) -> float:
    if not 0 < level < 1:
        raise DataError(f"level must be between 0 and 1 (got {level}).")
    return float(norm.ppf(1 - (1 - level) / 2))


def _check_counts(*counts: int) -> None:
    if any(c is None or c < 0 or int(c) != c for c in counts):
        raise DataError(f"Counts must be non-negative whole numbers (got {counts}).")


def _adjusted(detractors: float, passives: float, promoters: float, method: str) -> tuple[float, float, float]:
    """(nps, variance of one observation, n) on the proportion scale, after any adjustment."""
    if method == "adjusted_wald":
        detractors += ADJUSTMENT[0]
        passives += ADJUSTMENT[1]
        promoters += ADJUSTMENT[2]
    elif method != "wald":
        raise DataError(f"Unknown method {method!r}: use 'adjusted_wald' or 'wald'.")
    n = detractors + passives + promoters
    p, d = promoters / n, detractors / n
    return p - d, p + d - (p - d) ** 2, n


def nps_interval(
    detractors: int, passives: int, promoters: int, *, level: float = 0.95, method: str = "adjusted_wald"
) -> NpsEstimate:
    """NPS and its confidence interval from the three counts.

    Example
    -------
    20 detractors, 30 passives, 50 promoters: NPS = 50 - 20 = 30. Adjusted: n' = 103,
    p' = 50.75/103 = 0.49272, d' = 20.75/103 = 0.20146, NPS' = 0.29126, variance
    0.49272 + 0.20146 - 0.29126^2 = 0.60935, SE = sqrt(0.60935/103) = 0.076916, so the 95%
    interval is 29.126 +/- 1.95996 * 7.6916 = [14.05, 44.20].

    >>> e = nps_interval(20, 30, 50)
    >>> e.nps, round(e.low, 2), round(e.high, 2)
    (30.0, 14.05, 44.2)
    """
    _check_counts(detractors, passives, promoters)
    n = int(detractors + passives + promoters)
    if n == 0:
        return NpsEstimate(0, math.nan, math.nan, math.nan, 0, 0, 0, level, method)
    raw = (promoters - detractors) / n * 100.0
    centre, var, n_adj = _adjusted(detractors, passives, promoters, method)
    half = _z(level) * math.sqrt(max(var, 0.0) / n_adj)
    low = max(-100.0, (centre - half) * 100.0)
    high = min(100.0, (centre + half) * 100.0)
    return NpsEstimate(n, raw, low, high, int(detractors), int(passives), int(promoters), level, method)


def counts_from_scores(scores: pd.Series) -> tuple[int, int, int]:
    """(detractors, passives, promoters) from raw 0-10 scores (validated)."""
    classes = classify(pd.Series(scores))
    counts = classes.value_counts()
    return tuple(int(counts.get(c, 0)) for c in CLASSES)  # type: ignore[return-value]
