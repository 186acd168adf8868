"""Board pack: choose period, comparison and sections; preview; download PDF, PPTX and HTML; freeze."""

import pandas as pd
import streamlit as st

from cs_metrics import boardpack
from cs_metrics.errors import DataError
from cs_metrics.period import Period
from cs_metrics.storage.queries import boardpack as saved
from ui import components, filters, loaders

selection = filters.current()
st.title("Board pack")
st.caption(
    "The Overview's numbers with their figures, verdicts and definitions, as a document a board can keep. "
    f"Customers: {selection.customers.describe()} (change them in the sidebar)."
)

# --- choices -----------------------------------------------------------------------------------------
left, right = st.columns(2)
chosen = left.date_input("Period", value=(selection.period.first, selection.period.last),
                         max_value=selection.as_of, key="pack_period", format="YYYY-MM-DD")
kind = right.radio("Compare with", list(boardpack.COMPARISONS), format_func=boardpack.COMPARISONS.get,
                   key="pack_comparison", horizontal=True)
offered = boardpack.available_sections()
sections = st.multiselect("Sections", offered, default=list(offered), key="pack_sections",
                          format_func=boardpack.SECTION_TITLES["en"].get)
left, right = st.columns(2)
language = left.radio("Language", ["en", "it"], format_func={"en": "English", "it": "Italiano"}.get,
                      key="pack_language", horizontal=True)
company = right.text_input("Company name on the cover", max_chars=200, key="pack_company")

if not (isinstance(chosen, (tuple, list)) and len(chosen) == 2):
    components.empty_state("Pick both the first and the last day of the period.")
    st.stop()
if not sections:
    components.empty_state("Choose at least one section for the pack.")
    st.stop()
period = Period(chosen[0], chosen[1])
previous = boardpack.comparison_period(period, kind)
options = dict(period=period, previous=previous, sections=tuple(sections), flt=selection.customers,
               as_of=selection.as_of, language=language, company=company)

# --- preview -----------------------------------------------------------------------------------------
preview = loaders.load(boardpack.build_pack, figures=False, **options)
if all(t.n == 0 for t in preview.tiles if t.area not in ("maturity", "meetings")):
    components.empty_state("No customers match these filters. Widen the segment, region or owner selection.")
    st.stop()
st.subheader("Preview")
with st.container(border=True):
    for name, value in boardpack.cover_lines(preview):
        st.text(f"{name}: {value}")
    for sentence in preview.summary.sentences:
        st.text(sentence)
for area in preview.sections:
    with st.expander(boardpack.SECTION_TITLES[language][area], expanded=False):
        for line in boardpack.reading(preview, area):
            if line:
                st.text(line)
        rows = [boardpack.figure_row(t, language) for t in preview.section_tiles(area)]
        head = [preview.t(k) for k in ("figure", "value", "previous", "change", "test", "n")]
        st.dataframe(pd.DataFrame(rows, columns=head), hide_index=True, width="stretch")
        if preview.last:
            changes = preview.since_last(area)
            st.caption(f"{preview.t('since')} ({preview.last_saved()}): " + ("; ".join(changes) if changes else "–"))
missing = [boardpack.SECTION_TITLES["en"][s] for s in sections if s not in preview.sections]
if missing:
    st.caption(f"Left out for lack of data: {', '.join(missing)}.")

# --- generate ----------------------------------------------------------------------------------------
formats = boardpack.FORMATS
if boardpack.chromium_path() is None:
    st.warning(boardpack.INSTALL_CHROMIUM)
    formats = ("html",)
if st.button("Generate the pack", type="primary", key="pack_generate"):
    bar = st.progress(0.0, text="Computing the figures…")
    try:
        pack = boardpack.build_pack(loaders.engine(), **options)
    except DataError as exc:
        st.error(str(exc))
        st.stop()
    try:
        files = boardpack.render_files(pack, formats=formats,
                                       progress=lambda share, what: bar.progress(share, text=f"Drawing {what}…"))
    except boardpack.ChromiumMissing as exc:
        st.warning(str(exc))
        files = boardpack.render_files(pack, formats=("html",))
    except (RuntimeError, OSError, TimeoutError) as exc:  # the browser drawing the figures failed
        st.error(f"The figures could not be drawn ({exc}); the HTML pack is offered instead.")
        files = boardpack.render_files(pack, formats=("html",))
    bar.empty()
    st.session_state["pack_result"] = (pack, files)

result = st.session_state.get("pack_result")
if result:
    pack, files = result
    st.success(f"Pack generated at {pack.generated_at:%H:%M} UTC for {pack.period.label()}.")
    for column, kind_ in zip(st.columns(len(files)), files):
        column.download_button(f"Download {kind_.upper()}", files[kind_], file_name=boardpack.FILE_NAMES[kind_],
                               mime=boardpack.MIME[kind_], key=f"pack_download_{kind_}")
    by = st.text_input("Saved by", max_chars=120, key="pack_saved_by")
    if st.button("Save as a frozen snapshot", key="pack_save"):
        try:
            pack_id = boardpack.save(loaders.engine(), pack, files, created_by=by)
        except DataError as exc:
            st.error(str(exc))
        else:
            loaders.invalidate()
            st.success(f"Snapshot {pack_id} saved: it can be downloaded unchanged below, and the next pack "
                       "shows what changed since.")

# --- frozen snapshots --------------------------------------------------------------------------------
st.subheader("Saved packs")
packs = loaders.load(saved.saved_packs)
if packs.empty:
    st.caption("No pack saved yet.")
    st.stop()
st.dataframe(packs[["id", "created_at", "created_by", "company", "period_start", "period_end", "sections", "language"]],
             hide_index=True, width="stretch")
pick = st.selectbox("Download a saved pack", packs["id"].tolist(), key="pack_saved_pick",
                    format_func=lambda i: f"#{i} · saved {pd.Timestamp(packs.set_index('id').loc[i, 'created_at']):%Y-%m-%d %H:%M}")
for column, kind_ in zip(st.columns(len(boardpack.FORMATS)), boardpack.FORMATS):
    data = loaders.load(saved.pack_file, int(pick), kind_)
    if data is not None:
        column.download_button(f"Saved {kind_.upper()}", data, file_name=f"board-pack-{pick}.{kind_}",
                               mime=boardpack.MIME[kind_], key=f"pack_saved_{kind_}")
