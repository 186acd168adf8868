"""Reading a file: the bytes of a CSV or XLSX become a table of text cells.

CSV files may be UTF-8 (with or without BOM), UTF-16, Windows-1252 or Latin-1, separated by ``,``
``;`` tab or ``|``; the encoding and the separator are found from the bytes. Unreadable files
(empty, binary, too large, wrong extension, mixed encodings, formulas in cells) give problems in
the report, never exceptions.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cs_metrics.i18n import _, formats, ngettext
from cs_metrics.storage.ingest.mapping import matched_fields
from cs_metrics.storage.ingest.report import ImportReport, shorten

#: Largest file accepted (bytes). Bigger files are refused before reading: split them.
MAX_FILE_BYTES = 200 * 1024 * 1024
#: Largest CSV field read (characters): a whole file may be one field. Fields over a field's own
#: length limit are refused by the field, row by row.
MAX_FIELD_CHARS = MAX_FILE_BYTES
#: Share of control bytes (NUL included; tab and line breaks excluded) above which a file is binary.
MAX_CONTROL_SHARE = 0.05
#: Characters that do not show (zero-width spaces and joiners, word joiner, BOM, soft hyphen,
#: direction marks): removed from column names and ids (``clean_id``).
INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
#: Extensions read as text tables and as workbooks.
TEXT_EXTENSIONS = (".csv", ".txt", ".tsv")
WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm")


@dataclass
class RawTable:
    """A file read as text cells: ``frame`` has one string column per header, indexed by row number.

    ``headers`` holds the header names as written (before ``name (2)`` is given to a repeated one),
    one per column of ``frame``; ``notes`` what the reading changed (rows with NUL bytes)."""

    frame: pd.DataFrame
    file_format: dict[str, str]
    headers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def clean_id(text: str) -> str:
    """An id as compared and stored: NFC, without invisible characters (``INVISIBLE``) and outer spaces.

    Example
    -------
    >>> clean_id("C\u200b1"), clean_id("Cafe\u0301") == "Caf\u00e9", clean_id("\ufeffC2 ")
    ('C1', True, 'C2')
    """
    return INVISIBLE.sub("", unicodedata.normalize("NFC", text)).strip()


def read_table(data: bytes, filename: str, report: ImportReport, *, max_bytes: int = MAX_FILE_BYTES,
               entity: str | None = None) -> RawTable | None:
    """Read CSV or XLSX bytes into text cells; file-level problems go to ``report`` (None returned).

    Example
    -------
    >>> r = ImportReport("teams", "t.csv")
    >>> t = read_table("Team;Reparto\\nVendite Nord;Sales\\n".encode("cp1252"), "t.csv", r)
    >>> list(t.frame.columns), t.frame.loc[2, "Team"], t.file_format["separator"]
    (['Team', 'Reparto'], 'Vendite Nord', ';')
    """
    suffix = Path(filename or "").suffix.lower()
    size = len(data or b"")
    if size > max_bytes:
        report.add(None, None, f"{size / 1e6:,.1f} MB",
                   _("The file is larger than the limit of {limit} MB. Split it into smaller files (for example "
                     "one per year) and import them one after the other.").format(
                       limit=formats.decimal(max_bytes / 1e6)), "file too large")
        return None
    if size == 0 or not (data or b"").strip(b"\x00\r\n\t \xef\xbb\xbf"):
        report.add(None, None, filename, _("The file is empty. Export the data again, with a header row."),
                   "empty file")
        return None
    is_zip = data[:4] == b"PK\x03\x04"
    if suffix == ".xls" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        report.add(None, None, filename, _("This is an old Excel (.xls) workbook. Open it in Excel or "
                   "LibreOffice and save it as .xlsx or as CSV."), "wrong file type")
        return None
    if suffix in WORKBOOK_EXTENSIONS or (is_zip and suffix not in TEXT_EXTENSIONS and not suffix):
        if not is_zip:
            report.add(None, None, filename, _("The file is named {suffix} but is not an Excel workbook. If it "
                       "is a CSV, rename it to .csv; otherwise save it again from Excel as .xlsx.").format(
                           suffix=suffix), "wrong file type")
            return None
        return _read_xlsx(data, report, entity)
    if suffix not in TEXT_EXTENSIONS and suffix:
        report.add(None, None, filename, _("Files ending in {suffix} cannot be imported. Save the data as "
                   "CSV (.csv) or as an Excel workbook (.xlsx).").format(suffix=suffix), "wrong file type")
        return None
    if is_zip:
        report.add(None, None, filename, _("The file is named .csv but is a ZIP or Excel workbook. Rename an "
                   "Excel file to .xlsx, or save it as CSV."), "wrong file type")
        return None
    text, encoding = _decode(data, report)
    if text is None:
        return None
    return _read_csv_text(text, encoding, report)


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _decode(data: bytes, report: ImportReport) -> tuple[str | None, str]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            report.add(None, None, "", _("The file starts like UTF-16 text but is damaged. Save it again as "
                       "CSV UTF-8."), "encoding")
            return None, ""
    head = data[:65536]
    utf16 = _bomless_utf16(head)
    if utf16:
        try:
            return data.decode(utf16), "UTF-16"
        except UnicodeDecodeError:
            pass
    if _control_share(head) > MAX_CONTROL_SHARE:
        report.add(None, None, shorten(head[:40].decode("latin-1"), 40),
                   _("This is not a text (CSV) file: it holds binary data. Export the data as CSV or XLSX."),
                   "not a table")
        return None, ""
    if data.startswith(b"\xef\xbb\xbf"):
        data, bom = data[3:], True
    else:
        bom = False
    try:
        return data.decode("utf-8"), "UTF-8 with BOM" if bom else "UTF-8"
    except UnicodeDecodeError:
        pass
    if bom or _UTF8_MULTIBYTE.search(data):
        # Part of the file is UTF-8 and part is not: find the rows that are not.
        bad = []
        for number, line in enumerate(data.split(b"\n"), start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                bad.append(number)
        for number in bad[:50]:
            report.add(number, None, data.split(b"\n")[number - 1][:80].decode("cp1252", "replace"),
                       _("This row is in a different text encoding than the rest of the file (mixed UTF-8 and "
                         "Latin-1/Windows). Save the whole file again as CSV UTF-8."), "mixed encoding")
        if len(bad) > 50:
            report.problem_counts["mixed encoding"] += len(bad) - 50
        return None, ""
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def _bomless_utf16(head: bytes) -> str:
    """``utf-16-le`` or ``utf-16-be`` when ``head`` is UTF-16 text without a BOM (a NUL in nearly
    every other byte, on one side), else ``""``."""
    if len(head) < 4:
        return ""
    even, odd = head[0::2], head[1::2]
    for codec, zeros, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros.count(0) >= 0.9 * len(zeros) and other.count(0) <= 0.1 * len(other):
            return codec
    return ""


def _control_share(data: bytes) -> float:
    if not data:
        return 0.0
    controls = sum(1 for b in data if b < 32 and b not in (9, 10, 13))
    return controls / len(data)


def _sniff_separator(text: str) -> str:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    best, best_score = ",", -1.0
    for sep in (";", "\t", ",", "|"):
        counts = [_count_outside_quotes(line, sep) for line in lines]
        if not counts or counts[0] == 0:
            continue
        consistent = sum(1 for c in counts if c == counts[0]) / len(counts)
        score = consistent * 10 + min(counts[0], 50) / 50
        if score > best_score:
            best, best_score = sep, score
    return best


def _count_outside_quotes(line: str, sep: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == sep and not quoted:
            count += 1
    return count


def _read_csv_text(text: str, encoding: str, report: ImportReport) -> RawTable | None:
    notes = []
    if "\x00" in text:
        lines = [n for n, line in enumerate(text.split("\n"), start=1) if "\x00" in line]
        shown = ", ".join(str(n) for n in lines[:20]) + (
            _(" and {n} more").format(n=formats.decimal(len(lines) - 20)) if len(lines) > 20 else "")
        notes.append(ngettext("{n} line of the file held a NUL byte (an invisible character some exports leave), "
                              "removed on reading: line {lines}. Check those rows after the import.",
                              "{n} lines of the file held a NUL byte (an invisible character some exports leave), "
                              "removed on reading: lines {lines}. Check those rows after the import.",
                              len(lines)).format(n=formats.decimal(len(lines)), lines=shown))
        text = text.replace("\x00", "")
    separator = _sniff_separator(text)
    if csv.field_size_limit() < MAX_FIELD_CHARS:
        csv.field_size_limit(MAX_FIELD_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=False)
    header: list[str] | None = None
    header_row = 0
    rows: list[list[str]] = []
    numbers: list[int] = []
    width = 0
    try:
        for record in reader:
            if header is None:
                if any(cell.strip() for cell in record):
                    header, header_row, width = record, reader.line_num, len(record)
                continue
            n = len(record)
            if n == width:
                rows.append(record)
                numbers.append(reader.line_num)
                continue
            if n == 0:  # a blank line
                continue
            line = reader.line_num
            if n > width:
                extra = [c for c in record[width:] if c.strip()]
                if extra:
                    report.add(line, None, separator.join(record)[:120],
                               _("This row has {n} values but the header has {width} columns. A value that "
                                 "contains the separator ({separator}) must be in double quotes.").format(
                                   n=n, width=width, separator=_sep_name(separator)),
                               "wrong number of values")
                    continue
                record = record[:width]
            else:
                record = record + [""] * (width - n)
            rows.append(record)
            numbers.append(line)
    except csv.Error as exc:
        report.add(reader.line_num, None, "", _("The CSV cannot be read here ({error}). Check the quotes on "
                   "this row.").format(error=exc), "not a table")
        return None
    if header is None:
        report.add(None, None, "", _("The file has no header row. Start the file with one row of column names "
                   "(download a template to see them)."), "empty file")
        return None
    frame = _frame(header, rows, numbers, report, nbsp="\u00a0" in text)
    if frame is None:
        return None
    if frame.empty and report.ok:
        report.add(None, None, "", _("The file has a header but no data rows."), "no rows")
    report.notes.extend(notes)
    return RawTable(frame, {"type": "CSV", "encoding": encoding, "separator": separator,
                            "header row": str(header_row)}, [_header_name(h) for h in header], notes)


def _sep_name(sep: str) -> str:
    names = {";": _("semicolon"), ",": _("comma"), "\t": _("tab"), "|": _("vertical bar")}
    return names.get(sep, sep)


def _frame(header: Sequence[Any], rows: list[list[str]], numbers: list[int], report: ImportReport,
           *, nbsp: bool = True) -> pd.DataFrame | None:
    """Text cells (stripped) in one column per header name; rows that are entirely empty are dropped."""
    names: list[str] = []
    seen: Counter = Counter()
    for i, raw in enumerate(header):
        name = _header_name(raw) or f"column {i + 1}"
        seen[name] += 1
        if seen[name] > 1:
            name = f"{name} ({seen[name]})"
        names.append(name)
    if not names:
        report.add(None, None, "", _("The header row is empty."), "empty file")
        return None
    columns = list(zip(*rows)) if rows else [() for _ in names]
    data = {}
    for name, cells in zip(names, columns):
        if nbsp:
            data[name] = [c.replace("\u00a0", " ").strip() for c in cells]
        else:
            data[name] = [c.strip() for c in cells]
    frame = pd.DataFrame(data, index=pd.Index(numbers, name="row"), columns=names, dtype=object)
    if len(frame):
        blank = (frame == "").all(axis=1).to_numpy()
        if blank.any():
            frame = frame.loc[~blank]
    return frame


def _clean(value: Any) -> str:
    if value is None:
        return ""
    text = str(value).replace("\u00a0", " ").replace("\x00", "")
    return text.strip()


def _header_name(value: Any) -> str:
    """A column name as read: ``_clean``, NFC, without invisible characters."""
    return clean_id(_clean(value))


def _read_xlsx(data: bytes, report: ImportReport, entity: str | None) -> RawTable | None:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # corrupt archives raise many different errors
        report.add(None, None, "", _("The workbook cannot be opened ({error}). Save it again from Excel as "
                   ".xlsx, or export the sheet as CSV.").format(error=type(exc).__name__), "not a table")
        return None
    try:
        best: tuple[int, Any] | None = None
        for sheet in workbook.worksheets:
            # Exporters often write a wrong <dimension> (e.g. "A1" for a full sheet), which
            # read-only mode trusts: read the sheet's real extent instead.
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()
            header = next(sheet.iter_rows(min_row=1, max_row=20, values_only=True), None)
            if header is None:
                continue
            names = [_clean(v) for v in header]
            score = len(matched_fields(entity, names))
            if best is None or score > best[0]:
                best = (score, sheet)
        if best is None:
            report.add(None, None, "", _("The workbook has no sheet with data."), "empty file")
            return None
        sheet = best[1]
        header: list[str] | None = None
        header_row = 0
        rows: list[list[str]] = []
        numbers: list[int] = []
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            values = []
            for cell in cells:
                if getattr(cell, "data_type", None) == "f":
                    column = header[len(values)] if header and len(values) < len(header) else f"column {len(values) + 1}"
                    report.add(number, column, cell.value, _("The cell holds a formula; formulas are not run on "
                               "import. Copy the column and paste it as values, then import again."), "formula")
                    values.append("")
                    continue
                values.append(_cell_text(cell.value))
            if header is None:
                if not any(values):
                    continue
                header, header_row = values, number
                continue
            if not any(values):
                continue
            rows.append(values)
            numbers.append(number)
            if len(rows) > 2_000_000:
                report.add(None, None, "", _("The sheet has more than {n} rows. Split it into several "
                           "files.").format(n=formats.decimal(2_000_000)), "file too large")
                return None
    finally:
        workbook.close()
    if header is None:
        report.add(None, None, "", _("The sheet is empty. Put a header row and data in the first sheet."),
                   "empty file")
        return None
    # As wide as the last column with a name or a value (data under an empty or merged header
    # cell is kept, as "column N").
    width = max([_last_filled(header), *(_last_filled(values) for values in rows)])
    header = (header + [""] * width)[:width]
    rows = [(values + [""] * width)[:width] for values in rows]
    frame = _frame(header, rows, numbers, report)
    if frame is None:
        return None
    if frame.empty and report.ok:
        report.add(None, None, "", _("The sheet has a header but no data rows."), "no rows")
    return RawTable(frame, {"type": "XLSX", "sheet": sheet.title, "header row": str(header_row)},
                    [_header_name(h) for h in header])


def _last_filled(values: list[str]) -> int:
    """How many cells of ``values`` there are up to the last one that is not blank."""
    n = len(values)
    while n and not values[n - 1]:
        n -= 1
    return n


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return _clean(value)
