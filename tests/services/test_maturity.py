"""The Maturity page's reads and writes through the service, on SQLite and PostgreSQL: submissions,
revisions, refusals, concurrency, targets, rounds and instrument versions."""

from __future__ import annotations

import datetime as dt
import shutil
import threading

import pandas as pd
import pytest

from cs_metrics import maturity as mt
from cs_metrics.access import LOCAL, Actor, Refused
from cs_metrics.maturity import AnswerInput, MaturityDataError, Submission, SubmissionError
from cs_metrics.services import maturity as service
from cs_metrics.storage import db
from cs_metrics.storage.queries import access as qa
from tests.storage.test_queries_maturity import NOW, counts, fresh_engine, round_id, submission


@pytest.fixture(scope="module")
def migrated_file(tmp_path_factory):
    """An empty SQLite database at the newest schema, migrated once for the module."""
    path = tmp_path_factory.mktemp("maturity_service") / "empty.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture()
def sqlite_url(migrated_file, tmp_path) -> str:
    shutil.copy(migrated_file, tmp_path / "test.db")
    return f"sqlite:///{tmp_path / 'test.db'}"


def check_submit_stores_answers_with_round_team_role_and_version(url):
    engine = fresh_engine(url)
    rid = round_id(engine, "Check 2026")
    service.submit_assessment(engine, submission(rid, stage=2.5), now=NOW, actor=LOCAL)
    data = service.answers(engine)
    assert len(data) == 4 and set(data["dimension"]) == set(mt.DIMENSIONS)
    assert (data["stage"] == 2.5).all() and (data["round"] == "Check 2026").all()
    assert set(data["team"]) == {"Sales"} and set(data["role"]) == {"manager"}
    assert set(data["instrument_version"]) == {"1"}
    assert data.loc[data["dimension"] == "culture", "evidence"].item() == "CAB minutes"
    assert pd.Timestamp(data["submitted_at"].iloc[0]).tz_convert("UTC") == pd.Timestamp(NOW)
    engine.dispose()


def check_resubmitting_in_an_open_round_replaces_the_respondents_own_answers(url):
    engine = fresh_engine(url)
    rid = round_id(engine, "Check 2026")
    first = service.submit_assessment(engine, submission(rid, stage=2.0), actor=LOCAL)
    # Without sign-in the first submission gives a code (XXXX-XXXX-XXXX); revising with it gives none.
    assert len(first.revision_code) == 14
    again = service.submit_assessment(engine, submission(rid, stage=3.5, role="executive"), actor=LOCAL,
                                      revision_code=first.revision_code.lower())
    assert again.revision_code is None and again.assessment_id == first.assessment_id
    service.submit_assessment(engine, submission(rid, respondent="bob@example.com", stage=1.0), actor=LOCAL)
    assert counts(engine) == (2, 8)
    mine = service.own_answers(engine, round_id=rid, team="Sales", respondent=" ada@example.com ", actor=LOCAL,
                               revision_code=first.revision_code)
    assert {a["stage"] for a in mine.values()} == {3.5} and {a["role"] for a in mine.values()} == {"executive"}
    engine.dispose()


def check_a_name_alone_neither_opens_nor_replaces_someones_answers(url):
    engine = fresh_engine(url)
    rid = round_id(engine, "Check 2026")
    first = service.submit_assessment(engine, submission(rid, stage=2.0), actor=LOCAL)
    # Another person typing the same name: without the code, or with a wrong one, nothing loads...
    for code in (None, "", "AAAA-AAAA-AAAA"):
        assert service.own_answers(engine, round_id=rid, team="Sales", respondent="ada@example.com", actor=LOCAL,
                                   revision_code=code) == {}
        # ...and submitting under that name is refused, the stored answers unchanged.
        with pytest.raises(SubmissionError, match="already answered for Sales in this round as 'ada@example.com'"):
            service.submit_assessment(engine, submission(rid, stage=5.0), actor=LOCAL, revision_code=code)
    assert counts(engine) == (1, 4) and set(service.answers(engine)["stage"]) == {2.0}
    # Answers stored without a code (imported) cannot be replaced from the form without sign-in.
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE assessment SET revision_digest = NULL")
    with pytest.raises(SubmissionError, match="without a revision code"):
        service.submit_assessment(engine, submission(rid, stage=5.0), actor=LOCAL, revision_code=first.revision_code)
    engine.dispose()


