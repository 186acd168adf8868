"""Meetings: is the customer in the room? Customer share of agendas, the customer item, decisions."""

import datetime as dt
import re

import streamlit as st

from cs_metrics import meetings as mt
from cs_metrics import minutes as mn
from cs_metrics.charts import meetings as charts
from cs_metrics.errors import DataError
from cs_metrics.formatting import fmt_change, fmt_interval, fmt_value
from cs_metrics import vocab
from cs_metrics.storage.queries import meetings as qm
from ui import components, filters, loaders


def as_text(value: str) -> str:
    """A file name or message shown literally inside Markdown (no formatting from its characters)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", value)


selection = filters.current()
period = selection.period
st.title("Meetings")
st.caption(f"Is the customer in the room? {period.label()} · meetings are not tied to customers, so the "
           "segment, region and owner filters do not apply here.")
if selection.problem:
    st.warning(selection.problem)
if message := st.session_state.pop("mtg_message", None):
    st.success(message)

share_tab, log_tab, ledger_tab = st.tabs(["Customer share", "Log or upload a meeting", "Decisions ledger"])

with share_tab:
    head = loaders.load(mt.headline, period=period)
    cur, first = head.current, head.first_quarter
    if cur["meetings"] == 0:
        components.empty_state("No meetings were logged in this period. Log one in the next tab, or widen the period.")
    else:
        vs_first = f"{fmt_change(head.change_vs_first_quarter, 'share')} vs first quarter" if first is not None and first["meetings"] else None
        cols = st.columns(4)
        cols[0].metric("Agenda time about customers", fmt_value(cur["time_share"], "share"), delta=vs_first, delta_color="off",
                       help="Minutes of agenda items about the customer (direct or indirect) over all agenda minutes recorded.")
        cols[1].metric("Agenda items about customers", fmt_value(cur["item_share"], "share"))
        cols[2].metric("Minutes with the customer item filled", fmt_value(cur["filled_rate"], "share"))
        cols[3].metric("Favour / worsen per meeting", f"{cur['favours_per_meeting']:.2f} / {cur['worsens_per_meeting']:.2f}",
                       help="Decisions recorded per meeting that favour the customer / that worsen their experience.")
        st.caption(
            f"n = {cur['meetings']:,} meetings · {cur['items']:,} agenda items · {cur['agenda_minutes']:,.0f} min of agenda, "
            f"{cur['customer_minutes']:,.0f} min about customers · time share {fmt_interval(cur['time_share_low'], cur['time_share_high'], 'share') or 'interval needs 2+ meetings'}"
        )
        st.caption(
            f"Against the 5% baseline (Kerry Bodine's estimate that about 95% of meeting content is internal): "
            f"**{cur['baseline_verdict']}** ({fmt_change(cur['vs_baseline'], 'share')})."
            + (f" First quarter of logged meetings ({head.first_quarter_period.label()}): {fmt_value(first['time_share'], 'share')} "
               f"of agenda time, customer item filled in {fmt_value(first['filled_rate'], 'share')} of {first['meetings']} meetings." if first is not None and first["meetings"] else "")
        )
        st.caption(f"Talk and action: of {cur['customer_items']:,} customer topics, {cur['decided_items']:,} led to a decision and "
                   f"{cur['mentions']:,} were only mentioned. {cur['favours']:,} decisions favour customers, {cur['worsens']:,} worsen their experience.")
        if not cur["enough"]:
            st.warning(f"Only {cur['meetings']} meetings: too few to read these figures with confidence.")

        st.subheader("By department and meeting type")
        cells = loaders.load(mt.share_report, period=period, by=("department", "meeting_type"))
        st.plotly_chart(charts.share_heatmap(cells), width="stretch")
        st.caption(f"Share of agenda time about customers. Cells with fewer than {mt.MIN_MEETINGS} meetings are too few to read and stay grey.")

        st.subheader("Trend per department")
        trend = loaders.load(mt.share_report, period=period, by=("department", "quarter"))
        st.plotly_chart(charts.share_trend(trend), width="stretch")
        st.caption(f"Per calendar quarter (the first and last may be partial); hollow points rest on fewer than {mt.MIN_MEETINGS} meetings.")

        st.subheader("Decisions by their effect on customers")
        by_dept = loaders.load(mt.share_report, period=period, by=("department",))
        st.plotly_chart(charts.decisions_by_group(by_dept), width="stretch")

        st.subheader("Meetings that skipped the customer item")
        left, right = st.columns(2)
        dept = left.selectbox("Department", ("All", *vocab.DEPARTMENTS), key="meet_skip_dept")
        mtype = right.selectbox("Meeting type", ("All", *vocab.MEETING_TYPES), key="meet_skip_type")
        skipped = loaders.load(qm.skipped_customer_item, start=period.start, end=period.end,
                               departments=() if dept == "All" else (dept,), meeting_types=() if mtype == "All" else (mtype,))
        st.caption(f"{len(skipped):,} meeting(s) left the customer item empty.")
        st.dataframe(skipped.drop(columns="meeting_id"), hide_index=True, column_config={
            "held_on": st.column_config.DateColumn("Date"), "department": "Department", "meeting_type": "Type", "title": "Meeting",
            "duration_minutes": "Duration (min)", "items": "Agenda items", "customer_items": "Items about customers",
            "customer_minutes": st.column_config.NumberColumn("Minutes about customers", format="%d")})

with log_tab:
    today = dt.date.today()
    st.markdown("**Start from minutes** (.txt, .md or .docx), or fill in the form below. Nothing is stored until you save.")
    upload = st.file_uploader("Minutes file", type=["txt", "md", "docx"], key=f"mtg_upload_{st.session_state.get('mtg_round', 0)}",
                              max_upload_size=mn.MAX_BYTES // 2**20, help="Up to 2 MB. The customer item is recognised when present.")
    if upload is not None and st.session_state.get("mtg_loaded") != upload.file_id:
        st.session_state["mtg_loaded"] = upload.file_id
        try:
            parsed = mn.parse_minutes(upload.getvalue(), filename=upload.name)
        except DataError as exc:
            st.error(as_text(str(exc)))
        else:
            mt_form = mn.proposed_draft(parsed, held_on=today, department=st.session_state.get("mtg_department", "Board"))
            st.session_state.update(mt.form_state(mt_form, editing=None))
            st.session_state["mtg_proposed"] = (upload.name, len(parsed.items), parsed.warnings)
    if proposed := st.session_state.get("mtg_proposed"):
        st.info(f"{proposed[1]} agenda item(s) proposed from {as_text(proposed[0])}: review them below, then save.")
        for warning in proposed[2]:
            st.warning(warning)
    with st.expander("Minutes templates with the customer item"):
        for col, (lang, name) in zip(st.columns(2), (("en", "English"), ("it", "Italiano"))):
            col.download_button(f"{name} (.md)", mn.minutes_template_md(lang), f"minutes_template_{lang}.md", "text/markdown", key=f"tpl_md_{lang}")
            col.download_button(f"{name} (.docx)", mn.minutes_template_docx(lang), f"minutes_template_{lang}.docx", key=f"tpl_docx_{lang}",
                                mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    with st.expander("Edit or delete a logged meeting"):
        logged = loaders.load(qm.meeting_list, start=period.start, end=period.end)
        labels = {int(r.meeting_id): f"{r.held_on:%Y-%m-%d} · {r.department} · {r.title or r.meeting_type}" for r in logged.itertuples()}
        chosen = st.selectbox("Meeting", list(labels), format_func=labels.get, key="mtg_pick", index=None, placeholder="Choose a meeting of the period")
        left, right = st.columns(2)
        if left.button("Edit this meeting", disabled=chosen is None):
            try:
                st.session_state.update(mt.form_state(mt.load_draft(loaders.engine(), chosen), editing=chosen))
            except DataError as exc:
                st.error(str(exc))
        sure = right.checkbox("Yes, delete it with its items and decisions", key="mtg_sure_delete")
        if right.button("Delete", disabled=chosen is None or not sure):
            try:
                qm.delete_meeting(loaders.engine(), chosen)
            except DataError as exc:
                st.error(str(exc))
            else:
                loaders.invalidate()
                if st.session_state.get("mtg_editing") == chosen:
                    st.session_state["mtg_editing"] = None
                st.session_state["mtg_message"] = "The meeting was deleted."
                st.rerun()

    for key, value in mt.form_defaults(today).items():
        st.session_state.setdefault(key, value)
    editing = st.session_state.get("mtg_editing")
    st.subheader(f"Edit meeting {editing}" if editing else "Log a meeting")
    if editing and st.button("Discard the changes and log a new meeting instead"):
        for key in [k for k in st.session_state if str(k).startswith("mtg_") and k != "mtg_round"]:
            del st.session_state[key]
        st.rerun()
    c1, c2, c3 = st.columns(3)
    c1.text_input("Title", key="mtg_title", placeholder="e.g. Logistics weekly")
    c2.date_input("Held on", key="mtg_date", min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31), format="YYYY-MM-DD")
    c3.selectbox("Department", vocab.DEPARTMENTS, key="mtg_department")
    c1.selectbox("Meeting type", vocab.MEETING_TYPES, key="mtg_type")
    c2.number_input("Duration (minutes)", min_value=1, max_value=mt.FORM_MAX_MINUTES, step=5, key="mtg_duration")
    c3.number_input("Attendees (0 if unknown)", min_value=0, max_value=mt.FORM_MAX_ATTENDEES, key="mtg_attendees")
    n_items = st.number_input("Agenda items", min_value=1, max_value=mt.FORM_MAX_ITEMS, key="mtg_n_items")
    titles = []
    for i in range(int(n_items)):
        a, b, c = st.columns([4, 1.2, 4.5])
        titles.append(a.text_input(f"Item {i + 1}", key=f"mtg_item_title_{i}"))
        b.number_input("Minutes", min_value=0.0, max_value=float(mt.FORM_MAX_MINUTES), value=None, step=5.0, key=f"mtg_item_minutes_{i}")
        tip = mt.suggest_relevance(titles[-1])
        c.selectbox("Customer relevance", (mt.ACCEPT_SUGGESTION, *vocab.AGENDA_RELEVANCE), key=f"mtg_item_rel_{i}",
                    format_func=lambda o, s=tip: (f"suggested: {s.label}" + (f" ({s.explain()})" if s.matched_terms else "")) if o == mt.ACCEPT_SUGGESTION else o)
    st.text_area(f"Customer item: {mt.CUSTOMER_QUESTION['en']}", key="mtg_customer_text",
                 help="Write 'none' when nothing discussed affects customers; leave it empty only if the minutes skipped the item.")
    n_dec = st.number_input("Decisions", min_value=0, max_value=mt.FORM_MAX_ITEMS, key="mtg_n_decisions")
    for j in range(int(n_dec)):
        a, b, c = st.columns([5, 2, 3])
        a.text_input(f"Decision {j + 1}", key=f"mtg_dec_text_{j}")
        st.session_state.setdefault(f"mtg_dec_impact_{j}", "neutral")
        b.selectbox("Effect on customers", vocab.CX_IMPACTS, key=f"mtg_dec_impact_{j}")
        c.selectbox("On agenda item", [None, *range(len(titles))], key=f"mtg_dec_item_{j}",
                    format_func=lambda k: "–" if k is None else f"{k + 1}. {titles[k]}")
    draft = mt.draft_from_form(st.session_state)
    st.caption(f"Agenda minutes: {draft.agenda_minutes:g} of {draft.duration_minutes} · customer item "
               + ("filled" if draft.customer_item_filled else "empty (the meeting will count as having skipped it)"))
    if st.button("Save meeting", type="primary", key="mtg_save"):
        problems = mt.meeting_problems(draft, today=today)
        if problems:
            st.error("Nothing was saved. " + " ".join(problems))
        else:
            try:
                saved = mt.save_meeting(loaders.engine(), draft, meeting_id=editing)
            except DataError as exc:
                st.error(f"Nothing was saved. {exc}")
                st.stop()
            loaders.invalidate()
            for key in [k for k in st.session_state if str(k).startswith("mtg_") and k != "mtg_round"]:
                del st.session_state[key]
            st.session_state["mtg_round"] = st.session_state.get("mtg_round", 0) + 1
            st.session_state["mtg_message"] = f"Meeting {saved} saved with {len(draft.items)} agenda item(s) and {len(draft.decisions)} decision(s)."
            st.rerun()

with ledger_tab:
    counts = loaders.load(qm.decision_impact_counts, start=period.start, end=period.end)
    st.caption(f"{counts['favours']:,} decisions favour customers · {counts['neutral']:,} neutral · {counts['worsens']:,} worsen their experience")
    left, right = st.columns(2)
    impacts = left.multiselect("Effect on customers", vocab.CX_IMPACTS, default=list(vocab.CX_IMPACTS), key="meet_ledger_impacts")
    depts = right.multiselect("Department", vocab.DEPARTMENTS, key="meet_ledger_depts", placeholder="All departments")
    ledger = loaders.load(qm.decision_ledger, start=period.start, end=period.end,
                          impacts=tuple(impacts) or tuple(vocab.CX_IMPACTS), departments=tuple(depts))
    if ledger.empty:
        components.empty_state("No decisions match: widen the period or the filters.")
    else:
        st.dataframe(ledger, hide_index=True, column_order=("held_on", "cx_impact", "text", "department", "meeting_type", "meeting", "agenda_item", "relevance"),
                     column_config={"held_on": st.column_config.DateColumn("Date"), "cx_impact": "Effect on customers", "text": "Decision",
                                    "department": "Department", "meeting_type": "Type", "meeting": "Meeting", "agenda_item": "On agenda item",
                                    "relevance": "Item relevance"})
