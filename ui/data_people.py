"""The Data page's people and roles (admins appoint people, set their role and teams) and the audit
trail (every write: when, who, what, which records, before -> after), read and filtered here."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from cs_metrics.access import ROLE_HELP, ROLES
from cs_metrics.services import access
from ui import components, identity, loaders
from ui.text import plain

MESSAGE = "people_message"
OUTCOMES = {"": "Done and refused", "done": "Done", "refused": "Refused"}


def people_section() -> None:
    """Who may sign in, with which role and teams; appoint, change or remove someone."""
    st.subheader("People and roles")
    if not identity.signing_in():
        st.caption("Sign-in is not configured, so everyone using this app is the single local user with every right. "
                   "People appointed here get their role once sign-in is on (README, Sign-in).")
    st.caption(" ".join(f"**{role}**: {ROLE_HELP[role]}" for role in ROLES))
    if message := st.session_state.pop(MESSAGE, None):
        st.success(plain(message))
    everyone = loaders.load(access.people)
    components.table(everyone, hide_index=True, column_config={
        "email": "E-mail", "name": "Name", "role": "Role", "teams": "Teams",
        "added_on": st.column_config.DatetimeColumn("Added (UTC)", format="YYYY-MM-DD HH:mm"),
        "added_by": "Added by",
        "last_seen": st.column_config.DatetimeColumn("Last sign-in (UTC)", format="YYYY-MM-DD HH:mm")})
    if everyone.empty:
        st.caption("Nobody is stored yet: people are added when they first sign in, or here.")
    teams = loaders.load(access.team_names)
    known = dict(zip(everyone["email"], everyone.itertuples(), strict=True))
    if known:
        st.selectbox("Change someone stored (fills in the form below)", list(known), index=None, key="person_pick",
                     placeholder="Choose an e-mail", on_change=_fill, args=(known, teams))
    with st.form("person_form"):
        st.markdown("**Appoint someone, or change their role and teams**")
        left, middle, right = st.columns([3, 2, 1.4])
        email = left.text_input("E-mail they sign in with", key="person_email")
        name = middle.text_input("Name (optional)", key="person_name")
        role = right.selectbox("Role", ROLES, index=0, key="person_role")
        chosen = st.multiselect("Teams (members assess these teams and log their departments' meetings)", teams,
                                key="person_teams")
        if st.form_submit_button("Save person", type="primary"):
            _save(identity.attempt(access.save_person, email=email, name=name, role=role, teams=tuple(chosen)))
    if known:
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        gone = left.selectbox("Remove someone's access", list(known), index=None, key="person_remove",
                              placeholder="Choose an e-mail")
        if right.button("Remove", disabled=gone is None, key="person_remove_button"):
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
    st.subheader("Audit trail")
    st.caption("Every write in the app leaves a row here: imports, restores, clears, resets, demo loads, exports, "
               "health models, follow-ups, churn calls, assessments and rounds, meetings, board packs, vocabularies, "
               "people and roles, and every refused attempt. Rows are only ever added.")
    labels = access.action_labels()
    c1, c2, c3, c4 = st.columns([2.2, 2, 3, 1.6])
    today = dt.date.today()
    days = c1.date_input("Days", value=(today - dt.timedelta(days=30), today), key="audit_days", format="YYYY-MM-DD")
    who = c2.text_input("Person (part of the e-mail)", key="audit_who")
    actions = c3.multiselect("Actions", list(labels), format_func=lambda a: f"{labels[a]} ({a})", key="audit_actions")
    outcome = c4.selectbox("Outcome", list(OUTCOMES), format_func=OUTCOMES.get, key="audit_outcome")
    if not isinstance(days, tuple) or len(days) != 2:
        st.info("Choose the first and the last day of the period.")
        return
    trail = access.audit_trail(loaders.engine(), actor=identity.actor(), start=days[0], end=days[1],
                               who=who or None, actions=tuple(actions), outcome=outcome or None)
    st.caption(f"{len(trail):,} row{'s' * (len(trail) != 1)}"
               + (" (the newest 5,000; narrow the filters to see older ones)" if len(trail) == 5000 else "") + ".")
    shown = trail.drop(columns="id")
    components.table(shown, hide_index=True, column_config={
        "at": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm:ss"),
        "actor": "Who", "actor_role": "Role", "action": "Action", "outcome": "Outcome", "records": "Records",
        "summary": st.column_config.TextColumn("Change", width="large")})
    st.download_button("Download these rows (CSV)", access.audit_csv(shown), "audit_trail.csv",
                       "text/csv", key="audit_download")
