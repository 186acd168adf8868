"""Health queries: signals pivoted per customer-month, their coverage, churn dates and history, on SQLite
and PostgreSQL (model versions are tested through `cs_metrics.services.health`)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cs_metrics.storage.queries import CustomerFilter
from cs_metrics.storage.queries import health as hq

JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)




def test_signal_matrix_coverage_churn_and_history(small):
    wide = hq.signal_matrix(small, start=JAN, end=dt.date(2026, 2, 28), signals=("usage", "billing_issue", "advocacy"))
    assert wide[["customer_id", "month"]].astype(str).values.tolist() == [
        ["1", "2026-01-01"], ["2", "2026-01-01"], ["3", "2026-01-01"], ["1", "2026-02-01"]]
    first = wide.iloc[0]
    assert (first["usage"], first["billing_issue"], first["segment"], first["name"]) == (0.45, 1.0, "SMB", "Customer 1")
    assert first["arr"] == 1200.0  # 12 x the January MRR of 100
    assert pd.isna(wide.iloc[3]["arr"]) and pd.isna(first["advocacy"])  # no February revenue; no advocacy data
    # ``end`` is exclusive: [1 Jan, 1 Feb) is January.
    only = hq.signal_matrix(small, start=JAN, end=FEB, signals=("usage",), flt=CustomerFilter(owners=("Bruno",)))
    assert only["customer_id"].tolist() == [2] and only.iloc[0]["arr"] == 6000.0
    # Coverage: customers with a value per segment and signal.
    cov = hq.signal_coverage(small, month=JAN).set_index(["segment", "signal"])["customers"]
    assert cov[("SMB", "usage")] == 2 and cov[("SMB", "billing_issue")] == 1
    assert cov[("Enterprise", "usage")] == 1 and cov[("Enterprise", "billing_issue")] == 0
    empty = hq.signal_coverage(small, month=dt.date(2020, 1, 1))
    assert (empty["customers"] == 0).all() and len(empty) == 4  # 2 segments x 2 signal keys
    churn = hq.churn_dates(small)
    assert churn["customer_id"].tolist() == [3] and churn["churned_on"].iloc[0] == pd.Timestamp("2026-03-10")
    hist = hq.customer_signal_history(small, 1)
    assert hist["signal"].tolist() == ["billing_issue", "usage", "usage"]
    assert hq.segment_names(small) == ["Enterprise", "SMB"]


@pytest.mark.parametrize("any_db_url", ["sqlite"], indirect=True)
def test_signal_matrix_takes_the_month_of_the_windows_last_day_and_not_the_month_of_end(small):
    # Customer 1 has signals in January and February; customers 2 and 3 in January only.
    months = lambda wide: wide[["customer_id", "month"]].astype(str).values.tolist()  # noqa: E731
    # [10 Jan, 10 Feb): the last day, 9 Feb, lies in February, so February's signals belong to the window.
    assert months(hq.signal_matrix(small, start=dt.date(2026, 1, 10), end=dt.date(2026, 2, 10),
                                   signals=("usage",))) == [
        ["1", "2026-01-01"], ["2", "2026-01-01"], ["3", "2026-01-01"], ["1", "2026-02-01"]]
    # [10 Jan, 2 Feb): the last day is 1 Feb, still February.
    assert months(hq.signal_matrix(small, start=dt.date(2026, 1, 10), end=dt.date(2026, 2, 2),
                                   signals=("usage",)))[-1] == ["1", "2026-02-01"]
    # [10 Jan, 1 Feb): the last day is 31 Jan; 1 Feb is ``end`` itself, so February is left out.
    assert months(hq.signal_matrix(small, start=dt.date(2026, 1, 10), end=FEB, signals=("usage",))) == [
        ["1", "2026-01-01"], ["2", "2026-01-01"], ["3", "2026-01-01"]]


def test_signal_coverage_of_given_keys_and_one_customers_matrix(small):
    # Keys given (a model's signals): the grid has exactly those, with 0 where nobody has data.
    cov = hq.signal_coverage(small, month=JAN, keys=("usage", "advocacy")).set_index(["segment", "signal"])
    assert cov["customers"].to_dict() == {("Enterprise", "advocacy"): 0, ("Enterprise", "usage"): 1,
                                          ("SMB", "advocacy"): 0, ("SMB", "usage"): 2}
    # One customer's months: customer 1 has January and February signals.
    one = hq.signal_matrix(small, start=JAN, end=dt.date(2026, 3, 1), signals=("usage",), customer_id=1)
    assert one["customer_id"].tolist() == [1, 1] and one["usage"].tolist() == [0.45, 0.8]
