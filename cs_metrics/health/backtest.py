"""Does the score predict churn? Churn rate per band with Wilson intervals and the AUC of the
score for churn within a horizon, with a DeLong (or Hanley-McNeil) interval."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cs_metrics.errors import DataError
from cs_metrics.health.movement import month_starts
from cs_metrics.health.scoring import band
from cs_metrics.i18n import _, formats
from cs_metrics.stats import wilson_interval, z_value
from cs_metrics.vocab import HEALTH_BANDS as BANDS

#: Below this many churned (or staying) customers a back-test is too uncertain to read.
MIN_BACKTEST_EVENTS = 10


def _midranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n with ties sharing their average rank (midranks)."""
    return pd.Series(values).rank(method="average").to_numpy(dtype=float)


@dataclass(frozen=True)
class AucResult:
    """Area under the ROC curve with its standard error and interval.

    ``auc`` is P(a positive case ranks above a negative one) + half the probability of a tie.
    """

    auc: float
    se: float
    low: float
    high: float
    n_positive: int
    n_negative: int
    method: str
    level: float


def auc_interval(
    predictor: pd.Series | np.ndarray, outcome: pd.Series | np.ndarray, *,
    method: str = "delong", level: float = 0.95,
) -> AucResult:
    """AUC from the Mann-Whitney statistic, with a DeLong or Hanley-McNeil interval.

    Parameters
    ----------
    predictor
        Higher values should mean the outcome is more likely (pass ``-score`` for churn).
    outcome
        True/1 for positive cases (e.g. churned), False/0 otherwise. NaN predictors are dropped.
    method
        ``"delong"``: variance from the structural components of DeLong, DeLong & Clarke-Pearson
        (1988), Biometrics 44:837-845, computed with midranks (Sun & Xu 2014).
        ``"hanley_mcneil"``: Hanley & McNeil (1982), Radiology 143:29-36, equation 2.
    level
        Confidence level of the interval.

    Returns
    -------
    AucResult
        NaN everywhere when either class is empty. The interval is AUC +/- z SE, clipped to [0, 1].

    Example
    -------
    Positives 3 and 2, negatives 1 and 2: of 4 pairs 3 win, 1 ties, so AUC = (3 + 0.5) / 4.

    >>> auc_interval([3, 2, 1, 2], [1, 1, 0, 0]).auc
    0.875
    """
    x = np.asarray(predictor, dtype=float)
    y = np.asarray(outcome).astype(bool)
    if x.shape != y.shape:
        raise DataError("predictor and outcome must have the same length.")
    keep = ~np.isnan(x)
    x, y = x[keep], y[keep]
    pos, neg = x[y], x[~y]
    m, n = len(pos), len(neg)
    if method not in ("delong", "hanley_mcneil"):
        raise DataError(f"Unknown AUC interval method {method!r}; use 'delong' or 'hanley_mcneil'.")
    if m == 0 or n == 0:
        return AucResult(math.nan, math.nan, math.nan, math.nan, m, n, method, level)
    ranks = _midranks(np.concatenate([pos, neg]))
    auc = float((ranks[:m].sum() - m * (m + 1) / 2) / (m * n))  # Mann-Whitney U / (m n)
    if method == "delong":
        v10 = (ranks[:m] - _midranks(pos)) / n  # share of negatives each positive beats (ties 1/2)
        v01 = 1.0 - (ranks[m:] - _midranks(neg)) / m  # share of positives that beat each negative
        s10 = float(np.var(v10, ddof=1)) if m > 1 else 0.0
        s01 = float(np.var(v01, ddof=1)) if n > 1 else 0.0
        var = s10 / m + s01 / n
    else:
        q1, q2 = auc / (2 - auc), 2 * auc * auc / (1 + auc)
        var = (auc * (1 - auc) + (m - 1) * (q1 - auc * auc) + (n - 1) * (q2 - auc * auc)) / (m * n)
    se = math.sqrt(max(var, 0.0))
    z = z_value(level)
    return AucResult(auc, se, max(0.0, auc - z * se), min(1.0, auc + z * se), m, n, method, level)


