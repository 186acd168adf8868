"""The post-churn follow-up editor of the Churn & retention page: the call date, the confirmed
reason (one of the company's churn reasons) and the notes of one churned customer (validated by
storage; a refusal says what to fix). Editors and admins record calls; other roles see the queue."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from cs_metrics import churn, churn_words
from cs_metrics.formatting import money_format
from cs_metrics.i18n import N_, _, formats
from cs_metrics.services import churn as churn_data
from cs_metrics.services import coverage, vocabulary
from ui import components, identity, loaders
from ui.churn_sections import explanation, headings
from ui.text import plain

SAVED = "churn_follow_up_saved"
NOT_TRACKED = N_(
    "Post-churn follow-ups are not tracked: no churn event has a call date or a confirmed reason, so no lost "
    "customer is counted as followed up or waiting. To start, import the churn events with the day of the call "
    "(follow_up_call_on) or whether the reason was confirmed (reason_confirmed), or record a first call below."
)
#: Shown instead of the form to a role that may not record calls.
WHO_RECORDS = N_("Only editors and admins record churn follow-up calls.")


@st.fragment
def section(everyone: pd.DataFrame, *, reasons: pd.DataFrame, tracked: bool, gap: coverage.Gap | None,
            as_of: dt.date) -> None:
    """The post-churn follow-up of ``everyone`` (every churned customer of the selection): how many
    calls are complete, the queue (its first rows, the count, every row as CSV) and the editor; the
    missing churn-events file when ``gap`` says so; where follow-ups are not ``tracked`` at all, a
    line saying so and how to start. Its own widgets re-run only this section; a save re-runs the
    page."""
    st.header(_("Post-churn follow-up"))
    st.caption(explanation("follow_up"))
    if message := st.session_state.pop(SAVED, None):
        st.success(message)
    if gap is not None:
        components.data_gap(gap, as_of=as_of, key="churn_follow_up")
        return
    if everyone.empty:
        components.empty_state(_("No churned customers for these filters."))
        return
    if not tracked:
        st.caption(_(NOT_TRACKED))
        if not identity.allowed("churn.follow_up"):
            st.caption(_(WHO_RECORDS))
            return
        with st.expander(_("Record a first follow-up call ({n} churned customers)").format(
                n=formats.decimal(len(everyone)))):
            editor(everyone)
        return
    follow = churn.follow_up_status(everyone, reasons=reasons)
    st.metric(_("Follow-ups complete"), _("{complete} of {n}").format(complete=follow.complete, n=follow.n))
    money = st.column_config.NumberColumn(format=money_format(loaders.load(vocabulary.currency)))
    columns = headings(churn_words.QUEUE_COLUMNS)
    components.capped_table(churn_words.for_display(follow.queue, columns), key="churn_follow_up_queue",
                            noun=_("customers waiting"), hide_index=True, column_config={columns["arr_lost"]: money})
    if not identity.allowed("churn.follow_up"):
        st.caption(_(WHO_RECORDS))
        return
    editable = everyone if st.toggle(_("Also edit completed follow-ups"), key="churn_edit_all") else follow.queue
    if not editable.empty:
        editor(editable)


def editor(editable: pd.DataFrame) -> None:
    """The form for one customer of ``editable`` (the churned customers the person may edit, newest
    churn first), found by name or customer id."""
    names = churn_words.follow_up_choices(editable)
    cid = components.find_and_pick(_("Customer"), names, key="churn_fu_customer", find_key="churn_fu_find",
                                   hint=_("a name or a customer id"))
    if cid is None:
        return
    row = editable[editable["customer_id"] == cid].iloc[0]
    a, b = st.columns(2)
    called_on = row["follow_up_call_on"].date() if row["follow_up_call_on"] == row["follow_up_call_on"] else None
    called = a.date_input(_("Call date"), value=called_on, max_value=dt.date.today(), key=f"churn_fu_call_{cid}",
                          format="DD/MM/YYYY" if formats.italian() else "YYYY/MM/DD")
    company = churn.reason_lookup(loaders.load(churn_data.churn_reasons))  # the company's own reasons
    labels = {key: entry[0] for key, entry in company.items()}
    reasons = list(labels)
    known = reasons.index(row["primary_reason"]) if row["primary_reason"] in reasons else None
    reason = b.selectbox(_("Confirmed reason"), reasons, index=known, format_func=lambda k: labels.get(k, k),
                         placeholder=_("Choose the reason"), key=f"churn_fu_reason_{cid}")
    typed = row["follow_up_notes"] if isinstance(row["follow_up_notes"], str) else ""
    notes = st.text_area(_("Notes from the call"), value=typed, max_chars=churn_data.MAX_NOTES,
                         key=f"churn_fu_notes_{cid}")
    if st.button(_("Save follow-up"), type="primary", key="churn_fu_save"):
        try:
            churn_data.record_follow_up(loaders.engine(), customer_id=cid, call_on=called, reason=reason, notes=notes,
                                        actor=identity.actor())
        except identity.Refused as exc:
            identity.refused(exc)
        except churn_data.FollowUpError as exc:
            st.error(plain(exc))
        else:
            loaders.invalidate()
            st.session_state[SAVED] = _("Follow-up saved for {customer}.").format(customer=plain(names[cid]))
            st.rerun()
