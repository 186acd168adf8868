"""Entity rules: every kind of bad value, references, duplicate keys, dates in the future, and
the rows of one meeting or one submission that must agree."""

from __future__ import annotations

from sqlalchemy import func, select

from cs_metrics.storage import models as m
from tests.storage.ingest.conftest import ENTITY_FILES, commit_file, dry_file, mark_churned


def test_every_kind_of_bad_value_is_listed_with_row_column_and_value(engine):
    content = (
        "response_id,customer_id,responded_on,score,comment,touchpoint\n"
        "R1,C1,2026-05-01,11,,relationship\n"      # 2: score out of range
        "R2,C1,2026-13-01,5,,relationship\n"       # 3: no month 13
        "R3,C404,2026-05-01,5,,relationship\n"     # 4: unknown customer
        "R4,C1,2027-01-01,5,,relationship\n"       # 5: in the future (after 2026-10-31)
        "R5,C1,2026-05-01,7.5,,relationship\n"     # 6: not a whole number
        "R6,C1,2026-05-01,5,,webinar\n"            # 7: unknown touchpoint
        "R1,C1,2026-05-02,5,,relationship\n"       # 8: duplicate response id (row 2)
        "R8,C1,,5,,relationship\n"                 # 9: missing date
        f"R9,C1,2026-05-01,5,{'x' * 20001},relationship\n"  # 10: comment too long
    )
    report = dry_file(engine, "nps_responses", content)
    got = {(p.row, p.column, p.kind) for p in report.problems}
    assert got == {
        (2, "score", "out of range"), (3, "responded_on", "bad date"), (4, "customer_id", "unknown customer"),
        (5, "responded_on", "date in the future"), (6, "score", "wrong type"), (7, "touchpoint", "unknown value"),
        (8, "response_id", "duplicate key"), (9, "responded_on", "missing required value"),
        (10, "comment", "too long"),
    }
    assert next(p for p in report.problems if p.row == 10).value.endswith("…")  # long values are shortened
    frame = report.problems_frame()
    assert frame["row"].tolist() == sorted(frame["row"].tolist())
    groups = report.problem_groups().set_index("kind")["problems"]
    assert groups.sum() == 9 and groups["out of range"] == 1


def test_future_dates_are_problems_for_events_not_for_renewals(engine):
    ok = commit_file(engine, "customers", "customer_id,name,segment,region,signed_on,renewal_date\n"
                                          "C3,Verdi,SMB,Italy,2026-01-10,2030-01-10\n")
    assert ok.committed
    for entity, content in [
        ("milestones", "customer_id,kind,reached_on\nC1,kickoff,2026-11-15\n"),
        ("churn_events", "customer_id,churned_on\nC1,2026-12-01\n"),
        ("nps_responses", "responded_on,score\n2026-11-01,9\n"),
        ("customers", "customer_id,name,segment,region,signed_on\nC4,X,SMB,Italy,2026-11-02\n"),
    ]:
        report = dry_file(engine, entity, content)
        assert report.problem_counts == {"date in the future": 1}, (entity, report.problems)
    # A planned follow-up call and a follow-up due date may be in the future.
    mark_churned(engine, {"C1": "2026-10-01"})
    assert commit_file(engine, "churn_events", "customer_id,churned_on,follow_up_call_on\nC1,2026-10-01,2026-11-20\n").committed
    assert commit_file(engine, "nps_responses", "responded_on,score,follow_up_due\n2026-10-20,3,2026-11-30\n").committed


def test_anonymous_nps_answers_and_unknown_customers(engine):
    report = commit_file(engine, "nps_responses", "responded_on,score,customer_id\n2026-05-01,9,\n2026-05-02,6,C1\n")
    assert report.committed and report.inserted == 2
    with engine.connect() as conn:
        rows = conn.execute(select(m.NpsResponse.customer_id, m.NpsResponse.touchpoint)
                            .order_by(m.NpsResponse.responded_on)).all()
    assert [r.customer_id is None for r in rows] == [True, False]
    assert {r.touchpoint for r in rows} == {"relationship"}  # the default


def test_milestones_without_a_name_are_keyed_by_customer_and_kind(engine):
    report = dry_file(engine, "milestones", "customer_id,kind,reached_on\nC1,kickoff,2025-01-20\nC1,kickoff,2025-01-21\n")
    assert [(p.row, p.kind) for p in report.problems] == [(3, "duplicate key")]
    assert commit_file(engine, "milestones", "customer_id,kind,reached_on\nC1,kickoff,2025-01-20\n").committed
    again = commit_file(engine, "milestones", "customer_id,kind,reached_on\nC1,kickoff,2025-01-22\n")
    assert (again.inserted, again.updated) == (0, 1)  # the same milestone, reached on another day


