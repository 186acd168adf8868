"""Maturity from the database: teams, rounds, answers and targets to read, the instrument in use,
and the Maturity page's writes with their checks, each made by an actor whose right is checked and
recorded in the audit trail (``services.access.write``). A submission is checked inside the transaction
that stores it: storage reads the round and the teams and calls ``maturity.check_submission``."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy.engine import Engine

from cs_metrics import maturity
from cs_metrics.access import Actor
from cs_metrics.charts import maturity as charts
from cs_metrics.errors import DataError
from cs_metrics.i18n import _
from cs_metrics.services import access
from cs_metrics.storage.queries import maturity as qm


@contextmanager
def _as_maturity_error() -> Iterator[None]:
    """Storage's refusals (an unknown team or round, a name taken) as ``MaturityDataError``."""
    try:
        yield
    except maturity.MaturityDataError:
        raise
    except DataError as exc:
        raise maturity.MaturityDataError(str(exc)) from None


# --- reads ---------------------------------------------------------------------------------------


def teams(engine: Engine) -> pd.DataFrame:
    """Every team: ``id``, ``name``, ``department``, ``kind``, ordered by name."""
    return qm.teams(engine)


def rounds(engine: Engine) -> pd.DataFrame:
    """Every round, oldest first, with its status and how many people answered so far."""
    return qm.rounds(engine)


def answers(engine: Engine) -> pd.DataFrame:
    """Every answer with its round, team, respondent and role (the maturity answers frame)."""
    return qm.answers(engine)


def targets(engine: Engine) -> pd.DataFrame:
    """Target stages: ``team`` (None for company-wide), ``dimension``, ``target``, ``set_on``, ``set_by``."""
    return qm.targets(engine)


def own_answers(
    engine: Engine, *, round_id: int, team: str, respondent: str, actor: Actor, revision_code: str | None = None,
) -> dict[str, dict]:
    """The actor's own stored answers in a round for a team, to revise them: dimension -> fields.

    A signed-in person's answers are those given as themselves (``respondent`` is ignored). Without
    sign-in, the answers given under the name ``respondent`` are returned only with the revision
    code given when they were first stored: a name alone opens nobody's answers ({} otherwise).
    """
    if not actor.local:
        respondent = actor.email or ""
    if not respondent.strip():
        return {}
    mine = qm.own_answers(engine, round_id=round_id, team=team, respondent=respondent)
    if actor.local and mine and not maturity.revision_code_matches(
            revision_code, next(iter(mine.values()))["revision_digest"]):
        return {}
    return {d: {k: v for k, v in a.items() if k != "revision_digest"} for d, a in mine.items()}


def instrument_versions(engine: Engine) -> pd.DataFrame:
    """Stored instrument versions (the shipped version 1 is implicit)."""
    return qm.instrument_versions(engine)


def instrument(engine: Engine, version: str | None = None) -> maturity.Instrument:
    """An instrument version: the newest stored one by default, else the shipped version 1.

    Raises ``MaturityDataError`` when ``version`` is neither shipped nor stored.
    """
    if version is not None and str(version) == "1":
        return maturity.load_instrument("1")
    definition = qm.instrument_definition(engine, version)
    if definition is None:
        if version is not None:
            raise maturity.MaturityDataError(
                _("No instrument version {version} is stored; versions are listed on the Maturity page.").format(
                    version=repr(version))
            )
        return maturity.load_instrument("1")
    return maturity.instrument_from_json(definition)


# --- the Maturity page's results ------------------------------------------------------------------
# Each takes the answers frame (``answers``) and the options of one section, and returns what the
# section shows; ``ui.loaders.derive`` keeps it per answers and options, so a re-run of the page
# redraws from it instead of computing again.


def _dimension_labels(inst: maturity.Instrument, lang: str) -> dict[str, str]:
    return {d: inst.dimension_label(d, lang) for d in maturity.DIMENSIONS}


