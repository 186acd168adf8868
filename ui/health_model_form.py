"""The Model tab of the Health page: the model's bands, warnings about signals without data, the
editor of one profile's rules, weights and bands (all segments or one segment), saved as a new
model version after the service's checks, and the version history.

Editors save a new version as a draft; admins may also save it as the active model, and activate
any version from the history. Viewers and members see the model read-only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from cs_metrics import health
from cs_metrics.errors import DataError
from cs_metrics.i18n import N_, _, formats
from cs_metrics.selection import ALL
from cs_metrics.services import health as data
from ui import components, identity, loaders
from ui.text import plain

#: The profile that applies to every segment without its own (an option value, shown translated).
ALL_SEGMENTS = "All segments"
_WIDTHS = [3, 4, 1, 1, 1]
#: The headers of the editor's columns.
_HEADERS = [N_("Signal"), N_("Rule"), N_("Worst"), N_("Best"), N_("Weight")]
#: A version's status in the history (English; translated where shown).
_STATUS = {"active": N_("active"), "draft": N_("draft"), "earlier version": N_("earlier version")}


@dataclass(frozen=True)
class Submitted:
    """What pressing Save did: the new version's number (and whether it is active), or the problems
    that stopped the save."""

    version: int | None = None
    problems: tuple[str, ...] = ()
    active: bool = False


def profile_picker(model: dict[str, Any], segments: list[str]) -> str:
    """Choose the profile to edit: all segments, or one segment (own profile or the default)."""
    own = model.get("segments") or {}
    return st.selectbox(
        _("Profile"), [ALL_SEGMENTS] + segments, key="health_profile",
        format_func=lambda p: _("All segments") if p == ALL_SEGMENTS else (
            _("{segment} (own profile)") if p in own else _("{segment} (uses the default)")).format(segment=p),
    )


def model_form(model: dict[str, Any], *, version: int, profile: str, coverage: pd.DataFrame | None) -> Submitted | None:
    """Draw the editor for ``profile`` of ``model`` (model ``version``); on "Save as a draft" (or,
    for admins, "Save and activate"), store the edit as a new version through
    ``services.health.save_model_version``.

    Rules (worst, best) are shared by all segments, so they are editable only in the all-segments
    profile. Returns None until a save button is pressed.
    """
    segment = None if profile == ALL_SEGMENTS else profile
    table = health.model_table(model, segment)
    low, high = health.model_bands(model, segment)
    with st.form(f"health_editor_{version}_{profile}"):
        rules, weights = {}, {}
        for column, text in zip(st.columns(_WIDTHS), _HEADERS):
            column.markdown(f"**{_(text)}**")
        for r in table.itertuples():
            c = st.columns(_WIDTHS, vertical_alignment="center")
            c[0].write(plain(r.label))
            c[1].caption(_("{rule} · {share} of the score when every signal is present").format(
                rule=r.rule, share=formats.percent(r.share, 0)))
            shared = {"label_visibility": "collapsed", "format": "%g", "disabled": segment is not None}
            worst = c[2].number_input(_("Worst, {signal}").format(signal=plain(r.label)), value=r.worst,
                                      key=f"hm_{version}_{r.signal}_worst", **shared)
            best = c[3].number_input(_("Best, {signal}").format(signal=plain(r.label)), value=r.best,
                                     key=f"hm_{version}_{r.signal}_best", **shared)
            weights[r.signal] = c[4].number_input(_("Weight, {signal}").format(signal=plain(r.label)), value=r.weight,
                                                  format="%g",
                                                  key=f"hm_{version}_{profile}_{r.signal}_weight",
                                                  label_visibility="collapsed")
            rules[r.signal] = (worst, best)
        c = st.columns(2)
        bands = (c[0].number_input(_("Red up to"), value=low, key=f"hm_{version}_{profile}_low", format="%g"),
                 c[1].number_input(_("Yellow up to"), value=high, key=f"hm_{version}_{profile}_high", format="%g"))
        drop = segment and st.checkbox(_("Use the default profile for this segment"),
                                       key=f"hm_{version}_{profile}_drop")
        who = identity.name_field(key="hm_who", max_chars=data.MAX_AUTHOR)
        reason = st.text_area(_("Why this change"), key="hm_reason", max_chars=data.MAX_REASON)
        buttons = st.columns(2)
        draft = buttons[0].form_submit_button(_("Save as a draft"), type="secondary")
        activate = (identity.allowed("health.activate")
                    and buttons[1].form_submit_button(_("Save and activate"), type="primary"))
        if not (draft or activate):
            return None
    edited = health.edit_model(model, segment=segment, rules=None if segment else rules, weights=weights,
                               bands=bands, drop_profile=bool(drop))
    try:
        new = data.save_model_version(loaders.engine(), edited, actor=identity.named(who), reason=reason,
                                      activate=bool(activate), coverage=coverage)
    except health.ModelError as exc:
        return Submitted(problems=tuple(exc.problems))
    except identity.Refused as exc:
        return Submitted(problems=(exc.message,))
    except DataError as exc:  # another person saved a version at the same moment
        return Submitted(problems=(str(exc),))
    return Submitted(version=new, active=bool(activate))


def _g(value: float) -> str:
    """A band threshold as ``{:g}`` writes it, with the reader's decimal separator."""
    text = f"{value:g}"
    return text.replace(".", ",") if formats.italian() else text


