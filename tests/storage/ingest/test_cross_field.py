"""Rules that tie a row to the rest of its file and to the stored rows: the dry run reports each
row that breaks one, and the commit refuses the whole file."""

from __future__ import annotations

from sqlalchemy import select, update

from cs_metrics.storage import models as m
from tests.storage.ingest.conftest import commit_file, dry_file, mark_churned, table_counts

HEADER = "customer_id,name,segment,region,signed_on,status,churned_on,renewal_date\n"


def _kinds(report) -> list[tuple[int | None, str]]:
    return sorted((p.row, p.kind) for p in report.problems)


def test_active_customer_with_a_churn_date_is_refused(engine):
    # Row 2: status active with churned_on 2026-05-01, the contradiction; row 3 (C3) is churned with a
    # date and row 4 (C4) is active without one: both right.
    content = (HEADER + "C1,Rossi Logistica,SMB,Italy,2025-01-15,active,2026-05-01,\n"
                        "C3,Verdi,SMB,Italy,2025-03-01,churned,2026-04-01,\n"
                        "C4,Neri,SMB,Italy,2025-03-01,active,,\n")
    report = dry_file(engine, "customers", content)
    assert _kinds(report) == [(2, "active with churn date")]
    assert "set status to churned" in report.problems[0].reason


def test_active_status_against_a_stored_churn_date(engine):
    # C2 is stored churned on 2026-06-30; a later file marks it active without a churned_on column, so
    # the stored churn date (not emptied by the file) still contradicts the new status.
    assert commit_file(engine, "customers", HEADER + "C2,Bianchi SpA,Enterprise,Italy,2024-02-01,churned,"
                                                     "2026-06-30,\n").committed
    report = dry_file(engine, "customers", "customer_id,name,segment,region,signed_on,status\n"
                                           "C2,Bianchi SpA,Enterprise,Italy,2024-02-01,active\n")
    assert _kinds(report) == [(2, "active with churn date")]
    # Without a status column the import derives it from churned_on (churned when a date is given), so
    # a churn date for the stored active customer C1 contradicts nothing.
    report = dry_file(engine, "customers", "customer_id,name,segment,region,signed_on,churned_on\n"
                                           "C1,Rossi Logistica,SMB,Italy,2025-01-15,2026-05-01\n")
    assert report.ok, report.problems


def test_renewal_before_signing_is_refused_in_the_file_and_against_the_stored_renewal(engine):
    # Row 2: renewal 2024-12-31 < signed 2025-01-15 in the file itself.
    report = dry_file(engine, "customers", HEADER + "C1,Rossi Logistica,SMB,Italy,2025-01-15,active,,2024-12-31\n")
    assert _kinds(report) == [(2, "renewal before signing")]
    # C3 is stored with renewal 2025-06-30; a file that moves signed_on to 2025-07-01 without a renewal
    # column leaves the stored renewal a day before the new signing day.
    assert commit_file(engine, "customers", HEADER + "C3,Verdi,SMB,Italy,2025-01-01,active,,2025-06-30\n").committed
    report = dry_file(engine, "customers", "customer_id,name,segment,region,signed_on\n"
                                           "C3,Verdi,SMB,Italy,2025-07-01\n")
    assert _kinds(report) == [(2, "renewal before signing")]


def test_churn_event_before_the_customer_signed_is_refused(engine):
    # C2 signed on 2024-02-01 (conftest CUSTOMERS): a churn on 2024-01-31 is a day before; C1 signed on
    # 2025-01-15 and churns on 2026-10-01, which is fine.
    mark_churned(engine, {"C1": "2026-10-01"})
    content = "customer_id,churned_on,arr_lost\nC2,2024-01-31,250000\nC1,2026-10-01,12000\n"
    report = dry_file(engine, "churn_events", content)
    assert _kinds(report) == [(2, "churn before signing")]
    assert "2024-02-01" in report.problems[0].reason


def test_milestone_before_the_customer_signed_is_refused(engine):
    # C1 signed on 2025-01-15: kickoff on 2025-01-14 is before it (row 2); first value on 2025-01-15 (the
    # signing day itself) and a planned milestone without a day are fine.
    content = ("customer_id,kind,name,reached_on\nC1,kickoff,,2025-01-14\nC1,first value,,2025-01-15\n"
               "C2,activation,,\n")
    report = dry_file(engine, "milestones", content)
    assert _kinds(report) == [(2, "milestone before signing")]


