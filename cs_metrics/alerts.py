"""Alerts: the customers and teams that need someone now, each with why and since when.

Five rules, each one pure function of plain frames and its parameter, returning one row per alert
with the columns ``ALERT_COLUMNS``:

* ``red_band``: the customer's latest scored month (over by ``as_of``) is in the red band; since
  the first month of the current red run (consecutive scored months in red);
* ``renewal_red``: the contract ends within ``days`` days (60) of ``as_of`` and the customer's
  latest band is red; since ``days`` days before the renewal date;
* ``detractor_overdue``: a detractor answer (0-6) whose follow-up is still waiting more than
  ``days`` days (0) after its due date (without a due date, ``FOLLOW_UP_DUE_DAYS`` after the
  answer, as the NPS follow-up queue counts); one row per customer, since the day the oldest
  became overdue;
* ``onboarding_late``: a tracked onboarding (the customer has a first-value milestone, planned or
  reached) without first value more than its target days after signing: the milestone's
  ``target_days``, else ``days`` (30); since the day after the target;
* ``maturity_round``: a round open more than ``days`` days (14) in which a team has fewer than
  ``MIN_RESPONDENTS`` respondents; one row per team, since the day after those ``days``.

Customers churned on or before ``as_of`` raise no alert. ``since`` is the first day (or month) the
rule held, so the same occurrence keeps its ``since`` from day to day and a new occurrence gets a
new one: an acknowledgement is of one occurrence.

Example
-------
>>> bands = pd.DataFrame({"customer_id": [1, 1, 1], "month": ["2026-07-01", "2026-08-01", "2026-09-01"],
...                       "band": ["yellow", "red", "red"]})
>>> customers = pd.DataFrame({"customer_id": [1], "name": ["Acme"], "owner": ["Olga"], "churned_on": [None]})
>>> red_band_entered(bands, customers, as_of=dt.date(2026, 10, 15))[["who", "since"]].values.tolist()
[['Acme', datetime.date(2026, 8, 1)]]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pandas as pd
from babel.dates import format_date

from cs_metrics import i18n, nps
from cs_metrics.errors import DataError
from cs_metrics.i18n import N_, _, formats, ngettext
from cs_metrics.maturity import MIN_RESPONDENTS

__all__ = [
    "ALERT_COLUMNS", "FOLLOW_UP_DUE_DAYS", "RULES", "AlertSettingError", "Rule", "all_alerts", "check_parameter",
    "detractor_follow_up_overdue", "maturity_round_short", "onboarding_past_target", "red_band_entered",
    "renewal_in_red",
]

#: Columns of every rule's result: ``subject`` is the customer id (as text) or the team's name.
ALERT_COLUMNS = ["rule", "subject", "customer_id", "team", "who", "owner", "why", "since"]
#: Days after the answer a follow-up without a due date is due (``nps.follow_up_overdue``'s default).
FOLLOW_UP_DUE_DAYS = 7


class AlertSettingError(DataError):
    """A rule's parameter out of its range, or an unknown rule."""


@dataclass(frozen=True)
class Rule:
    """One alert rule: ``parameter`` names its number (None: the rule has none), ``default`` its
    value when not set, ``low``/``high`` the values allowed. ``label``, ``description`` and
    ``parameter`` are English (marked for the catalog): show them through ``_()``."""

    key: str
    label: str
    description: str
    parameter: str | None = None
    default: float | None = None
    low: float = 0
    high: float = 0


RULES: dict[str, Rule] = {r.key: r for r in (
    Rule("red_band", N_("Entered the red band"), N_("The customer's latest scored month is in the red band.")),
    Rule("renewal_red", N_("Renewal in the red band"), N_("The contract ends within the days set and the customer "
         "is in the red band."), N_("Days before the renewal"), 60, 1, 180),
    Rule("detractor_overdue", N_("Detractor follow-up overdue"), N_("A detractor's follow-up is still waiting "
         "more than the days set after its due date."), N_("Days past the due date"), 0, 0, 365),
    Rule("onboarding_late", N_("Onboarding past its target"), N_("No first value yet, later after signing than "
         "the first-value milestone's target (or the days set, when the milestone has none)."),
         N_("Target days when the milestone sets none"), 30, 1, 730),
    Rule("maturity_round", N_("Maturity round short of answers"), N_("A round open for more than the days set "
         "has teams with fewer than {n} respondents."), N_("Days the round is open"), 14, 0, 365),
)}


