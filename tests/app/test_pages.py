"""Every page file is registered in app.py's navigation and renders without an exception."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

REGISTERED = dict(re.findall(r'st\.Page\("(pages/[a-z_]+\.py)", title=_\("([^"]+)"\)', (ROOT / "app.py").read_text()))
PAGE_FILES = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))


def test_every_page_file_is_registered_and_nothing_else():
    assert sorted(REGISTERED) == PAGE_FILES


@pytest.mark.parametrize("page", PAGE_FILES)
def test_page_renders_without_exception(app_on_demo, page):
    at = app_on_demo(page)
    assert not at.exception, [e.value for e in at.exception]
    # The page that ran is the one asked for: its title is the one it is registered under.
    assert at.title[0].value == REGISTERED[page]
