"""Renewals ahead from the database (a small demo company on a temporary SQLite file): the list, its
bands, NPS columns and ARR are checked against the raw tables read here with plain SQL and pandas
(contract anniversaries with ``pd.DateOffset``, not ``cs_metrics``)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cs_metrics import renewals
from cs_metrics.selection import CustomerFilter
from cs_metrics.services import renewals as service
from cs_metrics.storage import db, demo

AS_OF = dt.date(2026, 10, 31)
#: Customer columns as the app reads them: the churn date is the customer's own or its churn event's.
CUSTOMERS_SQL = """
SELECT c.id AS customer_id, c.owner, c.signed_on, c.contract_term_months, c.arr,
       COALESCE(c.churned_on, (SELECT MIN(e.churned_on) FROM churn_event e WHERE e.customer_id = c.id)) AS churned_on
FROM customer c WHERE c.contract_term_months >= 12
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    path = tmp_path_factory.mktemp("renewals") / "small.db"
    eng = db.make_engine(f"sqlite:///{path}")
    db.upgrade(eng)
    demo.load_demo(eng, customers=300, seed=99, as_of=AS_OF)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def ahead(engine) -> pd.DataFrame:
    return service.renewals_ahead(engine, as_of=AS_OF)


@pytest.fixture(scope="module")
def raw(engine, ahead) -> dict[str, pd.DataFrame]:
    """The raw tables, read after ``ahead`` has brought the stored scores up to date."""
    customers = pd.read_sql(CUSTOMERS_SQL, engine, parse_dates=["signed_on", "churned_on"])
    customers = customers[~(customers["churned_on"] < customers["signed_on"])]  # unusable dates are left out
    return {
        "customers": customers,
        "scores": pd.read_sql("SELECT s.customer_id, s.month, s.band FROM health_score s JOIN health_model h "
                              "ON h.version = s.version AND h.is_active WHERE s.band IS NOT NULL", engine,
                              parse_dates=["month"]),
        "nps": pd.read_sql("SELECT id, customer_id, responded_on, score, follow_up_status FROM nps_response "
                           "WHERE customer_id IS NOT NULL", engine, parse_dates=["responded_on"]),
    }


