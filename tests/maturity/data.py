"""Answers frames shared by the maturity tests."""

from __future__ import annotations

import pandas as pd


def answers(stages, *, team="Sales", dimension="culture", **extra) -> pd.DataFrame:
    """One answer per stage given, each from a different respondent of ``team``."""
    n = len(stages)
    return pd.DataFrame(
        {"team": team, "dimension": dimension, "respondent": [f"p{i}" for i in range(n)], "stage": stages, **extra}
    )


def two_rounds(previous, current, dimension="culture") -> pd.DataFrame:
    """Answers of Sales in round R1 (opened 2025-09-01) and round R2 (opened 2026-10-01)."""
    return pd.DataFrame({
        "dimension": dimension, "round": ["R1"] * len(previous) + ["R2"] * len(current),
        "round_opened_on": pd.to_datetime(["2025-09-01"] * len(previous) + ["2026-10-01"] * len(current)),
        "stage": previous + current, "team": "Sales", "respondent": [f"p{i}" for i in range(len(previous) + len(current))],
    })
