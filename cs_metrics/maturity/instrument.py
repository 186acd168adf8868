"""The maturity instrument: five stages, four dimensions, a statement per stage and dimension, in
English and Italian. Versions differ only in their stage labels; the shipped version is "1"."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cs_metrics import vocab
from cs_metrics.errors import DataError
from cs_metrics.i18n import _, formats

#: Dimension keys, in the order the instrument presents them.
DIMENSIONS: tuple[str, ...] = vocab.MATURITY_DIMENSIONS
#: Respondent roles and confidence levels an answer may carry.
ROLES: tuple[str, ...] = vocab.RESPONDENT_ROLES
CONFIDENCE_LEVELS: tuple[str, ...] = vocab.CONFIDENCE_LEVELS
#: The five stages and every allowed answer (whole stages and half-steps between them).
STAGES: tuple[int, ...] = (1, 2, 3, 4, 5)
STAGE_STEPS: tuple[float, ...] = tuple(1.0 + 0.5 * i for i in range(9))
LANGUAGES: tuple[str, ...] = ("en", "it")
#: Where the shipped instrument definitions are.
INSTRUMENT_DIR = Path(__file__).resolve().parent.parent / "instrument"


class MaturityDataError(DataError):
    """Answers, targets or an instrument cannot be used as given; the message says what to fix."""


@dataclass(frozen=True)
class Instrument:
    """A version of the maturity instrument: stage labels, dimensions and their statements.

    ``data`` is the JSON definition (see ``cs_metrics/instrument/social_business_v1.json``);
    use the methods rather than reading it directly.
    """

    version: str
    data: dict = field(compare=False, hash=False, repr=False)

    def _text(self, texts: Mapping[str, str], lang: str) -> str:
        return texts.get(lang) or texts["en"]

    def stage_labels(self, lang: str = "en") -> tuple[str, ...]:
        """The five stage labels in ``lang`` (English where a translation is missing)."""
        return tuple(self._text(s["label"], lang) for s in self.data["stages"])

    def stage_meaning(self, stage: int, lang: str = "en") -> str:
        """One line on what a whole stage means."""
        return self._text(self.data["stages"][int(stage) - 1]["meaning"], lang)

    def stage_label(self, stage: float, lang: str = "en") -> str:
        """The label of a stage; a half-step reads "between <lower> and <upper>".

        Example
        -------
        >>> inst = load_instrument()
        >>> inst.stage_label(2.5), inst.stage_label(3, "it")
        ('between Channel and Listening', 'Ascolto')
        """
        if stage is None or (isinstance(stage, float) and math.isnan(stage)):
            return "–"
        labels = self.stage_labels(lang)
        if float(stage) == int(stage):
            return labels[int(stage) - 1]
        low = int(math.floor(stage))
        return self._text(self.data["between"], lang).format(low=labels[low - 1], high=labels[low])

    def step_label(self, stage: float, lang: str = "en") -> str:
        """``"2.5 · between Channel and Listening"``: the text of one answer option."""
        return f"{stage_text(stage)} · {self.stage_label(stage, lang)}"

    def dimension_label(self, dimension: str, lang: str = "en") -> str:
        return self._text(self._dimension(dimension)["label"], lang)

    def descriptors(self, dimension: str, lang: str = "en") -> tuple[str, ...]:
        """The five statements of a dimension, stage 1 first."""
        texts = self._dimension(dimension)["descriptors"]
        return tuple(texts.get(lang) or texts["en"])

    def descriptor(self, dimension: str, stage: int, lang: str = "en") -> str:
        """The statement of one whole stage of a dimension."""
        return self.descriptors(dimension, lang)[int(stage) - 1]

    def question(self, lang: str = "en") -> str:
        return self._text(self.data["question"], lang)

    def name(self, lang: str = "en") -> str:
        return self._text(self.data["name"], lang)

    def _dimension(self, dimension: str) -> dict:
        for dim in self.data["dimensions"]:
            if dim["key"] == dimension:
                return dim
        raise MaturityDataError(_("Unknown dimension {dimension}; use one of {choices}.").format(
            dimension=repr(dimension), choices=", ".join(DIMENSIONS)))

    def with_stage_labels(self, labels: Mapping[str, Sequence[str]], *, version: str) -> Instrument:
        """A new version with other stage labels (per language); statements stay as they are.

        Raises ``MaturityDataError`` unless every language given has five distinct, non-empty
        labels of at most 40 characters.
        """
        data = json.loads(json.dumps(self.data))
        for lang, names in labels.items():
            if lang not in LANGUAGES:
                raise MaturityDataError(_("Unknown language {language}; labels can be given in {choices}.").format(
                    language=repr(lang), choices=", ".join(LANGUAGES)))
            cleaned = [str(n).strip() for n in names]
            if len(cleaned) != 5 or any(not n for n in cleaned):
                raise MaturityDataError(
                    _("Give a label for each of the five stages ({language}); none may be empty.").format(language=lang))
            if any(len(n) > 40 for n in cleaned):
                raise MaturityDataError(_("Stage labels ({language}) must be at most {n} characters; shorten the long "
                                          "ones.").format(language=lang, n=40))
            if len(set(n.casefold() for n in cleaned)) != 5:
                raise MaturityDataError(_("Stage labels ({language}) must differ from each other; two of them are the "
                                          "same.").format(language=lang))
            for stage, name in zip(data["stages"], cleaned, strict=True):
                stage["label"][lang] = name
        data["version"] = str(version)
        return Instrument(str(version), data)

    def to_json(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, sort_keys=True)


def check_instrument(data: Any) -> dict:
    """Validate an instrument definition; raise ``MaturityDataError`` saying what is missing."""
    if not isinstance(data, dict):
        raise MaturityDataError(_("An instrument definition must be a JSON object."))
    for key in ("version", "stages", "dimensions", "question", "between", "name"):
        if key not in data:
            raise MaturityDataError(_("The instrument definition lacks {key}; start from {file}.").format(
                key=repr(key), file="social_business_v1.json"))
    if [s.get("stage") for s in data["stages"]] != list(STAGES):
        raise MaturityDataError(_("The instrument must list the stages 1 to 5, in order."))
    if [d.get("key") for d in data["dimensions"]] != list(DIMENSIONS):
        raise MaturityDataError(_("The instrument must list the dimensions {dimensions}, in order.").format(
            dimensions=", ".join(DIMENSIONS)))
    for dim in data["dimensions"]:
        for lang, texts in dim["descriptors"].items():
            if len(texts) != 5:
                raise MaturityDataError(_("{dimension} ({language}) needs five statements, one per stage; it has "
                                          "{n}.").format(dimension=dim["key"], language=lang, n=len(texts)))
    return data


def instrument_from_json(text: str) -> Instrument:
    """Build an ``Instrument`` from its JSON definition (as stored in the database)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MaturityDataError(_("The instrument definition is not valid JSON ({error}).").format(error=exc)) from None
    check_instrument(data)
    return Instrument(str(data["version"]), data)


