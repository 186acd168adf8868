"""Kaplan-Meier curves of the share still onboarding, and what they say: quantiles, the curve read
at given days, the share at first value by a day, and the summary table per group.

Median convention: the smallest time at which the share still onboarding, S(t), is at or below
0.5 (the convention of lifelines); NaN when S(t) never gets there. R's ``survival`` package agrees
except when S(t) equals 0.5 exactly on a flat stretch of the curve, where R reports the midpoint
of that stretch.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import SurvfuncRight

from cs_metrics.stats import z_value
from cs_metrics.ttfv.durations import NOT_SET, check_columns, check_durations

CURVE_COLUMNS = ["group", "days", "still_onboarding", "low", "high", "at_risk", "events"]


def _fit(days: np.ndarray, reached: np.ndarray) -> SurvfuncRight:
    return SurvfuncRight(np.asarray(days, dtype=float), np.asarray(reached, dtype=int))


def _quantile(fit: SurvfuncRight, p: float) -> float:
    """Smallest time with S(t) <= 1 - p (lifelines' convention; statsmodels uses a strict <)."""
    hit = np.flatnonzero(fit.surv_prob <= 1 - p + 1e-12)
    return float(fit.surv_times[hit[0]]) if len(hit) else float("nan")


def _groups(data: pd.DataFrame, by: str | None) -> Iterator[tuple[object, pd.DataFrame]]:
    if by is None:
        yield "all", data
    else:
        keys = data[by].astype(object).where(data[by].notna(), NOT_SET)
        for key, part in data.groupby(keys, sort=True):
            yield key, part


def survival_curve(
    data: pd.DataFrame,
    *,
    duration: str = "days",
    reached: str = "reached",
    by: str | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Kaplan-Meier curve of the share still onboarding, per group.

    The estimate is ``statsmodels.duration.survfunc.SurvfuncRight``; the pointwise interval uses
    the log-log transform of its Greenwood standard error (lifelines' default band, R's
    ``survfit(conf.type = "log-log")``).

    Returns
    -------
    DataFrame
        ``group``, ``days``, ``still_onboarding`` (S(t)), ``low``, ``high`` (pointwise interval),
        ``at_risk``, ``events``; one row per distinct event time, preceded by a row at day 0
        with S = 1 and followed, when the longest follow-up (a censored customer) lies after the
        last event, by a row at that day with ``events`` 0 that carries the flat tail.
        Customers with an empty ``by`` value form the group "(not set)".

    Examples
    --------
    >>> d = pd.DataFrame({"days": [10, 20, 30], "reached": [True, False, True]})
    >>> survival_curve(d)["still_onboarding"].round(4).tolist()
    [1.0, 0.6667, 0.0]
    """
    check_columns(data, [duration, reached] + ([by] if by else []), "survival_curve")
    check_durations(data, duration=duration, reached=reached, what="survival_curve")
    frames = []
    for key, part in _groups(data, by):
        if part.empty:
            continue
        fit = _fit(part[duration].to_numpy(), part[reached].to_numpy())
        low, high = _pointwise_cb(fit, level)
        frame = pd.DataFrame(
            {
                "group": key,
                "days": np.asarray(fit.surv_times, dtype=float),
                "still_onboarding": fit.surv_prob,
                "low": low,
                "high": high,
                "at_risk": np.asarray(fit.n_risk, dtype=float),
                "events": np.asarray(fit.n_events, dtype=float),
            }
        )
        start = pd.DataFrame(
            {"group": [key], "days": [0.0], "still_onboarding": [1.0], "low": [1.0], "high": [1.0],
             "at_risk": [float(len(part))], "events": [0.0]}
        )
        pieces = [start, frame] if len(frame) else [start]
        longest = float(part[duration].max())
        last = pieces[-1].iloc[-1]
        if longest > float(last["days"]):  # the flat tail up to the longest follow-up
            pieces.append(pd.DataFrame({
                "group": [key], "days": [longest], "still_onboarding": [last["still_onboarding"]],
                "low": [last["low"]], "high": [last["high"]],
                "at_risk": [float((part[duration] >= longest).sum())], "events": [0.0],
            }))
        frames.append(pd.concat(pieces, ignore_index=True))
    if not frames:
        return pd.DataFrame(columns=CURVE_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def _pointwise_cb(fit: SurvfuncRight, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise log-log interval for S(t) (as R's ``survfit(conf.type = "log-log")``)."""
    z = z_value(level)
    s = np.asarray(fit.surv_prob, dtype=float)
    se = np.asarray(fit.surv_prob_se, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.log(s)
        theta = se / (s * np.abs(log_s))
        low = s ** np.exp(z * theta)
        high = s ** np.exp(-z * theta)
    low = np.where((s <= 0) | (s >= 1) | ~np.isfinite(low), s, low)
    high = np.where((s <= 0) | (s >= 1) | ~np.isfinite(high), s, high)
    return low, high


def curve_at(curve: pd.DataFrame, *, days: tuple[float, ...] = (30, 60, 90)) -> pd.DataFrame:
    """Read a step curve from :func:`survival_curve` at given days, per group.

    Returns ``group``, ``days``, ``still_onboarding``, ``low``, ``high``: the values of the last
    step at or before each day (S stays flat between event times). Days beyond a group's longest
    follow-up are left out: the curve says nothing there.

    >>> c = survival_curve(pd.DataFrame({"days": [10, 20, 40], "reached": [1, 1, 0]}))
    >>> curve_at(c, days=(15, 30))["still_onboarding"].round(4).tolist()
    [0.6667, 0.3333]
    """
    rows = []
    for key, part in curve.groupby("group", sort=False):
        part = part.sort_values("days", kind="stable")
        for t in days:
            if t > part["days"].max() and part["still_onboarding"].iloc[-1] > 0:
                continue
            step = part[part["days"] <= t].iloc[-1]
            rows.append({"group": key, "days": float(t), "still_onboarding": float(step["still_onboarding"]),
                         "low": float(step["low"]), "high": float(step["high"])})
    return pd.DataFrame(rows, columns=["group", "days", "still_onboarding", "low", "high"])


def reached_by(
    data: pd.DataFrame,
    *,
    days: tuple[float, ...] = (30, 60, 90),
    duration: str = "days",
    reached: str = "reached",
    level: float = 0.95,
) -> pd.DataFrame:
    """Share of customers at first value by each day, 1 - S(t), with its pointwise interval.

    Returns ``days``, ``share``, ``low``, ``high``, ``n``; the interval is the log-log band of
    :func:`survival_curve` turned over (``low`` = 1 - upper band). Days beyond the longest
    follow-up get NaN, as in :func:`ttfv_summary`.

    >>> d = pd.DataFrame({"days": [10, 20, 40], "reached": [1, 1, 0]})
    >>> reached_by(d, days=(15, 60))["share"].round(4).tolist()
    [0.3333, nan]
    """
    curve = survival_curve(data, duration=duration, reached=reached, level=level)
    points = curve_at(curve, days=days).set_index("days") if len(curve) else pd.DataFrame()
    rows = []
    for t in days:
        if float(t) in points.index:
            p = points.loc[float(t)]
            rows.append({"days": t, "share": 1 - p["still_onboarding"], "low": 1 - p["high"], "high": 1 - p["low"]})
        else:
            rows.append({"days": t, "share": np.nan, "low": np.nan, "high": np.nan})
    out = pd.DataFrame(rows, columns=["days", "share", "low", "high"])
    out["n"] = len(data)
    return out


def ttfv_summary(
    data: pd.DataFrame,
    *,
    duration: str = "days",
    reached: str = "reached",
    by: str | None = None,
    targets: tuple[int, ...] = (30, 60, 90),
    level: float = 0.95,
) -> pd.DataFrame:
    """Median and percentiles of TTFV per group, counting censored customers.

    Returns
    -------
    DataFrame
        One row per group: ``group`` ("all" when ``by`` is None), ``n``, ``reached``, ``censored``,
        ``median``, ``median_low``, ``median_high`` (interval by inverting z-tests on the log-log
        scale, statsmodels' ``quantile_ci``; as lifelines' ``median_survival_times`` on its
        band; ``inf`` when the upper limit lies beyond the follow-up), ``p75``, ``p90`` (time by
        which 75% / 90% reached first value) and ``within_<t>`` for each target: the share
        reaching first value by day t, 1 - S(t), NaN when t lies beyond the group's longest
        follow-up (the curve says nothing there). Quantiles that the curve never reaches are NaN.
        No customers: NaN figures; no first value at all: NaN quantiles and zero shares.

    Example
    -------
    Five customers, days 10, 20 (censored), 30, 40, 50: S drops to 0.8 at 10, 0.533 at 30,
    0.267 at 40, so the median is 40.

    >>> d = pd.DataFrame({"days": [10, 20, 30, 40, 50], "reached": [1, 0, 1, 1, 1]})
    >>> float(ttfv_summary(d)["median"].iloc[0])
    40.0
    """
    check_columns(data, [duration, reached] + ([by] if by else []), "ttfv_summary")
    check_durations(data, duration=duration, reached=reached, what="ttfv_summary")
    rows = []
    for key, part in _groups(data, by):
        n = len(part)
        n_reached = int(part[reached].astype(bool).sum())
        row: dict = {"group": key, "n": n, "reached": n_reached, "censored": n - n_reached}
        longest = float(part[duration].max()) if n else np.nan
        if n == 0 or n_reached == 0:
            row.update(median=np.nan, median_low=np.nan, median_high=np.nan, p75=np.nan, p90=np.nan)
            for t in targets:
                row[f"within_{t}"] = 0.0 if n and t <= longest else np.nan
        else:
            fit = _fit(part[duration].to_numpy(), part[reached].to_numpy())
            try:
                with np.errstate(all="ignore"):
                    low, high = fit.quantile_ci(0.5, alpha=1 - level)
            except (ValueError, IndexError, ZeroDivisionError):  # too few events to invert the test
                low, high = np.nan, np.nan
            row.update(
                median=_quantile(fit, 0.5),
                median_low=float(low) if low is not None else np.nan,
                median_high=float(high) if high is not None else np.nan,
                p75=_quantile(fit, 0.75),
                p90=_quantile(fit, 0.9),
            )
            for t in targets:
                before = np.flatnonzero(fit.surv_times <= t)
                s_t = fit.surv_prob[before[-1]] if len(before) else 1.0
                # Beyond the longest follow-up the curve says nothing (unless everyone got there).
                row[f"within_{t}"] = float(1.0 - s_t) if t <= longest or s_t == 0 else np.nan
        rows.append(row)
    columns = ["group", "n", "reached", "censored", "median", "median_low", "median_high", "p75", "p90"]
    columns += [f"within_{t}" for t in targets]
    return pd.DataFrame(rows, columns=columns)
