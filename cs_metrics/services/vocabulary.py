"""The company's own vocabularies and its currency: read them for the pages and the other services,
and edit them with validation (a refusal says what to fix).

Vocabularies (``vocab.VOCABULARY_KINDS``): segments, regions, NPS touchpoints, churn reasons (with
their category and whether the company could have acted on them), departments and meeting types.
Data rows store a term's ``key``; people read its ``label``. Removing a term keeps it in the rows
that already hold it. The currency (an ISO 4217 code) is how every amount is written.

Every edit takes the ``actor`` making it: only an admin may ("data.vocabulary"), and each edit
leaves a row in the audit trail with what changed, before -> after.
"""

from __future__ import annotations

import re

import pandas as pd
from sqlalchemy.engine import Engine

from cs_metrics import vocab
from cs_metrics.access import Actor
from cs_metrics.errors import DataError
from cs_metrics.formatting import currency_symbol, fmt_value
from cs_metrics.i18n import _, formats
from cs_metrics.services.access import write
from cs_metrics.storage import vocabulary as store

__all__ = [
    "KINDS", "PREVIEW_AMOUNT", "TERM_COLUMNS", "VocabularyError", "add_term", "check_currency", "churn_reasons",
    "currency", "money_preview", "remove_term", "set_currency", "terms", "update_term",
]

#: The vocabularies a company edits (kind -> name).
KINDS: dict[str, str] = vocab.VOCABULARY_KINDS
#: The amount the currency preview writes.
PREVIEW_AMOUNT = 1_234_567.0
#: Longest label and category (the columns of ``vocabulary_term``).
MAX_LABEL, MAX_CATEGORY = 120, 40
#: Columns of a vocabulary's terms (for churn reasons, the table ``cs_metrics.churn`` reads).
TERM_COLUMNS: tuple[str, ...] = ("key", "label", "category", "controllable")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class VocabularyError(DataError):
    """A vocabulary or currency edit cannot be made as asked; the message says what to change."""


def _name(kind: str) -> str:
    if kind not in KINDS:
        raise VocabularyError(_("There is no vocabulary {kind}; choose one of: {kinds}.").format(
            kind=repr(kind), kinds=", ".join(_(name) for name in KINDS.values())))
    return _(KINDS[kind])  # the vocabulary's name in the reader's language


# --- reads -----------------------------------------------------------------------------------------


def terms(engine: Engine, kind: str) -> pd.DataFrame:
    """The terms of one vocabulary in display order: ``key``, ``label``, ``category`` and
    ``controllable`` (churn reasons only; None elsewhere) and ``rows``, how many data rows hold
    the key."""
    _name(kind)
    frame = store.terms(engine, kind)[list(TERM_COLUMNS)].reset_index(drop=True)
    used = store.usage(engine, kind)
    frame["rows"] = frame["key"].map(lambda k: used.get(k, 0)).astype("int64")
    return frame


def churn_reasons(engine: Engine) -> pd.DataFrame:
    """The company's churn reasons: ``key``, ``label``, ``category``, ``controllable`` (True, False,
    or None when not known), the table ``cs_metrics.churn`` labels and classifies reasons with."""
    return store.terms(engine, "churn_reason")[list(TERM_COLUMNS)].reset_index(drop=True)


def currency(engine: Engine) -> str:
    """The company's currency (ISO 4217 code); every amount is written in it."""
    return store.currency(engine)


# --- edits -----------------------------------------------------------------------------------------


def _label(label: str | None, default: str) -> str:
    text = (label or "").strip() or default
    if len(text) > MAX_LABEL:
        raise VocabularyError(_("The label has {n} characters; shorten it to {limit} or fewer.").format(
            n=len(text), limit=MAX_LABEL))
    return text


def _class(kind: str, category: str | None, controllable: bool | None) -> dict[str, object]:
    """Category and controllability: churn reasons only."""
    text = (category or "").strip() or None
    if kind != "churn_reason":
        if text is not None or controllable is not None:
            raise VocabularyError(_("Only churn reasons have a category and a controllability; {vocabulary} have a "
                                    "key and a label.").format(vocabulary=_(KINDS[kind])))
        return {}
    if text is not None and len(text) > MAX_CATEGORY:
        raise VocabularyError(_("The category has {n} characters; shorten it to {limit} or fewer.").format(
            n=len(text), limit=MAX_CATEGORY))
    return {"category": text, "controllable": None if controllable is None else bool(controllable)}


