"""AppTest helpers: run the real entrypoint against a private copy of the demo database, as the
local user or signed in as a person with a role (``app_as``)."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from cs_metrics import i18n
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
    """A function that returns a fresh AppTest of the app on a copy of the demo database; with
    ``language=`` the reader has chosen that language (the sidebar's selector) before the first run."""
    monkeypatch.setenv("DATABASE_URL", demo_db_url)

    def make(page: str | None = None, timeout: float = 60, language: str | None = None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=timeout)
        if language:
            at.session_state["language"] = language  # the sidebar's language selector (ui/language.py)
            # AppTest applies a widget's format_func (a translated option) in the test's own thread, which
            # no app run's language reaches: speak the reader's language there too.
            i18n.speak(language)
        at.run()
        if page:
            at.switch_page(page)
            at.run()
        return at

    yield make
    i18n.speak(None)  # not a reset to a token: a test's own ``with i18n.using`` may have closed in between

#: A well-formed [auth] section: AppTest never contacts the provider, it only reads ``st.user``.
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-test-cookie-secret-of-at-least-32-characters",
    "client_id": "outside-in",
    "client_secret": "secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def appoint(url: str, email: str, role: str, teams: tuple[str, ...] = (), name: str = "") -> None:
    """Store ``email`` with ``role`` and ``teams`` in the database at ``url`` (as an admin would)."""
    import datetime as dt

    from cs_metrics.storage import db
    from cs_metrics.storage.queries import access as qa

    engine = db.make_engine(url)
    with engine.begin() as conn:
        qa.save_person(conn, email=email, name=name, role=role, teams=frozenset(teams),
                       now=dt.datetime(2026, 11, 1, tzinfo=dt.UTC), by="test")
    engine.dispose()


def signed_in(at: AppTest, email: str, name: str = "") -> AppTest:
    """Make ``at`` run with sign-in configured and ``email`` signed in (``st.user``)."""
    at.secrets["auth"] = dict(AUTH)
    at.user = {"is_logged_in": True, "email": email, "name": name or email.split("@")[0].title()}
    return at


@pytest.fixture()
def app_as(demo_db_url, monkeypatch):
    """A function that returns a fresh AppTest signed in as a person of ``role`` (and ``teams``), on
    a copy of the demo database, already run (on ``page`` when given).

    The person is stored with that role first, e.g. ``app_as("viewer")`` is viewer@example.com;
    ``email=`` names someone else. ``OUTSIDE_IN_ADMINS`` is left unset, so the stored role holds.
    """
    monkeypatch.setenv("DATABASE_URL", demo_db_url)
    monkeypatch.delenv("OUTSIDE_IN_ADMINS", raising=False)
    monkeypatch.delenv("OUTSIDE_IN_DEFAULT_ROLE", raising=False)

    def make(role: str, page: str | None = None, *, teams: tuple[str, ...] = (), email: str | None = None,
             name: str = "", timeout: float = 60) -> AppTest:
        email = email or f"{role}@example.com"
        appoint(demo_db_url, email, role, teams, name)
        at = signed_in(AppTest.from_file(APP, default_timeout=timeout), email, name)
        at.run()
        if page:
            at.switch_page(page)
            at.run()
        return at

    make.url = demo_db_url
    return make
