"""Maturity: teams score their Social Business maturity; leaders see profiles, spread, gaps, progress."""

import datetime as dt
import re

import streamlit as st

from cs_metrics import maturity as mt
from cs_metrics.charts import maturity as mc
from cs_metrics.storage.queries import maturity as qm
from ui import components, loaders

LANGS = {"en": "English", "it": "Italiano"}
CVE_COLUMNS = {"dimension": "Dimension", "n": "Answers", "claimed": "Claimed (median of all)",
               "n_evidenced": "With evidence", "evidenced": "Median with evidence",
               "n_unevidenced": "Without evidence", "unevidenced": "Median without evidence",
               "share_evidenced": "Share with evidence"}
ROUND_COLUMNS = {"name": "Round", "opened_on": "Opened", "closed_on": "Closed", "status": "Status",
                 "instrument_version": "Instrument version", "respondents": "Respondents"}
ROLE_NAMES = {"executive": "Executive", "manager": "Manager", "individual_contributor": "Individual contributor"}


def plain(text: str) -> str:
    """Show editable texts literally where Streamlit would read Markdown."""
    return re.sub(r"([\\`*_\[\]<>#|~$])", r"\\\1", str(text))


def take_assessment(open_ids: list[int]) -> None:
    """The self-assessment form; what was typed stays in the keyed widgets when a check fails."""
    choices = rounds["id"].tolist()[::-1]
    statuses = dict(zip(rounds["id"], rounds["status"], strict=True))
    with st.expander("Revise answers you gave earlier"):
        r1, r2, r3 = st.columns(3)
        rev_team = r1.selectbox("Team", teams["name"], index=None, key="mat_rev_team")
        rev_name = r2.text_input("Your name or e-mail", key="mat_rev_name")
        if r3.button("Load my answers", key="mat_rev_load") and rev_team and rev_name.strip() and open_ids:
            mine = qm.own_answers(loaders.engine(), round_id=open_ids[-1], team=rev_team, respondent=rev_name)
            if not mine:
                st.info(f"No answers from {rev_name!r} for this team in {round_names[open_ids[-1]]!r}.")
            for dim, a in mine.items():
                st.session_state.update({f"mat_stage_{dim}": a["stage"], f"mat_evidence_{dim}": a["evidence"] or "",
                                         f"mat_conf_{dim}": a["confidence"], f"mat_comment_{dim}": a["comment"] or ""})
            if mine:
                st.session_state.update({"mat_round": open_ids[-1], "mat_team": rev_team, "mat_respondent": rev_name,
                                         "mat_role": next(iter(mine.values()))["role"]})
                st.rerun()
    with st.form("mat_form"):
        c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
        c1.selectbox("Round", choices, index=choices.index(open_ids[-1]) if open_ids else 0, key="mat_round",
                     format_func=lambda i: f"{round_names[i]}{'' if statuses[i] == 'open' else ' (closed)'}")
        c2.selectbox("Team", teams["name"], index=None, placeholder="Choose your team", key="mat_team")
        c3.text_input("Your name or e-mail", key="mat_respondent", help="Lets you revise your answers while the round is open.")
        c4.selectbox("Role", list(ROLE_NAMES), index=None, format_func=ROLE_NAMES.get, key="mat_role")
        for dim in mt.DIMENSIONS:
            st.subheader(plain(dim_labels[dim]))
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
        state = st.session_state
        submission = mt.Submission(
            round_id=state["mat_round"], team=state["mat_team"], respondent=state["mat_respondent"], role=state["mat_role"],
            answers={d: mt.AnswerInput(state[f"mat_stage_{d}"], state[f"mat_evidence_{d}"], state[f"mat_conf_{d}"],
                                       state[f"mat_comment_{d}"]) for d in mt.DIMENSIONS},
            instrument_version=inst.version,
        )
        try:
            qm.submit_assessment(loaders.engine(), submission)
        except mt.SubmissionError as exc:
            st.error("Nothing was saved. Please fix the following, your answers are kept above:\n\n"
                     + "\n".join(f"- {plain(p)}" for p in exc.problems))
        else:
            loaders.invalidate()
            st.success(f"Saved your assessment of {plain(submission.team)} in {plain(round_names[submission.round_id])}. "
                       "You can revise it until the round closes.")


st.title("Maturity")
lang = st.radio("Language of the instrument", list(LANGS), format_func=LANGS.get, horizontal=True, key="mat_lang")
inst = loaders.load(qm.instrument)
st.caption(
    f"{plain(inst.name(lang))} · instrument version {inst.version}. Teams score themselves on four dimensions; "
    "results use medians and hide groups under three respondents. The sidebar's customer filters do not apply here."
)
teams, rounds = loaders.load(qm.teams), loaders.load(qm.rounds)
if teams.empty:
    components.empty_state("There are no teams yet. Import teams on the Data page, then come back to score them.")
    st.stop()
