"""Overview AppTest: the "ARR up for renewal (90 days)" tile shows the Churn & retention page's
number (its Renewals ahead section's service) for the app's reference date, with its detail."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from cs_metrics import renewals
from cs_metrics.formatting import fmt_value
from cs_metrics.services import data
from cs_metrics.services import renewals as service
from cs_metrics.storage import db
from tests.app.conftest import APP


def test_the_overview_shows_the_arr_up_for_renewal_of_the_churn_page(demo_db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo_db_url)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    engine = db.make_engine(demo_db_url)
    # The app's reference date (ui.filters.reference_date): today, or the latest activity when earlier.
    latest = data.data_extent(engine)["latest"]
    as_of = min(dt.date.today(), latest)
    page = service.expected(engine, as_of=as_of, days=90)
    due = renewals.due_within(service.renewals_ahead(engine, as_of=as_of), days=90)
    red = renewals.arr_by_band(due).set_index("band").loc["red", "arr"]
    engine.dispose()
    assert page.contracts > 10  # the demo company has renewals coming in the next 90 days
    shown = [m for m in at.metric if m.label == "ARR up for renewal (90 days)"]
    assert len(shown) == 1
    assert shown[0].value == fmt_value(page.arr, "currency", currency="EUR")  # the demo writes euros
    money = [fmt_value(v, "currency", currency="EUR") for v in (page.expected, page.low, page.high)]
    detail = (f"{red / page.arr:.1%} of it in the red band · expected renewing {money[0]} "
              f"(range {money[1]}–{money[2]})")
    captions = [c.value for c in at.caption]
    assert detail in captions
    assert f"n = {page.contracts:,}" in " ".join(captions)
    assert "Renewals ahead" in captions  # the area's name above the tile
