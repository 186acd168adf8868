"""Outside In: the router. Page config, who is signed in, shared sidebar filters, navigation in sections
(the pages a person's role can use)."""

from __future__ import annotations

import streamlit as st

from cs_metrics.errors import ConfigurationError, SchemaError
from ui import components, filters, identity, language, loaders, shell

language.install()

st.set_page_config(page_title="Outside In", layout="wide", initial_sidebar_state="expanded")

try:
    loaders.engine()
except (ConfigurationError, SchemaError) as exc:
    def unusable(problem: Exception = exc) -> None:
        st.title("Outside In")
        st.error(f"The database cannot be used.\n\n{problem}")
        st.caption("Set DATABASE_URL (see the README's Configuration section) and reload this page.")
    shell.only(unusable)

who = identity.gate()

PAGES = {
    "Posture": [st.Page("pages/overview.py", title="Overview", url_path="overview", default=True)],
    "Customers": [
        st.Page("pages/nps.py", title="NPS", url_path="nps"),
        st.Page("pages/health.py", title="Health", url_path="health"),
        st.Page("pages/onboarding.py", title="Onboarding", url_path="onboarding"),
        st.Page("pages/churn.py", title="Churn & retention", url_path="churn"),
    ],
    "Culture": [
        st.Page("pages/maturity.py", title="Maturity", url_path="maturity"),
        st.Page("pages/meetings.py", title="Meetings", url_path="meetings"),
    ],
    "Share": [st.Page("pages/board_pack.py", title="Board pack", url_path="board_pack")],
}
if identity.allowed("data.import"):
    PAGES["Data"] = [st.Page("pages/data.py", title="Data", url_path="data")]

navigation = st.navigation(PAGES)
shell.mark_routed()
language.selector()
filters.sidebar()
identity.sidebar(who)
components.demo_banner()
navigation.run()
