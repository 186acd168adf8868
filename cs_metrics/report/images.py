"""Figures to PNG for the PDF and the deck: kaleido on the system Chromium, one server started
once per process and reused for every figure.

Without a Chromium the figures cannot be drawn (``ChromiumMissing``, whose message says how to
install one); the HTML pack, with interactive figures, needs none.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import plotly.graph_objects as go

from cs_metrics.i18n import N_, _

#: Figure size in pixels (drawn at 2x for print).
FIGURE_SIZE = (900, 600)
#: Executable names of a Chromium kaleido can drive.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
INSTALL_CHROMIUM = N_(
    "The PDF and PPTX packs draw their figures with a Chromium browser, and none was found. "
    "Install one (on Debian or Ubuntu: apt-get install chromium) or set BROWSER_PATH to a Chrome or "
    "Chromium executable; the HTML pack works without it."
)


class ChromiumMissing(RuntimeError):
    """No Chromium to draw figures with; the message says how to install one."""


_KALEIDO_LOCK = threading.Lock()
_KALEIDO_STARTED = False


def chromium_path() -> str | None:
    """The Chromium/Chrome executable kaleido will use (``BROWSER_PATH`` first), or None."""
    env = os.environ.get("BROWSER_PATH")
    if env and Path(env).exists():
        return env
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def figure_images(
    figures: dict[str, list[go.Figure]], *, progress: Callable[[float, str], None] | None = None
) -> dict[str, list[bytes]]:
    """PNG bytes of each figure (``FIGURE_SIZE`` at scale 2), drawn by one kaleido server started
    once and reused.

    Parameters
    ----------
    figures
        Figures by key (a pack's section), in reading order.
    progress
        Called with (share done, "key i/n") before each figure.

    Raises
    ------
    ChromiumMissing
        When no Chromium can be found.
    """
    global _KALEIDO_STARTED
    if chromium_path() is None:
        raise ChromiumMissing(_(INSTALL_CHROMIUM))
    import kaleido
    from kaleido.errors import ChromeNotFoundError

    out: dict[str, list[bytes]] = {}
    width, height = FIGURE_SIZE
    total = sum(len(figs) for figs in figures.values())
    done = 0
    with _KALEIDO_LOCK:
        if not _KALEIDO_STARTED:
            kaleido.start_sync_server(silence_warnings=True)
            _KALEIDO_STARTED = True
        for key, figs in figures.items():
            out[key] = []
            for i, fig in enumerate(figs):
                if progress:
                    progress(done / max(total, 1), f"{key} {i + 1}/{len(figs)}")
                try:
                    out[key].append(kaleido.calc_fig_sync(
                        fig.to_dict(), opts={"format": "png", "width": width, "height": height, "scale": 2}))
                except ChromeNotFoundError:
                    raise ChromiumMissing(_(INSTALL_CHROMIUM)) from None
                done += 1
    return out


def stop_figure_server() -> None:
    """Stop the kaleido server (the command line does this before it exits)."""
    global _KALEIDO_STARTED
    with _KALEIDO_LOCK:
        if _KALEIDO_STARTED:
            import kaleido

            kaleido.stop_sync_server(silence_warnings=True)
            _KALEIDO_STARTED = False
