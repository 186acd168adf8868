"""The demo company: a believable, deterministic customer base with built-in cause and effect.

``generate`` builds every table of the data model as pandas frames, without touching a database;
``load_demo`` writes them in one transaction; ``python -m cs_metrics.storage.demo`` does both from
the command line.

Sizes: the standard company (1,500 customers by default, any number on request) and ``large``,
the benchmark company (``SIZES``): 100,000 customers, most of them already customers when the
three years of history begin, about 3.1 million revenue months, about a million NPS answers,
50,000 meetings and twelve months of health signals. The volume options (``Volume``:
``established``, ``nps_per_customer``, ``meetings``, ``health_months``) set each of these on
their own; without them a company is exactly the standard one for its customers, seed and date.

Rooms: ``settings`` (sizes, volume options, seed, calendar, argument checks), ``arrays``
(vectorised day-number and random-draw helpers), ``simulation`` (the customers and their
lives), ``frames`` (customer, revenue, health, milestone and churn tables), ``surveys`` (NPS and
the maturity self-assessment), ``meetings`` (one by one, the standard company) and
``many_meetings`` (a chosen number, drawn at once), ``company`` (``generate``, and the tables
one at a time), ``bulk`` (bulk writes: SQLite ``executemany``, PostgreSQL ``COPY``, indexes and
foreign keys put in place after the rows), ``loading`` (``load_demo``), ``cli``; the words come
from ``customer_texts`` and ``team_texts``.

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
Customers of an established base (``Volume.established``) signed before the history and are
still customers when it begins: early churn is behind them, their hazards run from then on, and
their revenue, NPS and health data start with the history.

Meetings follow the "customer in the room" story: the departments in ``CUSTOMER_ITEM_ADOPTERS``
made the customer item of their minutes mandatory ``ADOPTION_MONTHS`` before ``as_of``; from then
on they fill it and spend clearly more of their time on customers.
"""

from cs_metrics.storage.demo.bulk import CHUNK_ROWS
from cs_metrics.storage.demo.company import generate
from cs_metrics.storage.demo.loading import load_demo
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
    SIZES,
    Volume,
    check_demo_args,
    check_volume,
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
    "SIZES",
    "Volume",
    "check_demo_args",
    "check_volume",
    "customer_item_adoption_date",
    "generate",
    "load_demo",
    "meeting_count",
]
