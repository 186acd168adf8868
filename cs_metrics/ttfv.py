"""Time to First Value (TTFV), counting the customers still onboarding.

A customer who has not reached first value yet is not dropped: their time is *censored* at the
reference date (or at churn, whichever comes first), and the Kaplan-Meier estimator uses them.
This is what makes the median honest: the slowest customers are exactly the ones still waiting.

Median convention: the smallest time at which the share still onboarding, S(t), is at or below
0.5 (the convention of lifelines); NaN when S(t) never gets there. R's ``survival`` package agrees
except when S(t) equals 0.5 exactly on a flat stretch of the curve, where R reports the midpoint
of that stretch.

Words used throughout
---------------------
``data``
    One row per customer, as returned by :func:`ttfv_durations`: ``days`` (signing to first value,
    or to censoring), ``reached`` (bool) and the customer's attributes.
``by``
    The column whose values split customers into groups (segment, plan, region, owner, cohort).
``targets``
    A mapping from segment to the number of days by which first value should be reached.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy.stats import chi2 as chi2_dist
from scipy.stats import fisher_exact
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from cs_metrics.errors import DataError
from cs_metrics.stats import p_text, wilson_interval, z_value

DURATION_COLUMNS = ["customer_id", "days", "reached"]
CURVE_COLUMNS = ["group", "days", "still_onboarding", "low", "high", "at_risk", "events"]
#: Days by which first value should be reached when no target is set for a segment.
DEFAULT_TARGET_DAYS = 30
#: Below this many customers a group's median or share is too uncertain to read.
MIN_GROUP_N = 10
#: Churn this many days after signing or sooner is early churn.
EARLY_CHURN_DAYS = 90
#: Label of customers whose grouping column is empty (no owner, no plan...).
NOT_SET = "(not set)"
#: Groupings offered for the curves: column -> label.
GROUPINGS: dict[str, str] = {
    "segment": "Segment",
    "plan": "Plan",
    "region": "Region",
    "owner": "Owner (CSM)",
    "signing_quarter": "Signing quarter",
}


# --- validation ----------------------------------------------------------------------------------


def check_columns(data: pd.DataFrame, columns: list[str], what: str) -> None:
    """Raise ``DataError`` naming the columns ``data`` lacks."""
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise DataError(f"{what} needs the column(s) {missing}; found {list(data.columns)}.")


def check_durations(data: pd.DataFrame, *, duration: str = "days", reached: str = "reached", what: str = "TTFV") -> None:
    """Raise ``DataError`` when durations are missing or negative or ``reached`` is not yes/no.

    Examples
    --------
    >>> check_durations(pd.DataFrame({"days": [3.0, -1.0], "reached": [True, False]}))
    Traceback (most recent call last):
    ...
    cs_metrics.errors.DataError: TTFV: 1 row(s) have a negative duration in 'days' ...
    """
    check_columns(data, [duration, reached], what)
    days = pd.to_numeric(data[duration], errors="coerce")
    if days.isna().any():
        raise DataError(
            f"{what}: {int(days.isna().sum())} row(s) have no number in '{duration}'; "
            "fill in the days from signing to first value (or to today) or drop those rows."
        )
    if (days < 0).any():
        raise DataError(
            f"{what}: {int((days < 0).sum())} row(s) have a negative duration in '{duration}' "
            "(first value before signing); correct the dates or drop those rows."
        )
    flags = data[reached]
    ok = flags.isin([True, False, 0, 1]) & flags.notna()
    if not ok.all():
        raise DataError(
            f"{what}: '{reached}' must be True/False (or 1/0) on every row; "
            f"{int((~ok).sum())} row(s) hold something else, e.g. {flags[~ok].iloc[0]!r}."
        )


# --- durations -----------------------------------------------------------------------------------


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
        The customer columns plus ``first_value_on``, ``days`` (float), ``reached`` (bool),
        ``left_before_value`` (bool: churned before reaching first value, so censored at churn)
        and ``signing_quarter`` (e.g. "2026 Q1"). Customers not yet at first value are censored at
        ``as_of`` or at churn, whichever is first.

        Impossible rows are removed and listed in ``result.attrs["problems"]`` (a DataFrame with
        ``customer_id``, ``problem`` and ``detail``): a first value dated before signing, a first
        value dated after the customer left, a churn dated before signing, no signing date.
        Customers with more than one first-value milestone are kept (the earliest date is used)
        and listed there too.

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": [1, 2], "signed_on": ["2026-01-01", "2026-01-10"]})
    >>> m = pd.DataFrame({"customer_id": [1], "kind": ["first_value"], "reached_on": ["2026-01-21"]})
    >>> ttfv_durations(c, m, as_of=dt.date(2026, 2, 1))[["customer_id", "days", "reached"]]
       customer_id  days  reached
    0            1  20.0     True
    1            2  22.0    False
    """
    check_columns(customers, ["customer_id", "signed_on"], "ttfv_durations: customers")
    check_columns(milestones, ["customer_id", "kind", "reached_on"], "ttfv_durations: milestones")
    if customers["customer_id"].duplicated().any():
        dup = customers.loc[customers["customer_id"].duplicated(), "customer_id"].iloc[0]
        raise DataError(f"ttfv_durations: customer {dup!r} appears more than once; pass one row per customer.")
    as_of_ts = pd.Timestamp(as_of)
    cust = customers.copy()
    cust["signed_on"] = pd.to_datetime(cust["signed_on"])
    cust["churned_on"] = pd.to_datetime(cust["churned_on"]) if "churned_on" in cust else pd.NaT
    problems: list[pd.DataFrame] = []

    no_date = cust["signed_on"].isna()
    problems.append(_problems(cust[no_date], "no signing date", "add the date the contract was signed"))
    cust = cust[~no_date & (cust["signed_on"] <= as_of_ts)]

    fv = milestones[(milestones["kind"] == "first_value") & milestones["reached_on"].notna()]
    fv = fv.assign(reached_on=pd.to_datetime(fv["reached_on"]))
    grouped = fv.groupby("customer_id")["reached_on"]
    first = pd.DataFrame({"first_value_on": grouped.min(), "_n_fv": grouped.size()})
    out = cust.merge(first, how="left", left_on="customer_id", right_index=True)
    dup = out[out["_n_fv"].fillna(0) > 1]
    problems.append(
        _problems(
            dup,
            "more than one first-value milestone",
            [f"{int(k)} first-value milestones; the earliest ({d:%Y-%m-%d}) is used"
             for k, d in zip(dup["_n_fv"], dup["first_value_on"])],
        )
    )
    churned = out["churned_on"]
    left = churned.notna() & (churned <= as_of_ts)
    reached = out["first_value_on"].notna() & (out["first_value_on"] <= as_of_ts)
    end = churned.where(left & (churned < as_of_ts), as_of_ts)
    stop = out["first_value_on"].where(reached, end)
    out["days"] = (stop - out["signed_on"]).dt.days.astype(float)
    out["reached"] = reached.to_numpy(dtype=bool)
    out["left_before_value"] = (~reached & left).to_numpy(dtype=bool)
    out["signing_quarter"] = signing_quarter(out["signed_on"])

    before = reached & (out["first_value_on"] < out["signed_on"])
    after_churn = reached & left & (out["first_value_on"] > churned)
    churn_before = ~reached & left & (churned < out["signed_on"])
    problems.append(_problems(out[before], "first value dated before signing",
                              [f"first value {f:%Y-%m-%d}, signed {s:%Y-%m-%d}"
                               for f, s in zip(out.loc[before, "first_value_on"], out.loc[before, "signed_on"])]))
    problems.append(_problems(out[after_churn], "first value dated after the customer left",
                              [f"first value {f:%Y-%m-%d}, left {c:%Y-%m-%d}; check the churn date"
                               for f, c in zip(out.loc[after_churn, "first_value_on"], churned[after_churn])]))
    problems.append(_problems(out[churn_before], "churned before signing",
                              [f"left {c:%Y-%m-%d}, signed {s:%Y-%m-%d}"
                               for c, s in zip(churned[churn_before], out.loc[churn_before, "signed_on"])]))
    out = out[~(before | after_churn | churn_before)].drop(columns="_n_fv").reset_index(drop=True)
    report = pd.concat([p for p in problems if not p.empty], ignore_index=True) if any(
        not p.empty for p in problems
    ) else _problems(out.iloc[:0], "", "")
    out.attrs["problems"] = report
    return out


