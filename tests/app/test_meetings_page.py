"""AppTest of the Meetings page on the demo company: headline values, logging, uploading, bad input."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP
from tests.conftest import ROOT

PAGE = "pages/meetings.py"
SAMPLE = ROOT / "tests" / "data" / "minutes" / "logistics_weekly_2026-03-12_en.md"
# The demo's reference date is 2026-10-31, so the default "Last 12 months" is this period.
START, END = "2025-11-01", "2026-10-31"


@pytest.fixture()
def open_meetings(demo_db_url, monkeypatch):
    """The app on a copy of the demo, opened directly on the Meetings page (one run)."""
    monkeypatch.setenv("DATABASE_URL", demo_db_url)

    def make() -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        at.switch_page(PAGE)
        return at.run()

    return make


def _db(url: str) -> sqlite3.Connection:
    return sqlite3.connect(url.removeprefix("sqlite:///"))


def _totals(url: str, start: str = START, end: str = END) -> dict[str, float]:
    """The totals of the days ``start`` to ``end`` (both included), straight from the tables
    (independent of the app's queries)."""
    with _db(url) as con:
        meetings, filled = con.execute(
            "SELECT COUNT(*), SUM(customer_item_filled) FROM meeting WHERE held_on BETWEEN ? AND ?",
            (start, end),
        ).fetchone()
        items, agenda, customer = con.execute(
            "SELECT COUNT(*), SUM(COALESCE(minutes, 0)), SUM(CASE WHEN relevance IN ('direct', 'indirect') "
            "THEN COALESCE(minutes, 0) ELSE 0 END) FROM agenda_item a JOIN meeting m ON m.id = a.meeting_id "
            "WHERE m.held_on BETWEEN ? AND ?", (start, end),
        ).fetchone()
        favours, worsens = con.execute(
            "SELECT SUM(cx_impact = 'favours'), SUM(cx_impact = 'worsens') FROM decision d "
            "JOIN meeting m ON m.id = d.meeting_id WHERE m.held_on BETWEEN ? AND ?", (start, end),
        ).fetchone()
    return {"meetings": meetings, "filled": filled, "items": items, "agenda": agenda, "customer": customer,
            "favours": favours, "worsens": worsens}


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _n_caption(at) -> str:
    return next(c.value for c in at.caption if c.value.startswith("n = "))


def test_headline_matches_the_tables(open_meetings, demo_db_url):
    at = open_meetings()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Meetings"
    t = _totals(demo_db_url)
    values = _metrics(at)
    assert values["Agenda time about customers"] == f"{t['customer'] / t['agenda']:.1%}"
    assert values["Minutes with the customer item filled"] == f"{t['filled'] / t['meetings']:.1%}"
    assert values["Favour / worsen per meeting"] == f"{t['favours'] / t['meetings']:.2f} / {t['worsens'] / t['meetings']:.2f}"
    assert _n_caption(at).startswith(f"n = {t['meetings']:,} meetings · {t['items']:,} agenda items · {t['agenda']:,.0f} min of agenda")
    # The heatmap, the trend and the decisions chart are drawn.
    assert len(at.get("plotly_chart")) == 3


def test_another_period_is_sliced_from_the_meetings_read_once(open_meetings, demo_db_url):
    at = open_meetings()  # the default period reads every meeting; a new period reads none again
    at.session_state["filter_period_preset"] = "Custom"
    at.session_state["filter_period_range"] = (dt.date(2025, 3, 1), dt.date(2025, 8, 31))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    t = _totals(demo_db_url, "2025-03-01", "2025-08-31")
    values = _metrics(at)
    assert values["Agenda time about customers"] == f"{t['customer'] / t['agenda']:.1%}"
    assert values["Minutes with the customer item filled"] == f"{t['filled'] / t['meetings']:.1%}"
    per_meeting = f"{t['favours'] / t['meetings']:.2f} / {t['worsens'] / t['meetings']:.2f}"
    assert values["Favour / worsen per meeting"] == per_meeting
    assert _n_caption(at).startswith(
        f"n = {t['meetings']:,} meetings · {t['items']:,} agenda items · {t['agenda']:,.0f} min of agenda")


def test_logging_a_meeting_with_three_items_moves_the_metrics_exactly(open_meetings, demo_db_url):
    at = open_meetings()
    before = _totals(demo_db_url)
    at.text_input(key="mtg_title").input("Customer Success weekly")
    at.date_input(key="mtg_date").set_value(dt.date(2026, 10, 15))
    at.selectbox(key="mtg_department").set_value("Customer Success")
    at.number_input(key="mtg_duration").set_value(60)
    rows = [
        ("Renewal risk of our ten largest accounts", 20.0, "suggested"),  # the suggestion: direct
        ("Team holiday planning", 10.0, "none"),
        ("Help centre articles for the new release", 25.0, "indirect"),
    ]
    for i, (title, minutes, choice) in enumerate(rows):
        at.text_input(key=f"mtg_item_title_{i}").input(title)
        at.number_input(key=f"mtg_item_minutes_{i}").set_value(minutes)
        at.selectbox(key=f"mtg_item_rel_{i}").set_value(choice)
    at.text_area(key="mtg_customer_text").input("Call the accounts at risk this week.")
    at.number_input(key="mtg_n_decisions").set_value(1)
    at.run()
    at.text_input(key="mtg_dec_text_0").input("Call every account at risk within a week")
    at.selectbox(key="mtg_dec_impact_0").set_value("favours")
    at.selectbox(key="mtg_dec_item_0").set_value(0)
    at.button(key="mtg_save").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("saved with 3 agenda item(s) and 1 decision(s)" in s.value for s in at.success)

    # Hand calculation: one more meeting, 3 more items, 55 more agenda minutes of which 45
    # (20 direct + 25 indirect) about customers, the customer item filled, one favouring decision.
    meetings, agenda, customer = before["meetings"] + 1, before["agenda"] + 55, before["customer"] + 45
    values = _metrics(at)
    assert values["Agenda time about customers"] == f"{customer / agenda:.1%}"
    assert values["Minutes with the customer item filled"] == f"{(before['filled'] + 1) / meetings:.1%}"
    assert values["Favour / worsen per meeting"] == (
        f"{(before['favours'] + 1) / meetings:.2f} / {before['worsens'] / meetings:.2f}"
    )
    assert _n_caption(at).startswith(
        f"n = {meetings:,} meetings · {before['items'] + 3:,} agenda items · {agenda:,.0f} min of agenda, {customer:,.0f} min about customers"
    )
    with _db(demo_db_url) as con:
        stored = con.execute(
            "SELECT a.title, a.minutes, a.relevance, a.relevance_source FROM agenda_item a JOIN meeting m "
            "ON m.id = a.meeting_id WHERE m.id = (SELECT MAX(id) FROM meeting) ORDER BY a.position"
        ).fetchall()
    assert stored == [
        ("Renewal risk of our ten largest accounts", 20.0, "direct", "suggestion"),
        ("Team holiday planning", 10.0, "none", "person"),
        ("Help centre articles for the new release", 25.0, "indirect", "person"),
    ]


def test_upload_minutes_propose_confirm_store(open_meetings, demo_db_url):
    at = open_meetings()
    before = _totals(demo_db_url)
    at.file_uploader[0].set_value((SAMPLE.name, SAMPLE.read_bytes(), "text/markdown"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("4 agenda item(s) proposed" in i.value for i in at.info)
    assert [at.text_input(key=f"mtg_item_title_{i}").value for i in range(4)] == [
        "Warehouse shift planning for April", "Late deliveries to customers in the South",
        "Forklift maintenance contract", "Customer complaints about damaged parcels",
    ]
    assert at.selectbox(key="mtg_department").value == "Logistics"
    assert at.date_input(key="mtg_date").value == dt.date(2026, 3, 12)
    with _db(demo_db_url) as con:  # nothing stored before the person confirms
        assert con.execute("SELECT COUNT(*) FROM meeting").fetchone()[0] == 400
    # The person corrects one decision's effect, then confirms.
    at.selectbox(key="mtg_dec_impact_1").set_value("favours")
    at.button(key="mtg_save").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    with _db(demo_db_url) as con:
        meeting = con.execute(
            "SELECT id, department, duration_minutes, attendees, customer_item_filled FROM meeting ORDER BY id DESC LIMIT 1"
        ).fetchone()
        items = con.execute(
            "SELECT relevance, relevance_source, minutes FROM agenda_item WHERE meeting_id = ? ORDER BY position", (meeting[0],)
        ).fetchall()
        decisions = con.execute("SELECT cx_impact FROM decision WHERE meeting_id = ? ORDER BY id", (meeting[0],)).fetchall()
    assert meeting[1:] == ("Logistics", 60, 5, 1)
    assert items == [("none", "suggestion", 15.0), ("direct", "suggestion", 20.0),
                     ("none", "suggestion", 10.0), ("direct", "suggestion", 10.0)]
    assert decisions == [("neutral",), ("favours",), ("neutral",)]
    assert _totals(demo_db_url)["meetings"] == before["meetings"] + 1
    assert _n_caption(at).startswith(f"n = {before['meetings'] + 1:,} meetings")


def test_bad_input_gets_a_message_and_stores_nothing(open_meetings, demo_db_url):
    at = open_meetings()
    at.file_uploader[0].set_value(("minutes.docx", b"this is not a Word file", "application/octet-stream"))
    at.run()
    assert any("not a Word document" in e.value for e in at.error)
    # A meeting whose items add up to more than its duration is refused with the reason.
    at.number_input(key="mtg_duration").set_value(30)
    at.text_input(key="mtg_item_title_0").input("Budget")
    at.number_input(key="mtg_item_minutes_0").set_value(25.0)
    at.text_input(key="mtg_item_title_1").input("Hiring")
    at.number_input(key="mtg_item_minutes_1").set_value(20.0)
    at.button(key="mtg_save").click()
    at.run()
    assert not at.exception
    assert any("Nothing was saved" in e.value and "more than the meeting lasted" in e.value for e in at.error)
    with _db(demo_db_url) as con:
        assert con.execute("SELECT COUNT(*) FROM meeting").fetchone()[0] == 400


def test_period_without_meetings_shows_an_empty_state(open_meetings):
    at = open_meetings()
    at.session_state["filter_period_preset"] = "Custom"
    at.session_state["filter_period_range"] = (dt.date(2021, 1, 1), dt.date(2021, 3, 31))
    at.run()
    assert not at.exception
    assert any("No meetings were logged in this period" in i.value for i in at.info)
    assert not at.metric


def test_edit_a_logged_meeting(open_meetings, demo_db_url):
    at = open_meetings()
    with _db(demo_db_url) as con:
        meeting_id, n_items = con.execute(
            "SELECT m.id, COUNT(a.id) FROM meeting m JOIN agenda_item a ON a.meeting_id = m.id "
            "GROUP BY m.id ORDER BY m.id DESC LIMIT 1"
        ).fetchone()
    at.selectbox(key="mtg_pick").set_value(meeting_id)
    at.run()
    next(b for b in at.button if b.label == "Edit this meeting").click()
    at.run()
    assert any(h.value == f"Edit meeting {meeting_id}" for h in at.subheader)
    assert at.number_input(key="mtg_n_items").value == n_items
    at.selectbox(key="mtg_item_rel_0").set_value("direct")
    at.text_area(key="mtg_customer_text").input("Agreed to call the two customers hit by the outage.")
    at.button(key="mtg_save").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    with _db(demo_db_url) as con:
        assert con.execute("SELECT COUNT(*) FROM meeting").fetchone()[0] == 400
        first = con.execute(
            "SELECT relevance, relevance_source FROM agenda_item WHERE meeting_id = ? ORDER BY position LIMIT 1", (meeting_id,)
        ).fetchone()
        filled, text = con.execute("SELECT customer_item_filled, customer_item_text FROM meeting WHERE id = ?", (meeting_id,)).fetchone()
    assert first == ("direct", "person")
    assert (filled, text) == (1, "Agreed to call the two customers hit by the outage.")


def test_long_tables_show_their_first_hundred_rows_with_the_count(open_meetings, demo_db_url):
    """The skipped-item list and the decisions ledger send at most 100 rows, newest first, say how
    many there are and offer them all as CSV (counts and rows read here from the tables)."""
    at = open_meetings()
    assert not at.exception, [e.value for e in at.exception]
    with _db(demo_db_url) as con:
        skipped = con.execute("SELECT held_on, title FROM meeting WHERE customer_item_filled = 0 AND held_on BETWEEN ? "
                              "AND ? ORDER BY held_on DESC, id DESC", (START, END)).fetchall()
        decisions = con.execute("SELECT d.text FROM decision d JOIN meeting m ON m.id = d.meeting_id WHERE m.held_on "
                                "BETWEEN ? AND ? ORDER BY m.held_on DESC, d.id DESC", (START, END)).fetchall()
    assert len(skipped) > 100 and len(decisions) > 100  # the demo company has more of both than one table shows
    captions = [c.value for c in at.caption]
    assert f"{len(skipped):,} meeting(s) left the customer item empty." in captions
    table = next(d.value for d in at.dataframe if "duration_minutes" in d.value.columns)
    assert table["title"].tolist() == [t for _, t in skipped[:100]]
    assert f"Showing the first 100 of {len(skipped):,} meetings; download them all to see the rest." in captions
    ledger = next(d.value for d in at.dataframe if "cx_impact" in d.value.columns)
    assert ledger["text"].tolist() == [t for (t,) in decisions[:100]]
    assert f"Showing the first 100 of {len(decisions):,} decisions; download them all to see the rest." in captions
    labels = [b.proto.label for b in at.get("download_button")]
    assert f"Download all {len(skipped):,} (CSV)" in labels and f"Download all {len(decisions):,} (CSV)" in labels


# --- roles: who sees the logging form, and which departments it offers --------------------------

VIEWER_CAPTION = "Only members (for their own department's meetings), editors and admins log or edit meetings."


def _audit(url: str) -> list[tuple]:
    with _db(url) as con:
        return con.execute("SELECT actor, actor_role, action, outcome, records, summary FROM audit_event "
                           "ORDER BY id DESC").fetchall()


def test_a_viewer_sees_the_figures_but_no_form(app_as):
    at = app_as("viewer", PAGE)
    assert not at.exception, [e.value for e in at.exception]
    assert at.metric  # the customer share is shown
    keys = {w.key for w in at.selectbox} | {b.key for b in at.button}
    assert not {"mtg_department", "mtg_pick", "mtg_save"} & keys
    assert not at.file_uploader
    assert VIEWER_CAPTION in [c.value for c in at.caption]


def test_a_member_logs_only_their_own_departments_meetings(app_as):
    # A team of the demo company and its department, read from the database.
    with _db(app_as.url) as con:
        team, department = con.execute("SELECT name, department FROM team ORDER BY name LIMIT 1").fetchone()
        theirs = {r[0] for r in con.execute("SELECT id FROM meeting WHERE department = ? AND held_on BETWEEN ? AND ?",
                                            (department, START, END))}
    at = app_as("member", PAGE, teams=(team,))
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="mtg_department").options == [department]
    # The meetings offered for editing are the member's department's meetings of the period (at most 300).
    picked = at.selectbox(key="mtg_pick").options
    assert picked and all(f" · {department} · " in label for label in picked)
    assert len(picked) == min(len(theirs), 300)

    at.text_input(key="mtg_title").input("Our weekly")
    at.date_input(key="mtg_date").set_value(dt.date(2026, 10, 15))
    at.text_input(key="mtg_item_title_0").input("Release planning")
    at.number_input(key="mtg_item_minutes_0").set_value(30.0)
    at.button(key="mtg_save").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    with _db(app_as.url) as con:
        new_id = con.execute("SELECT MAX(id) FROM meeting").fetchone()[0]
    # One agenda item, no decision, held 2026-10-15 in the member's department.
    assert _audit(app_as.url)[0] == ("member@example.com", "member", "meetings.edit", "done",
                                     f"meeting #{new_id} ({department}, 2026-10-15)",
                                     "new: 'Our weekly', 1 agenda item, 0 decisions")


def test_a_member_in_no_team_is_told_to_ask_an_admin(app_as):
    at = app_as("member", PAGE)
    assert not at.exception, [e.value for e in at.exception]
    assert any("ask an admin to add you to your team" in i.value for i in at.info)
    assert not {"mtg_department", "mtg_save"} & ({w.key for w in at.selectbox} | {b.key for b in at.button})


def test_an_editor_logs_meetings_of_every_department(app_as):
    from cs_metrics import vocab

    at = app_as("editor", PAGE)
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="mtg_department").options == list(vocab.DEPARTMENTS)
