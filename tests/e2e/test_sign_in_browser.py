"""Sign-in in Chromium through a real OpenID Connect provider: the role decides what the navigation offers.

The app runs with an ``[auth]`` section in a secrets.toml of its own (``--secrets.files``) that points
Streamlit's ``st.login`` at the provider of ``tests/e2e/oidc_provider.py``; ``OUTSIDE_IN_ADMINS``
makes admin@example.com an admin, so every other e-mail gets the default role, viewer.
"""

from __future__ import annotations

import secrets

import pytest

from tests.e2e.conftest import _free_port, streamlit_server, wait_for_app

pytestmark = [
    pytest.mark.browser,
    # The provider's use of Authlib warns about Authlib's deprecated internals; nothing of the app's.
    pytest.mark.filterwarnings("ignore::DeprecationWarning:authlib.*"),
]

VIEWER = {"sub": "viewer@example.com", "email": "viewer@example.com", "name": "Vera Viewer"}
ADMIN = {"sub": "admin@example.com", "email": "admin@example.com", "name": "Ada Admin"}


@pytest.fixture(scope="module")
def signin_server(demo_db_file, oidc_provider, tmp_path_factory):
    """`streamlit run app.py` with sign-in through ``oidc_provider``; yields the app's base URL."""
    for person in (VIEWER, ADMIN):
        oidc_provider.add_user(person["sub"], email=person["email"], email_verified=True, name=person["name"])
    folder = tmp_path_factory.mktemp("e2e_sign_in")
    port = _free_port()
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        oidc_provider.auth_secrets_toml(
            redirect_uri=f"http://127.0.0.1:{port}/oauth2callback", cookie_secret=secrets.token_urlsafe(32)
        )
    )
    with streamlit_server(
        demo_db_file,
        folder,
        port=port,
        extra_env={"OUTSIDE_IN_ADMINS": "admin@example.com"},
        extra_args=["--secrets.files", str(secrets_file)],
    ) as base:
        yield base


@pytest.fixture()
def signin_page(page, oidc_provider):
    """The ``page`` fixture, with the provider's own pages made self-contained.

    The provider's HTML links a stylesheet on a CDN and the browser asks it for a favicon it does
    not have; both would count as errors of the page, so they are answered locally.
    """
    empty_stylesheet = {"status": 200, "content_type": "text/css", "body": ""}
    page.context.route("https://cdn.jsdelivr.net/**", lambda route: route.fulfill(**empty_stylesheet))
    page.context.route(f"{oidc_provider.base_url}/favicon.ico", lambda route: route.fulfill(status=204))
    return page


def sign_in(pg, base: str, provider, sub: str) -> None:
    """Open the app signed out, press "Sign in", give ``sub`` on the provider's page, come back signed in."""
    pg.goto(base)
    pg.get_by_role("heading", name="Outside In").wait_for(timeout=60_000)
    pg.get_by_role("button", name="Sign in", exact=True).click()
    pg.wait_for_url(f"{provider.base_url}/oauth2/authorize?**", timeout=30_000)
    pg.locator("input[name='sub']").fill(sub)
    pg.get_by_role("button", name="Authorize", exact=True).click()
    pg.wait_for_url(f"{base}/**", timeout=30_000)
    signed_in_caption(pg).wait_for(timeout=60_000)
    wait_for_run_end(pg)


def wait_for_run_end(pg) -> None:
    """Wait until the page has its title and the script run has ended (Streamlit's own run state),
    so that the clicks below act on the finished page rather than on elements still being replaced."""
    wait_for_app(pg)
    pg.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)


def signed_in_caption(pg):
    return pg.get_by_test_id("stSidebar").get_by_test_id("stCaptionContainer").filter(has_text="Signed in as")


def role_shown(caption: str, person: dict) -> str:
    """The caption without the person's name and e-mail: what is left names the role."""
    assert person["name"] in caption or person["email"] in caption, caption
    return caption.replace(person["name"], "").replace(person["email"], "")


def nav_link(pg, title: str):
    return pg.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)


def main_title(pg) -> str:
    return pg.locator("[data-testid='stMainBlockContainer'] h1").first.inner_text().strip()


def test_a_viewer_signs_in_sees_no_data_page_and_signs_out(signin_server, oidc_provider, signin_page):
    page = signin_page
    sign_in(page, signin_server, oidc_provider, VIEWER["sub"])
    rest = role_shown(signed_in_caption(page).inner_text(), VIEWER)
    assert "viewer" in rest and "admin" not in rest, rest
    assert main_title(page) == "Overview"
    nav_link(page, "Overview").wait_for(timeout=30_000)
    assert nav_link(page, "Data").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0

    page.get_by_role("button", name="Sign out", exact=True).click()
    # Streamlit also ends the session at the provider (its end_session_endpoint), which asks to confirm.
    page.wait_for_url(f"{oidc_provider.base_url}/oauth2/end_session?**", timeout=30_000)
    page.get_by_role("button", name="End session", exact=True).click()
    page.wait_for_url(f"{signin_server}/**", timeout=30_000)
    page.get_by_role("button", name="Sign in", exact=True).wait_for(timeout=60_000)
    assert signed_in_caption(page).count() == 0
    # The sign-in cookie is gone: a reload stays signed out.
    page.reload()
    page.get_by_role("button", name="Sign in", exact=True).wait_for(timeout=60_000)
    wait_for_run_end(page)
    assert signed_in_caption(page).count() == 0
    # Signed out, no page is offered: not even the older automatic menu of the pages/ folder.
    assert page.get_by_test_id("stSidebarNav").count() == 0
    assert page.errors == []


def test_an_admin_signs_in_in_a_fresh_browser_and_opens_the_data_page(
    signin_server, oidc_provider, signin_page
):
    page = signin_page
    sign_in(page, signin_server, oidc_provider, ADMIN["sub"])
    rest = role_shown(signed_in_caption(page).inner_text(), ADMIN)
    assert "admin" in rest and "viewer" not in rest, rest
    assert main_title(page) == "Overview"
    nav_link(page, "Data").click()
    page.wait_for_function(
        "t => { const h = document.querySelector('[data-testid=\"stMainBlockContainer\"] h1');"
        " return h && h.innerText.trim() === t; }",
        arg="Data",
        timeout=60_000,
    )
    wait_for_run_end(page)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []
