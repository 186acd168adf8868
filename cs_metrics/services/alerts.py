"""Alerts from the database: the rules as the company set them, the alerts they raise on a day for
the selected customers, and acknowledgements.

``alerts`` reads what each rule needs (the customers, the active health model's bands, the
renewals ahead, the waiting detractor follow-ups, the first-value milestones, the maturity rounds
and their respondents), applies the enabled rules of ``settings`` (``cs_metrics.alerts``) and
marks the occurrences acknowledged. Team alerts (maturity rounds) are company-wide: the customer
filter does not apply to them. Editors and admins change the rules and acknowledge alerts (the
right "alerts.edit"); every change is in the audit trail.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy.engine import Engine

from cs_metrics import alerts as rules
from cs_metrics.access import Actor
from cs_metrics.alerts import RULES, AlertSettingError
from cs_metrics.i18n import _, pgettext
from cs_metrics.selection import ALL, CustomerFilter
from cs_metrics.services import maturity
from cs_metrics.services.access import write
from cs_metrics.services.renewals import band_history, renewals_ahead
from cs_metrics.storage import queries as q
from cs_metrics.storage.queries import alerts as qa

__all__ = ["LIST_COLUMNS", "AlertSettingError", "acknowledge", "alerts", "save_setting", "settings"]

#: Columns of ``alerts``: the rule's columns, its label, and the acknowledgement.
LIST_COLUMNS = [*rules.ALERT_COLUMNS, "rule_label", "acknowledged", "acknowledged_by", "acknowledged_at"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def settings(engine: Engine) -> pd.DataFrame:
    """Every rule, in ``RULES`` order: ``rule``, ``label``, ``parameter_label`` (None for a rule
    without one; both in the reader's language), ``enabled``, ``parameter`` (the stored value, else
    the default), ``default``, ``low``, ``high``, ``updated_by``, ``updated_at`` (empty for a rule
    never saved)."""
    stored = qa.settings(engine).set_index("rule")
    rows = []
    for key, r in RULES.items():
        saved = stored.loc[key] if key in stored.index else None
        value = None if saved is None or pd.isna(saved["parameter"]) else float(saved["parameter"])
        rows.append({
            "rule": key, "label": _(r.label), "parameter_label": _(r.parameter) if r.parameter else None,
            "enabled": True if saved is None else bool(saved["enabled"]),
            "parameter": rules.check_parameter(key, value) if r.parameter else None, "default": r.default,
            "low": r.low, "high": r.high,
            "updated_by": "" if saved is None else saved["updated_by"],
            "updated_at": None if saved is None else saved["updated_at"],
        })
    return pd.DataFrame(rows)


def save_setting(engine: Engine, rule: str, *, enabled: bool, parameter: float | None, actor: Actor) -> str:
    """Set ``rule`` on or off with ``parameter`` (None: its default) as ``actor`` (right
    "alerts.edit"); returns what was saved, in the reader's words (the audit trail keeps the English).
    Raises ``AlertSettingError`` (nothing written, no audit row) for an unknown rule or a parameter
    out of range."""
    value = rules.check_parameter(rule, parameter)
    r = RULES[rule]
    with write(engine, actor, "alerts.edit", records=f"rule {rule}") as entry:
        qa.save_setting(engine, rule=rule, enabled=enabled, parameter=value, updated_by=actor.who,
                        updated_at=_now())
        shown = f", {r.parameter.lower()} {value:g}" if r.parameter else ""
        entry.summary = f"{r.label}: {'on' if enabled else 'off'}{shown}"
    state = pgettext("alert rule", "on") if enabled else pgettext("alert rule", "off")
    setting = f", {_(r.parameter).lower()} {rules.number(value)}" if r.parameter else ""
    return f"{_(r.label)}: {state}{setting}"


def acknowledge(engine: Engine, rule: str, subject: str, since: dt.date, *, actor: Actor) -> bool:
    """Acknowledge one occurrence (``rule``, ``subject``, ``since``) as ``actor`` (right
    "alerts.edit"); False when it already was acknowledged (the first stays)."""
    rules.check_parameter(rule, None)  # an unknown rule raises AlertSettingError
    since = pd.Timestamp(since).date()
    with write(engine, actor, "alerts.edit", records=f"alert {rule} {subject} since {since:%Y-%m-%d}") as entry:
        done = qa.acknowledge(engine, rule=rule, subject=str(subject), since=since, acknowledged_by=actor.who,
                              acknowledged_at=_now())
        entry.summary = "acknowledged" if done else "already acknowledged"
    return done


def _customers(engine: Engine, flt: CustomerFilter) -> pd.DataFrame:
    return q.customers(engine, flt=flt)[["customer_id", "name", "owner", "signed_on", "churned_on"]]


def alerts(engine: Engine, *, as_of: dt.date, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """The alerts of the enabled rules on ``as_of`` for the customers ``flt`` selects (and every
    team), unacknowledged first, then by ``since``: columns ``LIST_COLUMNS``."""
    chosen = settings(engine)
    enabled = set(chosen.loc[chosen["enabled"], "rule"])
    parameters = dict(zip(chosen["rule"], chosen["parameter"]))
    empty = pd.DataFrame()
    customers = _customers(engine, flt)
    needs = enabled.intersection
    found = rules.all_alerts(
        as_of=as_of, customers=customers,
        bands=band_history(engine, flt=flt) if needs({"red_band"}) else empty,
        ahead=renewals_ahead(engine, as_of=as_of, flt=flt) if needs({"renewal_red"}) else empty,
        detractors=qa.detractor_answers(engine, as_of=as_of, flt=flt) if needs({"detractor_overdue"}) else empty,
        milestones=qa.first_value_targets(engine, flt=flt) if needs({"onboarding_late"}) else empty,
        rounds=maturity.rounds(engine) if needs({"maturity_round"}) else empty,
        respondents=qa.round_respondents(engine) if needs({"maturity_round"}) else empty,
        teams=maturity.teams(engine) if needs({"maturity_round"}) else empty,
        parameters=parameters, enabled=enabled,
    )
    return with_acknowledgements(found, qa.acknowledgements(engine))


def with_acknowledgements(found: pd.DataFrame, acks: pd.DataFrame) -> pd.DataFrame:
    """``found`` (``cs_metrics.alerts`` rows) with ``rule_label``, ``acknowledged``,
    ``acknowledged_by`` and ``acknowledged_at`` from ``acks``; unacknowledged first, then by since."""
    keys = acks.assign(since=pd.to_datetime(acks["since"]).dt.date)
    keys = keys.drop_duplicates(["rule", "subject", "since"])
    out = found.merge(keys, on=["rule", "subject", "since"], how="left")
    out["rule_label"] = out["rule"].map({k: _(r.label) for k, r in RULES.items()})
    out["acknowledged"] = out["acknowledged_at"].notna().astype(bool)
    out["acknowledged_by"] = out["acknowledged_by"].fillna("")
    out = out.sort_values(["acknowledged", "since", "rule", "subject"], kind="stable").reset_index(drop=True)
    return out[LIST_COLUMNS]
