"""The mapping screen of the Data page: the file's columns with a few sample values; where each
field comes from (a column, a constant or a calculation), with its value map and its condition;
which rows to import; load a saved mapping or a mapping file, save the mapping by name, and
download it as the JSON file the command line takes (``--mapping-file``)."""

from __future__ import annotations

import hashlib
from typing import Any

import streamlit as st

from cs_metrics.services import data
from ui import components, identity, loaders
from ui.data_mapping_rules import NONE, SPECIAL, condition_editor, rule_details, source_option
from ui.text import plain

AUTOMATIC = "Automatic (match column names)"
MESSAGE = "data_message"


def _base(entity: str) -> tuple[dict[str, Any], str]:
    """The mapping the screen starts from (saved, loaded from a file, or automatic) and its origin."""
    saved = loaders.load(data.saved_mappings, entity)
    left, right = st.columns([1, 1])
    chosen = left.selectbox("Column mapping", [AUTOMATIC, *saved], key=f"mapping_name_{entity}")
    upload = right.file_uploader("Or start from a mapping file (JSON)", type=["json"], key=f"mapping_file_{entity}")
    if upload is not None:
        try:
            return data.read_mapping_file(entity, upload.getvalue()), f"file {upload.file_id}"
        except data.DataError as exc:
            right.error(plain(exc))
    return saved.get(chosen, {}), f"saved {chosen}"


def _save_and_download(entity: str, spec: dict[str, Any]) -> None:
    label = data.ENTITIES[entity].label.lower()
    left, right = st.columns(2)
    with left.popover("Save this mapping"):
        name = st.text_input("Name (for example the source system)", key="mapping_save_name")
        if st.button("Save mapping", key="mapping_save"):
            try:
                data.save_mapping(loaders.engine(), entity, name, spec,
                                  actor=identity.named(st.session_state.get("import_who")))
            except data.DataError as exc:
                st.error(plain(exc))
            except identity.Refused as exc:
                identity.refused(exc)
            else:
                loaders.invalidate()
                st.session_state[MESSAGE] = f"Mapping '{plain(name.strip())}' saved for {label} files."
                st.rerun()
    try:
        text = data.mapping_json(entity, spec)
    except data.DataError as exc:
        st.error(plain(exc))
        return
    right.download_button("Download the mapping (JSON)", text, f"{entity}_mapping.json", "application/json",
                          key="mapping_download", help="The file the command line takes: python -m "
                          f"cs_metrics.storage.ingest {entity} FILE --mapping-file {entity}_mapping.json")


def mapping_screen(entity: str, upload: Any, payload: bytes) -> dict[str, Any] | None:
    """The whole mapping screen for an uploaded file; returns the mapping (None when the file has no
    columns to map)."""
    spec = data.ENTITIES[entity]
    columns, read = data.preview(payload, upload.name, entity)
    if read.file_format:
        st.caption("Read as " + ", ".join(f"{k}: {v!r}" if k == "separator" else f"{k}: {v}"
                                           for k, v in read.file_format.items()) + f"; {read.rows:,} data rows.")
    if not columns:
        return None
    base_spec, origin = _base(entity)
    base = data.effective_mapping(entity, columns, base_spec)
    automatic = data.effective_mapping(entity, columns)["fields"]
    token = hashlib.sha1(f"{origin}|{upload.file_id}".encode()).hexdigest()[:10]
    with st.expander(f"The file's {len(columns)} columns", expanded=True):
        components.table(data.column_profile(read.raw), hide_index=True, column_config={
            "column": "Column", "samples": "Sample values", "distinct": st.column_config.NumberColumn(
                "Distinct values", format="%d"), "blank": st.column_config.NumberColumn("Blank", format="%d")})
    st.markdown("**Where does each field come from?** Required fields are marked with *. A column may feed "
                "several fields; a field may also hold a constant or a calculation.")
    options = [NONE, *columns, *SPECIAL]
    grid = st.columns(3)
    picks = {}
    for i, f in enumerate(spec.fields):
        picks[f.name] = grid[i % 3].selectbox(
            f.name + (" *" if f.required else ""), options, help=f"{f.description} Format: {f.format_hint()}.",
            index=options.index(source_option(base["fields"][f.name], columns)), key=f"map_{entity}_{token}_{f.name}")
    fields: dict[str, Any] = {}
    st.caption("Each field's details: open one to map the column's values onto the field's, or to set it "
               "only on some rows.")
    for f in spec.fields:
        pick = picks[f.name]
        if pick == NONE:
            if automatic[f.name] is not None:
                fields[f.name] = None  # left out on purpose, although a column's name matches
            continue
        with st.expander(f"{f.name} ← {plain(pick)}", expanded=pick in SPECIAL):
            fields[f.name] = rule_details(entity, f, pick, base["fields"][f.name], f"rule_{entity}_{token}_{f.name}",
                                          columns, read.raw)
    st.markdown("**Which rows to import**")
    first = base["filter"][0] if base["filter"] else None
    condition = condition_editor(f"filter_{entity}_{token}", columns, read.raw, first,
                                 "Import only the rows where a column has some values")
    more = base["filter"][1:]
    if more:
        st.caption("The mapping also keeps only the rows where: "
                   + "; ".join(f"{plain(c['column'])} {'is' if 'in' in c else 'is not'} "
                               f"{plain(', '.join(map(repr, c.get('in', c.get('not_in', [])))))}" for c in more) + ".")
    skip = st.checkbox("Leave out rows with a blank required value (counted in a note, not listed as problems)",
                       value=base["skip_blank_required"], key=f"skip_blank_{entity}_{token}")
    mapping = {"fields": fields, "filter": ([condition] if condition else []) + more, "skip_blank_required": skip}
    _save_and_download(entity, mapping)
    return mapping
