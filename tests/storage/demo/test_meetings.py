"""Tests of the demo's meeting tables (``cs_metrics.storage.demo.meetings``).

The relationship tests are property checks of the demo's causal design (documented in the
package docstring of ``cs_metrics.storage.demo``), never a hard-coded number copied from a run.
"""

from __future__ import annotations

import pandas as pd

from cs_metrics.storage import demo
from tests.storage.demo.conftest import AS_OF


def _customer_share(items: pd.DataFrame) -> float:
    """Minutes of customer-related (direct or indirect) agenda items over all minutes."""
    about = items["relevance"].isin(["direct", "indirect"])
    return float(items.loc[about, "minutes"].sum() / items["minutes"].sum())


def test_generate_agenda_minutes_fit_the_meeting(company):
    items = company["agenda_item"]
    mt = company["meeting"].set_index("id")
    total = items.groupby("meeting_id")["minutes"].sum()
    assert (total <= mt.loc[total.index, "duration_minutes"]).all()
    count = items.groupby("meeting_id").size()
    assert count.between(3, 8).all() and len(count) == len(mt)
    assert (items["minutes"] > 0).all()
    # Decisions hang on an agenda item of their own meeting.
    item_meeting = items.set_index("id")["meeting_id"].rename("item_meeting_id")
    d = company["decision"].join(item_meeting, on="agenda_item_id")
    assert (d["meeting_id"] == d["item_meeting_id"]).all()
    assert d.groupby("meeting_id").size().max() <= 3


def test_meeting_customer_share_is_small_and_rises_after_adoption(company):
    # Most meeting time is internal (the article's ~95% baseline): the customer share overall
    # stays small; departments that made the customer item mandatory spend more time on
    # customers after adopting it than before.
    items = company["agenda_item"].join(
        company["meeting"].set_index("id")[["department", "held_on"]], on="meeting_id"
    )
    assert 0.03 <= _customer_share(items) <= 0.12
    adopted_on = pd.Timestamp(demo.customer_item_adoption_date(AS_OF))
    adopters = items[items["department"].isin(demo.CUSTOMER_ITEM_ADOPTERS)]
    before = adopters[adopters["held_on"] < adopted_on]
    after = adopters[adopters["held_on"] >= adopted_on]
    assert _customer_share(after) > _customer_share(before)
    # ... and they fill the customer item after adoption far more often than before.
    mt = company["meeting"]
    adopter_mt = mt[mt["department"].isin(demo.CUSTOMER_ITEM_ADOPTERS)]
    filled_after = adopter_mt.loc[adopter_mt["held_on"] >= adopted_on, "customer_item_filled"].mean()
    filled_before = adopter_mt.loc[adopter_mt["held_on"] < adopted_on, "customer_item_filled"].mean()
    assert filled_after > 0.5 > filled_before
    assert mt.loc[mt["customer_item_filled"], "customer_item_text"].notna().all()


def test_decisions_on_customer_items_favour_the_customer_more(company):
    # Decisions taken on customer items favour the customer more often than internal ones.
    d = company["decision"].join(company["agenda_item"].set_index("id")["relevance"], on="agenda_item_id")
    favours = d["cx_impact"].eq("favours")
    about = d["relevance"].ne("none")
    assert favours[about].mean() > favours[~about].mean()
