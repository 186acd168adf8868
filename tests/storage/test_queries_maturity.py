"""Maturity queries and writes, on SQLite and PostgreSQL: submissions, revisions, refusals,
concurrency, targets, rounds and instrument versions; and the demo company's two rounds."""

from __future__ import annotations

import datetime as dt
import shutil
import threading

import pandas as pd
import pytest
from sqlalchemy import delete, func, select

from cs_metrics import maturity as mt
from cs_metrics.maturity import AnswerInput, MaturityDataError, Submission, SubmissionError
from cs_metrics.storage import db
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import maturity as qm

NOW = dt.datetime(2026, 10, 20, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def migrated_file(tmp_path_factory):
    """An empty SQLite database at the newest schema, migrated once for the module."""
    path = tmp_path_factory.mktemp("maturity") / "empty.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture()
def sqlite_url(migrated_file, tmp_path) -> str:
    shutil.copy(migrated_file, tmp_path / "test.db")
    return f"sqlite:///{tmp_path / 'test.db'}"


def _engine(url: str):
    engine = db.make_engine(url)
    if db.current_revisions(engine) != db.head_revisions():
        db.upgrade(engine)
    with engine.begin() as conn:  # a clean slate when scenarios share one database
        for table in (m.AssessmentAnswer, m.Assessment, m.MaturityTarget, m.AssessmentRound, m.Team,
                      m.MaturityInstrument):
            conn.execute(delete(table))
    with db.session_scope(engine) as s:
        s.add_all([m.Team(name="Sales", department="Sales", kind="customer_facing"),
                   m.Team(name="Legal", department="Administration", kind="internal")])
        s.add_all([m.AssessmentRound(name="Check 2025", opened_on=dt.date(2025, 9, 1), status="closed",
                                     closed_on=dt.date(2025, 9, 30)),
                   m.AssessmentRound(name="Check 2026", opened_on=dt.date(2026, 10, 1), status="open")])
    return engine


def _round_id(engine, name: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(m.AssessmentRound.id).where(m.AssessmentRound.name == name)).scalar_one()


def _counts(engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return (conn.execute(select(func.count()).select_from(m.Assessment)).scalar_one(),
                conn.execute(select(func.count()).select_from(m.AssessmentAnswer)).scalar_one())


def _sub(round_id, respondent="ada@example.com", stage=3.0, **changes) -> Submission:
    base = dict(round_id=round_id, team="Sales", respondent=respondent, role="manager",
                answers={d: AnswerInput(stage, evidence="CAB minutes" if d == "culture" else None,
                                        confidence="high") for d in mt.DIMENSIONS})
    base.update(changes)
    return Submission(**base)


def check_submit_stores_answers_with_round_team_role_and_version(url):
    engine = _engine(url)
    rid = _round_id(engine, "Check 2026")
    qm.submit_assessment(engine, _sub(rid, stage=2.5), now=NOW)
    data = qm.answers(engine)
    assert len(data) == 4 and set(data["dimension"]) == set(mt.DIMENSIONS)
    assert (data["stage"] == 2.5).all() and (data["round"] == "Check 2026").all()
    assert set(data["team"]) == {"Sales"} and set(data["role"]) == {"manager"}
    assert set(data["instrument_version"]) == {"1"}
    assert data.loc[data["dimension"] == "culture", "evidence"].item() == "CAB minutes"
    assert pd.Timestamp(data["submitted_at"].iloc[0]).tz_convert("UTC") == pd.Timestamp(NOW)
    engine.dispose()


def check_resubmitting_in_an_open_round_replaces_the_respondents_own_answers(url):
    engine = _engine(url)
    rid = _round_id(engine, "Check 2026")
    qm.submit_assessment(engine, _sub(rid, stage=2.0))
    qm.submit_assessment(engine, _sub(rid, stage=3.5, role="executive"))
    qm.submit_assessment(engine, _sub(rid, respondent="bob@example.com", stage=1.0))
    assert _counts(engine) == (2, 8)
    mine = qm.own_answers(engine, round_id=rid, team="Sales", respondent=" ada@example.com ")
    assert {a["stage"] for a in mine.values()} == {3.5} and {a["role"] for a in mine.values()} == {"executive"}
    engine.dispose()


INVALID = [
    ({"answers": {d: AnswerInput(3.0) for d in mt.DIMENSIONS if d != "technology"}}, "Technology: choose"),
    ({"answers": {**{d: AnswerInput(3.0) for d in mt.DIMENSIONS}, "culture": AnswerInput(5.5)}}, "outside 1–5"),
    ({"answers": {**{d: AnswerInput(3.0) for d in mt.DIMENSIONS}, "culture": AnswerInput(2.25)}}, "half-step"),
    ({"team": "Procurement"}, "'Procurement' does not exist"),
    ({"round_id": 999}, "does not exist"),
]


def check_invalid_submissions_store_nothing(url):
    engine = _engine(url)
    rid = _round_id(engine, "Check 2026")
    for changes, message in INVALID:
        with pytest.raises(SubmissionError, match=message):
            qm.submit_assessment(engine, _sub(**{"round_id": rid, **changes}))
        assert _counts(engine) == (0, 0)
    engine.dispose()


def check_a_closed_round_refuses_new_answers_and_revisions(url):
    engine = _engine(url)
    open_id = _round_id(engine, "Check 2026")
    qm.submit_assessment(engine, _sub(open_id, stage=2.0))
    qm.close_round(engine, open_id, closed_on=dt.date(2026, 10, 31))
    for rid in (open_id, _round_id(engine, "Check 2025")):
        with pytest.raises(SubmissionError, match="is closed"):
            qm.submit_assessment(engine, _sub(rid, stage=4.0))
    assert _counts(engine) == (1, 4)
    assert set(qm.answers(engine)["stage"]) == {2.0}
    engine.dispose()


SCENARIOS = [
    check_submit_stores_answers_with_round_team_role_and_version,
    check_resubmitting_in_an_open_round_replaces_the_respondents_own_answers,
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
            qm.submit_assessment(engine, sub)
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(sub,)) for sub in submissions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def _concurrency(url: str) -> None:
    engine = _engine(url)
    rid = _round_id(engine, "Check 2026")
    subs = [_sub(rid, respondent=f"person-{i:02d}", stage=1.0 + (i % 9) / 2,
                 team="Sales" if i % 2 else "Legal") for i in range(50)]
    assert _parallel(engine, subs) == []
    assert _counts(engine) == (50, 200)
    data = qm.answers(engine)
    assert data["respondent"].nunique() == 50
    # every respondent's own stage arrived intact
    expected = {f"person-{i:02d}": 1.0 + (i % 9) / 2 for i in range(50)}
    assert data.groupby("respondent")["stage"].first().to_dict() == expected
    # the same person submitting ten times at once leaves exactly one assessment
    assert _parallel(engine, [_sub(rid, respondent="same", stage=2.0 + (i % 2)) for i in range(10)]) == []
    assert _counts(engine) == (51, 204)
    engine.dispose()


def test_fifty_parallel_submissions_on_sqlite(sqlite_url):
    _concurrency(sqlite_url)


def test_fifty_parallel_submissions_on_postgresql(pg_url):
    _concurrency(pg_url)


def check_targets_company_and_team(url):
    engine = _engine(url)
    qm.set_targets(engine, {"culture": 3.0, "technology": 3.5}, set_by="Board", set_on=dt.date(2026, 1, 10))
    qm.set_targets(engine, {"culture": 3.5}, set_by="Board", set_on=dt.date(2026, 1, 10))  # replaces, not adds
    qm.set_targets(engine, {"customer_involvement": 4.0}, team="Sales", set_by="Board")
    tg = qm.targets(engine)
    assert len(tg) == 3
    company = tg[tg["team"].isna()].set_index("dimension")["target"].to_dict()
    assert company == {"culture": 3.5, "technology": 3.5}
    assert tg.loc[tg["team"] == "Sales", "target"].item() == 4.0
    qm.set_targets(engine, {"technology": None}, set_by="Board")
    assert len(qm.targets(engine)) == 2
    with pytest.raises(MaturityDataError, match="does not exist"):
        qm.set_targets(engine, {"culture": 3.0}, team="Nobody", set_by="Board")
    with pytest.raises(MaturityDataError, match="not a stage"):
        qm.set_targets(engine, {"culture": 3.3}, set_by="Board")
    with pytest.raises(MaturityDataError, match="who sets"):
        qm.set_targets(engine, {"culture": 3.0}, set_by=" ")
    assert len(qm.targets(engine)) == 2
    engine.dispose()


def check_rounds_open_close_and_count(url):
    engine = _engine(url)
    new = qm.open_round(engine, name="Check 2027", opened_on=dt.date(2027, 3, 1))
    with pytest.raises(MaturityDataError, match="exists already"):
        qm.open_round(engine, name="Check 2027", opened_on=dt.date(2027, 3, 1))
    with pytest.raises(MaturityDataError, match="name"):
        qm.open_round(engine, name=" ", opened_on=dt.date(2027, 3, 1))
    qm.submit_assessment(engine, _sub(new))
    r = qm.rounds(engine).set_index("name")
    assert r["status"].to_dict() == {"Check 2025": "closed", "Check 2026": "open", "Check 2027": "open"}
    assert r["respondents"].to_dict() == {"Check 2025": 0, "Check 2026": 0, "Check 2027": 1}
    with pytest.raises(MaturityDataError, match="no round"):
        qm.close_round(engine, 999)
    engine.dispose()


def check_stage_labels_are_saved_as_new_instrument_versions(url):
    engine = _engine(url)
    assert qm.instrument(engine).version == "1" and qm.instrument_versions(engine).empty
    v2 = qm.save_stage_labels(engine, {"it": ("Isola", "Megafono", "Ascolto", "Coinvolgimento", "Social Business")},
                              created_by="Board", reason="nome più chiaro")
    assert v2.version == "2"
    v3 = qm.save_stage_labels(engine, {"en": ("Island", "Megaphone", "Listening", "Involvement", "Social Business")},
                              created_by="Board")
    latest = qm.instrument(engine)
    assert latest.version == "3"
    assert latest.stage_label(2, "it") == "Megafono" and latest.stage_label(2) == "Megaphone"  # edits accumulate
    assert qm.instrument(engine, "2").stage_label(2) == "Channel"
    assert qm.instrument(engine, "1").stage_label(2, "it") == "Canale"
    assert qm.instrument_versions(engine)["version"].tolist() == ["2", "3"]
    with pytest.raises(MaturityDataError, match="differ"):
        qm.save_stage_labels(engine, {"en": ("A", "A", "B", "C", "D")}, created_by="Board")
    with pytest.raises(MaturityDataError, match="No instrument version '7'"):
        qm.instrument(engine, "7")
    assert len(qm.instrument_versions(engine)) == 2
    # answers keep the version they were given with
    qm.submit_assessment(engine, Submission(**{**_sub(_round_id(engine, "Check 2026")).__dict__,
                                              "instrument_version": v3.version}))
    assert set(qm.answers(engine)["instrument_version"]) == {"3"}
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


def test_demo_company_rounds_show_movement(demo_db_url):
    """The demo's two rounds: recomputed here from the stored answers, independently of the
    generator's parameters. At least one dimension moves by a change a test confirms."""
    engine = db.make_engine(demo_db_url)
    data = qm.answers(engine)
    assert mt.round_order(data) == qm.rounds(engine)["name"].tolist()
    changes = mt.round_changes(data).set_index("dimension")
    assert changes["is_change"].any()
    moved = changes[changes["is_change"]]
    assert (moved["change"] > 0).all()
    # Recompute one movement by hand from the raw answers.
    dim = moved.index[0]
    rounds = mt.round_order(data)
    before = data[(data["round"] == rounds[0]) & (data["dimension"] == dim)]["stage"].median()
    after = data[(data["round"] == rounds[1]) & (data["dimension"] == dim)]["stage"].median()
    assert moved.loc[dim, "change"] == after - before
    # Every demo team with fewer than three people stays hidden in the heatmap.
    agg = mt.aggregate(mt.select_answers(data, round=rounds[1]))
    sizes = data[data["round"] == rounds[1]].groupby("team")["respondent"].nunique()
    assert set(agg.loc[agg["suppressed"], "team"]) == set(sizes[sizes < 3].index)
    engine.dispose()
