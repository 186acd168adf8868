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

A meeting to log is a ``MeetingDraft`` (agenda ``ItemDraft``s, ``DecisionDraft``s);
``meeting_problems`` lists what stops it from being saved and ``check_meeting`` returns it
trimmed, ready to store. Which items are about the customer is proposed by
``cs_metrics.relevance``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cs_metrics import vocab
from cs_metrics.errors import DataError
from cs_metrics.i18n import N_, _, formats
from cs_metrics.period import Period, shift_months
from cs_metrics.stats import ratio_interval

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
            raise DataError(_("The {name} table lacks column(s) {columns}; add them (see customer_share).").format(
                name=name, columns=sorted(missing)))
    rel = items["relevance"]
    bad = rel.isna() | ~rel.isin(vocab.AGENDA_RELEVANCE)
    if bad.any():
        shown = sorted({str(v) for v in rel[bad].head(5)})
        raise DataError(_(
            "{n} agenda item(s) have a relevance that is not one of {labels} (e.g. {shown}); label each item "
            "none, indirect or direct."
        ).format(n=int(bad.sum()), labels=list(vocab.AGENDA_RELEVANCE), shown=shown))
    minutes = pd.to_numeric(items["minutes"], errors="coerce")
    if (minutes < 0).any():
        raise DataError(_("Some agenda items have negative minutes; use 0 or more, or leave the minutes empty."))
    if meetings["customer_item_filled"].isna().any():
        raise DataError(_("Some meetings do not say whether the customer item was filled; use True or False."))


def _group_keys(by: str | Sequence[str] | None) -> list[str]:
    keys = [by] if isinstance(by, str) else list(by or ())
    unknown = [k for k in keys if k not in GROUPINGS]
    if unknown:
        raise DataError(_("Cannot group meetings by {unknown}; use any of {groupings}.").format(
            unknown=unknown, groupings=list(GROUPINGS)))
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
    """The customer share against the baseline, in English: the value is data (pages compare it and
    show it through ``_()``)."""
    if not enough or math.isnan(low) or math.isnan(high):
        return N_("too few to read")
    if low > baseline:
        return N_("above baseline")
    if high < baseline:
        return N_("below baseline")
    return N_("not distinguishable from baseline")


#: Columns of a ``per_meeting`` frame that the shares add up.
SUMMED_COLUMNS: tuple[str, ...] = (
    "items", "customer_items", "direct_items", "agenda_minutes", "customer_minutes", "direct_minutes",
    "decided_items", "customer_item_filled", *vocab.CX_IMPACTS,
)


