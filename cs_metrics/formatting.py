"""Display formats shared by pages, tiles and exports. Metrics never round; only these functions do.

Units: ``points`` (NPS), ``share`` (0-1), ``days``, ``count``, ``currency``, ``stage`` (maturity,
1-5). Money is shown in the company's currency (``currency=``, an ISO 4217 code; euro when not
given).
"""

from __future__ import annotations

import math


#: Symbols written before an amount; other currencies are written with their code ("CHF 12k").
CURRENCY_SYMBOLS: dict[str, str] = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹", "CNY": "¥"}


def currency_symbol(currency: str = "EUR") -> str:
    """What is written before an amount in ``currency``: its symbol, or its code and a space.

    >>> currency_symbol("USD"), currency_symbol("CHF")
    ('$', 'CHF ')
    """
    code = (currency or "EUR").upper()
    return CURRENCY_SYMBOLS.get(code, f"{code} ")


def money_format(currency: str = "EUR") -> str:
    """The number format of a table column of whole amounts in ``currency`` (printf style, with
    thousands separators, as Streamlit's ``NumberColumn`` reads it).

    >>> money_format("USD"), money_format("CHF")
    ('$%,.0f', 'CHF %,.0f')
    """
    return currency_symbol(currency).replace("%", "%%") + "%,.0f"


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_value(value: float | None, unit: str, *, currency: str = "EUR") -> str:
    """Format a metric value for display by its unit (points, share, days, count, currency, stage).

    >>> fmt_value(56_250_000.0, "currency", currency="USD"), fmt_value(950.0, "currency")
    ('$56.25M', '€950')
    """
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
        symbol = currency_symbol(currency)
        if abs(value) >= 1e9:
            return f"{symbol}{value / 1e9:.2f}B"
        if abs(value) >= 1e6:
            return f"{symbol}{value / 1e6:.2f}M"
        if abs(value) >= 1e3:
            return f"{symbol}{value / 1e3:.0f}k"
        return f"{symbol}{value:.0f}"
    return f"{value:,.0f}"


def fmt_change(change: float | None, unit: str, *, currency: str = "EUR") -> str:
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
        text = fmt_value(change, unit, currency=currency)
        return text if change < 0 else "+" + text
    return f"{change:+,.0f}"


def fmt_interval(low: float | None, high: float | None, unit: str, *, currency: str = "EUR") -> str:
    """Format an interval as "95% CI low to high", or an empty string when unknown."""
    if _missing(low) or _missing(high):
        return ""
    if unit == "stage":
        return f"95% CI {low:.1f}–{high:.1f}"
    if unit == "points":
        return f"95% CI {low:+.0f} to {high:+.0f}"
    if unit == "days":
        return f"95% CI {low:.0f}–{high:.0f} days"
    return f"95% CI {fmt_value(low, unit, currency=currency)}–{fmt_value(high, unit, currency=currency)}"
