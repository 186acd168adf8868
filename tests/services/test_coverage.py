"""What the database holds and which data each figure needs, on a small company written out here.

Every expected count and date is read off the rows inserted in ``held`` (written out beside them).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete

from cs_metrics.period import Period
from cs_metrics.selection import CustomerFilter
from cs_metrics.services import coverage, overview
from cs_metrics.storage import db
from cs_metrics.storage import models as m

SMB = CustomerFilter(segments=("SMB",))
YEAR_2025 = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def _customer(id_, segment, region, owner, signed_on, **kw):
    return m.Customer(id=id_, external_id=f"C{id_}", name=f"Customer {id_}", segment=segment, region=region,
                      owner=owner, signed_on=signed_on, arr=1200.0, **kw)


@pytest.fixture()
def held(engine):
    """Customers 1 (SMB, signed 15 Jan 2025), 2 (Enterprise, 1 Mar 2025), 3 (SMB, 10 Jun 2025, lost
    5 Dec 2025); revenue of 1 in Feb and Mar 2025 and of 2 in Apr 2025; four NPS answers from
    3 Mar 2017 to 28 Jun 2018 (two anonymous), none with a follow-up status; first value reached by
    1 (20 Feb 2025) and planned for 2, a kickoff of 1; the churn event of 3, without a call or a
    confirmed reason; one meeting on 5 May 2025. No survey sends, health signals, teams or assessments."""
    with db.session_scope(engine) as s:
        s.add_all([_customer(1, "SMB", "Italy", "Anna", dt.date(2025, 1, 15)),
                   _customer(2, "Enterprise", "France", "Bruno", dt.date(2025, 3, 1)),
                   _customer(3, "SMB", "Italy", "Anna", dt.date(2025, 6, 10), status="churned",
                             churned_on=dt.date(2025, 12, 5))])
        s.flush()
        s.add_all([m.RevenueMonth(customer_id=1, month=dt.date(2025, 2, 1), mrr=100.0),
                   m.RevenueMonth(customer_id=1, month=dt.date(2025, 3, 1), mrr=100.0),
                   m.RevenueMonth(customer_id=2, month=dt.date(2025, 4, 1), mrr=500.0)])
        s.add_all([
            m.NpsResponse(id=1, customer_id=1, responded_on=dt.date(2017, 3, 3), score=9, comment="great", language="en"),
            m.NpsResponse(id=2, customer_id=2, responded_on=dt.date(2017, 9, 10), score=3, comment="lento", language="it"),
            m.NpsResponse(id=3, customer_id=None, responded_on=dt.date(2018, 6, 28), score=10, language="fr"),
            m.NpsResponse(id=4, customer_id=None, responded_on=dt.date(2018, 1, 1), score=7, comment="ok"),
        ])
        s.add_all([m.Milestone(customer_id=1, kind="first_value", reached_on=dt.date(2025, 2, 20), target_days=30),
                   m.Milestone(customer_id=2, kind="first_value", reached_on=None, target_days=60),
                   m.Milestone(customer_id=1, kind="kickoff", reached_on=dt.date(2025, 1, 20))])
        s.add(m.ChurnEvent(customer_id=3, churned_on=dt.date(2025, 12, 5), primary_reason="price"))
        s.add(m.Meeting(held_on=dt.date(2025, 5, 5), department="Sales", meeting_type="department",
                        duration_minutes=60))
    return engine


def test_coverage_counts_rows_and_dates_per_source(held):
    cov = coverage.coverage(held)
    rows = {h.source: h.rows for h in cov.holdings}
    # Hand counts of the fixture's rows; first_value counts the planned milestone too (2), not the kickoff.
    assert rows == {"customers": 3, "revenue": 3, "nps_responses": 4, "survey_sends": 0, "first_value": 2,
                    "health_signals": 0, "churn_events": 1, "teams": 0, "assessments": 0, "meetings": 1}
    assert (cov.of("customers").first, cov.of("customers").last) == (dt.date(2025, 1, 15), dt.date(2025, 6, 10))
    # Monthly revenue: from the first day of Feb 2025 to the last day of Apr 2025.
    assert (cov.of("revenue").first, cov.of("revenue").last) == (dt.date(2025, 2, 1), dt.date(2025, 4, 30))
    assert (cov.of("nps_responses").first, cov.of("nps_responses").last) == (dt.date(2017, 3, 3), dt.date(2018, 6, 28))
    # Only the reached first value has a date (the planned one has none).
    assert (cov.of("first_value").first, cov.of("first_value").last) == (dt.date(2025, 2, 20), dt.date(2025, 2, 20))
    assert cov.of("health_signals") == coverage.Holding("health_signals", 0)
    assert cov.has("meetings") and not cov.has("assessments")
    assert cov.missing("health") == ("health_signals",) and cov.missing("nps") == ()
    assert cov.absent("maturity") and not cov.absent("onboarding")


def test_coverage_for_a_customer_filter(held):
    cov = coverage.coverage(held, flt=SMB)
    # SMB: customers 1 and 3; revenue of 1 (2 months); answer 1 (anonymous answers belong to no
    # segment); the first value of 1; the churn event of 3; the meeting is company-wide.
    assert {h.source: h.rows for h in cov.holdings if h.rows} == {
        "customers": 2, "revenue": 2, "nps_responses": 1, "first_value": 1, "churn_events": 1, "meetings": 1}
    assert cov.of("revenue").last == dt.date(2025, 3, 31)
    assert cov.comment_languages == ("en",)


def test_holding_within_a_period(held):
    in_2017 = Period(dt.date(2017, 1, 1), dt.date(2017, 12, 31))
    # Answers of 3 Mar and 10 Sep 2017.
    assert coverage.holding(held, "nps_responses", period=in_2017) == coverage.Holding(
        "nps_responses", 2, dt.date(2017, 3, 3), dt.date(2017, 9, 10))
    # A monthly source counts the months touching the period: 15 Mar - 10 Apr 2025 touches March and April.
    touching = coverage.holding(held, "revenue", period=Period(dt.date(2025, 3, 15), dt.date(2025, 4, 10)))
    assert touching.rows == 2
    assert coverage.holding(held, "nps_responses", period=YEAR_2025).rows == 0


def test_follow_ups_and_languages(held):
    cov = coverage.coverage(held)
    assert not cov.nps_follow_up_tracked and not cov.churn_follow_up_tracked
    # Languages of answers with a comment: en (1) and it (2); answer 3 ("fr") has no comment, answer 4 no language.
    assert cov.comment_languages == ("en", "it")
    with db.session_scope(held) as s:
        s.get(m.NpsResponse, 2).follow_up_status = "open"
        s.get(m.ChurnEvent, 1).reason_confirmed = True
    cov = coverage.coverage(held)
    assert cov.nps_follow_up_tracked and cov.churn_follow_up_tracked
    with db.session_scope(held) as s:
        event = s.get(m.ChurnEvent, 1)
        event.reason_confirmed, event.follow_up_call_on = False, dt.date(2025, 12, 20)
    assert coverage.coverage(held).churn_follow_up_tracked


def test_gap_missing_names_the_file(held):
    gone = coverage.gap(held, "health", period=YEAR_2025)
    assert (gone.kind, gone.source, gone.entity, gone.file_label) == (
        coverage.MISSING, "health_signals", "health_signals", "Health signals")
    assert gone.message() == ("Health: no health signals imported. It needs the Health signals file: import it on "
                              "the Data page (the empty template shows its columns).")
    assert gone.reason("it") == "nessun segnale di salute importato"
    assert coverage.gap(held, "maturity").file_label == "Maturity assessments"
    assert coverage.gap(held, "response_rate").file_label == "NPS survey sends"  # no import file brings them
    assert coverage.gap(held, "response_rate").entity is None


def test_gap_elsewhere_says_where_the_data_lies(held):
    gone = coverage.gap(held, "nps", period=YEAR_2025)
    assert (gone.first, gone.last) == (dt.date(2017, 3, 3), dt.date(2018, 6, 28))
    assert gone.period == Period(dt.date(2017, 3, 3), dt.date(2018, 6, 28))
    assert gone.message() == ("No NPS answers in this period for these customers. "
                              "NPS answers exist from 3 Mar 2017 to 28 Jun 2018.")
    # For SMB the only answer is the one of 3 Mar 2017.
    smb = coverage.gap(held, "nps", period=YEAR_2025, flt=SMB)
    assert (smb.first, smb.last) == (dt.date(2017, 3, 3), dt.date(2017, 3, 3))
    assert coverage.gap(held, "nps", period=Period(dt.date(2017, 1, 1), dt.date(2017, 12, 31))) is None
    meetings = coverage.gap(held, "meetings", period=Period(dt.date(2020, 1, 1), dt.date(2020, 12, 31)))
    assert meetings.message() == ("No meetings were logged in this period. "
                                  "Meetings were logged from 5 May 2025 to 5 May 2025.")
    assert coverage.gap(held, "meetings", period=YEAR_2025) is None


def test_gap_filtered_and_none(held):
    nordics = CustomerFilter(regions=("Nordics",))
    assert coverage.gap(held, "nps", flt=nordics).kind == coverage.FILTERED
    assert coverage.gap(held, "customers", flt=nordics).message().startswith("No customers match these filters")
    # Company-wide figures ignore the customer filters.
    assert coverage.gap(held, "meetings", flt=nordics) is None
    # Enterprise has a planned first value (customer 2): onboarding can be shown, everyone censored.
    assert coverage.gap(held, "onboarding", flt=CustomerFilter(segments=("Enterprise",))) is None
    assert coverage.gap(held, "customers") is None


def test_left_out_and_absent_figures(held):
    gone = coverage.left_out(held)
    # In the Overview's order: health (no signals), then maturity (no assessments).
    assert [(g.figure, g.area, g.source) for g in gone] == [
        ("health", "health", "health_signals"), ("maturity", "maturity", "assessments")]
    assert gone[0].text() == "Health: no health signals imported"
    assert gone[1].text("it") == "Maturità: nessuna valutazione di maturità importata"
    assert coverage.left_out(held, areas=("nps", "retention")) == ()
    absent = coverage.absent_figures(held)
    assert absent == {"response_rate": "survey_sends", "health": "health_signals", "maturity": "assessments",
                      "teams": "teams"}


def test_figure_of_every_overview_tile(held):
    tiles = overview.overview_tiles(held, period=YEAR_2025, as_of=dt.date(2025, 12, 31), keep_absent=True)
    figures = {t.key: coverage.figure_of(t.key) for t in tiles}
    assert set(figures.values()) <= set(coverage.NEEDS)
    assert figures["health_green_arr"] == "health" and figures["nrr"] == "revenue_retention"


def test_overview_tiles_leave_out_what_is_not_imported(held):
    kept = [t.key for t in overview.overview_tiles(held, period=YEAR_2025, as_of=dt.date(2025, 12, 31))]
    # No health signals and no assessments: their tiles are left out; every other tile stays.
    assert kept == ["nps", "ttfv", "ttfv_within_target", "logo_churn", "grr", "nrr", "renewals_90", "meeting_share",
                    "customers", "arr"]
    with db.session_scope(held) as s:
        s.execute(delete(m.RevenueMonth))
    kept = [t.key for t in overview.overview_tiles(held, period=YEAR_2025, as_of=dt.date(2025, 12, 31))]
    # Without monthly revenue GRR and NRR go; ARR stays (from the customers file).
    assert "grr" not in kept and "nrr" not in kept and "arr" in kept and "logo_churn" in kept