INVALID = [
    ({"answers": {d: AnswerInput(3.0) for d in mt.DIMENSIONS if d != "technology"}}, "Technology: choose"),
    ({"answers": {**{d: AnswerInput(3.0) for d in mt.DIMENSIONS}, "culture": AnswerInput(5.5)}}, "outside 1–5"),
    ({"answers": {**{d: AnswerInput(3.0) for d in mt.DIMENSIONS}, "culture": AnswerInput(2.25)}}, "half-step"),
    ({"team": "Procurement"}, "'Procurement' does not exist"),
    ({"round_id": 999}, "does not exist"),
]


def check_invalid_submissions_store_nothing(url):
    engine = fresh_engine(url)
    rid = round_id(engine, "Check 2026")
    for changes, message in INVALID:
        with pytest.raises(SubmissionError, match=message):
            service.submit_assessment(engine, submission(**{"round_id": rid, **changes}), actor=LOCAL)
        assert counts(engine) == (0, 0)
    engine.dispose()


def check_a_closed_round_refuses_new_answers_and_revisions(url):
    engine = fresh_engine(url)
    open_id = round_id(engine, "Check 2026")
    service.submit_assessment(engine, submission(open_id, stage=2.0), actor=LOCAL)
    service.close_round(engine, open_id, closed_on=dt.date(2026, 10, 31), actor=LOCAL)
    for rid in (open_id, round_id(engine, "Check 2025")):
        with pytest.raises(SubmissionError, match="is closed"):
            service.submit_assessment(engine, submission(rid, stage=4.0), actor=LOCAL)
    assert counts(engine) == (1, 4)
    assert set(service.answers(engine)["stage"]) == {2.0}
    engine.dispose()


SCENARIOS = [
    check_submit_stores_answers_with_round_team_role_and_version,
    check_resubmitting_in_an_open_round_replaces_the_respondents_own_answers,
    check_a_name_alone_neither_opens_nor_replaces_someones_answers,
    check_invalid_submissions_store_nothing,
    check_a_closed_round_refuses_new_answers_and_revisions,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__[6:])
def test_submissions_on_sqlite(scenario, sqlite_url):
    scenario(sqlite_url)


def _parallel(engine, submissions) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(submissions))

    def run(sub):
        try:
            barrier.wait()
            service.submit_assessment(engine, sub, actor=LOCAL)
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(sub,)) for sub in submissions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def _concurrency(url: str) -> None:
    engine = fresh_engine(url)
    rid = round_id(engine, "Check 2026")
    subs = [submission(rid, respondent=f"person-{i:02d}", stage=1.0 + (i % 9) / 2,
                 team="Sales" if i % 2 else "Legal") for i in range(50)]
    assert _parallel(engine, subs) == []
    assert counts(engine) == (50, 200)
    data = service.answers(engine)
    assert data["respondent"].nunique() == 50
    # every respondent's own stage arrived intact
    expected = {f"person-{i:02d}": 1.0 + (i % 9) / 2 for i in range(50)}
    assert data.groupby("respondent")["stage"].first().to_dict() == expected
    # ten people submitting under the same name at once without sign-in: the first is stored, the nine
    # others are told that someone answered under that name, and exactly one assessment remains
    errors = _parallel(engine, [submission(rid, respondent="same", stage=2.0 + (i % 2)) for i in range(10)])
    assert len(errors) == 9 and all(isinstance(e, SubmissionError) and "already answered" in str(e) for e in errors)
    assert counts(engine) == (51, 204)
    engine.dispose()


def test_fifty_parallel_submissions_on_sqlite(sqlite_url):
    _concurrency(sqlite_url)


def test_fifty_parallel_submissions_on_postgresql(pg_url):
    _concurrency(pg_url)