def _status(row: Any) -> str:
    return "active" if row.is_active else "draft" if row.draft else "earlier version"


def history(versions: pd.DataFrame) -> None:
    """The version history (which version is active, which are drafts); for admins, a way to
    activate a chosen version."""
    heading = _("Version history")
    st.markdown(f"**{heading}**")
    shown = versions.assign(status=[_status(r) for r in versions.itertuples()])
    drawn = shown[["version", "status", "created_at", "created_by", "reason"]]
    components.table(drawn.assign(status=[_(_STATUS[s]) for s in drawn["status"]]), hide_index=True,
                     column_config={
                         "version": _("Version"), "status": _("Status"),
                         "created_at": st.column_config.DatetimeColumn(
                             _("Saved (UTC)"), format="DD/MM/YYYY HH:mm" if formats.italian() else "YYYY-MM-DD HH:mm"),
                         "created_by": _("By"), "reason": _("Why")})
    if not identity.allowed("health.activate"):
        return
    others = shown[~shown["is_active"]]
    if others.empty:
        return
    status = dict(zip(others["version"].astype(int), others["status"]))
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    chosen = left.selectbox(_("Version to activate"), list(status), key="health_activate_pick",
                            format_func=lambda v: _("Version {version} ({status})").format(
                                version=v, status=_(_STATUS[status[v]])))
    if right.button(_("Activate this version"), key="health_activate"):
        before = identity.attempt(data.activate_model_version, int(chosen))
        if before is identity.FAILED:
            return
        loaders.invalidate()
        st.session_state["health_saved_version"] = int(chosen)
        st.session_state["health_message"] = (
            _("Version {version} is now the active model (was version {before}).") if before is not None
            else _("Version {version} is now the active model.")).format(version=int(chosen), before=before)
        st.rerun()


def model_tab(model: dict[str, Any], *, version: int, versions: pd.DataFrame, latest: pd.Timestamp | None) -> None:
    """The Model tab: bands and warnings of the chosen profile, the editor for those who may save a
    draft (the page then scores the new version with a progress bar) and the version history.
    ``latest`` is the month whose signal coverage the checks use (None without signals)."""
    profile = profile_picker(model, loaders.load(data.segment_names))
    segment = None if profile == ALL_SEGMENTS else profile
    low, high = health.model_bands(model, segment)
    st.caption(_("Version {version}: red up to {low}, yellow up to {high}, green above. "
                 "A missing signal drops out and the other weights count for more; it never counts as zero.").format(
        version=model["version"], low=_g(low), high=_g(high)))
    # Coverage of the whole company, whatever the filters: a model applies to every customer.
    coverage = (loaders.load(data.signal_coverage, month=latest.date(), flt=ALL, keys=tuple(model["signals"]))
                if latest is not None else None)
    for warning in health.model_warnings(model, coverage):
        st.warning(plain(warning))
    if not identity.allowed("health.draft"):
        components.table(health.model_table(model, segment)[["label", "rule", "worst", "best", "weight", "share"]],
                         hide_index=True, column_config={
                             "label": _("Signal"), "rule": _("Rule"), "worst": _("Worst"), "best": _("Best"),
                             "weight": _("Weight"),
                             "share": st.column_config.NumberColumn(_("Share of the score"), format="percent")})
        st.caption(_("Editors save drafts of the health model and admins activate them."))
        history(versions)
        return
    if identity.allowed("health.activate"):
        st.caption(_("Saving creates a new version from the values below: as a draft, which leaves the active model "
                     "as it is, or as the active model. To go back to an older version, activate it in the version "
                     "history."))
    else:
        st.caption(_("Saving creates a new version from the values below as a draft; the active model stays until an "
                     "admin activates the draft."))
    submitted = model_form(model, version=version, profile=profile, coverage=coverage)
    if submitted and submitted.problems:
        for problem in submitted.problems:
            st.error(plain(problem))
        st.caption(_("Nothing was saved."))
    elif submitted:
        loaders.invalidate()
        st.session_state["health_saved_version"] = submitted.version
        stays = next((int(v) for v in versions.loc[versions["is_active"], "version"]), None)
        if submitted.active:
            message = _("Saved version {version}; it is now the active model.")
        elif stays is not None:
            message = _("Saved version {version} as a draft; version {active} stays active. An admin can activate it "
                        "in the version history.")
        else:
            message = _("Saved version {version} as a draft. An admin can activate it in the version history.")
        st.session_state["health_message"] = message.format(version=submitted.version, active=stays)
        st.rerun()
    history(versions)
