"""Tables built from the simulated customers: customers, revenue, health signals, milestones, churn.

Each function returns one table of the data model as a DataFrame with the model's columns and
integer ``id`` 1..n (``company.generate`` puts the columns in model order).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cs_metrics import vocab
from cs_metrics.storage.demo import customer_texts as tx
from cs_metrics.storage.demo.arrays import (
    NEVER,
    coded_texts,
    day_numbers_to_datetimes,
    ids,
    month_numbers,
    month_start_day_numbers,
    next_contract_end,
    numbered,
    pick,
    rolling_sum,
    sigmoid,
)
from cs_metrics.storage.demo.settings import HEALTH_MONTHS
from cs_metrics.storage.demo.simulation import REASON_KEYS, Customers, Panel

#: Support tickets per month for an average customer, per segment.
_TICKETS = (2.0, 3.0, 4.5)
#: Median professional services purchase per segment.
_SERVICES_MEDIAN = (2_500.0, 7_000.0, 18_000.0)


# ============================================================================================
# Customers
# ============================================================================================


def company_names(c: Customers, rng: np.random.Generator) -> np.ndarray:
    """A unique company name per customer: Italian names in Italy, international ones elsewhere."""
    n = c.n
    industries = vocab.INDUSTRIES
    it_words = np.array([[w for w in tx.ITALIAN_SECTOR_WORDS[i]] for i in industries], dtype=object)
    en_words = np.array([[w for w in tx.INTERNATIONAL_SECTOR_WORDS[i]] for i in industries], dtype=object)
    word_idx = rng.integers(0, it_words.shape[1], n)
    surname = pick(rng, tx.ITALIAN_SURNAMES, n)
    prefix = pick(rng, tx.INTERNATIONAL_PREFIXES, n)
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
        suffix[mask] = pick(rng, tx.REGION_SUFFIXES[region], int(mask.sum()))
        city[mask] = pick(rng, tx.REGION_CITIES[region], int(mask.sum()))
    full = pd.Series(base + " " + suffix)
    rank = full.groupby(full).cumcount().to_numpy()
    dup = rank > 0
    tag = city.copy()
    tag[rank > 1] = tag[rank > 1] + " " + rank[rank > 1].astype(str).astype(object)
    base = np.where(dup, base + " " + tag, base)
    return (base + " " + suffix).astype(object)


def customer_frame(
    c: Customers, names: np.ndarray, arr: np.ndarray, fv_reached: np.ndarray
) -> pd.DataFrame:
    """The ``customer`` table: who, where, contract, current ARR and status."""
    row_ids = ids(c.n)
    status = np.where(c.churned, "churned", np.where(fv_reached, "active", "onboarding"))
    renewal = np.where(
        c.churned, NEVER, next_contract_end(c.signed, c.term, np.full(c.n, c.as_of + 1))
    )
    return pd.DataFrame(
        {
            "id": row_ids,
            "external_id": numbered("C", row_ids, 6),
            "name": pd.Series(names, dtype="str"),
            "segment": pd.Series(np.asarray(vocab.SEGMENTS, dtype=object)[c.segment], dtype="str"),
            "region": pd.Series(np.asarray(vocab.REGIONS, dtype=object)[c.region], dtype="str"),
            "industry": pd.Series(np.asarray(vocab.INDUSTRIES, dtype=object)[c.industry], dtype="str"),
            "owner": pd.Series(np.asarray([o[0] for o in tx.CSM_OWNERS], dtype=object)[c.owner], dtype="str"),
            "plan": pd.Series(np.asarray(vocab.PLANS, dtype=object)[c.plan], dtype="str"),
            "signed_on": day_numbers_to_datetimes(c.signed),
            "contract_term_months": c.term.astype("int64"),
            "renewal_date": day_numbers_to_datetimes(renewal),
            "arr": arr,
            "status": pd.Series(status, dtype="str"),
            "churned_on": day_numbers_to_datetimes(np.where(c.churned, c.churn_day, NEVER)),
        }
    )


# ============================================================================================
# Revenue months and the monthly health signals
# ============================================================================================


def revenue_frame(p: Panel) -> pd.DataFrame:
    """The ``revenue_month`` table: one row per customer-month of the panel."""
    return pd.DataFrame(
        {
            "id": ids(len(p.cust)),
            "customer_id": p.cust + 1,
            "month": day_numbers_to_datetimes(month_start_day_numbers(p.month)),
            "mrr": p.mrr,
        }
    )


def health_frame(
    c: Customers, p: Panel, rng: np.random.Generator, *, months: int = HEALTH_MONTHS
) -> pd.DataFrame:
    """Monthly raw signals (units of ``vocab.HEALTH_SIGNALS``) for the last ``months``."""
    keep = p.month >= month_numbers(np.array([c.as_of]))[0] - (months - 1)
    idx = np.flatnonzero(keep)
    advocacy, expansion = _trailing_signals(c, p, rng, idx)
    cust = p.cust[idx]
    month = p.month[idx]

    # Professional services: at most one purchase per customer, counted for 12 months.
    buys = rng.random(c.n) < sigmoid(0.0 + 1.0 * c.engagement + np.array([0.0, 0.5, 1.0])[c.segment])
    sign_m = month_numbers(c.signed)
    last_m = month_numbers(np.full(c.n, c.as_of))
    buy_month = sign_m + np.floor(rng.random(c.n) * (last_m - sign_m + 1)).astype("int64")
    amount = np.round(
        np.asarray(_SERVICES_MEDIAN)[c.segment] * np.exp(0.5 * rng.normal(size=c.n)), -2
    )
    since_buy = month - buy_month[cust]
    services = np.where(buys[cust] & (since_buy >= 0) & (since_buy < 12), amount[cust], 0.0)

    # Marketing unsubscribe: a few at random, about half of the customers on their way out.
    unsub_day = np.full(c.n, float(NEVER))
    random_unsub = rng.random(c.n) < 0.05
    unsub_day[random_unsub] = c.signed[random_unsub] + rng.uniform(0, 900, int(random_unsub.sum()))
    leaving = (c.amp > 1.0) & (rng.random(c.n) < 0.55)
    unsub_day[leaving] = c.churn_day[leaving] - rng.uniform(0.0, 0.8, int(leaving.sum())) * c.window[leaving]

    k = len(idx)
    e = c.engagement[cust]
    f = c.friction[cust]
    decline = p.decline[idx]
    month_start = month_start_day_numbers(month)
    month_end = np.minimum(month_start_day_numbers(month + 1) - 1, c.as_of)
    tenure = month_start + 14 - c.signed[cust]
    seg = c.segment[cust]
    before_fv = c.fv_day[cust] > month_end
    new = tenure < 120

    h = e + 0.35 * rng.normal(size=k) - decline - 0.6 * before_fv
    usage = np.round(np.clip(sigmoid(0.9 + 0.9 * h) * np.where(before_fv, 0.6, 1.0), 0.0, 1.0), 3)
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
        rng.random(k) < sigmoid(-1.2 - 1.0 * e + decline),
        0.0,
        np.round(4.5 * np.exp(0.6 * e - 0.6 * decline + 0.5 * rng.normal(size=k)) * np.where(new, 1.8, 1.0), 1),
    )
    billing = rng.poisson(0.03 + c.bill_amp[cust] * decline / np.maximum(c.amp[cust], 1e-9)).astype(float)
    unsubscribed = (unsub_day[cust] <= month_end).astype(float)

    values = np.column_stack(
        [usage, tickets, resolution, tutorials, training, services, expansion, advocacy, billing,
         unsubscribed]
    )
    keys = list(vocab.HEALTH_SIGNALS)
    expected = ["usage", "tickets_opened", "resolution_hours", "tutorial_views", "training_hours",
                "services_purchased", "expansion", "advocacy", "billing_issue", "marketing_unsubscribe"]
    if keys != expected:
        raise AssertionError("vocab.HEALTH_SIGNALS changed: update the demo generator's health signals")
    flat = values.ravel()
    present = ~np.isnan(flat)
    n_sig = len(keys)
    return pd.DataFrame(
        {
            "id": ids(int(present.sum())),
            "customer_id": np.repeat(cust + 1, n_sig)[present],
            "month": day_numbers_to_datetimes(np.repeat(month_start, n_sig)[present]),
            "signal": coded_texts(np.tile(np.arange(n_sig, dtype="int8"), k)[present], keys),
            "value": flat[present],
        },
        copy=False,
    )


def _trailing_signals(
    c: Customers, p: Panel, rng: np.random.Generator, idx: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Advocacy events in the trailing 12 months and any expansion in the trailing 6, at the
    panel rows ``idx``: they need the whole history, so they are drawn on every row."""
    e = c.engagement[p.cust]
    adv_rate = 0.6 * np.exp(1.1 * e - 2.0 * p.decline) * np.where(c.segment[p.cust] == 2, 1.5, 1.0)
    advocacy_events = (rng.random(len(p.cust)) < -np.expm1(-adv_rate / 12.0)).astype(float)
    advocacy = rolling_sum(advocacy_events, p.row, 12)[idx]
    expansion = (rolling_sum(p.expanded.astype(float), p.row, 6)[idx] > 0).astype(float)
    return advocacy, expansion


