"""The words of Outside In in the reader's language: one catalog per language, looked up at display time.

English is the source language: every text is written in English in the code and marked for
translation, and the Italian catalog (``cs_metrics/locale/it/*.po``, gettext's PO format, which
translators' tools read) gives its Italian. A text missing from the catalog shows in English.

* ``_("Customers")`` translates now, in the current language; ``N_("Customers")`` only marks a text
  held in a constant, translated where it is shown (``_(LABEL)``).
* ``ngettext("{n} customer", "{n} customers", n)`` chooses the form by number; ``pgettext(context,
  text)`` keeps apart two meanings of one English word.
* Placeholders are named (``_("{n} of {total}").format(n=..., total=...)``), so a translation may
  put them in another order.

The current language is the one set by ``using(language)`` in this thread (a board pack, a command
line, a cached computation; a thread-local value, not a context variable, so that no copy of a
thread's context carries one reader's language into another's work); without one, the resolver the application installs
(``set_resolver``, which reads the reader's choice), and English when neither answers. This
package never imports Streamlit: a notebook calls ``using("it")``.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

#: Languages of the interface, with their names as their speakers write them.
LANGUAGES: dict[str, str] = {"en": "English", "it": "Italiano"}
DEFAULT = "en"
#: The Babel locale of each language's numbers, dates and currencies.
LOCALES: dict[str, str] = {"en": "en_US", "it": "it_IT"}
CATALOGS = Path(__file__).resolve().parent.parent / "locale"

_local = threading.local()
_resolver: Callable[[], str | None] | None = None


def normalise(language: object) -> str | None:
    """The language code of ``language`` ("it", "it-IT", "it_IT", "Italiano" give "it"), or None.

    >>> normalise("it-IT"), normalise("en_GB"), normalise("de"), normalise(None)
    ('it', 'en', None, None)
    """
    if not isinstance(language, str) or not language.strip():
        return None
    text = language.strip()
    for code, name in LANGUAGES.items():
        if text.casefold() == name.casefold():
            return code
    code = text.replace("_", "-").split("-")[0].casefold()
    return code if code in LANGUAGES else None


def check(language: str) -> str:
    """``language`` if the interface speaks it; a ValueError naming the choices otherwise."""
    if language not in LANGUAGES:
        raise ValueError(f"Unknown language {language!r}; use one of {', '.join(LANGUAGES)}.")
    return language


def set_resolver(resolver: Callable[[], str | None] | None) -> None:
    """Install the function that says the reader's language where no ``using`` is in force (the
    application's: the sidebar's choice). It may return None or raise; English is then used."""
    global _resolver
    _resolver = resolver


def language() -> str:
    """The current language code."""
    chosen = getattr(_local, "language", None)
    if chosen is not None:
        return chosen
    if _resolver is not None:
        try:
            found = normalise(_resolver())
        except Exception:  # noqa: BLE001 - outside an application run the resolver cannot answer
            found = None
        if found is not None:
            return found
    return DEFAULT


def locale() -> str:
    """The Babel locale of the current language ("it_IT", "en_US")."""
    return LOCALES[language()]


@contextlib.contextmanager
def using(language_code: str | None) -> Iterator[str]:
    """Speak ``language_code`` inside the block (None keeps the current language)."""
    code = language() if language_code is None else check(normalise(language_code) or language_code)
    before = getattr(_local, "language", None)
    _local.language = code
    try:
        yield code
    finally:
        _local.language = before


def speak(language_code: str | None) -> None:
    """Make ``language_code`` the current language of this context until changed (None: back to the
    resolver). For a harness whose scope is not a block (a test fixture); code uses ``using``."""
    _local.language = None if language_code is None else check(normalise(language_code) or language_code)


@functools.cache
def messages(language_code: str) -> dict[tuple[str | None, str], tuple[str, ...]]:
    """Every translated message of ``language_code``'s PO files: (context, English) -> its forms."""
    from babel.messages.pofile import read_po

    found: dict[tuple[str | None, str], tuple[str, ...]] = {}
    folder = CATALOGS / language_code
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=language_code):
                if not message.id:
                    continue
                ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
                strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
                if all(strings):
                    found[(message.context, ids[0])] = tuple(strings)
    return found


def _lookup(context: str | None, message: str) -> tuple[str, ...] | None:
    code = language()
    if code == DEFAULT:
        return None
    return messages(code).get((context, message))


def gettext(message: str) -> str:
    """``message`` (English) in the current language."""
    found = _lookup(None, message)
    return found[0] if found else message


_ = gettext


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, in the sense ``context`` names."""
    found = _lookup(context, message)
    return found[0] if found else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` that ``n`` takes in the current language."""
    found = _lookup(None, singular)
    if not found:
        return singular if n == 1 else plural
    # English and Italian both have two forms: one for exactly 1, the other for every other count.
    return found[0] if n == 1 or len(found) == 1 else found[1]


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it (a constant translated where shown)."""
    return message


__all__ = ["DEFAULT", "LANGUAGES", "LOCALES", "N_", "_", "messages", "check", "gettext", "language", "locale",
           "ngettext", "normalise", "pgettext", "set_resolver", "speak", "using"]
