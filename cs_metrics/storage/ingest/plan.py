"""Plans: what an import of each entity would write, checked against the rules of the entity.

A plan turns a file's typed values (``values.Parsed``) into table rows: it resolves references
(customers by their CRM id, teams by name), finds rows that repeat a key of an earlier row,
applies the entity's own rules (dates in order, rows of one meeting or one submission that must
agree, a churn reason's category and controllability from its term in the company's vocabulary,
the time of an NPS answer), and says which table each row goes to under which key. Meetings and
assessments, written as a parent with its children, bring their own writer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from cs_metrics.i18n import N_, _, formats
from cs_metrics.storage import models as m
from cs_metrics.storage.ingest import checks
from cs_metrics.storage.ingest.report import ImportReport
from cs_metrics.storage.ingest.upsert import diff, existing_rows, upsert
from cs_metrics.storage.ingest.values import Parsed, column_of, day_first, has_time, parse_time
from cs_metrics.storage.queries.health_scores import touch_customers, touch_months
from cs_metrics.storage.tables import Progress

#: Writes (``apply=True``) or only counts (``apply=False``) the rows of a parent with its children:
#: (connection, report, progress, apply).
Writer = Callable[[Connection, ImportReport, Progress | None, bool], None]


@dataclass
class Writes:
    """What an entity import would write: upserts per table (table, rows, key), in order, and a
    writer for entities whose children are replaced as a whole."""

    steps: list[tuple[Any, list[dict[str, Any]], tuple[str, ...]]] = field(default_factory=list)
    custom: Writer | None = None


#: A plan: (connection, typed values, report) -> (writes, defaults for empty cells of new rows).
Plan = Callable[[Connection, Parsed, ImportReport], tuple[Writes, dict[str, Any]]]


def _ids(conn: Connection, column: Any, key: Any, values: Iterable[Any]) -> dict[Any, int]:
    """Stored ``key`` -> ``column`` (an id) for the given key values."""
    wanted = {v for v in values if v is not None}
    if not wanted:
        return {}
    out: dict[Any, int] = {}
    wanted_list = list(wanted)
    for start in range(0, len(wanted_list), 20_000):
        chunk = wanted_list[start:start + 20_000]
        for k, i in conn.execute(select(key, column).where(key.in_(chunk))):
            out[k] = i
    return out


def _resolve_customers(conn: Connection, parsed: Parsed, report: ImportReport) -> pd.Series:
    """The stored id of each row's customer (None when the row names none or one not stored: a problem)."""
    refs = parsed.values.get("customer_id")
    if refs is None:
        return pd.Series([None] * len(parsed.values), index=parsed.values.index, dtype=object)
    known = _ids(conn, m.Customer.id, m.Customer.external_id, refs.dropna().unique())
    column = column_of(parsed, "customer_id")
    resolved = pd.Series([known.get(r) if r is not None else None for r in refs], index=refs.index, dtype=object)
    missing = refs.notna() & resolved.isna()
    for row in refs.index[missing.to_numpy()]:
        report.add(int(row), column, refs[row], _("No customer has this id. Import the customers file first, or "
                   "correct the id (it must match customer_id in the customers file)."), "unknown customer")
    return resolved


def _duplicates(parsed: Parsed, keys: Sequence[str], report: ImportReport, label: str,
                frame: pd.DataFrame | None = None, none_is_value: Sequence[str] = ()) -> None:
    """Report rows whose key repeats an earlier row of the same file (a problem on the later rows).

    Rows missing part of the key are not compared, except for the fields in ``none_is_value``
    (an empty value there is a value of its own, e.g. a milestone without a name)."""
    frame = parsed.values if frame is None else frame
    if frame.empty:
        return
    frame = frame.copy()
    for k in keys:
        if k not in frame.columns:
            if k not in none_is_value:
                return
            frame[k] = None
        if k in none_is_value:
            frame[k] = frame[k].astype(object).where(frame[k].notna(), "∅")
    complete = frame[list(keys)].notna().all(axis=1) if len(keys) else pd.Series(True, index=frame.index)
    keyed = frame.loc[complete, list(keys)].astype(str)
    dup = keyed.duplicated(keep="first")
    if dup.any():
        first = {}
        for row, key in zip(keyed.index, map(tuple, keyed.to_numpy())):
            if key not in first:
                first[key] = row
            elif dup[row]:
                report.add(int(row), ", ".join(column_of(parsed, k) for k in keys), " / ".join(key),
                           _("Duplicate {what}: the same as row {row}. Keep one of the two rows.").format(
                               what=_(label), row=first[key]), "duplicate key")


