"""Meetings: is the customer in the room? Customer share of agendas, the customer item, decisions."""

import datetime as dt

import streamlit as st

from cs_metrics import meetings
from cs_metrics.formatting import fmt_change, fmt_interval, fmt_value
from cs_metrics.i18n import N_, _, formats, ngettext
from cs_metrics.meetings import MIN_MEETINGS
from cs_metrics.services import coverage as svc_coverage
from cs_metrics.services import meetings as svc
from ui import components, identity, loaders, meeting_form, meeting_minutes, meeting_sections

#: The verdicts of the customer share against the baseline (``cs_metrics.meetings``), translated where shown.
VERDICTS: dict[str, str] = {
    "too few to read": N_("too few to read"), "above baseline": N_("above baseline"),
    "below baseline": N_("below baseline"), "not distinguishable from baseline": N_("not distinguishable from baseline"),
}

selection = components.page_header(
    _("Meetings"), _("Is the customer in the room? Agenda time spent on customers, the customer item of the minutes, "
                     "and decisions by their effect on customers."), company_wide=True,
)
period = selection.period
if message := st.session_state.pop(meeting_form.MESSAGE, None):
    st.success(message)

share_tab, log_tab, ledger_tab = st.tabs([_("Customer share"), _("Log or upload a meeting"), _("Decisions ledger")])

with share_tab:
    head = loaders.derive(meetings.share_headline, svc.meeting_totals, using={"period": period})
    cur, first = head.current, head.first_quarter
    has_first = first is not None and first["meetings"]
    if cur["meetings"] == 0 and (gap := loaders.load(svc_coverage.gap, "meetings", period=period)):
        components.data_gap(gap, as_of=selection.as_of)  # none imported yet, or where they were logged
        st.caption(_("Meetings can also be logged one by one in the next tab."))
    elif cur["meetings"] == 0:
        components.empty_state(_("No meetings were logged in this period. Log one in the next tab, or widen the "
                                 "period."))
    else:
        vs_first = _("{change} vs first quarter").format(
            change=fmt_change(head.change_vs_first_quarter, "share")) if has_first else None
        cols = st.columns(4)
        cols[0].metric(_("Agenda time about customers"), fmt_value(cur["time_share"], "share"), delta=vs_first,
                       delta_color="off", help=_("Minutes of agenda items about the customer (direct or indirect) over "
                                                 "all agenda minutes recorded."))
        cols[1].metric(_("Agenda items about customers"), fmt_value(cur["item_share"], "share"))
        cols[2].metric(_("Minutes with the customer item filled"), fmt_value(cur["filled_rate"], "share"))
        per_meeting = [formats.decimal(cur[f"{kind}_per_meeting"], 2) for kind in ("favours", "worsens")]
        cols[3].metric(_("Favour / worsen per meeting"), " / ".join(per_meeting),
                       help=_("Decisions recorded per meeting that favour the customer / that worsen their experience."))
        interval = (fmt_interval(cur["time_share_low"], cur["time_share_high"], "share")
                    or _("interval needs 2+ meetings"))
        n_meetings = int(cur["meetings"])
        st.caption(ngettext(
            "n = {meetings} meetings · {items} agenda items · {agenda} min of agenda, {customer} min about customers · "
            "time share {interval}",
            "n = {meetings} meetings · {items} agenda items · {agenda} min of agenda, {customer} min about customers · "
            "time share {interval}", n_meetings,
        ).format(meetings=formats.decimal(n_meetings), items=formats.decimal(cur["items"]),
                 agenda=formats.decimal(cur["agenda_minutes"]), customer=formats.decimal(cur["customer_minutes"]),
                 interval=interval))
        verdict = cur["baseline_verdict"]
        against = _("Against the 5% baseline (Kerry Bodine's estimate that about 95% of meeting content is internal): "
                    "**{verdict}** ({change}).").format(verdict=_(VERDICTS[verdict]) if verdict in VERDICTS else verdict,
                                                        change=fmt_change(cur["vs_baseline"], "share"))
        if has_first:
            against += " " + ngettext(
                "First quarter of logged meetings ({period}): {share} of agenda time, customer item filled in "
                "{filled} of {n} meetings.",
                "First quarter of logged meetings ({period}): {share} of agenda time, customer item filled in "
                "{filled} of {n} meetings.", int(first["meetings"]),
            ).format(period=head.first_quarter_period.label(), share=fmt_value(first["time_share"], "share"),
                     filled=fmt_value(first["filled_rate"], "share"), n=formats.decimal(first["meetings"]))
        st.caption(against)
        st.caption(_("Talk and action: of {topics} customer topics, {decided} led to a decision and {mentions} were only "
                     "mentioned. {favours} decisions favour customers, {worsens} worsen their experience.").format(
            topics=formats.decimal(cur["customer_items"]), decided=formats.decimal(cur["decided_items"]),
            mentions=formats.decimal(cur["mentions"]), favours=formats.decimal(cur["favours"]),
            worsens=formats.decimal(cur["worsens"])))
        if not cur["enough"]:
            st.warning(ngettext("Only {n} meetings: too few to read these figures with confidence.",
                                "Only {n} meetings: too few to read these figures with confidence.",
                                n_meetings).format(n=n_meetings))

        # Every figure below slices the meetings read once (all of them, summed per meeting) by the period.
        figure = {"period": period}
        st.subheader(_("By department and meeting type"))
        st.plotly_chart(loaders.derive(svc.share_heatmap, svc.meeting_totals, using=figure), width="stretch")
        st.caption(_("Share of agenda time about customers. Cells with fewer than {min} meetings are too few to read "
                     "and stay grey.").format(min=MIN_MEETINGS))

        st.subheader(_("Trend per department"))
        st.plotly_chart(loaders.derive(svc.share_trend, svc.meeting_totals, using=figure), width="stretch")
        st.caption(_("Per calendar quarter (the first and last may be partial); hollow points rest on fewer than {min} "
                     "meetings.").format(min=MIN_MEETINGS))

        st.subheader(_("Decisions by their effect on customers"))
        st.plotly_chart(loaders.derive(svc.decisions_by_department, svc.meeting_totals, using=figure),
                        width="stretch")
        st.caption(_("Hatched, faded bars rest on fewer than {min} meetings.").format(min=MIN_MEETINGS))

        meeting_sections.skipped(period)

with log_tab:
    today, who = dt.date.today(), identity.actor()
    may_log = identity.allowed("meetings.edit") and bool(meeting_form.departments(who))
    if not identity.allowed("meetings.edit"):
        st.caption(_("Only members (for their own department's meetings), editors and admins log or edit meetings."))
    elif not may_log:
        st.info(_("You are in no team yet, so there is no department whose meetings you may log: ask an admin to add "
                  "you to your team (Data page, People and roles)."))
    else:
        st.markdown(_("**Start from minutes** (.txt, .md or .docx), or fill in the form below. Nothing is stored until "
                      "you save."))
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
