"""The company's GRR and NRR beside published peer medians (``cs_metrics.peers``): its ACV band,
found from its ARR per paying customer or chosen by a person, and the trend figure with the band's
median GRR and NRR drawn as reference lines labelled with their source."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from cs_metrics import peers
from cs_metrics.charts import overview as overview_charts
from cs_metrics.i18n import _
from cs_metrics.tiles import Tile


@dataclass(frozen=True)
class PeerBand:
    """The benchmark, the company's ACV (NaN when unknown), the band it falls in (None when
    unknown) and whether a person chose the band instead."""

    benchmark: peers.Benchmark
    acv: float
    band: peers.Band | None
    chosen: bool = False


def peer_band(tiles: Sequence[Tile], *, band_index: int | None = None, key: str = peers.DEFAULT) -> PeerBand:
    """The company's band from the ARR tile (``arr``: ARR and the paying customers it counts), or
    the band at ``band_index`` of the benchmark when a person chose one."""
    benchmark = peers.load(key)
    arr = next((t for t in tiles if t.key == "arr"), None)
    acv = peers.company_acv(arr.value, arr.n) if arr is not None and arr.has_value else math.nan
    if band_index is not None:
        return PeerBand(benchmark, acv, benchmark.bands[band_index], chosen=True)
    return PeerBand(benchmark, acv, benchmark.band_for(acv))


def peer_lines(found: PeerBand) -> list[tuple[str, float]]:
    """(label, value) of the band's median NRR and GRR: "Median NRR, ACV $25k–50k (SaaS Capital 2023)"."""
    if found.band is None:
        return []
    b, src = found.band, f"{found.benchmark.source} {found.benchmark.year}"
    return [(_("Median NRR, ACV {band} ({source})").format(band=b.label(), source=src), b.nrr),
            (_("Median GRR, ACV {band} ({source})").format(band=b.label(), source=src), b.grr)]


def retention_against_peers_figure(tiles: Sequence[Tile], found: PeerBand | None, *,
                                   title: str | None = None) -> go.Figure:
    """The trend of the company's GRR and NRR (``overview.area_trend`` of those tiles) with the
    peer medians of ``found``'s band as dashed reference lines (none when ``found`` is None)."""
    chosen = [t for t in tiles if t.key in ("grr", "nrr")]
    fig = overview_charts.area_trend(chosen, title=title)
    return overview_charts.reference_lines(fig, peer_lines(found) if found is not None else [])
