"""What a signed-in person chose for themselves and the app remembers: the interface language."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from cs_metrics import i18n
from cs_metrics.storage import models as m
from cs_metrics.storage.queries.access import normal_email


def remembered_language(engine: Engine, email: str) -> str | None:
    """The language the person with ``email`` last chose, or None (never chose, or unknown)."""
    with engine.connect() as conn:
        found = conn.execute(select(m.Person.language).where(m.Person.email == normal_email(email))).scalar()
    return i18n.normalise(found)


def remember_language(engine: Engine, email: str, language: str) -> bool:
    """Remember ``language`` for the person with ``email``; False when no such person is stored."""
    code = i18n.check(i18n.normalise(language) or language)
    with engine.begin() as conn:
        done = conn.execute(update(m.Person).where(m.Person.email == normal_email(email)).values(language=code))
    return done.rowcount > 0
