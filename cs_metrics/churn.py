"""Why customers leave: reasons, controllable churn, early churn, follow-up and contradictions.

Every churned customer should have a known reason, confirmed in a follow-up call some days or
weeks after the churn (not a survey). Only two reasons are outside the company's control: the
customer company was acquired, or it went out of business (``vocab.CHURN_REASONS``); every other
reason could have been acted on. Churn within ``EARLY_DAYS`` of signing points at the wrong
customers being acquired or at onboarding, and is read as its own class.

The functions take a churn table with one row per churned customer: ``customer_id``,
``churned_on``, ``primary_reason``, ``category``, ``controllable``, ``arr_lost`` and optionally
``contributing_reasons`` (";"-separated reason keys). ``cs_metrics.services.churn`` reads them
from the database and assembles what the Churn & retention page shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cs_metrics import nps, retention, vocab
from cs_metrics.errors import DataError
from cs_metrics.retention import DataIssue

#: Churn within this many days of signing is early churn (``cs_metrics.early_churn``).
EARLY_DAYS = 90
#: The pooled cohort curve stops at months observed for fewer customers than this: beyond it only
#: the oldest cohorts remain and the curve says more about them than about the company.
MIN_CURVE_CUSTOMERS = 30
#: Label of rows whose reason or category is not in ``vocab.CHURN_REASONS`` and not given.
UNCATEGORISED = "uncategorised"
CONTROLLABLE = "Controllable"
NOT_CONTROLLABLE = "Not controllable (acquired / out of business)"
UNKNOWN = "Not known yet"


class ChurnDataError(DataError):
    """A churn table cannot be used as given; the message names the missing columns."""


def check_churn(
    churn: pd.DataFrame, columns: tuple[str, ...] = ("customer_id", "churned_on", "primary_reason")
) -> None:
    """Raise ``ChurnDataError`` when ``churn`` lacks one of ``columns``."""
    missing = [c for c in columns if c not in churn.columns]
    if missing:
        raise ChurnDataError(
            f"The churn table needs the column(s) {missing}: one row per churned customer with "
            "customer_id, churned_on, primary_reason, category, controllable and arr_lost."
        )


def reason_label(reason: str) -> str:
    """Display label of a reason key (the key itself when unknown)."""
    return vocab.CHURN_REASONS.get(reason, (reason,))[0]


def _with_reason(churn: pd.DataFrame) -> pd.DataFrame:
    reason = churn["primary_reason"]
    known = reason.notna() & (reason.astype(str).str.strip() != "") & (reason.astype(str) != "None")
    return churn[known.to_numpy()]


def _categories(frame: pd.DataFrame) -> pd.Series:
    given = (
        frame["category"] if "category" in frame.columns else pd.Series(None, index=frame.index, dtype=object)
    )
    from_vocab = frame["primary_reason"].map(lambda r: vocab.CHURN_REASONS.get(r, (None, None))[1])
    out = given.where(given.notna() & (given.astype(str) != "None"), from_vocab)
    return out.fillna(UNCATEGORISED).astype(str)


def _controllable(frame: pd.DataFrame) -> pd.Series:
    """True / False / NA per row: the given flag, else the vocabulary's, else unknown."""
    given = (
        frame["controllable"].astype("boolean")
        if "controllable" in frame.columns
        else pd.Series(pd.NA, index=frame.index, dtype="boolean")
    )
    from_vocab = frame["primary_reason"].map(lambda r: vocab.CHURN_REASONS.get(r, (None, None, None))[2])
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
        label="Churned customers without a recorded reason",
        count=len(without),
        examples=without.head(examples).reset_index(drop=True),
        action="left out of the reason charts until the follow-up call records one",
    )


def reason_pareto(
    churn: pd.DataFrame, *, weight: str | None = None, by_category: bool = False, contributing: bool = False
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
        vocabulary, else ``"uncategorised"``).
    contributing
        Count contributing reasons too: ``count`` becomes the number of mentions, split in
        ``primary`` and ``contributing``; ``arr_lost`` adds the churned ARR of every customer
        that mentions the reason.

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
    arr = (
        pd.to_numeric(rows["arr_lost"], errors="coerce").fillna(0.0)
        if "arr_lost" in rows.columns
        else pd.Series(0.0, index=rows.index)
    )
    mentions = pd.DataFrame(
        {
            "reason": rows["primary_reason"].astype(str),
            "arr_lost": arr,
            "primary": 1,
            "contributing": 0,
            "customer_id": rows["customer_id"],
        }
    )
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
        mentions["category"] = _categories(frame).to_numpy()
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
        raise ChurnDataError(f"Cannot weigh reasons by {weight!r}: use None (count) or 'arr_lost'.")
    out = out.sort_values([measure, key], ascending=[False, True], ignore_index=True)
    total = out[measure].sum()
    out["share"] = out[measure] / total if total else np.nan
    out["cumulative_share"] = out["share"].cumsum()
    out["count"] = out["count"].astype("int64")
    out = out[columns]
    out.attrs["missing"] = missing
    return out


