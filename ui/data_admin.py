"""The Data page's export, demo company and reset sections (each destructive step confirmed)."""

from __future__ import annotations

import streamlit as st

from cs_metrics.i18n import _, formats
from cs_metrics.services import data
from ui import identity, loaders
from ui.data_import import MESSAGE

ZIP = "application/zip"


def _run(write, **kwargs):
    """Make one of the destructive writes as the person using the app: its result (True when it
    returns nothing), or None after showing a refusal."""
    result = identity.attempt(write, **kwargs)
    if result is identity.FAILED:
        return None
    loaders.invalidate()
    return True if result is None else result


def export_section() -> None:
    st.subheader(_("Export everything"))
    st.caption(_(
        "One CSV per table in a ZIP, with a description of every column. Importing it back (choose "
        "'Everything (export ZIP)' above) gives exactly the same database. Text that a spreadsheet would run "
        "as a formula is prefixed with a quote in the CSV files."
    ))
    st.download_button(_("Download export (ZIP)"), lambda: data.export_zip(loaders.engine(), actor=identity.actor()),
                       data.export_filename(), ZIP, key="export_zip")


def demo_and_reset_section() -> None:
    st.subheader(_("Demo company and reset"))
    left, right = st.columns(2)
    with left, st.container(border=True):
        st.markdown(_("**Clear all data**"))
        st.caption(_("Deletes every customer, response, signal, meeting and assessment. Health-model versions, the "
                     "import log, the people who may sign in and the audit trail stay."))
        sure_clear = st.checkbox(_("Yes, delete all data"), key="confirm_clear")
        if st.button(_("Clear data"), disabled=not sure_clear, type="primary"):
            if not _run(data.clear_data):
                return
            st.session_state[MESSAGE] = _("All data was cleared. The app will not load the demo again by itself.")
            st.rerun()
    with right, st.container(border=True):
        st.markdown(_("**Load the demo company**"))
        st.caption(_("Replaces all data with a freshly generated demo company."))
        size = st.number_input(_("Customers"), min_value=50, max_value=20000, value=1500, step=50, key="demo_size")
        sure_load = st.checkbox(_("Yes, replace all data with the demo"), key="confirm_demo")
        if st.button(_("Load demo"), disabled=not sure_load):
            with st.spinner(_("Generating the demo company…")):
                result = _run(data.load_demo, customers=int(size), replace=True)
            if result is None:
                return
            st.session_state[MESSAGE] = _("Demo company loaded: {n} customers.").format(
                n=formats.decimal(result.get("customer", 0)))
            st.rerun()
    with st.container(border=True):
        st.markdown(_("**Reset the database**"))
        st.caption(_(
            "Deletes everything: all data, the import log, saved mappings and every health-model version (the "
            "default model is stored again). The people who may sign in and the audit trail stay. Download an "
            "export first if you may want any of it back."
        ))
        st.download_button(_("Download an export first (ZIP)"),
                           lambda: data.export_zip(loaders.engine(), actor=identity.actor()),
                           data.export_filename(), ZIP, key="reset_export")
        sure_reset = st.checkbox(_("Yes, delete everything in the database"), key="confirm_reset")
        if st.button(_("Reset database"), disabled=not sure_reset):
            if not _run(data.reset_database):
                return
            st.session_state[MESSAGE] = _("The database was reset: it is empty, with the default health model.")
            st.rerun()
