"""The customers and their lives: hidden traits, first value, churn and the revenue months.

Everything is drawn from one random stream per part (see ``company.generate``) into numpy arrays
indexed by customer id - 1; days are day numbers (``arrays.day_number``). The causal design is
described in the package docstring of ``cs_metrics.storage.demo``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from cs_metrics import vocab
from cs_metrics.storage.demo import customer_texts as tx
from cs_metrics.storage.demo.arrays import (
    NEVER,
    add_months_to_day_numbers,
    categorical_draws,
    day_number,
    group_cumsum,
    month_numbers,
    month_start_day_numbers,
    next_contract_end,
    sigmoid,
)
from cs_metrics.storage.demo.settings import ESTABLISHED_DAYS, FIRST_VALUE_TARGET_DAYS, HISTORY_MONTHS

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

_CONTROLLABLE_REASONS: tuple[str, ...] = (
    "no_value", "poor_onboarding", "price", "budget_cut", "competitor", "missing_feature",
    "support_experience", "champion_left", "wrong_fit",
)
#: The churn reasons in ``vocab.CHURN_REASONS`` order; ``Customers.reason`` indexes into it.
REASON_KEYS: tuple[str, ...] = tuple(vocab.CHURN_REASONS)

# Churn sources: early churn, the controllable hazard, company events.
_EARLY, _CONTROLLABLE, _EVENT = 1, 2, 3


@dataclass
class Customers:
    """Per-customer arrays (index = customer id - 1); days are day numbers."""

    n: int
    as_of: int
    history_start: int  # first day of the history; established customers signed before it
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
    churn_day: np.ndarray  # simulated churn day, possibly after as_of
    churned: np.ndarray  # churn_day <= as_of
    reason: np.ndarray  # index into REASON_KEYS
    contributing: np.ndarray  # object: ";"-joined keys or None
    amp: np.ndarray  # size of the pre-churn decline
    window: np.ndarray  # days over which the decline builds up
    bill_amp: np.ndarray
    italy: np.ndarray


def simulate_customers(
    n: int, as_of: dt.date, rng: np.random.Generator, *, established: float = 0.0
) -> Customers:
    """Draw ``n`` customers and their lives: a share ``established`` of them signed in the
    ``ESTABLISHED_DAYS`` before the ``HISTORY_MONTHS`` up to ``as_of``, the others during them."""
    A = day_number(as_of)
    start = int(add_months_to_day_numbers(np.array([A]), -HISTORY_MONTHS)[0])
    span = A - start
    n_old = int(round(established * n))
    # Growing business: signing density rises exponentially, ~2.7x from first to last day.
    growth = 1.0
    u = np.log1p(rng.random(n - n_old) * np.expm1(growth)) / growth
    signed = start + np.minimum(np.floor(u * (span + 1)), span).astype("int64")
    if n_old:
        signed = np.concatenate([start - rng.integers(1, ESTABLISHED_DAYS + 1, n_old), signed])
    signed = np.sort(signed)
    # Customers of the established base were still customers when the history began; their
    # churn clocks (memoryless) start then, at least a month of revenue before any churn, and
    # early churn is behind them.
    old = signed < start

    segment = rng.choice(3, size=n, p=_SEGMENT_SHARES)
    region = rng.choice(len(vocab.REGIONS), size=n, p=_REGION_SHARES)
    industry = rng.choice(len(vocab.INDUSTRIES), size=n, p=_INDUSTRY_SHARES)
    plan = categorical_draws(rng, np.asarray(_PLAN_SHARES)[segment])
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
    stalled = rng.random(n) < sigmoid(-3.6 - 0.8 * engagement)
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
    tau = np.where(old, start + 35, signed + 75) + np.minimum(
        rng.exponential(365.0 / hazard), 20 * 365
    ).astype("int64")
    ctrl_day = np.where(term == 1, tau, next_contract_end(signed, term, tau))
    # Early churn (within 90 days): wrong fit or an onboarding that goes nowhere.
    early = (rng.random(n) < sigmoid(-5.0 - 0.6 * engagement + 0.9 * late + 1.6 * stalled)) & ~old
    early_day = np.where(early, signed + rng.integers(35, 91, n), NEVER)
    # Company events, blind to engagement.
    event_day = np.where(old, start, signed) + 35 + np.minimum(
        rng.exponential(365.0 / np.asarray(_EVENT_HAZARD)[segment]), 20 * 365
    ).astype("int64")
    candidates = np.stack([early_day, ctrl_day, event_day])
    source = np.argmin(candidates, axis=0) + 1  # _EARLY, _CONTROLLABLE, _EVENT
    churn_day = candidates.min(axis=0)
    churned = churn_day <= A

    reason, contributing = _churn_reasons(
        rng, source, segment, engagement, friction, late, stalled, fv_day, churn_day
    )

    # Pre-churn decline of health: size and length depend on why the customer leaves.
    amp = np.zeros(n)
    window = np.full(n, 120.0)
    bill_amp = np.zeros(n)
    rk = np.asarray(REASON_KEYS)[reason]
    is_ctrl = source == _CONTROLLABLE
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

    return Customers(
        n=n, as_of=A, history_start=start, signed=signed, segment=segment, region=region, industry=industry,
        plan=plan, term=term, owner=owner, engagement=engagement, sentiment=sentiment,
        friction=friction, arr0=arr0, fv_day=fv_day, fv_target=fv_target, late=late,
        stalled=stalled, churn_day=churn_day, churned=churned, reason=reason,
        contributing=contributing, amp=amp, window=window, bill_amp=bill_amp, italy=italy,
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
    """Primary reason (index into ``REASON_KEYS``) and contributing reasons per customer.

    Reasons follow the circumstances: a slow or stalled onboarding makes ``poor_onboarding``
    likely, low engagement ``no_value``, support friction ``support_experience``; SMB leans to
    ``price``, larger accounts to ``missing_feature`` and ``champion_left``.
    """
    n = len(source)
    key = {k: i for i, k in enumerate(REASON_KEYS)}
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
        picks = [ctrl[j] for j in ranked[i, 1:4] if ctrl[j] != REASON_KEYS[reason[i]]]
        contributing[i] = ";".join(picks[: how_many[i]])
    return reason.astype("int64"), contributing


def decline(c: Customers, cust: np.ndarray, day: np.ndarray) -> np.ndarray:
    """How far customer ``cust`` has declined on ``day`` (0 = not at all, up to ``amp``)."""
    begin = c.churn_day[cust] - c.window[cust]
    share = np.clip((np.asarray(day, dtype=float) - begin) / c.window[cust], 0.0, 1.0)
    return c.amp[cust] * share


@dataclass
class Panel:
    """One row per customer-month of revenue (signing month, or the history's first month for
    an established customer, .. month before churn / as_of)."""

    cust: np.ndarray
    month: np.ndarray  # month numbers
    position: np.ndarray  # months since signing month
    row: np.ndarray  # row within the customer's months (0 = first month in the panel)
    mrr: np.ndarray
    expanded: np.ndarray
    decline: np.ndarray


def revenue_panel(c: Customers, rng: np.random.Generator) -> Panel:
    """The customers' months of revenue, with expansions and contractions along the way."""
    sign_m = month_numbers(c.signed)
    first_m = np.maximum(sign_m, month_numbers(np.array([c.history_start]))[0])
    last_m = np.where(
        c.churned, month_numbers(np.minimum(c.churn_day, c.as_of)) - 1, month_numbers(np.full(c.n, c.as_of))
    )
    count = last_m - first_m + 1
    if (count < 1).any():  # cannot happen: churn is at least 35 days after signing
        raise AssertionError("a customer without revenue months")
    offsets = np.concatenate([[0], np.cumsum(count)[:-1]])
    cust = np.repeat(np.arange(c.n), count)
    rows = len(cust)
    first = np.repeat(offsets, count)
    row = np.arange(rows) - first
    month = first_m[cust] + row
    position = month - sign_m[cust]
    mid_day = month_start_day_numbers(month) + 14
    declined = decline(c, cust, mid_day)
    e = c.engagement[cust]

    # Expansions: engaged customers buy more seats; none while declining or in the first months.
    rate_up = np.minimum(0.4 * np.exp(0.9 * e), 2.5)
    up = (rng.random(rows) < -np.expm1(-rate_up / 12.0)) & (position >= 2) & (declined < 0.3)
    rate_down = 0.05 * np.exp(-0.5 * e) + 1.2 * declined / np.maximum(c.amp[cust], 1e-9) * (c.amp[cust] > 0)
    down = (rng.random(rows) < -np.expm1(-rate_down / 12.0)) & ~up & (position >= 1)
    log_step = np.zeros(rows)
    log_step[up] = np.log1p(rng.uniform(0.1, 0.45, int(up.sum())))
    log_step[down] = np.log1p(-rng.uniform(0.1, 0.3, int(down.sum())))
    level = np.exp(group_cumsum(log_step, first))
    mrr = np.round(c.arr0[cust] / 12.0 * level, 2)
    return Panel(cust=cust, month=month, position=position, row=row, mrr=mrr, expanded=up, decline=declined)
