"""A file's columns at a glance: samples, distinct and blank counts, and a column's values by rows."""

from __future__ import annotations

import pandas as pd

from cs_metrics.storage import ingest

FRAME = pd.DataFrame({"Contract": ["Month-to-month", "One year", "Month-to-month", "", "Two year", "One year",
                                   "Month-to-month"],
                      "Churn": ["No", "No", "Yes", "No", "Yes", "No", "No"]})


def test_column_profile_counts_by_hand():
    # Contract: 3 distinct non-blank values in file order, 1 blank; Churn: No, Yes, no blank.
    assert ingest.column_profile(FRAME, samples=2).to_dict("records") == [
        {"column": "Contract", "samples": "Month-to-month, One year", "distinct": 3, "blank": 1},
        {"column": "Churn", "samples": "No, Yes", "distinct": 2, "blank": 0}]


def test_distinct_values_most_frequent_first():
    # Month-to-month 3 rows, One year 2, then the ties (1 row each) in the order the file shows them.
    assert ingest.distinct_values(FRAME, "Contract").to_dict("records") == [
        {"value": "Month-to-month", "rows": 3}, {"value": "One year", "rows": 2}, {"value": "", "rows": 1},
        {"value": "Two year", "rows": 1}]
    assert ingest.distinct_values(FRAME, "Contract", limit=1)["value"].tolist() == ["Month-to-month"]
    assert ingest.distinct_values(FRAME, "Nope").empty
