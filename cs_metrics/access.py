"""Who may write what: the four roles, the right behind every write, and the person a write is made by.

Pure rules, no storage: the services that write call ``check`` before they touch the database,
and the pages ask ``can`` to decide which sections to show. Roles are ranked; a role has every
right of the roles below it:

* **viewer**: every page and the board pack; writes nothing (executives, board members);
* **member**: also takes and revises their own team's assessment, logs and edits meetings of their
  own department, and updates the NPS follow-ups they own;
* **editor**: customer-success operations: every follow-up, churn follow-up calls, drafts of health
  models, meetings of any department, saved board packs;
* **admin**: imports, export, restore, clear, reset, demo data, activating a health model, rounds
  and the instrument, vocabularies, people and roles, the audit trail.

Some rights hold for a lower role within a scope: a member's own team, department or follow-ups.
An assessment is always given by a member of the team assessed, whatever the role.

Example
-------
>>> vera = Actor("vera@example.com", "Vera", "viewer")
>>> can(vera, "data.clear"), refusal(vera, "data.clear")
(False, 'Only an admin may clear all data; you are signed in as a viewer. Nothing was written.')
>>> mia = Actor("mia@example.com", "Mia", "member", teams=frozenset({"Support"}), departments=frozenset({"Service"}))
>>> can(mia, "meetings.edit", department="Service"), can(mia, "meetings.edit", department="Sales")
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The roles, lowest first.
ROLES = ("viewer", "member", "editor", "admin")
#: What each role is for, as the people page explains it.
ROLE_HELP = {
    "viewer": "Sees every page and the board pack; changes nothing.",
    "member": "Also assesses their own team, logs their department's meetings, updates the follow-ups and the "
              "plans of the accounts they own.",
    "editor": "Also every follow-up and account plan, churn follow-up calls, health-model drafts, any department's "
              "meetings, saved board packs.",
    "admin": "Everything: imports, export, restore, clear, reset, demo data, activating a health model, rounds "
             "and the instrument, vocabularies, people and roles, the audit trail.",
}
#: Scopes a lower role's right can be limited to.
TEAM, DEPARTMENT, OWNER = "team", "department", "owner"


class Refused(PermissionError):
    """A write the person's role does not allow; the message says which role may make it."""

    def __init__(self, action: str, message: str) -> None:
        super().__init__(message)
        self.action = action
        self.message = message


@dataclass(frozen=True)
class Actor:
    """The person a write is made by.

    ``email`` identifies a signed-in person (empty for the local user of a deployment without
    sign-in); ``teams`` are the names of their teams and ``departments`` those teams' departments.
    """

    email: str
    name: str
    role: str
    teams: frozenset[str] = field(default_factory=frozenset)
    departments: frozenset[str] = field(default_factory=frozenset)
    local: bool = False

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"Unknown role {self.role!r}; use one of {', '.join(ROLES)}.")

    @property
    def who(self) -> str:
        """How the audit trail and the logs name this person: the e-mail, else the name."""
        return self.email or self.name

    @property
    def label(self) -> str:
        """The name to show, e.g. 'Vera Viewer' (or the e-mail when no name is known)."""
        return self.name or self.email


#: The single user of a deployment without sign-in: every right, and says so.
LOCAL = Actor(email="", name="Local user", role="admin", local=True)


@dataclass(frozen=True)
class Right:
    """One kind of write: the least role that may make it anywhere, and optionally the least role
    that may make it within its own ``scope``."""

    action: str
    label: str
    role: str
    scoped_role: str | None = None
    scope: str | None = None


RIGHTS: dict[str, Right] = {r.action: r for r in (
    Right("data.import", "import data", "admin"),
    Right("data.restore", "restore an export", "admin"),
    Right("data.export", "export the database", "admin"),
    Right("data.clear", "clear all data", "admin"),
    Right("data.reset", "reset the database", "admin"),
    Right("data.demo", "load the demo company", "admin"),
    Right("data.mapping", "save an import mapping", "admin"),
    Right("data.vocabulary", "change the company's vocabularies and currency", "admin"),
    Right("health.draft", "save a health-model draft", "editor"),
    Right("health.activate", "activate a health model", "admin"),
    Right("maturity.assess", "take or revise a team's assessment", "member", "member", TEAM),
    Right("maturity.rounds", "open or close an assessment round", "admin"),
    Right("maturity.targets", "set target stages", "admin"),
    Right("maturity.instrument", "change the maturity instrument", "admin"),
    Right("meetings.edit", "log, edit or delete a meeting", "editor", "member", DEPARTMENT),
    Right("nps.follow_up", "update an NPS follow-up", "editor", "member", OWNER),
    Right("health.plan", "write the plan of an account at risk", "editor", "member", OWNER),
    Right("churn.follow_up", "record a churn follow-up call", "editor"),
    Right("boardpack.save", "save a board pack", "editor"),
    Right("alerts.edit", "set the alert rules or acknowledge an alert", "editor"),
    Right("delivery.send", "send the board pack or the digest by e-mail", "admin"),
    Right("people.manage", "appoint people and change their roles", "admin"),
    Right("audit.read", "read the audit trail", "admin"),
)}