def _rows(parsed: Parsed, mapping: dict[str, str], extra: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Table rows from the typed values: ``mapping`` is field -> table column (mapped fields only);
    ``extra`` adds columns, each a list (one value per row) or one value for every row."""
    fields = [f for f in mapping if parsed.has(f) and f in parsed.values.columns]
    frame = parsed.values
    out = []
    extra_cols = {k: (list(v) if isinstance(v, pd.Series) else v) for k, v in (extra or {}).items()}
    lists = {f: frame[f].tolist() for f in fields}
    for i in range(len(frame)):
        row = {mapping[f]: lists[f][i] for f in fields}
        for k, v in extra_cols.items():
            row[k] = v[i] if isinstance(v, list) else v
        out.append(row)
    return out


def _plan_customers(conn: Connection, parsed: Parsed, report: ImportReport) -> tuple[Writes, dict[str, Any]]:
    _duplicates(parsed, ["customer_id"], report, N_("customer id"))
    v = parsed.values
    if "churned_on" in v and "signed_on" in v:
        for row in v.index[(v["churned_on"].notna() & v["signed_on"].notna()).to_numpy()]:
            if v.at[row, "churned_on"] < v.at[row, "signed_on"]:
                report.add(int(row), column_of(parsed, "churned_on"), v.at[row, "churned_on"],
                           _("churned_on is before signed_on; check both dates."), "bad date")
    if "status" in v:
        churned_no_date = (v["status"] == "churned") & (v["churned_on"].isna() if "churned_on" in v else True)
        for row in v.index[churned_no_date.to_numpy()]:
            report.add(int(row), column_of(parsed, "churned_on"), "", _("status is churned but churned_on is "
                       "empty: give the day the customer left."), "missing required value")
    checks.check_customers(conn, parsed, report)
    status = None
    if not parsed.has("status") and parsed.has("churned_on"):
        status = ["churned" if d is not None else "active" for d in v["churned_on"]]
    names = {f.name: f.name for f in parsed.spec.fields}
    names["customer_id"] = "external_id"
    rows = _rows(parsed, names, extra={"status": status} if status else None)
    return Writes(steps=[(m.Customer, rows, ("external_id",))]), {"contract_term_months": 12, "arr": 0.0,
                                                                   "status": "active"}


def _plan_simple(table: Any, key_fields: Sequence[str], label: str, defaults: dict[str, Any] | None = None,
                 check: Callable[[Parsed, ImportReport], None] | None = None,
                 none_is_value: Sequence[str] = (),
                 cross: Callable[[Connection, Parsed, ImportReport], None] | None = None) -> Plan:
    """The plan of an entity that is one table of rows of a customer, keyed by ``key_fields``."""
    def plan(conn: Connection, parsed: Parsed, report: ImportReport) -> tuple[Writes, dict[str, Any]]:
        ids = _resolve_customers(conn, parsed, report)
        if check:
            check(parsed, report)
        if cross:
            cross(conn, parsed, report)
        _duplicates(parsed, key_fields, report, label, none_is_value=none_is_value)
        mapping = {f.name: f.name for f in parsed.spec.fields if f.name != "customer_id"}
        rows = _rows(parsed, mapping, extra={"customer_id": ids.tolist()})
        return Writes(steps=[(table, rows, tuple(key_fields))]), dict(defaults or {})
    return plan


def _check_churn(parsed: Parsed, report: ImportReport) -> None:
    """Fill category and controllable from the primary reason's term in the company's vocabulary
    where the file leaves them empty."""
    v = parsed.values
    if "primary_reason" in v:
        defaults = {r: parsed.vocabularies.reason_defaults(r) for r in v["primary_reason"].dropna().unique()}
        reasons = v["primary_reason"]
        for position, name in enumerate(("category", "controllable")):
            derived = [defaults[r][position] if r is not None else None for r in reasons]
            if name not in v or not parsed.has(name):
                v[name] = derived
                parsed.mapping[name] = parsed.mapping.get(name) or name
            else:
                v[name] = [c if c is not None else d for c, d in zip(v[name], derived)]


def _check_nps(parsed: Parsed, report: ImportReport) -> None:
    """A follow-up cannot be done before the answer it follows up."""
    v = parsed.values
    if "follow_up_done_on" in v and "responded_on" in v:
        bad = v["follow_up_done_on"].notna() & v["responded_on"].notna()
        for row in v.index[bad.to_numpy()]:
            if v.at[row, "follow_up_done_on"] < v.at[row, "responded_on"]:
                report.add(int(row), column_of(parsed, "follow_up_done_on"), v.at[row, "follow_up_done_on"],
                           _("follow_up_done_on is before responded_on; check both dates."), "bad date")


def _answer_times(parsed: Parsed) -> None:
    """The time of each answer (``responded_at``): the day with the time of its own column, or with
    the time written in the day's cell; None when the file gives no time. Like every time an import
    reads, it is the wall-clock time in the company's time zone (a time with an offset is converted
    to it), stored with a UTC label."""
    v = parsed.values
    if "responded_on" not in v:
        return
    if parsed.has("responded_at") and "responded_at" in v:
        times = v["responded_at"]
    elif "responded_on" in parsed.texts:
        cells = parsed.texts["responded_on"]
        dayfirst = day_first(pd.unique(cells.to_numpy())[:5000])
        times = pd.Series([parse_time(c, dayfirst=dayfirst)[0] if has_time(c) else None for c in cells],
                          index=cells.index, dtype=object)
        parsed.mapping["responded_at"] = parsed.mapping.get("responded_on")
    else:
        return
    v["responded_at"] = pd.Series([dt.datetime.combine(d, t, tzinfo=dt.UTC) if d is not None and t is not None
                                   else None for d, t in zip(v["responded_on"], times)], index=v.index, dtype=object)


def _plan_nps(conn: Connection, parsed: Parsed, report: ImportReport) -> tuple[Writes, dict[str, Any]]:
    _check_nps(parsed, report)
    _answer_times(parsed)
    ids = _resolve_customers(conn, parsed, report)
    v = parsed.values
    has_id = v["response_id"].notna() if "response_id" in v else pd.Series(False, index=v.index)
    _duplicates(parsed, ["response_id"], report, N_("response id"))
    natural = ["customer_id", "responded_on", "responded_at", "score", "comment", "touchpoint"]
    frame = v.reindex(columns=natural).loc[~has_id.to_numpy()].astype(object).fillna("∅")
    _duplicates(parsed, natural, report, N_("answer (same customer, day, time, score, comment and touchpoint)"),
                frame=frame)
    mapping = {f.name: f.name for f in parsed.spec.fields if f.name != "customer_id"}
    mapping["response_id"] = "external_id"
    rows = _rows(parsed, mapping, extra={"customer_id": ids.tolist()})
    with_id = [r for r, h in zip(rows, has_id) if h]
    without = [dict(r, external_id=None) if "external_id" in r else r for r, h in zip(rows, has_id) if not h]
    key = ("customer_id", "responded_on", "responded_at", "score", "comment", "touchpoint")
    for r in without:
        r.setdefault("touchpoint", "relationship")
        r.setdefault("comment", None)
        r.setdefault("responded_at", None)
    return Writes(steps=[(m.NpsResponse, with_id, ("external_id",)), (m.NpsResponse, without, key)]), {
        "touchpoint": "relationship"}


def _plan_teams(conn: Connection, parsed: Parsed, report: ImportReport) -> tuple[Writes, dict[str, Any]]:
    _duplicates(parsed, ["team"], report, N_("team name"))
    rows = _rows(parsed, {"team": "name", "department": "department", "kind": "kind"})
    return Writes(steps=[(m.Team, rows, ("name",))]), {}


def _plan_assessments(conn: Connection, parsed: Parsed, report: ImportReport) -> tuple[Writes, dict[str, Any]]:
    v = parsed.values
    teams = _ids(conn, m.Team.id, m.Team.name, v["team"].dropna().unique()) if "team" in v else {}
    column = column_of(parsed, "team")
    team_ids = pd.Series([teams.get(t) if t is not None else None for t in v["team"]], index=v.index,
                         dtype=object) if "team" in v else None
    if team_ids is not None:
        for row in v.index[(v["team"].notna() & team_ids.isna()).to_numpy()]:
            report.add(int(row), column, v.at[row, "team"], _("No team has this name. Import the teams file first, "
                       "or correct the name."), "unknown team")
    _duplicates(parsed, ["round", "team", "respondent", "dimension"], report, N_("answer (round, team, respondent, dimension)"))
    checks.check_assessments(conn, parsed, report)
    checks.check_complete_assessments(conn, parsed, report)
    # One submission per round, team and respondent: its role and time must agree across rows.
    keys = ["round", "team", "respondent"]
    if all(k in v for k in keys):
        for col in ("role", "submitted_at", "instrument_version"):
            if col not in v:
                continue
            seen: dict[tuple, tuple[Any, int]] = {}
            for row, key, val in zip(v.index, map(tuple, v[keys].astype(str).to_numpy()), v[col]):
                if val is None:
                    continue
                if key in seen and seen[key][0] != val:
                    report.add(int(row), column_of(parsed, col), val, _(
                        "{field} differs from row {row} of the same respondent, team and round; one submission has "
                        "one value.").format(field=col, row=seen[key][1]), "inconsistent rows")
                seen.setdefault(key, (val, int(row)))
    return Writes(custom=_assessment_writer(parsed, team_ids)), {}


def _assessment_writer(parsed: Parsed, team_ids: pd.Series | None) -> Writer:
    """Rounds created when new, one submission per round, team and respondent, its answers upserted."""
    def write(conn: Connection, report: ImportReport, progress: Progress | None, apply: bool) -> None:
        v = parsed.values
        if v.empty:
            return
        rounds = {}
        for name, group in v.groupby("round", sort=False):
            rounds[name] = group["submitted_at"].min()
        existing_rounds = _ids(conn, m.AssessmentRound.id, m.AssessmentRound.name, rounds)
        if apply:
            for name, first in rounds.items():
                if name not in existing_rounds:
                    version = v.loc[v["round"] == name, "instrument_version"].dropna() if "instrument_version" in v else []
                    result = conn.execute(m.AssessmentRound.__table__.insert().values(
                        name=name, opened_on=first.date(), status="open",
                        instrument_version=(version.iloc[0] if len(version) else "1")))
                    existing_rounds[name] = result.inserted_primary_key[0]
        subs = []
        for (rnd, team, resp), group in v.assign(_team=team_ids).groupby(["round", "_team", "respondent"], sort=False):
            first = group.iloc[0]
            subs.append({"round_id": existing_rounds.get(rnd), "team_id": int(team), "respondent": resp,
                         "role": first["role"], "submitted_at": first["submitted_at"],
                         "instrument_version": (first.get("instrument_version") or "1"), "_rows": group})
        if not apply:
            # Rounds that do not exist yet: every answer in them is new.
            known = [s for s in subs if s["round_id"] is not None]
            fresh = sum(len(s["_rows"]) for s in subs if s["round_id"] is None)
            existing = existing_rows(conn, m.Assessment, [{k: s[k] for k in ("round_id", "team_id", "respondent")} for s in known],
                                 ("round_id", "team_id", "respondent"))
            for s in known:
                key = (s["round_id"], s["team_id"], s["respondent"])
                if key not in existing:
                    fresh += len(s["_rows"])
                else:
                    answers = _answer_rows(s["_rows"], existing[key][0])
                    ins, upd, same = diff(conn, m.AssessmentAnswer, answers, ("assessment_id", "dimension"))
                    report.inserted += len(ins)
                    report.updated += len(upd)
                    report.unchanged += same
            report.inserted += fresh
            return
        sub_rows = [{k: val for k, val in s.items() if k != "_rows"} for s in subs]
        upsert(conn, m.Assessment, sub_rows, ("round_id", "team_id", "respondent"), None, None)
        ids = existing_rows(conn, m.Assessment, sub_rows, ("round_id", "team_id", "respondent"))
        answers = []
        for s in subs:
            answers += _answer_rows(s["_rows"], ids[(s["round_id"], s["team_id"], s["respondent"])][0])
        upsert(conn, m.AssessmentAnswer, answers, ("assessment_id", "dimension"), report, progress)
    return write


def _answer_rows(group: pd.DataFrame, assessment_id: int) -> list[dict[str, Any]]:
    """The answer rows (one per dimension) of one submission."""
    cols = [c for c in ("dimension", "stage", "evidence", "confidence", "comment") if c in group]
    return [{"assessment_id": assessment_id, **{c: r[c] for c in cols}} for _row, r in group.iterrows()]


def _plan_meetings(conn: Connection, parsed: Parsed, report: ImportReport) -> tuple[Writes, dict[str, Any]]:
    v = parsed.values
    meeting_cols = ["held_on", "department", "meeting_type", "title", "duration_minutes", "attendees",
                    "customer_item_filled", "customer_item_text"]
    present = [c for c in meeting_cols if c in v]
    if "meeting_id" in v:
        seen: dict[Any, int] = {}
        for row, mid in zip(v.index, v["meeting_id"]):
            if mid is None:
                continue
            if mid in seen:
                first = seen[mid]
                for c in present:
                    a, b = v.at[first, c], v.at[row, c]
                    if a is not None and b is not None and a != b:
                        report.add(int(row), column_of(parsed, c), b, _(
                            "{field} differs from row {row} of the same meeting ({value}); one meeting has one "
                            "value.").format(field=c, row=first, value=a), "inconsistent rows")
            else:
                seen[mid] = row
    items = v.reindex(columns=["meeting_id", "item_position", "item_title"])
    with_position = items[items["item_position"].notna()] if "item_position" in v else items.iloc[0:0]
    _duplicates(parsed, ["meeting_id", "item_position"], report, N_("agenda position in the same meeting"),
                frame=with_position)
    for row in v.index:
        needs_item = any(c in v and v.at[row, c] is not None for c in ("item_minutes", "item_relevance"))
        if needs_item and ("item_title" not in v or v.at[row, "item_title"] is None):
            report.add(int(row), column_of(parsed, "item_title"), "", _("item_title is empty but the row gives "
                       "minutes or relevance for an agenda item: name the item."), "missing required value")
        if "cx_impact" in v and v.at[row, "cx_impact"] is not None and ("decision" not in v or v.at[row, "decision"] is None):
            report.add(int(row), column_of(parsed, "decision"), "", _("cx_impact is set but decision is empty: "
                       "write the decision."), "missing required value")
    return Writes(custom=_meeting_writer(parsed, present)), {}


def _meeting_writer(parsed: Parsed, meeting_cols: list[str]) -> Writer:
    """Meetings upserted; a changed meeting's agenda items and decisions replaced as a whole."""
    def write(conn: Connection, report: ImportReport, progress: Progress | None, apply: bool) -> None:
        v = parsed.values
        if v.empty:
            return
        meetings = []
        for mid, group in v.groupby("meeting_id", sort=False):
            row = {"external_id": mid}
            for c in meeting_cols:
                known = group[c].dropna()
                if len(known):
                    row[c] = known.iloc[0]
            if "customer_item_filled" not in row and row.get("customer_item_text"):
                row["customer_item_filled"] = True
            meetings.append((row, group))
        rows = [r for r, _ in meetings]
        ins, upd, _same_count = diff(conn, m.Meeting, rows, ("external_id",))
        existing = existing_rows(conn, m.Meeting, rows, ("external_id",))
        changed = {u["external_id"] for u in upd}
        # A meeting is updated when its own fields, its agenda or its decisions differ.
        changed |= {r["external_id"] for r, group in meetings if (r["external_id"],) in existing
                    and not _same_children(conn, existing[(r["external_id"],)][0], group)}
        report.inserted += len(ins)
        report.updated += len(changed)
        report.unchanged += len(meetings) - len(ins) - len(changed)
        if not apply:
            return
        upsert(conn, m.Meeting, rows, ("external_id",), None, None)
        ids = existing_rows(conn, m.Meeting, rows, ("external_id",))
        for n, (r, group) in enumerate(meetings):
            meeting_id = ids[(r["external_id"],)][0]
            if (r["external_id"],) in existing:
                if r["external_id"] not in changed:
                    continue
                conn.execute(delete(m.Decision.__table__).where(m.Decision.__table__.c.meeting_id == meeting_id))
                conn.execute(delete(m.AgendaItem.__table__).where(m.AgendaItem.__table__.c.meeting_id == meeting_id))
            _insert_children(conn, meeting_id, group)
            if progress and n % 500 == 0:
                progress(n / max(len(meetings), 1), _("writing meeting {n} of {total}").format(
                    n=formats.decimal(n + 1), total=formats.decimal(len(meetings))))
    return write


