"""Board pack: choose period, comparison and sections; preview; download PDF, PPTX and HTML; freeze."""

import pandas as pd
import streamlit as st

from cs_metrics import i18n, report
from cs_metrics.errors import DataError
from cs_metrics.i18n import _, pgettext
from cs_metrics.i18n import formats as local
from cs_metrics.period import Period
from cs_metrics.services import boardpack, coverage
from ui import components, health_rebuild, identity, loaders

selection = components.page_header(
    _("Board pack"),
    _("The Overview's numbers with their figures, verdicts and definitions, as a document a board can keep. "
      "The pack's period starts as the sidebar's; its customers are the sidebar's (change them there)."),
)
health_rebuild.ensure_current()  # health scores a recent import made stale, with a progress bar

# --- choices -----------------------------------------------------------------------------------------
reader = i18n.language()
left, right = st.columns(2)
chosen = left.date_input(_("Period"), value=(selection.period.first, selection.period.last),
                         max_value=selection.as_of, key="pack_period",
                         format="DD/MM/YYYY" if local.italian() else "YYYY-MM-DD")
# Options are shown through texts translated now: a test's runner formats them outside the run.
comparisons = {name: _(label) for name, label in report.COMPARISONS.items()}
kind = right.radio(_("Compare with"), list(comparisons), format_func=comparisons.get,
                   key="pack_comparison", horizontal=True)
sections = st.multiselect(_("Sections"), report.SECTIONS, default=list(report.SECTIONS), key="pack_sections",
                          format_func=report.SECTION_TITLES.get(reader, report.SECTION_TITLES["en"]).get)
left, right = st.columns(2)
# The pack is written in the reader's language unless they choose another.
if reader in report.LANGUAGES:
    st.session_state.setdefault("pack_language", reader)
language = left.radio(_("Language"), list(report.LANGUAGES), format_func=i18n.LANGUAGES.get,
                      key="pack_language", horizontal=True)
company = right.text_input(_("Company name on every page"), max_chars=200, key="pack_company")
logo_file = right.file_uploader(_("Logo on every page (PNG or JPEG, optional)"), type=["png", "jpg", "jpeg"],
                                key="pack_logo", max_upload_size=1)

if not (isinstance(chosen, (tuple, list)) and len(chosen) == 2):
    components.empty_state(_("Pick both the first and the last day of the period."))
    st.stop()
if not sections:
    components.empty_state(_("Choose at least one section for the pack."))
    st.stop()
period = Period(chosen[0], chosen[1])
options = dict(period=period, previous=report.comparison_period(period, kind), sections=tuple(sections),
               flt=selection.customers, as_of=selection.as_of, language=language, company=company)

# --- preview -----------------------------------------------------------------------------------------
preview = loaders.load(boardpack.build_pack, figures=False, **options)
if not preview.has_customer_data:
    if (gap := loaders.load(coverage.gap, "customers", flt=selection.customers)) is not None:
        components.data_gap(gap, as_of=selection.as_of)  # no customers imported, or none match the filters
    else:
        components.empty_state(_("No customers match these filters. Widen the segment, region or owner selection."))
    st.stop()
st.subheader(_("Preview"))
with st.container(border=True):
    for name, value in report.cover_lines(preview):
        st.text(f"{name}: {value}")
    for sentence in preview.summary.sentences:
        st.text(sentence)
for area in preview.sections:
    with st.expander(report.SECTION_TITLES[language][area], expanded=False):
        st.text(f"{preview.t('meaning')}: {report.meaning(preview, area)}")
        for line in report.reading(preview, area):
            if line:
                st.text(line)
        rows = [report.figure_row(t, language) for t in preview.section_tiles(area)]
        components.table(pd.DataFrame(rows, columns=report.table_head(preview)), hide_index=True, width="stretch")
        if preview.last:
            st.caption(report.since_line(preview, area))

