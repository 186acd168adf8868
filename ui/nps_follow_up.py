"""The detractor follow-up of the NPS page: the closed-loop figures and queue (only where
follow-ups are tracked), and the editor: pick an answer, set owner, status, due date and note, save
(validated by the service; a refusal explains what to fix and keeps the input). A member edits the
follow-ups they own, editors and admins any; a viewer sees the queue only."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from babel.dates import format_date

from cs_metrics import nps
from cs_metrics.access import everywhere
from cs_metrics.formatting import fmt_interval, fmt_value
from cs_metrics.i18n import N_, _, formats, locale
from cs_metrics.period import Period
from cs_metrics.selection import CustomerFilter
from cs_metrics.services import nps as nps_data
from cs_metrics.vocab import FOLLOW_UP_STATUSES
from ui import components, identity, loaders
from ui.text import plain

SAVED = "nps_follow_up_saved"
NOT_TRACKED = N_(
    "Follow-ups are not tracked: no NPS answer has a follow-up status, so no detractor is counted as followed "
    "up, waiting or overdue. To start, import the NPS responses with a follow_up_status column (open, "
    "in_progress, done, not_needed; owner and due date too), or record a first follow-up below."
)
QUEUE_COLUMNS = ["id", "responded_on", "score", "customer", "follow_up_status", "follow_up_owner", "follow_up_due",
                 "overdue", "follow_up_note", "comment", "segment", "follow_up_done_on"]
#: The follow-up statuses as shown (the stored values stay ``FOLLOW_UP_STATUSES``).
STATUS_LABELS = {"open": N_("open"), "in_progress": N_("in progress"), "done": N_("done"),
                 "not_needed": N_("not needed")}
#: Shown instead of the editor to a role that updates no follow-up.
WHO_UPDATES = N_("Only the follow-up's owner (a member), editors and admins update follow-ups.")
#: Shown to a member who owns none of the follow-ups listed.
NONE_YOURS = N_("None of these follow-ups is yours: a member updates the follow-ups they own (the owner, or the "
              "customer's CSM while no owner is set); editors and admins update any.")


def queue_config() -> dict:
    """The queue's column headers in the reader's language (built at each run)."""
    return {
        "id": _("Answer"), "responded_on": st.column_config.DateColumn(_("Answered")), "score": _("Score"),
        "customer": _("Customer"), "segment": _("Segment"),
        "comment": st.column_config.TextColumn(_("Comment"), width="medium"), "follow_up_status": _("Status"),
        "follow_up_owner": _("Owner"), "follow_up_due": st.column_config.DateColumn(_("Due")),
        "follow_up_done_on": st.column_config.DateColumn(_("Done on")), "follow_up_note": _("Note"),
        "overdue": st.column_config.CheckboxColumn(_("Overdue"))}


def status_label(status: str) -> str:
    """A follow-up status as the reader reads it ("in_progress": "in progress")."""
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else status.replace("_", " ")


@st.fragment
def section(*, period: Period, as_of: dt.date, flt: CustomerFilter, tracked: bool) -> None:
    """The closed loop for the detractors of ``period``: followed-up share, median days, waiting and
    overdue, the queue (its first rows, the count, every row as CSV) and the editor; where
    follow-ups are not ``tracked`` at all, a line saying so and how to start, and the editor to
    record a first one. Its own widgets re-run only this section; a save re-runs the page."""
    st.subheader(_("Detractor follow-up"))
    if message := st.session_state.pop(SAVED, None):
        st.success(message)
    # The whole queue, closed follow-ups too, read once; the waiting ones are cut from it.
    loop = loaders.load(nps_data.follow_up_queue, period=period, as_of=as_of, flt=flt)
    if not tracked:
        st.caption(_(NOT_TRACKED))
        waiting = nps.follow_up_waiting(loop)
        if not waiting.empty:
            if not identity.allowed("nps.follow_up"):
                st.caption(_(WHO_UPDATES))
                return
            with st.expander(_("Record a first follow-up ({n} detractors in the period)").format(
                    n=formats.decimal(len(waiting)))):
                editor(waiting)
        return
    summary = nps.follow_up_summary(loop, as_of=as_of)
    a, b, c, d = st.columns(4)
    a.metric(_("Followed up"), fmt_value(summary.rate.value, "share"),
             help=_("Done over detractors needing a follow-up."))
    a.caption(_("{done} of {needing} · {interval}").format(
        done=summary.done, needing=summary.needing,
        interval=fmt_interval(summary.rate.low, summary.rate.high, "share")))
    b.metric(_("Median days"), fmt_value(summary.median_days, "count"),
             help=_("Days from the answer to the completed follow-up."))
    b.caption(_("to follow up, over {done} done").format(done=summary.done))
    c.metric(_("Waiting"), formats.decimal(summary.waiting))
    d.metric(_("Overdue"), formats.decimal(summary.overdue))
    show_closed = st.toggle(_("Show closed follow-ups too"), key="nps_show_closed")
    queue = loop if show_closed else nps.follow_up_waiting(loop)
    with st.container(key="nps_queue"):
        components.capped_table(queue[QUEUE_COLUMNS], key="nps_follow_up_queue", noun=_("detractor answers"),
                                hide_index=True, width="stretch", column_config=queue_config())
    if queue.empty:
        st.caption(_("Nothing waiting: every detractor of the period has been followed up."))
    elif not identity.allowed("nps.follow_up"):
        st.caption(_(WHO_UPDATES))
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
            st.caption(_(NONE_YOURS))
            return
    # "#12 · 05 Nov 2026 · Acme · score 3" (the day as the reader's language writes its months).
    days = [format_date(d, "dd MMM y", locale=locale()) if pd.notna(d) else "–"
            for d in pd.to_datetime(queue["responded_on"])]
    anonymous, score = _("anonymous"), _("score {score}")
    labels = {int(i): f"#{i} · {day} · {customer if isinstance(customer, str) else anonymous} · "
                      + score.format(score=s)
              for i, day, customer, s in zip(queue["id"], days, queue["customer"].astype(object), queue["score"])}
    pick = components.find_and_pick(_("Update the follow-up of"), labels, key="nps_fu_pick", find_key="nps_fu_find",
                                    hint=_("a customer or an answer number"))
    if pick is None:
        return
    row = next(queue[queue["id"] == pick].itertuples())
    with st.form(f"nps_fu_form_{pick}"):
        owner = st.text_input(_("Owner"), value=_text(row.follow_up_owner) or _text(row.csm),
                              key=f"nps_fu_owner_{pick}")
        status = st.selectbox(_("Status"), FOLLOW_UP_STATUSES, key=f"nps_fu_status_{pick}",
                              index=FOLLOW_UP_STATUSES.index(_text(row.follow_up_status) or "open"),
                              format_func=status_label)
        due = st.date_input(_("Due"), value=row.follow_up_due.date() if row.follow_up_due == row.follow_up_due else None,
                            key=f"nps_fu_due_{pick}", format="YYYY-MM-DD")
        note = st.text_area(_("Note"), value=_text(row.follow_up_note), key=f"nps_fu_note_{pick}",
                            max_chars=nps_data.MAX_NOTE)
        if st.form_submit_button(_("Save follow-up")):
            try:
                nps_data.save_follow_up(loaders.engine(), nps_data.FollowUpEdit(pick, status, owner=owner, due=due,
                                                                                note=note), actor=who)
            except identity.Refused as exc:
                identity.refused(exc)
            except nps_data.FollowUpError as exc:
                st.error(_("Not saved. {reason}").format(reason=plain(exc)))
            else:
                loaders.invalidate()
                st.session_state[SAVED] = _("Follow-up of answer #{answer} saved.").format(answer=pick)
                st.rerun()
