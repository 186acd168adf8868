"""The post-churn follow-up editor of the Churn & retention page: the call date, the confirmed
reason and the notes of one churned customer (validated by storage; a refusal says what to fix)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from cs_metrics import churn, vocab
from cs_metrics.services import churn as churn_data
from ui import loaders

SAVED = "churn_follow_up_saved"


def editor(editable: pd.DataFrame) -> None:
    """The form for one customer of ``editable`` (the churned customers the person may edit)."""
    names = churn.follow_up_choices(editable)
    cid = st.selectbox("Customer", list(names), format_func=names.get, key="churn_fu_customer")
    row = editable[editable["customer_id"] == cid].iloc[0]
    a, b = st.columns(2)
    called_on = row["follow_up_call_on"].date() if row["follow_up_call_on"] == row["follow_up_call_on"] else None
    called = a.date_input("Call date", value=called_on, max_value=dt.date.today(), key=f"churn_fu_call_{cid}")
    reasons = list(vocab.CHURN_REASONS)
    known = reasons.index(row["primary_reason"]) if row["primary_reason"] in reasons else None
    reason = b.selectbox("Confirmed reason", reasons, index=known, format_func=churn.reason_label,
                         placeholder="Choose the reason", key=f"churn_fu_reason_{cid}")
    typed = row["follow_up_notes"] if isinstance(row["follow_up_notes"], str) else ""
    notes = st.text_area("Notes from the call", value=typed, max_chars=churn_data.MAX_NOTES, key=f"churn_fu_notes_{cid}")
    if st.button("Save follow-up", type="primary", key="churn_fu_save"):
        try:
            churn_data.record_follow_up(loaders.engine(), customer_id=cid, call_on=called, reason=reason, notes=notes)
        except churn_data.FollowUpError as exc:
            st.error(str(exc))
        else:
            loaders.invalidate()
            st.session_state[SAVED] = f"Follow-up saved for {names[cid]}."
            st.rerun()
