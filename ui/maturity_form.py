"""The Maturity page's self-assessment: loading one's earlier answers to revise them, and the form.
What was typed stays in the keyed widgets when a check refuses the submission."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from cs_metrics import maturity as mt
from cs_metrics.services import maturity as service
from ui import loaders

#: Languages of the instrument: code -> name shown.
LANGS = {"en": "English", "it": "Italiano"}
ROLE_NAMES = {"executive": "Executive", "manager": "Manager", "individual_contributor": "Individual contributor"}


def plain(text: str) -> str:
    """Show editable texts literally where Streamlit would read Markdown."""
    return re.sub(r"([\\`*_\[\]<>#|~$])", r"\\\1", str(text))


def revise_answers(teams: pd.DataFrame, round_names: dict[int, str], open_ids: list[int]) -> None:
    """Load a respondent's answers in the newest open round into the form, to revise them."""
    with st.expander("Revise answers you gave earlier"):
        r1, r2, r3 = st.columns(3)
        rev_team = r1.selectbox("Team", teams["name"], index=None, key="mat_rev_team")
        rev_name = r2.text_input("Your name or e-mail", key="mat_rev_name")
        if r3.button("Load my answers", key="mat_rev_load") and rev_team and rev_name.strip() and open_ids:
            mine = service.own_answers(loaders.engine(), round_id=open_ids[-1], team=rev_team, respondent=rev_name)
            if not mine:
                st.info(f"No answers from {rev_name!r} for this team in {round_names[open_ids[-1]]!r}.")
            for dim, a in mine.items():
                st.session_state.update({f"mat_stage_{dim}": a["stage"], f"mat_evidence_{dim}": a["evidence"] or "",
                                         f"mat_conf_{dim}": a["confidence"], f"mat_comment_{dim}": a["comment"] or ""})
            if mine:
                st.session_state.update({"mat_round": open_ids[-1], "mat_team": rev_team, "mat_respondent": rev_name,
                                         "mat_role": next(iter(mine.values()))["role"]})
                st.rerun()


def assessment_form(inst: mt.Instrument, lang: str, *, teams: pd.DataFrame, rounds: pd.DataFrame) -> None:
    """The self-assessment form (the newest open round chosen) and what submitting it does."""
    round_names = dict(zip(rounds["id"], rounds["name"], strict=True))
    statuses = dict(zip(rounds["id"], rounds["status"], strict=True))
    open_ids = rounds.loc[rounds["status"] == "open", "id"].tolist()
    choices = rounds["id"].tolist()[::-1]
    revise_answers(teams, round_names, open_ids)
    with st.form("mat_form"):
        c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
        c1.selectbox("Round", choices, index=choices.index(open_ids[-1]) if open_ids else 0, key="mat_round",
                     format_func=lambda i: f"{round_names[i]}{'' if statuses[i] == 'open' else ' (closed)'}")
        c2.selectbox("Team", teams["name"], index=None, placeholder="Choose your team", key="mat_team")
        c3.text_input("Your name or e-mail", key="mat_respondent", help="Lets you revise your answers while the round is open.")
        c4.selectbox("Role", list(ROLE_NAMES), index=None, format_func=ROLE_NAMES.get, key="mat_role")
        for dim in mt.DIMENSIONS:
            st.subheader(plain(inst.dimension_label(dim, lang)))
            st.radio(
                plain(inst.question(lang)), mt.STAGE_STEPS, index=None, key=f"mat_stage_{dim}",
                format_func=lambda s, d=dim: plain(inst.step_label(s, lang))
                + (f": {plain(inst.descriptor(d, int(s), lang))}" if float(s).is_integer() else ""),
            )
            e1, e2, e3 = st.columns([3, 1.4, 3])
            e1.text_input("Evidence (a link or an example)", key=f"mat_evidence_{dim}")
            e2.selectbox("Confidence", mt.CONFIDENCE_LEVELS, index=None, placeholder="optional", key=f"mat_conf_{dim}")
            e3.text_input("Comment", key=f"mat_comment_{dim}")
        sent = st.form_submit_button("Submit my assessment", type="primary")
    if sent:
        submit(inst, round_names)


def submit(inst: mt.Instrument, round_names: dict[int, str]) -> None:
    """Store what the form holds; on a refusal list every problem and keep the input."""
    state = st.session_state
    submission = mt.Submission(
        round_id=state["mat_round"], team=state["mat_team"], respondent=state["mat_respondent"], role=state["mat_role"],
        answers={d: mt.AnswerInput(state[f"mat_stage_{d}"], state[f"mat_evidence_{d}"], state[f"mat_conf_{d}"],
                                   state[f"mat_comment_{d}"]) for d in mt.DIMENSIONS},
        instrument_version=inst.version,
    )
    try:
        service.submit_assessment(loaders.engine(), submission)
    except mt.SubmissionError as exc:
        st.error("Nothing was saved. Please fix the following, your answers are kept above:\n\n"
                 + "\n".join(f"- {plain(p)}" for p in exc.problems))
    else:
        loaders.invalidate()
        st.success(f"Saved your assessment of {plain(submission.team)} in {plain(round_names[submission.round_id])}. "
                   "You can revise it until the round closes.")
