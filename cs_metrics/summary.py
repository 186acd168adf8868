""""What changed": a short, deterministic text from the Overview's numbers, in the reader's language.

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

Every function writing words takes ``language`` (None: the current language, ``cs_metrics.i18n``);
the words come from the catalog, the numbers from the language-aware formats. A tile is named by
its key (``tiles.LABELS``), so tiles built in one language can be summarised in another.

The same numbers give the same text, word for word.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

from cs_metrics import i18n
from cs_metrics.formatting import fmt_change, fmt_value
from cs_metrics.i18n import _, formats, ngettext, pgettext, using
from cs_metrics.stats import p_text
from cs_metrics.tiles import DETECTABLE, LABELS, NOT_APPLICABLE, Tile

#: The languages the summary is written in (``cs_metrics.i18n.LANGUAGES``), English first.
LANGUAGES: tuple[str, ...] = (i18n.DEFAULT, *sorted(c for c in i18n.LANGUAGES if c != i18n.DEFAULT))
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

#: The names (keys of ``tiles.LABELS``) a tile of each key may carry, the usual one first.
_NAMES: dict[str, tuple[str, ...]] = {"arr": ("arr", "arr_file")}


def _subjects() -> dict[str, str]:
    """The tiles' names as the subject of a sentence, by key of ``tiles.LABELS``, in the current
    language (English: the names themselves; Italian puts the article first, "l'ARR")."""
    return {
        "nps": pgettext("sentence subject", "NPS"),
        "health_green": pgettext("sentence subject", "Customers in good health"),
        "health_green_arr": pgettext("sentence subject", "ARR in good health"),
        "health_red": pgettext("sentence subject", "Customers at risk (red)"),
        "ttfv": pgettext("sentence subject", "Median time to first value"),
        "ttfv_within_target": pgettext("sentence subject", "First value within {days} days"),
        "logo_churn": pgettext("sentence subject", "Logo churn"),
        "grr": pgettext("sentence subject", "Gross revenue retention"),
        "nrr": pgettext("sentence subject", "Net revenue retention"),
        "renewals": pgettext("sentence subject", "ARR up for renewal ({days} days)"),
        "maturity": pgettext("sentence subject", "Maturity: {dimension}"),
        "meeting_share": pgettext("sentence subject", "Customer share of meeting time"),
        "customers": pgettext("sentence subject", "Active customers"),
        "arr": pgettext("sentence subject", "ARR"),
        "arr_file": pgettext("sentence subject", "ARR (customers file)"),
    }


@functools.cache
def _dimension(dimension: str, language: str) -> str:
    from cs_metrics.maturity.instrument import load_instrument

    return load_instrument().dimension_label(dimension, language)


def _fields(tile: Tile) -> tuple[tuple[str, ...], dict] | None:
    """The ``tiles.LABELS`` keys a tile's name may be, with the fields of the name; None for a tile
    of a key without a known name."""
    key = tile.key
    if key in _NAMES:
        return _NAMES[key], {}
    if key.startswith("maturity_"):
        return ("maturity",), {"dimension": key.removeprefix("maturity_")}
    if key.startswith("renewals_") and key.removeprefix("renewals_").isdigit():
        return ("renewals",), {"days": int(tile.extra.get("days", key.removeprefix("renewals_")))}
    if key == "ttfv_within_target":
        days = tile.extra.get("target") or next(iter(re.findall(r"\d+", tile.label)), None)
        return (("ttfv_within_target",), {"days": int(days)}) if days is not None else None
    return ((key,), {}) if key in LABELS else None


def _named(message: str, fields: dict, language: str) -> str | None:
    """``message`` (a name as ``language`` writes it) with its fields filled (a maturity dimension
    by its name in ``language``); None when it cannot be filled."""
    values = dict(fields)
    try:
        if "dimension" in values:
            values["dimension"] = _dimension(values["dimension"], language)
        return message.format(**values) if message else None
    except Exception:  # noqa: BLE001 - a dimension the instrument does not know, a field missing: the tile's own label
        return None


def _which(tile: Tile, language: str) -> tuple[str, dict] | None:
    """The ``tiles.LABELS`` key and fields that name ``tile`` in ``language``; None when the tile
    keeps its own label: a tile of an unknown key, or one whose label (in English) is none of the
    names its key may carry (a label of its own, kept as given)."""
    found = _fields(tile)
    if found is None:
        return None
    keys, fields = found
    for name in keys:
        if any(_named(_translated(LABELS[name], lang), fields, lang) == tile.label for lang in LANGUAGES):
            return name, fields
    if language == i18n.DEFAULT:
        return None
    return keys[0], fields


def _translated(message: str, language: str) -> str:
    with using(language):
        return _(message)


def label(tile: Tile, language: str | None = None) -> str:
    """The tile's name in ``language`` (default: the current language), whatever language the tile
    was built in.

    >>> t = Tile(key="renewals_90", label="ARR up for renewal (90 days)", unit="currency", value=1.0,
    ...          previous=1.0, n=1, n_previous=1)
    >>> label(t), label(t, "it")
    ('ARR up for renewal (90 days)', 'ARR in rinnovo (90 giorni)')
    """
    with using(language) as code:
        which = _which(tile, code)
        if which is None:
            return tile.label
        name, fields = which
        return _named(_(LABELS[name]), fields, code) or tile.label


def subject(tile: Tile, language: str | None = None) -> str:
    """The tile's name as the subject of a sentence in ``language`` (Italian: "l'ARR")."""
    with using(language) as code:
        which = _which(tile, code)
        if which is None:
            return tile.label
        name, fields = which
        return _named(_subjects()[name], fields, code) or tile.label


