"""Time to First Value (TTFV), counting the customers still onboarding.

A customer who has not reached first value yet is not dropped: their time is *censored* at the
reference date (or at churn, whichever comes first), and the Kaplan-Meier estimator uses them.
This is what makes the median honest: the slowest customers are exactly the ones still waiting.

Rooms
-----
``durations``
    Days from signing to first value per customer, signing cohorts, input checks, data problems.
``survival``
    Kaplan-Meier curves, quantiles, the curve read at given days, the summary per group.
``compare``
    The log-rank test between groups (in words too), small groups, the trend by signing cohort.
``onboarding``
    Targets per segment, stalled onboardings, head counts, late first value against early churn.

Words used throughout
---------------------
``data``
    One row per customer, as returned by :func:`ttfv_durations`: ``days`` (signing to first value,
    or to censoring), ``reached`` (bool) and the customer's attributes.
``by``
    The column whose values split customers into groups (segment, plan, region, owner, cohort).
``targets``
    A mapping from segment to the number of days by which first value should be reached.
``level``
    The confidence level of intervals; a test calls a difference when p < 1 - ``level``.
"""

from cs_metrics.ttfv.compare import (
    GroupComparison,
    LogRank,
    TrendVerdict,
    cohort_trend,
    compare_groups,
    compare_groups_in_words,
    faster_than_before,
    small_groups,
)
from cs_metrics.ttfv.durations import (
    GROUPINGS,
    MIN_GROUP_N,
    NOT_SET,
    check_columns,
    check_durations,
    problem_report,
    signed_in,
    signing_quarter,
    ttfv_durations,
)
from cs_metrics.ttfv.onboarding import (
    DEFAULT_TARGET_DAYS,
    EARLY_CHURN_DAYS,
    STALLED_COLUMNS,
    EarlyChurnComparison,
    OnboardingCounts,
    early_churn_by_timeliness,
    onboarding_counts,
    segment_targets,
    stalled_onboardings,
    targets_in,
    with_targets,
)
from cs_metrics.ttfv.survival import CURVE_COLUMNS, curve_at, reached_by, survival_curve, ttfv_summary

__all__ = [
    "CURVE_COLUMNS", "DEFAULT_TARGET_DAYS", "EARLY_CHURN_DAYS", "GROUPINGS", "MIN_GROUP_N", "NOT_SET",
    "STALLED_COLUMNS", "EarlyChurnComparison", "GroupComparison", "LogRank", "OnboardingCounts", "TrendVerdict",
    "check_columns", "check_durations", "cohort_trend", "compare_groups", "compare_groups_in_words", "curve_at",
    "early_churn_by_timeliness", "faster_than_before", "onboarding_counts", "problem_report", "reached_by",
    "segment_targets", "signed_in", "signing_quarter", "small_groups", "stalled_onboardings", "survival_curve",
    "targets_in", "ttfv_durations", "ttfv_summary", "with_targets",
]
