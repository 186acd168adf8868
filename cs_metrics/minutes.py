"""Meeting minutes in, proposed agenda items out.

``parse_minutes`` reads a ``.txt``, ``.md`` or ``.docx`` file and proposes what a person then
reviews before anything is stored:

* agenda items: headings, numbered entries (``1.``, ``2)``) or bullets, with the time spent when
  written like ``(15 min)``, ``[20 minutes]``, ``(1 h)`` or ``(10')``;
* decisions: lines starting with ``Decision:`` / ``Decisione:`` (linked to the item they sit
  under) and the entries of a "Decisions" / "Decisioni" section;
* the customer item: a heading or a ``Customer item:`` line (Italian: ``Punto cliente``), or the
  customer question itself; its text is what follows it ("none" is an answer);
* header facts when present: date, department, meeting type, duration, attendees.

Files over ``MAX_BYTES``, empty or unreadable files, and files that are not what their extension
says raise ``MinutesError`` with a message that says what to do. The templates people write
minutes from are in ``cs_metrics.minutes_templates``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from cs_metrics import vocab
from cs_metrics.errors import DataError
from cs_metrics.i18n import _, formats
from cs_metrics.meetings import CUSTOMER_QUESTION, DecisionDraft, ItemDraft, MeetingDraft, plain_number
from cs_metrics.relevance import ACCEPT_SUGGESTION, normalise_text, resolve_relevance

#: Largest minutes file accepted (bytes).
MAX_BYTES = 2 * 1024 * 1024
EXTENSIONS: tuple[str, ...] = (".txt", ".md", ".docx")


class MinutesError(DataError):
    """A minutes file cannot be read; the message says what to change."""


@dataclass(frozen=True)
class ProposedItem:
    """An agenda item found in the minutes: title, minutes (None when not written)."""

    title: str
    minutes: float | None = None


@dataclass(frozen=True)
class ProposedDecision:
    """A decision found in the minutes and the agenda item (0-based) it was written under."""

    text: str
    item: int | None = None


@dataclass(frozen=True)
class ParsedMinutes:
    """What a minutes file proposes. Nothing here is stored until a person confirms it."""

    items: tuple[ProposedItem, ...]
    decisions: tuple[ProposedDecision, ...] = ()
    title: str | None = None
    held_on: dt.date | None = None
    department: str | None = None
    meeting_type: str | None = None
    duration_minutes: int | None = None
    attendees: int | None = None
    customer_item_found: bool = False
    customer_item_text: str | None = None
    language: str = "en"
    warnings: tuple[str, ...] = field(default=())

    @property
    def agenda_minutes(self) -> float:
        return float(sum(i.minutes for i in self.items if i.minutes is not None))


# --- reading the file ----------------------------------------------------------------------------


def read_text(data: bytes, *, filename: str) -> str:
    """The text of a minutes file, as markdown-like lines (Word headings become ``#`` lines, Word
    list entries ``1.`` or ``-`` lines). Raises ``MinutesError`` for files that cannot be used."""
    name = (filename or "").strip()
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext == ".doc":
        raise MinutesError(_("{name} is an old Word (.doc) file; open it in Word and save it as .docx, then upload "
                             "again.").format(name=name))
    if ext not in EXTENSIONS:
        if not name:
            raise MinutesError(_("The file is not a minutes file this page reads; upload a .txt, .md or .docx file."))
        raise MinutesError(_("{name} is not a minutes file this page reads; upload a .txt, .md or .docx "
                             "file.").format(name=name))
    if len(data) > MAX_BYTES:
        raise MinutesError(_(
            "{name} is {size} MB; the limit is {limit} MB. Remove images or split the minutes, then upload again."
        ).format(name=name, size=formats.decimal(len(data) / 1024 / 1024, 1), limit=MAX_BYTES // 1024 // 1024))
    if not data or not data.strip():
        raise MinutesError(_("{name} is empty; upload the minutes with their agenda items.").format(name=name))
    if ext == ".docx":
        text = _docx_text(data, name)
    else:
        text = _decode(data, name)
    if not text.strip():
        raise MinutesError(_("{name} holds no text; upload the minutes with their agenda items.").format(name=name))
    return text


def _decode(data: bytes, name: str) -> str:
    if data[:4] == b"PK\x03\x04" or data[:5] == b"%PDF-":
        raise MinutesError(_("{name} is not a text file (it looks like a Word or PDF document); save the minutes "
                             "as .txt, .md or .docx.").format(name=name))
    utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff")
    if b"\x00" in data and not utf16:
        raise MinutesError(_("{name} is not readable text (it looks like a binary file); save the minutes as "
                             ".txt, .md or .docx.").format(name=name))
    for encoding in ("utf-8-sig", "utf-16") if utf16 else ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise MinutesError(_("{name} cannot be read as text; save it as UTF-8 text and upload again.").format(
            name=name))
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    if "\x00" in text or controls > max(10, len(text) // 100):
        raise MinutesError(_("{name} is not readable text (it looks like a binary file); save the minutes as "
                             ".txt, .md or .docx.").format(name=name))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _docx_text(data: bytes, name: str) -> str:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise MinutesError(_("{name} is not a Word document (.docx); open it in Word and save it as .docx, or "
                             "upload it as .txt.").format(name=name))
    try:
        import docx  # python-docx
        from docx.table import Table

        document = docx.Document(io.BytesIO(data))
    except Exception:  # a zip that is not a Word package, a damaged file, a renamed spreadsheet...
        raise MinutesError(_("{name} is not a readable Word document (.docx); open it in Word, save it again as "
                             ".docx and upload it.").format(name=name)) from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(_table_lines(block))
            continue
        text = block.text.strip()
        if not text:
            lines.append("")
            continue
        style = (block.style.name if block.style is not None else "") or ""
        level = _style_level(style)
        numbered = block._p.pPr is not None and block._p.pPr.numPr is not None
        if style == "Title" or style.startswith("Heading"):
            lines.append("#" * (level if style.startswith("Heading") else 1) + " " + text)
        elif style.startswith("List Number"):
            lines.append("   " * (level - 1) + "1. " + text)
        elif style.startswith("List") or numbered:
            lines.append("   " * (level - 1) + "- " + text)
        else:
            lines.append(text)
    return "\n".join(lines)


def _style_level(style: str) -> int:
    match = re.search(r"(\d+)$", style)
    return max(1, int(match.group(1))) if match else 1


def _table_lines(table) -> list[str]:
    """An agenda table (a topic column and a minutes column) becomes numbered entries."""
    lines: list[str] = []
    for row in table.rows:
        cells = [c.text.strip() for c in row.cells]
        minutes = next((c for c in cells[1:] if re.fullmatch(r"\d+([.,]\d+)?\s*(min\w*|m|')?", c, re.I)), None)
        topic = next((c for c in cells if c and c != minutes and not re.fullmatch(r"\d+[.)]?", c)), "")
        if topic and minutes:
            number = re.match(r"[\d.,]+", minutes).group(0)
            lines.append(f"1. {topic} ({number} min)")
        elif any(cells):
            lines.append(" | ".join(c for c in cells if c))
    return lines


# --- parsing -------------------------------------------------------------------------------------

_NUMBERED = re.compile(r"^(\s*)(?:\d{1,2}(?:\.\d{1,2})*[.)]|[a-z][.)])\s+(.*)$", re.I)
_BULLET = re.compile(r"^(\s*)[-*•–+]\s+(.*)$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
_UNDERLINE = re.compile(r"^\s*(=+|-+)\s*$")
_MINUTES = re.compile(
    r"[\(\[]\s*(?P<n>\d+(?:[.,]\d+)?)\s*(?P<u>minutes|minute|minuti|minuto|mins|min|m|'|’|hours|hour|hrs|hr|h|ore|ora)\.?\s*[\)\]]"
    r"|[-–—,:]\s*(?P<n2>\d+(?:[.,]\d+)?)\s*(?P<u2>minutes|minuti|mins|min|'|’)\s*$",
    re.I,
)
_DECISION = re.compile(r"^(?:decision|decided|agreed|decisione|deciso|si decide(?: di)?|decidiamo(?: di)?)\s*[:\-–]\s*(.+)$", re.I)
_KEY = re.compile(r"^\s*\**(?P<k>[A-Za-zÀ-ÿ' ]{2,30}?)\**\s*:\s*\**\s*(?P<v>.*?)\s*$")

_SECTION_WORDS: dict[str, tuple[str, ...]] = {
    "agenda": (
        "agenda", "ordine del giorno", "odg", "punti all ordine del giorno", "topics", "argomenti",
        "discussion", "items discussed", "discussione", "punti discussi", "minutes", "verbale",
    ),
    "decisions": ("decisions", "decisioni", "decisions taken", "decisioni prese", "deliberazioni", "delibere"),
    "attendees": ("attendees", "participants", "present", "partecipanti", "presenti"),
    "other": (
        "notes", "note", "actions", "action items", "next steps", "azioni", "prossimi passi",
        "any other business", "aob", "varie ed eventuali", "absent", "assenti", "apologies",
    ),
}
_CUSTOMER_LABELS: tuple[str, ...] = (
    "customer item", "the customer item", "customer", "for the customer", "customer experience",
    "customer in the room", "punto cliente", "il punto cliente", "cliente", "per il cliente",
    "esperienza del cliente", "voce cliente",
)
_KEYS: dict[str, tuple[str, ...]] = {
    "date": ("date", "data", "held on", "when", "quando"),
    "department": ("department", "dept", "reparto", "funzione", "area", "team"),
    "meeting_type": ("type", "meeting type", "tipo", "tipo di riunione"),
    "duration": ("duration", "length", "durata"),
    "attendees": ("attendees", "participants", "present", "partecipanti", "presenti"),
    "customer": ("customer item", "customer", "punto cliente", "cliente", "per il cliente"),
}
_DEPARTMENT_NAMES: dict[str, str] = {
    **{normalise_text(d): d for d in vocab.DEPARTMENTS},
    "consiglio di amministrazione": "Board", "cda": "Board", "board of directors": "Board",
    "information technology": "IT", "sistemi informativi": "IT", "logistica": "Logistics",
    "amministrazione": "Administration", "finance": "Administration", "vendite": "Sales",
    "commerciale": "Sales", "prodotto": "Product", "customer care": "Customer Success",
    "assistenza clienti": "Customer Success",
}
_TYPE_NAMES: dict[str, str] = {
    **{t: t for t in vocab.MEETING_TYPES},
    "board meeting": "board", "consiglio": "board", "cda": "board", "executive committee": "executive",
    "direzione": "executive", "comitato di direzione": "executive", "reparto": "department",
    "department meeting": "department", "team": "department", "progetto": "project", "altro": "other",
}
_MONTHS: dict[str, int] = {
    **{m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                   "september", "october", "november", "december"), start=1)},
    **{m: i for i, m in enumerate(("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio",
                                   "agosto", "settembre", "ottobre", "novembre", "dicembre"), start=1)},
}
_ITALIAN_WORDS = {"di", "del", "della", "dei", "il", "la", "le", "per", "con", "che", "non", "sono", "riunione", "clienti", "ordine", "giorno", "decisione"}
_ENGLISH_WORDS = {"the", "of", "and", "for", "with", "to", "is", "are", "meeting", "customers", "decision", "agenda"}


def split_minutes(title: str) -> tuple[str, float | None]:
    """A title without its time note, and the minutes the note gives (None when there is none).

    Example
    -------
    >>> split_minutes("Late deliveries to the South (20 min)")
    ('Late deliveries to the South', 20.0)
    >>> split_minutes("Bilancio di verifica [1 h]")
    ('Bilancio di verifica', 60.0)
    """
    match = None
    for match in _MINUTES.finditer(title):
        pass
    if match is None:
        return title.strip(" \t-–—:;,."), None
    number = (match.group("n") or match.group("n2")).replace(",", ".")
    unit = (match.group("u") or match.group("u2") or "").lower()
    minutes = float(number) * (60.0 if unit in ("hours", "hour", "hrs", "hr", "h", "ore", "ora") else 1.0)
    cleaned = (title[: match.start()] + " " + title[match.end():]).strip()
    return re.sub(r"\s{2,}", " ", cleaned).strip(" \t-–—:;,."), minutes


def _plain(text: str) -> str:
    return re.sub(r"[*_`]+", "", text).strip()


def _label(text: str) -> str:
    return normalise_text(_plain(text).rstrip(":"))


def _section_of(text: str) -> str | None:
    label = _label(text)
    label = re.sub(r"^\d+\s+", "", label)
    if label in _CUSTOMER_LABELS or _is_customer_question(text):
        return "customer"
    for section, words in _SECTION_WORDS.items():
        if label in words:
            return section
    return None


def _is_customer_question(text: str) -> bool:
    label = normalise_text(text)
    return any(normalise_text(q)[:40] in label for q in CUSTOMER_QUESTION.values()) or (
        ("customer" in label or "client" in label) and ("experience" in label or "esperienza" in label) and "decision" in label
    )


def _parse_date(value: str) -> dt.date | None:
    value = value.strip()
    if m := re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", value):
        y, mo, d = map(int, m.groups())
    elif m := re.search(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", value):
        d, mo, y = map(int, m.groups())
    elif m := re.search(r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})", value):
        d, y = int(m.group(1)), int(m.group(3))
        mo = _MONTHS.get(m.group(2).lower(), 0) or _MONTHS.get(next((k for k in _MONTHS if k.startswith(m.group(2).lower()[:3])), ""), 0)
    else:
        return None
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


def _parse_duration(value: str) -> int | None:
    hours = re.search(r"(\d+(?:[.,]\d+)?)\s*(?:h|hours?|hrs?|ore|ora)\b", value, re.I)
    mins = re.search(r"(\d+)\s*(?:min\w*|m\b|')", value, re.I)
    total = 0.0
    if hours:
        total += float(hours.group(1).replace(",", ".")) * 60
    if mins:
        total += float(mins.group(1))
    if not hours and not mins and (plain := re.fullmatch(r"\s*(\d+)\s*", value)):
        total = float(plain.group(1))
    return int(round(total)) if total > 0 else None


def _count_attendees(value: str) -> int | None:
    if number := re.match(r"\s*(\d+)\b", value):
        return int(number.group(1))
    names = [n for n in re.split(r"[,;]| and | e ", value) if n.strip()]
    return len(names) or None


def _key_value(line: str) -> tuple[str, str] | None:
    match = _KEY.match(_plain(line))
    if not match:
        return None
    key = normalise_text(match.group("k"))
    for name, words in _KEYS.items():
        if key in words:
            return name, match.group("v").strip()
    return None


def _language(text: str) -> str:
    words = normalise_text(text).split()
    it = sum(w in _ITALIAN_WORDS for w in words)
    en = sum(w in _ENGLISH_WORDS for w in words)
    return "it" if it > en else "en"


@dataclass
class _Entry:
    kind: str  # heading | numbered | bullet | text | blank
    text: str
    indent: int = 0
    level: int = 0


def _entries(text: str) -> list[_Entry]:
    raw = text.split("\n")
    out: list[_Entry] = []
    for pos, line in enumerate(raw):
        stripped = line.rstrip()
        if not stripped.strip():
            out.append(_Entry("blank", ""))
            continue
        nxt = raw[pos + 1] if pos + 1 < len(raw) else ""
        if _UNDERLINE.match(stripped):
            continue
        if h := _HEADING.match(stripped.strip()):
            out.append(_Entry("heading", _plain(h.group(2)), level=len(h.group(1))))
        elif _UNDERLINE.match(nxt) and len(stripped.strip()) > 1 and not _BULLET.match(stripped):
            out.append(_Entry("heading", _plain(stripped), level=1 if nxt.strip().startswith("=") else 2))
        elif n := _NUMBERED.match(stripped):
            out.append(_Entry("numbered", _plain(n.group(2)), indent=len(n.group(1).expandtabs(4))))
        elif b := _BULLET.match(stripped):
            out.append(_Entry("bullet", _plain(b.group(2)), indent=len(b.group(1).expandtabs(4))))
        else:
            out.append(_Entry("text", _plain(stripped), indent=len(stripped) - len(stripped.lstrip())))
    return out


def parse_text(text: str, *, source: str | None = None) -> ParsedMinutes:
    """Propose agenda items, decisions and the customer item from the text of minutes (``source``:
    the file's name, for the messages).

    Example
    -------
    >>> p = parse_text("# Logistics weekly\\n1. Shift planning (20 min)\\n2. Late deliveries (15 min)\\n"
    ...                "## Customer item\\nNone today.")
    >>> [(i.title, i.minutes) for i in p.items], p.customer_item_text
    ([('Shift planning', 20.0), ('Late deliveries', 15.0)], 'None today.')
    """
    entries = _entries(text)
    facts: dict[str, str] = {}
    title: str | None = None
    section: str | None = None
    agenda_list: list[tuple[str, float | None]] = []  # entries of an explicit agenda section
    heading_items: list[tuple[str, float | None]] = []
    top_numbered: list[tuple[str, float | None]] = []
    decisions: list[tuple[str, str | None]] = []  # text, key of the item it sits under
    customer_found = False
    customer_lines: list[str] = []
    current: str | None = None  # key of the item under which lines are read
    attendee_bullets = 0
    list_indent: int | None = None

    def key(t: str) -> str:
        return normalise_text(re.sub(r"^\s*\d{1,2}[.)]\s*", "", split_minutes(t)[0]))

    for entry in entries:
        if entry.kind == "blank":
            continue
        if entry.kind == "heading":
            found = _section_of(entry.text)
            if title is None and entry.level == 1 and found is None:
                title = entry.text
                section = None
                continue
            list_indent = None
            if found is not None:
                section, current = found, None
                if found == "customer":
                    customer_found = True
                continue
            section = "item_heading"
            name, minutes = split_minutes(re.sub(r"^\s*\d{1,2}[.)]\s*", "", entry.text))
            heading_items.append((name, minutes))
            current = key(name)
            continue
        kv = _key_value(entry.text) if entry.kind == "text" else None
        if kv and kv[0] == "customer":
            customer_found, section, current = True, "customer", None
            if kv[1]:
                customer_lines.append(kv[1])
            continue
        if kv and section not in ("customer",):
            if kv[0] == "attendees" and not kv[1]:
                section = "attendees"
            elif kv[1] and not kv[1].startswith("<") and kv[1] not in ("YYYY-MM-DD", "AAAA-MM-GG"):
                facts.setdefault(kv[0], kv[1])
            continue
        label_section = _section_of(entry.text) if entry.kind == "text" and len(entry.text) < 120 else None
        if label_section is not None and (entry.text.rstrip().endswith((":", "?")) or label_section != "customer" or _is_customer_question(entry.text)):
            section, current = label_section, None
            list_indent = None
            if label_section == "customer":
                customer_found = True
            continue
        if section == "customer":
            customer_lines.append(entry.text)
            continue
        if title is None and entry.kind == "text" and not facts and not agenda_list and not top_numbered:
            title = entry.text
            continue
        decision = _DECISION.match(entry.text)
        if decision:
            decisions.append((decision.group(1).strip(), current))
            continue
        if section == "decisions" and entry.kind in ("numbered", "bullet", "text"):
            decisions.append((entry.text, None))
            continue
        if section == "attendees":
            attendee_bullets += entry.kind in ("numbered", "bullet")
            continue
        if section == "other":
            continue
        if entry.kind in ("numbered", "bullet"):
            if list_indent is None:
                list_indent = entry.indent
            if entry.indent > list_indent:
                continue  # a note under an item
            name, minutes = split_minutes(entry.text)
            if section == "agenda":
                agenda_list.append((name, minutes))
                current = key(name)
            elif section != "item_heading" and entry.kind == "numbered":
                top_numbered.append((name, minutes))
                current = key(name)

    if agenda_list:
        chosen = agenda_list
    elif heading_items:
        chosen = heading_items
    else:
        chosen = top_numbered
    chosen = [(t, mins) for t, mins in chosen if t]
    if not chosen:
        if source is None:
            raise MinutesError(_(
                "No agenda items were found in the minutes. Write each item as a numbered line, e.g. "
                "'1. Late deliveries (15 min)', or as a heading, or start from the minutes template."
            ))
        raise MinutesError(_(
            "No agenda items were found in {source}. Write each item as a numbered line, e.g. "
            "'1. Late deliveries (15 min)', or as a heading, or start from the minutes template."
        ).format(source=source))
    keys = [normalise_text(t) for t, _mins in chosen]
    linked = tuple(
        ProposedDecision(text=t, item=keys.index(k) if k in keys else None) for t, k in decisions if t
    )
    customer_text = "\n".join(line for line in customer_lines if not _is_customer_question(line)).strip() or None
    if customer_text and _is_template_hint(customer_text):
        customer_text = None
    duration = _parse_duration(facts["duration"]) if "duration" in facts else None
    items = tuple(ProposedItem(t, mins) for t, mins in chosen)
    warnings = []
    total = sum(i.minutes for i in items if i.minutes is not None)
    if duration is not None and total > duration:
        warnings.append(_(
            "The agenda items add up to {total} minutes but the meeting lasted {duration} minutes; correct the "
            "minutes or the duration before saving."
        ).format(total=plain_number(total), duration=duration))
    if not customer_found:
        warnings.append(_("These minutes have no customer item; the meeting will count as having skipped it unless "
                          "you fill it in."))
    department = _DEPARTMENT_NAMES.get(normalise_text(facts.get("department", ""))) or _department_in(title)
    mtype = _TYPE_NAMES.get(normalise_text(facts.get("meeting_type", "")))
    return ParsedMinutes(
        items=items,
        decisions=linked,
        title=title,
        held_on=_first_date([facts.get("date", ""), title or "", *text.split("\n")[:12]]),
        department=department,
        meeting_type=mtype,
        duration_minutes=duration,
        attendees=_count_attendees(facts["attendees"]) if "attendees" in facts else (attendee_bullets or None),
        customer_item_found=customer_found,
        customer_item_text=customer_text,
        language=_language(text),
        warnings=tuple(warnings),
    )


def _first_date(candidates: list[str]) -> dt.date | None:
    for candidate in candidates:
        if candidate and (found := _parse_date(candidate)):
            return found
    return None


def _department_in(title: str | None) -> str | None:
    """A department named in the title (e.g. "Logistics weekly"), when exactly one is."""
    words = f" {normalise_text(title or '')} "
    found = {dept for name, dept in _DEPARTMENT_NAMES.items() if f" {name} " in words}
    return found.pop() if len(found) == 1 else None


def _is_template_hint(text: str) -> bool:
    label = normalise_text(text)
    return label.startswith(("write here", "scrivi qui"))


def parse_minutes(data: bytes, *, filename: str) -> ParsedMinutes:
    """Read a ``.txt``, ``.md`` or ``.docx`` minutes file and propose its items (see module doc).

    Raises
    ------
    MinutesError
        The file is empty, over ``MAX_BYTES``, not text / not a Word document, has an extension
        other than .txt, .md, .docx, or holds no recognisable agenda item.
    """
    return parse_text(read_text(data, filename=filename), source=filename)


def proposed_draft(
    parsed: ParsedMinutes, *, held_on: dt.date, department: str = "Board", meeting_type: str = "department"
) -> MeetingDraft:
    """A ``MeetingDraft`` from parsed minutes, for a person to review: every item's relevance is
    the suggestion; date, department and type fall back to the arguments when the minutes do not
    say; the duration falls back to the agenda minutes (at least 1)."""
    items = []
    for item in parsed.items:
        relevance, source = resolve_relevance(item.title, ACCEPT_SUGGESTION)
        items.append(ItemDraft(item.title, item.minutes, relevance, source))
    duration = parsed.duration_minutes or max(1, int(-(-parsed.agenda_minutes // 1)))
    return MeetingDraft(
        held_on=parsed.held_on or held_on,
        department=parsed.department or department,
        meeting_type=parsed.meeting_type or meeting_type,
        duration_minutes=duration,
        items=tuple(items),
        decisions=tuple(DecisionDraft(d.text, "neutral", d.item) for d in parsed.decisions),
        attendees=parsed.attendees,
        title=parsed.title,
        customer_item_text=parsed.customer_item_text,
    )
