"""The rows and sentences a pack shows, from tiles with known values (formats by
``cs_metrics.formatting``: NPS points signed and whole, shares to 0.1%, changes of shares in pp)."""

from __future__ import annotations

import dataclasses

import pytest

from cs_metrics import report
from cs_metrics.errors import DataError
from cs_metrics.report import (
    cover_lines,
    definitions,
    figure_line,
    figure_row,
    left_out_text,
    reading,
    since_line,
    table_head,
    verdict,
)
from cs_metrics.selection import CustomerFilter
from tests.report.conftest import LAST, make_pack, make_tiles

TILES = {t.key: t for t in make_tiles()}


def test_figure_row_in_english():
    # NPS 30 (95% CI 25 to 35) against 20: +10 points, p = 0.012 < 0.05.
    assert figure_row(TILES["nps"], "en") == (
        "NPS", "+30 (+25 to +35)", "+20", "+10.0 points", "statistically detectable (two-sample z-test, p = 0.012)",
        "400")
    # Logo churn 12.4% against 11.2%: +1.2 pp; a census figure, so no test.
    assert figure_row(TILES["logo_churn"], "en") == ("Logo churn", "12.4%", "11.2%", "+1.2 pp", "no test applicable",
                                                     "761")
    assert figure_row(TILES["customers"], "en")[5] == "1,316"
    assert figure_row(TILES["maturity_culture"], "en")[1:4] == ("2.5 (2.0–3.0)", "2.0", "+0.5 stages")


def test_figure_row_in_italian_uses_decimal_commas_and_italian_words():
    # The same figures as above written as cs_metrics/locale/GLOSSARY.md says (decimal comma, "p.p.",
    # "statisticamente significativo"), the words from the catalog (report.po, tiles.po, metrics.po).
    assert figure_row(TILES["nps"], "it") == (
        "NPS", "+30 (da +25 a +35)", "+20", "+10,0 punti",
        "statisticamente significativo (test z a due campioni, p = 0,012)", "400")
    assert figure_row(TILES["logo_churn"], "it") == (
        "Churn dei clienti (logo churn)", "12,4%", "11,2%", "+1,2 p.p.", "nessun test applicabile", "761")
    assert figure_row(TILES["customers"], "it")[5] == "1.316"


def test_figure_row_without_data():
    empty = dataclasses.replace(TILES["nps"], n=0, value=float("nan"), test="too little data to test")
    assert figure_row(empty, "en") == ("NPS", "–", "+20", "", "too little data to test", "0")


def test_verdict_and_figure_line():
    assert verdict(TILES["maturity_culture"], "it") == (
        "nessuna variazione statisticamente significativa (test U di Mann-Whitney, p = 0,200)")
    assert figure_line(TILES["logo_churn"], "en") == (
        "Logo churn: 12.4%; before 11.2%; +1.2 pp; no test applicable; n = 761")
    assert figure_line(TILES["logo_churn"], "it").startswith("Churn dei clienti (logo churn): 12,4%; prima 11,2%")


def test_reading_of_a_section():
    pack = make_pack()
    assert reading(pack, "nps") == (
        "NPS is +30, against +20 in the comparison period: statistically detectable (two-sample z-test, p = 0.012).",
        "")
    # The second line names the other figures of the section with their change: GRR 91.0%, 93.0% before.
    assert reading(pack, "retention")[1] == "Also: Gross revenue retention 91.0% (-2.0 pp)."
    # A company-wide section without other figures says the customer filters do not apply.
    assert reading(pack, "maturity")[1] == "Company-wide: the customer filters do not apply."
    few = dataclasses.replace(pack, tiles=[dataclasses.replace(t, enough=False) for t in pack.tiles])
    assert reading(few, "nps")[0].endswith("(too few observations to read with confidence)")
    assert reading(make_pack("it"), "nps")[0] == (
        "NPS: +30, contro +20 nel periodo di confronto; statisticamente significativo (test z a due campioni, "
        "p = 0,012).")


def test_since_line_only_after_a_saved_pack():
    assert since_line(make_pack(), "nps") == ""
    pack = make_pack(last=LAST)
    assert since_line(pack, "nps") == (
        "Since the last pack (saved 2026-03-01 08:00 UTC, period 01 Oct 2025 – 31 Dec 2025): NPS: +25 → +30")
    assert since_line(pack, "retention").endswith("): –")


def test_cover_lines_and_table_head():
    assert cover_lines(make_pack()) == [
        ("Period", "01 Jan 2026 – 31 Mar 2026"), ("Compared with", "03 Oct 2025 – 31 Dec 2025"),
        ("Customers", "segment: SMB"), ("Generated", "2026-04-02 09:30 UTC"), ("Data up to", "2026-03-31"),
    ]
    italian = cover_lines(make_pack("it", flt=CustomerFilter()))
    assert italian[0] == ("Periodo", "01 gen 2026 – 31 mar 2026") and italian[2] == ("Clienti", "tutti i clienti")
    # conftest's filter (segment SMB) in Italian words.
    assert cover_lines(make_pack("it"))[2] == ("Clienti", "segmento: SMB")
    assert table_head(make_pack()) == ["Figure", "Value", "Previous", "Change", "Change reading", "n"]
    assert table_head(make_pack("it"))[0] == "Indicatore"


