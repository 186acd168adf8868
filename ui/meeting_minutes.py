"""Minutes on the Meetings page: upload a minutes file to fill the logging form with what it
proposes, and download the minutes templates with the customer item."""

from __future__ import annotations

import datetime as dt
from functools import partial

import streamlit as st

from cs_metrics import minutes, minutes_templates
from cs_metrics.errors import DataError
from cs_metrics.i18n import LANGUAGES, _, ngettext
from ui import meeting_form
from ui.text import plain

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def upload(today: dt.date) -> None:
    """The minutes uploader. A new file fills the form with its proposed meeting (nothing is
    stored); an unreadable one gets the reason. The proposal's source and warnings stay shown."""
    key = f"mtg_upload_{st.session_state.get(meeting_form.ROUND, 0)}"
    file = st.file_uploader(_("Minutes file"), type=["txt", "md", "docx"], key=key,
                            max_upload_size=minutes.MAX_BYTES // 2**20,
                            help=_("Up to {size} MB. The customer item is recognised when present.").format(
                                size=minutes.MAX_BYTES // 2**20))
    if file is not None and st.session_state.get("mtg_loaded") != file.file_id:
        st.session_state["mtg_loaded"] = file.file_id
        try:
            parsed = minutes.parse_minutes(file.getvalue(), filename=file.name)
        except DataError as exc:
            st.error(plain(exc))
        else:
            draft = minutes.proposed_draft(parsed, held_on=today, department=st.session_state.get("mtg_department", "Board"))
            st.session_state.update(meeting_form.form_state(draft, editing=None))
            st.session_state["mtg_proposed"] = (file.name, len(parsed.items), parsed.warnings)
    if proposed := st.session_state.get("mtg_proposed"):
        name, n_items, warnings = proposed
        st.info(ngettext("{n} agenda item(s) proposed from {file}: review them below, then save.",
                         "{n} agenda item(s) proposed from {file}: review them below, then save.", n_items)
                .format(n=n_items, file=plain(name)))
        for warning in warnings:
            st.warning(plain(warning))


def templates() -> None:
    """Download buttons for the minutes templates, English and Italian, Markdown and Word."""
    with st.expander(_("Minutes templates with the customer item")):
        for col, lang in zip(st.columns(2), ("en", "it")):
            name = LANGUAGES[lang]  # each language as its speakers write it
            col.download_button(_("{language} (.md)").format(language=name), minutes_templates.minutes_template_md(lang),
                                f"minutes_template_{lang}.md",
                                "text/markdown", key=f"tpl_md_{lang}")
            # the Word file is built when the button is pressed, not on every run of the page
            col.download_button(_("{language} (.docx)").format(language=name),
                                partial(minutes_templates.minutes_template_docx, lang),
                                f"minutes_template_{lang}.docx", mime=DOCX_MIME, key=f"tpl_docx_{lang}")
