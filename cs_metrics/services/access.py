"""People, roles and the audit trail: who a signed-in person is here, every write checked and recorded.

Every service that writes goes through ``write``::

    with access.write(engine, actor, "data.clear") as entry:
        ...                      # the write itself
        entry.summary = "12,345 rows deleted"

``write`` checks the actor's right first: a refused write appends a 'refused' row to the audit
trail and raises ``cs_metrics.access.Refused`` (nothing else is written); a write that succeeds
appends a 'done' row with the records and summary the block set. A write that fails on its
own input (a validation error) leaves no row: nothing happened.

Configuration (environment variables, read at each sign-in):

* ``OUTSIDE_IN_ADMINS``: comma-separated e-mails of the first admins; they are admins whenever
  they sign in, whatever the stored role says.
* ``OUTSIDE_IN_DEFAULT_ROLE``: the role of a signed-in person nobody has appointed yet: ``viewer``
  (the default), ``member``, ``editor``, ``admin`` or ``none`` (such a person is refused).
* ``OUTSIDE_IN_SESSION_HOURS``: how long a sign-in lasts, counted from when the identity provider
  issued it (default 12; 0 leaves it to Streamlit's cookie, 30 days).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.engine import Engine

from cs_metrics import access
from cs_metrics.access import LOCAL, ROLES, Actor, Refused
from cs_metrics.errors import ConfigurationError, DataError
from cs_metrics.i18n import N_, _, pgettext
from cs_metrics.storage.export import neutralise
from cs_metrics.storage.queries import access as qa

NOBODY = "none"
#: Actions of the audit trail besides ``access.RIGHTS``: sign-ins and the people's own records.
OTHER_ACTIONS = {"people.sign_in": N_("first sign-in"), "people.refused": N_("sign-in refused")}


def role_name(role: str) -> str:
    """A role as the reader calls it (the stored value, ``viewer`` ..., in English)."""
    names = {"viewer": pgettext("role", "viewer"), "member": pgettext("role", "member"),
             "editor": pgettext("role", "editor"), "admin": pgettext("role", "admin")}
    return names.get(role, role)


@dataclass(frozen=True)
class Settings:
    """Who the first admins are and what an unknown signed-in person becomes."""

    admins: frozenset[str] = frozenset()
    default_role: str = "viewer"
    session_hours: float = 12.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read ``OUTSIDE_IN_ADMINS`` and ``OUTSIDE_IN_DEFAULT_ROLE`` (ConfigurationError when malformed)."""
        env = os.environ if env is None else env
        admins = frozenset(qa.normal_email(e) for e in env.get("OUTSIDE_IN_ADMINS", "").split(",") if e.strip())
        bad = sorted(e for e in admins if "@" not in e)
        if bad:
            raise ConfigurationError(_("OUTSIDE_IN_ADMINS holds {values}, which is not an e-mail address: list the "
                                       "admins' e-mails, separated by commas.").format(values=", ".join(bad)))
        role = env.get("OUTSIDE_IN_DEFAULT_ROLE", "viewer").strip().lower() or "viewer"
        if role not in (*ROLES, NOBODY):
            raise ConfigurationError(_("OUTSIDE_IN_DEFAULT_ROLE is {role}; use one of {roles} ('none' refuses people "
                                       "nobody has appointed).").format(role=repr(role),
                                                                        roles=", ".join((*ROLES, NOBODY))))
        hours = env.get("OUTSIDE_IN_SESSION_HOURS", "12").strip() or "12"
        try:
            session = float(hours)
        except ValueError:
            session = -1.0
        if not 0 <= session <= 24 * 30:
            raise ConfigurationError(_("OUTSIDE_IN_SESSION_HOURS is {hours}; give the hours a sign-in lasts, from 0 "
                                       "(Streamlit's 30 days) to 720.").format(hours=repr(hours)))
        return cls(admins, role, session)

    def expired(self, issued_at: float | None, now: float) -> bool:
        """Whether a sign-in issued at ``issued_at`` (seconds since 1970, the ID token's ``iat``) is over."""
        return bool(self.session_hours) and issued_at is not None and now - issued_at > self.session_hours * 3600


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _actor(row: qa.PersonRow, role: str | None = None) -> Actor:
    return Actor(row.email, row.name, role or row.role, row.teams, row.departments)


