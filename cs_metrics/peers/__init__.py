"""Published retention medians of peer companies, drawn beside the company's own GRR and NRR.

A benchmark is versioned data (``<key>.json`` in this folder): its source, title, year, address,
population, currency and the median GRR and NRR per band of annual contract value (ACV). The
company's band is found from its own ACV (ARR per paying customer), and a person may choose
another. Every figure here is the one printed in its source; a figure whose source cannot be cited
is not stored.

``saas_capital_2023``: SaaS Capital's 2023 survey of private B2B SaaS companies (Figure 1 of its
retention brief): median NRR 100%, 102%, 103%, 105%, 107% and 110% and median GRR 90%, 90%, 92%,
93%, 93% and 93% for ACV under $12k, $12k-25k, $25k-50k, $50k-100k, $100k-250k and over $250k;
102% NRR across all companies. The figures are those of the brief's Figure 1 (companies above $1M
ARR); the overall 102% and the two ends (100%, 110%) are also quoted by ChurnZero's summary of the
survey (``confirmed_by``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cs_metrics.errors import DataError
from cs_metrics.i18n import _

FOLDER = Path(__file__).resolve().parent
#: The benchmark drawn by default.
DEFAULT = "saas_capital_2023"


@dataclass(frozen=True)
class Band:
    """One band of annual contract value (``low`` included, ``high`` excluded; None: open) with
    the median NRR and GRR (shares) of its companies."""

    low: float | None
    high: float | None
    nrr: float
    grr: float

    def contains(self, acv: float) -> bool:
        return (self.low is None or acv >= self.low) and (self.high is None or acv < self.high)

    def label(self, symbol: str = "$") -> str:
        """"$12k–25k", "under $12k", "over $250k"."""
        def k(x: float) -> str:
            return f"{symbol}{x / 1000:g}k"
        if self.low is None:
            return _("under {amount}").format(amount=k(self.high))
        if self.high is None:
            return _("over {amount}").format(amount=k(self.low))
        return f"{k(self.low)}–{self.high / 1000:g}k"


@dataclass(frozen=True)
class Benchmark:
    """A published set of retention medians by ACV band (see the module)."""

    key: str
    source: str
    title: str
    year: int
    url: str
    population: str
    currency: str
    definitions: str
    confirmed_by: str
    overall_nrr: float
    bands: tuple[Band, ...]

    def band_for(self, acv: float) -> Band | None:
        """The band holding ``acv`` (None for a missing or negative ACV)."""
        if acv is None or (isinstance(acv, float) and math.isnan(acv)) or acv < 0:
            return None
        return next((b for b in self.bands if b.contains(acv)), None)

    def citation(self) -> str:
        """"SaaS Capital, 2023 B2B SaaS Retention Benchmarks (...), 2023"."""
        return f"{self.source}, {self.title}, {self.year}"


def keys() -> list[str]:
    """The benchmarks stored, by key."""
    return sorted(p.stem for p in FOLDER.glob("*.json"))


@cache
def load(key: str = DEFAULT) -> Benchmark:
    """A stored benchmark; ``DataError`` naming the stored ones for an unknown key.

    >>> b = load()
    >>> b.band_for(30_000).label(), b.band_for(30_000).nrr, b.band_for(30_000).grr
    ('$25k–50k', 1.03, 0.92)
    """
    path = FOLDER / f"{key}.json"
    if key not in keys():
        raise DataError(f"No benchmark {key!r}; stored: {', '.join(keys())}.")
    raw = json.loads(path.read_text(encoding="utf-8"))
    bands = tuple(Band(b["low"], b["high"], float(b["nrr"]), float(b["grr"])) for b in raw["bands"])
    fields = {k: raw[k] for k in ("key", "source", "title", "year", "url", "population", "currency", "definitions",
                                  "confirmed_by")}
    return Benchmark(**fields, overall_nrr=float(raw["overall_nrr"]), bands=bands)


def company_acv(arr: float, paying_customers: int) -> float:
    """The company's annual contract value: ARR per paying customer (NaN without any).

    >>> company_acv(58_860_000, 1316)
    44726.44376899696
    """
    return float(arr) / paying_customers if paying_customers > 0 else math.nan
