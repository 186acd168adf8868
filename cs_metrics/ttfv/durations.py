"""TTFV durations: days from signing to first value per customer, censored where not reached,
with the data problems that keep a customer out of the figures.

A customer who has not reached first value yet is not dropped: their time is *censored* at the
reference date (or at churn, whichever comes first).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from cs_metrics.errors import DataError
from cs_metrics.i18n import N_, _, formats

#: Below this many customers a group's median or share is too uncertain to read.
MIN_GROUP_N = 10
#: Label of customers whose grouping column is empty (no owner, no plan...): the group's key, shown
#: through ``_()``.
NOT_SET = N_("(not set)")
#: Groupings offered for the curves: column -> label (English, shown through ``_()``).
GROUPINGS: dict[str, str] = {
    "segment": N_("Segment"),
    "plan": N_("Plan"),
    "region": N_("Region"),
    "owner": N_("Owner (CSM)"),
    "signing_quarter": N_("Signing quarter"),
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
            _("{what}: {n} row(s) have no number in '{column}'; fill in the days from signing to first value (or to "
              "today) or drop those rows.").format(what=what, n=int(days.isna().sum()), column=duration)
        )
    if (days < 0).any():
        raise DataError(
            _("{what}: {n} row(s) have a negative duration in '{column}' (first value before signing); correct the "
              "dates or drop those rows.").format(what=what, n=int((days < 0).sum()), column=duration)
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
    problems.append(_problems(cust[no_date], _("no signing date"), _("add the date the contract was signed")))
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
            _("more than one first-value milestone"),
            [_("{n} first-value milestones; the earliest ({day}) is used").format(n=int(k), day=formats.date(d))
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
    problems.append(_problems(out[before], _("first value dated before signing"),
                              [_("first value {first_value}, signed {signed}").format(
                                  first_value=formats.date(f), signed=formats.date(s))
                               for f, s in zip(out.loc[before, "first_value_on"], out.loc[before, "signed_on"])]))
    problems.append(_problems(out[after_churn], _("first value dated after the customer left"),
                              [_("first value {first_value}, left {left}; check the churn date").format(
                                  first_value=formats.date(f), left=formats.date(c))
                               for f, c in zip(out.loc[after_churn, "first_value_on"], churned[after_churn])]))
    problems.append(_problems(out[churn_before], _("churned before signing"),
                              [_("left {left}, signed {signed}").format(left=formats.date(c), signed=formats.date(s))
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
    days = pd.to_datetime(pd.Series(signed_on))
    text = days.dt.year.astype("Int64").astype(str) + " Q" + days.dt.quarter.astype("Int64").astype(str)
    return pd.Series(text.where(days.notna(), NOT_SET).to_numpy(dtype=object), index=signed_on.index, dtype=object)


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
            "problem": _("milestone dated before signing"),
            "detail": [_("{milestone} on {reached}, signed {signed}").format(
                           milestone=k, reached=formats.date(pd.Timestamp(r)), signed=formats.date(pd.Timestamp(s)))
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
