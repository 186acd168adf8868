"""Meeting tables of the demo company: meetings, their agenda items and decisions.

The departments in ``CUSTOMER_ITEM_ADOPTERS`` made the customer item of their minutes mandatory
``ADOPTION_MONTHS`` before ``as_of``; from then on they fill it and spend clearly more of their
meeting time on customers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from cs_metrics import vocab
from cs_metrics.storage.demo import team_texts as tx
from cs_metrics.storage.demo.arrays import (
    add_months_to_day_numbers,
    date_of_day_number,
    day_number,
    day_numbers_to_datetimes,
    ids,
    month_label,
    pick,
)
from cs_metrics.storage.demo.settings import (
    ADOPTION_MONTHS,
    CUSTOMER_ITEM_ADOPTERS,
    DEFAULT_CUSTOMERS,
    MEETING_DAYS,
)
from cs_metrics.storage.demo.simulation import Customers

#: Share of the meetings per department.
DEPT_SHARES: dict[str, float] = {
    "Board": 0.07, "IT": 0.16, "Logistics": 0.13, "Administration": 0.12, "Sales": 0.16,
    "Customer Success": 0.16, "Marketing": 0.10, "Product": 0.10,
}
#: (P(direct), P(indirect)) per agenda item: before adoption (or never adopting), after adoption.
RELEVANCE_BEFORE: dict[str, tuple[float, float]] = {
    "Board": (0.025, 0.03), "IT": (0.01, 0.025), "Logistics": (0.02, 0.03),
    "Administration": (0.01, 0.02), "Sales": (0.03, 0.03), "Customer Success": (0.05, 0.04),
    "Marketing": (0.02, 0.035), "Product": (0.02, 0.035),
}
RELEVANCE_AFTER: dict[str, tuple[float, float]] = {
    "Board": (0.10, 0.07), "Logistics": (0.09, 0.07), "Sales": (0.10, 0.07),
    "Customer Success": (0.15, 0.07),
}
#: Meeting types of other departments than the Board, and their shares.
OTHER_TYPES: tuple[str, ...] = ("department", "project", "other", "executive")
OTHER_TYPE_SHARES: tuple[float, ...] = (0.55, 0.25, 0.12, 0.08)
#: Durations (minutes) and their shares per meeting type.
DURATIONS: dict[str, tuple[tuple[int, ...], tuple[float, ...]]] = {
    "board": ((90, 120), (0.5, 0.5)),
    "executive": ((60, 90, 120), (0.4, 0.4, 0.2)),
    "department": ((30, 45, 60, 90), (0.2, 0.35, 0.35, 0.1)),
    "project": ((45, 60, 90), (0.35, 0.45, 0.2)),
    "other": ((30, 45, 60), (0.4, 0.3, 0.3)),
}

#: Shares of meetings taking 0, 1, 2 or 3 decisions.
DECISION_SHARES: tuple[float, ...] = (0.25, 0.35, 0.25, 0.15)
#: Shares of ``vocab.CX_IMPACTS`` of a decision, on a customer item (True) or not (False).
IMPACT_SHARES: dict[bool, tuple[float, ...]] = {True: (0.65, 0.32, 0.03), False: (0.10, 0.84, 0.06)}
#: Chance that the customer item is filled: adopters after adoption, adopters before, others.
FILL_CHANCE: tuple[float, float, float] = (0.88, 0.04, 0.07)


def meeting_count(customers: int) -> int:
    """Meetings generated for a company of ``customers`` (~400 at the default size, at most 2000).

    Example
    -------
    >>> meeting_count(1500)
    400
    """
    return int(min(max(round(400 * (customers / DEFAULT_CUSTOMERS) ** 0.25), 60), 2000))


def customer_item_adoption_date(as_of: dt.date) -> dt.date:
    """The day ``CUSTOMER_ITEM_ADOPTERS`` made the customer item mandatory in the demo.

    Example
    -------
    >>> customer_item_adoption_date(dt.date(2026, 10, 31))
    datetime.date(2025, 10, 31)
    """
    return date_of_day_number(add_months_to_day_numbers(np.array([day_number(as_of)]), -ADOPTION_MONTHS)[0])


def meeting_frames(
    c: Customers, names: np.ndarray, as_of: dt.date, rng: np.random.Generator
) -> dict[str, pd.DataFrame]:
    """The ``meeting``, ``agenda_item`` and ``decision`` tables of the last ``MEETING_DAYS``."""
    A = c.as_of
    n = meeting_count(c.n)
    adoption = day_number(customer_item_adoption_date(as_of))
    days = A - rng.integers(0, MEETING_DAYS, n)
    weekday = (days + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
    days = np.where(weekday == 5, days - 1, np.where(weekday == 6, days - 2, days))
    depts = list(DEPT_SHARES)
    dept_idx = rng.choice(len(depts), size=n, p=list(DEPT_SHARES.values()))
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
            mtype = str(rng.choice(list(OTHER_TYPES), p=list(OTHER_TYPE_SHARES)))
        durations, probs = DURATIONS[mtype]
        duration = int(rng.choice(durations, p=probs))
        attendees = int(rng.integers(6, 11) if mtype == "board" else rng.integers(3, 13))
        title = str(pick(rng, tx.MEETING_TITLES[lang][mtype], 1)[0]).format(
            dept=dept, month=month_label(day, lang)
        )
        adopted = dept in CUSTOMER_ITEM_ADOPTERS and day >= adoption
        p_direct, p_indirect = (RELEVANCE_AFTER if adopted else RELEVANCE_BEFORE)[dept]
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
            item_title = str(pick(rng, pool, 1)[0])
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
        p_fill = FILL_CHANCE[0 if adopted else 1 if dept in CUSTOMER_ITEM_ADOPTERS else 2]
        filled = bool(rng.random() < p_fill)
        if filled:
            item_text = (
                str(pick(rng, tx.CUSTOMER_ITEM_TEXTS[lang], 1)[0])
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
        n_dec = int(rng.choice(4, p=list(DECISION_SHARES)))
        for pos in rng.choice(k, size=min(n_dec, k), replace=False):
            on_customer = bool(about_customer[pos])
            probs_impact = list(IMPACT_SHARES[on_customer])
            impact = str(rng.choice(vocab.CX_IMPACTS, p=probs_impact))
            d_rows.append(
                {"meeting_id": mi + 1, "agenda_item_id": first_item + int(pos) + 1,
                 "text": str(pick(rng, tx.DECISION_TEXTS[(on_customer, impact)], 1)[0]),
                 "cx_impact": impact}
            )
    meetings = pd.DataFrame(m_rows)
    meetings.insert(0, "id", ids(len(meetings)))
    meetings["held_on"] = day_numbers_to_datetimes(meetings["held_on"].to_numpy(dtype=float))
    meetings["attendees"] = meetings["attendees"].astype("Int64")
    items = pd.DataFrame(i_rows)
    items.insert(0, "id", ids(len(items)))
    decisions = pd.DataFrame(d_rows, columns=["meeting_id", "agenda_item_id", "text", "cx_impact"])
    decisions.insert(0, "id", ids(len(decisions)))
    decisions["meeting_id"] = decisions["meeting_id"].astype("int64")
    decisions["agenda_item_id"] = decisions["agenda_item_id"].astype("Int64")
    for frame in (meetings, items, decisions):
        for col in frame.columns:
            if frame[col].dtype == object:
                frame[col] = frame[col].astype("str")
    return {"meeting": meetings, "agenda_item": items, "decision": decisions}
