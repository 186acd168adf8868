"""NPS page AppTest on the demo company: the headline against numbers computed here from the raw
rows (pandas and the formulas written out, not cs_metrics), filters, verbatims and the follow-up queue."""

from __future__ import annotations

import datetime as dt
import json
import math
import re

import pandas as pd
import pytest
import streamlit as st
from scipy.stats import norm
from sqlalchemy import create_engine, text

PAGE = "pages/nps.py"
Z = 1.959963984540054


def _tables(url: str) -> dict[str, pd.DataFrame]:
    engine = create_engine(url)
    names = ("customer", "nps_response", "nps_survey_send", "milestone", "revenue_month")
    out = {t: pd.read_sql(f"SELECT * FROM {t}", engine) for t in names}
    engine.dispose()
    for frame, column in (("nps_response", "responded_on"), ("nps_survey_send", "sent_on")):
        out[frame][column] = pd.to_datetime(out[frame][column])
    return out


def _periods(f) -> tuple[tuple[pd.Timestamp, pd.Timestamp], tuple[pd.Timestamp, pd.Timestamp]]:
    """The default period (last 12 months up to the reference date) and the previous equal period."""
    c, r = f["customer"], f["nps_response"]
    latest = [pd.to_datetime(c["signed_on"]).max(), r["responded_on"].max(), pd.to_datetime(f["milestone"]["reached_on"]).max(),
              pd.to_datetime(c["churned_on"]).max(), pd.to_datetime(f["revenue_month"]["month"]).max() + pd.offsets.MonthEnd(0)]
    as_of = pd.Timestamp(min(dt.date.today(), max(d for d in latest if pd.notna(d)).date()))
    start = as_of - pd.DateOffset(months=12) + pd.Timedelta(days=1)
    days = (as_of - start).days + 1
    prev_end = start - pd.Timedelta(days=1)
    return (start, as_of), (prev_end - pd.Timedelta(days=days - 1), prev_end)


def _in(frame: pd.DataFrame, column: str, span) -> pd.DataFrame:
    return frame[(frame[column] >= span[0]) & (frame[column] <= span[1])]


def _adjusted(scores: pd.Series) -> tuple[float, float, float]:
    """Rocks (2016): +0.75 detractor, +1.5 passive, +0.75 promoter; returns (nps', variance, n')."""
    d, p, n = (scores <= 6).sum() + 0.75, (scores >= 9).sum() + 0.75, len(scores) + 3
    return (p - d) / n, (p + d) / n - ((p - d) / n) ** 2, n


def _metric(at, label: str):
    return next(m for m in at.metric if m.label == label)


def _captions(at) -> str:
    return " | ".join(c.value for c in at.caption)


