"""Is the customer in the room? Customer share of meeting agendas, the customer item, decisions.

A company adds one mandatory item to the minutes of every meeting: *which topics discussed and
which decisions taken improve the customer's experience?* This module measures what the logged
meetings show:

* **customer share of agenda time**: minutes of agenda items about the customer (relevance
  ``direct`` or ``indirect``) over all agenda minutes that were recorded;
* **customer share of agenda items**: the same by item count;
* **customer item filled rate**: share of meetings whose minutes answered the customer item
  ("none" is a valid answer; an empty item is not);
* **decisions favouring / worsening the customer per meeting**;
* **mentions vs decisions**: customer topics that were only talked about (no decision recorded
  on them) against those that led to at least one decision;
* the comparison with the **5% baseline** implied by Kerry Bodine's estimate that about 95% of
  meeting content is about internal matters.

Groups of fewer than ``MIN_MEETINGS`` meetings are marked as too few to read.

``suggest_relevance`` proposes a relevance label for an agenda item title (English or Italian)
from a small, visible lexicon of weighted terms; a person confirms it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from cs_metrics.errors import DataError
from cs_metrics.stats import ratio_interval
from cs_metrics.period import Period, shift_months
from cs_metrics import vocab
from cs_metrics.storage.queries import meetings as qm

#: Share of meeting content about the customer implied by the "95% internal" estimate.
BASELINE_SHARE = 0.05
#: Below this many meetings a group's figures are shown as too few to read.
MIN_MEETINGS = 5
#: Relevance labels that count as "about the customer".
CUSTOMER_RELEVANCE: tuple[str, ...] = ("direct", "indirect")
#: Groupings ``customer_share`` understands.
GROUPINGS: tuple[str, ...] = ("department", "meeting_type", "month", "quarter")
#: The question of the customer item, as it appears in the minutes templates.
CUSTOMER_QUESTION: dict[str, str] = {
    "en": "Which topics discussed and which decisions taken improve the customer's experience?",
    "it": "Quali argomenti trattati e quali decisioni prese migliorano l'esperienza del cliente?",
}

SHARE_COLUMNS: tuple[str, ...] = (
    "meetings", "items", "customer_items", "direct_items", "item_share", "item_share_low",
    "item_share_high", "agenda_minutes", "customer_minutes", "direct_minutes", "time_share",
    "time_share_low", "time_share_high", "direct_time_share", "filled", "filled_rate",
    "decisions", "favours", "neutral", "worsens", "favours_per_meeting", "worsens_per_meeting",
    "decided_items", "mentions", "decision_rate", "vs_baseline", "baseline_verdict", "enough",
)


class MeetingError(DataError):
    """A meeting (or its agenda items and decisions) cannot be saved as given."""


# =================================================================================================
# Metrics
# =================================================================================================


def check_share_inputs(items: pd.DataFrame, meetings: pd.DataFrame) -> None:
    """Raise ``DataError`` when the frames miss columns or hold values outside the vocabularies."""
    need_m = {"meeting_id", "held_on", "department", "meeting_type", "customer_item_filled"}
    need_i = {"meeting_id", "relevance", "minutes"}
    for name, frame, need in (("meetings", meetings, need_m), ("items", items, need_i)):
        missing = need - set(frame.columns)
        if missing:
            raise DataError(f"The {name} table lacks column(s) {sorted(missing)}; add them (see customer_share).")
    rel = items["relevance"]
    bad = rel.isna() | ~rel.isin(vocab.AGENDA_RELEVANCE)
    if bad.any():
        shown = sorted({str(v) for v in rel[bad].head(5)})
        raise DataError(
            f"{int(bad.sum())} agenda item(s) have a relevance that is not one of "
            f"{list(vocab.AGENDA_RELEVANCE)} (e.g. {shown}); label each item none, indirect or direct."
        )
    minutes = pd.to_numeric(items["minutes"], errors="coerce")
    if (minutes < 0).any():
        raise DataError("Some agenda items have negative minutes; use 0 or more, or leave the minutes empty.")
    if meetings["customer_item_filled"].isna().any():
        raise DataError("Some meetings do not say whether the customer item was filled; use True or False.")


def _group_keys(by: str | Sequence[str] | None) -> list[str]:
    keys = [by] if isinstance(by, str) else list(by or ())
    unknown = [k for k in keys if k not in GROUPINGS]
    if unknown:
        raise DataError(f"Cannot group meetings by {unknown}; use any of {list(GROUPINGS)}.")
    return keys


def per_meeting(items: pd.DataFrame, meetings: pd.DataFrame) -> pd.DataFrame:
    """One row per meeting with its agenda and decision totals (the building block of the shares).

    ``items`` holds one row per agenda item (``meeting_id``, ``relevance``, ``minutes``, optional
    ``decisions`` = decisions recorded on the item), or rows already summed per meeting and
    relevance (then ``n_items`` counts the items, ``n_decided`` those with a decision, and
    ``minutes`` sums the known minutes). Items with unknown (NaN) minutes count as items but not
    as agenda time. Added columns: ``items``, ``customer_items``, ``direct_items``,
    ``agenda_minutes``, ``customer_minutes``, ``direct_minutes``, ``decided_items``,
    ``favours``, ``neutral``, ``worsens`` (from ``decisions_<impact>`` columns, else 0).
    """
    check_share_inputs(items, meetings)
    it = items.copy()
    it["n_items"] = it["n_items"] if "n_items" in it else 1
    if "n_decided" not in it:
        it["n_decided"] = (pd.to_numeric(it["decisions"], errors="coerce").fillna(0) > 0).astype(int) if "decisions" in it else 0
    it["minutes"] = pd.to_numeric(it["minutes"], errors="coerce").fillna(0.0)
    customer = it["relevance"].isin(CUSTOMER_RELEVANCE)
    direct = it["relevance"] == "direct"
    parts = pd.DataFrame(
        {
            "meeting_id": it["meeting_id"],
            "items": it["n_items"],
            "customer_items": it["n_items"].where(customer, 0),
            "direct_items": it["n_items"].where(direct, 0),
            "agenda_minutes": it["minutes"],
            "customer_minutes": it["minutes"].where(customer, 0.0),
            "direct_minutes": it["minutes"].where(direct, 0.0),
            "decided_items": it["n_decided"].where(customer, 0),
        }
    )
    sums = parts.groupby("meeting_id").sum()
    out = meetings.copy()
    for col in sums.columns:
        out[col] = out["meeting_id"].map(sums[col]).fillna(0)
    for impact in vocab.CX_IMPACTS:
        src = f"decisions_{impact}"
        out[impact] = pd.to_numeric(out[src], errors="coerce").fillna(0) if src in out else 0
    out["held_on"] = pd.to_datetime(out["held_on"])
    out["customer_item_filled"] = out["customer_item_filled"].astype(bool)
    return out


def _verdict(low: float, high: float, baseline: float, enough: bool) -> str:
    if not enough or math.isnan(low) or math.isnan(high):
        return "too few to read"
    if low > baseline:
        return "above baseline"
    if high < baseline:
        return "below baseline"
    return "not distinguishable from baseline"


def _summarise(group: pd.DataFrame, baseline: float) -> dict:
    n = len(group)
    items = float(group["items"].sum())
    c_items = float(group["customer_items"].sum())
    time_share, t_lo, t_hi = ratio_interval(group["customer_minutes"].to_numpy(), group["agenda_minutes"].to_numpy())
    item_share, i_lo, i_hi = ratio_interval(group["customer_items"].to_numpy(), group["items"].to_numpy())
    agenda = float(group["agenda_minutes"].sum())
    decided = float(group["decided_items"].sum())
    decisions = float(group[list(vocab.CX_IMPACTS)].to_numpy().sum())
    enough = n >= MIN_MEETINGS
    return {
        "meetings": n,
        "items": int(items),
        "customer_items": int(c_items),
        "direct_items": int(group["direct_items"].sum()),
        "item_share": item_share,
        "item_share_low": i_lo,
        "item_share_high": i_hi,
        "agenda_minutes": agenda,
        "customer_minutes": float(group["customer_minutes"].sum()),
        "direct_minutes": float(group["direct_minutes"].sum()),
        "time_share": time_share,
        "time_share_low": t_lo,
        "time_share_high": t_hi,
        "direct_time_share": float(group["direct_minutes"].sum()) / agenda if agenda > 0 else math.nan,
        "filled": int(group["customer_item_filled"].sum()),
        "filled_rate": float(group["customer_item_filled"].mean()) if n else math.nan,
        "decisions": int(decisions),
        "favours": int(group["favours"].sum()),
        "neutral": int(group["neutral"].sum()),
        "worsens": int(group["worsens"].sum()),
        "favours_per_meeting": float(group["favours"].sum()) / n if n else math.nan,
        "worsens_per_meeting": float(group["worsens"].sum()) / n if n else math.nan,
        "decided_items": int(decided),
        "mentions": int(c_items - decided),
        "decision_rate": decided / c_items if c_items else math.nan,
        "vs_baseline": time_share - baseline,
        "baseline_verdict": _verdict(t_lo, t_hi, baseline, enough),
        "enough": enough,
    }


def customer_share(
    items: pd.DataFrame,
    meetings: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    period: Period | None = None,
    baseline: float = BASELINE_SHARE,
) -> pd.DataFrame:
    """How much of the meetings was about the customer, overall or per group.

    Parameters
    ----------
    items : DataFrame
        Agenda items: ``meeting_id``, ``relevance`` (none / indirect / direct), ``minutes`` (NaN
        when unknown); see ``per_meeting`` for the optional ``decisions``, ``n_items`` and
        ``n_decided`` columns.
    meetings : DataFrame
        One row per meeting: ``meeting_id``, ``held_on``, ``department``, ``meeting_type``,
        ``customer_item_filled``, and optionally ``decisions_favours``, ``decisions_neutral``,
        ``decisions_worsens`` (counts of the meeting's decisions by CX impact).
    by : str or sequence of str, optional
        Any of ``department``, ``meeting_type``, ``month``, ``quarter`` (first day of the month or
        quarter of ``held_on``). None: one row for all meetings.
    period : Period, optional
        Keep only meetings held in the period (both ends included).
    baseline : float
        Customer share to compare with (default 5%, the "95% internal" estimate).

    Returns
    -------
    DataFrame
        One row per group, sorted by the group keys, with the keys and: ``meetings`` (n),
        ``items``, ``customer_items``, ``direct_items``, ``item_share`` (+ ``_low``/``_high``
        95% interval), ``agenda_minutes``, ``customer_minutes``, ``direct_minutes``,
        ``time_share`` (+ ``_low``/``_high``), ``direct_time_share``, ``filled``,
        ``filled_rate``, ``decisions``, ``favours``, ``neutral``, ``worsens``,
        ``favours_per_meeting``, ``worsens_per_meeting``, ``decided_items`` (customer items with a
        decision), ``mentions`` (customer items without one), ``decision_rate``,
        ``vs_baseline`` (time share minus baseline), ``baseline_verdict`` and ``enough`` (False
        below ``MIN_MEETINGS`` meetings). No meetings: an empty frame with these columns
        (without ``by``: one row with ``meetings`` = 0 and NaN shares).

    Example
    -------
    >>> meetings = pd.DataFrame({"meeting_id": [1], "held_on": ["2026-03-02"], "department": ["IT"],
    ...                          "meeting_type": ["department"], "customer_item_filled": [True]})
    >>> items = pd.DataFrame({"meeting_id": [1, 1], "relevance": ["direct", "none"], "minutes": [15, 45]})
    >>> row = customer_share(items, meetings).iloc[0]
    >>> float(row["time_share"]), float(row["item_share"]), row["baseline_verdict"]
    (0.25, 0.5, 'too few to read')
    """
    keys = _group_keys(by)
    data = per_meeting(items, meetings)
    if period is not None:
        held = data["held_on"]
        data = data[(held >= pd.Timestamp(period.start)) & (held < pd.Timestamp(period.end))]
    data = data.copy()
    data["month"] = data["held_on"].dt.to_period("M").dt.start_time
    data["quarter"] = data["held_on"].dt.to_period("Q").dt.start_time
    if not keys:
        return pd.DataFrame([_summarise(data, baseline)], columns=list(SHARE_COLUMNS))
    rows = [
        {**dict(zip(keys, key if isinstance(key, tuple) else (key,))), **_summarise(group, baseline)}
        for key, group in data.groupby(keys, sort=True)
    ]
    return pd.DataFrame(rows, columns=keys + list(SHARE_COLUMNS))


def first_quarter(first_meeting: dt.date | None) -> Period | None:
    """The company's first quarter of logged meetings: three months from the first meeting.

    Example
    -------
    >>> first_quarter(dt.date(2024, 11, 4))
    Period(first=datetime.date(2024, 11, 4), last=datetime.date(2025, 2, 3))
    """
    if first_meeting is None:
        return None
    return Period(first_meeting, shift_months(first_meeting, 3) - dt.timedelta(days=1))


# --- reports read from the database (what the Meetings page shows) ------------------------------


def _frames(engine: Engine, period: Period) -> tuple[pd.DataFrame, pd.DataFrame]:
    meetings = qm.meeting_rows(engine, start=period.start, end=period.end)
    items = qm.agenda_item_totals(engine, start=period.start, end=period.end)
    return items, meetings


def share_report(engine: Engine, *, period: Period, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """``customer_share`` of the meetings held in ``period``, read from the database."""
    items, meetings = _frames(engine, period)
    return customer_share(items, meetings, by=by)


@dataclass(frozen=True)
class Headline:
    """The headline customer share of a period against the baseline and the first logged quarter."""

    current: pd.Series
    first_quarter: pd.Series | None
    first_quarter_period: Period | None
    baseline: float = BASELINE_SHARE

    @property
    def change_vs_first_quarter(self) -> float:
        """Time share now minus in the first quarter (NaN when either is unknown)."""
        if self.first_quarter is None:
            return math.nan
        return float(self.current["time_share"]) - float(self.first_quarter["time_share"])


def headline(engine: Engine, *, period: Period) -> Headline:
    """Customer share for ``period``, for the first quarter of logged meetings, and the baseline."""
    current = share_report(engine, period=period).iloc[0]
    fq = first_quarter(qm.first_meeting_date(engine))
    first = share_report(engine, period=fq).iloc[0] if fq is not None else None
    return Headline(current=current, first_quarter=first, first_quarter_period=fq)


# =================================================================================================
# Suggested relevance
# =================================================================================================

#: The lexicon: term -> weight. A term is lower-case, accents removed; ``*`` ends a prefix (so
#: ``client*`` matches client, clients, cliente, clienti, clientela). Longer phrases are matched
#: first and hide the words they contain. Positive weights of 1 or more mark the customer named
#: directly (kind ``direct``); smaller positive weights mark things customers meet or pay for
#: (kind ``indirect``); negative weights mark internal matters.
LEXICON: dict[str, tuple[str, float]] = {
    # -- the customer named directly (English)
    "customer*": ("direct", 1.0), "client*": ("direct", 1.0), "consumer*": ("direct", 1.0),
    "shopper*": ("direct", 1.0), "buyer*": ("direct", 0.8), "user*": ("direct", 0.8),
    "end user*": ("direct", 1.0), "account holder*": ("direct", 1.0), "patient*": ("direct", 1.0), "pazient*": ("direct", 1.0),
    "nps": ("direct", 1.0), "net promoter": ("direct", 1.0), "detractor*": ("direct", 1.0),
    "promoter*": ("direct", 1.0), "churn*": ("direct", 1.0), "complain*": ("direct", 1.0),
    "complaint*": ("direct", 1.0), "escalation*": ("direct", 1.0), "onboarding*": ("direct", 1.0),
    "renew*": ("direct", 1.0), "feedback": ("direct", 1.0), "satisfaction": ("direct", 1.0),
    "testimonial*": ("direct", 1.0), "voice of the": ("direct", 1.0), "first value": ("direct", 1.0),
    "feature request*": ("direct", 1.0), "usability": ("direct", 1.0), "user research": ("direct", 1.0),
    "reported by": ("direct", 1.0), "requested by": ("direct", 1.0), "advisory board": ("direct", 1.0),
    "success plan*": ("direct", 1.0), "retention": ("direct", 1.0), "refund*": ("direct", 1.0),
    "why we lost": ("direct", 1.0), "beta": ("direct", 1.0), "guest*": ("direct", 1.0),
    "subscriber*": ("direct", 1.0), "cancellation*": ("direct", 1.0), "unhappy": ("direct", 1.0),
    # -- the customer named directly (Italian)
    "utent*": ("direct", 1.0), "consumator*": ("direct", 1.0), "reclam*": ("direct", 1.0),
    "lamentel*": ("direct", 1.0), "disdett*": ("direct", 1.0), "abbandono": ("direct", 0.8),
    "rinnov*": ("direct", 1.0), "soddisfazion*": ("direct", 1.0), "detrattor*": ("direct", 1.0),
    "promotor*": ("direct", 1.0), "testimonian*": ("direct", 1.0), "primo valore": ("direct", 1.0),
    "rimbors*": ("direct", 1.0), "segnalat* da": ("direct", 1.0), "richiest* da": ("direct", 1.0),
    "ospit*": ("direct", 1.0), "abbonat*": ("direct", 1.0), "acquirent*": ("direct", 1.0),
    "resi": ("direct", 1.0), "returns": ("direct", 1.0), "product returns": ("direct", 1.0),
    # -- what customers meet, use or pay for (English)
    "customer portal": ("indirect", 0.6), "customer success": ("indirect", 0.4),
    "pric*": ("indirect", 0.5), "discount*": ("indirect", 0.5), "invoic*": ("indirect", 0.5),
    "billing": ("indirect", 0.5), "payment reminder*": ("indirect", 0.5), "collections": ("indirect", 0.5),
    "portal*": ("indirect", 0.5), "website": ("indirect", 0.5), "web shop": ("indirect", 0.5),
    "webshop": ("indirect", 0.5), "e commerce": ("indirect", 0.5), "ecommerce": ("indirect", 0.5),
    "checkout": ("indirect", 0.5), "mobile app": ("indirect", 0.5), "deliver*": ("indirect", 0.5),
    "shipping": ("indirect", 0.5), "shipment*": ("indirect", 0.5), "packag*": ("indirect", 0.5),
    "support": ("indirect", 0.5), "help cent*": ("indirect", 0.5), "helpdesk": ("indirect", 0.4),
    "help desk": ("indirect", 0.4), "uptime": ("indirect", 0.5), "outage*": ("indirect", 0.5),
    "downtime": ("indirect", 0.5), "status page": ("indirect", 0.5), "api": ("indirect", 0.5),
    "sla*": ("indirect", 0.5), "service level*": ("indirect", 0.5), "response time*": ("indirect", 0.5),
    "roadmap": ("indirect", 0.5), "feature*": ("indirect", 0.4), "bug*": ("indirect", 0.5),
    "quality": ("indirect", 0.5), "brand": ("indirect", 0.5), "reputation": ("indirect", 0.5),
    "data protection": ("indirect", 0.5), "privacy": ("indirect", 0.5), "gdpr": ("indirect", 0.5),
    "terms and conditions": ("indirect", 0.5), "webinar*": ("indirect", 0.5),
    "newsletter*": ("indirect", 0.5), "community": ("indirect", 0.5), "documentation": ("indirect", 0.5),
    "warranty": ("indirect", 0.5), "out of stock": ("indirect", 0.5), "stock availability": ("indirect", 0.5),
    "lead time*": ("indirect", 0.5), "call cent*": ("indirect", 0.5), "contact cent*": ("indirect", 0.5),
    "live chat": ("indirect", 0.5), "survey*": ("indirect", 0.5), "order*": ("indirect", 0.4),
    "proposal*": ("indirect", 0.5), "health score*": ("indirect", 0.6), "case stud*": ("indirect", 0.6),
    "pick accuracy": ("indirect", 0.5), "carrier*": ("indirect", 0.4), "opening hours": ("indirect", 0.5),
    "store*": ("indirect", 0.4), "shop*": ("indirect", 0.4), "accessibility": ("indirect", 0.5),
    "self service": ("indirect", 0.5), "tutorial*": ("indirect", 0.5), "user guide*": ("indirect", 0.5),
    "public": ("indirect", 0.4), "recall*": ("indirect", 0.5), "tracking": ("indirect", 0.4),
    # -- what customers meet, use or pay for (Italian)
    "prezz*": ("indirect", 0.5), "listin*": ("indirect", 0.5), "scont*": ("indirect", 0.5),
    "fattur*": ("indirect", 0.5), "sollecit*": ("indirect", 0.5), "portale": ("indirect", 0.5),
    "sito": ("indirect", 0.5), "negozi*": ("indirect", 0.4), "consegn*": ("indirect", 0.5),
    "spedizion*": ("indirect", 0.5), "imballagg*": ("indirect", 0.5), "assistenza": ("indirect", 0.5),
    "supporto": ("indirect", 0.5), "disponibilita": ("indirect", 0.4), "garanzia": ("indirect", 0.5),
    "qualita": ("indirect", 0.5), "marchio": ("indirect", 0.5), "reputazione": ("indirect", 0.5),
    "funzionalita": ("indirect", 0.4), "tempi di risposta": ("indirect", 0.5), "sondagg*": ("indirect", 0.5),
    "ordin*": ("indirect", 0.4), "offert*": ("indirect", 0.5), "app": ("indirect", 0.5),
    "guasti": ("indirect", 0.5), "disservizi*": ("indirect", 0.5), "tracciamento": ("indirect", 0.4),
    "punto vendita": ("indirect", 0.5), "carrello": ("indirect", 0.4), "punti vendita": ("indirect", 0.5), "vetrin*": ("indirect", 0.4),
    # -- internal matters (English)
    "internal": ("internal", -0.8), "budget*": ("internal", -0.8), "payroll": ("internal", -0.8),
    "salar*": ("internal", -0.8), "hiring": ("internal", -0.8), "recruit*": ("internal", -0.8),
    "headcount": ("internal", -0.8), "holiday*": ("internal", -0.8), "vacation*": ("internal", -0.8),
    "expense*": ("internal", -0.8), "audit*": ("internal", -0.8), "tax*": ("internal", -0.8),
    "vat": ("internal", -0.8), "lease": ("internal", -0.8), "office*": ("internal", -0.8),
    "insurance": ("internal", -0.8), "licen*": ("internal", -0.8), "laptop*": ("internal", -0.8),
    "server*": ("internal", -0.8), "backup*": ("internal", -0.8), "patch*": ("internal", -0.8),
    "staff*": ("internal", -0.8), "team": ("internal", -0.6), "rota": ("internal", -0.8),
    "shift*": ("internal", -0.8), "forklift*": ("internal", -0.8), "sprint*": ("internal", -0.8),
    "technical debt": ("internal", -0.8), "architecture": ("internal", -0.8), "refactor*": ("internal", -0.8),
    "quota*": ("internal", -0.8), "commission*": ("internal", -0.8), "territor*": ("internal", -0.8),
    "dividend*": ("internal", -0.8), "covenant*": ("internal", -0.8), "remuneration": ("internal", -0.8),
    "risk register": ("internal", -0.8), "reconciliation": ("internal", -0.8), "supplier*": ("internal", -0.8),
    "vendor*": ("internal", -0.8), "procurement": ("internal", -0.8), "facilit*": ("internal", -0.8),
    "parking": ("internal", -0.8), "canteen": ("internal", -0.8), "safety": ("internal", -0.8),
    "agency": ("internal", -0.8), "offsite": ("internal", -0.8), "appraisal*": ("internal", -0.8),
    "employee*": ("internal", -0.8), "intranet": ("internal", -0.8), "year end": ("internal", -0.8),
    "closing": ("internal", -0.6), "capital expenditure": ("internal", -0.8), "capex": ("internal", -0.8),
    "compliance training": ("internal", -0.8), "org chart": ("internal", -0.8), "reorganisation": ("internal", -0.8),
    # -- internal matters (Italian)
    "intern*": ("internal", -0.8), "bilancio": ("internal", -0.8), "paghe": ("internal", -0.8),
    "stipend*": ("internal", -0.8), "assunzion*": ("internal", -0.8), "selezione del personale": ("internal", -0.8),
    "organico": ("internal", -0.8), "ferie": ("internal", -0.8), "note spese": ("internal", -0.8),
    "spese": ("internal", -0.6), "tasse": ("internal", -0.8), "iva": ("internal", -0.8),
    "affitto": ("internal", -0.8), "uffic*": ("internal", -0.8), "assicurazion*": ("internal", -0.8),
    "licenz*": ("internal", -0.8), "portatil*": ("internal", -0.8), "personale": ("internal", -0.8),
    "dipendent*": ("internal", -0.8), "turni": ("internal", -0.8), "carrell* elevator*": ("internal", -0.8), "muletto": ("internal", -0.8),
    "manutenzione": ("internal", -0.6), "debito tecnico": ("internal", -0.8), "architettura": ("internal", -0.8),
    "provvigion*": ("internal", -0.8), "fornitor*": ("internal", -0.8), "collegio sindacale": ("internal", -0.8),
    "sicurezza sul lavoro": ("internal", -0.8), "agenzia": ("internal", -0.8), "formazione interna": ("internal", -0.8),
    "chiusura": ("internal", -0.6), "inventario": ("internal", -0.6), "server": ("internal", -0.8),
    "rete": ("internal", -0.6), "magazzino": ("internal", -0.4), "squadra": ("internal", -0.6),
}

#: A title scoring at least this much, with a directly-customer term, is labelled ``direct``.
DIRECT_THRESHOLD = 0.9
#: A title scoring at least this much (and not ``direct``) is labelled ``indirect``.
INDIRECT_THRESHOLD = 0.4


@dataclass(frozen=True)
class Suggestion:
    """A proposed relevance label, its score, and the lexicon terms that produced it.

    ``matched_terms`` lists the lexicon entries found in the text, in lexicon order; ``weights``
    gives each one's contribution to ``score`` (their sum).
    """

    label: str
    score: float
    matched_terms: tuple[str, ...] = ()
    weights: tuple[float, ...] = field(default=())

    def explain(self) -> str:
        """The terms and weights behind the label, e.g. ``"customer* +1.0, deliver* +0.5"``."""
        if not self.matched_terms:
            return "no term of the lexicon found"
        return ", ".join(f"{t} {w:+.1f}" for t, w in zip(self.matched_terms, self.weights))


def normalise_text(text: str) -> str:
    """Lower case, accents removed, anything but letters and digits turned into single spaces.

    Example
    -------
    >>> normalise_text("Qualità dell'assistenza — e-commerce")
    'qualita dell assistenza e commerce'
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def _term_pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(w.rstrip("*")) + (r"[a-z0-9]*" if w.endswith("*") else "") for w in term.split()]
    return re.compile(r"\b" + r"\s+".join(words) + r"\b")