def _anniversaries(customers: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Every contract end signed_on + k x term months (day clipped to the month) in [start, end)."""
    rows = []
    for c in customers.itertuples():
        for k in range(1, 40):
            day = c.signed_on + pd.DateOffset(months=k * int(c.contract_term_months))
            if day >= end:
                break
            if day >= start and (pd.isna(c.churned_on) or c.churned_on >= day):
                rows.append((c.customer_id, day, pd.isna(c.churned_on) or c.churned_on > day, float(c.arr)))
    return pd.DataFrame(rows, columns=["customer_id", "renewal_date", "renewed", "arr"])


def test_the_list_is_every_contract_end_of_the_next_180_days(engine, ahead, raw):
    start = pd.Timestamp(AS_OF) + pd.Timedelta(days=1)
    expected = _anniversaries(raw["customers"], start, start + pd.Timedelta(days=180))
    expected = expected.sort_values(["renewal_date", "customer_id"], ignore_index=True)
    assert len(ahead) == len(expected) > 20  # the small demo company has dozens of renewals coming
    assert ahead["customer_id"].tolist() == expected["customer_id"].tolist()
    assert ahead["renewal_date"].tolist() == expected["renewal_date"].tolist()
    assert ahead["arr"].tolist() == pytest.approx(expected["arr"].tolist())
    # Days left: from 31 Oct 2026 to the end; bucket: the first of 30, 90, 180 holding it.
    days = (expected["renewal_date"] - pd.Timestamp(AS_OF)).dt.days
    assert ahead["days_left"].tolist() == days.tolist()
    assert ahead["horizon"].tolist() == [30 if d <= 30 else 90 if d <= 90 else 180 for d in days]
    assert ahead["customer_id"].is_unique  # terms of 12 months or more: one end per customer in 180 days
    # The same rows as contract_ends of the same customers for the window 1 Nov 2026 to 29 Apr 2027 (included).
    ends = renewals.contract_ends(service.contracts(engine), start=dt.date(2026, 11, 1), end=dt.date(2027, 4, 30))
    assert ends[["customer_id", "renewal_date"]].values.tolist() == ahead[["customer_id", "renewal_date"]].values.tolist()


def test_bands_nps_and_follow_ups_of_the_list_match_the_raw_tables(ahead, raw):
    # Band: the customer's last scored month over by 31 Oct 2026 (October itself counts).
    scores = raw["scores"][raw["scores"]["month"] <= pd.Timestamp("2026-10-01")]
    last = scores.sort_values("month").groupby("customer_id")["band"].last()
    assert ahead["band"].tolist() == [last.get(c) for c in ahead["customer_id"]]
    assert ahead["band"].notna().any()
    # Last NPS: the latest valid answer (0-10) on or before 31 Oct 2026; the higher id on the same day.
    nps = raw["nps"][(raw["nps"]["responded_on"] <= pd.Timestamp(AS_OF)) & raw["nps"]["score"].between(0, 10)]
    latest = nps.sort_values(["responded_on", "id"]).groupby("customer_id").last()
    got = [(c, s, d) for c, s, d in zip(ahead["customer_id"], ahead["last_nps"], ahead["last_nps_on"]) if pd.notna(s)]
    want = [(c, float(latest.loc[c, "score"]), latest.loc[c, "responded_on"]) for c in ahead["customer_id"]
            if c in latest.index]
    assert got == want and len(got) > 0
    # Open follow-ups: detractor answers (0-6) not done / not needed (no status, open, in progress).
    waiting = nps[(nps["score"] <= 6) & (nps["follow_up_status"].isna()
                                         | nps["follow_up_status"].isin(["open", "in_progress"]))]
    counts = waiting.groupby("customer_id").size()
    assert ahead["open_follow_ups"].tolist() == [int(counts.get(c, 0)) for c in ahead["customer_id"]]


def test_band_arr_sums_to_the_total_in_each_horizon(ahead, raw):
    for days in (30, 90, 180):
        due = renewals.due_within(ahead, days=days)
        by_band = renewals.arr_by_band(due)
        # The four rows (red, yellow, green, unscored) hold every contract due and all of its ARR.
        assert by_band["contracts"].sum() == len(due) == int((ahead["days_left"] <= days).sum())
        assert by_band["arr"].sum() == pytest.approx(due["arr"].sum())
        red = due.loc[due["band"] == "red", "arr"].sum()
        assert by_band.set_index("band").loc["red", "arr"] == pytest.approx(red)
    customers = raw["customers"].set_index("customer_id")
    assert ahead["arr"].sum() == pytest.approx(customers.loc[ahead["customer_id"], "arr"].sum())


def test_expected_renewing_uses_the_band_churn_rates_of_past_contract_ends(engine, ahead, raw):
    rates = service.churn_rates(engine, as_of=AS_OF).set_index("band")
    # History: every contract end up to 31 Oct 2026, lost when the customer churned on or before its end.
    past = _anniversaries(raw["customers"], pd.Timestamp("2000-01-01"), pd.Timestamp(AS_OF) + pd.Timedelta(days=1))
    assert rates.loc["all", "n"] == len(past) and rates.loc["all", "not_renewed"] == int((~past["renewed"]).sum())
    assert rates.loc[["red", "yellow", "green"], "n"].sum() <= len(past)
    for days in (30, 90, 180):
        e = service.expected(engine, as_of=AS_OF, days=days)
        due = ahead[ahead["days_left"] <= days]
        # expected = sum ARR x (1 - churn rate of its band, or the overall rate without a band).
        rate = [rates.loc[b, "rate"] if isinstance(b, str) and rates.loc[b, "n"] > 0 else rates.loc["all", "rate"]
                for b in due["band"]]
        assert e.expected == pytest.approx(float((due["arr"] * (1 - pd.Series(rate, index=due.index))).sum()))
        assert (e.contracts, e.history) == (len(due), len(past))
        assert e.arr == pytest.approx(due["arr"].sum())
        assert e.low <= e.expected <= e.high <= e.arr


def test_forecast_check_renewed_arr_of_each_past_quarter(engine, raw):
    check = service.forecast_check(engine, as_of=AS_OF)
    quarters = [pd.Timestamp(q) for q in ("2025-10-01", "2026-01-01", "2026-04-01", "2026-07-01")]
    assert check["quarter"].tolist() == quarters  # the 4 quarters over by 31 Oct 2026 (Q4 2026 is not)
    c = raw["customers"]
    for row, start in zip(check.itertuples(), quarters):
        # Known on the quarter's first day: signed before it, not churned before it; ends in the quarter
        # counted as if nobody left, renewed when the customer did not churn on or before the end.
        known = c[(c["signed_on"] < start) & (c["churned_on"].isna() | (c["churned_on"] >= start))]
        ends = _anniversaries(known.assign(churned_on=pd.NaT), start, start + pd.DateOffset(months=3))
        lost_on = ends["customer_id"].map(known.set_index("customer_id")["churned_on"])
        renewed = lost_on.isna() | (lost_on > ends["renewal_date"])
        assert (row.contracts, row.arr) == (len(ends), pytest.approx(ends["arr"].sum()))
        assert row.renewed_arr == pytest.approx(ends.loc[renewed, "arr"].sum())
        assert row.low <= row.expected <= row.high and row.inside == (row.low <= row.renewed_arr <= row.high)
    assert (check["contracts"] > 0).all()


def test_a_customer_filter_keeps_only_its_customers(engine, ahead, raw):
    owner = ahead["owner"].iloc[0]
    mine = service.renewals_ahead(engine, as_of=AS_OF, flt=CustomerFilter(owners=(owner,)))
    assert set(mine["owner"]) == {owner}
    assert mine["customer_id"].tolist() == ahead.loc[ahead["owner"] == owner, "customer_id"].tolist()
    nobody = service.renewals_ahead(engine, as_of=AS_OF, flt=CustomerFilter(owners=("No Such Owner",)))
    assert nobody.empty and list(nobody.columns) == service.LIST_COLUMNS
    e = service.expected(engine, as_of=AS_OF, days=90, flt=CustomerFilter(owners=("No Such Owner",)))
    assert (e.contracts, e.arr, e.expected, e.history) == (0, 0.0, 0.0, 0)
