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

Beyond scoring, the module checks a model before it is saved (``check_model``), explains one
customer's score signal by signal (``explain``), follows bands over months (``band_trend``,
``band_transitions``), lists customers at risk (``at_risk``) and checks the score against what
actually happened (``backtest``): churn rate per band with Wilson intervals and the AUC of the
score for churn within a horizon, with a DeLong interval.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cs_metrics.default_health_model import DEFAULT_MODEL  # noqa: F401  (re-exported: part of the API)
from cs_metrics.errors import DataError
from cs_metrics.stats import wilson_interval, z_value
from cs_metrics.vocab import HEALTH_BANDS as BANDS


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
    wide = wide.reindex(columns=keys).reset_index()
    wide.columns.name = None
    return score_wide(wide, model)[id_cols + ["score", "band"] + contrib_cols]


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


# --- signals and model validation -----------------------------------------------------------

#: Display names of the raw signals of ``vocab.HEALTH_SIGNALS``.
SIGNAL_LABELS: dict[str, str] = {
    "usage": "Product usage",
    "tickets_opened": "Support tickets opened",
    "resolution_hours": "Ticket resolution time",
    "tutorial_views": "Tutorials and guides used",
    "training_hours": "Training consumed",
    "services_purchased": "Professional services bought",
    "expansion": "Expansion (upsell)",
    "advocacy": "Advocacy (testimonial, referral, case study)",
    "billing_issue": "Billing problems",
    "marketing_unsubscribe": "Unsubscribed from marketing",
}

#: Below this many churned (or staying) customers a back-test is too uncertain to read.
MIN_BACKTEST_EVENTS = 10
#: Below this many scored customers a band share is too uncertain to read.
MIN_SCORED = 10


