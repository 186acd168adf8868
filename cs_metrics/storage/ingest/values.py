"""Values: the text cells of a file become typed values, each bad value a problem of its row.

Numbers are read the Italian and the English way (decimal commas, thousands separators,
currency signs), dates as ISO, day/month/year (or month/day/year when a column says so) or Excel
serials, times of day, yes/no in both languages, controlled values by their spellings and the
company's vocabularies by their terms (``vocabularies``); then each value is checked against its
field (required, range, steps, length, not in the future) and each health signal against the range
of its signal (``SIGNAL_RANGES``).

Whether ``.`` groups thousands or marks decimals is decided per column from all its values
(``column_convention``); a value that reads both ways (``1.500``) where nothing in the file settles
it is refused. Whole numbers are digits only. A time with an offset is taken in the company's time
zone (``company_time_zone``).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from cs_metrics import vocab
from cs_metrics.i18n import _, formats
from cs_metrics.storage.entities import (
    ENTITIES,
    MAX_TEXT_CHARS,
    EntitySpec,
    FieldSpec,
    norm,
    short_number,
    shown_number,
)
from cs_metrics.storage.ingest.report import ImportReport
from cs_metrics.storage.ingest.vocabularies import Vocabularies

#: Dates before this day are taken for typing mistakes (e.g. a two-digit year).
EARLIEST_DATE = dt.date(1970, 1, 1)

_NUMBER_CHARS = re.compile(r"[\s€$£%']|EUR|USD", re.IGNORECASE)
# Thousands groups never start with a zero: ``0.500`` is a decimal, ``1.500`` may be either.
_THOUSANDS_DOT = re.compile(r"^[+-]?[1-9]\d{0,2}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+$")
_PLAIN_INTEGER = re.compile(r"^[+-]?[\d.,]*\d$")


def parse_number(text: str, decimal: str = ".") -> float | None:
    """A number written the Italian or the English way; None when it is not a number.

    ``decimal`` is the column's decimal mark; it only decides values that read both ways
    (``1.500``, ``1,500``). Underscores are never digit separators (``1_0`` is not a number).

    Example
    -------
    >>> parse_number("1.234,50", ","), parse_number("1,234.50"), parse_number("12,5", ","), parse_number("x")
    (1234.5, 1234.5, 12.5, None)
    >>> parse_number("1.500", ","), parse_number("1.500", "."), parse_number("1_0")
    (1500.0, 1.5, None)
    """
    if "_" in text:
        return None
    s = _NUMBER_CHARS.sub("", text)
    if not s:
        return None
    if s.startswith("(") and s.endswith(")"):
        s = "-" + s[1:-1]
    if "," in s and "." in s:
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif "," in s:
        if _THOUSANDS_COMMA.match(s) and (decimal == "." or s.count(",") > 1):
            s = s.replace(",", "")
        else:
            s = s.replace(",", ".")
    elif "." in s and _THOUSANDS_DOT.match(s) and (decimal == "," or s.count(".") > 1):
        s = s.replace(".", "")
    try:
        value = float(s)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def number_evidence(text: str) -> str:
    """What one value says about its column's decimal mark: ``","`` or ``"."`` when it can only be
    read one way (``2.750,50``, ``12,5``, ``1.234.567``, ``0.500``), ``"?"`` when it reads both ways
    (``1.500``: one thousand five hundred, or one and a half), ``""`` when it says nothing (``12``).

    Example
    -------
    >>> [number_evidence(v) for v in ("2.750,50", "12,5", "1.234.567", "0.500", "1.500", "1,500", "12")]
    [',', ',', ',', '.', '?', '?', '']
    """
    s = _NUMBER_CHARS.sub("", text).strip("()")
    if "," in s and "." in s:
        return "," if s.rfind(",") > s.rfind(".") else "."
    for mark, other, groups in ((".", ",", _THOUSANDS_DOT), (",", ".", _THOUSANDS_COMMA)):
        if mark in s:
            if groups.match(s):
                return other if s.count(mark) > 1 else "?"
            return mark if s.count(mark) == 1 and re.fullmatch(r"[+-]?\d*[.,]\d+", s) else ""
    return ""


def column_convention(values: Iterable[str], hint: str = ".", file_decimal: str = "") -> str | None:
    """The decimal mark of a column: the one its values show (``2.750,50`` shows ``,``); when none
    shows it, ``file_decimal`` (what the file's other number columns show) or a ``,`` ``hint`` (a
    ``;`` or tab separated file, the Italian way). None when some value reads both ways (``1.500``)
    and nothing settles which, or the column's values show both marks.

    Example
    -------
    >>> column_convention(["1.500", "2.750,50"]), column_convention(["12.000"], ","), column_convention(["1.500"])
    (',', ',', None)
    """
    seen = {number_evidence(v) for v in values}
    decisive = seen & {",", "."}
    if len(decisive) == 1:
        return decisive.pop()
    if "?" not in seen:
        return hint
    if decisive:
        return None
    if file_decimal in (",", "."):
        return file_decimal
    return "," if hint == "," else None


def column_decimal(values: Iterable[str], hint: str = ".") -> str:
    """``","`` when the column writes decimals with a comma (``12,5``), else ``"."``; the ``hint``
    when the column does not settle it (``column_convention`` tells that case apart)."""
    return column_convention(values, hint) or hint


def _ambiguous_reason(text: str) -> str:
    mark = "." if "." in text else ","
    whole = short_number(parse_number(text, "," if mark == "." else ".") or 0)
    decimal = f"{parse_number(text, mark) or 0:.3f}".rstrip("0").rstrip(".")
    if len(decimal.partition(".")[2]) in (0, 3):  # 2 -> 2.0, 1.125 -> 1.1250: one reading only
        decimal += "0" if "." in decimal else ".0"
    return _("is ambiguous: it reads as {whole} ({mark} grouping thousands) or as {decimal} ({mark} marking "
             "decimals), and no other number in the file tells which; write {whole} if it means {whole}, or "
             "{decimal_comma} (or {decimal}) if it means {decimal}").format(
        whole=whole, mark=repr(mark), decimal=decimal, decimal_comma=decimal.replace(".", ","))


#: The range of each health signal with a natural one (``cs_metrics.vocab.HEALTH_SIGNALS``):
#: shares and yes/no flags from 0 to 1, counts, hours and money never negative.
SIGNAL_RANGES: dict[str, tuple[float, float | None]] = {
    "usage": (0, 1), "expansion": (0, 1), "marketing_unsubscribe": (0, 1),
    "tickets_opened": (0, None), "resolution_hours": (0, None), "tutorial_views": (0, None),
    "training_hours": (0, None), "services_purchased": (0, None), "advocacy": (0, None),
    "billing_issue": (0, None),
}


def _range_text(low: float, high: float | None) -> str:
    if high is not None:
        return _("from {low} to {high}").format(low=shown_number(low), high=shown_number(high))
    return _("{low} or more").format(low=shown_number(low))


def company_time_zone() -> ZoneInfo:
    """The company's time zone (setting ``OUTSIDE_IN_TIME_ZONE``, default Europe/Rome): a time
    written with an offset is converted to it before its day is taken."""
    name = os.environ.get("OUTSIDE_IN_TIME_ZONE", "").strip() or "Europe/Rome"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(_("OUTSIDE_IN_TIME_ZONE is {name}, which is not a time zone; set it to a name such as "
                           "Europe/Rome").format(name=repr(name))) from exc


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")
_SLASH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:[ T,]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$")
_YMD_SLASH = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_MONTH_ONLY = re.compile(r"^(?:(\d{4})[-/.](\d{1,2})|(\d{1,2})[-/.](\d{4}))$")
_SERIAL = re.compile(r"^\d{1,7}(?:\.\d+)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def day_first(values: Iterable[str]) -> bool:
    """False only when some ``a/b/yyyy`` value has ``b`` > 12 and none has ``a`` > 12 (US order)."""
    first_big = second_big = False
    for v in values:
        match = _SLASH_DATE.match(v)
        if match:
            a, b = int(match.group(1)), int(match.group(2))
            first_big |= a > 12
            second_big |= b > 12
    return not (second_big and not first_big)


def parse_date(text: str, *, dayfirst: bool = True, month: bool = False) -> tuple[dt.datetime | None, str]:
    """Parse one date; returns (value, "") or (None, reason). A time with an offset (``Z``,
    ``+02:00``) is converted to the company's time zone (``company_time_zone``), so its day is the
    company's day; a time without one is taken as written.

    Example
    -------
    >>> parse_date("31/03/2026")[0].date(), parse_date("2026-03-31")[0].date(), parse_date("46112")[0].date()
    (datetime.date(2026, 3, 31), datetime.date(2026, 3, 31), datetime.date(2026, 3, 31))
    """
    s = text.strip()
    try:
        if match := _ISO_DATE.match(s):
            y, mo, d = int(match.group(1)), int(match.group(2)), int(match.group(3))
            hh, mm, ss = (int(match.group(i) or 0) for i in (4, 5, 6))
            value = dt.datetime(y, mo, d, hh, mm, ss)
            if match.group(7):
                tz = match.group(7)
                offset = dt.timedelta(0) if tz == "Z" else dt.timedelta(
                    hours=int(tz[1:3]), minutes=int(tz[-2:])) * (1 if tz[0] == "+" else -1)
                value = (value - offset).replace(tzinfo=dt.UTC).astimezone(company_time_zone()).replace(tzinfo=None)
            return value, ""
        if match := _SLASH_DATE.match(s):
            a, b, y = int(match.group(1)), int(match.group(2)), match.group(3)
            year = int(y) if len(y) == 4 else 2000 + int(y) if int(y) < 70 else 1900 + int(y)
            d, mo = (a, b) if dayfirst else (b, a)
            hh, mm, ss = (int(match.group(i) or 0) for i in (4, 5, 6))
            return dt.datetime(year, mo, d, hh, mm, ss), ""
        if match := _YMD_SLASH.match(s):
            return dt.datetime(int(match.group(1)), int(match.group(2)), int(match.group(3))), ""
        if month and (match := _MONTH_ONLY.match(s)):
            y, mo = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
            return dt.datetime(int(y), int(mo), 1), ""
        if _SERIAL.match(s):
            serial = float(s)
            if 1 <= serial < 2_958_466:
                return dt.datetime.combine(_EXCEL_EPOCH, dt.time()) + dt.timedelta(days=serial), ""
    except (ValueError, OverflowError):
        return None, _("is not a real calendar date (check day and month)")
    if month:
        return None, _("is not a date; write it as 2026-03, 03/2026 or a date")
    return None, _("is not a date; write it as 2026-03-31, 31/03/2026 or an Excel date")


def has_time(text: str) -> bool:
    """True when a date cell also gives a time of day (``2026-03-31 14:05``, ``31/03/2026 9.30``, an
    Excel serial with a fraction).

    Example
    -------
    >>> has_time("2026-03-31 14:05"), has_time("31/03/2026"), has_time("46112.5")
    (True, False, True)
    """
    s = text.strip()
    match = _ISO_DATE.match(s) or _SLASH_DATE.match(s)
    if match:
        return match.group(4) is not None
    return bool(_SERIAL.match(s)) and "." in s and float(s) % 1 > 0


_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:\.\d+)?)?\s*([ap]\.?m\.?)?$", re.IGNORECASE)


def parse_time(text: str, *, dayfirst: bool = True) -> tuple[dt.time | None, str]:
    """A time of day (``14:05``, ``14:05:33``, ``2:05 PM``, an Excel day fraction, or the time of a
    date with time); returns (value, "") or (None, reason).

    Example
    -------
    >>> parse_time("14:05")[0], parse_time("2:05 pm")[0], parse_time("0.75")[0], parse_time("25:00")[1]
    (datetime.time(14, 5), datetime.time(14, 5), datetime.time(18, 0), 'is not a time of day; write it as 14:05')
    """
    s = text.strip()
    reason = _("is not a time of day; write it as 14:05")
    if match := _TIME.match(s):
        hh, mm, ss = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
        half = match.group(4)
        if mm <= 59 and ss <= 59 and (1 <= hh <= 12 if half else hh <= 23):
            if half:
                hh = hh % 12 + (12 if half[0].lower() == "p" else 0)
            return dt.time(hh, mm, ss), ""
    if re.fullmatch(r"0?\.\d+|0", s):
        seconds = round(float(s) * 86_400)
        if seconds < 86_400:
            return dt.time(seconds // 3600, seconds % 3600 // 60, seconds % 60), ""
        return None, reason
    if has_time(s):
        value, _unused = parse_date(s, dayfirst=dayfirst)
        if value is not None:
            return value.time(), ""
    return None, reason


_TRUE = {"1", "true", "yes", "y", "si", "s", "x", "vero", "t", "ok", "filled", "compilato", "compilata"}
_FALSE = {"0", "false", "no", "n", "falso", "f", "", "empty", "vuoto", "non compilato", "non compilata"}


def parse_bool(text: str) -> bool | None:
    """yes/no in English or Italian (also 1/0, true/false, x); None when unclear.

    Example
    -------
    >>> parse_bool("Sì"), parse_bool("no"), parse_bool("maybe")
    (True, False, None)
    """
    s = norm(text)
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    return None


def _vocabulary_values(f: FieldSpec, values: pd.Series, column: str, vocabularies: Vocabularies
                       ) -> dict[str, tuple[Any, str]]:
    """Cell -> (key, reason) for a field that holds a company vocabulary; new values are kept as
    written and counted in ``vocabularies`` (reported once per value, not per row)."""
    counts = values.value_counts(sort=False)
    firsts = values[~values.duplicated()]
    first_rows = dict(zip(firsts.to_numpy(), firsts.index))
    parsed: dict[str, tuple[Any, str]] = {}
    limit = f.max_length or MAX_TEXT_CHARS
    for u, n in counts.items():
        row = int(first_rows[u])
        parts = [u] if f.kind == "choice" else [p.strip() for p in re.split(r"[;,|]", u) if p.strip()]
        keys = [vocabularies.resolve(f, p, rows=int(n), first_row=row, column=column) for p in parts]
        long = next((k for k in keys if len(k) > limit), None)
        if long is not None:
            parsed[u] = (None, _("{value} is {n} characters long; the limit is {limit}. Shorten it").format(
                value=repr(long), n=formats.decimal(len(long)), limit=formats.decimal(limit)))
        else:
            parsed[u] = (keys[0] if f.kind == "choice" else ";".join(dict.fromkeys(keys)), "")
    return parsed


def _choice_lookup(f: FieldSpec) -> dict[str, str]:
    lookup = {norm(c): c for c in f.choices}
    lookup.update({norm(c).replace(" ", ""): c for c in f.choices})
    for spelling, canonical in f.synonyms:
        lookup.setdefault(norm(spelling), canonical)
    return lookup


def typed_column(f: FieldSpec, raw: pd.Series, column: str, report: ImportReport, today: dt.date,
                 decimal_hint: str, *, vocabularies: Vocabularies | None = None,
                 failed: Collection[int] = (), file_decimal: str = "") -> pd.Series:
    """Parse the cells of ``raw`` (the file's ``column``) as field ``f``; bad values become None
    and a problem each. ``decimal_hint`` is the decimal mark assumed when the column does not
    show one (``column_convention``), ``file_decimal`` the one the file's other number columns
    show; ``vocabularies`` hold the choices of a vocabulary field (default: a new company's);
    ``failed`` rows already have a problem for this field (an empty cell there is not another).

    A whole number (``int``) is digits only: ``7``, or ``7.0`` when exactly whole; ``1_0``,
    ``1 0``, ``5%`` and ``EUR 7`` are refused."""
    out = pd.Series([None] * len(raw), index=raw.index, dtype=object)
    present = raw != ""
    if f.required:
        for row in raw.index[~present]:
            if row not in failed:
                report.add(int(row), column, "", _("{field} is required: fill it in ({format}).").format(
                    field=f.name, format=f.format_hint()), "missing required value")
    values = raw[present]
    if values.empty:
        return out
    uniques = pd.unique(values.to_numpy())
    parsed: dict[str, tuple[Any, str]] = {}
    kinds: dict[str, str] = {}  # cell -> the kind of its problem (the reason is in the reader's language)
    if f.vocabulary:
        parsed = _vocabulary_values(f, values, column, vocabularies or Vocabularies.defaults())
        kinds = dict.fromkeys(parsed, "too long")
    elif f.kind == "time":
        dayfirst = day_first(uniques[:5000])
        for u in uniques:
            parsed[u] = parse_time(u, dayfirst=dayfirst)
        kinds = dict.fromkeys(parsed, "wrong type")
    elif f.kind == "text":
        limit = f.max_length or MAX_TEXT_CHARS
        for u in uniques:
            parsed[u] = (u, "") if len(u) <= limit else (None, _(
                "is {n} characters long; the limit is {limit}. Shorten it.").format(
                    n=formats.decimal(len(u)), limit=formats.decimal(limit)))
        kinds = dict.fromkeys(parsed, "too long")
    elif f.kind in ("int", "float"):
        convention = column_convention(uniques, decimal_hint, file_decimal)
        decimal = convention or decimal_hint
        for u in uniques:
            number = parse_number(u, decimal)
            kinds[u] = "wrong type"
            if f.kind == "int" and not _PLAIN_INTEGER.match(u.strip()):
                parsed[u] = (None, _("is not a whole number: write digits only (for example 7), without spaces, "
                                     "underscores, % or currency"))
            elif convention is None and number_evidence(u) == "?":
                parsed[u] = (None, _ambiguous_reason(u))
                kinds[u] = "ambiguous number"
            elif number is None:
                parsed[u] = (None, _("is not a number ({format})").format(format=f.format_hint()))
            elif f.kind == "int" and number != int(number):
                parsed[u] = (None, _("must be a whole number"))
            elif f.minimum is not None and number < f.minimum or f.maximum is not None and number > f.maximum:
                parsed[u] = (None, _("is out of range ({format})").format(format=f.format_hint()))
                kinds[u] = "out of range"
            elif f.step and abs(number / f.step - round(number / f.step)) > 1e-9:
                parsed[u] = (None, _("must be in steps of {step} (for example {whole} or {half})").format(
                    step=shown_number(f.step), whole=shown_number(2), half=shown_number(2.5)))
                kinds[u] = "out of range"
            else:
                parsed[u] = (int(number) if f.kind == "int" else float(number), "")
    elif f.kind in ("date", "datetime", "month"):
        dayfirst = day_first(uniques[:5000])
        for u in uniques:
            value, reason = parse_date(u, dayfirst=dayfirst, month=f.kind == "month")
            kinds[u] = "bad date"
            if value is None:
                parsed[u] = (None, reason)
                continue
            day = value.date()
            if f.kind == "month":
                day = day.replace(day=1)
            if day < EARLIEST_DATE:
                parsed[u] = (None, _("is before {year}: check the year").format(year=EARLIEST_DATE.year))
            elif f.past_only and day > today:
                parsed[u] = (None, _("is in the future (after {day}); events can only be imported once they "
                                     "happened").format(day=formats.date(today)))
                kinds[u] = "date in the future"
            elif day.year > today.year + 50:
                parsed[u] = (None, _("is too far in the future: check the year"))
                kinds[u] = "date in the future"
            elif f.kind == "datetime":
                parsed[u] = (value.replace(tzinfo=dt.UTC), "")
            else:
                parsed[u] = (day, "")
    elif f.kind == "bool":
        for u in uniques:
            value = parse_bool(u)
            parsed[u] = (value, "") if value is not None else (None, _("is not yes or no (also true/false, sì/no, "
                                                                       "1/0)"))
            kinds[u] = "wrong type"
    elif f.kind in ("choice", "choices"):
        lookup = _choice_lookup(f)
        for u in uniques:
            parts = [u] if f.kind == "choice" else [p for p in re.split(r"[;,|]", u) if p.strip()]
            keys = [lookup.get(norm(p)) or lookup.get(norm(p).replace(" ", "")) for p in parts]
            if any(k is None for k in keys):
                unknown = next(p for p, k in zip(parts, keys) if k is None)
                parsed[u] = (None, _("{value} is not a known value; use one of: {values}").format(
                    value=repr(unknown.strip()), values=", ".join(f.choices)))
                kinds[u] = "unknown value"
            else:
                parsed[u] = (keys[0] if f.kind == "choice" else ";".join(dict.fromkeys(keys)), "")
    # Plain Python objects (no pandas type inference: ints stay ints, None stays None).
    present_values = values.tolist()
    positions = raw.index.get_indexer(values.index)
    cells = out.to_numpy(dtype=object, copy=True)
    for position, u in zip(positions, present_values):
        cells[position] = parsed[u][0]
    out = pd.Series(cells, index=raw.index, dtype=object)
    for u, (value, reason) in parsed.items():
        if reason:
            for row in values.index[values.to_numpy() == u]:
                report.add(int(row), column, u, _("{field} {reason}.").format(field=f.name, reason=reason),
                           kinds.get(u, "bad value"))
    return out


@dataclass
class FieldTexts:
    """The text of each field on each row a mapping keeps (``cs_metrics.storage.ingest.rules``).

    ``texts`` has one column per field the mapping gives a source, indexed by the file's row
    numbers; ``sources`` names each field's source for messages (a column, or ``(constant)``);
    ``failed`` holds, per field, the rows whose source already has a problem; ``decimal_hint`` is
    the decimal mark assumed where a column does not show one."""

    texts: pd.DataFrame
    sources: dict[str, str | None]
    failed: dict[str, set[int]] = field(default_factory=dict)
    decimal_hint: str = "."


@dataclass
class Parsed:
    """A file's typed values: one column per mapped field, indexed by the file's row numbers."""

    spec: EntitySpec
    values: pd.DataFrame
    mapping: dict[str, str | None]
    texts: pd.DataFrame
    vocabularies: Vocabularies

    def has(self, name: str) -> bool:
        """True when the mapping gives field ``name`` a source."""
        return bool(self.mapping.get(name))


def parse_table(entity: str, cells: FieldTexts, report: ImportReport, today: dt.date,
                vocabularies: Vocabularies | None = None) -> Parsed:
    """Every mapped field as typed values; bad values become None and problems in ``report``.

    Example
    -------
    >>> texts = pd.DataFrame({"customer_id": ["C1"], "month": ["03/2026"], "mrr": ["1.234,5"]}, index=[2])
    >>> cells = FieldTexts(texts, {"customer_id": "Cliente", "month": "Mese", "mrr": "MRR"}, decimal_hint=",")
    >>> report = ImportReport("revenue", "r.csv")
    >>> parsed = parse_table("revenue", cells, report, dt.date(2026, 10, 31))
    >>> parsed.values.loc[2].tolist(), report.ok
    (['C1', datetime.date(2026, 3, 1), 1234.5], True)
    """
    spec = ENTITIES[entity]
    vocabularies = vocabularies or Vocabularies.defaults()
    file_decimal = _file_decimal(spec, cells.texts)
    columns = {}
    for f in spec.fields:
        if f.name in cells.texts.columns:
            columns[f.name] = typed_column(f, cells.texts[f.name], cells.sources.get(f.name) or f.name, report, today,
                                           cells.decimal_hint, vocabularies=vocabularies,
                                           failed=cells.failed.get(f.name, ()), file_decimal=file_decimal)
    values = pd.DataFrame(columns, index=cells.texts.index)
    if entity == "health_signals" and {"signal", "value"} <= set(values.columns):
        _check_signal_ranges(values, cells.texts["value"], cells.sources.get("value") or "value", report)
    return Parsed(spec, values, dict(cells.sources), cells.texts, vocabularies)


def _file_decimal(spec: EntitySpec, texts: pd.DataFrame) -> str:
    """The decimal mark the file's number columns show (``","`` or ``"."``), ``""`` when they show
    none or both."""
    decisive: set[str] = set()
    for f in spec.fields:
        if f.kind in ("int", "float") and f.name in texts.columns:
            decisive |= {number_evidence(u) for u in pd.unique(texts[f.name].to_numpy()) if u} & {",", "."}
    return decisive.pop() if len(decisive) == 1 else ""


def _check_signal_ranges(values: pd.DataFrame, texts: pd.Series, column: str, report: ImportReport) -> None:
    """A health signal's value outside its natural range (``SIGNAL_RANGES``) is a problem of its
    row, and is not kept."""
    for row, signal, value in zip(values.index, values["signal"], values["value"]):
        if signal not in SIGNAL_RANGES or value is None:
            continue
        low, high = SIGNAL_RANGES[signal]
        if value < low or high is not None and value > high:
            hint = _(" (75% is {share})").format(share=shown_number(0.75)) if signal == "usage" else ""
            report.add(int(row), column, texts.loc[row], _("value is out of range for signal {signal}, the "
                       "{label}: allowed {range}{hint}.").format(signal=signal, label=_(vocab.HEALTH_SIGNALS[signal]),
                                                                 range=_range_text(low, high), hint=hint),
                       "out of range")
            values.at[row, "value"] = None


def column_of(parsed: Parsed, name: str) -> str:
    """The file's column that holds field ``name`` (the field's own name when none does), for messages."""
    return parsed.mapping.get(name) or name
