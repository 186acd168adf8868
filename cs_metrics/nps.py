"""Net Promoter Score, computed from counts (never by averaging scores), with honest intervals.

NPS = %promoters (9-10) - %detractors (0-6), in points from -100 to 100. Its sampling interval
uses the adjusted-Wald method of Rocks (2016), "Confidence intervals for the Net Promoter Score":
add 0.75 detractor, 1.5 passive and 0.75 promoter pseudo-observations (3 in all), use the
trinomial variance p + d - (p - d)^2 of the adjusted proportions, centre the interval on the
adjusted estimate and clip it to [-100, 100]. It keeps its nominal coverage at small n, where the
plain Wald interval is too narrow.

Beyond one sample: ``nps_difference`` compares two independent samples (interval and two-sided
z-test, as ``nps.test`` in the R package ``NPS`` by Brendan Rocks, optionally on adjusted counts);
``nps_table`` and ``nps_trend`` give one row per group or period; ``score_distribution`` the 0-10
histogram; ``rate_interval`` (Wilson) the response and comment rates; ``follow_up_summary`` the
closed loop on detractors (follow-up rate, median days to follow-up, waiting, overdue).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from cs_metrics.errors import DataError
from cs_metrics.i18n import _, formats
from cs_metrics.stats import p_text, wilson_interval, z_value
from cs_metrics.vocab import FOLLOW_UP_STATUSES  # closed-loop states (empty: not started)

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
        raise ScoreError(_(
            "{n} score(s) are not whole numbers from 0 to 10 (e.g. {shown}); fix or remove them before computing NPS."
        ).format(n=int(bad.sum()), shown=shown))


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


def _check_counts(*counts: int) -> None:
    if any(c is None or c < 0 or int(c) != c for c in counts):
        raise DataError(_("Counts must be non-negative whole numbers (got {counts}).").format(counts=counts))


def _adjusted(detractors: float, passives: float, promoters: float, method: str) -> tuple[float, float, float]:
    """(nps, variance of one observation, n) on the proportion scale, after any adjustment."""
    if method == "adjusted_wald":
        detractors += ADJUSTMENT[0]
        passives += ADJUSTMENT[1]
        promoters += ADJUSTMENT[2]
    elif method != "wald":
        raise DataError(_("Unknown method {method}: use 'adjusted_wald' or 'wald'.").format(method=repr(method)))
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
    half = z_value(level) * math.sqrt(max(var, 0.0) / n_adj)
    low = max(-100.0, (centre - half) * 100.0)
    high = min(100.0, (centre + half) * 100.0)
    return NpsEstimate(n, raw, low, high, int(detractors), int(passives), int(promoters), level, method)


def counts_from_scores(scores: pd.Series) -> tuple[int, int, int]:
    """(detractors, passives, promoters) from raw 0-10 scores (validated)."""
    classes = classify(pd.Series(scores))
    counts = classes.value_counts()
    return tuple(int(counts.get(c, 0)) for c in CLASSES)  # type: ignore[return-value]


# --- two samples -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NpsDifference:
    """Difference between two NPS samples (``second`` minus ``first``), in points.

    ``diff``, ``low``, ``high`` and ``p_value`` use the adjusted estimates when ``method`` is
    ``"adjusted_wald"`` and the raw ones with ``"wald"``; ``raw_diff`` is always the difference of
    the raw scores. ``p_value`` is the two-sided z-test of "no difference" for independent samples.
    """

    diff: float
    low: float
    high: float
    p_value: float
    se: float
    first: NpsEstimate
    second: NpsEstimate
    level: float = 0.95
    method: str = "adjusted_wald"

    @property
    def raw_diff(self) -> float:
        return self.second.nps - self.first.nps

    @property
    def significant(self) -> bool:
        """True when the test rejects "no difference" at ``level`` (False when it cannot be run)."""
        return bool(self.p_value == self.p_value and self.p_value < 1 - self.level)


def _as_counts(sample: tuple[int, int, int], name: str) -> tuple[int, int, int]:
    try:
        d, p, pr = sample
    except (TypeError, ValueError):
        raise DataError(_("{name} must be a (detractors, passives, promoters) triple (got {sample}).").format(
            name=name, sample=repr(sample))) from None
    _check_counts(d, p, pr)
    return int(d), int(p), int(pr)


def nps_difference(
    first: tuple[int, int, int],
    second: tuple[int, int, int],
    *,
    level: float = 0.95,
    method: str = "adjusted_wald",
) -> NpsDifference:
    """Difference ``second - first`` between two independent NPS samples, its interval and p-value.

    Each sample's NPS has variance ``(p + d - (p - d)^2) / n``; the difference's standard error is
    the square root of the sum of the two. With ``method="adjusted_wald"`` both samples first get
    Rocks' pseudo-observations (0.75, 1.5, 0.75), as in ``nps_interval``. The interval is not
    clipped (a difference ranges over -200..200 points). A sample with no responses gives NaN.

    Example
    -------
    (20, 30, 50) then (10, 30, 60), plain Wald: NPS 30 then 50, diff = 20 points;
    var1 = 0.5 + 0.2 - 0.09 = 0.61, var2 = 0.6 + 0.1 - 0.25 = 0.45,
    SE = sqrt(0.61/100 + 0.45/100) = 0.102956, z = 0.2 / 0.102956 = 1.94258, p = 0.05207.

    >>> d = nps_difference((20, 30, 50), (10, 30, 60), method="wald")
    >>> round(d.diff, 6), round(d.p_value, 4)
    (20.0, 0.0521)
    """
    a = _as_counts(first, "first")
    b = _as_counts(second, "second")
    z = z_value(level)
    est_a = nps_interval(*a, level=level, method=method)
    est_b = nps_interval(*b, level=level, method=method)
    if est_a.n == 0 or est_b.n == 0:
        return NpsDifference(math.nan, math.nan, math.nan, math.nan, math.nan, est_a, est_b, level, method)
    centre_a, var_a, n_a = _adjusted(*a, method)
    centre_b, var_b, n_b = _adjusted(*b, method)
    diff = centre_b - centre_a
    se = math.sqrt(max(var_a, 0.0) / n_a + max(var_b, 0.0) / n_b)
    if se > 0:
        p_value = float(2 * norm.sf(abs(diff) / se))
    else:  # both samples all in one class (plain Wald only): no sampling variation to test
        p_value = 1.0 if diff == 0 else 0.0
    return NpsDifference(
        diff * 100.0, (diff - z * se) * 100.0, (diff + z * se) * 100.0, p_value, se * 100.0, est_a, est_b, level, method
    )


def verdict(difference: NpsDifference) -> str:
    """Plain-language reading of a change: called a change only when the test says so.

    Example
    -------
    >>> verdict(nps_difference((20, 30, 50), (10, 30, 60), method="wald"))
    'no detectable change (p = 0.052)'
    """
    d = difference
    if d.p_value != d.p_value:
        return _("cannot be compared: one of the periods has no responses")
    share = formats.percent(d.level, 0)
    p = p_text(d.p_value)
    if not d.significant:
        return _("no detectable change ({p})").format(p=p)
    if d.diff > 0:
        return _("up, significant at {share} ({p})").format(share=share, p=p)
    return _("down, significant at {share} ({p})").format(share=share, p=p)


# --- tables and trends -----------------------------------------------------------------------------

#: Period codes accepted by ``nps_table`` and ``nps_trend``.
GRAINS: dict[str, str] = {"month": "M", "quarter": "Q", "year": "Y"}
COUNT_COLUMNS: tuple[str, ...] = ("detractors", "passives", "promoters")
TABLE_COLUMNS: tuple[str, ...] = ("n", "detractors", "passives", "promoters", "nps", "low", "high")


def _grain_code(grain: str) -> str:
    key = grain.lower()
    if key in GRAINS:
        return GRAINS[key]
    if key.upper() in GRAINS.values():
        return key.upper()
    raise DataError(_("Unknown grain {grain} for the calendar period: use one of {grains}.").format(
        grain=repr(grain), grains=sorted(GRAINS)))


def _counts_frame(responses: pd.DataFrame) -> pd.DataFrame:
    """Responses as one row per response or per aggregate, with the three count columns."""
    frame = responses.copy()
    if all(c in frame.columns for c in COUNT_COLUMNS):
        for column in COUNT_COLUMNS:
            values = pd.to_numeric(frame[column], errors="coerce")
            if values.isna().any() or (values < 0).any():
                raise DataError(_("Column {column} must hold non-negative counts; fix the missing or negative "
                                  "values.").format(column=repr(column)))
            frame[column] = values.astype("int64")
        return frame
    if "score" not in frame.columns:
        raise DataError(_(
            "nps_table needs a 'score' column (one row per response) or the columns "
            "'detractors', 'passives', 'promoters' (counts)."
        ))
    classes = classify(frame["score"]) if len(frame) else pd.Series(dtype=object)
    for column, cls in zip(COUNT_COLUMNS, CLASSES):
        frame[column] = (classes == cls).astype("int64")
    return frame


def nps_table(
    responses: pd.DataFrame,
    *,
    by: str | list[str] | None = None,
    grain: str | None = None,
    date: str | None = None,
    level: float = 0.95,
    method: str = "adjusted_wald",
) -> pd.DataFrame:
    """One row per group (and period) with n, the three counts, NPS and its interval.

    Parameters
    ----------
    responses
        Either one row per response with a ``score`` column (0-10, validated), or aggregated rows
        with ``detractors``, ``passives`` and ``promoters`` counts (e.g. from a SQL query).
    by
        Column(s) to group by. Missing values form their own group.
    grain
        ``"month"``, ``"quarter"`` or ``"year"``: also group by that calendar period of the
        ``date`` column (in a column named ``period``).
    date
        Date column for ``grain``; default ``responded_on``, else ``month``.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``period`` (first day, when asked), then ``n``, ``detractors``,
        ``passives``, ``promoters``, ``nps``, ``low``, ``high`` (points). No rows for empty input.

    Example
    -------
    >>> frame = pd.DataFrame({"segment": ["A", "A", "A", "B"], "score": [10, 9, 3, 7]})
    >>> nps_table(frame, by="segment")[["segment", "n", "nps"]].to_dict("records")
    [{'segment': 'A', 'n': 3, 'nps': 33.33333333333333}, {'segment': 'B', 'n': 1, 'nps': 0.0}]
    """
    keys = [by] if isinstance(by, str) else list(by or [])
    missing = [k for k in keys if k not in responses.columns]
    if missing:
        raise DataError(_("Cannot group by {columns}: the responses have no such column(s).").format(columns=missing))
    frame = _counts_frame(responses)
    if grain is not None:
        code = _grain_code(grain)
        column = date or ("responded_on" if "responded_on" in frame.columns else "month")
        if column not in frame.columns:
            raise DataError(_("Grouping by {grain} needs a date column ({column}); add it or pass date=.").format(
                grain=grain, column=repr(column)))
        frame["period"] = pd.to_datetime(frame[column]).dt.to_period(code).dt.start_time
        keys = keys + ["period"]
    out_columns = keys + list(TABLE_COLUMNS)
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=float if c in ("nps", "low", "high") else object) for c in out_columns})
    if keys:
        grouped = frame.groupby(keys, dropna=False, sort=True)[list(COUNT_COLUMNS)].sum().reset_index()
    else:
        grouped = frame[list(COUNT_COLUMNS)].sum().to_frame().T.reset_index(drop=True)
    estimates = [
        nps_interval(int(r.detractors), int(r.passives), int(r.promoters), level=level, method=method)
        for r in grouped.itertuples()
    ]
    grouped["n"] = [e.n for e in estimates]
    grouped["nps"] = [e.nps for e in estimates]
    grouped["low"] = [e.low for e in estimates]
    grouped["high"] = [e.high for e in estimates]
    return grouped[out_columns].astype({c: "int64" for c in ("n", *COUNT_COLUMNS)})


def compare_to_rest(table: pd.DataFrame, *, level: float = 0.95, method: str = "adjusted_wald") -> pd.DataFrame:
    """Add each group's difference from all the other groups together, its interval and p-value.

    ``table`` is ``nps_table`` output (one row per group). New columns: ``vs_rest`` (points,
    group minus rest), ``vs_rest_low``, ``vs_rest_high``, ``p_value`` and ``significant``
    (``nps_difference`` of the rest against the group). A single group has nothing to compare
    with: NaN and False.

    Example
    -------
    >>> t = nps_table(pd.DataFrame({"g": ["a", "b"], "detractors": [20, 10], "passives": [30, 30],
    ...                             "promoters": [50, 60]}), by="g")
    >>> round(float(compare_to_rest(t, method="wald").loc[1, "vs_rest"]), 6)
    20.0
    """
    out = table.copy()
    totals = out[list(COUNT_COLUMNS)].sum()
    diffs = []
    for row in out.itertuples():
        own = (int(row.detractors), int(row.passives), int(row.promoters))
        rest = tuple(int(totals[c]) - v for c, v in zip(COUNT_COLUMNS, own))
        diffs.append(nps_difference(rest, own, level=level, method=method))  # type: ignore[arg-type]
    out["vs_rest"] = [d.diff for d in diffs]
    out["vs_rest_low"] = [d.low for d in diffs]
    out["vs_rest_high"] = [d.high for d in diffs]
    out["p_value"] = [d.p_value for d in diffs]
    out["significant"] = [d.significant for d in diffs]
    return out


def nps_trend(
    counts: pd.DataFrame,
    *,
    grain: str = "month",
    start: dt.date | None = None,
    end: dt.date | None = None,
    min_n: int = 30,
    level: float = 0.95,
    method: str = "adjusted_wald",
) -> pd.DataFrame:
    """NPS per month/quarter/year with interval and an ``enough`` flag (n at least ``min_n``).

    ``counts`` is ``nps_table`` input (usually monthly counts from SQL with a ``month`` column).
    With ``start``/``end`` (``end`` excluded) every month/quarter/year touching ``[start, end)``
    appears, those without responses with n = 0 and NaN values, so that gaps show instead of being
    bridged silently.

    Example
    -------
    >>> monthly = pd.DataFrame({"month": pd.to_datetime(["2026-01-01", "2026-03-01"]),
    ...                         "detractors": [5, 1], "passives": [10, 1], "promoters": [25, 2]})
    >>> t = nps_trend(monthly, start=dt.date(2026, 1, 1), end=dt.date(2026, 4, 1), min_n=30)
    >>> t[["n", "nps", "enough"]].values.tolist()
    [[40, 50.0, True], [0, nan, False], [4, 25.0, False]]
    """
    if min_n < 0:
        raise DataError(_("min_n must be zero or more (got {min_n}).").format(min_n=min_n))
    table = nps_table(counts, grain=grain, level=level, method=method)
    if start is not None and end is not None:
        code = _grain_code(grain)
        last = pd.Timestamp(end) - pd.Timedelta(days=1)
        full = pd.period_range(pd.Timestamp(start), last, freq=code).start_time
        table = table.set_index("period").reindex(full)
        table.index.name = "period"
        table = table.reset_index()
        for column in ("n", *COUNT_COLUMNS):
            table[column] = table[column].fillna(0).astype("int64")
        table[["nps", "low", "high"]] = table[["nps", "low", "high"]].astype(float)
    table["enough"] = (table["n"] >= min_n) & (table["n"] > 0)
    return table


def score_distribution(score_counts: pd.DataFrame) -> pd.DataFrame:
    """Responses per score 0-10 (every score present), with each score's class and share.

    ``score_counts`` has columns ``score`` and ``n``; scores outside 0-10 raise ``ScoreError``.

    Example
    -------
    >>> d = score_distribution(pd.DataFrame({"score": [10, 3], "n": [3, 1]}))
    >>> d.loc[d["n"] > 0, ["score", "n", "share", "group"]].values.tolist()
    [[3, 1, 0.25, 'detractor'], [10, 3, 0.75, 'promoter']]
    """
    if len(score_counts):
        check_scores(score_counts["score"])
    counts = score_counts.groupby("score")["n"].sum() if len(score_counts) else pd.Series(dtype="int64")
    out = pd.DataFrame({"score": range(11)})
    out["n"] = out["score"].map(counts).fillna(0).astype("int64")
    total = int(out["n"].sum())
    out["share"] = out["n"] / total if total else math.nan
    out["group"] = classify(out["score"])
    return out


# --- rates -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """A proportion ``count / total`` with its Wilson interval (NaN when ``total`` is 0)."""

    count: int
    total: int
    value: float
    low: float
    high: float
    level: float = 0.95


def rate_interval(count: int, total: int, *, level: float = 0.95) -> Rate:
    """Proportion and Wilson score interval (Wilson 1927), good at small n and near 0 or 1.

    Example
    -------
    30 of 100, z = 1.959964: centre = (0.3 + z^2/200) / (1 + z^2/100) = 0.307399,
    half-width = z * sqrt(0.3*0.7/100 + z^2/40000) / (1 + z^2/100) = 0.088450.

    >>> r = rate_interval(30, 100)
    >>> round(r.low, 4), round(r.high, 4)
    (0.2189, 0.3958)
    """
    _check_counts(count, total)
    if count > total:
        raise DataError(_("A rate's count ({count}) cannot exceed its total ({total}).").format(count=count, total=total))
    if total == 0:
        return Rate(0, 0, math.nan, math.nan, math.nan, level)
    low, high = wilson_interval(count, total, level=level)
    return Rate(int(count), int(total), count / total, low, high, level)


def response_rate(sends: int, answered: int, *, level: float = 0.95) -> Rate:
    """Share of survey invitations that got an answer (``answered`` of ``sends``)."""
    return rate_interval(answered, sends, level=level)


def comment_rate(responses: int, commented: int, *, level: float = 0.95) -> Rate:
    """Share of responses that came with a written comment."""
    return rate_interval(commented, responses, level=level)


# --- closed loop -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpSummary:
    """How the detractors of a period were followed up.

    ``needing`` excludes follow-ups marked ``not_needed``; ``rate`` = ``done / needing`` with its
    Wilson interval; ``median_days`` is the median of days from answer to completed follow-up
    (over ``done``); ``waiting`` are open or in progress (or not started), ``overdue`` those
    waiting past their due date (or, without one, answered more than ``due_days`` ago).
    """

    detractors: int
    needing: int
    done: int
    waiting: int
    overdue: int
    rate: Rate
    median_days: float


def follow_up_overdue(detractors: pd.DataFrame, *, as_of: dt.date, due_days: int = 7) -> pd.Series:
    """True for follow-ups still waiting (not done, not marked not needed) whose due date is before
    ``as_of``; without a due date, ``due_days`` after the answer.

    Example
    -------
    >>> frame = pd.DataFrame({"responded_on": pd.to_datetime(["2026-03-01", "2026-03-01", "2026-03-28"]),
    ...                       "follow_up_status": ["open", "done", None], "follow_up_due": [pd.NaT] * 3})
    >>> follow_up_overdue(frame, as_of=dt.date(2026, 3, 31)).tolist()
    [True, False, False]
    """
    status = detractors["follow_up_status"]
    answered = pd.to_datetime(detractors["responded_on"])
    due = pd.to_datetime(detractors["follow_up_due"]).fillna(answered + pd.Timedelta(days=due_days))
    waiting = ~status.isin(["done", "not_needed"])
    return (waiting & (due < pd.Timestamp(as_of))).astype(bool)


#: Follow-up states still waiting for someone (with no status: not started).
WAITING_STATUSES = ("open", "in_progress")


def follow_up_waiting(detractors: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``detractors`` whose follow-up is still waiting (not started, open or in
    progress), in their order: the queue without the closed ones, cut from the whole queue
    instead of read again.

    Example
    -------
    >>> frame = pd.DataFrame({"id": [1, 2, 3, 4], "follow_up_status": [None, "done", "open", "not_needed"]})
    >>> follow_up_waiting(frame)["id"].tolist()
    [1, 3]
    """
    status = detractors["follow_up_status"]
    waiting = (status.isna() | status.isin(WAITING_STATUSES)).to_numpy(dtype=bool)
    return detractors[waiting].reset_index(drop=True)