def _problems(rows: pd.DataFrame, problem: str, detail) -> pd.DataFrame:
    frame = pd.DataFrame({"customer_id": rows["customer_id"].to_numpy()})
    if "name" in rows:
        frame["name"] = rows["name"].to_numpy()
    frame["problem"] = problem
    frame["detail"] = detail if isinstance(detail, str) else list(detail)
    return frame


def signing_quarter(signed_on: pd.Series) -> pd.Series:
    """Calendar quarter of each signing date as text, e.g. ``"2026 Q1"`` (sorts in time order).

    >>> signing_quarter(pd.Series(pd.to_datetime(["2026-02-14", "2025-12-31"]))).tolist()
    ['2026 Q1', '2025 Q4']
    """
    days = pd.to_datetime(signed_on)
    return pd.Series(
        [f"{d.year} Q{(d.month - 1) // 3 + 1}" if pd.notna(d) else NOT_SET for d in days],
        index=signed_on.index,
        dtype=object,
    )


def signed_in(data: pd.DataFrame, *, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The customers signed from ``start`` up to ``end`` (excluded): a signing cohort.

    >>> d = pd.DataFrame({"signed_on": pd.to_datetime(["2026-01-01", "2026-01-31", "2026-02-01"])})
    >>> len(signed_in(d, start=dt.date(2026, 1, 1), end=dt.date(2026, 2, 1)))
    2
    """
    signed = pd.to_datetime(data["signed_on"])
    out = data[(signed >= pd.Timestamp(start)) & (signed < pd.Timestamp(end))].reset_index(drop=True)
    out.attrs = dict(data.attrs)
    return out


# --- Kaplan-Meier --------------------------------------------------------------------------------


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


# --- comparing groups ----------------------------------------------------------------------------


class LogRank(NamedTuple):
    """Result of a log-rank test: chi-square statistic, degrees of freedom, p-value.

    With fewer than two groups, or no first value in any group, there is nothing to test:
    ``chi2`` and ``p_value`` are NaN.
    """

    chi2: float
    dof: int
    p_value: float


def compare_groups(
    data: pd.DataFrame, *, by: str, duration: str = "days", reached: str = "reached"
) -> LogRank:
    """Log-rank test that the time to first value is the same in every group.

    Uses ``statsmodels.duration.survfunc.survdiff``; the p-value is computed as ``chi2.sf`` so it
    stays accurate (does not round to 0) for very different groups. Customers with an empty
    ``by`` value form the group "(not set)".

    Returns
    -------
    LogRank
        ``(chi2, dof, p_value)`` with ``dof`` = number of groups - 1.

    Examples
    --------
    Group a reaches first value on days 1, 2, 3 and group b on days 4, 5, 6. For group a,
    observed 3, expected 3/6 + 2/5 + 1/4 = 1.15, variance 0.25 + 0.24 + 0.1875 = 0.6775, so
    chi2 = (3 - 1.15)² / 0.6775 = 5.0517:

    >>> d = pd.DataFrame({"days": [1, 2, 3, 4, 5, 6], "reached": [1] * 6, "g": list("aaabbb")})
    >>> r = compare_groups(d, by="g")
    >>> r.dof, round(r.chi2, 4)
    (1, 5.0517)
    """
    check_columns(data, [duration, reached, by], "compare_groups")
    check_durations(data, duration=duration, reached=reached, what="compare_groups")
    keys = data[by].astype(object).where(data[by].notna(), NOT_SET)
    k = int(keys.nunique())
    if k < 2:
        return LogRank(math.nan, max(k - 1, 0), math.nan)
    status = data[reached].astype(int).to_numpy()
    if status.sum() == 0:
        return LogRank(math.nan, k - 1, math.nan)
    codes = pd.factorize(keys, sort=True)[0]
    try:
        with np.errstate(all="ignore"):
            stat, _ = survdiff(data[duration].to_numpy(dtype=float), status, codes)
    except (np.linalg.LinAlgError, ValueError):  # a singular variance: no information to compare
        return LogRank(math.nan, k - 1, math.nan)
    stat = float(stat)
    if not math.isfinite(stat):
        return LogRank(math.nan, k - 1, math.nan)
    return LogRank(stat, k - 1, float(chi2_dist.sf(stat, k - 1)))


@dataclass(frozen=True)
class GroupComparison:
    """A log-rank comparison told in words, with the groups it used and those left out."""

    result: LogRank
    groups: tuple[str, ...]
    left_out: tuple[str, ...]
    differs: bool
    text: str


def compare_groups_in_words(
    data: pd.DataFrame,
    *,
    by: str,
    label: str | None = None,
    min_n: int = MIN_GROUP_N,
    alpha: float = 0.05,
    duration: str = "days",
    reached: str = "reached",
) -> GroupComparison:
    """Run :func:`compare_groups` on the groups with at least ``min_n`` customers and say what it means.

    Groups smaller than ``min_n`` are left out of the test (and named), because one or two
    customers cannot show a difference either way. ``differs`` is True when p < ``alpha``.

    >>> d = pd.DataFrame({"days": [5] * 12 + [50] * 12, "reached": [1] * 24, "g": ["a"] * 12 + ["b"] * 12})
    >>> compare_groups_in_words(d, by="g").differs
    True
    """
    check_columns(data, [duration, reached, by], "compare_groups_in_words")
    keys = data[by].astype(object).where(data[by].notna(), NOT_SET)
    sizes = keys.value_counts()
    used = tuple(sorted(str(g) for g in sizes.index[sizes >= min_n]))
    left_out = tuple(sorted(str(g) for g in sizes.index[sizes < min_n]))
    what = label or by
    what = what[:1].lower() + what[1:]
    note = (f" {len(left_out)} group(s) with fewer than {min_n} customers left out of the test."
            if left_out else "")
    if len(used) < 2:
        return GroupComparison(
            LogRank(math.nan, 0, math.nan), used, left_out, False,
            f"Not enough customers to compare by {what}: at least two groups need {min_n} or more customers.{note}",
        )
    part = data[keys.astype(str).isin(used)]
    result = compare_groups(part, by=by, duration=duration, reached=reached)
    if not math.isfinite(result.p_value):
        text = f"No first value has been reached yet in these groups, so they cannot be compared by {what}."
        return GroupComparison(result, used, left_out, False, text + note)
    differs = result.p_value < alpha
    p = p_text(result.p_value)
    if differs:
        text = (f"Time to first value differs by {what}: a gap this large would be unlikely if the groups "
                f"were alike (log-rank chi² = {result.chi2:.1f}, {result.dof} df, {p}).")
    else:
        text = (f"No real difference by {what}: the gaps between the curves are within what chance "
                f"alone produces (log-rank chi² = {result.chi2:.1f}, {result.dof} df, {p}).")
    return GroupComparison(result, used, left_out, differs, text + note)


def small_groups(data: pd.DataFrame, *, by: str, min_n: int = MIN_GROUP_N) -> pd.DataFrame:
    """Groups with fewer than ``min_n`` customers: ``group``, ``n`` (their curves are too uncertain to read).

    >>> small_groups(pd.DataFrame({"g": ["a"] * 12 + ["b"]}), by="g")
      group  n
    0     b  1
    """
    check_columns(data, [by], "small_groups")
    keys = data[by].astype(object).where(data[by].notna(), NOT_SET)
    sizes = keys.value_counts().sort_index()
    small = sizes[sizes < min_n]
    return pd.DataFrame({"group": small.index.astype(str), "n": small.to_numpy(dtype=int)})


# --- targets and stalled onboardings -------------------------------------------------------------


def segment_targets(
    target_counts: pd.DataFrame, *, segments: tuple[str, ...] = (), default: float = DEFAULT_TARGET_DAYS
) -> dict[str, float]:
    """The usual first-value target of each segment: the most common ``target_days`` recorded.

    Parameters
    ----------
    target_counts
        ``segment``, ``target_days``, ``n`` (how many first-value milestones carry that target).
    segments
        Segments to include even without any recorded target (they get ``default``).
    default
        Target for segments without one.

    >>> counts = pd.DataFrame({"segment": ["SMB", "SMB"], "target_days": [30, 45], "n": [9, 1]})
    >>> segment_targets(counts, segments=("SMB", "Enterprise"))
    {'Enterprise': 30.0, 'SMB': 30.0}
    """
    check_columns(target_counts, ["segment", "target_days", "n"], "segment_targets")
    out = {str(s): float(default) for s in segments}
    valid = target_counts.dropna(subset=["segment", "target_days"])
    valid = valid[valid["target_days"] > 0]
    for seg, part in valid.groupby("segment", sort=True):
        best = part.sort_values(["n", "target_days"], ascending=[False, True], kind="stable").iloc[0]
        out[str(seg)] = float(best["target_days"])
    return dict(sorted(out.items()))


def with_targets(
    data: pd.DataFrame,
    *,
    targets: Mapping[str, float],
    default: float = DEFAULT_TARGET_DAYS,
    segment: str = "segment",
) -> pd.DataFrame:
    """Add each customer's target and where they stand against it.

    Adds ``target_days`` (the segment's target, ``default`` for other segments), ``still_onboarding``
    (not at first value and not gone), ``past_target`` (still onboarding for longer than the
    target), ``days_over_target`` and ``timeliness``: "on time" (first value within the target),
    "late" (first value after the target, or none by the time the target passed), "left early"
    (gone before the target without first value) or "not due yet".

    >>> d = pd.DataFrame({"segment": ["SMB", "SMB", "X"], "days": [20.0, 40.0, 50.0],
    ...                   "reached": [True, False, False], "left_before_value": [False] * 3})
    >>> with_targets(d, targets={"SMB": 30})["timeliness"].tolist()
    ['on time', 'late', 'late']
    """
    check_columns(data, [segment, "days", "reached"], "with_targets")
    for key, value in targets.items():
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
            raise DataError(f"The target for {key!r} must be a positive number of days; got {value!r}.")
    out = data.copy()
    left = out["left_before_value"].astype(bool) if "left_before_value" in out else pd.Series(False, index=out.index)
    reached = out["reached"].astype(bool)
    target = out[segment].map(lambda s: targets.get(s, default) if pd.notna(s) else default).astype(float)
    out["target_days"] = target
    out["still_onboarding"] = ~reached & ~left
    out["past_target"] = out["still_onboarding"] & (out["days"] > target)
    out["days_over_target"] = (out["days"] - target).where(out["past_target"])
    out["timeliness"] = np.select(
        [reached & (out["days"] <= target), reached | (out["days"] > target), left],
        ["on time", "late", "left early"],
        default="not due yet",
    )
    return out


def targets_in(
    data: pd.DataFrame, *, targets: Mapping[str, float], default: float = DEFAULT_TARGET_DAYS, segment: str = "segment"
) -> dict[str, float]:
    """The target of each segment present in ``data`` (``default`` for segments without one).

    >>> targets_in(pd.DataFrame({"segment": ["SMB", "New", "SMB"]}), targets={"SMB": 30}, default=40)
    {'New': 40.0, 'SMB': 30.0}
    """
    check_columns(data, [segment], "targets_in")
    present = sorted(str(s) for s in data[segment].dropna().unique())
    return {s: float(targets.get(s, default)) for s in present}


@dataclass(frozen=True)
class OnboardingCounts:
    """Head counts behind a TTFV figure: who reached first value and who is still censored."""

    n: int
    reached: int
    still_onboarding: int
    past_target: int
    left_before_value: int

    @property
    def censored(self) -> int:
        return self.still_onboarding + self.left_before_value

    def sentence(self) -> str:
        """E.g. "312 still onboarding, of which 41 past target; 12 left before first value"."""
        text = f"{self.still_onboarding:,} still onboarding, of which {self.past_target:,} past target"
        if self.left_before_value:
            text += f"; {self.left_before_value:,} left before reaching first value"
        return text


def onboarding_counts(data: pd.DataFrame) -> OnboardingCounts:
    """Count customers by onboarding state in the output of :func:`with_targets`.

    >>> d = pd.DataFrame({"segment": ["SMB"] * 3, "days": [20.0, 40.0, 10.0],
    ...                   "reached": [True, False, False], "left_before_value": [False] * 3})
    >>> onboarding_counts(with_targets(d, targets={"SMB": 30})).sentence()
    '2 still onboarding, of which 1 past target'
    """
    check_columns(data, ["reached", "still_onboarding", "past_target"], "onboarding_counts")
    left = int(data["left_before_value"].astype(bool).sum()) if "left_before_value" in data else 0
    return OnboardingCounts(
        n=len(data),
        reached=int(data["reached"].astype(bool).sum()),
        still_onboarding=int(data["still_onboarding"].sum()),
        past_target=int(data["past_target"].sum()),
        left_before_value=left,
    )


STALLED_COLUMNS = [
    "customer_id", "name", "segment", "owner", "arr", "signed_on", "days", "target_days",
    "days_over_target", "last_milestone", "last_milestone_on",
]


def stalled_onboardings(data: pd.DataFrame) -> pd.DataFrame:
    """Customers still without first value past their target: the list to act on.

    ``data`` is the output of :func:`with_targets`. Sorted by days waiting (longest first), then
    ARR (largest first). Columns are those of ``STALLED_COLUMNS`` that ``data`` has.

    >>> d = pd.DataFrame({"customer_id": [1, 2, 3], "segment": ["SMB"] * 3, "arr": [10.0, 99.0, 5.0],
    ...                   "days": [40.0, 40.0, 90.0], "reached": [False] * 3, "left_before_value": [False] * 3})
    >>> stalled_onboardings(with_targets(d, targets={"SMB": 30}))["customer_id"].tolist()
    [3, 2, 1]
    """
    check_columns(data, ["past_target", "days"], "stalled_onboardings")
    rows = data[data["past_target"].astype(bool)]
    keys = ["days"] + (["arr"] if "arr" in rows else [])
    rows = rows.sort_values(keys, ascending=False, kind="stable")
    return rows[[c for c in STALLED_COLUMNS if c in rows.columns]].reset_index(drop=True)


# --- trend by signing cohort ---------------------------------------------------------------------


def cohort_trend(
    data: pd.DataFrame, *, cohort: str = "signing_quarter", min_n: int = MIN_GROUP_N, level: float = 0.95
) -> pd.DataFrame:
    """Median TTFV per signing cohort with its interval, oldest cohort first.

    Returns ``ttfv_summary(data, by=cohort)`` plus ``enough`` (at least ``min_n`` customers and a
    median the curve reaches). Recent cohorts are heavily censored: until half of a cohort has
    reached first value its median is NaN, which means "not known yet", not "zero".

    >>> d = pd.DataFrame({"signing_quarter": ["2026 Q1"] * 10 + ["2026 Q2"] * 10,
    ...                   "days": list(range(1, 11)) * 2, "reached": [True] * 20})
    >>> cohort_trend(d)[["group", "median", "enough"]].values.tolist()
    [['2026 Q1', 5.0, True], ['2026 Q2', 5.0, True]]
    """
    check_columns(data, [cohort], "cohort_trend")
    summary = ttfv_summary(data, by=cohort, level=level)
    summary["enough"] = (summary["n"] >= min_n) & summary["median"].notna()
    return summary.sort_values("group", kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class TrendVerdict:
    """Recent signings against the year before: medians, log-rank test, and the answer in words."""

    recent_median: float
    earlier_median: float
    recent_n: int
    earlier_n: int
    result: LogRank
    faster: bool | None  # None: no real difference (or too few customers)
    text: str


def faster_than_before(
    data: pd.DataFrame, *, as_of: dt.date, months: int = 12, min_n: int = MIN_GROUP_N, alpha: float = 0.05
) -> TrendVerdict:
    """Are we getting faster? Customers signed in the last ``months`` against the ``months`` before.

    The two signing windows are compared with the log-rank test (each customer censored where
    still onboarding, so the recent window's shorter follow-up is accounted for). ``faster`` is
    True or False only when p < ``alpha``; the direction comes from the medians, or from the
    share at first value by day 30 when a median is not reached yet.
    """
    check_columns(data, ["signed_on", "days", "reached"], "faster_than_before")
    end = pd.Timestamp(as_of)
    mid = end - pd.DateOffset(months=months)
    start = mid - pd.DateOffset(months=months)
    signed = pd.to_datetime(data["signed_on"])
    window = np.where(signed > mid, "recent", np.where(signed > start, "earlier", ""))
    part = data.assign(_window=window)
    part = part[(part["_window"] != "") & (signed <= end)]
    summary = ttfv_summary(part, by="_window").set_index("group") if len(part) else pd.DataFrame()

    def get(name: str, col: str) -> float:
        return float(summary.loc[name, col]) if name in summary.index else math.nan

    rec_n = int(get("recent", "n")) if "recent" in summary.index else 0
    ear_n = int(get("earlier", "n")) if "earlier" in summary.index else 0
    rec_med, ear_med = get("recent", "median"), get("earlier", "median")
    span = f"signed in the last {months} months" if months != 12 else "signed in the last 12 months"
    if rec_n < min_n or ear_n < min_n:
        text = (f"Too few customers to tell whether onboarding is getting faster ({rec_n} {span}, "
                f"{ear_n} in the {months} months before; {min_n} needed in each).")
        return TrendVerdict(rec_med, ear_med, rec_n, ear_n, LogRank(math.nan, 0, math.nan), None, text)
    result = compare_groups(part, by="_window")
    medians = f"median {_fmt_days(rec_med)} against {_fmt_days(ear_med)}"
    if not math.isfinite(result.p_value) or result.p_value >= alpha:
        p = p_text(result.p_value) if math.isfinite(result.p_value) else "no test possible"
        text = (f"No real change in speed: customers {span} reach first value about as fast as those signed "
                f"the {months} months before ({medians}; log-rank {p}).")
        return TrendVerdict(rec_med, ear_med, rec_n, ear_n, result, None, text)
    if math.isfinite(rec_med) and math.isfinite(ear_med) and rec_med != ear_med:
        faster = rec_med < ear_med
    else:
        faster = get("recent", "within_30") > get("earlier", "within_30")
    word = "faster" if faster else "slower"
    text = (f"Onboarding is getting {word}: customers {span} reach first value {word} than those signed the "
            f"{months} months before ({medians}; log-rank {p_text(result.p_value)}).")
    return TrendVerdict(rec_med, ear_med, rec_n, ear_n, result, faster, text)


def _fmt_days(value: float) -> str:
    return f"{value:.0f} days" if math.isfinite(value) else "not reached yet"


# --- link to early churn -------------------------------------------------------------------------


@dataclass(frozen=True)
class EarlyChurnComparison:
    """Early churn of customers who reached first value on time against those who were late."""

    table: pd.DataFrame  # group, n, early_churned, share, low, high
    difference: float  # late share - on-time share
    p_value: float  # Fisher's exact test, two-sided
    enough: bool
    text: str


def early_churn_by_timeliness(
    data: pd.DataFrame,
    *,
    as_of: dt.date,
    window: int = EARLY_CHURN_DAYS,
    min_n: int = MIN_GROUP_N,
    alpha: float = 0.05,
    level: float = 0.95,
) -> EarlyChurnComparison:
    """Share of customers lost within ``window`` days of signing, on time against late.

    ``data`` is the output of :func:`with_targets` with ``signed_on`` and ``churned_on``. Only
    customers signed at least ``window`` days before ``as_of`` count (their first 90 days are
    complete). "late" means first value after the target, or none by the time the target passed;
    customers who left before their target without first value are neither, and are left out.
    Shares carry Wilson intervals; the difference is tested with Fisher's exact test.
    """
    check_columns(data, ["timeliness", "signed_on", "churned_on"], "early_churn_by_timeliness")
    signed = pd.to_datetime(data["signed_on"])
    churned = pd.to_datetime(data["churned_on"])
    complete = signed + pd.Timedelta(days=window) <= pd.Timestamp(as_of)
    early = churned.notna() & ((churned - signed).dt.days <= window) & (churned <= pd.Timestamp(as_of))
    rows = []
    for group in ("on time", "late"):
        mask = complete & (data["timeliness"] == group)
        n, k = int(mask.sum()), int((mask & early).sum())
        if n:
            low, high = wilson_interval(k, n, level=level)
        else:
            low = high = math.nan
        rows.append({"group": group, "n": n, "early_churned": k, "share": k / n if n else math.nan,
                     "low": float(low), "high": float(high)})
    table = pd.DataFrame(rows)
    (n_on, k_on), (n_late, k_late) = table[["n", "early_churned"]].to_numpy().tolist()
    enough = n_on >= min_n and n_late >= min_n
    diff = table["share"].iloc[1] - table["share"].iloc[0] if n_on and n_late else math.nan
    p = float(fisher_exact([[k_late, n_late - k_late], [k_on, n_on - k_on]])[1]) if n_on and n_late else math.nan
    if not enough:
        text = (f"Too few customers to compare early churn ({n_late} late, {n_on} on time; "
                f"{min_n} needed in each).")
    elif p < alpha:
        word = "more" if diff > 0 else "less"
        text = (f"Customers who reached first value late left within {window} days {word} often than those on "
                f"time ({table['share'].iloc[1]:.1%} against {table['share'].iloc[0]:.1%}; Fisher's exact test "
                f"{p_text(p)}).")
    else:
        text = (f"No real difference in churn within {window} days between late and on-time customers "
                f"({table['share'].iloc[1]:.1%} against {table['share'].iloc[0]:.1%}; Fisher's exact test "
                f"{p_text(p)}).")
    return EarlyChurnComparison(table, float(diff), p, enough, text)


# --- data problems -------------------------------------------------------------------------------


def problem_report(durations: pd.DataFrame, *, early_milestones: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every data problem that affects TTFV, one row per customer and problem.

    Combines ``durations.attrs["problems"]`` (from :func:`ttfv_durations`) with
    ``early_milestones`` (``customer_id``, optional ``name``, ``kind``, ``reached_on``,
    ``signed_on``: milestones of any kind dated before signing). Columns ``customer_id``, ``name``,
    ``problem``, ``detail``; empty when the data is clean.
    """
    frames = [durations.attrs.get("problems", pd.DataFrame())]
    if early_milestones is not None and len(early_milestones):
        em = early_milestones[early_milestones["kind"] != "first_value"]
        frames.append(pd.DataFrame({
            "customer_id": em["customer_id"].to_numpy(),
            "name": em["name"].to_numpy() if "name" in em else None,
            "problem": "milestone dated before signing",
            "detail": [f"{k} on {pd.Timestamp(r):%Y-%m-%d}, signed {pd.Timestamp(s):%Y-%m-%d}"
                       for k, r, s in zip(em["kind"], em["reached_on"], em["signed_on"])],
        }))
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=["customer_id", "name", "problem", "detail"])
    out = pd.concat(frames, ignore_index=True)
    if "name" not in out:
        out["name"] = None
    return out[["customer_id", "name", "problem", "detail"]].sort_values(
        ["problem", "customer_id"], kind="stable"
    ).reset_index(drop=True)
