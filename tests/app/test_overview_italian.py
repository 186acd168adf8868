"""The Overview in Italian and in English on the demo company: titles, tile names and numbers written
the reader's way, from the same counts as tests/app/test_overview.py (raw SQL and pandas, not cs_metrics)."""

from __future__ import annotations

import shutil
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from cs_metrics import i18n
from tests.app.conftest import APP
from tests.app.test_overview import _frames, _last_12_months, _reference_date, nps_from_raw

#: What each language calls the page and its tiles (cs_metrics/locale/it/shell.po and tiles.po).
WORDS = {
    "en": {"title": "Overview", "churn": "Logo churn", "active": "Active customers", "filters": "Filters",
           "ci": "95% CI {low} to {high}"},
    "it": {"title": "Panoramica", "churn": "Churn dei clienti (logo churn)", "active": "Clienti attivi",
           "filters": "Filtri", "ci": "IC 95% da {low} a {high}"},
}


def _number(value: float, decimals: int, language: str, *, sign: bool = False) -> str:
    """``value`` written by hand the way each language writes it: English "1,234.5" (Python's own
    format); Italian "1.234,5" with a true minus sign, rounded half up (cs_metrics/locale/GLOSSARY.md)."""
    if language == "en":
        return f"{value:+,.{decimals}f}" if sign else f"{value:,.{decimals}f}"
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    text = f"{abs(rounded):,.{decimals}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return ("−" if rounded < 0 else "+" if sign and rounded > 0 else "") + text


def _money(value: float, language: str) -> str:
    """ARR as the tile writes it: "€58.86M" in English; "58,9 mln €" in Italian (the glossary's form)."""
    if language == "en":
        return f"€{value / 1e6:.2f}M" if value >= 1e6 else f"€{value / 1e3:.0f}k"
    return f"{_number(value / 1e6, 1, 'it')} mln €" if value >= 1e6 else f"{_number(value / 1e3, 0, 'it')} mila €"


@pytest.fixture(scope="module", params=["it", "en"])
def overview(request, demo_db_file, tmp_path_factory):
    """One run of the Overview per language on a copy of the demo (the language chosen before the run)."""
    copy = tmp_path_factory.mktemp("overview_language") / "demo.db"
    shutil.copy(demo_db_file, copy)
    url = f"sqlite:///{copy}"
    with pytest.MonkeyPatch.context() as mp, i18n.using(request.param):
        mp.setenv("DATABASE_URL", url)
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(APP, default_timeout=120)
        at.session_state["language"] = request.param
        at.run()
        assert not at.exception
        yield at, _frames(url), request.param
    st.cache_data.clear()
    st.cache_resource.clear()


def _metric(at, label: str):
    return next(m for m in at.metric if m.label == label)


def test_the_title_and_the_sidebar_speak_the_readers_language(overview):
    at, _, language = overview
    assert at.title[0].value == WORDS[language]["title"]
    assert WORDS[language]["filters"] in [s.value for s in at.sidebar.subheader]


def test_the_nps_tile_with_its_interval_and_n_in_local_numbers(overview):
    at, f, language = overview
    raw, low, high, n = nps_from_raw(f)  # the English test's counts and adjusted-Wald interval (Rocks 2016)
    assert _metric(at, "NPS").value == _number(raw, 0, language, sign=True)
    captions = " ".join(c.value for c in at.caption)
    assert WORDS[language]["ci"].format(low=_number(low, 0, language, sign=True),
                                        high=_number(high, 0, language, sign=True)) in captions
    assert f"n = {_number(n, 0, language)}" in captions
    assert n >= 1000  # so the thousands separator shows: "1,066" / "1.066"


def test_churn_active_customers_and_arr_in_local_numbers(overview):
    at, f, language = overview
    start, end = _last_12_months(_reference_date(f))
    c = f["customer"]
    signed, churned = pd.to_datetime(c["signed_on"]), pd.to_datetime(c["churned_on"])
    at_start = (signed < pd.Timestamp(start)) & (churned.isna() | (churned >= pd.Timestamp(start)))
    lost = at_start & (churned <= pd.Timestamp(end))
    share = lost.sum() / at_start.sum()
    assert _metric(at, WORDS[language]["churn"]).value == _number(share * 100, 1, language) + "%"
    active = (signed <= pd.Timestamp(end)) & (churned.isna() | (churned > pd.Timestamp(end)))
    assert _metric(at, WORDS[language]["active"]).value == _number(active.sum(), 0, language)
    rev = f["revenue_month"]  # ARR = 12 x the MRR of the period's last month
    arr = 12 * rev.loc[pd.to_datetime(rev["month"]) == pd.Timestamp(end.replace(day=1)), "mrr"].sum()
    assert arr >= 1e6
    assert _metric(at, "ARR").value == _money(arr, language)
