"""A file's columns at a glance, for choosing a mapping: a few sample values of each column, and
the distinct values of one column with their number of rows (to map them onto a field's values)."""

from __future__ import annotations

import pandas as pd

from cs_metrics.storage.ingest.report import shorten


def column_profile(frame: pd.DataFrame, *, samples: int = 3) -> pd.DataFrame:
    """One row per column of a file read as text (``RawTable.frame``): ``column``, ``samples``
    (the first ``samples`` distinct non-blank values, comma-separated), ``distinct`` (distinct
    non-blank values) and ``blank`` (blank cells).

    Example
    -------
    >>> frame = pd.DataFrame({"Churn": ["No", "Yes", "No", ""], "tenure": ["1", "34", "2", "45"]})
    >>> column_profile(frame).to_dict("records")[0]
    {'column': 'Churn', 'samples': 'No, Yes', 'distinct': 2, 'blank': 1}
    """
    records = []
    for column in frame.columns:
        cells = frame[column]
        present = cells[cells != ""]
        uniques = pd.unique(present.to_numpy())
        records.append({"column": column, "samples": ", ".join(shorten(u, 30) for u in uniques[:samples]),
                        "distinct": len(uniques), "blank": int(len(cells) - len(present))})
    return pd.DataFrame(records, columns=["column", "samples", "distinct", "blank"])


def distinct_values(frame: pd.DataFrame, column: str, *, limit: int = 30) -> pd.DataFrame:
    """The ``limit`` most frequent values of ``column`` (``""`` for blank cells): ``value``, ``rows``;
    ties in the order the file first shows them.

    Example
    -------
    >>> frame = pd.DataFrame({"Contract": ["Two year", "Month-to-month", "Month-to-month", ""]})
    >>> distinct_values(frame, "Contract").to_dict("records")
    [{'value': 'Month-to-month', 'rows': 2}, {'value': 'Two year', 'rows': 1}, {'value': '', 'rows': 1}]
    """
    if column not in frame.columns:
        return pd.DataFrame({"value": pd.Series(dtype=object), "rows": pd.Series(dtype=int)})
    counts = frame[column].value_counts(sort=False)
    order = {v: i for i, v in enumerate(pd.unique(frame[column].to_numpy()))}
    ranked = sorted(counts.items(), key=lambda item: (-item[1], order[item[0]]))[:limit]
    return pd.DataFrame([{"value": v, "rows": int(n)} for v, n in ranked], columns=["value", "rows"])
