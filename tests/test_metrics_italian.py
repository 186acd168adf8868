"""The metric modules' reader-facing texts in Italian: form problems of a meeting, warnings and errors of
a minutes upload, the NPS change verdict, refusals, explanations and data warnings, under
``i18n.using("it")``; the same calls in English are unchanged.

Every expected Italian text is the translation in ``cs_metrics/locale/it/metrics.po`` (the entry whose
msgid is the English asserted beside it), with the numbers written the Italian way (decimal comma,
dates 26/11/2026) as ``cs_metrics.i18n.formats`` writes them.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cs_metrics import access, churn_words, consistency, nps
from cs_metrics import meetings as mt
from cs_metrics import minutes as mn
from cs_metrics.i18n import using

TODAY = dt.date(2026, 3, 10)


def draft() -> mt.MeetingDraft:
    """A meeting with four known problems: a date after TODAY, an unknown department, an agenda item
    without a title, and items adding up to 45.5 minutes (30 + 15.5) in a 30-minute meeting."""
    return mt.MeetingDraft(
        held_on=dt.date(2026, 3, 12), department="Warehouse", meeting_type="department", duration_minutes=30,
        items=(mt.ItemDraft("Backups", 30), mt.ItemDraft("  ", 15.5)),
        decisions=(mt.DecisionDraft("Call the courier", "favours", item=4),),
    )


ENGLISH_PROBLEMS = [
    "The meeting date 2026-03-12 is in the future; log meetings once they are held.",
    "Department 'Warehouse' is unknown; choose one of ['Board', 'IT', 'Logistics', 'Administration', 'Sales', "
    "'Customer Success', 'Marketing', 'Product'].",
    "Agenda item 2 has no title; write one or remove the item.",
    "The agenda items add up to 45.5 minutes, more than the meeting lasted (30 minutes): fix the minutes or the "
    "duration.",
    "Decision 1 points to agenda item 5, which does not exist.",
]
# metrics.po: the entries of the five English problems above; 2026-03-12 as 12/03/2026, 45.5 as 45,5.
ITALIAN_PROBLEMS = [
    "La data della riunione, 12/03/2026, è nel futuro: registra le riunioni dopo che si sono tenute.",
    "La funzione 'Warehouse' non è prevista; scegline una tra ['Board', 'IT', 'Logistics', 'Administration', "
    "'Sales', 'Customer Success', 'Marketing', 'Product'].",
    "Il punto 2 dell'ordine del giorno non ha un titolo: scrivilo oppure elimina il punto.",
    "I punti all'ordine del giorno sommano 45,5 minuti, più della durata della riunione (30 minuti): correggi i "
    "minuti o la durata.",
    "La decisione 1 fa riferimento al punto 5 dell'ordine del giorno, che non esiste.",
]


def test_meeting_problems_in_italian():
    with using("it"):
        assert mt.meeting_problems(draft(), today=TODAY) == ITALIAN_PROBLEMS


def test_meeting_problems_in_english_unchanged():
    assert mt.meeting_problems(draft(), today=TODAY) == ENGLISH_PROBLEMS
    with using("en"):
        assert mt.meeting_problems(draft(), today=TODAY) == ENGLISH_PROBLEMS


def test_check_meeting_raises_the_italian_problems():
    with using("it"), pytest.raises(mt.MeetingError) as raised:
        mt.check_meeting(draft(), today=TODAY)
    assert str(raised.value) == " ".join(ITALIAN_PROBLEMS)


def test_the_baseline_verdict_stays_english_data():
    # The verdict is a value the meetings page compares and translates (pages/meetings.py VERDICTS).
    meetings = pd.DataFrame({"meeting_id": [1], "held_on": ["2026-03-02"], "department": ["IT"],
                             "meeting_type": ["department"], "customer_item_filled": [True]})
    items = pd.DataFrame({"meeting_id": [1], "relevance": ["direct"], "minutes": [15]})
    with using("it"):
        assert mt.customer_share(items, meetings).iloc[0]["baseline_verdict"] == "too few to read"


# Minutes with two agenda items of 40 + 35 = 75 minutes in a 60-minute meeting, and no customer item.
MINUTES = b"# Logistics weekly\nDuration: 60 min\n\n1. Shift planning (40 min)\n2. Late deliveries (35 min)\n"


def test_minutes_warnings_in_italian():
    with using("it"):
        parsed = mn.parse_minutes(MINUTES, filename="logistics.md")
    # metrics.po: "The agenda items add up to {total} minutes but the meeting lasted {duration} minutes; ..."
    # and "These minutes have no customer item; ...".
    assert parsed.warnings == (
        "I punti all'ordine del giorno sommano 75 minuti, ma la riunione è durata 60 minuti: correggi i minuti o "
        "la durata prima di salvare.",
        "Questo verbale non ha il punto cliente: se non lo compili, la riunione risulterà averlo saltato.",
    )


def test_minutes_warnings_in_english_unchanged():
    parsed = mn.parse_minutes(MINUTES, filename="logistics.md")
    assert parsed.warnings == (
        "The agenda items add up to 75 minutes but the meeting lasted 60 minutes; correct the minutes or the "
        "duration before saving.",
        "These minutes have no customer item; the meeting will count as having skipped it unless you fill it in.",
    )


def test_unreadable_minutes_in_italian():
    big = b"x" * (mn.MAX_BYTES + 300 * 1024)  # 2 MB + 300 KB = 2.29 MB, written 2.3 (2,3 in Italian)
    with using("it"):
        with pytest.raises(mn.MinutesError) as old_word:
            mn.parse_minutes(b"data", filename="verbale.doc")
        with pytest.raises(mn.MinutesError) as too_big:
            mn.parse_minutes(big, filename="verbale.txt")
        with pytest.raises(mn.MinutesError) as no_items:
            mn.parse_minutes(b"Just a note without any agenda.", filename="nota.txt")
    assert str(old_word.value) == ("verbale.doc è un file Word in un formato vecchio (.doc): aprilo in Word, "
                                   "salvalo come .docx e caricalo di nuovo.")
    assert str(too_big.value) == ("verbale.txt pesa 2,3 MB e il limite è di 2 MB. Togli le immagini o dividi il "
                                  "verbale, poi caricalo di nuovo.")
    assert str(no_items.value).startswith("In nota.txt non è stato trovato alcun punto all'ordine del giorno.")
    with pytest.raises(mn.MinutesError, match=r"^verbale\.txt is 2\.3 MB; the limit is 2 MB\. Remove images"):
        mn.parse_minutes(big, filename="verbale.txt")
    with pytest.raises(mn.MinutesError, match=r"^No agenda items were found in the minutes\. Write each item"):
        mn.parse_text("Just a note without any agenda.")


def test_nps_verdict_in_italian():
    # (20, 30, 50) then (10, 30, 60), plain Wald: p = 0.052, no significant change (nps.py's doctest).
    same = nps.nps_difference((20, 30, 50), (10, 30, 60), method="wald")
    # 100 then 200 answers all detractors, then all promoters: a rise significant at 95% with p < 0.001.
    up = nps.nps_difference((100, 0, 0), (0, 0, 200))
    with using("it"):
        assert nps.verdict(same) == "nessuna variazione statisticamente significativa (p = 0,052)"
        assert nps.verdict(up) == "in aumento, statisticamente significativo al 95% (p < 0,001)"
    assert nps.verdict(same) == "no detectable change (p = 0.052)"
    assert nps.verdict(up) == "up, significant at 95% (p < 0.001)"


def test_refusals_in_italian():
    vera = access.Actor("vera@example.com", "Vera", "viewer")
    mia = access.Actor("mia@example.com", "Mia", "member", teams=frozenset({"Support"}),
                       departments=frozenset({"Service"}))
    with using("it"):
        # metrics.po: "Only {allowed} may {action}; ..." with "an admin", "clear all data" and "a viewer"
        # (context "signed in as").
        assert access.refusal(vera, "data.clear") == (
            "Solo un amministratore può cancellare tutti i dati; hai effettuato l'accesso come visualizzatore. "
            "Non è stato scritto nulla.")
        assert access.refusal(mia, "meetings.edit", department="Sales") == (
            "Un membro può registrare, modificare o eliminare una riunione solo nella propria funzione (la tua: "
            "Service); per Sales può farlo un editor o un amministratore. Non è stato scritto nulla.")
        assert access.refusal(mia, "maturity.assess", team="Billing") == (
            "Puoi valutare solo il tuo team (Support), non Billing. Non è stato scritto nulla.")
    # The English of the module's doctest.
    assert access.refusal(vera, "data.clear") == (
        "Only an admin may clear all data; you are signed in as a viewer. Nothing was written.")


def test_explanations_and_choices_in_italian():
    lost = pd.DataFrame({"customer_id": [7], "name": ["Rossi Srl"], "external_id": ["C-7"],
                         "churned_on": ["2026-11-26"]})
    with using("it"):
        early = churn_words.explanation("early")
        choices = churn_words.follow_up_choices(lost)
    assert "entro 90 giorni dalla firma" in early            # {days} = EARLY_DAYS = 90
    assert choices == {7: "Rossi Srl (C-7), perso il 26/11/2026"}
    assert churn_words.explanation("early") == churn_words.EXPLANATIONS["early"]
    assert churn_words.follow_up_choices(lost) == {7: "Rossi Srl (C-7), churned 2026-11-26"}


def test_data_warnings_in_italian():
    # 30 customers all churned on 31 Oct 2026, signed on the last day of 30 months (consistency.py doctest).
    days = pd.date_range("2024-01-31", periods=30, freq="ME")
    customers = pd.DataFrame({"signed_on": days, "churned_on": [pd.Timestamp("2026-10-31")] * 30})
    with using("it"):
        signs = consistency.snapshot_signs(customers)
        flat = consistency.revenue_disagreement(1870, 0, 4974)
    assert signs[0].startswith("Tutte le 30 date di churn cadono il 31 ott 2026: ")
    assert signs[1].startswith("30 date di firma su 30 cadono nello stesso giorno del mese")
    assert flat.startswith("Clienti persi ma nessun ricavo perso: nel periodo sono usciti 1.870 clienti, eppure "
                           "nei dati dei ricavi nessuno dei 4.974 clienti")
    assert consistency.revenue_disagreement(1870, 0, 4974).startswith(
        "Customers lost but no revenue lost: 1,870 customers left in the period, yet none of the 4,974 customers")
