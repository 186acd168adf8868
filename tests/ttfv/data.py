"""Data shared by the TTFV tests: a tiny case small enough to check by hand, three public survival
datasets with published results, and a small company of customers and milestones.

The peer-library numbers quoted in the tests come from ``tests/reference/make_ttfv_references.py``
(lifelines 0.30.3) run on these same data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import statsmodels
from statsmodels.datasets import heart as heart_dataset

TINY = pd.DataFrame({"days": [2, 3, 3, 3, 5, 6, 6, 8, 9, 12], "reached": [1, 1, 1, 0, 1, 0, 1, 1, 0, 0]})

# Freireich et al. (1963): weeks in remission, 6-MP against placebo (0 = censored). The same 42
# rows as lifelines' load_leukemia (the reference script checks this) and R's MASS::gehan.
_6MP = [(6, 1), (6, 1), (6, 1), (6, 0), (7, 1), (9, 0), (10, 1), (10, 0), (11, 0), (13, 1), (16, 1),
        (17, 0), (19, 0), (20, 0), (22, 1), (23, 1), (25, 0), (32, 0), (32, 0), (34, 0), (35, 0)]
_PLACEBO = [(t, 1) for t in (1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23)]
FREIREICH = pd.DataFrame(
    [("6-MP", t, s) for t, s in _6MP] + [("placebo", t, s) for t, s in _PLACEBO], columns=["group", "days", "reached"]
)

#: Reference date of the small company below.
AS_OF = dt.date(2026, 6, 30)


def bmt() -> pd.DataFrame:
    """Klein & Moeschberger's bone-marrow transplant data, as shipped with statsmodels' tests."""
    path = Path(statsmodels.__file__).parent / "duration" / "tests" / "results" / "bmt.csv"
    return pd.read_csv(path).rename(columns={"Group": "group", "T": "days", "Status": "reached"})


def heart() -> pd.DataFrame:
    """Miller's (1976) heart transplant survival data, ``statsmodels.datasets.heart``."""
    d = heart_dataset.load_pandas().data
    return pd.DataFrame({"days": d["survival"], "reached": d["censors"].astype(int)})


def row(summary: pd.DataFrame, group) -> pd.Series:
    """One group's row of a ``ttfv_summary``."""
    return summary.set_index("group").loc[group]


def customers() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": [1, 2, 3, 4, 5, 6, 7, 8, 9],
        "name": ["A", "B", "C", "D", "E", "F", "G", "H", "I"],
        "segment": ["SMB", "SMB", "Enterprise", "SMB", "SMB", "SMB", "SMB", "SMB", "SMB"],
        "signed_on": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-03-01", "2026-06-01", "2026-07-15",
                                     "2026-02-01", "2026-02-01", "2026-02-01", None]),
        "churned_on": pd.to_datetime([None, "2026-02-15", None, None, None, None, "2026-03-01", "2026-01-01", None]),
    })


def milestones() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": [1, 1, 1, 3, 5, 6, 7],
        "kind": ["kickoff", "first_value", "first_value", "first_value", "first_value", "first_value", "first_value"],
        "reached_on": pd.to_datetime(["2026-01-05", "2026-01-21", "2026-01-31", "2026-08-01", "2026-07-20",
                                      "2026-01-20", "2026-04-01"]),
    })
