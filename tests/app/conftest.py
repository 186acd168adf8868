"""AppTest helpers: run the real entrypoint against a private copy of the demo database."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches():
    """st.cache_data / st.cache_resource are process-wide: clear them around every app test."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture()
def app_on_demo(demo_db_url, monkeypatch):
    """A function that returns a fresh AppTest of the app on a copy of the demo database."""
    monkeypatch.setenv("DATABASE_URL", demo_db_url)

    def make(page: str | None = None, timeout: float = 60) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=timeout)
        at.run()
        if page:
            at.switch_page(page)
            at.run()
        return at

    return make
