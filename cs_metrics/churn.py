"""Why customers leave: reasons, controllable churn, early churn, follow-up and contradictions.

Every churned customer should have a known reason, confirmed in a follow-up call some days or
weeks after the churn (not a survey). The reasons belong to the company: a table with one row per
reason, ``key`` (what churn rows store), ``label``, ``category`` and ``controllable`` (True: the
company could have acted on it; False: outside its control, such as a customer company acquired or
gone out of business, or a consumer who moved away; None: not known). Functions that label or
classify reasons take it as ``reasons=``; without it they use a new company's reasons
(``default_reasons``). Churn within ``EARLY_DAYS`` of signing points at the wrong customers being
acquired or at onboarding, and is read as its own class.

The functions take a churn table with one row per churned customer: ``customer_id``,
``churned_on``, ``primary_reason``, ``category``, ``controllable``, ``arr_lost`` and optionally
``contributing_reasons`` (";"-separated reason keys). A row's own ``category`` and
``controllable`` come first; where they are missing, the reason's entry in ``reasons`` fills
them. ``cs_metrics.services.churn`` reads them from the database and assembles what the Churn &
retention page shows.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cs_metrics import nps, retention, vocab
from cs_metrics.errors import DataError
from cs_metrics.i18n import N_, _
from cs_metrics.retention import DataIssue

#: Churn within this many days of signing is early churn (``cs_metrics.early_churn``).
EARLY_DAYS = 90
#: The pooled cohort curve stops at months observed for fewer customers than this: beyond it only
#: the oldest cohorts remain and the curve says more about them than about the company.
MIN_CURVE_CUSTOMERS = 30
#: Label of rows whose category is neither given nor in the company's reasons.
UNCATEGORISED = N_("uncategorised")
#: The groups of ``controllable_split`` (English data values; charts show them through ``_()``).
CONTROLLABLE = N_("Controllable")
NOT_CONTROLLABLE = N_("Not controllable")
UNKNOWN = N_("Not known yet")
#: Columns of a company's table of churn reasons.
REASON_COLUMNS: tuple[str, ...] = ("key", "label", "category", "controllable")

#: A reason's entry: (label, category, controllable).
ReasonEntry = tuple[str, "str | None", "bool | None"]


class ChurnDataError(DataError):
    """A churn table cannot be used as given; the message names the missing columns."""


def check_churn(
    churn: pd.DataFrame, columns: tuple[str, ...] = ("customer_id", "churned_on", "primary_reason")
) -> None:
    """Raise ``ChurnDataError`` when ``churn`` lacks one of ``columns``."""
    missing = [c for c in columns if c not in churn.columns]
    if missing:
        raise ChurnDataError(_(
            "The churn table needs the column(s) {columns}: one row per churned customer with "
            "customer_id, churned_on, primary_reason, category, controllable and arr_lost."
        ).format(columns=missing))


# --- the company's reasons -------------------------------------------------------------------------


def default_reasons() -> pd.DataFrame:
    """The churn reasons of a new company: ``key``, ``label``, ``category``, ``controllable``
    (``vocab.default_terms()["churn_reason"]``: the B2B reasons, the consumer reasons "moved" and
    "deceased", and "unknown").

    Example
    -------
    >>> r = default_reasons().set_index("key")
    >>> r.loc["acquired", "controllable"], r.loc["moved", "controllable"], r.loc["unknown", "controllable"]
    (False, False, None)
    """
    rows = vocab.default_terms()["churn_reason"]
    frame = pd.DataFrame(rows, columns=list(REASON_COLUMNS))
    frame["controllable"] = pd.Series([r["controllable"] for r in rows], dtype=object)
    return frame


def check_reasons(reasons: pd.DataFrame) -> None:
    """Raise ``ChurnDataError`` when a table of churn reasons lacks one of ``REASON_COLUMNS``."""
    missing = [c for c in REASON_COLUMNS if c not in reasons.columns]
    if missing:
        raise ChurnDataError(_(
            "The table of churn reasons needs the column(s) {columns}: one row per reason with key, label, "
            "category and controllable (True, False, or empty when not known)."
        ).format(columns=missing))


def _absent(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _flag(value: object) -> bool | None:
    return None if _absent(value) else bool(value)


def _text(value: object) -> str | None:
    return None if _absent(value) else (str(value).strip() or None)


@functools.cache
def _default_lookup() -> Mapping[str, ReasonEntry]:
    return _lookup(default_reasons())


def _lookup(reasons: pd.DataFrame) -> dict[str, ReasonEntry]:
    check_reasons(reasons)
    return {
        str(r.key): (_text(r.label) or str(r.key), _text(r.category), _flag(r.controllable))
        for r in reasons.itertuples(index=False)
    }


def reason_lookup(reasons: pd.DataFrame | None = None) -> Mapping[str, ReasonEntry]:
    """Reason key -> (label, category, controllable) of the company's ``reasons`` (default: a new
    company's, ``default_reasons``).

    Example
    -------
    >>> mine = pd.DataFrame({"key": ["cheaper_plan"], "label": ["Moved to cheaper plan"],
    ...                      "category": ["price"], "controllable": [True]})
    >>> reason_lookup(mine)["cheaper_plan"]
    ('Moved to cheaper plan', 'price', True)
    """
    return _default_lookup() if reasons is None else _lookup(reasons)


def reason_label(reason: str, reasons: pd.DataFrame | None = None) -> str:
    """Display label of a reason key in the company's ``reasons`` (the key itself when unknown).

    >>> reason_label("moved"), reason_label("left_for_the_moon")
    ('Customer moved away', 'left_for_the_moon')
    """
    return reason_lookup(reasons).get(reason, (reason, None, None))[0]


def category_flags(reasons: pd.DataFrame | None = None) -> dict[str, bool | None]:
    """Category -> whether its reasons are controllable: False when every reason of the category
    is outside the company's control, True when at least one is controllable, None when none is
    known either way.

    >>> flags = category_flags()
    >>> flags["company event"], flags["commercial"], flags["unknown"]
    (False, True, None)
    """
    flags: dict[str, list[bool | None]] = {}
    for _label, category, controllable in reason_lookup(reasons).values():
        if category is not None:
            flags.setdefault(category, []).append(controllable)
    out: dict[str, bool | None] = {}
    for category, values in flags.items():
        if any(v is True for v in values):
            out[category] = True
        elif values and all(v is False for v in values):
            out[category] = False
        else:
            out[category] = None
    return out


def _with_reason(churn: pd.DataFrame) -> pd.DataFrame:
    reason = churn["primary_reason"]
    known = reason.notna() & (reason.astype(str).str.strip() != "") & (reason.astype(str) != "None")
    return churn[known.to_numpy()]


def _arr_lost(frame: pd.DataFrame) -> pd.Series:
    if "arr_lost" not in frame.columns:
        return pd.Series(0.0, index=frame.index)
    return pd.to_numeric(frame["arr_lost"], errors="coerce").fillna(0.0)


def _labels(keys: pd.Series, lookup: Mapping[str, ReasonEntry]) -> pd.Series:
    """The label of each reason key (None where there is no reason)."""
    return keys.map(lambda r: lookup.get(r, (r, None, None))[0] if isinstance(r, str) else None)


def _categories(frame: pd.DataFrame, lookup: Mapping[str, ReasonEntry]) -> pd.Series:
    given = (
        frame["category"] if "category" in frame.columns else pd.Series(None, index=frame.index, dtype=object)
    )
    from_vocab = frame["primary_reason"].map(lambda r: lookup.get(r, (None, None, None))[1])
    out = given.where(given.notna() & (given.astype(str) != "None"), from_vocab)
    return out.fillna(UNCATEGORISED).astype(str)


def _controllable(frame: pd.DataFrame, lookup: Mapping[str, ReasonEntry]) -> pd.Series:
    """True / False / NA per row: the given flag, else the company's reason's, else not known."""
    given = (
        frame["controllable"].astype("boolean")
        if "controllable" in frame.columns
        else pd.Series(pd.NA, index=frame.index, dtype="boolean")
    )
    from_vocab = frame["primary_reason"].map(lambda r: lookup.get(r, (None, None, None))[2])
    return given.fillna(from_vocab.astype("boolean"))


def missing_reasons(churn: pd.DataFrame, *, examples: int = retention.EXAMPLE_ROWS) -> DataIssue:
    """Churned customers without a primary reason: count and example rows.

    Example
    -------
    >>> c = pd.DataFrame({"customer_id": [1, 2], "churned_on": ["2025-01-05"] * 2,
    ...                   "primary_reason": ["price", None]})
    >>> missing_reasons(c).count
    1
    """
    check_churn(churn)
    without = churn.drop(index=_with_reason(churn).index)
    return DataIssue(
        key="missing_reason",
        label=N_("Churned customers without a recorded reason"),  # English, shown through _()
        count=len(without),
        examples=without.head(examples).reset_index(drop=True),
        action=N_("left out of the reason charts until the follow-up call records one"),
    )


def reason_pareto(
    churn: pd.DataFrame,
    *,
    weight: str | None = None,
    by_category: bool = False,
    contributing: bool = False,
    reasons: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Churn reasons (or categories) from most to least frequent, with cumulative shares.

    Parameters
    ----------
    churn
        One row per churned customer (see module docstring). Rows without a primary reason are
        left out and counted in ``attrs["missing"]``.
    weight
        ``None``: sort and share by number of customers; ``"arr_lost"`` (or another numeric
        column): sort and share by that amount.
    by_category
        One row per category instead of per reason (a missing category is taken from the
        company's ``reasons``, else ``"uncategorised"``).
    contributing
        Count contributing reasons too: ``count`` becomes the number of mentions, split in
        ``primary`` and ``contributing``; ``arr_lost`` adds the churned ARR of every customer
        that mentions the reason.
    reasons
        The company's churn reasons (``REASON_COLUMNS``); default ``default_reasons()``.

    Returns
    -------
    DataFrame
        ``reason`` (or ``category``), ``count``, ``arr_lost``, ``share``, ``cumulative_share``
        (of ``count`` or of ``weight``), sorted descending, ties by name.

    Example
    -------
    Price 2 customers (ARR 10 + 30), competitor 1 (ARR 60): by count price is 2/3 of churn.

    >>> c = pd.DataFrame({"customer_id": [1, 2, 3], "churned_on": ["2025-01-05"] * 3,
    ...     "primary_reason": ["price", "price", "competitor"],
    ...     "category": ["commercial"] * 2 + ["competition"],
    ...     "controllable": [True] * 3, "arr_lost": [10.0, 30.0, 60.0]})
    >>> reason_pareto(c)[["reason", "count", "share"]].values.tolist()
    [['price', 2, 0.6666666666666666], ['competitor', 1, 0.3333333333333333]]
    """
    check_churn(churn)
    key = "category" if by_category else "reason"
    rows = _with_reason(churn)
    missing = int(len(churn) - len(rows))
    arr = _arr_lost(rows)
    mentions = pd.DataFrame({"reason": rows["primary_reason"].astype(str), "arr_lost": arr, "primary": 1,
                             "contributing": 0, "customer_id": rows["customer_id"]})
    if contributing and "contributing_reasons" in rows.columns:
        extra = rows["contributing_reasons"].where(rows["contributing_reasons"].notna(), "").astype(str)
        lists = extra.map(lambda s: [r.strip() for r in s.split(";") if r.strip() and r.strip() != "None"])
        exploded = pd.DataFrame(
            {"reason": lists, "arr_lost": arr, "customer_id": rows["customer_id"]}
        ).explode("reason")
        exploded = exploded[exploded["reason"].notna()].assign(primary=0, contributing=1)
        mentions = pd.concat([mentions, exploded[mentions.columns]], ignore_index=True)
    if by_category:
        frame = pd.DataFrame({"primary_reason": mentions["reason"]})
        if not contributing and "category" in rows.columns:
            frame["category"] = rows["category"].to_numpy()
        mentions["category"] = _categories(frame, reason_lookup(reasons)).to_numpy()
    columns = [key, "count", "arr_lost", "share", "cumulative_share"] + (
        ["primary", "contributing"] if contributing else []
    )
    if mentions.empty:
        out = pd.DataFrame({c: pd.Series(dtype=object if c == key else float) for c in columns})
        out.attrs["missing"] = missing
        return out
    group = "category" if by_category else "reason"
    out = mentions.groupby(group, as_index=False).agg(
        count=("customer_id", "size"),
        arr_lost=("arr_lost", "sum"),
        primary=("primary", "sum"),
        contributing=("contributing", "sum"),
    )
    out = out.rename(columns={group: key})
    measure = "count" if weight is None else weight
    if measure not in out.columns:
        raise ChurnDataError(_("Cannot weigh reasons by {weight}: use None (count) or 'arr_lost'.").format(
            weight=repr(weight)))
    out = out.sort_values([measure, key], ascending=[False, True], ignore_index=True)
    total = out[measure].sum()
    out["share"] = out[measure] / total if total else np.nan
    out["cumulative_share"] = out["share"].cumsum()
    out["count"] = out["count"].astype("int64")
    out = out[columns]
    out.attrs["missing"] = missing
    return out


