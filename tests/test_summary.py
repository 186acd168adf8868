""""What changed": movement sizes, real movements, contradictions, English and Italian text."""

from __future__ import annotations

import math

import pytest

from cs_metrics import summary as sm
from cs_metrics.tiles import DETECTABLE, NOT_APPLICABLE, NOT_DETECTABLE, NOT_TESTABLE, Tile


def tile(key, unit, value, previous, *, test=NOT_APPLICABLE, n=500, p=math.nan, enough=True, **kw) -> Tile:
    return Tile(key=key, label=kw.pop("label", key.replace("_", " ").capitalize()), unit=unit, value=value,
                previous=previous, n=n, n_previous=n, test=test, p_value=p, enough=enough, **kw)


def test_movement_size_in_points_and_percent():
    # share: 0.124 - 0.112 = 0.012 -> 1.2 percentage points
    assert sm.movement_size(tile("logo_churn", "share", 0.124, 0.112)) == pytest.approx(1.2)
    # NPS points are percentage points of respondents: +30 -> +22 is -8
    assert sm.movement_size(tile("nps", "points", 22.0, 30.0)) == pytest.approx(-8.0)
    # levels: 28 -> 35 days is +7 / 28 = +25%
    assert sm.movement_size(tile("ttfv", "days", 35.0, 28.0)) == pytest.approx(25.0)
    # stages: +1 stage on the 1-5 scale (4 steps) is 25
    assert sm.movement_size(tile("maturity_culture", "stage", 3.0, 2.0)) == pytest.approx(25.0)
    assert math.isnan(sm.movement_size(tile("customers", "count", 10.0, 0.0)))  # no base to compare with
    assert math.isnan(sm.movement_size(tile("nps", "points", 10.0, math.nan)))


def test_real_movements_need_a_test_or_a_census_change_and_enough_n():
    sampled_noise = tile("nps", "points", 10.0, 30.0, test=NOT_DETECTABLE, p=0.2)   # 20 points, not detected
    sampled_real = tile("ttfv", "days", 40.0, 30.0, test=DETECTABLE, p=0.01)        # +33.3%
    census_big = tile("logo_churn", "share", 0.20, 0.10)                            # +10 pp
    census_tiny = tile("grr", "share", 0.9003, 0.9000)                              # +0.03 pp < 0.5
    too_few = tile("health_red", "share", 0.9, 0.1, enough=False)                   # 80 pp, too few
    untestable = tile("meeting_share", "share", 0.5, 0.1, test=NOT_TESTABLE)
    tiles = [sampled_noise, sampled_real, census_big, census_tiny, too_few, untestable]
    assert [t.key for t in sm.real_movements(tiles)] == ["ttfv", "logo_churn"]
    assert [t.key for t in sm.real_movements(tiles, top=1)] == ["ttfv"]  # 33.3 > 10


def test_sentences_in_english_and_italian():
    # The Italian: full sentences, "statisticamente significativo", "p.p.", a unit named once, as
    # /work/shared/ITALIAN.md ("Generated texts", "Conventions") asks.
    churn = tile("logo_churn", "share", 0.124, 0.112, label="Logo churn")
    assert sm.movement_sentence(churn) == "Logo churn rose from 11.2% to 12.4% (+1.2 pp), for the worse."
    assert sm.movement_sentence(churn, "it") == (
        "Il churn dei clienti (logo churn) sale da 11,2% a 12,4% (+1,2 p.p.): peggioramento.")
    faster = tile("ttfv", "days", 21.0, 28.0, test=DETECTABLE, p=0.0004, label="Median time to first value")
    assert sm.movement_sentence(faster) == (
        "Median time to first value fell from 28 days to 21 days (-7 days; statistically detectable, "
        "p < 0.001), for the better.")
    assert sm.movement_sentence(faster, "it") == (
        "Il tempo mediano al primo valore scende da 28 a 21 giorni (−7 giorni; statisticamente "
        "significativo, p < 0,001): miglioramento.")


