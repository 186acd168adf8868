"""The Overview's alerts on the demo company: the list drawn equals ``services.alerts.alerts`` on the
page's reference date; acknowledging the first open alert moves it to the acknowledged ones (last,
and in the database); a segment filter narrows the list to that segment's customers (and the
company-wide team alerts); a viewer reads the list and the rules without controls."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
from sqlalchemy import create_engine, text

from cs_metrics.selection import CustomerFilter
from cs_metrics.services import alerts as sa
from cs_metrics.storage import db
from ui.components import TABLE_ROWS
from ui.filters import KEY_SEGMENTS
from ui.overview_alerts import COLUMNS, WHO_EDITS


def _ok(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def _shown(at):
    """The Overview with its alerts asked for (the list is drawn on request)."""
    _ok(at)
    at.toggle(key="overview_alerts_show").set_value(True)
    return _ok(at.run())


def _as_of(at) -> dt.date:
    """The reference date the section states in its caption ('... acknowledged on 2026-10-31. ...')."""
    caption = next(c.value for c in at.caption if " acknowledged on " in c.value)
    return dt.date.fromisoformat(re.search(r"acknowledged on (\d{4}-\d{2}-\d{2})", caption).group(1))


def _drawn(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if list(d.value.columns) == COLUMNS)


def _expected(url: str, as_of: dt.date, flt: CustomerFilter = CustomerFilter()) -> pd.DataFrame:
    engine = db.make_engine(url)
    try:
        return sa.alerts(engine, as_of=as_of, flt=flt)
    finally:
        engine.dispose()


def _same(drawn: pd.DataFrame, expected: pd.DataFrame) -> None:
    want = expected[COLUMNS].head(TABLE_ROWS).reset_index(drop=True)
    got = drawn.reset_index(drop=True).assign(since=pd.to_datetime(drawn["since"]).dt.date.to_numpy())
    assert got.astype(str).values.tolist() == want.astype(str).values.tolist()


def test_the_list_equals_the_service_and_acknowledging_moves_an_alert(app_on_demo, demo_db_url):
    at = _shown(app_on_demo())
    as_of = _as_of(at)
    expected = _expected(demo_db_url, as_of)
    assert len(expected) > 0 and not expected["acknowledged"].any()
    _same(_drawn(at), expected)
    first = expected.iloc[0]
    assert at.selectbox(key="overview_alert_pick").value == 0  # the oldest open alert is offered first
    at.button(key="overview_alert_acknowledge").click()
    _ok(at.run())
    assert any(s.value.startswith("Acknowledged: ") for s in at.success)
    after = _expected(demo_db_url, as_of)
    # The same alerts; the one acknowledged now comes last, marked, by the local user.
    assert len(after) == len(expected)
    assert after.iloc[-1][["rule", "subject", "since", "acknowledged", "acknowledged_by"]].tolist() == [
        first["rule"], first["subject"], first["since"], True, "Local user"]
    _same(_drawn(at), after)
    engine = create_engine(demo_db_url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT rule, subject, since FROM alert_ack")).all()
    engine.dispose()
    assert [(r, s, str(d)[:10]) for r, s, d in stored] == [(first["rule"], first["subject"], f"{first['since']}")]


def test_a_segment_filter_narrows_the_list(app_on_demo, demo_db_url):
    at = _ok(app_on_demo())
    # The segment is chosen in the first run's sidebar, then the list is asked for.
    segment = at.multiselect(key=KEY_SEGMENTS).options[0]
    at.multiselect(key=KEY_SEGMENTS).select(segment)
    at.toggle(key="overview_alerts_show").set_value(True)
    _ok(at.run())
    as_of = _as_of(at)
    narrow = _expected(demo_db_url, as_of, CustomerFilter(segments=(segment,)))
    whole = _expected(demo_db_url, as_of)
    assert 0 < len(narrow) < len(whole)
    _same(_drawn(at), narrow)


def test_a_viewer_reads_the_alerts_and_the_rules_without_controls(app_as):
    at = _shown(app_as("viewer"))
    assert len(_drawn(at)) > 0
    assert not [b for b in at.button if b.key == "overview_alert_acknowledge"]
    assert [c.value for c in at.caption].count(WHO_EDITS) == 2  # under the list and in the rules
    rules = next(d.value for d in at.dataframe if "parameter_label" in d.value.columns)
    assert rules["label"].tolist() == ["Entered the red band", "Renewal in the red band", "Detractor follow-up overdue",
                                      "Onboarding past its target", "Maturity round short of answers"]


def test_an_editor_saves_a_rule_and_the_list_follows(app_on_demo, demo_db_url):
    at = _shown(app_on_demo())
    as_of = _as_of(at)
    at.number_input(key="alert_parameter_renewal_red").set_value(30)
    at.checkbox(key="alert_rule_red_band").uncheck()
    next(b for b in at.button if b.label == "Save rules").click()
    _ok(at.run())
    assert [s.value for s in at.success] == [
        "Saved: Entered the red band: off; Renewal in the red band: on, days before the renewal 30."]
    stored = _expected_settings(demo_db_url)
    assert stored[["rule", "enabled", "parameter"]].values.tolist()[:2] == [["red_band", False, None],
                                                                          ["renewal_red", True, 30.0]]
    after = _expected(demo_db_url, as_of)
    assert "red_band" not in set(after["rule"])
    _same(_drawn(at), after)


def _expected_settings(url: str) -> pd.DataFrame:
    engine = db.make_engine(url)
    try:
        return sa.settings(engine).astype({"parameter": object}).where(lambda f: f.notna(), None)
    finally:
        engine.dispose()


def test_the_alerts_are_read_only_when_asked_for(app_on_demo):
    from ui.overview_alerts import OFFER

    # At first the section offers the list (it reads every customer's data) and draws no table.
    at = _ok(app_on_demo())
    assert "Alerts" in [h.value for h in at.subheader] and OFFER in [c.value for c in at.caption]
    assert not [d for d in at.dataframe if "rule_label" in d.value.columns or "Alert" in d.value.columns]
