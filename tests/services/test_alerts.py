"""Alerts from the database, on a small demo company (300 customers): each rule's alerts equal a
plain-pandas recomputation from the raw tables (SQL reads, no cs_metrics function), the settings
and the acknowledgements round trip through the database and the audit trail, viewers and members
are refused, and the digest lists the open alerts."""

from __future__ import annotations

import datetime as dt
import shutil
from types import SimpleNamespace

import pandas as pd
import pytest
from sqlalchemy import text

from cs_metrics.access import LOCAL, Actor, Refused
from cs_metrics.selection import CustomerFilter
from cs_metrics.services import alerts as sa
from cs_metrics.services.deliver import DIGEST_SECTIONS, alerts_section
from cs_metrics.storage import db, demo
from cs_metrics.storage.queries import access as qa

AS_OF = dt.date(2026, 10, 31)
VERA = Actor("vera@example.com", "Vera Viewer", "viewer")
MIA = Actor("mia@example.com", "Mia Member", "member")
EDITH = Actor("edith@example.com", "Edith Editor", "editor")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("alerts") / "small.db"
    eng = db.make_engine(f"sqlite:///{path}")
    db.upgrade(eng)
    demo.load_demo(eng, customers=300, seed=99, as_of=AS_OF)
    sa.alerts(eng, as_of=AS_OF)  # scores the health months once, so the raw reads below see them
    eng.dispose()
    return path


@pytest.fixture(scope="module")
def engine(demo_file):
    eng = db.make_engine(f"sqlite:///{demo_file}")
    yield eng
    eng.dispose()


@pytest.fixture()
def private(demo_file, tmp_path):
    """A copy of the demo database a test may write to."""
    copy = tmp_path / "alerts.db"
    shutil.copy(demo_file, copy)
    eng = db.make_engine(f"sqlite:///{copy}")
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def found(engine):
    return sa.alerts(engine, as_of=AS_OF)


def _read(engine, sql: str) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(text(sql)).mappings().all())


def _live(engine) -> pd.DataFrame:
    """Customers not churned on or before AS_OF (their own churn date, else their churn event's)."""
    c = _read(engine, "SELECT c.id AS customer_id, c.signed_on, c.contract_term_months, c.segment, "
                      "COALESCE(c.churned_on, e.churned_on) AS churned_on FROM customer c "
                      "LEFT JOIN churn_event e ON e.customer_id = c.id")
    churned = pd.to_datetime(c["churned_on"])
    return c[(churned.isna() | (churned > pd.Timestamp(AS_OF))).to_numpy()]


def _keys(frame: pd.DataFrame, rule: str) -> set[tuple]:
    part = frame[frame["rule"] == rule]
    return {(s, pd.Timestamp(d).date()) for s, d in zip(part["subject"], part["since"])}


def _last_red_runs(engine) -> dict[int, dt.date]:
    """Per live customer whose latest month over by AS_OF (a month counts from its last day) is red,
    the first month of that red run; bands of the active model only."""
    s = _read(engine, "SELECT s.customer_id, s.month, s.band FROM health_score s JOIN health_model h "
                      "ON h.version = s.version AND h.is_active WHERE s.band IS NOT NULL ORDER BY s.customer_id, s.month")
    s["month"] = pd.to_datetime(s["month"])
    s = s[(s["month"] + pd.offsets.MonthEnd(0) <= pd.Timestamp(AS_OF)).to_numpy()]
    live = set(_live(engine)["customer_id"])
    out = {}
    for cid, g in s.groupby("customer_id"):
        bands = g["band"].tolist()
        if cid not in live or bands[-1] != "red":
            continue
        i = len(bands) - 1
        while i > 0 and bands[i - 1] == "red":
            i -= 1
        out[int(cid)] = g["month"].iloc[i].date()
    return out


def test_red_band_alerts_equal_a_recomputation_from_health_scores(engine, found):
    expected = {(str(c), d) for c, d in _last_red_runs(engine).items()}
    assert expected  # the demo company has customers in the red band
    assert _keys(found, "red_band") == expected


def test_renewal_alerts_equal_a_recomputation_from_signing_dates_and_terms(engine, found):
    live = _live(engine)
    red = _last_red_runs(engine)  # customers whose latest band is red
    expected = set()
    for row in live[live["contract_term_months"] >= 12].itertuples():
        signed, term, k = pd.Timestamp(row.signed_on), int(row.contract_term_months), 1
        while signed + pd.DateOffset(months=k * term) <= pd.Timestamp(AS_OF):
            k += 1
        end = signed + pd.DateOffset(months=k * term)  # the first contract end after AS_OF
        if (end - pd.Timestamp(AS_OF)).days <= 60 and row.customer_id in red:
            expected.add((str(row.customer_id), (end - pd.Timedelta(days=60)).date()))  # since = end - 60 days
    assert expected
    assert _keys(found, "renewal_red") == expected