def controllable_split(churn: pd.DataFrame, *, weight: str | None = None) -> pd.DataFrame:
    """Churn split in controllable, not controllable (acquired / out of business) and not known.

    Returns ``group``, ``count``, ``arr_lost``, ``share`` (of count, or of ``weight``) in that
    fixed order; the flag comes from ``controllable`` and, when missing, from the reason.

    Example
    -------
    >>> c = pd.DataFrame({"customer_id": [1, 2, 3, 4], "churned_on": ["2025-01-05"] * 4,
    ...     "primary_reason": ["price", "acquired", "competitor", None], "arr_lost": [1.0, 1.0, 1.0, 1.0]})
    >>> controllable_split(c)["count"].tolist()
    [2, 1, 1]
    """
    check_churn(churn)
    flag = _controllable(churn)
    group = np.where(flag.isna(), UNKNOWN, np.where(flag.fillna(False), CONTROLLABLE, NOT_CONTROLLABLE))
    arr = (
        pd.to_numeric(churn["arr_lost"], errors="coerce").fillna(0.0)
        if "arr_lost" in churn.columns
        else pd.Series(0.0, index=churn.index)
    )
    frame = pd.DataFrame({"group": group, "arr_lost": arr.to_numpy(), "n": 1})
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


def reasons_by_quarter(churn: pd.DataFrame, *, by_category: bool = False) -> pd.DataFrame:
    """Churned customers per quarter of churn and reason (or category), for stacked bars.

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
            "period": day.dt.to_period("Q").to_numpy(),
            key: _categories(rows).to_numpy()
            if by_category
            else rows["primary_reason"].astype(str).to_numpy(),
            "arr_lost": pd.to_numeric(rows.get("arr_lost", 0.0), errors="coerce").fillna(0.0).to_numpy()
            if "arr_lost" in rows.columns
            else 0.0,
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


def follow_up_status(churn: pd.DataFrame) -> FollowUp:
    """Follow-up completeness: a churn is complete with a call date and a confirmed reason.

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
    queue["reason"] = queue["primary_reason"].map(lambda r: reason_label(r) if isinstance(r, str) else None)
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


def churn_contradictions(churn: pd.DataFrame, scored: pd.DataFrame, last_nps: pd.DataFrame) -> pd.DataFrame:
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
        (label), ``green``, ``promoter``; newest churn first.

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
    out["reason"] = out["primary_reason"].map(lambda r: reason_label(r) if isinstance(r, str) else None)
    out["green"] = (out["band"] == "green").astype(bool)
    out["promoter"] = (out["nps_class"] == "promoter").astype(bool)
    flagged = out[out["green"] | out["promoter"]]
    return flagged.sort_values("churned_on", ascending=False, ignore_index=True)


# --- definitions shown beside the figures -----------------------------------------------------------

#: Plain-language explanations shown with the figures (the page and exports use the same words).
EXPLANATIONS: dict[str, str] = {
    "pareto": "Grey bars are company events the company could not prevent (acquired, out of business); "
    "the line is the cumulative share.",
    "early": "Customers who leave in their first three months point to the wrong customers being sold to, "
    f"or to an onboarding that failed them. Counted on the customers whose first {EARLY_DAYS} days "
    "ended in the period.",
    "cohorts": "Revenue retention counts expansion, so a cohort can keep more than 100% of its first "
    f"month's revenue. The pooled curve stops where fewer than {MIN_CURVE_CUSTOMERS} customers have been "
    "observed that long.",
    "renewal": "The renewal rate counts only the contracts that came up for renewal in the period; "
    "retention looks at everyone who was a customer at its start. A customer who stopped using the "
    "product mid-contract still counts as retained until the contract ends, so a high renewal rate can "
    "hide disengaged customers, and a low one can come from a few large contract ends.",
    "follow_up": "Know why every customer left: a call some days after the churn, the reason confirmed, "
    "notes kept. Complete means the call happened and the reason is confirmed.",
    "surprises": "Customers lost in the period whose last health score before leaving was green, or whose "
    "last NPS answer was a promoter's: signals that missed the churn, worth a board's attention.",
}


# --- display ---------------------------------------------------------------------------------------

#: Columns the page shows (source column -> heading) for early churners, the follow-up queue and
#: the customers lost while looking fine.
EARLY_COLUMNS: dict[str, str] = {
    "external_id": "Customer", "name": "Name", "segment": "Segment", "signed_on": "Signed",
    "churned_on": "Churned", "days": "Days", "reason": "Reason", "first_value_on": "First value",
    "reached_first_value": "Reached first value",
}  # fmt: skip
QUEUE_COLUMNS: dict[str, str] = {
    "external_id": "Customer", "name": "Name", "owner": "CSM", "churned_on": "Churned",
    "arr_lost": "ARR lost", "missing": "Missing", "reason": "Recorded reason", "follow_up_call_on": "Call",
    "follow_up_notes": "Notes",
}  # fmt: skip
SURPRISE_COLUMNS: dict[str, str] = {
    "external_id": "Customer", "name": "Name", "segment": "Segment", "churned_on": "Churned",
    "reason": "Reason", "health_month": "Health month", "health_score": "Health score", "band": "Band",
    "nps_score": "Last NPS score", "nps_days_before_churn": "NPS days before churn",
    "follow_up_notes": "Call notes",
}  # fmt: skip


def for_display(frame: pd.DataFrame, columns: dict[str, str], *, decimals: int = 0) -> pd.DataFrame:
    """The ``columns`` of ``frame`` under their headings: dates as dates, amounts rounded for display.

    Text typed by people (notes) is returned as it is; the page shows it as plain text.
    """
    out = frame[[c for c in columns if c in frame.columns]].copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.date
        elif pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].round(decimals)
    return out.rename(columns=columns)


def follow_up_choices(churn: pd.DataFrame) -> dict[int, str]:
    """Customer id -> "Name (external id), churned YYYY-MM-DD", for picking whose follow-up to record."""
    day = pd.to_datetime(churn["churned_on"]).dt.strftime("%Y-%m-%d")
    labels = churn["name"].astype(str) + " (" + churn["external_id"].astype(str) + "), churned " + day
    return dict(zip(churn["customer_id"].astype(int), labels))
