"""Time to First Value (TTFV), counting the customers still onboarding.

A customer who has not reached first value yet is not dropped: their time is *censored* at the
reference date (or at churn, whichever comes first), and the Kaplan-Meier estimator uses them.
This is what makes the median honest: the slowest customers are exactly the ones still waiting.

Median convention: the smallest time at which the share still onboarding, S(t), is at or below
0.5 (the convention of lifelines and R's ``survival``); NaN when S(t) never gets there.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import SurvfuncRight

from cs_metrics.errors import DataError

DURATION_COLUMNS = ["customer_id", "days", "reached"]


def check_columns(data: pd.DataFrame, columns: list[str], what: str) -> None:
    """Raise ``DataError`` naming the columns ``data`` lacks."""
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise DataError(f"{what} needs the column(s) {missing}; found {list(data.columns)}.")


def ttfv_durations(
    customers: pd.DataFrame, milestones: pd.DataFrame, *, as_of: dt.date
) -> pd.DataFrame:
    """Days from signing to first value, one row per customer, censored where not reached.

    Parameters
    ----------
    customers
        ``customer_id``, ``signed_on`` and optionally ``churned_on``; any other column (segment,
        region, ...) is carried through to the result.
    milestones
        ``customer_id``, ``kind``, ``reached_on``; rows of kind ``first_value`` are used, the
        earliest ``reached_on`` when a customer has several.
    as_of
        Reference date: customers signed after it are left out; first value after it counts as
        not reached yet.

    Returns
    -------
    DataFrame
        The customer columns plus ``first_value_on``, ``days`` (float) and ``reached`` (bool).
        Customers not yet at first value are censored at ``as_of`` or at churn, whichever is
        first. Rows with impossible durations (first value before signing) are removed and
        listed in ``result.attrs["problems"]`` (a DataFrame with a ``problem`` column).
    """
    check_columns(customers, ["customer_id", "signed_on"], "ttfv_durations: customers")
    check_columns(milestones, ["customer_id", "kind", "reached_on"], "ttfv_durations: milestones")
    as_of_ts = pd.Timestamp(as_of)
    cust = customers.copy()
    cust["signed_on"] = pd.to_datetime(cust["signed_on"])
    churned = pd.to_datetime(cust["churned_on"]) if "churned_on" in cust else pd.Series(pd.NaT, index=cust.index)
    cust = cust[cust["signed_on"] <= as_of_ts]
    churned = churned.loc[cust.index]

    fv = milestones[(milestones["kind"] == "first_value") & milestones["reached_on"].notna()]
    first = (
        fv.assign(reached_on=pd.to_datetime(fv["reached_on"]))
        .groupby("customer_id")["reached_on"]
        .min()
        .rename("first_value_on")
    )
    out = cust.merge(first, how="left", left_on="customer_id", right_index=True)
    reached = out["first_value_on"].notna() & (out["first_value_on"] <= as_of_ts)
    end = churned.where(churned.notna() & (churned < as_of_ts), as_of_ts)
    stop = out["first_value_on"].where(reached, end)
    out["days"] = (stop - out["signed_on"]).dt.days.astype(float)
    out["reached"] = reached.to_numpy()

    bad = out["days"] < 0
    problems = out[bad].assign(
        problem=np.where(
            out.loc[bad, "reached"], "first value dated before signing", "churned before signing"
        )
    )
    out = out[~bad].reset_index(drop=True)
    out.attrs["problems"] = problems.reset_index(drop=True)
    return out


def _fit(days: np.ndarray, reached: np.ndarray) -> SurvfuncRight:
    return SurvfuncRight(days.astype(float), reached.astype(int))


def _quantile(fit: SurvfuncRight, p: float) -> float:
    """Smallest time with S(t) <= 1 - p (lifelines' convention; statsmodels uses a strict <)."""
    hit = np.flatnonzero(fit.surv_prob <= 1 - p + 1e-12)
    return float(fit.surv_times[hit[0]]) if len(hit) else float("nan")


def _groups(data: pd.DataFrame, by: str | None):
    if by is None:
        yield "all", data
    else:
        for key, part in data.groupby(by, sort=True, dropna=False):
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

    Returns
    -------
    DataFrame
        ``group``, ``days``, ``still_onboarding`` (S(t)), ``low``, ``high`` (pointwise interval,
        statsmodels' log-log transform), ``at_risk``, ``events``; one row per distinct event
        time, preceded by a row at day 0 with S = 1.
    """
    check_columns(data, [duration, reached] + ([by] if by else []), "survival_curve")
    frames = []
    for key, part in _groups(data, by):
        if part.empty:
            continue
        fit = _fit(part[duration].to_numpy(), part[reached].to_numpy())
        low, high = _pointwise_cb(fit, level)
        frame = pd.DataFrame(
            {
                "group": key,
                "days": fit.surv_times,
                "still_onboarding": fit.surv_prob,
                "low": low,
                "high": high,
                "at_risk": fit.n_risk,
                "events": fit.n_events,
            }
        )
        start = pd.DataFrame(
            {"group": [key], "days": [0.0], "still_onboarding": [1.0], "low": [1.0], "high": [1.0],
             "at_risk": [len(part)], "events": [0.0]}
        )
        frames.append(pd.concat([start, frame], ignore_index=True))
    if not frames:
        return pd.DataFrame(columns=["group", "days", "still_onboarding", "low", "high", "at_risk", "events"])
    return pd.concat(frames, ignore_index=True)


def _pointwise_cb(fit: SurvfuncRight, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise log-log interval for S(t) (as R's ``survfit(conf.type = "log-log")``)."""
    from scipy.stats import norm

    z = norm.ppf(1 - (1 - level) / 2)
    s = fit.surv_prob
    se = fit.surv_prob_se
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.log(s)
        theta = se / (s * np.abs(log_s))
        low = s ** np.exp(z * theta)
        high = s ** np.exp(-z * theta)
    low = np.where((s <= 0) | (s >= 1) | ~np.isfinite(low), s, low)
    high = np.where((s <= 0) | (s >= 1) | ~np.isfinite(high), s, high)
    return low, high


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
        ``median``, ``median_low``, ``median_high`` (interval by inverting tests on the log-log
        scale, statsmodels' ``quantile_ci``), ``p75``, ``p90`` (time by which 75% / 90% reached
        first value) and ``within_<t>`` for each target: the share reaching first value by day t,
        1 - S(t). Quantiles that the curve never reaches are NaN.

    Example
    -------
    Five customers, days 10, 20 (censored), 30, 40, 50: S drops to 0.8 at 10, 0.533 at 30,
    0.267 at 40, so the median is 40.

    >>> d = pd.DataFrame({"days": [10, 20, 30, 40, 50], "reached": [1, 0, 1, 1, 1]})
    >>> float(ttfv_summary(d)["median"].iloc[0])
    40.0
    """
    check_columns(data, [duration, reached] + ([by] if by else []), "ttfv_summary")
    rows = []
    for key, part in _groups(data, by):
        n = len(part)
        n_reached = int(part[reached].astype(bool).sum())
        row: dict = {"group": key, "n": n, "reached": n_reached, "censored": n - n_reached}
        if n == 0 or n_reached == 0:
            row.update(median=np.nan, median_low=np.nan, median_high=np.nan, p75=np.nan, p90=np.nan)
            for t in targets:
                row[f"within_{t}"] = 0.0 if n else np.nan
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
                row[f"within_{t}"] = float(1.0 - s_t)
        rows.append(row)
    columns = ["group", "n", "reached", "censored", "median", "median_low", "median_high", "p75", "p90"]
    columns += [f"within_{t}" for t in targets]
    return pd.DataFrame(rows, columns=columns)
