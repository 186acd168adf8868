"""Sign-in in the app: the local user without [auth], the sign-in screen, a malformed [auth] that
lets nobody in, the default role of people nobody appointed, the pages each role reaches, and the
Data page's people and audit sections."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from cs_metrics.storage import db
from cs_metrics.storage.queries import access as qa
from tests.app.conftest import APP, AUTH, appoint, signed_in

PAGES = ["pages/overview.py", "pages/nps.py", "pages/health.py", "pages/onboarding.py", "pages/churn.py",
         "pages/maturity.py", "pages/meetings.py", "pages/board_pack.py"]


@pytest.fixture()
def on_demo(demo_db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo_db_url)
    for name in ("OUTSIDE_IN_ADMINS", "OUTSIDE_IN_DEFAULT_ROLE"):
        monkeypatch.delenv(name, raising=False)
    return demo_db_url


def reaches(at: AppTest, page: str) -> bool:
    """Whether ``page`` is in the navigation built for this person (AppTest refuses unregistered pages)."""
    try:
        at.switch_page(page)
    except ValueError:
        return False
    at.run()
    return True


def test_without_auth_the_local_user_has_every_page_and_is_told_so(on_demo):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "Single local user with every right: sign-in is not configured (README, Sign-in)." in [
        c.value for c in at.sidebar.caption]
    assert not [b for b in at.sidebar.button if b.label == "Sign out"]
    assert reaches(at, "pages/data.py")
    assert at.title[0].value == "Data"
    assert [s.value for s in at.subheader if s.value in ("People and roles", "Audit trail")] == [
        "People and roles", "Audit trail"]


def test_signed_out_people_see_only_the_sign_in_button(on_demo):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = dict(AUTH) | {"client_kwargs": {"scope": "openid profile email"}}  # options, not a provider
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Outside In"]
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.metric and not at.sidebar.selectbox  # no page ran, no filters


def test_several_providers_get_a_button_each(on_demo):
    at = AppTest.from_file(APP, default_timeout=60)
    keys = {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")}
    at.secrets["auth"] = {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": AUTH["cookie_secret"],
                          "microsoft": keys, "google": keys | {"label": "Google Workspace"}}
    at.user = {"is_logged_in": False}
    at.run()
    assert [b.label for b in at.button] == ["Sign in with Microsoft", "Sign in with Google Workspace"]


def test_a_malformed_auth_section_says_what_is_wrong_and_lets_nobody_in(on_demo):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://127.0.0.1:8501/callback", "cookie_secret": "short",
                          "client_id": "outside-in"}
    at.user = {"is_logged_in": True, "email": "ada@example.com"}
    at.run()
    assert not at.exception
    message = at.error[0].value
    for words in ("it must end with /oauth2callback", "cookie_secret is missing or shorter than 32 characters",
                  "[auth] lacks client_secret, server_metadata_url"):
        assert words in message
    assert [t.value for t in at.title] == ["Outside In"] and not at.button


def test_an_unknown_person_becomes_a_viewer_and_is_stored(on_demo):
    at = signed_in(AppTest.from_file(APP, default_timeout=60), "new.person@example.com", "New Person").run()
    assert not at.exception
    assert "Signed in as New Person · viewer" in [c.value for c in at.sidebar.caption]
    assert [b.label for b in at.sidebar.button] == ["Sign out"]
    engine = db.make_engine(on_demo)
    assert qa.find_person(engine, "new.person@example.com").role == "viewer"
    assert qa.audit_events(engine)["action"].tolist() == ["people.sign_in"]
    engine.dispose()


def test_unknown_people_are_refused_when_so_configured(on_demo, monkeypatch):
    monkeypatch.setenv("OUTSIDE_IN_DEFAULT_ROLE", "none")
    at = signed_in(AppTest.from_file(APP, default_timeout=60), "stranger@example.com").run()
    assert not at.exception
    assert "stranger@example.com has not been given access to Outside In" in at.error[0].value
    assert [b.label for b in at.button] == ["Sign out"]
    assert not at.metric


def test_configured_admins_reach_the_data_page(on_demo, monkeypatch):
    monkeypatch.setenv("OUTSIDE_IN_ADMINS", "boss@example.com")
    at = signed_in(AppTest.from_file(APP, default_timeout=60), "boss@example.com", "The Boss").run()
    assert "Signed in as The Boss · admin" in [c.value for c in at.sidebar.caption]
    assert reaches(at, "pages/data.py")
    assert at.title[0].value == "Data" and not at.error


@pytest.mark.parametrize(("role", "data_page"), [("viewer", False), ("member", False), ("editor", False),
                                                 ("admin", True)])
def test_only_admins_have_the_data_page_in_their_navigation(app_as, role, data_page):
    at = app_as(role)
    assert not at.exception
    assert reaches(at, "pages/data.py") is data_page


def test_a_viewer_reads_every_other_page(app_as):
    at = app_as("viewer")
    for page in PAGES:
        assert reaches(at, page), page
        assert not at.exception, (page, at.exception)


def test_demo_banner_links_to_the_data_page_only_for_admins(app_as):
    viewer = app_as("viewer")
    assert any("An admin can import the company's own data" in i.value for i in viewer.info)
    admin = app_as("admin")
    assert any("Import your own data or clear the demo on the Data page." in i.value for i in admin.info)


def test_an_admin_appoints_a_member_of_a_team_and_the_trail_shows_it(app_as):
    at = app_as("admin", "pages/data.py")
    team = at.multiselect(key="person_teams").options[0]
    at.text_input(key="person_email").input("Mia@Example.com")
    at.text_input(key="person_name").input("Mia")
    at.selectbox(key="person_role").select("member")
    at.multiselect(key="person_teams").select(team)
    at.button[[b.label for b in at.button].index("Save person")].click().run()
    assert not at.exception and not at.error
    assert "Saved mia@example.com: member, " + team + "." in [s.value for s in at.success]
    engine = db.make_engine(app_as.url)
    mia = qa.find_person(engine, "mia@example.com")
    assert (mia.name, mia.role, mia.teams) == ("Mia", "member", frozenset({team}))
    rows = qa.audit_events(engine)
    assert rows.iloc[0][["actor", "action", "outcome", "records", "summary"]].tolist() == [
        "admin@example.com", "people.manage", "done", "mia@example.com", f"new -> member, teams {team}"]
    engine.dispose()
    # The audit section lists it, newest first.
    table = [d for d in at.dataframe if "summary" in d.value.columns][0].value
    assert table.iloc[0]["summary"] == f"new -> member, teams {team}"


def test_a_sign_in_older_than_the_session_length_is_signed_out(on_demo, monkeypatch):
    import time

    monkeypatch.setenv("OUTSIDE_IN_SESSION_HOURS", "12")
    at = signed_in(AppTest.from_file(APP, default_timeout=60), "vera@example.com")
    at.user["iat"] = time.time() - 13 * 3600  # issued 13 hours ago: over the 12-hour session
    at.run()
    assert not at.exception
    assert not at.user.get("is_logged_in")  # st.logout() ran
    assert not at.metric  # no page ran
    fresh = signed_in(AppTest.from_file(APP, default_timeout=60), "vera@example.com")
    fresh.user["iat"] = time.time() - 11 * 3600  # 11 hours: still signed in
    fresh.run()
    assert "Signed in as Vera · viewer" in [c.value for c in fresh.sidebar.caption]


def test_the_example_secrets_and_the_readme_examples_are_valid_auth_sections():
    import re
    import tomllib

    from tests.conftest import ROOT
    from ui import identity

    example = tomllib.loads((ROOT / ".streamlit" / "secrets.example.toml").read_text())["auth"]
    assert identity.auth_problems(example) == [] and identity.providers(example) == [None]
    blocks = re.findall(r"```toml\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    sections = [tomllib.loads(b)["auth"] for b in blocks]
    # The README shows Microsoft Entra alone, then Microsoft and Google as named providers.
    assert [identity.providers(s) for s in sections] == [[None], ["microsoft", "google"]]
    assert all(identity.auth_problems(s) == [] for s in sections)


def test_an_admin_changes_a_stored_persons_role_from_the_filled_in_form(app_as):
    appoint(app_as.url, "mia@example.com", "member", (), "Mia")
    at = app_as("admin", "pages/data.py")
    at.selectbox(key="person_pick").select("mia@example.com").run()
    assert (at.text_input(key="person_email").value, at.text_input(key="person_name").value,
            at.selectbox(key="person_role").value) == ("mia@example.com", "Mia", "member")
    at.selectbox(key="person_role").select("editor")
    at.button[[b.label for b in at.button].index("Save person")].click().run()
    assert "Saved mia@example.com: editor." in [s.value for s in at.success]
    engine = db.make_engine(app_as.url)
    assert qa.audit_events(engine).iloc[0]["summary"] == "member, teams none -> editor, teams none"
    engine.dispose()