dim_labels = {d: inst.dimension_label(d, lang) for d in mt.DIMENSIONS}
stage_labels = inst.stage_labels(lang)
round_names = dict(zip(rounds["id"], rounds["name"], strict=True))
tab_take, tab_results, tab_plan, tab_setup = st.tabs(
    ["Take the assessment", "Results", "Targets and next steps", "Rounds and instrument"]
)

with tab_take:
    open_ids = rounds.loc[rounds["status"] == "open", "id"].tolist()
    if not open_ids:
        st.warning("No round is open, so answers cannot be given now. Open one under 'Rounds and instrument'.")
    else:
        take_assessment(open_ids)

answers, targets = loaders.load(qm.answers), loaders.load(qm.targets)
order = mt.round_order(answers)

with tab_results:
    if not order:
        components.empty_state("No answers yet. Results appear once people have taken the assessment.")
    else:
        rnd = st.selectbox("Round", order[::-1], key="mat_results_round")
        current = mt.select_answers(answers, round=rnd)
        st.subheader("Company heatmap: teams × dimensions")
        agg = mt.aggregate(current, by=("team", "dimension"))
        st.plotly_chart(mc.heatmap(agg, dimension_labels=dim_labels), width="stretch", key="mat_heatmap")
        st.caption(f"Median stage per team. ◆ marks low consensus (IQR ≥ 1 stage). Cells with fewer than "
                   f"{mt.MIN_RESPONDENTS} respondents are hidden to protect individual answers.")

        st.subheader("Team profile")
        scope = st.selectbox("Team", ["Whole company", *teams["name"]], key="mat_profile_team")
        team = None if scope == "Whole company" else scope
        prof = mt.team_profile(answers, targets, round=rnd, team=team)
        st.caption(f"{plain(scope)} · {plain(rnd)} · {mt.respondent_count(answers, round=rnd, team=team)} respondents")
        if prof["suppressed"].all():
            components.empty_state(f"{scope} has fewer than {mt.MIN_RESPONDENTS} respondents in {rnd}: "
                                   "its profile stays hidden to protect individual answers.")
        else:
            st.plotly_chart(mc.profile_radar(prof, dimension_labels=dim_labels, stage_labels=stage_labels),
                            width="stretch", key="mat_radar")
        st.dataframe(mt.profile_display(prof, inst, lang=lang), hide_index=True, width="stretch")
        if st.toggle("Show one overall stage", key="mat_overall"):
            overall = mt.overall_stage(prof.set_index("dimension")["median"])
            st.metric("Overall stage: the weakest of the four dimensions", f"{overall:g} · {inst.stage_label(overall, lang)}"
                      if overall == overall else "–")
            st.caption("The overall stage is the minimum across dimensions, not an average: a company is as "
                       "mature as its weakest dimension. It is unknown while any dimension is hidden.")

        st.subheader("Spread by role")
        dim = st.selectbox("Dimension", mt.DIMENSIONS, format_func=dim_labels.get, key="mat_spread_dim")
        dist = mt.stage_distribution(mt.select_answers(current, dimension=dim), by=("role",))
        if dist.empty:
            components.empty_state(f"Every role has fewer than {mt.MIN_RESPONDENTS} answers here: hidden.")
        else:
            st.plotly_chart(mc.spread_by_role(dist, stage_label=lambda s: inst.stage_label(s, lang)),
                            width="stretch", key="mat_spread")
            st.caption(f"Share of each role's answers at each stage; roles with fewer than {mt.MIN_RESPONDENTS} "
                       "answers are left out.")
        diffs = mt.role_differences(current)
        for row in diffs.itertuples():
            if row.differs:
                st.write(f"Executives and individual contributors see {dim_labels[row.dimension]} differently: "
                         f"median {row.first_median:g} against {row.second_median:g} (Mann–Whitney p = {row.p_value:.3f}, "
                         f"n = {row.n_first} and {row.n_second}).")
        if not diffs["differs"].any():
            st.caption("No dimension where executives and individual contributors differ by more than chance would explain.")

        st.subheader("Claimed vs evidenced stage")
        cve = mt.claimed_vs_evidenced(current)
        st.plotly_chart(mc.claimed_vs_evidenced(cve, dimension_labels=dim_labels, stage_labels=stage_labels),
                        width="stretch", key="mat_cve")
        st.dataframe(
            cve.assign(dimension=cve["dimension"].map(dim_labels)).rename(columns=CVE_COLUMNS), hide_index=True,
            width="stretch", column_config={"Share with evidence": st.column_config.NumberColumn(format="percent")},
        )
        with st.expander("Evidence offered, as written"):
            st.dataframe(mt.evidence_list(current).assign(dimension=lambda f: f["dimension"].map(dim_labels)),
                         hide_index=True, width="stretch")

        st.subheader("Rounds over time")
        history = mt.select_answers(answers, team=team)
        st.plotly_chart(mc.trend_lines(mt.round_trends(history), dimension_labels=dim_labels, stage_labels=stage_labels),
                        width="stretch", key="mat_trend")
        changes = mt.round_changes(history)
        for row in changes.itertuples():
            verdict = "a change" if row.is_change else "no change a test can confirm"
            st.write(f"{dim_labels[row.dimension]}: median {mt.fmt_stage(row.previous_median)} → "
                     f"{mt.fmt_stage(row.current_median)} from {row.previous_round} to {row.current_round}, {verdict} "
                     f"(n = {row.n_previous} and {row.n_current}" + (f", p = {row.p_value:.3f})" if row.p_value == row.p_value else ")"))

