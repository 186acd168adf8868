"""AppTest of the Health page in Italian on the demo company: the page's words (title, tabs, metric
labels, captions, buttons) and its numbers written the Italian way (thousands point, decimal comma);
the same check in English, where nothing changes; and the open tab kept when the reader switches
language."""

from __future__ import annotations

import json

import pytest

from cs_metrics import health, i18n
from tests.app.test_health_page import _latest_scores

PAGE = "pages/health.py"
# AppTest reads the state of the widgets it last drew in the test's own thread, through their
# format_func (the sidebar's period is shown with ``format_func=_``): the test speaks the page's
# language around every run, or an Italian option would be looked for in English.


def _count(n: int, language: str) -> str:
    """A count as the reader writes it: "1,234" in English, "1.234" in Italian (written here by
    hand, not with the code under test)."""
    text = f"{n:,}"
    return text.replace(",", ".") if language == "it" else text


def _share(share: float, language: str) -> str:
    """A share with one decimal: "12.3%" in English, "12,3%" in Italian."""
    text = f"{share:.1%}"
    return text.replace(".", ",") if language == "it" else text


def _titles(at) -> set[str]:
    return {(json.loads(c.proto.spec)["layout"].get("title") or {}).get("text", "") for c in at.get("plotly_chart")}


def _open(at, tab: str):
    at.session_state["health_tab"] = tab
    at.run()
    assert not at.exception, [e.value for e in at.exception]


# (title, tabs, "Customers scored" label, the red band's label, the histogram's title, the at-risk
# tab's label and caption start, the download's label, the model tab's label and save buttons)
CASES = {
    # shell.po: "Health" is "Health score"; health.po: everything else.
    "it": ("Health score", ["Distribuzione", "Passaggi tra fasce", "Cliente", "Back-test", "A rischio", "Modello"],
           "Clienti valutati, ott 2026", "Fascia rossa", "Distribuzione dei punteggi, ott 2026",
           "A rischio", "ott 2026: {n} clienti in fascia rossa o in calo rispetto al mese precedente",
           "Scarica tutti i {n} (CSV)", "Modello", {"Salva come bozza", "Salva e attiva"}),
    # the English test's texts: tests/app/test_health_page.py:72 and :74 (metrics), :76 (histogram),
    # :284 and :286 (at-risk caption and download), :242 (the save buttons)
    "en": ("Health", ["Distribution", "Movement", "Customer", "Back-test", "At risk", "Model"],
           "Customers scored, Oct 2026", "Red band", "Distribution of scores, Oct 2026",
           "At risk", "Oct 2026: {n} customers red or falling since the month before",
           "Download all {n} (CSV)", "Model", {"Save as a draft", "Save and activate"}),
}


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_page_speaks_the_readers_language(app_on_demo, demo_db_url, language):
    with i18n.using(language):
        _check(app_on_demo, demo_db_url, language)


def _check(app_on_demo, demo_db_url, language):
    (title, tabs, scored, red, histogram, risk_tab, risk_caption, download, model_tab,
     buttons) = CASES[language]
    at = app_on_demo(PAGE, language=language)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == title
    assert [t.label for t in at.tabs] == tabs
    metrics = {m.label: m.value for m in at.metric}
    # The customers scored and the red band's share, recomputed from the raw signals as the English
    # test does (tests/app/test_health_page.py:72 and :74): f"{len(score):,}" and f"{(score <= 50).mean():.1%}",
    # written with a thousands point and a decimal comma for an Italian reader.
    score = _latest_scores(demo_db_url, health.DEFAULT_MODEL)
    assert len(score) >= 1000  # four digits, so that the thousands separator shows
    assert metrics[scored] == _count(len(score), language)
    assert metrics[red] == _share((score <= 50).mean(), language)
    if language == "it":
        assert "," in metrics[red] and "." not in metrics[red]
    assert histogram in _titles(at)

    # The at-risk tab: red, or down 10 points or more since the month before, counted from the raw
    # signals as the English test does (tests/app/test_health_page.py:280-282).
    _open(at, risk_tab)
    before = _latest_scores(demo_db_url, health.DEFAULT_MODEL, 1)
    change = score - before.reindex(score.index)
    n = int(((score <= 50) | (change <= -10)).sum())
    assert any(c.value.startswith(risk_caption.format(n=_count(n, language))) for c in at.caption)
    assert any(b.label == download.format(n=_count(n, language)) for b in at.get("download_button"))

    _open(at, model_tab)
    assert buttons <= {b.label for b in at.button}


def test_the_open_tab_stays_open_when_the_language_changes(app_on_demo):
    with i18n.using("it"):  # the widgets drawn before the switch are Italian
        at = app_on_demo(PAGE, language="it")
        _open(at, "A rischio")
        assert at.session_state["health_tab"] == "A rischio"
        at.session_state["language"] = "en"
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["health_tab"] == "At risk"
    assert any("customers red or falling" in c.value for c in at.caption)