def sign_in(engine: Engine, *, email: str, name: str = "", settings: Settings | None = None,
            now: dt.datetime | None = None) -> Actor:
    """The actor for a person the identity provider has signed in.

    A configured admin is an admin (and stored as one); a stored person has their stored role;
    anyone else is stored with the default role on their first sign-in, or refused (``Refused``,
    recorded in the audit trail) when the default is 'none'. A person without an e-mail is refused.
    """
    settings = settings or Settings.from_env()
    now = now or _now()
    email = qa.normal_email(email)
    if "@" not in email:
        raise Refused("people.refused", _("Your identity provider did not give an e-mail address, which Outside In "
                                          "needs to know who you are. Ask your administrator to add the 'email' "
                                          "scope."))
    found = qa.find_person(engine, email)
    if email in settings.admins and (found is None or found.role != "admin"):
        with engine.begin() as conn:
            qa.save_person(conn, email=email, name=name or (found.name if found else ""), role="admin", teams=None,
                           now=now, by="OUTSIDE_IN_ADMINS")
            qa.append_event(conn, at=now, actor=email, actor_role="admin", action="people.sign_in", outcome="done",
                            records=email, summary=f"admin from OUTSIDE_IN_ADMINS (was {found.role if found else 'new'})")
        found = qa.find_person(engine, email)
    elif found is None:
        if settings.default_role == NOBODY:
            qa.append_event(engine, at=now, actor=email, actor_role=NOBODY, action="people.refused", outcome="refused",
                            records=email, summary="not appointed, and unknown people are refused")
            raise Refused("people.refused", _("{email} has not been given access to Outside In. Ask an admin to add "
                                              "you (Data page, People and roles).").format(email=email))
        with engine.begin() as conn:
            qa.save_person(conn, email=email, name=name, role=settings.default_role, teams=frozenset(), now=now,
                           by="first sign-in")
            qa.append_event(conn, at=now, actor=email, actor_role=settings.default_role, action="people.sign_in",
                            outcome="done", records=email, summary=f"first sign-in, role {settings.default_role}")
        found = qa.find_person(engine, email)
    assert found is not None
    qa.mark_seen(engine, email, now=now, name=name or None)
    return _actor(found, "admin" if email in settings.admins else None)


def refresh(engine: Engine, actor: Actor, settings: Settings | None = None) -> Actor:
    """The actor as stored now (role and teams may have changed since sign-in); the local user as is."""
    if actor.local:
        return actor
    settings = settings or Settings.from_env()
    found = qa.find_person(engine, actor.email)
    if found is None:
        raise Refused("people.refused", _("Your access to Outside In was removed. Ask an admin if this is a "
                                          "mistake."))
    return _actor(found, "admin" if found.email in settings.admins else None)


@dataclass
class Entry:
    """What a write records in the audit trail: which records, and a short summary of the change."""

    records: str = ""
    summary: str = ""
    extra: dict = field(default_factory=dict)


@contextmanager
def write(engine: Engine, actor: Actor, action: str, *, records: str = "", **scope: str | None) -> Iterator[Entry]:
    """Check ``actor``'s right to ``action`` (within ``scope``), run the block, record it (see the module)."""
    message = access.refusal(actor, action, **scope)
    if message is not None:
        qa.append_event(engine, at=_now(), actor=actor.who, actor_role=actor.role, action=action, outcome="refused",
                        records=records or _scope_text(scope), summary=message)
        raise Refused(action, message)
    entry = Entry(records=records)
    yield entry
    qa.append_event(engine, at=_now(), actor=actor.who, actor_role=actor.role, action=action, outcome="done",
                    records=entry.records or _scope_text(scope), summary=entry.summary)


def _scope_text(scope: Mapping[str, str | None]) -> str:
    return ", ".join(f"{k} {v}" for k, v in scope.items() if v)


def guarded(action: str, describe: Callable[..., tuple[str, str]] | None = None):
    """Wrap a write ``fn(engine, ..., actor=...)`` in ``write(engine, actor, action)``; ``describe``
    gives (records, summary) from the call's arguments and result."""
    def wrap(fn):
        def run(engine: Engine, *args, actor: Actor, **kwargs):
            with write(engine, actor, action) as entry:
                result = fn(engine, *args, **kwargs)
                if describe is not None:
                    entry.records, entry.summary = describe(result, *args, **kwargs)
            return result
        run.__name__, run.__qualname__, run.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
        run.__module__ = fn.__module__
        return run
    return wrap


