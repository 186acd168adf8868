"""The language selector: the whole shell follows it, a signed-in person's choice is remembered."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from cs_metrics.services import preferences
from cs_metrics.storage import db
from tests.app.conftest import APP, appoint, signed_in


def _sidebar_texts(at):
    return [s.value for s in at.sidebar.subheader] + [w.label for w in at.sidebar.selectbox]


def test_english_by_default_and_italian_once_chosen(app_on_demo):
    # AppTest sends no browser locale, so the app starts in English (ui/language.py).
    at = app_on_demo()
    assert at.selectbox(key="language_choice").value == "en"
    assert "Filters" in _sidebar_texts(at) and "Period" in _sidebar_texts(at)
    at.selectbox(key="language_choice").set_value("it").run()
    # The Overview's title (shell.po: "Overview" is "Panoramica"). AppTest keeps no sidebar after a second run,
    # so the sidebar is read on a first run in Italian below.
    assert not at.exception and at.title[0].value == "Panoramica"
    at = app_on_demo(language="it")
    # The catalog's shell.po: "Filters" is "Filtri", "Period" is "Periodo", "Language" is "Lingua".
    assert {"Filtri", "Periodo", "Lingua"} <= set(_sidebar_texts(at))


def test_a_signed_in_persons_choice_is_stored_and_applies_at_the_next_visit(app_as):
    at = app_as("viewer")
    assert at.selectbox(key="language_choice").value == "en"
    at.selectbox(key="language_choice").set_value("it").run()
    engine = db.make_engine(app_as.url)
    try:
        assert preferences.remembered_language(engine, "viewer@example.com") == "it"
    finally:
        engine.dispose()
    # A new session (another browser) of the same person starts in Italian.
    again = signed_in(AppTest.from_file(APP, default_timeout=60), "viewer@example.com")
    again.run()
    assert again.selectbox(key="language_choice").value == "it"
    assert "Filtri" in _sidebar_texts(again)


def test_the_local_user_has_nothing_stored(app_on_demo, demo_db_url):
    at = app_on_demo(language="it")
    assert at.selectbox(key="language_choice").value == "it"
    appoint(demo_db_url, "someone@example.com", "viewer")
    engine = db.make_engine(demo_db_url)
    try:
        assert preferences.remembered_language(engine, "someone@example.com") is None
    finally:
        engine.dispose()
