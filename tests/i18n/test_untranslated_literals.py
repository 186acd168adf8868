"""Every text a Streamlit call shows in app.py, pages/ and ui/ goes through the translation function.

The test reads the source (no app is run): a string literal, an f-string with words in it, or a
list of them, passed as a displayed argument (the body of a title, header, caption, message or
Markdown; a widget's label, help, placeholder or options; a tab's, column's or page's title) fails
unless it is wrapped in ``_()``, ``ngettext()`` or ``pgettext()``. Texts without a letter ("—",
"**{x}**") are not words and pass; options shown through a ``format_func`` pass (the function
translates them).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")])
TRANSLATORS = {"_", "gettext", "ngettext", "pgettext"}
#: Calls whose first positional argument is shown (Streamlit's and the app's own display helpers).
SHOWN_FIRST = {
    "title", "header", "subheader", "caption", "markdown", "write", "text", "info", "warning", "error",
    "success", "toast", "exception", "button", "download_button", "link_button", "form_submit_button",
    "selectbox", "radio", "multiselect", "checkbox", "toggle", "text_input", "text_area",
    "number_input", "slider", "select_slider", "date_input", "time_input", "file_uploader", "color_picker",
    "expander", "popover", "metric", "spinner", "status", "segmented_control", "pills", "feedback",
    "camera_input", "chat_input", "dialog", "tabs", "empty_state", "page_header", "name_field",
    "Column", "TextColumn", "NumberColumn", "DateColumn", "DatetimeColumn", "CheckboxColumn",
    "SelectboxColumn", "LinkColumn", "ProgressColumn", "ListColumn", "BarChartColumn", "LineChartColumn",
    "AreaChartColumn", "ImageColumn", "JSONColumn", "MultiselectColumn",
}
#: Keyword arguments that are shown wherever they appear.
SHOWN_KEYWORDS = {"label", "help", "placeholder", "caption", "title", "body", "text", "what", "message",
                  "options", "empty", "tooltip", "submit_label", "noun", "hint"}
LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _untranslated(node: ast.expr) -> list[ast.expr]:
    """The parts of ``node`` that are words a reader sees but that no translator call wraps."""
    if isinstance(node, ast.Constant):
        return [node] if isinstance(node.value, str) and LETTER.search(node.value) else []
    if isinstance(node, ast.JoinedStr):
        literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        return [node] if LETTER.search(literal) else []
    if isinstance(node, ast.Call):
        if _name(node.func) in TRANSLATORS:
            return []
        if isinstance(node.func, ast.Attribute) and node.func.attr in {"format", "join"}:
            return _untranslated(node.func.value)
        return []
    if isinstance(node, ast.BinOp):
        return _untranslated(node.left) + _untranslated(node.right)
    if isinstance(node, ast.IfExp):
        return _untranslated(node.body) + _untranslated(node.orelse)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [bad for item in node.elts for bad in _untranslated(item)]
    if isinstance(node, ast.Dict):
        return [bad for item in node.values if item is not None for bad in _untranslated(item)]
    return []


def findings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        shown: list[ast.expr] = []
        if name in SHOWN_FIRST and node.args:
            shown.append(node.args[0])
        if name == "Page":
            shown += [kw.value for kw in node.keywords if kw.arg == "title"]
        translated_options = any(kw.arg == "format_func" for kw in node.keywords)
        for kw in node.keywords:
            if kw.arg in SHOWN_KEYWORDS and not (kw.arg == "options" and translated_options):
                shown.append(kw.value)
        if name in {"selectbox", "radio", "multiselect", "select_slider", "segmented_control", "pills"} \
                and len(node.args) > 1 and not translated_options:
            shown.append(node.args[1])
        if name == "tabs" and node.args:
            shown.append(node.args[0])
        for part in shown:
            for bad in _untranslated(part):
                text = ast.get_source_segment(path.read_text(encoding="utf-8"), bad) or ""
                found.append(f"{path.relative_to(ROOT)}:{bad.lineno} {name}(): {text[:70]}")
    return found


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shown_literal_is_translated(path):
    assert findings(path) == []


def test_the_check_finds_what_it_should(tmp_path):
    # Hand-made cases. Untranslated: the title (line 2); the f-string label and both options (line 3);
    # both options and the help (line 4): seven findings. Passing: a translated label, a text formatted
    # after translation, a text without letters, options shown through format_func (lines 4-7).
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import streamlit as st\n"
        "st.title('Overview')\n"
        "st.selectbox(f'Team {name}', ['a', 'b'])\n"
        "st.radio(_('Measure'), ['Median', 'Mean'], help='Pick one')\n"
        "st.caption(_('{n} customers').format(n=3))\n"
        "st.markdown(f'**{value}**')\n"
        "st.radio(_('Group'), ['team', 'department'], format_func=_)\n",
        encoding="utf-8",
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = findings(sample)
    finally:
        ROOT = saved
    assert [line.split(" ", 1)[0] for line in found] == ["sample.py:2"] + ["sample.py:3"] * 3 + ["sample.py:4"] * 3
