"""Customer health score: normalised success indicators combined by a weighted mean.

The model
---------
A model is a plain mapping (stored as JSON in ``health_model.definition``)::

    {
      "signals": {"usage": {"rule": "linear", "worst": 0.1, "best": 0.8, "weight": 25}, ...},
      "bands": [50, 75],
      "segments": {"Enterprise": {"weights": {...}, "bands": [55, 80]}}   # optional profiles
    }

Normalisation rule ``linear``: a raw value at ``worst`` scores 0, at ``best`` scores 100, linearly
in between and clipped outside; ``worst`` may be larger than ``best`` for signals where less is
better (resolution hours, billing problems). The score is the weighted mean of the normalised
signals that are present; a missing signal drops out and the remaining weights renormalise (it is
never counted as 0). Bands: ``score <= 50`` red, ``50 < score <= 75`` yellow, above 75 green.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cs_metrics.errors import DataError

#: The default model shipped with the app: the success indicators of the domain brief, with
#: weights that favour product usage and penalise billing problems. Version 1 in a new database.
DEFAULT_MODEL: dict[str, Any] = {
    "signals": {
        "usage": {"rule": "linear", "worst": 0.1, "best": 0.8, "weight": 25},
        "tickets_opened": {"rule": "linear", "worst": 0, "best": 4, "weight": 5},
        "resolution_hours": {"rule": "linear", "worst": 72, "best": 4, "weight": 10},
        "tutorial_views": {"rule": "linear", "worst": 0, "best": 10, "weight": 8},
        "training_hours": {"rule": "linear", "worst": 0, "best": 8, "weight": 8},
        "services_purchased": {"rule": "linear", "worst": 0, "best": 10000, "weight": 7},
        "expansion": {"rule": "linear", "worst": 0, "best": 1, "weight": 10},
        "advocacy": {"rule": "linear", "worst": 0, "best": 2, "weight": 7},
        "billing_issue": {"rule": "linear", "worst": 2, "best": 0, "weight": 12},
        "marketing_unsubscribe": {"rule": "linear", "worst": 1, "best": 0, "weight": 8},
    },
    "bands": [50, 75],
}

BANDS: tuple[str, ...] = ("red", "yellow", "green")


def normalise(values: pd.Series | float, rule: Mapping[str, Any]) -> pd.Series | float:
    """Map raw signal values to 0-100 with a ``linear`` rule (see module docstring).

    Example
    -------
    >>> normalise(6, {"rule": "linear", "worst": 2, "best": 10})
    50.0
    """
    if rule.get("rule", "linear") != "linear":
        raise DataError(f"Unknown normalisation rule {rule.get('rule')!r}: use 'linear'.")
    worst, best = float(rule["worst"]), float(rule["best"])
    if worst == best:
        raise DataError("A linear rule needs 'worst' and 'best' to differ.")
    scaled = (pd.to_numeric(values) - worst) / (best - worst) * 100.0
    if isinstance(scaled, pd.Series):
        return scaled.clip(0.0, 100.0)
    return float(min(max(scaled, 0.0), 100.0)) if not math.isnan(scaled) else math.nan


def check_weights(weights: Mapping[str, float]) -> None:
    """Raise ``DataError`` unless weights are finite, non-negative and not all zero."""
    bad = {k: w for k, w in weights.items() if w is None or not np.isfinite(w) or w < 0}
    if bad:
        raise DataError(f"Weights must be non-negative numbers; fix {sorted(bad)}.")
    if not weights or sum(weights.values()) <= 0:
        raise DataError("At least one weight must be above zero.")


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


def band(score: float | pd.Series | None, thresholds: tuple[float, float] = (50, 75)):
    """Band of a score: red up to and including the first threshold, yellow up to and including
    the second, green above. A missing score has no band (None).

    Example
    -------
    >>> band(50), band(75), band(75.01)
    ('red', 'yellow', 'green')
    """
    low, high = float(thresholds[0]), float(thresholds[1])
    if not low < high:
        raise DataError(f"Band thresholds must increase (got {low}, {high}).")
    if isinstance(score, pd.Series):
        out = pd.Series([None] * len(score), index=score.index, dtype=object)
        out[score <= low] = "red"
        out[(score > low) & (score <= high)] = "yellow"
        out[score > high] = "green"
        return out
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return None
    return "red" if score <= low else "yellow" if score <= high else "green"


def model_weights(model: Mapping[str, Any], segment: str | None = None) -> dict[str, float]:
    """Weights of a model, using the segment's profile where it defines one."""
    profile = (model.get("segments") or {}).get(segment or "", {})
    if "weights" in profile:
        return {k: float(v) for k, v in profile["weights"].items()}
    return {k: float(v.get("weight", 0)) for k, v in model["signals"].items()}


def model_bands(model: Mapping[str, Any], segment: str | None = None) -> tuple[float, float]:
    """Band thresholds of a model, using the segment's profile where it defines one."""
    profile = (model.get("segments") or {}).get(segment or "", {})
    low, high = profile.get("bands", model.get("bands", (50, 75)))
    return float(low), float(high)


def score_customers(signals: pd.DataFrame, model: Mapping[str, Any]) -> pd.DataFrame:
    """Score every customer-month of a long signal table.

    Parameters
    ----------
    signals
        Long table with columns ``customer_id``, ``month``, ``signal``, ``value`` and optionally
        ``segment`` (for per-segment profiles).
    model
        A model mapping (see module docstring).

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
    wide = wide.reindex(columns=keys)
    normed = pd.DataFrame(
        {k: normalise(wide[k], model["signals"][k]) for k in keys}, index=wide.index
    )
    segments = (
        normed.index.get_level_values("segment") if "segment" in id_cols else [None] * len(normed)
    )
    out_parts = []
    for segment in pd.unique(np.asarray(segments, dtype=object)):
        mask = np.asarray(segments, dtype=object) == segment
        part = normed[mask]
        weights = model_weights(model, segment)
        check_weights(weights)
        w = pd.Series({k: weights.get(k, 0.0) for k in keys})
        denom = part.notna().mul(w, axis=1).sum(axis=1)
        contrib = part.mul(w, axis=1).div(denom.where(denom > 0), axis=0)
        contrib.columns = contrib_cols
        score = contrib.sum(axis=1, min_count=1).where(denom > 0)
        chunk = contrib.assign(score=score, band=band(score, model_bands(model, segment)))
        out_parts.append(chunk)
    out = pd.concat(out_parts).reset_index()
    return out[id_cols + ["score", "band"] + contrib_cols]


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
