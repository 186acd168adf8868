"""Meeting tables of a chosen number of meetings, drawn all at once.

``meetings.meeting_frames`` draws the standard company's meetings one by one; this draws any
number of them (tens of thousands for the benchmark company) as whole arrays, with the same
shares, durations, agenda relevance, customer-item adoption and decisions. The two draw in a
different order, so the same seed gives different (equally distributed) meetings.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from cs_metrics import vocab
from cs_metrics.storage.demo import team_texts as tx
from cs_metrics.storage.demo.arrays import (
    day_number,
    day_numbers_to_datetimes,
    ids,
    month_label,
    month_numbers,
    month_start_day_numbers,
    numbered,
)
from cs_metrics.storage.demo.meetings import (
    DECISION_SHARES,
    DEPT_SHARES,
    DURATIONS,
    FILL_CHANCE,
    IMPACT_SHARES,
    OTHER_TYPE_SHARES,
    OTHER_TYPES,
    RELEVANCE_AFTER,
    RELEVANCE_BEFORE,
    customer_item_adoption_date,
)
from cs_metrics.storage.demo.settings import CUSTOMER_ITEM_ADOPTERS, MEETING_DAYS
from cs_metrics.storage.demo.simulation import Customers

_LANGS = ("en", "it")
_RELEVANCES = ("direct", "indirect", "none")


def many_meeting_frames(
    c: Customers, names: np.ndarray, as_of: dt.date, rng: np.random.Generator, n: int
) -> dict[str, pd.DataFrame]:
    """The ``meeting``, ``agenda_item`` and ``decision`` tables: ``n`` meetings in the last
    ``MEETING_DAYS``, drawn as whole arrays."""
    A = c.as_of
    adoption = day_number(customer_item_adoption_date(as_of))
    depts = list(DEPT_SHARES)
    days = A - rng.integers(0, MEETING_DAYS, n)
    weekday = (days + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
    days = np.where(weekday == 5, days - 1, np.where(weekday == 6, days - 2, days))
    dept_idx = rng.choice(len(depts), size=n, p=list(DEPT_SHARES.values()))
    order = np.lexsort((dept_idx, days))
    days, dept_idx = days[order], dept_idx[order]
    dept = np.asarray(depts, dtype=object)[dept_idx]
    lang = np.where(rng.random(n) < 0.15, 1, 0)  # index into _LANGS

    board = dept == "Board"
    mtype = np.where(
        board,
        np.where(rng.random(n) < 0.8, "board", "executive"),
        np.asarray(OTHER_TYPES)[rng.choice(len(OTHER_TYPES), size=n, p=list(OTHER_TYPE_SHARES))],
    ).astype(object)
    duration = np.zeros(n, dtype="int64")
    for kind, (durations, probs) in DURATIONS.items():
        rows = np.flatnonzero(mtype == kind)
        duration[rows] = rng.choice(durations, size=len(rows), p=probs)
    attendees = np.where(mtype == "board", rng.integers(6, 11, n), rng.integers(3, 13, n))
    title = _meeting_titles(mtype, dept, days, lang, rng)

    adopter = np.isin(dept, CUSTOMER_ITEM_ADOPTERS)
    adopted = adopter & (days >= adoption)
    p_direct = np.zeros(n)
    p_indirect = np.zeros(n)
    for name in depts:
        for after, table in ((False, RELEVANCE_BEFORE), (True, RELEVANCE_AFTER)):
            if name not in table:
                continue
            rows = (dept == name) & (adopted == after)
            p_direct[rows], p_indirect[rows] = table[name]

    # Agenda items: 3 to 8 per meeting, sharing its time (Dirichlet(2) weights as normalised
    # gamma draws), each about customers directly, indirectly or not at all.
    k = np.minimum(rng.integers(3, 9, n), duration // 10)
    first = np.concatenate([[0], np.cumsum(k)[:-1]])
    meeting = np.repeat(np.arange(n), k)
    m = len(meeting)
    position = np.arange(m) - first[meeting]
    gamma = rng.gamma(2.0, 1.0, m)
    weights = gamma / np.add.reduceat(gamma, first)[meeting]
    usable = duration * rng.uniform(0.8, 1.0, n)
    minutes = 5.0 + np.floor((usable[meeting] - 5 * k[meeting]) * weights / 5.0) * 5.0
    u = rng.random(m)
    relevance = np.where(
        u < p_direct[meeting], 0, np.where(u < (p_direct + p_indirect)[meeting], 1, 2)
    )  # index into _RELEVANCES
    item_title = _agenda_titles(meeting, dept_idx, depts, lang, relevance, days, c, names, rng)
    recent = days > A - 180
    source = np.where(recent[meeting] & (rng.random(m) < 0.25), "suggestion", "person").astype(object)

    about = relevance != 2
    any_about = np.add.reduceat(about.astype("int64"), first) > 0
    p_fill = np.where(adopted, FILL_CHANCE[0], np.where(adopter, FILL_CHANCE[1], FILL_CHANCE[2]))
    filled = rng.random(n) < p_fill
    item_text = np.full(n, None, dtype=object)
    for li, language in enumerate(_LANGS):
        rows = np.flatnonzero(filled & any_about & (lang == li))
        item_text[rows] = _pick(rng, tx.CUSTOMER_ITEM_TEXTS[language], len(rows))
        item_text[filled & ~any_about & (lang == li)] = tx.CUSTOMER_ITEM_NOTHING[language]

    # Decisions: 0 to 3 per meeting, on distinct agenda items chosen at random.
    n_dec = np.minimum(rng.choice(len(DECISION_SHARES), size=n, p=list(DECISION_SHARES)), k)
    draw_order = np.lexsort((rng.random(m), meeting))
    rank = np.empty(m, dtype="int64")
    rank[draw_order] = np.arange(m) - first[meeting[draw_order]]
    decided = draw_order[rank[draw_order] < n_dec[meeting[draw_order]]]
    on_customer = about[decided]
    impact = np.empty(len(decided), dtype=object)
    text = np.empty(len(decided), dtype=object)
    for flag in (True, False):
        rows = np.flatnonzero(on_customer == flag)
        chosen = np.asarray(vocab.CX_IMPACTS, dtype=object)[
            rng.choice(len(vocab.CX_IMPACTS), size=len(rows), p=list(IMPACT_SHARES[flag]))
        ]
        impact[rows] = chosen
        for name in vocab.CX_IMPACTS:
            same = rows[chosen == name]
            text[same] = _pick(rng, tx.DECISION_TEXTS[(flag, name)], len(same))

    meetings = pd.DataFrame(
        {
            "id": ids(n),
            "external_id": numbered("MTG-", ids(n), 5),
            "held_on": day_numbers_to_datetimes(days),
            "department": pd.Series(dept, dtype="str"),
            "meeting_type": pd.Series(mtype, dtype="str"),
            "title": pd.Series(title, dtype="str"),
            "duration_minutes": duration,
            "attendees": pd.array(attendees, dtype="Int64"),
            "customer_item_filled": filled,
            "customer_item_text": pd.Series(item_text, dtype="str"),
        }
    )
    items = pd.DataFrame(
        {
            "id": ids(m),
            "meeting_id": meeting + 1,
            "position": position + 1,
            "title": pd.Series(item_title, dtype="str"),
            "minutes": minutes,
            "relevance": pd.Series(np.asarray(_RELEVANCES, dtype=object)[relevance], dtype="str"),
            "relevance_source": pd.Series(source, dtype="str"),
        }
    )
    decisions = pd.DataFrame(
        {
            "id": ids(len(decided)),
            "meeting_id": (meeting[decided] + 1).astype("int64"),
            "agenda_item_id": pd.array(decided + 1, dtype="Int64"),
            "text": pd.Series(text, dtype="str"),
            "cx_impact": pd.Series(impact, dtype="str"),
        }
    )
    return {"meeting": meetings, "agenda_item": items, "decision": decisions}


def _pick(rng: np.random.Generator, options: tuple[str, ...], size: int) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.integers(0, len(options), size)]


def _meeting_titles(
    mtype: np.ndarray, dept: np.ndarray, days: np.ndarray, lang: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A title per meeting from ``MEETING_TITLES``, with its department and month filled in."""
    n = len(mtype)
    template = np.empty(n, dtype=object)
    for li, language in enumerate(_LANGS):
        for kind, options in tx.MEETING_TITLES[language].items():
            rows = np.flatnonzero((lang == li) & (mtype == kind))
            template[rows] = _pick(rng, options, len(rows))
    month = month_numbers(days)
    labels: dict[tuple[int, int], str] = {}
    titles = np.empty(n, dtype=object)
    for i in range(n):
        key = (int(month[i]), int(lang[i]))
        if key not in labels:
            labels[key] = month_label(int(month_start_day_numbers(np.array([key[0]]))[0]), _LANGS[key[1]])
        titles[i] = template[i].format(dept=dept[i], month=labels[key])
    return titles


def _agenda_titles(
    meeting: np.ndarray,
    dept_idx: np.ndarray,
    depts: list[str],
    lang: np.ndarray,
    relevance: np.ndarray,
    days: np.ndarray,
    c: Customers,
    names: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """A title per agenda item from ``AGENDA_TITLES``; ``{customer}`` becomes the name of a
    customer signed by the day of the meeting."""
    m = len(meeting)
    group = (lang[meeting] * len(depts) + dept_idx[meeting]) * len(_RELEVANCES) + relevance
    titles = np.empty(m, dtype=object)
    for li, language in enumerate(_LANGS):
        for di, name in enumerate(depts):
            for ri, rel in enumerate(_RELEVANCES):
                rows = np.flatnonzero(group == (li * len(depts) + di) * len(_RELEVANCES) + ri)
                titles[rows] = _pick(rng, tx.AGENDA_TITLES[language][name][rel], len(rows))
    existing = np.maximum(np.searchsorted(c.signed, days, side="right"), 1)
    who = names[np.floor(rng.random(m) * existing[meeting]).astype("int64")]
    for i, title in enumerate(titles):
        if "{customer}" in title:
            titles[i] = title.format(customer=who[i])
    return titles
