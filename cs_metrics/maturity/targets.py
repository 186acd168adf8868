"""Targets and the way to them: each dimension's target stage (a team's own or the company's),
the gap from the median, the next whole stage to reach, and a team's profile in a round."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from cs_metrics.i18n import _
from cs_metrics.maturity.aggregate import MIN_RESPONDENTS, aggregate, round_order
from cs_metrics.maturity.instrument import (
    DIMENSIONS,
    Instrument,
    MaturityDataError,
    is_valid_stage,
    stage_text,
)


def next_stage(median: float, target: float) -> float:
    """The next whole stage above ``median`` while it is below ``target``; NaN when met or unknown.

    One stage at a time: from 2 or 2.5 the next step is 3, whatever the target.

    Example
    -------
    >>> next_stage(2.5, 4.0), next_stage(3.0, 3.0)
    (3.0, nan)
    """
    if median is None or target is None or pd.isna(median) or pd.isna(target) or median >= target:
        return float("nan")
    return float(min(math.floor(median) + 1, 5))


def check_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """Validate targets (``dimension``, ``target`` or ``target_stage``, optional ``team``)."""
    data = targets.rename(columns={"target_stage": "target"}).copy()
    for col in ("dimension", "target"):
        if col not in data.columns:
            raise MaturityDataError(_("The targets lack the column {column}; add it.").format(column=repr(col)))
    data["target"] = pd.to_numeric(data["target"], errors="coerce").astype(float)
    bad = data["target"].notna() & ~data["target"].map(is_valid_stage)
    if bad.any():
        raise MaturityDataError(
            _("Target {value} is not a stage; use 1–5 in steps of 0.5.").format(
                value=stage_text(data.loc[bad, "target"].iloc[0]))
        )
    unknown = ~data["dimension"].isin(DIMENSIONS)
    if unknown.any():
        raise MaturityDataError(_("Unknown dimension {dimension} in the targets.").format(
            dimension=repr(data.loc[unknown, "dimension"].iloc[0])))
    if "team" not in data.columns:
        data["team"] = None
    return data


def gaps(aggregates: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Target, gap (target − median) and the next stage to reach, per aggregate row.

    Parameters
    ----------
    aggregates
        A result of ``aggregate`` with a ``dimension`` column (and ``team`` for team rows).
    targets
        Columns ``dimension``, ``target`` (or ``target_stage``) and optionally ``team``; a missing
        team (None/NaN) is a company-wide target. A team's own target wins over the company's.

    Returns
    -------
    DataFrame
        ``aggregates`` plus ``target``, ``target_scope`` ("team", "company" or None), ``gap``
        (NaN when the median is suppressed or there is no target), ``met`` (gap ≤ 0; NA when the
        gap is unknown) and ``next_stage`` (the next whole stage while below target).

    Example
    -------
    >>> agg = pd.DataFrame({"team": ["Sales"], "dimension": ["culture"], "median": [2.5]})
    >>> tg = pd.DataFrame({"team": [None], "dimension": ["culture"], "target": [3.5]})
    >>> row = gaps(agg, tg).iloc[0]
    >>> float(row["gap"]), float(row["next_stage"]), row["target_scope"]
    (1.0, 3.0, 'company')
    """
    out = aggregates.copy()
    tg = check_targets(targets)
    company = tg[tg["team"].isna()].set_index("dimension")["target"]
    team_tg = tg[tg["team"].notna()].set_index(["team", "dimension"])["target"]
    target, scope = [], []
    for row in out.itertuples(index=False):
        team = getattr(row, "team", None)
        if team is not None and (team, row.dimension) in team_tg.index:
            target.append(float(team_tg.loc[(team, row.dimension)]))
            scope.append("team")
        elif row.dimension in company.index:
            target.append(float(company.loc[row.dimension]))
            scope.append("company")
        else:
            target.append(float("nan"))
            scope.append(None)
    out["target"] = pd.Series(target, index=out.index, dtype=float)
    out["target_scope"] = pd.Series(scope, index=out.index, dtype=object)
    out["gap"] = out["target"] - out["median"].astype(float)
    out["met"] = pd.array([pd.NA if pd.isna(g) else bool(g <= 0) for g in out["gap"]], dtype="boolean")
    out["next_stage"] = [next_stage(m, t) for m, t in zip(out["median"], out["target"], strict=True)]
    return out