def check_targets_company_and_team(url):
    engine = fresh_engine(url)
    service.set_targets(engine, {"culture": 3.0, "technology": 3.5}, set_on=dt.date(2026, 1, 10), actor=LOCAL)
    service.set_targets(engine, {"culture": 3.5}, set_on=dt.date(2026, 1, 10), actor=LOCAL)  # replaces, not adds
    service.set_targets(engine, {"customer_involvement": 4.0}, team="Sales", actor=LOCAL)
    tg = service.targets(engine)
    assert len(tg) == 3
    company = tg[tg["team"].isna()].set_index("dimension")["target"].to_dict()
    assert company == {"culture": 3.5, "technology": 3.5}
    assert tg.loc[tg["team"] == "Sales", "target"].item() == 4.0
    service.set_targets(engine, {"technology": None}, actor=LOCAL)
    assert len(service.targets(engine)) == 2
    with pytest.raises(MaturityDataError, match="does not exist"):
        service.set_targets(engine, {"culture": 3.0}, team="Nobody", actor=LOCAL)
    with pytest.raises(MaturityDataError, match="not a stage"):
        service.set_targets(engine, {"culture": 3.3}, actor=LOCAL)
    assert len(service.targets(engine)) == 2
    engine.dispose()


def check_rounds_open_close_and_count(url):
    engine = fresh_engine(url)
    new = service.open_round(engine, name="Check 2027", opened_on=dt.date(2027, 3, 1), actor=LOCAL)
    with pytest.raises(MaturityDataError, match="exists already"):
        service.open_round(engine, name="Check 2027", opened_on=dt.date(2027, 3, 1), actor=LOCAL)
    with pytest.raises(MaturityDataError, match="name"):
        service.open_round(engine, name=" ", opened_on=dt.date(2027, 3, 1), actor=LOCAL)
    service.submit_assessment(engine, submission(new), actor=LOCAL)
    r = service.rounds(engine).set_index("name")
    assert r["status"].to_dict() == {"Check 2025": "closed", "Check 2026": "open", "Check 2027": "open"}
    assert r["respondents"].to_dict() == {"Check 2025": 0, "Check 2026": 0, "Check 2027": 1}
    with pytest.raises(MaturityDataError, match="no round"):
        service.close_round(engine, 999, actor=LOCAL)
    engine.dispose()


def check_stage_labels_are_saved_as_new_instrument_versions(url):
    engine = fresh_engine(url)
    assert service.instrument(engine).version == "1" and service.instrument_versions(engine).empty
    v2 = service.save_stage_labels(engine, {"it": ("Isola", "Megafono", "Ascolto", "Coinvolgimento", "Social Business")},
                                   reason="nome più chiaro", actor=LOCAL)
    assert v2.version == "2"
    v3 = service.save_stage_labels(engine, {"en": ("Island", "Megaphone", "Listening", "Involvement", "Social Business")},
                                   actor=LOCAL)
    latest = service.instrument(engine)
    assert latest.version == "3"
    assert latest.stage_label(2, "it") == "Megafono" and latest.stage_label(2) == "Megaphone"  # edits accumulate
    assert service.instrument(engine, "2").stage_label(2) == "Channel"
    assert service.instrument(engine, "1").stage_label(2, "it") == "Canale"
    assert service.instrument_versions(engine)["version"].tolist() == ["2", "3"]
    with pytest.raises(MaturityDataError, match="differ"):
        service.save_stage_labels(engine, {"en": ("A", "A", "B", "C", "D")}, actor=LOCAL)
    with pytest.raises(MaturityDataError, match="No instrument version '7'"):
        service.instrument(engine, "7")
    assert len(service.instrument_versions(engine)) == 2
    # answers keep the version they were given with
    service.submit_assessment(engine, Submission(**{**submission(round_id(engine, "Check 2026")).__dict__,
                                              "instrument_version": v3.version}), actor=LOCAL)
    assert set(service.answers(engine)["instrument_version"]) == {"3"}
    engine.dispose()