def heatmap_figure(answers: pd.DataFrame, *, round: str, inst: maturity.Instrument, lang: str) -> go.Figure:
    """Median stage per team and dimension in ``round`` (``charts.maturity.heatmap``)."""
    agg = maturity.aggregate(maturity.select_answers(answers, round=round), by=("team", "dimension"))
    return charts.heatmap(agg, dimension_labels=_dimension_labels(inst, lang))


@dataclass(frozen=True)
class ProfileView:
    """A team's (or the company's) profile in a round: ``profile`` is ``maturity.team_profile``,
    ``table`` its ``profile_display``, ``figure`` the radar (None when every dimension is hidden)
    and ``respondents`` how many people answered."""

    profile: pd.DataFrame
    table: pd.DataFrame
    figure: go.Figure | None
    respondents: int


def profile_view(
    answers: pd.DataFrame, *, targets: pd.DataFrame, round: str, team: str | None, inst: maturity.Instrument,
    lang: str,
) -> ProfileView:
    """The profile section of ``team`` (None: the whole company) in ``round``."""
    prof = maturity.team_profile(answers, targets, round=round, team=team)
    figure = None if prof["suppressed"].all() else charts.profile_radar(
        prof, dimension_labels=_dimension_labels(inst, lang), stage_labels=inst.stage_labels(lang))
    return ProfileView(prof, maturity.profile_display(prof, inst, lang=lang), figure,
                       maturity.respondent_count(answers, round=round, team=team))


def spread_figure(
    answers: pd.DataFrame, *, round: str, dimension: str, inst: maturity.Instrument, lang: str
) -> go.Figure | None:
    """Each role's answers over the stages of ``dimension`` in ``round`` (``charts.maturity.
    spread_by_role``); None when every role has too few answers to show."""
    current = maturity.select_answers(answers, round=round, dimension=dimension)
    dist = maturity.stage_distribution(current, by=("role",))
    if dist.empty:
        return None
    return charts.spread_by_role(dist, stage_label=lambda s: inst.stage_label(s, lang))


def role_differences(answers: pd.DataFrame, *, round: str) -> pd.DataFrame:
    """``maturity.role_differences`` of the answers given in ``round``."""
    return maturity.role_differences(maturity.select_answers(answers, round=round))


@dataclass(frozen=True)
class EvidenceView:
    """Claimed against evidenced stages in a round: ``claimed`` (``maturity.claimed_vs_evidenced``),
    its ``figure``, and the ``evidence`` offered (``maturity.evidence_list``)."""

    claimed: pd.DataFrame
    figure: go.Figure
    evidence: pd.DataFrame


def evidence_view(answers: pd.DataFrame, *, round: str, inst: maturity.Instrument, lang: str) -> EvidenceView:
    """The claimed-against-evidenced section of ``round``."""
    current = maturity.select_answers(answers, round=round)
    cve = maturity.claimed_vs_evidenced(current)
    figure = charts.claimed_vs_evidenced(cve, dimension_labels=_dimension_labels(inst, lang),
                                         stage_labels=inst.stage_labels(lang))
    return EvidenceView(cve, figure, maturity.evidence_list(current))


@dataclass(frozen=True)
class RoundsView:
    """Medians per round (``figure`` of ``maturity.round_trends``) and the change between the
    last two rounds (``changes``: ``maturity.round_changes``)."""

    figure: go.Figure
    changes: pd.DataFrame


def rounds_view(
    answers: pd.DataFrame, *, team: str | None, inst: maturity.Instrument, lang: str
) -> RoundsView:
    """The rounds-over-time section of ``team`` (None: the whole company)."""
    history = maturity.select_answers(answers, team=team)
    figure = charts.trend_lines(maturity.round_trends(history), stage_labels=inst.stage_labels(lang),
                                dimension_labels=_dimension_labels(inst, lang))
    return RoundsView(figure, maturity.round_changes(history))


# --- writes --------------------------------------------------------------------------------------
# Every write takes the ``actor`` making it and goes through ``services.access.write``: a role that
# may not make it is refused (and the refusal recorded), a write that succeeds leaves a 'done' row
# in the audit trail naming the records and the change.


def _round_name(engine: Engine, round_id: int | None) -> str | None:
    if round_id is None:
        return None
    found = qm.rounds(engine)
    names = dict(zip(found["id"], found["name"], strict=True))
    return names.get(round_id)


