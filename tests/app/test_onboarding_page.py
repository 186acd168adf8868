"""Onboarding AppTest: figures on the demo company, checked against numbers computed here from
raw tables with pandas and a hand-written Kaplan-Meier, independently of cs_metrics."""

from __future__ import annotations

import base64
import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP

PAGE = "pages/onboarding.py"


def _tables(url: str) -> dict[str, pd.DataFrame]:
    engine = create_engine(url)
    out = {t: pd.read_sql(f"SELECT * FROM {t}", engine) for t in ("customer", "milestone", "nps_response", "churn_event", "revenue_month")}
    engine.dispose()
    return out


def _reference_date(t) -> dt.date:
    # The app's reference date: today, or the latest recorded activity when the data ends earlier.
    dates = [pd.to_datetime(t["customer"]["signed_on"]).max(), pd.to_datetime(t["nps_response"]["responded_on"]).max(),
             pd.to_datetime(t["milestone"]["reached_on"]).max(), pd.to_datetime(t["customer"]["churned_on"]).max()]
    dates.append(pd.to_datetime(t["revenue_month"]["month"]).max() + pd.offsets.MonthEnd(0))
    return min(dt.date.today(), max(d for d in dates if pd.notna(d)).date())


def _onboarding(t, as_of: dt.date) -> pd.DataFrame:
    """Per customer signed by as_of: days to first value (or to as_of / churn) and whether reached."""
    a = pd.Timestamp(as_of)
    c = t["customer"].assign(signed_on=lambda d: pd.to_datetime(d["signed_on"]),
                             churned_on=lambda d: pd.to_datetime(d["churned_on"]))
    c = c[c["signed_on"] <= a]
    ms = t["milestone"].assign(reached_on=lambda d: pd.to_datetime(d["reached_on"]))
    fv = ms[(ms["kind"] == "first_value") & ms["reached_on"].notna()].groupby("customer_id")["reached_on"].min()
    first = c["id"].map(fv)
    reached = first.notna() & (first <= a)
    gone = c["churned_on"].notna() & (c["churned_on"] <= a)
    end = c["churned_on"].where(gone, a)
    days = (first.where(reached, end) - c["signed_on"]).dt.days
    # The most common first-value target of each segment.
    targets = ms[ms["kind"] == "first_value"].merge(c[["id", "segment"]], left_on="customer_id", right_on="id")
    target = c["segment"].map(targets.groupby("segment")["target_days"].agg(lambda s: s.mode().min()))
    return pd.DataFrame({"signed_on": c["signed_on"], "days": days, "reached": reached, "gone": gone,
                         "target": target, "segment": c["segment"], "owner": c["owner"]})


def _km_median(days: np.ndarray, reached: np.ndarray) -> float:
    """Product-limit estimate written out: S(t) = prod over event times (1 - d_t / n_t); the median
    is the smallest event time with S(t) <= 0.5."""
    s = 1.0
    for t in np.unique(days[reached]):
        s *= 1 - ((days == t) & reached).sum() / (days >= t).sum()
        if s <= 0.5:
            return float(t)
    return math.nan


def _last_12_months(as_of: dt.date) -> pd.Timestamp:
    return pd.Timestamp(as_of) - pd.DateOffset(months=12) + pd.Timedelta(days=1)


