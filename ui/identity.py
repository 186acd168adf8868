"""Who is using the app: sign-in through the company's identity provider (``st.login``), or the single
local user of a deployment without sign-in.

Sign-in is on when ``.streamlit/secrets.toml`` has an ``[auth]`` section (see the README). Then
``gate`` lets nobody past until they are signed in and known (``services.access.sign_in``), and
``actor()`` is that person with their role and teams, read again on every run so that a role an
admin changes applies at once. Without ``[auth]`` everyone is the local user, with every right,
and the sidebar says so. A malformed ``[auth]`` section stops the app with what to fix.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from cs_metrics.access import LOCAL, Actor, Refused, can, role_allows
from cs_metrics.errors import ConfigurationError, DataError
from cs_metrics.i18n import _
from cs_metrics.services import access
from ui import loaders, shell
from ui.text import plain

ACTOR = "_outside_in_actor"
#: Keys every provider needs, under ``[auth]`` (one provider) or ``[auth.<name>]`` (several).
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
#: Tables under ``[auth]`` that hold options of the provider rather than another provider.
OPTION_TABLES = ("client_kwargs",)


def _auth_section() -> Mapping[str, Any] | None:
    try:
        section = st.secrets.get("auth")
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return None
    return section if section else None


def providers(section: Mapping[str, Any]) -> list[str | None]:
    """The providers an ``[auth]`` section configures: None for the default one (keys directly
    under ``[auth]``), else the names of its sub-sections."""
    named = [name for name, value in section.items() if isinstance(value, Mapping) and name not in OPTION_TABLES]
    return ([None] if any(k in section for k in PROVIDER_KEYS) else []) + named


def auth_problems(section: Mapping[str, Any]) -> list[str]:
    """What is wrong with an ``[auth]`` section (empty when sign-in can work)."""
    problems = []
    redirect = str(section.get("redirect_uri", "")).strip()
    if not redirect:
        problems.append(_("redirect_uri is missing: set it to this app's address followed by /oauth2callback, "
                          "e.g. https://outside-in.example.com/oauth2callback."))
    elif not redirect.endswith("/oauth2callback"):
        problems.append(_("redirect_uri is {redirect}; it must end with /oauth2callback.").format(redirect=repr(redirect)))
    if len(str(section.get("cookie_secret", "")).strip()) < 32:
        problems.append(_("cookie_secret is missing or shorter than 32 characters: set a long random string, e.g. "
                          "the output of `python -c \"import secrets; print(secrets.token_hex(32))\"`."))
    found = providers(section)
    if not found:
        problems.append(_("No identity provider is configured: add client_id, client_secret and "
                          "server_metadata_url under [auth], or a section such as [auth.microsoft] holding them."))
    for name in found:
        keys = section if name is None else section[name]
        missing = [k for k in PROVIDER_KEYS if not str(keys.get(k, "")).strip()]
        if missing:
            where = "[auth]" if name is None else f"[auth.{name}]"
            problems.append(_("{where} lacks {keys}.").format(where=where, keys=", ".join(missing)))
    return problems


def signing_in() -> bool:
    """True when this deployment signs people in (``[auth]`` is configured)."""
    return _auth_section() is not None


def gate() -> Actor:
    """Called by ``app.py`` before anything is shown: the person using the app, or a sign-in
    screen (or what is wrong) and ``st.stop()``."""
    section = _auth_section()
    if section is None:
        st.session_state[ACTOR] = LOCAL
        return LOCAL
    problems = auth_problems(section)
    if problems:
        def broken() -> None:
            st.title(_("Outside In"))
            st.error(_("Sign-in is configured in .streamlit/secrets.toml, but the [auth] section cannot be used, so "
                       "nobody can sign in:\n\n{problems}").format(problems="\n".join(f"- {p}" for p in problems)))
            st.caption(_("Fix the section (the README's Sign-in section shows complete examples) and restart the app."))
        shell.only(broken)
    if not st.user.is_logged_in:
        st.session_state.pop(ACTOR, None)
        shell.only(lambda: _sign_in_screen(section))
    try:
        settings = access.Settings.from_env()
        if settings.expired(_issued_at(), time.time()):
            st.session_state.pop(ACTOR, None)
            st.logout()
            st.stop()
        known = st.session_state.get(ACTOR)
        if known is None or known.email != str(st.user.get("email", "")).strip().lower():
            known = access.sign_in(loaders.engine(), email=str(st.user.get("email") or ""),
                                   name=str(st.user.get("name") or ""), settings=settings)
        else:
            known = access.refresh(loaders.engine(), known, settings)
    except (Refused, ConfigurationError) as exc:
        st.session_state.pop(ACTOR, None)

        def refused_screen(message: str = str(exc)) -> None:
            st.title(_("Outside In"))
            st.error(plain(message))
            st.button(_("Sign out"), on_click=st.logout, key="signout_refused")
        shell.only(refused_screen)
    st.session_state[ACTOR] = known
    return known


def _issued_at() -> float | None:
    """When the identity provider issued this sign-in (the ID token's ``iat``), if it says."""
    try:
        return float(st.user.get("iat"))
    except (TypeError, ValueError):
        return None


def _sign_in_screen(section: Mapping[str, Any]) -> None:
    st.title(_("Outside In"))
    st.write(_("Sign in with your company account to see how customer-centred the company is."))
    for name in providers(section):
        label = (_("Sign in") if name is None
                 else _("Sign in with {provider}").format(provider=section[name].get("label", name.title())))
        if st.button(label, key=f"signin_{name or 'default'}", type="primary"):
            st.login() if name is None else st.login(name)


def actor() -> Actor:
    """The person using the app in this session (the local user when sign-in is off)."""
    found = st.session_state.get(ACTOR)
    if found is not None:
        return found
    return LOCAL if not signing_in() else gate()


def named(typed: str | None) -> Actor:
    """The person using the app; the local user takes the name typed into a form ('Your name'),
    which a signed-in person never needs to type."""
    who = actor()
    if who.local and typed and typed.strip():
        return dataclasses.replace(who, name=typed.strip())
    return who


def name_field(label: str | None = None, *, key: str, container: Any = st, **options: Any) -> str | None:
    """A 'Your name' field for the local user only (a signed-in person is known): its text, or None."""
    if not actor().local:
        return None
    return container.text_input(label or _("Your name"), key=key, **options)


def allowed(action: str, **scope: str | None) -> bool:
    """Whether the person using the app may make the write ``action`` (decides what is shown)."""
    return can(actor(), action, **scope)


def role_may(action: str) -> bool:
    """Whether the person's role is high enough for ``action`` at all, whatever their teams."""
    return role_allows(actor(), action)


def sidebar(who: Actor) -> None:
    """Who is signed in, with what role, and the way out; or that this is the single local user."""
    with st.sidebar:
        if who.local:
            st.caption(_("Single local user with every right: sign-in is not configured (README, Sign-in)."))
            return
        st.caption(_("Signed in as {person} · {role}").format(person=plain(who.label), role=who.role))
        st.button(_("Sign out"), on_click=st.logout, key="signout")


__all__ = ["FAILED", "LOCAL", "Actor", "Refused", "actor", "attempt", "allowed", "gate", "name_field", "named", "refused", "role_may",
           "sidebar", "signing_in"]


def refused(exc: Refused) -> None:
    """Show a refused write: which role may make it; nothing was written."""
    st.error(plain(exc.message))


#: What ``attempt`` returns when the write was refused or its input was wrong.
FAILED = object()


def attempt(write: Callable[..., Any], *args: Any, who: Actor | None = None, **kwargs: Any) -> Any:
    """Make a write ``write(engine, *args, actor=..., **kwargs)`` as the person using the app (or
    ``who``): its result, or ``FAILED`` after showing why (which role may make it, or what to fix in
    the input: a ``DataError``'s message)."""
    try:
        return write(loaders.engine(), *args, actor=who or actor(), **kwargs)
    except Refused as exc:
        refused(exc)
    except DataError as exc:
        st.error(plain(exc))
    return FAILED