# --- people -------------------------------------------------------------------------------------


def people(engine: Engine) -> pd.DataFrame:
    """Everyone who may sign in or has signed in: email, name, role, teams, added_on, added_by, last_seen."""
    return qa.people(engine)


def team_names(engine: Engine) -> list[str]:
    """The teams a person can be put in."""
    return qa.team_names(engine)


def save_person(engine: Engine, *, email: str, name: str, role: str, teams: frozenset[str] | tuple[str, ...],
                actor: Actor, now: dt.datetime | None = None) -> str:
    """Appoint a person or change their role and teams (admins only); return a confirmation.

    Raises ``DataError`` for an e-mail without '@', an unknown role or team, or an admin removing
    their own admin role (so that a deployment is never left without one); ``Refused`` for a
    role that may not manage people.
    """
    email = qa.normal_email(email)
    if "@" not in email or " " in email:
        raise DataError(_("{email} is not an e-mail address: enter the address the person signs in with, e.g. "
                          "name@company.com.").format(email=email or _("The e-mail")))
    if role not in ROLES:
        raise DataError(_("Choose a role: {roles}.").format(roles=", ".join(map(role_name, ROLES))))
    teams = frozenset(t.strip() for t in teams if t and t.strip())
    unknown = sorted(teams - set(qa.team_names(engine)))
    if unknown:
        raise DataError(_("No team is called {teams}; choose teams from the list.").format(teams=", ".join(unknown)))
    if not actor.local and email == actor.email and role != "admin" and actor.role == "admin":
        raise DataError(_("You cannot remove your own admin role: ask another admin to do it."))
    before = qa.find_person(engine, email)
    with write(engine, actor, "people.manage", records=email) as entry:
        with engine.begin() as conn:
            qa.save_person(conn, email=email, name=name.strip(), role=role, teams=teams, now=now or _now(),
                           by=actor.who)
        was = "new" if before is None else f"{before.role}, teams {', '.join(sorted(before.teams)) or 'none'}"
        entry.summary = f"{was} -> {role}, teams {', '.join(sorted(teams)) or 'none'}"
    return _("Saved {email}: {role_and_teams}.").format(
        email=email, role_and_teams=", ".join([role_name(role), *sorted(teams)]))


def remove_person(engine: Engine, email: str, *, actor: Actor) -> str:
    """Take a person's access away (admins only; not one's own). They get the default role again
    if they sign in and the default is not 'none'."""
    email = qa.normal_email(email)
    if not actor.local and email == actor.email:
        raise DataError(_("You cannot remove yourself: ask another admin to do it."))
    before = qa.find_person(engine, email)
    if before is None:
        raise DataError(_("Nobody with the e-mail {email} is stored.").format(email=email))
    with write(engine, actor, "people.manage", records=email) as entry:
        with engine.begin() as conn:
            qa.remove_person(conn, email)
        entry.summary = f"{before.role}, teams {', '.join(sorted(before.teams)) or 'none'} -> removed"
    return _("Removed {email}.").format(email=email)


# --- the audit trail ----------------------------------------------------------------------------


def audit_trail(engine: Engine, *, actor: Actor, start: dt.date | None = None, end: dt.date | None = None,
                who: str | None = None, actions: tuple[str, ...] = (), outcome: str | None = None,
                limit: int = 5000) -> pd.DataFrame:
    """The audit trail, newest first, filtered (admins only: ``Refused`` otherwise; reading is not recorded)."""
    access.check(actor, "audit.read")
    return qa.audit_events(engine, start=start, end=end, actor=who, actions=actions, outcome=outcome, limit=limit)


def audit_csv(trail: pd.DataFrame) -> bytes:
    """Rows of the trail as CSV (UTF-8 with BOM); text a spreadsheet would run as a formula is quoted
    as in the export."""
    safe = trail.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(lambda v: neutralise(v) if isinstance(v, str) else v)
    return safe.to_csv(index=False).encode("utf-8-sig")


def action_labels() -> dict[str, str]:
    """Every action the trail can hold -> what it means."""
    return {k: r.label for k, r in access.RIGHTS.items() if k != "audit.read"} | OTHER_ACTIONS


__all__ = ["LOCAL", "Actor", "Entry", "Refused", "Settings", "action_labels", "audit_csv", "audit_trail", "guarded", "people",
           "refresh", "remove_person", "role_name", "save_person", "sign_in", "team_names", "write"]