@dataclass(frozen=True)
class BacktestResult:
    """What happened to customers after a month's scores: does the score separate churners?

    Attributes
    ----------
    month
        The month whose scores are tested (first day).
    window_start, window_end
        Churn is counted on ``[window_start, window_end)``: from the day after the month ends,
        for ``horizon_days`` days. Scores use only that month's signals, so they precede churn.
    n, churned, unscored
        Customers scored and still customers when the window opens; of them, those who churned
        in the window; customers of the month without any signal (left out).
    by_band
        ``band``, ``n``, ``churned``, ``rate``, ``low``, ``high`` (Wilson interval).
    auc
        ``AucResult`` of the score for churn: the chance that a customer who churned had a lower
        score than one who stayed (ties count half). 0.5 is no better than a coin.
    churned_while_green
        The scored rows of customers who churned in the window although green, with ``churned_on``.
    """

    month: Any
    window_start: Any
    window_end: Any
    horizon_days: int
    n: int
    churned: int
    unscored: int
    by_band: pd.DataFrame
    auc: AucResult
    churned_while_green: pd.DataFrame

    @property
    def window_last(self) -> Any:
        """The last day of the outcome window (``window_end`` is exclusive)."""
        return None if self.window_end is None else self.window_end - pd.Timedelta(days=1)

    @property
    def enough(self) -> bool:
        """True when both churners and stayers number at least ``MIN_BACKTEST_EVENTS``."""
        return self.churned >= MIN_BACKTEST_EVENTS and self.n - self.churned >= MIN_BACKTEST_EVENTS

    @property
    def separates(self) -> bool:
        """True when the whole AUC interval lies above 0.5 (the score tells churners apart)."""
        return bool(self.auc.low > 0.5)


def backtest_months(scores: pd.DataFrame, *, horizon_days: int = 90, as_of: Any = None) -> list[pd.Timestamp]:
    """Scored months whose whole outcome window (``horizon_days`` after the month) ends by ``as_of``.

    ``as_of`` is the last day outcomes are known; by default the last day of the latest scored month.
    """
    if scores.empty:
        return []
    months = [pd.Timestamp(mo) for mo in sorted(month_starts(scores["month"]).unique())]
    last_known = pd.Timestamp(as_of) if as_of is not None else months[-1] + pd.offsets.MonthEnd(0)
    known_until = last_known + pd.Timedelta(days=1)  # exclusive
    return [mo for mo in months if mo + pd.offsets.MonthBegin(1) + pd.Timedelta(days=horizon_days) <= known_until]


def _nothing_to_test(scores: pd.DataFrame, horizon_days: int, level: float) -> BacktestResult:
    by_band = pd.DataFrame({"band": list(BANDS), "n": 0, "churned": 0, "rate": np.nan, "low": np.nan,
                            "high": np.nan})
    nothing = AucResult(math.nan, math.nan, math.nan, math.nan, 0, 0, "delong", level)
    return BacktestResult(None, None, None, horizon_days, 0, 0, 0, by_band, nothing,
                          scores.iloc[0:0].assign(churned_on=pd.NaT))


def backtest(
    scores: pd.DataFrame, churn: pd.DataFrame, *, horizon_days: int = 90, month: Any = None,
    as_of: Any = None, thresholds: tuple[float, float] = (50, 75), level: float = 0.95,
) -> BacktestResult:
    """Check a month's scores against churn in the ``horizon_days`` that follow the month.

    Parameters
    ----------
    scores
        Scored customer-months: ``customer_id``, ``month``, ``score`` and ``band`` (computed
        from ``thresholds`` when absent); other columns (name, owner, arr) are kept in the list
        of customers who churned while green.
    churn
        ``customer_id``, ``churned_on`` (customers never churned may be absent or NaT).
    horizon_days
        Length of the outcome window, starting the day after the tested month ends.
    month
        The month to test; by default the latest one whose window ends by ``as_of``.
    as_of
        Last day churn is known (default: last day of the latest scored month). A month whose
        window runs past it cannot be tested (``DataError``): its outcome is not known yet.
    thresholds
        Band thresholds used when ``scores`` has no ``band`` column.
    level
        Confidence level of the Wilson and AUC intervals.

    Returns
    -------
    BacktestResult
        With ``n == 0`` and NaN AUC when nothing can be tested.

    Example
    -------
    >>> s = pd.DataFrame({"customer_id": [1, 2, 3, 4], "month": ["2026-01-01"] * 4,
    ...                   "score": [20.0, 60.0, 80.0, 90.0]})
    >>> c = pd.DataFrame({"customer_id": [1, 3], "churned_on": ["2026-02-10", "2026-03-01"]})
    >>> r = backtest(s, c, horizon_days=90, as_of="2026-06-30")
    >>> r.churned, r.auc.auc, r.churned_while_green["customer_id"].tolist()
    (2, 0.75, [3])
    """
    if int(horizon_days) <= 0:
        raise DataError(_("horizon_days must be a positive number of days (got {days}).").format(days=horizon_days))
    horizon_days = int(horizon_days)
    eligible = backtest_months(scores, horizon_days=horizon_days, as_of=as_of)
    if month is None:
        if not eligible:
            return _nothing_to_test(scores, horizon_days, level)
        month = eligible[-1]
    month = pd.Timestamp(month).to_period("M").to_timestamp()
    if month not in eligible:
        last = formats.month(eligible[-1]) if eligible else _("none")
        raise DataError(
            _("Churn in the {days} days after {month} is not fully known yet; "
              "pick a month up to {last} or a shorter horizon.").format(
                days=horizon_days, month=formats.month(month), last=last)
        )
    start = month + pd.offsets.MonthBegin(1)
    end = start + pd.Timedelta(days=horizon_days)
    in_month = month_starts(scores["month"]).to_numpy() == month.to_datetime64()
    rows = scores[in_month].drop_duplicates("customer_id").copy()
    if "band" not in rows:
        rows["band"] = band(rows["score"].astype(float), thresholds)
    when = pd.to_datetime(churn.drop_duplicates("customer_id").set_index("customer_id")["churned_on"])
    rows["churned_on"] = rows["customer_id"].map(when)
    rows = rows[~(rows["churned_on"] < start)]  # gone before the window opens: no outcome to test
    unscored = int(rows["score"].isna().sum())
    rows = rows[rows["score"].notna()]
    hit = (rows["churned_on"] >= start) & (rows["churned_on"] < end)
    by_band = []
    for name in BANDS:
        in_band = rows["band"] == name
        k, nb = int((hit & in_band).sum()), int(in_band.sum())
        low, high = wilson_interval(k, nb, level=level)
        by_band.append({"band": name, "n": nb, "churned": k, "rate": k / nb if nb else np.nan,
                        "low": low, "high": high})
    auc = auc_interval(-rows["score"].to_numpy(dtype=float), hit.to_numpy(), level=level)
    green = rows[hit & (rows["band"] == "green")].sort_values("churned_on").reset_index(drop=True)
    return BacktestResult(
        month=month, window_start=start, window_end=end, horizon_days=horizon_days, n=int(len(rows)),
        churned=int(hit.sum()), unscored=unscored, by_band=pd.DataFrame(by_band), auc=auc,
        churned_while_green=green,
    )


