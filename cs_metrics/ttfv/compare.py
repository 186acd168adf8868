"""Comparing onboarding speed: the log-rank test between groups, told in words; groups too small
to read; the median per signing cohort; recent signings against the year before."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy.stats import chi2 as chi2_dist
from statsmodels.duration.survfunc import survdiff

from cs_metrics.i18n import _, formats, ngettext
from cs_metrics.stats import p_text
from cs_metrics.ttfv.durations import MIN_GROUP_N, NOT_SET, check_columns, check_durations
from cs_metrics.ttfv.survival import ttfv_summary


def _p(p_value: float) -> str:
    """A p-value as the reader's language writes it ("p = 0.052", "p = 0,052")."""
    return p_text(p_value, decimal="," if formats.italian() else ".")


def _number(value: float, decimals: int) -> str:
    """A statistic with ``decimals`` decimals ("12.3"; "12,3" in Italian)."""
    return formats.decimal(value, decimals) if formats.italian() else f"{value:.{decimals}f}"


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
    level: float = 0.95,
    duration: str = "days",
    reached: str = "reached",
) -> GroupComparison:
    """Run :func:`compare_groups` on the groups with at least ``min_n`` customers and say what it means.

    Groups smaller than ``min_n`` are left out of the test (and named), because one or two
    customers cannot show a difference either way. ``differs`` is True when p < 1 - ``level``
    (the confidence level: 0.95 calls a difference below p = 0.05).

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
    note = (" " + _("{n} group(s) with fewer than {min_n} customers left out of the test.").format(
        n=len(left_out), min_n=min_n) if left_out else "")
    if len(used) < 2:
        return GroupComparison(
            LogRank(math.nan, 0, math.nan), used, left_out, False,
            _("Not enough customers to compare by {what}: at least two groups need {min_n} or more customers.").format(
                what=what, min_n=min_n) + note,
        )
    part = data[keys.astype(str).isin(used)]
    result = compare_groups(part, by=by, duration=duration, reached=reached)
    if not math.isfinite(result.p_value):
        text = _("No first value has been reached yet in these groups, so they cannot be compared by {what}.").format(
            what=what)
        return GroupComparison(result, used, left_out, False, text + note)
    differs = result.p_value < 1 - level
    test = dict(what=what, chi2=_number(result.chi2, 1), dof=result.dof, p=_p(result.p_value))
    if differs:
        text = _("Time to first value differs by {what}: a gap this large would be unlikely if the groups were alike "
                 "(log-rank chi² = {chi2}, {dof} df, {p}).").format(**test)
    else:
        text = _("No real difference by {what}: the gaps between the curves are within what chance alone produces "
                 "(log-rank chi² = {chi2}, {dof} df, {p}).").format(**test)
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
    data: pd.DataFrame, *, as_of: dt.date, months: int = 12, min_n: int = MIN_GROUP_N, level: float = 0.95
) -> TrendVerdict:
    """Are we getting faster? Customers signed in the last ``months`` against the ``months`` before.

    The two signing windows are compared with the log-rank test (each customer censored where
    still onboarding, so the recent window's shorter follow-up is accounted for). ``faster`` is
    True or False only when p < 1 - ``level``; the direction comes from the medians, or from the
    share at first value by day 30 when a median is not reached yet. The recent window ends on
    ``as_of`` (the reference date, included) and starts ``months`` before it.
    """
    check_columns(data, ["signed_on", "days", "reached"], "faster_than_before")
    last = pd.Timestamp(as_of)
    mid = last - pd.DateOffset(months=months)
    start = mid - pd.DateOffset(months=months)
    signed = pd.to_datetime(data["signed_on"])
    window = np.where(signed > mid, "recent", np.where(signed > start, "earlier", ""))
    part = data.assign(_window=window)
    part = part[(part["_window"] != "") & (signed <= last)]
    summary = ttfv_summary(part, by="_window").set_index("group") if len(part) else pd.DataFrame()

    def get(name: str, col: str) -> float:
        return float(summary.loc[name, col]) if name in summary.index else math.nan

    rec_n = int(get("recent", "n")) if "recent" in summary.index else 0
    ear_n = int(get("earlier", "n")) if "earlier" in summary.index else 0
    rec_med, ear_med = get("recent", "median"), get("earlier", "median")
    if rec_n < min_n or ear_n < min_n:
        text = _("Too few customers to tell whether onboarding is getting faster ({recent} signed in the last "
                 "{months} months, {earlier} in the {months} months before; {min_n} needed in each).").format(
                     recent=rec_n, earlier=ear_n, months=months, min_n=min_n)
        return TrendVerdict(rec_med, ear_med, rec_n, ear_n, LogRank(math.nan, 0, math.nan), None, text)
    result = compare_groups(part, by="_window")
    medians = _("median {recent} against {earlier}").format(recent=_fmt_days(rec_med), earlier=_fmt_days(ear_med))
    if not math.isfinite(result.p_value) or result.p_value >= 1 - level:
        p = _p(result.p_value) if math.isfinite(result.p_value) else _("no test possible")
        text = _("No real change in speed: customers signed in the last {months} months reach first value about as "
                 "fast as those signed the {months} months before ({medians}; log-rank {p}).").format(
                     months=months, medians=medians, p=p)
        return TrendVerdict(rec_med, ear_med, rec_n, ear_n, result, None, text)
    if math.isfinite(rec_med) and math.isfinite(ear_med) and rec_med != ear_med:
        faster = rec_med < ear_med
    else:
        faster = get("recent", "within_30") > get("earlier", "within_30")
    if faster:
        text = _("Onboarding is getting faster: customers signed in the last {months} months reach first value "
                 "faster than those signed the {months} months before ({medians}; log-rank {p}).")
    else:
        text = _("Onboarding is getting slower: customers signed in the last {months} months reach first value "
                 "slower than those signed the {months} months before ({medians}; log-rank {p}).")
    text = text.format(months=months, medians=medians, p=_p(result.p_value))
    return TrendVerdict(rec_med, ear_med, rec_n, ear_n, result, faster, text)


def _fmt_days(value: float) -> str:
    if not math.isfinite(value):
        return _("not reached yet")
    return ngettext("{n} day", "{n} days", round(value)).format(n=_number(value, 0)) if formats.italian() \
        else f"{value:.0f} days"