def _existing(engine: Engine, kind: str) -> tuple[str, ...]:
    return store.keys(engine, kind)


def _term_exists(engine: Engine, kind: str, key: str) -> None:
    if key not in _existing(engine, kind):
        raise VocabularyError(_("{vocabulary} has no value {key}; pick one of the listed values.").format(
            vocabulary=_(KINDS[kind]), key=repr(key)))


def _records(kind: str, key: str) -> str:
    return f"{KINDS.get(kind, kind)}: {(key or '').strip()!r}"


def _flag_text(value: object) -> str:
    return "not known" if value is None or value != value else "yes" if bool(value) else "no"


def _describe(values: dict[str, object]) -> str:
    """``label 'X', category price, controllable yes`` (the fields given)."""
    parts = []
    for field, value in values.items():
        if field == "controllable":
            parts.append(f"controllable {_flag_text(value)}")
        elif field == "category":
            parts.append(f"category {value if isinstance(value, str) else 'none'}")
        else:
            parts.append(f"{field} {value!r}")
    return ", ".join(parts)


def add_term(
    engine: Engine,
    kind: str,
    key: str,
    *,
    actor: Actor,
    label: str | None = None,
    category: str | None = None,
    controllable: bool | None = None,
) -> str:
    """Add a value to a vocabulary, after the existing ones; returns what was done.

    Parameters
    ----------
    kind
        One of ``KINDS``.
    key
        What data rows store (and files hold); at most as long as the data columns allow
        (``storage.vocabulary.max_key_length``).
    label
        What people read (default: the key).
    category, controllable
        Churn reasons only: the reason's category, and whether the company could have acted on it
        (True / False; None: not known).

    Raises
    ------
    VocabularyError
        For an unknown vocabulary, an empty or too long key, a key already there (also when it
        differs only in capitals), a too long label or category, or a category given for another
        vocabulary than churn reasons.
    cs_metrics.access.Refused
        ``actor`` is not an admin (nothing is written but the refusal's audit row).
    """
    with write(engine, actor, "data.vocabulary", records=_records(kind, key)) as entry:
        message, term = _add(engine, kind, key, label, category, controllable)
        entry.summary = f"added: {_describe({k: v for k, v in term.items() if k != 'key'})}"
    return message


def _add(engine: Engine, kind: str, key: str, label: str | None, category: str | None,
         controllable: bool | None) -> tuple[str, dict[str, object]]:
    name = _name(kind)
    key = (key or "").strip()
    limit = store.max_key_length(kind)
    if not key:
        raise VocabularyError(_("Type the value to add to {vocabulary}.").format(vocabulary=name))
    if len(key) > limit:
        raise VocabularyError(_("{key} has {n} characters; {vocabulary} keys can have at most {limit}.").format(
            key=repr(key), n=len(key), vocabulary=name, limit=limit))
    present = _existing(engine, kind)
    if key in present:
        raise VocabularyError(_("{vocabulary} already has {key}; relabel it instead of adding it again.").format(
            vocabulary=name, key=repr(key)))
    twin = next((k for k in present if k.lower() == key.lower()), None)
    if twin is not None:
        raise VocabularyError(_("{key} differs from the existing {twin} only in capitals; use {twin}, or relabel "
                                "it.").format(key=repr(key), twin=repr(twin)))
    term = {"key": key, "label": _label(label, key), **_class(kind, category, controllable)}
    store.add_terms(engine, kind, [term])
    return _("Added {label} ({key}) to {vocabulary}.").format(label=repr(term["label"]), key=key,
                                                              vocabulary=name), term


