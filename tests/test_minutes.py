"""Parser tests for cs_metrics.minutes on real-looking minutes in English and Italian."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
import pytest

from cs_metrics import meetings as mt
from cs_metrics import minutes as mn

SAMPLES = Path(__file__).resolve().parent / "data" / "minutes"


def build_docx_minutes() -> bytes:
    """Minutes of a marketing review written the way people write them in Word: a title, facts,
    topics as numbered-list paragraphs with a decision bullet under one, a table for two more
    topics, and the customer item as a heading."""
    document = docx.Document()
    document.add_heading("Marketing monthly review – 14 May 2026", level=1)
    document.add_paragraph("Department: Marketing")
    document.add_paragraph("Type: department")
    document.add_paragraph("Duration: 75 min")
    document.add_paragraph("Attendees: Chiara Galli, Ben Carter, Ida Lund, Omar Haddad")
    document.add_heading("Agenda", level=2)
    document.add_paragraph("Campaign calendar for June (20 min)", style="List Number")
    document.add_paragraph("Newsletter unsubscribe rate after the spring sale (15 min)", style="List Number")
    document.add_paragraph("Decision: send the newsletter every two weeks instead of weekly.", style="List Bullet 2")
    document.add_paragraph("Testimonials from customers for the new website (20 min)", style="List Number")
    table = document.add_table(rows=3, cols=2)
    for row, (topic, minutes) in zip(table.rows, (("Topic", "Minutes"), ("Agency contract renewal", "10"), ("Trade fair stand", "5 min"))):
        row.cells[0].text, row.cells[1].text = topic, minutes
    document.add_heading("Customer item", level=2)
    document.add_paragraph(mt.CUSTOMER_QUESTION["en"])
    document.add_paragraph("Fewer newsletters, as unsubscribing customers asked; their own stories on the new site.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_parse_english_markdown_minutes():
    p = mn.parse_minutes((SAMPLES / "logistics_weekly_2026-03-12_en.md").read_bytes(), filename="logistics.md")
    assert [(i.title, i.minutes) for i in p.items] == [
        ("Warehouse shift planning for April", 15.0),
        ("Late deliveries to customers in the South", 20.0),
        ("Forklift maintenance contract", 10.0),
        ("Customer complaints about damaged parcels", 10.0),
    ]
    assert (p.held_on, p.department, p.meeting_type, p.duration_minutes, p.attendees) == (
        dt.date(2026, 3, 12), "Logistics", "department", 60, 5
    )
    assert [d.item for d in p.decisions] == [0, 1, 3]
    assert p.decisions[1].text.startswith("Move the carrier cut-off to 6 pm")
    assert p.customer_item_found and p.customer_item_text.startswith("Moving the cut-off to 6 pm")
    assert p.language == "en" and p.warnings == ()
    assert p.agenda_minutes == 55.0


def test_parse_italian_text_minutes():
    p = mn.parse_minutes((SAMPLES / "verbale_amministrazione_2026-02-05_it.txt").read_bytes(), filename="verbale.txt")
    assert [(i.title, i.minutes) for i in p.items] == [
        ("Chiusura contabile di gennaio", 20.0),  # written (20')
        ("Solleciti di pagamento ai clienti in ritardo", 15.0),
        ("Rinnovo della polizza assicurativa", 10.0),
        ("Errori nelle fatture segnalati dai clienti", 15.0),
    ]
    assert (p.held_on, p.department, p.meeting_type, p.duration_minutes, p.attendees) == (
        dt.date(2026, 2, 5), "Administration", "department", 60, 3  # Durata: 1 h
    )
    assert [d.item for d in p.decisions] == [1, 3]
    assert p.customer_item_found and "numero d'ordine" in p.customer_item_text
    assert p.language == "it"


def test_parse_italian_markdown_with_heading_items_and_decisions_section():
    p = mn.parse_minutes((SAMPLES / "cda_2026-04-20_it.md").read_bytes(), filename="cda.md")
    assert [(i.title, i.minutes) for i in p.items] == [
        ("Risultati del primo trimestre", 30.0),
        ("Andamento dell'abbandono dei clienti", 25.0),
        ("Piano investimenti in magazzino", 20.0),
    ]
    assert (p.held_on, p.department, p.meeting_type, p.duration_minutes) == (dt.date(2026, 4, 20), "Board", "board", 90)
    assert [(d.text[:20], d.item) for d in p.decisions] == [("ogni cliente che dis", 1), ("Approvato il piano i", None)]
    # "Nessuno" (none) is a valid answer: the item is filled.
    assert p.customer_item_text.startswith("Nessuno oggi")


def test_parse_board_minutes_without_customer_item():
    p = mn.parse_minutes((SAMPLES / "board_2026-01-27_en.txt").read_bytes(), filename="board.txt")
    assert [i.minutes for i in p.items] == [5.0, 40.0, 45.0, 20.0, 5.0]  # "- 5 min" and "(40 min)"
    assert p.items[0].title == "Approval of the previous minutes"
    assert (p.held_on, p.department, p.duration_minutes, p.attendees) == (dt.date(2026, 1, 27), "Board", 120, 7)
    assert not p.customer_item_found and p.customer_item_text is None
    assert any("no customer item" in w for w in p.warnings)
    assert p.decisions == (mn.ProposedDecision("budget approved with a 3% cut to travel.", 2),)


def test_parse_word_minutes_with_lists_and_table():
    p = mn.parse_minutes(build_docx_minutes(), filename="marketing.docx")
    assert [(i.title, i.minutes) for i in p.items] == [
        ("Campaign calendar for June", 20.0),
        ("Newsletter unsubscribe rate after the spring sale", 15.0),
        ("Testimonials from customers for the new website", 20.0),
        ("Agency contract renewal", 10.0),
        ("Trade fair stand", 5.0),
    ]
    assert (p.held_on, p.department, p.duration_minutes, p.attendees) == (dt.date(2026, 5, 14), "Marketing", 75, 4)
    assert p.decisions == (mn.ProposedDecision("send the newsletter every two weeks instead of weekly.", 1),)
    assert p.customer_item_text.startswith("Fewer newsletters")


def test_minutes_over_duration_is_reported():
    text = "Date: 2026-03-02\nDuration: 30 min\n1. Budget (20 min)\n2. Hiring (20 min)\nCustomer item: none"
    p = mn.parse_minutes(text.encode(), filename="short.txt")
    assert p.warnings == (
        "The agenda items add up to 40 minutes but the meeting lasted 30 minutes; correct the minutes or the duration before saving.",
    )
    assert p.customer_item_text == "none"
    draft = mn.proposed_draft(p, held_on=dt.date(2026, 3, 2))
    assert "more than the meeting lasted" in " ".join(mt.meeting_problems(draft, today=dt.date(2026, 3, 2)))


@pytest.mark.parametrize(
    "raw, title, minutes",
    [
        ("Budget (15 min)", "Budget", 15.0),
        ("Budget [20 minutes]", "Budget", 20.0),
        ("Budget (10')", "Budget", 10.0),
        ("Bilancio (1,5 ore)", "Bilancio", 90.0),
        ("Bilancio (30 minuti)", "Bilancio", 30.0),
        ("Budget - 5 min", "Budget", 5.0),
        ("Budget", "Budget", None),
        ("Top 10 customers (25 min)", "Top 10 customers", 25.0),
    ],
)
def test_split_minutes(raw, title, minutes):
    assert mn.split_minutes(raw) == (title, minutes)


def _zip_without_word() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "not a word document")
    return out.getvalue()


@pytest.mark.parametrize(
    "data, name, message",
    ids=["empty", "blank", "too-big", "text-as-docx", "zip-not-word", "pdf-as-txt", "binary", "doc", "pdf", "no-items"],
    argvalues=
    [
        (b"", "empty.txt", "is empty"),
        (b"   \n\n  ", "blank.md", "is empty"),
        (b"x" * (mn.MAX_BYTES + 1), "huge.txt", "the limit is 2 MB"),
        (b"Plain text pretending to be Word", "fake.docx", "not a Word document"),
        (_zip_without_word(), "archive.docx", "not a readable Word document"),
        (b"%PDF-1.7 binary", "scan.txt", "not a text file"),
        (bytes(range(256)) * 4, "noise.md", "not readable text"),
        (b"1. Budget", "minutes.doc", "old Word"),
        (b"1. Budget", "minutes.pdf", "upload a .txt, .md or .docx"),
        (b"We met and talked about many things.\nThen we left.", "chat.txt", "No agenda items were found"),
    ],
)
def test_bad_files_get_a_message(data, name, message):
    """Each bad upload raises MinutesError whose message names the problem and the fix."""
    with pytest.raises(mn.MinutesError, match=message):
        mn.parse_minutes(data, filename=name)


def test_cp1252_text_is_read():
    p = mn.parse_minutes("1. Qualità del servizio (10 min)".encode("cp1252"), filename="old.txt")
    assert p.items == (mn.ProposedItem("Qualità del servizio", 10.0),)


def test_proposed_draft_uses_suggestions_and_fallbacks():
    p = mn.parse_minutes((SAMPLES / "logistics_weekly_2026-03-12_en.md").read_bytes(), filename="l.md")
    draft = mn.proposed_draft(p, held_on=dt.date(2026, 3, 20))
    assert draft.held_on == dt.date(2026, 3, 12) and draft.department == "Logistics"
    assert [i.relevance for i in draft.items] == ["none", "direct", "none", "direct"]
    assert {i.relevance_source for i in draft.items} == {"suggestion"}
    assert [d.item for d in draft.decisions] == [0, 1, 3] and {d.cx_impact for d in draft.decisions} == {"neutral"}
    assert mt.meeting_problems(draft, today=dt.date(2026, 3, 20)) == []
    bare = mn.parse_minutes(b"1. Budget (20 min)\n2. Hiring (25 min)", filename="b.txt")
    fallback = mn.proposed_draft(bare, held_on=dt.date(2026, 3, 20), department="IT")
    assert (fallback.held_on, fallback.department, fallback.duration_minutes) == (dt.date(2026, 3, 20), "IT", 45)