def test_detractor_alerts_equal_a_recomputation_from_the_answers(engine, found):
    r = _read(engine, "SELECT customer_id, responded_on, follow_up_due FROM nps_response WHERE score BETWEEN 0 AND 6 "
                      "AND customer_id IS NOT NULL AND (follow_up_status IS NULL OR follow_up_status IN "
                      f"('open', 'in_progress')) AND responded_on <= '{AS_OF}'")
    r = r[r["customer_id"].isin(_live(engine)["customer_id"])]
    due = pd.to_datetime(r["follow_up_due"]).fillna(pd.to_datetime(r["responded_on"]) + pd.Timedelta(days=7))
    late = r.assign(due=due)[(due < pd.Timestamp(AS_OF)).to_numpy()]  # due before AS_OF: overdue by more than 0
    oldest = late.groupby("customer_id")["due"].min()
    expected = {(str(c), (d + pd.Timedelta(days=1)).date()) for c, d in oldest.items()}  # since = due + 1 day
    assert expected
    assert _keys(found, "detractor_overdue") == expected


def test_onboarding_alerts_equal_a_recomputation_from_the_milestones(engine, found):
    ms = _read(engine, "SELECT customer_id, reached_on, target_days FROM milestone WHERE kind = 'first_value'")
    live = _live(engine).set_index("customer_id")
    expected = set()
    for cid, g in ms.groupby("customer_id"):
        reached = pd.to_datetime(g["reached_on"])
        if cid not in live.index or (reached <= pd.Timestamp(AS_OF)).any():
            continue
        target = g["target_days"].dropna()
        goal = int(target.min()) if len(target) else 30  # the milestone's target, else 30 days
        signed = pd.Timestamp(live.at[cid, "signed_on"])
        if (pd.Timestamp(AS_OF) - signed).days > goal:
            expected.add((str(cid), (signed + pd.Timedelta(days=goal + 1)).date()))
    assert expected
    assert _keys(found, "onboarding_late") == expected


def test_maturity_alerts_equal_a_recomputation_from_rounds_and_assessments(engine, found):
    rounds = _read(engine, "SELECT id, opened_on FROM assessment_round WHERE status = 'open'")
    counts = _read(engine, "SELECT a.round_id, t.name AS team, COUNT(DISTINCT a.respondent) AS n FROM assessment a "
                           "JOIN team t ON t.id = a.team_id GROUP BY a.round_id, t.name")
    teams = _read(engine, "SELECT name FROM team")["name"]
    expected = set()
    for row in rounds.itertuples():
        opened = pd.Timestamp(row.opened_on)
        if (pd.Timestamp(AS_OF) - opened).days <= 14:
            continue
        n = counts[counts["round_id"] == row.id].set_index("team")["n"]
        expected |= {(t, (opened + pd.Timedelta(days=15)).date()) for t in teams if n.get(t, 0) < 3}
    assert _keys(found, "maturity_round") == expected


def test_the_list_is_every_rule_once_unacknowledged_and_a_filter_narrows_it(engine, found):
    assert set(found["rule"]) == {"red_band", "renewal_red", "detractor_overdue", "onboarding_late"} | (
        {"maturity_round"} if (found["rule"] == "maturity_round").any() else set())
    assert not found.duplicated(["rule", "subject", "since"]).any()
    assert not found["acknowledged"].any()
    segment = _read(engine, "SELECT segment FROM customer ORDER BY id LIMIT 1")["segment"].iloc[0]
    narrow = sa.alerts(engine, as_of=AS_OF, flt=CustomerFilter(segments=(segment,)))
    in_segment = set(_read(engine, f"SELECT id FROM customer WHERE segment = '{segment}'")["id"].astype(str))
    customers = found[found["customer_id"].notna()]
    # The filter keeps exactly the customer alerts of the segment, and every team alert (company-wide).
    assert set(zip(narrow["rule"], narrow["subject"])) == (
        {(r, s) for r, s in zip(customers["rule"], customers["subject"]) if s in in_segment}
        | set(zip(found.loc[found["team"].notna(), "rule"], found.loc[found["team"].notna(), "subject"])))
    assert 0 < len(narrow) < len(found)


