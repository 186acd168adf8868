"""Vectorised helpers of the demo generator: day numbers, month numbers and random draws.

The generator works on numpy arrays of *day numbers* (days since 1970-01-01) and *month numbers*
(months since 1970-01), so that a million customers cost no Python loop. The calendar functions
of ``cs_metrics.period`` work on one ``datetime.date`` at a time; these work on whole arrays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

EPOCH = dt.date(1970, 1, 1)
#: A day number meaning "never" within any horizon the generator looks at.
NEVER = 10**6

_MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre"),
}


def day_number(date: dt.date) -> int:
    """Days since 1970-01-01."""
    return (date - EPOCH).days


def date_of_day_number(day: int) -> dt.date:
    """The date of a day number."""
    return EPOCH + dt.timedelta(days=int(day))


def add_months_to_day_numbers(days: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """Add whole months to day numbers, clipping the day of month (Jan 31 + 1 month = Feb 28)."""
    d = np.asarray(days, dtype="int64").astype("datetime64[D]")
    m = d.astype("datetime64[M]")
    dom = (d - m.astype("datetime64[D]")).astype("int64")
    target = m + np.asarray(months, dtype="int64")
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype("int64")
    return (target.astype("datetime64[D]") + np.minimum(dom, length - 1)).astype("int64")


def month_numbers(days: np.ndarray) -> np.ndarray:
    """Month numbers (months since 1970-01) of day numbers."""
    return np.asarray(days, dtype="int64").astype("datetime64[D]").astype("datetime64[M]").astype("int64")


def month_start_day_numbers(months: np.ndarray) -> np.ndarray:
    """Day numbers of the first days of month numbers."""
    return np.asarray(months, dtype="int64").astype("datetime64[M]").astype("datetime64[D]").astype("int64")


def next_contract_end(signed: np.ndarray, term: np.ndarray, after: np.ndarray) -> np.ndarray:
    """The first contract end (``signed`` + k·``term`` months, k >= 1) on or after ``after``."""
    elapsed = month_numbers(after) - month_numbers(signed)
    k = np.maximum(1, elapsed // term)
    end = add_months_to_day_numbers(signed, k * term)
    late = end < after
    while late.any():
        k[late] += 1
        end[late] = add_months_to_day_numbers(signed[late], k[late] * term[late])
        late = end < after
    return end


def day_numbers_to_datetimes(days: np.ndarray) -> pd.Series:
    """Day numbers (``NEVER`` or NaN for missing) as a ``datetime64[ns]`` series."""
    if isinstance(days, np.ndarray) and days.dtype.kind in "iu":  # whole days: no float copies
        stamps = days.astype("datetime64[D]")
        stamps[days >= NEVER] = np.datetime64("NaT")
        return pd.Series(stamps.astype("datetime64[ns]"), copy=False)
    arr = np.asarray(days, dtype="float64")
    arr = np.where(arr >= NEVER, np.nan, arr)
    return pd.Series(pd.to_datetime(arr, unit="D"), dtype="datetime64[ns]")


def coded_texts(codes: np.ndarray, labels: Sequence[str]) -> pd.Series:
    """``labels[codes]`` as a ``str`` series, built without a Python object per row.

    With pandas' Arrow-backed strings the series is built from an Arrow dictionary array (a
    few bytes per row); otherwise from an object array.
    """
    try:
        import pyarrow as pa
    except ImportError:  # pandas then stores strings as Python objects anyway
        return pd.Series(np.asarray(labels, dtype=object)[codes], dtype="str")
    dictionary = pa.DictionaryArray.from_arrays(
        pa.array(np.asarray(codes, dtype="int32")), pa.array(list(labels), type=pa.large_string())
    )
    return pd.Series(dictionary.cast(pa.large_string()), dtype="str")


def numbered(prefix: str, numbers: np.ndarray, digits: int) -> pd.Series:
    """``prefix`` and each number padded with zeros to ``digits`` (e.g. "R0000042"), as ``str``."""
    return prefix + pd.Series(numbers).astype("str").str.zfill(digits)


def month_label(day: int, lang: str) -> str:
    """The month and year of a day number in words, e.g. "October 2026" or "ottobre 2026"."""
    d = date_of_day_number(day)
    names = _MONTH_NAMES["en" if lang == "en" else "it"]
    return f"{names[d.month - 1]} {d.year}"


def sigmoid(x: np.ndarray | float) -> np.ndarray:
    """The logistic function, element by element."""
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def categorical_draws(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One draw per row of a (rows × k) matrix of non-negative weights."""
    cum = np.cumsum(weights, axis=1)
    u = rng.random(len(weights)) * cum[:, -1]
    return np.minimum((cum <= u[:, None]).sum(axis=1), weights.shape[1] - 1)


def pick(rng: np.random.Generator, options: Sequence[str], size: int) -> np.ndarray:
    """``size`` uniform picks from a list of strings (object array)."""
    return np.asarray(options, dtype=object)[rng.integers(0, len(options), size)]


def group_cumsum(values: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Cumulative sum restarting at each group; ``first[i]`` is the first row of row i's group."""
    cs = np.cumsum(values)
    return cs - cs[first] + values[first]


def rolling_sum(values: np.ndarray, position: np.ndarray, window: int) -> np.ndarray:
    """Trailing sum over ``window`` rows within contiguous groups (``position`` = row in group)."""
    cs = np.concatenate([[0.0], np.cumsum(values, dtype=float)])
    idx = np.arange(len(values))
    start = idx - np.minimum(position, window - 1)
    return cs[idx + 1] - cs[start]


def ids(n: int) -> np.ndarray:
    """The row ids 1..n."""
    return np.arange(1, n + 1, dtype="int64")
