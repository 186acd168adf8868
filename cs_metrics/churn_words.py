"""The words the churn figures are shown with: the explanations beside them, the columns of their
tables, and the labels of the follow-up picker, in the reader's language (``cs_metrics.i18n``)."""

from __future__ import annotations

import pandas as pd

from cs_metrics.churn import EARLY_DAYS, MIN_CURVE_CUSTOMERS
from cs_metrics.i18n import N_, _, formats

# --- definitions shown beside the figures -----------------------------------------------------------

#: Plain-language explanations shown with the figures (the page and exports use the same words), in
#: English with their numbers as named fields ({days}): ``explanation(key)`` gives one in the reader's language.
EXPLANATION_TEXTS: dict[str, str] = {
    "pareto": N_("Grey bars are reasons outside the company's control (such as a customer company acquired or "
                 "gone out of business, or a consumer who moved away), light grey ones reasons not known; the line "
                 "is the cumulative share. Reasons, their categories and whether they are controllable are the "
                 "company's own (Data page, vocabularies)."),
    "early": N_("Customers who leave in their first three months point to the wrong customers being sold to, or to "
                "an onboarding that failed them. Each customer is judged once: on the day it left, if it left "
                "within {days} days of signing; otherwise on the day its first {days} days closed. The rate counts "
                "the customers judged in the period."),
    "cohorts": N_("Revenue retention counts expansion, so a cohort can keep more than 100% of its first month's "
                  "revenue. The pooled curve stops where fewer than {customers} customers have been observed that "
                  "long."),
    "renewal": N_("The renewal rate counts only the contracts that came up for renewal in the period; retention "
                  "looks at everyone who was a customer at its start. A customer who stopped using the product "
                  "mid-contract still counts as retained until the contract ends, so a high renewal rate can hide "
                  "disengaged customers, and a low one can come from a few large contract ends."),
    "follow_up": N_("Know why every customer left: a call some days after the churn, the reason confirmed, notes "
                    "kept. Complete means the call happened and the reason is confirmed."),
    "surprises": N_("Customers lost in the period whose last health score before leaving was green, or whose last "
                    "NPS answer was a promoter's: signals that missed the churn, worth a board's attention."),
}
_EXPLANATION_NUMBERS = {"days": EARLY_DAYS, "customers": MIN_CURVE_CUSTOMERS}


def explanation(key: str) -> str:
    """The explanation ``key`` of ``EXPLANATION_TEXTS`` in the reader's language, numbers filled in.

    >>> from cs_metrics.i18n import using
    >>> explanation("early") == EXPLANATIONS["early"]
    True
    >>> with using("it"):
    ...     explanation("early") != EXPLANATIONS["early"]
    True
    """
    return _(EXPLANATION_TEXTS[key]).format(**_EXPLANATION_NUMBERS)


#: The explanations in English (``explanation`` gives them in the reader's language).
EXPLANATIONS: dict[str, str] = {k: text.format(**_EXPLANATION_NUMBERS) for k, text in EXPLANATION_TEXTS.items()}


# --- display ---------------------------------------------------------------------------------------

#: Columns the page shows (source column -> heading) for early churners, the follow-up queue and
#: the customers lost while looking fine.
#: The headings are English, marked for the catalog: the page shows them through ``_()``.
EARLY_COLUMNS: dict[str, str] = {
    "external_id": N_("Customer"), "name": N_("Name"), "segment": N_("Segment"), "signed_on": N_("Signed"),
    "churned_on": N_("Churned"), "days": N_("Days"), "reason": N_("Reason"), "first_value_on": N_("First value"),
    "reached_first_value": N_("Reached first value"),
}  # fmt: skip
QUEUE_COLUMNS: dict[str, str] = {
    "external_id": N_("Customer"), "name": N_("Name"), "owner": N_("CSM"), "churned_on": N_("Churned"),
    "arr_lost": N_("ARR lost"), "missing": N_("Missing"), "reason": N_("Recorded reason"),
    "follow_up_call_on": N_("Call"), "follow_up_notes": N_("Notes"),
}  # fmt: skip
SURPRISE_COLUMNS: dict[str, str] = {
    "external_id": N_("Customer"), "name": N_("Name"), "segment": N_("Segment"), "churned_on": N_("Churned"),
    "reason": N_("Reason"), "health_month": N_("Health month"), "health_score": N_("Health score"),
    "band": N_("Band"), "nps_score": N_("Last NPS score"), "nps_days_before_churn": N_("NPS days before churn"),
    "follow_up_notes": N_("Call notes"),
}  # fmt: skip


def for_display(frame: pd.DataFrame, columns: dict[str, str], *, decimals: int = 0) -> pd.DataFrame:
    """The ``columns`` of ``frame`` under their headings: dates as dates, amounts rounded for display.

    Text typed by people (notes) is returned as it is; the page shows it as plain text.
    """
    out = frame[[c for c in columns if c in frame.columns]].copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.date
        elif pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].round(decimals)
    return out.rename(columns=columns)


def follow_up_choices(churn: pd.DataFrame) -> dict[int, str]:
    """Customer id -> "Name (external id), churned YYYY-MM-DD" (in the reader's language), for picking
    whose follow-up to record."""
    days = pd.to_datetime(churn["churned_on"])
    label = _("{name} ({external_id}), churned {date}")
    labels = [label.format(name=name, external_id=external_id, date=formats.date(day.date()) if pd.notna(day) else "NaN")
              for name, external_id, day in zip(churn["name"].astype(str), churn["external_id"].astype(str), days)]
    return dict(zip(churn["customer_id"].astype(int), labels))
