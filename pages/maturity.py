"""Maturity: teams score their Social Business maturity; leaders see profiles, spread, gaps, progress."""

import streamlit as st

from cs_metrics import i18n
from cs_metrics.i18n import N_, _
from cs_metrics.services import coverage, maturity
from ui import components, identity, loaders
from ui.maturity_form import LANGS, assessment_form
from ui.maturity_results import results
from ui.maturity_setup import rounds_and_instrument, targets_and_next_steps
from ui.text import plain

TAKE, RESULTS, TARGETS, SETUP = (N_("Take the assessment"), N_("Results"), N_("Targets and next steps"),
                                 N_("Rounds and instrument"))

components.page_header(
    _("Maturity"),
    _("Teams score themselves on four dimensions; results use medians and hide groups under three respondents."),
    company_wide=True,
)
# The instrument speaks the reader's language (the sidebar's choice) and follows it when it changes;
# a reader may still read the statements in the other language.
reader = i18n.language()
if st.session_state.get("mat_lang_of") != reader or st.session_state.get("mat_lang") not in LANGS:
    st.session_state["mat_lang_of"] = reader
    st.session_state["mat_lang"] = reader if reader in LANGS else i18n.DEFAULT
lang = st.radio(_("Language of the instrument"), list(LANGS), format_func=LANGS.get, horizontal=True, key="mat_lang")
inst = loaders.load(maturity.instrument)
st.caption(_("{name} · instrument version {version}.").format(name=plain(inst.name(lang)), version=inst.version))
teams, rounds = loaders.load(maturity.teams), loaders.load(maturity.rounds)
if teams.empty:  # nobody can take the assessment, and nothing was assessed
    components.empty_state(_("There are no teams yet. Import teams on the Data page, then come back to score them."))
    components.missing_data(loaders.load(coverage.gap, "teams"))
    st.stop()
team_names = teams["name"].tolist()
# Sections by right: the form to every role that may assess a team (member and up; one in no team
# yet is told how to join one), set-up to admins.
may_assess = identity.role_may("maturity.assess")
may_setup = identity.allowed("maturity.rounds")
if not may_assess:
    st.caption(_("Members take the assessment for their own team; as a viewer you see the results."))
sections = [TAKE] * may_assess + [RESULTS, TARGETS] + [SETUP] * may_setup
tabs = dict(zip(sections, st.tabs([_(s) for s in sections]), strict=True))

if may_assess:
    with tabs[TAKE]:
        if not (rounds["status"] == "open").any():
            st.warning(_("No round is open, so answers cannot be given now. Open one under '{section}'.").format(
                section=_(SETUP)) if may_setup
                else _("No round is open, so answers cannot be given now. Ask an admin to open one."))
        else:
            assessment_form(inst, lang, teams=teams, rounds=rounds)

# Read after the form, so that a submission just saved shows in the results (the results are
# computed from ``maturity.answers`` through ``loaders.derive``, once per round, team and language).
targets = loaders.load(maturity.targets)

with tabs[RESULTS]:
    results(targets, inst, lang, teams=team_names)
    if (none_yet := loaders.load(coverage.gap, "maturity")) is not None:  # none taken here, none imported
        components.missing_data(none_yet)

with tabs[TARGETS]:
    targets_and_next_steps(targets, inst, lang, teams=team_names)

if may_setup:
    with tabs[SETUP]:
        rounds_and_instrument(rounds, inst, lang)
