"""The Onboarding page's curve section, which re-runs on its own (``st.fragment``) when the
grouping changes: the curve, its summary table and the test are computed from the customers'
durations, made once per selection from every customer's rows read once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd
import streamlit as st

from cs_metrics import ttfv
from cs_metrics.charts import ttfv as charts
from cs_metrics.i18n import N_, _
from cs_metrics.period import Period
from cs_metrics.selection import CustomerFilter
from cs_metrics.services import figures, onboarding
from ui import components, loaders

#: The choice of no grouping (the options' values stay English: ``ttfv.GROUPINGS``' labels).
ALL_CUSTOMERS = N_("All customers")


@st.fragment
def curve(cohort: pd.DataFrame, *, period: Period, as_of: dt.date, flt: CustomerFilter, targets: Mapping[str, float],
          default: float) -> None:
    """The Kaplan-Meier curve of the signing ``cohort`` (with its segment ``targets``), overall or
    per group, the summary table per group and, per group, whether the groups differ."""
    by_label = st.selectbox(_("Compare by"), [ALL_CUSTOMERS, *ttfv.GROUPINGS.values()], format_func=_,
                            key="onboarding_group_by")
    by = next((col for col, label in ttfv.GROUPINGS.items() if label == by_label), None)
    of_filter = (onboarding.durations_of, {"flt": flt, "as_of": as_of})  # the filter's customers, sliced
    st.plotly_chart(loaders.derive(figures.ttfv_curve_chart, onboarding.onboarding_rows,
                                   using={"period": period, "by": by, "targets": dict(targets), "default": default,
                                          "mark_days": (30, 60, 90)}, via=of_filter), width="stretch")
    st.caption(_("Steps fall as customers reach first value; dots mark days 30, 60 and 90; dashed lines are the "
                 "segments' targets. The shaded band is the 95% interval (shown for up to four groups)."))
    summary = ttfv.ttfv_summary(cohort, by=by)
    components.table(charts.summary_table(summary, group_label=_(by_label) if by else _("Customers")),
                     hide_index=True, width="stretch")
    if by:
        small = ttfv.small_groups(cohort, by=by)
        if len(small):
            st.warning(_("{n} group(s) have fewer than {min_n} customers (marked in the table): their curves are "
                         "drawn but too uncertain to read.").format(n=len(small), min_n=ttfv.MIN_GROUP_N))
        verdict = ttfv.compare_groups_in_words(cohort, by=by, label=_(by_label))
        (st.success if verdict.differs else st.info)(verdict.text)
