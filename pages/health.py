"""Health: the score explained signal by signal, versioned, and checked against real churn."""

import streamlit as st

from cs_metrics import health, i18n
from cs_metrics.i18n import N_, _
from cs_metrics.services import coverage as data_coverage
from cs_metrics.services import health as data
from ui import components, health_model_form, health_rebuild, health_tabs, loaders

selection = components.page_header(
    _("Health"), _("Scores are stored per model version and scored again when signals or the model change."))
period, flt = selection.period, selection.customers
if message := st.session_state.pop("health_message", None):
    st.success(message)

versions = loaders.load(data.model_versions)
if "health_saved_version" in st.session_state:
    st.session_state["health_version"] = st.session_state.pop("health_saved_version")
active = int(versions.loc[versions["is_active"], "version"].iloc[0]) if versions["is_active"].any() else None
drafts = set(versions.loc[versions["draft"], "version"].astype(int))
if st.session_state.get("health_version") not in versions["version"].tolist():
    st.session_state["health_version"] = active
version = st.selectbox(
    _("Model version"), versions["version"].tolist(), key="health_version",
    format_func=lambda v: (_("Version {version} (active)") if v == active else _("Version {version} (draft)")
                           if v in drafts else _("Version {version}")).format(version=v),
)
health_rebuild.ensure_current(version)
model = loaders.load(data.load_model, version)
counts = loaders.load(data.band_counts, start=period.start, end=period.end, flt=flt, version=version)
months = health.scored_months(counts)
names = [N_("Distribution"), N_("Movement"), N_("Customer"), N_("Back-test"), N_("At risk"), N_("Model")]
# The open tab is kept as its label: after a change of language, open the same tab in the new language.
for name in names:
    elsewhere = {health_tabs.in_language(name, code) for code in i18n.LANGUAGES} - {_(name)}
    if st.session_state.get("health_tab") in elsewhere:
        st.session_state["health_tab"] = _(name)
labels = [_(name) for name in names]
tabs = dict(zip(names, st.tabs(labels, key="health_tab", on_change="rerun")))  # only the open tab runs

if not months:  # none imported, none for these customers, or none in the period (then: where they are)
    gap = loaders.load(data_coverage.gap, "health", period=period, flt=flt)
    for name in names[:5]:  # a message in every tab, open or not: it costs nothing to draw
        with tabs[name]:
            if gap is None:
                components.empty_state(_("No customer could be scored in this period with this model version."))
            elif name == "Distribution":
                components.data_gap(gap, as_of=selection.as_of)
            else:
                components.empty_state(gap.message())
else:
    latest, previous = months[-1], (months[-2] if len(months) > 1 else None)
    scope = dict(version=version, flt=flt)
    with tabs["Distribution"]:
        if tabs["Distribution"].open:
            health_tabs.distribution(counts, model, latest, **scope)
    with tabs["Movement"]:
        if tabs["Movement"].open:
            health_tabs.movement(months, **scope)
    with tabs["Customer"]:
        if tabs["Customer"].open:
            health_tabs.customer(latest, previous, model, start=period.start, end=period.end, **scope)
    with tabs["Back-test"]:
        if tabs["Back-test"].open:
            health_tabs.backtest(months, start=period.start, end=period.end, as_of=selection.as_of, **scope)
    with tabs["At risk"]:
        if tabs["At risk"].open:
            health_tabs.at_risk(latest, previous, **scope)

with tabs["Model"]:
    if tabs["Model"].open:
        health_model_form.model_tab(model, version=version, versions=versions, latest=months[-1] if months else None)
