"""The company's own vocabularies and settings, stored as data.

Segments, regions, survey touchpoints, churn reasons (with their category and whether the company
could have acted on them), departments and meeting types are rows of ``vocabulary_term``; a new
database starts with the defaults of ``cs_metrics.vocab.default_terms`` and the company edits them
(and adds values found in its files). The company's currency is the ``currency`` key of
``app_meta``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection, Engine

from cs_metrics import vocab
from cs_metrics.errors import DataError
from cs_metrics.i18n import _
from cs_metrics.storage import models as m

#: ``app_meta`` key set once the default vocabularies were stored (so a vocabulary a company
#: emptied on purpose is not filled again).
SEEDED_KEY = "vocabulary_seeded"
CURRENCY_KEY = "currency"
COLUMNS = ("kind", "key", "label", "position", "category", "controllable")
_CURRENCY = re.compile(r"^[A-Z]{3}$")

#: The data columns that hold each vocabulary's keys.
USED_IN: dict[str, tuple[tuple[type, str], ...]] = {
    "segment": ((m.Customer, "segment"),),
    "region": ((m.Customer, "region"),),
    "touchpoint": ((m.NpsResponse, "touchpoint"), (m.NpsSurveySend, "touchpoint")),
    "churn_reason": ((m.ChurnEvent, "primary_reason"),),
    "department": ((m.Meeting, "department"), (m.Team, "department")),
    "meeting_type": ((m.Meeting, "meeting_type"),),
}


def _check_kind(kind: str) -> None:
    if kind not in vocab.VOCABULARY_KINDS:
        raise DataError(_("Unknown vocabulary {kind}; use one of {kinds}.").format(
            kind=repr(kind), kinds=", ".join(vocab.VOCABULARY_KINDS)))


def seed_vocabulary(engine: Engine) -> None:
    """Store the default vocabularies and currency once, in a database that has none yet."""
    with engine.begin() as conn:
        seed_in(conn)


def seed_in(conn: Connection) -> None:
    """``seed_vocabulary`` inside a caller's transaction."""
    t, meta = m.VocabularyTerm.__table__, m.AppMeta.__table__
    if conn.execute(select(meta.c.value).where(meta.c.key == SEEDED_KEY)).first() is not None:
        return
    rows = [{"kind": kind, "position": i, **term}
            for kind, terms in vocab.default_terms().items() for i, term in enumerate(terms)]
    if not conn.execute(select(func.count()).select_from(t)).scalar_one():
        conn.execute(t.insert(), rows)
    if conn.execute(select(meta.c.key).where(meta.c.key == CURRENCY_KEY)).first() is None:
        conn.execute(meta.insert().values(key=CURRENCY_KEY, value=vocab.DEFAULT_CURRENCY))
    conn.execute(meta.insert().values(key=SEEDED_KEY, value="1"))


def terms(engine: Engine, kind: str | None = None) -> pd.DataFrame:
    """The terms of one vocabulary (or of all), in display order: ``kind``, ``key``, ``label``,
    ``position``, ``category``, ``controllable``."""
    t = m.VocabularyTerm.__table__
    stmt = select(*[t.c[c] for c in COLUMNS]).order_by(t.c.kind, t.c.position, t.c.id)
    if kind is not None:
        _check_kind(kind)
        stmt = stmt.where(t.c.kind == kind)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(COLUMNS))
    frame["controllable"] = frame["controllable"].map(lambda v: None if v is None else bool(v)).astype(object)
    return frame


def keys(engine: Engine, kind: str) -> tuple[str, ...]:
    """The keys of one vocabulary, in display order."""
    return tuple(terms(engine, kind)["key"])


