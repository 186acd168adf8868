"""Overview: the customer posture on one screen, for the selected period and customers."""

import streamlit as st

from cs_metrics import i18n, summary
from cs_metrics.i18n import LANGUAGES, _
from cs_metrics.services import coverage, figures, overview
from cs_metrics.services import summary as contradictions
from cs_metrics.tiles import COMPANY_WIDE
from ui import components, health_rebuild, loaders
from ui.text import plain

selection = components.page_header(_("Overview"))
health_rebuild.ensure_current()  # health scores a recent import made stale, with a progress bar
tiles = loaders.load(overview.overview_tiles, period=selection.period, flt=selection.customers, as_of=selection.as_of)
no_customers = loaders.load(coverage.gap, "customers", flt=selection.customers)
if no_customers is not None:  # none imported (the other figures still show), or none match the filters
    components.data_gap(no_customers, as_of=selection.as_of)
    if no_customers.kind == coverage.FILTERED:
        st.stop()
if not tiles:
    st.stop()
if no_customers is None and all(t.n == 0 for t in tiles if t.area not in COMPANY_WIDE):
    components.empty_state(_("No customers match these filters. Widen the segment, region or owner selection."))
    st.stop()

# --- what changed -----------------------------------------------------------------------------------
found = loaders.load(contradictions.contradictions, period=selection.period, flt=selection.customers,
                     as_of=selection.as_of)
with st.container(border=True):
    head, choice = st.columns([4, 1])
    head.subheader(_("What changed"))
    language = choice.segmented_control(  # the languages' own names; the reader's first
        _("Language"), [LANGUAGES["en"], LANGUAGES["it"]], default=LANGUAGES[i18n.language()],
        key="overview_summary_language", label_visibility="collapsed",
    )
    text = summary.what_changed(tiles, found, language="it" if language == LANGUAGES["it"] else "en")
    for sentence in text.sentences:
        st.text(sentence)
    st.caption(_(
        "Movements are named only when real: sampled figures when their test detects the change (95%), "
        "census figures when they moved by at least half a point or half a percent."
    ))

st.caption(_(
    "Sparklines: the same figure at each of the last 12 month ends, over a window as long as the period. "
    "Maturity and meeting figures are company-wide: the customer filters do not apply to them."
))
components.tile_grid(tiles, columns=4, sparkline=True, verdict=True, link=True)
components.left_out_caption(loaders.load(coverage.left_out))

health = next((t for t in tiles if t.key == "health_green"), None)
if health is not None:
    st.subheader(_("Customers and ARR by health band"))
    if health.n:
        st.plotly_chart(figures.health_bands_figure(health), width="stretch")
        st.caption(_("{detail}. Health model as active on the Health page.").format(detail=plain(health.detail)))
    else:
        components.empty_state(_("No health signals for these customers in the period."))

from ui import overview_alerts  # imported here: the alerts come last on the page

overview_alerts.section(selection)