SETUP_SCENARIOS = [
    check_targets_company_and_team,
    check_rounds_open_close_and_count,
    check_stage_labels_are_saved_as_new_instrument_versions,
]


@pytest.mark.parametrize("scenario", SETUP_SCENARIOS, ids=lambda f: f.__name__[6:])
def test_setup_on_sqlite(scenario, sqlite_url):
    scenario(sqlite_url)


def test_every_scenario_on_postgresql(pg_url):
    """The same scenarios in one PostgreSQL database (each starts from a clean slate)."""
    for scenario in (*SCENARIOS, *SETUP_SCENARIOS):
        scenario(pg_url)


# --- who may write, and the audit trail -------------------------------------------------------------

VIEWER = Actor("vera@example.com", "Vera", "viewer")
MIA = Actor("mia@example.com", "Mia", "member", teams=frozenset({"Sales"}), departments=frozenset({"Sales"}))
LEO = Actor("leo@example.com", "Leo", "member", teams=frozenset({"Legal"}), departments=frozenset({"Administration"}))
ADA = Actor("ada.admin@example.com", "Ada", "admin")
#: Stages per dimension (culture, organization, customer_involvement, technology): mean (2 + 2.5 + 3 + 3.5) / 4 = 2.75.
MIXED = dict(zip(mt.DIMENSIONS, (2.0, 2.5, 3.0, 3.5), strict=True))


@pytest.fixture(params=["sqlite_url", "pg_url"], ids=["sqlite", "postgresql"])
def any_url(request) -> str:
    """A clean database on SQLite, and on PostgreSQL when ``TEST_DATABASE_URL`` is set."""
    return request.getfixturevalue(request.param)


def _trail(engine, action: str) -> pd.DataFrame:
    """The audit rows of ``action``, newest first."""
    return qa.audit_events(engine, actions=(action,))


def _row(engine, action: str, n: int = 0) -> dict:
    return _trail(engine, action).iloc[n][["actor", "actor_role", "outcome", "records", "summary"]].to_dict()


def test_a_viewers_submission_is_refused_stores_nothing_and_is_recorded(any_url):
    engine = fresh_engine(any_url)
    rid = round_id(engine, "Check 2026")
    with pytest.raises(Refused, match="you are signed in as a viewer"):
        service.submit_assessment(engine, submission(rid), actor=VIEWER)
    assert counts(engine) == (0, 0)
    row = _row(engine, "maturity.assess")
    assert row["actor"] == "vera@example.com" and row["actor_role"] == "viewer" and row["outcome"] == "refused"
    assert row["records"] == "assessment of Sales in Check 2026"
    assert "Nothing was written" in row["summary"]
    engine.dispose()


def test_a_member_may_assess_only_their_own_team(any_url):
    engine = fresh_engine(any_url)
    rid = round_id(engine, "Check 2026")
    with pytest.raises(Refused, match=r"only your own team \(Legal\), not Sales"):
        service.submit_assessment(engine, submission(rid, team="Sales"), actor=LEO)
    nobody = Actor("new@example.com", "New", "member")
    with pytest.raises(Refused, match="not in any team yet"):
        service.submit_assessment(engine, submission(rid, team="Sales"), actor=nobody)
    assert counts(engine) == (0, 0)
    trail = _trail(engine, "maturity.assess")
    assert trail["outcome"].tolist() == ["refused", "refused"]
    assert trail["actor"].tolist() == ["new@example.com", "leo@example.com"]
    engine.dispose()