def controllable_split(
    churn: pd.DataFrame, *, weight: str | None = None, reasons: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Churn split in controllable, not controllable and not known.

    Returns ``group``, ``count``, ``arr_lost``, ``share`` (of count, or of ``weight``) in that
    fixed order; the flag comes from ``controllable`` and, when missing, from the reason's entry
    in the company's ``reasons`` (default ``default_reasons()``). Customers without a reason, and
    reasons whose controllability is not known (None, or not among ``reasons``), are "not known".

    Example
    -------
    >>> c = pd.DataFrame({"customer_id": [1, 2, 3, 4], "churned_on": ["2025-01-05"] * 4,
    ...     "primary_reason": ["price", "acquired", "competitor", None], "arr_lost": [1.0, 1.0, 1.0, 1.0]})
    >>> controllable_split(c)["count"].tolist()
    [2, 1, 1]
    """
    check_churn(churn)
    flag = _controllable(churn, reason_lookup(reasons))
    group = np.where(flag.isna(), UNKNOWN, np.where(flag.fillna(False), CONTROLLABLE, NOT_CONTROLLABLE))
    frame = pd.DataFrame({"group": group, "arr_lost": _arr_lost(churn).to_numpy(), "n": 1})
    order = [CONTROLLABLE, NOT_CONTROLLABLE, UNKNOWN]
    out = (
        frame.groupby("group")
        .agg(count=("n", "sum"), arr_lost=("arr_lost", "sum"))
        .reindex(order, fill_value=0)
    )
    out = out.reset_index().rename(columns={"index": "group"})
    measure = "count" if weight is None else weight
    total = out[measure].sum()
    out["share"] = out[measure] / total if total else np.nan
    out["count"] = out["count"].astype("int64")
    return out[["group", "count", "arr_lost", "share"]]


def reasons_by_quarter(
    churn: pd.DataFrame, *, by_category: bool = False, reasons: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Churned customers per quarter of churn and reason (or category, a missing one taken from the
    company's ``reasons``), for stacked bars.

    Returns ``quarter`` (``"2025 Q3"``), ``reason`` (or ``category``), ``count``, ``arr_lost``,
    sorted by quarter; rows without a reason are left out (``attrs["missing"]``). Quarters with
    no churn at all between the first and the last are kept with a count of 0 under no reason.

    Example
    -------
    >>> c = pd.DataFrame({"customer_id": [1, 2], "churned_on": ["2025-01-05", "2025-04-02"],
    ...                   "primary_reason": ["price", "price"], "arr_lost": [1.0, 2.0]})
    >>> reasons_by_quarter(c)[["quarter", "count"]].values.tolist()
    [['2025 Q1', 1], ['2025 Q2', 1]]
    """
    check_churn(churn)
    key = "category" if by_category else "reason"
    rows = _with_reason(churn)
    columns = ["quarter", key, "count", "arr_lost"]
    if rows.empty:
        out = pd.DataFrame({c: pd.Series(dtype=object if c in ("quarter", key) else float) for c in columns})
        out.attrs["missing"] = len(churn)
        return out
    day = pd.to_datetime(rows["churned_on"])
    frame = pd.DataFrame(
        {
            "period": day.dt.to_period("Q").array,  # a PeriodArray: no Period object per row
            key: _categories(rows, reason_lookup(reasons)).to_numpy()
            if by_category
            else rows["primary_reason"].astype(str).to_numpy(),
            "arr_lost": _arr_lost(rows).to_numpy(),
            "n": 1,
        }
    )
    out = frame.groupby(["period", key], as_index=False).agg(count=("n", "sum"), arr_lost=("arr_lost", "sum"))
    out = out.sort_values(["period", "count", key], ascending=[True, False, True], ignore_index=True)
    out["quarter"] = out["period"].map(lambda p: f"{p.year} Q{p.quarter}")
    out["count"] = out["count"].astype("int64")
    out = out[columns]
    out.attrs["missing"] = int(len(churn) - len(rows))
    return out


# --- follow-up -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    """How complete the post-churn follow-up is: ``n`` churned customers, of whom ``called``
    had the call, ``confirmed`` have a confirmed reason, ``complete`` both. ``queue`` lists
    the rest (newest churn first) with ``missing`` saying what is missing."""

    n: int
    called: int
    confirmed: int
    complete: int
    queue: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False, hash=False)

    @property
    def share_complete(self) -> float:
        return self.complete / self.n if self.n else math.nan


def follow_up_status(churn: pd.DataFrame, *, reasons: pd.DataFrame | None = None) -> FollowUp:
    """Follow-up completeness: a churn is complete with a call date and a confirmed reason; the
    queue's ``reason`` is the label in the company's ``reasons``.

    Example
    -------
    >>> c = pd.DataFrame({"customer_id": [1, 2], "churned_on": ["2025-01-05"] * 2,
    ...     "primary_reason": ["price", None], "reason_confirmed": [True, False],
    ...     "follow_up_call_on": ["2025-01-20", None]})
    >>> f = follow_up_status(c)
    >>> (f.n, f.complete, f.queue["missing"].tolist())
    (2, 1, ['call and confirmed reason'])
    """
    check_churn(
        churn, ("customer_id", "churned_on", "primary_reason", "reason_confirmed", "follow_up_call_on")
    )
    called = pd.to_datetime(churn["follow_up_call_on"]).notna()
    confirmed = churn["reason_confirmed"].fillna(False).astype(bool) & _with_reason_mask(churn)
    complete = called & confirmed
    missing = np.where(
        ~called & ~confirmed, "call and confirmed reason", np.where(~called, "call", "confirmed reason")
    )
    queue = churn.loc[~complete].copy()
    queue["missing"] = missing[~complete.to_numpy()]
    queue["reason"] = _labels(queue["primary_reason"], reason_lookup(reasons))
    queue = queue.sort_values("churned_on", ascending=False, ignore_index=True)
    return FollowUp(
        n=len(churn),
        called=int(called.sum()),
        confirmed=int(confirmed.sum()),
        complete=int(complete.sum()),
        queue=queue,
    )


def _with_reason_mask(churn: pd.DataFrame) -> pd.Series:
    return churn.index.isin(_with_reason(churn).index)


# --- contradictions ------------------------------------------------------------------------------


def churn_contradictions(
    churn: pd.DataFrame, scored: pd.DataFrame, last_nps: pd.DataFrame, *, reasons: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Churned customers whose last health band was green or whose last NPS answer was a promoter.

    Parameters
    ----------
    churn
        The churn table.
    scored
        ``health.score_customers`` output for each customer's last month before churn
        (``customer_id``, ``month``, ``score``, ``band``).
    last_nps
        ``customer_id``, ``responded_on``, ``score``: the last answer before churn.

    Returns
    -------
    DataFrame
        One row per such customer: the churn columns, ``health_month``, ``health_score``,
        ``band``, ``nps_on``, ``nps_score``, ``nps_class``, ``nps_days_before_churn``, ``reason``
        (its label in the company's ``reasons``), ``green``, ``promoter``; newest churn first.

    Example
    -------
    >>> k = pd.DataFrame({"customer_id": [1, 2], "churned_on": ["2025-05-01"] * 2,
    ...                   "primary_reason": ["price", "price"]})
    >>> s = pd.DataFrame({"customer_id": [1, 2], "month": ["2025-04-01"] * 2, "score": [80.0, 40.0],
    ...                   "band": ["green", "red"]})
    >>> n = pd.DataFrame({"customer_id": [2], "responded_on": ["2025-03-01"], "score": [6]})
    >>> churn_contradictions(k, s, n)["customer_id"].tolist()
    [1]
    """
    check_churn(churn)
    out = churn.copy()
    last = (
        scored.sort_values("month").groupby("customer_id").last()
        if len(scored)
        else pd.DataFrame(columns=["month", "score", "band"])
    )
    out["health_month"] = pd.to_datetime(out["customer_id"].map(last["month"]))
    out["health_score"] = pd.to_numeric(out["customer_id"].map(last["score"]), errors="coerce")
    out["band"] = out["customer_id"].map(last["band"])
    answers = (
        last_nps.sort_values("responded_on").groupby("customer_id").last()
        if len(last_nps)
        else pd.DataFrame(columns=["responded_on", "score"])
    )
    out["nps_on"] = pd.to_datetime(out["customer_id"].map(answers["responded_on"]))
    out["nps_score"] = out["customer_id"].map(answers["score"]).astype("Int64")
    has = out["nps_score"].notna()
    out["nps_class"] = None
    if has.any():
        out.loc[has, "nps_class"] = nps.classify(out.loc[has, "nps_score"].astype(int)).to_numpy()
    out["nps_days_before_churn"] = (pd.to_datetime(out["churned_on"]) - out["nps_on"]).dt.days.astype("Int64")
    out["reason"] = _labels(out["primary_reason"], reason_lookup(reasons))
    out["green"] = (out["band"] == "green").astype(bool)
    out["promoter"] = (out["nps_class"] == "promoter").astype(bool)
    flagged = out[out["green"] | out["promoter"]]
    return flagged.sort_values("churned_on", ascending=False, ignore_index=True)
