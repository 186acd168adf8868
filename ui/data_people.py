"""The Data page's people and roles (admins appoint people, set their role and teams) and the audit
trail (every write: when, who, what, which records, before -> after), read and filtered here."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from cs_metrics.access import ROLE_HELP, ROLES
from cs_metrics.i18n import N_, _, formats, ngettext
from cs_metrics.services import access
from ui import components, identity, loaders
from ui.text import plain

MESSAGE = "people_message"
#: The most rows of the audit trail shown at once (``access.audit_trail``'s limit).
LIMIT = 5000
OUTCOMES = {"": N_("Done and refused"), "done": N_("Done"), "refused": N_("Refused")}


def _day_format() -> str:
    """How a date widget or a table writes a day in the reader's language."""
    return "DD/MM/YYYY" if formats.italian() else "YYYY-MM-DD"


def people_section() -> None:
    """Who may sign in, with which role and teams; appoint, change or remove someone."""
    st.subheader(_("People and roles"))
    if not identity.signing_in():
        st.caption(_("Sign-in is not configured, so everyone using this app is the single local user with every "
                     "right. People appointed here get their role once sign-in is on (README, Sign-in)."))
    st.caption(" ".join(f"**{access.role_name(role)}**: {_(ROLE_HELP[role])}" for role in ROLES))
    if message := st.session_state.pop(MESSAGE, None):
        st.success(plain(message))
    everyone = loaders.load(access.people)
    minute = _day_format() + " HH:mm"
    components.table(everyone.assign(role=everyone["role"].map(access.role_name)), hide_index=True, column_config={
        "email": _("E-mail"), "name": _("Name"), "role": _("Role"), "teams": _("Teams"),
        "added_on": st.column_config.DatetimeColumn(_("Added (UTC)"), format=minute),
        "added_by": _("Added by"),
        "last_seen": st.column_config.DatetimeColumn(_("Last sign-in (UTC)"), format=minute)})
    if everyone.empty:
        st.caption(_("Nobody is stored yet: people are added when they first sign in, or here."))
    teams = loaders.load(access.team_names)
    known = dict(zip(everyone["email"], everyone.itertuples(), strict=True))
    if known:
        st.selectbox(_("Change someone stored (fills in the form below)"), list(known), index=None,
                     key="person_pick", placeholder=_("Choose an e-mail"), on_change=_fill, args=(known, teams))
    with st.form("person_form"):
        st.markdown(_("**Appoint someone, or change their role and teams**"))
        left, middle, right = st.columns([3, 2, 1.4])
        email = left.text_input(_("E-mail they sign in with"), key="person_email")
        name = middle.text_input(_("Name (optional)"), key="person_name")
        roles = {role: access.role_name(role) for role in ROLES}
        role = right.selectbox(_("Role"), ROLES, index=0, key="person_role", format_func=roles.get)
        chosen = st.multiselect(_("Teams (members assess these teams and log their departments' meetings)"), teams,
                                key="person_teams")
        if st.form_submit_button(_("Save person"), type="primary"):
            _save(identity.attempt(access.save_person, email=email, name=name, role=role, teams=tuple(chosen)))
    if known:
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        gone = left.selectbox(_("Remove someone's access"), list(known), index=None, key="person_remove",
                              placeholder=_("Choose an e-mail"))
        if right.button(_("Remove"), disabled=gone is None, key="person_remove_button"):
            _save(identity.attempt(access.remove_person, gone))


def _fill(known: dict, teams: list[str]) -> None:
    """Put the chosen person's e-mail, name, role and teams into the form, to change them."""
    chosen = known.get(st.session_state.get("person_pick"))
    if chosen is None:
        return
    st.session_state.update({
        "person_email": chosen.email, "person_name": chosen.name or "", "person_role": chosen.role,
        "person_teams": [t for t in (chosen.teams or "").split(", ") if t in teams]})


def _save(message: object) -> None:
    """After a change to the people: its confirmation on the redrawn page (nothing when it failed)."""
    if message is not identity.FAILED:
        st.session_state[MESSAGE] = message
        loaders.invalidate()
        st.rerun()


def audit_section() -> None:
    """The audit trail, newest first, filtered by day, person, action and outcome; downloadable."""
    st.subheader(_("Audit trail"))
    st.caption(_("Every write in the app leaves a row here: imports, restores, clears, resets, demo loads, exports, "
                 "health models, follow-ups, churn calls, assessments and rounds, meetings, board packs, "
                 "vocabularies, people and roles, and every refused attempt. Rows are only ever added."))
    labels = access.action_labels()
    c1, c2, c3, c4 = st.columns([2.2, 2, 3, 1.6])
    today = dt.date.today()
    days = c1.date_input(_("Days"), value=(today - dt.timedelta(days=30), today), key="audit_days",
                         format=_day_format())
    who = c2.text_input(_("Person (part of the e-mail)"), key="audit_who")
    # Options are shown through texts translated now: a test's runner formats them outside the run.
    shown = {action: f"{_(label)} ({action})" for action, label in labels.items()}
    actions = c3.multiselect(_("Actions"), list(labels), format_func=shown.get, key="audit_actions")
    outcomes = {value: _(label) for value, label in OUTCOMES.items()}
    outcome = c4.selectbox(_("Outcome"), list(OUTCOMES), format_func=outcomes.get, key="audit_outcome")
    if not isinstance(days, tuple) or len(days) != 2:
        st.info(_("Choose the first and the last day of the period."))
        return
    trail = access.audit_trail(loaders.engine(), actor=identity.actor(), start=days[0], end=days[1],
                               who=who or None, actions=tuple(actions), outcome=outcome or None)
    if len(trail) == LIMIT:
        st.caption(_("{n} rows (the newest {limit}; narrow the filters to see older ones).").format(
            n=formats.decimal(len(trail)), limit=formats.decimal(LIMIT)))
    else:
        st.caption(ngettext("{n} row.", "{n} rows.", len(trail)).format(n=formats.decimal(len(trail))))
    shown = trail.drop(columns="id")
    components.table(shown, hide_index=True, column_config={
        "at": st.column_config.DatetimeColumn(_("When (UTC)"), format=_day_format() + " HH:mm:ss"),
        "actor": _("Who"), "actor_role": _("Role"), "action": _("Action"), "outcome": _("Outcome"),
        "records": _("Records"), "summary": st.column_config.TextColumn(_("Change"), width="large")})
    st.download_button(_("Download these rows (CSV)"), access.audit_csv(shown), "audit_trail.csv",
                       "text/csv", key="audit_download")