def test_what_changed_names_the_largest_movement_first_and_the_largest_contradiction():
    tiles = [tile("nps", "points", 40.0, 30.0, test=DETECTABLE, p=0.01, label="NPS"),             # 10
             tile("logo_churn", "share", 0.15, 0.10, label="Logo churn"),                          # 5 pp
             tile("arr", "currency", 1.3e6, 1.0e6, label="ARR"),                                   # 30%
             tile("customers", "count", 101.0, 100.0, label="Active customers")]                   # 1%
    found = [sm.Contradiction("detractors_without_follow_up", 10, 40, 0.25),
             sm.Contradiction("green_but_churned", 6, 12, 0.5)]
    found.sort(key=lambda c: -c.share)
    summary = sm.what_changed(tiles, found)
    assert [t.key for t in summary.movements] == ["arr", "nps", "logo_churn"]
    assert summary.sentences[0].startswith("Largest movements: ARR rose from €1.00M to €1.30M")
    assert summary.sentences[-1] == ("Largest contradiction: 6 of the 12 customers lost in the period (50%) were "
                                     "in the green band at their last health reading.")
    # Deterministic: the same numbers give the same words.
    assert sm.what_changed(tiles, found).text == summary.text
    italian = sm.what_changed(tiles, found, language="it").text
    # ITALIAN.md: "L'ARR sale da 33,0 a 61,8 mln € (+28,8 mln €): miglioramento."; here 1.0M -> 1.3M (+0.3M).
    assert italian.startswith("Movimenti principali: l'ARR sale da 1,0 a 1,3 mln € (+300 mila €): miglioramento.")
    # ITALIAN.md: "Principale incoerenza", "all'ultima rilevazione dell'health score".
    assert italian.endswith("Principale incoerenza: 6 dei 12 clienti persi nel periodo (50%) erano in fascia verde "
                            "all'ultima rilevazione dell'health score.")


def test_what_changed_without_movements_or_data():
    quiet = [tile("nps", "points", 31.0, 30.0, test=NOT_DETECTABLE, p=0.6)]
    assert sm.what_changed(quiet).sentences == (
        "No real movement: the changes against the comparison period are small or not statistically detectable.",)
    empty = [tile("nps", "points", math.nan, math.nan, n=0, test=NOT_TESTABLE)]
    assert sm.what_changed(empty).sentences == ()
    with pytest.raises(ValueError, match="language"):
        sm.what_changed(quiet, language="fr")


def test_claimed_maturity_against_meeting_time():
    claimed = tile("maturity_customer_involvement", "stage", 3.5, 3.0, n=20)
    internal = tile("meeting_share", "share", 0.04, 0.05, n=40, low=0.02, high=0.06, extra={"baseline": 0.05})
    c = sm.claimed_vs_meetings([claimed, internal])
    assert (c.key, c.share, c.stage, c.count) == ("claimed_vs_meetings", pytest.approx(0.96), 3.5, 40)
    assert c.sentence() == ("Teams place themselves at stage 3.5 on customer involvement, yet 96% of the time of the "
                            "40 meetings logged stays on internal matters.")
    # ITALIAN.md: stage = "fase", "resta su temi interni" -> "è dedicato a temi interni".
    assert c.sentence("it") == ("I team si collocano alla fase 3,5 del coinvolgimento del cliente, ma il tempo delle "
                                "40 riunioni registrate è dedicato a temi interni (96%).")
    # Meetings clearly above the 5% baseline: no contradiction; nor with a modest claim.
    above = tile("meeting_share", "share", 0.2, 0.1, n=40, low=0.15, high=0.25, extra={"baseline": 0.05})
    assert sm.claimed_vs_meetings([claimed, above]) is None
    modest = tile("maturity_customer_involvement", "stage", 2.5, 2.0, n=20)
    assert sm.claimed_vs_meetings([modest, internal]) is None
    assert sm.claimed_vs_meetings([internal]) is None


def test_localise_swaps_separators():
    assert sm.localise("€1,234.5 and 12.4%", "it") == "€1.234,5 and 12,4%"
    assert sm.localise("€1,234.5", "en") == "€1,234.5"


