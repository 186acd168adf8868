"""The Overview's renewals tile: the ARR up for renewal in the next 90 days, the Churn & retention
page's Renewals ahead figures for that horizon (``services.renewals``, which reads its customers
through ``services.overview``; this module reads the same rows itself, so that ``overview`` can
include the tile).
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from cs_metrics import renewals
from cs_metrics.formatting import fmt_value
from cs_metrics.i18n import N_, _
from cs_metrics.period import Period
from cs_metrics.selection import ALL, CustomerFilter
from cs_metrics.services.health import current
from cs_metrics.services.vocabulary import currency as company_currency
from cs_metrics.storage import models as m
from cs_metrics.storage import queries as q
from cs_metrics.storage.queries import _apply, _frame
from cs_metrics.tiles import NOT_APPLICABLE, Tile, sparkline_windows, tile_label

__all__ = ["RENEWALS_DEFINITION", "RENEWAL_DAYS", "RENEWAL_MIN_TERM", "renewal_bands", "renewal_contracts",
           "renewals_definition", "renewals_detail", "renewals_tiles"]

#: Days ahead of the reference date the renewals tile looks (a horizon of ``renewals.HORIZONS``).
RENEWAL_DAYS = 90
#: Shortest contract term (months) counted, as on the Churn & retention page's Renewals ahead
#: section (``services.renewals.MIN_TERM``): monthly contracts renew every month and are left out.
RENEWAL_MIN_TERM = 12
#: The tile's definition (English, with ``{term}`` and ``{days}``): ``renewals_definition()`` writes it.
RENEWALS_DEFINITION = N_(
    "ARR of the customers on contracts of {term} months or more whose term ends in the "
    "{days} days after the reference date, as on the Churn & retention page. Every contract is counted, "
    "so no test applies. The detail gives the share of that ARR held by customers in the red band (their latest "
    "health band) and the ARR expected to renew, each contract priced at the past churn rate at renewal of its "
    "band, with its range (each band at the ends of its 95% Wilson interval). The comparison value is the ARR "
    "due in the {days} days after the comparison period's last day, as known that day. More ARR up for "
    "renewal is neither better nor worse: it is what is at stake."
)


def renewals_definition() -> str:
    """The tile's definition in the reader's language."""
    return _(RENEWALS_DEFINITION).format(term=RENEWAL_MIN_TERM, days=RENEWAL_DAYS)


def renewal_contracts(engine: Engine, *, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """The customers on contracts of ``RENEWAL_MIN_TERM`` months or more whose dates can be used,
    without the recorded ``renewal_date`` (contract ends come from the signing date and the term):
    the rows of ``services.renewals.contracts``."""
    found = q.customers(engine, flt=flt, min_term=RENEWAL_MIN_TERM).drop(columns=["renewal_date"])
    usable = ~(pd.to_datetime(found["churned_on"]) < pd.to_datetime(found["signed_on"]))  # overview.valid_customers
    return found[usable].reset_index(drop=True)


def renewal_bands(engine: Engine, *, flt: CustomerFilter = ALL) -> pd.DataFrame:
    """Every stored band of the active health model (brought up to date first): ``customer_id``,
    ``month``, ``band``, scored months only (the rows of ``services.renewals.band_history``)."""
    version = current(engine)
    s = m.HealthScore
    stmt = select(s.customer_id, s.month, s.band).where(s.version == version, s.band.is_not(None))
    if not flt.is_all:
        stmt = stmt.where(s.customer_id.in_(_apply(select(m.Customer.id), flt)))
    return _frame(engine, stmt.order_by(s.customer_id, s.month), dates=("month",))


def _due_arr(contracts: pd.DataFrame, day: dt.date) -> tuple[int, float]:
    """(contracts, ARR) due in the ``RENEWAL_DAYS`` days after ``day``, as known that day: the
    customers signed by then and not lost by then (a loss dated later was not known yet)."""
    then = pd.Timestamp(day)
    signed, lost = pd.to_datetime(contracts["signed_on"]), pd.to_datetime(contracts["churned_on"])
    inside = (signed <= then).to_numpy()
    known = contracts[inside].assign(churned_on=lost[inside].where(lost[inside] <= then))
    due = renewals.renewals_ahead(known, as_of=day, horizons=(RENEWAL_DAYS,))
    return len(due), float(pd.to_numeric(due["arr"], errors="coerce").fillna(0.0).sum())


def _money(value: float, currency: str) -> str:
    return fmt_value(value, "currency", currency=currency)


def renewals_detail(expected: renewals.ExpectedRenewal, by_band: pd.DataFrame, *, currency: str) -> str:
    """The tile's detail: the share of the ARR up for renewal in the red band, and the expected
    renewing ARR with its range (``renewals.expected_renewing``, ``renewals.arr_by_band``)."""
    if not expected.contracts:
        return _("no contract ends in the next {days} days").format(days=RENEWAL_DAYS)
    red = float(by_band.loc[by_band["band"] == "red", "arr"].sum())
    share = fmt_value(red / expected.arr, "share") if expected.arr > 0 else "–"
    if math.isnan(expected.expected):
        renewing = _("expected renewing ARR unknown: no past contract end to learn from")
    else:
        renewing = _("expected renewing {expected} (range {low}–{high})").format(
            expected=_money(expected.expected, currency), low=_money(expected.low, currency),
            high=_money(expected.high, currency))
    return _("{share} of it in the red band · {renewing}").format(share=share, renewing=renewing)


def renewals_tiles(
    engine: Engine, *, period: Period, previous: Period | None = None, flt: CustomerFilter = ALL,
    as_of: dt.date | None = None,
) -> list[Tile]:
    """ARR up for renewal in the ``RENEWAL_DAYS`` days after ``as_of`` (default: the period's last
    day): the Churn & retention page's Renewals ahead figures for that horizon.

    The value, the red band's share and the expected renewing ARR are those of the page's section
    (``services.renewals.expected`` and ``renewals.arr_by_band`` of the contracts due). The comparison
    value is the ARR due in the ``RENEWAL_DAYS`` days after the comparison period's last day, and each
    sparkline point the ARR due after its window's last day, as known on that day. A census figure:
    no test applies. ``extra`` holds ``days``, ``as_of``, ``expected`` (``renewals.ExpectedRenewal``),
    ``bands`` (``renewals.arr_by_band``) and ``by_horizon`` (the same for each of ``renewals.HORIZONS``:
    ``days``, ``band``, ``contracts``, ``arr``).
    """
    prev_period = previous or period.previous()
    as_of = as_of or period.last
    contracts = renewal_contracts(engine, flt=flt)
    scores = renewal_bands(engine, flt=flt)
    after = as_of + dt.timedelta(days=1)
    ahead = renewals.renewals_ahead(contracts, as_of=as_of)
    ahead["band"] = renewals.last_band(ahead, scores, before=after)
    due = renewals.due_within(ahead, days=RENEWAL_DAYS)
    by_horizon = pd.concat([renewals.arr_by_band(renewals.due_within(ahead, days=d)).assign(days=d)
                            for d in renewals.HORIZONS], ignore_index=True)[["days", "band", "contracts", "arr"]]
    rates = renewals.band_churn_rates(renewals.past_contract_ends(contracts, scores, before=after))
    expected = renewals.expected_renewing(due, rates)
    by_band = renewals.arr_by_band(due)
    n_prev, arr_prev = _due_arr(contracts, prev_period.last)
    money = company_currency(engine)
    return [Tile(
        key=f"renewals_{RENEWAL_DAYS}", label=tile_label("renewals", days=RENEWAL_DAYS), unit="currency",
        value=expected.arr, previous=arr_prev, n=expected.contracts, n_previous=n_prev,
        definition=renewals_definition(), detail=renewals_detail(expected, by_band, currency=money),
        extra={"days": RENEWAL_DAYS, "as_of": as_of, "expected": expected, "bands": by_band,
               "by_horizon": by_horizon},
        test=NOT_APPLICABLE,
        series=tuple((w.last, _due_arr(contracts, w.last)[1]) for w in sparkline_windows(period)),
        area="renewals", currency=money,
    )]
