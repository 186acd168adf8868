"""What each page sends to the browser, and the server's peak memory, on a real server.

A fresh ``streamlit run app.py`` serves the company; Debian's Chromium (driven by Playwright)
opens every page in a new browser context, as a new visitor would. For each page load the
websocket frames the browser receives are summed, from the request until the server says the
script run has finished (the first ``script_finished`` message that is not an early stop for a
rerun). After every page has been visited, the server's peak resident memory is read from
``/proc/<pid>/status`` (``VmHWM``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.pages import PAGES

ROOT = Path(__file__).resolve().parents[1]
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


@dataclass
class PageLoad:
    """One page opened in the browser: websocket bytes and frames received, seconds until the
    script run ended (as the browser waits for it), and what went wrong, if anything."""

    page: str
    bytes: int = 0
    frames: int = 0
    seconds: float = 0.0
    error: str = ""


@dataclass
class BrowserRun:
    """Every page's load, and the server's peak and final resident memory in bytes."""

    loads: list[PageLoad] = field(default_factory=list)
    peak_rss: int | None = None
    rss: int | None = None
    error: str = ""


def missing() -> str:
    """Why the browser part cannot run here ('' when it can)."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (make benchmark installs it)"
    return ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_of(pid: int) -> tuple[int | None, int | None]:
    """(peak, current) resident memory of process ``pid`` in bytes, from ``/proc``."""
    values: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0]) * 1024  # kB
    except OSError:
        return None, None
    return values.get("VmHWM"), values.get("VmRSS")


def start_server(url: str, log: Path) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` on a free port of 127.0.0.1, serving ``url``; returns the process
    and the base address once the server answers."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url}
    out = log.open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit stopped: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError(f"streamlit did not answer within 120 s: {log.read_text()[-2000:]}")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _load(browser, base: str, title: str, path: str, timeout: float) -> PageLoad:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    load = PageLoad(title)
    finished = []

    def on_frame(payload) -> None:
        data = payload.encode("utf-8") if isinstance(payload, str) else payload
        load.bytes += len(data)
        load.frames += 1
        if finished or isinstance(payload, str):
            return
        msg = ForwardMsg()
        try:
            msg.ParseFromString(data)
        except Exception:  # not a ForwardMsg: counted, not read
            return
        if (
            msg.WhichOneof("type") == "script_finished"
            and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
        ):
            finished.append(time.perf_counter())

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
        start = time.perf_counter()
        page.goto(f"{base}/{path}")
        deadline = start + timeout
        while not finished and time.perf_counter() < deadline:
            page.wait_for_timeout(50)
        if not finished:
            load.error = f"the script run did not end within {timeout:.0f} s"
        else:
            load.seconds = finished[0] - start
    finally:
        context.close()
    return load


def browse(url: str, *, pages=PAGES, timeout: float = 1800, say=print) -> BrowserRun:
    """Open every page once on a fresh server for ``url``; measure bytes, then the server's memory."""
    from playwright.sync_api import sync_playwright

    run = BrowserRun()
    log = Path(tempfile.mkdtemp(prefix="oi-bench-server-")) / "streamlit.log"
    proc, base = start_server(url, log)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                for title, _, path in pages:
                    load = _load(browser, base, title, path, timeout)
                    problem = f"  ERROR {load.error}" if load.error else ""
                    say(
                        f"  {title:<18} {load.bytes / 1e6:8.2f} MB in {load.frames:5d} frames, "
                        f"script run ended after {load.seconds:6.2f} s{problem}"
                    )
                    run.loads.append(load)
            finally:
                browser.close()
        run.peak_rss, run.rss = memory_of(proc.pid)
    finally:
        stop_server(proc)
    return run
