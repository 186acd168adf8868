"""The reader's language: chosen in the sidebar, first guessed from the browser, remembered for a
signed-in person.

The choice lives in ``st.session_state[KEY]`` for the session, a key of its own rather than the
selector's: Streamlit forgets a widget's state in a run that does not draw it, and the language must
outlive any run. ``install`` makes it the language of every text the app shows (``cs_metrics.i18n``'s
resolver), also in a section that re-runs on its own. A signed-in person's choice is stored with
their record (``services.preferences``) and is the language of their next visit, whatever the
browser says.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from cs_metrics import i18n
from cs_metrics.access import Actor
from cs_metrics.i18n import LANGUAGES, _
from cs_metrics.services import preferences
from ui import loaders

KEY = "language"
#: The sidebar selector's own key; its choice is copied to ``KEY``.
WIDGET = "language_choice"
#: The signed-in person whose remembered language this session has already applied.
APPLIED = "_outside_in_language_person"


def browser() -> str | None:
    """The browser's language, when it is one the app speaks."""
    try:
        return i18n.normalise(st.context.locale)
    except Exception:  # noqa: BLE001 - no browser behind this run (a test, a bare script)
        return None


def current() -> str:
    """The language of this run: the sidebar's choice, else the browser's, else English (also outside
    any run of the app, e.g. a test calling the metrics after an app test)."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return i18n.DEFAULT
    chosen = i18n.normalise(st.session_state.get(KEY))
    return chosen or browser() or i18n.DEFAULT


def install() -> None:
    """Make the reader's choice the language of what the app shows (call first in ``app.py``)."""
    i18n.set_resolver(current)
    if KEY not in st.session_state:
        st.session_state[KEY] = current()


def _chosen(who: Actor) -> None:
    st.session_state[KEY] = st.session_state[WIDGET]
    if not who.local:
        preferences.remember_language(loaders.engine(), who.email, st.session_state[KEY])


def selector(who: Actor) -> None:
    """The choice in the sidebar; for a signed-in person, their remembered choice on their first run."""
    if not who.local and st.session_state.get(APPLIED) != who.email:
        st.session_state[APPLIED] = who.email
        remembered = preferences.remembered_language(loaders.engine(), who.email)
        if remembered:
            st.session_state[KEY] = remembered
    st.session_state[KEY] = current()
    if st.session_state.get(WIDGET) != st.session_state[KEY]:
        st.session_state[WIDGET] = st.session_state[KEY]  # also after Streamlit forgot the widget
    with st.sidebar:
        st.selectbox(_("Language"), list(LANGUAGES), format_func=LANGUAGES.__getitem__, key=WIDGET,
                     on_change=_chosen, args=(who,))