def _frame_with(at, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.fixture()
def nps_page(app_on_demo, demo_db_url):
    at = app_on_demo(PAGE)
    assert not at.exception, [e.value for e in at.exception]
    return at, _tables(demo_db_url), demo_db_url


def _check_headline(at, f):
    cur, prev = _periods(f)
    r = f["nps_response"]
    scores = _in(r, "responded_on", cur)["score"]
    scores = scores[(scores >= 0) & (scores <= 10)]
    n = len(scores)
    raw = ((scores >= 9).sum() - (scores <= 6).sum()) / n * 100  # % promoters - % detractors
    centre, var, n_adj = _adjusted(scores)
    half = Z * math.sqrt(var / n_adj)
    assert at.title[0].value == "NPS"
    assert _metric(at, "NPS").value == f"{raw:+.0f}"
    assert f"95% CI {(centre - half) * 100:+.0f} to {(centre + half) * 100:+.0f} · n = {n:,}" in _captions(at)


def _check_change(at, f):
    cur, prev = _periods(f)
    r = f["nps_response"]
    a = _adjusted(_in(r, "responded_on", prev)["score"])
    b = _adjusted(_in(r, "responded_on", cur)["score"])
    diff = b[0] - a[0]
    se = math.sqrt(a[1] / a[2] + b[1] / b[2])
    p = 2 * norm.sf(abs(diff) / se)  # two-sided z-test on independent samples
    assert _metric(at, "Change vs previous period").value == f"{diff * 100:+.1f} points"
    verdict = "no detectable change" if p >= 0.05 else ("up" if diff > 0 else "down") + ", significant at 95%"
    assert any(m.value.startswith(f"**{verdict.capitalize()}") for m in at.markdown)
    assert f"{(diff - Z * se) * 100:+.0f} to {(diff + Z * se) * 100:+.0f}" in _captions(at)


def _check_rates(at, f):
    cur, _ = _periods(f)
    sends = _in(f["nps_survey_send"], "sent_on", cur)
    answered = sends["id"].isin(f["nps_response"]["send_id"].dropna().astype(int)).sum()
    assert _metric(at, "Response rate").value == f"{answered / len(sends):.1%}"
    assert f"{answered:,} of {len(sends):,} invitations answered" in _captions(at)
    resp = _in(f["nps_response"], "responded_on", cur)
    commented = resp["comment"].fillna("").str.strip().ne("").sum()
    assert f"Comment rate {commented / len(resp):.1%} ({commented:,} of {len(resp):,} answers)" in _captions(at)


def _check_trend(at, f):
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    # 24 months (previous 12 + selected 12); markers split into readable and too-uncertain months.
    markers = [t for t in spec["data"] if t.get("mode") == "markers"]
    assert sum(len(t["x"]) for t in markers) == 24
    at.segmented_control(key="nps_grain").set_value("quarter").run()
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert sum(len(t["x"]) for t in spec["data"] if t.get("mode") == "markers") in (8, 9)


def test_headline_change_rates_trend_and_verbatims_match_the_raw_answers(nps_page):
    # One AppTest for every read-only check: starting the app is the slow part of a test.
    at, f, _ = nps_page
    _check_headline(at, f)
    _check_change(at, f)
    _check_rates(at, f)
    _check_trend(at, f)
    _check_verbatims(at, f)


def _check_verbatims(at, f):
    cur, _ = _periods(f)
    resp = _in(f["nps_response"], "responded_on", cur)
    resp = resp[resp["comment"].notna() & (resp["comment"].fillna("").str.strip() != "")]
    comments = resp.sort_values(["responded_on", "id"], ascending=False)["comment"]  # newest first
    # The list is paged (50 comments a page, the count of all of them above): it no longer sends
    # every comment of the period.
    shown = _frame_with(at, "comment")
    assert len(comments) > 50 and len(shown) == 50
    assert any(c.value == f"{len(comments):,} comment(s)" for c in at.caption)
    assert shown["comment"].tolist() == comments.iloc[:50].tolist()
    at.button(key="nps_comments_next").click().run()
    assert _frame_with(at, "comment")["comment"].tolist() == comments.iloc[50:100].tolist()
    assert any(c.value.startswith(f"Page 2 of {-(-len(comments) // 50)} · rows 51–100 of {len(comments):,}")
               for c in at.caption)
    at.text_input(key="nps_search").input("fattur").run()
    found = comments.str.lower().str.contains("fattur").sum()
    assert found > 0 and any(c.value == f"{found:,} comment(s)" for c in at.caption)
    shown = _frame_with(at, "comment")  # a new search starts again at the first page
    assert shown["comment"].tolist() == comments[comments.str.lower().str.contains("fattur")].iloc[:50].tolist()
    at.text_input(key="nps_search").input("").run()
    at.button_group(key="nps_theme").set_value("billing").run()
    shown = _frame_with(at, "comment")
    billing = re.compile(r"\b(?:invoice\w*|billing|billed|charged|payment\w*|fattur\w*|addebit\w*|pagament\w*)\b", re.I)
    about = comments.str.contains(billing).sum()
    assert 0 < len(shown) == min(50, about) < len(comments)
    assert shown["comment"].str.contains(billing).all()
    assert any(c.value == f"{about:,} comment(s) about billing and invoices" for c in at.caption)


def _check_follow_up_edit(at, url):
    queue = _frame_with(at, "follow_up_status")
    first = int(queue["id"].iloc[0])
    assert at.selectbox(key="nps_fu_pick").value == first
    at.text_input(key=f"nps_fu_owner_{first}").input("Marta Neri")
    at.selectbox(key=f"nps_fu_status_{first}").set_value("in_progress")
    at.date_input(key=f"nps_fu_due_{first}").set_value(dt.date(2026, 11, 30))
    at.text_area(key=f"nps_fu_note_{first}").input("Called the sponsor; <b>plan</b> agreed.")
    next(b for b in at.button if b.label == "Save follow-up").click().run()
    assert not at.exception and not at.error
    assert any("saved" in s.value for s in at.success)
    row = pd.read_sql(f"SELECT * FROM nps_response WHERE id = {first}", create_engine(url)).iloc[0]
    assert (row.follow_up_owner, row.follow_up_status, row.follow_up_note) == (
        "Marta Neri", "in_progress", "Called the sponsor; <b>plan</b> agreed.")
    assert str(row.follow_up_due)[:10] == "2026-11-30"
    at.run()  # a fresh rerun reads the stored values back
    shown = _frame_with(at, "follow_up_status").set_index("id").loc[first]
    assert (shown.follow_up_owner, shown.follow_up_status) == ("Marta Neri", "in_progress")
    assert shown.follow_up_note == "Called the sponsor; <b>plan</b> agreed."  # shown as typed, not as HTML
    assert at.text_input(key=f"nps_fu_owner_{first}").value == "Marta Neri"


def _check_follow_up_refused(at, url):
    first = int(_frame_with(at, "follow_up_status")["id"].iloc[0])
    before = pd.read_sql(f"SELECT * FROM nps_response WHERE id = {first}", create_engine(url)).iloc[0]
    at.text_input(key=f"nps_fu_owner_{first}").input("")
    at.selectbox(key=f"nps_fu_status_{first}").set_value("done")
    next(b for b in at.button if b.label == "Save follow-up").click().run()
    assert not at.exception
    assert any("owner" in e.value for e in at.error)
    after = pd.read_sql(f"SELECT * FROM nps_response WHERE id = {first}", create_engine(url)).iloc[0]
    assert (after.follow_up_status, after.follow_up_owner) == (before.follow_up_status, before.follow_up_owner)


def test_follow_up_queue_then_filters(nps_page):
    # The queue refuses a half-filled edit, persists a good one (shown again after a rerun); then a
    # segment filter changes the headline and an empty period gets a message instead of charts.
    at, f, url = nps_page
    _check_follow_up_refused(at, url)
    at.run()
    _check_follow_up_edit(at, url)
    _check_invalid_score_reported_not_counted(at, url)
    _check_segment_filter(at, f)
    _check_empty_selection(at)


def _check_invalid_score_reported_not_counted(at, url):
    n_before = next(c.value for c in at.caption if "· n = " in c.value)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO nps_response (responded_on, score, touchpoint) VALUES ('2026-10-15', 12, 'relationship')"))
    engine.dispose()
    st.cache_data.clear()  # as after the 5-minute expiry of the cached reads
    at.run()
    assert any("outside 0-10" in w.value for w in at.warning)
    assert next(c.value for c in at.caption if "· n = " in c.value) == n_before  # not counted
    assert 12 in _frame_with(at, "external_id")["score"].tolist()


def _check_empty_selection(at):
    at.session_state["filter_period_preset"] = "Custom"
    at.session_state["filter_period_range"] = (dt.date(2020, 1, 1), dt.date(2020, 3, 31))
    at.run()
    assert not at.exception
    assert any("No NPS answers" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def _check_segment_filter(at, f):
    cur, _ = _periods(f)
    smb = f["customer"].loc[f["customer"]["segment"] == "SMB", "id"]
    r = _in(f["nps_response"], "responded_on", cur)
    scores = r.loc[r["customer_id"].isin(smb), "score"]
    at.session_state["filter_segments"] = ["SMB"]
    at.run()
    assert not at.exception
    assert f"n = {len(scores):,}" in _captions(at)
    raw = ((scores >= 9).sum() - (scores <= 6).sum()) / len(scores) * 100
    assert _metric(at, "NPS").value == f"{raw:+.0f}"


def test_follow_up_queue_is_capped_and_the_picker_finds_answers_by_customer(nps_page):
    # With closed follow-ups shown, the queue holds every detractor answer of the period (oldest
    # first): the table shows the first 100, says how many there are and offers them all as CSV.
    at, f, _ = nps_page
    cur, _ = _periods(f)
    r = _in(f["nps_response"], "responded_on", cur)
    detractors = r[(r["score"] >= 0) & (r["score"] <= 6)].sort_values(["responded_on", "id"])
    # The editor opens on the first waiting answer (not started, open, in progress) with its stored
    # owner, status and note; a missing note is an empty box, not "nan", though other answers of
    # the queue have notes.
    waiting = detractors[detractors["follow_up_status"].isna() | detractors["follow_up_status"].isin(["open", "in_progress"])]
    first = waiting.iloc[0]
    assert detractors["follow_up_note"].notna().any() and at.selectbox(key="nps_fu_pick").value == first["id"]
    stored = {k: v if isinstance(v, str) else None for k, v in first.items()}  # a missing value read as NaN or None
    assert at.text_area(key=f"nps_fu_note_{first['id']}").value == (stored["follow_up_note"] or "")
    assert at.selectbox(key=f"nps_fu_status_{first['id']}").value == (stored["follow_up_status"] or "open")
    at.toggle(key="nps_show_closed").set_value(True).run()
    assert not at.exception
    queue = _frame_with(at, "follow_up_status")
    assert len(detractors) > 100 and queue["id"].tolist() == detractors["id"].iloc[:100].tolist()
    assert (f"Showing the first 100 of {len(detractors):,} detractor answers; download them all to see the rest."
            in _captions(at))
    # The picker lists at most 50 answers; typing a customer's name lists that customer's answers.
    assert len(at.selectbox(key="nps_fu_pick").options) == 50
    names = f["customer"].set_index("id")["name"]
    name = names[detractors["customer_id"].dropna().astype(int).iloc[-1]]
    at.text_input(key="nps_fu_find").input(name).run()
    theirs = detractors[detractors["customer_id"].map(names).fillna("").str.lower().str.contains(name.lower(),
                                                                                                 regex=False)]
    options = at.selectbox(key="nps_fu_pick").options
    assert [int(o.split(" · ")[0][1:]) for o in options] == theirs["id"].iloc[:50].tolist()


def _theme_counts(f) -> list[int]:
    """Billing comments of the period per group, counted here with the theme's words as a regular expression."""
    cur, _ = _periods(f)
    r = _in(f["nps_response"], "responded_on", cur)
    r = r[r["comment"].notna() & (r["comment"].fillna("").str.strip() != "") & r["score"].between(0, 10)]
    billing = re.compile(r"\b(?:invoice\w*|billing|billed|charged|payment\w*|fattur\w*|addebit\w*|pagament\w*)\b", re.I)
    about = r["comment"].str.contains(billing)
    return [int((about & r["score"].between(lo, hi)).sum()) for lo, hi in ((0, 6), (7, 8), (9, 10))]


def test_words_and_themes_show_at_once_for_a_small_company_and_on_request_for_a_large_one(nps_page, monkeypatch):
    # The test company has fewer comments than ANALYSE_AT_ONCE: words per language and themes are drawn as the page
    # opens, the keyword table counting the billing comments of each group as the raw rows do.
    from ui import nps_sections

    at, f, _ = nps_page
    drawn = len(at.get("plotly_chart"))
    assert drawn == 6  # trend, breakdown, scores, words of the English and of the Italian comments, themes
    themes = _frame_with(at, "keywords").set_index("label")
    assert themes.loc["Billing and invoices", ["detractors", "passives", "promoters"]].tolist() == _theme_counts(f)
    assert "nps_analyse" not in [t.key for t in at.toggle]
    # A larger company (here: the limit lowered below the period's comments) gets a switch that says what it offers;
    # the list of comments is there either way.
    monkeypatch.setattr(nps_sections, "ANALYSE_AT_ONCE", 10)
    at.run()
    assert not at.exception
    switch = at.toggle(key="nps_analyse")
    assert switch.label.startswith("Compare the words and themes of all ") and not switch.value
    assert any("turn on the comparison" in c.value for c in at.caption)
    assert not any("keywords" in d.value.columns for d in at.dataframe) and len(at.get("plotly_chart")) == drawn - 3
    assert len(_frame_with(at, "comment")) == 50
    switch.set_value(True).run()
    assert not at.exception and len(at.get("plotly_chart")) == drawn
    themes = _frame_with(at, "keywords").set_index("label")
    assert themes.loc["Billing and invoices", ["detractors", "passives", "promoters"]].tolist() == _theme_counts(f)


# --- roles: who sees the follow-up editor, and which answers it lists ----------------------------

WHO_UPDATES = "Only the follow-up's owner (a member), editors and admins update follow-ups."


def _waiting_in_period(f) -> pd.DataFrame:
    """The waiting detractor answers of the default period, oldest first, with their CSM and the
    person who answers for them (the owner, else the CSM)."""
    cur, _ = _periods(f)
    r = _in(f["nps_response"], "responded_on", cur)
    r = r[(r["score"] >= 0) & (r["score"] <= 6)
          & (r["follow_up_status"].isna() | r["follow_up_status"].isin(["open", "in_progress"]))]
    csm = r["customer_id"].map(f["customer"].set_index("id")["owner"])
    owner = r["follow_up_owner"].where(r["follow_up_owner"].fillna("").str.strip() != "", csm)
    return r.assign(csm=csm, answerer=owner).sort_values(["responded_on", "id"])


def test_a_viewer_sees_the_queue_but_no_editor(app_as):
    at = app_as("viewer", PAGE)
    assert not at.exception, [e.value for e in at.exception]
    assert _frame_with(at, "follow_up_status").shape[0] > 0  # the queue is shown
    assert "nps_fu_pick" not in {s.key for s in at.selectbox}
    assert WHO_UPDATES in [c.value for c in at.caption]


def test_a_member_lists_only_the_follow_ups_they_own(app_as):
    f = _tables(app_as.url)
    waiting = _waiting_in_period(f)
    # The person who answers for the most waiting detractors of the period (read from the database).
    name = waiting["answerer"].value_counts().index[0]
    theirs = waiting[waiting["answerer"].str.strip().str.casefold() == name.strip().casefold()]
    at = app_as("member", PAGE, email="csm@example.com", name=name)
    assert not at.exception, [e.value for e in at.exception]
    options = at.selectbox(key="nps_fu_pick").options
    assert [int(o.split(" · ")[0][1:]) for o in options] == theirs["id"].iloc[:50].tolist()
    assert len(theirs) < len(waiting)  # others' follow-ups are left out

    # Saving one of them leaves a 'done' row in the audit trail.
    first = int(theirs["id"].iloc[0])
    at.selectbox(key=f"nps_fu_status_{first}").set_value("in_progress")
    next(b for b in at.button if b.label == "Save follow-up").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    engine = create_engine(app_as.url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT actor, action, outcome, records FROM audit_event ORDER BY id DESC")).first()
    engine.dispose()
    customer = f["customer"].set_index("id")["name"].get(theirs["customer_id"].iloc[0], "anonymous")
    assert tuple(row) == ("csm@example.com", "nps.follow_up", "done", f"NPS answer #{first} ({customer})")


def test_an_editor_lists_every_waiting_follow_up(app_as):
    f = _tables(app_as.url)
    at = app_as("editor", PAGE)
    assert not at.exception, [e.value for e in at.exception]
    options = at.selectbox(key="nps_fu_pick").options
    assert [int(o.split(" · ")[0][1:]) for o in options] == _waiting_in_period(f)["id"].iloc[:50].tolist()
