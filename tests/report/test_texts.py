"""The fixed words of a pack: both languages complete (from the catalog), the period written for each."""

from __future__ import annotations

import datetime as dt

from cs_metrics.period import Period
from cs_metrics.report import LANGUAGES, SECTION_TITLES, SECTIONS, TEXT, period_label
from cs_metrics.report.texts import METHODS, WORDS


def test_both_languages_have_every_word_and_section_title():
    assert set(TEXT) == set(LANGUAGES) == {"en", "it"}
    assert set(TEXT["en"]) == set(TEXT["it"]) == set(WORDS)
    for language in LANGUAGES:
        assert set(SECTIONS) | {"customers"} <= set(SECTION_TITLES[language])
        assert len(METHODS[language]) == 5  # tests, minimum n, NPS and TTFV methods, bands and trends, peer medians
    # Every word but the untranslatable "n" and "ARR" differs in Italian: the catalog (report.po) has them all.
    same = {key for key in WORDS if TEXT["it"][key] == TEXT["en"][key]}
    assert same == {"n", "arr"}
    # The cover's words as cs_metrics/locale/GLOSSARY.md fixes them: "Il cliente al centro: quadro di
    # sintesi", "Periodo di confronto", "Dati aggiornati al".
    assert (TEXT["it"]["title"], TEXT["it"]["compare"], TEXT["it"]["freshness"]) == (
        "Il cliente al centro: quadro di sintesi", "Periodo di confronto", "Dati aggiornati al")


def test_methods_state_the_minimum_n_of_the_tiles():
    # tiles.MIN_NPS_RESPONSES = 30, MIN_CUSTOMERS = 10, MIN_MEETINGS = 5.
    assert "NPS 30 responses, 10 customers, 5 meetings" in METHODS["en"][1]
    assert "NPS 30 risposte, 10 clienti, 5 riunioni" in METHODS["it"][1]


def test_period_label_from_first_to_last_day():
    period = Period(dt.date(2025, 11, 1), dt.date(2026, 10, 31))
    assert period_label(period, "en") == "01 Nov 2025 – 31 Oct 2026"
    assert period_label(period, "it") == "01 nov 2025 – 31 ott 2026"
