"""The Model tab of the Health page: the model's bands, warnings about signals without data, the
editor of one profile's rules, weights and bands (all segments or one segment), saved as a new
model version after the service's checks, and the version history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from cs_metrics import health
from cs_metrics.errors import DataError
from cs_metrics.selection import ALL
from cs_metrics.services import health as data
from ui import components, loaders

#: The profile that applies to every segment without its own.
ALL_SEGMENTS = "All segments"
_WIDTHS = [3, 4, 1, 1, 1]


@dataclass(frozen=True)
class Submitted:
    """What pressing Save did: the new version's number, or the problems that stopped the save."""

    version: int | None = None
    problems: tuple[str, ...] = ()


def profile_picker(model: dict[str, Any], segments: list[str]) -> str:
    """Choose the profile to edit: all segments, or one segment (own profile or the default)."""
    own = model.get("segments") or {}
    return st.selectbox(
        "Profile", [ALL_SEGMENTS] + segments, key="health_profile",
        format_func=lambda p: p if p == ALL_SEGMENTS else f"{p} ({'own profile' if p in own else 'uses the default'})",
    )


def model_form(model: dict[str, Any], *, version: int, profile: str, coverage: pd.DataFrame | None) -> Submitted | None:
    """Draw the editor for ``profile`` of ``model`` (model ``version``); on Save, store the edit as
    a new version through ``services.health.save_model_version``.

    Rules (worst, best) are shared by all segments, so they are editable only in the all-segments
    profile. Returns None until Save is pressed.
    """
    segment = None if profile == ALL_SEGMENTS else profile
    table = health.model_table(model, segment)
    low, high = health.model_bands(model, segment)
    with st.form(f"health_editor_{version}_{profile}"):
        rules, weights = {}, {}
        for column, text in zip(st.columns(_WIDTHS), ["Signal", "Rule", "Worst", "Best", "Weight"]):
            column.markdown(f"**{text}**")
        for r in table.itertuples():
            c = st.columns(_WIDTHS, vertical_alignment="center")
            c[0].write(r.label)
            c[1].caption(f"{r.rule} · {r.share:.0%} of the score when every signal is present")
            shared = {"label_visibility": "collapsed", "format": "%g", "disabled": segment is not None}
            worst = c[2].number_input(f"Worst, {r.label}", value=r.worst, key=f"hm_{version}_{r.signal}_worst", **shared)
            best = c[3].number_input(f"Best, {r.label}", value=r.best, key=f"hm_{version}_{r.signal}_best", **shared)
            weights[r.signal] = c[4].number_input(f"Weight, {r.label}", value=r.weight, format="%g",
                                                  key=f"hm_{version}_{profile}_{r.signal}_weight",
                                                  label_visibility="collapsed")
            rules[r.signal] = (worst, best)
        c = st.columns(2)
        bands = (c[0].number_input("Red up to", value=low, key=f"hm_{version}_{profile}_low", format="%g"),
                 c[1].number_input("Yellow up to", value=high, key=f"hm_{version}_{profile}_high", format="%g"))
        drop = segment and st.checkbox("Use the default profile for this segment", key=f"hm_{version}_{profile}_drop")
        who = st.text_input("Your name", key="hm_who", max_chars=data.MAX_AUTHOR)
        reason = st.text_area("Why this change", key="hm_reason", max_chars=data.MAX_REASON)
        if not st.form_submit_button("Save as a new version", type="primary"):
            return None
    edited = health.edit_model(model, segment=segment, rules=None if segment else rules, weights=weights,
                               bands=bands, drop_profile=bool(drop))
    try:
        new = data.save_model_version(loaders.engine(), edited, created_by=who, reason=reason, coverage=coverage)
    except health.ModelError as exc:
        return Submitted(problems=tuple(exc.problems))
    except DataError as exc:  # another person saved a version at the same moment
        return Submitted(problems=(str(exc),))
    return Submitted(version=new)


def model_tab(model: dict[str, Any], *, version: int, versions: pd.DataFrame, latest: pd.Timestamp | None) -> None:
    """The Model tab: bands and warnings of the chosen profile, the editor (a save makes the new
    version active; the page then scores it with a progress bar) and the version history.
    ``latest`` is the month whose signal coverage the checks use (None without signals)."""
    profile = profile_picker(model, loaders.load(data.segment_names))
    segment = None if profile == ALL_SEGMENTS else profile
    low, high = health.model_bands(model, segment)
    st.caption(f"Version {model['version']}: red up to {low:g}, yellow up to {high:g}, green above. "
               "A missing signal drops out and the other weights count for more; it never counts as zero.")
    # Coverage of the whole company, whatever the filters: a model applies to every customer.
    coverage = (loaders.load(data.signal_coverage, month=latest.date(), flt=ALL, keys=tuple(model["signals"]))
                if latest is not None else None)
    for warning in health.model_warnings(model, coverage):
        st.warning(warning)
    st.caption("Saving creates a new version from the values below and makes it active; to go back to an older "
               "version, pick it as the model version above and save it again.")
    submitted = model_form(model, version=version, profile=profile, coverage=coverage)
    if submitted and submitted.problems:
        for problem in submitted.problems:
            st.error(problem)
        st.caption("Nothing was saved.")
    elif submitted:
        loaders.invalidate()
        st.session_state["health_saved_version"] = submitted.version
        st.session_state["health_message"] = f"Saved version {submitted.version}; it is now the active model."
        st.rerun()
    st.markdown("**Version history**")
    components.table(versions, hide_index=True, column_config={
        "version": "Version",
        "created_at": st.column_config.DatetimeColumn("Saved (UTC)", format="YYYY-MM-DD HH:mm"),
        "created_by": "By", "reason": "Why", "is_active": "Active"})
