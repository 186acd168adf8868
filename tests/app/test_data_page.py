"""Data page AppTest: row counts per entity, clearing the demo (only when confirmed), reloading it."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import create_engine


def _count(url: str, table: str) -> int:
    engine = create_engine(url)
    n = int(pd.read_sql(f"SELECT COUNT(*) AS n FROM {table}", engine)["n"].iloc[0])
    engine.dispose()
    return n


def test_data_page_shows_row_counts(app_on_demo, demo_db_url):
    at = app_on_demo("pages/data.py")
    table = at.dataframe[0].value.set_index("entity")["rows"]
    # Counts read directly from the tables.
    assert table["Customers"] == _count(demo_db_url, "customer")
    assert table["NPS responses"] == _count(demo_db_url, "nps_response")
    assert table["Health signals"] == _count(demo_db_url, "health_signal")
    assert any("demo company" in m.value for m in at.markdown)


def test_clear_needs_confirmation_then_empties_the_database(app_on_demo, demo_db_url):
    at = app_on_demo("pages/data.py")
    clear = next(b for b in at.button if b.label == "Clear data")
    assert clear.disabled  # nothing happens without ticking the confirmation
    at.checkbox(key="confirm_clear").check().run()
    next(b for b in at.button if b.label == "Clear data").click().run()
    assert not at.exception
    assert _count(demo_db_url, "customer") == 0 and _count(demo_db_url, "meeting") == 0
    assert _count(demo_db_url, "health_model") == 1  # configuration survives
    shown = at.dataframe[0].value.set_index("entity")["rows"]
    assert shown.drop(["Health model versions", "Imports"]).sum() == 0
    assert any("cleared" in s.value for s in at.success)
    # The Overview now explains that nothing matches instead of failing.
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    assert any("No customers match" in i.value for i in at.info)


def test_reload_demo_replaces_data(app_on_demo, demo_db_url):
    at = app_on_demo("pages/data.py")
    at.number_input(key="demo_size").set_value(100).run()
    at.checkbox(key="confirm_demo").check().run()
    next(b for b in at.button if b.label == "Load demo").click().run()
    assert not at.exception
    assert _count(demo_db_url, "customer") == 100
    assert any("100 customers" in s.value for s in at.success)
