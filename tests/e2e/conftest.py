"""Browser tests: serve the real app with `streamlit run` on a free port, drive Debian's Chromium.

Set OUTSIDE_IN_REQUIRE_BROWSER=1 (CI does) to turn a missing Chromium or Playwright into a failure.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, skip_or_fail
from tests.e2e.oidc_provider import oidc_provider  # noqa: F401  (a fixture for the sign-in tests)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"{CHROMIUM} is missing (apt-get install chromium)", "OUTSIDE_IN_REQUIRE_BROWSER")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the playwright package is not installed", "OUTSIDE_IN_REQUIRE_BROWSER")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def streamlit_server(demo_db_file, folder, *, port=None, extra_env=None, extra_args=()):
    """A freshly started `streamlit run app.py` on a copy of the demo database; yields the base URL.

    ``port`` (default: a free one), ``extra_env`` (added to the environment) and ``extra_args``
    (appended to the command line, e.g. ``["--secrets.files", path]``) adapt the server to a test.
    """
    db_copy = folder / "demo.db"
    shutil.copy(demo_db_file, db_copy)
    port = port or _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_copy}", **(extra_env or {})}
    log = open(folder / "streamlit.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", *extra_args],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail(f"streamlit did not start; log:\n{(folder / 'streamlit.log').read_text()}")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def app_server(demo_db_file, tmp_path_factory):
    """`streamlit run app.py` on a copy of the demo database, shared by the browser tests."""
    with streamlit_server(demo_db_file, tmp_path_factory.mktemp("e2e")) as base:
        yield base


@pytest.fixture()
def page(browser):
    """A fresh page that records console errors and uncaught page errors in ``page.errors``, and
    console warnings in ``page.warnings`` (see ``app_warnings``)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.errors = []
    pg.warnings = []
    pg.on("console", lambda msg: pg.warnings.append(msg.text) if msg.type == "warning" else None)
    pg.on("console", lambda msg: pg.errors.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: pg.errors.append(f"page error: {exc}"))
    pg.on("response", lambda r: pg.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    yield pg
    context.close()


def open_page(pg, base: str, title: str) -> None:
    """Open the app and move to a page through the sidebar navigation, as a person would."""
    pg.goto(base)
    wait_for_app(pg)
    if title != "Overview":
        pg.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
        pg.wait_for_function(
            "t => { const h = document.querySelector('[data-testid=\"stMainBlockContainer\"] h1');"
            " return h && h.innerText.trim() === t; }",
            arg=title,
            timeout=60_000,
        )
        wait_for_app(pg)


def wait_for_app(pg, timeout: float = 60_000) -> None:
    """Wait until Streamlit has rendered the app and finished running the script."""
    pg.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelector('[data-testid=\"stMainBlockContainer\"] h1')",
        timeout=timeout,
    )


#: Console messages that come from Chromium itself, not from the app; each ignored only by this
#: exact text.
CHROMIUM_NOISE: tuple[str, ...] = ()


def app_problems(pg) -> list[str]:
    """The console errors, uncaught page errors, failed requests and console warnings recorded on
    ``pg`` (see the ``page`` fixture), less Chromium's own noise (``CHROMIUM_NOISE``)."""
    return [m for m in [*pg.errors, *(f"console warning: {w}" for w in pg.warnings)]
            if not any(m.endswith(noise) for noise in CHROMIUM_NOISE)]


def open_tabs(pg) -> list[str]:
    """Open every tab of the page shown, one after the other, each until its run has ended; returns
    the tabs' names."""
    wait_for_run_end(pg)
    tabs = pg.get_by_test_id("stMainBlockContainer").get_by_role("tab")
    names = [t.strip() for t in tabs.all_inner_texts()]
    for name in names:
        tabs.filter(has_text=name).first.click()
        pg.wait_for_function(
            "n => [...document.querySelectorAll('[role=\"tab\"]')].some(t => t.innerText.trim() === n"
            " && t.getAttribute('aria-selected') === 'true')", arg=name, timeout=60_000)
        wait_for_run_end(pg)
    return names



def wait_for_run_end(pg, timeout: float = 90_000) -> None:
    """Wait until Streamlit reports that the script run is over (not just that a title is drawn)."""
    wait_for_app(pg, timeout)
    pg.wait_for_function(
        "() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
        " return app && app.dataset.testScriptState === 'notRunning'; }",
        timeout=timeout,
    )
