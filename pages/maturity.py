"""Maturity: teams score their Social Business maturity; leaders see profiles, spread, gaps, progress."""

import streamlit as st

from cs_metrics.services import coverage, maturity
from ui import components, loaders
from ui.maturity_form import LANGS, assessment_form, plain
from ui.maturity_results import results
from ui.maturity_setup import rounds_and_instrument, targets_and_next_steps

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
tab_take, tab_results, tab_plan, tab_setup = st.tabs(
    ["Take the assessment", "Results", "Targets and next steps", "Rounds and instrument"]
)

with tab_take:
    if not (rounds["status"] == "open").any():
        st.warning("No round is open, so answers cannot be given now. Open one under 'Rounds and instrument'.")
    else:
        assessment_form(inst, lang, teams=teams, rounds=rounds)

# Read after the form, so that a submission just saved shows in the results (the results are
# computed from ``maturity.answers`` through ``loaders.derive``, once per round, team and language).
targets = loaders.load(maturity.targets)

with tab_results:
    results(targets, inst, lang, teams=team_names)
    if (none_yet := loaders.load(coverage.gap, "maturity")) is not None:  # none taken here, none imported
        components.missing_data(none_yet)

with tab_plan:
    targets_and_next_steps(targets, inst, lang, teams=team_names)

with tab_setup:
    rounds_and_instrument(rounds, inst, lang)
