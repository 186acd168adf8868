"""Tests for ``cs_metrics.maturity.instrument``: the shipped instrument, stage labels and versions."""

from __future__ import annotations

import pytest

from cs_metrics import maturity as mt
from cs_metrics.maturity import MaturityDataError


def test_load_instrument_has_five_stages_four_dimensions_and_twenty_statements_per_language():
    inst = mt.load_instrument()
    assert inst.version == "1"
    assert inst.stage_labels() == ("Island", "Channel", "Listening", "Involvement", "Social Business")
    assert inst.stage_labels("it") == ("Isola", "Canale", "Ascolto", "Coinvolgimento", "Social Business")
    for lang in ("en", "it"):
        statements = [s for d in mt.DIMENSIONS for s in inst.descriptors(d, lang)]
        assert len(statements) == 20 and len(set(statements)) == 20
    # The Italian texts are translations, not copies of the English ones.
    assert inst.descriptor("culture", 1, "it") != inst.descriptor("culture", 1, "en")
    assert inst.dimension_label("organization", "it") == "Organizzazione"


def test_stage_label_names_half_steps_as_between_two_stages():
    inst = mt.load_instrument()
    assert inst.stage_label(2.5) == "between Channel and Listening"
    assert inst.stage_label(4.5, "it") == "tra Coinvolgimento e Social Business"
    assert inst.stage_label(float("nan")) == "–"
    assert inst.step_label(3.0) == "3 · Listening"


def test_unknown_instrument_version_says_which_exist():
    with pytest.raises(MaturityDataError, match="shipped version is '1'"):
        mt.load_instrument("9")


def test_with_stage_labels_makes_a_new_version_and_keeps_statements():
    inst = mt.load_instrument()
    new = inst.with_stage_labels({"en": ("Closed", "Broadcast", "Listening", "Involving", "Co-creating")}, version="2")
    assert new.version == "2" and new.stage_label(1.5) == "between Closed and Broadcast"
    assert new.stage_labels("it") == inst.stage_labels("it")
    assert new.descriptors("technology") == inst.descriptors("technology")
    assert inst.stage_labels()[0] == "Island"  # the original is untouched
    assert mt.instrument_from_json(new.to_json()).stage_labels()[4] == "Co-creating"


@pytest.mark.parametrize(
    "labels, message",
    [
        (("A", "B", "C", "D"), "five stages"),
        (("A", "B", "", "D", "E"), "none may be empty"),
        (("A", "B", "C", "D", "a"), "differ"),
        (("A" * 41, "B", "C", "D", "E"), "40 characters"),
    ],
)
def test_with_stage_labels_refuses_bad_labels(labels, message):
    with pytest.raises(MaturityDataError, match=message):
        mt.load_instrument().with_stage_labels({"en": labels}, version="2")


def test_instrument_from_json_refuses_malformed_definitions():
    with pytest.raises(MaturityDataError, match="not valid JSON"):
        mt.instrument_from_json("{")
    with pytest.raises(MaturityDataError, match="lacks 'stages'"):
        mt.instrument_from_json('{"version": "2"}')
