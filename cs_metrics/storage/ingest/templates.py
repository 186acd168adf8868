"""Templates: what an entity file looks like, for people preparing one (a field guide, an empty
CSV, an empty workbook with the guide on its second sheet), in English or in Italian.

An Italian template has Italian column names (``FieldSpec.header``), Italian descriptions and
formats; an import recognises the column names of either language, so a file prepared from either
template imports the same.
"""

from __future__ import annotations

import io

import pandas as pd

from cs_metrics import i18n
from cs_metrics.i18n import N_, _, pgettext
from cs_metrics.storage.entities import ENTITIES

#: The columns of the field guide (its data keys) and their headings as a reader sees them.
GUIDE_COLUMNS = {"column": N_("column"), "required": N_("required"), "format": N_("format"),
                 "description": N_("description")}


def field_guide(entity: str, language: str | None = None) -> pd.DataFrame:
    """The columns of an entity file: ``column``, ``required``, ``format``, ``description``, in
    ``language`` (default: the current language): the column names of that language's template,
    the formats and descriptions translated. The guide's own column keys stay as they are (data)."""
    with i18n.using(language):
        return pd.DataFrame(
            [{"column": f.header(), "required": _("yes") if f.required else "", "format": f.format_hint(),
              "description": f.describe()} for f in ENTITIES[entity].fields],
            columns=list(GUIDE_COLUMNS),
        )


def template_csv(entity: str, language: str | None = None) -> bytes:
    """An empty CSV for ``entity``: the header row only (UTF-8 with BOM, so Excel reads accents),
    with the column names of ``language`` (default: the current language)."""
    with i18n.using(language):
        headers = [f.header() for f in ENTITIES[entity].fields]
    return ("\ufeff" + ",".join(headers) + "\r\n").encode("utf-8")


def template_xlsx(entity: str, language: str | None = None) -> bytes:
    """An empty workbook for ``entity``: sheet ``data`` (header) and sheet ``columns`` (the guide),
    in ``language`` (default: the current language; in Italian the sheets are ``dati`` and ``colonne``)."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    with i18n.using(language):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = pgettext("template sheet", "data")
        for i, f in enumerate(ENTITIES[entity].fields, start=1):
            name = f.header()
            cell = sheet.cell(row=1, column=i, value=name)
            cell.font = Font(bold=True)
            cell.comment = Comment(_("{description} Format: {format}.").format(
                description=f.describe(), format=f.format_hint()), "Outside In")
            sheet.column_dimensions[cell.column_letter].width = max(14, len(name) + 4)
        guide = workbook.create_sheet(pgettext("template sheet", "columns"))
        frame = field_guide(entity)
        guide.append([_(GUIDE_COLUMNS[c]) for c in frame.columns])
        for record in frame.itertuples(index=False):
            guide.append(list(record))
        for cell in guide[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
