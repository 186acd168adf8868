"""A signed-in person's interface language is remembered with their record (migration 0014)."""

from __future__ import annotations

import pytest

from cs_metrics.services import access, preferences
from cs_metrics.services.access import Settings


def test_a_language_is_remembered_per_person_and_read_back(engine):
    access.sign_in(engine, email="Ada@Example.com", name="Ada", settings=Settings(default_role="viewer"))
    assert preferences.remembered_language(engine, "ada@example.com") is None  # never chose
    assert preferences.remember_language(engine, "ADA@example.com", "it-IT") is True
    assert preferences.remembered_language(engine, "ada@example.com") == "it"
    preferences.remember_language(engine, "ada@example.com", "en")
    assert preferences.remembered_language(engine, "ada@example.com") == "en"


def test_an_unknown_person_or_language_changes_nothing(engine):
    assert preferences.remember_language(engine, "nobody@example.com", "it") is False
    assert preferences.remembered_language(engine, "nobody@example.com") is None
    with pytest.raises(ValueError, match="use one of en, it"):
        preferences.remember_language(engine, "nobody@example.com", "de")