@pytest.fixture()
def demo(demo_db_url, monkeypatch):
    """The app opened straight on the Onboarding page (app.py runs first, as in a browser)."""
    monkeypatch.setenv("DATABASE_URL", demo_db_url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    tables = _tables(demo_db_url)
    as_of = _reference_date(tables)
    return at, _onboarding(tables, as_of), as_of


def _values(trace_values) -> list[float]:
    """Plotly may send arrays as base64 ("bdata") with a dtype; decode either form."""
    if isinstance(trace_values, dict):
        return np.frombuffer(base64.b64decode(trace_values["bdata"]), dtype=trace_values["dtype"]).tolist()
    return list(trace_values)


def _stalled_rows(at) -> pd.DataFrame:
    frames = [d.value for d in at.dataframe if "Days waiting" in d.value.columns]
    assert len(frames) == 1
    return frames[0]


def test_median_censored_count_and_stalled_list_match_raw_tables(demo):
    at, d, as_of = demo
    cohort = d[d["signed_on"] >= _last_12_months(as_of)]
    median = _km_median(cohort["days"].to_numpy(), cohort["reached"].to_numpy())
    assert at.title[0].value == "Onboarding"
    metric = next(m for m in at.metric if m.label == "Median time to first value")
    assert metric.value == f"{median:.0f} days"
    n, n_reached = len(cohort), int(cohort["reached"].sum())
    summary = at.dataframe[0].value
    assert summary["Customers"].tolist() == [n]
    assert summary["Not yet at first value (censored)"].tolist() == [n - n_reached]
    still = cohort[~cohort["reached"] & ~cohort["gone"]]
    past = int((still["days"] > still["target"]).sum())
    assert any(f"{len(still):,} still onboarding, of which {past:,} past target" in i.value for i in at.info)
    # Stalled: no first value, still a customer, waiting longer than the segment's target, any signing date.
    waiting = d[~d["reached"] & ~d["gone"]]
    stalled = waiting[waiting["days"] > waiting["target"]]
    table = _stalled_rows(at)
    assert len(table) == len(stalled) > 0
    assert table["Days waiting"].tolist() == sorted(stalled["days"].tolist(), reverse=True)
    # The demo's dates are consistent: the data checks find nothing.
    assert any(e.label == "Data checks: no problems found" for e in at.expander)


def test_curve_by_segment_shows_one_curve_per_segment_and_the_log_rank_verdict(demo):
    at, d, as_of = demo
    at.selectbox(key="onboarding_group_by").set_value("Segment").run()
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [t["name"] for t in spec["data"] if t.get("showlegend", True) and t.get("mode") == "lines" and t.get("name")]
    assert names == ["Enterprise", "Mid-Market", "SMB"]
    # The steps of the SMB curve end where the cohort's SMB customers reach first value or are censored.
    smb = next(t for t in spec["data"] if t.get("name") == "SMB" and t.get("mode") == "lines")
    cohort = d[(d["signed_on"] >= _last_12_months(as_of)) & (d["segment"] == "SMB")]
    assert max(_values(smb["x"])) == cohort["days"].max()
    assert at.dataframe[0].value["Segment"].tolist() == ["Enterprise", "Mid-Market", "SMB"]
    assert any(i.value.startswith("Time to first value differs by segment") for i in at.success)
    # Target lines of the three segments (30, 45, 60 days in the demo's milestones).
    shapes = sorted(s["x0"] for s in spec["layout"]["shapes"])
    assert shapes == [30, 45, 60]

    # A longer SMB target shortens the stalled list to the customers waiting beyond it.
    at.number_input(key="onboarding_target_SMB").set_value(365).run()
    assert not at.exception
    waiting = d[~d["reached"] & ~d["gone"]]
    target = waiting["target"].where(waiting["segment"] != "SMB", 365)
    assert len(_stalled_rows(at)) == int((waiting["days"] > target).sum())




def test_no_customer_in_the_selection_says_what_to_change(demo):
    at, d, _ = demo
    # An owner who looks after SMB customers only, with the Enterprise segment: nobody matches.
    owner = d.loc[d["segment"] == "SMB", "owner"].dropna().iloc[0]
    assert not ((d["owner"] == owner) & (d["segment"] == "Enterprise")).any()
    at.session_state["filter_segments"] = ["Enterprise"]
    at.session_state["filter_owners"] = [owner]
    at.run()
    assert not at.exception
    assert any("No customers match these filters" in i.value for i in at.info)
    assert not at.get("plotly_chart")
