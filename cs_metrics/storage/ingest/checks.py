"""Rules that tie a row to other rows: of the same file, and of the tables already stored.

A file may be right cell by cell and still contradict what the database holds: a customer marked
active with a churn date, a churn event or a milestone before the customer signed, a churn event of
a customer who has not churned (or churned on another day), answers into a round that is closed, a
self-assessment that leaves a dimension unanswered. Each rule here reports one problem per row that
breaks it, with what to fix, so that the dry run shows it and the commit refuses the file as a whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection

from cs_metrics import vocab
from cs_metrics.i18n import _, formats
from cs_metrics.storage import models as m
from cs_metrics.storage.ingest.report import ImportReport
from cs_metrics.storage.ingest.values import Parsed, column_of


def _stored_customers(conn: Connection, external_ids: Iterable[Any]) -> dict[str, Any]:
    """Stored customers by their CRM id: (signed_on, status, churned_on, renewal_date)."""
    wanted = list({i for i in external_ids if i is not None})
    c = m.Customer.__table__.c
    out: dict[str, Any] = {}
    for start in range(0, len(wanted), 20_000):
        chunk = wanted[start:start + 20_000]
        for r in conn.execute(select(c.external_id, c.signed_on, c.status, c.churned_on, c.renewal_date)
                              .where(c.external_id.in_(chunk))):
            out[r.external_id] = r
    return out


def _value(v: pd.DataFrame, parsed: Parsed, row: Any, name: str, stored: Any, *, required: bool = False) -> Any:
    """The value ``name`` will have after the import: the file's when the file maps the field (an
    empty cell empties a field that may be empty, and keeps the stored value of a required one),
    else the stored one."""
    if parsed.has(name) and name in v:
        value = v.at[row, name]
        if value is not None or not required:
            return value
    return getattr(stored, name) if stored is not None else None


def check_customers(conn: Connection, parsed: Parsed, report: ImportReport) -> None:
    """A customer marked active has no churn date; a renewal comes after signing. Fields the file
    does not give are taken from the stored customer."""
    v = parsed.values
    if v.empty or "customer_id" not in v:
        return
    stored = _stored_customers(conn, v["customer_id"].dropna().unique())
    for row, ref in zip(v.index, v["customer_id"]):
        if ref is None:
            continue
        old = stored.get(ref)
        churned_on = _value(v, parsed, row, "churned_on", old)
        if parsed.has("status") or not parsed.has("churned_on"):
            status = _value(v, parsed, row, "status", old, required=True)
        else:
            # Without a status column the import derives it from churned_on.
            status = "churned" if churned_on is not None else "active"
        signed_on = _value(v, parsed, row, "signed_on", old, required=True)
        renewal = _value(v, parsed, row, "renewal_date", old)
        if status == "active" and churned_on is not None:
            report.add(int(row), column_of(parsed, "status"), status,
                       _("status is active but the customer has a churn date ({day}): set status to churned, or "
                         "empty churned_on if the customer stayed.").format(day=formats.date(churned_on)),
                       "active with churn date")
        if renewal is not None and signed_on is not None and renewal < signed_on:
            report.add(int(row), column_of(parsed, "renewal_date"), renewal,
                       _("renewal_date is before signed_on ({day}); check both dates.").format(
                           day=formats.date(signed_on)), "renewal before signing")


def _customers_seen(conn: Connection, parsed: Parsed) -> dict[str, Any]:
    v = parsed.values
    if v.empty or "customer_id" not in v:
        return {}
    return _stored_customers(conn, v["customer_id"].dropna().unique())


def check_churn_events(conn: Connection, parsed: Parsed, report: ImportReport) -> None:
    """A churn event belongs to a customer the customers data marks churned, on the same day, and
    is not before the customer signed: otherwise the churn counts (from events) and retention (from
    customers) would tell two stories."""
    v = parsed.values
    stored = _customers_seen(conn, parsed)
    if not stored or "churned_on" not in v:
        return
    column = column_of(parsed, "churned_on")
    for row, ref, day in zip(v.index, v["customer_id"], v["churned_on"]):
        customer = stored.get(ref)
        if customer is None or day is None:
            continue
        if customer.signed_on is not None and day < customer.signed_on:
            report.add(int(row), column, day, _("churned_on is before the customer signed ({day}); check the "
                       "date.").format(day=formats.date(customer.signed_on)), "churn before signing")
        elif customer.status != "churned":
            report.add(int(row), column_of(parsed, "customer_id"), ref,
                       _("The customer is {status} in the customers data, so it cannot have a churn event. Import "
                         "the customers file with status churned and churned_on {day} first, or remove this "
                         "row.").format(status=customer.status, day=day), "churn of a current customer")
        elif customer.churned_on is not None and customer.churned_on != day:
            report.add(int(row), column, day, _("churned_on differs from the churn date in the customers data "
                       "({day}); a customer leaves once: correct the date here or in the customers file.").format(
                           day=formats.date(customer.churned_on)), "churn date differs")


def check_milestones(conn: Connection, parsed: Parsed, report: ImportReport) -> None:
    """A milestone is not reached before the customer signed."""
    v = parsed.values
    stored = _customers_seen(conn, parsed)
    if not stored or "reached_on" not in v:
        return
    for row, ref, day in zip(v.index, v["customer_id"], v["reached_on"]):
        customer = stored.get(ref)
        if customer is None or day is None or customer.signed_on is None:
            continue
        if day < customer.signed_on:
            report.add(int(row), column_of(parsed, "reached_on"), day,
                       _("reached_on is before the customer signed ({day}); check the date, or signed_on in the "
                         "customers file.").format(day=formats.date(customer.signed_on)), "milestone before signing")


def check_assessments(conn: Connection, parsed: Parsed, report: ImportReport) -> None:
    """Answers go into open rounds only."""
    v = parsed.values
    if v.empty or "round" not in v:
        return
    r = m.AssessmentRound.__table__.c
    names = list(v["round"].dropna().unique())
    rounds = {x.name: x for x in conn.execute(select(r.id, r.name, r.status).where(r.name.in_(names)))} if names else {}
    for row, name in zip(v.index, v["round"]):
        found = rounds.get(name)
        if found is not None and found.status == "closed":
            report.add(int(row), column_of(parsed, "round"), name,
                       _("Round {name} is closed: its answers cannot change. Reopen the round, or put the answers "
                         "in an open round.").format(name=name), "closed round")


def check_complete_assessments(conn: Connection, parsed: Parsed, report: ImportReport) -> None:
    """Every self-assessment answers every dimension once the import is done: the file's rows of a
    respondent, team and round, with the answers already stored for them, cover all four (as the
    form requires), so that each dimension's results count the same people."""
    v = parsed.values
    keys = ["round", "team", "respondent"]
    if v.empty or not all(k in v for k in keys) or "dimension" not in v:
        return
    a, r, t, w = (m.Assessment.__table__, m.AssessmentRound.__table__, m.Team.__table__,
                  m.AssessmentAnswer.__table__)
    complete = v[keys].notna().all(axis=1)
    names = list(v.loc[complete.to_numpy(), "round"].unique())
    stored: dict[tuple, set[str]] = {}
    if names:
        found = conn.execute(select(r.c.name, t.c.name.label("team"), a.c.respondent, w.c.dimension)
                             .select_from(w.join(a, a.c.id == w.c.assessment_id).join(r, r.c.id == a.c.round_id)
                                          .join(t, t.c.id == a.c.team_id))
                             .where(r.c.name.in_(names)))
        for found_row in found:
            stored.setdefault((found_row.name, found_row.team, found_row.respondent),
                              set()).add(found_row.dimension)
    groups = v.loc[complete.to_numpy()].groupby(keys, sort=False)
    for key, group in groups:
        given = set(group["dimension"].dropna()) | stored.get(tuple(key), set())
        missing = [d for d in vocab.MATURITY_DIMENSIONS if d not in given]
        if missing:
            row = int(group.index[0])
            rnd, team, who = key
            report.add(row, column_of(parsed, "dimension"), ", ".join(sorted(set(group["dimension"].dropna()))),
                       _("{who} of {team} in round {round} answers {n} of {total} dimensions; an assessment answers "
                         "every one. Add rows for {missing}, or remove this respondent's rows.").format(
                           who=who, team=team, round=rnd, n=len(vocab.MATURITY_DIMENSIONS) - len(missing),
                           total=len(vocab.MATURITY_DIMENSIONS), missing=", ".join(missing)),
                       "incomplete assessment")
