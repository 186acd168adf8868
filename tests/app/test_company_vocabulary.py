"""A company's own vocabularies and currency through the app: a US company sees dollars in the
Overview's ARR tile and the Churn page's ARR-lost chart; its own churn reason ("Moved to cheaper
plan", category "price", controllable) and the consumer reason "moved" (not controllable) are
labelled and split on the Churn page; the Data page edits the vocabularies and the currency, and
the audit trail records each edit.

Expected values are computed here from the raw tables (plain pandas, not cs_metrics)."""

from __future__ import annotations

import base64
import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP

CHEAPER, MOVED = "Moved to cheaper plan", "Customer moved away"


def _values(array) -> list:
    """A Plotly array from a figure spec: a plain list, or Plotly's base64 typed-array encoding."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def _charts(at) -> dict[str, dict]:
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return {s["layout"].get("title", {}).get("text", ""): s for s in specs}


def _read(url: str, sql: str) -> pd.DataFrame:
    engine = create_engine(url)
    frame = pd.read_sql(sql, engine)
    engine.dispose()
    return frame


def _period(url: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The app's default period: the 12 months up to the latest recorded activity (before today)."""
    latest = max(
        pd.to_datetime(_read(url, "SELECT MAX(signed_on) AS d FROM customer")["d"]).max(),
        pd.to_datetime(_read(url, "SELECT MAX(responded_on) AS d FROM nps_response")["d"]).max(),
        pd.to_datetime(_read(url, "SELECT MAX(reached_on) AS d FROM milestone")["d"]).max(),
        pd.to_datetime(_read(url, "SELECT MAX(churned_on) AS d FROM churn_event")["d"]).max(),
        pd.to_datetime(_read(url, "SELECT MAX(month) AS d FROM revenue_month")["d"]).max() + pd.offsets.MonthEnd(0),
    )
    end = min(pd.Timestamp(dt.date.today()), latest)
    return end - pd.DateOffset(months=12) + pd.Timedelta(days=1), end


