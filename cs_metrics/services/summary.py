"""The contradictions of "what changed", found in the database (``summary.what_changed`` writes
the text from the tiles and these)."""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy.engine import Engine

from cs_metrics import nps
from cs_metrics.period import Period
from cs_metrics.services import churn
from cs_metrics.storage import queries as q
from cs_metrics.storage.queries import churn as qc
from cs_metrics.storage.queries import nps as qn
from cs_metrics.summary import Contradiction


def contradictions(
    engine: Engine, *, period: Period, flt: q.CustomerFilter = q.ALL, as_of: dt.date | None = None
) -> list[Contradiction]:
    """The contradictions found in the database for ``period`` (lost customers who were green or
    promoters, detractors waiting for a follow-up), largest share first, only those with a count.
    The claimed-maturity contradiction comes from the tiles (``summary.claimed_vs_meetings``).

    Each needs its data: no health signals, no green customers lost; no NPS answers, no promoters
    lost; detractors wait for a follow-up only where follow-ups are tracked at all (some answer has
    a follow-up status, ``storage.queries.nps.follow_ups_tracked``).
    """
    as_of = as_of or period.last
    found: list[Contradiction] = []
    lost = qc.churned_count(engine, start=period.start, end=period.end, flt=flt)
    if lost:
        flagged = churn.contradictions_in_period(engine, period=period, flt=flt)
        green = int(flagged["green"].sum()) if len(flagged) else 0
        promoters = int(flagged["promoter"].sum()) if len(flagged) else 0
        found.append(Contradiction("green_but_churned", green, lost, green / lost))
        found.append(Contradiction("promoters_but_churned", promoters, lost, promoters / lost))
    tracked = qn.follow_ups_tracked(engine)
    queue = qn.follow_up_queue(engine, start=period.start, end=period.end, flt=flt) if tracked else ()
    if len(queue):
        s = nps.follow_up_summary(queue, as_of=as_of)
        found.append(Contradiction("detractors_without_follow_up", int(s.waiting), int(s.detractors),
                                   s.waiting / s.detractors))
    found = [c for c in found if c.count > 0 and not math.isnan(c.share)]
    return sorted(found, key=lambda c: -c.share)