def _summarise(cols: dict[str, np.ndarray], baseline: float) -> dict:
    """One group's ``SHARE_COLUMNS`` from its meetings' ``SUMMED_COLUMNS`` as arrays. Sums skip
    NaN (as pandas does) and add the rows in the frame's order."""
    n = len(cols["items"])

    def total(column: str) -> float:
        return float(np.nansum(cols[column]))

    items, c_items, decided = total("items"), total("customer_items"), total("decided_items")
    agenda = total("agenda_minutes")
    direct_minutes, favours, worsens = total("direct_minutes"), total("favours"), total("worsens")
    time_share, t_lo, t_hi = ratio_interval(cols["customer_minutes"], cols["agenda_minutes"])
    item_share, i_lo, i_hi = ratio_interval(cols["customer_items"], cols["items"])
    decisions = float(np.nansum(np.stack([cols[impact] for impact in vocab.CX_IMPACTS], axis=1)))
    filled = int(np.count_nonzero(cols["customer_item_filled"]))
    enough = n >= MIN_MEETINGS
    return {
        "meetings": n,
        "items": int(items),
        "customer_items": int(c_items),
        "direct_items": int(total("direct_items")),
        "item_share": item_share,
        "item_share_low": i_lo,
        "item_share_high": i_hi,
        "agenda_minutes": agenda,
        "customer_minutes": total("customer_minutes"),
        "direct_minutes": direct_minutes,
        "time_share": time_share,
        "time_share_low": t_lo,
        "time_share_high": t_hi,
        "direct_time_share": direct_minutes / agenda if agenda > 0 else math.nan,
        "filled": filled,
        "filled_rate": filled / n if n else math.nan,
        "decisions": int(decisions),
        "favours": int(favours),
        "neutral": int(total("neutral")),
        "worsens": int(worsens),
        "favours_per_meeting": favours / n if n else math.nan,
        "worsens_per_meeting": worsens / n if n else math.nan,
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
        Keep only meetings held in the period: from ``period.start`` up to, not including,
        ``period.end`` (its first and last day both count).
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
    return share_of_meetings(per_meeting(items, meetings), by=keys, period=period, baseline=baseline)


def share_of_meetings(
    per: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    period: Period | None = None,
    baseline: float = BASELINE_SHARE,
) -> pd.DataFrame:
    """``customer_share`` of meetings whose agenda items are already summed per meeting.

    ``per`` is a ``per_meeting`` frame (or the same sums read from the database): ``held_on``,
    the ``by`` columns and ``SUMMED_COLUMNS``. Summing the items once and calling this for each
    grouping and period gives, number for number, what ``customer_share`` gives for each.

    Example
    -------
    >>> meetings = pd.DataFrame({"meeting_id": [1, 2], "held_on": ["2026-03-02", "2026-04-07"],
    ...                          "department": ["IT", "IT"], "meeting_type": ["department"] * 2,
    ...                          "customer_item_filled": [True, False]})
    >>> items = pd.DataFrame({"meeting_id": [1, 1, 2], "relevance": ["direct", "none", "none"],
    ...                       "minutes": [15, 45, 30]})
    >>> per = per_meeting(items, meetings)
    >>> share_of_meetings(per, by="month")[["month", "meetings", "time_share"]].to_numpy().tolist()
    [[Timestamp('2026-03-01 00:00:00'), 1, 0.25], [Timestamp('2026-04-01 00:00:00'), 1, 0.0]]
    """
    keys = _group_keys(by)
    needed = {"held_on", *SUMMED_COLUMNS, *(k for k in keys if k not in ("month", "quarter"))}
    if missing := sorted(needed - set(per.columns)):
        raise DataError(_("The meetings lack column(s) {columns}; sum their agenda items with per_meeting "
                          "first.").format(columns=missing))
    held = pd.to_datetime(per["held_on"])
    if period is not None:
        inside = ((held >= pd.Timestamp(period.start)) & (held < pd.Timestamp(period.end))).to_numpy()
        per, held = per[inside], held[inside]
    cols = {c: per[c].to_numpy() for c in SUMMED_COLUMNS}
    if not keys:
        return pd.DataFrame([_summarise(cols, baseline)], columns=list(SHARE_COLUMNS))
    groups = pd.DataFrame({k: per[k] for k in keys if k not in ("month", "quarter")}, index=per.index)
    if "month" in keys:
        groups["month"] = held.dt.to_period("M").dt.start_time
    if "quarter" in keys:
        groups["quarter"] = held.dt.to_period("Q").dt.start_time
    grouped = groups.reset_index(drop=True).groupby(keys, sort=True)
    positions = {_as_tuple(key): rows for key, rows in grouped.indices.items()}  # rows in frame order
    out = []
    for key in grouped.size().index:  # the groups in the order iterating the groupby gives them
        part = {c: values[positions[_as_tuple(key)]] for c, values in cols.items()}
        out.append({**dict(zip(keys, _as_tuple(key))), **_summarise(part, baseline)})
    return pd.DataFrame(out, columns=keys + list(SHARE_COLUMNS))


def _as_tuple(key: object) -> tuple:
    return key if isinstance(key, tuple) else (key,)


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


@dataclass(frozen=True)
class Headline:
    """The headline customer share of a period against the baseline and the first logged quarter.

    ``current`` and ``first_quarter`` are rows of ``customer_share`` (``first_quarter`` is None
    when no meeting was logged yet).
    """

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


def share_headline(per: pd.DataFrame, *, period: Period) -> Headline:
    """The ``Headline`` of ``period`` from every logged meeting summed per meeting (a
    ``per_meeting`` frame of all meetings: the first quarter starts at the earliest of them).

    Example
    -------
    >>> meetings = pd.DataFrame({"meeting_id": [1, 2], "held_on": ["2026-01-05", "2026-06-01"],
    ...                          "department": ["IT", "IT"], "meeting_type": ["department"] * 2,
    ...                          "customer_item_filled": [True, True]})
    >>> items = pd.DataFrame({"meeting_id": [1, 1, 2], "relevance": ["none", "direct", "direct"],
    ...                       "minutes": [30, 10, 20]})
    >>> june = Period(dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    >>> head = share_headline(per_meeting(items, meetings), period=june)
    >>> float(head.current["time_share"]), float(head.first_quarter["time_share"])
    (1.0, 0.25)
    >>> head.change_vs_first_quarter
    0.75
    """
    current = share_of_meetings(per, period=period).iloc[0]
    first_day = pd.to_datetime(per["held_on"]).min()
    fq = first_quarter(None if pd.isna(first_day) else first_day.date())
    first = share_of_meetings(per, period=fq).iloc[0] if fq is not None else None
    return Headline(current=current, first_quarter=first, first_quarter_period=fq)


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


def plain_number(value: float) -> str:
    """``value`` as ``f"{value:g}"`` writes it (45, 7.5), with the reader's decimal separator.

    >>> from cs_metrics.i18n import using
    >>> with using("it"):
    ...     plain_number(45.0), plain_number(7.5)
    ('45', '7,5')
    """
    text = f"{value:g}"
    return text.replace(".", ",") if formats.italian() else text


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
        problems.append(_("Give the date the meeting was held."))
    elif draft.held_on > today:
        problems.append(_("The meeting date {date} is in the future; log meetings once they are held.").format(
            date=formats.date(draft.held_on)))
    if draft.department not in vocab.DEPARTMENTS:
        problems.append(_("Department {department} is unknown; choose one of {choices}.").format(
            department=repr(draft.department), choices=list(vocab.DEPARTMENTS)))
    if draft.meeting_type not in vocab.MEETING_TYPES:
        problems.append(_("Meeting type {type} is unknown; choose one of {choices}.").format(
            type=repr(draft.meeting_type), choices=list(vocab.MEETING_TYPES)))
    duration = draft.duration_minutes
    if not isinstance(duration, (int, float)) or not 1 <= duration <= 24 * 60:
        problems.append(_("The duration must be between 1 and 1,440 minutes."))
    if draft.attendees is not None and not (isinstance(draft.attendees, int) and draft.attendees >= 1):
        problems.append(_("Attendees must be a whole number of at least 1 (or left empty)."))
    if draft.title is not None and len(draft.title) > 200:
        problems.append(_("The meeting title is longer than 200 characters; shorten it."))
    if not draft.items:
        problems.append(_("Add at least one agenda item."))
    for pos, item in enumerate(draft.items, start=1):
        if not (item.title or "").strip():
            problems.append(_("Agenda item {pos} has no title; write one or remove the item.").format(pos=pos))
        elif len(item.title) > 300:
            problems.append(_("Agenda item {pos} has a title longer than 300 characters; shorten it.").format(pos=pos))
        if item.minutes is not None and (not isinstance(item.minutes, (int, float)) or math.isnan(item.minutes) or item.minutes < 0):
            problems.append(_("Agenda item {pos} has minutes {minutes}; use 0 or more, or leave them empty.").format(
                pos=pos, minutes=repr(item.minutes)))
        if item.relevance not in vocab.AGENDA_RELEVANCE:
            problems.append(_("Agenda item {pos} has relevance {relevance}; use none, indirect or direct.").format(
                pos=pos, relevance=repr(item.relevance)))
        if item.relevance_source not in vocab.RELEVANCE_SOURCES:
            problems.append(_("Agenda item {pos}: the label source must be 'person' or 'suggestion'.").format(pos=pos))
    if isinstance(duration, (int, float)) and not problems_in_minutes(draft) and draft.agenda_minutes > duration:
        problems.append(_(
            "The agenda items add up to {total} minutes, more than the meeting lasted ({duration} minutes): fix the "
            "minutes or the duration."
        ).format(total=plain_number(draft.agenda_minutes), duration=plain_number(duration)))
    for pos, decision in enumerate(draft.decisions, start=1):
        if not (decision.text or "").strip():
            problems.append(_("Decision {pos} has no text; write it or remove the decision.").format(pos=pos))
        if decision.cx_impact not in vocab.CX_IMPACTS:
            problems.append(_("Decision {pos} has CX impact {impact}; use favours, neutral or worsens.").format(
                pos=pos, impact=repr(decision.cx_impact)))
        if decision.item is not None and not 0 <= decision.item < len(draft.items):
            problems.append(_("Decision {pos} points to agenda item {item}, which does not exist.").format(
                pos=pos, item=decision.item + 1))
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
