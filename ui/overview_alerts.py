"""The Overview's alerts: who needs someone now, why and since when, for the customers the sidebar
selects (team alerts are company-wide), unacknowledged first; editors and admins acknowledge an
alert and set the rules, everyone else reads them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cs_metrics.i18n import N_, _, formats, pgettext
from cs_metrics.services import alerts as alert_data
from ui import components, identity, loaders
from ui.filters import Selection
from ui.text import plain

DONE = "overview_alerts_done"
#: Columns of the list, in order.
COLUMNS = ["who", "rule_label", "why", "since", "owner", "acknowledged"]
#: Shown instead of the controls to a role that may not use them.
WHO_EDITS = N_("Editors and admins acknowledge alerts and set the rules.")


#: Said instead of the list until it is asked for: reading every rule's data takes seconds at a large company.
OFFER = N_("Customers who entered the red band, renewals in red within the coming days, overdue detractor "
           "follow-ups, onboardings past their target and teams short of answers in an open round. The list reads "
           "every customer's scores, answers and milestones, so it is drawn when asked for.")


def section(selection: Selection) -> None:
    """The "Alerts" section: the list, the acknowledge control and the rules."""
    st.subheader(_("Alerts"))
    if message := st.session_state.pop(DONE, None):
        st.success(message)
    if not st.toggle(_("Show the alerts"), key="overview_alerts_show"):
        st.caption(_(OFFER))
        return
    found = loaders.load(alert_data.alerts, as_of=selection.as_of, flt=selection.customers)
    if found.empty:
        components.empty_state(_("No alert for these customers on {day}.").format(day=formats.date(selection.as_of)))
    else:
        waiting = int((~found["acknowledged"]).sum())
        st.caption(_("{open} open and {acknowledged} acknowledged on {day}. Maturity-round alerts are about teams: "
                     "the customer filters do not apply to them.").format(
            open=formats.decimal(waiting), acknowledged=formats.decimal(len(found) - waiting),
            day=formats.date(selection.as_of)))
        day_format = "DD/MM/YYYY" if formats.italian() else "YYYY-MM-DD"
        components.capped_table(found[COLUMNS], key="overview_alerts", noun=_("alerts"), hide_index=True, column_config={
            "who": _("Who"), "rule_label": _("Alert"), "why": st.column_config.TextColumn(_("Why"), width="large"),
            "since": st.column_config.DateColumn(_("Since"), format=day_format), "owner": _("Owner"),
            "acknowledged": _("Acknowledged")})
        _acknowledge(found[~found["acknowledged"]])
    _rules()


def _acknowledge(waiting: pd.DataFrame) -> None:
    if waiting.empty:
        return
    if not identity.role_may("alerts.edit"):
        st.caption(_(WHO_EDITS))
        return
    labels = {i: _("{who} · {alert} · since {day}").format(who=r.who, alert=r.rule_label, day=formats.date(r.since))
              for i, r in enumerate(waiting.itertuples())}
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    pick = left.selectbox(_("Alert to acknowledge"), list(labels), format_func=lambda i: labels[i],
                          key="overview_alert_pick")
    if right.button(_("Acknowledge"), key="overview_alert_acknowledge") and pick is not None:
        row = waiting.iloc[pick]
        done = identity.attempt(alert_data.acknowledge, row["rule"], row["subject"], row["since"])
        if done is not identity.FAILED:
            loaders.invalidate()
            st.session_state[DONE] = _("Acknowledged: {alert}.").format(alert=plain(labels[pick]))
            st.rerun()


def _rules() -> None:
    chosen = loaders.load(alert_data.settings)
    with st.expander(_("Alert rules")):
        if not identity.role_may("alerts.edit"):
            st.caption(_(WHO_EDITS))
            components.table(chosen[["label", "enabled", "parameter_label", "parameter"]], hide_index=True,
                             column_config={"label": _("Rule"), "enabled": pgettext("alert rule", "On"),
                                            "parameter_label": _("Setting"),
                                            "parameter": st.column_config.NumberColumn(_("Value"), format="%d")})
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
            if st.form_submit_button(_("Save rules")):
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
                    st.session_state[DONE] = _("Saved: {rules}.").format(rules=plain("; ".join(saved)))
                    st.rerun()