def team_profile(
    answers: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    round: str,
    team: str | None = None,
    min_respondents: int = MIN_RESPONDENTS,
) -> pd.DataFrame:
    """A team's profile in a round (the whole company when ``team`` is None), one row per dimension.

    Columns: ``dimension``, the ``aggregate`` columns for the round, ``previous`` (median in the
    round before, NaN when there is none or it is suppressed), ``target``, ``target_scope``,
    ``gap``, ``met`` and ``next_stage`` (see ``gaps``). All four dimensions are present; a
    dimension nobody answered has n = 0 and is suppressed.

    Example
    -------
    >>> data = pd.DataFrame({"team": "Sales", "dimension": "culture", "respondent": list("abcabc"),
    ...                      "round": ["A"] * 3 + ["B"] * 3, "round_opened_on": [1] * 3 + [2] * 3,
    ...                      "stage": [1.0, 2.0, 2.0, 2.0, 2.5, 3.0]})
    >>> tg = pd.DataFrame({"dimension": ["culture"], "target": [3.0]})
    >>> row = team_profile(data, tg, round="B", team="Sales").iloc[0]
    >>> float(row["median"]), float(row["previous"]), float(row["gap"]), float(row["next_stage"])
    (2.5, 2.0, 0.5, 3.0)
    """
    data = answers if team is None else answers[answers["team"] == team]
    order = round_order(data) if not data.empty else []
    current = data[data["round"] == round] if not data.empty else data
    agg = aggregate(current, by=("dimension",), min_respondents=min_respondents)
    full = pd.DataFrame({"dimension": list(DIMENSIONS)}).merge(agg, on="dimension", how="left")
    full["n"] = full["n"].fillna(0).astype("int64")
    full["suppressed"] = full["n"] < min_respondents
    full["consensus"] = pd.array(full["consensus"], dtype="boolean")
    previous = pd.Series(np.nan, index=list(DIMENSIONS))
    if round in order and order.index(round) > 0:
        before = data[data["round"] == order[order.index(round) - 1]]
        prev_agg = aggregate(before, by=("dimension",), min_respondents=min_respondents)
        previous = prev_agg.set_index("dimension")["median"].reindex(list(DIMENSIONS))
    full["previous"] = full["dimension"].map(previous).astype(float)
    if team is not None:
        full.insert(0, "team", team)
    tg = check_targets(targets)
    if team is None:
        tg = tg[tg["team"].isna()]
    return gaps(full, tg)


def fmt_stage(value: float) -> str:
    """A stage for display in the reader's language: "2.5" ("2,5" in Italian), or "–" when unknown."""
    return "–" if value is None or pd.isna(value) else stage_text(value)


def profile_display(profile: pd.DataFrame, instrument: Instrument, *, lang: str = "en") -> pd.DataFrame:
    """``team_profile`` as a table to read: stage labels next to numbers, hidden cells said so.

    The instrument's texts (dimensions, stages) are in ``lang``; the headings, the words and the
    numbers in the reader's language (``cs_metrics.i18n``)."""
    rows = []
    for row in profile.itertuples(index=False):
        hidden = bool(row.suppressed)
        low = row.consensus is not pd.NA and not row.consensus
        rows.append({
            _("Dimension"): instrument.dimension_label(row.dimension, lang),
            _("Median"): _("hidden") if hidden
            else f"{fmt_stage(row.median)} · {instrument.stage_label(row.median, lang)}",
            _("IQR"): "–" if hidden else fmt_stage(row.iqr),
            _("Range"): "–" if hidden else f"{fmt_stage(row.min)}–{fmt_stage(row.max)}",
            "n": int(row.n),
            _("Consensus"): "–" if hidden else (_("low (IQR ≥ 1)") if low else _("ok")),
            _("Previous round"): fmt_stage(row.previous),
            _("Target"): fmt_stage(row.target),
            _("Gap"): fmt_stage(row.gap),
        })
    return pd.DataFrame(rows)