_PATTERNS: list[tuple[str, re.Pattern[str], str, float]] = sorted(
    ((t, _term_pattern(t), kind, w) for t, (kind, w) in LEXICON.items()),
    key=lambda entry: (-len(entry[0].split()), -len(entry[0])),
)


def suggest_relevance(text: str) -> Suggestion:
    """Propose none / indirect / direct for an agenda item title, from the weighted ``LEXICON``.

    Each lexicon term found counts once; longer phrases are matched first and hide the words
    they contain. ``score`` is the sum of the weights found. The label is ``direct`` when a term
    naming the customer directly was found and the score reaches ``DIRECT_THRESHOLD``,
    ``indirect`` when the score reaches ``INDIRECT_THRESHOLD``, else ``none``. Empty text gives
    ``none`` with score 0.

    Example
    -------
    >>> s = suggest_relevance("Late deliveries to customers in the South")
    >>> s.label, s.score, s.matched_terms
    ('direct', 1.5, ('customer*', 'deliver*'))
    >>> suggest_relevance("Ferie del team").label
    'none'
    """
    remaining = f" {normalise_text(text)} "
    found: dict[str, tuple[str, float]] = {}
    for term, pattern, kind, weight in _PATTERNS:
        if pattern.search(remaining):
            found[term] = (kind, weight)
            remaining = pattern.sub(" ", remaining)
    ordered = [t for t in LEXICON if t in found]
    weights = tuple(found[t][1] for t in ordered)
    score = float(round(sum(weights), 10))
    has_direct = any(found[t][0] == "direct" for t in ordered)
    if has_direct and score >= DIRECT_THRESHOLD:
        label = "direct"
    elif score >= INDIRECT_THRESHOLD:
        label = "indirect"
    else:
        label = "none"
    return Suggestion(label=label, score=score, matched_terms=tuple(ordered), weights=weights)


