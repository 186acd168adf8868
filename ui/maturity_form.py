"""The Maturity page's self-assessment: loading one's earlier answers to revise them, and the form.
What was typed stays in the keyed widgets when a check refuses the submission.

A signed-in person assesses only their own teams, as themselves (their e-mail is the respondent,
no name is typed) and finds their earlier answers in the open round already loaded. The local user
of a deployment without sign-in chooses any team and types a name; their first submission gives a
revision code, and only the name with that code loads and replaces those answers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cs_metrics import maturity as mt
from cs_metrics.access import Actor
from cs_metrics.i18n import N_, _, pgettext
from cs_metrics.services import maturity as service
from ui import identity, loaders
from ui.text import plain

#: Languages of the instrument: code -> name shown (each in its own language, as the sidebar writes them).
LANGS = {"en": "English", "it": "Italiano"}
ROLE_NAMES = {"executive": N_("Executive"), "manager": N_("Manager"),
              "individual_contributor": N_("Individual contributor")}
NO_TEAM = N_("You are not in any team yet, so you cannot take the assessment: ask an admin to add you to your team "
             "(Data page, People and roles).")


def confidence_name(level: str) -> str:
    """A confidence level as the reader reads it (the stored values are "low", "medium", "high")."""
    names = {"low": pgettext("confidence", "low"), "medium": pgettext("confidence", "medium"),
             "high": pgettext("confidence", "high")}
    return names.get(level, level)


def _load(mine: dict[str, dict], *, round_id: int, team: str, respondent: str | None = None) -> None:
    """Put stored answers into the form's widgets (before the form is drawn)."""
    for dim, a in mine.items():
        st.session_state.update({f"mat_stage_{dim}": a["stage"], f"mat_evidence_{dim}": a["evidence"] or "",
                                 f"mat_conf_{dim}": a["confidence"], f"mat_comment_{dim}": a["comment"] or ""})
    st.session_state.update({"mat_round": round_id, "mat_team": team, "mat_role": next(iter(mine.values()))["role"]})
    if respondent is not None:
        st.session_state["mat_respondent"] = respondent


def revise_answers(who: Actor, teams: pd.DataFrame, round_names: dict[int, str], open_ids: list[int]) -> None:
    """Load a respondent's answers in the newest open round into the form, to revise them (local
    user): the name they answered under and the revision code they were given."""
    with st.expander(_("Revise answers you gave earlier")):
        r1, r2, r3, r4 = st.columns([3, 3, 2, 2])
        rev_team = r1.selectbox(_("Team"), teams["name"], index=None, key="mat_rev_team")
        rev_name = r2.text_input(_("Your name or e-mail"), key="mat_rev_name")
        rev_code = r3.text_input(_("Revision code"), key="mat_rev_code", max_chars=20,
                                 help=_("The code shown when you first submitted your answers."))
        if r4.button(_("Load my answers"), key="mat_rev_load"):
            if not (rev_team and rev_name.strip() and rev_code.strip()):
                st.warning(_("Choose the team and enter your name and your revision code, then load your answers."))
            elif not open_ids:
                st.info(_("No round is open: answers can be revised only while their round is open."))
            else:
                mine = service.own_answers(loaders.engine(), round_id=open_ids[-1], team=rev_team,
                                           respondent=rev_name, actor=who, revision_code=rev_code)
                if not mine:
                    st.info(_("No answers for this team in '{round}' match this name and revision code. Check both: "
                              "the code is the one shown when you first submitted.").format(
                                  round=plain(round_names[open_ids[-1]])))
                else:
                    _load(mine, round_id=open_ids[-1], team=rev_team, respondent=rev_name)
                    st.session_state["mat_revision_code"] = rev_code
                    st.rerun()


def own_answers(who: Actor, team_choices: list[str], round_names: dict[int, str], open_ids: list[int]) -> None:
    """A signed-in person's answers in the newest open round: loaded into the form the first time
    the page is drawn for that round; with answers for several teams, a choice of which to load."""
    if not open_ids:
        return
    rid = open_ids[-1]
    given = {t: service.own_answers(loaders.engine(), round_id=rid, team=t, respondent=who.email or "", actor=who)
             for t in team_choices}
    given = {t: mine for t, mine in given.items() if mine}
    if not given:
        return
    if st.session_state.get("mat_loaded") != (who.email, rid):
        st.session_state["mat_loaded"] = (who.email, rid)
        first = next(iter(given))
        _load(given[first], round_id=rid, team=first)
        st.session_state["mat_loaded_team"] = first
    loaded = st.session_state.get("mat_loaded_team", next(iter(given)))
    st.caption(_("You have answered for {teams} in {round}. Your answers for {team} are loaded below: change what "
                 "you like and submit again. You can revise them until the round closes.").format(
                     teams=plain(", ".join(given)), round=plain(round_names[rid]), team=plain(loaded)))
    if len(given) > 1:
        r1, r2 = st.columns(2)
        pick = r1.selectbox(_("Load your answers for"), list(given), index=None, key="mat_rev_team")
        if r2.button(_("Load my answers"), key="mat_rev_load") and pick:
            _load(given[pick], round_id=rid, team=pick)
            st.session_state["mat_loaded_team"] = pick
            st.rerun()


