"""The Maturity page's set-up: targets with the next step per dimension, rounds to open and close,
and the stage labels (saving them adds an instrument version)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from cs_metrics import maturity as mt
from cs_metrics.errors import DataError
from cs_metrics.services import maturity as service
from ui import components, identity, loaders
from ui.maturity_form import LANGS
from ui.text import plain

ROUND_COLUMNS = {"name": "Round", "opened_on": "Opened", "closed_on": "Closed", "status": "Status",
                 "instrument_version": "Instrument version", "respondents": "Respondents"}


def targets_and_next_steps(
    targets: pd.DataFrame, inst: mt.Instrument, lang: str, *, teams: list[str]
) -> None:
    """The gap to each target in the newest round, the statement of the next stage up, and, for
    roles that may set targets, the form that sets the targets of the company or of one team."""
    dim_labels = {d: inst.dimension_label(d, lang) for d in mt.DIMENSIONS}
    scope = st.selectbox("Targets for", ["Whole company", *teams], key="mat_plan_team")
    team = None if scope == "Whole company" else scope
    order = loaders.derive(mt.round_order, service.answers)
    if order:  # the newest round's profile of the Results tab (the same one when it shows this team)
        chosen = {"targets": targets, "round": order[-1], "team": team, "inst": inst, "lang": lang}
        plan = loaders.derive(service.profile_view, service.answers, using=chosen).profile
        st.caption(f"Medians from {plain(order[-1])}; the next step is always the statement of the next stage up.")
        for row in plan.itertuples():
            st.markdown(f"**{plain(dim_labels[row.dimension])}** · now {mt.fmt_stage(row.median)}, target "
                        f"{mt.fmt_stage(row.target)}, gap {mt.fmt_stage(row.gap)}")
            if row.next_stage == row.next_stage:
                st.caption(f"Next step, stage {int(row.next_stage)} {plain(inst.stage_label(row.next_stage, lang))}: "
                           + plain(inst.descriptor(row.dimension, int(row.next_stage), lang)))
            elif row.gap == row.gap and row.gap <= 0:
                st.caption("Target reached.")
    if not identity.allowed("maturity.targets"):
        st.caption("Only admins set target stages.")
        return
    with st.form("mat_targets"):
        st.write(f"Set targets for {plain(scope)}")
        current = mt.select_answers(targets, team=team) if team else targets[targets["team"].isna()]
        now = dict(zip(current["dimension"], current["target"], strict=True))
        chosen = {d: st.selectbox(plain(dim_labels[d]), mt.STAGE_STEPS, key=f"mat_target_{d}_{scope}",
                                  index=mt.STAGE_STEPS.index(now[d]) if d in now else None,
                                  format_func=lambda s: inst.step_label(s, lang)) for d in mt.DIMENSIONS}
        who = identity.name_field("Set by", key="mat_target_by")
        if st.form_submit_button("Save targets"):
            try:
                service.set_targets(loaders.engine(), chosen, team=team, actor=identity.named(who))
            except identity.Refused as exc:
                identity.refused(exc)
            except DataError as exc:  # a bad label or target, or another write holding the database
                st.error(plain(exc))
            else:
                loaders.invalidate()
                st.success("Targets saved.")
                st.rerun()


def rounds_and_instrument(rounds: pd.DataFrame, inst: mt.Instrument, lang: str) -> None:
    """The rounds with forms to open and close one; the stages and the form to relabel them
    (the page shows this section only to roles that may run rounds)."""
    round_names = dict(zip(rounds["id"], rounds["name"], strict=True))
    open_ids = rounds.loc[rounds["status"] == "open", "id"].tolist()
    st.subheader("Rounds")
    components.table(
        rounds.drop(columns="id").rename(columns=ROUND_COLUMNS), hide_index=True, width="stretch",
        column_config={c: st.column_config.DateColumn(format="YYYY-MM-DD") for c in ("Opened", "Closed")},
    )
    if not identity.allowed("maturity.rounds"):
        stage_labels(inst, lang)
        return
    o1, o2 = st.columns(2)
    with o1.form("mat_open_round"):
        name = st.text_input("New round name", key="mat_new_round")
        if st.form_submit_button("Open a new round") and identity.attempt(
                service.open_round, name=name, opened_on=dt.date.today(),
                instrument_version=inst.version) is not identity.FAILED:
            loaders.invalidate()
            st.rerun()
    with o2.form("mat_close_round"):
        closing = st.selectbox("Open round", open_ids, format_func=round_names.get, key="mat_close_id", index=None)
        if st.form_submit_button("Close this round"):
            if closing is None:
                st.warning("Choose the round to close.")
            elif identity.attempt(service.close_round, closing) is not identity.FAILED:
                loaders.invalidate()
                st.rerun()
    stage_labels(inst, lang)


def stage_labels(inst: mt.Instrument, lang: str) -> None:
    """The stages with their meaning, the form to relabel them, and the stored versions."""
    labels = inst.stage_labels(lang)
    st.subheader("Stages")
    components.table(pd.DataFrame({"Stage": list(mt.STAGES), "Label": list(labels),
                                   "Meaning": [inst.stage_meaning(s, lang) for s in mt.STAGES]}),
                     hide_index=True, width="stretch")
    if not identity.allowed("maturity.instrument"):
        return
    with st.form("mat_labels"):
        st.write(f"Edit the stage labels ({LANGS[lang]}); saving adds a new instrument version, earlier answers keep theirs.")
        new = [st.text_input(f"Stage {s}", value=labels[s - 1], key=f"mat_label_{lang}_{s}") for s in mt.STAGES]
        by = identity.name_field("Changed by", key="mat_label_by")
        if st.form_submit_button("Save labels"):
            try:
                service.save_stage_labels(loaders.engine(), {lang: tuple(new)}, actor=identity.named(by))
            except identity.Refused as exc:
                identity.refused(exc)
            except DataError as exc:  # a bad label or target, or another write holding the database
                st.error(plain(exc))
            else:
                loaders.invalidate()
                st.rerun()
    versions = loaders.load(service.instrument_versions)
    if not versions.empty:
        components.table(versions, hide_index=True, width="stretch")