def suggestion_accuracy(texts: Sequence[str], labels: Sequence[str]) -> tuple[float, pd.DataFrame]:
    """Share of ``texts`` whose suggested label equals the person's label, and the confusion table.

    Returns ``(accuracy, confusion)``, ``confusion`` indexed by the person's label and with one
    column per suggested label (counts). Empty input gives NaN and an all-zero table.

    Example
    -------
    >>> acc, table = suggestion_accuracy(["Customer complaints", "Payroll calendar"], ["direct", "none"])
    >>> acc
    1.0
    """
    unknown = sorted(set(labels) - set(vocab.AGENDA_RELEVANCE))
    if unknown:
        raise DataError(f"Labels {unknown} are not relevance labels; use {list(vocab.AGENDA_RELEVANCE)}.")
    suggested = [suggest_relevance(t).label for t in texts]
    table = pd.crosstab(
        pd.Categorical(list(labels), categories=vocab.AGENDA_RELEVANCE),
        pd.Categorical(suggested, categories=vocab.AGENDA_RELEVANCE),
        rownames=["person"], colnames=["suggested"], dropna=False,
    )
    accuracy = float(np.mean([a == b for a, b in zip(labels, suggested)])) if len(suggested) else math.nan
    return accuracy, table


# =================================================================================================
# Logging a meeting
# =================================================================================================


