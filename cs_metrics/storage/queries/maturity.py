"""Maturity reads and writes: teams, rounds, answers, targets, instrument versions, submissions.

Answers are few (people × four dimensions × rounds), so they come back one row per answer for the
maturity metrics to summarise. Writes are atomic: a submission is checked inside the same
transaction that stores it, by a check the caller passes in, against the round and the teams read
in that transaction; so a round closed meanwhile or a team removed meanwhile is refused and
nothing is half-written.

Concurrency: on SQLite a submission takes the write lock when its transaction starts
(``BEGIN IMMEDIATE``; the engine waits on ``busy_timeout`` rather than failing), so checks and
writes see one consistent state; on PostgreSQL the round row is share-locked while the answers are
written, and the respondent's assessment is upserted with ``ON CONFLICT`` on the
(round, team, respondent) key, so parallel submissions never collide or get lost. Targets and
instrument versions are read and rewritten under a transaction-level advisory lock on PostgreSQL
(``TARGETS_LOCK_KEY``, ``INSTRUMENT_LOCK_KEY``), so parallel writers take turns: one target row per
dimension and team (the unique rule counts an empty team as one value), one number per version.
On SQLite a write that still finds the database locked after the busy timeout raises ``DataError``
(see ``cs_metrics.storage.db``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

import pandas as pd
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from cs_metrics.errors import DataError
from cs_metrics.i18n import _
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import _frame

#: PostgreSQL advisory locks taken by writers that read and then rewrite shared rows.
TARGETS_LOCK_KEY = 0x4F49_5447  # "OITG"
INSTRUMENT_LOCK_KEY = 0x4F49_494E  # "OIIN"


@contextmanager
def _write(engine: Engine, lock: int | None = None) -> Iterator[Connection]:
    """A transaction that holds the write lock from its first statement on SQLite, and on
    PostgreSQL the advisory lock ``lock`` (when given) until it ends."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif lock is not None:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock})
        try:
            yield conn
            conn.commit()
        except BaseException:
            conn.rollback()
            raise


# --- reads ---------------------------------------------------------------------------------------


def teams(engine: Engine) -> pd.DataFrame:
    """Every team: ``id``, ``name``, ``department``, ``kind``, ordered by name."""
    return _frame(engine, select(m.Team.id, m.Team.name, m.Team.department, m.Team.kind).order_by(m.Team.name))


def rounds(engine: Engine) -> pd.DataFrame:
    """Every round, oldest first: ``id``, ``name``, ``opened_on``, ``closed_on``, ``status``,
    ``instrument_version``, ``respondents`` (submissions so far)."""
    counts = (
        select(m.Assessment.round_id, func.count().label("respondents")).group_by(m.Assessment.round_id).subquery()
    )
    stmt = (
        select(
            m.AssessmentRound.id, m.AssessmentRound.name, m.AssessmentRound.opened_on, m.AssessmentRound.closed_on,
            m.AssessmentRound.status, m.AssessmentRound.instrument_version,
            func.coalesce(counts.c.respondents, 0).label("respondents"),
        )
        .outerjoin(counts, counts.c.round_id == m.AssessmentRound.id)
        .order_by(m.AssessmentRound.opened_on, m.AssessmentRound.id)
    )
    return _frame(engine, stmt)


