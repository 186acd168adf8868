"""Minutes templates, in English and Italian, that end with the mandatory customer item.

A company that logs its meetings asks every meeting to answer the customer item before it
closes. These templates (Markdown and Word) put the item last, with its question, and are laid
out the way ``cs_metrics.minutes.parse_minutes`` reads minutes back: facts as ``Key: value``
lines, one numbered line per agenda topic with its time in brackets, ``Decision:`` lines under a
topic.
"""

from __future__ import annotations

import io
from functools import lru_cache

from cs_metrics import vocab
from cs_metrics.errors import DataError
from cs_metrics.i18n import _
from cs_metrics.meetings import CUSTOMER_QUESTION

#: Languages a template exists in.
LANGUAGES: tuple[str, ...] = ("en", "it")

_TEMPLATE: dict[str, dict[str, object]] = {
    "en": {
        "title": "Minutes: <meeting name>",
        "facts": (("Date", "YYYY-MM-DD"), ("Department", "<one of: " + ", ".join(vocab.DEPARTMENTS) + ">"),
                  ("Type", "<board, executive, department, project or other>"), ("Duration", "60 min"),
                  ("Attendees", "<names, separated by commas>")),
        "agenda": "Agenda",
        "items": ("<first topic> (15 min)", "<second topic> (20 min)", "<third topic> (15 min)"),
        "note": "One line per topic; write the time it took in brackets. Under a topic, start a line with "
                "'Decision:' for each decision taken on it.",
        "decision": "Decision: <what was decided>",
        "customer": "Customer item",
        "hint": "Write here, before closing the meeting. If nothing discussed today affects customers, write 'none'.",
    },
    "it": {
        "title": "Verbale: <nome della riunione>",
        "facts": (("Data", "AAAA-MM-GG"), ("Reparto", "<es. Logistica, Vendite, IT, Amministrazione>"),
                  ("Tipo", "<consiglio, direzione, reparto, progetto o altro>"), ("Durata", "60 min"),
                  ("Partecipanti", "<nomi separati da virgole>")),
        "agenda": "Ordine del giorno",
        "items": ("<primo argomento> (15 min)", "<secondo argomento> (20 min)", "<terzo argomento> (15 min)"),
        "note": "Un argomento per riga, con il tempo dedicato tra parentesi. Sotto ogni argomento, una riga "
                "che inizia con 'Decisione:' per ciascuna decisione presa.",
        "decision": "Decisione: <che cosa si è deciso>",
        "customer": "Punto cliente",
        "hint": "Scrivi qui, prima di chiudere la riunione. Se nulla di quanto discusso oggi tocca i clienti, scrivi 'nessuno'.",
    },
}


def _check_language(language: str) -> dict[str, object]:
    if language not in _TEMPLATE:
        raise DataError(_("No minutes template in {language}; choose one of {languages}.").format(
            language=repr(language), languages=list(LANGUAGES)))
    return _TEMPLATE[language]


def minutes_template_md(language: str = "en") -> str:
    """The minutes template as Markdown, with the mandatory customer item at the end.

    Example
    -------
    >>> "## Customer item" in minutes_template_md("en"), "## Punto cliente" in minutes_template_md("it")
    (True, True)
    """
    t = _check_language(language)
    lines = [f"# {t['title']}", ""]
    lines += [f"{k}: {v}" for k, v in t["facts"]]  # type: ignore[misc]
    lines += ["", f"## {t['agenda']}", "", f"_{t['note']}_", ""]
    for pos, item in enumerate(t["items"], start=1):  # type: ignore[arg-type]
        lines.append(f"{pos}. {item}")
        if pos == 1:
            lines.append(f"   - {t['decision']}")
    lines += ["", f"## {t['customer']}", "", f"**{CUSTOMER_QUESTION[language]}**", "", str(t["hint"]), ""]
    return "\n".join(lines)


@lru_cache(maxsize=4)
def minutes_template_docx(language: str = "en") -> bytes:
    """The minutes template as a Word document (.docx), with the mandatory customer item."""
    import docx

    t = _check_language(language)
    document = docx.Document()
    document.core_properties.title = str(t["title"])
    document.add_heading(str(t["title"]), level=1)
    for key, value in t["facts"]:  # type: ignore[misc]
        document.add_paragraph(f"{key}: {value}")
    document.add_heading(str(t["agenda"]), level=2)
    document.add_paragraph(str(t["note"])).runs[0].italic = True
    for pos, item in enumerate(t["items"], start=1):  # type: ignore[arg-type]
        document.add_paragraph(str(item), style="List Number")
        if pos == 1:
            document.add_paragraph(str(t["decision"]), style="List Bullet 2")
    document.add_heading(str(t["customer"]), level=2)
    document.add_paragraph().add_run(CUSTOMER_QUESTION[language]).bold = True
    document.add_paragraph(str(t["hint"]))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
