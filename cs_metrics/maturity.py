"""Social Business maturity: the instrument, and what teams' self-scores add up to.

Quintarelli's model places a company on five stages (Island, Channel, Listening, Involvement,
Social Business) separately on four dimensions (culture, organization, customer involvement,
technology). People score their team by choosing, per dimension, the statement that describes it
today, or a half-step between two statements. Stages are ordinal, so answers are summarised with
the median and the spread (quartiles, min–max), never with a mean; groups smaller than a privacy
threshold are suppressed; an overall stage exists only on request and is the weakest dimension.

Answers frame
-------------
Functions here take ``answers``: one row per respondent and dimension, with columns ``team``,
``dimension``, ``respondent``, ``stage`` (1.0–5.0 in steps of 0.5) and, where a function needs them,
``role``, ``round``, ``round_opened_on``, ``evidence``. Rows whose stage is missing (NaN) are
unanswered and ignored.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from cs_metrics.errors import DataError
from cs_metrics import vocab

#: Dimension keys, in the order the instrument presents them.
DIMENSIONS: tuple[str, ...] = vocab.MATURITY_DIMENSIONS
#: Respondent roles and confidence levels an answer may carry.
ROLES: tuple[str, ...] = vocab.RESPONDENT_ROLES
CONFIDENCE_LEVELS: tuple[str, ...] = vocab.CONFIDENCE_LEVELS
#: The five stages and every allowed answer (whole stages and half-steps between them).
STAGES: tuple[int, ...] = (1, 2, 3, 4, 5)
STAGE_STEPS: tuple[float, ...] = tuple(1.0 + 0.5 * i for i in range(9))
LANGUAGES: tuple[str, ...] = ("en", "it")
#: Groups with fewer respondents are hidden, so that no one's answer can be read off a result.
MIN_RESPONDENTS = 3
#: An interquartile range of at least one stage means the group does not agree.
LOW_CONSENSUS_IQR = 1.0
#: Longest text accepted for evidence and comments.
MAX_TEXT = 2000

INSTRUMENT_DIR = Path(__file__).resolve().parent / "instrument"
AGGREGATE_COLUMNS = ("median", "q1", "q3", "iqr", "min", "max", "n", "consensus", "suppressed")


class MaturityDataError(DataError):
    """Answers, targets or an instrument cannot be used as given; the message says what to fix."""


class SubmissionError(DataError):
    """A self-assessment cannot be stored; ``problems`` lists every thing to fix."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


# --------------------------------------------------------------------------------------------
# The instrument
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instrument:
    """A version of the maturity instrument: stage labels, dimensions and their statements.

    ``data`` is the JSON definition (see ``cs_metrics/instrument/social_business_v1.json``);
    use the methods rather than reading it directly.
    """

    version: str
    data: dict = field(compare=False, hash=False, repr=False)

    def _text(self, texts: Mapping[str, str], lang: str) -> str:
        return texts.get(lang) or texts["en"]

    def stage_labels(self, lang: str = "en") -> tuple[str, ...]:
        """The five stage labels in ``lang`` (English where a translation is missing)."""
        return tuple(self._text(s["label"], lang) for s in self.data["stages"])

    def stage_meaning(self, stage: int, lang: str = "en") -> str:
        """One line on what a whole stage means."""
        return self._text(self.data["stages"][int(stage) - 1]["meaning"], lang)

    def stage_label(self, stage: float, lang: str = "en") -> str:
        """The label of a stage; a half-step reads "between <lower> and <upper>".

        Example
        -------
        >>> inst = load_instrument()
        >>> inst.stage_label(2.5), inst.stage_label(3, "it")
        ('between Channel and Listening', 'Ascolto')
        """
        if stage is None or (isinstance(stage, float) and math.isnan(stage)):
            return "–"
        labels = self.stage_labels(lang)
        if float(stage) == int(stage):
            return labels[int(stage) - 1]
        low = int(math.floor(stage))
        return self._text(self.data["between"], lang).format(low=labels[low - 1], high=labels[low])

    def step_label(self, stage: float, lang: str = "en") -> str:
        """``"2.5 · between Channel and Listening"``: the text of one answer option."""
        return f"{float(stage):g} · {self.stage_label(stage, lang)}"

    def dimension_label(self, dimension: str, lang: str = "en") -> str:
        return self._text(self._dimension(dimension)["label"], lang)

    def descriptors(self, dimension: str, lang: str = "en") -> tuple[str, ...]:
        """The five statements of a dimension, stage 1 first."""
        texts = self._dimension(dimension)["descriptors"]
        return tuple(texts.get(lang) or texts["en"])

    def descriptor(self, dimension: str, stage: int, lang: str = "en") -> str:
        """The statement of one whole stage of a dimension."""
        return self.descriptors(dimension, lang)[int(stage) - 1]

    def question(self, lang: str = "en") -> str:
        return self._text(self.data["question"], lang)

    def name(self, lang: str = "en") -> str:
        return self._text(self.data["name"], lang)

    def _dimension(self, dimension: str) -> dict:
        for dim in self.data["dimensions"]:
            if dim["key"] == dimension:
                return dim
        raise MaturityDataError(f"Unknown dimension {dimension!r}; use one of {', '.join(DIMENSIONS)}.")

    def with_stage_labels(self, labels: Mapping[str, Sequence[str]], *, version: str) -> Instrument:
        """A new version with other stage labels (per language); statements stay as they are.

        Raises ``MaturityDataError`` unless every language given has five distinct, non-empty
        labels of at most 40 characters.
        """
        data = json.loads(json.dumps(self.data))
        for lang, names in labels.items():
            if lang not in LANGUAGES:
                raise MaturityDataError(f"Unknown language {lang!r}; labels can be given in {', '.join(LANGUAGES)}.")
            cleaned = [str(n).strip() for n in names]
            if len(cleaned) != 5 or any(not n for n in cleaned):
                raise MaturityDataError(f"Give a label for each of the five stages ({lang}); none may be empty.")
            if any(len(n) > 40 for n in cleaned):
                raise MaturityDataError(f"Stage labels ({lang}) must be at most 40 characters; shorten the long ones.")
            if len(set(n.casefold() for n in cleaned)) != 5:
                raise MaturityDataError(f"Stage labels ({lang}) must differ from each other; two of them are the same.")
            for stage, name in zip(data["stages"], cleaned, strict=True):
                stage["label"][lang] = name
        data["version"] = str(version)
        return Instrument(str(version), data)

    def to_json(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, sort_keys=True)


