"""Saved board packs: store a frozen pack (numbers and files), list them, read a file back unchanged."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from cs_metrics.errors import DataError
from cs_metrics.i18n import _
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import _frame

#: File kinds a pack stores, with their column.
KINDS: tuple[str, ...] = ("pdf", "pptx", "html")
MAX_BY = 120
MAX_COMPANY = 200


class PackError(DataError):
    """A pack cannot be saved as given; the message says what to change."""


def save_pack(
    engine: Engine,
    *,
    created_at: dt.datetime,
    created_by: str,
    company: str,
    period: tuple[dt.date, dt.date],
    compare: tuple[dt.date, dt.date],
    sections: tuple[str, ...],
    language: str,
    filters: dict[str, Any],
    numbers: dict[str, Any],
    files: dict[str, bytes],
) -> int:
    """Store a pack in one transaction and return its id; nothing is written when a check fails.

    ``period`` and ``compare`` are (first day, last day), both included: what a person picked,
    stored as such in ``period_start``/``period_end`` and ``compare_start``/``compare_end``.
    """
    problems = []
    if not files.get("html"):
        problems.append(_("a pack needs at least its HTML file"))
    unknown = sorted(set(files) - set(KINDS))
    if unknown:
        problems.append(_("unknown file kind(s) {unknown}; use {kinds}").format(unknown=unknown, kinds=list(KINDS)))
    if len((created_by or "").strip()) > MAX_BY:
        problems.append(_("the name of who saved it is longer than {n} characters").format(n=MAX_BY))
    if len((company or "").strip()) > MAX_COMPANY:
        problems.append(_("the company name is longer than {n} characters").format(n=MAX_COMPANY))
    if language not in ("en", "it"):
        problems.append(_("the language must be en or it (got {value})").format(value=repr(language)))
    if period[1] < period[0] or compare[1] < compare[0]:
        problems.append(_("a period must end on or after its start"))
    if problems:
        raise PackError(_("The pack was not saved: {problems}.").format(problems="; ".join(problems)))
    row = {
        "created_at": created_at, "created_by": (created_by or "").strip(), "company": (company or "").strip(),
        "period_start": period[0], "period_end": period[1], "compare_start": compare[0], "compare_end": compare[1],
        "sections": ",".join(sections), "language": language,
        "filters": json.dumps(filters, sort_keys=True), "numbers": json.dumps(numbers, sort_keys=True),
        "pdf": files.get("pdf"), "pptx": files.get("pptx"), "html": files["html"],
    }
    with engine.begin() as conn:
        result = conn.execute(m.BoardPack.__table__.insert().values(**row))
        return int(result.inserted_primary_key[0])


def saved_packs(engine: Engine) -> pd.DataFrame:
    """Every saved pack, newest first, without its files: ``id``, ``created_at``, ``created_by``,
    ``company``, ``period_start``, ``period_end``, ``compare_start``, ``compare_end`` (first and last
    days, both included), ``sections``, ``language``, ``filters``, ``has_pdf``, ``has_pptx``."""
    b = m.BoardPack
    stmt = select(
        b.id, b.created_at, b.created_by, b.company, b.period_start, b.period_end, b.compare_start, b.compare_end,
        b.sections, b.language, b.filters, b.pdf.is_not(None).label("has_pdf"), b.pptx.is_not(None).label("has_pptx"),
    ).order_by(b.created_at.desc(), b.id.desc())
    return _frame(engine, stmt)


def pack_file(engine: Engine, pack_id: int, kind: str) -> bytes | None:
    """The stored bytes of one file of a saved pack (None when that file was not stored)."""
    if kind not in KINDS:
        raise PackError(_("Unknown file kind {kind}; use one of {kinds}.").format(kind=repr(kind), kinds=list(KINDS)))
    column = getattr(m.BoardPack, kind)
    with engine.connect() as conn:
        value = conn.execute(select(column).where(m.BoardPack.id == int(pack_id))).scalar_one_or_none()
    return bytes(value) if value is not None else None


def last_pack(engine: Engine, *, filters: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The newest saved pack (for the same customer filters when given): ``id``, ``created_at``,
    ``period_start``, ``period_end``, ``numbers`` (parsed); None when there is none."""
    b = m.BoardPack
    stmt = select(b.id, b.created_at, b.period_start, b.period_end, b.numbers).order_by(b.created_at.desc(), b.id.desc())
    if filters is not None:
        stmt = stmt.where(b.filters == json.dumps(filters, sort_keys=True))
    with engine.connect() as conn:
        row = conn.execute(stmt.limit(1)).mappings().first()
    if row is None:
        return None
    out = dict(row)
    out["numbers"] = json.loads(out["numbers"] or "{}")
    return out
