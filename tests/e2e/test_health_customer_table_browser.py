"""The Health page's per-customer score table is drawn for a green, a yellow and a red customer.

A green customer's explanation carries ``to_next_band = NaN`` in ``DataFrame.attrs``; pandas
writes attrs into the Arrow metadata that ``st.dataframe`` sends, and a NaN there is invalid JSON
in the browser, so the grid silently failed to draw. ``ui.components.table`` strips the attrs."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import open_page, wait_for_run_end

pytestmark = pytest.mark.browser
TIMEOUT = 90_000


def _one_customer_per_band(demo_db_file, tmp_path) -> dict[str, str]:
    """A customer name per band, read from (a copy of) the demo database: one whose band is the
    same in every month July-October 2026 (so whichever of them the page takes as the latest,
    the band is known) and whose name is part of no other customer's name (so a search for it
    finds it alone)."""
    import shutil

    from cs_metrics.services import health as data
    from cs_metrics.storage import db

    copy = tmp_path / "bands.db"
    shutil.copy(demo_db_file, copy)
    engine = db.make_engine(f"sqlite:///{copy}")
    try:
        scores = data.health_scores(engine, start=dt.date(2026, 7, 1), end=dt.date(2026, 11, 1))
    finally:
        engine.dispose()
    names = scores["name"].drop_duplicates().tolist()
    stable = scores.groupby(["customer_id", "name"])["band"].agg(lambda b: b.iloc[0] if b.nunique() == 1 else None)
    picked: dict[str, str] = {}
    for (_, name), band in stable.dropna().items():
        if band not in picked and sum(name.lower() in other.lower() for other in names) == 1:
            picked[band] = name
    assert sorted(picked) == ["green", "red", "yellow"], picked
    return picked


def test_customer_table_is_drawn_for_every_band(demo_db_file, tmp_path, app_server, page):
    picked = _one_customer_per_band(demo_db_file, tmp_path)
    open_page(page, app_server, "Health")
    main = page.get_by_test_id("stMainBlockContainer")
    page.get_by_role("tab", name="Customer").click()
    find = main.get_by_label("Find a customer")
    find.wait_for(timeout=TIMEOUT)
    for band, name in picked.items():
        find.fill(name)
        find.press("Enter")
        # The picker takes the only match, and the page shows its band (the one read above; each
        # customer's band differs from the one before, so the wait ends only on the new customer).
        page.wait_for_function(
            "b => [...document.querySelectorAll('[data-testid=\"stMetric\"]')].some(m =>"
            " m.innerText.startsWith('Band') && m.querySelector('[data-testid=\"stMetricValue\"]')"
            ".innerText.trim() === b)",
            arg=band.capitalize(), timeout=TIMEOUT)
        wait_for_run_end(page)
        # Every grid is drawn: glide-data-grid paints the cells on a canvas inside the frame.
        frames = main.get_by_test_id("stDataFrame")
        assert frames.count() >= 1
        for i in range(frames.count()):
            frames.nth(i).locator("canvas").first.wait_for(timeout=TIMEOUT)
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.errors == [], (band, name)
