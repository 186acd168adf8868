"""The detractor follow-up of the NPS page: the closed-loop figures and queue (only where
follow-ups are tracked), and the editor: pick an answer, set owner, status, due date and note, save
(validated by the service; a refusal explains what to fix and keeps the input). A member edits the
follow-ups they own, editors and admins any; a viewer sees the queue only."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from cs_metrics import nps
from cs_metrics.access import everywhere
from cs_metrics.formatting import fmt_interval, fmt_value
from cs_metrics.period import Period
from cs_metrics.selection import CustomerFilter
from cs_metrics.services import nps as nps_data
from cs_metrics.vocab import FOLLOW_UP_STATUSES
from ui import components, identity, loaders
from ui.text import plain

SAVED = "nps_follow_up_saved"
NOT_TRACKED = (
    "Follow-ups are not tracked: no NPS answer has a follow-up status, so no detractor is counted as followed "
    "up, waiting or overdue. To start, import the NPS responses with a follow_up_status column (open, "
    "in_progress, done, not_needed; owner and due date too), or record a first follow-up below."
)
QUEUE_COLUMNS = ["id", "responded_on", "score", "customer", "follow_up_status", "follow_up_owner", "follow_up_due",
                 "overdue", "follow_up_note", "comment", "segment", "follow_up_done_on"]
QUEUE_CONFIG = {
    "id": "Answer", "responded_on": st.column_config.DateColumn("Answered"), "score": "Score", "customer": "Customer",
    "segment": "Segment", "comment": st.column_config.TextColumn("Comment", width="medium"), "follow_up_status": "Status",
    "follow_up_owner": "Owner", "follow_up_due": st.column_config.DateColumn("Due"),
    "follow_up_done_on": st.column_config.DateColumn("Done on"), "follow_up_note": "Note",
    "overdue": st.column_config.CheckboxColumn("Overdue")}
#: Shown instead of the editor to a role that updates no follow-up.
WHO_UPDATES = ("Only the follow-up's owner (a member), editors and admins update follow-ups.")
#: Shown to a member who owns none of the follow-ups listed.
NONE_YOURS = ("None of these follow-ups is yours: a member updates the follow-ups they own (the owner, or the "
              "customer's CSM while no owner is set); editors and admins update any.")


@st.fragment
def section(*, period: Period, as_of: dt.date, flt: CustomerFilter, tracked: bool) -> None:
    """The closed loop for the detractors of ``period``: followed-up share, median days, waiting and
    overdue, the queue (its first rows, the count, every row as CSV) and the editor; where
    follow-ups are not ``tracked`` at all, a line saying so and how to start, and the editor to
    record a first one. Its own widgets re-run only this section; a save re-runs the page."""
    st.subheader("Detractor follow-up")
    if message := st.session_state.pop(SAVED, None):
        st.success(message)
    # The whole queue, closed follow-ups too, read once; the waiting ones are cut from it.
    loop = loaders.load(nps_data.follow_up_queue, period=period, as_of=as_of, flt=flt)
    if not tracked:
        st.caption(NOT_TRACKED)
        waiting = nps.follow_up_waiting(loop)
        if not waiting.empty:
            if not identity.allowed("nps.follow_up"):
                st.caption(WHO_UPDATES)
                return
            with st.expander(f"Record a first follow-up ({len(waiting):,} detractors in the period)"):
                editor(waiting)
        return
    summary = nps.follow_up_summary(loop, as_of=as_of)
    a, b, c, d = st.columns(4)
    a.metric("Followed up", fmt_value(summary.rate.value, "share"), help="Done over detractors needing a follow-up.")
    a.caption(f"{summary.done} of {summary.needing} · {fmt_interval(summary.rate.low, summary.rate.high, 'share')}")
    b.metric("Median days", fmt_value(summary.median_days, "count"), help="Days from the answer to the completed follow-up.")
    b.caption(f"to follow up, over {summary.done} done")
    c.metric("Waiting", f"{summary.waiting:,}")
    d.metric("Overdue", f"{summary.overdue:,}")
    show_closed = st.toggle("Show closed follow-ups too", key="nps_show_closed")
    queue = loop if show_closed else nps.follow_up_waiting(loop)
    with st.container(key="nps_queue"):
        components.capped_table(queue[QUEUE_COLUMNS], key="nps_follow_up_queue", noun="detractor answers",
                                hide_index=True, width="stretch", column_config=QUEUE_CONFIG)
    if queue.empty:
        st.caption("Nothing waiting: every detractor of the period has been followed up.")
    elif not identity.allowed("nps.follow_up"):
        st.caption(WHO_UPDATES)
    else:
        editor(queue)


def _text(value: object) -> str:
    """A text cell of the queue, "" when missing (None, or NaN in a pandas text column)."""
    return value if isinstance(value, str) else ""


def editor(queue: pd.DataFrame) -> None:
    """The form for one answer of ``queue`` that the person may update (a member: those they own,
    ``nps.owns_follow_up``), found by customer name or answer number."""
    who = identity.actor()
    if not everywhere(who, "nps.follow_up"):  # a member: only their own follow-ups
        queue = queue[nps_data.owns_follow_up(queue, who).to_numpy()]
        if queue.empty:
            st.caption(NONE_YOURS)
            return
    labels = dict(zip(queue["id"].astype(int), "#" + queue["id"].astype(str) + " · "
                      + pd.to_datetime(queue["responded_on"]).dt.strftime("%d %b %Y") + " · "
                      + queue["customer"].astype(object).where(queue["customer"].notna(), "anonymous").astype(str)
                      + " · score " + queue["score"].astype(str)))
    pick = components.find_and_pick("Update the follow-up of", labels, key="nps_fu_pick", find_key="nps_fu_find",
                                    hint="a customer or an answer number")
    if pick is None:
        return
    row = next(queue[queue["id"] == pick].itertuples())
    with st.form(f"nps_fu_form_{pick}"):
        owner = st.text_input("Owner", value=_text(row.follow_up_owner) or _text(row.csm),
                              key=f"nps_fu_owner_{pick}")
        status = st.selectbox("Status", FOLLOW_UP_STATUSES, key=f"nps_fu_status_{pick}",
                              index=FOLLOW_UP_STATUSES.index(_text(row.follow_up_status) or "open"),
                              format_func=lambda s: s.replace("_", " "))
        due = st.date_input("Due", value=row.follow_up_due.date() if row.follow_up_due == row.follow_up_due else None,
                            key=f"nps_fu_due_{pick}", format="YYYY-MM-DD")
        note = st.text_area("Note", value=_text(row.follow_up_note), key=f"nps_fu_note_{pick}",
                            max_chars=nps_data.MAX_NOTE)
        if st.form_submit_button("Save follow-up"):
            try:
                nps_data.save_follow_up(loaders.engine(), nps_data.FollowUpEdit(pick, status, owner=owner, due=due,
                                                                                note=note), actor=who)
            except identity.Refused as exc:
                identity.refused(exc)
            except nps_data.FollowUpError as exc:
                st.error(f"Not saved. {plain(exc)}")
            else:
                loaders.invalidate()
                st.session_state[SAVED] = f"Follow-up of answer #{pick} saved."
                st.rerun()
