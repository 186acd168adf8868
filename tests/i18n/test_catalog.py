"""The catalogs hold exactly the code's messages, each with its English and its Italian text, and the
translation layer uses them."""

from __future__ import annotations

import pytest

from cs_metrics import i18n
from cs_metrics.i18n import _, messages, ngettext, using
from cs_metrics.i18n.catalog import fields, problems


def test_the_italian_catalog_is_complete_and_holds_nothing_unused():
    # Every message of the code is in a PO file with a non-empty Italian text and the English
    # placeholders, and no PO entry is a message the code no longer uses (catalog.problems).
    assert problems("it") == []


def test_the_check_finds_a_missing_an_unused_and_a_mismatched_entry(tmp_path):
    # A hand-made project: the code uses "Hello {name}" and "Bye"; the catalog translates "Hello
    # {name}" with another placeholder, lacks "Bye", and holds "Gone", which no code uses.
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "x.py").write_text("from cs_metrics.i18n import _\n_('Hello {name}')\n_('Bye')\n")
    folder = tmp_path / "cs_metrics" / "locale" / "it"
    folder.mkdir(parents=True)
    (folder / "nps.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Hello {name}"\nmsgstr "Ciao {nome}"\n\nmsgid "Gone"\nmsgstr "Andato"\n', encoding="utf-8")
    found = problems("it", tmp_path)
    assert len(found) == 3
    assert any("fields ['nome'] differ from the English ['name']" in line for line in found)
    assert any("'Gone' is no longer used by the code" in line for line in found)
    assert any("lacks 'Bye'" in line for line in found)


def test_an_untranslated_entry_is_reported(tmp_path):
    (tmp_path / "ui").mkdir()
    (tmp_path / "ui" / "x.py").write_text("from cs_metrics.i18n import _\n_('Bye')\n")
    folder = tmp_path / "cs_metrics" / "locale" / "it"
    folder.mkdir(parents=True)
    (folder / "shell.po").write_text('msgid "Bye"\nmsgstr ""\n', encoding="utf-8")
    assert problems("it", tmp_path) == ["shell.po: 'Bye' has no Italiano text"]


def test_fields_reads_named_placeholders():
    assert fields("{n} of {total:,}") == {"n", "total"}
    assert fields("no placeholder") == set()


def test_a_message_is_italian_inside_using_and_english_outside():
    # "Customers" is the section title of the navigation (app.py); the catalog gives "Clienti".
    assert messages("it")[(None, "Customers")] == ("Clienti",)
    assert _("Customers") == "Customers"
    with using("it"):
        assert _("Customers") == "Clienti"
        assert i18n.language() == "it"
    assert i18n.language() == "en"


def test_plural_forms_follow_the_count():
    # formatting.fmt_value writes days with ngettext("{n} day", "{n} days", n).
    with using("it"):
        assert ngettext("{n} day", "{n} days", 1).format(n=1) == "1 giorno"
        assert ngettext("{n} day", "{n} days", 3).format(n=3) == "3 giorni"
    assert ngettext("{n} day", "{n} days", 1).format(n=1) == "1 day"


def test_the_resolver_answers_where_no_language_is_set():
    i18n.set_resolver(lambda: "it-IT")
    try:
        assert i18n.language() == "it"
        with using("en"):
            assert i18n.language() == "en"  # an explicit choice wins
    finally:
        i18n.set_resolver(None)
    i18n.set_resolver(lambda: 1 / 0)  # a resolver that cannot answer (no app run) means English
    try:
        assert i18n.language() == "en"
    finally:
        i18n.set_resolver(None)


def test_an_unknown_language_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="use one of en, it"):
        with using("de"):
            pass
