"""The Churn & retention page's "Retention against peers": the company's GRR and NRR over time with
the published medians of companies selling at a similar annual contract value (ACV) as dashed lines,
the band found from the company's own ARR per paying customer or chosen here, and the source."""

from __future__ import annotations

import math

import streamlit as st

from cs_metrics import peers
from cs_metrics.formatting import fmt_value
from cs_metrics.i18n import _
from cs_metrics.period import Period
from cs_metrics.selection import CustomerFilter
from cs_metrics.services import overview
from cs_metrics.services import peers as peer_data
from cs_metrics.tiles import Tile
from ui import loaders
from ui.text import plain

#: The choice that keeps the band found from the company's data.
FOUND = -1


def section(tiles: list[Tile], *, period: Period, flt: CustomerFilter, currency: str) -> None:
    """The section, for the page's retention tiles (GRR and NRR; nothing when they are absent)."""
    if not any(t.key in ("grr", "nrr") and t.has_value for t in tiles):
        return
    st.header(_("Retention against peers"))
    customers = loaders.load(overview.customers_tiles, period=period, flt=flt)
    benchmark = peers.load()
    found = peer_data.peer_band(customers)
    left, right = st.columns([1, 2])
    show = left.toggle(_("Show peer medians"), value=True, key="churn_peers_show")
    labels = {FOUND: _("Found from your data ({band})").format(band=found.band.label() if found.band else _("unknown"))}
    labels.update({i: f"ACV {b.label()}" for i, b in enumerate(benchmark.bands)})
    pick = right.selectbox(_("Annual contract value band"), list(labels), format_func=labels.get,
                           key="churn_peers_band", disabled=not show)
    chosen = found if pick == FOUND else peer_data.peer_band(customers, band_index=pick)
    figure = peer_data.retention_against_peers_figure(tiles, chosen if show else None,
                                                      title=_("Gross and net revenue retention over time"))
    st.plotly_chart(figure, width="stretch")
    acv = _("unknown (no ARR)") if math.isnan(found.acv) else fmt_value(found.acv, "currency", currency=currency)
    st.caption(_(
        "Your ACV (ARR per paying customer): {acv}. Peer medians: {citation}; {population}. Band edges are in "
        "{currency}: with another currency, choose the band that matches your contracts. {definitions} A median "
        "is the middle company, not a target; your GRR and NRR here use the same definitions as the tiles above."
    ).format(acv=acv, citation=plain(benchmark.citation()), population=plain(benchmark.population),
             currency=benchmark.currency, definitions=plain(benchmark.definitions)))
