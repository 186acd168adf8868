"""AppTest of the Meetings page in Italian on the demo company: the page's words, the headline
written the Italian way (decimal comma, thousands point), the options shown in Italian while the
stored values stay the English keys, and a meeting logged and saved with an Italian message."""

from __future__ import annotations

import datetime as dt
import sqlite3

from cs_metrics import i18n
from tests.app.test_meetings_page import _totals

PAGE = "pages/meetings.py"


def _open(app_on_demo):
    """The page opened by an Italian reader. AppTest calls a widget's ``format_func`` in the test's
    own thread, where the sidebar's choice is not seen: the test speaks Italian there too."""
    with i18n.using("it"):
        return app_on_demo(PAGE, timeout=90, language="it")


def _it(text: str) -> str:
    """An English-formatted number written the Italian way, by hand (not with the code under test):
    thousands "." and decimal "," swap."""
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def test_the_page_speaks_italian_and_writes_numbers_the_italian_way(app_on_demo, demo_db_url):
    at = _open(app_on_demo)
    assert not at.exception, [e.value for e in at.exception]
    # meetings.po: the tabs, the metric labels; shell.po: the title
    assert [t.label for t in at.tabs] == ["Quota dedicata ai clienti", "Registra o carica una riunione",
                                          "Registro delle decisioni"]
    t = _totals(demo_db_url)
    values = {m.label: m.value for m in at.metric}
    # The English test's values, tests/app/test_meetings_page.py:72-75, written the Italian way.
    assert values["Tempo dell'ordine del giorno dedicato ai clienti"] == _it(f"{t['customer'] / t['agenda']:.1%}")
    assert values["Verbali con il punto cliente compilato"] == _it(f"{t['filled'] / t['meetings']:.1%}")
    assert values["Favorevoli / sfavorevoli per riunione"] == _it(
        f"{t['favours'] / t['meetings']:.2f} / {t['worsens'] / t['meetings']:.2f}")
    caption = next(c.value for c in at.caption if c.value.startswith("n = "))
    assert caption.startswith(_it(f"n = {t['meetings']:,} riunioni · {t['items']:,} punti all'ordine del giorno · "
                                  f"{t['agenda']:,.0f} min di ordine del giorno"))
    # The options are shown in Italian; their values stay the stored keys.
    kind = at.selectbox(key="mtg_type")
    assert kind.value == "department" and kind.options == ["CdA", "direzione", "funzione", "progetto", "altro"]
    assert at.multiselect(key="meet_ledger_impacts").options == ["favorevole", "neutro", "sfavorevole"]
    ledger = next(d.value for d in at.dataframe if "cx_impact" in d.value.columns)
    assert set(ledger["cx_impact"]) <= {"favorevole", "neutro", "sfavorevole"}
    assert at.text_area(key="mtg_customer_text").label.startswith("Punto cliente: Quali argomenti trattati")


def test_logging_a_meeting_in_italian_stores_the_english_keys(app_on_demo, demo_db_url):
    at = _open(app_on_demo)
    with i18n.using("it"):
        at.date_input(key="mtg_date").set_value(dt.date(2026, 10, 15))
        at.selectbox(key="mtg_type").set_value("project")
        at.text_input(key="mtg_item_title_0").input("Reclami dei clienti sulle consegne")
        at.number_input(key="mtg_item_minutes_0").set_value(20.0)
        at.selectbox(key="mtg_item_rel_0").set_value("direct")
        at.number_input(key="mtg_n_decisions").set_value(1)
        at.run()
        at.text_input(key="mtg_dec_text_0").input("Richiamare i clienti entro una settimana")
        at.selectbox(key="mtg_dec_impact_0").set_value("favours")
        at.button(key="mtg_save").click()
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    with sqlite3.connect(demo_db_url.removeprefix("sqlite:///")) as con:
        new_id, mtype = con.execute("SELECT id, meeting_type FROM meeting ORDER BY id DESC LIMIT 1").fetchone()
        impact = con.execute("SELECT cx_impact FROM decision WHERE meeting_id = ?", (new_id,)).fetchone()[0]
        relevance = con.execute("SELECT relevance FROM agenda_item WHERE meeting_id = ?", (new_id,)).fetchone()[0]
    assert (mtype, impact, relevance) == ("project", "favours", "direct")
    # meetings.po: "Meeting {id} saved with {items} agenda item(s) and {decisions} decision(s)."
    assert f"Riunione {new_id} salvata (punti all'ordine del giorno: 1; decisioni: 1)." in [s.value for s in at.success]
