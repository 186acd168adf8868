"""Churn & retention AppTest: headline figures on the demo company checked against numbers computed
here from the raw tables (plain pandas, not cs_metrics), and the post-churn follow-up edit."""

from __future__ import annotations

import base64
import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, text

PAGE = "pages/churn.py"


def _frames(url: str) -> dict[str, pd.DataFrame]:
    engine = create_engine(url)
    out = {
        t: pd.read_sql(f"SELECT * FROM {t}", engine)
        for t in ("customer", "revenue_month", "churn_event", "nps_response", "milestone")
    }
    engine.dispose()
    return out


def _reference_date(f) -> dt.date:
    # The app's reference date: today, or the latest recorded activity when the data ends earlier.
    dates = [
        pd.to_datetime(f["customer"]["signed_on"]).max(),
        pd.to_datetime(f["nps_response"]["responded_on"]).max(),
        pd.to_datetime(f["milestone"]["reached_on"]).max(),
        pd.to_datetime(f["churn_event"]["churned_on"]).max(),
        pd.to_datetime(f["revenue_month"]["month"]).max() + pd.offsets.MonthEnd(0),
    ]
    return min(dt.date.today(), max(d for d in dates if pd.notna(d)).date())


def _last_12_months(as_of: dt.date) -> tuple[pd.Timestamp, pd.Timestamp]:
    return pd.Timestamp(as_of) - pd.DateOffset(months=12) + pd.Timedelta(days=1), pd.Timestamp(as_of)


def _grr_nrr(
    revenue: pd.DataFrame, start_month: pd.Timestamp, end_month: pd.Timestamp
) -> tuple[float, float, int]:
    """GRR = sum over customers paying at the start of min(end, start) / sum of start;
    NRR = sum of end / sum of start."""
    month = pd.to_datetime(revenue["month"])
    first = revenue[(month == start_month) & (revenue["mrr"] > 0)].set_index("customer_id")["mrr"]
    last = (
        revenue[month == end_month]
        .set_index("customer_id")["mrr"]
        .reindex(first.index)
        .fillna(0.0)
        .clip(lower=0)
    )
    return (
        float(last.where(last < first, first).sum() / first.sum()),
        float(last.sum() / first.sum()),
        len(first),
    )