@dataclass(frozen=True)
class ItemDraft:
    """An agenda item as typed or proposed: title, minutes (None when unknown), relevance and
    whether that label was chosen by a person or accepted from a suggestion."""

    title: str
    minutes: float | None = None
    relevance: str = "none"
    relevance_source: str = "person"


@dataclass(frozen=True)
class DecisionDraft:
    """A decision: its text, its effect on the customer, and the agenda item (0-based position)."""

    text: str
    cx_impact: str = "neutral"
    item: int | None = None


@dataclass(frozen=True)
class MeetingDraft:
    """A meeting ready to be saved. ``customer_item_text`` is what the minutes answered to the
    customer item ("none" is an answer); empty or None means the item was skipped."""

    held_on: dt.date
    department: str
    meeting_type: str
    duration_minutes: int
    items: tuple[ItemDraft, ...] = ()
    decisions: tuple[DecisionDraft, ...] = ()
    attendees: int | None = None
    title: str | None = None
    customer_item_text: str | None = None

    @property
    def customer_item_filled(self) -> bool:
        return bool((self.customer_item_text or "").strip())

    @property
    def agenda_minutes(self) -> float:
        return float(sum(i.minutes for i in self.items if i.minutes is not None))


def meeting_problems(draft: MeetingDraft, *, today: dt.date | None = None) -> list[str]:
    """Every reason ``draft`` cannot be saved, each saying what to fix (empty list: it can).

    Example
    -------
    >>> d = MeetingDraft(dt.date(2026, 3, 2), "IT", "department", 30, items=(ItemDraft("Backups", 45),))
    >>> meeting_problems(d)
    ['The agenda items add up to 45 minutes, more than the meeting lasted (30 minutes): fix the minutes or the duration.']
    """
    today = today or dt.date.today()
    problems: list[str] = []
    if not isinstance(draft.held_on, dt.date):
        problems.append("Give the date the meeting was held.")
    elif draft.held_on > today:
        problems.append(f"The meeting date {draft.held_on} is in the future; log meetings once they are held.")
    if draft.department not in vocab.DEPARTMENTS:
        problems.append(f"Department {draft.department!r} is unknown; choose one of {list(vocab.DEPARTMENTS)}.")
    if draft.meeting_type not in vocab.MEETING_TYPES:
        problems.append(f"Meeting type {draft.meeting_type!r} is unknown; choose one of {list(vocab.MEETING_TYPES)}.")
    duration = draft.duration_minutes
    if not isinstance(duration, (int, float)) or not 1 <= duration <= 24 * 60:
        problems.append("The duration must be between 1 and 1,440 minutes.")
    if draft.attendees is not None and not (isinstance(draft.attendees, int) and draft.attendees >= 1):
        problems.append("Attendees must be a whole number of at least 1 (or left empty).")
    if draft.title is not None and len(draft.title) > 200:
        problems.append("The meeting title is longer than 200 characters; shorten it.")
    if not draft.items:
        problems.append("Add at least one agenda item.")
    for pos, item in enumerate(draft.items, start=1):
        if not (item.title or "").strip():
            problems.append(f"Agenda item {pos} has no title; write one or remove the item.")
        elif len(item.title) > 300:
            problems.append(f"Agenda item {pos} has a title longer than 300 characters; shorten it.")
        if item.minutes is not None and (not isinstance(item.minutes, (int, float)) or math.isnan(item.minutes) or item.minutes < 0):
            problems.append(f"Agenda item {pos} has minutes {item.minutes!r}; use 0 or more, or leave them empty.")
        if item.relevance not in vocab.AGENDA_RELEVANCE:
            problems.append(f"Agenda item {pos} has relevance {item.relevance!r}; use none, indirect or direct.")
        if item.relevance_source not in vocab.RELEVANCE_SOURCES:
            problems.append(f"Agenda item {pos}: the label source must be 'person' or 'suggestion'.")
    if isinstance(duration, (int, float)) and not problems_in_minutes(draft) and draft.agenda_minutes > duration:
        problems.append(
            f"The agenda items add up to {draft.agenda_minutes:g} minutes, more than the meeting lasted "
            f"({duration:g} minutes): fix the minutes or the duration."
        )
    for pos, decision in enumerate(draft.decisions, start=1):
        if not (decision.text or "").strip():
            problems.append(f"Decision {pos} has no text; write it or remove the decision.")
        if decision.cx_impact not in vocab.CX_IMPACTS:
            problems.append(f"Decision {pos} has CX impact {decision.cx_impact!r}; use favours, neutral or worsens.")
        if decision.item is not None and not 0 <= decision.item < len(draft.items):
            problems.append(f"Decision {pos} points to agenda item {decision.item + 1}, which does not exist.")
    return problems


