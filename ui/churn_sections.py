"""Sections of the Churn & retention page. The reasons and the cohorts re-run on their own
(``st.fragment``) when their options change, and redraw from data read once per selection; the
cohorts, which sum every revenue row, are drawn when the person asks for them; the long tables
show their first rows, their count and every row as a CSV download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cs_metrics import churn, churn_words
from cs_metrics.charts import churn as charts
from cs_metrics.early_churn import EarlyChurn
from cs_metrics.formatting import fmt_value
from cs_metrics.i18n import N_, _, ngettext
from cs_metrics.selection import CustomerFilter
from cs_metrics.services import churn as data
from cs_metrics.services import coverage, figures, vocabulary
from ui import components, loaders

#: The titles of the reasons' chart per measure (the English as it has always read).
PARETO_TITLES = {"Customers": N_("Churn reasons by customers, most frequent first"),
                 "ARR lost": N_("Churn reasons by arr lost, most frequent first")}


def explanation(key: str) -> str:
    """``churn_words.EXPLANATIONS[key]`` in the reader's language."""
    return churn_words.explanation(key)


def headings(columns: dict[str, str]) -> dict[str, str]:
    """``columns`` (source column -> English heading, e.g. ``churn_words.EARLY_COLUMNS``) with the
    headings in the reader's language."""
    return {column: _(heading) for column, heading in columns.items()}


@st.fragment
def reasons(lost: pd.DataFrame, *, reasons: pd.DataFrame) -> None:
    """Why the customers of ``lost`` left: the Pareto of their reasons, ranked and grouped as
    chosen, and how many left for reasons the company could act on."""
    left, middle, right = st.columns(3)
    measure = left.radio(_("Rank by"), [N_("Customers"), N_("ARR lost")], horizontal=True, key="churn_rank_by",
                         format_func=_)
    grouping = middle.radio(_("Group by"), [N_("Reason"), N_("Category")], horizontal=True, key="churn_group_by",
                            format_func=_)
    contributing = right.toggle(_("Count contributing reasons too"), key="churn_contributing")
    weight = None if measure == "Customers" else "arr_lost"
    options = dict(weight=weight, by_category=grouping == "Category", contributing=contributing)
    st.plotly_chart(figures.churn_reasons_chart(lost, reasons=reasons, currency=loaders.load(vocabulary.currency),
                                                title=_(PARETO_TITLES[measure]),
                                                **options), width="stretch")
    pareto = churn.reason_pareto(lost, **options, reasons=reasons)
    n = int(pareto["count"].sum())
    # The English keeps its plural for one too (as it always has); the translation has both forms.
    with_reason = (ngettext("{n} mentions with a reason.", "{n} mentions with a reason.", n) if contributing
                   else ngettext("{n} customers with a reason.", "{n} customers with a reason.", n)).format(n=n)
    st.caption(with_reason + " " + explanation("pareto"))
    split = churn.controllable_split(lost, reasons=reasons)
    st.plotly_chart(charts.controllable_chart(split, title=_("Controllable or not")), width="stretch")
    share = fmt_value(split["share"].iloc[0], "share")
    st.caption(_("{n} of {total} lost ({share}) left for reasons the company could act on.").format(
        n=split["count"].iloc[0], total=len(lost), share=share))


def early_churners(early: EarlyChurn, *, reasons: pd.DataFrame) -> None:
    """The reasons of the early churners and the first of them, with their count and a download."""
    st.plotly_chart(charts.reason_pareto_chart(early.reasons, reasons=reasons, title=_("Reasons for early churn")),
                    width="stretch")
    components.capped_table(churn_words.for_display(early.customers, headings(churn_words.EARLY_COLUMNS)),
                            key="churn_early_churners", noun=_("early churners"), hide_index=True)


#: What the cohort section offers before it is drawn (it sums every revenue row of the selection).
COHORTS_OFFER = N_(
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
    if not st.toggle(_("Show cohort retention"), key="churn_cohort_show"):
        st.caption(_(COHORTS_OFFER))
        return
    left, right = st.columns(2)
    measures = {"logo": N_("Customers (logo)"), "revenue": N_("Revenue")}
    lengths = {"Q": N_("Quarter"), "M": N_("Month")}
    by = left.radio(_("Measure"), list(measures), horizontal=True, key="churn_cohort_by",
                    format_func=lambda k: _(measures[k]))
    length = right.radio(_("Cohort"), list(lengths), horizontal=True, key="churn_cohort_length",
                         format_func=lambda k: _(lengths[k]))
    table = loaders.derive(data.cohort_table_from, data.cohort_sums, flt=flt, using={"by": by, "cohort": length})
    if table.empty:
        components.empty_state(_("No revenue recorded for these customers."))
    else:
        st.plotly_chart(charts.cohort_heatmap(table, title=_("Share retained, by cohort of first revenue month")),
                        width="stretch")
        st.plotly_chart(charts.retention_curve(table, title=_("All cohorts, weighted by size")), width="stretch")
        st.caption(explanation("cohorts"))


def surprises(found: pd.DataFrame) -> None:
    """The customers lost while they looked fine: how many were green or promoters, and the first of
    them with their count and a download."""
    green, promoters = int(found["green"].sum()), int(found["promoter"].sum())
    st.write(_("{green} churned while green · {promoters} whose last NPS answer was a promoter's.").format(
        green=green, promoters=promoters))
    components.capped_table(churn_words.for_display(found, headings(churn_words.SURPRISE_COLUMNS)), key="churn_lost_looking_fine",
                            noun=_("customers"), hide_index=True)