with tab_plan:
    scope = st.selectbox("Targets for", ["Whole company", *teams["name"]], key="mat_plan_team")
    team = None if scope == "Whole company" else scope
    if order:
        plan = mt.team_profile(answers, targets, round=order[-1], team=team)
        st.caption(f"Medians from {plain(order[-1])}; the next step is always the statement of the next stage up.")
        for row in plan.itertuples():
            st.markdown(f"**{plain(dim_labels[row.dimension])}** · now {mt.fmt_stage(row.median)}, target "
                        f"{mt.fmt_stage(row.target)}, gap {mt.fmt_stage(row.gap)}")
            if row.next_stage == row.next_stage:
                st.caption(f"Next step, stage {int(row.next_stage)} {plain(inst.stage_label(row.next_stage, lang))}: "
                           + plain(inst.descriptor(row.dimension, int(row.next_stage), lang)))
            elif row.gap == row.gap and row.gap <= 0:
                st.caption("Target reached.")
    with st.form("mat_targets"):
        st.write(f"Set targets for {scope}")
        current_t = mt.select_answers(targets, team=team) if team else targets[targets["team"].isna()]
        now = dict(zip(current_t["dimension"], current_t["target"], strict=True))
        chosen = {d: st.selectbox(dim_labels[d], mt.STAGE_STEPS, key=f"mat_target_{d}_{scope}",
                                  index=mt.STAGE_STEPS.index(now[d]) if d in now else None,
                                  format_func=lambda s: inst.step_label(s, lang)) for d in mt.DIMENSIONS}
        who = st.text_input("Set by", key="mat_target_by")
        if st.form_submit_button("Save targets"):
            try:
                qm.set_targets(loaders.engine(), chosen, team=team, set_by=who)
            except mt.MaturityDataError as exc:
                st.error(str(exc))
            else:
                loaders.invalidate()
                st.success("Targets saved.")
                st.rerun()

with tab_setup:
    st.subheader("Rounds")
    st.dataframe(
        rounds.drop(columns="id").rename(columns=ROUND_COLUMNS), hide_index=True, width="stretch",
        column_config={c: st.column_config.DateColumn(format="YYYY-MM-DD") for c in ("Opened", "Closed")},
    )
    o1, o2 = st.columns(2)
    with o1.form("mat_open_round"):
        name = st.text_input("New round name", key="mat_new_round")
        if st.form_submit_button("Open a new round"):
            try:
                qm.open_round(loaders.engine(), name=name, opened_on=dt.date.today(), instrument_version=inst.version)
            except mt.MaturityDataError as exc:
                st.error(str(exc))
            else:
                loaders.invalidate()
                st.rerun()
    with o2.form("mat_close_round"):
        closing = st.selectbox("Open round", open_ids, format_func=round_names.get, key="mat_close_id", index=None)
        if st.form_submit_button("Close this round"):
            if closing is None:
                st.warning("Choose the round to close.")
            else:
                qm.close_round(loaders.engine(), closing)
                loaders.invalidate()
                st.rerun()
    st.subheader("Stages")
    st.dataframe({"Stage": list(mt.STAGES), "Label": list(stage_labels),
                  "Meaning": [inst.stage_meaning(s, lang) for s in mt.STAGES]}, hide_index=True, width="stretch")
    with st.form("mat_labels"):
        st.write(f"Edit the stage labels ({LANGS[lang]}); saving adds a new instrument version, earlier answers keep theirs.")
        new = [st.text_input(f"Stage {s}", value=stage_labels[s - 1], key=f"mat_label_{lang}_{s}") for s in mt.STAGES]
        by = st.text_input("Changed by", key="mat_label_by")
        if st.form_submit_button("Save labels"):
            try:
                qm.save_stage_labels(loaders.engine(), {lang: tuple(new)}, created_by=by)
            except mt.MaturityDataError as exc:
                st.error(str(exc))
            else:
                loaders.invalidate()
                st.rerun()
    versions = loaders.load(qm.instrument_versions)
    if not versions.empty:
        st.dataframe(versions, hide_index=True, width="stretch")
