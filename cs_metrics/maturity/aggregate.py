"""What teams' self-scores add up to: median and spread per group, the spread of answers by stage,
claimed against evidenced stages, rounds over time and their changes, roles that see a dimension
differently, and the evidence people offered.

Stages are ordinal, so answers are summarised with the median and the spread (quartiles,
min–max), never with a mean; groups smaller than a privacy threshold are suppressed; an overall
stage exists only on request and is the weakest dimension.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from cs_metrics.i18n import _
from cs_metrics.maturity.instrument import (
    DIMENSIONS,
    ROLES,
    STAGE_STEPS,
    MaturityDataError,
    is_valid_stage,
    stage_text,
)

#: Groups with fewer respondents are hidden, so that no one's answer can be read off a result.
MIN_RESPONDENTS = 3
#: An interquartile range of at least one stage means the group does not agree.
LOW_CONSENSUS_IQR = 1.0
AGGREGATE_COLUMNS = ("median", "q1", "q3", "iqr", "min", "max", "n", "consensus", "suppressed")


def check_answers(answers: pd.DataFrame, *, columns: Sequence[str] = ("dimension", "stage")) -> pd.DataFrame:
    """Validate an answers frame; return a copy without unanswered rows (stage NaN).

    Raises
    ------
    MaturityDataError
        A column is missing, a dimension is unknown, or a stage is outside 1–5 or off the
        half-step grid (the message names the first offending row).
    """
    if not isinstance(answers, pd.DataFrame):
        raise MaturityDataError(_("Pass the answers as a pandas DataFrame."))
    missing = [c for c in columns if c not in answers.columns]
    if missing:
        raise MaturityDataError(_("The answers lack the column(s) {columns}; add them.").format(columns=", ".join(missing)))
    data = answers.copy()
    data["stage"] = pd.to_numeric(data["stage"], errors="coerce").astype(float)
    data = data[data["stage"].notna()]
    bad_dim = ~data["dimension"].isin(DIMENSIONS)
    if bad_dim.any():
        value = data.loc[bad_dim, "dimension"].iloc[0]
        raise MaturityDataError(_("Unknown dimension {dimension}; use one of {choices}.").format(
            dimension=repr(value), choices=", ".join(DIMENSIONS)))
    bad_stage = ~data["stage"].map(is_valid_stage)
    if bad_stage.any():
        value = data.loc[bad_stage, "stage"].iloc[0]
        raise MaturityDataError(
            _("Stage {value} is not allowed; use a whole stage 1–5 or a half-step between two (1.5, 2.5, ...).").format(
                value=stage_text(value))
        )
    return data


def _order_key(column: pd.Series) -> pd.Series:
    if column.name == "dimension":
        return column.map({d: i for i, d in enumerate(DIMENSIONS)})
    if column.name == "role":
        return column.map({r: i for i, r in enumerate(ROLES)}).fillna(len(ROLES))
    return column


def aggregate(
    answers: pd.DataFrame, *, by: Sequence[str] = ("team", "dimension"), min_respondents: int = MIN_RESPONDENTS
) -> pd.DataFrame:
    """Median and spread of the stages in each group.

    Parameters
    ----------
    answers
        One row per respondent and dimension (see the module docstring); needs the ``by``
        columns and ``stage``.
    by
        Grouping columns.
    min_respondents
        Groups with fewer answers are suppressed: their statistics are NaN, only ``n`` is kept.

    Returns
    -------
    DataFrame
        One row per group: the ``by`` columns, ``median`` (the mean of the two middle answers when
        n is even), ``q1`` and ``q3`` (linear interpolation between order statistics, numpy's
        default), ``iqr`` = q3 − q1, ``min``, ``max``, ``n`` (answers), ``consensus`` (False when
        iqr ≥ 1 stage: the group does not agree; NA when suppressed), ``suppressed``
        (n < min_respondents). Empty input gives an empty frame with these columns.

    Example
    -------
    >>> data = pd.DataFrame({"team": "Sales", "dimension": "culture", "respondent": list("abcd"),
    ...                      "stage": [2.0, 2.5, 3.0, 3.5]})
    >>> row = aggregate(data).iloc[0]
    >>> float(row["median"]), float(row["iqr"]), int(row["n"]), bool(row["suppressed"])
    (2.75, 0.75, 4, False)
    """
    by = list(by)
    data = check_answers(answers, columns=(*by, "stage", *(["dimension"] if "dimension" not in by else [])))
    if data.empty:
        out = pd.DataFrame({c: pd.Series(dtype=answers[c].dtype) for c in by})
        for col in AGGREGATE_COLUMNS:
            out[col] = pd.Series(dtype={"n": "int64", "consensus": "boolean", "suppressed": "bool"}.get(col, "float64"))
        return out
    grouped = data.groupby(by, sort=False, dropna=False)["stage"]
    out = grouped.agg(median="median", min="min", max="max", n="size")
    # pandas' quantile interpolates linearly, as numpy's default does
    out["q1"] = grouped.quantile(0.25)
    out["q3"] = grouped.quantile(0.75)
    out = out.reset_index()
    out["iqr"] = out["q3"] - out["q1"]
    out["n"] = out["n"].astype("int64")
    out["suppressed"] = out["n"] < min_respondents
    out["consensus"] = pd.array(out["iqr"] < LOW_CONSENSUS_IQR, dtype="boolean")
    stats_cols = ["median", "q1", "q3", "iqr", "min", "max"]
    out.loc[out["suppressed"], stats_cols] = np.nan
    out.loc[out["suppressed"], "consensus"] = pd.NA
    out = out.sort_values(by, key=_order_key, kind="stable").reset_index(drop=True)
    return out[[*by, *AGGREGATE_COLUMNS]]


def overall_stage(profile: Mapping[str, float] | pd.Series) -> float:
    """The overall stage: the minimum across dimensions (the weakest link).

    NaN when the profile is empty or any dimension has no readable median, since the weakest
    link is then unknown.

    Example
    -------
    >>> overall_stage({"culture": 3.0, "organization": 2.5, "customer_involvement": 3.5, "technology": 4.0})
    2.5
    """
    values = pd.Series(dict(profile) if not isinstance(profile, pd.Series) else profile, dtype=float)
    if values.empty or values.isna().any():
        return float("nan")
    return float(values.min())


def stage_distribution(
    answers: pd.DataFrame, *, by: Sequence[str] = ("dimension",), min_respondents: int = MIN_RESPONDENTS
) -> pd.DataFrame:
    """How many answers chose each stage (and half-step), per group: the spread to look at.

    Returns columns ``by`` + ``stage`` (all nine steps 1.0–5.0, zero counts included), ``n``
    (answers at that stage) and ``share`` (of the group's answers). Groups with fewer than
    ``min_respondents`` answers are left out, so that nobody's answer can be read off a bar.

    Example
    -------
    >>> data = pd.DataFrame({"dimension": ["culture"] * 4, "stage": [1.0, 2.0, 2.0, 2.5]})
    >>> d = stage_distribution(data)
    >>> d.loc[d["stage"] == 2.0, "share"].item()
    0.5
    """
    by = list(by)
    data = check_answers(answers, columns=(*by, "dimension", "stage") if "dimension" not in by else (*by, "stage"))
    columns = [*by, "stage", "n", "share"]
    if data.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("stage", "share") else "int64" if c == "n" else object)
                             for c in columns})
    sizes = data.groupby(by, dropna=False)["stage"].transform("size")
    data = data[sizes >= min_respondents]
    if data.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("stage", "share") else "int64" if c == "n" else object)
                             for c in columns})
    counts = data.groupby([*by, "stage"], dropna=False).size().rename("n")
    groups = data[by].drop_duplicates()
    grid = groups.merge(pd.DataFrame({"stage": STAGE_STEPS}), how="cross")
    out = grid.merge(counts.reset_index(), on=[*by, "stage"], how="left")
    out["n"] = out["n"].fillna(0).astype("int64")
    out["share"] = out["n"] / out.groupby(by, dropna=False)["n"].transform("sum")
    return out.sort_values([*by, "stage"], key=_order_key, kind="stable").reset_index(drop=True)[columns]


def _has_evidence(values: pd.Series) -> pd.Series:
    return values.fillna("").astype(str).str.strip().ne("") & values.notna()


def claimed_vs_evidenced(
    answers: pd.DataFrame, *, by: Sequence[str] = ("dimension",), min_respondents: int = MIN_RESPONDENTS
) -> pd.DataFrame:
    """The stage people claim against the stage backed by evidence, per group.

    Returns one row per group with ``n`` and ``claimed`` (median of all answers),
    ``n_evidenced`` and ``evidenced`` (median of answers that carry evidence), ``n_unevidenced``
    and ``unevidenced`` (median of those without), ``share_evidenced``. A median is NaN when its
    answers number fewer than ``min_respondents``.

    Example
    -------
    >>> data = pd.DataFrame({"dimension": ["culture"] * 6, "stage": [2.0, 2.0, 2.5, 3.0, 3.0, 3.5],
    ...                      "evidence": [None, "", None, "CAB minutes", "survey", "roadmap"]})
    >>> row = claimed_vs_evidenced(data).iloc[0]
    >>> float(row["claimed"]), float(row["evidenced"]), float(row["unevidenced"])
    (2.75, 3.0, 2.0)
    """
    by = list(by)
    data = check_answers(answers, columns=(*by, "dimension", "stage", "evidence") if "dimension" not in by
                         else (*by, "stage", "evidence"))
    data["evidenced"] = _has_evidence(data["evidence"])
    columns = [*by, "n", "claimed", "n_evidenced", "evidenced", "n_unevidenced", "unevidenced", "share_evidenced"]
    if data.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c in by else "float64") for c in columns})

    def summary(group: pd.DataFrame) -> pd.Series:
        with_ev = group.loc[group["evidenced"], "stage"]
        without = group.loc[~group["evidenced"], "stage"]

        def med(s: pd.Series) -> float:
            return float(s.median()) if len(s) >= min_respondents else float("nan")

        return pd.Series({
            "n": len(group), "claimed": med(group["stage"]),
            "n_evidenced": len(with_ev), "evidenced": med(with_ev),
            "n_unevidenced": len(without), "unevidenced": med(without),
            "share_evidenced": len(with_ev) / len(group),
        })

    out = pd.DataFrame(
        [{**dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True)), **summary(group)}
         for key, group in data.groupby(by, sort=False, dropna=False)]
    )
    for col in ("n", "n_evidenced", "n_unevidenced"):
        out[col] = out[col].astype("int64")
    return out.sort_values(by, key=_order_key, kind="stable").reset_index(drop=True)[columns]


def _compare(previous: pd.Series, current: pd.Series) -> float:
    """Two-sided Mann–Whitney U p-value (NaN when a side is empty or every answer is equal)."""
    if len(previous) == 0 or len(current) == 0:
        return float("nan")
    if pd.concat([previous, current]).nunique() == 1:
        return 1.0
    return float(stats.mannwhitneyu(previous, current, alternative="two-sided").pvalue)


def round_trends(
    answers: pd.DataFrame, *, by: Sequence[str] = ("dimension",), min_respondents: int = MIN_RESPONDENTS
) -> pd.DataFrame:
    """``aggregate`` per round, rounds in the order they opened (needs ``round``, ``round_opened_on``)."""
    data = check_answers(answers, columns=("round", "round_opened_on", *by, "stage"))
    out = aggregate(data, by=("round_opened_on", "round", *by), min_respondents=min_respondents)
    return out.sort_values(["round_opened_on", *by], key=_order_key, kind="stable").reset_index(drop=True)


def round_changes(
    answers: pd.DataFrame,
    *,
    by: Sequence[str] = ("dimension",),
    min_respondents: int = MIN_RESPONDENTS,
    level: float = 0.95,
) -> pd.DataFrame:
    """Did the median move between the last two rounds? One row per group.

    The two rounds' answers are compared with a two-sided Mann–Whitney U test (ordinal data;
    answers from the same people in both rounds are treated as independent, which is
    conservative). A movement is called a change only when ``p_value < 1 - level`` and both rounds
    have at least ``min_respondents`` answers.

    Returns columns ``by`` + ``previous_round``, ``current_round``, ``previous_median``,
    ``current_median``, ``change`` (current − previous median), ``n_previous``, ``n_current``,
    ``p_value``, ``is_change``. Empty when fewer than two rounds have answers.

    Example
    -------
    >>> data = pd.DataFrame({"dimension": "culture", "round": ["A"] * 3 + ["B"] * 3,
    ...                      "round_opened_on": [1] * 3 + [2] * 3, "stage": [1.0, 1.5, 2.0, 2.5, 3.0, 3.5]})
    >>> row = round_changes(data).iloc[0]
    >>> float(row["change"]), round(float(row["p_value"]), 3)
    (1.5, 0.1)
    """
    by = list(by)
    data = check_answers(answers, columns=("round", "round_opened_on", *by, "stage"))
    columns = [*by, "previous_round", "current_round", "previous_median", "current_median", "change",
               "n_previous", "n_current", "p_value", "is_change"]
    order = data[["round", "round_opened_on"]].drop_duplicates().sort_values("round_opened_on")["round"].tolist()
    if len(order) < 2:
        return pd.DataFrame(columns=columns)
    prev_name, cur_name = order[-2], order[-1]
    rows = []
    for key, group in data.groupby(by, sort=False, dropna=False):
        prev = group.loc[group["round"] == prev_name, "stage"]
        cur = group.loc[group["round"] == cur_name, "stage"]
        enough = len(prev) >= min_respondents and len(cur) >= min_respondents
        p_med = float(prev.median()) if enough else float("nan")
        c_med = float(cur.median()) if enough else float("nan")
        p_value = _compare(prev, cur) if enough else float("nan")
        rows.append({
            **dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True)),
            "previous_round": prev_name, "current_round": cur_name,
            "previous_median": p_med, "current_median": c_med, "change": c_med - p_med,
            "n_previous": len(prev), "n_current": len(cur), "p_value": p_value,
            "is_change": bool(enough and p_value < 1 - level),
        })
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(by, key=_order_key, kind="stable").reset_index(drop=True)


def role_differences(
    answers: pd.DataFrame,
    *,
    first: str = "executive",
    second: str = "individual_contributor",
    min_respondents: int = MIN_RESPONDENTS,
    level: float = 0.95,
) -> pd.DataFrame:
    """Do two roles see a dimension differently? Median per role and a Mann–Whitney U test.

    Returns per dimension: ``first_median``, ``second_median``, ``difference`` (first − second),
    ``n_first``, ``n_second``, ``p_value``, ``differs`` (p < 1 - ``level`` with enough answers on both
    sides); medians are NaN below ``min_respondents``.
    """
    data = check_answers(answers, columns=("dimension", "role", "stage"))
    rows = []
    for dim in DIMENSIONS:
        part = data[data["dimension"] == dim]
        if part.empty:
            continue
        a = part.loc[part["role"] == first, "stage"]
        b = part.loc[part["role"] == second, "stage"]
        enough = len(a) >= min_respondents and len(b) >= min_respondents
        p_value = _compare(a, b) if enough else float("nan")
        a_med = float(a.median()) if len(a) >= min_respondents else float("nan")
        b_med = float(b.median()) if len(b) >= min_respondents else float("nan")
        rows.append({"dimension": dim, "first_median": a_med, "second_median": b_med,
                     "difference": a_med - b_med, "n_first": len(a), "n_second": len(b),
                     "p_value": p_value, "differs": bool(enough and p_value < 1 - level)})
    return pd.DataFrame(rows, columns=["dimension", "first_median", "second_median", "difference",
                                       "n_first", "n_second", "p_value", "differs"])


def round_order(answers: pd.DataFrame) -> list[str]:
    """Round names present in ``answers``, oldest first (by ``round_opened_on``)."""
    if answers.empty:
        return []
    return answers[["round", "round_opened_on"]].drop_duplicates().sort_values("round_opened_on")["round"].tolist()


def select_answers(
    answers: pd.DataFrame, *, round: str | None = None, team: str | None = None, dimension: str | None = None
) -> pd.DataFrame:
    """The answers of one round, team and/or dimension (None: all)."""
    keep = pd.Series(True, index=answers.index)
    for column, value in (("round", round), ("team", team), ("dimension", dimension)):
        if value is not None and column in answers.columns:
            keep &= answers[column] == value
    return answers[keep]


def evidence_list(answers: pd.DataFrame, *, min_respondents: int = MIN_RESPONDENTS) -> pd.DataFrame:
    """Evidence people offered, without their names: ``team``, ``dimension``, ``stage``,
    ``confidence``, ``evidence``. Teams with fewer respondents than ``min_respondents`` are left
    out, so that no answer can be traced to a person."""
    columns = ["team", "dimension", "stage", "confidence", "evidence"]
    if answers.empty:
        return pd.DataFrame(columns=columns)
    data = answers[_has_evidence(answers["evidence"])]
    sizes = answers.groupby("team")["respondent"].nunique()
    data = data[data["team"].map(sizes).fillna(0) >= min_respondents]
    data = data.sort_values(["team", "dimension"], key=_order_key, kind="stable")
    return data.reindex(columns=columns).reset_index(drop=True)


def respondent_count(answers: pd.DataFrame, *, round: str | None = None, team: str | None = None) -> int:
    """How many different people answered (in a round, for a team; None: all)."""
    data = select_answers(answers, round=round, team=team)
    return int(data["respondent"].nunique()) if not data.empty else 0
