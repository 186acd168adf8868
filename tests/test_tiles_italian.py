"""Tiles and the "What changed" summary read in Italian: hand-made tiles (as tests/test_tiles.py builds
them), formatted and summarised under ``i18n.using("it")``.

Every expected word follows the glossary and the "Generated texts" notes of /work/shared/ITALIAN.md
(NPS, ARR, churn, health score kept in English; "fascia verde", "promotori (voto 9-10)", "p.p.",
"statisticamente significativo", money "33,0 mln €", full sentences such as "L'ARR sale da 33,0 a
61,8 mln € (+28,8 mln €): miglioramento."); every number is worked out by hand beside it.
"""

from __future__ import annotations

from cs_metrics import summary as sm
from cs_metrics.i18n import using
from cs_metrics.services import coverage
from cs_metrics.tiles import DETECTABLE, NOT_APPLICABLE, NOT_DETECTABLE, Tile, tile_label, verdict_text

# Customers in good health: 27.7% now, 26.6% before; 0.277 - 0.266 = 0.011, i.e. +1.1 percentage points.
HEALTH = Tile(key="health_green", label="Customers in good health", unit="share", value=0.277, previous=0.266,
              n=400, n_previous=380, area="health")
# ARR: €33.0M -> €61.75M; the change 61.75 - 33.0 = 28.75 (M), 87.1% of the previous value.
# One decimal for millions (ITALIAN.md): 61.75 -> 61,8 and 28.75 -> 28,8 (both halves round up to the even 8).
ARR = Tile(key="arr", label="ARR", unit="currency", value=61_750_000.0, previous=33_000_000.0, n=90, n_previous=80,
           area="customers")
# NPS +20 -> +30: +10 points, detected by the two-sample z-test at p = 0.012 (below 0.05).
NPS = Tile(key="nps", label="NPS", unit="points", value=30.0, previous=20.0, n=400, n_previous=380, test=DETECTABLE,
           p_value=0.012, test_name="two-sample z-test", area="nps")


def test_a_tile_formatted_in_italian():
    with using("it"):
        assert sm.label(HEALTH) == "Clienti in buona salute"
        assert sm.value_text(HEALTH, HEALTH.value) == "27,7%"          # 0.277 as a percentage, decimal comma
        assert sm.change_text(HEALTH) == "+1,1 p.p."                    # +0.011 in percentage points
        assert sm.value_text(ARR, ARR.previous) == "33,0 mln €"         # 33,000,000 in millions, one decimal
        assert sm.change_text(ARR) == "+28,8 mln €"                     # +28,750,000
        assert sm.change_text(NPS) == "+10,0 punti"
    # The same tiles in English keep the English forms.
    assert (sm.value_text(HEALTH, HEALTH.value), sm.change_text(HEALTH)) == ("27.7%", "+1.1 pp")
    assert sm.value_text(ARR, ARR.previous) == "€33.00M"


def test_verdicts_in_italian_stay_english_data():
    with using("it"):
        # ITALIAN.md: a change is "statisticamente significativo"; p = 0.012 with a decimal comma.
        assert verdict_text(NPS) == "statisticamente significativo (test z a due campioni, p = 0,012)"
        assert verdict_text(HEALTH) == "nessun test applicabile"        # a census figure
        not_seen = Tile(key="nps", label="NPS", unit="points", value=21.0, previous=20.0, n=400, n_previous=380,
                        test=NOT_DETECTABLE, p_value=0.61, test_name="two-sample z-test")
        assert verdict_text(not_seen) == "nessuna variazione statisticamente significativa (test z a due campioni, " \
                                         "p = 0,610)"
        # The verdict stored in the tile is data: English whatever the language.
        assert NPS.test == "statistically detectable" and HEALTH.test == NOT_APPLICABLE
    assert verdict_text(NPS) == "statistically detectable (two-sample z-test, p = 0.012)"


def test_the_summary_in_italian_speaks_in_full_sentences():
    # Order by size: ARR 87.1% of its previous value, NPS 10 points, health 1.1 points (all real:
    # the NPS change detected, the census ones above 0.5). The contradiction: 3 of 12 lost customers = 25%.
    found = [sm.Contradiction("promoters_but_churned", 3, 12, 0.25)]
    with using("it"):
        summary = sm.what_changed([HEALTH, NPS, ARR], found)
    assert summary.language == "it"
    assert summary.sentences == (
        "Movimenti principali: l'ARR sale da 33,0 a 61,8 mln € (+28,8 mln €): miglioramento.",
        "L'NPS sale da +20 a +30 (+10,0 punti; statisticamente significativo, p = 0,012): miglioramento.",
        "La quota di clienti in buona salute sale da 26,6% a 27,7% (+1,1 p.p.): miglioramento.",
        "Principale incoerenza: 3 dei 12 clienti persi nel periodo (25%) erano promotori (voto 9-10) nell'ultima "
        "risposta NPS.",
    )
    # The explicit language gives the same text; English stays as it was.
    assert sm.what_changed([HEALTH, NPS, ARR], found, language="it").text == summary.text
    english = sm.what_changed([HEALTH, NPS, ARR], found)
    assert english.sentences[0] == "Largest movements: ARR rose from €33.00M to €61.75M (+€28.75M), for the better."
    assert english.language == "en"


def test_one_of_them_takes_the_singular():
    # 1 of the 12 lost customers (8%: 1 / 12 = 0.083) was a promoter: Italian agrees in number.
    one = sm.Contradiction("promoters_but_churned", 1, 12, 1 / 12)
    assert one.sentence("it") == ("1 dei 12 clienti persi nel periodo (8%) era promotore (voto 9-10) nell'ultima "
                                  "risposta NPS.")
    waiting = sm.Contradiction("detractors_without_follow_up", 5, 20, 0.25)
    assert waiting.sentence("it") == "5 dei 20 detrattori del periodo (25%) attendono ancora un follow-up."


def test_tiles_built_in_italian_are_named_in_either_language():
    with using("it"):
        label = tile_label("ttfv_within_target", days=30)
        renewals = tile_label("renewals", days=90)
    assert (label, renewals) == ("Primo valore entro 30 giorni", "ARR in rinnovo (90 giorni)")
    italian = Tile(key="ttfv_within_target", label=label, unit="share", value=0.5, previous=0.4, n=40, n_previous=40)
    assert sm.label(italian, "en") == "First value within 30 days"
    assert sm.label(italian, "it") == label
    # 0.5 - 0.4 = +10 points of share: a real census movement, named by its English name in English.
    assert sm.what_changed([italian], language="en").text == (
        "Largest movements: First value within 30 days rose from 40.0% to 50.0% (+10.0 pp), for the better.")


def test_a_figure_left_out_says_why_in_italian():
    gone = coverage.LeftOut("nps", "nps", "nps_responses")
    with using("it"):
        assert gone.text() == "NPS: nessuna risposta NPS importata"
    assert gone.text() == "NPS: no NPS answers imported"
    assert gone.text("it") == "NPS: nessuna risposta NPS importata"
