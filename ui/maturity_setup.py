"""The Maturity page's set-up: targets with the next step per dimension, rounds to open and close,
and the stage labels (saving them adds an instrument version)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from cs_metrics import maturity as mt
from cs_metrics.errors import DataError
from cs_metrics.i18n import N_, _, formats, pgettext
from cs_metrics.services import maturity as service
from ui import components, identity, loaders
from ui.maturity_form import LANGS
from ui.maturity_results import WHOLE_COMPANY, scope_name
from ui.text import plain

ROUND_COLUMNS = {"name": N_("Round"), "opened_on": N_("Opened"), "closed_on": N_("Closed"), "status": N_("Status"),
                 "instrument_version": N_("Instrument version"), "respondents": N_("Respondents")}


def _status_name(status: str) -> str:
    """A round's stored status ("open", "closed") as the reader reads it."""
    return {"open": pgettext("round status", "open"), "closed": pgettext("round status", "closed")}.get(status, status)


def _version_columns() -> dict[str, str]:
    """The headings of the stored instrument versions (the frame's columns are data names)."""
    return {"version": pgettext("instrument versions", "version"),
            "created_at": pgettext("instrument versions", "created_at"),
            "created_by": pgettext("instrument versions", "created_by"),
            "reason": pgettext("instrument versions", "reason")}


def targets_and_next_steps(
    targets: pd.DataFrame, inst: mt.Instrument, lang: str, *, teams: list[str]
) -> None:
    """The gap to each target in the newest round, the statement of the next stage up, and, for
    roles that may set targets, the form that sets the targets of the company or of one team."""
    dim_labels = {d: inst.dimension_label(d, lang) for d in mt.DIMENSIONS}
    scope = st.selectbox(_("Targets for"), [WHOLE_COMPANY, *teams], format_func=scope_name, key="mat_plan_team")
    team = None if scope == WHOLE_COMPANY else scope
    order = loaders.derive(mt.round_order, service.answers)
    if order:  # the newest round's profile of the Results tab (the same one when it shows this team)
        chosen = {"targets": targets, "round": order[-1], "team": team, "inst": inst, "lang": lang}
        plan = loaders.derive(service.profile_view, service.answers, using=chosen).profile
        st.caption(_("Medians from {round}; the next step is always the statement of the next stage up.").format(
            round=plain(order[-1])))
        for row in plan.itertuples():
            st.markdown(_("**{dimension}** · now {median}, target {target}, gap {gap}").format(
                dimension=plain(dim_labels[row.dimension]), median=mt.fmt_stage(row.median),
                target=mt.fmt_stage(row.target), gap=mt.fmt_stage(row.gap)))
            if row.next_stage == row.next_stage:
                st.caption(_("Next step, stage {stage} {label}: {statement}").format(
                    stage=int(row.next_stage), label=plain(inst.stage_label(row.next_stage, lang)),
                    statement=plain(inst.descriptor(row.dimension, int(row.next_stage), lang))))
            elif row.gap == row.gap and row.gap <= 0:
                st.caption(_("Target reached."))
    if not identity.allowed("maturity.targets"):
        st.caption(_("Only admins set target stages."))
        return
    with st.form("mat_targets"):
        st.write(_("Set targets for Whole company") if team is None
                 else _("Set targets for {scope}").format(scope=plain(scope)))
        current = mt.select_answers(targets, team=team) if team else targets[targets["team"].isna()]
        now = dict(zip(current["dimension"], current["target"], strict=True))
        chosen = {d: st.selectbox(plain(dim_labels[d]), mt.STAGE_STEPS, key=f"mat_target_{d}_{scope}",
                                  index=mt.STAGE_STEPS.index(now[d]) if d in now else None,
                                  format_func=lambda s: inst.step_label(s, lang)) for d in mt.DIMENSIONS}
        who = identity.name_field(_("Set by"), key="mat_target_by")
        if st.form_submit_button(_("Save targets")):
            try:
                service.set_targets(loaders.engine(), chosen, team=team, actor=identity.named(who))
            except identity.Refused as exc:
                identity.refused(exc)
            except DataError as exc:  # a bad label or target, or another write holding the database
                st.error(plain(exc))
            else:
                loaders.invalidate()
                st.success(_("Targets saved."))
                st.rerun()


def rounds_and_instrument(rounds: pd.DataFrame, inst: mt.Instrument, lang: str) -> None:
    """The rounds with forms to open and close one; the stages and the form to relabel them
    (the page shows this section only to roles that may run rounds)."""
    round_names = dict(zip(rounds["id"], rounds["name"], strict=True))
    open_ids = rounds.loc[rounds["status"] == "open", "id"].tolist()
    st.subheader(_("Rounds"))
    day = "DD/MM/YYYY" if formats.italian() else "YYYY-MM-DD"
    components.table(
        rounds.drop(columns="id").assign(status=lambda f: f["status"].map(_status_name))
        .rename(columns={k: _(v) for k, v in ROUND_COLUMNS.items()}), hide_index=True, width="stretch",
        column_config={_(ROUND_COLUMNS[c]): st.column_config.DateColumn(format=day) for c in ("opened_on", "closed_on")},
    )
    if not identity.allowed("maturity.rounds"):
        stage_labels(inst, lang)
        return
    o1, o2 = st.columns(2)
    with o1.form("mat_open_round"):
        name = st.text_input(_("New round name"), key="mat_new_round")
        if st.form_submit_button(_("Open a new round")) and identity.attempt(
                service.open_round, name=name, opened_on=dt.date.today(),
                instrument_version=inst.version) is not identity.FAILED:
            loaders.invalidate()
            st.rerun()
    with o2.form("mat_close_round"):
        closing = st.selectbox(_("Open round"), open_ids, format_func=round_names.get, key="mat_close_id", index=None)
        if st.form_submit_button(_("Close this round")):
            if closing is None:
                st.warning(_("Choose the round to close."))
            elif identity.attempt(service.close_round, closing) is not identity.FAILED:
                loaders.invalidate()
                st.rerun()
    stage_labels(inst, lang)


def stage_labels(inst: mt.Instrument, lang: str) -> None:
    """The stages with their meaning, the form to relabel them, and the stored versions."""
    labels = inst.stage_labels(lang)
    st.subheader(_("Stages"))
    components.table(pd.DataFrame({_("Stage"): list(mt.STAGES), _("Label"): list(labels),
                                   _("Meaning"): [inst.stage_meaning(s, lang) for s in mt.STAGES]}),
                     hide_index=True, width="stretch")
    if not identity.allowed("maturity.instrument"):
        return
    with st.form("mat_labels"):
        st.write(_("Edit the stage labels ({language}); saving adds a new instrument version, earlier answers keep "
                   "theirs.").format(language=LANGS[lang]))
        new = [st.text_input(_("Stage {n}").format(n=s), value=labels[s - 1], key=f"mat_label_{lang}_{s}")
               for s in mt.STAGES]
        by = identity.name_field(_("Changed by"), key="mat_label_by")
        if st.form_submit_button(_("Save labels")):
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
        components.table(versions.rename(columns=_version_columns()), hide_index=True, width="stretch")