@dataclass(frozen=True)
class Submitted:
    """A stored self-assessment: its id, and the revision code to keep (given once, when answers
    without sign-in are first stored; None otherwise)."""

    assessment_id: int
    revision_code: str | None = None


def _revision_guard(name: str, team: str | None, code: str | None):
    """Refuses, without sign-in, a submission under a name that already has answers for the team in
    the round unless it brings their revision code: a name alone never overwrites someone's answers."""
    def guard(exists: bool, digest: str | None) -> None:
        if not exists or maturity.revision_code_matches(code, digest):
            return
        if digest is None:
            raise maturity.SubmissionError([
                _("Answers under the name {name} for {team} are already stored in this round, without a revision "
                  "code (they were imported, or given before codes existed), so they cannot be changed here. Use "
                  "another name, or correct them with an import.").format(name=repr(name), team=team)])
        raise maturity.SubmissionError([
            _("Someone has already answered for {team} in this round as {name}. To revise your own answers, "
              "load them with the revision code you were given when you first submitted; otherwise use another "
              "name.").format(team=team, name=repr(name))])
    return guard


def submit_assessment(
    engine: Engine, submission: maturity.Submission, *, actor: Actor, now: dt.datetime | None = None,
    revision_code: str | None = None,
) -> Submitted:
    """Check and store one respondent's self-assessment in one transaction.

    The respondent of a signed-in person is their e-mail, whatever ``submission.respondent``
    says; the local user's is the name typed. One assessment per respondent, team and round: a
    respondent who submits again replaces their earlier answers (allowed while the round is open).
    Without sign-in, answers first stored under a name get a new revision code (returned once, its
    digest stored) and can be replaced only with that code (``revision_code``); a signed-in person
    revises as themselves.

    Raises
    ------
    cs_metrics.access.Refused
        When ``actor`` may not assess ``submission.team`` (a viewer; a member of another team);
        the refusal is recorded in the audit trail and nothing else is written.
    cs_metrics.maturity.SubmissionError
        With every problem to fix (closed or unknown round, unknown team, missing dimension,
        stage outside 1–5 or off the half-step grid, a name that has answers without the revision
        code, ...); nothing is written.
    """
    if not actor.local:
        submission = dataclasses.replace(submission, respondent=actor.email)
    fresh = maturity.new_revision_code() if actor.local else None
    team = (submission.team or "").strip() or None
    round_name = _round_name(engine, submission.round_id)
    records = f"assessment of {team or 'no team'} in {round_name or f'round #{submission.round_id}'}"
    with access.write(engine, actor, "maturity.assess", records=records, team=team) as entry:
        before: dict[str, float] = {}
        if submission.round_id is not None and team and (submission.respondent or "").strip():
            before = {d: float(a["stage"]) for d, a in qm.own_answers(
                engine, round_id=submission.round_id, team=team, respondent=submission.respondent).items()}
        guard = _revision_guard((submission.respondent or "").strip(), team, revision_code) if actor.local else None
        assessment_id = qm.submit_assessment(engine, submission, check=maturity.check_submission, now=now,
                                             guard=guard,
                                             revision_digest=maturity.revision_digest(fresh) if fresh else None)
        after = {d: float(a.stage) for d, a in submission.answers.items()}
        # How much changed, never the stages: the trail must not show one person's answers.
        changed = sum(before.get(d) != s for d, s in after.items())
        entry.summary = (f"revised, {changed} of {len(after)} dimensions changed" if before
                         else f"new, {len(after)} dimensions answered")
    return Submitted(assessment_id, fresh if not before else None)


def _fmt_target(value: float | None) -> str:
    return "none" if value is None or pd.isna(value) else f"{float(value):g}"


