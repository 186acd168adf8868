"""The detractor follow-up editor of the NPS page: pick an answer, set owner, status, due date and
note, save (validated by the service; a refusal explains what to fix and keeps the input)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cs_metrics.services import nps as nps_data
from cs_metrics.vocab import FOLLOW_UP_STATUSES
from ui import loaders

SAVED = "nps_follow_up_saved"


def editor(queue: pd.DataFrame) -> None:
    """The form for one answer of ``queue`` (the rows the person sees)."""
    rows = {int(row.id): row for row in queue.itertuples()}
    if st.session_state.get("nps_fu_pick") not in rows:  # the answer picked before left the list
        st.session_state.pop("nps_fu_pick", None)
    pick = st.selectbox(
        "Update the follow-up of", list(rows), key="nps_fu_pick",
        format_func=lambda i: f"#{i} · {rows[i].responded_on:%d %b %Y} · {rows[i].customer or 'anonymous'} · "
        f"score {rows[i].score}",
    )
    row = rows[pick]
    with st.form(f"nps_fu_form_{pick}"):
        owner = st.text_input("Owner", value=row.follow_up_owner or row.csm or "", key=f"nps_fu_owner_{pick}")
        status = st.selectbox("Status", FOLLOW_UP_STATUSES, key=f"nps_fu_status_{pick}",
                              index=FOLLOW_UP_STATUSES.index(row.follow_up_status or "open"),
                              format_func=lambda s: s.replace("_", " "))
        due = st.date_input("Due", value=row.follow_up_due.date() if row.follow_up_due == row.follow_up_due else None,
                            key=f"nps_fu_due_{pick}", format="YYYY-MM-DD")
        note = st.text_area("Note", value=row.follow_up_note or "", key=f"nps_fu_note_{pick}",
                            max_chars=nps_data.MAX_NOTE)
        if st.form_submit_button("Save follow-up"):
            try:
                nps_data.save_follow_up(loaders.engine(), nps_data.FollowUpEdit(pick, status, owner=owner, due=due,
                                                                                note=note))
            except nps_data.FollowUpError as exc:
                st.error(f"Not saved. {exc}")
            else:
                loaders.invalidate()
                st.session_state[SAVED] = f"Follow-up of answer #{pick} saved."
                st.rerun()
