"""Project errors. Each subclasses ``ValueError`` and its message says how to fix the input."""

from __future__ import annotations


class DataError(ValueError):
    """Input data cannot be used as given; the message says what to change."""


class ConfigurationError(ValueError):
    """A setting (such as ``DATABASE_URL``) is missing, malformed or points nowhere usable."""


class SchemaError(RuntimeError):
    """The database schema is newer than this code, or otherwise not one this code can use."""
