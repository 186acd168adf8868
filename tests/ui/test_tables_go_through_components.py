"""Every table a page draws goes through ``ui.components.table`` (or ``capped_table``), which strips
the frame's ``attrs``: pandas writes them into the Arrow metadata, where a NaN is invalid JSON and
the table silently fails to draw in the browser (AppTest does not notice)."""

from __future__ import annotations

import ast

from tests.conftest import ROOT

#: Streamlit calls that send a frame to the browser as a table.
TABLE_CALLS = {"dataframe", "data_editor", "table"}


#: The project's own ``ui`` modules: a ``table`` function of theirs (``components.table``, a section's
#: own ``table`` that draws through it) is not Streamlit's.
UI_MODULES = frozenset(p.stem for p in (ROOT / "ui").glob("*.py"))


def direct_table_calls(source: str) -> list[int]:
    """Lines of ``<anything>.dataframe(...)``, ``.data_editor(...)`` and ``.table(...)`` calls in
    ``source``, except the functions of the project's ``ui`` modules (``components.table``)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in TABLE_CALLS:
            owner = node.func.value
            if not (isinstance(owner, ast.Name) and owner.id in UI_MODULES):
                lines.append(node.lineno)
    return sorted(lines)


def test_no_page_draws_a_table_around_the_components_helper():
    sources = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]
    offenders = {str(p.relative_to(ROOT)): direct_table_calls(p.read_text(encoding="utf-8"))
                 for p in sources if p.name != "components.py"}
    assert {name: lines for name, lines in offenders.items() if lines} == {}
    # The helper itself is the one place that calls st.dataframe.
    assert direct_table_calls((ROOT / "ui" / "components.py").read_text(encoding="utf-8")) != []


def test_the_check_sees_a_direct_call():
    # Line 2 (st.dataframe), line 3 (a column's data_editor) and line 5 (a column's table) bypass the
    # helper; line 4 (components.table) does not.
    sample = "import streamlit as st\nst.dataframe(df)\ncol.data_editor(df)\ncomponents.table(df)\ncol.table(df)\n"
    assert direct_table_calls(sample) == [2, 3, 5]
