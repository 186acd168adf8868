""""What changed": a short, deterministic text from the Overview's numbers, in English and Italian.

The text names
* the three largest **real** movements: a sampled figure moved only when its test says the change
  is statistically detectable; a census figure (every customer counted) moved when its change is
  at least ``MIN_CENSUS_MOVE``. Sizes are made comparable as percentage points for rates (shares,
  NPS points), percent of the previous value for levels (days, customers, ARR) and percent of the
  1-5 scale for maturity stages (one stage = 25);
* the largest **contradiction** between what the numbers claim and what customers experienced:
  customers lost while their health was green or while they were promoters, detractors still waiting for a follow-up, and teams
  claiming a customer-involving culture (stage 3 or more) while their meetings stay internal (the
  customer share of meeting time not above the 5% baseline). The largest is the one affecting the
  largest share of the customers, detractors or meeting time concerned.

The same numbers give the same text, word for word.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cs_metrics.formatting import fmt_change, fmt_value
from cs_metrics.stats import p_text
from cs_metrics.tiles import DETECTABLE, NOT_APPLICABLE, Tile

LANGUAGES: tuple[str, ...] = ("en", "it")
#: Smallest census movement worth naming (percentage points or percent, see ``movement_size``).
MIN_CENSUS_MOVE = 0.5
#: How many movements the summary names.
TOP_MOVEMENTS = 3
#: Claimed stage from which a team says it listens to and involves customers (MATURITY.md stage 3).
CLAIMED_STAGE = 3.0

#: Figures where a lower value is better.
LOWER_IS_BETTER: frozenset[str] = frozenset({"health_red", "ttfv", "logo_churn"})
#: Figures whose change is neither better nor worse (more ARR up for renewal is more at stake and
#: more to renew): never named among the movements.
NO_DIRECTION: frozenset[str] = frozenset({"renewals_90"})

#: Italian names of the tiles.
LABELS_IT: dict[str, str] = {
    "nps": "NPS",
    "health_green": "Clienti in buona salute",
    "health_green_arr": "ARR in buona salute",
    "health_red": "Clienti a rischio (rosso)",
    "ttfv": "Tempo mediano al primo valore",
    "ttfv_within_target": "Primo valore entro il target",
    "logo_churn": "Churn dei clienti (logo churn)",
    "grr": "Retention lorda dei ricavi (GRR)",
    "nrr": "Retention netta dei ricavi (NRR)",
    "renewals_90": "ARR in rinnovo (90 giorni)",
    "maturity_culture": "Maturità: cultura",
    "maturity_organization": "Maturità: organizzazione",
    "maturity_customer_involvement": "Maturità: coinvolgimento del cliente",
    "maturity_technology": "Maturità: tecnologia",
    "meeting_share": "Quota cliente del tempo delle riunioni",
    "customers": "Clienti attivi",
    "arr": "ARR",
}


def label(tile: Tile, language: str = "en") -> str:
    """The tile's name in ``language``."""
    if language == "it":
        if tile.key == "ttfv_within_target":
            return tile.label.replace("First value within", "Primo valore entro").replace("days", "giorni")
        return LABELS_IT.get(tile.key, tile.label)
    return tile.label


def localise(text: str, language: str) -> str:
    """Italian number style: decimal comma and thousands point ("1,234.5" becomes "1.234,5").

    >>> localise("+1.2 pp of 1,316", "it")
    '+1,2 pp of 1.316'
    """
    if language != "it":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def value_text(tile: Tile, value: float, language: str = "en") -> str:
    text = fmt_value(value, tile.unit, currency=tile.currency)
    if language == "it":
        text = text.replace(" days", " giorni")
    return localise(text, language)


def change_text(tile: Tile, language: str = "en") -> str:
    text = fmt_change(tile.change, tile.unit, currency=tile.currency)
    if language == "it":
        text = text.replace(" days", " giorni").replace(" points", " punti").replace(" stages", " stadi")
        text = text.replace("no previous value", "nessun valore precedente")
    return localise(text, language)


# --- movements -------------------------------------------------------------------------------------


