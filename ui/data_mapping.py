"""The mapping screen of the Data page: the file's columns with a few sample values; where each
field comes from (a column, a constant or a calculation), with its value map and its condition;
which rows to import; load a saved mapping or a mapping file, save the mapping by name, and
download it as the JSON file the command line takes (``--mapping-file``)."""

from __future__ import annotations

import hashlib
from typing import Any

import streamlit as st

from cs_metrics.i18n import N_, _, formats, ngettext
from cs_metrics.services import data
from ui import components, identity, loaders
from ui.data_mapping_rules import NONE, SPECIAL, condition_editor, option_text, rule_details, source_option
from ui.text import plain

AUTOMATIC = N_("Automatic (match column names)")
#: How the reader's file was read (``RawTable.file_format``'s keys), as shown.
FORMAT_KEYS = {"type": N_("type"), "encoding": N_("encoding"), "separator": N_("separator"), "sheet": N_("sheet"),
               "header row": N_("header row")}
MESSAGE = "data_message"


def _base(entity: str) -> tuple[dict[str, Any], str]:
    """The mapping the screen starts from (saved, loaded from a file, or automatic) and its origin."""
    saved = loaders.load(data.saved_mappings, entity)
    left, right = st.columns([1, 1])
    automatic = _(AUTOMATIC)
    chosen = left.selectbox(_("Column mapping"), [AUTOMATIC, *saved], key=f"mapping_name_{entity}",
                            format_func=lambda name: automatic if name == AUTOMATIC else name)
    upload = right.file_uploader(_("Or start from a mapping file (JSON)"), type=["json"], key=f"mapping_file_{entity}")
    if upload is not None:
        try:
            return data.read_mapping_file(entity, upload.getvalue()), f"file {upload.file_id}"
        except data.DataError as exc:
            right.error(plain(exc))
    return saved.get(chosen, {}), f"saved {chosen}"


def _save_and_download(entity: str, spec: dict[str, Any]) -> None:
    label = _(data.ENTITIES[entity].label).lower()
    left, right = st.columns(2)
    with left.popover(_("Save this mapping")):
        name = st.text_input(_("Name (for example the source system)"), key="mapping_save_name")
        if st.button(_("Save mapping"), key="mapping_save"):
            try:
                data.save_mapping(loaders.engine(), entity, name, spec,
                                  actor=identity.named(st.session_state.get("import_who")))
            except data.DataError as exc:
                st.error(plain(exc))
            except identity.Refused as exc:
                identity.refused(exc)
            else:
                loaders.invalidate()
                st.session_state[MESSAGE] = _("Mapping '{name}' saved for {entity} files.").format(
                    name=plain(name.strip()), entity=label)
                st.rerun()
    try:
        text = data.mapping_json(entity, spec)
    except data.DataError as exc:
        st.error(plain(exc))
        return
    right.download_button(_("Download the mapping (JSON)"), text, f"{entity}_mapping.json", "application/json",
                          key="mapping_download", help=_(
                              "The file the command line takes: python -m cs_metrics.storage.ingest {entity} FILE "
                              "--mapping-file {entity}_mapping.json").format(entity=entity))


def mapping_screen(entity: str, upload: Any, payload: bytes) -> dict[str, Any] | None:
    """The whole mapping screen for an uploaded file; returns the mapping (None when the file has no
    columns to map)."""
    spec = data.ENTITIES[entity]
    columns, read = data.preview(payload, upload.name, entity)
    if read.file_format:
        how = ", ".join(f"{_(FORMAT_KEYS[k]) if k in FORMAT_KEYS else k}: {repr(v) if k == 'separator' else v}"
                        for k, v in read.file_format.items())
        # The English reads "1 data rows" as it always has; a language with forms has them.
        st.caption(ngettext("Read as {format}; {n} data rows.", "Read as {format}; {n} data rows.", read.rows)
                   .format(format=how, n=formats.decimal(read.rows)))
    if not columns:
        return None
    base_spec, origin = _base(entity)
    base = data.effective_mapping(entity, columns, base_spec)
    automatic = data.effective_mapping(entity, columns)["fields"]
    token = hashlib.sha1(f"{origin}|{upload.file_id}".encode()).hexdigest()[:10]
    # The English reads "The file's 1 columns" as it always has; a language with forms has them.
    with st.expander(ngettext("The file's {n} columns", "The file's {n} columns", len(columns)).format(
            n=len(columns)), expanded=True):
        components.table(data.column_profile(read.raw), hide_index=True, column_config={
            "column": _("Column"), "samples": _("Sample values"), "distinct": st.column_config.NumberColumn(
                _("Distinct values"), format="%d"), "blank": st.column_config.NumberColumn(_("Blank"), format="%d")})
    st.markdown(_("**Where does each field come from?** Required fields are marked with *. A column may feed "
                  "several fields; a field may also hold a constant or a calculation."))
    options = [NONE, *columns, *SPECIAL]
    shown = {option: option_text(option) for option in options}
    grid = st.columns(3)
    picks = {}
    for i, f in enumerate(spec.fields):
        picks[f.name] = grid[i % 3].selectbox(
            f.name + (" *" if f.required else ""), options, format_func=shown.__getitem__,
            help=_("{description} Format: {format}.").format(description=f.describe(), format=f.format_hint()),
            index=options.index(source_option(base["fields"][f.name], columns)), key=f"map_{entity}_{token}_{f.name}")
    fields: dict[str, Any] = {}
    st.caption(_("Each field's details: open one to map the column's values onto the field's, or to set it "
                 "only on some rows."))
    for f in spec.fields:
        pick = picks[f.name]
        if pick == NONE:
            if automatic[f.name] is not None:
                fields[f.name] = None  # left out on purpose, although a column's name matches
            continue
        with st.expander(f"{f.name} ← {plain(option_text(pick))}", expanded=pick in SPECIAL):
            fields[f.name] = rule_details(entity, f, pick, base["fields"][f.name], f"rule_{entity}_{token}_{f.name}",
                                          columns, read.raw)
    st.markdown(_("**Which rows to import**"))
    first = base["filter"][0] if base["filter"] else None
    condition = condition_editor(f"filter_{entity}_{token}", columns, read.raw, first,
                                 _("Import only the rows where a column has some values"))
    more = base["filter"][1:]
    if more:
        conditions = "; ".join(
            (_("{column} is {values}") if "in" in c else _("{column} is not {values}")).format(
                column=plain(c["column"]), values=plain(", ".join(map(repr, c.get("in", c.get("not_in", []))))))
            for c in more)
        st.caption(_("The mapping also keeps only the rows where: {conditions}.").format(conditions=conditions))
    skip = st.checkbox(_("Leave out rows with a blank required value (counted in a note, not listed as problems)"),
                       value=base["skip_blank_required"], key=f"skip_blank_{entity}_{token}")
    mapping = {"fields": fields, "filter": ([condition] if condition else []) + more, "skip_blank_required": skip}
    _save_and_download(entity, mapping)
    return mapping
