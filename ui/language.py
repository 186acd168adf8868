"""The reader's language: chosen in the sidebar, first guessed from the browser.

The choice lives in ``st.session_state[KEY]`` for the session; ``install`` makes it the language of
every text the app shows (``cs_metrics.i18n``'s resolver), also in a section that re-runs on its
own. A signed-in person's choice is remembered with their record and applies at their next visit.
"""

from __future__ import annotations

import streamlit as st

from cs_metrics import i18n
from cs_metrics.i18n import LANGUAGES, _

KEY = "language"


def browser() -> str | None:
    """The browser's language, when it is one the app speaks."""
    try:
        return i18n.normalise(st.context.locale)
    except Exception:  # noqa: BLE001 - no browser behind this run (a test, a bare script)
        return None


def current() -> str:
    """The language of this run: the sidebar's choice, else the browser's, else English."""
    chosen = i18n.normalise(st.session_state.get(KEY))
    return chosen or browser() or i18n.DEFAULT


def install() -> None:
    """Make the reader's choice the language of what the app shows (call first in ``app.py``)."""
    i18n.set_resolver(current)
    if KEY not in st.session_state:
        st.session_state[KEY] = current()


def selector() -> None:
    """The choice in the sidebar."""
    with st.sidebar:
        st.selectbox(_("Language"), list(LANGUAGES), format_func=LANGUAGES.__getitem__, key=KEY)
