"""Health: the score explained signal by signal, versioned, and checked against real churn."""

import streamlit as st

from cs_metrics import health
from cs_metrics.selection import ALL
from cs_metrics.services import coverage as data_coverage
from cs_metrics.services import health as data
from ui import components, health_model_form, health_tabs, loaders

selection = components.page_header("Health", "Scores are recomputed from the signals with the chosen model version.")
period, flt = selection.period, selection.customers
if message := st.session_state.pop("health_message", None):
    st.success(message)

versions = loaders.load(data.model_versions)
if "health_saved_version" in st.session_state:
    st.session_state["health_version"] = st.session_state.pop("health_saved_version")
active = int(versions.loc[versions["is_active"], "version"].iloc[0]) if versions["is_active"].any() else None
if st.session_state.get("health_version") not in versions["version"].tolist():
    st.session_state["health_version"] = active
version = st.selectbox(
    "Model version", versions["version"].tolist(), key="health_version",
    format_func=lambda v: f"Version {v}" + (" (active)" if v == active else ""),
)
model = loaders.load(data.load_model, version)
scores = loaders.load(data.health_scores, start=period.start, end=period.end, flt=flt, version=version)
months = health.scored_months(scores)
tabs = st.tabs(["Distribution", "Movement", "Customer", "Back-test", "At risk", "Model"])

if not months:  # none imported, none for these customers, or none in the period (then: where they are)
    gap = loaders.load(data_coverage.gap, "health", period=period, flt=flt)
    for i, tab in enumerate(tabs[:5]):
        with tab:
            if gap is None:
                components.empty_state("No customer could be scored in this period with this model version.")
            elif i == 0:
                components.data_gap(gap, as_of=selection.as_of)
            else:
                components.empty_state(gap.message())
else:
    latest = months[-1]
    now = health.month_rows(scores, latest)
    previous = health.month_rows(scores, months[-2]) if len(months) > 1 else None
    risk = health.at_risk(now, previous, drop=float(st.session_state.get("health_drop", 10)))
    churn = loaders.load(data.churn_dates, flt=flt)
    with tabs[0]:
        health_tabs.distribution(now, scores, model, latest)
    with tabs[1]:
        health_tabs.movement(scores, churn, months)
    with tabs[2]:
        health_tabs.customer(now, scores, model, risk, latest)
    with tabs[3]:
        health_tabs.backtest(scores, churn, start=period.start, end=period.end, as_of=selection.as_of)
    with tabs[4]:
        health_tabs.at_risk(risk, latest)

with tabs[5]:
    profile = health_model_form.profile_picker(model, loaders.load(data.segment_names))
    segment = None if profile == health_model_form.ALL_SEGMENTS else profile
    low, high = health.model_bands(model, segment)
    st.caption(f"Version {model['version']}: red up to {low:g}, yellow up to {high:g}, green above. "
               "A missing signal drops out and the other weights count for more; it never counts as zero.")
    # Coverage of the whole company, whatever the filters: a model applies to every customer.
    coverage = loaders.load(data.signal_coverage, month=months[-1].date(), flt=ALL) if months else None
    for warning in health.model_warnings(model, coverage):
        st.warning(warning)
    st.caption("Saving creates a new version from the values below and makes it active; to go back to an older "
               "version, pick it as the model version above and save it again.")
    submitted = health_model_form.model_form(model, version=version, profile=profile, coverage=coverage)
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
