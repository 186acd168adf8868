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

from cs_metrics.i18n import N_, _, ngettext, pgettext

#: The roles, lowest first.
ROLES = ("viewer", "member", "editor", "admin")
#: What each role is for, as the people page explains it (English, shown through ``_()``).
ROLE_HELP = {
    "viewer": N_("Sees every page and the board pack; changes nothing."),
    "member": N_("Also assesses their own team, logs their department's meetings, updates the follow-ups and the "
                 "plans of the accounts they own."),
    "editor": N_("Also every follow-up and account plan, churn follow-up calls, health-model drafts, any "
                 "department's meetings, saved board packs."),
    "admin": N_("Everything: imports, export, restore, clear, reset, demo data, activating a health model, rounds "
                "and the instrument, vocabularies, people and roles, the audit trail."),
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
    that may make it within its own ``scope``. ``label`` is English (a refusal says it through ``_()``)."""

    action: str
    label: str
    role: str
    scoped_role: str | None = None
    scope: str | None = None


RIGHTS: dict[str, Right] = {r.action: r for r in (
    Right("data.import", N_("import data"), "admin"),
    Right("data.restore", N_("restore an export"), "admin"),
    Right("data.export", N_("export the database"), "admin"),
    Right("data.clear", N_("clear all data"), "admin"),
    Right("data.reset", N_("reset the database"), "admin"),
    Right("data.demo", N_("load the demo company"), "admin"),
    Right("data.mapping", N_("save an import mapping"), "admin"),
    Right("data.vocabulary", N_("change the company's vocabularies and currency"), "admin"),
    Right("health.draft", N_("save a health-model draft"), "editor"),
    Right("health.activate", N_("activate a health model"), "admin"),
    Right("maturity.assess", N_("take or revise a team's assessment"), "member", "member", TEAM),
    Right("maturity.rounds", N_("open or close an assessment round"), "admin"),
    Right("maturity.targets", N_("set target stages"), "admin"),
    Right("maturity.instrument", N_("change the maturity instrument"), "admin"),
    Right("meetings.edit", N_("log, edit or delete a meeting"), "editor", "member", DEPARTMENT),
    Right("nps.follow_up", N_("update an NPS follow-up"), "editor", "member", OWNER),
    Right("health.plan", N_("write the plan of an account at risk"), "editor", "member", OWNER),
    Right("churn.follow_up", N_("record a churn follow-up call"), "editor"),
    Right("boardpack.save", N_("save a board pack"), "editor"),
    Right("alerts.edit", N_("set the alert rules or acknowledge an alert"), "editor"),
    Right("delivery.send", N_("send the board pack or the digest by e-mail"), "admin"),
    Right("people.manage", N_("appoint people and change their roles"), "admin"),
    Right("audit.read", N_("read the audit trail"), "admin"),
)}


def rank(role: str) -> int:
    """0 for viewer ... 3 for admin."""
    return ROLES.index(role)


def _required(role: str) -> str:
    """The roles a refusal names as allowed, e.g. "an editor or an admin" (in the reader's language)."""
    names = {"viewer": _("a viewer or an admin"), "member": _("a member or an admin"),
             "editor": _("an editor or an admin"), "admin": _("an admin")}
    return names[role]


def _signed_in_as(role: str) -> str:
    """The role of the person refused, as "you are signed in as ..." ends (in the reader's language)."""
    names = {"viewer": pgettext("signed in as", "a viewer"), "member": pgettext("signed in as", "a member"),
             "editor": pgettext("signed in as", "an editor"), "admin": pgettext("signed in as", "an admin")}
    return names[role]


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
    label = _(right.label)
    if right.scope == TEAM:
        if mine < rank(right.scoped_role or right.role):
            return _("Only a member of the team, or a higher role, may {action}; you are signed in as {role}. "
                     "Nothing was written.").format(action=label, role=_signed_in_as(actor.role))
        if actor.local:
            return None
        if not actor.teams:
            return _("You are not in any team yet, so you cannot assess one: ask an admin to add you to your team "
                     "(Data page, People and roles). Nothing was written.")
        if team is not None and team not in actor.teams:
            return ngettext("You may assess only your own team ({teams}), not {team}. Nothing was written.",
                            "You may assess only your own teams ({teams}), not {team}. Nothing was written.",
                            len(actor.teams)).format(teams=", ".join(sorted(actor.teams)), team=team)
        return None
    if mine >= rank(right.role):
        return None
    if right.scoped_role is not None and mine >= rank(right.scoped_role):
        if right.scope == DEPARTMENT:
            if department is None or department in actor.departments:
                return None
            yours = ", ".join(sorted(actor.departments)) or _("none: you are in no team yet")
            return _("A member may {action} only in their own department (yours: {yours}); an editor or an admin "
                     "may for {department}. Nothing was written.").format(action=label, yours=yours,
                                                                           department=department)
        if right.scope == OWNER:
            if owner is None or _same_person(actor, owner):
                return None
            if owner.strip():
                return _("A member may {action} only where they are the owner; this one is owned by {owner}. An "
                         "editor or an admin may {action} for anyone. Nothing was written.").format(
                    action=label, owner=owner)
            return _("A member may {action} only where they are the owner; this one is not assigned to you. An "
                     "editor or an admin may {action} for anyone. Nothing was written.").format(action=label)
    return _("Only {allowed} may {action}; you are signed in as {role}. Nothing was written.").format(
        allowed=_required(right.role), action=label, role=_signed_in_as(actor.role))


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