@pytest.fixture()
def usd_company(demo_db_url):
    """The demo company in US dollars, with the reason "cheaper_plan" of its own. Of the churn events
    of the default period, the first three (by customer) become "cheaper_plan" and the next two
    "moved", with category and controllable left empty so that the company's reasons classify them."""
    engine = create_engine(demo_db_url)
    start, end = _period(demo_db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE app_meta SET value = 'USD' WHERE key = 'currency'"))
        position = conn.execute(text("SELECT MAX(position) FROM vocabulary_term WHERE kind = 'churn_reason'")).scalar()
        conn.execute(text("INSERT INTO vocabulary_term (kind, key, label, position, category, controllable) "
                          "VALUES ('churn_reason', 'cheaper_plan', :label, :pos, 'price', :yes)"),
                     {"label": CHEAPER, "pos": position + 1, "yes": True})
        ids = conn.execute(text("SELECT customer_id FROM churn_event WHERE churned_on >= :s AND churned_on <= :e "
                                "AND primary_reason IS NOT NULL ORDER BY customer_id"),
                           {"s": start.date(), "e": end.date()}).scalars().all()
        for cid, reason in zip(ids, ["cheaper_plan"] * 3 + ["moved"] * 2):
            conn.execute(text("UPDATE churn_event SET primary_reason = :r, category = NULL, controllable = NULL "
                              "WHERE customer_id = :c"), {"r": reason, "c": cid})
    engine.dispose()
    return demo_db_url


def test_overview_arr_tile_in_dollars(app_on_demo, usd_company):
    at = app_on_demo("pages/overview.py")
    assert not at.exception, [e.value for e in at.exception]
    start, end = _period(usd_company)
    rev = _read(usd_company, "SELECT month, mrr FROM revenue_month")
    arr = 12 * rev.loc[pd.to_datetime(rev["month"]) == end.replace(day=1), "mrr"].sum()
    tile = next(m for m in at.metric if m.label == "ARR")
    assert tile.value == (f"${arr / 1e6:.2f}M" if arr >= 1e6 else f"${arr / 1e3:.0f}k")
    assert "€" not in " ".join(m.value for m in at.metric) + " ".join(c.value for c in at.caption)


def test_churn_page_labels_and_splits_the_company_reasons_and_writes_dollars(app_on_demo, usd_company):
    at = app_on_demo("pages/churn.py")
    assert not at.exception, [e.value for e in at.exception]
    start, end = _period(usd_company)
    ce = _read(usd_company, "SELECT * FROM churn_event")
    lost = ce[(pd.to_datetime(ce["churned_on"]) >= start) & (pd.to_datetime(ce["churned_on"]) <= end)]
    terms = _read(usd_company, "SELECT key, controllable FROM vocabulary_term WHERE kind = 'churn_reason'")
    flags = dict(zip(terms["key"], terms["controllable"]))
    # A row's own flag first, else its reason's in the company's reasons; no reason: not known.
    flag = [row.controllable if pd.notna(row.controllable) else flags.get(row.primary_reason)
            for row in lost.itertuples()]
    flag = pd.Series([None if v is None or pd.isna(v) else bool(v) for v in flag], dtype=object)
    controllable, not_controllable = int((flag == True).sum()), int((flag == False).sum())  # noqa: E712
    assert (lost["primary_reason"] == "cheaper_plan").sum() == 3 and (lost["primary_reason"] == "moved").sum() == 2

    charts = _charts(at)
    pareto = next(s for t, s in charts.items() if t.startswith("Churn reasons by customers"))
    labels = _values(pareto["data"][0]["x"])
    counts = dict(zip(labels, _values(pareto["data"][0]["y"])))
    assert counts[CHEAPER] == 3 and counts[MOVED] == 2
    colours = dict(zip(labels, pareto["data"][0]["marker"]["color"]))
    assert colours[CHEAPER] == "#0072B2" and colours[MOVED] == "#999999"  # controllable blue, not controllable grey
    split = charts["Controllable or not"]
    assert [t["name"] for t in split["data"]] == ["Controllable", "Not controllable", "Not known yet"]
    n = len(lost)
    assert _values(split["data"][0]["x"])[0] == pytest.approx(controllable / n)
    assert _values(split["data"][1]["x"])[0] == pytest.approx(not_controllable / n)
    assert any(c.value.startswith(f"{controllable} of {n} lost (") for c in at.caption)

    at.radio(key="churn_rank_by").set_value("ARR lost").run()
    assert not at.exception
    by_arr = next(s for t, s in _charts(at).items() if t.startswith("Churn reasons by arr lost"))
    assert by_arr["layout"]["yaxis"]["title"]["text"] == "ARR lost ($)"
    amounts = lost.groupby("primary_reason")["arr_lost"].sum().sort_values(ascending=False)
    assert by_arr["data"][0]["text"][0] == f"${amounts.iloc[0] / 1e3:,.0f}k"
    assert all(t.startswith("$") for t in by_arr["data"][0]["text"])


def _data_page(url: str, monkeypatch) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _terms(url: str, kind: str) -> pd.DataFrame:
    return _read(url, f"SELECT key, label, category, controllable FROM vocabulary_term WHERE kind = '{kind}' "
                      "ORDER BY position")


def test_data_page_edits_churn_reasons(demo_db_url, monkeypatch):
    at = _data_page(demo_db_url, monkeypatch)
    at.selectbox(key="vocab_kind").set_value("churn_reason").run()
    shown = next(d.value for d in at.dataframe if "Key (in the data)" in d.value.columns)  # the vocabulary's table
    assert list(shown.columns) == ["Key (in the data)", "Label", "Category", "Controllable", "Rows holding it"]
    reasons = shown.set_index("Key (in the data)")
    assert reasons.loc["moved", ["Label", "Controllable"]].tolist() == [MOVED, "No"]
    assert reasons.loc["unknown", "Controllable"] == "Not known"
    ce = _read(demo_db_url, "SELECT primary_reason FROM churn_event")
    assert reasons.loc["price", "Rows holding it"] == (ce["primary_reason"] == "price").sum()

    # Add a reason of the company's own.
    at.text_input(key="vocab_add_key_churn_reason").input("cheaper_plan")
    at.text_input(key="vocab_add_label_churn_reason").input(CHEAPER)
    at.text_input(key="vocab_add_churn_reason_category").input("price")
    at.radio(key="vocab_add_churn_reason_controllable").set_value("Yes")
    at.button(key="vocab_add_button_churn_reason").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"Added '{CHEAPER}' (cheaper_plan) to Churn reasons." in s.value for s in at.success)
    row = _terms(demo_db_url, "churn_reason").iloc[-1]
    assert (row["key"], row["label"], row["category"], bool(row["controllable"])) == (
        "cheaper_plan", CHEAPER, "price", True)

    # Adding it again is refused with what to do instead.
    at.text_input(key="vocab_add_key_churn_reason").input("cheaper_plan")
    at.button(key="vocab_add_button_churn_reason").click().run()
    assert any("Churn reasons already has 'cheaper_plan'; relabel it" in e.value for e in at.error)

    # Recategorise it: not known whether the company could have acted on it.
    at.selectbox(key="vocab_edit_key_churn_reason").set_value("cheaper_plan").run()
    at.text_input(key="vocab_edit_label_churn_reason_cheaper_plan").input("Downgraded")
    at.radio(key="vocab_edit_churn_reason_cheaper_plan_controllable").set_value("Not known")
    at.button(key="vocab_edit_button_churn_reason").click().run()
    assert not at.exception
    row = _terms(demo_db_url, "churn_reason").set_index("key").loc["cheaper_plan"]
    assert (row["label"], row["category"]) == ("Downgraded", "price") and pd.isna(row["controllable"])


