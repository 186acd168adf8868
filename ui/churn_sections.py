"""Sections of the Churn & retention page. The reasons and the cohorts re-run on their own
(``st.fragment``) when their options change, and redraw from data read once per selection; the
cohorts, which sum every revenue row, are drawn when the person asks for them; the long tables
show their first rows, their count and every row as a CSV download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cs_metrics import churn
from cs_metrics.charts import churn as charts
from cs_metrics.early_churn import EarlyChurn
from cs_metrics.formatting import fmt_value
from cs_metrics.selection import CustomerFilter
from cs_metrics.services import churn as data
from cs_metrics.services import coverage, figures, vocabulary
from ui import components, loaders


@st.fragment
def reasons(lost: pd.DataFrame, *, reasons: pd.DataFrame) -> None:
    """Why the customers of ``lost`` left: the Pareto of their reasons, ranked and grouped as
    chosen, and how many left for reasons the company could act on."""
    left, middle, right = st.columns(3)
    measure = left.radio("Rank by", ["Customers", "ARR lost"], horizontal=True, key="churn_rank_by")
    grouping = middle.radio("Group by", ["Reason", "Category"], horizontal=True, key="churn_group_by")
    contributing = right.toggle("Count contributing reasons too", key="churn_contributing")
    weight = None if measure == "Customers" else "arr_lost"
    options = dict(weight=weight, by_category=grouping == "Category", contributing=contributing)
    st.plotly_chart(figures.churn_reasons_chart(lost, reasons=reasons, currency=loaders.load(vocabulary.currency),
                                                title=f"Churn reasons by {measure.lower()}, most frequent first",
                                                **options), width="stretch")
    pareto = churn.reason_pareto(lost, **options, reasons=reasons)
    unit = "mentions" if contributing else "customers"
    st.caption(f"{int(pareto['count'].sum())} {unit} with a reason. {churn.EXPLANATIONS['pareto']}")
    split = churn.controllable_split(lost, reasons=reasons)
    st.plotly_chart(charts.controllable_chart(split, title="Controllable or not"), width="stretch")
    share = fmt_value(split["share"].iloc[0], "share")
    st.caption(f"{split['count'].iloc[0]} of {len(lost)} lost ({share}) left for reasons the company could act on.")


def early_churners(early: EarlyChurn, *, reasons: pd.DataFrame) -> None:
    """The reasons of the early churners and the first of them, with their count and a download."""
    st.plotly_chart(charts.reason_pareto_chart(early.reasons, reasons=reasons, title="Reasons for early churn"),
                    width="stretch")
    components.capped_table(churn.for_display(early.customers, churn.EARLY_COLUMNS), key="churn_early_churners",
                            noun="early churners", hide_index=True)


#: What the cohort section offers before it is drawn (it sums every revenue row of the selection).
COHORTS_OFFER = (
    "The share of each cohort of first revenue month still paying, or of its revenue kept, month after "
    "month: a heatmap and the pooled curve. They sum every month of revenue of these customers, which takes "
    "a few seconds for a large company, so they are drawn when you ask for them."
)


@st.fragment
def cohorts(*, flt: CustomerFilter, no_revenue: coverage.Gap | None) -> None:
    """Retention by cohort of first revenue month, by customers or revenue, monthly or quarterly
    cohorts, drawn once the person turns it on (``COHORTS_OFFER`` says what it holds); the
    revenue is then summed once per selection and the table redrawn per choice."""
    if no_revenue is not None:  # no revenue imported at all: nothing to draw
        st.caption(no_revenue.message())
        return
    if not st.toggle("Show cohort retention", key="churn_cohort_show"):
        st.caption(COHORTS_OFFER)
        return
    left, right = st.columns(2)
    measures, lengths = {"logo": "Customers (logo)", "revenue": "Revenue"}, {"Q": "Quarter", "M": "Month"}
    by = left.radio("Measure", list(measures), horizontal=True, key="churn_cohort_by", format_func=measures.get)
    length = right.radio("Cohort", list(lengths), horizontal=True, key="churn_cohort_length", format_func=lengths.get)
    table = loaders.derive(data.cohort_table_from, data.cohort_sums, flt=flt, using={"by": by, "cohort": length})
    if table.empty:
        components.empty_state("No revenue recorded for these customers.")
    else:
        st.plotly_chart(charts.cohort_heatmap(table, title="Share retained, by cohort of first revenue month"),
                        width="stretch")
        st.plotly_chart(charts.retention_curve(table, title="All cohorts, weighted by size"), width="stretch")
        st.caption(churn.EXPLANATIONS["cohorts"])


def surprises(found: pd.DataFrame) -> None:
    """The customers lost while they looked fine: how many were green or promoters, and the first of
    them with their count and a download."""
    green, promoters = int(found["green"].sum()), int(found["promoter"].sum())
    st.write(f"{green} churned while green · {promoters} whose last NPS answer was a promoter's.")
    components.capped_table(churn.for_display(found, churn.SURPRISE_COLUMNS), key="churn_lost_looking_fine",
                            noun="customers", hide_index=True)
