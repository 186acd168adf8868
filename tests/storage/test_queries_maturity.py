"""Maturity reads and writes in storage, on SQLite and PostgreSQL: the submission check runs inside
the transaction with the round and teams read there, instrument versions are numbered and built in
one transaction, refusals are ``DataError``s; and the demo company's two rounds.

The helpers here (a clean two-team, two-round company, counts, a submission) also serve
``tests/services/test_maturity.py``."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from sqlalchemy import delete, func, select

from cs_metrics import maturity as mt
from cs_metrics.errors import DataError
from cs_metrics.maturity import AnswerInput, Submission
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


def fresh_engine(url: str):
    """An engine on ``url`` holding only two teams (Sales, Legal) and two rounds: "Check 2025"
    (closed) and "Check 2026" (open)."""
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


def round_id(engine, name: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(m.AssessmentRound.id).where(m.AssessmentRound.name == name)).scalar_one()


def counts(engine) -> tuple[int, int]:
    """(assessments, answers) stored."""
    with engine.connect() as conn:
        return (conn.execute(select(func.count()).select_from(m.Assessment)).scalar_one(),
                conn.execute(select(func.count()).select_from(m.AssessmentAnswer)).scalar_one())


def submission(round_id, respondent="ada@example.com", stage=3.0, **changes) -> Submission:
    """Ada (a manager of Sales) answers ``stage`` on every dimension, with evidence on culture."""
    base = dict(round_id=round_id, team="Sales", respondent=respondent, role="manager",
                answers={d: AnswerInput(stage, evidence="CAB minutes" if d == "culture" else None,
                                        confidence="high") for d in mt.DIMENSIONS})
    base.update(changes)
    return Submission(**base)


class Recorder:
    """A check that records what storage passes it and accepts the submission as it is."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, sub, **context):
        self.calls.append(context)
        return sub


def refuse(sub, **context):
    raise DataError(f"refused: round status {context['round_status']}")


def check_the_check_sees_the_round_and_teams_of_the_transaction(url):
    engine = fresh_engine(url)
    rid = round_id(engine, "Check 2026")
    record = Recorder()
    qm.submit_assessment(engine, submission(rid, stage=2.5), check=record, now=NOW)
    assert len(record.calls) == 1
    seen = record.calls[0]
    assert sorted(seen["teams"]) == ["Legal", "Sales"]
    assert (seen["round_status"], seen["round_name"]) == ("open", "Check 2026")
    assert counts(engine) == (1, 4)
    data = qm.answers(engine)
    assert set(data["stage"]) == {2.5} and set(data["team"]) == {"Sales"}
    # A closed round and a round that does not exist reach the check as such.
    for rid, status, name in ((round_id(engine, "Check 2025"), "closed", "Check 2025"), (999, None, None)):
        with pytest.raises(DataError, match=f"refused: round status {status}"):
            qm.submit_assessment(engine, submission(rid), check=refuse)
    assert counts(engine) == (1, 4)
    engine.dispose()


def check_a_refused_revision_leaves_the_earlier_answers(url):
    engine = fresh_engine(url)
    rid = round_id(engine, "Check 2026")
    qm.submit_assessment(engine, submission(rid, stage=2.0), check=Recorder())
    with pytest.raises(DataError, match="refused"):
        qm.submit_assessment(engine, submission(rid, stage=4.0), check=refuse)
    assert counts(engine) == (1, 4) and set(qm.answers(engine)["stage"]) == {2.0}
    engine.dispose()


def check_instrument_versions_are_numbered_and_built_in_one_transaction(url):
    engine = fresh_engine(url)
    assert qm.instrument_definition(engine) is None and qm.instrument_versions(engine).empty
    seen = []

    def build(current, version):
        seen.append((current, version))
        return json.dumps({"version": version})

    assert json.loads(qm.store_instrument_version(engine, build, created_by=" Board ", reason="clearer")) == {"version": "2"}
    qm.store_instrument_version(engine, build, created_by="Board")
    # The first build starts from nothing stored (the shipped version 1), the second from version 2.
    assert seen == [(None, "2"), ('{"version": "2"}', "3")]
    assert json.loads(qm.instrument_definition(engine)) == {"version": "3"}
    assert json.loads(qm.instrument_definition(engine, "2")) == {"version": "2"}
    assert qm.instrument_definition(engine, "7") is None
    versions = qm.instrument_versions(engine)
    assert versions["version"].tolist() == ["2", "3"] and versions["created_by"].tolist() == ["Board", "Board"]

    def broken(current, version):
        raise DataError("labels must differ")

    with pytest.raises(DataError, match="differ"):
        qm.store_instrument_version(engine, broken, created_by="Board")
    assert len(qm.instrument_versions(engine)) == 2
    engine.dispose()


def check_refusals_are_data_errors_and_write_nothing(url):
    engine = fresh_engine(url)
    with pytest.raises(DataError, match="The team 'Nobody' does not exist"):
        qm.set_targets(engine, {"culture": 3.0}, team="Nobody", set_by="Board")
    assert qm.targets(engine).empty
    qm.open_round(engine, name="Check 2027", opened_on=dt.date(2027, 3, 1))
    with pytest.raises(DataError, match="A round named 'Check 2027' exists already"):
        qm.open_round(engine, name="Check 2027", opened_on=dt.date(2027, 3, 1))
    with pytest.raises(DataError, match="There is no round with id 999"):
        qm.close_round(engine, 999)
    assert qm.rounds(engine)["name"].tolist() == ["Check 2025", "Check 2026", "Check 2027"]
    engine.dispose()


SCENARIOS = [
    check_the_check_sees_the_round_and_teams_of_the_transaction,
    check_a_refused_revision_leaves_the_earlier_answers,
    check_instrument_versions_are_numbered_and_built_in_one_transaction,
    check_refusals_are_data_errors_and_write_nothing,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__[6:])
def test_storage_on_sqlite(scenario, sqlite_url):
    scenario(sqlite_url)


def test_storage_on_postgresql(pg_url):
    """The same scenarios in one PostgreSQL database (each starts from a clean slate)."""
    for scenario in SCENARIOS:
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
