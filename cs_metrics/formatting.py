"""Display formats shared by pages, tiles and exports. Metrics never round; only these functions do.

Units: ``points`` (NPS), ``share`` (0-1), ``days``, ``count``, ``currency``, ``stage`` (maturity,
1-5). Money is shown in the company's currency (``currency=``, an ISO 4217 code; euro when not
given).
"""

from __future__ import annotations

import math

from cs_metrics.i18n import _, formats, ngettext

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
    """Format a metric value for display by its unit (points, share, days, count, currency, stage),
    in the reader's language (``cs_metrics.i18n``).

    >>> fmt_value(56_250_000.0, "currency", currency="USD"), fmt_value(950.0, "currency")
    ('$56.25M', '€950')
    >>> from cs_metrics.i18n import using
    >>> with using("it"):
    ...     fmt_value(33_040_000.0, "currency"), fmt_value(0.1234, "share"), fmt_value(1316.0, "count")
    ('33,0 mln €', '12,3%', '1.316')
    """
    if _missing(value):
        return "–"
    if unit == "stage":
        return formats.decimal(value, 1)
    if unit == "points":
        return formats.decimal(value, 0, sign=True) if round(value) != 0 else "0"
    if unit == "share":
        return formats.percent(value, 1)
    if unit == "days":
        return ngettext("{n} day", "{n} days", round(value)).format(n=formats.decimal(value, 0))
    if unit == "currency":
        return formats.money(value, currency_symbol(currency))
    return formats.decimal(value, 0)


def fmt_change(change: float | None, unit: str, *, currency: str = "EUR") -> str:
    """Format a change between periods (shares as percentage points).

    >>> from cs_metrics.i18n import using
    >>> with using("it"):
    ...     fmt_change(0.011, "share"), fmt_change(-2.0, "points"), fmt_change(None, "days")
    ('+1,1 p.p.', '−2,0 punti', 'nessun valore precedente')
    """
    if _missing(change):
        return _("no previous value")
    if unit == "stage":
        return _("{change} stages").format(change=formats.decimal(change, 1, sign=True))
    if unit == "share":
        return formats.points(change, 1)
    if unit == "points":
        return _("{change} points").format(change=formats.decimal(change, 1, sign=True))
    if unit == "days":
        return _("{change} days").format(change=formats.decimal(change, 0, sign=True))
    if unit == "currency":
        text = fmt_value(change, unit, currency=currency)
        return text if change < 0 else "+" + text
    return formats.decimal(change, 0, sign=True)


def fmt_interval(low: float | None, high: float | None, unit: str, *, currency: str = "EUR") -> str:
    """Format an interval as "95% CI low to high", or an empty string when unknown.

    >>> from cs_metrics.i18n import using
    >>> with using("it"):
    ...     fmt_interval(14.05, 44.2, "points"), fmt_interval(2.25, 3.5, "stage")
    ('IC 95% da +14 a +44', 'IC 95% 2,3–3,5')
    """
    if _missing(low) or _missing(high):
        return ""
    if unit == "stage":
        return _("95% CI {low}–{high}").format(low=formats.decimal(low, 1), high=formats.decimal(high, 1))
    if unit == "points":
        return _("95% CI {low} to {high}").format(low=formats.decimal(low, 0, sign=True),
                                                  high=formats.decimal(high, 0, sign=True))
    if unit == "days":
        return _("95% CI {low}–{high} days").format(low=formats.decimal(low, 0), high=formats.decimal(high, 0))
    return _("95% CI {low}–{high}").format(low=fmt_value(low, unit, currency=currency),
                                          high=fmt_value(high, unit, currency=currency))