def test_data_page_removes_only_when_confirmed_and_sets_the_currency(demo_db_url, monkeypatch):
    at = _data_page(demo_db_url, monkeypatch)
    at.selectbox(key="vocab_kind").set_value("segment").run()
    at.selectbox(key="vocab_remove_key_segment").set_value("SMB").run()
    smb = int((_read(demo_db_url, "SELECT segment FROM customer")["segment"] == "SMB").sum())
    assert any(c.value.startswith(f"{smb:,} data rows hold it; they keep it.") for c in at.caption)
    remove = at.button(key="vocab_remove_button_segment")
    assert remove.disabled  # nothing happens without ticking the confirmation
    at.checkbox(key="vocab_remove_sure_segment_SMB").check().run()
    at.button(key="vocab_remove_button_segment").click().run()
    assert not at.exception
    assert _terms(demo_db_url, "segment")["key"].tolist() == ["Mid-Market", "Enterprise"]
    assert int((_read(demo_db_url, "SELECT segment FROM customer")["segment"] == "SMB").sum()) == smb  # rows keep it

    at.text_input(key="vocab_currency").input("gbp").run()
    # 1,234,567 in millions, two decimals (the preview amount)
    assert any(c.value == "An amount reads: £1.23M (tables: £1,234,567)" for c in at.caption)
    before = _read(demo_db_url, "SELECT value FROM app_meta WHERE key = 'currency'")["value"].iloc[0]
    at.button(key="vocab_currency_button").click().run()
    assert _read(demo_db_url, "SELECT value FROM app_meta WHERE key = 'currency'")["value"].tolist() == ["GBP"]
    # Both edits are in the audit trail, made by the local user (sign-in is off), before -> after.
    trail = _read(demo_db_url, "SELECT actor, action, outcome, records, summary FROM audit_event ORDER BY id")
    assert trail.values.tolist()[-2:] == [
        ["Local user", "data.vocabulary", "done", "Segments: 'SMB'",
         f"label 'SMB' -> removed; {smb:,} data rows keep the value"],
        ["Local user", "data.vocabulary", "done", "currency", f"currency {before} -> GBP"]]
    at.text_input(key="vocab_currency").input("US$").run()
    assert any("three-letter ISO 4217 code" in w.value for w in at.warning)
    assert at.button(key="vocab_currency_button").disabled