def _children(group: pd.DataFrame) -> tuple[list[dict[str, Any]], list[tuple[int | None, str, str]]]:
    """The agenda items and the decisions (item index, text, impact) of one meeting's rows."""
    items, decisions = [], []
    for _row, r in group.iterrows():
        title = r.get("item_title")
        index = None
        if title is not None:
            index = len(items)
            pos = r.get("item_position")
            items.append({"position": int(pos) if pos is not None else len(items) + 1, "title": title,
                          "minutes": r.get("item_minutes"), "relevance": r.get("item_relevance") or "none",
                          "relevance_source": "person"})
        if r.get("decision") is not None:
            decisions.append((index, r["decision"], r.get("cx_impact") or "neutral"))
    return items, decisions


def _same_children(conn: Connection, meeting_id: int, group: pd.DataFrame) -> bool:
    """True when the stored agenda and decisions of the meeting are those of the file's rows."""
    items, decisions = _children(group)
    a = m.AgendaItem.__table__
    d = m.Decision.__table__
    stored = conn.execute(select(a.c.id, a.c.position, a.c.title, a.c.minutes, a.c.relevance)
                          .where(a.c.meeting_id == meeting_id).order_by(a.c.id)).all()
    if [(s.position, s.title, s.minutes, s.relevance) for s in stored] != [
            (i["position"], i["title"], i["minutes"], i["relevance"]) for i in items]:
        return False
    order = {s.id: n for n, s in enumerate(stored)}
    got = conn.execute(select(d.c.agenda_item_id, d.c.text, d.c.cx_impact).where(d.c.meeting_id == meeting_id)
                       .order_by(d.c.id)).all()
    return [(order.get(g.agenda_item_id), g.text, g.cx_impact) for g in got] == decisions


