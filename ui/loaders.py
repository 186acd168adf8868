"""Cached access to the database: the only place that uses ``st.cache_*``.

* The engine is a ``st.cache_resource`` (one per process and URL); preparing it migrates the
  schema and loads the demo company into a new, empty database.
* Query and metric calls go through ``load(fn, ...)``: a ``st.cache_data`` entry per function and
  arguments, expiring after ``TTL_SECONDS`` so that other writers' changes show up. The arguments
  are the selection (period, customers, ...), so each selection's data is read once and shared
  by every page and section that asks for it.
* What a page computes from such data with options of its own (a chart's grouping, a measure)
  goes through ``derive(fn, source, ...)``: the data is loaded (or found) once per selection, and
  changing an option re-runs only ``fn`` on it, never the query. ``via=`` puts one cached step in
  between, e.g. a filter's customers sliced from every customer's rows, read once for all filters.
* The reader's language is part of every key (``cs_metrics.i18n``): what a computation returns may
  hold texts (a figure's titles, a tile's label), computed in that language; rows read from the
  database (``WORDLESS``) are shared by every language.
* Pages that write call ``invalidate()`` afterwards so their own change shows at once.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy.engine import Engine

from cs_metrics import i18n
from cs_metrics.storage import db, setup

TTL_SECONDS = 300
T = TypeVar("T")


@st.cache_resource(show_spinner="Preparing the database…")
def _engine(url: str) -> Engine:
    return setup.prepare_database(url)


def engine() -> Engine:
    """The prepared engine for ``$DATABASE_URL`` (raises ConfigurationError / SchemaError)."""
    return _engine(db.database_url())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=512)
def _call(module: str, name: str, url: str, args: tuple, kwargs: tuple, language: str = i18n.DEFAULT) -> Any:
    fn = getattr(importlib.import_module(module), name)
    with i18n.using(language):
        return fn(_engine(url), *args, **dict(kwargs))


#: Modules whose results hold no words (rows read from the database): one cache entry for every language.
WORDLESS = ("cs_metrics.storage.queries",)


def _language_of(module: str) -> str:
    return i18n.DEFAULT if module.startswith(WORDLESS) else i18n.language()


def load(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call ``fn(engine, *args, **kwargs)`` through the cache.

    ``fn`` must be a module-level function of ``cs_metrics`` whose first argument is the engine;
    arguments must be hashable by Streamlit (dates, strings, tuples, frozen dataclasses).
    """
    return _call(fn.__module__, fn.__qualname__, db.database_url(), args, tuple(sorted(kwargs.items())),
                 _language_of(fn.__module__))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=256)
def _derive(module: str, name: str, source: tuple[str, str], url: str, args: tuple, kwargs: tuple,
            using: tuple, via: tuple | None = None, language: str = i18n.DEFAULT) -> Any:
    fn = getattr(importlib.import_module(module), name)
    data = (_call(source[0], source[1], url, args, kwargs, language) if via is None
            else _derive(via[0], via[1], source, url, args, kwargs, via[2], None, language))  # derive(step)'s key
    with i18n.using(language):
        return fn(data, **dict(using))


def derive(fn: Callable[..., T], source: Callable[..., Any], *args: Any, using: dict[str, Any] | None = None,
           via: tuple[Callable[..., Any], dict[str, Any]] | None = None, **kwargs: Any) -> T:
    """``fn(load(source, *args, **kwargs), **using)`` through the cache.

    ``source`` reads the data of a selection (as for ``load``); ``fn`` is a module-level function
    of ``cs_metrics`` that computes from it with the options in ``using`` (hashable values). The
    data is cached per selection, the result per selection and options. With ``via=(step,
    step_using)``, ``fn`` computes from ``derive(step, source, ..., using=step_using)`` instead (itself
    cached): e.g. one selection's rows sliced from data read once for every customer.
    """
    middle = None if via is None else (via[0].__module__, via[0].__qualname__, tuple(sorted(via[1].items())))
    return _derive(fn.__module__, fn.__qualname__, (source.__module__, source.__qualname__), db.database_url(),
                   args, tuple(sorted(kwargs.items())), tuple(sorted((using or {}).items())), middle, i18n.language())


def invalidate() -> None:
    """Forget every cached query result (call after writing to the database)."""
    _call.clear()
    _derive.clear()
