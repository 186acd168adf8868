"""Maturity from the database: teams, rounds, answers and targets to read, the instrument in use,
and the Maturity page's writes with their checks. A submission is checked inside the transaction
that stores it: storage reads the round and the teams and calls ``maturity.check_submission``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import pandas as pd
from sqlalchemy.engine import Engine

from cs_metrics import maturity
from cs_metrics.errors import DataError
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


def own_answers(engine: Engine, *, round_id: int, team: str, respondent: str) -> dict[str, dict]:
    """A respondent's stored answers in a round for a team (to revise them): dimension -> fields."""
    return qm.own_answers(engine, round_id=round_id, team=team, respondent=respondent)


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
                f"No instrument version {version!r} is stored; versions are listed on the Maturity page."
            )
        return maturity.load_instrument("1")
    return maturity.instrument_from_json(definition)


# --- writes --------------------------------------------------------------------------------------


def submit_assessment(engine: Engine, submission: maturity.Submission, *, now: dt.datetime | None = None) -> int:
    """Check and store one respondent's self-assessment in one transaction; return its id.

    A respondent who submits again for the same round and team replaces their earlier answers
    (allowed while the round is open).

    Raises
    ------
    cs_metrics.maturity.SubmissionError
        With every problem to fix (closed or unknown round, unknown team, missing dimension,
        stage outside 1–5 or off the half-step grid, ...); nothing is written.
    """
    return qm.submit_assessment(engine, submission, check=maturity.check_submission, now=now)


def set_targets(
    engine: Engine,
    targets: Mapping[str, float | None],
    *,
    team: str | None = None,
    set_by: str,
    set_on: dt.date | None = None,
) -> None:
    """Set (or, with None, remove) the target stage per dimension, company-wide or for one team.

    Raises ``MaturityDataError`` for a target off the stage grid, an unknown dimension or team,
    or no name in ``set_by``; nothing is written then.
    """
    maturity.check_targets(pd.DataFrame({"dimension": list(targets), "target": list(targets.values())}))
    if not (set_by or "").strip():
        raise maturity.MaturityDataError("Enter who sets the targets.")
    with _as_maturity_error():
        qm.set_targets(engine, targets, team=team, set_by=set_by, set_on=set_on)


def open_round(engine: Engine, *, name: str, opened_on: dt.date, instrument_version: str = "1") -> int:
    """Open a new round and return its id (``MaturityDataError`` when the name is empty or taken)."""
    if not (name or "").strip():
        raise maturity.MaturityDataError("Give the new round a name, for example 'Maturity check March 2027'.")
    with _as_maturity_error():
        return qm.open_round(engine, name=name, opened_on=opened_on, instrument_version=instrument_version)


def close_round(engine: Engine, round_id: int, *, closed_on: dt.date | None = None) -> None:
    """Close a round: its answers can no longer be given or revised."""
    with _as_maturity_error():
        qm.close_round(engine, round_id, closed_on=closed_on)


def save_stage_labels(
    engine: Engine, labels: Mapping[str, tuple[str, ...]], *, created_by: str, reason: str = ""
) -> maturity.Instrument:
    """Store new stage labels as a new instrument version (the newest becomes the one in use).

    The labels are applied to the newest version (edits accumulate); earlier answers keep the
    version they were given with; statements are unchanged. Raises ``MaturityDataError`` when
    ``created_by`` is empty or the labels are not five distinct names (nothing is written).
    """
    if not (created_by or "").strip():
        raise maturity.MaturityDataError("Enter who is changing the labels.")

    def build(current: str | None, version: str) -> str:
        base = maturity.instrument_from_json(current) if current else maturity.load_instrument("1")
        return base.with_stage_labels(labels, version=version).to_json()

    definition = qm.store_instrument_version(engine, build, created_by=created_by, reason=reason)
    return maturity.instrument_from_json(definition)
