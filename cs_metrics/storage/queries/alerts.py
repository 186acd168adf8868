"""Alerts: the rules' settings (``alert_setting``), the acknowledged occurrences (``alert_ack``),
and the reads the rules need beyond the other views' (detractor answers with their customer,
first-value milestones with their targets, respondents per round and team).

Settings and acknowledgements are written with ``INSERT ... ON CONFLICT`` (SQLite and PostgreSQL):
two people saving the same rule leave one row, the last save's; acknowledging an occurrence twice
keeps the first acknowledgement and never fails on the unique key.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from cs_metrics.storage import models as m
from cs_metrics.storage.queries import ALL, CustomerFilter, _apply, _frame

__all__ = ["ACK_COLUMNS", "SETTING_COLUMNS", "acknowledge", "acknowledgements", "detractor_answers",
           "first_value_targets", "round_respondents", "save_setting", "settings"]

#: Columns of ``settings``.
SETTING_COLUMNS = ["rule", "enabled", "parameter", "updated_by", "updated_at"]
#: Columns of ``acknowledgements``.
ACK_COLUMNS = ["rule", "subject", "since", "acknowledged_by", "acknowledged_at"]


def _insert(engine: Engine):
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


def settings(engine: Engine) -> pd.DataFrame:
    """The stored settings, by rule: ``SETTING_COLUMNS`` (rules never saved have no row)."""
    s = m.AlertSetting
    frame = _frame(engine, select(s.rule, s.enabled, s.parameter, s.updated_by, s.updated_at).order_by(s.rule))
    return frame[SETTING_COLUMNS]


def save_setting(engine: Engine, *, rule: str, enabled: bool, parameter: float | None, updated_by: str,
                 updated_at: dt.datetime) -> None:
    """Store the setting of ``rule``, replacing the one stored (values as given: the service checks them)."""
    values = {"rule": rule, "enabled": bool(enabled), "parameter": parameter, "updated_by": updated_by,
              "updated_at": updated_at}
    stmt = _insert(engine)(m.AlertSetting).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=["rule"], set_={
        k: getattr(stmt.excluded, k) for k in ("enabled", "parameter", "updated_by", "updated_at")})
    with engine.begin() as conn:
        conn.execute(stmt)


def acknowledgements(engine: Engine) -> pd.DataFrame:
    """Every acknowledged occurrence: ``ACK_COLUMNS`` (``since`` a Timestamp), oldest first."""
    a = m.AlertAck
    stmt = select(a.rule, a.subject, a.since, a.acknowledged_by, a.acknowledged_at).order_by(a.acknowledged_at, a.id)
    return _frame(engine, stmt, dates=("since",))[ACK_COLUMNS]


def acknowledge(engine: Engine, *, rule: str, subject: str, since: dt.date, acknowledged_by: str,
                acknowledged_at: dt.datetime) -> bool:
    """Record an occurrence as acknowledged; False when it already was (the first stays)."""
    stmt = _insert(engine)(m.AlertAck).values(rule=rule, subject=subject, since=since,
                                               acknowledged_by=acknowledged_by, acknowledged_at=acknowledged_at)
    stmt = stmt.on_conflict_do_nothing(index_elements=["rule", "subject", "since"])
    with engine.begin() as conn:
        return conn.execute(stmt).rowcount == 1


def detractor_answers(engine: Engine, *, as_of: dt.date, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """Detractor answers (0-6) of customers up to ``as_of`` whose follow-up is not closed (no
    status, open or in progress): ``customer_id``, ``responded_on``, ``score``,
    ``follow_up_status``, ``follow_up_due``."""
    r = m.NpsResponse
    stmt = _apply(
        select(r.customer_id, r.responded_on, r.score, r.follow_up_status, r.follow_up_due)
        .join(m.Customer, m.Customer.id == r.customer_id)
        .where(r.responded_on <= as_of, r.score >= 0, r.score <= 6,
               r.follow_up_status.is_(None) | r.follow_up_status.in_(("open", "in_progress"))),
        flt,
    ).order_by(r.customer_id, r.responded_on, r.id)
    return _frame(engine, stmt, dates=("responded_on", "follow_up_due"))


def first_value_targets(engine: Engine, *, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """Every first-value milestone, planned or reached: ``customer_id``, ``reached_on`` (NaT when
    planned), ``target_days``."""
    ms = m.Milestone
    stmt = _apply(
        select(ms.customer_id, ms.reached_on, ms.target_days)
        .join(m.Customer, m.Customer.id == ms.customer_id)
        .where(ms.kind == "first_value"),
        flt,
    ).order_by(ms.customer_id, ms.id)
    return _frame(engine, stmt, dates=("reached_on",))


def round_respondents(engine: Engine) -> pd.DataFrame:
    """Who answered in which round for which team: ``round_id``, ``team``, ``respondent`` (one row each)."""
    a, t = m.Assessment, m.Team
    stmt = (select(a.round_id, t.name.label("team"), a.respondent).join(t, t.id == a.team_id)
            .distinct().order_by(a.round_id, t.name, a.respondent))
    return _frame(engine, stmt)