def localise(text: str, language: str) -> str:
    """Italian number style: decimal comma and thousands point ("1,234.5" becomes "1.234,5").

    Kept for callers that still format numbers the English way first; new code formats them in the
    reader's language (``cs_metrics.i18n.formats``, ``value_text``) instead.

    >>> localise("+1.2 pp of 1,316", "it")
    '+1,2 pp of 1.316'
    """
    if language != "it":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def value_text(tile: Tile, value: float, language: str | None = None) -> str:
    """``value`` in the tile's unit, written in ``language`` (default: the current language)."""
    with using(language):
        return fmt_value(value, tile.unit, currency=tile.currency)


def change_text(tile: Tile, language: str | None = None) -> str:
    """The tile's change, written in ``language`` (default: the current language)."""
    with using(language):
        return fmt_change(tile.change, tile.unit, currency=tile.currency)


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


def _movement(tile: Tile) -> str:
    """The movement sentence in the current language, its first letter as the name has it."""
    name = subject(tile)
    before, now, change = value_text(tile, tile.previous), value_text(tile, tile.value), change_text(tile)
    if formats.italian():  # Italian names a shared unit once: "da 33,0 a 61,8 mln €", "da 28 a 21 giorni"
        unit = now.partition(" ")[2]
        if unit and before.endswith(" " + unit):
            before = before.removesuffix(" " + unit)
    values = dict(name=name, before=before, now=now, change=change)
    rose, good = tile.change > 0, improved(tile)
    if tile.test == DETECTABLE and not _nan(tile.p_value):
        p = p_text(tile.p_value, decimal="," if formats.italian() else ".")
        if rose and good:
            text = _("{name} rose from {before} to {now} ({change}; statistically detectable, {p}), for the better.")
        elif rose:
            text = _("{name} rose from {before} to {now} ({change}; statistically detectable, {p}), for the worse.")
        elif good:
            text = _("{name} fell from {before} to {now} ({change}; statistically detectable, {p}), for the better.")
        else:
            text = _("{name} fell from {before} to {now} ({change}; statistically detectable, {p}), for the worse.")
        return text.format(p=p, **values)
    if rose and good:
        text = _("{name} rose from {before} to {now} ({change}), for the better.")
    elif rose:
        text = _("{name} rose from {before} to {now} ({change}), for the worse.")
    elif good:
        text = _("{name} fell from {before} to {now} ({change}), for the better.")
    else:
        text = _("{name} fell from {before} to {now} ({change}), for the worse.")
    return text.format(**values)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def movement_sentence(tile: Tile, language: str | None = None) -> str:
    """One sentence on a movement in ``language`` (default: the current language), e.g. "Logo churn
    rose from 11.2% to 12.4% (+1.2 pp), for the worse."

    >>> t = Tile(key="arr", label="ARR", unit="currency", value=61.75e6, previous=33.0e6, n=90, n_previous=80)
    >>> movement_sentence(t)
    'ARR rose from €33.00M to €61.75M (+€28.75M), for the better.'
    >>> movement_sentence(t, "it")
    "L'ARR sale da 33,0 a 61,8 mln € (+28,8 mln €): miglioramento."
    """
    with using(language):
        return _capital(_movement(tile))


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

    def sentence(self, language: str | None = None) -> str:
        """The contradiction in one sentence, in ``language`` (default: the current language)."""
        with using(language):
            return _capital(self._words())

    def _words(self) -> str:
        """The sentence in the current language, its first letter as the translation has it (it
        may follow a lead: "Principale incoerenza: i team ...")."""
        values = dict(count=self.count, total=self.total, share=formats.percent(self.share, 0))
        # The English says "were" for one customer too (as it always has); the translation agrees in number.
        if self.key == "green_but_churned":
            return ngettext(
                "{count} of the {total} customers lost in the period ({share}) were in the green band at their "
                "last health reading.",
                "{count} of the {total} customers lost in the period ({share}) were in the green band at their "
                "last health reading.", self.count).format(**values)
        if self.key == "promoters_but_churned":
            return ngettext(
                "{count} of the {total} customers lost in the period ({share}) were promoters (9 or 10) in their "
                "last NPS answer.",
                "{count} of the {total} customers lost in the period ({share}) were promoters (9 or 10) in their "
                "last NPS answer.", self.count).format(**values)
        if self.key == "detractors_without_follow_up":
            return ngettext(
                "{count} of the {total} detractors of the period ({share}) are still waiting for a follow-up.",
                "{count} of the {total} detractors of the period ({share}) are still waiting for a follow-up.",
                self.count).format(**values)
        return _("Teams place themselves at stage {stage} on customer involvement, yet {share} of the time of "
                 "the {count} meetings logged stays on internal matters.").format(
            stage=formats.decimal(self.stage, 1), **values)


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
    first); ``contradiction`` the largest one (None when none was found); ``language`` the code
    of the language it is written in."""

    sentences: tuple[str, ...]
    movements: tuple[Tile, ...]
    contradiction: Contradiction | None
    language: str = i18n.DEFAULT

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def what_changed(
    tiles: list[Tile], found: list[Contradiction] | None = None, *, language: str | None = None,
    top: int = TOP_MOVEMENTS,
) -> Summary:
    """The summary of the tiles' movements and the largest contradiction, in ``language`` (default:
    the current language; a ValueError for a language the interface does not speak).

    Example
    -------
    >>> t = Tile(key="logo_churn", label="Logo churn", unit="share", value=0.124, previous=0.112, n=761, n_previous=700)
    >>> what_changed([t]).text
    'Largest movements: Logo churn rose from 11.2% to 12.4% (+1.2 pp), for the worse.'
    >>> what_changed([t], language="it").text
    'Movimenti principali: il churn dei clienti (logo churn) sale da 11,2% a 12,4% (+1,2 p.p.): peggioramento.'
    """
    with using(language) as code:
        moves = real_movements(tiles, top=top)
        sentences: list[str] = []
        if moves:
            sentences.append(_("Largest movements: {movement}").format(movement=_movement(moves[0])))
            sentences.extend(_capital(_movement(t)) for t in moves[1:])
        elif any(t.has_value for t in tiles):
            sentences.append(_("No real movement: the changes against the comparison period are small or not "
                               "statistically detectable."))
        candidates = list(found or [])
        claimed = claimed_vs_meetings(tiles)
        if claimed is not None:
            candidates.append(claimed)
        candidates.sort(key=lambda c: -c.share)
        largest = candidates[0] if candidates else None
        if largest is not None:
            sentences.append(_("Largest contradiction: {contradiction}").format(contradiction=largest._words()))
        return Summary(tuple(sentences), tuple(moves), largest, code)