class ModelError(DataError):
    """A health model cannot be used or saved; ``problems`` lists every reason, each with its fix."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


def signal_label(key: str) -> str:
    """Display name of a signal key (the key itself, tidied, when it is not a known signal)."""
    return SIGNAL_LABELS.get(key, key.replace("_", " ").capitalize())


def describe_rule(rule: Mapping[str, Any]) -> str:
    """One sentence saying how a raw value becomes 0-100 points.

    Example
    -------
    >>> describe_rule({"rule": "linear", "worst": 72, "best": 4})
    '100 points at 4 or less, 0 at 72 or more, straight line in between'
    """
    worst, best = float(rule["worst"]), float(rule["best"])
    fmt = lambda v: f"{v:g}"  # noqa: E731
    if best > worst:
        return f"0 points at {fmt(worst)} or less, 100 at {fmt(best)} or more, straight line in between"
    return f"100 points at {fmt(best)} or less, 0 at {fmt(worst)} or more, straight line in between"


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _band_problems(bands: Any, where: str) -> list[str]:
    if not isinstance(bands, (list, tuple)) or len(bands) != 2:
        return [f"{where}: give exactly two band thresholds (red/yellow and yellow/green), e.g. [50, 75]."]
    low, high = _number(bands[0]), _number(bands[1])
    if low is None or high is None:
        return [f"{where}: band thresholds must be numbers between 0 and 100."]
    if not 0 <= low < high <= 100:
        return [
            f"{where}: band thresholds must increase within 0-100 (got {low:g} and {high:g}); "
            "put the red/yellow threshold below the yellow/green one."
        ]
    return []


def _weight_problems(weights: Mapping[str, Any], where: str, known: set[str]) -> list[str]:
    problems = []
    unknown = sorted(set(weights) - known)
    if unknown:
        problems.append(f"{where}: weights for unknown signals {unknown}; remove them or add the signals.")
    values = {k: _number(v) for k, v in weights.items() if k in known}
    bad = sorted(k for k, v in values.items() if v is None or v < 0)
    if bad:
        problems.append(f"{where}: weights must be zero or positive numbers; fix {', '.join(signal_label(k) for k in bad)}.")
    elif not any(v and v > 0 for v in values.values()):
        problems.append(f"{where}: all weights are zero; give at least one signal a weight above zero.")
    return problems


def model_problems(model: Any, *, coverage: pd.DataFrame | None = None) -> list[str]:
    """Every reason why ``model`` cannot be used, each saying what to change (empty when valid).

    Parameters
    ----------
    model
        A model mapping (see the module docstring).
    coverage
        Optional counts of customers with data per segment and signal: columns ``segment``,
        ``signal``, ``customers``. A segment where no weighted signal has any data cannot be
        scored at all, which is a problem; see ``model_warnings`` for single signals.

    Example
    -------
    >>> model_problems({"signals": {"usage": {"rule": "linear", "worst": 0, "best": 1, "weight": 0}},
    ...                 "bands": [75, 50]})  # doctest: +NORMALIZE_WHITESPACE
    ['All segments: all weights are zero; give at least one signal a weight above zero.',
     'All segments: band thresholds must increase within 0-100 (got 75 and 50); put the
     red/yellow threshold below the yellow/green one.']
    """
    if not isinstance(model, Mapping) or not isinstance(model.get("signals"), Mapping) or not model["signals"]:
        return ["The model needs a 'signals' mapping with at least one signal."]
    problems: list[str] = []
    signals = model["signals"]
    for key, rule in signals.items():
        name = signal_label(str(key))
        if not isinstance(rule, Mapping):
            problems.append(f"{name}: the rule must be a mapping with 'worst', 'best' and 'weight'.")
            continue
        if rule.get("rule", "linear") != "linear":
            problems.append(f"{name}: unknown normalisation rule {rule.get('rule')!r}; use 'linear'.")
        worst, best = _number(rule.get("worst")), _number(rule.get("best"))
        if worst is None or best is None:
            problems.append(f"{name}: 'worst' and 'best' must be numbers.")
        elif worst == best:
            problems.append(f"{name}: 'worst' and 'best' are both {worst:g}; make them differ.")
    known = set(signals)
    problems += _weight_problems({k: (v.get("weight") if isinstance(v, Mapping) else None) for k, v in signals.items()},
                                 "All segments", known)
    problems += _band_problems(model.get("bands", [50, 75]), "All segments")
    for segment, profile in (model.get("segments") or {}).items():
        where = f"Profile {segment!r}"
        if not isinstance(profile, Mapping):
            problems.append(f"{where}: must be a mapping with 'weights' and/or 'bands'.")
            continue
        if "weights" in profile:
            problems += _weight_problems(profile["weights"], where, known)
        if "bands" in profile:
            problems += _band_problems(profile["bands"], where)
    if not problems and coverage is not None and not coverage.empty:
        for segment, part in coverage.groupby("segment"):
            with_data = set(part.loc[part["customers"] > 0, "signal"])
            weighted = {k for k, w in model_weights(model, segment).items() if w > 0}
            if weighted and not weighted & with_data:
                problems.append(
                    f"Segment {segment!r}: none of the weighted signals has data, so no customer there can "
                    f"be scored; give weight to a signal with data ({', '.join(sorted(signal_label(s) for s in with_data)) or 'none'})."
                )
    return problems


def model_warnings(model: Mapping[str, Any], coverage: pd.DataFrame) -> list[str]:
    """Weighted signals that have no data in a segment: they drop out there (valid, but worth knowing).

    ``coverage`` has columns ``segment``, ``signal``, ``customers`` (customers with a value).
    """
    out = []
    if coverage is None or coverage.empty:
        return out
    for segment, part in coverage.groupby("segment"):
        with_data = set(part.loc[part["customers"] > 0, "signal"])
        empty = sorted(k for k, w in model_weights(model, segment).items() if w > 0 and k not in with_data)
        if empty:
            out.append(
                f"Segment {segment!r}: no data for {', '.join(signal_label(k) for k in empty)}; "
                "these signals drop out of its scores and the other weights count for more."
            )
    return out


def check_model(model: Any, *, coverage: pd.DataFrame | None = None) -> dict[str, Any]:
    """Validate a model and return a clean copy (numbers as floats); raise ``ModelError`` if invalid.

    Example
    -------
    >>> check_model({"signals": {"usage": {"worst": 0, "best": 1, "weight": 2}}})["bands"]
    [50.0, 75.0]
    """
    problems = model_problems(model, coverage=coverage)
    if problems:
        raise ModelError(problems)
    clean: dict[str, Any] = {
        "signals": {
            str(k): {"rule": "linear", "worst": float(v["worst"]), "best": float(v["best"]), "weight": float(v["weight"])}
            for k, v in model["signals"].items()
        },
        "bands": [float(b) for b in model.get("bands", [50, 75])],
    }
    segments = {}
    for segment, profile in (model.get("segments") or {}).items():
        entry = {}
        if "weights" in profile:
            entry["weights"] = {str(k): float(v) for k, v in profile["weights"].items()}
        if "bands" in profile:
            entry["bands"] = [float(b) for b in profile["bands"]]
        if entry:
            segments[str(segment)] = entry
    if segments:
        clean["segments"] = segments
    return clean


def model_table(model: Mapping[str, Any], segment: str | None = None) -> pd.DataFrame:
    """The model as a person reads it: one row per signal.

    Columns ``signal``, ``label``, ``rule`` (in words), ``worst``, ``best``, ``weight`` and
    ``share`` (the weight's share of all weights, i.e. its say when every signal is present).
    """
    weights = model_weights(model, segment)
    total = sum(weights.values())
    rows = [
        {
            "signal": key,
            "label": signal_label(key),
            "rule": describe_rule(rule),
            "worst": float(rule["worst"]),
            "best": float(rule["best"]),
            "weight": weights.get(key, 0.0),
            "share": weights.get(key, 0.0) / total if total else math.nan,
        }
        for key, rule in model["signals"].items()
    ]
    return pd.DataFrame(rows, columns=["signal", "label", "rule", "worst", "best", "weight", "share"])


# --- scoring a wide table ----------------------------------------------------------------------


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
        raw = values.get(key) if hasattr(values, "get") else None
        raw = _number(raw)
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
    score = score if not (isinstance(score, float) and math.isnan(score)) else math.nan
    current = band(score, thresholds)
    nxt = {"red": thresholds[0], "yellow": thresholds[1]}.get(current)
    out.attrs.update(
        score=score, band=current, thresholds=thresholds,
        to_next_band=(nxt - score) if nxt is not None else math.nan,
    )
    return out


# --- distribution, shares and movement --------------------------------------------------------


def score_histogram(
    scored: pd.DataFrame, *, bin_width: float = 5.0
) -> pd.DataFrame:
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
    frame = pd.DataFrame({"bin_start": index * bin_width, "bin_end": (index + 1) * bin_width, "band": rows["band"].to_numpy()})
    out = frame.groupby(["bin_start", "bin_end", "band"], as_index=False).size().rename(columns={"size": "n"})
    out["n"] = out["n"].astype(int)
    out.attrs["unscored"] = int(len(scored) - len(rows))
    return out.sort_values(["bin_start", "band"]).reset_index(drop=True)


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


def band_trend(scored: pd.DataFrame) -> pd.DataFrame:
    """Band shares per month: ``month``, ``band``, ``n``, ``share``, ``scored`` (customers with a band)."""
    return band_shares_by(scored, "month")


TRANSITION_FROM: tuple[str, ...] = ("red", "yellow", "green", "unscored")
TRANSITION_TO: tuple[str, ...] = ("red", "yellow", "green", "unscored", "churned")


def band_transitions(
    before: pd.DataFrame, after: pd.DataFrame, *, churned: pd.DataFrame | None = None, until: Any = None
) -> pd.DataFrame:
    """How customers moved between bands from one month to another, in counts and ARR.

    Parameters
    ----------
    before, after
        Scored customers of the two months: ``customer_id``, ``band`` and optionally ``arr``.
    churned
        Optional ``customer_id``, ``churned_on``: a customer scored ``before`` but not ``after``
        who churned on or before ``until`` moves to ``churned`` rather than ``unscored``.

    Returns
    -------
    DataFrame
        ``from_band`` (red, yellow, green, unscored), ``to_band`` (red, yellow, green, unscored,
        churned), ``n`` and ``arr`` (ARR in the first month, or in the second for customers not
        scored before); only pairs that occur.

    Example
    -------
    >>> a = pd.DataFrame({"customer_id": [1, 2], "band": ["red", "green"]})
    >>> b = pd.DataFrame({"customer_id": [1, 3], "band": ["yellow", "green"]})
    >>> band_transitions(a, b)[["from_band", "to_band", "n"]].values.tolist()
    [['red', 'yellow', 1], ['green', 'unscored', 1], ['unscored', 'green', 1]]
    """
    def side(frame: pd.DataFrame) -> pd.DataFrame:
        cols = ["customer_id", "band"] + (["arr"] if "arr" in frame else [])
        return frame[cols].drop_duplicates("customer_id").set_index("customer_id")

    a, b = side(before), side(after)
    ids = a.index.union(b.index)
    frame = pd.DataFrame(index=ids)
    frame["from_band"] = a["band"].reindex(ids).fillna("unscored")
    frame["to_band"] = b["band"].reindex(ids).fillna("unscored")
    arr_a = a["arr"].reindex(ids) if "arr" in a else pd.Series(np.nan, index=ids)
    arr_b = b["arr"].reindex(ids) if "arr" in b else pd.Series(np.nan, index=ids)
    frame["arr"] = arr_a.where(arr_a.notna(), arr_b).astype(float)
    if churned is not None and not churned.empty:
        when = pd.to_datetime(churned.set_index("customer_id")["churned_on"]).reindex(ids)
        limit = pd.Timestamp(until) if until is not None else pd.Timestamp.max
        gone = (frame["to_band"] == "unscored") & when.notna() & (when <= limit)
        frame.loc[gone, "to_band"] = "churned"
    out = frame.groupby(["from_band", "to_band"], as_index=False).agg(n=("arr", "size"), arr=("arr", "sum"))
    out["from_band"] = pd.Categorical(out["from_band"], TRANSITION_FROM, ordered=True)
    out["to_band"] = pd.Categorical(out["to_band"], TRANSITION_TO, ordered=True)
    out = out.sort_values(["from_band", "to_band"]).reset_index(drop=True)
    out["from_band"] = out["from_band"].astype(str)
    out["to_band"] = out["to_band"].astype(str)
    out["n"] = out["n"].astype(int)
    return out


def transition_matrix(transitions: pd.DataFrame, *, value: str = "n") -> pd.DataFrame:
    """``band_transitions`` as a matrix: rows ``from_band``, columns ``to_band``, cells ``value``."""
    if transitions.empty:
        return pd.DataFrame(index=pd.Index([], name="from_band"), columns=pd.Index([], name="to_band"))
    matrix = transitions.pivot_table(index="from_band", columns="to_band", values=value, aggfunc="sum", fill_value=0)
    rows = [b for b in TRANSITION_FROM if b in matrix.index]
    cols = [b for b in TRANSITION_TO if b in matrix.columns]
    return matrix.reindex(index=rows, columns=cols)


def at_risk(
    latest: pd.DataFrame, previous: pd.DataFrame | None = None, *, drop: float = 10.0
) -> pd.DataFrame:
    """Customers in the red band, or whose score fell by ``drop`` points or more since ``previous``.

    ``latest`` and ``previous`` are scored months (``customer_id``, ``score``, ``band`` and any
    attributes such as ``name``, ``owner``, ``arr``). Returns those rows of ``latest`` with
    ``previous_score``, ``change`` and ``why`` (``red``, ``falling`` or ``red and falling``),
    largest ARR first (then lowest score).

    Example
    -------
    >>> now = pd.DataFrame({"customer_id": [1, 2, 3], "score": [40.0, 70.0, 90.0],
    ...                     "band": ["red", "yellow", "green"], "arr": [1.0, 5.0, 9.0]})
    >>> before = pd.DataFrame({"customer_id": [1, 2, 3], "score": [45.0, 85.0, 95.0]})
    >>> at_risk(now, before)[["customer_id", "why"]].values.tolist()
    [[2, 'falling'], [1, 'red']]
    """
    if drop < 0:
        raise DataError("drop is a fall in points: give a positive number, e.g. 10.")
    out = latest[latest["score"].notna()].copy()
    if previous is not None and not previous.empty:
        prev = previous.drop_duplicates("customer_id").set_index("customer_id")["score"]
        out["previous_score"] = out["customer_id"].map(prev).astype(float)
    else:
        out["previous_score"] = np.nan
    out["change"] = out["score"] - out["previous_score"]
    red = out["band"] == "red"
    falling = out["change"] <= -drop
    out = out[red | falling].copy()
    out["why"] = np.where(red[out.index] & falling[out.index], "red and falling", np.where(red[out.index], "red", "falling"))
    keys = (["arr"] if "arr" in out else []) + ["score"]
    out = out.sort_values(keys, ascending=[False] * ("arr" in out) + [True]).reset_index(drop=True)
    out.attrs["arr"] = float(out["arr"].sum()) if "arr" in out else math.nan
    return out


# --- back-test: does the score predict churn? ------------------------------------------------


def _midranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n with ties sharing their average rank (midranks)."""
    return pd.Series(values).rank(method="average").to_numpy(dtype=float)


@dataclass(frozen=True)
class AucResult:
    """Area under the ROC curve with its standard error and interval.

    ``auc`` is P(a positive case ranks above a negative one) + half the probability of a tie.
    """

    auc: float
    se: float
    low: float
    high: float
    n_positive: int
    n_negative: int
    method: str
    level: float


def auc_interval(
    predictor: pd.Series | np.ndarray, outcome: pd.Series | np.ndarray, *,
    method: str = "delong", level: float = 0.95,
) -> AucResult:
    """AUC from the Mann-Whitney statistic, with a DeLong or Hanley-McNeil interval.

    Parameters
    ----------
    predictor
        Higher values should mean the outcome is more likely (pass ``-score`` for churn).
    outcome
        True/1 for positive cases (e.g. churned), False/0 otherwise. NaN predictors are dropped.
    method
        ``"delong"``: variance from the structural components of DeLong, DeLong & Clarke-Pearson
        (1988), Biometrics 44:837-845, computed with midranks (Sun & Xu 2014).
        ``"hanley_mcneil"``: Hanley & McNeil (1982), Radiology 143:29-36, equation 2.

    Returns
    -------
    AucResult
        NaN everywhere when either class is empty. The interval is AUC +/- z SE, clipped to [0, 1].

    Example
    -------
    Positives 3 and 2, negatives 1 and 2: of 4 pairs 3 win, 1 ties, so AUC = (3 + 0.5) / 4.

    >>> auc_interval([3, 2, 1, 2], [1, 1, 0, 0]).auc
    0.875
    """
    x = np.asarray(predictor, dtype=float)
    y = np.asarray(outcome).astype(bool)
    if x.shape != y.shape:
        raise DataError("predictor and outcome must have the same length.")
    keep = ~np.isnan(x)
    x, y = x[keep], y[keep]
    pos, neg = x[y], x[~y]
    m, n = len(pos), len(neg)
    if method not in ("delong", "hanley_mcneil"):
        raise DataError(f"Unknown AUC interval method {method!r}; use 'delong' or 'hanley_mcneil'.")
    if m == 0 or n == 0:
        return AucResult(math.nan, math.nan, math.nan, math.nan, m, n, method, level)
    ranks = _midranks(np.concatenate([pos, neg]))
    auc = float((ranks[:m].sum() - m * (m + 1) / 2) / (m * n))  # Mann-Whitney U / (m n)
    if method == "delong":
        v10 = (ranks[:m] - _midranks(pos)) / n  # share of negatives each positive beats (ties 1/2)
        v01 = 1.0 - (ranks[m:] - _midranks(neg)) / m  # share of positives that beat each negative
        s10 = float(np.var(v10, ddof=1)) if m > 1 else 0.0
        s01 = float(np.var(v01, ddof=1)) if n > 1 else 0.0
        var = s10 / m + s01 / n
    else:
        q1, q2 = auc / (2 - auc), 2 * auc * auc / (1 + auc)
        var = (auc * (1 - auc) + (m - 1) * (q1 - auc * auc) + (n - 1) * (q2 - auc * auc)) / (m * n)
    se = math.sqrt(max(var, 0.0))
    z = z_value(level)
    return AucResult(auc, se, max(0.0, auc - z * se), min(1.0, auc + z * se), m, n, method, level)


@dataclass(frozen=True)
class BacktestResult:
    """What happened to customers after a month's scores: does the score separate churners?

    Attributes
    ----------
    month
        The month whose scores are tested (first day).
    window_start, window_end
        Churn is counted on ``[window_start, window_end)``: from the day after the month ends,
        for ``horizon_days`` days. Scores use only that month's signals, so they precede churn.
    n, churned, unscored
        Customers scored and still customers when the window opens; of them, those who churned
        in the window; customers of the month without any signal (left out).
    by_band
        ``band``, ``n``, ``churned``, ``rate``, ``low``, ``high`` (Wilson interval).
    auc
        ``AucResult`` of the score for churn: the chance that a customer who churned had a lower
        score than one who stayed (ties count half). 0.5 is no better than a coin.
    churned_while_green
        The scored rows of customers who churned in the window although green, with ``churned_on``.
    """

    month: Any
    window_start: Any
    window_end: Any
    horizon_days: int
    n: int
    churned: int
    unscored: int
    by_band: pd.DataFrame
    auc: AucResult
    churned_while_green: pd.DataFrame

    @property
    def window_last(self) -> Any:
        """The last day of the outcome window (``window_end`` is exclusive)."""
        return None if self.window_end is None else self.window_end - pd.Timedelta(days=1)

    @property
    def enough(self) -> bool:
        """True when both churners and stayers number at least ``MIN_BACKTEST_EVENTS``."""
        return self.churned >= MIN_BACKTEST_EVENTS and self.n - self.churned >= MIN_BACKTEST_EVENTS

    @property
    def separates(self) -> bool:
        """True when the whole AUC interval lies above 0.5 (the score tells churners apart)."""
        return bool(self.auc.low > 0.5)


def _months(values: Any) -> pd.Series:
    return pd.to_datetime(pd.Series(values)).dt.to_period("M").dt.to_timestamp()


def backtest_months(scores: pd.DataFrame, *, horizon_days: int = 90, as_of: Any = None) -> list[pd.Timestamp]:
    """Scored months whose whole outcome window (``horizon_days`` after the month) ends by ``as_of``.

    ``as_of`` is the last day outcomes are known; by default the last day of the latest scored month.
    """
    if scores.empty:
        return []
    months = sorted(_months(scores["month"]).unique())
    last_day = pd.Timestamp(as_of) if as_of is not None else months[-1] + pd.offsets.MonthEnd(0)
    return [pd.Timestamp(mo) for mo in months
            if pd.Timestamp(mo) + pd.offsets.MonthBegin(1) + pd.Timedelta(days=horizon_days) <= last_day + pd.Timedelta(days=1)]


def backtest(
    scores: pd.DataFrame, churn: pd.DataFrame, *, horizon_days: int = 90, month: Any = None,
    as_of: Any = None, thresholds: tuple[float, float] = (50, 75), level: float = 0.95,
) -> BacktestResult:
    """Check a month's scores against churn in the ``horizon_days`` that follow the month.

    Parameters
    ----------
    scores
        Scored customer-months: ``customer_id``, ``month``, ``score`` and ``band`` (computed
        from ``thresholds`` when absent); other columns (name, owner, arr) are kept in the list
        of customers who churned while green.
    churn
        ``customer_id``, ``churned_on`` (customers never churned may be absent or NaT).
    horizon_days
        Length of the outcome window, starting the day after the tested month ends.
    month
        The month to test; by default the latest one whose window ends by ``as_of``.
    as_of
        Last day churn is known (default: last day of the latest scored month). A month whose
        window runs past it cannot be tested (``DataError``): its outcome is not known yet.

    Returns
    -------
    BacktestResult
        With ``n == 0`` and NaN AUC when nothing can be tested.

    Example
    -------
    >>> s = pd.DataFrame({"customer_id": [1, 2, 3, 4], "month": ["2026-01-01"] * 4,
    ...                   "score": [20.0, 60.0, 80.0, 90.0]})
    >>> c = pd.DataFrame({"customer_id": [1, 3], "churned_on": ["2026-02-10", "2026-03-01"]})
    >>> r = backtest(s, c, horizon_days=90, as_of="2026-06-30")
    >>> r.churned, r.auc.auc, r.churned_while_green["customer_id"].tolist()
    (2, 0.75, [3])
    """
    if int(horizon_days) <= 0:
        raise DataError(f"horizon_days must be a positive number of days (got {horizon_days}).")
    horizon_days = int(horizon_days)
    empty_bands = pd.DataFrame({"band": list(BANDS), "n": 0, "churned": 0, "rate": np.nan, "low": np.nan, "high": np.nan})
    eligible = backtest_months(scores, horizon_days=horizon_days, as_of=as_of)
    if month is None:
        if not eligible:
            nothing = AucResult(math.nan, math.nan, math.nan, math.nan, 0, 0, "delong", level)
            return BacktestResult(None, None, None, horizon_days, 0, 0, 0, empty_bands, nothing,
                                  scores.iloc[0:0].assign(churned_on=pd.NaT))
        month = eligible[-1]
    month = pd.Timestamp(month).to_period("M").to_timestamp()
    if month not in eligible:
        last = eligible[-1].strftime("%b %Y") if eligible else "none"
        raise DataError(
            f"Churn in the {horizon_days} days after {month:%b %Y} is not fully known yet; "
            f"pick a month up to {last} or a shorter horizon."
        )
    start = month + pd.offsets.MonthBegin(1)
    end = start + pd.Timedelta(days=horizon_days)
    rows = scores[_months(scores["month"]).to_numpy() == month.to_datetime64()].drop_duplicates("customer_id").copy()
    if "band" not in rows:
        rows["band"] = band(rows["score"].astype(float), thresholds)
    when = pd.to_datetime(churn.drop_duplicates("customer_id").set_index("customer_id")["churned_on"])
    rows["churned_on"] = rows["customer_id"].map(when)
    rows = rows[~(rows["churned_on"] < start)]  # gone before the window opens: no outcome to test
    unscored = int(rows["score"].isna().sum())
    rows = rows[rows["score"].notna()]
    hit = (rows["churned_on"] >= start) & (rows["churned_on"] < end)
    by_band = []
    for name in BANDS:
        in_band = rows["band"] == name
        k, nb = int((hit & in_band).sum()), int(in_band.sum())
        low, high = wilson_interval(k, nb, level=level)
        by_band.append({"band": name, "n": nb, "churned": k, "rate": k / nb if nb else np.nan, "low": low, "high": high})
    auc = auc_interval(-rows["score"].to_numpy(dtype=float), hit.to_numpy(), level=level)
    green = rows[hit & (rows["band"] == "green")].sort_values("churned_on").reset_index(drop=True)
    return BacktestResult(
        month=month, window_start=start, window_end=end, horizon_days=horizon_days, n=int(len(rows)),
        churned=int(hit.sum()), unscored=unscored, by_band=pd.DataFrame(by_band), auc=auc,
        churned_while_green=green,
    )


def backtest_by_month(
    scores: pd.DataFrame, churn: pd.DataFrame, *, horizon_days: int = 90, as_of: Any = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """``backtest`` for every testable month: ``month``, ``n``, ``churned``, ``auc``, ``low``, ``high``."""
    rows = []
    for mo in backtest_months(scores, horizon_days=horizon_days, as_of=as_of):
        r = backtest(scores, churn, horizon_days=horizon_days, month=mo, as_of=as_of, level=level)
        rows.append({"month": mo, "n": r.n, "churned": r.churned, "auc": r.auc.auc, "low": r.auc.low, "high": r.auc.high})
    return pd.DataFrame(rows, columns=["month", "n", "churned", "auc", "low", "high"])


def band_before_churn(
    scores: pd.DataFrame, churn: pd.DataFrame, *, start: Any = None, end: Any = None
) -> pd.DataFrame:
    """Each churned customer's last score from a month that ended before the churn date.

    Only churn dates in ``[start, end)`` count (either bound may be left out). Returns
    ``customer_id``, ``churned_on``, ``month``, ``score``, ``band`` (one row per churned customer
    that had such a score); ``band_shares`` of it says how many were green when they left.
    """
    cols = ["customer_id", "churned_on", "month", "score", "band"]
    gone = churn[churn["churned_on"].notna()][["customer_id", "churned_on"]].drop_duplicates("customer_id")
    when = pd.to_datetime(gone["churned_on"])
    if start is not None:
        gone = gone[when >= pd.Timestamp(start)]
        when = when[when >= pd.Timestamp(start)]
    if end is not None:
        gone = gone[when < pd.Timestamp(end)]
    if scores.empty or gone.empty:
        return pd.DataFrame(columns=cols)
    rows = scores[["customer_id", "month", "score", "band"]].merge(gone, on="customer_id")
    ended = (_months(rows["month"]) + pd.offsets.MonthBegin(1)).to_numpy()
    rows = rows[(pd.to_datetime(rows["churned_on"]).to_numpy() >= ended) & rows["score"].notna().to_numpy()]
    last = rows.sort_values("month").groupby("customer_id").tail(1)
    return last[cols].sort_values("churned_on").reset_index(drop=True)


# --- one customer ------------------------------------------------------------------------------


def customer_history(scored: pd.DataFrame, customer_id: int) -> pd.DataFrame:
    """One customer's scored months, oldest first (the rows of ``scored`` for ``customer_id``)."""
    rows = scored[scored["customer_id"] == customer_id]
    return rows.sort_values("month").reset_index(drop=True)


def month_rows(scored: pd.DataFrame, month: Any) -> pd.DataFrame:
    """The rows of ``scored`` for one month (any day of it)."""
    target = pd.Timestamp(month).to_period("M").to_timestamp()
    return scored[_months(scored["month"]).to_numpy() == target.to_datetime64()].reset_index(drop=True)


def scored_months(scored: pd.DataFrame) -> list[pd.Timestamp]:
    """Months present in ``scored``, oldest first."""
    return [pd.Timestamp(mo) for mo in sorted(_months(scored["month"]).unique())] if not scored.empty else []


def customer_choices(scored: pd.DataFrame) -> dict[int, str]:
    """``customer_id -> "name (segment)"`` for a month's scored customers, sorted by name."""
    if scored.empty:
        return {}
    rows = scored.drop_duplicates("customer_id")
    rows = rows.sort_values(["name", "customer_id"]) if "name" in rows else rows.sort_values("customer_id")
    name = rows["name"].astype(str) if "name" in rows else rows["customer_id"].astype(str)
    label = name + (" (" + rows["segment"].astype(str) + ")" if "segment" in rows else "")
    return dict(zip(rows["customer_id"].astype(int), label))


def movement(scored: pd.DataFrame, churn: pd.DataFrame | None, *, start_month: Any, end_month: Any) -> pd.DataFrame:
    """``band_transitions`` between two months of ``scored``; customers gone by the end of
    ``end_month`` who churned count as ``churned``."""
    start, end = pd.Timestamp(start_month), pd.Timestamp(end_month)
    if not start < end:
        raise DataError("Pick a first month before the second one.")
    until = end.to_period("M").to_timestamp() + pd.offsets.MonthEnd(0)
    return band_transitions(month_rows(scored, start), month_rows(scored, end), churned=churn, until=until)


def edit_model(
    model: Mapping[str, Any], *, segment: str | None = None, rules: Mapping[str, tuple[float, float]] | None = None,
    weights: Mapping[str, float] | None = None, bands: tuple[float, float] | None = None,
    drop_profile: bool = False,
) -> dict[str, Any]:
    """A new model definition from ``model`` with edits (the input is not changed; not validated).

    With ``segment`` None, ``rules`` (``signal -> (worst, best)``), ``weights`` and ``bands`` edit the
    default profile. With a segment, ``weights`` and ``bands`` become that segment's profile
    (rules are shared by all segments), or ``drop_profile`` removes it so the default applies.

    Example
    -------
    >>> m = {"signals": {"a": {"worst": 0, "best": 1, "weight": 1}}, "bands": [50, 75]}
    >>> edit_model(m, segment="SMB", weights={"a": 2}, bands=(40, 70))["segments"]
    {'SMB': {'weights': {'a': 2.0}, 'bands': [40.0, 70.0]}}
    """
    import copy

    new = copy.deepcopy({k: v for k, v in model.items() if k != "version"})
    if segment is None:
        for key, (worst, best) in (rules or {}).items():
            new["signals"][key].update(worst=float(worst), best=float(best))
        for key, weight in (weights or {}).items():
            new["signals"][key]["weight"] = float(weight)
        if bands is not None:
            new["bands"] = [float(bands[0]), float(bands[1])]
        return new
    segments = dict(new.get("segments") or {})
    if drop_profile:
        segments.pop(segment, None)
    else:
        profile = dict(segments.get(segment, {}))
        if weights is not None:
            profile["weights"] = {k: float(v) for k, v in weights.items()}
        if bands is not None:
            profile["bands"] = [float(bands[0]), float(bands[1])]
        segments[segment] = profile
    if segments:
        new["segments"] = segments
    else:
        new.pop("segments", None)
    return new