def test_answers_into_a_closed_round_are_refused(engine):
    answers = ("round,team,respondent,role,submitted_at,dimension,stage\n"
               "2026 H1,CS Italia,r1,manager,2026-03-01 10:00,culture,2.5\n"
               "2026 H1,CS Italia,r1,manager,2026-03-01 10:00,organization,3\n"
               "2026 H1,CS Italia,r1,manager,2026-03-01 10:00,customer_involvement,2\n"
               "2026 H1,CS Italia,r1,manager,2026-03-01 10:00,technology,3\n")
    assert commit_file(engine, "assessments", answers).committed
    with engine.begin() as conn:
        conn.execute(update(m.AssessmentRound).where(m.AssessmentRound.name == "2026 H1").values(status="closed"))
    before = table_counts(engine)
    revised = answers.replace("culture,2.5", "culture,4")
    report = commit_file(engine, "assessments", revised)
    # All four rows (2 to 5) name the closed round; nothing is written.
    assert not report.committed
    assert _kinds(report) == [(2, "closed round"), (3, "closed round"), (4, "closed round"), (5, "closed round")]
    assert table_counts(engine) == before
    with engine.connect() as conn:
        assert conn.execute(select(m.AssessmentAnswer.stage).where(
            m.AssessmentAnswer.dimension == "culture")).scalar_one() == 2.5


def test_commit_refuses_the_whole_file_when_one_row_breaks_a_rule(engine):
    # Row 2 (C1, 2025-02-20 after signing 2025-01-15) is right, row 3 (C2, 2024-01-10 before signing
    # 2024-02-01) is not: the commit writes neither.
    before = table_counts(engine)
    report = commit_file(engine, "milestones", "customer_id,kind,reached_on\nC1,kickoff,2025-02-20\n"
                                               "C2,kickoff,2024-01-10\n")
    assert not report.committed
    assert _kinds(report) == [(3, "milestone before signing")]
    assert table_counts(engine) == before


def test_churn_event_of_a_customer_not_marked_churned_is_refused(engine):
    # C1 and C2 are stored active (conftest CUSTOMERS): a churn event of either contradicts the customers
    # data, whose status and churn date retention is computed from. Row 2 (C1) and row 3 (C2) are refused
    # and the message says which customers file fixes it.
    before = table_counts(engine)
    content = "customer_id,churned_on,arr_lost\nC1,2026-10-01,12000\nC2,2026-09-15,250000\n"
    report = commit_file(engine, "churn_events", content)
    assert not report.committed
    assert _kinds(report) == [(2, "churn of a current customer"), (3, "churn of a current customer")]
    assert "status churned and churned_on 2026-10-01" in report.problems[0].reason
    assert table_counts(engine) == before
    # Once the customers file marks C1 churned on that day, the same file's C1 row goes in; C2 is
    # still active, so the file is still refused, now only for row 3.
    mark_churned(engine, {"C1": "2026-10-01"})
    assert _kinds(dry_file(engine, "churn_events", content)) == [(3, "churn of a current customer")]
    assert commit_file(engine, "churn_events", "customer_id,churned_on,arr_lost\nC1,2026-10-01,12000\n").committed


def test_churn_event_on_another_day_than_the_customers_churn_date_is_refused(engine):
    # C1 is marked churned on 2026-10-01; an event on 2026-10-02 disagrees by one day (row 2); the
    # dry run names the stored date.
    mark_churned(engine, {"C1": "2026-10-01"})
    report = dry_file(engine, "churn_events", "customer_id,churned_on\nC1,2026-10-02\n")
    assert _kinds(report) == [(2, "churn date differs")]
    assert "(2026-10-01)" in report.problems[0].reason


ANSWERS = "round,team,respondent,role,submitted_at,dimension,stage\n"


def _answer(respondent: str, dimension: str, stage: str = "2", team: str = "CS Italia") -> str:
    return f"2026 H1,{team},{respondent},manager,2026-03-01 10:00,{dimension},{stage}\n"


def test_assessment_that_leaves_a_dimension_unanswered_is_refused(engine):
    # r1 answers culture, organization and technology: customer_involvement is missing (reported once, on
    # r1's first row, 2). r2 answers all four (rows 5-8) and is fine. Nothing is written.
    before = table_counts(engine)
    content = ANSWERS + "".join(_answer("r1", d) for d in ("culture", "organization", "technology")) + "".join(
        _answer("r2", d) for d in ("culture", "organization", "customer_involvement", "technology"))
    report = commit_file(engine, "assessments", content)
    assert not report.committed
    assert _kinds(report) == [(2, "incomplete assessment")]
    assert "answers 3 of 4 dimensions" in report.problems[0].reason
    assert "Add rows for customer_involvement" in report.problems[0].reason
    assert table_counts(engine) == before


def test_a_file_may_revise_one_dimension_of_a_stored_complete_assessment(engine):
    # r1's four answers are stored; a later file changes only technology (2 -> 3.5): with the stored
    # three, the assessment still answers all four, so the file goes in and updates one answer.
    full = ANSWERS + "".join(_answer("r1", d) for d in ("culture", "organization", "customer_involvement",
                                                           "technology"))
    assert commit_file(engine, "assessments", full).committed
    report = commit_file(engine, "assessments", ANSWERS + _answer("r1", "technology", "3.5"))
    assert report.committed and (report.inserted, report.updated) == (0, 1)
    # The same single row for a respondent of another team has no stored answers to complete it.
    report = dry_file(engine, "assessments", ANSWERS + _answer("r1", "technology", "3.5", team="IT Ops"))
    assert _kinds(report) == [(2, "incomplete assessment")]
