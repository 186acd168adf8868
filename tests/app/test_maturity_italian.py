"""AppTest of the Maturity page in Italian on the demo company: the page's words, the instrument in
the reader's language, and stages written the Italian way (decimal comma); and the same check in
English, where nothing changes."""

from __future__ import annotations

import json

import pytest

from cs_metrics import i18n
from cs_metrics import maturity as mt
from cs_metrics.storage import db
from cs_metrics.storage.queries import maturity as qm

PAGE = "pages/maturity.py"


@pytest.fixture()
def demo_answers(demo_db_url):
    """The demo database's answers of its newest round (read before the app runs)."""
    engine = db.make_engine(demo_db_url)
    data = qm.answers(engine)
    engine.dispose()
    return data[data["round"] == mt.round_order(data)[-1]]


def _open(app_on_demo, language: str):
    """The page opened by a reader of ``language``. AppTest calls a widget's ``format_func`` in the
    test's own thread, where no sidebar choice is seen: the test speaks the reader's language there
    too (``i18n.using``), as the app does in its run, so that the options it formats are the ones
    the page drew (e.g. the sidebar's period, shown through ``_``)."""
    with i18n.using(language):
        return app_on_demo(PAGE, timeout=90, language=language)


def _heatmap(at) -> dict:
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        if spec["data"][0]["type"] == "heatmap":
            return spec["data"][0]
    raise AssertionError("no heatmap on the page")


def _stage(value: float, language: str) -> str:
    """A stage as the reader writes it: "2.5" in English, "2,5" in Italian (written here by hand,
    not with the code under test)."""
    text = f"{value:g}"
    return text.replace(".", ",") if language == "it" else text


# (language, title, tab labels, "Dimension" and "Median" headings, the heatmap's hidden cell)
CASES = {
    # shell.po: "Maturity" is "Maturità"; maturity.po: the tabs, the profile's headings, "hidden (n={n})".
    "it": ("Maturità", ["Compila l'autovalutazione", "Risultati", "Obiettivi e prossimi passi"],
           "Dimensione", "Mediana", "oscurato (n=2)"),
    # the English test's texts, tests/app/test_maturity_page.py:88, 93 and 101
    "en": ("Maturity", ["Take the assessment", "Results", "Targets and next steps"],
           "Dimension", "Median", "hidden (n=2)"),
}


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_page_speaks_the_readers_language(app_on_demo, demo_answers, language):
    title, tabs, dimension, median, hidden = CASES[language]
    at = _open(app_on_demo, language)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == title
    assert [t.label for t in at.tabs][:3] == tabs
    # The instrument follows the reader's language: no choice of its own to make first.
    assert at.radio(key="mat_lang").value == language
    inst = mt.load_instrument()
    assert inst.dimension_label("culture", language) in [s.value for s in at.subheader]
    # A half-step option: "1.5 · tra Isola e Canale" in the English test (test_maturity_page.py:119),
    # written with a decimal comma for an Italian reader.
    options = at.radio(key="mat_stage_culture").options
    assert options[1] == {"it": "1,5 · tra Isola e Canale", "en": "1.5 · between Island and Channel"}[language]

    # The company profile: the medians recomputed from the stored answers as the English test does
    # (test_maturity_page.py:95-98); culture's is 2.5 in the demo's newest round, "2,5" in Italian.
    table = at.dataframe[0].value.set_index(dimension)
    medians = demo_answers.groupby("dimension")["stage"].median()
    assert medians["culture"] % 1 == 0.5  # a half-step, so that the decimal separator shows
    for dim in mt.DIMENSIONS:
        value = medians[dim]
        assert table.loc[inst.dimension_label(dim, language), median] == (
            f"{_stage(value, language)} · {inst.stage_label(value, language)}")
    if language == "it":
        assert table.loc["Cultura", "Mediana"] == "2,5 · tra Canale e Ascolto"

    # Administration has two people in the demo (test_maturity_page.py:99-101): hidden, said in Italian.
    heat = _heatmap(at)
    assert heat["text"][heat["y"].index("Administration")][heat["x"].index(inst.dimension_label("culture", language))] \
        == hidden

    # The overall stage: the weakest median (test_maturity_page.py:107-109), in the reader's format.
    with i18n.using(language):
        at.toggle(key="mat_overall").set_value(True).run()
    weakest = medians.min()
    label = {"it": "la più debole", "en": "the weakest"}[language]
    metric = next(x for x in at.metric if label in x.label)
    assert metric.value == f"{_stage(weakest, language)} · {inst.stage_label(weakest, language)}"


def test_an_italian_reader_may_still_read_the_instrument_in_english(app_on_demo):
    at = _open(app_on_demo, "it")
    assert at.radio(key="mat_lang").label == "Lingua del questionario"
    with i18n.using("it"):
        at.radio(key="mat_lang").set_value("en").run()
    assert not at.exception, [e.value for e in at.exception]
    # The statements in English, the page's words and numbers still Italian.
    assert "Culture" in [s.value for s in at.subheader]
    assert at.radio(key="mat_stage_culture").options[1] == "1,5 · between Island and Channel"
    assert at.tabs[1].label == "Risultati"
    # A change of the reader's language (the sidebar's choice, ui/language.py) takes the instrument along.
    at.session_state["language"] = "en"
    with i18n.using("it"):  # the options on the page are still Italian when the change is sent
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.radio(key="mat_lang").value == "en" and at.title[0].value == "Maturity"
    at.session_state["language"] = "it"
    with i18n.using("en"):
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.radio(key="mat_lang").value == "it" and "Cultura" in [s.value for s in at.subheader]