def problems_in_minutes(draft: MeetingDraft) -> bool:
    """True when some item's minutes are not usable numbers (then the total is not checked)."""
    return any(
        i.minutes is not None and (not isinstance(i.minutes, (int, float)) or math.isnan(i.minutes) or i.minutes < 0)
        for i in draft.items
    )


def check_meeting(draft: MeetingDraft, *, today: dt.date | None = None) -> MeetingDraft:
    """Return ``draft`` with titles and texts trimmed, or raise ``MeetingError`` listing every problem."""
    problems = meeting_problems(draft, today=today)
    if problems:
        raise MeetingError(" ".join(problems))
    return MeetingDraft(
        held_on=draft.held_on,
        department=draft.department,
        meeting_type=draft.meeting_type,
        duration_minutes=int(draft.duration_minutes),
        items=tuple(
            ItemDraft(i.title.strip(), None if i.minutes is None else float(i.minutes), i.relevance, i.relevance_source)
            for i in draft.items
        ),
        decisions=tuple(DecisionDraft(d.text.strip(), d.cx_impact, d.item) for d in draft.decisions),
        attendees=draft.attendees,
        title=(draft.title or "").strip() or None,
        customer_item_text=(draft.customer_item_text or "").strip() or None,
    )


def save_meeting(engine: Engine, draft: MeetingDraft, *, meeting_id: int | None = None) -> int:
    """Validate ``draft`` and store it (a new meeting, or replacing meeting ``meeting_id``) in one
    transaction; return the meeting's id. Raises ``MeetingError`` before writing anything."""
    return qm.save_meeting(engine, check_meeting(draft), meeting_id=meeting_id)