def test_definitions_in_section_order_then_the_cover():
    names = [name for name, _ in definitions(make_pack())]
    assert names == ["NPS", "Logo churn", "Gross revenue retention", "Maturity: Culture", "Active customers", "ARR"]
    # A pack's tiles are built in its language, so a definition the catalog knows is read in Italian
    # (tiles.po: the NPS tile's definition of services/overview.py); the names likewise.
    pack = make_pack("it")
    english = ("% promoters (9-10) minus % detractors (0-6) among responses in the period; 95% adjusted-Wald "
               "interval (Rocks 2016). The change is tested with a two-sample z-test on the adjusted estimates.")
    pack.tiles[0] = dataclasses.replace(pack.tiles[0], definition=english)
    italian = dict(definitions(pack))
    assert list(italian) == ["NPS", "Churn dei clienti (logo churn)", "Retention lorda dei ricavi (GRR)",
                             "Maturità: Cultura", "Clienti attivi", "ARR"]
    assert italian["NPS"].startswith("% di promotori (voto 9-10) meno % di detrattori (voto 0-6)")


def test_cover_says_what_is_left_out_and_why():
    pack = dataclasses.replace(make_pack(), left_out=(("Health", "no health signals imported"),
                                                      ("Gross and net revenue retention", "no monthly revenue imported")))
    assert left_out_text(pack) == ("Health, no health signals imported; Gross and net revenue retention, no monthly "
                                   "revenue imported")
    assert cover_lines(pack)[-1] == ("Left out", left_out_text(pack))
    italian = dataclasses.replace(make_pack("it"), left_out=(("Health score", "nessun segnale di salute importato"),))
    assert cover_lines(italian)[-1] == ("Esclusi", "Health score, nessun segnale di salute importato")
    assert left_out_text(make_pack()) == "" and len(cover_lines(make_pack())) == 5  # nothing left out: no line


def test_page_titles_are_the_pages_and_slides_of_both_files():
    # Cover (the company), contents, summary, the three sections of conftest's pack in pack order, appendix.
    assert report.page_titles(make_pack()) == [
        "Acme S.p.A.", "Contents", "Summary: the posture on one page", "NPS", "Churn & retention", "Maturity",
        "Appendix: definitions and methods"]
    assert report.page_titles(make_pack("it"))[1:] == [
        "Indice", "Sintesi: il quadro in una pagina", "NPS", "Churn e retention", "Maturità",
        "Appendice: definizioni e metodi"]


def test_what_this_means_follows_the_test_behind_each_change():
    pack = make_pack()
    # NPS 30 against 20 (conftest), its z-test says detectable: a real improvement.
    assert report.meaning(pack, "nps") == ("NPS really moved (+10.0 points), for the better: the change is larger "
                                           "than chance explains. Worth learning what worked.")
    # Logo churn 12.4% against 11.2%: a census figure (no test), so the +1.2 pp is real, and higher churn is worse.
    assert report.meaning(pack, "retention") == ("Logo churn counts every customer, so its change (+1.2 pp) is "
                                                 "real: for the worse.")
    # Maturity 2.5 against 2.0 with p = 0.2: not beyond chance.
    assert report.meaning(pack, "maturity") == ("Maturity: Culture did not move beyond what chance explains "
                                                "(+0.5 stages): read it as steady.")
    assert report.meaning(make_pack("it"), "retention") == (
        "Churn dei clienti (logo churn) conta tutti i clienti, quindi la variazione (+1,2 p.p.) è reale: un "
        "peggioramento.")


def test_a_small_sample_is_read_as_an_indication():
    pack = make_pack()
    pack.tiles[0] = dataclasses.replace(pack.tiles[0], n=12, enough=False)
    assert report.meaning(pack, "nps") == ("NPS rests on too few observations (n = 12): read it as an indication, "
                                           "not a trend.")


def test_presenter_notes_hold_definitions_tests_and_freshness():
    notes = report.notes(make_pack(), "nps")
    # conftest's NPS tile: definition, its z-test with p = 0.012, n 400 against 380, data up to 2026-03-31.
    assert notes == [
        "Definitions:", "- NPS: % promoters minus % detractors.", "How each change was read:",
        "- NPS: statistically detectable (two-sample z-test, p = 0.012); n = 400, previous n = 380.",
        "Data freshness: 2026-03-31; generated 2026-04-02 09:30 UTC."]
    assert report.notes(make_pack("it"), "nps")[3] == (
        "- NPS: statisticamente significativo (test z a due campioni, p = 0,012); n = 400, n precedente = 380.")


