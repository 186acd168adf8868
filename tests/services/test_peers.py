"""The company's GRR and NRR beside the peer medians of its ACV band (``services.peers``)."""

from __future__ import annotations

from cs_metrics.services import peers as peer_data
from cs_metrics.tiles import Tile

GRR = Tile(key="grr", label="Gross revenue retention", unit="share", value=0.91, previous=0.93, n=700,
           n_previous=690, series=(("2026-01-31", 0.92), ("2026-02-28", 0.91)), area="retention")
NRR = Tile(key="nrr", label="Net revenue retention", unit="share", value=1.04, previous=1.02, n=700,
           n_previous=690, series=(("2026-01-31", 1.03), ("2026-02-28", 1.04)), area="retention")
ARR = Tile(key="arr", label="ARR", unit="currency", value=58_860_000.0, previous=55_000_000.0, n=1316,
           n_previous=1250, area="customers")


def test_the_band_comes_from_arr_per_paying_customer_or_a_choice():
    # 58,860,000 / 1,316 = 44,726: the $25k-50k band (median NRR 103%, GRR 92%).
    found = peer_data.peer_band([GRR, NRR, ARR])
    assert found.band.label() == "$25k–50k" and not found.chosen
    assert peer_data.peer_lines(found) == [("Median NRR, ACV $25k–50k (SaaS Capital 2023)", 1.03),
                                           ("Median GRR, ACV $25k–50k (SaaS Capital 2023)", 0.92)]
    chosen = peer_data.peer_band([GRR, NRR, ARR], band_index=5)
    assert chosen.chosen and chosen.band.label() == "over $250k" and peer_data.peer_lines(chosen)[0][1] == 1.10
    # Without an ARR tile the band is unknown and no line is drawn.
    assert peer_data.peer_lines(peer_data.peer_band([GRR, NRR])) == []


def test_the_figure_draws_the_two_medians_as_dashed_lines_or_none():
    fig = peer_data.retention_against_peers_figure([GRR, NRR], peer_data.peer_band([GRR, NRR, ARR]))
    assert [t.name for t in fig.data] == ["Gross revenue retention", "Net revenue retention"]
    assert [(s.y0, s.line.dash) for s in fig.layout.shapes] == [(1.03, "dash"), (0.92, "dash")]
    assert [a.text for a in fig.layout.annotations] == ["Median NRR, ACV $25k–50k (SaaS Capital 2023)",
                                                         "Median GRR, ACV $25k–50k (SaaS Capital 2023)"]
    assert not peer_data.retention_against_peers_figure([GRR, NRR], None).layout.shapes
