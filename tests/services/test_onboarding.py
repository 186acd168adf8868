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


FILTERS = [
    CustomerFilter(), CustomerFilter(owners=("Ann",)), CustomerFilter(segments=("SMB",)),
    CustomerFilter(owners=("Bob", "Ann")), CustomerFilter(segments=("SMB",), regions=("France",)),
    CustomerFilter(regions=("Italy",), owners=("Bob",)), CustomerFilter(segments=("Nope",)),
]


def _same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Equal frames; a date column read with no date at all comes back in seconds rather than
    microseconds (pandas picks the unit from the values), so dates are compared in one unit."""
    def unit(frame: pd.DataFrame) -> pd.DataFrame:
        frame = pd.DataFrame(frame, copy=True)
        frame.attrs = {}  # compared on their own
        dates = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
        return frame.astype({c: "datetime64[us]" for c in dates})
    empty = expected.empty
    pd.testing.assert_frame_equal(unit(got), unit(expected), check_dtype=not empty,
                                  check_index_type=not empty)


@pytest.mark.parametrize("flt", FILTERS, ids=lambda f: f.describe())
def test_a_filter_sliced_from_every_customer_equals_the_filtered_read(engine, flt):
    """The page reads every customer once and slices each filter from it: the same durations (same
    rows, order and columns), problems and milestones before signing as reading that filter."""
    rows = onboarding.onboarding_rows(engine)
    read = onboarding.onboarding_durations(engine, flt=flt, as_of=AS_OF)
    sliced = onboarding.durations_of(rows, flt=flt, as_of=AS_OF)
    latest = ["last_milestone", "last_milestone_kind", "last_milestone_on"]  # read for listed customers
    _same(sliced, read.drop(columns=latest))
    last = onboarding.last_milestones(engine, customer_ids=tuple(read["customer_id"]))
    _same(last, read[["customer_id", *latest]])
    _same(sliced.attrs["problems"], read.attrs["problems"])
    early = onboarding.early_milestones(engine)
    _same(onboarding.milestones_before_signing_of(early, flt=flt),
          onboarding.milestones_before_signing(engine, flt=flt))


def test_sliced_filters_by_hand(engine):
    rows = onboarding.onboarding_rows(engine)
    # Ann looks after Alpha (19 days) and Delta (60 days); Gamma has no owner, so no owner filter keeps it.
    ann = onboarding.durations_of(rows, flt=CustomerFilter(owners=("Ann",)), as_of=AS_OF)
    assert ann["days"].tolist() == [19, 60]
    smb = onboarding.durations_of(rows, flt=CustomerFilter(segments=("SMB",)), as_of=AS_OF)
    assert smb["name"].tolist() == ["Alpha", "Gamma"]
    # Alpha's two first-value rows are SMB's only problem; Beta's early kick-off is Bob's only one.
    assert smb.attrs["problems"]["customer_id"].tolist() == [1]
    early = onboarding.early_milestones(engine)
    bob = onboarding.milestones_before_signing_of(early, flt=CustomerFilter(owners=("Bob",)))
    assert bob["customer_id"].tolist() == [2]
    assert onboarding.milestones_before_signing_of(early, flt=CustomerFilter(owners=("Ann",))).empty


def test_the_stalled_list_with_its_last_milestones_equals_the_one_from_every_column(engine):
    """The stalled customers' latest milestones, read for them only, are those the full read carries."""
    targets = {"SMB": 30, "Enterprise": 60}
    full = ttfv.stalled_onboardings(ttfv.with_targets(onboarding.onboarding_durations(engine, as_of=AS_OF),
                                                      targets=targets))
    sliced = ttfv.stalled_onboardings(ttfv.with_targets(
        onboarding.durations_of(onboarding.onboarding_rows(engine), as_of=AS_OF), targets=targets))
    last = onboarding.last_milestones(engine, customer_ids=tuple(sliced["customer_id"]))
    got = onboarding.with_last_milestones(sliced, last)
    # Beta waits 149 days against Enterprise's 60 (last milestone: its unnamed kick-off); Delta 60 days
    # against the default 30 (last: "Activated", 2026-05-03).
    assert got["customer_id"].tolist() == [2, 4]
    assert got["last_milestone"].tolist() == ["kickoff", "Activated"]
    _same(got, full)


def test_last_milestones_read_in_batches_equal_one_read(engine, monkeypatch):
    from cs_metrics.storage.queries import ttfv as qt

    whole = onboarding.last_milestones(engine, customer_ids=(1, 2, 3, 4))
    monkeypatch.setattr(qt, "ID_BATCH", 1)  # one customer per IN list
    _same(onboarding.last_milestones(engine, customer_ids=(4, 3, 2, 1)), whole)
