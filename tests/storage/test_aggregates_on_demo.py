"""The reads that sum, count or narrow in the database, checked on a demo company against the pure
functions (or plain pandas) on the rows they summarise; once on SQLite and once on PostgreSQL
(``any_db_url``). Every expected value is computed here from the raw rows."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
import sqlalchemy as sa

from cs_metrics import retention, text
from cs_metrics.period import Period
from cs_metrics.selection import CustomerFilter
from cs_metrics.services import coverage, overview
from cs_metrics.services.onboarding import onboarding_durations, signing_durations
from cs_metrics.storage import db, demo
from cs_metrics.storage import queries as q
from cs_metrics.storage.queries import churn as qc
from cs_metrics.storage.queries import meetings as qm
from cs_metrics.storage.queries import nps as qn
from cs_metrics.storage.queries import ttfv as qt
from cs_metrics.tiles import sparkline_windows

AS_OF = dt.date(2026, 10, 31)
PERIOD = Period(dt.date(2025, 11, 1), AS_OF)
SMB = CustomerFilter(segments=("SMB",))


@pytest.fixture()
def engine(any_db_url):
    engine = db.make_engine(any_db_url)
    db.upgrade(engine)
    demo.load_demo(engine, customers=300, seed=7, as_of=AS_OF)
    yield engine
    engine.dispose()


def _close(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-9, abs=1e-6)


def _check_revenue_retention_sums_equal_the_pure_function(engine):
    # The Overview's 14 windows: the period, the previous period and the 12 sparkline windows.
    periods = (PERIOD, PERIOD.previous(), *sparkline_windows(PERIOD))
    pairs = tuple(overview.retention_months(p) for p in periods)
    months = tuple(sorted({m for pair in pairs for m in pair}))
    for flt, min_term in ((CustomerFilter(), None), (SMB, None), (CustomerFilter(), 12)):
        sums = qc.revenue_retention_sums(engine, pairs=pairs, flt=flt, min_term=min_term)
        rows = (qc.revenue_in_months(engine, months=months, flt=flt) if min_term is None
                else qc.revenue_in_months_for_terms(engine, months=months, min_term=min_term, flt=flt))
        assert list(zip(sums["start_month"], sums["end_month"])) == list(pairs)
        got = overview.revenue_retentions(engine, periods=periods, flt=flt, min_term=min_term)
        for (start, end), row, mine in zip(pairs, sums.itertuples(), got):
            ref = retention.revenue_retention(rows, start_month=start, end_month=end)
            assert ref.n > 0 and (row.n, row.n_churned) == (ref.n, ref.n_churned), (flt, start)
            for field in ("starting", "expansion", "contraction", "churned"):
                assert _close(getattr(row, field), getattr(ref, field)), (flt, start, field)
            for field in ("grr", "nrr", "starting", "expansion", "contraction", "churned"):
                assert _close(getattr(mine, field), getattr(ref, field)), (flt, start, field)
    # A pair of months without revenue comes back with zeros (and no retention to read).
    empty = qc.revenue_retention_sums(engine, pairs=((dt.date(2001, 1, 1), dt.date(2001, 2, 1)),))
    assert empty.iloc[0][["n", "n_churned", "starting", "churned"]].tolist() == [0, 0, 0.0, 0.0]


def _check_customer_dates_are_the_customers_columns(engine):
    for flt in (CustomerFilter(), SMB):
        full, lean = q.customers(engine, flt=flt), q.customer_dates(engine, flt=flt)
        pd.testing.assert_frame_equal(lean, full[["customer_id", "signed_on", "churned_on", "arr"]])
        # Narrowed in the database: signed in a window, on long enough contracts.
        signed = (dt.date(2025, 8, 3), dt.date(2026, 2, 1))
        inside = (full["signed_on"] >= pd.Timestamp(signed[0])) & (full["signed_on"] < pd.Timestamp(signed[1]))
        narrowed = q.customers(engine, flt=flt, signed=signed)
        assert 0 < len(narrowed) < len(full)
        pd.testing.assert_frame_equal(narrowed, full[inside].reset_index(drop=True))
        long_terms = full[full["contract_term_months"] >= 12].reset_index(drop=True)
        assert 0 < len(long_terms) < len(full)
        pd.testing.assert_frame_equal(q.customers(engine, flt=flt, min_term=12), long_terms)
        fv = q.first_value_dates(engine, flt=flt)
        ids = set(full.loc[inside, "customer_id"])
        pd.testing.assert_frame_equal(q.first_value_dates(engine, flt=flt, signed=signed).sort_values("customer_id")
                                      .reset_index(drop=True),
                                      fv[fv["customer_id"].isin(ids)].sort_values("customer_id").reset_index(drop=True))
    # Churn dates from the churn events where the customer record has none: one churn file imported
    # without updating the customers file (the record of the first churned customer loses its date).
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE customer SET churned_on = NULL WHERE id = (SELECT min(customer_id) "
                             "FROM churn_event)"))
    raw = pd.read_sql("SELECT id, churned_on FROM customer", engine).set_index("id")["churned_on"]
    events = pd.read_sql("SELECT customer_id, churned_on FROM churn_event", engine)
    first = events.groupby("customer_id")["churned_on"].min()
    expected = pd.to_datetime(raw.fillna(first.reindex(raw.index))).sort_index()
    got = q.customer_dates(engine).set_index("customer_id")["churned_on"]
    assert expected.notna().sum() > raw.notna().sum()  # some churn dates come from the events only
    assert got.tolist() == expected.tolist() and got.index.tolist() == expected.index.tolist()


def _check_time_to_first_value_of_a_cohort_reads_only_the_cohort(engine):
    start, end = dt.date(2024, 11, 1), AS_OF + dt.timedelta(days=1)
    everyone = onboarding_durations(engine, as_of=AS_OF)
    cohort = signing_durations(engine, start=start, end=end, as_of=AS_OF)
    inside = everyone[(everyone["signed_on"] >= pd.Timestamp(start)) & (everyone["signed_on"] < pd.Timestamp(end))]
    columns = ["customer_id", "signed_on", "churned_on", "first_value_on", "days", "reached", "left_before_value",
               "signing_quarter"]
    pd.testing.assert_frame_equal(cohort[columns].reset_index(drop=True), inside[columns].reset_index(drop=True))
    lean = overview.ttfv_tiles(engine, period=PERIOD, as_of=AS_OF)
    full = overview.ttfv_tiles_from(everyone, period=PERIOD)
    for a, b in zip(lean, full):
        assert (a.key, a.n, a.n_previous, a.detail) == (b.key, b.n, b.n_previous, b.detail)
        assert _close(a.value, b.value) and _close(a.previous, b.previous) and _close(a.p_value, b.p_value)
        assert all(_close(x, y) for (_, x), (_, y) in zip(a.series, b.series))


def _check_latest_milestone_per_customer(engine):
    ms = pd.read_sql("SELECT id, customer_id, name, kind, reached_on FROM milestone WHERE reached_on IS NOT NULL",
                     engine)
    ms["reached_on"] = pd.to_datetime(ms["reached_on"])
    latest = ms.sort_values(["reached_on", "id"]).groupby("customer_id").tail(1).set_index("customer_id")
    got = qt.onboarding_customers(engine).set_index("customer_id")
    reached = got[got["last_milestone_on"].notna()]
    assert set(reached.index) == set(latest.index)
    assert reached["last_milestone_on"].equals(latest["reached_on"].reindex(reached.index).rename("last_milestone_on"))
    assert (reached["last_milestone_kind"] == latest["kind"].reindex(reached.index)).all()


def _check_counts_and_flags_agree_with_the_rows(engine):
    held = coverage.coverage(engine)
    assert qn.comment_languages(engine) == held.comment_languages
    assert qn.comment_languages(engine, flt=SMB) == coverage.coverage(engine, flt=SMB).comment_languages
    assert qn.has_survey_sends(engine) == held.has("survey_sends")
    assert qn.follow_ups_tracked(engine) == held.nps_follow_up_tracked
    assert qc.follow_ups_tracked(engine) == held.churn_follow_up_tracked
    for flt in (CustomerFilter(), SMB):
        assert qc.churned_count(engine, start=PERIOD.start, end=PERIOD.end, flt=flt) == len(
            qc.churn_events(engine, start=PERIOD.start, end=PERIOD.end, flt=flt)) > 0
    span = dict(start=dt.date(2024, 11, 1), end=PERIOD.end)
    skipped = qm.skipped_customer_item(engine, **span, limit=None)
    assert qm.skipped_count(engine, **span) == len(skipped) > 0
    assert qm.skipped_count(engine, **span, departments=("Board",)) == int((skipped["department"] == "Board").sum())
    decisions = qm.decision_ledger(engine, **span, limit=None)
    assert qm.decision_count(engine, **span) == len(decisions) > 0
    assert qm.decision_count(engine, **span, impacts=("favours",)) == int((decisions["cx_impact"] == "favours").sum())
    assert len(qm.decision_ledger(engine, **span, limit=5)) == 5


def _check_comment_filters_equal_the_database_search(engine):
    comments = qn.verbatims(engine, start=PERIOD.start, end=PERIOD.end)
    for search, groups in (("support", ()), ("report", ("detractor",)), ("", ("promoter", "passive"))):
        by_sql = qn.verbatims(engine, start=PERIOD.start, end=PERIOD.end, search=search, groups=groups)
        mine = text.filter_comments(comments, search=search, groups=groups)
        assert len(by_sql) > 0 and mine["id"].tolist() == by_sql["id"].tolist(), (search, groups)


def test_aggregates_equal_the_pure_functions_on_the_demo(engine):
    """One demo company per backend (loading it is the slow part), every check on it."""
    _check_revenue_retention_sums_equal_the_pure_function(engine)
    _check_customer_dates_are_the_customers_columns(engine)
    _check_time_to_first_value_of_a_cohort_reads_only_the_cohort(engine)
    _check_latest_milestone_per_customer(engine)
    _check_counts_and_flags_agree_with_the_rows(engine)
    _check_comment_filters_equal_the_database_search(engine)
