"""The health model: how raw signals become points, their weights and bands per segment, the
checks a model passes before it is saved, and the model as a person reads it.

A model is a plain mapping (see ``cs_metrics.health``)::

    {"signals": {"usage": {"rule": "linear", "worst": 0.1, "best": 0.8, "weight": 25}, ...},
     "bands": [50, 75],
     "segments": {"Enterprise": {"weights": {...}, "bands": [55, 80]}}}
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cs_metrics.errors import DataError
from cs_metrics.i18n import N_, _, formats

#: Display names of the raw signals of ``vocab.HEALTH_SIGNALS`` (English; ``signal_label`` translates).
SIGNAL_LABELS: dict[str, str] = {
    "usage": N_("Product usage"),
    "tickets_opened": N_("Support tickets opened"),
    "resolution_hours": N_("Ticket resolution time"),
    "tutorial_views": N_("Tutorials and guides used"),
    "training_hours": N_("Training consumed"),
    "services_purchased": N_("Professional services bought"),
    "expansion": N_("Expansion (upsell)"),
    "advocacy": N_("Advocacy (testimonial, referral, case study)"),
    "billing_issue": N_("Billing problems"),
    "marketing_unsubscribe": N_("Unsubscribed from marketing"),
}
#: Display names of the bands (``vocab.HEALTH_BANDS``) and of the other states of band movement
#: (English; ``band_label`` translates).
BAND_LABELS: dict[str, str] = {
    "red": N_("Red"), "yellow": N_("Yellow"), "green": N_("Green"), "unscored": N_("Unscored"),
    "churned": N_("Churned"),
}
#: The metric label of each band's share.
BAND_TITLES: dict[str, str] = {"red": N_("Red band"), "yellow": N_("Yellow band"), "green": N_("Green band")}


class ModelError(DataError):
    """A health model cannot be used or saved; ``problems`` lists every reason, each with its fix."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


def normalise(values: pd.Series | float, rule: Mapping[str, Any]) -> pd.Series | float:
    """Map raw signal values to 0-100 with a ``linear`` rule.

    A raw value at ``worst`` scores 0, at ``best`` scores 100, linearly in between and clipped
    outside; ``worst`` may be larger than ``best`` for signals where less is better.

    Example
    -------
    >>> normalise(6, {"rule": "linear", "worst": 2, "best": 10})
    50.0
    """
    if rule.get("rule", "linear") != "linear":
        raise DataError(_("Unknown normalisation rule {rule}: use 'linear'.").format(rule=repr(rule.get("rule"))))
    worst, best = float(rule["worst"]), float(rule["best"])
    if worst == best:
        raise DataError(_("A linear rule needs 'worst' and 'best' to differ."))
    scaled = (pd.to_numeric(values) - worst) / (best - worst) * 100.0
    if isinstance(scaled, pd.Series):
        return scaled.clip(0.0, 100.0)
    return float(min(max(scaled, 0.0), 100.0)) if not math.isnan(scaled) else math.nan


def check_weights(weights: Mapping[str, float]) -> None:
    """Raise ``DataError`` unless weights are finite, non-negative and not all zero."""
    bad = {k: w for k, w in weights.items() if w is None or not np.isfinite(w) or w < 0}
    if bad:
        raise DataError(_("Weights must be non-negative numbers; fix {signals}.").format(signals=sorted(bad)))
    if not weights or sum(weights.values()) <= 0:
        raise DataError(_("At least one weight must be above zero."))


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


def signal_label(key: str) -> str:
    """Display name of a signal key in the reader's language (the key itself, tidied, when it is
    not a known signal)."""
    return _(SIGNAL_LABELS[key]) if key in SIGNAL_LABELS else key.replace("_", " ").capitalize()


def band_label(band: str) -> str:
    """Display name of a band ("red" gives "Red"), or of "unscored" and "churned", in the reader's
    language; any other value as it is."""
    return _(BAND_LABELS[band]) if band in BAND_LABELS else str(band)


def band_title(band: str) -> str:
    """The label of a band's share ("Red band") in the reader's language."""
    return _(BAND_TITLES[band]) if band in BAND_TITLES else str(band)


def describe_rule(rule: Mapping[str, Any]) -> str:
    """One sentence saying how a raw value becomes 0-100 points.

    Example
    -------
    >>> describe_rule({"rule": "linear", "worst": 72, "best": 4})
    '100 points at 4 or less, 0 at 72 or more, straight line in between'
    """
    worst, best = _number(rule["worst"]), _number(rule["best"])
    if float(rule["best"]) > float(rule["worst"]):
        return _("0 points at {worst} or less, 100 at {best} or more, straight line in between").format(
            worst=worst, best=best)
    return _("100 points at {best} or less, 0 at {worst} or more, straight line in between").format(
        worst=worst, best=best)


def _number(value: Any) -> str:
    """A threshold or weight as ``{:g}`` writes it, with the reader's decimal separator ("0.8" / "0,8")."""
    text = f"{float(value):g}"
    return text.replace(".", ",").replace("-", formats.MINUS) if formats.italian() else text


