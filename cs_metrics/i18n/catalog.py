"""Keep the catalogs in step with the code: ``python -m cs_metrics.i18n.catalog update`` and ``check``.

The code is the source of the English texts: every ``_()``, ``N_()``, ``ngettext()`` and ``pgettext()``
call with literal text is a message. ``update`` rewrites each language's PO files so that they hold
exactly the messages the code uses, keeping every translation already made and adding the new
messages untranslated; ``check`` lists what is wrong (a message untranslated, a translation whose
named fields ({n}) differ from the English, a message the code no longer uses) and exits 1 when anything is.

The messages are filed by the part of the application that first uses them (``AREAS``), one PO
file per part, so that a translator can work on one page at a time.
"""

from __future__ import annotations

import argparse
import fnmatch
import io
import re
import string
import sys
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from cs_metrics.i18n import CATALOGS, DEFAULT, LANGUAGES

ROOT = CATALOGS.parent.parent
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
#: Where the messages come from, relative to the project root.
SOURCES = ("app.py", "pages/*.py", "ui/*.py", "cs_metrics/**/*.py")
EXCLUDED = ("cs_metrics/storage/migrations/*", "cs_metrics/i18n/*")
#: The part of the application a source file belongs to, first match wins.
AREAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("shell", ("app.py", "ui/shell.py", "ui/filters.py", "ui/components.py", "ui/identity.py", "ui/loaders.py",
               "ui/text.py", "ui/language.py", "cs_metrics/charts/__init__.py")),
    ("overview", ("pages/overview.py", "ui/overview_*.py", "cs_metrics/charts/overview.py",
                  "cs_metrics/services/alerts.py", "cs_metrics/alerts.py")),
    ("nps", ("pages/nps.py", "ui/nps_*.py", "cs_metrics/charts/nps.py", "cs_metrics/services/nps.py")),
    ("health", ("pages/health.py", "ui/health_*.py", "cs_metrics/charts/health.py", "cs_metrics/services/health.py",
                "cs_metrics/services/plans.py", "cs_metrics/health/*")),
    ("onboarding", ("pages/onboarding.py", "ui/onboarding_*.py", "cs_metrics/charts/ttfv.py",
                    "cs_metrics/services/onboarding.py", "cs_metrics/ttfv/*")),
    ("churn", ("pages/churn.py", "ui/churn_*.py", "cs_metrics/charts/churn.py", "cs_metrics/services/churn.py",
               "cs_metrics/services/renewals.py", "cs_metrics/services/peers.py", "cs_metrics/peers/*")),
    ("maturity", ("pages/maturity.py", "ui/maturity_*.py", "cs_metrics/charts/maturity.py",
                  "cs_metrics/services/maturity.py", "cs_metrics/maturity/*")),
    ("meetings", ("pages/meetings.py", "ui/meeting_*.py", "cs_metrics/charts/meetings.py",
                  "cs_metrics/services/meetings.py")),
    ("board_pack", ("pages/board_pack.py",)),
    ("data", ("pages/data.py", "ui/data_*.py", "cs_metrics/services/data.py", "cs_metrics/services/vocabulary.py",
              "cs_metrics/services/access.py")),
    ("imports", ("cs_metrics/storage/*",)),
    ("tiles", ("cs_metrics/tiles.py", "cs_metrics/summary.py", "cs_metrics/services/overview.py",
               "cs_metrics/services/coverage.py", "cs_metrics/services/renewal_tiles.py", "cs_metrics/services/summary.py")),
    ("report", ("cs_metrics/report/*", "cs_metrics/services/*")),
    ("metrics", ("cs_metrics/*",)),
)
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def sources(root: Path = ROOT) -> list[Path]:
    """Every Python file whose texts are messages, in a fixed order."""
    found: set[Path] = set()
    for pattern in SOURCES:
        found.update(root.glob(pattern))
    relative = {p.relative_to(root).as_posix(): p for p in found}
    return [relative[name] for name in sorted(relative)
            if not any(fnmatch.fnmatch(name, pattern) for pattern in EXCLUDED)]


def area_of(relative: str) -> str:
    for area, patterns in AREAS:
        if any(fnmatch.fnmatch(relative, pattern) for pattern in patterns):
            return area
    return "metrics"


@dataclass
class Message:
    """One message of the code: its English (a pair for plurals), context and where it is used."""

    key: tuple[str | None, str]
    id: str | tuple[str, str]
    context: str | None
    locations: list[tuple[str, int]] = field(default_factory=list)

    @property
    def area(self) -> str:
        return area_of(self.locations[0][0])


def extract(root: Path = ROOT) -> dict[tuple[str | None, str], Message]:
    """The messages the code uses, keyed by (context, English singular)."""
    found: dict[tuple[str | None, str], Message] = {}
    for path in sources(root):
        relative = path.relative_to(root).as_posix()
        for lineno, text, _comments, context in extract_from_file("python", str(path), keywords=KEYWORDS):
            singular = text[0] if isinstance(text, tuple) else text
            if not singular:
                continue
            key = (context, singular)
            message = found.setdefault(key, Message(key, text, context))
            if isinstance(text, tuple) and not isinstance(message.id, tuple):
                message.id = text  # used with a plural somewhere: the entry keeps both forms
            message.locations.append((relative, lineno))
    return found


