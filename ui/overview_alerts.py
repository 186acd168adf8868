"""The Overview's alerts: who needs someone now, why and since when, for the customers the sidebar
selects (team alerts are company-wide), unacknowledged first; editors and admins acknowledge an
alert and set the rules, everyone else reads them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cs_metrics.services import alerts as alert_data
from ui import components, identity, loaders
from ui.filters import Selection
from ui.text import plain

DONE = "overview_alerts_done"
#: Columns of the list, in order.
COLUMNS = ["who", "rule_label", "why", "since", "owner", "acknowledged"]
#: Shown instead of the controls to a role that may not use them.
WHO_EDITS = "Editors and admins acknowledge alerts and set the rules."


#: Said instead of the list until it is asked for: reading every rule's data takes seconds at a large company.
OFFER = ("Customers who entered the red band, renewals in red within the coming days, overdue detractor follow-ups, "
         "onboardings past their target and teams short of answers in an open round. The list reads every customer's "
         "scores, answers and milestones, so it is drawn when asked for.")


def section(selection: Selection) -> None:
    """The "Alerts" section: the list, the acknowledge control and the rules."""
    st.subheader("Alerts")
    if message := st.session_state.pop(DONE, None):
        st.success(message)
    if not st.toggle("Show the alerts", key="overview_alerts_show"):
        st.caption(OFFER)
        return
    found = loaders.load(alert_data.alerts, as_of=selection.as_of, flt=selection.customers)
    if found.empty:
        components.empty_state(f"No alert for these customers on {selection.as_of:%Y-%m-%d}.")
    else:
        waiting = int((~found["acknowledged"]).sum())
        st.caption(f"{waiting:,} open and {len(found) - waiting:,} acknowledged on {selection.as_of:%Y-%m-%d}. "
                   "Maturity-round alerts are about teams: the customer filters do not apply to them.")
        components.capped_table(found[COLUMNS], key="overview_alerts", noun="alerts", hide_index=True, column_config={
            "who": "Who", "rule_label": "Alert", "why": st.column_config.TextColumn("Why", width="large"),
            "since": st.column_config.DateColumn("Since", format="YYYY-MM-DD"), "owner": "Owner",
            "acknowledged": "Acknowledged"})
        _acknowledge(found[~found["acknowledged"]])
    _rules()


def _acknowledge(waiting: pd.DataFrame) -> None:
    if waiting.empty:
        return
    if not identity.role_may("alerts.edit"):
        st.caption(WHO_EDITS)
        return
    labels = {i: f"{r.who} · {r.rule_label} · since {r.since:%Y-%m-%d}" for i, r in enumerate(waiting.itertuples())}
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    pick = left.selectbox("Alert to acknowledge", list(labels), format_func=lambda i: labels[i],
                          key="overview_alert_pick")
    if right.button("Acknowledge", key="overview_alert_acknowledge") and pick is not None:
        row = waiting.iloc[pick]
        done = identity.attempt(alert_data.acknowledge, row["rule"], row["subject"], row["since"])
        if done is not identity.FAILED:
            loaders.invalidate()
            st.session_state[DONE] = f"Acknowledged: {plain(labels[pick])}."
            st.rerun()


def _rules() -> None:
    chosen = loaders.load(alert_data.settings)
    with st.expander("Alert rules"):
        if not identity.role_may("alerts.edit"):
            st.caption(WHO_EDITS)
            components.table(chosen[["label", "enabled", "parameter_label", "parameter"]], hide_index=True,
                             column_config={"label": "Rule", "enabled": "On", "parameter_label": "Setting",
                                            "parameter": st.column_config.NumberColumn("Value", format="%d")})
            return
        with st.form("overview_alert_rules"):
            asked = {}
            for r in chosen.itertuples():
                on = st.checkbox(r.label, value=bool(r.enabled), key=f"alert_rule_{r.rule}")
                value = None
                if isinstance(r.parameter_label, str):
                    value = st.number_input(r.parameter_label, min_value=int(r.low), max_value=int(r.high),
                                            value=int(r.parameter), step=1, key=f"alert_parameter_{r.rule}")
                asked[r.rule] = (on, value, r)
            if st.form_submit_button("Save rules"):
                saved = []
                for rule, (on, value, r) in asked.items():
                    stored = None if pd.isna(r.parameter) else int(r.parameter)
                    if on == bool(r.enabled) and value == stored:
                        continue
                    done = identity.attempt(alert_data.save_setting, rule, enabled=on, parameter=value)
                    if done is identity.FAILED:
                        return
                    saved.append(done)
                if saved:
                    loaders.invalidate()
                    st.session_state[DONE] = "Saved: " + plain("; ".join(saved)) + "."
                    st.rerun()
