"""Names from the data never become live Markdown or HTML: with a team, a department, the CSM owner,
a segment, a region, the customers, the meeting titles and a round renamed to hostile strings,
every page (and the tabs and sections where those names appear) shows them escaped, never as an
image, a link, bold text or a tag, and no page raises."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, text

from ui.text import plain


def hostile(tag: str) -> str:
    """An image that would fetch a beacon, bold text and a raw tag, named after what it replaces."""
    return f"![{tag}](http://127.0.0.1:9/b) **bold** <img src=x>"


TEAM, DEPARTMENT, OWNER = hostile("team"), hostile("department"), hostile("owner")
SEGMENT, REGION, CUSTOMER = hostile("segment"), hostile("region"), hostile("customer")
MEETING, ROUND = hostile("meeting"), hostile("round")

#: Elements whose text Streamlit renders as Markdown, and the widgets whose labels it renders so.
TEXT_KINDS = ("markdown", "caption", "error", "warning", "info", "success", "title", "header", "subheader")
LABEL_KINDS = ("selectbox", "multiselect", "radio", "checkbox", "toggle", "text_input", "text_area", "number_input",
               "button", "expander", "tab", "metric", "date_input")


def _rename(url: str) -> None:
    """The hostile names in the demo company (names as in the demo: tests/conftest.py, demo_db_file)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        run = conn.execute
        run(text("UPDATE team SET name = :n WHERE name = 'Customer Success Italy'"), {"n": TEAM})
        run(text("UPDATE person_team SET team = :n WHERE team = 'Customer Success Italy'"), {"n": TEAM})
        for table in ("team", "meeting"):
            run(text(f"UPDATE {table} SET department = :n WHERE department = 'Customer Success'"), {"n": DEPARTMENT})
        run(text("UPDATE customer SET owner = :n"), {"n": OWNER})  # one CSM owns every customer
        run(text("UPDATE customer SET region = :n"), {"n": REGION})
        run(text("UPDATE customer SET segment = :n WHERE segment = 'SMB'"), {"n": SEGMENT})
        run(text("UPDATE customer SET name = :n || ' ' || id"), {"n": CUSTOMER})
        run(text("UPDATE meeting SET title = :n"), {"n": MEETING})
        run(text("UPDATE assessment_round SET name = :n WHERE name = 'Maturity check October 2026'"), {"n": ROUND})
        run(text("UPDATE vocabulary_term SET key = :n, label = :n WHERE kind = 'segment' AND key = 'SMB'"),
            {"n": SEGMENT})
        run(text("UPDATE vocabulary_term SET key = :n, label = :n WHERE kind = 'department' "
                 "AND key = 'Customer Success'"), {"n": DEPARTMENT})
        run(text("DELETE FROM vocabulary_term WHERE kind = 'region' AND key <> 'Italy'"))
        run(text("UPDATE vocabulary_term SET key = :n, label = :n WHERE kind = 'region'"), {"n": REGION})
    engine.dispose()


def _live(value: str) -> list[str]:
    """The pieces of the hostile strings that stand unescaped in ``value``."""
    found = [piece for piece in ("![", "**bold**") if piece in value]  # escaped: "\\!\\[", "\\*\\*bold\\*\\*"
    return found + [bare for bare in ("](", "<img") if re.search(r"(?<!\\)" + re.escape(bare), value)]


def _shown_texts(at) -> list[tuple[str, str]]:
    """(kind, text) of every Markdown element and Markdown label on the page."""
    out = [(kind, str(e.value)) for kind in TEXT_KINDS for e in at.get(kind)]
    for kind in LABEL_KINDS:
        for e in at.get(kind):
            out.append((kind, str(getattr(e, "label", "") or "")))
            if kind == "radio":  # a radio's options are Markdown too
                out += [("radio option", str(o)) for o in e.options]
    return out


def _check(at, where: str) -> list[str]:
    """Assert the page ran and shows nothing hostile live; return its texts."""
    assert not at.exception, (where, [e.value for e in at.exception])
    texts = _shown_texts(at)
    live = [(kind, value) for kind, value in texts if _live(value)]
    assert not live, (where, live)
    return [value for _, value in texts]


@pytest.fixture()
def hostile_app(app_on_demo, demo_db_url):
    _rename(demo_db_url)

    def make(page: str):
        at = app_on_demo()
        # Every customer, described by the hostile names in the page header's caption.
        at.session_state["filter_segments"] = [SEGMENT, "Mid-Market", "Enterprise"]
        at.session_state["filter_regions"] = [REGION]
        at.session_state["filter_owners"] = [OWNER]
        at.switch_page(page)
        at.run()
        return at

    return make


SCOPE = f"segment: {plain(SEGMENT)}, Mid-Market, Enterprise; region: {plain(REGION)}; owner: {plain(OWNER)}"


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/nps.py", "pages/health.py", "pages/onboarding.py",
                                  "pages/churn.py", "pages/board_pack.py"])
def test_customer_pages_show_the_filtered_names_escaped(hostile_app, page):
    at = hostile_app(page)
    texts = _check(at, page)
    # the header's caption names the selected segment, region and owner, escaped (CustomerFilter.describe)
    assert any(SCOPE in t for t in texts), page


def test_health_tabs_show_the_customer_escaped(hostile_app):
    at = hostile_app("pages/health.py")
    for tab in ["Distribution", "Movement", "Customer", "Back-test", "At risk", "Model"]:
        at.session_state["health_tab"] = tab
        at.run()
        texts = _check(at, f"health: {tab}")
        if tab == "Customer":
            # "Owner: <owner> · <segment> · <region> · ARR ...": owner and region are the hostile ones
            assert any(t.startswith(f"Owner: {plain(OWNER)} · ") and plain(REGION) in t for t in texts), texts


def test_maturity_shows_team_and_round_escaped(hostile_app):
    at = hostile_app("pages/maturity.py")
    _check(at, "maturity")
    at.selectbox(key="mat_plan_team").set_value(TEAM).run()
    at.selectbox(key="mat_profile_team").set_value(TEAM).run()
    texts = _check(at, "maturity: a team chosen")
    assert f"Set targets for {plain(TEAM)}" in texts  # the form's heading of the Targets tab
    assert any(t.startswith(f"{plain(TEAM)} · ") for t in texts)  # the team profile's caption
    assert any(f"Medians from {plain(ROUND)}" in t for t in texts)  # the newest round, now hostile


def test_meetings_and_data_pages_show_names_escaped(hostile_app):
    for page in ("pages/meetings.py", "pages/data.py"):
        at = hostile_app(page)
        _check(at, page)
    # the Data page's vocabularies: the hostile segment is the value offered for removal
    at.selectbox(key="vocab_kind").set_value("segment").run()
    at.selectbox(key="vocab_remove_key_segment").set_value(SEGMENT).run()
    texts = _check(at, "data: vocabulary")
    assert f"Yes, remove '{plain(SEGMENT)}'" in texts
