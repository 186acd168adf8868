"""Onboarding against its targets: each segment's first-value target, who is on time, late or
stalled, the head counts behind a figure, and whether late first value goes with early churn."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import fisher_exact

from cs_metrics.errors import DataError
from cs_metrics.i18n import _, formats
from cs_metrics.stats import p_text, wilson_interval
from cs_metrics.ttfv.durations import MIN_GROUP_N, check_columns

#: Days by which first value should be reached when no target is set for a segment.
DEFAULT_TARGET_DAYS = 30
#: Churn this many days after signing or sooner is early churn.
EARLY_CHURN_DAYS = 90


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
            raise DataError(_("The target for {segment} must be a positive number of days; got {value}.").format(
                segment=repr(key), value=repr(value)))
    out = data.copy()
    left = out["left_before_value"].astype(bool) if "left_before_value" in out else pd.Series(False, index=out.index)
    reached = out["reached"].astype(bool)
    known = out[segment].map(dict(targets)) if targets else pd.Series(np.nan, index=out.index)
    target = pd.to_numeric(known, errors="coerce").astype(float).fillna(float(default))
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
        text = _("{n} still onboarding, of which {past} past target").format(
            n=formats.decimal(self.still_onboarding), past=formats.decimal(self.past_target))
        if self.left_before_value:
            text += "; " + _("{n} left before reaching first value").format(n=formats.decimal(self.left_before_value))
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


@dataclass(frozen=True)
class EarlyChurnComparison:
    """Early churn of customers who reached first value on time against those who were late."""

    table: pd.DataFrame  # group, n, early_churned, share, low, high
    difference: float  # late share - on-time share
    p_value: float  # Fisher's exact test, two-sided
    enough: bool
    differs: bool  # enough customers and p < 1 - level
    text: str


def early_churn_by_timeliness(
    data: pd.DataFrame,
    *,
    as_of: dt.date,
    window: int = EARLY_CHURN_DAYS,
    min_n: int = MIN_GROUP_N,
    level: float = 0.95,
) -> EarlyChurnComparison:
    """Share of customers lost within ``window`` days of signing, on time against late.

    ``data`` is the output of :func:`with_targets` with ``signed_on`` and ``churned_on``. Only
    customers signed at least ``window`` days before ``as_of`` count (their first 90 days are
    complete). "late" means first value after the target, or none by the time the target passed;
    customers who left before their target without first value are neither, and are left out.
    Shares carry Wilson intervals at ``level``; the difference is tested with Fisher's exact test
    and called a difference (``differs``) when p < 1 - ``level`` with ``min_n`` customers a side.
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
    differs = bool(enough and p < 1 - level)
    if not enough:
        text = _("Too few customers to compare early churn ({late} late, {on_time} on time; {min_n} needed in "
                 "each).").format(late=n_late, on_time=n_on, min_n=min_n)
    else:
        shares = dict(window=window, late=formats.percent(table["share"].iloc[1], 1),
                      on_time=formats.percent(table["share"].iloc[0], 1),
                      p=p_text(p, decimal="," if formats.italian() else "."))
        if differs and diff > 0:
            text = _("Customers who reached first value late left within {window} days more often than those on "
                     "time ({late} against {on_time}; Fisher's exact test {p}).").format(**shares)
        elif differs:
            text = _("Customers who reached first value late left within {window} days less often than those on "
                     "time ({late} against {on_time}; Fisher's exact test {p}).").format(**shares)
        else:
            text = _("No real difference in churn within {window} days between late and on-time customers "
                     "({late} against {on_time}; Fisher's exact test {p}).").format(**shares)
    return EarlyChurnComparison(table, float(diff), p, enough, differs, text)
