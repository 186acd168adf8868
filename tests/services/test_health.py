"""Health from the database (``cs_metrics.services.health``): scores recomputed per model version,
saving model versions with their checks, and the back-test on the demo company."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pandas as pd
import pytest
from sqlalchemy import create_engine, func, select
from sqlmodel import Session

from cs_metrics import health
from cs_metrics.access import LOCAL, Actor, Refused
from cs_metrics.errors import DataError
from cs_metrics.services import health as service
from cs_metrics.storage import db
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import access as qa
from cs_metrics.storage.queries import health as hq
from tests.conftest import DEMO_AS_OF

JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
ANNA = Actor("anna@example.com", "Anna", "admin")
BRUNO = Actor("bruno@example.com", "Bruno", "admin")
EDITH = Actor("edith@example.com", "Edith Editor", "editor")
VERA = Actor("vera@example.com", "Vera Viewer", "viewer")




def test_health_scores_recomputed_per_version(small):
    # ``end`` is exclusive: [1 Jan, 1 Feb) is January (the scores below are January's).
    v1 = service.health_scores(small, start=JAN, end=FEB).set_index("customer_id")
    # Default model: customer 1 usage 0.45 -> 50 (w 25), billing 1 of 2 -> 50 (w 12): 50.
    assert v1.loc[1, "score"] == pytest.approx(50.0)
    model = hq.load_model(small)
    edited = health.edit_model(model, weights={"billing_issue": 0})
    v2 = service.save_model_version(small, edited, actor=LOCAL, reason="Billing data is unreliable")
    rescored = service.health_scores(small, start=JAN, end=FEB, version=v2).set_index("customer_id")
    assert rescored.loc[1, "score"] == pytest.approx(50.0)  # usage alone: 50
    # Customer 2: usage 0.1 -> 0 points in both versions; version 1 still answers as before.
    assert service.health_scores(small, start=JAN, end=FEB, version=1).loc[0, "score"] == pytest.approx(50.0)
    # Saving with coverage also refuses a profile that leaves a segment with nothing to score.
    cov = hq.signal_coverage(small, month=JAN)
    # Enterprise has only usage data; a profile there weighting only billing problems scores nobody.
    bad = health.edit_model(model, segment="Enterprise", weights={"usage": 0, "billing_issue": 1})
    with pytest.raises(health.ModelError, match="Segment 'Enterprise'"):
        service.save_model_version(small, bad, actor=LOCAL, reason="x", coverage=cov)
    stored = service.save_model_version(small, health.edit_model(model, segment="Enterprise", weights={"usage": 1}),
                                        actor=LOCAL, reason="Usage only for Enterprise", coverage=cov)
    assert json.loads(json.dumps(hq.load_model(small, stored)["segments"])) == {"Enterprise": {"weights": {"usage": 1.0}}}


def test_versions_start_with_the_seeded_default_then_saves_keep_history_and_move_the_active_flag(engine):
    versions = hq.model_versions(engine)
    assert versions["version"].tolist() == [1] and versions["is_active"].tolist() == [True]
    assert str(versions["created_at"].dt.tz) == "UTC"
    model = hq.load_model(engine)
    assert model["version"] == 1 and model["signals"] == health.DEFAULT_MODEL["signals"]
    v2 = service.save_model_version(engine, health.edit_model(model, weights={"usage": 40}), actor=ANNA,
                                    activate=True, reason="More usage")
    v3 = service.save_model_version(engine, health.edit_model(model, bands=(45, 70)), actor=BRUNO,
                                    activate=True, reason="Lower bands")
    assert (v2, v3) == (2, 3)
    versions = hq.model_versions(engine).set_index("version")
    assert versions["is_active"].to_dict() == {3: True, 2: False, 1: False}
    assert versions["draft"].to_dict() == {3: False, 2: False, 1: False}  # each was active once
    assert versions.loc[2, "created_by"] == "anna@example.com" and versions.loc[3, "reason"] == "Lower bands"
    assert hq.load_model(engine)["version"] == 3 and hq.load_model(engine)["bands"] == [45.0, 70.0]
    assert hq.load_model(engine, 2)["signals"]["usage"]["weight"] == 40.0
    assert hq.load_model(engine, 1)["signals"]["usage"]["weight"] == 25
    with pytest.raises(DataError, match="does not exist"):
        hq.load_model(engine, 99)


INVALID = [
    ({"weights": {k: 0 for k in health.DEFAULT_MODEL["signals"]}}, "Anna", "x", "all weights are zero"),
    ({"weights": {"usage": -5}}, "Anna", "x", "zero or positive"),
    ({"bands": (80, 60)}, "Anna", "x", "must increase"),
    ({}, "  ", "x", "who is making the change"),
    ({}, "Anna", "", "why the model changes"),
    ({}, "A" * 121, "x", "longer than 120 characters"),
]


def test_invalid_saves_write_nothing(engine):
    model = hq.load_model(engine)
    for edit, who, why, fragment in INVALID:
        with pytest.raises(health.ModelError) as info:
            service.save_model_version(engine, health.edit_model(model, **edit), actor=replace(LOCAL, name=who),
                                       reason=why, activate=True)
        assert fragment in str(info.value)
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(m.HealthModel)).one()[0] == 1
    assert hq.load_model(engine)["version"] == 1
    assert qa.audit_events(engine).empty  # a save that fails its checks leaves no audit row


def _events(engine) -> list[tuple]:
    """The audit trail, oldest first: (actor, actor_role, action, outcome, records, summary)."""
    rows = qa.audit_events(engine).iloc[::-1]
    return list(rows[["actor", "actor_role", "action", "outcome", "records", "summary"]].itertuples(index=False,
                                                                                                  name=None))


def test_an_editor_saves_a_draft_that_leaves_the_active_version_and_an_admin_activates_it(engine):
    model = hq.load_model(engine)
    v2 = service.save_model_version(engine, health.edit_model(model, weights={"usage": 40}), actor=EDITH,
                                    reason="  More weight on usage  ")
    assert v2 == 2 and hq.load_model(engine)["version"] == 1  # the draft is stored; version 1 stays active
    versions = hq.model_versions(engine).set_index("version")
    assert versions["is_active"].to_dict() == {2: False, 1: True}
    assert versions["draft"].to_dict() == {2: True, 1: False}
    assert versions.loc[2, "created_by"] == "edith@example.com"  # actor.who: the e-mail
    assert _events(engine) == [("edith@example.com", "editor", "health.draft", "done", "health model version 2",
                                "draft saved; reason: More weight on usage")]
    # The admin activates the draft: it is no longer a draft, and version 1 is the one it replaced.
    assert service.activate_model_version(engine, 2, actor=ANNA) == 1
    versions = hq.model_versions(engine).set_index("version")
    assert versions["is_active"].to_dict() == {2: True, 1: False}
    assert versions["draft"].to_dict() == {2: False, 1: False}
    assert hq.load_model(engine)["version"] == 2
    assert _events(engine)[-1] == ("anna@example.com", "admin", "health.activate", "done",
                                   "health model version 2", "activated (was version 1)")
    # Saving active at once (admins): one 'health.activate' row names the new version and the old one.
    v3 = service.save_model_version(engine, health.edit_model(model, bands=(45, 70)), actor=ANNA, activate=True,
                                    reason="Lower bands")
    assert v3 == 3 and hq.load_model(engine)["version"] == 3
    assert _events(engine)[-1] == ("anna@example.com", "admin", "health.activate", "done",
                                   "health model version 3", "activated (was version 2); reason: Lower bands")
    # Activating the active version, or one that does not exist, changes nothing and leaves no row.
    with pytest.raises(DataError, match="already the active model"):
        service.activate_model_version(engine, 3, actor=ANNA)
    with pytest.raises(DataError, match="does not exist"):
        service.activate_model_version(engine, 9, actor=ANNA)
    assert len(_events(engine)) == 3 and hq.load_model(engine)["version"] == 3
    # An earlier version can be made active again (going back).
    assert service.activate_model_version(engine, 1, actor=LOCAL) == 3
    assert hq.model_versions(engine).set_index("version")["is_active"].to_dict() == {3: False, 2: False, 1: True}
    assert _events(engine)[-1] == ("Local user", "admin", "health.activate", "done", "health model version 1",
                                   "activated (was version 3)")


def test_roles_that_may_not_save_or_activate_are_refused_and_nothing_changes(engine):
    model = hq.load_model(engine)
    edited = health.edit_model(model, weights={"usage": 40})
    # A viewer may not even save a draft.
    with pytest.raises(Refused, match="Only an editor or an admin may save a health-model draft"):
        service.save_model_version(engine, edited, actor=VERA, reason="More usage")
    # An editor may save drafts, but neither save active nor activate.
    with pytest.raises(Refused, match="Only an admin may activate a health model; you are signed in as an editor"):
        service.save_model_version(engine, edited, actor=EDITH, activate=True, reason="More usage")
    assert hq.model_versions(engine)["version"].tolist() == [1]
    draft = service.save_model_version(engine, edited, actor=EDITH, reason="More usage")
    with pytest.raises(Refused, match="Only an admin may activate a health model"):
        service.activate_model_version(engine, draft, actor=EDITH)
    versions = hq.model_versions(engine).set_index("version")
    assert versions["is_active"].to_dict() == {2: False, 1: True} and bool(versions.loc[2, "draft"])
    events = _events(engine)
    assert [e[:5] for e in events] == [
        ("vera@example.com", "viewer", "health.draft", "refused", "health model, a new version"),
        ("edith@example.com", "editor", "health.activate", "refused", "health model, a new version"),
        ("edith@example.com", "editor", "health.draft", "done", "health model version 2"),
        ("edith@example.com", "editor", "health.activate", "refused", "health model version 2"),
    ]
    assert events[0][5].startswith("Only an editor or an admin may save a health-model draft; you are signed in "
                                   "as a viewer.")


# --- the demo company: the score predicts churn -------------------------------------------------


def test_demo_backtest_auc_is_clearly_above_chance(demo_db_url):
    engine = db.make_engine(demo_db_url)
    # ``end`` is exclusive: the window runs up to and including DEMO_AS_OF (31 Oct 2026).
    start, end = dt.date(2025, 11, 1), DEMO_AS_OF + dt.timedelta(days=1)
    result = service.health_backtest(engine, start=start, end=end, as_of=DEMO_AS_OF, horizon_days=90)
    engine.dispose()
    # The demo's customers decline before a controllable churn, so the score must separate them.
    assert result.enough and result.separates
    assert result.auc.auc > 0.7 and result.auc.low > 0.6
    # Independently: the latest month whose 90-day window ends by 31 Oct 2026 is July 2026
    # (1 Aug + 90 days = 30 Oct); score it by hand from raw SQL and count concordant pairs.
    assert result.month == pd.Timestamp("2026-07-01")
    raw = create_engine(demo_db_url)
    sig = pd.read_sql("SELECT customer_id, signal, value FROM health_signal WHERE month = '2026-07-01'", raw)
    cust = pd.read_sql("SELECT id AS customer_id, churned_on FROM customer", raw).set_index("customer_id")
    raw.dispose()
    wide = sig.pivot_table(index="customer_id", columns="signal", values="value")
    num = den = 0
    for key, rule in health.DEFAULT_MODEL["signals"].items():
        pts = ((wide[key] - rule["worst"]) / (rule["best"] - rule["worst"]) * 100).clip(0, 100)
        num, den = num + pts.fillna(0) * rule["weight"], den + pts.notna() * rule["weight"]
    score = (num / den).dropna()
    churned_on = pd.to_datetime(cust["churned_on"]).reindex(score.index)
    keep = ~(churned_on < pd.Timestamp("2026-08-01"))
    score, churned_on = score[keep], churned_on[keep]
    hit = (churned_on >= pd.Timestamp("2026-08-01")) & (churned_on < pd.Timestamp("2026-10-30"))
    c, s = score[hit].to_numpy(), score[~hit].to_numpy()
    pairs = (c[:, None] < s[None, :]).sum() + 0.5 * (c[:, None] == s[None, :]).sum()
    assert (result.n, result.churned) == (len(score), int(hit.sum()))
    assert result.auc.auc == pytest.approx(pairs / (len(c) * len(s)))
