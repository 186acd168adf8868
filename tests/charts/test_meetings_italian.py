"""Meetings figures (``cs_metrics.charts.meetings``) in Italian: the same hand-made meetings as
``tests/charts/test_meetings.py``, their words from meetings.po and numbers written the Italian way."""

from cs_metrics import i18n
from cs_metrics import meetings as mt
from cs_metrics.charts import meetings as mc
from tests.charts.test_meetings import ITEMS, MEETINGS, Q1, cells_of


def test_share_heatmap_in_italian():
    with i18n.using("it"):
        fig = mc.share_heatmap(cells_of(*Q1))
    heat = fig.data[0]
    # The English test's cells, tests/charts/test_meetings.py:43-50: the types' labels, "too few",
    # and the 40.0% share written "40,0%".
    assert list(heat.y) == ["IT", "Sales"] and list(heat.x) == ["CdA", "Funzione"]
    assert heat.text == (["troppo poche<br>n=2", ""], ["", "40%<br>n=5"])
    assert heat.customdata == (
        ["IT · CdA: n=2, meno di 5 riunioni: dati insufficienti per una lettura affidabile",
         "IT · funzione: nessuna riunione"],
        ["Sales · CdA: nessuna riunione",
         "Sales · funzione: 40,0% del tempo dell'ordine del giorno dedicato ai clienti (5 riunioni)"])
    assert fig.layout.separators == ",."


def test_share_trend_in_italian():
    with i18n.using("it"):
        fig = mc.share_trend(mt.customer_share(ITEMS, MEETINGS, by=("department", "quarter")))
    _it, sales = fig.data
    # The English test's quarters, tests/charts/test_meetings.py:94 (Q1 and Q2 2026), as Italian months.
    assert list(sales.text) == ["gen 2026", "apr 2026"]
    assert [list(c) for c in sales.customdata] == [[5, ""], [1, " · dati insufficienti per una lettura affidabile"]]
    assert "(n=%{customdata[0]} riunioni%{customdata[1]})" in sales.hovertemplate
    assert [a.text for a in fig.layout.annotations] == ["riferimento 5%"]
    assert fig.layout.yaxis.title.text == "Tempo dell'ordine del giorno dedicato ai clienti"


def test_decisions_by_group_in_italian():
    with i18n.using("it"):
        fig = mc.decisions_by_group(mt.customer_share(ITEMS, MEETINGS, by="department"))
    assert [t.name for t in fig.data] == ["Favorevoli", "Neutre", "Sfavorevoli"]
    # IT has 2 meetings, fewer than 5 (tests/charts/test_meetings.py:142-149).
    assert list(fig.data[0].hovertext) == ["", " · meno di 5 riunioni: dati insufficienti per una lettura affidabile"]
    assert fig.data[2].hovertemplate.endswith("<extra>sfavorevole</extra>")
    assert fig.layout.xaxis.title.text == "Decisioni per riunione"


def test_english_is_unchanged():
    with i18n.using("en"):
        fig = mc.share_trend(mt.customer_share(ITEMS, MEETINGS, by=("department", "quarter")))
    # tests/charts/test_meetings.py:102: the baseline's annotation; the quarters as the old hover wrote them.
    assert [a.text for a in fig.layout.annotations] == ["5% baseline"]
    assert list(fig.data[1].text) == ["Jan 2026", "Apr 2026"]
