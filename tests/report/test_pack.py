"""The Pack: its stored numbers, what changed since the last saved pack, the comparison period and
the choice of sections."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from cs_metrics.errors import DataError
from cs_metrics.period import Period
from cs_metrics.report import SECTIONS, check_sections, comparison_period
from cs_metrics.tiles import tile_numbers
from tests.report.conftest import LAST, PERIOD, make_pack, make_tiles


def test_numbers_store_each_periods_first_and_last_day(pack):
    numbers = pack.numbers
    # The period as picked, 1 Jan - 31 Mar 2026 (both included); the previous 90 days by hand:
    # 31 Dec 2025 back 89 days is 3 Oct 2025.
    assert numbers["period"] == ["2026-01-01", "2026-03-31"]
    assert numbers["compare"] == ["2025-10-03", "2025-12-31"]
    assert numbers["as_of"] == "2026-03-31" and numbers["generated_at"] == "2026-04-02T09:30:00+00:00"
    assert numbers["sections"] == ["nps", "retention", "maturity"] and numbers["language"] == "en"
    assert numbers["filters"] == {"segments": ["SMB"], "regions": [], "owners": []}
    assert numbers["tiles"] == tile_numbers(make_tiles())
    assert numbers["summary"] == pack.summary.text


def test_since_last_names_the_figures_that_changed_as_displayed():
    pack = make_pack(last=LAST)
    # NPS was +25 and is +30; logo churn was 12.4% and still is; maturity had no value (shown "–").
    assert pack.since_last("nps") == ["NPS: +25 → +30"]
    assert pack.since_last("retention") == []  # GRR was not in the last pack: nothing to compare
    assert pack.since_last("maturity") == ["Maturity: Culture: – → 2.5"]
    assert make_pack().since_last("nps") == []  # no pack saved before


def test_last_saved_reads_back_the_saved_period_as_first_and_last_day():
    assert make_pack(last=LAST).last_saved() == "saved 2026-03-01 08:00 UTC, period 01 Oct 2025 – 31 Dec 2025"
    # As JSON text too (an ISO time and ISO days), in Italian.
    text_last = {**LAST, "created_at": "2026-03-01T08:00:00+00:00", "period_start": "2025-10-01",
                 "period_end": "2025-12-31"}
    assert make_pack("it", last=text_last).last_saved() == (
        "salvato il 2026-03-01 08:00 UTC, periodo 01 ott 2025 – 31 dic 2025")
    assert make_pack().last_saved() == ""


def test_has_customer_data_ignores_the_company_wide_areas(pack):
    assert pack.has_customer_data
    empty = [dataclasses.replace(t, n=0) if t.area not in ("maturity", "meetings") else t for t in pack.tiles]
    assert not dataclasses.replace(pack, tiles=empty).has_customer_data


def test_sections_and_comparison_are_validated():
    with pytest.raises(DataError, match="Unknown section"):
        check_sections(["nps", "weather"])
    with pytest.raises(DataError, match="at least one"):
        check_sections([])
    assert check_sections(["meetings", "nps"]) == ("nps", "meetings")  # pack order
    assert check_sections(None) == SECTIONS  # every section is always offered
    year = Period(dt.date(2025, 11, 1), dt.date(2026, 10, 31))
    # Same dates a year earlier, by hand: 2025-11-01..2026-10-31 -> 2024-11-01..2025-10-31.
    assert comparison_period(year, "year") == Period(dt.date(2024, 11, 1), dt.date(2025, 10, 31))
    assert comparison_period(PERIOD, "previous") == Period(dt.date(2025, 10, 3), dt.date(2025, 12, 31))
    with pytest.raises(DataError, match="Unknown comparison 'decade'"):
        comparison_period(year, "decade")