def assessment_form(inst: mt.Instrument, lang: str, *, teams: pd.DataFrame, rounds: pd.DataFrame) -> None:
    """The self-assessment form (the newest open round chosen) and what submitting it does."""
    who = identity.actor()
    team_choices = teams["name"].tolist() if who.local else [t for t in teams["name"] if t in who.teams]
    if not team_choices:
        st.info(_(NO_TEAM))
        return
    round_names = dict(zip(rounds["id"], rounds["name"], strict=True))
    statuses = dict(zip(rounds["id"], rounds["status"], strict=True))
    open_ids = rounds.loc[rounds["status"] == "open", "id"].tolist()
    choices = rounds["id"].tolist()[::-1]
    if who.local:
        revise_answers(who, teams, round_names, open_ids)
    else:
        own_answers(who, team_choices, round_names, open_ids)
    with st.form("mat_form"):
        columns = st.columns([3, 2, 2, 2] if who.local else [3, 2, 2])
        columns[0].selectbox(_("Round"), choices, index=choices.index(open_ids[-1]) if open_ids else 0,
                             key="mat_round", format_func=lambda i: round_names[i] if statuses[i] == "open"
                             else _("{round} (closed)").format(round=round_names[i]))
        columns[1].selectbox(_("Team"), team_choices, index=None, placeholder=_("Choose your team"), key="mat_team")
        identity.name_field(_("Your name or e-mail"), key="mat_respondent", container=columns[2],
                            help=_("Lets you revise your answers while the round is open."))
        columns[-1].selectbox(_("Role"), list(ROLE_NAMES), index=None, format_func=lambda r: _(ROLE_NAMES[r]),
                              key="mat_role")
        for dim in mt.DIMENSIONS:
            st.subheader(plain(inst.dimension_label(dim, lang)))
            st.radio(
                plain(inst.question(lang)), mt.STAGE_STEPS, index=None, key=f"mat_stage_{dim}",
                format_func=lambda s, d=dim: plain(inst.step_label(s, lang))
                + (f": {plain(inst.descriptor(d, int(s), lang))}" if float(s).is_integer() else ""),
            )
            e1, e2, e3 = st.columns([3, 1.4, 3])
            e1.text_input(_("Evidence (a link or an example)"), key=f"mat_evidence_{dim}")
            e2.selectbox(_("Confidence"), mt.CONFIDENCE_LEVELS, index=None, placeholder=_("optional"),
                         format_func=confidence_name, key=f"mat_conf_{dim}")
            e3.text_input(_("Comment"), key=f"mat_comment_{dim}")
        sent = st.form_submit_button(_("Submit my assessment"), type="primary")
    if sent:
        submit(inst, round_names)


def submit(inst: mt.Instrument, round_names: dict[int, str]) -> None:
    """Store what the form holds as the person using the app; on a refusal list every problem and
    keep the input."""
    state = st.session_state
    typed = state.get("mat_respondent")
    who = identity.named(typed)
    submission = mt.Submission(
        round_id=state["mat_round"], team=state["mat_team"], respondent=typed if who.local else who.email,
        role=state["mat_role"],
        answers={d: mt.AnswerInput(state[f"mat_stage_{d}"], state[f"mat_evidence_{d}"], state[f"mat_conf_{d}"],
                                   state[f"mat_comment_{d}"]) for d in mt.DIMENSIONS},
        instrument_version=inst.version,
    )
    try:
        done = service.submit_assessment(loaders.engine(), submission, actor=who,
                                         revision_code=state.get("mat_revision_code") if who.local else None)
    except identity.Refused as exc:
        identity.refused(exc)
    except mt.SubmissionError as exc:
        st.error(_("Nothing was saved. Please fix the following, your answers are kept above:") + "\n\n"
                 + "\n".join(f"- {plain(p)}" for p in exc.problems))
    else:
        loaders.invalidate()
        saved = _("Saved your assessment of {team} in {round}.").format(
            team=plain(submission.team), round=plain(round_names[submission.round_id]))
        if done.revision_code:
            state["mat_revision_code"] = done.revision_code
            st.success(saved + " " + _("Your revision code is **{code}**: keep it to revise these answers until the "
                                       "round closes (with the name you gave). It is shown only now.").format(
                                           code=done.revision_code))
        else:
            st.success(saved + " " + _("You can revise it until the round closes."))
