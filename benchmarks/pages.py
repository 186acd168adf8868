"""Server time of every page, measured with Streamlit's AppTest on the real ``app.py``.

For each page, in one session (as a person moving through the app):

* ``first``: the page's first run with empty data caches (they are cleared between pages, as the
  app tests do; the engine stays prepared, as in a running server);
* ``warm``: the same page run again, nothing changed;
* ``segment``: the segment filter changed from every customer to one segment;
* ``period``: back to every customer, with the period changed from the default preset to another.

The time is the wall time of ``AppTest.run()``: the whole script run on the server, every query
and computation of the page included, nothing of the browser.
"""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import streamlit

from cs_metrics.period import DEFAULT_PRESET

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")

#: Every page: (title, script, URL path).
PAGES: tuple[tuple[str, str, str], ...] = (
    ("Overview", "pages/overview.py", ""),
    ("NPS", "pages/nps.py", "nps"),
    ("Health", "pages/health.py", "health"),
    ("Onboarding", "pages/onboarding.py", "onboarding"),
    ("Churn & retention", "pages/churn.py", "churn"),
    ("Maturity", "pages/maturity.py", "maturity"),
    ("Meetings", "pages/meetings.py", "meetings"),
    ("Board pack", "pages/board_pack.py", "board_pack"),
    ("Data", "pages/data.py", "data"),
)
#: The runs measured on every page, in order.
RUNS = ("first", "warm", "segment", "period")
#: The period chosen for the period change.
OTHER_PRESET = "Last 6 months"

# The sidebar's widget keys (ui.filters).
KEY_PRESET = "filter_period_preset"
KEY_SEGMENTS = "filter_segments"


@dataclass
class PageTimes:
    """Seconds per run of one page (the median over the repeats), and what went wrong, if anything."""

    page: str
    seconds: dict[str, float] = field(default_factory=dict)
    error: str = ""


def clear_caches() -> None:
    """Forget every cached query result (the app's data caches), keep the prepared engine."""
    streamlit.cache_data.clear()


def _run(at, label: str, page: str) -> float:
    start = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"{page}, {label} run: {at.exception[0].message.splitlines()[0]}")
    return seconds


def _filters(at, *, segments: list[str], preset: str) -> None:
    at.session_state[KEY_SEGMENTS] = segments
    at.session_state[KEY_PRESET] = preset


def time_pages(
    url: str, *, segment: str, repeats: int = 1, pages=PAGES, timeout: float = 1800, say=print
) -> list[PageTimes]:
    """Time every page of the app on the database at ``url``.

    Parameters
    ----------
    segment
        The segment chosen for the segment change (one of the company's segments).
    repeats
        Measure each page this many times (caches cleared before each) and keep the medians.
    """
    from streamlit.testing.v1 import AppTest

    os.environ["DATABASE_URL"] = url
    streamlit.cache_resource.clear()
    clear_caches()
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()  # prepares the engine and draws the sidebar, as a server does for its first visitor
    if at.exception:
        raise RuntimeError(f"the app does not start: {at.exception[0].message.splitlines()[0]}")
    results = []
    for title, script, _ in pages:
        times = PageTimes(title)
        samples: dict[str, list[float]] = {run: [] for run in RUNS}
        try:
            for _ in range(repeats):
                _filters(at, segments=[], preset=DEFAULT_PRESET)
                clear_caches()
                at.switch_page(script)
                samples["first"].append(_run(at, "first", title))
                samples["warm"].append(_run(at, "warm", title))
                _filters(at, segments=[segment], preset=DEFAULT_PRESET)
                samples["segment"].append(_run(at, "segment", title))
                _filters(at, segments=[], preset=OTHER_PRESET)
                samples["period"].append(_run(at, "period", title))
        except Exception as exc:  # a page that fails is reported as such, the others still run
            times.error = str(exc).splitlines()[0][:300]
            at = AppTest.from_file(APP, default_timeout=timeout)
            at.run()
        times.seconds = {run: statistics.median(v) for run, v in samples.items() if v}
        say(
            f"  {title:<18} "
            + "  ".join(f"{run} {times.seconds[run]:7.2f} s" for run in RUNS if run in times.seconds)
            + (f"  ERROR {times.error}" if times.error else "")
        )
        results.append(times)
    clear_caches()
    return results