def description(rule: Rule) -> str:
    """The rule's description in the reader's language, its numbers filled in."""
    return _(rule.description).format(n=MIN_RESPONDENTS)


def number(value: float) -> str:
    """A parameter as the reader writes it, shortest form ("60", "2.5" / "2,5")."""
    text = f"{value:g}"
    return text.replace(".", ",").replace("-", formats.MINUS) if formats.italian() else text


def _month(day: dt.date) -> str:
    """A month in words: "August 2026" / "agosto 2026"."""
    return format_date(day, "MMMM y", locale=i18n.locale())


def check_parameter(rule: str, value: float | None) -> float | None:
    """``value`` as the rule's parameter (its default when None), or ``AlertSettingError`` saying
    the range allowed.

    >>> check_parameter("renewal_red", None), check_parameter("red_band", None)
    (60, None)
    """
    if rule not in RULES:
        raise AlertSettingError(_("Unknown alert rule {rule}; use one of {rules}.").format(
            rule=repr(rule), rules=", ".join(RULES)))
    r = RULES[rule]
    if r.parameter is None:
        return None
    if value is None or pd.isna(value):
        return r.default
    if not r.low <= float(value) <= r.high or float(value) != int(value):
        raise AlertSettingError(_("{setting} of the rule '{rule}' is a whole number from {low} to {high}; "
                                  "got {value}.").format(setting=_(r.parameter), rule=_(r.label), low=number(r.low),
                                                         high=number(r.high), value=number(value)))
    return float(value)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in ALERT_COLUMNS})


def _day(value: object) -> dt.date:
    return pd.Timestamp(value).date()


