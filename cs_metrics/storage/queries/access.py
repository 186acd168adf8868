"""People who sign in (their role and teams) and the audit trail: reads, and the few writes.

The audit trail is append-only here: ``append_event`` is its only write; nothing updates or
deletes its rows (clearing or resetting the data keeps them; a restore adds the archive's rows).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection, Engine

from cs_metrics.storage import models as m
from cs_metrics.storage.queries import _frame

#: Who the trail names for writes made with the command-line tools on the server.
COMMAND_LINE = "command line"
#: Longest text kept in an audit row's ``records`` and ``summary``.
MAX_AUDIT_TEXT = 2000


@dataclass(frozen=True)
class PersonRow:
    """A stored person with their teams and those teams' departments."""

    id: int
    email: str
    name: str
    role: str
    teams: frozenset[str]
    departments: frozenset[str]


def normal_email(email: str) -> str:
    """The stored form of an e-mail address: trimmed, lower case."""
    return (email or "").strip().lower()


def find_person(engine: Engine, email: str) -> PersonRow | None:
    """The person with this e-mail (any case), with teams and departments; None when unknown."""
    with engine.connect() as conn:
        row = conn.execute(select(m.Person.id, m.Person.email, m.Person.name, m.Person.role)
                           .where(m.Person.email == normal_email(email))).first()
        if row is None:
            return None
        teams = frozenset(conn.execute(select(m.PersonTeam.team).where(m.PersonTeam.person_id == row.id)).scalars())
        departments = frozenset(conn.execute(select(m.Team.department).where(m.Team.name.in_(teams))).scalars())
    return PersonRow(row.id, row.email, row.name, row.role, teams, departments)


def people(engine: Engine) -> pd.DataFrame:
    """Everyone stored: email, name, role, teams (comma-separated, sorted), added_on, added_by, last_seen."""
    frame = _frame(engine, select(m.Person.id, m.Person.email, m.Person.name, m.Person.role, m.Person.added_on,
                                  m.Person.added_by, m.Person.last_seen).order_by(m.Person.email))
    links = _frame(engine, select(m.PersonTeam.person_id, m.PersonTeam.team).order_by(m.PersonTeam.team))
    teams = links.groupby("person_id")["team"].agg(", ".join).to_dict() if len(links) else {}
    frame["teams"] = [teams.get(i, "") for i in frame["id"]]
    return frame[["email", "name", "role", "teams", "added_on", "added_by", "last_seen"]]


def save_person(conn: Connection, *, email: str, name: str, role: str, teams: frozenset[str] | None,
                now: dt.datetime, by: str) -> int:
    """Insert or update a person (``teams=None`` keeps their teams); return their id."""
    email = normal_email(email)
    found = conn.execute(select(m.Person.id).where(m.Person.email == email)).scalar_one_or_none()
    if found is None:
        found = conn.execute(m.Person.__table__.insert().values(
            email=email, name=name or "", role=role, added_on=now, added_by=by or "")).inserted_primary_key[0]
    else:
        conn.execute(update(m.Person.__table__).where(m.Person.id == found).values(name=name or "", role=role))
    if teams is not None:
        conn.execute(delete(m.PersonTeam.__table__).where(m.PersonTeam.person_id == found))
        if teams:
            conn.execute(m.PersonTeam.__table__.insert(), [{"person_id": found, "team": t} for t in sorted(teams)])
    return int(found)


def remove_person(conn: Connection, email: str) -> bool:
    """Delete a person and their team links; False when there was no such person."""
    found = conn.execute(select(m.Person.id).where(m.Person.email == normal_email(email))).scalar_one_or_none()
    if found is None:
        return False
    conn.execute(delete(m.PersonTeam.__table__).where(m.PersonTeam.person_id == found))
    conn.execute(delete(m.Person.__table__).where(m.Person.id == found))
    return True


def mark_seen(engine: Engine, email: str, *, now: dt.datetime, name: str | None = None) -> None:
    """Remember when a person last signed in (and the name their identity provider now gives)."""
    values: dict = {"last_seen": now}
    if name:
        values["name"] = name
    with engine.begin() as conn:
        conn.execute(update(m.Person.__table__).where(m.Person.email == normal_email(email)).values(**values))


def admin_count(conn: Connection) -> int:
    """How many stored people are admins."""
    return conn.execute(select(func.count()).select_from(m.Person.__table__).where(m.Person.role == "admin")
                        ).scalar_one()


def team_names(engine: Engine) -> list[str]:
    """Every team's name, sorted."""
    with engine.connect() as conn:
        return list(conn.execute(select(m.Team.name).order_by(m.Team.name)).scalars())


def append_event(engine_or_conn: Engine | Connection, *, at: dt.datetime, actor: str, actor_role: str, action: str,
                 outcome: str, records: str = "", summary: str = "") -> None:
    """Append one row to the audit trail (its own transaction when given an engine)."""
    values = {"at": at, "actor": actor[:254], "actor_role": actor_role, "action": action[:40], "outcome": outcome,
              "records": (records or "")[:MAX_AUDIT_TEXT], "summary": (summary or "")[:MAX_AUDIT_TEXT]}
    if isinstance(engine_or_conn, Engine):
        with engine_or_conn.begin() as conn:
            conn.execute(m.AuditEvent.__table__.insert().values(**values))
    else:
        engine_or_conn.execute(m.AuditEvent.__table__.insert().values(**values))


def audit_events(engine: Engine, *, start: dt.date | None = None, end: dt.date | None = None,
                 actor: str | None = None, actions: tuple[str, ...] = (), outcome: str | None = None,
                 limit: int = 5000) -> pd.DataFrame:
    """The audit trail, newest first: at, actor, actor_role, action, outcome, records, summary.

    ``start``/``end`` bound the day (inclusive, UTC); ``actor`` matches part of who (any case);
    ``actions`` keeps those actions; ``outcome`` is 'done' or 'refused'; at most ``limit`` rows.
    """
    t = m.AuditEvent
    stmt = select(t.id, t.at, t.actor, t.actor_role, t.action, t.outcome, t.records, t.summary)
    if start is not None:
        stmt = stmt.where(t.at >= dt.datetime.combine(start, dt.time(), dt.UTC))
    if end is not None:
        stmt = stmt.where(t.at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), dt.UTC))
    if actor:
        stmt = stmt.where(func.lower(t.actor).contains(actor.strip().lower()))
    if actions:
        stmt = stmt.where(t.action.in_(actions))
    if outcome:
        stmt = stmt.where(t.outcome == outcome)
    return _frame(engine, stmt.order_by(t.at.desc(), t.id.desc()).limit(limit))


def audit_count(engine: Engine) -> int:
    """Rows in the audit trail."""
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(m.AuditEvent.__table__)).scalar_one()
