"""Overview AppTest: tile values on the demo company, checked against numbers computed here,
independently of cs_metrics (raw SQL, pandas, and a hand-written Kaplan-Meier)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
import shutil

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from sqlalchemy import create_engine
from streamlit.testing.v1 import AppTest

from cs_metrics import tiles as ov
from cs_metrics.default_health_model import DEFAULT_MODEL
from cs_metrics.formatting import fmt_change, fmt_value
from cs_metrics.period import Period
from cs_metrics.services.overview import overview_tiles
from cs_metrics.storage import db
from tests.app.conftest import APP


def _frames(url: str) -> dict[str, pd.DataFrame]:
    engine = create_engine(url)
    out = {t: pd.read_sql(f"SELECT * FROM {t}", engine) for t in ("customer", "nps_response", "milestone", "revenue_month")}
    engine.dispose()
    return out


def _reference_date(f) -> dt.date:
    # The app's reference date: today, or the latest recorded activity when the data ends earlier.
    dates = [pd.to_datetime(f["customer"]["signed_on"]).max(), pd.to_datetime(f["nps_response"]["responded_on"]).max(),
             pd.to_datetime(f["milestone"]["reached_on"]).max(), pd.to_datetime(f["customer"]["churned_on"]).max()]
    last_month = pd.to_datetime(f["revenue_month"]["month"]).max()
    dates.append(last_month + pd.offsets.MonthEnd(0))
    return min(dt.date.today(), max(d for d in dates if pd.notna(d)).date())


def _last_12_months(as_of: dt.date) -> tuple[dt.date, dt.date]:
    start = (pd.Timestamp(as_of) - pd.DateOffset(months=12) + pd.Timedelta(days=1)).date()
    return start, as_of


def _km_median(days: np.ndarray, reached: np.ndarray) -> float:
    """Product-limit estimate written out: S(t) = prod over event times (1 - d_t / n_t); the median
    is the smallest event time with S(t) <= 0.5."""
    s = 1.0
    for t in np.unique(days[reached]):
        at_risk = (days >= t).sum()
        events = ((days == t) & reached).sum()
        s *= 1 - events / at_risk
        if s <= 0.5:
            return float(t)
    return math.nan


def _metric(at, label: str):
    return next(m for m in at.metric if m.label == label)


@pytest.fixture(scope="module")
def overview(demo_db_file, tmp_path_factory):
    """One run of the Overview on a copy of the demo, shared by the tests that only read it."""
    copy = tmp_path_factory.mktemp("overview") / "demo.db"
    shutil.copy(demo_db_file, copy)
    url = f"sqlite:///{copy}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(APP, default_timeout=120)
        at.run()
        assert not at.exception
        yield at, _frames(url), url


def nps_from_raw(f) -> tuple[float, float, float, int]:
    """(NPS, interval low, high, n) of the sidebar's default period, counted from the raw responses."""
    start, end = _last_12_months(_reference_date(f))
    r = f["nps_response"]
    day = pd.to_datetime(r["responded_on"])
    scores = r.loc[(day >= pd.Timestamp(start)) & (day <= pd.Timestamp(end)), "score"]
    d, p, n = (scores <= 6).sum(), (scores >= 9).sum(), len(scores)
    raw = (p - d) / n * 100  # NPS = %promoters - %detractors
    # Adjusted Wald (Rocks 2016): +0.75 detractor, +1.5 passive, +0.75 promoter.
    pa, da = (p + 0.75) / (n + 3), (d + 0.75) / (n + 3)
    half = 1.959964 * math.sqrt((pa + da - (pa - da) ** 2) / (n + 3))
    return raw, (pa - da - half) * 100, (pa - da + half) * 100, int(n)


def test_overview_nps_tile_matches_counts_from_raw_responses(overview):
    at, f, _ = overview
    raw, low, high, n = nps_from_raw(f)
    tile = _metric(at, "NPS")
    assert tile.value == f"{raw:+.0f}"
    captions = " ".join(c.value for c in at.caption)
    assert f"95% CI {low:+.0f} to {high:+.0f}" in captions
    assert f"n = {n:,}" in captions


