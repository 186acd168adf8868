"""The demo company: a believable, deterministic customer base with built-in cause and effect.

``generate`` builds every table of the data model as pandas frames, without touching a database;
``load_demo`` writes them in one transaction; ``python -m cs_metrics.storage.demo`` does both from
the command line.

Rooms: ``settings`` (size, seed, calendar, argument check), ``arrays`` (vectorised day-number
and random-draw helpers), ``simulation`` (the customers and their lives), ``frames`` (customer,
revenue, health, milestone and churn tables), ``surveys`` (NPS and the maturity
self-assessment), ``meetings``, ``company`` (``generate``), ``loading`` (``load_demo``), ``cli``;
the words come from ``customer_texts`` and ``team_texts``.

The causal design
-----------------
Each customer gets three hidden traits, drawn once:

* **engagement** (standard-normal-ish, shifted a little by the CSM who owns the account): drives
  product usage, tutorials, training, tickets opened, advocacy, expansions, a faster first value,
  better NPS scores and a lower churn hazard;
* **sentiment** beyond engagement: moves NPS scores and, a little, the churn hazard, so that
  detractors churn more than promoters even at the same usage;
* **support friction**: slower ticket resolution, support-themed complaints and the
  ``support_experience`` churn reason.

Time to first value is lognormal by segment (slower for Enterprise, faster for engaged
customers); a few onboardings stall. Churn has three sources: early churn in the first 90 days
(wrong fit or poor onboarding, likelier after a slow first value), a controllable hazard (higher
with low engagement, low sentiment, late or stalled first value; contracts longer than a month end
at the renewal date) and company events (acquired, out of business) that ignore engagement.
In the months before a controllable churn the customer's health declines: usage, tutorials and
training drop, billing problems and marketing unsubscribes appear, NPS answers sour. Customers
who will churn *after* ``as_of`` already show the decline, so the health score predicts churn.

Meetings follow the "customer in the room" story: the departments in ``CUSTOMER_ITEM_ADOPTERS``
made the customer item of their minutes mandatory ``ADOPTION_MONTHS`` before ``as_of``; from then
on they fill it and spend clearly more of their time on customers.
"""

from cs_metrics.storage.demo.company import generate
from cs_metrics.storage.demo.loading import CHUNK_ROWS, load_demo
from cs_metrics.storage.demo.meetings import customer_item_adoption_date, meeting_count
from cs_metrics.storage.demo.settings import (
    ADOPTION_MONTHS,
    CUSTOMER_ITEM_ADOPTERS,
    DEFAULT_CUSTOMERS,
    DEFAULT_SEED,
    FIRST_VALUE_TARGET_DAYS,
    HEALTH_MONTHS,
    HISTORY_MONTHS,
    MAX_CUSTOMERS,
    MEETING_DAYS,
    check_demo_args,
)

__all__ = [
    "ADOPTION_MONTHS",
    "CHUNK_ROWS",
    "CUSTOMER_ITEM_ADOPTERS",
    "DEFAULT_CUSTOMERS",
    "DEFAULT_SEED",
    "FIRST_VALUE_TARGET_DAYS",
    "HEALTH_MONTHS",
    "HISTORY_MONTHS",
    "MAX_CUSTOMERS",
    "MEETING_DAYS",
    "check_demo_args",
    "customer_item_adoption_date",
    "generate",
    "load_demo",
    "meeting_count",
]