def _insert_children(conn: Connection, meeting_id: int, group: pd.DataFrame) -> None:
    items, decisions = _children(group)
    item_ids = []
    for item in items:
        result = conn.execute(m.AgendaItem.__table__.insert().values(meeting_id=meeting_id, **item))
        item_ids.append(result.inserted_primary_key[0])
    if decisions:
        conn.execute(m.Decision.__table__.insert(), [
            {"meeting_id": meeting_id, "agenda_item_id": item_ids[i] if i is not None else None, "text": text,
             "cx_impact": impact} for i, text, impact in decisions])


def _touching_months(plan: Plan) -> Plan:
    """``plan``, and on commit the months of its rows marked as changed for the stored health
    scores (signals, and revenue for their ARR), in the import's transaction: they are scored
    again before they are read."""
    def wrapped(conn: Connection, parsed: Parsed, report: ImportReport) -> tuple[Writes, dict[str, Any]]:
        writes, defaults = plan(conn, parsed, report)
        months = {r["month"] for _, rows, _ in writes.steps for r in rows if r.get("month") is not None}

        def touch(conn: Connection, report: ImportReport, progress: Progress | None, apply: bool) -> None:
            if apply:
                touch_months(conn, months)
        writes.custom = touch
        return writes, defaults
    return wrapped


