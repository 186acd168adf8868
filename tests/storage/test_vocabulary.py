"""The company's vocabularies and currency as stored data: edits round-trip on SQLite and PostgreSQL,
keys are counted where the data holds them, the export ZIP carries them and restores them, and a
reset stores the defaults again."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from cs_metrics import vocab
from cs_metrics.errors import DataError
from cs_metrics.storage import db, export, ingest
from cs_metrics.storage import models as m
from cs_metrics.storage import vocabulary as store

REASON = {"key": "cheaper_plan", "label": "Moved to cheaper plan", "category": "price", "controllable": True}


def test_a_new_database_holds_the_default_vocabularies_and_currency(engine):
    defaults = vocab.default_terms()
    for kind, terms in defaults.items():
        assert store.keys(engine, kind) == tuple(t["key"] for t in terms)
    reasons = store.terms(engine, "churn_reason").set_index("key")
    # vocab.CHURN_REASONS: acquired is outside the company's control, price is not; OTHER_CHURN_REASONS:
    # moved is not controllable and unknown is not known (None).
    assert reasons.loc["acquired", "controllable"] is False and reasons.loc["price", "controllable"] is True
    assert reasons.loc["moved", ["label", "category"]].tolist() == ["Customer moved away", "customer circumstances"]
    assert reasons.loc["unknown", "controllable"] is None
    assert store.currency(engine) == "EUR"


def test_edits_round_trip(engine):
    assert store.add_terms(engine, "churn_reason", [REASON, "moved"]) == 1  # "moved" is there already
    assert store.add_terms(engine, "segment", ["Consumer"]) == 1
    reasons = store.terms(engine, "churn_reason")
    last = reasons.iloc[-1]
    # 11 B2B reasons + moved, deceased, unknown = 14 defaults at positions 0-13; the new one is 15th.
    assert (last["key"], last["label"], last["category"], last["controllable"], last["position"]) == (
        "cheaper_plan", "Moved to cheaper plan", "price", True, 14)
    store.update_term(engine, "churn_reason", "cheaper_plan", label="Downgraded to a cheaper plan",
                      category="pricing", controllable=None)
    row = store.terms(engine, "churn_reason").set_index("key").loc["cheaper_plan"]
    assert (row["label"], row["category"], row["controllable"]) == ("Downgraded to a cheaper plan", "pricing", None)
    store.update_term(engine, "segment", "Consumer", label="Consumers")
    assert store.terms(engine, "segment").set_index("key").loc["Consumer", "label"] == "Consumers"
    store.remove_term(engine, "segment", "Consumer")
    assert store.keys(engine, "segment") == ("SMB", "Mid-Market", "Enterprise")
    store.set_currency(engine, "usd")
    assert store.currency(engine) == "USD"


def test_keys_longer_than_the_data_columns_are_refused(engine):
    # customer.segment holds 40 characters, churn_event.primary_reason 80 (storage/models.py).
    assert store.max_key_length("segment") == 40 and store.max_key_length("churn_reason") == 80
    with pytest.raises(DataError, match="1 to 40 characters"):
        store.add_terms(engine, "segment", ["x" * 41])
    with pytest.raises(DataError, match="three-letter ISO code"):
        store.set_currency(engine, "dollars")
    assert store.currency(engine) == "EUR"


def test_usage_counts_the_rows_holding_each_key(engine):
    with db.session_scope(engine) as s:
        s.add_all([m.Customer(id=i, external_id=f"C{i}", name=f"C{i}", segment=seg, region="Italy",
                              signed_on=dt.date(2025, 1, 1)) for i, seg in enumerate(["SMB", "SMB", "Retail"], 1)])
        s.flush()
        s.add(m.ChurnEvent(customer_id=3, churned_on=dt.date(2025, 6, 1), primary_reason="moved"))
    # Two SMB customers and one whose segment is not in the vocabulary (kept: counted under its key).
    assert store.usage(engine, "segment") == {"SMB": 2, "Retail": 1}
    assert store.usage(engine, "churn_reason") == {"moved": 1}
    assert store.usage(engine, "region") == {"Italy": 3}


def test_export_carries_the_vocabularies_and_currency_and_restores_them(engine):
    store.add_terms(engine, "churn_reason", [REASON])
    store.remove_term(engine, "touchpoint", "renewal")
    store.set_currency(engine, "USD")
    before = store.terms(engine)
    archive = export.export_zip(engine)
    export.reset_database(engine)
    # A reset stores the defaults again.
    assert store.currency(engine) == "EUR"
    assert "cheaper_plan" not in store.keys(engine, "churn_reason")
    assert "renewal" in store.keys(engine, "touchpoint")
    report = ingest.import_archive(engine, archive, filename="export.zip", replace=True)
    assert report.committed, report.problems
    assert store.currency(engine) == "USD"
    after = store.terms(engine)
    assert after.to_dict("records") == before.to_dict("records")
    assert "renewal" not in store.keys(engine, "touchpoint")


def test_clearing_the_data_keeps_the_vocabularies(engine):
    store.add_terms(engine, "region", ["LATAM"])
    store.set_currency(engine, "GBP")
    with engine.begin() as conn:
        conn.execute(update(m.VocabularyTerm).where(m.VocabularyTerm.key == "SMB").values(label="Small business"))
    db.clear_data(engine)
    assert "LATAM" in store.keys(engine, "region") and store.currency(engine) == "GBP"
    assert store.terms(engine, "segment").set_index("key").loc["SMB", "label"] == "Small business"
