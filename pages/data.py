"""Data: what the database holds; import a file (mapping, dry run, all-or-nothing commit);
templates; the company's vocabularies and currency; people and roles; the audit trail; export everything;
the demo company; reset. Only admins reach this page."""

import streamlit as st

from cs_metrics.services import data
from ui import components, data_admin, data_import, data_people, data_vocabulary, identity, loaders, shell

shell.require_router()
st.title("Data")
if not identity.allowed("data.import"):
    st.error("Only an admin may use the Data page: imports, export, restore, resets, people and the audit trail.")
    st.stop()
if message := st.session_state.pop(data_import.MESSAGE, None):
    st.success(message)
meta = loaders.load(data.dataset_meta)
counts = loaders.load(data.table_counts)
extent = loaders.load(data.data_extent)

if meta.get("dataset") == "demo":
    st.write(
        f"The database holds the **demo company** generated on {meta.get('generated_at', '?')[:10]} "
        f"(seed {meta.get('demo_seed')}, {meta.get('demo_customers')} customers)."
    )
elif counts[~counts["entity"].isin(["Health model versions", "Imports"])]["rows"].sum() == 0:
    st.write("The database is **empty**.")
else:
    st.write("The database holds **your own data**.")
if extent["latest"]:
    st.caption(f"Activity recorded from {extent['first']} to {extent['latest']}.")

st.subheader("Rows per entity")
components.table(counts[["entity", "rows"]], hide_index=True, column_config={
    "entity": "Entity", "rows": st.column_config.NumberColumn("Rows", format="%d")})

data_import.import_section(counts)
history = loaders.load(data.import_history)
with st.expander(f"Import log ({len(history)} latest)"):
    if history.empty:
        st.caption("Nothing imported yet.")
    else:
        components.table(history, hide_index=True)

data_vocabulary.vocabulary_section()
data_people.people_section()
data_people.audit_section()
data_admin.export_section()
data_admin.demo_and_reset_section()
