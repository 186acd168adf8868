"""Renewals ahead on the Churn & retention page (AppTest on the demo company): every figure, the
band table, the list and the past forecasts equal what ``services.renewals`` returns for the same
reference date, for the default 90 days and after choosing 30."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cs_metrics import renewals
from cs_metrics.formatting import fmt_value
from cs_metrics.services import renewals as service
from cs_metrics.services import vocabulary
from cs_metrics.storage import db

PAGE = "pages/churn.py"


def _reference_date(engine) -> dt.date:
    # The app's reference date: today, or the latest recorded activity when the data ends earlier.
    latest = pd.read_sql(
        "SELECT MAX(d) AS d FROM (SELECT MAX(signed_on) AS d FROM customer UNION ALL SELECT MAX(responded_on) "
        "FROM nps_response UNION ALL SELECT MAX(reached_on) FROM milestone UNION ALL SELECT MAX(churned_on) "
        "FROM churn_event UNION ALL SELECT DATE(MAX(month), '+1 month', '-1 day') FROM revenue_month)", engine,
    )["d"].iloc[0]
    return min(dt.date.today(), dt.date.fromisoformat(str(latest)[:10]))


def _metric(at, label: str):
    return next(m for m in at.metric if m.label == label)


def _table(at, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.fixture()
def page(app_on_demo, demo_db_url):
    at = app_on_demo(PAGE)
    assert not at.exception, [e.value for e in at.exception]
    # The section is drawn when asked for (it reads every past contract end).
    assert not [m for m in at.metric if m.label == "ARR up for renewal"]
    at.toggle(key="churn_renewals_show").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    engine = db.make_engine(demo_db_url)
    yield at, engine
    engine.dispose()


def _check_horizon(at, engine, as_of: dt.date, days: int) -> None:
    currency = vocabulary.currency(engine)
    e = service.expected(engine, as_of=as_of, days=days)
    assert e.contracts > 0
    assert _metric(at, "ARR up for renewal").value == fmt_value(e.arr, "currency", currency=currency)
    assert _metric(at, "Expected renewing ARR").value == fmt_value(e.expected, "currency", currency=currency)
    captions = " ".join(c.value for c in at.caption)
    assert f"{e.contracts:,} contracts ending in the next {days} days" in captions
    low, high = (fmt_value(v, "currency", currency=currency) for v in (e.low, e.high))
    assert f"Range {low}–{high}" in captions and f"rates from {e.history:,} past contract ends" in captions
    due = renewals.due_within(service.renewals_ahead(engine, as_of=as_of), days=days)
    bands = _table(at, "ARR at stake")
    assert bands["Health band"].tolist() == ["red", "yellow", "green", "unscored"]
    assert bands["ARR at stake"].tolist() == pytest.approx(renewals.arr_by_band(due)["arr"].tolist())
    assert bands["ARR at stake"].sum() == pytest.approx(e.arr)  # the bands hold every contract due
    shown = _table(at, "Renewal date")
    assert shown["Customer"].tolist() == due["name"].head(len(shown)).tolist()
    assert shown["ARR"].tolist() == pytest.approx(due["arr"].head(len(shown)).tolist())
    assert shown["Open NPS follow-ups"].tolist() == due["open_follow_ups"].head(len(shown)).tolist()


def test_renewals_ahead_section_equals_the_service(page):
    at, engine = page
    as_of = _reference_date(engine)
    assert any(h.value == "Renewals ahead" for h in at.header)
    headers = [h.value for h in at.header]
    assert headers.index("Renewals ahead") + 1 == headers.index("Renewal vs retention")  # just before it
    _check_horizon(at, engine, as_of, 90)  # the default horizon

    check = service.forecast_check(engine, as_of=as_of)
    past = _table(at, "ARR renewed")
    assert past["Quarter"].tolist() == [f"Q{q.quarter} {q.year}" for q in check["quarter"]]
    assert past["ARR renewed"].tolist() == pytest.approx(check["renewed_arr"].tolist())
    assert past["Forecast"].tolist() == pytest.approx(check["expected"].tolist())
    captions = " ".join(c.value for c in at.caption)
    assert f"inside the range in {int(check['inside'].sum())} of {len(check)} quarters" in captions

    at.radio(key="churn_renewals_days").set_value(30).run()
    assert not at.exception, [e.value for e in at.exception]
    _check_horizon(at, engine, as_of, 30)
