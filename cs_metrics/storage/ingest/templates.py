"""Templates: what an entity file looks like, for people preparing one (a field guide, an empty
CSV, an empty workbook with the guide on its second sheet)."""

from __future__ import annotations

import io

import pandas as pd

from cs_metrics.storage.entities import ENTITIES


def field_guide(entity: str) -> pd.DataFrame:
    """The columns of an entity file: ``column``, ``required``, ``format``, ``description``."""
    return pd.DataFrame(
        [{"column": f.name, "required": "yes" if f.required else "", "format": f.format_hint(),
          "description": f.description} for f in ENTITIES[entity].fields]
    )


def template_csv(entity: str) -> bytes:
    """An empty CSV for ``entity``: the header row only (UTF-8 with BOM, so Excel reads accents)."""
    return ("\ufeff" + ",".join(f.name for f in ENTITIES[entity].fields) + "\r\n").encode("utf-8")


def template_xlsx(entity: str) -> bytes:
    """An empty workbook for ``entity``: sheet ``data`` (header) and sheet ``columns`` (the guide)."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "data"
    for i, f in enumerate(ENTITIES[entity].fields, start=1):
        cell = sheet.cell(row=1, column=i, value=f.name)
        cell.font = Font(bold=True)
        cell.comment = Comment(f"{f.description} Format: {f.format_hint()}.", "Outside In")
        sheet.column_dimensions[cell.column_letter].width = max(14, len(f.name) + 4)
    guide = workbook.create_sheet("columns")
    frame = field_guide(entity)
    guide.append(list(frame.columns))
    for record in frame.itertuples(index=False):
        guide.append(list(record))
    for cell in guide[1]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
