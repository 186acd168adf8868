"""The import section of the Data page: what the file holds, its column mapping (automatic, saved
or chosen), the dry run with every problem, then the all-or-nothing import."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cs_metrics.services import data
from ui import components, loaders

NONE = "— not in the file —"
AUTOMATIC = "Automatic (match column names)"
MESSAGE = "data_message"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _templates(entity: str) -> None:
    spec = data.ENTITIES[entity]
    with st.expander(f"Columns of a {spec.label.lower()} file, and empty templates"):
        st.caption(spec.description)
        components.table(data.field_guide(entity), hide_index=True)
        left, right = st.columns(2)
        # Built on click: a workbook carries the time it was written, so its bytes change every second.
        left.download_button("Template (CSV)", lambda: data.template_csv(entity), f"{entity}_template.csv", "text/csv")
        right.download_button("Template (Excel)", lambda: data.template_xlsx(entity), f"{entity}_template.xlsx", XLSX)


def _mapping(entity: str, upload, payload: bytes) -> dict[str, str | None]:
    """The mapping widgets: one select box per field, starting from a saved mapping or the automatic one."""
    spec = data.ENTITIES[entity]
    columns, read = data.preview(payload, upload.name, entity)
    if read.file_format:
        st.caption("Read as " + ", ".join(f"{k}: {v!r}" if k == "separator" else f"{k}: {v}"
                                           for k, v in read.file_format.items()) + f"; {read.rows:,} data rows.")
    mapping: dict[str, str | None] = {}
    if not columns:
        return mapping
    saved = loaders.load(data.saved_mappings, entity)
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
                data.save_mapping(loaders.engine(), entity, name, mapping, who=st.session_state.get("import_who"))
            except data.DataError as exc:
                st.error(str(exc))
            else:
                loaders.invalidate()
                st.session_state[MESSAGE] = f"Mapping {name.strip()!r} saved for {spec.label.lower()} files."
                st.rerun()
    return mapping


def _problems(report: data.ImportReport, filename: str) -> None:
    st.error(report.summary())
    components.table(report.problem_groups(), hide_index=True, column_config={
        "kind": "Problem", "problems": st.column_config.NumberColumn("Count", format="%d")})
    shown = report.problems_frame()
    st.caption(f"Every problem, row by row ({len(shown):,} listed). Row numbers are the file's, header = row 1.")
    components.table(shown.drop(columns="kind"), hide_index=True, column_config={
        "row": st.column_config.NumberColumn("Row", format="%d", width="small"), "column": "Column",
        "value": "Value", "reason": st.column_config.TextColumn("Reason", width="large")})
    st.download_button("Download the rows with problems (CSV)", report.problem_rows_csv(),
                       f"problems_{filename}.csv", "text/csv", key="import_problem_rows")


def import_section(counts: pd.DataFrame) -> None:
    """The whole import flow; ``counts`` (rows per entity) decides whether a restore must be confirmed."""
    st.subheader("Import a file")
    st.caption(
        "Choose what the file holds, upload it (CSV with comma, semicolon or tab; UTF-8 or Windows/Latin-1; "
        f"or Excel .xlsx; up to {data.MAX_FILE_BYTES // 2**20} MB), check the column mapping, then check the "
        "file. Nothing is written until the check finds no problem and you press Import; then the whole file "
        "is written at once, or nothing. Rows already stored (same id) are updated, not duplicated."
    )
    labels = {name: spec.label for name, spec in data.ENTITIES.items()} | {data.ARCHIVE: "Everything (export ZIP)"}
    entity = st.selectbox("The file holds", list(labels), format_func=labels.get, key="import_entity")
    if entity != data.ARCHIVE:
        _templates(entity)
    upload = st.file_uploader("File to import", key="import_file")
    if upload is None:
        return
    payload = upload.getvalue()
    mapping = _mapping(entity, upload, payload) if entity != data.ARCHIVE else {}
    st.text_input("Your name (recorded in the import log)", key="import_who")
    signature = (entity, upload.file_id, tuple(sorted(mapping.items())))
    if st.button("Check the file (dry run)", type="primary", key="import_check"):
        with st.spinner("Checking every row…"):
            st.session_state["import_report"] = (signature, data.dry_run(
                loaders.engine(), entity, payload, filename=upload.name, mapping=mapping))
    stored = st.session_state.get("import_report")
    report = stored[1] if stored and stored[0] == signature else None
    if report is None:
        return
    if not report.ok:
        _problems(report, upload.name)
    if report.notes:
        st.caption(" ".join(report.notes))
    if not report.ok:
        return
    st.info(report.summary())
    replace = True
    if entity == data.ARCHIVE and counts.set_index("entity")["rows"].get("Customers", 0) > 0:
        replace = st.checkbox("Yes, replace all data with the archive", key="confirm_restore")
    if st.button(f"Import {report.rows:,} rows", disabled=not replace, type="primary", key="import_commit"):
        bar = st.progress(0.0, text="Importing…")
        done = data.commit(loaders.engine(), entity, payload, filename=upload.name, mapping=mapping,
                           who=st.session_state.get("import_who") or None, replace=replace,
                           progress=lambda share, text: bar.progress(min(max(share, 0.0), 1.0), text=text))
        st.session_state.pop("import_report", None)
        loaders.invalidate()
        if done.committed:
            st.session_state[MESSAGE] = (f"Imported {upload.name}: {done.inserted:,} added, {done.updated:,} updated, "
                                         f"{done.unchanged:,} unchanged.")
            st.rerun()
        st.error(done.summary())
