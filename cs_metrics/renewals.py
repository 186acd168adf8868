"""Contracts and renewals: when each contract term ends under rolling terms, and how many of the
contracts due in a window were renewed (by count or by ARR).

A renewal rate counts transactions: only the contracts whose term ended in the window. Retention
(``cs_metrics.retention``) measures whether customers stayed and paid; with annual or multi-year
contracts the two differ, since a customer may disengage long before its contract ends.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cs_metrics.errors import DataError
from cs_metrics.i18n import _, ngettext
from cs_metrics.retention import EXAMPLE_ROWS, month_index
from cs_metrics.stats import wilson_interval
from cs_metrics.vocab import HEALTH_BANDS


class ContractDataError(DataError):
    """Customer or contract columns needed for contract ends or renewals are missing or invalid."""


def _shift_months_each(days: pd.Series, months: np.ndarray) -> pd.Series:
    """Add whole months to dates, clipping the day of the month to the target month's length."""
    d = pd.to_datetime(days).to_numpy().astype("datetime64[D]")
    m = d.astype("datetime64[M]")
    dom = (d - m.astype("datetime64[D]")).astype("int64")
    target = m + np.asarray(months, dtype="int64")
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype("int64")
    return pd.Series((target.astype("datetime64[D]") + np.minimum(dom, length - 1)).astype("datetime64[ns]"))


def contract_ends(
    customers: pd.DataFrame, *, start: dt.date, end: dt.date, grace_days: int = 0
) -> pd.DataFrame:
    """Contract ends in ``[start, end)`` under rolling terms, and whether each was renewed.

    Parameters
    ----------
    customers
        ``customer_id``, ``signed_on``, ``contract_term_months`` (whole months, at least 1),
        ``churned_on`` (empty while active); other columns (``arr``, ``segment``...) are carried.
    start, end
        The window of contract end dates.
    grace_days
        A churn recorded up to this many days after a contract end still counts as not renewed.

    Returns
    -------
    DataFrame
        One row per contract end: the customer's columns, ``renewal_date`` (the end date) and
        ``renewed`` (bool). Contract ends after a customer churned are not listed.

    Example
    -------
    Signed 31 Jan 2024 on a 12-month term: ends 31 Jan 2025; churned that day, not renewed.

    >>> c = pd.DataFrame({"customer_id": [1], "signed_on": ["2024-01-31"],
    ...                   "contract_term_months": [12], "churned_on": ["2025-01-31"]})
    >>> ends = contract_ends(c, start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1))
    >>> ends[["renewal_date", "renewed"]].values.tolist()
    [[Timestamp('2025-01-31 00:00:00'), False]]
    """
    missing = [
        c
        for c in ("customer_id", "signed_on", "contract_term_months", "churned_on")
        if c not in customers.columns
    ]
    if missing:
        raise ContractDataError(_("Contract ends need the column(s) {columns}.").format(columns=missing))
    if pd.Timestamp(end) <= pd.Timestamp(start):
        raise ContractDataError(_("The window must end after it starts (got {start} to {end}).").format(
            start=start, end=end))
    term = pd.to_numeric(customers["contract_term_months"], errors="coerce")
    bad = term.isna() | (term < 1) | (term % 1 != 0)
    if bad.any():
        ids = customers.loc[bad, "customer_id"].head(EXAMPLE_ROWS).tolist()
        n = int(bad.sum())
        raise ContractDataError(ngettext(
            "{n} customer(s) have a contract term that is not a whole number of months of at least 1 (e.g. "
            "customers {ids}); set contract_term_months (1 for monthly contracts).",
            "{n} customer(s) have a contract term that is not a whole number of months of at least 1 (e.g. "
            "customers {ids}); set contract_term_months (1 for monthly contracts).", n,
        ).format(n=n, ids=ids))
    columns = list(customers.columns) + ["renewal_date", "renewed"]
    data = customers.reset_index(drop=True)
    signed = pd.to_datetime(data["signed_on"])
    churned = pd.to_datetime(data["churned_on"])
    term = term.astype("int64").to_numpy()
    s_idx = month_index(signed)
    lo = np.maximum(1, (month_index([start])[0] - s_idx) // term - 1)
    hi = np.maximum(lo, (month_index([end])[0] - s_idx) // term + 1)
    count = hi - lo + 1
    rows = np.repeat(np.arange(len(data)), count)
    if rows.size == 0:
        return pd.DataFrame(columns=columns)
    k = np.arange(rows.size) - np.repeat(np.concatenate([[0], np.cumsum(count)[:-1]]), count) + lo[rows]
    ends = _shift_months_each(signed.iloc[rows].reset_index(drop=True), k * term[rows])
    churn = churned.iloc[rows].reset_index(drop=True)
    inside = (ends >= pd.Timestamp(start)) & (ends < pd.Timestamp(end))
    still_customer = churn.isna() | (churn >= ends)
    keep = (inside & still_customer).to_numpy()
    out = data.iloc[rows[keep]].reset_index(drop=True)
    out["renewal_date"] = ends[keep].reset_index(drop=True)
    lost = churn[keep].reset_index(drop=True)
    out["renewed"] = (lost.isna() | (lost > out["renewal_date"] + pd.Timedelta(days=grace_days))).astype(bool)
    return out.sort_values(["renewal_date", "customer_id"], ignore_index=True)[columns]


def renewal_rate(
    contracts: pd.DataFrame, *, start: dt.date, end: dt.date, weight: str | None = None
) -> float:
    """Renewed ÷ up for renewal, counting only the contracts whose renewal date is in ``[start, end)``.

    Parameters
    ----------
    contracts
        ``renewal_date`` and ``renewed`` (bool), e.g. from ``contract_ends``; plus the
        ``weight`` column when given.
    start, end
        The window of renewal dates.
    weight
        A column to weigh contracts by (e.g. ``"arr"``): renewed ARR ÷ ARR up for renewal.

    Returns
    -------
    float
        NaN when no contract came up for renewal in the window.

    Example
    -------
    The standard illustration: of 250,000 of ARR up for renewal, 200,000 renews: 80%.

    >>> k = pd.DataFrame({"renewal_date": ["2025-03-31", "2025-06-30"], "renewed": [True, False],
    ...                   "arr": [200_000.0, 50_000.0]})
    >>> renewal_rate(k, start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1), weight="arr")
    0.8
    """
    needed = ["renewal_date", "renewed"] + ([weight] if weight else [])
    missing = [c for c in needed if c not in contracts.columns]
    if missing:
        raise ContractDataError(_("renewal_rate needs the column(s) {columns}.").format(columns=missing))
    if pd.Timestamp(end) <= pd.Timestamp(start):
        raise ContractDataError(_("The window must end after it starts (got {start} to {end}).").format(
            start=start, end=end))
    day = pd.to_datetime(contracts["renewal_date"])
    due = contracts[(day >= pd.Timestamp(start)) & (day < pd.Timestamp(end))]
    if due.empty:
        return math.nan
    renewed = due["renewed"].astype(bool).to_numpy()
    if weight is None:
        return float(renewed.mean())
    w = pd.to_numeric(due[weight], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    return float(w[renewed].sum() / w.sum()) if w.sum() > 0 else math.nan


# --- renewals ahead and what they are expected to bring -------------------------------------------

#: Days ahead of the reference date a renewal list looks: each contract end falls in the first
#: horizon that holds it.
HORIZONS: tuple[int, ...] = (30, 90, 180)
#: Row of ``band_churn_rates`` over every past contract end, scored or not.
OVERALL = "all"
#: Band label of contracts whose customer has no health score yet.
UNSCORED = "unscored"


def renewals_ahead(contracts: pd.DataFrame, *, as_of: dt.date, horizons: tuple[int, ...] = HORIZONS) -> pd.DataFrame:
    """Contract ends in ``(as_of, as_of + max(horizons)]``, with the days left and their horizon.

    Parameters
    ----------
    contracts
        The customers' contract columns, as ``contract_ends`` reads them (``customer_id``,
        ``signed_on``, ``contract_term_months``, ``churned_on``; others are carried, except a
        recorded ``renewal_date``, replaced by the one computed from the term).
    as_of
        The reference date: ends on that day are past, ends the day after are 1 day away.
    horizons
        Whole numbers of days, e.g. 30, 90 and 180.

    Returns
    -------
    DataFrame
        The customer's columns, ``renewal_date``, ``days_left`` (int) and ``horizon`` (the smallest
        horizon of at least ``days_left``), by renewal date. Whether a contract renews is not
        known yet, so ``contract_ends``' ``renewed`` is left out.

    Example
    -------
    Signed 15 Jan 2025 for 12 months: the contract ends 15 Jan 2026, 45 days after 1 Dec 2025,
    within 90 days.

    >>> c = pd.DataFrame({"customer_id": [1], "signed_on": ["2025-01-15"],
    ...                   "contract_term_months": [12], "churned_on": [None]})
    >>> renewals_ahead(c, as_of=dt.date(2025, 12, 1))[["days_left", "horizon"]].values.tolist()
    [[45, 90]]
    """
    ordered = sorted({int(h) for h in horizons})
    if not ordered or ordered[0] <= 0:
        raise ContractDataError(_("Horizons are positive numbers of days, e.g. (30, 90, 180); got {horizons}.").format(
            horizons=horizons))
    day = pd.Timestamp(as_of)
    contracts = contracts.drop(columns=["renewal_date", "renewed"], errors="ignore")  # computed here
    ends = contract_ends(contracts, start=(day + pd.Timedelta(days=1)).date(),
                         end=(day + pd.Timedelta(days=ordered[-1] + 1)).date())
    ends = ends.drop(columns="renewed")
    left = (pd.to_datetime(ends["renewal_date"]) - day).dt.days.astype("int64")
    ends["days_left"] = left
    ends["horizon"] = np.asarray(ordered, dtype="int64")[np.searchsorted(ordered, left.to_numpy(), side="left")]
    return ends


def last_band(frame: pd.DataFrame, scores: pd.DataFrame, *, before: str | dt.date) -> pd.Series:
    """Per row of ``frame``, the health band of its customer in the last scored month that ended
    before a day: the row's own ``before`` column (e.g. ``"renewal_date"``) or one date for all.

    ``scores`` holds ``customer_id``, ``month`` (first day) and ``band``; months without a band
    are skipped. Rows whose customer has no such month get None. A month counts once it is over:
    for a day in June, May is the last month that can count.

    Example
    -------
    >>> f = pd.DataFrame({"customer_id": [1, 1], "renewal_date": ["2025-06-01", "2025-06-30"]})
    >>> s = pd.DataFrame({"customer_id": [1, 1], "month": ["2025-04-01", "2025-05-01"],
    ...                   "band": ["green", "red"]})
    >>> last_band(f, s, before="renewal_date").tolist()
    ['red', 'red']
    """
    if frame.empty:
        return pd.Series([], index=frame.index, dtype=object)
    day = (pd.to_datetime(frame[before]) if isinstance(before, str) and before in frame.columns
           else pd.Series(pd.Timestamp(before), index=frame.index))
    left = pd.DataFrame({"customer_id": frame["customer_id"].to_numpy(), "day": day.to_numpy(),
                         "row": np.arange(len(frame))}).astype({"day": "datetime64[ns]"})
    known = scores[scores["band"].notna()]
    right = pd.DataFrame({
        "customer_id": known["customer_id"].to_numpy(),
        "day": (pd.to_datetime(known["month"]).dt.to_period("M") + 1).dt.to_timestamp().to_numpy(),  # month over
        "band": known["band"].to_numpy(),
    }).astype({"day": "datetime64[ns]", "customer_id": left["customer_id"].dtype})
    found = pd.merge_asof(left.sort_values("day"), right.sort_values("day"), on="day", by="customer_id",
                          direction="backward", allow_exact_matches=True).sort_values("row")
    bands = [b if isinstance(b, str) else None for b in found["band"]]
    return pd.Series(bands, index=frame.index, name="band", dtype=object)


def _check_bands(frame: pd.DataFrame, what: str) -> pd.Series:
    if "band" not in frame.columns:
        raise ContractDataError(_("{what} needs a band column (red, yellow, green or empty), e.g. from "
                                  "last_band.").format(what=what))
    band = frame["band"].where(frame["band"].notna(), None)
    unknown = sorted({str(b) for b in band.dropna()} - set(HEALTH_BANDS))
    if unknown:
        raise ContractDataError(_("Unknown health band(s) {unknown}; use {bands} or leave it empty.").format(
            unknown=unknown, bands=", ".join(HEALTH_BANDS)))
    return band


def band_churn_rates(history: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """Share of past contract ends that did not renew, per health band of the customer before the end.

    Parameters
    ----------
    history
        Past contract ends: ``renewed`` (bool) and ``band`` (the band in the last scored month that
        ended before the contract end, ``last_band``; empty when there was none).
    level
        Confidence level of the Wilson interval (``cs_metrics.stats.wilson_interval``).

    Returns
    -------
    DataFrame
        Rows red, yellow, green and ``OVERALL`` (every contract end, with a band or not):
        ``band``, ``n`` (contract ends), ``not_renewed``, ``rate`` (not_renewed / n), ``low``,
        ``high``. A band without contract ends has rate and bounds NaN. Counts contracts, not ARR.

    Example
    -------
    One red end lost of two; one green end, renewed.

    >>> h = pd.DataFrame({"renewed": [False, True, True], "band": ["red", "red", "green"]})
    >>> band_churn_rates(h).set_index("band")["rate"].tolist()
    [0.5, nan, 0.0, 0.3333333333333333]
    """
    if "renewed" not in history.columns:
        raise ContractDataError(_("band_churn_rates needs the renewed column of contract_ends."))
    band = _check_bands(history, "band_churn_rates")
    lost = ~history["renewed"].astype(bool).to_numpy()
    rows = []
    for name in (*HEALTH_BANDS, OVERALL):
        inside = np.ones(len(history), dtype=bool) if name == OVERALL else (band == name).to_numpy()
        n, k = int(inside.sum()), int(lost[inside].sum())
        low, high = wilson_interval(k, n, level=level)
        rows.append({"band": name, "n": n, "not_renewed": k, "rate": k / n if n else math.nan, "low": low,
                     "high": high})
    return pd.DataFrame(rows, columns=["band", "n", "not_renewed", "rate", "low", "high"])


@dataclass(frozen=True)
class ExpectedRenewal:
    """ARR up for renewal and how much of it is expected to renew.

    ``contracts`` and ``arr`` are what is up for renewal; ``expected`` = sum of ARR x (1 - churn
    rate of its band); ``low``/``high`` the same sum with each band's upper/lower Wilson bound;
    ``unscored`` the contracts without a band (priced at the overall rate); ``history`` the past
    contract ends the rates come from.
    """

    contracts: int
    arr: float
    expected: float
    low: float
    high: float
    unscored: int
    history: int


def expected_renewing(ahead: pd.DataFrame, rates: pd.DataFrame) -> ExpectedRenewal:
    """Expected renewing ARR of ``ahead`` from the churn rate of each contract's band.

    Parameters
    ----------
    ahead
        Contracts up for renewal: ``arr`` (missing counts as 0) and ``band`` (empty: no score).
    rates
        ``band_churn_rates``: a band without past contract ends, and a contract without a band,
        use the ``OVERALL`` row.

    Returns
    -------
    ExpectedRenewal
        ``expected`` = sum ARR x (1 - rate). The interval takes, band by band, the ends of its
        Wilson interval: ``low`` prices every contract at the *high* churn bound of its band,
        ``high`` at the *low* bound. Every band at its worst (or best) at once is less likely than
        95%, so the interval is conservative (wider than a joint 95% interval). NaN when there is
        no past contract end to learn a rate from; an empty ``ahead`` expects 0.

    Example
    -------
    100 of red ARR at a 50% churn rate (interval 10% to 90%) and 200 green at 0% (0% to 20%):
    expected 100 x 0.5 + 200 x 1 = 250, from 100 x 0.1 + 200 x 0.8 = 170 to 100 x 0.9 + 200 = 290.

    >>> r = pd.DataFrame({"band": ["red", "yellow", "green", "all"], "n": [2, 0, 5, 7],
    ...                   "rate": [0.5, math.nan, 0.0, 1 / 7], "low": [0.1, math.nan, 0.0, 0.03],
    ...                   "high": [0.9, math.nan, 0.2, 0.5]})
    >>> e = expected_renewing(pd.DataFrame({"arr": [100.0, 200.0], "band": ["red", "green"]}), r)
    >>> round(e.expected, 6), round(e.low, 6), round(e.high, 6)
    (250.0, 170.0, 290.0)
    """
    band = _check_bands(ahead, "expected_renewing")
    if "arr" not in ahead.columns:
        raise ContractDataError(_("expected_renewing needs the arr column of the contracts up for renewal."))
    table = rates.set_index("band")
    if OVERALL not in table.index:
        raise ContractDataError(_("The rates need an {row} row, as band_churn_rates returns.").format(
            row=repr(OVERALL)))
    usable = table[pd.to_numeric(table["n"]) > 0]
    key = band.where(band.isin(usable.index), OVERALL)
    arr = pd.to_numeric(ahead["arr"], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    history = int(table.loc[OVERALL, "n"])

    def priced(column: str) -> float:
        if not len(ahead):
            return 0.0
        if OVERALL not in usable.index:
            return math.nan
        return float((arr * (1.0 - usable[column].reindex(key).to_numpy(dtype=float))).sum())

    return ExpectedRenewal(contracts=len(ahead), arr=float(arr.sum()), expected=priced("rate"), low=priced("high"),
                           high=priced("low"), unscored=int(band.isna().sum()), history=history)


def arr_by_band(ahead: pd.DataFrame) -> pd.DataFrame:
    """ARR up for renewal per band: rows red, yellow, green and ``UNSCORED`` (always all four),
    ``band``, ``contracts``, ``arr``; the ``arr`` column sums to the ARR of ``ahead``."""
    band = _check_bands(ahead, "arr_by_band").fillna(UNSCORED)
    arr = pd.to_numeric(ahead.get("arr", pd.Series(0.0, index=ahead.index)), errors="coerce").fillna(0.0)
    order = [*HEALTH_BANDS, UNSCORED]
    grouped = pd.DataFrame({"band": band.to_numpy(), "arr": arr.to_numpy(dtype=float)}).groupby("band")["arr"]
    out = pd.DataFrame({"band": order})
    out["contracts"] = out["band"].map(grouped.size()).fillna(0).astype("int64")
    out["arr"] = out["band"].map(grouped.sum()).fillna(0.0).astype(float)
    return out


def past_contract_ends(contracts: pd.DataFrame, scores: pd.DataFrame, *, before: dt.date) -> pd.DataFrame:
    """Every contract end before ``before`` with ``renewed`` and the band of its customer in the
    last scored month that ended before the end (``last_band``): the history of ``band_churn_rates``."""
    signed = pd.to_datetime(contracts["signed_on"]) if "signed_on" in contracts.columns else pd.Series([])
    if signed.dropna().empty or signed.min() >= pd.Timestamp(before):
        ends = contract_ends(contracts.iloc[:0], start=before - dt.timedelta(days=1), end=before)
    else:
        ends = contract_ends(contracts, start=signed.min().date(), end=before)
    return ends.assign(band=last_band(ends, scores, before="renewal_date"))


def _quarter_starts(as_of: dt.date, quarters: int) -> list[dt.date]:
    """First days of the last ``quarters`` calendar quarters over by ``as_of``, oldest first."""
    first = pd.Timestamp(as_of + dt.timedelta(days=1)).to_period("Q").to_timestamp()  # quarter holding the next day
    return [(first - pd.DateOffset(months=3 * k)).date() for k in range(quarters, 0, -1)]


def forecast_check(
    contracts: pd.DataFrame, scores: pd.DataFrame, *, as_of: dt.date, quarters: int = 4, level: float = 0.95
) -> pd.DataFrame:
    """How past forecasts of renewing ARR compared with the ARR that renewed, quarter by quarter.

    For each of the last ``quarters`` calendar quarters over by ``as_of``, the forecast is made on
    its first day with what was known then: the customers still customers that day, their band in
    the last month scored before it (``last_band``) and the band churn rates of the contract ends
    before it (``past_contract_ends``, ``band_churn_rates``); the contracts are those of customers
    signed before that day whose term ends in the quarter, as if none of them left. What happened: their ARR whose contract renewed (a
    customer who left before its end did not renew).

    Parameters
    ----------
    contracts
        As for ``contract_ends``, with ``arr``.
    scores
        ``customer_id``, ``month``, ``band`` of every scored month (``last_band``).

    Returns
    -------
    DataFrame
        ``quarter`` (first day), ``contracts``, ``arr`` (up for renewal), ``expected``, ``low``,
        ``high`` (``expected_renewing``), ``renewed_arr`` and ``inside`` (``low <= renewed_arr <=
        high``; False when the forecast is NaN), oldest first.
    """
    if int(quarters) < 1:
        raise ContractDataError(_("quarters must be at least 1 (got {quarters}).").format(quarters=quarters))
    churned, signed = pd.to_datetime(contracts["churned_on"]), pd.to_datetime(contracts["signed_on"])
    rows = []
    for start in _quarter_starts(as_of, int(quarters)):
        end = (pd.Timestamp(start) + pd.DateOffset(months=3)).date()
        rates = band_churn_rates(past_contract_ends(contracts, scores, before=start), level=level)
        known = contracts[((signed < pd.Timestamp(start)) & (churned.isna() | (churned >= pd.Timestamp(start))))
                          .to_numpy()]
        up = contract_ends(known.assign(churned_on=pd.NaT), start=start, end=end)
        up = up.assign(band=last_band(up, scores, before=start))
        forecast = expected_renewing(up, rates)
        lost_on = up["customer_id"].map(dict(zip(known["customer_id"], pd.to_datetime(known["churned_on"]))))
        renewed = (lost_on.isna() | (pd.to_datetime(lost_on) > up["renewal_date"])).to_numpy(dtype=bool)
        arr = pd.to_numeric(up["arr"], errors="coerce").fillna(0.0).to_numpy(dtype=float)
        done = float(arr[renewed].sum()) if len(up) else 0.0
        rows.append({"quarter": pd.Timestamp(start), "contracts": forecast.contracts, "arr": forecast.arr,
                     "expected": forecast.expected, "low": forecast.low, "high": forecast.high, "renewed_arr": done,
                     "inside": bool(forecast.low <= done <= forecast.high)})
    return pd.DataFrame(rows, columns=["quarter", "contracts", "arr", "expected", "low", "high", "renewed_arr",
                                       "inside"])


def due_within(ahead: pd.DataFrame, *, days: int) -> pd.DataFrame:
    """The rows of ``renewals_ahead`` due within ``days`` days (``days_left <= days``), in order."""
    return ahead[ahead["days_left"] <= int(days)].reset_index(drop=True)