def _touching_segments(plan: Plan) -> Plan:
    """``plan``, and on commit the months of the customers whose segment changes marked as changed
    for the stored health scores (a segment picks the model's weights and bands)."""
    def wrapped(conn: Connection, parsed: Parsed, report: ImportReport) -> tuple[Writes, dict[str, Any]]:
        writes, defaults = plan(conn, parsed, report)
        rows = [r for _, rows, _ in writes.steps for r in rows if r.get("segment") is not None]
        stored = existing_rows(conn, m.Customer, rows, ("external_id",), ("segment",)) if rows else {}
        moved = [stored[(r["external_id"],)][0] for r in rows
                 if (r["external_id"],) in stored and stored[(r["external_id"],)][1] != r["segment"]]

        def touch(conn: Connection, report: ImportReport, progress: Progress | None, apply: bool) -> None:
            if apply and moved:
                touch_customers(conn, moved)
        writes.custom = touch
        return writes, defaults
    return wrapped


#: The plan of each entity of ``cs_metrics.storage.entities.ENTITIES``.
PLANS: dict[str, Plan] = {
    "customers": _touching_segments(_plan_customers),
    "revenue": _touching_months(_plan_simple(m.RevenueMonth, ["customer_id", "month"], N_("customer and month"))),
    "nps_responses": _plan_nps,
    "milestones": _plan_simple(m.Milestone, ["customer_id", "kind", "name"], N_("milestone (customer, kind, name)"),
                               none_is_value=("name",), cross=checks.check_milestones),
    "health_signals": _touching_months(
        _plan_simple(m.HealthSignal, ["customer_id", "month", "signal"], N_("signal (customer, month, signal)"))),
    "churn_events": _plan_simple(m.ChurnEvent, ["customer_id"], N_("churn event for the same customer"),
                                 defaults={"arr_lost": 0.0, "reason_confirmed": False}, check=_check_churn,
                                 cross=checks.check_churn_events),
    "teams": _plan_teams,
    "assessments": _plan_assessments,
    "meetings": _plan_meetings,
}