def test_summary_tiles_and_their_intervals():
    pack = make_pack()
    assert [t.key for t in report.summary_tiles(pack)] == ["nps", "logo_churn", "grr", "maturity_culture",
                                                           "customers", "arr"]
    # NPS 25 to 35 and maturity 2.0 to 3.0 (conftest); census figures have no interval.
    assert [report.interval_text(t, "it") for t in report.summary_tiles(make_pack("it"))] == [
        "IC 95% da +25 a +35", "", "", "IC 95% 2,0–3,0", "", ""]


def test_a_logo_must_be_a_small_png_or_jpeg():
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 10
    assert report.check_logo(png) == png and report.check_logo(None) is None
    with pytest.raises(DataError, match="PNG or JPEG"):
        report.check_logo(b"<svg></svg>")
    with pytest.raises(DataError, match="at most 1 MB"):
        report.check_logo(png + b"0" * report.MAX_LOGO_BYTES)


def _with_at_risk(language: str = "en"):
    import datetime as dt

    import pandas as pd

    pack = make_pack(language)
    frame = pd.DataFrame({"name": ["Rossi Logistica", "Bianchi SpA"], "owner": ["Marta Neri", None],
                          "arr": [395_000.0, 1_250_000.0], "score": [45.2, 68.0], "why": ["red", "falling"]})
    frame.attrs.update(n=23, arr=4_100_000.0, month=dt.date(2026, 3, 1), previous=dt.date(2025, 12, 1), drop=10.0)
    pack.at_risk = frame
    return pack


def test_the_largest_accounts_at_risk_as_displayed():
    import datetime as dt

    head, rows, caption = report.readings.at_risk_table(_with_at_risk())
    assert head == ["Customer", "Owner", "ARR", "Score", "Why", "Owner's plan", "Next step (due)"]
    # ARR in the pack's currency (EUR, from conftest's ARR tile): 395,000 -> €395k, 1,250,000 -> €1.25M;
    # scores to whole points (45.2 -> 45); no owner is said; without plan columns, "no plan yet" and "–".
    assert rows == [("Rossi Logistica", "Marta Neri", "€395k", "45", "red", "no plan yet", "–"),
                    ("Bianchi SpA", "no owner", "€1.25M", "68", "falling", "no plan yet", "–")]
    assert caption == ("The 2 largest of 23 accounts at risk (€4.10M ARR) in Mar 2026: in the red band, or down "
                       "10 points or more since Dec 2025.")
    _, rows_it, caption_it = report.readings.at_risk_table(_with_at_risk("it"))
    # The same rows and caption in Italian: amounts as the glossary writes them (one decimal, half up: 1.25 mln is
    # "1,3 mln €"; 395,000 is "395 mila €"), months in Italian (CLDR "mar", "dic").
    assert rows_it == [("Rossi Logistica", "Marta Neri", "395 mila €", "45", "fascia rossa", "ancora nessun piano", "–"),
                       ("Bianchi SpA", "nessun responsabile", "1,3 mln €", "68", "in calo", "ancora nessun piano", "–")]
    # A plan longer than PLAN_CHARS (90) is cut to 89 characters and "…".
    planned = _with_at_risk()
    planned.at_risk["account_plan"] = ["x" * 200, "Call the CFO"]
    planned.at_risk["next_step_due"] = ["Send the offer (due 2026-04-15)", ""]
    rows = report.readings.at_risk_table(planned)[1]
    assert rows[0][5:] == ("x" * 89 + "…", "Send the offer (due 2026-04-15)") and rows[1][5:] == ("Call the CFO", "–")
    assert caption_it == ("I 2 con più ARR tra 23 clienti a rischio (4,1 mln € di ARR) a mar 2026: in fascia rossa, "
                          "oppure scesi di 10 punti o più rispetto a dic 2025.")
    assert report.readings.at_risk_table(make_pack())[1:] == ([], "")
    # When the list holds every account at risk it says so, and one account is "the only" one.
    whole = _with_at_risk()
    whole.at_risk.attrs["n"] = 2
    assert report.readings.at_risk_table(whole)[2].startswith("The 2 accounts at risk (€4.10M ARR)")
    whole.at_risk = whole.at_risk.iloc[:1].copy()
    whole.at_risk.attrs.update(n=1, arr=395_000.0, month=dt.date(2026, 3, 1), previous=None)
    assert report.readings.at_risk_table(whole)[2] == "The only account at risk (€395k ARR) in Mar 2026: in the red band."



def test_a_figure_without_a_direction_is_not_called_better_or_worse():
    from cs_metrics.tiles import Tile

    pack = make_pack()
    # ARR up for renewal: 1.2M against 1.0M (+EUR 200k) is neither good nor bad news in itself.
    pack.tiles.append(Tile(key="renewals_90", label="ARR up for renewal (90 days)", unit="currency", value=1_200_000.0,
                           previous=1_000_000.0, n=40, n_previous=35, area="renewals"))
    pack.sections = (*pack.sections, "renewals")
    assert report.meaning(pack, "renewals") == ("ARR up for renewal (90 days) counts every customer: +€200k against "
                                                "the comparison period.")
