"""Published retention medians by annual contract value (``cs_metrics.peers``)."""

from __future__ import annotations

import math

import pytest

from cs_metrics import peers
from cs_metrics.errors import DataError


def test_the_2023_medians_are_those_of_the_published_figure():
    b = peers.load("saas_capital_2023")
    # SaaS Capital, 2023 B2B SaaS Retention Benchmarks (Research Brief 28), Figure 1: median NRR and GRR
    # for ACV under $12k, $12k-25k, $25k-50k, $50k-100k, $100k-250k, over $250k; ChurnZero's summary of
    # the survey quotes 102% overall, 100% at the low end and 110% at the high end.
    assert [(x.low, x.high) for x in b.bands] == [(None, 12000), (12000, 25000), (25000, 50000), (50000, 100000),
                                                  (100000, 250000), (250000, None)]
    assert [x.nrr for x in b.bands] == [1.00, 1.02, 1.03, 1.05, 1.07, 1.10]
    assert [x.grr for x in b.bands] == [0.90, 0.90, 0.92, 0.93, 0.93, 0.93]
    assert b.overall_nrr == 1.02 and b.year == 2023 and b.currency == "USD"
    assert "churnzero.com" in b.confirmed_by and b.citation().startswith("SaaS Capital, 2023 B2B SaaS Retention")


def test_a_band_holds_its_lower_edge_and_not_its_upper_one():
    b = peers.load()
    assert b.band_for(11_999.99).label() == "under $12k"
    assert b.band_for(12_000).label() == "$12k–25k"
    assert b.band_for(249_999).label() == "$100k–250k" and b.band_for(250_000).label() == "over $250k"
    assert b.band_for(math.nan) is None and b.band_for(-1) is None


def test_company_acv_and_unknown_benchmarks():
    # 58,860,000 of ARR over 1,316 paying customers = 44,726.44 a customer.
    assert peers.company_acv(58_860_000, 1316) == pytest.approx(44_726.44, abs=0.01)
    assert math.isnan(peers.company_acv(1000, 0))
    with pytest.raises(DataError, match="saas_capital_2023"):
        peers.load("made_up_2030")
