"""The customers' causal design shows in the data (``cs_metrics.storage.demo.simulation``).

These are property checks of the demo's causal design (documented in the package docstring of
``cs_metrics.storage.demo``): each says which cause should show which effect, never a
hard-coded number copied from a run.
"""

from __future__ import annotations

import pandas as pd

from cs_metrics.health import DEFAULT_MODEL, score_customers
from tests.storage.demo.conftest import AS_OF


def test_low_health_customers_churn_more_than_healthy_ones(company):
    # Low engagement and the months of decline before a churn pull signals down, so customers in
    # the lowest tercile of mean health score churn more often than those in the highest.
    scored = score_customers(company["health_signal"], DEFAULT_MODEL)
    mean = scored.groupby("customer_id")["score"].mean()
    tercile = pd.qcut(mean, 3, labels=["low", "mid", "high"])
    churned = company["customer"].set_index("id").loc[mean.index, "status"].eq("churned")
    rate = churned.groupby(tercile, observed=True).mean()
    assert rate["low"] > rate["high"] and rate["low"] > rate["mid"]
    # The model's bands are believable: the healthiest third mostly above 75 (green), the
    # weakest third mostly at or below 50 (red).
    assert (mean[tercile == "high"] > 75).mean() > 0.5
    assert (mean[tercile == "low"] <= 50).mean() > 0.5


def test_late_first_value_churns_more_than_on_time(company):
    # A late (or stalled) first value raises the churn hazard and makes early churn likelier.
    c = company["customer"].set_index("id")
    fv = company["milestone"].query("kind == 'first_value'").join(c[["signed_on", "status"]], on="customer_id")
    days = (fv["reached_on"] - fv["signed_on"]).dt.days
    age = (pd.Timestamp(AS_OF) - fv["signed_on"]).dt.days
    late = (days > fv["target_days"]) | (fv["reached_on"].isna() & (age > fv["target_days"]))
    on_time = days <= fv["target_days"]
    churned = fv["status"].eq("churned")
    assert churned[late].mean() > churned[on_time].mean()


def test_detractors_churn_more_than_promoters(company):
    # Scores come from engagement plus sentiment, and sentiment also raises the churn hazard:
    # customers whose latest answer is a detractor score churn more than those who last promoted.
    r = company["nps_response"].dropna(subset=["customer_id"]).sort_values("responded_on")
    last = r.groupby("customer_id")["score"].last()
    status = company["customer"].set_index("id").loc[last.index, "status"]
    churned = status.eq("churned")
    assert churned[last <= 6].mean() > churned[last >= 9].mean()


def test_smb_churns_more_than_enterprise(company):
    # Segment hazards: SMB (cheaper, monthly contracts) churns more than Enterprise.
    c = company["customer"]
    churn = c["status"].eq("churned").groupby(c["segment"]).mean()
    assert churn["SMB"] > churn["Enterprise"]


def test_churn_reasons_include_company_events_and_early_churn(company):
    # Acquired / out of business exist and are the only uncontrollable reasons; early churn
    # (<= 90 days) exists and is mostly wrong fit or poor onboarding.
    ce = company["churn_event"].join(company["customer"].set_index("id")["signed_on"], on="customer_id")
    reasons = set(ce["primary_reason"].dropna())
    assert {"acquired", "out_of_business"} <= reasons
    uncontrollable = ce["controllable"].eq(False)
    assert set(ce.loc[uncontrollable, "primary_reason"]) == {"acquired", "out_of_business"}
    early = (ce["churned_on"] - ce["signed_on"]).dt.days <= 90
    assert early.any()
    assert ce.loc[early, "primary_reason"].isin(["wrong_fit", "poor_onboarding"]).mean() > 0.5
    # Follow-up calls come after the churn, and recent churns are often still waiting for one.
    called = ce["follow_up_call_on"].notna()
    assert (ce.loc[called, "follow_up_call_on"] > ce.loc[called, "churned_on"]).all()
    recent = ce["churned_on"] > pd.Timestamp(AS_OF) - pd.Timedelta(days=30)
    assert called[~recent].mean() > called[recent].mean()


def test_some_customers_are_still_onboarding(company):
    # Customers without first value yet (not churned) stay in the data as censored onboardings.
    c = company["customer"].set_index("id")
    fv = company["milestone"].query("kind == 'first_value'").join(c[["status"]], on="customer_id")
    open_fv = fv["reached_on"].isna() & fv["status"].ne("churned")
    assert open_fv.any()
    assert (fv.loc[open_fv, "status"] == "onboarding").all()
    assert (c["status"] == "onboarding").sum() == open_fv.sum()