def backtest_by_month(
    scores: pd.DataFrame, churn: pd.DataFrame, *, horizon_days: int = 90, as_of: Any = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """``backtest`` for every testable month: ``month``, ``n``, ``churned``, ``auc``, ``low``, ``high``."""
    rows = []
    for mo in backtest_months(scores, horizon_days=horizon_days, as_of=as_of):
        r = backtest(scores, churn, horizon_days=horizon_days, month=mo, as_of=as_of, level=level)
        rows.append({"month": mo, "n": r.n, "churned": r.churned, "auc": r.auc.auc, "low": r.auc.low,
                     "high": r.auc.high})
    return pd.DataFrame(rows, columns=["month", "n", "churned", "auc", "low", "high"])


def band_before_churn(
    scores: pd.DataFrame, churn: pd.DataFrame, *, start: Any = None, end: Any = None
) -> pd.DataFrame:
    """Each churned customer's last score from a month that ended before the churn date.

    Only churn dates in ``[start, end)`` count (``end`` exclusive; either bound may be left out).
    Returns ``customer_id``, ``churned_on``, ``month``, ``score``, ``band`` (one row per churned
    customer that had such a score); ``band_shares`` of it says how many were green when they left.

    Example
    -------
    >>> s = pd.DataFrame({"customer_id": [1, 1], "month": ["2026-01-01", "2026-02-01"],
    ...                   "score": [80.0, 40.0], "band": ["green", "red"]})
    >>> c = pd.DataFrame({"customer_id": [1], "churned_on": ["2026-02-20"]})
    >>> band_before_churn(s, c, start="2026-02-01", end="2026-03-01")["band"].tolist()
    ['green']
    """
    cols = ["customer_id", "churned_on", "month", "score", "band"]
    gone = churn[churn["churned_on"].notna()][["customer_id", "churned_on"]].drop_duplicates("customer_id")
    when = pd.to_datetime(gone["churned_on"])
    inside = pd.Series(True, index=gone.index)
    if start is not None:
        inside &= when >= pd.Timestamp(start)
    if end is not None:
        inside &= when < pd.Timestamp(end)
    gone = gone[inside]
    if scores.empty or gone.empty:
        return pd.DataFrame(columns=cols)
    rows = scores[["customer_id", "month", "score", "band"]].merge(gone, on="customer_id")
    ended = (month_starts(rows["month"]) + pd.offsets.MonthBegin(1)).to_numpy()
    rows = rows[(pd.to_datetime(rows["churned_on"]).to_numpy() >= ended) & rows["score"].notna().to_numpy()]
    last = rows.sort_values("month").groupby("customer_id").tail(1)
    return last[cols].sort_values("churned_on").reset_index(drop=True)