def answers(engine: Engine, *, round_ids: tuple[int, ...] = (), team_names: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per answer with its round, team, respondent and role (all rounds and teams by default).

    Columns: ``round_id``, ``round``, ``round_opened_on``, ``round_status``, ``team``, ``respondent``,
    ``role``, ``submitted_at``, ``instrument_version``, ``dimension``, ``stage``, ``evidence``,
    ``confidence``, ``comment``.
    """
    A, R, T, W = m.Assessment, m.AssessmentRound, m.Team, m.AssessmentAnswer
    stmt = (
        select(
            R.id.label("round_id"), R.name.label("round"), R.opened_on.label("round_opened_on"),
            R.status.label("round_status"), T.name.label("team"), A.respondent, A.role, A.submitted_at,
            A.instrument_version, W.dimension, W.stage, W.evidence, W.confidence, W.comment,
        )
        .select_from(W)
        .join(A, A.id == W.assessment_id)
        .join(R, R.id == A.round_id)
        .join(T, T.id == A.team_id)
        .order_by(R.opened_on, T.name, A.respondent, W.dimension)
    )
    if round_ids:
        stmt = stmt.where(R.id.in_(round_ids))
    if team_names:
        stmt = stmt.where(T.name.in_(team_names))
    frame = _frame(engine, stmt)
    frame["stage"] = frame["stage"].astype(float)
    frame["round_opened_on"] = pd.to_datetime(frame["round_opened_on"])
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True, format="ISO8601")
    return frame


def own_answers(engine: Engine, *, round_id: int, team: str, respondent: str) -> dict[str, dict]:
    """A respondent's stored answers in a round for a team (to revise them): dimension -> fields
    (``role``, ``dimension``, ``stage``, ``evidence``, ``confidence``, ``comment``,
    ``revision_digest``)."""
    A, T, W = m.Assessment, m.Team, m.AssessmentAnswer
    stmt = (
        select(A.role, W.dimension, W.stage, W.evidence, W.confidence, W.comment, A.revision_digest)
        .select_from(W)
        .join(A, A.id == W.assessment_id)
        .join(T, T.id == A.team_id)
        .where(A.round_id == round_id, T.name == team, A.respondent == respondent.strip())
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).mappings().all()
    return {row["dimension"]: dict(row) for row in rows}


def targets(engine: Engine) -> pd.DataFrame:
    """Targets: ``team`` (None for company-wide), ``dimension``, ``target``, ``set_on``, ``set_by``."""
    stmt = (
        select(m.Team.name.label("team"), m.MaturityTarget.dimension, m.MaturityTarget.target_stage.label("target"),
               m.MaturityTarget.set_on, m.MaturityTarget.set_by)
        .select_from(m.MaturityTarget)
        .outerjoin(m.Team, m.Team.id == m.MaturityTarget.team_id)
        .order_by(m.MaturityTarget.team_id.is_not(None), m.Team.name, m.MaturityTarget.dimension)
    )
    frame = _frame(engine, stmt)
    frame["target"] = frame["target"].astype(float)
    frame["team"] = frame["team"].astype(object).where(frame["team"].notna(), None)
    return frame


def instrument_versions(engine: Engine) -> pd.DataFrame:
    """Stored instrument versions (the shipped version 1 is implicit): ``version``, ``created_at``,
    ``created_by``, ``reason``."""
    I = m.MaturityInstrument
    return _frame(engine, select(I.version, I.created_at, I.created_by, I.reason).order_by(I.id))


def instrument_definition(engine: Engine, version: str | None = None) -> str | None:
    """The stored JSON definition of an instrument version (the newest stored one by default);
    None when no such version is stored (the shipped version 1 is never stored)."""
    I = m.MaturityInstrument
    stmt = select(I.definition).order_by(I.id.desc()).limit(1)
    if version is not None:
        stmt = select(I.definition).where(I.version == str(version))
    with engine.connect() as conn:
        return conn.execute(stmt).scalar_one_or_none()


# --- writes --------------------------------------------------------------------------------------


class AnswerLike(Protocol):
    """What storage reads from one answer of a submission."""

    stage: float
    evidence: str | None
    confidence: str | None
    comment: str | None


class SubmissionLike(Protocol):
    """What storage reads from a (checked) submission."""

    round_id: int | None
    team: str | None
    respondent: str
    role: str | None
    answers: Mapping[str, AnswerLike]
    instrument_version: str


#: ``check(submission, teams=..., round_status=..., round_name=...)``: raises when the submission
#: cannot be stored, else returns it cleaned (the team one of ``teams``, stages as floats).
SubmissionCheck = Callable[..., SubmissionLike]


def store_instrument_version(
    engine: Engine, build: Callable[[str | None, str], str], *, created_by: str, reason: str = ""
) -> str:
    """Store a new instrument version (the newest becomes the one in use); return its definition.

    In one transaction: reads the newest stored definition (None when only the shipped version 1
    exists), numbers the new version one above the highest stored (at least 2), and stores
    ``build(newest_definition, new_version)``, the new JSON definition. Whatever ``build`` raises
    leaves nothing written.
    """
    I = m.MaturityInstrument
    with _write(engine, INSTRUMENT_LOCK_KEY) as conn:
        current = conn.execute(select(I.definition).order_by(I.id.desc()).limit(1)).scalar_one_or_none()
        stored = conn.execute(select(I.version)).scalars().all()
        numbers = [int(v) for v in stored if str(v).isdigit()] + [1]
        version = str(max(numbers) + 1)
        definition = build(current, version)
        conn.execute(
            insert(I).values(
                version=version, created_at=dt.datetime.now(dt.UTC), created_by=created_by.strip()[:120],
                reason=(reason or "").strip(), definition=definition,
            )
        )
    return definition


def set_targets(
    engine: Engine,
    targets: Mapping[str, float | None],
    *,
    team: str | None = None,
    set_by: str,
    set_on: dt.date | None = None,
) -> None:
    """Set (or, with None, remove) the target stage per dimension, company-wide or for one team.

    Raises ``DataError`` when ``team`` does not exist (nothing is written).
    """
    set_on = set_on or dt.date.today()
    with _write(engine, TARGETS_LOCK_KEY) as conn:
        team_id = None
        if team is not None:
            team_id = conn.execute(select(m.Team.id).where(m.Team.name == team)).scalar_one_or_none()
            if team_id is None:
                raise DataError(_("The team {team} does not exist; choose one of the listed teams.").format(
                    team=repr(team)))
        T = m.MaturityTarget
        for dimension, target in targets.items():
            same = (T.dimension == dimension) & (T.team_id.is_(None) if team_id is None else T.team_id == team_id)
            conn.execute(delete(T).where(same))
            if target is not None and not pd.isna(target):
                conn.execute(insert(T).values(team_id=team_id, dimension=dimension, target_stage=float(target),
                                              set_on=set_on, set_by=set_by.strip()[:120]))


def open_round(engine: Engine, *, name: str, opened_on: dt.date, instrument_version: str = "1") -> int:
    """Open a new round and return its id; ``DataError`` when a round has that name already."""
    name = (name or "").strip()
    try:
        with _write(engine) as conn:
            return conn.execute(
                insert(m.AssessmentRound)
                .values(name=name[:120], opened_on=opened_on, status="open", instrument_version=str(instrument_version))
                .returning(m.AssessmentRound.id)
            ).scalar_one()
    except IntegrityError:
        raise DataError(_("A round named {name} exists already; choose another name.").format(name=repr(name))) from None


def close_round(engine: Engine, round_id: int, *, closed_on: dt.date | None = None) -> None:
    """Close a round: its answers can no longer be given or revised (``DataError`` when unknown)."""
    with _write(engine) as conn:
        done = conn.execute(
            update(m.AssessmentRound)
            .where(m.AssessmentRound.id == round_id)
            .values(status="closed", closed_on=closed_on or dt.date.today())
        ).rowcount
    if not done:
        raise DataError(_("There is no round with id {id}.").format(id=round_id))


def submit_assessment(
    engine: Engine, submission: Any, *, check: SubmissionCheck, now: dt.datetime | None = None,
    guard: Callable[[bool, str | None], None] | None = None, revision_digest: str | None = None,
) -> int:
    """Check and store one respondent's self-assessment; return the assessment id.

    In one transaction: reads the chosen round (share-locked on PostgreSQL) and the team names,
    calls ``check(submission, teams=<team names>, round_status=<status, None when the round does
    not exist>, round_name=<name or None>)``, then ``guard(<answers stored already>, <their
    revision digest>)``, and stores what ``check`` returns (see ``SubmissionLike``). A respondent
    who submits again for the same round and team replaces their earlier answers. A new
    assessment keeps ``revision_digest``; a revised one keeps its own. Whatever ``check`` or
    ``guard`` raises propagates and nothing is written.
    """
    now = now or dt.datetime.now(dt.UTC)
    R, A, W = m.AssessmentRound, m.Assessment, m.AssessmentAnswer
    with _write(engine) as conn:
        round_id = submission.round_id
        round_stmt = select(R.id, R.name, R.status).where(R.id == round_id)
        if engine.dialect.name == "postgresql":
            round_stmt = round_stmt.with_for_update(read=True)
        rnd = conn.execute(round_stmt).first() if round_id is not None else None
        team_ids: dict[str, int] = dict(conn.execute(select(m.Team.name, m.Team.id)).all())
        clean: SubmissionLike = check(
            submission, teams=team_ids, round_status=rnd.status if rnd else None, round_name=rnd.name if rnd else None
        )
        values = {
            "round_id": rnd.id, "team_id": team_ids[clean.team], "respondent": clean.respondent[:120],
            "role": clean.role, "submitted_at": now, "instrument_version": str(clean.instrument_version),
            "revision_digest": revision_digest,
        }
        key = (A.round_id == values["round_id"], A.team_id == values["team_id"], A.respondent == values["respondent"])
        stored = conn.execute(select(A.id, A.revision_digest).where(*key)).first() if guard is not None else None
        if guard is not None:
            guard(stored is not None, stored.revision_digest if stored is not None else None)
        dialect_insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        assessment_id = None
        if guard is not None and stored is None:
            # New for the guard: insert only if still new (a concurrent first submission under the same
            # name, committed meanwhile, is shown to the guard instead of being replaced).
            assessment_id = conn.execute(dialect_insert(A).values(**values).on_conflict_do_nothing(
                index_elements=["round_id", "team_id", "respondent"]).returning(A.id)).scalar_one_or_none()
            if assessment_id is None:
                won = conn.execute(select(A.revision_digest).where(*key)).first()
                guard(True, won.revision_digest if won is not None else None)
        if assessment_id is None:
            stmt = dialect_insert(A).values(**values)
            stmt = stmt.on_conflict_do_update(
                index_elements=["round_id", "team_id", "respondent"],
                set_={"role": stmt.excluded.role, "submitted_at": stmt.excluded.submitted_at,
                      "instrument_version": stmt.excluded.instrument_version},
            ).returning(A.id)
            assessment_id = conn.execute(stmt).scalar_one()
        conn.execute(delete(W).where(W.assessment_id == assessment_id))
        conn.execute(
            insert(W),
            [
                {"assessment_id": assessment_id, "dimension": dim, "stage": a.stage, "evidence": a.evidence,
                 "confidence": a.confidence, "comment": a.comment}
                for dim, a in clean.answers.items()
            ],
        )
    return assessment_id