def movement_size(tile: Tile) -> float:
    """Signed size of a tile's change, comparable across tiles (NaN when it cannot be compared).

    Rates (``share`` in percentage points, NPS ``points``) as they are; levels (``days``,
    ``count``, ``currency``) as percent of the previous value; ``stage`` as percent of the 1-5
    scale (change / 4 x 100).

    Example
    -------
    >>> t = Tile(key="logo_churn", label="Logo churn", unit="share", value=0.124, previous=0.112, n=761, n_previous=700)
    >>> round(movement_size(t), 6)
    1.2
    """
    change = tile.change
    if _nan(change):
        return math.nan
    if tile.unit == "share":
        return change * 100.0
    if tile.unit == "points":
        return change
    if tile.unit == "stage":
        return change / 4.0 * 100.0
    if not tile.previous:
        return math.nan
    return change / abs(tile.previous) * 100.0


def is_real_movement(tile: Tile) -> bool:
    """True when a tile's change is worth naming: detected by its test (sampled figures) or at least
    ``MIN_CENSUS_MOVE`` (census figures); never below the minimum n, nor for a figure of
    ``NO_DIRECTION``."""
    size = movement_size(tile)
    if tile.key in NO_DIRECTION or _nan(size) or not tile.enough or not tile.n_previous:
        return False
    if tile.test == NOT_APPLICABLE:
        return abs(size) >= MIN_CENSUS_MOVE
    return tile.test == DETECTABLE


def real_movements(tiles: list[Tile], *, top: int = TOP_MOVEMENTS) -> list[Tile]:
    """The ``top`` largest real movements, largest first (ties in tile order)."""
    real = [t for t in tiles if is_real_movement(t)]
    order = {t.key: i for i, t in enumerate(tiles)}
    return sorted(real, key=lambda t: (-abs(movement_size(t)), order[t.key]))[:top]


def improved(tile: Tile) -> bool:
    return (tile.change < 0) if tile.key in LOWER_IS_BETTER else (tile.change > 0)


def movement_sentence(tile: Tile, language: str = "en") -> str:
    """One sentence on a movement, e.g. "Logo churn rose from 11.2% to 12.4% (+1.2 pp), for the worse"."""
    before, now, change = value_text(tile, tile.previous, language), value_text(tile, tile.value, language), change_text(tile, language)
    good = improved(tile)
    p = ""
    if tile.test == DETECTABLE and not _nan(tile.p_value):
        p = p_text(tile.p_value, decimal="," if language == "it" else ".")
    if language == "it":
        verb = "in aumento" if tile.change > 0 else "in calo"
        quality = "un miglioramento" if good else "un peggioramento"
        tested = f"; statisticamente rilevabile, {p}" if p else ""
        return f"{label(tile, 'it')}: {verb} da {before} a {now} ({change}{tested}), {quality}."
    verb = "rose" if tile.change > 0 else "fell"
    quality = "for the better" if good else "for the worse"
    tested = f"; statistically detectable, {p}" if p else ""
    return f"{tile.label} {verb} from {before} to {now} ({change}{tested}), {quality}."


# --- contradictions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contradiction:
    """A gap between what the numbers claim and what customers experience.

    ``share`` = ``count / total`` (for ``claimed_vs_meetings``: the internal share of meeting time,
    with ``count`` the meetings and ``stage`` the claimed stage).
    """

    key: str
    count: int
    total: int
    share: float
    stage: float = math.nan

    def sentence(self, language: str = "en") -> str:
        pct = localise(f"{self.share:.0%}", language)
        if self.key == "green_but_churned":
            if language == "it":
                return (f"{self.count} dei {self.total} clienti persi nel periodo ({pct}) erano nella fascia verde "
                        "all'ultima lettura della salute.")
            return (f"{self.count} of the {self.total} customers lost in the period ({pct}) were in the green "
                    "band at their last health reading.")
        if self.key == "promoters_but_churned":
            if language == "it":
                return (f"{self.count} dei {self.total} clienti persi nel periodo ({pct}) avevano dato 9 o 10 "
                        "nell'ultima risposta NPS.")
            return (f"{self.count} of the {self.total} customers lost in the period ({pct}) were promoters (9 or 10) "
                    "in their last NPS answer.")
        if self.key == "detractors_without_follow_up":
            if language == "it":
                return f"{self.count} dei {self.total} detrattori del periodo ({pct}) aspettano ancora un contatto di follow-up."
            return f"{self.count} of the {self.total} detractors of the period ({pct}) are still waiting for a follow-up."
        stage = localise(f"{self.stage:.1f}", language)
        if language == "it":
            return (f"I team si collocano allo stadio {stage} nel coinvolgimento del cliente, ma il {pct} del tempo "
                    f"delle {self.count} riunioni registrate resta su temi interni.")
        return (f"Teams place themselves at stage {stage} on customer involvement, yet {pct} of the time of the "
                f"{self.count} meetings logged stays on internal matters.")