def add_terms(conn_or_engine: Engine | Connection, kind: str, new: Iterable[str | Mapping[str, object]]) -> int:
    """Add terms to a vocabulary (a key, or a mapping with ``key`` and optionally ``label``,
    ``category``, ``controllable``), after the existing ones; keys already there are left as they
    are. Returns how many were added. Works inside a caller's transaction when given a connection."""
    _check_kind(kind)
    items = [{"key": n} if isinstance(n, str) else dict(n) for n in new]
    limit = max_key_length(kind)
    for item in items:
        key = str(item.get("key") or "").strip()
        if not key or len(key) > limit:
            raise DataError(_("A {vocabulary} value must have 1 to {limit} characters (got {key}).").format(
                vocabulary=_(vocab.VOCABULARY_KINDS[kind]).lower(), limit=limit, key=repr(key)))
        item["key"] = key
        item["label"] = str(item.get("label") or key).strip()[:120]
    if isinstance(conn_or_engine, Engine):
        with conn_or_engine.begin() as conn:
            return add_terms(conn, kind, items)
    conn = conn_or_engine
    t = m.VocabularyTerm.__table__
    present = set(conn.execute(select(t.c.key).where(t.c.kind == kind)).scalars())
    last = conn.execute(select(func.max(t.c.position)).where(t.c.kind == kind)).scalar_one()
    position = -1 if last is None else int(last)
    rows = []
    for item in items:
        if item["key"] in present:
            continue
        present.add(item["key"])
        position += 1
        rows.append({"kind": kind, "key": item["key"], "label": item["label"], "position": position,
                     "category": item.get("category"), "controllable": item.get("controllable")})
    if rows:
        conn.execute(t.insert(), rows)
    return len(rows)


def update_term(engine: Engine, kind: str, key: str, *, label: str | None = None, category: str | None = None,
                controllable: bool | None = None) -> None:
    """Change a term's label (and, for churn reasons, its category and controllability); the key,
    which data rows store, stays."""
    _check_kind(kind)
    t = m.VocabularyTerm.__table__
    values: dict[str, object] = {}
    if label is not None:
        if not label.strip() or len(label.strip()) > 120:
            raise DataError(_("A label must have 1 to 120 characters."))
        values["label"] = label.strip()
    if kind == "churn_reason":
        values["category"] = (category or "").strip()[:40] or None
        values["controllable"] = controllable
    with engine.begin() as conn:
        done = conn.execute(update(t).where(t.c.kind == kind, t.c.key == key).values(**values)).rowcount
    if not done:
        raise DataError(_("{vocabulary} has no value {key}.").format(vocabulary=_(vocab.VOCABULARY_KINDS[kind]),
                                                                    key=repr(key)))


def remove_term(engine: Engine, kind: str, key: str) -> None:
    """Remove a term from a vocabulary (rows that already hold it keep it)."""
    _check_kind(kind)
    t = m.VocabularyTerm.__table__
    with engine.begin() as conn:
        conn.execute(delete(t).where(t.c.kind == kind, t.c.key == key))


def max_key_length(kind: str) -> int:
    """The longest key a vocabulary accepts: what every data column holding its keys can store.

    >>> max_key_length("segment"), max_key_length("churn_reason")
    (40, 80)
    """
    _check_kind(kind)
    lengths = [m.VocabularyTerm.__table__.c.key.type.length]
    lengths += [model.__table__.c[column].type.length for model, column in USED_IN[kind]]
    return min(n for n in lengths if n)


def usage(engine: Engine, kind: str) -> dict[str, int]:
    """How many data rows hold each key of a vocabulary (keys of removed terms included), counted
    in SQL over the columns of ``USED_IN``."""
    _check_kind(kind)
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        for model, column in USED_IN[kind]:
            col = model.__table__.c[column]
            for key, n in conn.execute(select(col, func.count()).where(col.is_not(None)).group_by(col)):
                counts[str(key)] = counts.get(str(key), 0) + int(n)
    return counts


def currency(engine: Engine) -> str:
    """The company's currency (ISO 4217 code, e.g. ``EUR``, ``USD``)."""
    meta = m.AppMeta.__table__
    with engine.connect() as conn:
        value = conn.execute(select(meta.c.value).where(meta.c.key == CURRENCY_KEY)).scalar()
    return value or vocab.DEFAULT_CURRENCY


def set_currency(engine: Engine, code: str) -> None:
    """Set the company's currency to an ISO 4217 code (three capital letters, e.g. ``USD``)."""
    code = (code or "").strip().upper()
    if not _CURRENCY.match(code):
        raise DataError(_("Give the currency as its three-letter ISO code, e.g. EUR, USD or GBP (got {code}).").format(
            code=repr(code)))
    meta = m.AppMeta.__table__
    with engine.begin() as conn:
        conn.execute(delete(meta).where(meta.c.key == CURRENCY_KEY))
        conn.execute(meta.insert().values(key=CURRENCY_KEY, value=code))
