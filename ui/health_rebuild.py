"""Stored health scores brought up to date in front of the person waiting: a progress bar while
the months whose signals (or model version) changed are scored again."""

from __future__ import annotations

import streamlit as st

from cs_metrics.i18n import _
from cs_metrics.services import health as data
from ui import loaders


def ensure_current(version: int | None = None) -> int:
    """Score the stale months of model ``version`` (the active one when None), showing a progress
    bar while scores are being rebuilt; returns how many months were scored. Any page that shows
    health figures may call it before loading them (the services would otherwise score the stale
    months silently on the first read)."""
    engine = loaders.engine()
    stale = data.stale_months(engine, version=version)
    if not stale:
        return 0
    which = _("the active model") if version is None else _("model version {version}").format(version=version)
    bar = st.progress(0.0, text=_("Scores are being rebuilt for {model}: {n} months to score…").format(
        model=which, n=len(stale)))

    def advance(share: float, text: str) -> None:
        bar.progress(min(max(share, 0.0), 1.0), text=_("Scores are being rebuilt for {model}: {step}").format(
            model=which, step=text))

    data.rescore(engine, version=version, months=stale, progress=advance)
    bar.empty()
    loaders.invalidate()
    return len(stale)
