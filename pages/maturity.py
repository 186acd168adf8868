"""Maturity: teams score their Social Business maturity; leaders see profiles, spread, gaps, progress."""

import streamlit as st

from cs_metrics.services import coverage, maturity
from ui import components, identity, loaders
from ui.maturity_form import LANGS, assessment_form
from ui.maturity_results import results
from ui.maturity_setup import rounds_and_instrument, targets_and_next_steps
from ui.text import plain

components.page_header(
    "Maturity",
    "Teams score themselves on four dimensions; results use medians and hide groups under three respondents.",
    company_wide=True,
)
lang = st.radio("Language of the instrument", list(LANGS), format_func=LANGS.get, horizontal=True, key="mat_lang")
inst = loaders.load(maturity.instrument)
st.caption(f"{plain(inst.name(lang))} · instrument version {inst.version}.")
teams, rounds = loaders.load(maturity.teams), loaders.load(maturity.rounds)
if teams.empty:  # nobody can take the assessment, and nothing was assessed
    components.empty_state("There are no teams yet. Import teams on the Data page, then come back to score them.")
    components.missing_data(loaders.load(coverage.gap, "teams"))
    st.stop()
team_names = teams["name"].tolist()
# Sections by right: the form to every role that may assess a team (member and up; one in no team
# yet is told how to join one), set-up to admins.
may_assess = identity.role_may("maturity.assess")
may_setup = identity.allowed("maturity.rounds")
if not may_assess:
    st.caption("Members take the assessment for their own team; as a viewer you see the results.")
sections = (["Take the assessment"] * may_assess + ["Results", "Targets and next steps"]
            + ["Rounds and instrument"] * may_setup)
tabs = dict(zip(sections, st.tabs(sections), strict=True))

if may_assess:
    with tabs["Take the assessment"]:
        if not (rounds["status"] == "open").any():
            st.warning("No round is open, so answers cannot be given now. "
                       + ("Open one under 'Rounds and instrument'." if may_setup else "Ask an admin to open one."))
        else:
            assessment_form(inst, lang, teams=teams, rounds=rounds)

# Read after the form, so that a submission just saved shows in the results (the results are
# computed from ``maturity.answers`` through ``loaders.derive``, once per round, team and language).
targets = loaders.load(maturity.targets)

with tabs["Results"]:
    results(targets, inst, lang, teams=team_names)
    if (none_yet := loaders.load(coverage.gap, "maturity")) is not None:  # none taken here, none imported
        components.missing_data(none_yet)

with tabs["Targets and next steps"]:
    targets_and_next_steps(targets, inst, lang, teams=team_names)

if may_setup:
    with tabs["Rounds and instrument"]:
        rounds_and_instrument(rounds, inst, lang)