def test_overview_logo_churn_and_active_customers(overview):
    at, f, _ = overview
    start, end = _last_12_months(_reference_date(f))
    c = f["customer"]
    signed, churned = pd.to_datetime(c["signed_on"]), pd.to_datetime(c["churned_on"])
    at_start = (signed < pd.Timestamp(start)) & (churned.isna() | (churned >= pd.Timestamp(start)))
    lost = at_start & (churned <= pd.Timestamp(end))
    assert _metric(at, "Logo churn").value == f"{lost.sum() / at_start.sum():.1%}"
    active = (signed <= pd.Timestamp(end)) & (churned.isna() | (churned > pd.Timestamp(end)))
    assert _metric(at, "Active customers").value == f"{active.sum():,}"
    # ARR = 12 x the MRR of the period's last month.
    rev = f["revenue_month"]
    mrr = rev.loc[pd.to_datetime(rev["month"]) == pd.Timestamp(end.replace(day=1)), "mrr"].sum()
    arr = 12 * mrr
    assert _metric(at, "ARR").value == (f"€{arr / 1e6:.2f}M" if arr >= 1e6 else f"€{arr / 1e3:.0f}k")


def test_overview_median_ttfv_counts_customers_still_onboarding(overview):
    at, f, _ = overview
    as_of = _reference_date(f)
    start, end = _last_12_months(as_of)
    c = f["customer"].copy()
    c["signed_on"], c["churned_on"] = pd.to_datetime(c["signed_on"]), pd.to_datetime(c["churned_on"])
    c = c[(c["signed_on"] >= pd.Timestamp(start)) & (c["signed_on"] <= pd.Timestamp(end))]
    ms = f["milestone"]
    fv = ms[(ms["kind"] == "first_value") & ms["reached_on"].notna()]
    first = pd.to_datetime(fv["reached_on"]).groupby(fv["customer_id"]).min()
    reached_on = c["id"].map(first)
    reached = reached_on.notna() & (reached_on <= pd.Timestamp(as_of))
    # Not reached: censored at the reference date, or at churn when that came first.
    stop = c["churned_on"].where(c["churned_on"].notna() & (c["churned_on"] < pd.Timestamp(as_of)), pd.Timestamp(as_of))
    days = (reached_on.where(reached, stop) - c["signed_on"]).dt.days.to_numpy()
    median = _km_median(days, reached.to_numpy())
    assert _metric(at, "Median time to first value").value == f"{median:.0f} days"
    captions = " ".join(x.value for x in at.caption)
    assert f"{int((~reached).sum())} of {len(c)} still onboarding" in captions


def _green_share(url: str, as_of: dt.date) -> float:
    """Share of scored customers in the green band in the latest month of signals up to ``as_of``,
    scored here from the raw signals with the default model (a hand-written linear rule)."""
    engine = create_engine(url)
    signals = pd.read_sql("SELECT customer_id, month, signal, value FROM health_signal", engine)
    engine.dispose()
    months = pd.to_datetime(signals["month"])
    latest = months[months <= pd.Timestamp(as_of)].max()
    wide = signals[months == latest].pivot_table(index="customer_id", columns="signal", values="value")
    num = den = 0
    for key, rule in DEFAULT_MODEL["signals"].items():
        # Linear rule: 0 at "worst", 100 at "best", clipped; a missing signal drops out of the mean.
        normed = ((wide[key] - rule["worst"]) / (rule["best"] - rule["worst"]) * 100).clip(0, 100)
        num = num + normed.fillna(0) * rule["weight"]
        den = den + normed.notna() * rule["weight"]
    score = num / den
    return (score > 75).sum() / score.notna().sum()


def test_overview_health_green_share_from_signals(overview):
    at, f, url = overview
    green = _green_share(url, _reference_date(f))
    assert _metric(at, "Customers in good health").value == f"{green:.1%}"
    # One chart besides the tiles' sparklines (keyed "sparkline_<tile>").
    assert len([c for c in at.get("plotly_chart") if "sparkline_" not in c.proto.id]) == 1


def test_overview_scores_again_the_month_an_import_touched(app_on_demo, demo_db_url, demo_db_file):
    from cs_metrics.services import health as service
    from cs_metrics.storage import ingest

    before = _green_share(demo_db_url, _reference_date(_frames(demo_db_url)))
    engine = db.make_engine(demo_db_url)
    service.rescore(engine)  # every month scored and stored, as after a first visit
    with engine.connect() as conn:  # 300 customers scored in October 2026, the demo's latest month
        ids = conn.exec_driver_sql(
            "SELECT DISTINCT c.external_id FROM customer c JOIN health_signal h ON h.customer_id = c.id "
            "WHERE h.month = '2026-10-01' ORDER BY c.external_id LIMIT 300").scalars().all()
    lines = "".join(f"{i},2026-10,usage,1.0\n{i},2026-10,billing_issue,0\n" for i in ids)
    report = ingest.commit(engine, "health_signals", f"customer_id,month,signal,value\n{lines}".encode(),
                           filename="signals.csv", today=dt.date(2026, 10, 31))
    assert report.committed, report.problems
    assert service.stale_months(engine) == [dt.date(2026, 10, 1)]
    at = app_on_demo()
    assert not at.exception
    assert service.stale_months(engine) == []  # the Overview scored October again before its tiles
    engine.dispose()
    after = _green_share(demo_db_url, _reference_date(_frames(demo_db_url)))
    assert after > before  # best usage and no billing issue for 300 customers: more of them green
    assert _metric(at, "Customers in good health").value == f"{after:.1%}"


