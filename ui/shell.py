"""The shell's guard: every page runs inside the router of ``app.py`` (sidebar filters, sections,
the demo banner).

A ``pages/`` folder beside ``app.py`` is also Streamlit's older automatic navigation: on a freshly
started server, a first visit straight to a page's address (``/nps``) would run that page on its
own, with a menu of file names and no filters. ``app.py`` marks each run it routes; a page that
finds no mark turns the automatic navigation off for the process and runs again, through the
router, on the same address.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

ROUTED = "_outside_in_routed"


def mark_routed() -> None:
    """Called by ``app.py`` before it runs the chosen page."""
    st.session_state[ROUTED] = True


def require_router() -> None:
    """Called first by every page: run again through ``app.py`` when this run bypassed it."""
    if not st.session_state.get(ROUTED):
        PagesManager.uses_pages_directory = False
        st.rerun()


def only(screen: Callable[[], None], *, title: str = "Outside In") -> None:
    """Show ``screen`` as the one and hidden page of this run (a sign-in screen, a configuration
    error), then stop: no page of the app is offered, not even by the older automatic navigation."""
    st.navigation([st.Page(screen, title=title, url_path="welcome")], position="hidden").run()
    st.stop()