def test_settings_default_then_round_trip_and_apply(private):
    first = sa.settings(private)
    # The defaults, nothing stored: every rule on, 60, 0, 30 and 14 days; red band without a number.
    assert first["rule"].tolist() == ["red_band", "renewal_red", "detractor_overdue", "onboarding_late",
                                      "maturity_round"]
    assert first["enabled"].all() and pd.isna(first["parameter"].iloc[0])
    assert first["parameter"].tolist()[1:] == [60, 0, 30, 14]
    before = sa.alerts(private, as_of=AS_OF)
    assert sa.save_setting(private, "renewal_red", enabled=True, parameter=30, actor=EDITH) == (
        "Renewal in the red band: on, days before the renewal 30")
    sa.save_setting(private, "red_band", enabled=False, parameter=None, actor=EDITH)
    stored = sa.settings(private).set_index("rule")
    assert (stored.at["renewal_red", "parameter"], stored.at["renewal_red", "updated_by"]) == (30, EDITH.email)
    assert not stored.at["red_band", "enabled"]
    after = sa.alerts(private, as_of=AS_OF)
    assert "red_band" not in set(after["rule"])
    # 30 days: the 60-day renewals with at most 30 days left, since moved to 30 days before the renewal.
    old = before[before["rule"] == "renewal_red"]
    left = old[old["since"].map(lambda d: d + dt.timedelta(days=60) - AS_OF).map(lambda t: t.days) <= 30]
    assert _keys(after, "renewal_red") == {(s, d + dt.timedelta(days=30)) for s, d in zip(left["subject"], left["since"])}
    events = qa.audit_events(private, limit=2)
    assert events[["actor", "action", "outcome"]].values.tolist() == [[EDITH.email, "alerts.edit", "done"]] * 2


def test_acknowledging_marks_that_occurrence_only_once(private):
    alerts = sa.alerts(private, as_of=AS_OF)
    first = alerts.iloc[0]
    assert sa.acknowledge(private, first["rule"], first["subject"], first["since"], actor=EDITH) is True
    assert sa.acknowledge(private, first["rule"], first["subject"], first["since"], actor=LOCAL) is False
    after = sa.alerts(private, as_of=AS_OF)
    assert len(after) == len(alerts)
    done = after[after["acknowledged"]]
    assert done[["rule", "subject", "acknowledged_by"]].values.tolist() == [
        [first["rule"], first["subject"], EDITH.email]]
    assert after.index[after["acknowledged"]].tolist() == [len(after) - 1]  # acknowledged ones come last
    # A new occurrence (another since) of the same rule and subject is not acknowledged.
    assert sa.with_acknowledgements(alerts.iloc[[0]][sa.rules.ALERT_COLUMNS].assign(
        since=first["since"] + dt.timedelta(days=1)), sa.qa.acknowledgements(private))["acknowledged"].tolist() == [False]


@pytest.mark.parametrize("who", [VERA, MIA])
def test_viewers_and_members_are_refused_and_nothing_is_written(private, who):
    alerts = sa.alerts(private, as_of=AS_OF)
    first = alerts.iloc[0]
    with pytest.raises(Refused, match="Only an editor or an admin may set the alert rules"):
        sa.save_setting(private, "renewal_red", enabled=False, parameter=10, actor=who)
    with pytest.raises(Refused):
        sa.acknowledge(private, first["rule"], first["subject"], first["since"], actor=who)
    assert sa.settings(private)[["enabled", "parameter"]].values.tolist()[1] == [True, 60]
    assert not sa.alerts(private, as_of=AS_OF)["acknowledged"].any()
    events = qa.audit_events(private, limit=2)
    assert events[["actor", "action", "outcome"]].values.tolist() == [[who.email, "alerts.edit", "refused"]] * 2


def test_a_parameter_out_of_range_is_refused_without_an_audit_row(private):
    before = len(qa.audit_events(private, limit=1000))
    with pytest.raises(sa.AlertSettingError, match="whole number from 1 to 180; got 181"):
        sa.save_setting(private, "renewal_red", enabled=True, parameter=181, actor=EDITH)
    assert len(qa.audit_events(private, limit=1000)) == before
    assert sa.settings(private)["updated_by"].tolist() == [""] * 5


def test_the_digest_lists_the_open_alerts(engine, found):
    assert alerts_section in DIGEST_SECTIONS
    section = alerts_section(engine, SimpleNamespace(as_of=AS_OF, flt=CustomerFilter(), language="en"))
    lines = section.text.splitlines()
    first = found.iloc[0]
    assert section.title == "Alerts"
    assert lines[0] == f"- {first['who']} · {first['rule_label']}: {first['why']} ({first['since']:%Y-%m-%d})"
    # 25 rows, then how many more: every open alert is counted.
    assert len(lines) == min(len(found), 25) + (len(found) > 25)
    if len(found) > 25:
        assert lines[-1] == f"{len(found) - 25:,} more on the Overview page."