def test_a_member_submits_and_revises_their_own_assessment_under_their_email(any_url):
    engine = fresh_engine(any_url)
    rid = round_id(engine, "Check 2026")
    first = Submission(rid, "Sales", "somebody else", "manager", {d: AnswerInput(s) for d, s in MIXED.items()})
    service.submit_assessment(engine, first, actor=MIA)
    # the revision names no respondent at all: a signed-in person is known by their e-mail
    service.submit_assessment(engine, submission(rid, respondent="", stage=3.0), actor=MIA)
    assert counts(engine) == (1, 4)  # one assessment per person, team and round: revised, not added
    data = service.answers(engine)
    assert set(data["respondent"]) == {"mia@example.com"} and set(data["stage"]) == {3.0}
    trail = _trail(engine, "maturity.assess")
    assert trail["outcome"].tolist() == ["done", "done"] and set(trail["actor"]) == {"mia@example.com"}
    assert set(trail["records"]) == {"assessment of Sales in Check 2026"}
    # first MIXED (2, 2.5, 3, 3.5), then 3.0 on every dimension: 3 of the 4 stages change (not the 3.0);
    # the trail says how many, never which stages (one person's answers stay private)
    assert trail["summary"].tolist() == ["revised, 3 of 4 dimensions changed", "new, 4 dimensions answered"]
    assert set(trail["actor_role"]) == {"member"}
    engine.dispose()


def test_a_closed_round_refuses_a_members_revision_and_records_no_write(any_url):
    engine = fresh_engine(any_url)
    rid = round_id(engine, "Check 2026")
    service.submit_assessment(engine, submission(rid, stage=2.0), actor=MIA)
    service.close_round(engine, rid, closed_on=dt.date(2026, 10, 31), actor=ADA)
    with pytest.raises(SubmissionError, match="is closed"):
        service.submit_assessment(engine, submission(rid, stage=4.0), actor=MIA)
    assert counts(engine) == (1, 4) and set(service.answers(engine)["stage"]) == {2.0}
    # the refused revision is a validation error: it leaves no audit row, only the first submission's
    assert _trail(engine, "maturity.assess")["summary"].tolist() == ["new, 4 dimensions answered"]
    engine.dispose()


def test_targets_by_a_member_are_refused_and_by_an_admin_recorded(any_url):
    engine = fresh_engine(any_url)
    with pytest.raises(Refused, match="Only an admin may set target stages"):
        service.set_targets(engine, {"culture": 3.0}, actor=MIA)
    assert service.targets(engine).empty
    assert _row(engine, "maturity.targets") == {
        "actor": "mia@example.com", "actor_role": "member", "outcome": "refused",
        "records": "targets of the whole company, 1 dimension",
        "summary": "Only an admin may set target stages; you are signed in as a member. Nothing was written."}
    service.set_targets(engine, {"culture": 3.0, "technology": 3.5}, actor=ADA)
    service.set_targets(engine, {"culture": 3.5, "technology": 3.5}, team="Sales", actor=ADA)
    service.set_targets(engine, {"culture": 3.5, "technology": 3.5}, actor=ADA)
    assert _row(engine, "maturity.targets", 2) == {
        "actor": "ada.admin@example.com", "actor_role": "admin", "outcome": "done",
        "records": "targets of the whole company, 2 dimensions", "summary": "culture none -> 3, technology none -> 3.5"}
    assert _row(engine, "maturity.targets", 1)["records"] == "targets of Sales, 2 dimensions"
    # only culture changed company-wide (3 -> 3.5); technology stayed 3.5
    assert _row(engine, "maturity.targets", 0)["summary"] == "culture 3 -> 3.5"
    assert set(service.targets(engine)["set_by"]) == {"ada.admin@example.com"}
    engine.dispose()


def test_rounds_by_a_member_are_refused_and_by_an_admin_recorded(any_url):
    engine = fresh_engine(any_url)
    with pytest.raises(Refused, match="Only an admin may open or close an assessment round"):
        service.open_round(engine, name="Check 2027", opened_on=dt.date(2027, 3, 1), actor=MIA)
    open_id = round_id(engine, "Check 2026")
    with pytest.raises(Refused):
        service.close_round(engine, open_id, actor=MIA)
    assert service.rounds(engine)["status"].tolist() == ["closed", "open"]
    trail = _trail(engine, "maturity.rounds")
    assert trail["outcome"].tolist() == ["refused", "refused"]
    assert trail["records"].tolist() == [f"round #{open_id} 'Check 2026'", "round 'Check 2027'"]
    new = service.open_round(engine, name="Check 2027", opened_on=dt.date(2027, 3, 1), actor=ADA)
    service.close_round(engine, new, closed_on=dt.date(2027, 3, 31), actor=ADA)
    assert _row(engine, "maturity.rounds", 1) == {
        "actor": "ada.admin@example.com", "actor_role": "admin", "outcome": "done",
        "records": f"round #{new} 'Check 2027'", "summary": "opened Check 2027 on 2027-03-01, instrument version 1"}
    assert _row(engine, "maturity.rounds", 0)["summary"] == "closed Check 2027 on 2027-03-31"
    engine.dispose()