def load_draft(engine: Engine, meeting_id: int) -> MeetingDraft:
    """The stored meeting ``meeting_id`` as a draft, to edit and save again."""
    detail = qm.meeting_detail(engine, meeting_id)
    m = detail["meeting"]
    ids = [int(i) for i in detail["items"]["id"]]
    items = tuple(
        ItemDraft(r.title, None if pd.isna(r.minutes) else float(r.minutes), r.relevance, r.relevance_source)
        for r in detail["items"].itertuples()
    )
    decisions = tuple(
        DecisionDraft(r.text, r.cx_impact, ids.index(int(r.agenda_item_id)) if pd.notna(r.agenda_item_id) and int(r.agenda_item_id) in ids else None)
        for r in detail["decisions"].itertuples()
    )
    return MeetingDraft(
        held_on=m["held_on"], department=m["department"], meeting_type=m["meeting_type"],
        duration_minutes=int(m["duration_minutes"]), items=items, decisions=decisions,
        attendees=None if m["attendees"] is None else int(m["attendees"]), title=m["title"],
        customer_item_text=m["customer_item_text"] if m["customer_item_filled"] else None,
    )


#: The choice that accepts the suggested label in the logging form.
ACCEPT_SUGGESTION = "suggested"


def resolve_relevance(title: str, choice: str) -> tuple[str, str]:
    """(relevance, relevance_source) for an item: the suggestion when ``choice`` accepts it,
    else the person's label.

    Example
    -------
    >>> resolve_relevance("Customer complaints about returns", "suggested")
    ('direct', 'suggestion')
    >>> resolve_relevance("Customer complaints about returns", "indirect")
    ('indirect', 'person')
    """
    if choice == ACCEPT_SUGGESTION:
        return suggest_relevance(title).label, "suggestion"
    if choice not in vocab.AGENDA_RELEVANCE:
        raise MeetingError(f"Relevance {choice!r} is unknown; use none, indirect or direct.")
    return choice, "person"


