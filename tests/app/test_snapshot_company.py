"""A company's own exports in, the truth out: the three snapshot-shaped files of tests/data/snapshot
(a customer snapshot with tenure and a Yes/No churn flag, a churn workbook with free-text reasons, an
NPS survey export without customer ids), imported into an empty database in US dollars through
saved mappings (one of them from the command line), with no preparation script. Every figure the
pages show is checked against the hand counts of tests/data/snapshot/README.md."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from cs_metrics.access import LOCAL
from cs_metrics.services import data, vocabulary
from cs_metrics.storage import db
from tests.app.conftest import APP
from tests.app.test_churn_page import _values
from tests.conftest import ROOT

FILES = ROOT / "tests" / "data" / "snapshot"
EXPORT = "2026-10-31"

CUSTOMERS = {"fields": {
    "customer_id": {"column": "customerID"},
    "name": {"column": "customerID"},
    "segment": {"constant": "Consumer"},
    "region": {"constant": "United States"},
    "plan": {"column": "Contract"},
    "contract_term_months": {"column": "Contract", "values": {"Month-to-month": "1", "One year": "12",
                                                              "Two year": "24"}},
    "signed_on": {"derive": "months_before", "column": "tenure", "date": EXPORT},
    "arr": {"derive": "times", "column": "MonthlyCharges", "factor": 12},
    "status": {"column": "Churn", "values": {"Yes": "churned", "No": "active"}},
    "churned_on": {"constant": EXPORT, "when": {"column": "Churn", "in": ["Yes"]}},
}}
CHURN = {"fields": {
    "customer_id": {"column": "Customer ID"},
    "churned_on": {"constant": EXPORT},
    "primary_reason": {"column": "Churn Reason", "values": {
        "Competitor made better offer": "competitor", "Moved": "moved", "Deceased": "deceased",
        "Don't know": "unknown"}},
    "category": {"column": "Churn Category"},
}}
SURVEY = {"fields": {
    "customer_id": None,
    "responded_on": {"column": "Survey Date"},
    "score": {"column": "Score"},
    "comment": {"column": "Comment"},
    "touchpoint": {"column": "Survey Type"},
}, "skip_blank_required": True}


@pytest.fixture(scope="module")
def company_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('snapshot') / 'company.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    vocabulary.set_currency(engine, "USD", actor=LOCAL)
    # The company's own churn reasons, with whether it could have acted on them.
    for key, category in (("Price too high", "price"), ("Network reliability", "service")):
        vocabulary.add_term(engine, "churn_reason", key, category=category, controllable=True, actor=LOCAL)
    data.save_mapping(engine, "customers", "Telco snapshot", CUSTOMERS, actor=LOCAL)
    data.save_mapping(engine, "churn_events", "Telco churn status", CHURN, actor=LOCAL)
    data.save_mapping(engine, "nps_responses", "Survey tool", SURVEY, actor=LOCAL)
    engine.dispose()
    # The customers file from the command line, through its saved mapping; new segment and region added.
    done = subprocess.run(
        [sys.executable, "-m", "cs_metrics.storage.ingest", "customers", str(FILES / "customers.csv"),
         "--mapping", "Telco snapshot", "--add-new-values", "--database-url", url],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    engine = db.make_engine(url)
    saved = {entity: data.saved_mappings(engine, entity) for entity in ("churn_events", "nps_responses")}
    churn = data.commit(engine, "churn_events", (FILES / "churn_status.xlsx").read_bytes(),
                        filename="churn_status.xlsx", mapping=saved["churn_events"]["Telco churn status"],
                        actor=LOCAL)
    survey = data.commit(engine, "nps_responses", (FILES / "nps_survey.csv").read_bytes(), filename="nps_survey.csv",
                         mapping=saved["nps_responses"]["Survey tool"], add_new_values=True, actor=LOCAL)
    assert churn.committed and survey.committed, (churn.summary(), survey.summary())
    # 17 churned customers; 17 answers with a score, the one without skipped (not a problem).
    assert (churn.inserted, survey.inserted, survey.skipped) == (17, 17, 1)
    engine.dispose()
    return url


def _page(url: str, page: str, monkeypatch) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _texts(at: AppTest) -> str:
    return " | ".join([c.value for c in at.caption] + [w.value for w in at.warning] + [i.value for i in at.info])


def test_overview_counts_the_snapshot_by_hand(company_url, monkeypatch):
    at = _page(company_url, "pages/overview.py", monkeypatch)
    shown, texts = _metrics(at), _texts(at)
    # The data ends on 31 Oct 2026 (the export day): the last 12 months run from 1 Nov 2025.
    assert "01 Nov 2025 – 31 Oct 2026" in texts
    # Logo churn: active at the start D + E = 15, lost D = 5: 33.3%; A + B + G = 12 joined and left.
    assert shown["Logo churn"] == "33.3%"
    assert "5 of the 15 customers active at the start lost; 12 more joined and left within the period" in texts
    # Active on 31 Oct 2026: C + E + F = 19; ARR from the customers file: 12 x 1,530 = $18,360.
    assert shown["Active customers"] == "19"
    assert shown["ARR (customers file)"] == "$18k"
    # NPS of the 17 scored answers: 7 promoters, 3 passives, 7 detractors: 0.
    assert shown["NPS"] == "0"
    # Every churn date is the export day: the snapshot is recognised and said.
    assert "All 17 churn dates fall on 31 Oct 2026" in texts
    # No health signals, milestones, assessments or meetings: left out, not shown as numbers.
    assert not any(label.startswith(("Customers in good health", "Median time to first value", "Maturity"))
                   for label in shown)


def test_churn_page_counts_early_churn_reasons_and_the_missing_revenue(company_url, monkeypatch):
    at = _page(company_url, "pages/churn.py", monkeypatch)
    shown, texts = _metrics(at), _texts(at)
    assert shown["Logo churn"] == "33.3%"
    # Early churn: A (31 days) and B (61 days) of the judged A, B, F, G: 10 of 16 = 62.5%.
    assert shown["Early churn rate"] == "62.5%"
    assert "10 of 16 customers" in texts
    # Reasons of the 17 lost, most frequent first, from the Pareto chart's bars.
    bars = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert dict(zip(_values(bars["x"]), _values(bars["y"]))) == {
        "Moved to a competitor": 5, "Price too high": 4, "Customer moved away": 3, "Network reliability": 3,
        "Customer deceased": 1, "Reason not known": 1}
    # 12 of 17 lost for reasons the company could act on (competitor, price, network reliability).
    assert "12 of 17 lost (70.6%) left for reasons the company could act on." in texts
    # No monthly revenue imported: revenue retention is not shown as a number.
    assert shown.get("Gross revenue retention", "–") == "–"


def test_nps_page_breaks_the_survey_down_by_survey_type(company_url, monkeypatch):
    at = _page(company_url, "pages/nps.py", monkeypatch)
    assert _metrics(at)["NPS"] == "0"
    at.segmented_control(key="nps_by").set_value("touchpoint").run()
    table = next(d.value for d in at.dataframe if "vs_rest" in d.value.columns).set_index("touchpoint")
    # Order (a survey type added to the touchpoints by the import): 6 promoters, 2 detractors of 10: +40.
    # Support (matched to the existing touchpoint "support", ignoring capitals): 1 promoter, 5 detractors
    # of 7: (1 - 5) / 7 = -57.1.
    assert table.loc["Order", "n"] == 10 and table.loc["Order", "nps"] == pytest.approx(40.0)
    assert table.loc["support", "n"] == 7 and table.loc["support", "nps"] == pytest.approx(-400 / 7)
    # Two answers of 3 Feb 2026, both a 10, at 09:12 and 17:40: both kept.
    assert table["n"].sum() == 17


def test_the_survey_answers_keep_their_time(company_url):
    engine = db.make_engine(company_url)
    with engine.connect() as conn:
        times = conn.exec_driver_sql(
            "SELECT responded_at FROM nps_response WHERE responded_on = '2026-02-03' ORDER BY responded_at").scalars().all()
    engine.dispose()
    assert [str(t)[11:16] for t in times] == ["09:12", "17:40"]
    assert dt.date.fromisoformat(EXPORT).year == 2026


def test_board_pack_of_the_snapshot_leaves_out_what_is_missing_and_speaks_dollars(company_url):
    from cs_metrics.period import Period
    from cs_metrics.report import left_out_text, render_html
    from cs_metrics.services.boardpack import build_pack

    engine = db.make_engine(company_url)
    pack = build_pack(engine, period=Period(dt.date(2025, 11, 1), dt.date(2026, 10, 31)), figures=False)
    engine.dispose()
    # Sections with data: NPS, churn & retention and renewals ahead (contract ends come from the customers
    # file's signing days and terms); health, onboarding, maturity and meetings have none.
    assert pack.sections == ("nps", "retention", "renewals")
    left = left_out_text(pack)
    for name in ("Health", "Onboarding", "Maturity", "Meetings"):
        assert name in left
    html = render_html(pack).decode("utf-8")
    assert "$18k" in html and "€" not in html  # ARR from the customers file, in the company's dollars
