"""The Churn & retention page and the Overview on a company whose revenue file is flat: the customers
lost are shown, and gross and net revenue retention are withheld beside a data warning."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from cs_metrics.storage import db
from tests.app.conftest import APP
from tests.services.test_consistency import _company


def test_flat_revenue_beside_lost_customers_shows_a_warning_not_100_percent(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'flat.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    _company(engine, revenue=True)
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    for page in ("pages/churn.py", "pages/overview.py"):
        at = AppTest.from_file(APP, default_timeout=60)
        at.session_state["filter_period_preset"] = "Custom"
        at.session_state["filter_period_range"] = (dt.date(2026, 1, 1), dt.date(2026, 10, 31))
        at.run()
        at.switch_page(page)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        metrics = {mt.label: mt.value for mt in at.metric}
        # 5 of the 20 customers active on 1 Jan 2026 left on 10 Jun 2026: 25.0%.
        assert metrics["Logo churn"] == "25.0%"
        assert metrics["Gross revenue retention"] == "–" and metrics["Net revenue retention"] == "–"
        warnings = [w.value for w in at.warning]
        assert sum(w.startswith("Customers lost but no revenue lost: 5 customers") for w in warnings) == 2, page
