"""Display formats shared by pages, tiles and exports. Metrics never round; only these functions do.

Units: ``points`` (NPS), ``share`` (0-1), ``days``, ``count``, ``currency``, ``stage`` (maturity,
1-5).
"""

from __future__ import annotations

import math


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_value(value: float | None, unit: str) -> str:
    """Format a metric value for display by its unit (points, share, days, count, currency)."""
    if _missing(value):
        return "–"
    if unit == "stage":
        return f"{value:.1f}"
    if unit == "points":
        return f"{value:+.0f}" if round(value) != 0 else "0"
    if unit == "share":
        return f"{value:.1%}"
    if unit == "days":
        return f"{value:.0f} days"
    if unit == "currency":
        if abs(value) >= 1e9:
            return f"€{value / 1e9:.2f}B"
        if abs(value) >= 1e6:
            return f"€{value / 1e6:.2f}M"
        if abs(value) >= 1e3:
            return f"€{value / 1e3:.0f}k"
        return f"€{value:.0f}"
    return f"{value:,.0f}"


def fmt_change(change: float | None, unit: str) -> str:
    """Format a change between periods (shares as percentage points)."""
    if _missing(change):
        return "no previous value"
    if unit == "stage":
        return f"{change:+.1f} stages"
    if unit == "share":
        return f"{change * 100:+.1f} pp"
    if unit == "points":
        return f"{change:+.1f} points"
    if unit == "days":
        return f"{change:+.0f} days"
    if unit == "currency":
        return fmt_value(change, unit) if change < 0 else "+" + fmt_value(change, unit)
    return f"{change:+,.0f}"


def fmt_interval(low: float | None, high: float | None, unit: str) -> str:
    """Format an interval as "95% CI low to high", or an empty string when unknown."""
    if _missing(low) or _missing(high):
        return ""
    if unit == "stage":
        return f"95% CI {low:.1f}–{high:.1f}"
    if unit == "points":
        return f"95% CI {low:+.0f} to {high:+.0f}"
    if unit == "days":
        return f"95% CI {low:.0f}–{high:.0f} days"
    return f"95% CI {fmt_value(low, unit)}–{fmt_value(high, unit)}"
