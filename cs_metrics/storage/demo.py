"""The demo company: a believable, deterministic customer base with built-in cause and effect.

``generate`` builds every table of the data model as pandas frames, without touching a database;
``load_demo`` writes them in one transaction; ``python -m cs_metrics.storage.demo`` does both from
the command line.

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

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Date, DateTime, TypeDecorator, delete, func, inspect, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from cs_metrics.errors import ConfigurationError, DataError, SchemaError
from cs_metrics.storage import demo_texts as tx
from cs_metrics import vocab
from cs_metrics.storage import models

DEFAULT_CUSTOMERS = 1500
DEFAULT_SEED = 20261
MAX_CUSTOMERS = 1_000_000
#: Months of customer history ending at ``as_of``.
HISTORY_MONTHS = 36
#: Health signals are generated for the last this many months (``as_of``'s month included).
HEALTH_MONTHS = 24
#: Meetings cover the last this many days.
MEETING_DAYS = 730
#: Departments that made the customer item of their minutes mandatory part-way through.
CUSTOMER_ITEM_ADOPTERS: tuple[str, ...] = ("Board", "Sales", "Customer Success", "Logistics")
#: The adopters started filling the customer item this many months before ``as_of``.
ADOPTION_MONTHS = 12
#: Days after signing by which first value should be reached, per segment.
FIRST_VALUE_TARGET_DAYS: dict[str, int] = {"SMB": 30, "Mid-Market": 45, "Enterprise": 60}
#: ``app_meta`` keys written by ``load_demo``.
DEMO_META_KEYS: tuple[str, ...] = ("dataset", "demo_seed", "demo_customers", "demo_as_of", "generated_at")
#: Rows per bulk insert.
CHUNK_ROWS = 25_000

_SEGMENT_SHARES = (0.65, 0.25, 0.10)
_REGION_SHARES = (0.40, 0.13, 0.10, 0.09, 0.12, 0.06, 0.10)
_INDUSTRY_SHARES = (0.18, 0.18, 0.11, 0.10, 0.14, 0.12, 0.06, 0.11)
#: Median ARR at signing and lognormal sigma per segment.
_ARR_MEDIAN = (6_000.0, 40_000.0, 180_000.0)
_ARR_SIGMA = (0.55, 0.5, 0.5)
#: Plan shares (Starter, Growth, Scale) per segment.
_PLAN_SHARES = ((0.72, 0.26, 0.02), (0.15, 0.65, 0.20), (0.0, 0.25, 0.75))
#: Contract terms (months) and their shares per segment.
_TERMS = ((1, 3, 6, 12), (6, 12, 24), (12, 24, 36))
_TERM_SHARES = ((0.40, 0.12, 0.08, 0.40), (0.08, 0.77, 0.15), (0.40, 0.35, 0.25))
#: Median days to first value per segment (before the engagement effect).
_FV_MEDIAN_DAYS = (22.0, 34.0, 48.0)
#: Controllable churn hazard per year per segment, for an average customer.
_CHURN_HAZARD = (0.115, 0.07, 0.045)
#: Company-event churn hazard per year (acquired / out of business) and P(acquired | event).
_EVENT_HAZARD = (0.010, 0.008, 0.006)
_ACQUIRED_SHARE = (0.3, 0.5, 0.7)
#: Support tickets per month for an average customer, per segment.
_TICKETS = (2.0, 3.0, 4.5)
#: Median professional services purchase per segment.
_SERVICES_MEDIAN = (2_500.0, 7_000.0, 18_000.0)

#: Target distribution of NPS scores 0..10 for an average respondent; the score is the bucket of
#: a normal latent variable (sd 1.35) whose cut points reproduce these shares.
_SCORE_SHARES = (0.015, 0.01, 0.017, 0.028, 0.035, 0.055, 0.075, 0.11, 0.2, 0.2, 0.255)
_SCORE_CUTS = np.array(
    [NormalDist(0.0, 1.35).inv_cdf(p) for p in np.cumsum(_SCORE_SHARES)[:-1]], dtype=float
)

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
_MONTHS_IT = ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
              "settembre", "ottobre", "novembre", "dicembre")

_CONTROLLABLE_REASONS: tuple[str, ...] = (
    "no_value", "poor_onboarding", "price", "budget_cut", "competitor", "missing_feature",
    "support_experience", "champion_left", "wrong_fit",
)

# Churn sources (internal codes).
_NONE, _EARLY, _CTRL, _EVENT = 0, 1, 2, 3

_EPOCH = dt.date(1970, 1, 1)
_FAR = 10**6  # days: "never" within any horizon we look at


# ============================================================================================
# Small vectorised helpers
# ============================================================================================


def _day(date: dt.date) -> int:
    """Days since 1970-01-01."""
    return (date - _EPOCH).days


def _add_months(days: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """Add whole months to day numbers, clipping the day of month (Jan 31 + 1 month = Feb 28)."""
    d = np.asarray(days, dtype="int64").astype("datetime64[D]")
    m = d.astype("datetime64[M]")
    dom = (d - m.astype("datetime64[D]")).astype("int64")
    target = m + np.asarray(months, dtype="int64")
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype("int64")
    return (target.astype("datetime64[D]") + np.minimum(dom, length - 1)).astype("int64")


def _month_of(days: np.ndarray) -> np.ndarray:
    """Month number (months since 1970-01) of day numbers."""
    return np.asarray(days, dtype="int64").astype("datetime64[D]").astype("datetime64[M]").astype("int64")


def _month_start(months: np.ndarray) -> np.ndarray:
    """Day number of the first day of month numbers."""
    return np.asarray(months, dtype="int64").astype("datetime64[M]").astype("datetime64[D]").astype("int64")


def _next_contract_end(signed: np.ndarray, term: np.ndarray, after: np.ndarray) -> np.ndarray:
    """The first contract end (``signed`` + k·``term`` months, k >= 1) on or after ``after``."""
    elapsed = _month_of(after) - _month_of(signed)
    k = np.maximum(1, elapsed // term)
    end = _add_months(signed, k * term)
    late = end < after
    while late.any():
        k[late] += 1
        end[late] = _add_months(signed[late], k[late] * term[late])
        late = end < after
    return end


def _dates(days: np.ndarray) -> pd.Series:
    """Day numbers (``_FAR`` or NaN for missing) as a ``datetime64[ns]`` series."""
    arr = np.asarray(days, dtype="float64")
    arr = np.where(arr >= _FAR, np.nan, arr)
    return pd.Series(pd.to_datetime(arr, unit="D"), dtype="datetime64[ns]")


def _sigmoid(x: np.ndarray | float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def _categorical(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One draw per row of a (rows × k) matrix of non-negative weights."""
    cum = np.cumsum(weights, axis=1)
    u = rng.random(len(weights)) * cum[:, -1]
    return np.minimum((cum <= u[:, None]).sum(axis=1), weights.shape[1] - 1)


def _pick(rng: np.random.Generator, options: Sequence[str], size: int) -> np.ndarray:
    """``size`` uniform picks from a list of strings (object array)."""
    return np.asarray(options, dtype=object)[rng.integers(0, len(options), size)]


