"""The import section of the Data page: what the file holds, its mapping (``ui.data_mapping``), the
dry run with every kind of problem and the values the company's vocabularies lack (which one click
adds), then the all-or-nothing import."""

from __future__ import annotations

import json
from collections.abc import Callable

import pandas as pd
import streamlit as st

from cs_metrics import vocab
from cs_metrics.services import data
from ui import components, identity, loaders
from ui.data_mapping import MESSAGE, mapping_screen
from ui.text import plain

REPORT = "import_report"
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


def _problems(report: data.ImportReport, filename: str) -> None:
    st.error(plain(report.summary()))
    components.table(report.problem_groups(), hide_index=True, column_config={
        "kind": "Problem", "problems": st.column_config.NumberColumn("Count", format="%d"),
        "rows": "First rows", "example": st.column_config.TextColumn("For example", width="large")})
    shown = report.problems_frame()
    listed = ("every one" if len(shown) == report.problem_total
              else f"{len(shown):,} of {report.problem_total:,}: the first ones of each kind")
    st.caption(f"The problems, row by row ({listed}). Row numbers are the file's, header = row 1.")
    components.table(shown.drop(columns="kind"), hide_index=True, column_config={
        "row": st.column_config.NumberColumn("Row", format="%d", width="small"), "column": "Column",
        "value": "Value", "reason": st.column_config.TextColumn("Reason", width="large")})
    st.download_button("Download the rows with problems (CSV)", report.problem_rows_csv(),
                       f"problems_{filename}.csv", "text/csv", key="import_problem_rows")


def _new_values(report: data.ImportReport, check: Callable[[], None]) -> None:
    """For each vocabulary a file brings new values to: the values with their rows, and a button
    that adds them to the vocabulary and checks the file again."""
    for kind, values in report.new_values.items():
        label = vocab.VOCABULARY_KINDS[kind]
        listing = ", ".join(f"{v!r} ({n:,} rows)" for v, n in list(values.items())[:20])
        more = f" and {len(values) - 20:,} more" if len(values) > 20 else ""
        st.warning(f"Not in your {label.lower()} yet: {plain(listing)}{more}. Add them, or map the values onto yours "
                   "above.")
        n = len(values)
        if st.button(f"Add {'these' if n != 1 else 'this'} {n:,} value{'s' * (n != 1)} to {label}",
                     key=f"import_add_{kind}"):
            try:
                data.add_new_values(loaders.engine(), kind, list(values), actor=identity.actor())
            except identity.Refused as exc:
                identity.refused(exc)
                return
            loaders.invalidate()
            check()
            st.rerun()


def import_section(counts: pd.DataFrame) -> None:
    """The whole import flow; ``counts`` (rows per entity) decides whether a restore must be confirmed."""
    st.subheader("Import a file")
    st.caption(
        "Choose what the file holds, upload it (CSV with comma, semicolon or tab; UTF-8 or Windows/Latin-1; "
        f"or Excel .xlsx; up to {data.MAX_UPLOAD_BYTES // 2**20} MB), check the column mapping, then check the "
        "file. Nothing is written until the check finds no problem and you press Import; then the whole file "
        "is written at once, or nothing. Rows already stored (same id) are updated, not duplicated. Larger "
        "files: split them, or import them on the server with `python -m cs_metrics.storage.ingest` (README)."
    )
    labels = {name: spec.label for name, spec in data.ENTITIES.items()} | {data.ARCHIVE: "Everything (export ZIP)"}
    entity = st.selectbox("The file holds", list(labels), format_func=labels.get, key="import_entity")
    if entity != data.ARCHIVE:
        _templates(entity)
    upload = st.file_uploader("File to import", key="import_file", max_upload_size=data.MAX_UPLOAD_BYTES // 2**20)
    if upload is None:
        return
    payload = upload.getvalue()
    mapping = mapping_screen(entity, upload, payload) if entity != data.ARCHIVE else None
    identity.name_field("Your name (recorded in the import log)", key="import_who")
    signature = (entity, upload.file_id, json.dumps(mapping, sort_keys=True, default=str))

    def check() -> None:
        with st.spinner("Checking every row…"):
            st.session_state[REPORT] = (signature, data.dry_run(
                loaders.engine(), entity, payload, filename=upload.name, mapping=mapping))

    if st.button("Check the file (dry run)", type="primary", key="import_check"):
        check()
    stored = st.session_state.get(REPORT)
    report = stored[1] if stored and stored[0] == signature else None
    if report is None:
        return
    if not report.ok:
        _problems(report, upload.name)
    for note in report.notes:
        st.caption(plain(note))
    _new_values(report, check)
    if not report.ok:
        return
    st.info(plain(report.summary()))
    replace = True
    if entity == data.ARCHIVE and counts.set_index("entity")["rows"].get("Customers", 0) > 0:
        replace = st.checkbox("Yes, replace all data with the archive", key="confirm_restore")
    rows = report.rows - report.skipped
    if st.button(f"Import {rows:,} rows", disabled=not replace, type="primary", key="import_commit"):
        bar = st.progress(0.0, text="Importing…")
        try:
            done = data.commit(loaders.engine(), entity, payload, filename=upload.name, mapping=mapping,
                               actor=identity.named(st.session_state.get("import_who")), replace=replace,
                               progress=lambda share, text: bar.progress(min(max(share, 0.0), 1.0), text=text))
        except identity.Refused as exc:
            bar.empty()
            identity.refused(exc)
            return
        st.session_state.pop(REPORT, None)
        loaders.invalidate()
        if done.committed:
            st.session_state[MESSAGE] = (f"Imported {plain(upload.name)}: {done.inserted:,} added, {done.updated:,} updated, "
                                         f"{done.unchanged:,} unchanged.")
            st.rerun()
        st.error(plain(done.summary()))
