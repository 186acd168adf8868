"""The at-risk list of the Health page with the owner's plan of each account: the table (with its
"Plan" and "Next step (due)" columns) and, under it, the form to write one customer's plan. A
member writes the plans of the customers they own, editors and admins any; a viewer reads them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from cs_metrics import health
from cs_metrics.access import everywhere
from cs_metrics.i18n import N_, _, formats
from cs_metrics.services import plans as plan_data
from ui import components, identity, loaders

SAVED = "health_plan_saved"
COLUMNS = ["name", "owner", "segment", "arr", "score", "previous_score", "change", "why", "account_plan",
           "next_step_due"]
#: Shown instead of the form to a role that writes no plan.
WHO_WRITES = N_("Only the customer's owner (a member), editors and admins write the plan of an account at risk.")
#: Shown to a member who owns none of the customers listed.
NONE_YOURS = N_("None of these customers is yours: a member writes the plans of the customers they own; editors "
                "and admins write any.")


def table(risk: pd.DataFrame, *, arr_format: str) -> pd.DataFrame:
    """Draw the at-risk customers ``risk`` with their plans (ARR shown with ``arr_format``); return
    the rows drawn, with their ``account_plan`` and ``next_step_due``."""
    shown = plan_data.with_plans(risk, loaders.load(plan_data.plans_for, customer_ids=_ids(risk)))
    drawn = shown[COLUMNS].assign(why=shown["why"].map(health.why_label))  # the values stay in English
    components.table(drawn, hide_index=True, column_config={
        "name": _("Customer"), "owner": _("Owner"), "segment": _("Segment"),
        "arr": st.column_config.NumberColumn(_("ARR"), format=arr_format),
        "score": st.column_config.NumberColumn(_("Score"), format="%.1f"),
        "previous_score": st.column_config.NumberColumn(_("Month before"), format="%.1f"),
        "change": st.column_config.NumberColumn(_("Change"), format="%+.1f"), "why": _("Why listed"),
        "account_plan": st.column_config.TextColumn(_("Plan"), width="medium"),
        "next_step_due": _("Next step (due)")})
    return shown


def editor(shown: pd.DataFrame) -> None:
    """Under the list: the plan form for one customer of ``shown`` (``table``'s rows) that the person
    may write (a member: those they own), prefilled with the stored plan; a save re-runs the page."""
    if shown.empty:
        return
    title = _("The owner's plan")
    st.markdown(f"**{title}**")
    if message := st.session_state.pop(SAVED, None):
        st.success(message)
    if not identity.role_may("health.plan"):
        st.caption(_(WHO_WRITES))
        return
    ids = _ids(shown)
    who = identity.actor()
    if not everywhere(who, "health.plan"):  # a member: only the customers they own
        shown = shown[plan_data.owned_by(shown, who).to_numpy()]
        if shown.empty:
            st.caption(_(NONE_YOURS))
            return
    names = dict(zip(shown["customer_id"].astype(int), shown["name"].astype(str)))
    pick = st.selectbox(_("Plan of"), list(names), format_func=lambda i: names[i], key="health_plan_customer")
    if pick is None:
        return
    stored = loaders.load(plan_data.plans_for, customer_ids=ids)
    row = next(stored[stored["customer_id"] == pick].itertuples(), None)
    text, next_step, due_on = (_text(row.plan), _text(row.next_step), _date(row.due_on)) if row else ("", "", None)
    with st.form(f"health_plan_form_{pick}"):
        plan = st.text_area(_("Plan"), value=text, max_chars=plan_data.MAX_PLAN, key=f"health_plan_text_{pick}")
        step = st.text_input(_("Next step"), value=next_step, max_chars=plan_data.MAX_NEXT_STEP,
                             key=f"health_plan_step_{pick}")
        due = st.date_input(_("Due"), value=due_on, key=f"health_plan_due_{pick}",
                            format="DD/MM/YYYY" if formats.italian() else "YYYY-MM-DD")
        typed = identity.name_field(key="health_plan_by")
        if st.form_submit_button(_("Save plan")):
            edit = plan_data.PlanEdit(pick, plan=plan, next_step=step, due_on=due)
            done = identity.attempt(plan_data.save_plan, edit, who=identity.named(typed))
            if done is not identity.FAILED:
                loaders.invalidate()
                st.session_state[SAVED] = done
                st.rerun()


def _ids(frame: pd.DataFrame) -> tuple[int, ...]:
    """The customer ids of ``frame``'s rows, as the cached read of their plans takes them."""
    return tuple(int(i) for i in frame["customer_id"])


def _text(value: object) -> str:
    """A stored text, "" when missing (None, or NaN in a pandas column)."""
    return value if isinstance(value, str) else ""


def _date(value: object) -> dt.date | None:
    """A stored day as a date, None when missing (NaT)."""
    return pd.Timestamp(value).date() if pd.notna(value) else None