def _live(customers: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The customers not churned on or before ``as_of``, indexed by id."""
    churned = pd.to_datetime(customers["churned_on"]) if "churned_on" in customers else pd.Series(pd.NaT, customers.index)
    keep = churned.isna() | (churned > pd.Timestamp(as_of))
    return customers[keep.to_numpy()].set_index("customer_id")


def _rows(rule: str, rows: list[dict]) -> pd.DataFrame:
    if not rows:
        return _empty()
    out = pd.DataFrame(rows).assign(rule=rule)
    for column in ALERT_COLUMNS:
        if column not in out:
            out[column] = None
    return out[ALERT_COLUMNS].sort_values(["since", "subject"], kind="stable").reset_index(drop=True)


def _customer_row(customers: pd.DataFrame, customer_id: int, why: str, since: dt.date) -> dict:
    owner = customers.at[customer_id, "owner"] if "owner" in customers else None
    return {"subject": str(int(customer_id)), "customer_id": int(customer_id), "team": None,
            "who": str(customers.at[customer_id, "name"]), "owner": owner if isinstance(owner, str) else "",
            "why": why, "since": since}


def red_band_entered(bands: pd.DataFrame, customers: pd.DataFrame, *, as_of: dt.date) -> pd.DataFrame:
    """Customers whose latest scored month over by ``as_of`` is red (``bands``: ``customer_id``,
    ``month`` (first day), ``band``; ``customers``: ``customer_id``, ``name``, ``owner``,
    ``churned_on``). A month counts once over: on 31 October, October counts; on 30 October, not.
    ``since`` is the first month of the run of red scored months ending at the latest."""
    live = _live(customers, as_of)
    if bands.empty or live.empty:
        return _empty()
    month = pd.to_datetime(bands["month"])
    over = (month + pd.offsets.MonthEnd(0)) <= pd.Timestamp(as_of)
    scored = bands.assign(month=month)[over.to_numpy() & bands["band"].notna().to_numpy()]
    scored = scored[scored["customer_id"].isin(live.index)].sort_values(["customer_id", "month"])
    rows = []
    for customer_id, months in scored.groupby("customer_id", sort=True):
        red = (months["band"] == "red").to_numpy()
        if not red[-1]:
            continue
        start = len(red) - 1
        while start > 0 and red[start - 1]:
            start -= 1
        first = months["month"].iloc[start]
        n = len(red) - start
        why = ngettext("In the red band for the last scored month, since {month}.",
                       "In the red band for the last {n} scored months, since {month}.", n).format(
            n=n, month=_month(first.date()))
        rows.append(_customer_row(live, customer_id, why, first.date()))
    return _rows("red_band", rows)


def renewal_in_red(ahead: pd.DataFrame, *, days: float = 60) -> pd.DataFrame:
    """Contracts ending within ``days`` days whose customer is in the red band (``ahead``:
    ``customer_id``, ``name``, ``owner``, ``renewal_date``, ``days_left`` (1 = tomorrow), ``band``,
    as ``services.renewals.renewals_ahead`` gives it). At ``days`` = 60 a renewal 60 days away fires,
    61 does not. ``since`` is ``days`` days before the renewal date."""
    if ahead.empty:
        return _empty()
    due = ahead[(ahead["band"] == "red").to_numpy() & (ahead["days_left"] <= days).to_numpy()
                & (ahead["days_left"] >= 1).to_numpy()]
    table = due.drop_duplicates("customer_id").set_index("customer_id")
    rows = []
    for customer_id, row in table.iterrows():
        renews = _day(row["renewal_date"])
        left = int(row["days_left"])
        # The English says "days" for one day too (as it always has); the translation has both forms.
        why = ngettext("Renews on {day}, in {n} days, in the red band.",
                       "Renews on {day}, in {n} days, in the red band.", left).format(day=formats.date(renews), n=left)
        rows.append(_customer_row(table, customer_id, why, renews - dt.timedelta(days=int(days))))
    return _rows("renewal_red", rows)


def detractor_follow_up_overdue(detractors: pd.DataFrame, customers: pd.DataFrame, *, as_of: dt.date,
                                days: float = 0) -> pd.DataFrame:
    """Customers with detractor follow-ups still waiting more than ``days`` days after their due
    date (``detractors``: ``customer_id``, ``responded_on``, ``score``, ``follow_up_status``,
    ``follow_up_due``; answers without a customer are left out). At ``days`` = 0 a follow-up due
    yesterday fires, one due today does not. One row per customer: how many, the oldest due date;
    ``since`` the day after the oldest's due date plus ``days``."""
    live = _live(customers, as_of)
    if detractors.empty or live.empty:
        return _empty()
    answered = pd.to_datetime(detractors["responded_on"])
    d = detractors[(answered <= pd.Timestamp(as_of)).to_numpy() & (detractors["score"] <= 6).to_numpy()
                   & (detractors["score"] >= 0).to_numpy() & detractors["customer_id"].notna().to_numpy()]
    d = d[d["customer_id"].astype("int64").isin(live.index)]
    late = nps.follow_up_overdue(d, as_of=as_of - dt.timedelta(days=int(days)), due_days=FOLLOW_UP_DUE_DAYS)
    d = d[late.to_numpy()]
    due = pd.to_datetime(d["follow_up_due"]).fillna(pd.to_datetime(d["responded_on"])
                                                    + pd.Timedelta(days=FOLLOW_UP_DUE_DAYS))
    d = d.assign(due=due, customer_id=d["customer_id"].astype("int64"))
    rows = []
    for customer_id, group in d.groupby("customer_id", sort=True):
        oldest = group["due"].min().date()
        n = len(group)
        late_by = (as_of - oldest).days
        ago = ngettext("{n} day", "{n} days", late_by).format(n=late_by)
        why = ngettext("A detractor's follow-up is waiting; the oldest was due {day}, {ago} ago.",
                       "{n} detractors' follow-ups are waiting; the oldest was due {day}, {ago} ago.", n).format(
            n=n, day=formats.date(oldest), ago=ago)
        rows.append(_customer_row(live, customer_id, why, oldest + dt.timedelta(days=int(days) + 1)))
    return _rows("detractor_overdue", rows)


def onboarding_past_target(customers: pd.DataFrame, milestones: pd.DataFrame, *, as_of: dt.date,
                           days: float = 30) -> pd.DataFrame:
    """Tracked onboardings without first value by ``as_of`` past their target (``customers``:
    ``customer_id``, ``name``, ``owner``, ``signed_on``, ``churned_on``; ``milestones``: the
    first-value milestones, planned or reached: ``customer_id``, ``reached_on``, ``target_days``).
    The target is the smallest ``target_days`` of the customer's first-value milestones, else
    ``days``. Signed 1 September with a 30-day target: 1 October is day 30 (on target, no alert),
    2 October fires, ``since`` 2 October."""
    live = _live(customers, as_of)
    if milestones.empty or live.empty:
        return _empty()
    ms = milestones.assign(reached_on=pd.to_datetime(milestones["reached_on"]))
    ms = ms[ms["customer_id"].isin(live.index)]
    reached = ms["reached_on"].notna() & (ms["reached_on"] <= pd.Timestamp(as_of))
    done = set(ms.loc[reached.to_numpy(), "customer_id"])
    target = pd.to_numeric(ms["target_days"], errors="coerce").groupby(ms["customer_id"]).min()
    rows = []
    for customer_id, days_set in target.items():
        if customer_id in done:
            continue
        signed = _day(live.at[customer_id, "signed_on"])
        goal = int(days if pd.isna(days_set) else days_set)
        since_signing = (as_of - signed).days
        if since_signing <= goal:
            continue
        why = _("No first value {days} days after signing ({day}); the target is {goal} days.").format(
            days=since_signing, day=formats.date(signed), goal=goal)
        rows.append(_customer_row(live, customer_id, why, signed + dt.timedelta(days=goal + 1)))
    return _rows("onboarding_late", rows)


def maturity_round_short(rounds: pd.DataFrame, respondents: pd.DataFrame, teams: pd.DataFrame, *,
                         as_of: dt.date, days: float = 14, min_respondents: int = MIN_RESPONDENTS) -> pd.DataFrame:
    """Teams with fewer than ``min_respondents`` respondents in a round open on ``as_of`` for more
    than ``days`` days (``rounds``: ``id``, ``name``, ``opened_on``, ``closed_on``; ``respondents``:
    ``round_id``, ``team``, ``respondent``; ``teams``: ``name``, ``department``). Opened 1 October
    with 14 days: 15 October is day 14 (no alert), 16 October fires, ``since`` 16 October. The
    owner is the team's department."""
    if rounds.empty or teams.empty:
        return _empty()
    opened = pd.to_datetime(rounds["opened_on"])
    closed = pd.to_datetime(rounds["closed_on"])
    day = pd.Timestamp(as_of)
    open_now = (opened <= day) & (closed.isna() | (closed > day)) & ((day - opened).dt.days > days)
    rows = []
    for _row, r in rounds[open_now.to_numpy()].iterrows():
        given = respondents[respondents["round_id"] == r["id"]].groupby("team")["respondent"].nunique()
        start = _day(r["opened_on"])
        for _team, t in teams.sort_values("name").iterrows():
            n = int(given.get(t["name"], 0))
            if n >= min_respondents:
                continue
            why = _("Round '{round}' open for {days} days with {n} of the {needed} respondents needed.").format(
                round=r["name"], days=(as_of - start).days, n=n, needed=min_respondents)
            rows.append({"subject": str(t["name"]), "customer_id": None, "team": str(t["name"]),
                         "who": str(t["name"]), "owner": str(t["department"] or ""), "why": why,
                         "since": start + dt.timedelta(days=int(days) + 1)})
    return _rows("maturity_round", rows)


def all_alerts(*, as_of: dt.date, customers: pd.DataFrame, bands: pd.DataFrame, ahead: pd.DataFrame,
               detractors: pd.DataFrame, milestones: pd.DataFrame, rounds: pd.DataFrame,
               respondents: pd.DataFrame, teams: pd.DataFrame, parameters: Mapping[str, float | None] | None = None,
               enabled: Collection[str] | None = None) -> pd.DataFrame:
    """Every alert of the ``enabled`` rules (default all) with their ``parameters`` (default each
    rule's default), oldest ``since`` first; columns ``ALERT_COLUMNS``."""
    chosen = tuple(RULES) if enabled is None else tuple(k for k in RULES if k in set(enabled))
    value = {k: check_parameter(k, (parameters or {}).get(k)) for k in RULES}
    runs = {
        "red_band": lambda: red_band_entered(bands, customers, as_of=as_of),
        "renewal_red": lambda: renewal_in_red(ahead, days=value["renewal_red"]),
        "detractor_overdue": lambda: detractor_follow_up_overdue(detractors, customers, as_of=as_of,
                                                                 days=value["detractor_overdue"]),
        "onboarding_late": lambda: onboarding_past_target(customers, milestones, as_of=as_of,
                                                          days=value["onboarding_late"]),
        "maturity_round": lambda: maturity_round_short(rounds, respondents, teams, as_of=as_of,
                                                       days=value["maturity_round"]),
    }
    found = [f for f in (runs[k]() for k in chosen) if not f.empty]
    if not found:
        return _empty()
    out = pd.concat(found, ignore_index=True)
    return out.sort_values(["since", "rule", "subject"], kind="stable").reset_index(drop=True)
