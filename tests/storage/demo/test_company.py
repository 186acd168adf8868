"""Tests of ``cs_metrics.storage.demo.generate``: determinism, shape and integrity of the frames."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from cs_metrics import vocab
from cs_metrics.errors import DataError
from cs_metrics.storage import demo
from cs_metrics.storage.demo import team_texts
from tests.storage.demo.conftest import AS_OF, BY_NAME, TABLES

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
    assert len(frames["team"]) == len(team_texts.TEAMS)


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
