"""Health page AppTest on the demo company: values checked against numbers computed here from raw
SQL, a weight edit that saves a new version and changes the distribution, bad edits refused, who
may edit (viewers read the model, editors save drafts, admins also activate), the customer
drill-down whose contributions add up to the score, the capped at-risk list with its count and
download, and scores rebuilt after an import of signals."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
import streamlit as st
from sqlalchemy import create_engine

from cs_metrics import health
from cs_metrics.services import health as service
from cs_metrics.storage import db, ingest
from cs_metrics.storage.queries import access as qa
from cs_metrics.storage.queries import health as hq
from tests.conftest import DEMO_AS_OF

PAGE = "pages/health.py"


def _figures(at) -> dict[str, dict]:
    out = {}
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        out[(spec["layout"].get("title") or {}).get("text", "")] = spec
    return out


def _metric(at, label: str):
    return next(m for m in at.metric if m.label == label)


def _open(at, tab: str):
    """Open one tab of the page (only the open tab's content runs)."""
    at.session_state["health_tab"] = tab
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def _latest_scores(url: str, model: dict, months_back: int = 0) -> pd.Series:
    """Scores of the latest month (or of the month ``months_back`` before it) written out from raw
    SQL: linear points, weighted mean of present signals."""
    engine = create_engine(url)
    sig = pd.read_sql("SELECT customer_id, month, signal, value FROM health_signal", engine)
    engine.dispose()
    latest = sorted(sig["month"].unique())[-1 - months_back]
    wide = sig[sig["month"] == latest].pivot_table(index="customer_id", columns="signal", values="value")
    num = den = 0
    for key, rule in model["signals"].items():
        pts = ((wide[key] - rule["worst"]) / (rule["best"] - rule["worst"]) * 100).clip(0, 100)
        num, den = num + pts.fillna(0) * rule["weight"], den + pts.notna() * rule["weight"]
    return (num / den).dropna()


@pytest.fixture()
def page(app_on_demo):
    at = app_on_demo(PAGE)
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_health_page_values_backtest_and_drilldown(page, demo_db_url):
    """One page session (each costs seconds): distribution, back-test panel, drill-down."""
    at = page
    score = _latest_scores(demo_db_url, health.DEFAULT_MODEL)
    assert _metric(at, "Customers scored, Oct 2026").value == f"{len(score):,}"
    # Bands: 50 is red, 75 is yellow (upper-inclusive).
    assert _metric(at, "Red band").value == f"{(score <= 50).mean():.1%}"
    assert _metric(at, "Green band").value == f"{(score > 75).mean():.1%}"
    hist = _figures(at)["Distribution of scores, Oct 2026"]
    assert sum(sum(trace["y"]) for trace in hist["data"]) == len(score)
    # The (70, 75] bin holds yellow customers only: 75 belongs to yellow.
    yellow = next(t for t in hist["data"] if t["name"] == "Yellow")
    assert yellow["y"][yellow["x"].index(72.5)] == int(((score > 70) & (score <= 75)).sum())
    _backtest_panel(at, demo_db_url)
    _drilldown(at, demo_db_url)


def _backtest_panel(at, demo_db_url):
    _open(at, "Back-test")
    engine = db.make_engine(demo_db_url)
    import datetime as dt

    # ``end`` is exclusive: the page's default period runs up to and including 31 Oct 2026.
    api = service.health_backtest(engine, start=dt.date(2025, 11, 1), end=dt.date(2026, 11, 1),
                                  as_of=dt.date(2026, 10, 31), horizon_days=90)
    engine.dispose()
    assert _metric(at, "AUC of the score for churn").value == f"{api.auc.auc:.2f}"
    assert api.auc.low > 0.5
    assert any("separates churners from stayers" in s.value for s in at.success)
    captions = " ".join(c.value for c in at.caption)
    assert f"95% CI {api.auc.low:.2f}–{api.auc.high:.2f}" in captions and f"{api.churned} churned of {api.n:,}" in captions
    rates = _figures(at)["Churn rate by band (95% Wilson interval)"]["data"][0]["y"]
    assert rates == pytest.approx(api.by_band["rate"].fillna(0).tolist())


def _waterfall_adds_up(at) -> float:
    fig = _figures(at)["What makes up the score"]["data"][0]
    measures, ys = fig["measure"], fig["y"]
    total = ys[measures.index("total")]
    assert sum(y for y, m in zip(ys, measures) if m == "relative") == pytest.approx(total)
    assert _metric(at, "Score, Oct 2026").value == f"{total:.1f}"
    return total


def _drilldown(at, demo_db_url):
    _open(at, "Customer")
    _waterfall_adds_up(at)
    # Another customer: pick one with a missing signal (no tickets -> no resolution time) and check
    # the score against the raw-SQL computation and the badge for the missing signal.
    score = _latest_scores(demo_db_url, health.DEFAULT_MODEL)
    engine = create_engine(demo_db_url)
    has = pd.read_sql("SELECT customer_id FROM health_signal WHERE signal = 'resolution_hours' "
                      "AND month = (SELECT MAX(month) FROM health_signal)", engine)["customer_id"]
    ids = pd.read_sql("SELECT id, external_id FROM customer", engine).set_index("id")["external_id"]
    engine.dispose()
    missing = sorted(set(score.index) - set(has))
    assert missing, "the demo leaves resolution time empty in months without tickets"
    # The picker searches on the server: type the customer's id, then pick it among the matches.
    at.text_input(key="health_find").set_value(ids[missing[0]]).run()
    at.selectbox(key="health_customer").set_value(int(missing[0])).run()
    assert not at.exception
    total = _waterfall_adds_up(at)
    assert total == pytest.approx(score[missing[0]], abs=0.05)
    assert any("No data: Ticket resolution time" in str(b.proto) for b in at.get("badge")) or any(
        "No data: Ticket resolution time" in m.value for m in at.markdown)


def test_editing_a_weight_saves_a_new_version_and_changes_the_distribution(page, demo_db_url):
    at = page
    before = _figures(at)["Distribution of scores, Oct 2026"]
    green_before = _metric(at, "Green band").value
    _open(at, "Model")
    at.number_input(key="hm_1_All segments_usage_weight").set_value(0.0)
    at.text_input(key="hm_who").set_value("Giulia Conti")
    at.text_area(key="hm_reason").set_value("Usage is measured differently this year")
    next(b for b in at.button if b.label == "Save and activate").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Saved version 2" in s.value for s in at.success)
    versions = hq.model_versions(db.make_engine(demo_db_url)).set_index("version")
    assert versions["is_active"].to_dict() == {2: True, 1: False}
    assert versions.loc[2, "created_by"] == "Giulia Conti"
    assert at.selectbox(key="health_version").value == 2
    _open(at, "Distribution")
    after = _figures(at)["Distribution of scores, Oct 2026"]
    assert after["data"] != before["data"]
    # Recomputed independently with usage weighted 0.
    edited = health.edit_model(health.DEFAULT_MODEL, weights={"usage": 0})
    score = _latest_scores(demo_db_url, edited)
    assert _metric(at, "Green band").value == f"{(score > 75).mean():.1%}" != green_before
    # Scores for any version are recomputed: version 1 gives the original distribution back.
    at.selectbox(key="health_version").set_value(1).run()
    assert _metric(at, "Green band").value == green_before
    assert _figures(at)["Distribution of scores, Oct 2026"]["data"] == before["data"]


BAD_EDITS = [
    ({f"hm_1_All segments_{k}_weight": 0.0 for k in health.DEFAULT_MODEL["signals"]}, "all weights are zero"),
    ({"hm_1_All segments_usage_weight": -3.0}, "zero or positive"),
    ({"hm_1_All segments_low": 80.0}, "must increase"),
    ({"hm_1_usage_worst": 0.8}, "make them differ"),
]


def test_bad_edits_show_messages_and_save_nothing(page, demo_db_url):
    at = page
    _open(at, "Model")
    defaults = {ni.key: ni.value for ni in at.number_input if ni.key and ni.key.startswith("hm_1_")}
    # No reason: refused first.
    at.text_input(key="hm_who").set_value("Giulia Conti")
    next(b for b in at.button if b.label == "Save as a draft").click()
    at.run()
    assert any("why the model changes" in e.value for e in at.error)
    at.text_area(key="hm_reason").set_value("Trying something")
    for inputs, message in BAD_EDITS:
        for key, value in defaults.items():
            at.number_input(key=key).set_value(value)
        for key, value in inputs.items():
            at.number_input(key=key).set_value(value)
        next(b for b in at.button if b.label == "Save and activate").click()
        at.run()
        assert not at.exception
        assert any(message in e.value for e in at.error), message
        assert any("Nothing was saved" in c.value for c in at.caption)
    assert hq.model_versions(db.make_engine(demo_db_url))["version"].tolist() == [1]


# --- roles: viewers read, editors draft, admins activate ---------------------------------------------


def _buttons(at) -> set[str]:
    return {b.label for b in at.button}


def test_a_viewer_sees_the_model_read_only(app_as):
    at = app_as("viewer", PAGE)
    _open(at, "Model")
    assert not at.get("form") and "Save as a draft" not in _buttons(at) and "Save and activate" not in _buttons(at)
    assert "Activate this version" not in _buttons(at)
    assert any("Editors save drafts of the health model and admins activate them." in c.value for c in at.caption)
    # The model itself is shown: one row per signal of the default model.
    assert len(at.dataframe[0].value) == len(health.DEFAULT_MODEL["signals"])


def test_an_editor_saves_a_draft_but_cannot_activate(app_as):
    at = app_as("editor", PAGE, name="Edith Editor")
    _open(at, "Model")
    assert "Save as a draft" in _buttons(at)
    assert "Save and activate" not in _buttons(at) and "Activate this version" not in _buttons(at)
    assert not [t for t in at.text_input if t.key == "hm_who"]  # a signed-in person is known: no name field
    at.number_input(key="hm_1_All segments_usage_weight").set_value(40.0)
    at.text_area(key="hm_reason").set_value("More weight on usage")
    next(b for b in at.button if b.label == "Save as a draft").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Saved version 2 as a draft; version 1 stays active." in s.value for s in at.success)
    engine = db.make_engine(app_as.url)
    versions = hq.model_versions(engine).set_index("version")
    audit = qa.audit_events(engine)
    engine.dispose()
    assert versions["is_active"].to_dict() == {2: False, 1: True} and bool(versions.loc[2, "draft"])
    assert versions.loc[2, "created_by"] == "editor@example.com"
    row = audit.iloc[0]
    assert (row["actor"], row["action"], row["outcome"], row["records"], row["summary"]) == (
        "editor@example.com", "health.draft", "done", "health model version 2",
        "draft saved; reason: More weight on usage")
    # The page now shows the draft, marked as such, in the picker and in the history.
    assert at.selectbox(key="health_version").value == 2
    assert at.selectbox(key="health_version").format_func(2) == "Version 2 (draft)"


def test_an_admin_saves_and_activates_and_activates_from_the_history(app_as):
    at = app_as("admin", PAGE)
    _open(at, "Model")
    assert {"Save as a draft", "Save and activate"} <= _buttons(at)
    at.text_area(key="hm_reason").set_value("A draft to compare")
    next(b for b in at.button if b.label == "Save as a draft").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # Version 2 is a draft; the admin activates it from the version history.
    assert at.selectbox(key="health_activate_pick").value == 2
    next(b for b in at.button if b.label == "Activate this version").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Version 2 is now the active model (was version 1)." in s.value for s in at.success)
    engine = db.make_engine(app_as.url)
    versions = hq.model_versions(engine).set_index("version")
    audit = qa.audit_events(engine)
    engine.dispose()
    assert versions["is_active"].to_dict() == {2: True, 1: False}
    assert audit[["action", "outcome", "records", "summary"]].head(2).values.tolist() == [
        ["health.activate", "done", "health model version 2", "activated (was version 1)"],
        ["health.draft", "done", "health model version 2", "draft saved; reason: A draft to compare"]]


def test_a_selection_without_customers_is_friendly(page, demo_db_url):
    at = page
    engine = create_engine(demo_db_url)
    c = pd.read_sql("SELECT segment, owner FROM customer", engine)
    engine.dispose()
    owners = sorted(set(c["owner"]) - set(c.loc[c["segment"] == "Enterprise", "owner"]))
    at.session_state["filter_segments"] = ["Enterprise"]
    at.session_state["filter_owners"] = owners[:1]
    at.run()
    assert not at.exception
    assert any("No health signals for these customers" in i.value for i in at.info)


def test_at_risk_list_is_capped_with_its_count_and_a_download(page, demo_db_url):
    at = page
    _open(at, "At risk")
    now, before = _latest_scores(demo_db_url, health.DEFAULT_MODEL), _latest_scores(demo_db_url, health.DEFAULT_MODEL, 1)
    # Red (50 or below) or down 10 points or more since September, counted from the raw signals.
    change = now - before.reindex(now.index)
    n = int(((now <= 50) | (change <= -10)).sum())
    assert n > 25
    assert any(f"Oct 2026: {n:,} customers red or falling" in c.value for c in at.caption)
    assert len(at.dataframe[0].value) == 25  # the 25 largest by ARR; the download holds all
    assert any(b.label == f"Download all {n:,} (CSV)" for b in at.get("download_button"))
    at.number_input(key="health_drop").set_value(30.0).run()
    fewer = int(((now <= 50) | (change <= -30)).sum())
    assert any(f"Oct 2026: {fewer:,} customers red or falling" in c.value for c in at.caption)


def test_customer_search_finds_by_name_and_an_import_rebuilds_the_scores(page, demo_db_url):
    at = page
    _open(at, "Customer")
    assert len(at.selectbox(key="health_customer").options) == 25  # the largest at risk, not every customer
    engine = create_engine(demo_db_url)
    name, ext = engine.connect().exec_driver_sql(
        "SELECT name, external_id FROM customer WHERE id = (SELECT MIN(customer_id) FROM health_signal "
        "WHERE month = '2026-10-01')").one()
    engine.dispose()
    at.text_input(key="health_find").set_value(name[:6].lower()).run()
    options = at.selectbox(key="health_customer").options
    assert 1 <= len(options) <= 20 and all(name[:6].lower() in o.lower() for o in options)
    # An import of October signals for this customer: the page scores October again and shows it.
    data = f"customer_id,month,signal,value\n{ext},2026-10,usage,0.8\n{ext},2026-10,billing_issue,2\n"
    engine = db.make_engine(demo_db_url)
    assert ingest.commit(engine, "health_signals", data.encode(), filename="s.csv", today=DEMO_AS_OF).committed
    assert service.stale_months(engine) == [dt.date(2026, 10, 1)]
    st.cache_data.clear()
    _open(at, "Distribution")
    assert service.stale_months(engine) == []
    engine.dispose()
    score = _latest_scores(demo_db_url, health.DEFAULT_MODEL)
    assert _metric(at, "Green band").value == f"{(score > 75).mean():.1%}"
