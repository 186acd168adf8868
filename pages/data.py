"""Data: what the database holds, and the demo company (clear it, or load it again)."""

import streamlit as st

from cs_metrics.storage import db, demo, queries
from ui import loaders

st.title("Data")
meta = loaders.load(db.dataset_meta)
counts = loaders.load(queries.table_counts)
extent = loaders.load(queries.data_extent)

dataset = meta.get("dataset")
if dataset == "demo":
    st.write(
        f"The database holds the **demo company** generated on {meta.get('generated_at', '?')[:10]} "
        f"(seed {meta.get('demo_seed')}, {meta.get('demo_customers')} customers)."
    )
elif counts["rows"].sum() == 0:
    st.write("The database is **empty**.")
else:
    st.write("The database holds **your own data**.")
if extent["latest"]:
    st.caption(f"Activity recorded from {extent['first']} to {extent['latest']}.")

st.subheader("Rows per entity")
st.dataframe(
    counts[["entity", "rows"]],
    hide_index=True,
    column_config={"entity": "Entity", "rows": st.column_config.NumberColumn("Rows", format="%d")},
)

st.subheader("Demo company")
left, right = st.columns(2)
with left, st.container(border=True):
    st.markdown("**Clear all data**")
    st.caption("Deletes every customer, response, signal, meeting and assessment. Health-model versions and the import log stay.")
    sure_clear = st.checkbox("Yes, delete all data", key="confirm_clear")
    if st.button("Clear data", disabled=not sure_clear, type="primary"):
        db.clear_data(loaders.engine())
        loaders.invalidate()
        st.session_state["data_message"] = "All data was cleared. The app will not load the demo again by itself."
        st.rerun()
with right, st.container(border=True):
    st.markdown("**Load the demo company**")
    st.caption("Replaces all data with a freshly generated demo company.")
    size = st.number_input("Customers", min_value=50, max_value=20000, value=1500, step=50, key="demo_size")
    sure_load = st.checkbox("Yes, replace all data with the demo", key="confirm_demo")
    if st.button("Load demo", disabled=not sure_load):
        with st.spinner("Generating the demo company…"):
            result = demo.load_demo(loaders.engine(), customers=int(size), replace=True)
        loaders.invalidate()
        st.session_state["data_message"] = f"Demo company loaded: {result.get('customer', 0):,} customers."
        st.rerun()

if message := st.session_state.pop("data_message", None):
    st.success(message)