def rank(role: str) -> int:
    """0 for viewer ... 3 for admin."""
    return ROLES.index(role)


def _article(role: str) -> str:
    return "an" if role[0] in "aeiou" else "a"


def _same_person(actor: Actor, owner: str | None) -> bool:
    names = {n.strip().casefold() for n in (actor.email, actor.name) if n and n.strip()}
    return bool(owner) and owner.strip().casefold() in names


def refusal(actor: Actor, action: str, *, team: str | None = None, department: str | None = None,
            owner: str | None = None) -> str | None:
    """Why ``actor`` may not make the write ``action`` (None when they may).

    ``team`` / ``department`` / ``owner`` describe the record written: the team assessed, the
    meeting's department, the follow-up's current owner. Leaving the scope out asks whether the
    actor may make such writes at all (to decide whether a section is shown).
    """
    right = RIGHTS[action]
    mine = rank(actor.role)
    if right.scope == TEAM:
        if mine < rank(right.scoped_role or right.role):
            return (f"Only a member of the team, or a higher role, may {right.label}; you are signed in as "
                    f"{_article(actor.role)} {actor.role}. Nothing was written.")
        if actor.local:
            return None
        if not actor.teams:
            return ("You are not in any team yet, so you cannot assess one: ask an admin to add you to your team "
                    "(Data page, People and roles). Nothing was written.")
        if team is not None and team not in actor.teams:
            return (f"You may assess only your own team{'s' * (len(actor.teams) > 1)} "
                    f"({', '.join(sorted(actor.teams))}), not {team}. Nothing was written.")
        return None
    if mine >= rank(right.role):
        return None
    if right.scoped_role is not None and mine >= rank(right.scoped_role):
        if right.scope == DEPARTMENT:
            if department is None or department in actor.departments:
                return None
            yours = ", ".join(sorted(actor.departments)) or "none: you are in no team yet"
            return (f"A member may {right.label} only in their own department (yours: {yours}); an editor or an "
                    f"admin may for {department}. Nothing was written.")
        if right.scope == OWNER:
            if owner is None or _same_person(actor, owner):
                return None
            return (f"A member may {right.label} only where they are the owner; this one is "
                    f"{'owned by ' + owner if owner.strip() else 'not assigned to you'}. An editor or an admin "
                    f"may {right.label} for anyone. Nothing was written.")
    return (f"Only {_article(right.role)} {right.role}{' or an admin' if right.role != 'admin' else ''} may "
            f"{right.label}; you are signed in as {_article(actor.role)} {actor.role}. Nothing was written.")


def role_allows(actor: Actor, action: str) -> bool:
    """True when ``actor``'s role is high enough for ``action`` somewhere, whatever their teams:
    decides whether a section is shown (a member in no team sees the form's advice to join one)."""
    right = RIGHTS[action]
    return actor.local or rank(actor.role) >= rank(right.scoped_role or right.role)


def everywhere(actor: Actor, action: str) -> bool:
    """True when ``actor`` may make ``action`` on any record, beyond a member's own scope (an
    editor's meetings of any department, every follow-up)."""
    return actor.local or rank(actor.role) >= rank(RIGHTS[action].role)


def can(actor: Actor, action: str, **scope: str | None) -> bool:
    """True when ``actor`` may make the write ``action`` (within ``scope``, see ``refusal``)."""
    return refusal(actor, action, **scope) is None


def check(actor: Actor, action: str, **scope: str | None) -> None:
    """Raise ``Refused`` when ``actor`` may not make the write ``action``."""
    message = refusal(actor, action, **scope)
    if message is not None:
        raise Refused(action, message)