def test_stage_labels_by_a_member_are_refused_and_by_an_admin_recorded(any_url):
    engine = fresh_engine(any_url)
    labels = {"en": ("Island", "Megaphone", "Listening", "Involvement", "Social Business")}
    with pytest.raises(Refused, match="Only an admin may change the maturity instrument"):
        service.save_stage_labels(engine, labels, actor=MIA)
    assert service.instrument_versions(engine).empty
    assert _row(engine, "maturity.instrument")["outcome"] == "refused"
    service.save_stage_labels(engine, labels, actor=ADA)
    # the shipped version 1 calls stage 2 "Channel"; only that label changed
    assert _row(engine, "maturity.instrument") == {
        "actor": "ada.admin@example.com", "actor_role": "admin", "outcome": "done",
        "records": "instrument version 2, stage labels (en)", "summary": "version 1 -> 2; en stage 2 Channel -> Megaphone"}
    assert service.instrument_versions(engine)["created_by"].tolist() == ["ada.admin@example.com"]
    engine.dispose()


def test_result_sections_are_the_metrics_and_figures_of_the_answers(demo_db_url):
    """The sections the page keeps per choice (``profile_view`` ...) hold exactly what the metric
    functions and chart builders give for the same answers: the reference is calling them directly."""
    from cs_metrics.charts import maturity as charts

    engine = db.make_engine(demo_db_url)
    answers, targets, inst = service.answers(engine), service.targets(engine), service.instrument(engine)
    engine.dispose()
    labels = {d: inst.dimension_label(d, "it") for d in mt.DIMENSIONS}
    order = mt.round_order(answers)
    newest, team = order[-1], sorted(answers["team"].unique())[0]
    current = mt.select_answers(answers, round=newest)
    assert service.heatmap_figure(answers, round=newest, inst=inst, lang="it").to_json() == charts.heatmap(
        mt.aggregate(current, by=("team", "dimension")), dimension_labels=labels).to_json()
    for scope in (None, team):
        view = service.profile_view(answers, targets=targets, round=newest, team=scope, inst=inst, lang="it")
        profile = mt.team_profile(answers, targets, round=newest, team=scope)
        pd.testing.assert_frame_equal(view.profile, profile)
        pd.testing.assert_frame_equal(view.table, mt.profile_display(profile, inst, lang="it"))
        assert view.respondents == mt.respondent_count(answers, round=newest, team=scope)
        assert (view.figure is None) == bool(profile["suppressed"].all())
        rounds = service.rounds_view(answers, team=scope, inst=inst, lang="it")
        history = mt.select_answers(answers, team=scope)
        pd.testing.assert_frame_equal(rounds.changes, mt.round_changes(history))
        trend = charts.trend_lines(mt.round_trends(history), dimension_labels=labels,
                                   stage_labels=inst.stage_labels("it"))
        assert rounds.figure.to_json() == trend.to_json()
    spread = service.spread_figure(answers, round=newest, dimension="culture", inst=inst, lang="it")
    dist = mt.stage_distribution(mt.select_answers(current, dimension="culture"), by=("role",))
    by_role = charts.spread_by_role(dist, stage_label=lambda s: inst.stage_label(s, "it"))
    assert spread.to_json() == by_role.to_json()
    differences = service.role_differences(answers, round=newest)
    pd.testing.assert_frame_equal(differences, mt.role_differences(current))
    evidence = service.evidence_view(answers, round=newest, inst=inst, lang="it")
    pd.testing.assert_frame_equal(evidence.claimed, mt.claimed_vs_evidenced(current))
    pd.testing.assert_frame_equal(evidence.evidence, mt.evidence_list(current))