def _nan(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def claimed_vs_meetings(tiles: list[Tile]) -> Contradiction | None:
    """Teams claim stage ``CLAIMED_STAGE`` or more on customer involvement while the customer share
    of meeting time is not above the baseline (its interval does not clear 5%); None otherwise.

    Example
    -------
    >>> m = Tile(key="maturity_customer_involvement", label="M", unit="stage", value=3.5, previous=3.0, n=20, n_previous=20)
    >>> s = Tile(key="meeting_share", label="S", unit="share", value=0.04, previous=0.05, n=40, n_previous=40,
    ...          low=0.02, high=0.06, extra={"baseline": 0.05})
    >>> c = claimed_vs_meetings([m, s]); c.key, round(c.share, 2), c.stage
    ('claimed_vs_meetings', 0.96, 3.5)
    """
    by_key = {t.key: t for t in tiles}
    claimed, meeting = by_key.get("maturity_customer_involvement"), by_key.get("meeting_share")
    if claimed is None or meeting is None or not (claimed.enough and meeting.enough):
        return None
    stage, baseline = claimed.value, meeting.extra.get("baseline", 0.05)
    above = not _nan(meeting.low) and meeting.low > baseline
    if _nan(stage) or _nan(meeting.value) or stage < CLAIMED_STAGE or above:
        return None
    return Contradiction("claimed_vs_meetings", int(meeting.n), int(meeting.n), 1 - meeting.value, stage)


# --- the text --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """The "what changed" text: ``sentences`` in order; ``movements`` the tiles named (largest
    first); ``contradiction`` the largest one (None when none was found)."""

    sentences: tuple[str, ...]
    movements: tuple[Tile, ...]
    contradiction: Contradiction | None
    language: str = "en"

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def what_changed(
    tiles: list[Tile], found: list[Contradiction] | None = None, *, language: str = "en", top: int = TOP_MOVEMENTS
) -> Summary:
    """The summary of the tiles' movements and the largest contradiction, in ``language``.

    Example
    -------
    >>> t = Tile(key="logo_churn", label="Logo churn", unit="share", value=0.124, previous=0.112, n=761, n_previous=700)
    >>> what_changed([t]).text
    'Largest movements: Logo churn rose from 11.2% to 12.4% (+1.2 pp), for the worse.'
    >>> what_changed([t], language="it").text
    'Movimenti principali: Churn dei clienti (logo churn): in aumento da 11,2% a 12,4% (+1,2 pp), un peggioramento.'
    """
    if language not in LANGUAGES:
        raise ValueError(f"Unknown language {language!r}; use one of {list(LANGUAGES)}.")
    moves = real_movements(tiles, top=top)
    sentences: list[str] = []
    if moves:
        lead = "Movimenti principali:" if language == "it" else "Largest movements:"
        sentences.append(f"{lead} {movement_sentence(moves[0], language)}")
        sentences.extend(movement_sentence(t, language) for t in moves[1:])
    elif any(t.has_value for t in tiles):
        sentences.append(
            "Nessun movimento reale: i cambiamenti rispetto al periodo di confronto sono piccoli o non "
            "rilevabili statisticamente." if language == "it" else
            "No real movement: the changes against the comparison period are small or not statistically detectable."
        )
    candidates = list(found or [])
    claimed = claimed_vs_meetings(tiles)
    if claimed is not None:
        candidates.append(claimed)
    candidates.sort(key=lambda c: -c.share)
    largest = candidates[0] if candidates else None
    if largest is not None:
        lead = "Contraddizione più ampia:" if language == "it" else "Largest contradiction:"
        sentences.append(f"{lead} {largest.sentence(language)}")
    return Summary(tuple(sentences), tuple(moves), largest, language)
