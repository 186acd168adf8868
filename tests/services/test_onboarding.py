"""The Onboarding page's reads through the service, on the four-customer company of
``tests/storage/test_queries_ttfv.py`` (SQLite). Expected values are worked out from that
company's dates in the comments."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cs_metrics import ttfv
from cs_metrics.selection import CustomerFilter
from cs_metrics.services import onboarding
from cs_metrics.storage import db
from tests.storage.test_queries_ttfv import build_company

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    eng = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('onboarding') / 'test.db'}")
    db.upgrade(eng)
    build_company(eng)
    yield eng
    eng.dispose()


def test_onboarding_durations_censor_at_as_of_or_churn_and_keep_the_customer_columns(engine):
    d = onboarding.onboarding_durations(engine, as_of=AS_OF).set_index("customer_id")
    # Alpha: signed 2026-01-01, first value 2026-01-20 (the earlier of two rows): 19 days, reached.
    # Beta: signed 2026-02-01, still waiting on 2026-06-30: 149 days. Gamma: signed 2026-03-01, left
    # 2026-04-01 without first value: 31 days. Delta: signed 2026-05-01, waiting: 60 days.
    assert d["days"].tolist() == [19, 149, 31, 60]
    assert d["reached"].tolist() == [True, False, False, False]
    assert d["left_before_value"].tolist() == [False, False, True, False]
    assert d["name"].tolist() == ["Alpha", "Beta", "Gamma", "Delta"]
    assert d.loc[4, "last_milestone"] == "Activated"
    # Alpha's two first-value rows are reported (and the earliest used).
    assert d.attrs["problems"]["problem"].tolist() == ["more than one first-value milestone"]
    # Ann looks after Alpha and Delta.
    ann = onboarding.onboarding_durations(engine, flt=CustomerFilter(owners=("Ann",)), as_of=AS_OF)
    assert ann["days"].tolist() == [19, 60]


def test_segment_targets_take_the_usual_target_and_default_for_segments_without_one(engine):
    # First-value targets recorded: SMB 30 days on three rows, Enterprise 60 on one; Mid-Market has
    # none, so it gets the default of 30 days.
    assert onboarding.segment_targets(engine) == {"Enterprise": 60.0, "Mid-Market": 30.0, "SMB": 30.0}
    assert ttfv.DEFAULT_TARGET_DAYS == 30


def test_passthroughs_for_the_empty_check_and_the_data_checks(engine):
    assert onboarding.onboarding_customers(engine)["customer_id"].tolist() == [1, 2, 3, 4]
    assert onboarding.onboarding_customers(engine, flt=CustomerFilter(segments=("Nope",))).empty
    early = onboarding.milestones_before_signing(engine)
    # Beta's kick-off on 2026-01-25, a week before signing on 2026-02-01.
    assert early[["customer_id", "kind", "reached_on"]].values.tolist() == [[2, "kickoff", pd.Timestamp("2026-01-25")]]