def set_targets(
    engine: Engine,
    targets: Mapping[str, float | None],
    *,
    team: str | None = None,
    actor: Actor,
    set_on: dt.date | None = None,
) -> None:
    """Set (or, with None, remove) the target stage per dimension, company-wide or for one team;
    the targets record ``actor`` as the person who set them.

    Raises ``Refused`` for a role that may not set targets (recorded in the audit trail), and
    ``MaturityDataError`` for a target off the stage grid, an unknown dimension or team; nothing
    is written then.
    """
    scope = team or "the whole company"
    records = f"targets of {scope}, {len(targets)} dimension{'s' * (len(targets) != 1)}"
    with access.write(engine, actor, "maturity.targets", records=records) as entry:
        maturity.check_targets(pd.DataFrame({"dimension": list(targets), "target": list(targets.values())}))
        stored = qm.targets(engine)
        mine = stored[stored["team"] == team] if team is not None else stored[stored["team"].isna()]
        before = dict(zip(mine["dimension"], mine["target"], strict=True))
        with _as_maturity_error():
            qm.set_targets(engine, targets, team=team, set_by=actor.who, set_on=set_on)
        changes = [f"{dim} {_fmt_target(before.get(dim))} -> {_fmt_target(value)}"
                   for dim, value in targets.items() if _fmt_target(before.get(dim)) != _fmt_target(value)]
        entry.summary = ", ".join(changes) or "unchanged"


def open_round(
    engine: Engine, *, name: str, opened_on: dt.date, instrument_version: str = "1", actor: Actor
) -> int:
    """Open a new round and return its id (``MaturityDataError`` when the name is empty or taken;
    ``Refused`` for a role that may not run rounds)."""
    with access.write(engine, actor, "maturity.rounds", records=f"round {(name or '').strip()!r}") as entry:
        if not (name or "").strip():
            raise maturity.MaturityDataError(_("Give the new round a name, for example 'Maturity check March 2027'."))
        with _as_maturity_error():
            round_id = qm.open_round(engine, name=name, opened_on=opened_on, instrument_version=instrument_version)
        entry.records = f"round #{round_id} {name.strip()!r}"
        entry.summary = f"opened {name.strip()} on {opened_on:%Y-%m-%d}, instrument version {instrument_version}"
    return round_id


def close_round(engine: Engine, round_id: int, *, closed_on: dt.date | None = None, actor: Actor) -> None:
    """Close a round: its answers can no longer be given or revised (``MaturityDataError`` for an
    unknown round; ``Refused`` for a role that may not run rounds)."""
    name = _round_name(engine, round_id)
    with access.write(engine, actor, "maturity.rounds", records=f"round #{round_id} {name!r}") as entry:
        closed_on = closed_on or dt.date.today()
        with _as_maturity_error():
            qm.close_round(engine, round_id, closed_on=closed_on)
        entry.summary = f"closed {name} on {closed_on:%Y-%m-%d}"


def save_stage_labels(
    engine: Engine, labels: Mapping[str, tuple[str, ...]], *, actor: Actor, reason: str = ""
) -> maturity.Instrument:
    """Store new stage labels as a new instrument version (the newest becomes the one in use),
    created by ``actor``.

    The labels are applied to the newest version (edits accumulate); earlier answers keep the
    version they were given with; statements are unchanged. Raises ``Refused`` for a role that may
    not change the instrument, ``MaturityDataError`` when the labels are not five distinct names
    (nothing is written then).
    """
    changed: list[str] = []

    def build(current: str | None, version: str) -> str:
        base = maturity.instrument_from_json(current) if current else maturity.load_instrument("1")
        new = base.with_stage_labels(labels, version=version)
        changed.append(f"version {base.version} -> {version}")
        for lang in labels:
            changed.extend(f"{lang} stage {s} {base.stage_label(s, lang)} -> {new.stage_label(s, lang)}"
                           for s in maturity.STAGES if base.stage_label(s, lang) != new.stage_label(s, lang))
        return new.to_json()

    with access.write(engine, actor, "maturity.instrument", records="stage labels") as entry:
        definition = qm.store_instrument_version(engine, build, created_by=actor.who, reason=reason)
        inst = maturity.instrument_from_json(definition)
        entry.records = f"instrument version {inst.version}, stage labels ({', '.join(labels)})"
        entry.summary = "; ".join(changed)
    return inst