def _values(array) -> list:
    """A Plotly array from a figure spec: a plain list, or Plotly's base64 typed-array encoding."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def _metric(at, label: str):
    return next(m for m in at.metric if m.label == label)


@pytest.fixture()
def churn_page(app_on_demo, demo_db_url):
    at = app_on_demo(PAGE)
    assert not at.exception, [e.value for e in at.exception]
    return at, _frames(demo_db_url), demo_db_url


def test_headline_logo_churn_grr_nrr_match_raw_data(churn_page):
    at, f, _ = churn_page
    start, end = _last_12_months(_reference_date(f))
    c = f["customer"]
    signed, churned = pd.to_datetime(c["signed_on"]), pd.to_datetime(c["churned_on"])
    at_start = (signed < start) & (churned.isna() | (churned >= start))
    lost = at_start & (churned <= end)
    assert _metric(at, "Logo churn").value == f"{lost.sum() / at_start.sum():.1%}"
    # Revenue going into the period (the month of the day before it starts) against its last month.
    start_month = (start - pd.Timedelta(days=1)).to_period("M").to_timestamp()
    end_month = end.to_period("M").to_timestamp()
    grr, nrr, n = _grr_nrr(f["revenue_month"], start_month, end_month)
    assert _metric(at, "Gross revenue retention").value == f"{grr:.1%}"
    assert _metric(at, "Net revenue retention").value == f"{nrr:.1%}"
    assert grr <= 1.0 < nrr  # the demo company expands: NRR above 100%, GRR capped
    # The previous equal period, beside them.
    prev_start = start - pd.Timedelta(days=(end - start).days + 1)
    prev_grr, _, _ = _grr_nrr(
        f["revenue_month"],
        (prev_start - pd.Timedelta(days=1)).to_period("M").to_timestamp(),
        (start - pd.Timedelta(days=1)).to_period("M").to_timestamp(),
    )
    captions = " ".join(x.value for x in at.caption)
    assert f"previous period: {prev_grr:.1%} · n = {n:,}" in captions

    # The Pareto of reasons counts the churn events of the period.
    ce = f["churn_event"]
    day = pd.to_datetime(ce["churned_on"])
    counts = ce[(day >= start) & (day <= end)]["primary_reason"].value_counts()
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    pareto = next(c for c in charts if "Churn reasons" in c["layout"]["title"]["text"])
    assert _values(pareto["data"][0]["y"]) == sorted(counts.tolist(), reverse=True)
    titles = [c["layout"].get("title", {}).get("text", "") for c in charts]
    assert any("Reasons over time" in t for t in titles)
    # The cohorts (every revenue row summed) are offered, and drawn when asked for.
    assert not any("Share retained" in t for t in titles)
    assert any("drawn when you ask for them" in c.value for c in at.caption)
    at.toggle(key="churn_cohort_show").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    titles = [c["layout"].get("title", {}).get("text", "") for c in charts]
    assert any("Share retained" in t for t in titles) and any("All cohorts, weighted" in t for t in titles)
    # Reasons missing in the data are reported with their count.
    missing = int(ce["primary_reason"].isna().sum())
    assert any(
        f"Data check · Churned customers without a recorded reason: {missing}." in w.value for w in at.warning
    )


def test_follow_up_half_filled_is_refused_then_the_edit_persists(churn_page):
    at, f, url = churn_page
    ce = f["churn_event"]
    # A customer whose reason is not known yet: saving without call date and reason is refused.
    blank = int(
        ce[ce["primary_reason"].isna()].sort_values("churned_on", ascending=False).iloc[0]["customer_id"]
    )
    at.selectbox(key="churn_fu_customer").set_value(blank)
    at.run()
    at.text_area(key=f"churn_fu_notes_{blank}").input("Could not reach them yet.")
    at.button(key="churn_fu_save").click()
    at.run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "enter the date of the follow-up call" in errors and "choose the reason" in errors
    engine = create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT primary_reason, follow_up_notes FROM churn_event WHERE customer_id = :c"),
            {"c": blank},
        ).one()
    engine.dispose()
    assert row.primary_reason is None and row.follow_up_notes is None

    # A complete follow-up is stored, exactly as typed.
    todo = ce[ce["follow_up_call_on"].isna()].sort_values("churned_on", ascending=False).iloc[0]
    cid, churned_on = int(todo["customer_id"]), dt.date.fromisoformat(str(todo["churned_on"])[:10])
    at.selectbox(key="churn_fu_customer").set_value(cid)
    at.run()
    call = min(churned_on + dt.timedelta(days=3), dt.date.today())
    at.date_input(key=f"churn_fu_call_{cid}").set_value(call)
    at.selectbox(key=f"churn_fu_reason_{cid}").set_value("competitor")
    at.text_area(key=f"churn_fu_notes_{cid}").input("Moved to a rival after a <b>price</b> war.")
    at.button(key="churn_fu_save").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Follow-up saved" in s.value for s in at.success)
    engine = create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT primary_reason, category, controllable, reason_confirmed, follow_up_call_on, "
                "follow_up_notes FROM churn_event WHERE customer_id = :c"
            ),
            {"c": cid},
        ).one()
    engine.dispose()
    assert (row.primary_reason, row.category, bool(row.controllable), bool(row.reason_confirmed)) == (
        "competitor",
        "competition",
        True,
        True,
    )
    assert str(row.follow_up_call_on)[:10] == call.isoformat()
    assert row.follow_up_notes == "Moved to a rival after a <b>price</b> war."


def test_segment_filter_and_empty_selection(churn_page):
    at, f, _ = churn_page
    c = f["customer"]
    at.session_state["filter_segments"] = ["Enterprise"]
    at.run()
    assert not at.exception
    start, end = _last_12_months(_reference_date(f))
    ent = c[c["segment"] == "Enterprise"]
    signed, churned = pd.to_datetime(ent["signed_on"]), pd.to_datetime(ent["churned_on"])
    at_start = (signed < start) & (churned.isna() | (churned >= start))
    lost = at_start & (churned <= end)
    assert _metric(at, "Logo churn").value == f"{lost.sum() / at_start.sum():.1%}"
    owners = set(c["owner"]) - set(ent["owner"])
    at.session_state["filter_segments"] = ["Enterprise"]
    at.session_state["filter_owners"] = [min(owners)]
    at.run()
    assert not at.exception
    assert any("No customers match" in i.value for i in at.info)


def test_retention_tiles_agree_with_the_overview_for_the_same_filters(app_on_demo):
    """One builder for logo churn, GRR and NRR: the Overview and this page show the same value, the
    same previous value and n, and the same definition, here for Enterprise customers."""
    shown = {}
    for page in ("pages/overview.py", PAGE):
        at = app_on_demo()
        at.session_state["filter_segments"] = ["Enterprise"]
        at.switch_page(page)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert any("segment: Enterprise" in c.value for c in at.caption)  # the filter is applied
        shown[page] = {
            label: (m.value, m.proto.help, m.proto.delta)
            for label in ("Logo churn", "Gross revenue retention", "Net revenue retention")
            for m in [_metric(at, label)]
        }
    assert shown["pages/overview.py"] == shown[PAGE]
    # The definitions are the shared ones (not empty, and each names what it measures).
    helps = [h for _, h, _ in shown[PAGE].values()]
    assert "customers active at its start" in helps[0]
    assert helps[1].startswith("Gross revenue retention") and helps[2].startswith("Net revenue retention")


# --- roles: only editors and admins record follow-up calls ---------------------------------------

WHO_RECORDS = "Only editors and admins record churn follow-up calls."


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_viewers_and_members_see_the_queue_but_no_follow_up_form(app_as, role):
    engine = create_engine(app_as.url)
    with engine.connect() as conn:
        team = conn.execute(text("SELECT name FROM team ORDER BY name LIMIT 1")).scalar_one()
    engine.dispose()
    at = app_as(role, PAGE, teams=(team,) if role == "member" else ())
    assert not at.exception, [e.value for e in at.exception]
    assert _metric(at, "Follow-ups complete")  # the follow-up figures are shown
    assert "churn_fu_customer" not in {s.key for s in at.selectbox}
    assert "churn_fu_save" not in {b.key for b in at.button}
    assert WHO_RECORDS in [c.value for c in at.caption]


def test_an_editor_records_a_follow_up_call_and_it_is_audited(app_as):
    f = _frames(app_as.url)
    at = app_as("editor", PAGE)
    assert not at.exception, [e.value for e in at.exception]
    assert WHO_RECORDS not in [c.value for c in at.caption]
    ce = f["churn_event"]
    todo = ce[ce["follow_up_call_on"].isna()].sort_values("churned_on", ascending=False).iloc[0]
    cid, churned_on = int(todo["customer_id"]), dt.date.fromisoformat(str(todo["churned_on"])[:10])
    at.selectbox(key="churn_fu_customer").set_value(cid)
    at.run()
    call = min(churned_on + dt.timedelta(days=3), dt.date.today())
    at.date_input(key=f"churn_fu_call_{cid}").set_value(call)
    at.selectbox(key=f"churn_fu_reason_{cid}").set_value("competitor")
    at.button(key="churn_fu_save").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    engine = create_engine(app_as.url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT actor, actor_role, action, outcome, records, summary FROM audit_event "
                                "ORDER BY id DESC")).first()
    engine.dispose()
    name = f["customer"].set_index("id")["name"][cid]
    before = todo["primary_reason"] if isinstance(todo["primary_reason"], str) else "none"
    reason = "competitor" if before == "competitor" else f"{before} -> competitor"
    assert tuple(row) == ("editor@example.com", "editor", "churn.follow_up", "done", f"customer #{cid} ({name})",
                          f"call {call:%Y-%m-%d}, reason {reason}")
