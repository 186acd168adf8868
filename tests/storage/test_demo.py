"""Tests of the demo company generator, ``cs_metrics.storage.demo``.

The relationship tests are property checks of the demo's causal design (documented in the
module docstring of ``cs_metrics.storage.demo``): each says which cause should show which effect,
never a hard-coded number copied from a run.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel

from cs_metrics.errors import DataError
from cs_metrics.health import DEFAULT_MODEL, score_customers
from cs_metrics.storage import demo, demo_texts, models, vocab

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 10, 31)
TABLES = (
    "customer", "revenue_month", "nps_survey_send", "nps_response", "milestone", "health_signal",
    "churn_event", "team", "assessment_round", "assessment", "assessment_answer",
    "maturity_target", "meeting", "agenda_item", "decision",
)
BY_NAME = {t.__tablename__: t for t in models.TABLES_IN_ORDER}


@pytest.fixture(scope="module")
def company() -> dict[str, pd.DataFrame]:
    """The default-size company at a fixed date, generated once for the module."""
    return demo.generate(customers=1500, seed=20261, as_of=AS_OF)


@pytest.fixture(scope="module")
def small() -> dict[str, pd.DataFrame]:
    return demo.generate(customers=200, seed=3, as_of=AS_OF)


def _sqlite_engine() -> Engine:
    engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    SQLModel.metadata.create_all(engine)
    return engine


def _db_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(BY_NAME[name].__table__)).scalar_one()
            for name in TABLES
        }


def _customer_share(items: pd.DataFrame) -> float:
    """Minutes of customer-related (direct or indirect) agenda items over all minutes."""
    about = items["relevance"].isin(["direct", "indirect"])
    return float(items.loc[about, "minutes"].sum() / items["minutes"].sum())


# --------------------------------------------------------------------------------------------
# Determinism and shape
# --------------------------------------------------------------------------------------------


def test_generate_same_inputs_give_identical_frames(small):
    again = demo.generate(customers=200, seed=3, as_of=AS_OF)
    assert list(again) == list(small)
    for name in TABLES:
        pd.testing.assert_frame_equal(again[name], small[name], obj=name)


def test_generate_different_seed_gives_different_company(small):
    other = demo.generate(customers=200, seed=4, as_of=AS_OF)
    for name in ("customer", "revenue_month", "nps_response", "health_signal", "meeting"):
        assert not other[name].equals(small[name]), name
    assert not other["customer"]["signed_on"].equals(small["customer"]["signed_on"])


def test_generate_tables_have_model_columns_and_ids(small):
    assert set(small) == set(TABLES)
    for name, frame in small.items():
        columns = [col.name for col in BY_NAME[name].__table__.columns]
        assert list(frame.columns) == columns, name
        assert frame["id"].tolist() == list(range(1, len(frame) + 1)), name


def test_generate_one_customer():
    frames = demo.generate(customers=1, seed=0, as_of=AS_OF)
    assert len(frames["customer"]) == 1
    assert frames["customer"]["external_id"].tolist() == ["C000001"]
    assert (frames["revenue_month"]["customer_id"] == 1).all()
    assert len(frames["team"]) == len(demo_texts.TEAMS)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"customers": 0}, "customers"),
        ({"customers": -5}, "customers"),
        ({"customers": 1.5}, "customers"),
        ({"customers": True}, "customers"),
        ({"seed": -1}, "seed"),
        ({"as_of": "2026-10-31"}, "as_of"),
    ],
)
def test_generate_rejects_bad_arguments(kwargs, word):
    with pytest.raises(DataError, match=word):
        demo.generate(**kwargs)


def test_generate_as_of_defaults_to_today():
    frames = demo.generate(customers=5, seed=1)
    assert frames["customer"]["signed_on"].max() <= pd.Timestamp(dt.date.today())
    last = frames["revenue_month"]["month"].max()
    assert last == pd.Timestamp(dt.date.today().replace(day=1))


# --------------------------------------------------------------------------------------------
# Integrity
# --------------------------------------------------------------------------------------------


def test_generate_foreign_keys_point_to_existing_rows(company):
    checked = 0
    for name, frame in company.items():
        for fk in BY_NAME[name].__table__.foreign_keys:
            target = company[fk.column.table.name][fk.column.name]
            values = frame[fk.parent.name].dropna()
            assert values.isin(target).all(), f"{name}.{fk.parent.name} -> {fk.target_fullname}"
            checked += 1
    # models.py declares 14 foreign keys among these tables: revenue_month, nps_survey_send,
    # milestone, health_signal, churn_event, assessment_answer, maturity_target, agenda_item one
    # each; nps_response, assessment and decision two each.
    assert checked == 14


def test_generate_lifecycle_dates_are_consistent(company):
    c = company["customer"].set_index("id")
    as_of = pd.Timestamp(AS_OF)
    assert (c["signed_on"] <= as_of).all()
    assert (c["signed_on"] >= as_of - pd.DateOffset(months=demo.HISTORY_MONTHS)).all()
    churned = c["status"] == "churned"
    assert c.loc[churned, "churned_on"].notna().all() and c.loc[~churned, "churned_on"].isna().all()
    assert (c.loc[churned, "churned_on"] > c.loc[churned, "signed_on"]).all()
    assert (c.loc[~churned, "renewal_date"] > as_of).all()
    assert c.loc[churned, "renewal_date"].isna().all()

    # No milestone before signing, none after churn or after as_of.
    m = company["milestone"].join(c[["signed_on", "churned_on"]], on="customer_id")
    reached = m[m["reached_on"].notna()]
    assert (reached["reached_on"] >= reached["signed_on"]).all()
    assert (reached["reached_on"] <= as_of).all()
    assert (reached["churned_on"].isna() | (reached["reached_on"] < reached["churned_on"])).all()
    assert set(m["kind"]) == set(vocab.MILESTONE_KINDS)
    # Every customer has exactly one kickoff and one first-value row.
    per = m.groupby("kind")["customer_id"].agg(["count", "nunique"])
    assert per.loc["first_value", "count"] == per.loc["first_value", "nunique"] == len(c)
    assert per.loc["kickoff", "count"] == len(c)

    # Revenue only from the signing month to the month before churn (or as_of's month).
    r = company["revenue_month"].join(c[["signed_on", "churned_on", "arr"]], on="customer_id")
    assert (r["month"] >= r["signed_on"].dt.to_period("M").dt.to_timestamp()).all()
    ended = r["churned_on"].notna()
    assert (r.loc[ended, "month"] < r.loc[ended, "churned_on"].dt.to_period("M").dt.to_timestamp()).all()
    assert (r["month"] <= as_of).all()
    assert not r.duplicated(["customer_id", "month"]).any()
    # Months are contiguous: one row per month from first to last.
    span = r.groupby("customer_id")["month"].agg(["min", "max", "count"])
    months = (span["max"].dt.year - span["min"].dt.year) * 12 + span["max"].dt.month - span["min"].dt.month + 1
    assert (months == span["count"]).all()
    # customer.arr is 12 x the last MRR; the churn event's arr_lost is that ARR.
    last = r.sort_values("month").groupby("customer_id")["mrr"].last()
    assert np.allclose(c.loc[last.index, "arr"], 12 * last, atol=0.01)
    ce = company["churn_event"].join(c[["arr"]].assign(customer_churned_on=c["churned_on"]), on="customer_id")
    assert len(ce) == churned.sum() and ce["customer_id"].is_unique
    assert (ce["churned_on"] == ce["customer_churned_on"]).all()
    assert np.allclose(ce["arr_lost"], ce["arr"])


def test_generate_values_stay_in_their_vocabularies(company):
    c = company["customer"]
    assert set(c["segment"]) == set(vocab.SEGMENTS)
    assert set(c["region"]) == set(vocab.REGIONS)
    assert set(c["industry"]) <= set(vocab.INDUSTRIES)
    assert set(c["plan"]) <= set(vocab.PLANS)
    assert set(c["status"]) == set(vocab.CUSTOMER_STATUSES)
    assert c["external_id"].is_unique
    r = company["nps_response"]
    assert r["score"].between(0, 10).all()
    assert set(r["touchpoint"]) <= set(vocab.NPS_TOUCHPOINTS)
    assert set(r["follow_up_status"].dropna()) <= set(vocab.FOLLOW_UP_STATUSES)
    ce = company["churn_event"].dropna(subset=["primary_reason"])
    for reason, category, controllable in ce[["primary_reason", "category", "controllable"]].itertuples(index=False):
        assert (category, controllable) == vocab.CHURN_REASONS[reason][1:]
    contributing = company["churn_event"]["contributing_reasons"].dropna().str.split(";").explode()
    assert set(contributing) <= set(vocab.CHURN_REASONS)
    assert set(company["health_signal"]["signal"]) == set(vocab.HEALTH_SIGNALS)
    mt = company["meeting"]
    assert set(mt["department"]) <= set(vocab.DEPARTMENTS)
    assert set(mt["meeting_type"]) <= set(vocab.MEETING_TYPES)
    assert mt["duration_minutes"].between(30, 120).all()
    items = company["agenda_item"]
    assert set(items["relevance"]) == set(vocab.AGENDA_RELEVANCE)
    assert set(items["relevance_source"]) <= set(vocab.RELEVANCE_SOURCES)
    assert set(company["decision"]["cx_impact"]) == set(vocab.CX_IMPACTS)
    answers = company["assessment_answer"]
    assert set(answers["dimension"]) == set(vocab.MATURITY_DIMENSIONS)
    assert answers["stage"].between(1.0, 5.0).all() and (answers["stage"] * 2 % 1 == 0).all()
    assert set(answers["confidence"].dropna()) <= set(vocab.CONFIDENCE_LEVELS)
    assert set(company["assessment"]["role"]) == set(vocab.RESPONDENT_ROLES)


def test_generate_agenda_minutes_fit_the_meeting(company):
    items = company["agenda_item"]
    mt = company["meeting"].set_index("id")
    total = items.groupby("meeting_id")["minutes"].sum()
    assert (total <= mt.loc[total.index, "duration_minutes"]).all()
    count = items.groupby("meeting_id").size()
    assert count.between(3, 8).all() and len(count) == len(mt)
    assert (items["minutes"] > 0).all()
    # Decisions hang on an agenda item of their own meeting.
    item_meeting = items.set_index("id")["meeting_id"].rename("item_meeting_id")
    d = company["decision"].join(item_meeting, on="agenda_item_id")
    assert (d["meeting_id"] == d["item_meeting_id"]).all()
    assert d.groupby("meeting_id").size().max() <= 3


def test_generate_health_signals_follow_their_units(company):
    hs = company["health_signal"]
    c = company["customer"].set_index("id")
    as_of_month = pd.Timestamp(AS_OF).to_period("M").to_timestamp()
    # Only the last 12 months, and only months in which the customer paid.
    assert hs["month"].min() == as_of_month - pd.DateOffset(months=demo.HEALTH_MONTHS - 1)
    assert hs["month"].max() == as_of_month
    paid = company["revenue_month"].set_index(["customer_id", "month"]).index
    assert hs.set_index(["customer_id", "month"]).index.isin(paid).all()
    assert not hs.duplicated(["customer_id", "month", "signal"]).any()
    wide = hs.pivot_table(index=["customer_id", "month"], columns="signal", values="value")
    assert wide["usage"].between(0, 1).all()
    for count in ("tickets_opened", "tutorial_views", "advocacy", "billing_issue"):
        assert (wide[count] >= 0).all() and (wide[count] % 1 == 0).all(), count
    for flag in ("expansion", "marketing_unsubscribe"):
        assert set(wide[flag].unique()) <= {0.0, 1.0}, flag
    # Resolution hours exist exactly when tickets were opened.
    assert (wide["resolution_hours"].notna() == (wide["tickets_opened"] > 0)).all()
    assert (wide["resolution_hours"].dropna() > 0).all()
    # Customers on their way out show billing problems: the churned ones carry most of them.
    billing = hs[hs["signal"] == "billing_issue"].join(c["status"], on="customer_id")
    per_month = billing.groupby(billing["status"].eq("churned"))["value"].mean()
    assert per_month[True] > 2 * per_month[False]


def test_generate_nps_responses_match_their_sends(company):
    sends = company["nps_survey_send"].set_index("id")
    r = company["nps_response"]
    linked = r[r["send_id"].notna()]
    assert (linked["customer_id"].to_numpy() == sends.loc[linked["send_id"], "customer_id"].to_numpy()).all()
    assert (linked["responded_on"].to_numpy() >= sends.loc[linked["send_id"], "sent_on"].to_numpy()).all()
    assert linked["send_id"].is_unique
    # Anonymous answers carry neither customer nor send.
    anonymous = r["customer_id"].isna()
    assert anonymous.any() and r.loc[anonymous, "send_id"].isna().all()
    # Response rate: between a quarter and two fifths of invitations (the design's ~25-40%).
    assert 0.25 <= len(linked) / len(sends) <= 0.40
    # A comment's tone matches its score (detractor 0-6, passive 7-8, promoter 9-10).
    tone_of = {}
    for (_lang, tone, _theme), texts in demo_texts.NPS_COMMENTS.items():
        for t in texts:
            tone_of[t] = tone
    with_comment = r[r["comment"].notna()]
    expected = np.where(with_comment["score"] <= 6, "detractor", np.where(with_comment["score"] <= 8, "passive", "promoter"))
    assert (with_comment["comment"].map(tone_of).to_numpy() == expected).all()


# --------------------------------------------------------------------------------------------
# The causal design shows in the data
# --------------------------------------------------------------------------------------------


def test_low_health_customers_churn_more_than_healthy_ones(company):
    # Low engagement and the months of decline before a churn pull signals down, so customers in
    # the lowest tercile of mean health score churn more often than those in the highest.
    scored = score_customers(company["health_signal"], DEFAULT_MODEL)
    mean = scored.groupby("customer_id")["score"].mean()
    tercile = pd.qcut(mean, 3, labels=["low", "mid", "high"])
    churned = company["customer"].set_index("id").loc[mean.index, "status"].eq("churned")
    rate = churned.groupby(tercile, observed=True).mean()
    assert rate["low"] > rate["high"] and rate["low"] > rate["mid"]
    # The model's bands are believable: the healthiest third mostly above 75 (green), the
    # weakest third mostly at or below 50 (red).
    assert (mean[tercile == "high"] > 75).mean() > 0.5
    assert (mean[tercile == "low"] <= 50).mean() > 0.5


def test_late_first_value_churns_more_than_on_time(company):
    # A late (or stalled) first value raises the churn hazard and makes early churn likelier.
    c = company["customer"].set_index("id")
    fv = company["milestone"].query("kind == 'first_value'").join(c[["signed_on", "status"]], on="customer_id")
    days = (fv["reached_on"] - fv["signed_on"]).dt.days
    age = (pd.Timestamp(AS_OF) - fv["signed_on"]).dt.days
    late = (days > fv["target_days"]) | (fv["reached_on"].isna() & (age > fv["target_days"]))
    on_time = days <= fv["target_days"]
    churned = fv["status"].eq("churned")
    assert churned[late].mean() > churned[on_time].mean()


def test_detractors_churn_more_than_promoters(company):
    # Scores come from engagement plus sentiment, and sentiment also raises the churn hazard:
    # customers whose latest answer is a detractor score churn more than those who last promoted.
    r = company["nps_response"].dropna(subset=["customer_id"]).sort_values("responded_on")
    last = r.groupby("customer_id")["score"].last()
    status = company["customer"].set_index("id").loc[last.index, "status"]
    churned = status.eq("churned")
    assert churned[last <= 6].mean() > churned[last >= 9].mean()


def test_overall_nps_is_positive_with_a_detractor_tail(company):
    # Designed around NPS +20..+35: most answers 8-10, a real tail of detractors.
    score = company["nps_response"]["score"]
    nps = 100 * ((score >= 9).mean() - (score <= 6).mean())
    assert 10 < nps < 45
    assert (score <= 6).mean() > 0.1 and (score <= 3).any()


def test_smb_churns_more_than_enterprise(company):
    # Segment hazards: SMB (cheaper, monthly contracts) churns more than Enterprise.
    c = company["customer"]
    churn = c["status"].eq("churned").groupby(c["segment"]).mean()
    assert churn["SMB"] > churn["Enterprise"]


def test_churn_reasons_include_company_events_and_early_churn(company):
    # Acquired / out of business exist and are the only uncontrollable reasons; early churn
    # (<= 90 days) exists and is mostly wrong fit or poor onboarding.
    ce = company["churn_event"].join(company["customer"].set_index("id")["signed_on"], on="customer_id")
    reasons = set(ce["primary_reason"].dropna())
    assert {"acquired", "out_of_business"} <= reasons
    uncontrollable = ce["controllable"].eq(False)
    assert set(ce.loc[uncontrollable, "primary_reason"]) == {"acquired", "out_of_business"}
    early = (ce["churned_on"] - ce["signed_on"]).dt.days <= 90
    assert early.any()
    assert ce.loc[early, "primary_reason"].isin(["wrong_fit", "poor_onboarding"]).mean() > 0.5
    # Follow-up calls come after the churn, and recent churns are often still waiting for one.
    called = ce["follow_up_call_on"].notna()
    assert (ce.loc[called, "follow_up_call_on"] > ce.loc[called, "churned_on"]).all()
    recent = ce["churned_on"] > pd.Timestamp(AS_OF) - pd.Timedelta(days=30)
    assert called[~recent].mean() > called[recent].mean()


def test_some_customers_are_still_onboarding(company):
    # Customers without first value yet (not churned) stay in the data as censored onboardings.
    c = company["customer"].set_index("id")
    fv = company["milestone"].query("kind == 'first_value'").join(c[["status"]], on="customer_id")
    open_fv = fv["reached_on"].isna() & fv["status"].ne("churned")
    assert open_fv.any()
    assert (fv.loc[open_fv, "status"] == "onboarding").all()
    assert (c["status"] == "onboarding").sum() == open_fv.sum()


def test_comments_in_italian_and_english(company):
    # Italian customers mostly answer in Italian; everyone else in English.
    r = company["nps_response"].join(company["customer"].set_index("id")["region"], on="customer_id")
    commented = r[r["comment"].notna()]
    assert set(commented["language"]) == {"it", "en"}
    assert (commented.loc[commented["region"] == "Italy", "language"] == "it").mean() > 0.5
    assert (commented.loc[commented["region"].notna() & (commented["region"] != "Italy"), "language"] == "en").all()


def test_meeting_customer_share_is_small_and_rises_after_adoption(company):
    # Most meeting time is internal (the article's ~95% baseline): the customer share overall
    # stays small; departments that made the customer item mandatory spend more time on
    # customers after adopting it than before.
    items = company["agenda_item"].join(
        company["meeting"].set_index("id")[["department", "held_on"]], on="meeting_id"
    )
    assert 0.03 <= _customer_share(items) <= 0.12
    adopted_on = pd.Timestamp(demo.customer_item_adoption_date(AS_OF))
    adopters = items[items["department"].isin(demo.CUSTOMER_ITEM_ADOPTERS)]
    before = adopters[adopters["held_on"] < adopted_on]
    after = adopters[adopters["held_on"] >= adopted_on]
    assert _customer_share(after) > _customer_share(before)
    # ... and they fill the customer item after adoption far more often than before.
    mt = company["meeting"]
    adopter_mt = mt[mt["department"].isin(demo.CUSTOMER_ITEM_ADOPTERS)]
    filled_after = adopter_mt.loc[adopter_mt["held_on"] >= adopted_on, "customer_item_filled"].mean()
    filled_before = adopter_mt.loc[adopter_mt["held_on"] < adopted_on, "customer_item_filled"].mean()
    assert filled_after > 0.5 > filled_before
    assert mt.loc[mt["customer_item_filled"], "customer_item_text"].notna().all()


def test_decisions_on_customer_items_favour_the_customer_more(company):
    # Decisions taken on customer items favour the customer more often than internal ones.
    d = company["decision"].join(company["agenda_item"].set_index("id")["relevance"], on="agenda_item_id")
    favours = d["cx_impact"].eq("favours")
    about = d["relevance"].ne("none")
    assert favours[about].mean() > favours[~about].mean()


def test_second_assessment_round_moves_up(company):
    # The second round shows progress (notably customer involvement) on at least one dimension;
    # a small team exists so privacy suppression (fewer than 3 respondents) has something to hide.
    answers = company["assessment_answer"].join(
        company["assessment"].set_index("id")[["round_id", "team_id", "role"]], on="assessment_id"
    )
    median = answers.groupby(["round_id", "dimension"])["stage"].median().unstack()
    assert (median.loc[2] > median.loc[1]).any()
    per_team = company["assessment"].groupby(["round_id", "team_id"]).size()
    assert per_team.min() == 2 and per_team.max() <= 8
    rounds = company["assessment_round"].set_index("id")
    assert list(rounds["status"]) == ["closed", "open"]
    submitted = company["assessment"].join(rounds[["opened_on"]], on="round_id")
    in_window = submitted["submitted_at"].dt.tz_convert(None).dt.normalize() >= submitted["opened_on"]
    assert in_window.all()
    # Executives see the company a little more rosily than individual contributors.
    by_role = answers.groupby("role")["stage"].mean()
    assert by_role["executive"] > by_role["individual_contributor"]
    targets = company["maturity_target"]
    company_wide = targets[targets["team_id"].isna()]
    assert set(company_wide["dimension"]) == set(vocab.MATURITY_DIMENSIONS)


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def _check_round_trip(engine: Engine) -> None:
    expected = demo.generate(customers=60, seed=5, as_of=AS_OF)
    with engine.begin() as conn:
        conn.execute(insert(models.AppMeta.__table__).values(key="owner_note", value="keep me"))
    counts = demo.load_demo(engine, customers=60, seed=5, as_of=AS_OF)
    assert counts == {name: len(expected[name]) for name in TABLES}
    assert _db_counts(engine) == counts
    with engine.connect() as conn:
        meta = dict(conn.execute(select(models.AppMeta.key, models.AppMeta.value)).all())
        first = conn.execute(select(models.Customer.__table__).where(models.Customer.id == 1)).mappings().one()
    assert meta["dataset"] == "demo" and meta["demo_seed"] == "5" and meta["demo_customers"] == "60"
    assert meta["demo_as_of"] == "2026-10-31" and meta["owner_note"] == "keep me"
    assert dt.datetime.fromisoformat(meta["generated_at"]).tzinfo is not None
    row = expected["customer"].iloc[0]
    assert first["external_id"] == row["external_id"] and first["signed_on"] == row["signed_on"].date()
    assert first["arr"] == pytest.approx(row["arr"])

    # A second load without replace is refused and changes nothing.
    with pytest.raises(DataError, match="replace"):
        demo.load_demo(engine, customers=30, seed=6, as_of=AS_OF)
    assert _db_counts(engine) == counts

    # With replace the old data goes, in the same transaction, and the new company comes in.
    replaced = demo.load_demo(engine, customers=30, seed=6, as_of=AS_OF, replace=True)
    assert _db_counts(engine) == replaced
    assert replaced["customer"] == 30
    with engine.connect() as conn:
        meta = dict(conn.execute(select(models.AppMeta.key, models.AppMeta.value)).all())
    assert meta["demo_seed"] == "6" and meta["owner_note"] == "keep me"


def test_load_demo_round_trip_sqlite():
    _check_round_trip(_sqlite_engine())


def test_load_demo_failure_leaves_database_unchanged(monkeypatch):
    engine = _sqlite_engine()
    counts = demo.load_demo(engine, customers=40, seed=1, as_of=AS_OF)
    real_generate = demo.generate

    def broken(**kwargs):
        frames = real_generate(**kwargs)
        frames["meeting"].loc[1, "external_id"] = frames["meeting"].loc[0, "external_id"]  # unique
        return frames

    monkeypatch.setattr(demo, "generate", broken)
    with pytest.raises(IntegrityError):
        demo.load_demo(engine, customers=50, seed=2, as_of=AS_OF, replace=True)
    assert _db_counts(engine) == counts
    with engine.connect() as conn:
        seed = conn.execute(select(models.AppMeta.value).where(models.AppMeta.key == "demo_seed")).scalar_one()
    assert seed == "1"


def test_load_demo_keeps_health_model_versions():
    engine = _sqlite_engine()
    with engine.begin() as conn:
        conn.execute(
            insert(models.HealthModel.__table__).values(
                version=1, created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), created_by="test",
                reason="", definition="{}", is_active=True,
            )
        )
    demo.load_demo(engine, customers=20, seed=1, as_of=AS_OF)
    demo.load_demo(engine, customers=20, seed=2, as_of=AS_OF, replace=True)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(models.HealthModel.__table__)).scalar_one() == 1


@pytest.fixture()
def pg_engine():
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    # A private schema keeps this test apart from others sharing the database.
    schema = f"demo_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        SQLModel.metadata.drop_all(engine)
        SQLModel.metadata.create_all(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_load_demo_round_trip_postgresql(pg_engine):
    _check_round_trip(pg_engine)
    # Sequences were advanced past the explicit ids, so ordinary inserts keep working.
    with pg_engine.begin() as conn:
        new_id = conn.execute(
            insert(models.Team.__table__).values(name="New team", department="IT", kind="internal")
            .returning(models.Team.__table__.c.id)
        ).scalar_one()
    assert new_id == len(demo_texts.TEAMS) + 1


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def _run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "cs_metrics.storage.demo", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def test_cli_loads_a_small_company(tmp_path):
    pytest.importorskip("cs_metrics.storage.db", reason="the CLI needs cs_metrics.storage.db")
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    done = _run_cli("--customers", "50", "--seed", "1", "--as-of", "2026-10-31", "--database-url", url)
    assert done.returncode == 0, done.stderr
    assert "customer 50" in done.stdout and " s: " in done.stdout
    engine = create_engine(url)
    assert _db_counts(engine)["customer"] == 50
    engine.dispose()
    again = _run_cli("--customers", "50", "--seed", "1", "--database-url", url)
    assert again.returncode == 2 and "--replace" in again.stderr and "Traceback" not in again.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--customers", "-5"), "customers must be between 1"),
        (("--customers", "many"), "invalid int value"),
        (("--as-of", "2026-13-01"), "not a date"),
    ],
)
def test_cli_rejects_bad_arguments(tmp_path, args, message):
    done = _run_cli(*args, "--database-url", f"sqlite:///{tmp_path / 'x.db'}")
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.db").exists()
