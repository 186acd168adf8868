"""The tables of the data model seen as a whole: their order, their model classes and the defaults
of their columns. The export (``export``) and the imports (``ingest``) both build on this.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Table
from sqlmodel import SQLModel

import cs_metrics.storage.models  # noqa: F401  (registers the tables in SQLModel.metadata)

#: Told how far a long job has come: (share done, from 0 to 1; a message for a person).
Progress = Callable[[float, str], None]


#: Tables a reset keeps and a restore merges rather than replaces: who may sign in, and the audit
#: trail (append-only: nothing in the app deletes its rows).
ACCESS_TABLES = ("person", "person_team")
AUDIT_TABLE = "audit_event"


def export_tables() -> list[Table]:
    """Every table of the data model, parents first (the order to insert; reversed, to delete).

    Example
    -------
    >>> names = [t.name for t in export_tables()]
    >>> names.index("customer") < names.index("revenue_month")
    True
    """
    return list(SQLModel.metadata.sorted_tables)


def models_by_table() -> dict[str, Any]:
    """Table name -> the SQLModel class that defines it."""
    return {mapper.class_.__tablename__: mapper.class_ for mapper in SQLModel._sa_registry.mappers
            if hasattr(mapper.class_, "__tablename__")}


def column_default(model: Any, name: str) -> Any:
    """The model's default for a column (``Field(default=...)``), None when it has none.

    Example
    -------
    >>> from cs_metrics.storage import models as m
    >>> column_default(m.Customer, "contract_term_months"), column_default(m.Customer, "name")
    (12, None)
    """
    info = getattr(model, "model_fields", {}).get(name)
    default = getattr(info, "default", None)
    if default is None or type(default).__name__ == "PydanticUndefinedType":
        return None
    return default