def load_instrument(version: str = "1") -> Instrument:
    """The instrument shipped with Outside In (version ``"1"``: Quintarelli's model, EN and IT).

    Example
    -------
    >>> inst = load_instrument()
    >>> inst.stage_labels()
    ('Island', 'Channel', 'Listening', 'Involvement', 'Social Business')
    >>> inst.dimension_label("customer_involvement", "it")
    'Coinvolgimento del cliente'
    """
    path = INSTRUMENT_DIR / f"social_business_v{version}.json"
    if not path.exists():
        raise MaturityDataError(_("No shipped instrument has version {version}; the shipped version is '1'.").format(
            version=repr(version)))
    return instrument_from_json(path.read_text(encoding="utf-8"))


def stage_text(stage: float) -> str:
    """A stage (or a median, a gap) as the reader writes a number: "2.5", "2,5" in Italian; as many
    decimals as the value has ("2", "2.75").

    >>> from cs_metrics.i18n import using
    >>> with using("it"):
    ...     stage_text(2.5), stage_text(3.0), stage_text(-0.25)
    ('2,5', '3', '−0,25')
    >>> stage_text(2.5)
    '2.5'
    """
    text = f"{float(stage):g}"
    if not formats.italian() or "e" in text or text in ("nan", "inf", "-inf"):
        return text
    return formats.decimal(float(stage), len(text.split(".")[1]) if "." in text else 0)


def is_valid_stage(stage: Any) -> bool:
    """True for 1.0, 1.5, ..., 5.0."""
    try:
        value = float(stage)
    except (TypeError, ValueError):
        return False
    return 1.0 <= value <= 5.0 and (value * 2).is_integer()