def follow_up_summary(detractors: pd.DataFrame, *, as_of: dt.date, due_days: int = 7) -> FollowUpSummary:
    """Follow-up rate and median days to follow-up of detractor responses.

    ``detractors`` has one row per detractor response with ``responded_on``,
    ``follow_up_status`` (open, in_progress, done, not_needed or empty = not started),
    ``follow_up_due`` and ``follow_up_done_on``.

    Example
    -------
    Three detractors answered on 1 March: one done on 4 March (3 days), one done on 11 March
    (10 days), one still open; rate = 2/3, median days = (3 + 10) / 2 = 6.5.

    >>> day = pd.Timestamp("2026-03-01")
    >>> frame = pd.DataFrame({"responded_on": [day] * 3, "follow_up_status": ["done", "done", "open"],
    ...                       "follow_up_due": [pd.NaT] * 3,
    ...                       "follow_up_done_on": pd.to_datetime(["2026-03-04", "2026-03-11", None])})
    >>> s = follow_up_summary(frame, as_of=dt.date(2026, 3, 31))
    >>> s.done, s.needing, round(s.rate.value, 4), s.median_days, s.overdue
    (2, 3, 0.6667, 6.5, 1)
    """
    status = detractors["follow_up_status"].where(detractors["follow_up_status"].notna(), None)
    unknown = sorted({s for s in status.dropna().unique() if s not in FOLLOW_UP_STATUSES})
    if unknown:
        raise DataError(_("Unknown follow-up status(es) {unknown}; use one of {statuses}.").format(
            unknown=unknown, statuses=list(FOLLOW_UP_STATUSES)))
    answered = pd.to_datetime(detractors["responded_on"])
    done_on = pd.to_datetime(detractors["follow_up_done_on"])
    is_done = status == "done"
    not_needed = status == "not_needed"
    waiting = ~is_done & ~not_needed
    days = (done_on[is_done] - answered[is_done]).dt.days.dropna()
    needing = int((~not_needed).sum())
    done = int(is_done.sum())
    return FollowUpSummary(
        detractors=len(detractors),
        needing=needing,
        done=done,
        waiting=int(waiting.sum()),
        overdue=int(follow_up_overdue(detractors, as_of=as_of, due_days=due_days).sum()),
        rate=rate_interval(done, needing),
        median_days=float(days.median()) if len(days) else math.nan,
    )