def finite_number(value: Any) -> float | None:
    """``value`` as a float, or None when it is missing, not a number, or infinite.

    Example
    -------
    >>> finite_number("2.5"), finite_number("x"), finite_number(float("nan"))
    (2.5, None, None)
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _band_problems(bands: Any, where: str) -> list[str]:
    if not isinstance(bands, (list, tuple)) or len(bands) != 2:
        return [_("{where}: give exactly two band thresholds (red/yellow and yellow/green), e.g. [50, 75].").format(
            where=where)]
    low, high = finite_number(bands[0]), finite_number(bands[1])
    if low is None or high is None:
        return [_("{where}: band thresholds must be numbers between 0 and 100.").format(where=where)]
    if not 0 <= low < high <= 100:
        return [
            _("{where}: band thresholds must increase within 0-100 (got {low} and {high}); "
              "put the red/yellow threshold below the yellow/green one.").format(
                where=where, low=_number(low), high=_number(high))
        ]
    return []


def _weight_problems(weights: Mapping[str, Any], where: str, known: set[str]) -> list[str]:
    problems = []
    unknown = sorted(set(weights) - known)
    if unknown:
        problems.append(_("{where}: weights for unknown signals {signals}; remove them or add the signals.").format(
            where=where, signals=unknown))
    values = {k: finite_number(v) for k, v in weights.items() if k in known}
    bad = sorted(k for k, v in values.items() if v is None or v < 0)
    if bad:
        names = ", ".join(signal_label(k) for k in bad)
        problems.append(_("{where}: weights must be zero or positive numbers; fix {names}.").format(
            where=where, names=names))
    elif not any(v and v > 0 for v in values.values()):
        problems.append(_("{where}: all weights are zero; give at least one signal a weight above zero.").format(
            where=where))
    return problems


def _rule_problems(key: Any, rule: Any) -> list[str]:
    name = signal_label(str(key))
    if not isinstance(rule, Mapping):
        return [_("{name}: the rule must be a mapping with 'worst', 'best' and 'weight'.").format(name=name)]
    problems = []
    if rule.get("rule", "linear") != "linear":
        problems.append(_("{name}: unknown normalisation rule {rule}; use 'linear'.").format(
            name=name, rule=repr(rule.get("rule"))))
    worst, best = finite_number(rule.get("worst")), finite_number(rule.get("best"))
    if worst is None or best is None:
        problems.append(_("{name}: 'worst' and 'best' must be numbers.").format(name=name))
    elif worst == best:
        problems.append(_("{name}: 'worst' and 'best' are both {value}; make them differ.").format(
            name=name, value=_number(worst)))
    return problems


def model_problems(model: Any, *, coverage: pd.DataFrame | None = None) -> list[str]:
    """Every reason why ``model`` cannot be used, each saying what to change (empty when valid).

    Parameters
    ----------
    model
        A model mapping (see ``cs_metrics.health``).
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
        return [_("The model needs a 'signals' mapping with at least one signal.")]
    signals = model["signals"]
    problems = [p for key, rule in signals.items() for p in _rule_problems(key, rule)]
    known = set(signals)
    weights = {k: (v.get("weight") if isinstance(v, Mapping) else None) for k, v in signals.items()}
    everyone = _("All segments")
    problems += _weight_problems(weights, everyone, known)
    problems += _band_problems(model.get("bands", [50, 75]), everyone)
    for segment, profile in (model.get("segments") or {}).items():
        where = _("Profile {segment}").format(segment=repr(segment))
        if not isinstance(profile, Mapping):
            problems.append(_("{where}: must be a mapping with 'weights' and/or 'bands'.").format(where=where))
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
                names = ", ".join(sorted(signal_label(s) for s in with_data)) or _("none")
                problems.append(
                    _("Segment {segment}: none of the weighted signals has data, so no customer there can "
                      "be scored; give weight to a signal with data ({names}).").format(
                        segment=repr(segment), names=names)
                )
    return problems


def model_warnings(model: Mapping[str, Any], coverage: pd.DataFrame | None) -> list[str]:
    """Weighted signals that have no data in a segment: they drop out there (valid, but worth knowing).

    ``coverage`` has columns ``segment``, ``signal``, ``customers`` (customers with a value).
    """
    out: list[str] = []
    if coverage is None or coverage.empty:
        return out
    for segment, part in coverage.groupby("segment"):
        with_data = set(part.loc[part["customers"] > 0, "signal"])
        empty = sorted(k for k, w in model_weights(model, segment).items() if w > 0 and k not in with_data)
        if empty:
            out.append(
                _("Segment {segment}: no data for {names}; "
                  "these signals drop out of its scores and the other weights count for more.").format(
                    segment=repr(segment), names=", ".join(signal_label(k) for k in empty))
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
            str(k): {"rule": "linear", "worst": float(v["worst"]), "best": float(v["best"]),
                     "weight": float(v["weight"])}
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


def edit_model(
    model: Mapping[str, Any], *, segment: str | None = None,
    rules: Mapping[str, tuple[float, float]] | None = None, weights: Mapping[str, float] | None = None,
    bands: tuple[float, float] | None = None, drop_profile: bool = False,
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