# ============================================================================================
# Milestones
# ============================================================================================


def milestone_frame(c: Customers, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
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
         np.where(kickoff <= limit, kickoff, NEVER), np.full(n, 7)),
        (cust, "first_value", pick(rng, tx.FIRST_VALUE_NAMES, n),
         np.where(fv_reached, fv_day, NEVER), c.fv_target),
        (cust[has_act], "activation", pick(rng, tx.ACTIVATION_NAMES, int(has_act.sum())),
         np.where(act_day <= limit, act_day, NEVER)[has_act], (c.fv_target + 60)[has_act]),
        (cust[success_candidate], "success", pick(rng, tx.SUCCESS_NAMES, int(success_candidate.sum())),
         np.where(success_day <= limit, success_day, NEVER)[success_candidate],
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
            "id": ids(len(order)),
            "customer_id": cust_all[order] + 1,
            "kind": pd.Series(kind_all[order], dtype="str"),
            "name": pd.Series(name_all[order], dtype="str"),
            "reached_on": day_numbers_to_datetimes(reached_all[order]),
            "target_days": target,
        }
    )
    return frame, fv_reached


# ============================================================================================
# Churn events
# ============================================================================================


def churn_frame(c: Customers, arr_lost: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """The ``churn_event`` table: one row per churned customer, with reasons and follow-up call."""
    idx = np.flatnonzero(c.churned)
    k = len(idx)
    A = c.as_of
    day = c.churn_day[idx]
    reason = np.asarray(REASON_KEYS, dtype=object)[c.reason[idx]]
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
    pick_u = rng.random(k)
    notes = np.full(k, None, dtype=object)
    for i in np.flatnonzero(called):
        options = tx.CHURN_NOTES[reason[i]]
        notes[i] = options[int(pick_u[i] * len(options))]
    order = np.lexsort((idx, day))
    return pd.DataFrame(
        {
            "id": ids(k),
            "customer_id": idx[order] + 1,
            "churned_on": day_numbers_to_datetimes(day[order]),
            "arr_lost": arr_lost[idx][order],
            "primary_reason": pd.Series(primary[order], dtype="str"),
            "contributing_reasons": pd.Series(contributing[order], dtype="str"),
            "category": pd.Series(category[order], dtype="str"),
            "controllable": controllable[order],
            "reason_confirmed": confirmed[order],
            "follow_up_call_on": day_numbers_to_datetimes(np.where(called, call_day, NEVER)[order]),
            "follow_up_notes": pd.Series(notes[order], dtype="str"),
        }
    )
