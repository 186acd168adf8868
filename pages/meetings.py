"""Meetings: is the customer in the room? Customer share of agendas, the customer item, decisions."""

import datetime as dt

import streamlit as st

from cs_metrics import meetings
from cs_metrics.formatting import fmt_change, fmt_interval, fmt_value
from cs_metrics.meetings import MIN_MEETINGS
from cs_metrics.services import coverage as svc_coverage
from cs_metrics.services import meetings as svc
from ui import components, identity, loaders, meeting_form, meeting_minutes, meeting_sections

selection = components.page_header(
    "Meetings", "Is the customer in the room? Agenda time spent on customers, the customer item of the minutes, "
    "and decisions by their effect on customers.", company_wide=True,
)
period = selection.period
if message := st.session_state.pop(meeting_form.MESSAGE, None):
    st.success(message)

share_tab, log_tab, ledger_tab = st.tabs(["Customer share", "Log or upload a meeting", "Decisions ledger"])

with share_tab:
    head = loaders.derive(meetings.share_headline, svc.meeting_totals, using={"period": period})
    cur, first = head.current, head.first_quarter
    has_first = first is not None and first["meetings"]
    if cur["meetings"] == 0 and (gap := loaders.load(svc_coverage.gap, "meetings", period=period)):
        components.data_gap(gap, as_of=selection.as_of)  # none imported yet, or where they were logged
        st.caption("Meetings can also be logged one by one in the next tab.")
    elif cur["meetings"] == 0:
        components.empty_state("No meetings were logged in this period. Log one in the next tab, or widen the period.")
    else:
        vs_first = f"{fmt_change(head.change_vs_first_quarter, 'share')} vs first quarter" if has_first else None
        cols = st.columns(4)
        cols[0].metric("Agenda time about customers", fmt_value(cur["time_share"], "share"), delta=vs_first, delta_color="off",
                       help="Minutes of agenda items about the customer (direct or indirect) over all agenda minutes recorded.")
        cols[1].metric("Agenda items about customers", fmt_value(cur["item_share"], "share"))
        cols[2].metric("Minutes with the customer item filled", fmt_value(cur["filled_rate"], "share"))
        cols[3].metric("Favour / worsen per meeting", f"{cur['favours_per_meeting']:.2f} / {cur['worsens_per_meeting']:.2f}",
                       help="Decisions recorded per meeting that favour the customer / that worsen their experience.")
        interval = fmt_interval(cur["time_share_low"], cur["time_share_high"], "share") or "interval needs 2+ meetings"
        st.caption(
            f"n = {cur['meetings']:,} meetings · {cur['items']:,} agenda items · {cur['agenda_minutes']:,.0f} min of agenda, "
            f"{cur['customer_minutes']:,.0f} min about customers · time share {interval}"
        )
        st.caption(
            f"Against the 5% baseline (Kerry Bodine's estimate that about 95% of meeting content is internal): "
            f"**{cur['baseline_verdict']}** ({fmt_change(cur['vs_baseline'], 'share')})."
            + (f" First quarter of logged meetings ({head.first_quarter_period.label()}): {fmt_value(first['time_share'], 'share')} "
               f"of agenda time, customer item filled in {fmt_value(first['filled_rate'], 'share')} of {first['meetings']} meetings."
               if has_first else "")
        )
        st.caption(f"Talk and action: of {cur['customer_items']:,} customer topics, {cur['decided_items']:,} led to a decision and "
                   f"{cur['mentions']:,} were only mentioned. {cur['favours']:,} decisions favour customers, {cur['worsens']:,} worsen their experience.")
        if not cur["enough"]:
            st.warning(f"Only {cur['meetings']} meetings: too few to read these figures with confidence.")

        # Every figure below slices the meetings read once (all of them, summed per meeting) by the period.
        figure = {"period": period}
        st.subheader("By department and meeting type")
        st.plotly_chart(loaders.derive(svc.share_heatmap, svc.meeting_totals, using=figure), width="stretch")
        st.caption(f"Share of agenda time about customers. Cells with fewer than {MIN_MEETINGS} meetings are too few to read and stay grey.")

        st.subheader("Trend per department")
        st.plotly_chart(loaders.derive(svc.share_trend, svc.meeting_totals, using=figure), width="stretch")
        st.caption(f"Per calendar quarter (the first and last may be partial); hollow points rest on fewer than {MIN_MEETINGS} meetings.")

        st.subheader("Decisions by their effect on customers")
        st.plotly_chart(loaders.derive(svc.decisions_by_department, svc.meeting_totals, using=figure),
                        width="stretch")
        st.caption(f"Hatched, faded bars rest on fewer than {MIN_MEETINGS} meetings.")

        meeting_sections.skipped(period)

with log_tab:
    today, who = dt.date.today(), identity.actor()
    may_log = identity.allowed("meetings.edit") and bool(meeting_form.departments(who))
    if not identity.allowed("meetings.edit"):
        st.caption("Only members (for their own department's meetings), editors and admins log or edit meetings.")
    elif not may_log:
        st.info("You are in no team yet, so there is no department whose meetings you may log: ask an admin to add "
                "you to your team (Data page, People and roles).")
    else:
        st.markdown("**Start from minutes** (.txt, .md or .docx), or fill in the form below. Nothing is stored until "
                    "you save.")
        meeting_minutes.upload(today)
    meeting_minutes.templates()
    if may_log:
        meeting_form.edit_or_delete(period, who)
        meeting_form.form(today, who)

with ledger_tab:
    if (none_yet := loaders.load(svc_coverage.gap, "meetings")) is not None:
        components.empty_state(none_yet.message())
        st.stop()
    meeting_sections.ledger(period)
