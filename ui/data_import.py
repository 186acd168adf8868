"""The import section of the Data page: what the file holds, its mapping (``ui.data_mapping``), the
dry run with every kind of problem and the values the company's vocabularies lack (which one click
adds), then the all-or-nothing import."""

from __future__ import annotations

import json
from collections.abc import Callable

import pandas as pd
import streamlit as st

from cs_metrics import vocab
from cs_metrics.i18n import N_, _, formats, ngettext, pgettext
from cs_metrics.services import data
from ui import components, identity, loaders
from ui.data_mapping import MESSAGE, mapping_screen
from ui.text import plain

REPORT = "import_report"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: What the file holds when it is a whole-database export.
ARCHIVE_LABEL = N_("Everything (export ZIP)")


def _templates(entity: str) -> None:
    spec = data.ENTITIES[entity]
    with st.expander(_("Columns of a {entity} file, and empty templates").format(entity=_(spec.label).lower())):
        st.caption(_(spec.description))
        # Headed by the columns' own names in English, by their meaning in other languages.
        components.table(data.field_guide(entity), hide_index=True, column_config={
            "column": pgettext("column header", "column"), "required": pgettext("column header", "required"),
            "format": pgettext("column header", "format"),
            "description": pgettext("column header", "description")})
        left, right = st.columns(2)
        # Built on click: a workbook carries the time it was written, so its bytes change every second.
        left.download_button(_("Template (CSV)"), lambda: data.template_csv(entity), f"{entity}_template.csv",
                             "text/csv")
        right.download_button(_("Template (Excel)"), lambda: data.template_xlsx(entity),
                              f"{entity}_template.xlsx", XLSX)


def _problems(report: data.ImportReport, filename: str) -> None:
    st.error(plain(report.summary()))
    components.table(report.problem_groups(), hide_index=True, column_config={
        "kind": _("Problem"), "problems": st.column_config.NumberColumn(_("Count"), format="%d"),
        "rows": _("First rows"), "example": st.column_config.TextColumn(_("For example"), width="large")})
    shown = report.problems_frame()
    listed = (_("every one") if len(shown) == report.problem_total
              else _("{n} of {total}: the first ones of each kind").format(
                  n=formats.decimal(len(shown)), total=formats.decimal(report.problem_total)))
    st.caption(_("The problems, row by row ({listed}). Row numbers are the file's, header = row 1.").format(
        listed=listed))
    components.table(shown.drop(columns="kind"), hide_index=True, column_config={
        "row": st.column_config.NumberColumn(_("Row"), format="%d", width="small"), "column": _("Column"),
        "value": _("Value"), "reason": st.column_config.TextColumn(_("Reason"), width="large")})
    st.download_button(_("Download the rows with problems (CSV)"), report.problem_rows_csv(),
                       f"problems_{filename}.csv", "text/csv", key="import_problem_rows")


def _new_values(report: data.ImportReport, check: Callable[[], None]) -> None:
    """For each vocabulary a file brings new values to: the values with their rows, and a button
    that adds them to the vocabulary and checks the file again."""
    for kind, values in report.new_values.items():
        label = _(vocab.VOCABULARY_KINDS[kind])
        # The English reads "(1 rows)" as it always has; a language with forms has them.
        listing = ", ".join(ngettext("{value} ({n} rows)", "{value} ({n} rows)", n).format(
            value=repr(v), n=formats.decimal(n)) for v, n in list(values.items())[:20])
        more = (_(" and {n} more").format(n=formats.decimal(len(values) - 20)) if len(values) > 20 else "")
        st.warning(_("Not in your {vocabulary} yet: {values}{more}. Add them, or map the values onto yours above.")
                   .format(vocabulary=label.lower(), values=plain(listing), more=more))
        n = len(values)
        if st.button(ngettext("Add this {n} value to {vocabulary}", "Add these {n} values to {vocabulary}", n)
                     .format(n=formats.decimal(n), vocabulary=label),
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
    st.subheader(_("Import a file"))
    st.caption(_(
        "Choose what the file holds, upload it (CSV with comma, semicolon or tab; UTF-8 or Windows/Latin-1; "
        "or Excel .xlsx; up to {megabytes} MB), check the column mapping, then check the "
        "file. Nothing is written until the check finds no problem and you press Import; then the whole file "
        "is written at once, or nothing. Rows already stored (same id) are updated, not duplicated. Larger "
        "files: split them, or import them on the server with `python -m cs_metrics.storage.ingest` (README)."
    ).format(megabytes=data.MAX_UPLOAD_BYTES // 2**20))
    labels = {name: spec.label for name, spec in data.ENTITIES.items()} | {data.ARCHIVE: ARCHIVE_LABEL}
    shown = {name: _(label) for name, label in labels.items()}
    entity = st.selectbox(_("The file holds"), list(labels), format_func=shown.get, key="import_entity")
    if entity != data.ARCHIVE:
        _templates(entity)
    upload = st.file_uploader(_("File to import"), key="import_file",
                              max_upload_size=data.MAX_UPLOAD_BYTES // 2**20)
    if upload is None:
        return
    payload = upload.getvalue()
    mapping = mapping_screen(entity, upload, payload) if entity != data.ARCHIVE else None
    identity.name_field(_("Your name (recorded in the import log)"), key="import_who")
    signature = (entity, upload.file_id, json.dumps(mapping, sort_keys=True, default=str))

    def check() -> None:
        with st.spinner(_("Checking every row…")):
            st.session_state[REPORT] = (signature, data.dry_run(
                loaders.engine(), entity, payload, filename=upload.name, mapping=mapping))

    if st.button(_("Check the file (dry run)"), type="primary", key="import_check"):
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
        replace = st.checkbox(_("Yes, replace all data with the archive"), key="confirm_restore")
    rows = report.rows - report.skipped
    # The English reads "Import 1 rows" as it always has; a language with forms has them.
    if st.button(ngettext("Import {n} rows", "Import {n} rows", rows).format(n=formats.decimal(rows)),
                 disabled=not replace, type="primary", key="import_commit"):
        bar = st.progress(0.0, text=_("Importing…"))
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
            st.session_state[MESSAGE] = _(
                "Imported {file}: {added} added, {updated} updated, {unchanged} unchanged.").format(
                file=plain(upload.name), added=formats.decimal(done.inserted),
                updated=formats.decimal(done.updated), unchanged=formats.decimal(done.unchanged))
            st.rerun()
        st.error(plain(done.summary()))
