"""A real OpenID Connect provider on 127.0.0.1 for the sign-in browser tests.

The provider is ``oidc-provider-mock`` (a Flask app) served by Werkzeug on a background thread of the
test process. It accepts any client id and secret and any redirect URI. Its authorization page asks
for the subject (``sub``) of the person signing in; the claims of each subject (e-mail, name) are
registered beforehand with ``OidcProvider.add_user``.
"""

from __future__ import annotations

import json
import threading
import urllib.request
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

CLIENT_ID = "outside-in-test"
CLIENT_SECRET = "outside-in-test-secret"


@dataclass(frozen=True)
class OidcProvider:
    """A running provider: its base URL and the client credentials the app signs in with."""

    base_url: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET

    @property
    def server_metadata_url(self) -> str:
        return f"{self.base_url}/.well-known/openid-configuration"

    def add_user(self, sub: str, **claims: object) -> None:
        """Register (or replace) the claims the provider puts in the ID token for ``sub``."""
        request = urllib.request.Request(
            f"{self.base_url}/users/{sub}",
            data=json.dumps(claims).encode(),
            headers={"Content-Type": "application/json"},
            method="PUT",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 204, f"registering {sub} at the provider answered {response.status}"

    def auth_secrets_toml(self, redirect_uri: str, cookie_secret: str) -> str:
        """The ``[auth]`` section of a secrets.toml that makes Streamlit sign in through this provider."""
        return (
            "[auth]\n"
            f"redirect_uri = {json.dumps(redirect_uri)}\n"
            f"cookie_secret = {json.dumps(cookie_secret)}\n"
            f"client_id = {json.dumps(self.client_id)}\n"
            f"client_secret = {json.dumps(self.client_secret)}\n"
            f"server_metadata_url = {json.dumps(self.server_metadata_url)}\n"
        )


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    """An OpenID Connect provider listening on 127.0.0.1 (free port) for the whole session."""
    try:
        with warnings.catch_warnings():
            # Importing the provider makes Authlib warn about its own deprecated modules; Authlib's
            # first import asks to always show those warnings, so it comes before the filter.
            import authlib.deprecate  # noqa: F401
            warnings.simplefilter("ignore", DeprecationWarning)
            import oidc_provider_mock
        import werkzeug.serving
    except ImportError:
        from tests.conftest import skip_or_fail

        skip_or_fail("the oidc-provider-mock package is not installed", "OUTSIDE_IN_REQUIRE_BROWSER")
    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield OidcProvider(base_url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
