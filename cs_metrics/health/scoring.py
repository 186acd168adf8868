"""Scores from signals: the weighted mean of normalised signals, its band, one customer's score
explained signal by signal, and how scores spread over bands and bins.

A missing signal drops out and the remaining weights renormalise (it is never counted as 0).
Bands are closed on the upper side: ``score <= 50`` red, ``50 < score <= 75`` yellow, above 75 green.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cs_metrics.errors import DataError
from cs_metrics.health.model import (
    check_weights,
    finite_number,
    model_bands,
    model_weights,
    normalise,
    signal_label,
)
from cs_metrics.i18n import _
from cs_metrics.vocab import HEALTH_BANDS as BANDS

#: Below this many scored customers a band share is too uncertain to read.
MIN_SCORED = 10


def weighted_score(
    values: Mapping[str, float | None] | pd.DataFrame, weights: Mapping[str, float]
) -> float | pd.Series:
    """Weighted mean of normalised signal scores, renormalising over the signals present.

    Parameters
    ----------
    values
        One customer's signal scores (mapping) or one row per customer (DataFrame, a column
        per signal). Missing values (None/NaN) drop out of both numerator and denominator.
    weights
        Non-negative weight per signal; signals absent from ``weights`` are ignored.

    Returns
    -------
    float or Series
        NaN where no weighted signal is present.

    Example
    -------
    Gainsight's documented example: weights 20, 15 and 22 on scores 47, 59 and 21 give
    (20*47 + 15*59 + 22*21) / 57 = 2287 / 57 = 40.12...

    >>> round(weighted_score({"a": 47, "b": 59, "c": 21}, {"a": 20, "b": 15, "c": 22}), 3)
    40.123
    """
    check_weights(weights)
    if isinstance(values, pd.DataFrame):
        keys = [k for k in weights if k in values.columns]
        if not keys:
            return pd.Series(np.nan, index=values.index, dtype=float)
        scores = values[keys].astype(float)
        w = pd.Series({k: float(weights[k]) for k in keys})
        present = scores.notna()
        denom = present.mul(w, axis=1).sum(axis=1)
        numer = scores.fillna(0.0).mul(w, axis=1).sum(axis=1)
        return numer.where(denom > 0) / denom.where(denom > 0)
    numer = denom = 0.0
    for key, weight in weights.items():
        value = values.get(key)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        numer += float(weight) * float(value)
        denom += float(weight)
    return numer / denom if denom > 0 else math.nan


def band(score: float | pd.Series | None, thresholds: tuple[float, float] = (50, 75)) -> str | None | pd.Series:
    """Band of a score: red up to and including the first threshold, yellow up to and including
    the second, green above. A missing score has no band (None).

    Example
    -------
    >>> band(50), band(75), band(75.01)
    ('red', 'yellow', 'green')
    """
    low, high = float(thresholds[0]), float(thresholds[1])
    if not low < high:
        raise DataError(_("Band thresholds must increase (got {low}, {high}).").format(low=low, high=high))
    if isinstance(score, pd.Series):
        out = pd.Series([None] * len(score), index=score.index, dtype=object)
        out[score <= low] = "red"
        out[(score > low) & (score <= high)] = "yellow"
        out[score > high] = "green"
        return out
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return None
    return "red" if score <= low else "yellow" if score <= high else "green"


def score_wide(wide: pd.DataFrame, model: Mapping[str, Any], *, keep_raw: bool = False) -> pd.DataFrame:
    """Score a wide table: one row per customer-month, one column per raw signal.

    Other columns (``customer_id``, ``month``, ``segment``, ``name``, ``arr``, ...) are kept. A
    signal column that is absent counts as missing everywhere. Adds ``score``, ``band`` and
    ``contrib_<signal>`` (see ``score_customers``); ``segment`` selects per-segment profiles.
    With ``keep_raw`` the raw signal columns stay too (to explain a row with ``explain``).

    Example
    -------
    >>> model = {"signals": {"a": {"worst": 0, "best": 10, "weight": 1},
    ...                      "b": {"worst": 0, "best": 10, "weight": 3}}, "bands": [50, 75]}
    >>> score_wide(pd.DataFrame({"a": [10.0], "b": [None]}), model)[["score", "band"]].to_dict("records")
    [{'score': 100.0, 'band': 'green'}]
    """
    keys = list(model["signals"])
    contrib_cols = [f"contrib_{k}" for k in keys]
    extra = [c for c in wide.columns if keep_raw or c not in keys]
    if wide.empty:
        return pd.DataFrame(columns=extra + ["score", "band"] + contrib_cols)
    raw = wide.reindex(columns=keys).apply(pd.to_numeric, errors="coerce")
    normed = pd.DataFrame({k: normalise(raw[k].astype(float), model["signals"][k]) for k in keys}, index=wide.index)
    segments = (
        wide["segment"].astype(object).where(wide["segment"].notna(), "")
        if "segment" in wide else pd.Series("", index=wide.index, dtype=object)
    )
    score = pd.Series(np.nan, index=wide.index)
    bands = pd.Series(None, index=wide.index, dtype=object)
    contrib = pd.DataFrame(np.nan, index=wide.index, columns=keys)
    for segment in pd.unique(segments.to_numpy(dtype=object)):
        mask = segments == segment
        part = normed[mask]
        weights = model_weights(model, segment)
        check_weights(weights)
        w = pd.Series({k: weights.get(k, 0.0) for k in keys})
        denom = part.notna().mul(w, axis=1).sum(axis=1)
        c = part.mul(w, axis=1).div(denom.where(denom > 0), axis=0)
        contrib.loc[mask] = c
        s = c.sum(axis=1, min_count=1).where(denom > 0)
        score.loc[mask] = s
        bands.loc[mask] = band(s, model_bands(model, segment))
    out = wide[extra].copy()
    out["score"] = score.astype(float)
    out["band"] = bands
    for key, col in zip(keys, contrib_cols):
        out[col] = contrib[key].astype(float)
    return out


def score_customers(signals: pd.DataFrame, model: Mapping[str, Any]) -> pd.DataFrame:
    """Score every customer-month of a long signal table.

    Parameters
    ----------
    signals
        Long table with columns ``customer_id``, ``month``, ``signal``, ``value`` and optionally
        ``segment`` (for per-segment profiles).
    model
        A model mapping (see ``cs_metrics.health``).

    Returns
    -------
    DataFrame
        One row per customer and month: ``customer_id``, ``month``, ``segment`` (when given),
        ``score``, ``band``, and ``contrib_<signal>`` per signal: the points that signal adds,
        so that the contributions of a row sum to its score (missing signals contribute NaN).
    """
    keys = list(model["signals"])
    id_cols = ["customer_id", "month"] + (["segment"] if "segment" in signals.columns else [])
    contrib_cols = [f"contrib_{k}" for k in keys]
    if signals.empty:
        return pd.DataFrame(columns=id_cols + ["score", "band"] + contrib_cols)
    wide = signals[signals["signal"].isin(keys)].pivot_table(
        index=id_cols, columns="signal", values="value", aggfunc="last"
    )
    wide = wide.reindex(columns=keys).reset_index()
    wide.columns.name = None
    return score_wide(wide, model)[id_cols + ["score", "band"] + contrib_cols]


def explain(
    values: Mapping[str, float | None] | pd.Series, model: Mapping[str, Any], *, segment: str | None = None
) -> pd.DataFrame:
    """Why a customer has its score: each signal's raw value, points, weight and contribution.

    Parameters
    ----------
    values
        One customer-month's raw signal values by key (missing: None/NaN or absent).
    model
        A model mapping; ``segment`` picks its per-segment profile.

    Returns
    -------
    DataFrame
        One row per signal of the model, present signals first by contribution (largest first),
        then missing ones: ``signal``, ``label``, ``value`` (raw), ``points`` (0-100), ``weight``
        (configured), ``share`` (the weight after renormalising over present signals),
        ``contribution`` (points x share; they sum to the score), ``missing``, ``lost`` (points the
        signal would add at 100). ``attrs`` holds ``score``, ``band``, ``thresholds`` and
        ``to_next_band`` (points needed to reach the next band; NaN when green).

    Example
    -------
    Two signals weighted 3 and 1, at 50 and 100 points: contributions 37.5 + 25 = 62.5.

    >>> m = {"signals": {"a": {"worst": 0, "best": 1, "weight": 3}, "b": {"worst": 0, "best": 1, "weight": 1}}}
    >>> explain({"a": 0.5, "b": 1.0}, m)["contribution"].tolist()
    [37.5, 25.0]
    """
    weights = model_weights(model, segment)
    check_weights(weights)
    thresholds = model_bands(model, segment)
    rows = []
    for key, rule in model["signals"].items():
        raw = finite_number(values.get(key) if hasattr(values, "get") else None)
        points = normalise(raw, rule) if raw is not None else math.nan
        rows.append({"signal": key, "label": signal_label(key), "value": math.nan if raw is None else raw,
                     "points": points, "weight": float(weights.get(key, 0.0)), "missing": raw is None})
    out = pd.DataFrame(rows, columns=["signal", "label", "value", "points", "weight", "missing"])
    present = ~out["missing"] & (out["weight"] > 0)
    denom = out.loc[present, "weight"].sum()
    out["share"] = np.where(present, out["weight"] / denom, 0.0) if denom > 0 else 0.0
    out["contribution"] = np.where(present, out["points"] * out["share"], np.nan)
    out["lost"] = np.where(present, (100.0 - out["points"]) * out["share"], np.nan)
    out = pd.concat(
        [out[~out["missing"]].sort_values("contribution", ascending=False), out[out["missing"]]]
    ).reset_index(drop=True)
    out = out[["signal", "label", "value", "points", "weight", "share", "contribution", "missing", "lost"]]
    score = float(out["contribution"].sum(min_count=1)) if denom > 0 else math.nan
    current = band(score, thresholds)
    nxt = {"red": thresholds[0], "yellow": thresholds[1]}.get(current)
    out.attrs.update(
        score=score, band=current, thresholds=thresholds,
        to_next_band=(nxt - score) if nxt is not None else math.nan,
    )
    return out


def band_shares(scored: pd.DataFrame, *, weight: str | None = None) -> pd.DataFrame:
    """Count (and share) of rows per band, optionally weighted (e.g. by ``arr``).

    Returns one row per band in red, yellow, green order with columns ``band``, ``n``, ``share``
    and, when ``weight`` is given, ``weight`` and ``weight_share``. Rows without a band are left
    out of the shares and reported in ``attrs["unscored"]``.
    """
    scored_rows = scored[scored["band"].notna()]
    counts = scored_rows["band"].value_counts().reindex(BANDS, fill_value=0)
    out = pd.DataFrame({"band": list(BANDS), "n": counts.to_numpy()})
    total = out["n"].sum()
    out["share"] = out["n"] / total if total else np.nan
    if weight is not None:
        sums = scored_rows.groupby("band")[weight].sum().reindex(BANDS, fill_value=0.0)
        out["weight"] = sums.to_numpy()
        wtotal = out["weight"].sum()
        out["weight_share"] = out["weight"] / wtotal if wtotal else np.nan
    out.attrs["unscored"] = int(len(scored) - len(scored_rows))
    return out


def band_shares_by(scored: pd.DataFrame, by: str, *, weight: str | None = None) -> pd.DataFrame:
    """``band_shares`` within each value of ``by`` (segment, region, owner...): a tidy frame with
    ``by``'s column first, then ``band``, ``n``, ``share`` (and ``weight``, ``weight_share``) and
    ``scored`` (customers with a band in the group, to judge whether a share is readable)."""
    cols = [by, "band", "n", "share"] + (["weight", "weight_share"] if weight else []) + ["scored"]
    if scored.empty:
        return pd.DataFrame(columns=cols)
    parts = []
    for value, group in scored.groupby(by, sort=True, dropna=False):
        shares = band_shares(group, weight=weight)
        shares.insert(0, by, value)
        shares["scored"] = int(shares["n"].sum())
        parts.append(shares)
    return pd.concat(parts, ignore_index=True)[cols]


def shares_from_counts(counts: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """``band_shares`` (or, with ``by``, ``band_shares_by``) from counts already made per band.

    Parameters
    ----------
    counts
        ``band`` (None for rows without a score), ``n`` (how many rows) and optionally ``arr``
        (their summed weight, e.g. ARR), plus the column ``by`` when given; a band may appear on
        several rows (they add up).
    by
        Group column: one block of shares per value, as ``band_shares_by`` gives.

    Returns
    -------
    DataFrame
        Exactly what ``band_shares(rows, weight="arr")`` (``weight="arr"`` only when ``counts``
        has ``arr``) or ``band_shares_by(rows, by, ...)`` return for the rows that were counted.

    Example
    -------
    >>> counts = pd.DataFrame({"band": ["red", "green", None], "n": [1, 3, 2], "arr": [10.0, 30.0, 0.0]})
    >>> out = shares_from_counts(counts)
    >>> out["n"].tolist(), out["weight_share"].tolist(), out.attrs["unscored"]
    ([1, 0, 3], [0.25, 0.0, 0.75], 2)
    """
    weighted = "arr" in counts
    if by is not None:
        cols = [by, "band", "n", "share"] + (["weight", "weight_share"] if weighted else []) + ["scored"]
        if counts.empty:
            return pd.DataFrame(columns=cols)
        parts = []
        for value, group in counts.groupby(by, sort=True, dropna=False):
            shares = shares_from_counts(group.drop(columns=[by]))
            shares.insert(0, by, value)
            shares["scored"] = int(shares["n"].sum())
            parts.append(shares)
        return pd.concat(parts, ignore_index=True)[cols]
    has_band = counts["band"].notna()
    scored_rows = counts[has_band]
    n = scored_rows.groupby("band")["n"].sum().reindex(BANDS, fill_value=0)
    out = pd.DataFrame({"band": list(BANDS), "n": n.to_numpy(dtype="int64")})
    total = out["n"].sum()
    out["share"] = out["n"] / total if total else np.nan
    if weighted:
        sums = scored_rows.groupby("band")["arr"].sum().reindex(BANDS, fill_value=0.0)
        out["weight"] = sums.to_numpy(dtype=float)
        wtotal = out["weight"].sum()
        out["weight_share"] = out["weight"] / wtotal if wtotal else np.nan
    out.attrs["unscored"] = int(counts.loc[~has_band, "n"].sum())
    return out


def histogram_from_bins(bins: pd.DataFrame, *, bin_width: float = 5.0, unscored: int = 0) -> pd.DataFrame:
    """``score_histogram`` from scores already counted per bin: ``bin`` (0 holds ``[0, width]``,
    ``k`` holds ``(k width, (k + 1) width]``), ``band`` and ``n``; ``unscored`` goes to ``attrs``.

    Example
    -------
    >>> histogram_from_bins(pd.DataFrame({"bin": [0, 1], "band": ["red", "yellow"], "n": [2, 1]}), bin_width=50)
       bin_start  bin_end    band  n
    0        0.0     50.0     red  2
    1       50.0    100.0  yellow  1
    """
    if not bin_width > 0:
        raise DataError("bin_width must be above zero, e.g. 5 points.")
    index = pd.to_numeric(bins["bin"]).to_numpy(dtype=float)
    out = pd.DataFrame({"bin_start": index * bin_width, "bin_end": (index + 1) * bin_width,
                        "band": bins["band"].to_numpy(), "n": pd.to_numeric(bins["n"]).to_numpy(dtype=int)})
    out = out.groupby(["bin_start", "bin_end", "band"], as_index=False)["n"].sum()
    out["n"] = out["n"].astype(int)
    out.attrs["unscored"] = int(unscored)
    return out.sort_values(["bin_start", "band"]).reset_index(drop=True)


def score_histogram(scored: pd.DataFrame, *, bin_width: float = 5.0) -> pd.DataFrame:
    """Counts of scores per bin and band: the pre-binned data a histogram draws.

    Bins are closed on the upper side like the bands: ``(45, 50]`` holds 50, ``[0, 5]`` holds 0.
    Returns ``bin_start``, ``bin_end``, ``band``, ``n`` (only non-empty bins; a bin split by a
    threshold that is not a multiple of ``bin_width`` has one row per band). Unscored rows are
    left out and counted in ``attrs["unscored"]``.

    Example
    -------
    >>> score_histogram(pd.DataFrame({"score": [0, 50, 50.5], "band": ["red", "red", "yellow"]}), bin_width=50)
       bin_start  bin_end    band  n
    0        0.0     50.0     red  2
    1       50.0    100.0  yellow  1
    """
    if not bin_width > 0:
        raise DataError("bin_width must be above zero, e.g. 5 points.")
    rows = scored[scored["score"].notna()]
    index = np.maximum(np.ceil(rows["score"].to_numpy(dtype=float) / bin_width) - 1, 0)
    frame = pd.DataFrame({"bin_start": index * bin_width, "bin_end": (index + 1) * bin_width,
                          "band": rows["band"].to_numpy()})
    out = frame.groupby(["bin_start", "bin_end", "band"], as_index=False).size().rename(columns={"size": "n"})
    out["n"] = out["n"].astype(int)
    out.attrs["unscored"] = int(len(scored) - len(rows))
    return out.sort_values(["bin_start", "band"]).reset_index(drop=True)