def read(language: str, root: Path = ROOT) -> dict[Path, Catalog]:
    folder = root / "cs_metrics" / "locale" / language
    catalogs = {}
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as handle:
            catalogs[path] = read_po(handle, locale=language)
    return catalogs


def translations(language: str, root: Path = ROOT) -> dict[tuple[str | None, str], str | tuple[str, ...]]:
    """Every non-empty translation held in ``language``'s PO files."""
    held: dict[tuple[str | None, str], str | tuple[str, ...]] = {}
    for catalog in read(language, root).values():
        for message in catalog:
            if not message.id:
                continue
            singular = message.id[0] if isinstance(message.id, tuple | list) else message.id
            strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
            if any(strings):
                held[(message.context, singular)] = message.string
    return held


def update(language: str, root: Path = ROOT, *, areas: set[str] | None = None) -> dict[str, int]:
    """Rewrite ``language``'s PO files (only ``areas`` when given) to hold the code's messages.

    Returns the number of untranslated messages per area written."""
    messages = extract(root)
    held = translations(language, root)
    folder = root / "cs_metrics" / "locale" / language
    folder.mkdir(parents=True, exist_ok=True)
    by_area: dict[str, list[Message]] = {}
    for message in messages.values():
        by_area.setdefault(message.area, []).append(message)
    missing: dict[str, int] = {}
    names = [name for name, _patterns in AREAS]
    for area in names:
        if areas is not None and area not in areas:
            continue
        catalog = Catalog(locale=language, project="Outside In", fuzzy=False)
        untranslated = 0
        for message in sorted(by_area.get(area, []), key=lambda m: (m.context or "", m.key[1])):
            string_ = held.get(message.key, ("", "") if isinstance(message.id, tuple) else "")
            if isinstance(message.id, tuple) and isinstance(string_, str):
                string_ = (string_, string_)
            if not isinstance(message.id, tuple) and isinstance(string_, tuple):
                string_ = string_[0]
            untranslated += not (all(string_) if isinstance(string_, tuple) else string_)
            catalog.add(message.id, string_, locations=message.locations[:3], context=message.context)
        path = folder / f"{area}.po"
        if not len(catalog):
            path.unlink(missing_ok=True)
            continue
        buffer = io.BytesIO()
        write_po(buffer, catalog, width=100, omit_header=False, sort_output=False, include_lineno=False)
        path.write_bytes(buffer.getvalue())
        missing[area] = untranslated
    return missing


def fields(text: str) -> set[str]:
    """The named fields of a ``str.format`` text ("{n} of {total}" gives {"n", "total"})."""
    return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def problems(language: str, root: Path = ROOT) -> list[str]:
    """What is wrong with ``language``'s catalogs, one sentence each (empty when nothing is)."""
    found: list[str] = []
    messages = extract(root)
    seen: dict[tuple[str | None, str], Path] = {}
    for path, catalog in read(language, root).items():
        for entry in catalog:
            if not entry.id:
                continue
            ids = tuple(entry.id) if isinstance(entry.id, tuple | list) else (entry.id,)
            strings = tuple(entry.string) if isinstance(entry.string, tuple | list) else (entry.string,)
            key = (entry.context, ids[0])
            where = f"{path.name}: {ids[0]!r}"
            if key in seen:
                found.append(f"{where} is also in {seen[key].name}")
            seen[key] = path
            if key not in messages:
                found.append(f"{where} is no longer used by the code")
                continue
            if not all(ids) or not _LETTER.search(ids[0]) and not ids[0].strip():
                found.append(f"{where} has no English text")
            if not all(strings):
                found.append(f"{where} has no {LANGUAGES[language]} text")
                continue
            for english, translated in zip(ids + ids[-1:] * (len(strings) - len(ids)), strings, strict=False):
                try:
                    if fields(english) != fields(translated):
                        found.append(f"{where}: the translation's fields {sorted(fields(translated))} "
                                     f"differ from the English {sorted(fields(english))}")
                except ValueError as exc:
                    found.append(f"{where}: a brace does not close ({exc})")
    for key, message in messages.items():
        if key not in seen:
            place = "%s:%d" % message.locations[0]
            found.append(f"{message.area}.po lacks {key[1]!r} (used at {place})")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cs_metrics.i18n.catalog", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("update", "check"))
    parser.add_argument("--language", default="it", choices=[c for c in LANGUAGES if c != DEFAULT])
    parser.add_argument("--area", action="append", choices=[name for name, _p in AREAS],
                        help="only this part's PO file (repeatable); every part by default")
    args = parser.parse_args(argv)
    if args.command == "update":
        missing = update(args.language, areas=set(args.area) if args.area else None)
        for area, count in missing.items():
            print(f"{area}.po: {count} message(s) to translate")
        return 0
    found = problems(args.language)
    for line in found:
        print(line)
    print(f"{len(found)} problem(s) in the {LANGUAGES[args.language]} catalog")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