def test_meeting_reimport_replaces_its_agenda(engine):
    content = ENTITY_FILES["meetings"]
    assert commit_file(engine, "meetings", content).committed
    changed = commit_file(engine, "meetings", content.replace("Rinviare la migrazione", "Anticipare la migrazione"))
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, 1)
    with engine.connect() as conn:
        decisions = conn.execute(select(m.Decision.text, m.Decision.cx_impact).order_by(m.Decision.text)).all()
        items = conn.execute(select(func.count()).select_from(m.AgendaItem)).scalar_one()
    assert decisions == [("Anticipare la migrazione", "neutral"), ("Nuovo programma clienti", "favours")]
    assert items == 3


def test_meeting_rows_must_agree_on_meeting_fields(engine):
    content = ("meeting_id,held_on,department,meeting_type,duration_minutes,item_title\n"
               "M1,2026-02-03,IT,department,60,A\nM1,2026-02-03,IT,department,45,B\n")
    report = dry_file(engine, "meetings", content)
    assert [(p.row, p.column, p.kind) for p in report.problems] == [(3, "duration_minutes", "inconsistent rows")]


def test_assessment_needs_a_known_team_and_half_steps(engine):
    report = dry_file(engine, "assessments", "round,team,respondent,role,submitted_at,dimension,stage\n"
                                             "R,Nobody,r1,manager,2026-03-01,culture,2.5\n"
                                             "R,IT Ops,r1,manager,2026-03-01,culture,2.3\n")
    # Each row is also a submission answering 1 of the 4 dimensions (rows 2 and 3).
    assert {(p.row, p.kind) for p in report.problems} == {(2, "unknown team"), (3, "out of range"),
                                                          (2, "incomplete assessment"), (3, "incomplete assessment")}


def test_churn_reason_fills_category_and_controllable(engine):
    mark_churned(engine, {"C1": "2026-09-01", "C2": "2026-09-02"})
    assert commit_file(engine, "churn_events", "customer_id,churned_on,primary_reason\nC1,2026-09-01,Customer was acquired\n"
                   "C2,2026-09-02,price\n").committed
    with engine.connect() as conn:
        rows = conn.execute(select(m.ChurnEvent.primary_reason, m.ChurnEvent.category, m.ChurnEvent.controllable)
                            .order_by(m.ChurnEvent.churned_on)).all()
    # vocab.CHURN_REASONS: acquired -> ("company event", not controllable), price -> ("commercial", controllable)
    assert rows == [("acquired", "company event", False), ("price", "commercial", True)]


def _answers(engine) -> list[tuple]:
    r = m.NpsResponse
    with engine.connect() as conn:
        return [tuple(x) for x in conn.execute(select(r.responded_on, r.responded_at, r.score)
                                               .order_by(r.responded_on, r.responded_at))]


def test_the_time_of_an_answer_keeps_anonymous_answers_of_one_day_apart(any_engine):
    import datetime as dt

    # Two anonymous answers on the same day with the same score, at different times.
    content = "Date,Score,Survey\n2017-03-01 10:15,9,Order\n2017-03-01 16:40:05,9,Order\n2017-03-02,7,Order\n"
    report = commit_file(any_engine, "nps_responses", content, add_new_values=True)
    assert report.committed and report.inserted == 3
    utc = dt.UTC
    assert _answers(any_engine) == [
        (dt.date(2017, 3, 1), dt.datetime(2017, 3, 1, 10, 15, tzinfo=utc), 9),
        (dt.date(2017, 3, 1), dt.datetime(2017, 3, 1, 16, 40, 5, tzinfo=utc), 9),
        (dt.date(2017, 3, 2), None, 7)]
    again = commit_file(any_engine, "nps_responses", content)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    # The same time twice is the same answer twice.
    report = dry_file(any_engine, "nps_responses", "Date,Score\n2017-03-01 10:15,9\n01/03/2017 10.15,9\n")
    assert [(p.row, p.kind) for p in report.problems] == [(3, "duplicate key")]


def test_a_time_column_of_its_own_joins_the_day(engine):
    import datetime as dt

    content = "Date,Time,Score\n01/03/2017,10:15 AM,9\n01/03/2017,4:40 PM,9\n02/03/2017,,6\n02/03/2017,25:00,5\n"
    report = dry_file(engine, "nps_responses", content)
    assert [(p.row, p.column, p.kind) for p in report.problems] == [(5, "Time", "wrong type")]
    assert commit_file(engine, "nps_responses", content.replace("25:00", "0.75")).committed
    # 0.75 of a day is 18:00 (an Excel time); day first: 01/03/2017 is 1 March.
    assert [a[1] for a in _answers(engine)] == [
        dt.datetime(2017, 3, 1, 10, 15, tzinfo=dt.UTC), dt.datetime(2017, 3, 1, 16, 40, tzinfo=dt.UTC), None,
        dt.datetime(2017, 3, 2, 18, 0, tzinfo=dt.UTC)]
