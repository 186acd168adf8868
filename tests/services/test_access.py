"""People, sign-in, checked writes and the audit trail (``cs_metrics.services.access``), and the Data
page's writes (imports, restore, export, clear, reset, demo, mappings, new vocabulary values)
recorded row by row; an export and restore keep the trail."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from cs_metrics.access import LOCAL, Actor, Refused
from cs_metrics.errors import ConfigurationError, DataError
from cs_metrics.services import access, data
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import access as qa
from tests.storage.ingest.conftest import CUSTOMERS, TODAY, new_engine

ADMIN = Actor("ada@example.com", "Ada Admin", "admin")
VIEWER = Actor("vic@example.com", "Vic Viewer", "viewer")
EDITOR = Actor("eddie@example.com", "Eddie", "editor")
NOW = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)


def trail(engine):
    """The audit trail oldest first, as plain tuples (action, outcome, actor, role, records, summary)."""
    frame = qa.audit_events(engine).iloc[::-1]
    return [tuple(r) for r in frame[["action", "outcome", "actor", "actor_role", "records", "summary"]].itertuples(
        index=False)]


def customers(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(m.Customer)).scalar_one()


# --- configuration and sign-in -------------------------------------------------------------------


def test_a_sign_in_expires_after_the_session_hours():
    eight = access.Settings(session_hours=8)
    # Issued at t=0: 8 h = 28,800 s is the last second of the session.
    assert not eight.expired(0.0, 28_800.0) and eight.expired(0.0, 28_801.0)
    assert not eight.expired(None, 1e9)  # a provider that does not say when: the cookie's own limit
    assert not access.Settings(session_hours=0).expired(0.0, 1e9)


def test_settings_read_admins_and_default_role():
    s = access.Settings.from_env({"OUTSIDE_IN_ADMINS": " Ada@Example.com, bo@example.com ,",
                                  "OUTSIDE_IN_DEFAULT_ROLE": "None"})
    assert s == access.Settings(frozenset({"ada@example.com", "bo@example.com"}), "none")
    assert access.Settings.from_env({}) == access.Settings(frozenset(), "viewer", 12.0)
    assert access.Settings.from_env({"OUTSIDE_IN_SESSION_HOURS": "0"}).session_hours == 0
    with pytest.raises(ConfigurationError, match="OUTSIDE_IN_SESSION_HOURS is 'a day'"):
        access.Settings.from_env({"OUTSIDE_IN_SESSION_HOURS": "a day"})
    with pytest.raises(ConfigurationError, match="not an e-mail address"):
        access.Settings.from_env({"OUTSIDE_IN_ADMINS": "ada"})
    with pytest.raises(ConfigurationError, match="OUTSIDE_IN_DEFAULT_ROLE is 'boss'"):
        access.Settings.from_env({"OUTSIDE_IN_DEFAULT_ROLE": "boss"})


def test_first_sign_in_stores_the_person_with_the_default_role_and_records_it(engine):
    who = access.sign_in(engine, email="Nina@Example.com", name="Nina", settings=access.Settings(), now=NOW)
    assert (who.email, who.name, who.role, who.teams) == ("nina@example.com", "Nina", "viewer", frozenset())
    assert trail(engine) == [("people.sign_in", "done", "nina@example.com", "viewer", "nina@example.com",
                              "first sign-in, role viewer")]
    # The second sign-in finds the stored person: no new audit row.
    assert access.sign_in(engine, email="nina@example.com", settings=access.Settings(), now=NOW).role == "viewer"
    assert len(trail(engine)) == 1


def test_configured_admins_are_admins_and_unknown_people_can_be_refused(engine):
    settings = access.Settings(frozenset({"ada@example.com"}), "none")
    assert access.sign_in(engine, email="ada@example.com", name="Ada", settings=settings, now=NOW).role == "admin"
    with pytest.raises(Refused, match="has not been given access"):
        access.sign_in(engine, email="stranger@example.com", settings=settings, now=NOW)
    assert qa.find_person(engine, "stranger@example.com") is None
    assert trail(engine) == [
        ("people.sign_in", "done", "ada@example.com", "admin", "ada@example.com", "admin from OUTSIDE_IN_ADMINS (was new)"),
        ("people.refused", "refused", "stranger@example.com", "none", "stranger@example.com",
         "not appointed, and unknown people are refused"),
    ]
    with pytest.raises(Refused, match="did not give an e-mail address"):
        access.sign_in(engine, email="", settings=settings, now=NOW)


def test_an_appointed_role_and_team_apply_at_once_and_removal_ends_access(engine):
    engine_teams(engine, ("Support", "Service"), ("Sales", "Revenue"))
    nina = access.sign_in(engine, email="nina@example.com", settings=access.Settings(), now=NOW)
    access.save_person(engine, email="nina@example.com", name="Nina", role="member", teams=("Support",), actor=ADMIN,
                       now=NOW)
    now = access.refresh(engine, nina, access.Settings())
    assert (now.role, now.teams, now.departments) == ("member", frozenset({"Support"}), frozenset({"Service"}))
    access.remove_person(engine, "nina@example.com", actor=ADMIN)
    with pytest.raises(Refused, match="access to Outside In was removed"):
        access.refresh(engine, now, access.Settings())
    assert trail(engine)[1:] == [
        ("people.manage", "done", "ada@example.com", "admin", "nina@example.com",
         "viewer, teams none -> member, teams Support"),
        ("people.manage", "done", "ada@example.com", "admin", "nina@example.com", "member, teams Support -> removed"),
    ]


def engine_teams(engine, *teams: tuple[str, str]) -> None:
    with engine.begin() as conn:
        conn.execute(m.Team.__table__.insert(), [{"name": n, "department": d, "kind": "customer_facing"}
                                                 for n, d in teams])


def test_people_changes_are_checked_and_explained(engine):
    engine_teams(engine, ("Support", "Service"))
    with pytest.raises(Refused, match="Only an admin may appoint people"):
        access.save_person(engine, email="x@example.com", name="", role="admin", teams=(), actor=EDITOR)
    for kwargs, words in [
        ({"email": "no-at-sign"}, "is not an e-mail address"),
        ({"role": "owner"}, "Choose a role"),
        ({"teams": ("Finance",)}, "No team is called Finance"),
        ({"email": "ada@example.com", "role": "viewer"}, "cannot remove your own admin role"),
    ]:
        args = {"email": "x@example.com", "name": "", "role": "member", "teams": ()} | kwargs
        with pytest.raises(DataError, match=words):
            access.save_person(engine, actor=ADMIN, **args)
    with pytest.raises(DataError, match="cannot remove yourself"):
        access.remove_person(engine, "ada@example.com", actor=ADMIN)
    assert qa.people(engine).empty
    # Only the editor's attempt reached the trail: a refusal is recorded, an invalid input is not.
    assert trail(engine) == [("people.manage", "refused", "eddie@example.com", "editor", "x@example.com",
                              "Only an admin may appoint people and change their roles; you are signed in as an "
                              "editor. Nothing was written.")]


# --- the trail itself ------------------------------------------------------------------------------


def test_write_records_done_and_refused_but_not_a_failed_validation(engine):
    with access.write(engine, ADMIN, "data.clear", records="r") as entry:
        entry.summary = "s"
    with pytest.raises(Refused):
        with access.write(engine, VIEWER, "data.clear", records="r"):
            raise AssertionError("a refused write never runs")
    with pytest.raises(DataError):
        with access.write(engine, ADMIN, "data.clear"):
            raise DataError("bad input")
    assert [(a, o, who) for a, o, who, *_ in trail(engine)] == [
        ("data.clear", "done", "ada@example.com"), ("data.clear", "refused", "vic@example.com")]


def test_the_trail_is_filtered_for_admins_only(engine):
    for at, who, action, outcome in [(dt.datetime(2026, 10, 1, 12, tzinfo=dt.UTC), "ada@example.com", "data.import", "done"),
                                     (dt.datetime(2026, 10, 2, 12, tzinfo=dt.UTC), "vic@example.com", "data.clear", "refused"),
                                     (dt.datetime(2026, 10, 3, 12, tzinfo=dt.UTC), "ada@example.com", "data.clear", "done")]:
        qa.append_event(engine, at=at, actor=who, actor_role="admin", action=action, outcome=outcome)
    def pick(**kw):
        return list(access.audit_trail(engine, actor=ADMIN, **kw)["at"].dt.day)
    assert pick() == [3, 2, 1]  # newest first
    assert pick(start=dt.date(2026, 10, 2), end=dt.date(2026, 10, 2)) == [2]
    assert pick(who="ADA") == [3, 1]
    assert pick(actions=("data.clear",), outcome="done") == [3]
    with pytest.raises(Refused, match="Only an admin may read the audit trail"):
        access.audit_trail(engine, actor=EDITOR)


def test_the_trail_as_csv_defuses_formulas():
    import pandas as pd

    text = access.audit_csv(pd.DataFrame({"records": ["=HYPERLINK(\"x\")", "plain"], "n": [1, 2]})).decode("utf-8-sig")
    # neutralise() prefixes text that a spreadsheet would run with a single quote (see storage.export).
    assert text.splitlines() == ["records,n", "\"'=HYPERLINK(\"\"x\"\")\",1", "plain,2"]


# --- the Data page's writes, one kind at a time -------------------------------------------------


@pytest.fixture()
def db_engine():
    engine = new_engine()
    yield engine
    engine.dispose()


def test_an_import_is_recorded_with_its_file_and_counts(db_engine):
    report = data.commit(db_engine, "customers", CUSTOMERS.encode(), filename="crm.csv", today=TODAY, actor=ADMIN)
    assert report.committed
    # CUSTOMERS holds two new customers (C1, C2).
    assert trail(db_engine) == [("data.import", "done", "ada@example.com", "admin", "Customers: crm.csv",
                                 "2 added, 0 updated, 0 unchanged")]
    history = data.import_history(db_engine)
    assert history.iloc[0]["who"] == "ada@example.com"


def test_a_viewer_import_writes_nothing_and_is_recorded(db_engine):
    with pytest.raises(Refused, match="Only an admin may import data; you are signed in as a viewer"):
        data.commit(db_engine, "customers", CUSTOMERS.encode(), filename="crm.csv", today=TODAY, actor=VIEWER)
    assert customers(db_engine) == 0
    assert trail(db_engine)[0][:5] == ("data.import", "refused", "vic@example.com", "viewer", "Customers: crm.csv")


def test_clear_reset_demo_and_export_are_recorded_and_keep_people_and_the_trail(db_engine):
    data.commit(db_engine, "customers", CUSTOMERS.encode(), filename="crm.csv", today=TODAY, actor=ADMIN)
    access.save_person(db_engine, email="nina@example.com", name="Nina", role="viewer", teams=(), actor=ADMIN)
    archive = data.export_zip(db_engine, actor=ADMIN)
    data.clear_data(db_engine, actor=ADMIN)
    result = data.load_demo(db_engine, actor=ADMIN, customers=60, replace=True, seed=7, as_of=dt.date(2026, 10, 31))
    before_reset = int(data.table_counts(db_engine)["rows"].sum())
    data.reset_database(db_engine, actor=ADMIN)
    assert customers(db_engine) == 0
    assert list(qa.people(db_engine)["email"]) == ["nina@example.com"]  # people survive a reset
    rows = trail(db_engine)
    assert [r[0] for r in rows] == ["data.import", "people.manage", "data.export", "data.clear", "data.demo",
                                    "data.reset"]
    assert rows[2][5] == f"{len(archive) / 1e6:,.1f} MB archive"
    # Before the clear, the data rows among table_counts' entities: the 2 customers (the health model
    # and the import log's row stay, so they are not counted).
    assert rows[3][5] == "2 data rows -> 0 (customers 2 -> 0)"
    # A reset deletes every counted row (the demo's, the models, the import log).
    assert rows[5][5] == f"{before_reset:,} rows -> the default health model and vocabularies"
    assert rows[4][5] == f"customers 0 -> {result['customer']:,} (demo company)"


def test_mapping_and_new_values_are_recorded(db_engine):
    data.save_mapping(db_engine, "customers", "HubSpot", {"customer_id": "Record ID"}, actor=ADMIN)
    data.save_mapping(db_engine, "customers", "HubSpot", {"customer_id": "Company ID"}, actor=ADMIN)
    added = data.add_new_values(db_engine, "segment", ["Public sector"], actor=ADMIN)
    assert added == 1
    assert trail(db_engine) == [
        ("data.mapping", "done", "ada@example.com", "admin", "mapping 'HubSpot' of customers", "new"),
        ("data.mapping", "done", "ada@example.com", "admin", "mapping 'HubSpot' of customers", "replaced"),
        ("data.vocabulary", "done", "ada@example.com", "admin", "vocabulary segment", "1 added: Public sector"),
    ]
    with pytest.raises(Refused):
        data.save_mapping(db_engine, "customers", "Other", {"customer_id": "Id"}, actor=EDITOR)


def test_export_and_restore_keep_the_trail_and_record_the_restore(db_engine):
    data.commit(db_engine, "customers", CUSTOMERS.encode(), filename="crm.csv", today=TODAY, actor=ADMIN)
    archive = data.export_zip(db_engine, actor=ADMIN)        # the archive holds the import row
    data.clear_data(db_engine, actor=ADMIN)                   # recorded after the export
    report = data.commit(db_engine, data.ARCHIVE, archive, filename="backup.zip", actor=ADMIN, replace=True)
    assert report.committed and customers(db_engine) == 2
    # Nothing lost, nothing doubled: import and export (already held) once each, the clear, then the restore.
    assert [r[0] for r in trail(db_engine)] == ["data.import", "data.export", "data.clear", "data.restore"]
    # A fresh database restored from the archive gets the archive's trail, then its own restore row.
    other = new_engine()
    data.commit(other, data.ARCHIVE, archive, filename="backup.zip", actor=LOCAL)
    assert [r[:3] for r in trail(other)] == [("data.import", "done", "ada@example.com"),
                                             ("data.restore", "done", "Local user")]
    other.dispose()