def _group_cumsum(values: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Cumulative sum restarting at each group; ``first[i]`` is the first row of row i's group."""
    cs = np.cumsum(values)
    return cs - cs[first] + values[first]


def _rolling_sum(values: np.ndarray, position: np.ndarray, window: int) -> np.ndarray:
    """Trailing sum over ``window`` rows within contiguous groups (``position`` = row in group)."""
    cs = np.concatenate([[0.0], np.cumsum(values, dtype=float)])
    idx = np.arange(len(values))
    start = idx - np.minimum(position, window - 1)
    return cs[idx + 1] - cs[start]


def _ids(n: int) -> np.ndarray:
    return np.arange(1, n + 1, dtype="int64")


# ============================================================================================
# Arguments
# ============================================================================================


def check_demo_args(customers: Any, seed: Any, as_of: Any) -> tuple[int, int, dt.date]:
    """Validate the generator's arguments; return them normalised.

    Raises
    ------
    DataError
        ``customers`` is not a whole number between 1 and ``MAX_CUSTOMERS``, ``seed`` is not a
        non-negative whole number, or ``as_of`` is not a date.
    """
    if isinstance(customers, bool) or not isinstance(customers, (int, np.integer)):
        raise DataError(f"customers must be a whole number, got {customers!r}.")
    if not 1 <= int(customers) <= MAX_CUSTOMERS:
        raise DataError(
            f"customers must be between 1 and {MAX_CUSTOMERS:,} (got {int(customers)}); "
            f"the default is {DEFAULT_CUSTOMERS}."
        )
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or int(seed) < 0:
        raise DataError(f"seed must be a whole number of at least 0, got {seed!r}.")
    if as_of is None:
        as_of = dt.date.today()
    elif isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    elif not isinstance(as_of, dt.date):
        raise DataError(f"as_of must be a date such as 2026-10-31, got {as_of!r}.")
    if as_of.year < 1990:
        raise DataError(f"as_of must be 1990 or later, got {as_of.isoformat()}.")
    return int(customers), int(seed), as_of


# ============================================================================================
# Customers: traits, lifecycle, churn
# ============================================================================================


@dataclass
class _Customers:
    """Per-customer arrays (index = customer id - 1); days are day numbers."""

    n: int
    as_of: int
    signed: np.ndarray
    segment: np.ndarray  # 0 SMB, 1 Mid-Market, 2 Enterprise
    region: np.ndarray
    industry: np.ndarray
    plan: np.ndarray
    term: np.ndarray
    owner: np.ndarray
    engagement: np.ndarray
    sentiment: np.ndarray  # sentiment beyond engagement
    friction: np.ndarray
    arr0: np.ndarray
    fv_day: np.ndarray
    fv_target: np.ndarray
    late: np.ndarray
    stalled: np.ndarray
    tau: np.ndarray  # day the customer starts to leave (controllable source)
    churn_day: np.ndarray  # simulated churn day, possibly after as_of
    source: np.ndarray  # _EARLY, _CTRL or _EVENT
    churned: np.ndarray  # churn_day <= as_of
    reason: np.ndarray  # index into vocab.CHURN_REASONS keys
    contributing: np.ndarray  # object: ";"-joined keys or None
    amp: np.ndarray  # size of the pre-churn decline
    window: np.ndarray  # days over which the decline builds up
    bill_amp: np.ndarray
    italy: np.ndarray


_REASON_KEYS: tuple[str, ...] = tuple(vocab.CHURN_REASONS)


def _simulate_customers(n: int, as_of: dt.date, rng: np.random.Generator) -> _Customers:
    A = _day(as_of)
    start = int(_add_months(np.array([A]), -HISTORY_MONTHS)[0])
    span = A - start
    # Growing business: signing density rises exponentially, ~2.7x from first to last day.
    growth = 1.0
    u = np.log1p(rng.random(n) * np.expm1(growth)) / growth
    signed = np.sort(start + np.minimum(np.floor(u * (span + 1)), span).astype("int64"))

    segment = rng.choice(3, size=n, p=_SEGMENT_SHARES)
    region = rng.choice(len(vocab.REGIONS), size=n, p=_REGION_SHARES)
    industry = rng.choice(len(vocab.INDUSTRIES), size=n, p=_INDUSTRY_SHARES)
    plan = _categorical(rng, np.asarray(_PLAN_SHARES)[segment])
    term = np.zeros(n, dtype="int64")
    for s in range(3):
        mask = segment == s
        term[mask] = rng.choice(_TERMS[s], size=int(mask.sum()), p=_TERM_SHARES[s])
    italy = region == vocab.REGIONS.index("Italy")

    # CSM owner: one pool per (segment, Italy or not); owners differ a little in effect.
    owner = np.zeros(n, dtype="int64")
    for s, seg in enumerate(vocab.SEGMENTS):
        for it in (True, False):
            pool = [i for i, (_, oseg, oit) in enumerate(tx.CSM_OWNERS) if oseg == seg and oit == it]
            mask = (segment == s) & (italy == it)
            owner[mask] = np.asarray(pool)[rng.integers(0, len(pool), int(mask.sum()))]
    owner_effect = rng.normal(0.0, 0.15, len(tx.CSM_OWNERS))

    engagement = 0.9 * rng.normal(size=n) + owner_effect[owner] + np.array([0.0, 0.05, 0.1])[segment]
    sentiment = 0.6 * rng.normal(size=n)
    friction = rng.normal(size=n)
    arr0 = np.asarray(_ARR_MEDIAN)[segment] * np.exp(np.asarray(_ARR_SIGMA)[segment] * rng.normal(size=n))
    arr0 = np.maximum(np.round(arr0 / 120.0) * 120.0, 1_200.0)

    # Time to first value: lognormal by segment, faster for engaged customers; a few stall and
    # get there only after several times the target (if they stay that long).
    fv_target = np.array([FIRST_VALUE_TARGET_DAYS[s] for s in vocab.SEGMENTS])[segment]
    delay = np.asarray(_FV_MEDIAN_DAYS)[segment] * np.exp(
        -0.3 * engagement + 0.15 * friction + 0.45 * rng.normal(size=n)
    )
    delay = np.maximum(np.ceil(delay), 3.0)
    stalled = rng.random(n) < _sigmoid(-3.6 - 0.8 * engagement)
    delay[stalled] = np.ceil(fv_target[stalled] * rng.uniform(3.0, 10.0, int(stalled.sum())))
    fv_day = signed + delay
    late = delay > fv_target

    # Controllable churn: the customer decides to leave at tau; longer contracts end at renewal.
    hazard = (
        np.asarray(_CHURN_HAZARD)[segment]
        * np.exp(-0.55 * engagement - 0.6 * sentiment + 0.2 * friction)
        * np.where(late, 1.5, 1.0)
        * np.where(stalled, 2.5, 1.0)
    )
    tau = signed + 75 + np.minimum(rng.exponential(365.0 / hazard), 20 * 365).astype("int64")
    ctrl_day = np.where(term == 1, tau, _next_contract_end(signed, term, tau))
    # Early churn (within 90 days): wrong fit or an onboarding that goes nowhere.
    early = rng.random(n) < _sigmoid(-5.0 - 0.6 * engagement + 0.9 * late + 1.6 * stalled)
    early_day = np.where(early, signed + rng.integers(35, 91, n), _FAR)
    # Company events, blind to engagement.
    event_day = signed + 35 + np.minimum(
        rng.exponential(365.0 / np.asarray(_EVENT_HAZARD)[segment]), 20 * 365
    ).astype("int64")
    candidates = np.stack([early_day, ctrl_day, event_day])
    source = np.argmin(candidates, axis=0) + 1  # _EARLY, _CTRL, _EVENT
    churn_day = candidates.min(axis=0)
    churned = churn_day <= A

    reason, contributing = _churn_reasons(
        rng, source, segment, engagement, friction, late, stalled, fv_day, churn_day
    )

    # Pre-churn decline of health: size and length depend on why the customer leaves.
    amp = np.zeros(n)
    window = np.full(n, 120.0)
    bill_amp = np.zeros(n)
    rk = np.asarray(_REASON_KEYS)[reason]
    is_ctrl = source == _CTRL
    amp[is_ctrl] = rng.uniform(1.4, 2.8, int(is_ctrl.sum()))
    sudden = np.isin(rk, ["budget_cut", "champion_left"])
    amp[is_ctrl & sudden] *= 0.45
    window[is_ctrl] = np.clip(churn_day[is_ctrl] - tau[is_ctrl] + 100, 100, 300)
    bill_amp[is_ctrl] = 0.45
    is_early = source == _EARLY
    amp[is_early] = 1.5
    window[is_early] = np.maximum(churn_day[is_early] - signed[is_early], 30)
    bill_amp[is_early] = 0.3
    oob = (source == _EVENT) & (rk == "out_of_business")
    amp[oob] = 0.9
    bill_amp[oob] = 1.6

    return _Customers(
        n=n, as_of=A, signed=signed, segment=segment, region=region, industry=industry,
        plan=plan, term=term, owner=owner, engagement=engagement, sentiment=sentiment,
        friction=friction, arr0=arr0, fv_day=fv_day, fv_target=fv_target, late=late,
        stalled=stalled, tau=tau, churn_day=churn_day, source=source, churned=churned,
        reason=reason, contributing=contributing, amp=amp, window=window, bill_amp=bill_amp,
        italy=italy,
    )


def _churn_reasons(
    rng: np.random.Generator,
    source: np.ndarray,
    segment: np.ndarray,
    engagement: np.ndarray,
    friction: np.ndarray,
    late: np.ndarray,
    stalled: np.ndarray,
    fv_day: np.ndarray,
    churn_day: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Primary reason (index into ``vocab.CHURN_REASONS``) and contributing reasons per customer.

    Reasons follow the circumstances: a slow or stalled onboarding makes ``poor_onboarding``
    likely, low engagement ``no_value``, support friction ``support_experience``; SMB leans to
    ``price``, larger accounts to ``missing_feature`` and ``champion_left``.
    """
    n = len(source)
    key = {k: i for i, k in enumerate(_REASON_KEYS)}
    ctrl = np.asarray(_CONTROLLABLE_REASONS)
    smb, ent, mm = segment == 0, segment == 2, segment == 1
    logits = np.stack(
        [
            0.9 - 1.1 * engagement,  # no_value
            -0.6 + 1.4 * late + 2.5 * stalled,  # poor_onboarding
            0.2 + 0.7 * smb,  # price
            -0.1 + 0.0 * engagement,  # budget_cut
            0.1 + 0.2 * mm,  # competitor
            -0.4 + 0.7 * ent + 0.4 * mm,  # missing_feature
            -0.5 + 1.1 * friction,  # support_experience
            -0.6 + 0.8 * ent + 0.3 * mm,  # champion_left
            -1.2 + 0.0 * engagement,  # wrong_fit
        ],
        axis=1,
    )
    ranked = np.argsort(-(logits + rng.gumbel(size=logits.shape)), axis=1)
    reason = np.array([key[k] for k in ctrl])[ranked[:, 0]]

    # Early churn: a slow or unfinished onboarding points to poor onboarding, else wrong fit.
    struggled = (fv_day >= churn_day) | late
    early = source == _EARLY
    onboarding_first = np.where(struggled, rng.random(n) < 0.65, rng.random(n) < 0.15)
    reason = np.where(early, np.where(onboarding_first, key["poor_onboarding"], key["wrong_fit"]), reason)
    # Company events.
    event = source == _EVENT
    acquired = rng.random(n) < np.asarray(_ACQUIRED_SHARE)[segment]
    reason = np.where(event, np.where(acquired, key["acquired"], key["out_of_business"]), reason)

    # Contributing reasons: the runners-up for some controllable churns.
    how_many = np.where(rng.random(n) < 0.35, 1, 0) + np.where(rng.random(n) < 0.12, 1, 0)
    how_many = np.where(event, 0, how_many)
    contributing = np.full(n, None, dtype=object)
    for i in np.flatnonzero(how_many):
        picks = [ctrl[j] for j in ranked[i, 1:4] if ctrl[j] != _REASON_KEYS[reason[i]]]
        contributing[i] = ";".join(picks[: how_many[i]])
    return reason.astype("int64"), contributing


def _decline(c: _Customers, cust: np.ndarray, day: np.ndarray) -> np.ndarray:
    """How far customer ``cust`` has declined on ``day`` (0 = not at all, up to ``amp``)."""
    begin = c.churn_day[cust] - c.window[cust]
    share = np.clip((np.asarray(day, dtype=float) - begin) / c.window[cust], 0.0, 1.0)
    return c.amp[cust] * share


def _company_names(c: _Customers, rng: np.random.Generator) -> np.ndarray:
    n = c.n
    industries = vocab.INDUSTRIES
    it_words = np.array([[w for w in tx.ITALIAN_SECTOR_WORDS[i]] for i in industries], dtype=object)
    en_words = np.array([[w for w in tx.INTERNATIONAL_SECTOR_WORDS[i]] for i in industries], dtype=object)
    word_idx = rng.integers(0, it_words.shape[1], n)
    surname = _pick(rng, tx.ITALIAN_SURNAMES, n)
    prefix = _pick(rng, tx.INTERNATIONAL_PREFIXES, n)
    surname_first = rng.random(n) < 0.65
    it_base = np.where(
        surname_first,
        surname + " " + it_words[c.industry, word_idx],
        it_words[c.industry, word_idx] + " " + surname,
    )
    en_base = prefix + " " + en_words[c.industry, word_idx]
    base = np.where(c.italy, it_base, en_base)
    suffix = np.empty(n, dtype=object)
    city = np.empty(n, dtype=object)
    for r, region in enumerate(vocab.REGIONS):
        mask = c.region == r
        suffix[mask] = _pick(rng, tx.REGION_SUFFIXES[region], int(mask.sum()))
        city[mask] = _pick(rng, tx.REGION_CITIES[region], int(mask.sum()))
    full = pd.Series(base + " " + suffix)
    rank = full.groupby(full).cumcount().to_numpy()
    dup = rank > 0
    tag = city.copy()
    tag[rank > 1] = tag[rank > 1] + " " + rank[rank > 1].astype(str).astype(object)
    base = np.where(dup, base + " " + tag, base)
    return (base + " " + suffix).astype(object)


def _customer_frame(
    c: _Customers, names: np.ndarray, arr: np.ndarray, fv_reached: np.ndarray
) -> pd.DataFrame:
    ids = _ids(c.n)
    status = np.where(c.churned, "churned", np.where(fv_reached, "active", "onboarding"))
    renewal = np.where(
        c.churned, _FAR, _next_contract_end(c.signed, c.term, np.full(c.n, c.as_of + 1))
    )
    return pd.DataFrame(
        {
            "id": ids,
            "external_id": pd.Series(ids).map("C{:06d}".format).astype("str"),
            "name": pd.Series(names, dtype="str"),
            "segment": pd.Series(np.asarray(vocab.SEGMENTS, dtype=object)[c.segment], dtype="str"),
            "region": pd.Series(np.asarray(vocab.REGIONS, dtype=object)[c.region], dtype="str"),
            "industry": pd.Series(np.asarray(vocab.INDUSTRIES, dtype=object)[c.industry], dtype="str"),
            "owner": pd.Series(np.asarray([o[0] for o in tx.CSM_OWNERS], dtype=object)[c.owner], dtype="str"),
            "plan": pd.Series(np.asarray(vocab.PLANS, dtype=object)[c.plan], dtype="str"),
            "signed_on": _dates(c.signed),
            "contract_term_months": c.term.astype("int64"),
            "renewal_date": _dates(renewal),
            "arr": arr,
            "status": pd.Series(status, dtype="str"),
            "churned_on": _dates(np.where(c.churned, c.churn_day, _FAR)),
        }
    )


# ============================================================================================
# Revenue months and the monthly panel behind health signals
# ============================================================================================


@dataclass
class _Panel:
    """One row per customer-month of revenue (signing month .. month before churn / as_of)."""

    cust: np.ndarray
    month: np.ndarray  # month numbers
    position: np.ndarray  # months since signing month
    first: np.ndarray  # row index of the customer's first row
    mrr: np.ndarray
    expanded: np.ndarray
    decline: np.ndarray


def _revenue_panel(c: _Customers, rng: np.random.Generator) -> _Panel:
    sign_m = _month_of(c.signed)
    last_m = np.where(
        c.churned, _month_of(np.minimum(c.churn_day, c.as_of)) - 1, _month_of(np.full(c.n, c.as_of))
    )
    count = last_m - sign_m + 1
    if (count < 1).any():  # cannot happen: churn is at least 35 days after signing
        raise AssertionError("a customer without revenue months")
    offsets = np.concatenate([[0], np.cumsum(count)[:-1]])
    cust = np.repeat(np.arange(c.n), count)
    rows = len(cust)
    first = np.repeat(offsets, count)
    position = np.arange(rows) - first
    month = sign_m[cust] + position
    mid_day = _month_start(month) + 14
    decline = _decline(c, cust, mid_day)
    e = c.engagement[cust]

    # Expansions: engaged customers buy more seats; none while declining or in the first months.
    rate_up = np.minimum(0.4 * np.exp(0.9 * e), 2.5)
    up = (rng.random(rows) < -np.expm1(-rate_up / 12.0)) & (position >= 2) & (decline < 0.3)
    rate_down = 0.05 * np.exp(-0.5 * e) + 1.2 * decline / np.maximum(c.amp[cust], 1e-9) * (c.amp[cust] > 0)
    down = (rng.random(rows) < -np.expm1(-rate_down / 12.0)) & ~up & (position >= 1)
    log_step = np.zeros(rows)
    log_step[up] = np.log1p(rng.uniform(0.1, 0.45, int(up.sum())))
    log_step[down] = np.log1p(-rng.uniform(0.1, 0.3, int(down.sum())))
    level = np.exp(_group_cumsum(log_step, first))
    mrr = np.round(c.arr0[cust] / 12.0 * level, 2)
    return _Panel(cust=cust, month=month, position=position, first=first, mrr=mrr,
                  expanded=up, decline=decline)


def _revenue_frame(p: _Panel) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": _ids(len(p.cust)),
            "customer_id": p.cust + 1,
            "month": _dates(_month_start(p.month)),
            "mrr": p.mrr,
        }
    )


def _health_frame(c: _Customers, p: _Panel, rng: np.random.Generator) -> pd.DataFrame:
    """Monthly raw signals (units of ``vocab.HEALTH_SIGNALS``) for the last ``HEALTH_MONTHS``."""
    rows = len(p.cust)
    e = c.engagement[p.cust]
    f = c.friction[p.cust]
    month_start = _month_start(p.month)
    month_end = np.minimum(_month_start(p.month + 1) - 1, c.as_of)
    tenure = month_start + 14 - c.signed[p.cust]
    decline = p.decline

    # Trailing counts need the whole history, so compute them on every row first.
    adv_rate = 0.6 * np.exp(1.1 * e - 2.0 * decline) * np.where(c.segment[p.cust] == 2, 1.5, 1.0)
    advocacy_events = (rng.random(rows) < -np.expm1(-adv_rate / 12.0)).astype(float)
    advocacy = _rolling_sum(advocacy_events, p.position, 12)
    expansion = (_rolling_sum(p.expanded.astype(float), p.position, 6) > 0).astype(float)

    # Professional services: at most one purchase per customer, counted for 12 months.
    buys = rng.random(c.n) < _sigmoid(0.0 + 1.0 * c.engagement + np.array([0.0, 0.5, 1.0])[c.segment])
    sign_m = _month_of(c.signed)
    last_m = _month_of(np.full(c.n, c.as_of))
    buy_month = sign_m + np.floor(rng.random(c.n) * (last_m - sign_m + 1)).astype("int64")
    amount = np.round(
        np.asarray(_SERVICES_MEDIAN)[c.segment] * np.exp(0.5 * rng.normal(size=c.n)), -2
    )
    since_buy = p.month - buy_month[p.cust]
    services = np.where(buys[p.cust] & (since_buy >= 0) & (since_buy < 12), amount[p.cust], 0.0)

    # Marketing unsubscribe: a few at random, about half of the customers on their way out.
    unsub_day = np.full(c.n, float(_FAR))
    random_unsub = rng.random(c.n) < 0.05
    unsub_day[random_unsub] = c.signed[random_unsub] + rng.uniform(0, 900, int(random_unsub.sum()))
    leaving = (c.amp > 1.0) & (rng.random(c.n) < 0.55)
    unsub_day[leaving] = c.churn_day[leaving] - rng.uniform(0.0, 0.8, int(leaving.sum())) * c.window[leaving]

    keep = p.month >= _month_of(np.array([c.as_of]))[0] - (HEALTH_MONTHS - 1)
    idx = np.flatnonzero(keep)
    k = len(idx)
    cust = p.cust[idx]
    e, f, decline, tenure = e[idx], f[idx], decline[idx], tenure[idx]
    seg = c.segment[cust]
    before_fv = c.fv_day[cust] > month_end[idx]
    new = tenure < 120

    h = e + 0.35 * rng.normal(size=k) - decline - 0.6 * before_fv
    usage = np.round(np.clip(_sigmoid(0.9 + 0.9 * h) * np.where(before_fv, 0.6, 1.0), 0.0, 1.0), 3)
    tickets = rng.poisson(
        np.asarray(_TICKETS)[seg] * np.exp(0.3 * e + 0.3 * f) * np.where(tenure < 90, 1.3, 1.0)
    ).astype(float)
    resolution = np.where(
        tickets > 0,
        np.maximum(np.round(9.0 * np.exp(0.5 * f - 0.15 * e + 0.5 * decline + 0.4 * rng.normal(size=k)), 1), 0.5),
        np.nan,
    )
    tutorials = rng.poisson(6.5 * np.exp(0.5 * h) * np.where(new, 1.6, 1.0)).astype(float)
    training = np.where(
        rng.random(k) < _sigmoid(-1.2 - 1.0 * e + decline),
        0.0,
        np.round(4.5 * np.exp(0.6 * e - 0.6 * decline + 0.5 * rng.normal(size=k)) * np.where(new, 1.8, 1.0), 1),
    )
    billing = rng.poisson(0.03 + c.bill_amp[cust] * decline / np.maximum(c.amp[cust], 1e-9)).astype(float)
    unsubscribed = (unsub_day[cust] <= month_end[idx]).astype(float)

    values = np.column_stack(
        [usage, tickets, resolution, tutorials, training, services[idx], expansion[idx],
         advocacy[idx], billing, unsubscribed]
    )
    keys = list(vocab.HEALTH_SIGNALS)
    expected = ["usage", "tickets_opened", "resolution_hours", "tutorial_views", "training_hours",
                "services_purchased", "expansion", "advocacy", "billing_issue", "marketing_unsubscribe"]
    assert keys == expected, "vocab.HEALTH_SIGNALS changed: update the demo generator"
    flat = values.ravel()
    present = ~np.isnan(flat)
    n_sig = len(keys)
    out_cust = np.repeat(cust + 1, n_sig)[present]
    out_month = np.repeat(month_start[idx], n_sig)[present]
    out_signal = np.tile(np.asarray(keys, dtype=object), k)[present]
    return pd.DataFrame(
        {
            "id": _ids(int(present.sum())),
            "customer_id": out_cust,
            "month": _dates(out_month),
            "signal": pd.Series(out_signal, dtype="str"),
            "value": flat[present],
        }
    )


# ============================================================================================
# Milestones
# ============================================================================================


def _milestone_frame(c: _Customers, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """Kickoff, first value, activation and success milestones; returns (frame, fv reached)."""
    n, A = c.n, c.as_of
    # Last day a milestone can be reached: as_of, or the day before churn.
    limit = np.where(c.churned, c.churn_day - 1, A)
    cust = np.arange(n)

    kickoff = c.signed + rng.integers(2, 11, n)
    fv_reached = c.fv_day <= limit
    fv_day = c.fv_day.astype("int64")

    act_day = fv_day + np.ceil(40.0 * np.exp(-0.3 * c.engagement + 0.5 * rng.normal(size=n))).astype("int64")
    has_act = fv_reached
    success_candidate = fv_reached & (act_day <= limit) & (c.engagement + 0.5 * rng.normal(size=n) > 0.2)
    success_day = act_day + np.ceil(90.0 * np.exp(0.5 * rng.normal(size=n))).astype("int64")

    parts = [
        (cust, "kickoff", np.full(n, tx.KICKOFF_NAME, dtype=object),
         np.where(kickoff <= limit, kickoff, _FAR), np.full(n, 7)),
        (cust, "first_value", _pick(rng, tx.FIRST_VALUE_NAMES, n),
         np.where(fv_reached, fv_day, _FAR), c.fv_target),
        (cust[has_act], "activation", _pick(rng, tx.ACTIVATION_NAMES, int(has_act.sum())),
         np.where(act_day <= limit, act_day, _FAR)[has_act], (c.fv_target + 60)[has_act]),
        (cust[success_candidate], "success", _pick(rng, tx.SUCCESS_NAMES, int(success_candidate.sum())),
         np.where(success_day <= limit, success_day, _FAR)[success_candidate],
         np.full(int(success_candidate.sum()), -1)),
    ]
    order_kind = {k: i for i, k in enumerate(vocab.MILESTONE_KINDS)}
    cust_all = np.concatenate([p[0] for p in parts])
    kind_all = np.concatenate([np.full(len(p[0]), p[1], dtype=object) for p in parts])
    kind_rank = np.concatenate([np.full(len(p[0]), order_kind[p[1]]) for p in parts])
    name_all = np.concatenate([p[2] for p in parts])
    reached_all = np.concatenate([p[3] for p in parts])
    target_all = np.concatenate([p[4] for p in parts])
    order = np.lexsort((kind_rank, cust_all))
    target = pd.array(target_all[order], dtype="Int64")
    target[target_all[order] < 0] = pd.NA
    frame = pd.DataFrame(
        {
            "id": _ids(len(order)),
            "customer_id": cust_all[order] + 1,
            "kind": pd.Series(kind_all[order], dtype="str"),
            "name": pd.Series(name_all[order], dtype="str"),
            "reached_on": _dates(reached_all[order]),
            "target_days": target,
        }
    )
    return frame, fv_reached


# ============================================================================================
# NPS
# ============================================================================================


def _nps_frames(c: _Customers, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    n, A = c.n, c.as_of
    end = np.where(c.churned, c.churn_day - 1, A)
    contacts = np.where(
        c.segment == 0, 1, np.where(c.segment == 1, 1 + (rng.random(n) < 0.5), 2 + rng.integers(0, 3, n))
    )
    # Onboarding survey ~60 days after signing; relationship surveys every ~6 months.
    waves_cust, waves_day, waves_tp = [], [], []
    onb_day = c.signed + 60 + rng.integers(0, 8, n)
    ok = onb_day <= end
    waves_cust.append(np.flatnonzero(ok))
    waves_day.append(onb_day[ok])
    waves_tp.append(np.full(int(ok.sum()), 1))
    n_rel = np.maximum((end - c.signed + 10) // 182, 0)
    rel_cust = np.repeat(np.arange(n), n_rel)
    rel_k = np.arange(len(rel_cust)) - np.repeat(np.concatenate([[0], np.cumsum(n_rel)[:-1]]), n_rel) + 1
    rel_day = c.signed[rel_cust] + 182 * rel_k + rng.integers(-10, 11, len(rel_cust))
    ok = rel_day <= end[rel_cust]
    waves_cust.append(rel_cust[ok])
    waves_day.append(rel_day[ok])
    waves_tp.append(np.full(int(ok.sum()), 0))
    w_cust = np.concatenate(waves_cust)
    w_day = np.concatenate(waves_day)
    w_tp = np.concatenate(waves_tp)
    # One send per contact.
    per = contacts[w_cust]
    s_cust = np.repeat(w_cust, per)
    s_day = np.repeat(w_day, per) + rng.integers(0, 3, int(per.sum()))
    s_day = np.minimum(s_day, A)
    s_tp = np.repeat(w_tp, per)
    order = np.lexsort((s_cust, s_day))
    s_cust, s_day, s_tp = s_cust[order], s_day[order], s_tp[order]
    touchpoints = np.array(["relationship", "onboarding"], dtype=object)
    sends = pd.DataFrame(
        {
            "id": _ids(len(s_cust)),
            "customer_id": pd.array(s_cust + 1, dtype="Int64"),
            "sent_on": _dates(s_day),
            "touchpoint": pd.Series(touchpoints[s_tp], dtype="str"),
        }
    )

    # Responses: about a third answer, fewer among customers drifting away.
    m = len(s_cust)
    e = c.engagement[s_cust]
    p_resp = _sigmoid(np.log(0.34 / 0.66) + 0.25 * e - 0.5 * _decline(c, s_cust, s_day))
    resp_day = s_day + rng.geometric(0.35, m) - 1
    answered = (rng.random(m) < p_resp) & (resp_day <= A)
    ri = np.flatnonzero(answered)
    r_cust, r_day, r_tp = s_cust[ri], resp_day[ri], s_tp[ri]
    k = len(ri)
    latent = (
        c.engagement[r_cust]
        + c.sentiment[r_cust]
        + 0.7 * rng.normal(size=k)
        - _decline(c, r_cust, r_day)
        + np.where(r_tp == 1, np.where(c.fv_day[r_cust] > r_day, -0.8, np.where(c.late[r_cust], -0.3, 0.3)), 0.0)
    )
    score = np.searchsorted(_SCORE_CUTS, latent).astype("int64")
    tone = np.where(score <= 6, 0, np.where(score <= 8, 1, 2))  # detractor, passive, promoter
    italy = c.italy[r_cust]
    lang = np.where(italy & (rng.random(k) < 0.9), "it", "en").astype(object)

    # Comments: about half, detractors more often; themes follow the customer's circumstances.
    has_comment = rng.random(k) < np.array([0.68, 0.42, 0.45])[tone]
    seg = c.segment[r_cust]
    f = c.friction[r_cust]
    onb = (r_tp == 1).astype(float)
    late = c.late[r_cust].astype(float) + 2.0 * c.stalled[r_cust]
    billing_trouble = (c.bill_amp[r_cust] * _decline(c, r_cust, r_day) / np.maximum(c.amp[r_cust], 1e-9)) > 0.3
    det, pas, pro = tone == 0, tone == 1, tone == 2
    weights = np.column_stack(
        [
            1.0 + 2.0 * onb + np.where(pro, 1.2 * (1 - np.minimum(late, 1)), 1.5 * late),  # onboarding
            1.0 + np.where(pro, 1.2 * np.maximum(-f, 0), 1.5 * np.maximum(f, 0)),  # support
            np.where(pro, 0.5, np.where(seg == 0, 2.0, 0.8)),  # price
            np.full(k, 1.0),  # reporting
            np.where(seg > 0, 1.4, 0.7),  # integrations
            0.8 + 0.6 * onb,  # training
            np.where(det, 0.4 + 4.0 * billing_trouble, 0.5),  # billing
            np.where(pro, 1.6, 1.0),  # csm
        ]
    )
    theme = _categorical(rng, weights)
    pick = rng.random(k)
    tone_names = ("detractor", "passive", "promoter")
    comments = np.full(k, None, dtype=object)
    for i in np.flatnonzero(has_comment):
        options = tx.NPS_COMMENTS[(lang[i], tone_names[tone[i]], tx.NPS_THEMES[theme[i]])]
        comments[i] = options[int(pick[i] * len(options))]

    # A few respondents answered anonymously: no customer, no send.
    anonymous = rng.random(k) < 0.03
    customer_id = pd.array(r_cust + 1, dtype="Int64")
    customer_id[anonymous] = pd.NA
    send_id = pd.array(ri + 1, dtype="Int64")
    send_id[anonymous] = pd.NA

    # Closed loop: owners follow detractors up; older ones are mostly done.
    owners = np.asarray([o[0] for o in tx.CSM_OWNERS], dtype=object)[c.owner[r_cust]]
    age = A - r_day
    u = rng.random(k)
    status = np.full(k, None, dtype=object)
    old = age > 30
    older, recent = det & old, det & ~old
    status[older] = np.where(u[older] < 0.86, "done", np.where(u[older] < 0.92, "not_needed", "open"))
    status[recent] = np.where(u[recent] < 0.45, "open", np.where(u[recent] < 0.8, "in_progress", "done"))
    status[pas & (u < 0.08)] = "done"
    status[pro & (u < 0.06)] = "done"
    status[anonymous & det] = "not_needed"
    status[anonymous & ~det] = None
    done = status == "done"
    done_day = np.where(done, r_day + np.minimum(rng.integers(1, 21, k), np.maximum(age, 0)), _FAR)
    due_day = np.where(np.isin(status, ["open", "in_progress", "done"]), r_day + 7, _FAR)
    owner_out = np.where(pd.isna(status) | anonymous, None, owners)
    notes = np.full(k, None, dtype=object)
    note_pick = rng.random(k)
    for i in np.flatnonzero(done | (status == "not_needed")):
        if anonymous[i]:
            notes[i] = tx.ANONYMOUS_FOLLOW_UP_NOTE
            continue
        options = tx.NPS_FOLLOW_UP_NOTES[tone_names[tone[i]]]
        notes[i] = options[int(note_pick[i] * len(options))]

    order = np.lexsort((ri, r_day))
    ids = _ids(k)
    responses = pd.DataFrame(
        {
            "id": ids,
            "external_id": pd.Series(ids).map("R{:07d}".format).astype("str"),
            "customer_id": customer_id[order],
            "send_id": send_id[order],
            "responded_on": _dates(r_day[order]),
            "score": score[order],
            "comment": pd.Series(comments[order], dtype="str"),
            "language": pd.Series(lang[order], dtype="str"),
            "touchpoint": pd.Series(touchpoints[r_tp[order]], dtype="str"),
            "follow_up_status": pd.Series(status[order], dtype="str"),
            "follow_up_owner": pd.Series(owner_out[order], dtype="str"),
            "follow_up_due": _dates(due_day[order]),
            "follow_up_done_on": _dates(done_day[order]),
            "follow_up_note": pd.Series(notes[order], dtype="str"),
        }
    )
    return sends, responses


# ============================================================================================
# Churn events
# ============================================================================================


def _churn_frame(c: _Customers, arr_lost: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    idx = np.flatnonzero(c.churned)
    k = len(idx)
    A = c.as_of
    day = c.churn_day[idx]
    reason = np.asarray(_REASON_KEYS, dtype=object)[c.reason[idx]]
    # The follow-up call happens 7-40 days after churn; recent churns are often still waiting.
    call_day = day + rng.integers(7, 41, k)
    reached = rng.random(k) < 0.86
    called = (call_day <= A) & reached
    confirmed = called & (rng.random(k) < 0.97)
    # Some very recent churns have no reason recorded yet.
    unknown = ~called & (A - day < 30) & (rng.random(k) < 0.5)
    primary = np.where(unknown, None, reason)
    category = np.array([None if r is None else vocab.CHURN_REASONS[r][1] for r in primary], dtype=object)
    controllable = pd.array(
        [None if r is None else vocab.CHURN_REASONS[r][2] for r in primary], dtype="boolean"
    )
    contributing = np.where(unknown, None, c.contributing[idx])
    pick = rng.random(k)
    notes = np.full(k, None, dtype=object)
    for i in np.flatnonzero(called):
        options = tx.CHURN_NOTES[reason[i]]
        notes[i] = options[int(pick[i] * len(options))]
    order = np.lexsort((idx, day))
    return pd.DataFrame(
        {
            "id": _ids(k),
            "customer_id": idx[order] + 1,
            "churned_on": _dates(day[order]),
            "arr_lost": arr_lost[idx][order],
            "primary_reason": pd.Series(primary[order], dtype="str"),
            "contributing_reasons": pd.Series(contributing[order], dtype="str"),
            "category": pd.Series(category[order], dtype="str"),
            "controllable": controllable[order],
            "reason_confirmed": confirmed[order],
            "follow_up_call_on": _dates(np.where(called, call_day, _FAR)[order]),
            "follow_up_notes": pd.Series(notes[order], dtype="str"),
        }
    )


# ============================================================================================
# Maturity self-assessment
# ============================================================================================


def _maturity_frames(as_of: dt.date, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    A = _day(as_of)
    teams = pd.DataFrame(
        {
            "id": _ids(len(tx.TEAMS)),
            "name": pd.Series([t[0] for t in tx.TEAMS], dtype="str"),
            "department": pd.Series([t[1] for t in tx.TEAMS], dtype="str"),
            "kind": pd.Series([t[2] for t in tx.TEAMS], dtype="str"),
        }
    )
    r1_open = int(_add_months(np.array([A]), -(ADOPTION_MONTHS + 1))[0])
    r1_close = r1_open + 24
    r2_open = A - 18
    rounds = pd.DataFrame(
        {
            "id": _ids(2),
            "name": pd.Series(
                [f"Maturity check {_month_label(r1_open, 'en')}", f"Maturity check {_month_label(r2_open, 'en')}"],
                dtype="str",
            ),
            "opened_on": _dates(np.array([r1_open, r2_open])),
            "closed_on": _dates(np.array([r1_close, _FAR])),
            "status": pd.Series(["closed", "open"], dtype="str"),
            "instrument_version": pd.Series(["1", "1"], dtype="str"),
        }
    )
    base_by_kind = {"customer_facing": 2.4, "internal": 1.8, "leadership": 2.0}
    dim_offset = {"culture": 0.15, "organization": -0.1, "customer_involvement": -0.3, "technology": 0.0}
    # Movement between the rounds: the customer-involvement push shows most.
    dim_gain = {"culture": 0.2, "organization": 0.1, "customer_involvement": 0.55, "technology": 0.15}
    role_offset = {"executive": 0.25, "manager": 0.1, "individual_contributor": 0.0}
    team_effect = rng.normal(0.0, 0.2, len(tx.TEAMS))

    a_rows: list[dict[str, Any]] = []
    ans_rows: list[dict[str, Any]] = []
    for r, (opened, closes) in enumerate(((r1_open, r1_close), (r2_open, A))):
        for t, (name, _dept, kind, size) in enumerate(tx.TEAMS):
            slug = "".join(w[0] for w in name.lower().split()) + f"{t + 1:02d}"
            for j in range(size):
                if kind == "leadership":
                    role = "executive" if j < size - 1 else "manager"
                elif j == 0:
                    role = "manager"
                elif j == 1 and name in ("Sales", "Customer Success Italy"):
                    role = "executive"
                else:
                    role = "individual_contributor"
                span = max(closes - opened, 1)
                day = opened + int(rng.integers(0, span + 1))
                minute = int(rng.integers(8 * 60, 17 * 60))  # office hours in Italy, in UTC
                submitted = dt.datetime.combine(
                    _EPOCH + dt.timedelta(days=day), dt.time(minute // 60, minute % 60), tzinfo=dt.UTC
                )
                a_rows.append(
                    {"round_id": r + 1, "team_id": t + 1, "respondent": f"{slug}-{j + 1:02d}",
                     "role": role, "submitted_at": submitted, "instrument_version": "1"}
                )
                person = rng.normal(0.0, 0.25)
                for dim in vocab.MATURITY_DIMENSIONS:
                    gain = dim_gain[dim] * (1.0 if kind != "internal" else 0.5) * r
                    x = (base_by_kind[kind] + dim_offset[dim] + gain + team_effect[t]
                         + role_offset[role] + person + rng.normal(0.0, 0.35))
                    stage = float(min(max(np.round(x * 2.0) / 2.0, 1.0), 5.0))
                    has_evidence = rng.random() < (0.55 if stage >= 3 else 0.3)
                    evidence = str(_pick(rng, tx.MATURITY_EVIDENCE[dim], 1)[0]) if has_evidence else None
                    conf_u = rng.random()
                    confidence = (
                        None if conf_u < 0.15 else "low" if conf_u < 0.35 else "medium" if conf_u < 0.75 else "high"
                    )
                    comment = str(_pick(rng, tx.MATURITY_COMMENTS, 1)[0]) if rng.random() < 0.12 else None
                    ans_rows.append(
                        {"assessment_id": len(a_rows), "dimension": dim, "stage": stage,
                         "evidence": evidence, "confidence": confidence, "comment": comment}
                    )
    assessments = pd.DataFrame(a_rows)
    assessments.insert(0, "id", _ids(len(assessments)))
    assessments["submitted_at"] = pd.to_datetime(assessments["submitted_at"], utc=True).astype(
        "datetime64[ns, UTC]"
    )
    answers = pd.DataFrame(ans_rows)
    answers.insert(0, "id", _ids(len(answers)))
    for col in ("respondent", "role", "instrument_version"):
        assessments[col] = assessments[col].astype("str")
    for col in ("dimension", "evidence", "confidence", "comment"):
        answers[col] = answers[col].astype("str")

    set_on = r1_close + 14
    company_targets = {"culture": 3.0, "organization": 3.0, "customer_involvement": 3.5, "technology": 3.0}
    t_rows = [
        {"team_id": pd.NA, "dimension": d, "target_stage": v, "set_on": set_on, "set_by": "Leadership team"}
        for d, v in company_targets.items()
    ]
    for t, (name, *_rest) in enumerate(tx.TEAMS):
        if name.startswith("Customer Success"):
            t_rows.append({"team_id": t + 1, "dimension": "customer_involvement", "target_stage": 4.0,
                           "set_on": set_on, "set_by": "Leadership team"})
    targets = pd.DataFrame(t_rows)
    targets.insert(0, "id", _ids(len(targets)))
    targets["team_id"] = targets["team_id"].astype("Int64")
    targets["set_on"] = _dates(targets["set_on"].to_numpy(dtype=float))
    for col in ("dimension", "set_by"):
        targets[col] = targets[col].astype("str")
    return {
        "team": teams,
        "assessment_round": rounds,
        "assessment": assessments,
        "assessment_answer": answers,
        "maturity_target": targets,
    }


def _month_label(day: int, lang: str) -> str:
    d = _EPOCH + dt.timedelta(days=int(day))
    names = _MONTHS_EN if lang == "en" else _MONTHS_IT
    return f"{names[d.month - 1]} {d.year}"


# ============================================================================================
# Meetings
# ============================================================================================

_DEPT_SHARES: dict[str, float] = {
    "Board": 0.07, "IT": 0.16, "Logistics": 0.13, "Administration": 0.12, "Sales": 0.16,
    "Customer Success": 0.16, "Marketing": 0.10, "Product": 0.10,
}
#: (P(direct), P(indirect)) per agenda item: before adoption (or never adopting), after adoption.
_RELEVANCE_BEFORE: dict[str, tuple[float, float]] = {
    "Board": (0.025, 0.03), "IT": (0.01, 0.025), "Logistics": (0.02, 0.03),
    "Administration": (0.01, 0.02), "Sales": (0.03, 0.03), "Customer Success": (0.05, 0.04),
    "Marketing": (0.02, 0.035), "Product": (0.02, 0.035),
}
_RELEVANCE_AFTER: dict[str, tuple[float, float]] = {
    "Board": (0.10, 0.07), "Logistics": (0.09, 0.07), "Sales": (0.10, 0.07),
    "Customer Success": (0.15, 0.07),
}
_DURATIONS: dict[str, tuple[tuple[int, ...], tuple[float, ...]]] = {
    "board": ((90, 120), (0.5, 0.5)),
    "executive": ((60, 90, 120), (0.4, 0.4, 0.2)),
    "department": ((30, 45, 60, 90), (0.2, 0.35, 0.35, 0.1)),
    "project": ((45, 60, 90), (0.35, 0.45, 0.2)),
    "other": ((30, 45, 60), (0.4, 0.3, 0.3)),
}


def meeting_count(customers: int) -> int:
    """Meetings generated for a company of ``customers`` (~400 at the default size, at most 2000)."""
    return int(min(max(round(400 * (customers / DEFAULT_CUSTOMERS) ** 0.25), 60), 2000))


def customer_item_adoption_date(as_of: dt.date) -> dt.date:
    """The day ``CUSTOMER_ITEM_ADOPTERS`` made the customer item mandatory in the demo."""
    return _EPOCH + dt.timedelta(days=int(_add_months(np.array([_day(as_of)]), -ADOPTION_MONTHS)[0]))


def _meeting_frames(
    c: _Customers, names: np.ndarray, as_of: dt.date, rng: np.random.Generator
) -> dict[str, pd.DataFrame]:
    A = c.as_of
    n = meeting_count(c.n)
    adoption = _day(customer_item_adoption_date(as_of))
    days = A - rng.integers(0, MEETING_DAYS, n)
    weekday = (days + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
    days = np.where(weekday == 5, days - 1, np.where(weekday == 6, days - 2, days))
    depts = list(_DEPT_SHARES)
    dept_idx = rng.choice(len(depts), size=n, p=list(_DEPT_SHARES.values()))
    order = np.lexsort((dept_idx, days))
    days, dept_idx = days[order], dept_idx[order]

    m_rows: list[dict[str, Any]] = []
    i_rows: list[dict[str, Any]] = []
    d_rows: list[dict[str, Any]] = []
    for mi in range(n):
        day, dept = int(days[mi]), depts[dept_idx[mi]]
        lang = "it" if rng.random() < 0.15 else "en"
        if dept == "Board":
            mtype = "board" if rng.random() < 0.8 else "executive"
        else:
            mtype = str(
                rng.choice(["department", "project", "other", "executive"], p=[0.55, 0.25, 0.12, 0.08])
            )
        durations, probs = _DURATIONS[mtype]
        duration = int(rng.choice(durations, p=probs))
        attendees = int(rng.integers(6, 11) if mtype == "board" else rng.integers(3, 13))
        title = str(_pick(rng, tx.MEETING_TITLES[lang][mtype], 1)[0]).format(
            dept=dept, month=_month_label(day, lang)
        )
        adopted = dept in CUSTOMER_ITEM_ADOPTERS and day >= adoption
        p_direct, p_indirect = (_RELEVANCE_AFTER if adopted else _RELEVANCE_BEFORE)[dept]
        k = int(min(rng.integers(3, 9), duration // 10))
        weights = rng.dirichlet(np.full(k, 2.0))
        usable = duration * rng.uniform(0.8, 1.0)
        minutes = 5.0 + np.floor((usable - 5 * k) * weights / 5.0) * 5.0
        u = rng.random(k)
        relevance = np.where(u < p_direct, "direct", np.where(u < p_direct + p_indirect, "indirect", "none"))
        first_item = len(i_rows)
        recent = day > A - 180
        # Customers that existed at the time, for titles that name one.
        existing = int(np.searchsorted(c.signed, day, side="right"))
        for pos in range(k):
            pool = tx.AGENDA_TITLES[lang][dept][relevance[pos]]
            item_title = str(_pick(rng, pool, 1)[0])
            if "{customer}" in item_title:
                who = names[int(rng.integers(0, max(existing, 1)))]
                item_title = item_title.format(customer=who)
            source = "suggestion" if recent and rng.random() < 0.25 else "person"
            i_rows.append(
                {"meeting_id": mi + 1, "position": pos + 1, "title": item_title,
                 "minutes": float(minutes[pos]), "relevance": str(relevance[pos]),
                 "relevance_source": source}
            )
        about_customer = relevance != "none"
        p_fill = 0.88 if adopted else (0.04 if dept in CUSTOMER_ITEM_ADOPTERS else 0.07)
        filled = bool(rng.random() < p_fill)
        if filled:
            item_text = (
                str(_pick(rng, tx.CUSTOMER_ITEM_TEXTS[lang], 1)[0])
                if about_customer.any()
                else tx.CUSTOMER_ITEM_NOTHING[lang]
            )
        else:
            item_text = None
        m_rows.append(
            {"external_id": f"MTG-{mi + 1:05d}", "held_on": day, "department": dept,
             "meeting_type": mtype, "title": title, "duration_minutes": duration,
             "attendees": attendees, "customer_item_filled": filled, "customer_item_text": item_text}
        )
        n_dec = int(rng.choice(4, p=[0.25, 0.35, 0.25, 0.15]))
        for pos in rng.choice(k, size=min(n_dec, k), replace=False):
            on_customer = bool(about_customer[pos])
            probs_impact = [0.65, 0.32, 0.03] if on_customer else [0.10, 0.84, 0.06]
            impact = str(rng.choice(vocab.CX_IMPACTS, p=probs_impact))
            d_rows.append(
                {"meeting_id": mi + 1, "agenda_item_id": first_item + int(pos) + 1,
                 "text": str(_pick(rng, tx.DECISION_TEXTS[(on_customer, impact)], 1)[0]),
                 "cx_impact": impact}
            )
    meetings = pd.DataFrame(m_rows)
    meetings.insert(0, "id", _ids(len(meetings)))
    meetings["held_on"] = _dates(meetings["held_on"].to_numpy(dtype=float))
    meetings["attendees"] = meetings["attendees"].astype("Int64")
    items = pd.DataFrame(i_rows)
    items.insert(0, "id", _ids(len(items)))
    decisions = pd.DataFrame(d_rows, columns=["meeting_id", "agenda_item_id", "text", "cx_impact"])
    decisions.insert(0, "id", _ids(len(decisions)))
    decisions["meeting_id"] = decisions["meeting_id"].astype("int64")
    decisions["agenda_item_id"] = decisions["agenda_item_id"].astype("Int64")
    for frame in (meetings, items, decisions):
        for col in frame.columns:
            if frame[col].dtype == object:
                frame[col] = frame[col].astype("str")
    return {"meeting": meetings, "agenda_item": items, "decision": decisions}


# ============================================================================================
# Public API
# ============================================================================================


def generate(
    *, customers: int = DEFAULT_CUSTOMERS, seed: int = DEFAULT_SEED, as_of: dt.date | None = None
) -> dict[str, pd.DataFrame]:
    """Generate the demo company as one DataFrame per table, without touching a database.

    Parameters
    ----------
    customers
        Customers ever signed (churned ones included), 1 to ``MAX_CUSTOMERS``.
    seed
        Seed of ``numpy.random.default_rng``; the same ``(customers, seed, as_of)`` always gives
        identical frames.
    as_of
        The last day of the history (default: today). Three years of customers end here,
        health signals cover its last 24 months, meetings its last two years.

    Returns
    -------
    dict of str to DataFrame
        Keys are table names (``customer``, ``revenue_month``, ``nps_survey_send``,
        ``nps_response``, ``milestone``, ``health_signal``, ``churn_event``, ``team``,
        ``assessment_round``, ``assessment``, ``assessment_answer``, ``maturity_target``,
        ``meeting``, ``agenda_item``, ``decision``); columns are the model's columns, in model
        order, with integer ``id`` 1..n so that foreign keys line up. Dates are
        ``datetime64[ns]`` (NaT when empty), timestamps ``datetime64[ns, UTC]``, nullable
        integers ``Int64``, texts ``str``.

    Raises
    ------
    DataError
        Invalid arguments (see ``check_demo_args``).

    Example
    -------
    >>> frames = generate(customers=50, seed=1, as_of=dt.date(2026, 10, 31))
    >>> len(frames["customer"]), frames["customer"]["external_id"].iloc[0]
    (50, 'C000001')
    """
    n, seed, as_of = check_demo_args(customers, seed, as_of)
    # One independent stream per part, so that changing one part leaves the others as they were.
    streams = np.random.default_rng(seed).spawn(9)
    c = _simulate_customers(n, as_of, streams[0])
    names = _company_names(c, streams[1])
    panel = _revenue_panel(c, streams[2])
    last_row = np.concatenate([np.flatnonzero(np.diff(panel.cust)), [len(panel.cust) - 1]])
    arr = np.round(12.0 * panel.mrr[last_row], 2)  # current ARR, or ARR at churn
    milestones, fv_reached = _milestone_frame(c, streams[3])
    sends, responses = _nps_frames(c, streams[4])
    frames: dict[str, pd.DataFrame] = {
        "customer": _customer_frame(c, names, arr, fv_reached),
        "revenue_month": _revenue_frame(panel),
        "nps_survey_send": sends,
        "nps_response": responses,
        "milestone": milestones,
        "health_signal": _health_frame(c, panel, streams[5]),
        "churn_event": _churn_frame(c, arr, streams[6]),
    }
    frames.update(_maturity_frames(as_of, streams[7]))
    frames.update(_meeting_frames(c, names, as_of, streams[8]))
    by_name = {t.__tablename__: t for t in models.TABLES_IN_ORDER}
    for name, frame in frames.items():
        columns = [col.name for col in by_name[name].__table__.columns]
        frames[name] = frame[columns].reset_index(drop=True)
    return frames


def _python_values(series: pd.Series, column_type: Any) -> list[Any]:
    """A column as Python values for the DBAPI: dates as ``date``, missing as None."""
    missing = series.isna().to_numpy()
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl
    if isinstance(column_type, DateTime):
        values = np.asarray(series.dt.to_pydatetime(), dtype=object)
    elif isinstance(column_type, Date):
        values = np.asarray(series.dt.date, dtype=object)
    elif series.dtype.kind in "iub" and not missing.any():
        return series.tolist()
    else:
        values = series.astype(object).to_numpy()
    if missing.any():
        values = values.copy()
        values[missing] = None
    return values.tolist()


def _chunks(frame: pd.DataFrame, table: Any, size: int = CHUNK_ROWS) -> Iterator[list[dict[str, Any]]]:
    columns = [col.name for col in table.columns]
    types = {col.name: col.type for col in table.columns}
    for start in range(0, len(frame), size):
        part = frame.iloc[start : start + size]
        lists = [_python_values(part[name], types[name]) for name in columns]
        yield [dict(zip(columns, row)) for row in zip(*lists)]


def _data_tables() -> list[Any]:
    """Tables ``load_demo`` replaces: all but the health-model versions, import log and app_meta."""
    keep = (models.AppMeta, models.HealthModel, models.ImportLog)
    return [t for t in models.TABLES_IN_ORDER if t not in keep]


def _rows_present(conn: Connection) -> dict[str, bool]:
    present = {}
    for table in _data_tables():
        t = table.__table__
        present[t.name] = conn.execute(select(t.c.id).limit(1)).first() is not None
    return present


def _check_schema(conn: Connection) -> None:
    existing = set(inspect(conn).get_table_names())
    missing = [t.__tablename__ for t in models.TABLES_IN_ORDER if t.__tablename__ not in existing]
    if missing:
        raise SchemaError(
            f"The database has no table {missing[0]!r} (and {len(missing) - 1} more missing). "
            "Create the schema first with cs_metrics.storage.db.upgrade(engine)."
        )


def load_demo(
    engine: Engine,
    *,
    customers: int = DEFAULT_CUSTOMERS,
    seed: int = DEFAULT_SEED,
    as_of: dt.date | None = None,
    replace: bool = False,
) -> dict[str, int]:
    """Generate the demo company and write it to the database in one transaction.

    Parameters
    ----------
    engine
        A SQLAlchemy engine whose schema is at the newest revision (``db.upgrade``).
    customers, seed, as_of
        As in ``generate``.
    replace
        Delete the existing data first (every data table; health-model versions, the import
        log and ``app_meta`` keys other than the demo's are kept). Without it a database that
        already holds data is refused.

    Returns
    -------
    dict of str to int
        Rows written per table.

    Raises
    ------
    DataError
        The database already holds data and ``replace`` is False, or the arguments are invalid.
        Nothing is written in either case.
    SchemaError
        The schema has not been created.
    """
    customers, seed, as_of = check_demo_args(customers, seed, as_of)
    with engine.connect() as conn:  # fail fast, before spending time generating
        _check_schema(conn)
        if not replace:
            _refuse_if_data(conn)
    frames = generate(customers=customers, seed=seed, as_of=as_of)
    meta = {
        "dataset": "demo",
        "demo_seed": str(seed),
        "demo_customers": str(customers),
        "demo_as_of": as_of.isoformat(),
        "generated_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        if replace:
            for table in reversed(_data_tables()):
                conn.execute(delete(table))
        else:
            _refuse_if_data(conn)
        app_meta = models.AppMeta.__table__
        conn.execute(delete(app_meta).where(app_meta.c.key.in_(DEMO_META_KEYS)))
        conn.execute(app_meta.insert(), [{"key": k, "value": v} for k, v in meta.items()])
        for table in _data_tables():
            t = table.__table__
            frame = frames[t.name]
            for rows in _chunks(frame, t):
                conn.execute(t.insert(), rows)
            counts[t.name] = len(frame)
        if conn.dialect.name == "postgresql":
            for table in _data_tables():
                name = table.__tablename__
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {name}"
                    )
                )
    return counts


def _refuse_if_data(conn: Connection) -> None:
    present = [name for name, has in _rows_present(conn).items() if has]
    if present:
        customers = conn.execute(select(func.count()).select_from(models.Customer.__table__)).scalar_one()
        held = f"{customers:,} customers" if customers else f"rows in {present[0]}"
        raise DataError(
            f"The database already holds data ({held}). Load the demo with replace=True "
            "(command line: --replace) to delete it first, or clear the data on the Data page. "
            "Nothing was changed."
        )


# ============================================================================================
# Command line
# ============================================================================================


def _iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {value!r}") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: generate the demo company and load it; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m cs_metrics.storage.demo",
        description="Load the Outside In demo company into a database.",
    )
    parser.add_argument(
        "--customers", type=int, default=DEFAULT_CUSTOMERS, help="customers ever signed (default %(default)s)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    parser.add_argument(
        "--database-url", default=None, help="default: $DATABASE_URL, else the embedded SQLite file"
    )
    parser.add_argument(
        "--as-of", type=_iso_date, default=None, help="last day of the history, YYYY-MM-DD (default: today)"
    )
    parser.add_argument("--replace", action="store_true", help="delete existing data first")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        customers, seed, as_of = check_demo_args(args.customers, args.seed, args.as_of)
        from cs_metrics.storage.db import make_engine, upgrade

        engine = make_engine(args.database_url)
        upgrade(engine)
        counts = load_demo(engine, customers=customers, seed=seed, as_of=as_of, replace=args.replace)
    except (DataError, ConfigurationError, SchemaError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(f"error: the database refused the demo data: {reason}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    summary = ", ".join(f"{name} {count:,}" for name, count in counts.items())
    print(f"Demo company loaded (seed {seed}, as of {as_of.isoformat()}) in {seconds:.1f} s: {summary}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
