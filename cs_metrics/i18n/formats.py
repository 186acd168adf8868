"""Numbers, amounts and dates as the reader of the current language writes them (Babel's CLDR data).

English keeps the app's established forms ("1,234.5", "€1.25M", "Nov 2026"); Italian follows the
glossary (``cs_metrics/locale/GLOSSARY.md``): decimal comma and thousands point ("1.234,5"), amounts
as "33,0 mln €", "850 mila €", percentage points "p.p.", dates "26/11/2026" or "26 nov 2026".
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

from cs_metrics.i18n import LOCALES, language

MINUS = "−"  # U+2212: Italian typesetting writes a true minus before a negative amount


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def italian() -> bool:
    return language() == "it"


def decimal(value: float, decimals: int = 0, *, sign: bool = False) -> str:
    """``value`` with ``decimals`` decimals and thousands separators ("+" first when ``sign``).

    >>> from cs_metrics.i18n import using
    >>> with using("it"):
    ...     decimal(1234.5, 1), decimal(-0.25, 2, sign=True)
    ('1.234,5', '−0,25')
    >>> decimal(1234.5, 1), decimal(3, sign=True)
    ('1,234.5', '+3')
    """
    if not italian():
        return f"{value:+,.{decimals}f}" if sign else f"{value:,.{decimals}f}"
    # Half away from zero, as a reader rounds by hand ("1,25 mln" is "1,3 mln"), from the value as written.
    rounded = float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP))
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    body = format_decimal(abs(rounded), format=pattern, locale=LOCALES["it"])
    if rounded < 0:
        return MINUS + body
    return ("+" + body) if sign and rounded > 0 else body


def percent(share: float, decimals: int = 1) -> str:
    """A share (0-1) as a percentage: "12.3%" / "12,3%".

    >>> from cs_metrics.i18n import using
    >>> with using("it"):
    ...     percent(0.1234)
    '12,3%'
    """
    if not italian():
        return f"{share:.{decimals}%}"
    return decimal(share * 100, decimals) + "%"


def points(change: float, decimals: int = 1) -> str:
    """A change of a share in percentage points: "+1.2 pp" / "+1,2 p.p."."""
    if not italian():
        return f"{change * 100:+.{decimals}f} pp"
    return decimal(change * 100, decimals, sign=True) + " p.p."


def money(value: float, symbol: str = "€") -> str:
    """A compact amount: English "€1.25M", "€850k"; Italian "1,3 mln €", "850 mila €" (one decimal
    for millions and billions, whole thousands), the sign before the number.

    >>> from cs_metrics.i18n import using
    >>> with using("it"):
    ...     money(33_000_000), money(850_000), money(-350_000), money(-1_250_000), money(950)
    ('33,0 mln €', '850 mila €', '−350 mila €', '−1,3 mln €', '950 €')
    """
    if not italian():
        if abs(value) >= 1e9:
            return f"{symbol}{value / 1e9:.2f}B"
        if abs(value) >= 1e6:
            return f"{symbol}{value / 1e6:.2f}M"
        if abs(value) >= 1e3:
            return f"{symbol}{value / 1e3:.0f}k"
        return f"{symbol}{value:.0f}"
    symbol = symbol.strip()
    if abs(value) >= 1e9:
        return f"{decimal(value / 1e9, 1)} mld {symbol}"
    if abs(value) >= 1e6:
        return f"{decimal(value / 1e6, 1)} mln {symbol}"
    if abs(value) >= 1e3:
        return f"{decimal(value / 1e3, 0)} mila {symbol}"
    return f"{decimal(value, 0)} {symbol}"


def money_whole(value: float, symbol: str = "€") -> str:
    """A whole amount: "€1,234" / "1.234 €"."""
    if not italian():
        return f"{symbol}{value:,.0f}" if value >= 0 else f"-{symbol}{-value:,.0f}"
    return f"{decimal(value, 0)} {symbol.strip()}"


def date(day: dt.date | None) -> str:
    """A day: ISO in English ("2026-11-26"), "26/11/2026" in Italian; "–" when unknown."""
    if day is None or (isinstance(day, float) and math.isnan(day)):
        return "–"
    if not italian():
        return day.isoformat()[:10]
    return format_date(day, "dd/MM/y", locale=LOCALES["it"])


def date_long(day: dt.date) -> str:
    """A day in words: "26 Nov 2026" / "26 nov 2026"."""
    return format_date(day, "d MMM y", locale=LOCALES[language()])


def month(day: dt.date) -> str:
    """A month: "Nov 2026" / "nov 2026"."""
    return format_date(day, "MMM y", locale=LOCALES[language()])


def separators() -> str:
    """Plotly's ``layout.separators``: the decimal then the thousands separator."""
    return ",." if italian() else ".,"