def test_overview_segment_filter_changes_values_and_empty_selection_is_friendly(app_on_demo, demo_db_url):
    at, f = app_on_demo(), _frames(demo_db_url)
    everyone = _metric(at, "Active customers").value
    # AppTest re-runs only the page after the first run (st.navigation), so the sidebar widgets are
    # driven through their session-state keys, exactly what the widgets themselves write.
    at.session_state["filter_segments"] = ["Enterprise"]
    at.run()
    assert not at.exception
    c = f["customer"]
    end = _reference_date(f)
    ent = c[c["segment"] == "Enterprise"]
    signed, churned = pd.to_datetime(ent["signed_on"]), pd.to_datetime(ent["churned_on"])
    active = (signed <= pd.Timestamp(end)) & (churned.isna() | (churned > pd.Timestamp(end)))
    assert _metric(at, "Active customers").value == f"{active.sum():,}" != everyone
    # An owner who has no Enterprise customer: nothing matches, a message instead of charts.
    owners = set(c["owner"]) - set(ent["owner"])
    assert owners, "the demo assigns owners by segment, so some owner has no Enterprise customer"
    # (Both keys are set again: state of widgets a run does not draw is dropped after that run.)
    at.session_state["filter_segments"] = ["Enterprise"]
    at.session_state["filter_owners"] = [sorted(owners)[0]]
    at.run()
    assert not at.exception
    assert any("No customers match" in i.value for i in at.info)


@pytest.fixture(scope="module")
def api_tiles(overview) -> list:
    """The API's tiles for the page's default selection (last 12 months to the reference date)."""
    _, f, url = overview
    start, end = _last_12_months(_reference_date(f))
    engine = db.make_engine(url)
    try:
        return overview_tiles(engine, period=Period(start, end), as_of=_reference_date(f))
    finally:
        engine.dispose()


def test_overview_every_tile_equals_the_api(overview, api_tiles):
    at, tiles = overview[0], api_tiles
    shown = {m.label: m for m in at.metric}
    assert list(shown) == [t.label for t in tiles]
    for t in tiles:
        assert shown[t.label].value == fmt_value(t.value, t.unit), t.key
        if t.previous == t.previous:
            assert shown[t.label].proto.delta == fmt_change(t.change, t.unit), t.key
    captions = [c.value for c in at.caption]
    for t in tiles:
        assert f"Change: {ov.verdict_text(t)}" in captions, t.key
    # The sparkline is the tile's series (the last point is the tile's value).
    # It is drawn with Plotly under the tile (keyed by the tile), not as the metric's own chart.
    assert all(not m.proto.chart_data for m in at.metric)
    spark = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(f"sparkline_{tiles[0].key}"))
    y = json.loads(spark.proto.spec)["data"][0]["y"]  # Plotly sends numbers as base64 typed arrays
    y = np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]) if isinstance(y, dict) else y
    assert y[-1] == pytest.approx(tiles[0].value)


def test_overview_summary_names_the_largest_real_movement(overview, api_tiles):
    at, tiles = overview[0], api_tiles

    def size(t) -> float:
        # Rates in percentage points, levels in percent of the previous value, stages in % of 1-5.
        if t.unit == "share":
            return abs(t.change) * 100
        if t.unit == "points":
            return abs(t.change)
        if t.unit == "stage":
            return abs(t.change) / 4 * 100
        return abs(t.change) / abs(t.previous) * 100 if t.previous else math.nan

    real = [t for t in tiles if t.enough and t.n_previous and size(t) == size(t)
            and ((t.test == ov.NOT_APPLICABLE and size(t) >= 0.5) or t.test == ov.DETECTABLE)]
    largest = max(real, key=size)
    first = at.text[0].value
    assert first.startswith(f"Largest movements: {largest.label} ")


def test_overview_summary_in_italian_and_tiles_link_to_their_pages(overview):
    at, _, _ = overview
    links = {link.proto.page for link in at.get("page_link")}
    assert {"nps", "health", "onboarding", "churn", "maturity", "meetings"} <= links
    at.session_state["overview_summary_language"] = "Italiano"
    at.run()
    assert not at.exception
    assert at.text[0].value.startswith("Movimenti principali: ")
