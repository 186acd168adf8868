"""AppTest of the Maturity page on the demo company: take the assessment, see it in the results,
refusals that keep what was typed, language switch, revisions, targets and stage labels; and, signed
in, what each role sees, a member assessing their own team as themselves, no respondent named."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import streamlit as st
from sqlalchemy import delete, func, select
from streamlit.testing.v1 import AppTest

from cs_metrics import maturity as mt
from cs_metrics.services import maturity as service
from cs_metrics.storage import db
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import access as qa
from cs_metrics.storage.queries import maturity as qm

PAGE = "pages/maturity.py"


@pytest.fixture()
def open_maturity(demo_db_url, monkeypatch):
    """A function returning a fresh AppTest of the real app.py, opened straight on this page."""
    from tests.app.conftest import APP

    monkeypatch.setenv("DATABASE_URL", demo_db_url)

    def make() -> AppTest:
        st.cache_data.clear()  # a new visitor: no results cached from an earlier AppTest
        at = AppTest.from_file(APP, default_timeout=90)
        at.switch_page(PAGE)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return make


@pytest.fixture()
def engine(demo_db_url):
    eng = db.make_engine(demo_db_url)
    yield eng
    eng.dispose()


def _heatmap(at) -> dict:
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        if spec["data"][0]["type"] == "heatmap":
            return spec["data"][0]
    raise AssertionError("no heatmap on the page")


def _cell(heat: dict, team: str, dimension_label: str) -> str:
    return heat["text"][heat["y"].index(team)][heat["x"].index(dimension_label)]


def _fill(at, *, team: str, respondent: str, role: str = "manager", stages=(3.0, 2.5, 3.5, 2.0), evidence=None):
    at.selectbox(key="mat_team").set_value(team)
    at.text_input(key="mat_respondent").input(respondent)
    at.selectbox(key="mat_role").set_value(role)
    for dim, stage in zip(mt.DIMENSIONS, stages, strict=True):
        if stage is not None:
            at.radio(key=f"mat_stage_{dim}").set_value(stage)
    if evidence:
        at.text_input(key="mat_evidence_culture").input(evidence)


def _submit(at):
    next(b for b in at.button if b.label == "Submit my assessment").click()
    at.run()


def _counts(engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return (conn.execute(select(func.count()).select_from(m.Assessment)).scalar_one(),
                conn.execute(select(func.count()).select_from(m.AssessmentAnswer)).scalar_one())


def test_results_overall_stage_and_language(open_maturity, engine):
    at = open_maturity()
    assert not at.exception
    assert at.title[0].value == "Maturity"
    data = qm.answers(engine)
    latest = mt.round_order(data)[-1]
    assert at.selectbox(key="mat_results_round").value == latest
    # Company profile: n and median recomputed here with plain pandas from the stored answers.
    table = at.dataframe[0].value.set_index("Dimension")
    current = data[data["round"] == latest]
    for dim in mt.DIMENSIONS:
        stages = current.loc[current["dimension"] == dim, "stage"]
        assert table.loc[mt.load_instrument().dimension_label(dim), "n"] == len(stages)
        assert table.loc[mt.load_instrument().dimension_label(dim), "Median"].startswith(f"{stages.median():g} · ")
    # Administration has two people in the demo: below the privacy threshold of three.
    heat = _heatmap(at)
    assert _cell(heat, "Administration", "Culture") == "hidden (n=2)"

    # The overall stage shows only on request, labelled as the weakest dimension.
    assert not any("weakest" in metric.label for metric in at.metric)
    at.toggle(key="mat_overall").set_value(True)
    at.run()
    weakest = current.groupby("dimension")["stage"].median().min()  # minimum of the four medians
    metric = next(x for x in at.metric if "weakest" in x.label)
    assert metric.value.startswith(f"{weakest:g} · ")

    # The language switch turns the instrument texts into Italian.
    at.radio(key="mat_lang").set_value("it")
    at.run()
    assert not at.exception
    assert "Cultura" in [s.value for s in at.subheader]
    options = at.radio(key="mat_stage_culture").options
    inst = mt.load_instrument()
    assert options[0] == f"1 · Isola: {inst.descriptor('culture', 1, 'it')}"
    assert options[1] == "1.5 · tra Isola e Canale"
    table_it = at.dataframe[0].value.set_index("Dimension")
    for dim in mt.DIMENSIONS:
        median = current.loc[current["dimension"] == dim, "stage"].median()
        assert table_it.loc[inst.dimension_label(dim, "it"), "Median"] == f"{median:g} · {inst.stage_label(median, 'it')}"


def test_submit_through_the_form_is_stored_and_shown(open_maturity, engine):
    before = _counts(engine)
    at = open_maturity()
    _fill(at, team="Marketing", respondent="new.person@example.com", evidence="<b>CAB</b> minutes, **bold**")
    _submit(at)
    assert not at.exception and not at.error
    assert "Saved your assessment of Marketing" in at.success[0].value
    assert _counts(engine) == (before[0] + 1, before[1] + 4)
    stored = qm.own_answers(engine, round_id=2, team="Marketing", respondent="new.person@example.com")
    assert {d: a["stage"] for d, a in stored.items()} == dict(zip(mt.DIMENSIONS, (3.0, 2.5, 3.5, 2.0), strict=True))
    assert stored["culture"]["evidence"] == "<b>CAB</b> minutes, **bold**"  # kept as typed, shown as text
    # Marketing had 4 respondents in the open demo round; now 5, in the profile and in the heatmap.
    at.selectbox(key="mat_profile_team").set_value("Marketing")
    at.run()
    table = at.dataframe[0].value.set_index("Dimension")
    assert table["n"].tolist() == [5, 5, 5, 5]
    marketing = mt.select_answers(qm.answers(engine), round=mt.round_order(qm.answers(engine))[-1], team="Marketing")
    culture = marketing.loc[marketing["dimension"] == "culture", "stage"]
    assert table.loc["Culture", "Median"].startswith(f"{culture.median():g} · ")
    heat = _heatmap(at)
    row = heat["customdata"][heat["y"].index("Marketing")]
    assert all("n=5" in cell for cell in row)
    # Evidence is displayed as data (a dataframe cell), never rendered as Markdown or HTML.
    assert not any("<b>CAB</b>" in md.value for md in at.markdown)


def test_a_three_person_team_stays_hidden_until_three_have_answered(open_maturity, engine):
    with db.session_scope(engine) as s:
        s.add(m.Team(name="Legal", department="Administration", kind="internal"))
    at = open_maturity()
    _fill(at, team="Legal", respondent="legal-1")
    _submit(at)
    _fill(at, team="Legal", respondent="legal-2", stages=(2.0, 2.0, 3.0, 2.0))
    _submit(at)
    assert not at.error
    heat = _heatmap(at)
    assert _cell(heat, "Legal", "Culture") == "hidden (n=2)"
    _fill(at, team="Legal", respondent="legal-3", stages=(4.0, 2.0, 3.0, 2.0))
    _submit(at)
    # culture answers 3.0, 2.0, 4.0 -> median 3 ; IQR: q1 = 2.5, q3 = 3.5 -> 1.0 -> low consensus mark
    assert _cell(_heatmap(at), "Legal", "Culture") == "3 ◆"


def test_invalid_submission_explains_keeps_input_and_stores_nothing(open_maturity, engine):
    before = _counts(engine)
    at = open_maturity()
    _fill(at, team="Sales", respondent="half.done@example.com", stages=(None, 2.5, 3.5, 2.0),
          evidence="our advisory board")
    _submit(at)
    assert "Nothing was saved" in at.error[0].value
    assert "Culture: choose the statement that describes your team" in at.error[0].value
    assert at.text_input(key="mat_respondent").value == "half.done@example.com"
    assert at.text_input(key="mat_evidence_culture").value == "our advisory board"
    assert at.radio(key="mat_stage_organization").value == 2.5
    assert _counts(engine) == before

    # A closed round refuses answers.
    at.radio(key="mat_stage_culture").set_value(3.0)
    at.selectbox(key="mat_round").set_value(1)
    _submit(at)
    assert "is closed" in at.error[0].value
    assert _counts(engine) == before

    # A team removed after the page was opened.
    with db.session_scope(engine) as s:
        s.add(m.Team(name="Temporary", department="IT"))
    at = open_maturity()
    _fill(at, team="Temporary", respondent="x@example.com")
    with engine.begin() as conn:
        conn.execute(delete(m.Team).where(m.Team.name == "Temporary"))
    _submit(at)
    assert "The team 'Temporary' does not exist" in at.error[0].value
    assert _counts(engine) == before

    # Nothing chosen at all: one message per missing field.
    at = open_maturity()
    _submit(at)
    problems = at.error[0].value
    for text in ("Choose the team", "Enter your name", "Choose your role", "Technology: choose"):
        assert text in problems


def _revise(at, *, team: str, name: str, code: str):
    at.selectbox(key="mat_rev_team").set_value(team)
    at.text_input(key="mat_rev_name").input(name)
    at.text_input(key="mat_rev_code").input(code)
    at.button(key="mat_rev_load").click()
    at.run()


def test_revise_needs_the_revision_code_then_replaces_the_answers(open_maturity, engine):
    before = _counts(engine)
    at = open_maturity()
    _fill(at, team="Marketing", respondent="lia", stages=(2.0, 2.0, 2.0, 2.0))
    _submit(at)
    saved = at.success[0].value
    code = re.search(r"\*\*([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\*\*", saved).group(1)
    assert "shown only now" in saved and _counts(engine) == (before[0] + 1, before[1] + 4)

    # Another visitor typing the name "lia": a wrong code loads nothing and the form stays empty...
    at = open_maturity()
    _revise(at, team="Marketing", name="lia", code="AAAA-AAAA-AAAA")
    assert "match this name and revision code" in at.info[0].value
    assert at.radio(key="mat_stage_culture").value is None
    # ...and submitting under that name is refused, nothing changed.
    _fill(at, team="Marketing", respondent="lia", stages=(5.0, 5.0, 5.0, 5.0))
    _submit(at)
    assert "already answered for Marketing in this round as 'lia'" in at.error[0].value
    assert {a["stage"] for a in qm.own_answers(engine, round_id=2, team="Marketing", respondent="lia").values()} == {2.0}
    # A demo respondent's answers were imported without a code: a name and any code load nothing.
    at = open_maturity()
    _revise(at, team="Marketing", name="m05-01", code=code)
    assert at.info and at.radio(key="mat_stage_culture").value is None

    # The person with the code (typed in lower case) gets their answers back and replaces one.
    at = open_maturity()
    _revise(at, team="Marketing", name="lia", code=code.lower())
    for dim in mt.DIMENSIONS:
        assert at.radio(key=f"mat_stage_{dim}").value == 2.0
    assert at.text_input(key="mat_respondent").value == "lia"
    at.radio(key="mat_stage_technology").set_value(4.5)
    _submit(at)
    assert not at.error and "You can revise it until the round closes" in at.success[0].value
    assert _counts(engine) == (before[0] + 1, before[1] + 4)  # replaced, not added
    assert qm.own_answers(engine, round_id=2, team="Marketing", respondent="lia")["technology"]["stage"] == 4.5


def test_targets_and_stage_labels_are_saved(open_maturity, engine):
    at = open_maturity()
    at.selectbox(key="mat_target_culture_Whole company").set_value(4.0)
    at.text_input(key="mat_target_by").input("Board")
    next(b for b in at.button if b.label == "Save targets").click()
    at.run()
    assert not at.error
    tg = qm.targets(engine)
    assert tg.loc[tg["team"].isna() & (tg["dimension"] == "culture"), "target"].item() == 4.0

    at.text_input(key="mat_label_en_2").input("Megaphone")
    at.text_input(key="mat_label_by").input("Board")
    next(b for b in at.button if b.label == "Save labels").click()
    at.run()
    assert not at.error
    assert service.instrument(engine).version == "2"
    assert at.radio(key="mat_stage_culture").options[1] == "1.5 · between Island and Megaphone"

    at.text_input(key="mat_label_en_3").input("Megaphone")
    next(b for b in at.button if b.label == "Save labels").click()
    at.run()
    assert "must differ" in at.error[0].value
    assert pd.Series(qm.instrument_versions(engine)["version"]).tolist() == ["2"]


def test_empty_database_explains_what_to_do(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    eng = db.make_engine(url)
    db.upgrade(eng)
    db.clear_data(eng)  # an emptied database: no demo is loaded into it
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_data.clear()
    st.cache_resource.clear()
    from tests.app.conftest import APP

    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    assert "There are no teams yet" in at.info[0].value

    # A team but no round yet: the page says how to open one, and shows no results.
    with db.session_scope(eng) as s:
        s.add(m.Team(name="Sales", department="Sales"))
    st.cache_data.clear()
    at.run()
    assert not at.exception
    assert "No round is open" in at.warning[0].value
    assert "No answers yet" in " ".join(i.value for i in at.info)
    eng.dispose()


# --- roles: who sees the form and the set-up, and whose answers are whose ----------------------------

VIEWER_CAPTION = "Members take the assessment for their own team; as a viewer you see the results."
SETUP_BUTTONS = {"Save targets", "Open a new round", "Close this round", "Save labels"}


def _keys(at) -> set[str]:
    return {w.key for kind in (at.selectbox, at.text_input, at.radio, at.button) for w in kind}


def _demo(url: str) -> tuple[pd.DataFrame, int, str]:
    """The demo database's answers, its newest open round's id and name."""
    eng = db.make_engine(url)
    data, rounds = qm.answers(eng), qm.rounds(eng)
    eng.dispose()
    newest = rounds[rounds["status"] == "open"].iloc[-1]
    return data, int(newest["id"]), str(newest["name"])


def _trail(url: str) -> list[tuple]:
    eng = db.make_engine(url)
    trail = qa.audit_events(eng, actions=("maturity.assess", "maturity.targets"))
    eng.dispose()
    return list(trail[["actor", "actor_role", "action", "outcome", "records", "summary"]].itertuples(index=False,
                                                                                                       name=None))


def test_a_viewer_sees_the_results_but_no_form_and_no_setup(app_as):
    at = app_as("viewer", PAGE)
    assert not at.exception, [e.value for e in at.exception]
    assert [t.label for t in at.tabs] == ["Results", "Targets and next steps"]
    captions = [c.value for c in at.caption]
    assert VIEWER_CAPTION in captions and "Only admins set target stages." in captions
    assert not {"mat_team", "mat_round", "mat_respondent", "mat_target_by", "mat_new_round", "mat_close_id",
                "mat_label_by"} & _keys(at)
    assert not ({"Submit my assessment"} | SETUP_BUTTONS) & {b.label for b in at.button}
    assert _heatmap(at)["type"] == "heatmap"  # the results are there


def test_a_member_assesses_only_their_team_as_themselves_and_finds_their_answers_again(app_as):
    data, open_id, open_name = _demo(app_as.url)
    # the demo team with the most respondents in the open round, read from the database
    team = data[data["round_id"] == open_id].groupby("team")["respondent"].nunique().idxmax()
    at = app_as("member", PAGE, teams=(team,))
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="mat_team").options == [team]
    assert "mat_respondent" not in _keys(at) and "mat_rev_name" not in _keys(at)  # no name to type
    assert "Rounds and instrument" not in [t.label for t in at.tabs]
    assert not SETUP_BUTTONS & {b.label for b in at.button}
    at.selectbox(key="mat_team").set_value(team)
    at.selectbox(key="mat_role").set_value("manager")
    stages = (3.0, 2.5, 3.5, 2.0)
    for dim, stage in zip(mt.DIMENSIONS, stages, strict=True):
        at.radio(key=f"mat_stage_{dim}").set_value(stage)
    _submit(at)
    assert not at.exception and not at.error
    eng = db.make_engine(app_as.url)
    before = _counts(eng)
    stored = qm.own_answers(eng, round_id=open_id, team=team, respondent="member@example.com")
    assert {d: a["stage"] for d, a in stored.items()} == dict(zip(mt.DIMENSIONS, stages, strict=True))
    # the four dimensions answered; the trail never holds the stages themselves
    assert _trail(app_as.url)[0] == ("member@example.com", "member", "maturity.assess", "done",
                                     f"assessment of {team} in {open_name}", "new, 4 dimensions answered")

    # Back on the page later: the answers are loaded without typing a name, and revised.
    again = app_as("member", PAGE, teams=(team,))
    assert not again.exception, [e.value for e in again.exception]
    assert again.selectbox(key="mat_team").value == team
    assert [again.radio(key=f"mat_stage_{d}").value for d in mt.DIMENSIONS] == list(stages)
    assert any(c.value.startswith(f"You have answered for {team} in ") for c in again.caption)
    again.radio(key="mat_stage_technology").set_value(4.0)
    _submit(again)
    assert not again.error
    assert _counts(eng) == before  # one assessment per person, team and round: replaced
    # only technology changed (2.0 -> 4.0): 1 of the 4 dimensions
    assert _trail(app_as.url)[0][-1] == "revised, 1 of 4 dimensions changed"
    eng.dispose()


def test_a_member_in_no_team_is_told_to_ask_an_admin(app_as):
    at = app_as("member", PAGE)
    assert not at.exception, [e.value for e in at.exception]
    assert any("ask an admin to add you to your team (Data page, People and roles)" in i.value for i in at.info)
    assert not {"mat_team", "mat_round"} & _keys(at)
    assert "Submit my assessment" not in {b.label for b in at.button}


def test_an_admin_sees_the_setup_and_is_named_by_their_email(app_as):
    at = app_as("admin", PAGE)
    assert not at.exception, [e.value for e in at.exception]
    assert [t.label for t in at.tabs] == ["Take the assessment", "Results", "Targets and next steps",
                                          "Rounds and instrument"]
    assert SETUP_BUTTONS <= {b.label for b in at.button}
    assert not {"mat_target_by", "mat_label_by", "mat_respondent"} & _keys(at)  # a signed-in person is known
    at.selectbox(key="mat_target_culture_Whole company").set_value(4.0)
    next(b for b in at.button if b.label == "Save targets").click()
    at.run()
    assert not at.exception and not at.error
    eng = db.make_engine(app_as.url)
    tg = qm.targets(eng)
    eng.dispose()
    company = tg[tg["team"].isna()].set_index("dimension")
    assert company.loc["culture", "target"] == 4.0 and company.loc["culture", "set_by"] == "admin@example.com"
    actor, role, action, outcome, records, summary = _trail(app_as.url)[0]
    assert (actor, role, action, outcome) == ("admin@example.com", "admin", "maturity.targets", "done")
    assert records == "targets of the whole company, 4 dimensions" and "culture" in summary and "-> 4" in summary


def test_no_respondent_is_named_anywhere_on_the_page(app_as):
    """Every table, text and chart of the page, for an admin (who sees every section): none holds a
    respondent's name or e-mail."""
    data, _, _ = _demo(app_as.url)
    people = set(data["respondent"])
    at = app_as("admin", PAGE)
    at.toggle(key="mat_overall").set_value(True)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    cells = {str(v) for frame in at.dataframe for v in frame.value.astype(str).to_numpy().ravel()}
    cells |= {str(c) for frame in at.dataframe for c in frame.value.columns}
    assert people and cells
    assert not people & cells
    texts = [e.value for kind in (at.markdown, at.caption, at.info, at.warning, at.subheader, at.metric)
             for e in kind if isinstance(e.value, str)]
    texts += [chart.proto.spec for chart in at.get("plotly_chart")]
    # the scan reads what the page shows: every team's name is in the heatmap's data
    assert all(any(team in text for text in texts) for team in set(data["team"]))
    assert not [p for p in people if any(p in text for text in texts)]
