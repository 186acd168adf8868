"""Pages that know what is missing: the demo company with one entity's rows deleted.

For each entity the page that reads it names the missing file (its label on the Data page), links
to the Data page and offers the empty template, and shows no figure of that entity as a number;
the Overview leaves its tiles out and says why in one caption. Then: NPS answers that all lie in
2017-18 (the page says where, and its button shows them), follow-ups never tracked, and comments
in one language only.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from dataclasses import dataclass

import pytest

#: Rows that go with the customers (foreign keys); NPS answers and survey sends become anonymous.
WITHOUT_CUSTOMERS = (
    "UPDATE nps_response SET customer_id = NULL", "UPDATE nps_survey_send SET customer_id = NULL",
    "DELETE FROM revenue_month", "DELETE FROM milestone", "DELETE FROM health_signal", "DELETE FROM churn_event",
    "DELETE FROM customer",
)


@dataclass(frozen=True)
class Case:
    """An entity deleted (``delete``), the page that reads it and what that page must say
    (``message``, naming the ``file``); metric labels (``metrics``, None: every metric) and caption
    patterns (``captions``) that would show the entity's figures as numbers; the Overview's tiles of
    the entity (``overview_metrics``) and its "left out" text (``left_out``; None: not on the Overview)."""

    delete: tuple[str, ...]
    page: str
    message: str
    file: str
    metrics: tuple[str, ...] | None
    captions: str
    overview_metrics: tuple[str, ...]
    left_out: str | None


CASES = {
    "customers": Case(
        WITHOUT_CUSTOMERS, "pages/churn.py", "Logo churn: no customers imported", "Customers", None, r"\d%|n = ",
        ("Active customers", "ARR", "ARR (customers file)", "Logo churn", "Median time to first value"),
        "Active customers and ARR: no customers imported"),
    "revenue": Case(
        ("DELETE FROM revenue_month",), "pages/churn.py", "Gross and net revenue retention: no monthly revenue imported",
        "Monthly revenue", ("Gross revenue retention", "Net revenue retention"),
        r"paying customers|gained from expansion|Share retained",
        ("Gross revenue retention", "Net revenue retention"),
        "Gross and net revenue retention: no monthly revenue imported"),
    "nps_responses": Case(
        ("DELETE FROM nps_response",), "pages/nps.py", "NPS: no NPS answers imported", "NPS responses", None,
        r"\d%|n = |\d promoters", ("NPS",), "NPS: no NPS answers imported"),
    "milestones": Case(
        ("DELETE FROM milestone",), "pages/onboarding.py",
        "Time to first value: no first-value milestones imported", "Milestones", None, r"\d%|n = |past target",
        ("Median time to first value", "First value within 30 days"),
        "Time to first value: no first-value milestones imported"),
    "health_signals": Case(
        ("DELETE FROM health_signal",), "pages/health.py", "Health: no health signals imported", "Health signals",
        None, r"customers red or falling|customers who churned|churned of", ("Customers in good health", "ARR in good health",
                                               "Customers at risk (red)"),
        "Health: no health signals imported"),
    "churn_events": Case(
        ("DELETE FROM churn_event",), "pages/churn.py", "Churn reasons: no churn events imported", "Churn events",
        ("Follow-ups complete",), r"with a reason|could act on|churned while green", (), None),
    "assessments": Case(
        ("DELETE FROM assessment_answer", "DELETE FROM assessment"), "pages/maturity.py",
        "Maturity: no maturity assessments imported", "Maturity assessments", None, r"\d respondents",
        ("Maturity: Culture", "Maturity: Organization", "Maturity: Customer Involvement", "Maturity: Technology"),
        "Maturity: no maturity assessments imported"),
    "meetings": Case(
        ("DELETE FROM decision", "DELETE FROM agenda_item", "DELETE FROM meeting"), "pages/meetings.py",
        "Customer share of meeting time: no meetings imported", "Meetings", None, r"\d%|n = ",
        ("Customer share of meeting time",),
        "Customer share of meeting time: no meetings imported"),
}


def _run_sql(url: str, statements) -> None:
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    with con:
        for statement in statements:
            con.execute(statement)
    con.close()


def _texts(elements) -> list[str]:
    return [e.value for e in elements]


def _labels(at, kind: str) -> list[str]:
    return [e.proto.label for e in at.get(kind)]


@pytest.mark.parametrize("entity", list(CASES))
def test_a_page_without_its_data_names_the_missing_file(entity, app_on_demo, demo_db_url):
    case = CASES[entity]
    _run_sql(demo_db_url, case.delete)
    at = app_on_demo(case.page)
    assert not at.exception, _texts(at.exception)
    message = next(i for i in _texts(at.info) if case.message in i)
    assert f"It needs the {case.file} file: import it on the Data page" in message
    assert f"Import the {case.file} file on the Data page →" in _labels(at, "page_link")
    assert f"Empty {case.file} template (CSV)" in _labels(at, "download_button")
    # No figure of the entity as a number: no metric (or none of the entity's), no caption with one.
    shown = [m.label for m in at.metric]
    if case.metrics is None:
        assert shown == [], shown
    else:
        assert not set(shown) & set(case.metrics), shown
    assert not [c for c in _texts(at.caption) if re.search(case.captions, c)]
    assert not [i for i in _texts(at.info) if "widen the period" in i.lower()]

    at.switch_page("pages/overview.py").run()
    assert not at.exception, _texts(at.exception)
    shown = [m.label for m in at.metric]
    assert shown and not set(shown) & set(case.overview_metrics), shown
    left = [c for c in _texts(at.caption) if c.startswith("Left out for lack of data:")]
    if case.left_out is None:
        assert left == []
    else:
        assert len(left) == 1 and case.left_out in left[0]
        # Nor do the verdicts or "what changed" name a figure left out.
        summary = " ".join(_texts(at.text))
        assert not any(label in summary for label in case.overview_metrics if label != "ARR")


def test_onboarding_without_milestones_lists_no_stalled_customers_and_no_data_checks(app_on_demo, demo_db_url):
    _run_sql(demo_db_url, CASES["milestones"].delete)
    at = app_on_demo("pages/onboarding.py")
    assert not at.exception
    assert "Stalled onboardings" not in _texts(at.subheader)
    assert not [e for e in at.expander if e.label.startswith("Data checks")]
    assert not at.dataframe


def test_health_without_signals_never_says_widen_the_period(app_on_demo, demo_db_url):
    _run_sql(demo_db_url, CASES["health_signals"].delete)
    at = app_on_demo("pages/health.py")
    assert not at.exception
    # Every data tab says why (the first one with the link and the template), none asks to widen the period.
    assert sum("no health signals imported" in i for i in _texts(at.info)) == 5
    assert not [i for i in _texts(at.info) if "widen" in i.lower()]


# --- data elsewhere ---------------------------------------------------------------------------------

#: 40 anonymous answers from 3 Mar 2017 to 28 Jun 2018: 20 promoters (10), 10 passives (8), 10 detractors (3).
OLD_ANSWERS = [(dt.date(2017, 3, 3) + dt.timedelta(days=12 * i), score)
               for i, score in enumerate([10] * 20 + [8] * 10 + [3] * 9)] + [(dt.date(2018, 6, 28), 3)]


def test_nps_answers_of_another_period_are_offered(app_on_demo, demo_db_url):
    assert OLD_ANSWERS[-2][0] < dt.date(2018, 6, 28)  # 3 Mar 2017 + 38 x 12 days = 2 Jun 2018
    _run_sql(demo_db_url, ["DELETE FROM nps_response"] + [
        f"INSERT INTO nps_response (responded_on, score, touchpoint) VALUES ('{day}', {score}, 'relationship')"
        for day, score in OLD_ANSWERS])
    at = app_on_demo("pages/nps.py")
    assert not at.exception
    assert any("NPS answers exist from 3 Mar 2017 to 28 Jun 2018" in i for i in _texts(at.info))
    assert not at.metric
    button = next(b for b in at.button if b.label == "Show 3 Mar 2017 – 28 Jun 2018")
    button.click().run()
    assert not at.exception, _texts(at.exception)
    assert at.session_state["filter_period_preset"] == "Custom"
    assert tuple(at.session_state["filter_period_range"]) == (dt.date(2017, 3, 3), dt.date(2018, 6, 28))
    # NPS = % promoters - % detractors = (20 - 10) / 40 x 100 = +25, from 40 answers.
    nps = next(m for m in at.metric if m.label == "NPS")
    assert nps.value == "+25"
    assert any("n = 40" in c for c in _texts(at.caption))
    assert "03 Mar 2017 – 28 Jun 2018" in at.caption[0].value


# --- follow-ups not tracked, one language ------------------------------------------------------------


def test_nps_follow_up_figures_only_where_follow_ups_are_tracked(app_on_demo, demo_db_url):
    _run_sql(demo_db_url, ["UPDATE nps_response SET follow_up_status = NULL, follow_up_owner = NULL, "
                           "follow_up_due = NULL, follow_up_done_on = NULL, follow_up_note = NULL"])
    at = app_on_demo("pages/nps.py")
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert "NPS" in labels and not {"Followed up", "Median days", "Waiting", "Overdue"} & set(labels)
    assert any(c.startswith("Follow-ups are not tracked") for c in _texts(at.caption))
    assert any(e.label.startswith("Record a first follow-up") for e in at.expander)
    # Nor does the Overview's "what changed" count detractors waiting for a follow-up.
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    assert not [t for t in _texts(at.text) if "waiting for a follow-up" in t]


def test_churn_follow_up_section_only_where_follow_ups_are_tracked(app_on_demo, demo_db_url):
    _run_sql(demo_db_url, ["UPDATE churn_event SET follow_up_call_on = NULL, reason_confirmed = 0"])
    at = app_on_demo("pages/churn.py")
    assert not at.exception
    assert "Follow-ups complete" not in [m.label for m in at.metric]
    assert any(c.startswith("Post-churn follow-ups are not tracked") for c in _texts(at.caption))


def test_language_panels_only_for_languages_in_the_comments(app_on_demo, demo_db_url):
    _run_sql(demo_db_url, ["UPDATE nps_response SET language = 'en'"])
    at = app_on_demo("pages/nps.py")
    assert not at.exception
    titles = [json.loads(c.proto.spec)["layout"].get("title", {}).get("text", "") for c in at.get("plotly_chart")]
    assert "English comments" in titles and "Italian comments" not in titles
    assert not [c for c in _texts(at.caption) if c.startswith("Italian")]