def relevance_choice(item: ItemDraft) -> str:
    """The form choice that reproduces a stored item's label: the suggestion when it was accepted
    from one and the lexicon still proposes it, otherwise the label itself."""
    if item.relevance_source == "suggestion" and suggest_relevance(item.title).label == item.relevance:
        return ACCEPT_SUGGESTION
    return item.relevance


# --- the logging form's fields -------------------------------------------------------------------
# The Meetings page keeps the form in ``st.session_state`` under these keys; the two functions
# below translate between a draft and those fields, so the page only draws widgets.


#: Largest values the form's number fields accept (values read from minutes are capped to them).
FORM_MAX_MINUTES = 24 * 60
FORM_MAX_ATTENDEES = 500
FORM_MAX_ITEMS = 100


def form_defaults(today: dt.date) -> dict[str, object]:
    """Initial values of the logging form's fields (an empty meeting held ``today``)."""
    return {
        "mtg_title": "", "mtg_date": today, "mtg_department": vocab.DEPARTMENTS[0],
        "mtg_type": "department", "mtg_duration": 60, "mtg_attendees": 0, "mtg_n_items": 3,
        "mtg_customer_text": "", "mtg_n_decisions": 0, "mtg_editing": None,
    }


def form_state(draft: MeetingDraft, *, editing: int | None) -> dict[str, object]:
    """The form's fields holding ``draft`` (``editing``: the id of the stored meeting, or None).
    Numbers are capped to what the form's fields accept, so that a person sees and fixes them."""
    state: dict[str, object] = {
        "mtg_title": draft.title or "", "mtg_date": draft.held_on, "mtg_department": draft.department,
        "mtg_type": draft.meeting_type, "mtg_duration": min(max(int(draft.duration_minutes), 1), FORM_MAX_MINUTES),
        "mtg_attendees": min(draft.attendees or 0, FORM_MAX_ATTENDEES), "mtg_n_items": max(1, len(draft.items)),
        "mtg_customer_text": draft.customer_item_text or "", "mtg_n_decisions": len(draft.decisions),
        "mtg_editing": editing,
    }
    for i, item in enumerate(draft.items):
        state[f"mtg_item_title_{i}"] = item.title
        state[f"mtg_item_minutes_{i}"] = None if item.minutes is None else min(float(item.minutes), float(FORM_MAX_MINUTES))
        state[f"mtg_item_rel_{i}"] = relevance_choice(item)
    for j, decision in enumerate(draft.decisions):
        state[f"mtg_dec_text_{j}"] = decision.text
        state[f"mtg_dec_impact_{j}"] = decision.cx_impact
        state[f"mtg_dec_item_{j}"] = decision.item
    return state