def update_term(
    engine: Engine,
    kind: str,
    key: str,
    *,
    actor: Actor,
    label: str | None = None,
    category: str | None = None,
    controllable: bool | None = None,
) -> str:
    """Relabel a value (and, for churn reasons, set its category and controllability: the values
    given replace the stored ones, None meaning no category / not known); the key, which data rows
    store, stays. Returns what was done.

    Raises
    ------
    VocabularyError
        For an unknown vocabulary or value, a too long label or category, or a category given for
        another vocabulary than churn reasons.
    cs_metrics.access.Refused
        ``actor`` is not an admin (nothing is written but the refusal's audit row).
    """
    with write(engine, actor, "data.vocabulary", records=_records(kind, key)) as entry:
        name = _name(kind)
        _term_exists(engine, kind, key)
        values = _class(kind, category, controllable)
        text = None if label is None else _label(label, key)
        if text is None and not values:
            raise VocabularyError(_("Nothing to change for {key}: give it a new label.").format(key=repr(key)))
        before = _term(engine, kind, key)
        store.update_term(engine, kind, key, label=text, **values)
        after = {**({"label": text} if text is not None else {}), **values}
        changes = [_change(field, before.get(field), value) for field, value in after.items()
                   if not _same(before.get(field), value)]
        entry.summary = "; ".join(changes) or "no change"
    return _("Saved {key} in {vocabulary}.").format(key=repr(key), vocabulary=name)


def _term(engine: Engine, kind: str, key: str) -> dict[str, object]:
    found = store.terms(engine, kind)
    return found[found["key"] == key].iloc[0].to_dict()


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _same(before: object, after: object) -> bool:
    if _missing(before) or _missing(after):
        return _missing(before) and _missing(after)
    return before == after


def _change(field: str, before: object, after: object) -> str:
    """``label 'SMB' -> 'Small business'``, ``category none -> price``, ``controllable not known -> yes``."""
    if field == "controllable":
        return f"controllable {_flag_text(None if _missing(before) else before)} -> {_flag_text(after)}"
    if field == "category":
        return f"category {'none' if _missing(before) else before} -> {'none' if _missing(after) else after}"
    return f"{field} {before!r} -> {after!r}"


def remove_term(engine: Engine, kind: str, key: str, *, actor: Actor) -> str:
    """Remove a value from a vocabulary as ``actor`` (admins only: ``Refused`` otherwise); the data
    rows that already hold it keep it (imports will then ask about it). Returns what was done,
    with how many rows keep it."""
    with write(engine, actor, "data.vocabulary", records=_records(kind, key)) as entry:
        name = _name(kind)
        _term_exists(engine, kind, key)
        before = _term(engine, kind, key)
        kept = store.usage(engine, kind).get(key, 0)
        store.remove_term(engine, kind, key)
        entry.summary = f"label {before['label']!r} -> removed; {kept:,} data rows keep the value"
    if kept:
        return _("Removed {key} from {vocabulary}. {n} data rows still hold it and keep it.").format(
            key=repr(key), vocabulary=name, n=formats.decimal(kept))
    return _("Removed {key} from {vocabulary}.").format(key=repr(key), vocabulary=name)


# --- currency --------------------------------------------------------------------------------------


def check_currency(code: str) -> str:
    """The ISO 4217 code, upper-cased; raises ``VocabularyError`` unless it is three letters.

    >>> check_currency(" usd ")
    'USD'
    """
    text = (code or "").strip().upper()
    if not _CURRENCY.match(text):
        raise VocabularyError(_("Give the currency as its three-letter ISO 4217 code, such as USD, GBP or CHF "
                                "(got {code}).").format(code=repr(code)))
    return text


def money_preview(code: str, amount: float = PREVIEW_AMOUNT) -> str:
    """How an amount reads in a currency: the short form of tiles and charts, and the full form of
    tables.

    >>> money_preview("USD")
    '$1.23M (tables: $1,234,567)'
    """
    text = check_currency(code)
    return _("{short} (tables: {whole})").format(short=fmt_value(amount, "currency", currency=text),
                                                 whole=formats.money_whole(amount, currency_symbol(text)))


def set_currency(engine: Engine, code: str, *, actor: Actor) -> str:
    """Set the company's currency (ISO 4217 code) as ``actor`` (admins only: ``Refused`` otherwise);
    returns what was done. Amounts are not converted: they are written with the new currency."""
    with write(engine, actor, "data.vocabulary", records="currency") as entry:
        text = check_currency(code)
        before = store.currency(engine)
        store.set_currency(engine, text)
        entry.summary = f"currency {before} -> {text}"
    return _("The currency is now {code}: amounts read like {preview}.").format(code=text,
                                                                              preview=money_preview(text))
