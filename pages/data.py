"""Data: what the database holds; import a file (mapping, dry run, all-or-nothing commit);
templates; export everything; the demo company; reset."""

import streamlit as st

from cs_metrics.storage import db, demo, export, ingest, queries
from ui import loaders

NONE = "— not in the file —"
AUTOMATIC = "Automatic (match column names)"

st.title("Data")
if message := st.session_state.pop("data_message", None):
    st.success(message)
meta = loaders.load(db.dataset_meta)
counts = loaders.load(queries.table_counts)
extent = loaders.load(queries.data_extent)

dataset = meta.get("dataset")
if dataset == "demo":
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
st.dataframe(
    counts[["entity", "rows"]],
    hide_index=True,
    column_config={"entity": "Entity", "rows": st.column_config.NumberColumn("Rows", format="%d")},
)

# --- import ------------------------------------------------------------------------------------
st.subheader("Import a file")
st.caption(
    "Choose what the file holds, upload it (CSV with comma, semicolon or tab; UTF-8 or Windows/Latin-1; "
    f"or Excel .xlsx; up to {ingest.MAX_FILE_BYTES // 2**20} MB), check the column mapping, then check the "
    "file. Nothing is written until the check finds no problem and you press Import; then the whole file "
    "is written at once, or nothing. Rows already stored (same id) are updated, not duplicated."
)
labels = {name: spec.label for name, spec in ingest.ENTITIES.items()} | {ingest.ARCHIVE: "Everything (export ZIP)"}
entity = st.selectbox("The file holds", list(labels), format_func=labels.get, key="import_entity")
if entity != ingest.ARCHIVE:
    spec = ingest.ENTITIES[entity]
    with st.expander(f"Columns of a {spec.label.lower()} file, and empty templates"):
        st.caption(spec.description)
        st.dataframe(ingest.field_guide(entity), hide_index=True)
        left, right = st.columns(2)
        left.download_button("Template (CSV)", ingest.template_csv(entity), f"{entity}_template.csv", "text/csv")
        right.download_button("Template (Excel)", ingest.template_xlsx(entity), f"{entity}_template.xlsx",
                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
upload = st.file_uploader("File to import", key="import_file")

if upload is not None:
    data = upload.getvalue()
    mapping: dict[str, str | None] = {}
    if entity != ingest.ARCHIVE:
        columns, read = ingest.preview(data, upload.name, entity)
        if read.file_format:
            st.caption("Read as " + ", ".join(f"{k}: {v!r}" if k == "separator" else f"{k}: {v}"
                                               for k, v in read.file_format.items()) + f"; {read.rows:,} data rows.")
        if columns:
            saved = loaders.load(ingest.saved_mappings, entity)
            chosen = st.selectbox("Column mapping", [AUTOMATIC, *saved], key=f"mapping_name_{entity}")
            start = {**read.mapping, **{k: v for k, v in saved.get(chosen, {}).items() if v in columns}}
            st.markdown("**Which column holds each field?** Required fields are marked with *.")
            grid = st.columns(3)
            for i, f in enumerate(spec.fields):
                options = [NONE, *columns]
                pick = grid[i % 3].selectbox(
                    f.name + (" *" if f.required else ""), options, help=f"{f.description} Format: {f.format_hint()}.",
                    index=options.index(start[f.name]) if start.get(f.name) in options else 0,
                    key=f"map_{entity}_{chosen}_{upload.file_id}_{f.name}",
                )
                mapping[f.name] = None if pick == NONE else pick
            with st.popover("Save this mapping"):
                name = st.text_input("Name (for example the source system)", key="mapping_save_name")
                if st.button("Save mapping", key="mapping_save"):
                    try:
                        ingest.save_mapping(loaders.engine(), entity, name, mapping, who=st.session_state.get("import_who"))
                        loaders.invalidate()
                        st.session_state["data_message"] = f"Mapping {name.strip()!r} saved for {spec.label.lower()} files."
                        st.rerun()
                    except ingest.DataError as exc:
                        st.error(str(exc))
    st.text_input("Your name (recorded in the import log)", key="import_who")
    signature = (entity, upload.file_id, tuple(sorted(mapping.items())))
    if st.button("Check the file (dry run)", type="primary", key="import_check"):
        with st.spinner("Checking every row…"):
            st.session_state["import_report"] = (signature, ingest.dry_run(
                loaders.engine(), entity, data, filename=upload.name, mapping=mapping))
    stored = st.session_state.get("import_report")
    report = stored[1] if stored and stored[0] == signature else None
    if report is not None and not report.ok:
        st.error(report.summary())
        st.dataframe(report.problem_groups(), hide_index=True,
                     column_config={"kind": "Problem", "problems": st.column_config.NumberColumn("Count", format="%d")})
        shown = report.problems_frame()
        st.caption(f"Every problem, row by row ({len(shown):,} listed). Row numbers are the file's, header = row 1.")
        st.dataframe(shown.drop(columns="kind"), hide_index=True, column_config={
            "row": st.column_config.NumberColumn("Row", format="%d", width="small"), "column": "Column",
            "value": "Value", "reason": st.column_config.TextColumn("Reason", width="large")})
        st.download_button("Download the rows with problems (CSV)", report.problem_rows_csv(),
                           f"problems_{upload.name}.csv", "text/csv", key="import_problem_rows")
    if report is not None and report.notes:
        st.caption(" ".join(report.notes))
    if report is not None and report.ok:
        st.info(report.summary())
        replace = True
        if entity == ingest.ARCHIVE and counts.set_index("entity")["rows"].get("Customers", 0) > 0:
            replace = st.checkbox("Yes, replace all data with the archive", key="confirm_restore")
        if st.button(f"Import {report.rows:,} rows", disabled=not replace, type="primary", key="import_commit"):
            bar = st.progress(0.0, text="Importing…")
            done = ingest.commit(loaders.engine(), entity, data, filename=upload.name, mapping=mapping,
                                 who=st.session_state.get("import_who") or None, replace=replace,
                                 progress=lambda share, text: bar.progress(min(max(share, 0.0), 1.0), text=text))
            st.session_state.pop("import_report", None)
            loaders.invalidate()
            if done.committed:
                st.session_state["data_message"] = f"Imported {upload.name}: {done.inserted:,} added, " \
                    f"{done.updated:,} updated, {done.unchanged:,} unchanged."
                st.rerun()
            st.error(done.summary())

history = loaders.load(ingest.import_history)
with st.expander(f"Import log ({len(history)} latest)"):
    if history.empty:
        st.caption("Nothing imported yet.")
    else:
        st.dataframe(history, hide_index=True)

# --- export --------------------------------------------------------------------------------------
st.subheader("Export everything")
st.caption(
    "One CSV per table in a ZIP, with a description of every column. Importing it back (choose "
    "'Everything (export ZIP)' above) gives exactly the same database. Text that a spreadsheet would run "
    "as a formula is prefixed with a quote in the CSV files."
)
st.download_button("Download export (ZIP)", lambda: export.export_zip(loaders.engine()), export.export_filename(),
                   "application/zip", key="export_zip")

# --- demo company and reset ------------------------------------------------------------------------
st.subheader("Demo company and reset")
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
with st.container(border=True):
    st.markdown("**Reset the database**")
    st.caption(
        "Deletes everything: all data, the import log, saved mappings and every health-model version (the "
        "default model is stored again). Download an export first if you may want any of it back."
    )
    st.download_button("Download an export first (ZIP)", lambda: export.export_zip(loaders.engine()),
                       export.export_filename(), "application/zip", key="reset_export")
    sure_reset = st.checkbox("Yes, delete everything in the database", key="confirm_reset")
    if st.button("Reset database", disabled=not sure_reset):
        export.reset_database(loaders.engine())
        loaders.invalidate()
        st.session_state["data_message"] = "The database was reset: it is empty, with the default health model."
        st.rerun()