def draft_from_form(state) -> MeetingDraft:
    """The draft the form's fields describe (not validated: see ``meeting_problems``). Rows left
    completely empty are ignored; attendees 0 means unknown."""
    get = state.get
    items: list[ItemDraft] = []
    position: dict[int, int] = {}
    for i in range(int(get("mtg_n_items", 0) or 0)):
        title = str(get(f"mtg_item_title_{i}", "") or "").strip()
        minutes = get(f"mtg_item_minutes_{i}")
        if not title and minutes is None:
            continue
        relevance, source = resolve_relevance(title, get(f"mtg_item_rel_{i}", ACCEPT_SUGGESTION) or ACCEPT_SUGGESTION)
        position[i] = len(items)
        items.append(ItemDraft(title, None if minutes is None else float(minutes), relevance, source))
    decisions = []
    for j in range(int(get("mtg_n_decisions", 0) or 0)):
        text = str(get(f"mtg_dec_text_{j}", "") or "").strip()
        if not text:
            continue
        item = get(f"mtg_dec_item_{j}")
        decisions.append(DecisionDraft(text, get(f"mtg_dec_impact_{j}", "neutral") or "neutral", position.get(item) if item is not None else None))
    attendees = get("mtg_attendees")
    return MeetingDraft(
        held_on=get("mtg_date"), department=get("mtg_department"), meeting_type=get("mtg_type"),
        duration_minutes=int(get("mtg_duration", 0) or 0), items=tuple(items), decisions=tuple(decisions),
        attendees=int(attendees) if attendees else None, title=str(get("mtg_title", "") or "").strip() or None,
        customer_item_text=str(get("mtg_customer_text", "") or "").strip() or None,
    )
