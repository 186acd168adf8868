"""Outside In: the router. Page config, who is signed in, shared sidebar filters, navigation in sections
(the pages a person's role can use)."""

from __future__ import annotations

import streamlit as st

from cs_metrics.errors import ConfigurationError, SchemaError
from cs_metrics.i18n import _
from ui import components, filters, identity, language, loaders, shell

language.install()

st.set_page_config(page_title="Outside In", layout="wide", initial_sidebar_state="expanded")

try:
    loaders.engine()
except (ConfigurationError, SchemaError) as exc:
    def unusable(problem: Exception = exc) -> None:
        st.title(_("Outside In"))
        st.error(_("The database cannot be used.\n\n{problem}").format(problem=problem))
        st.caption(_("Set DATABASE_URL (see the README's Configuration section) and reload this page."))
    shell.only(unusable)

who = identity.gate()

PAGES = {
    _("Posture"): [st.Page("pages/overview.py", title=_("Overview"), url_path="overview", default=True)],
    _("Customers"): [
        st.Page("pages/nps.py", title=_("NPS"), url_path="nps"),
        st.Page("pages/health.py", title=_("Health"), url_path="health"),
        st.Page("pages/onboarding.py", title=_("Onboarding"), url_path="onboarding"),
        st.Page("pages/churn.py", title=_("Churn & retention"), url_path="churn"),
    ],
    _("Culture"): [
        st.Page("pages/maturity.py", title=_("Maturity"), url_path="maturity"),
        st.Page("pages/meetings.py", title=_("Meetings"), url_path="meetings"),
    ],
    _("Share"): [st.Page("pages/board_pack.py", title=_("Board pack"), url_path="board_pack")],
}
if identity.allowed("data.import"):
    PAGES[_("Data")] = [st.Page("pages/data.py", title=_("Data"), url_path="data")]

navigation = st.navigation(PAGES)
shell.mark_routed()
language.selector(who)
filters.sidebar()
identity.sidebar(who)
components.demo_banner()
navigation.run()