def check_instrument(data: Any) -> dict:
    """Validate an instrument definition; raise ``MaturityDataError`` saying what is missing."""
    if not isinstance(data, dict):
        raise MaturityDataError("An instrument definition must be a JSON object.")
    for key in ("version", "stages", "dimensions", "question", "between", "name"):
        if key not in data:
            raise MaturityDataError(f"The instrument definition lacks {key!r}; start from social_business_v1.json.")
    if [s.get("stage") for s in data["stages"]] != list(STAGES):
        raise MaturityDataError("The instrument must list the stages 1 to 5, in order.")
    if [d.get("key") for d in data["dimensions"]] != list(DIMENSIONS):
        raise MaturityDataError(f"The instrument must list the dimensions {', '.join(DIMENSIONS)}, in order.")
    for dim in data["dimensions"]:
        for lang, texts in dim["descriptors"].items():
            if len(texts) != 5:
                raise MaturityDataError(f"{dim['key']} ({lang}) needs five statements, one per stage; it has {len(texts)}.")
    return data


def instrument_from_json(text: str) -> Instrument:
    """Build an ``Instrument`` from its JSON definition (as stored in the database)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MaturityDataError(f"The instrument definition is not valid JSON ({exc}).") from None
    check_instrument(data)
    return Instrument(str(data["version"]), data)


def load_instrument(version: str = "1") -> Instrument:
    """The instrument shipped with Outside In (version ``"1"``: Quintarelli's model, EN and IT).

    Example
    -------
    >>> inst = load_instrument()
    >>> inst.stage_labels()
    ('Island', 'Channel', 'Listening', 'Involvement', 'Social Business')
    >>> inst.dimension_label("customer_involvement", "it")
    'Coinvolgimento del cliente'
    """
    path = INSTRUMENT_DIR / f"social_business_v{version}.json"
    if not path.exists():
        raise MaturityDataError(f"No shipped instrument has version {version!r}; the shipped version is '1'.")
    return instrument_from_json(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------


def is_valid_stage(stage: Any) -> bool:
    """True for 1.0, 1.5, ..., 5.0."""
    try:
        value = float(stage)
    except (TypeError, ValueError):
        return False
    return 1.0 <= value <= 5.0 and (value * 2).is_integer()


def check_answers(answers: pd.DataFrame, *, columns: Sequence[str] = ("dimension", "stage")) -> pd.DataFrame:
    """Validate an answers frame; return a copy without unanswered rows (stage NaN).

    Raises
    ------
    MaturityDataError
        A column is missing, a dimension is unknown, or a stage is outside 1–5 or off the
        half-step grid (the message names the first offending row).
    """
    if not isinstance(answers, pd.DataFrame):
        raise MaturityDataError("Pass the answers as a pandas DataFrame.")
    missing = [c for c in columns if c not in answers.columns]
    if missing:
        raise MaturityDataError(f"The answers lack the column(s) {', '.join(missing)}; add them.")
    data = answers.copy()
    data["stage"] = pd.to_numeric(data["stage"], errors="coerce").astype(float)
    data = data[data["stage"].notna()]
    bad_dim = ~data["dimension"].isin(DIMENSIONS)
    if bad_dim.any():
        value = data.loc[bad_dim, "dimension"].iloc[0]
        raise MaturityDataError(f"Unknown dimension {value!r}; use one of {', '.join(DIMENSIONS)}.")
    bad_stage = ~data["stage"].map(is_valid_stage)
    if bad_stage.any():
        value = data.loc[bad_stage, "stage"].iloc[0]
        raise MaturityDataError(
            f"Stage {value:g} is not allowed; use a whole stage 1–5 or a half-step between two (1.5, 2.5, ...)."
        )
    return data


def _order_key(column: pd.Series) -> pd.Series:
    if column.name == "dimension":
        return column.map({d: i for i, d in enumerate(DIMENSIONS)})
    if column.name == "role":
        return column.map({r: i for i, r in enumerate(ROLES)}).fillna(len(ROLES))
    return column


# --------------------------------------------------------------------------------------------
# Aggregates
# --------------------------------------------------------------------------------------------


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


def profile(aggregates: pd.DataFrame) -> pd.Series:
    """The median per dimension of a one-team (or company) aggregate, in instrument order."""
    if aggregates.empty:
        return pd.Series(np.nan, index=list(DIMENSIONS), name="median")
    series = aggregates.set_index("dimension")["median"]
    return series.reindex(list(DIMENSIONS)).rename("median")


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
            raise MaturityDataError(f"The targets lack the column {col!r}; add it.")
    data["target"] = pd.to_numeric(data["target"], errors="coerce").astype(float)
    bad = data["target"].notna() & ~data["target"].map(is_valid_stage)
    if bad.any():
        raise MaturityDataError(
            f"Target {data.loc[bad, 'target'].iloc[0]:g} is not a stage; use 1–5 in steps of 0.5."
        )
    unknown = ~data["dimension"].isin(DIMENSIONS)
    if unknown.any():
        raise MaturityDataError(f"Unknown dimension {data.loc[unknown, 'dimension'].iloc[0]!r} in the targets.")
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
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Did the median move between the last two rounds? One row per group.

    The two rounds' answers are compared with a two-sided Mann–Whitney U test (ordinal data;
    answers from the same people in both rounds are treated as independent, which is
    conservative). A movement is called a change only when ``p_value < alpha`` and both rounds
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
            "is_change": bool(enough and p_value < alpha),
        })
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(by, key=_order_key, kind="stable").reset_index(drop=True)


def role_differences(
    answers: pd.DataFrame,
    *,
    first: str = "executive",
    second: str = "individual_contributor",
    min_respondents: int = MIN_RESPONDENTS,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Do two roles see a dimension differently? Median per role and a Mann–Whitney U test.

    Returns per dimension: ``first_median``, ``second_median``, ``difference`` (first − second),
    ``n_first``, ``n_second``, ``p_value``, ``differs`` (p < alpha with enough answers on both
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
                     "p_value": p_value, "differs": bool(enough and p_value < alpha)})
    return pd.DataFrame(rows, columns=["dimension", "first_median", "second_median", "difference",
                                       "n_first", "n_second", "p_value", "differs"])


# --------------------------------------------------------------------------------------------
# Submissions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerInput:
    """What a respondent gave on one dimension (stage None: not chosen yet)."""

    stage: float | None
    evidence: str | None = None
    confidence: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class Submission:
    """One respondent's self-assessment of a team in a round."""

    round_id: int | None
    team: str | None
    respondent: str
    role: str | None
    answers: Mapping[str, AnswerInput]
    instrument_version: str = "1"


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def submission_problems(
    submission: Submission,
    *,
    teams: Collection[str] | None = None,
    round_status: str | None = "open",
    round_name: str | None = None,
    instrument: Instrument | None = None,
) -> list[str]:
    """Everything that keeps a submission from being stored, each as a message saying what to fix.

    ``teams`` are the existing team names (None: not checked); ``round_status`` is the chosen
    round's status (None: the round does not exist). An empty list means the submission is valid.

    Example
    -------
    >>> sub = Submission(1, "Sales", "ada@example.com", "manager",
    ...                  {d: AnswerInput(3.0) for d in DIMENSIONS if d != "technology"})
    >>> submission_problems(sub, teams=["Sales"])
    ['Technology: choose the statement that describes your team (a stage from 1 to 5, or a half-step).']
    """
    inst = instrument or load_instrument()
    problems: list[str] = []
    if submission.round_id is None or round_status is None:
        problems.append("Choose an assessment round: the one selected does not exist.")
    elif round_status != "open":
        name = f" {round_name!r}" if round_name else ""
        problems.append(
            f"The round{name} is closed: answers can be given or revised only while a round is open. "
            "Choose an open round, or ask whoever runs the assessment to open a new one."
        )
    team = _clean(submission.team)
    if team is None:
        problems.append("Choose the team you are scoring.")
    elif teams is not None and team not in set(teams):
        problems.append(f"The team {team!r} does not exist; choose one of the listed teams.")
    respondent = _clean(submission.respondent)
    if respondent is None:
        problems.append("Enter your name or e-mail address: it lets you revise your own answers while the round is open.")
    elif len(respondent) > 120:
        problems.append("Your name or e-mail address is longer than 120 characters; shorten it.")
    if submission.role not in ROLES:
        problems.append("Choose your role: executive, manager or individual contributor.")
    for dim in submission.answers:
        if dim not in DIMENSIONS:
            problems.append(f"Unknown dimension {dim!r}; the instrument has {', '.join(DIMENSIONS)}.")
    for dim in DIMENSIONS:
        label = inst.dimension_label(dim)
        answer = submission.answers.get(dim)
        if answer is None or answer.stage is None or (isinstance(answer.stage, float) and math.isnan(answer.stage)):
            problems.append(f"{label}: choose the statement that describes your team (a stage from 1 to 5, or a half-step).")
            continue
        try:
            value = float(answer.stage)
        except (TypeError, ValueError):
            problems.append(f"{label}: {answer.stage!r} is not a stage; choose one from 1 to 5.")
            continue
        if not 1.0 <= value <= 5.0:
            problems.append(f"{label}: stage {value:g} is outside 1–5; choose a stage from 1 to 5.")
        elif not (value * 2).is_integer():
            problems.append(
                f"{label}: {value:g} is not a whole stage or a half-step; use 1, 1.5, 2, ... 5 (for example 2.5)."
            )
        if answer.confidence is not None and answer.confidence not in CONFIDENCE_LEVELS:
            problems.append(f"{label}: confidence must be low, medium or high (or left empty).")
        for what, text in (("evidence", answer.evidence), ("comment", answer.comment)):
            if text and len(text) > MAX_TEXT:
                problems.append(f"{label}: the {what} is {len(text):,} characters long; keep it under {MAX_TEXT:,}.")
    return problems


def check_submission(submission: Submission, **kwargs: Any) -> Submission:
    """Raise ``SubmissionError`` listing every problem (see ``submission_problems``); else return
    the submission with blank texts turned into None and stages as floats."""
    problems = submission_problems(submission, **kwargs)
    if problems:
        raise SubmissionError(problems)
    answers = {
        dim: AnswerInput(float(a.stage), _clean(a.evidence), a.confidence, _clean(a.comment))
        for dim, a in submission.answers.items()
    }
    return Submission(submission.round_id, _clean(submission.team), _clean(submission.respondent) or "",
                      submission.role, answers, submission.instrument_version)


# --------------------------------------------------------------------------------------------
# One team's (or the company's) profile
# --------------------------------------------------------------------------------------------


def round_order(answers: pd.DataFrame) -> list[str]:
    """Round names present in ``answers``, oldest first (by ``round_opened_on``)."""
    if answers.empty:
        return []
    return answers[["round", "round_opened_on"]].drop_duplicates().sort_values("round_opened_on")["round"].tolist()


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


def fmt_stage(value: float) -> str:
    """A stage for display: "2.5", or "–" when unknown."""
    return "–" if value is None or pd.isna(value) else f"{float(value):g}"


def profile_display(profile: pd.DataFrame, instrument: Instrument, *, lang: str = "en") -> pd.DataFrame:
    """``team_profile`` as a table to read: stage labels next to numbers, hidden cells said so."""
    rows = []
    for row in profile.itertuples(index=False):
        hidden = bool(row.suppressed)
        rows.append({
            "Dimension": instrument.dimension_label(row.dimension, lang),
            "Median": "hidden" if hidden else f"{fmt_stage(row.median)} · {instrument.stage_label(row.median, lang)}",
            "IQR": "–" if hidden else fmt_stage(row.iqr),
            "Range": "–" if hidden else f"{fmt_stage(row.min)}–{fmt_stage(row.max)}",
            "n": int(row.n),
            "Consensus": "–" if hidden else ("low (IQR ≥ 1)" if row.consensus is not pd.NA and not row.consensus else "ok"),
            "Previous round": fmt_stage(row.previous),
            "Target": fmt_stage(row.target),
            "Gap": fmt_stage(row.gap),
        })
    return pd.DataFrame(rows)


def respondent_count(answers: pd.DataFrame, *, round: str | None = None, team: str | None = None) -> int:
    """How many different people answered (in a round, for a team; None: all)."""
    data = select_answers(answers, round=round, team=team)
    return int(data["respondent"].nunique()) if not data.empty else 0