# --- generate ----------------------------------------------------------------------------------------
formats = report.FORMATS
if report.images.chromium_path() is None:
    st.warning(_(report.INSTALL_CHROMIUM))
    formats = ("html",)
if st.button(_("Generate the pack"), type="primary", key="pack_generate"):
    bar = st.progress(0.0, text=_("Computing the figures…"))
    try:
        pack = boardpack.build_pack(loaders.engine(), **options,
                                    logo=logo_file.getvalue() if logo_file is not None else None)
    except DataError as exc:
        st.error(str(exc))
        st.stop()
    try:
        files = report.render_files(pack, formats=formats,
                                    progress=lambda share, what: bar.progress(share, text=_("Drawing {what}…").format(what=what)))
    except report.ChromiumMissing as exc:
        st.warning(str(exc))
        files = report.render_files(pack, formats=("html",))
    except (RuntimeError, OSError, TimeoutError) as exc:  # the browser drawing the figures failed
        st.error(_("The figures could not be drawn ({error}); the HTML pack is offered instead.").format(error=exc))
        files = report.render_files(pack, formats=("html",))
    bar.empty()
    st.session_state["pack_result"] = (pack, files)

result = st.session_state.get("pack_result")
if result:
    pack, files = result
    st.success(_("Pack generated at {time} UTC for {period}.").format(time=f"{pack.generated_at:%H:%M}",
                                                                      period=pack.period.label()))
    for column, kind_ in zip(st.columns(len(files)), files):
        column.download_button(_("Download {format}").format(format=kind_.upper()), files[kind_], file_name=report.FILE_NAMES[kind_],
                               mime=report.MIME[kind_], key=f"pack_download_{kind_}")
    if identity.allowed("boardpack.save"):
        by = identity.name_field(_("Saved by"), key="pack_saved_by", max_chars=120)
        if st.button(_("Save as a frozen snapshot"), key="pack_save") and (pack_id := identity.attempt(
                boardpack.save, pack, files, who=identity.named(by))) is not identity.FAILED:
            loaders.invalidate()
            st.success(_("Snapshot {id} saved: it can be downloaded unchanged below, and the next pack shows what "
                         "changed since.").format(id=pack_id))
    else:
        st.caption(_("Only editors and admins save packs as frozen snapshots."))

# --- frozen snapshots --------------------------------------------------------------------------------
st.subheader(_("Saved packs"))
packs = loaders.load(boardpack.saved_packs)
if packs.empty:
    st.caption(_("No pack saved yet."))
    st.stop()
# Headed by the columns' own names in English, by their meaning in other languages.
components.table(packs[["id", "created_at", "created_by", "company", "period_start", "period_end", "sections",
                        "language"]], hide_index=True, width="stretch", column_config={
    "id": pgettext("column header", "id"), "created_at": pgettext("column header", "created_at"),
    "created_by": pgettext("column header", "created_by"), "company": pgettext("column header", "company"),
    "period_start": pgettext("column header", "period_start"), "period_end": pgettext("column header", "period_end"),
    "sections": pgettext("column header", "sections"), "language": pgettext("column header", "language")})
saved_at = {int(row.id): pd.Timestamp(row.created_at) for row in packs.itertuples()}
choices = {i: _("#{id} · saved {at}").format(id=i, at=f"{local.date(at.date())} {at:%H:%M}")
           for i, at in saved_at.items()}
pick = st.selectbox(_("Download a saved pack"), list(choices), key="pack_saved_pick", format_func=choices.get)
for column, kind_ in zip(st.columns(len(report.FORMATS)), report.FORMATS):
    data = loaders.load(boardpack.pack_file, int(pick), kind_)
    if data is not None:
        column.download_button(_("Saved {format}").format(format=kind_.upper()), data, file_name=f"board-pack-{pick}.{kind_}",
                               mime=report.MIME[kind_], key=f"pack_saved_{kind_}")
