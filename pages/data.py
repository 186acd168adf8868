"""Data: what the database holds; import a file (mapping, dry run, all-or-nothing commit);
templates; the company's vocabularies and currency; people and roles; the audit trail; export everything;
the demo company; reset. Only admins reach this page."""

import datetime as dt

import streamlit as st

from cs_metrics.i18n import _, formats, pgettext
from cs_metrics.services import data
from ui import components, data_admin, data_import, data_people, data_vocabulary, identity, loaders, shell


def _day(value: object) -> str:
    """A day stored as ISO text (or a date) in the reader's format; anything else as it is."""
    if isinstance(value, dt.date):
        return formats.date(value)
    try:
        return formats.date(dt.date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)[:10]


shell.require_router()
st.title(_("Data"))
if not identity.allowed("data.import"):
    st.error(_("Only an admin may use the Data page: imports, export, restore, resets, people and the audit trail."))
    st.stop()
if message := st.session_state.pop(data_import.MESSAGE, None):
    st.success(message)
meta = loaders.load(data.dataset_meta)
counts = loaders.load(data.table_counts)
extent = loaders.load(data.data_extent)

if meta.get("dataset") == "demo":
    st.write(
        _("The database holds the **demo company** generated on {day} (seed {seed}, {customers} customers).")
        .format(day=_day(meta.get("generated_at", "?")), seed=meta.get("demo_seed"),
                customers=meta.get("demo_customers"))
    )
elif counts[~counts["entity"].isin(["Health model versions", "Imports"])]["rows"].sum() == 0:
    st.write(_("The database is **empty**."))
else:
    st.write(_("The database holds **your own data**."))
if extent["latest"]:
    st.caption(_("Activity recorded from {first} to {latest}.").format(first=_day(extent["first"]),
                                                                        latest=_day(extent["latest"])))

st.subheader(_("Rows per entity"))
# The entity names are data (the storage's labels); they are shown in the reader's language.
shown = counts[["entity", "rows"]].assign(entity=counts["entity"].map(_))
components.table(shown, hide_index=True, column_config={
    "entity": _("Entity"), "rows": st.column_config.NumberColumn(_("Rows"), format="%d")})

data_import.import_section(counts)
history = loaders.load(data.import_history)
with st.expander(_("Import log ({n} latest)").format(n=len(history))):
    if history.empty:
        st.caption(_("Nothing imported yet."))
    else:
        # Headed by the columns' own names in English, by their meaning in other languages.
        components.table(history, hide_index=True, column_config={
            "at": pgettext("import log column", "at"), "entity": pgettext("import log column", "entity"),
            "source_file": pgettext("import log column", "source_file"),
            "inserted": pgettext("import log column", "inserted"),
            "updated": pgettext("import log column", "updated"), "who": pgettext("import log column", "who")})

data_vocabulary.vocabulary_section()
data_people.people_section()
data_people.audit_section()
data_admin.export_section()
data_admin.demo_and_reset_section()
