"""Reference tests for cs_metrics.health.model: checking, reading and editing a model."""

from __future__ import annotations

import pandas as pd
import pytest

from cs_metrics import health
from cs_metrics.errors import DataError


def _model(**weights):
    return {"signals": {k: {"rule": "linear", "worst": 0, "best": 10, "weight": w} for k, w in weights.items()},
            "bands": [50, 75]}


def test_check_model_accepts_the_default_model_and_returns_floats():
    clean = health.check_model(health.DEFAULT_MODEL)
    assert clean["bands"] == [50.0, 75.0]
    assert clean["signals"]["usage"] == {"rule": "linear", "worst": 0.1, "best": 0.8, "weight": 25.0}


@pytest.mark.parametrize(
    ("model", "fragment"),
    [
        (_model(a=0, b=0), "all weights are zero"),
        (_model(a=-1, b=2), "zero or positive"),
        ({**_model(a=1), "bands": [75, 50]}, "must increase"),
        ({**_model(a=1), "bands": [50, 50]}, "must increase"),
        ({**_model(a=1), "bands": [50, 120]}, "within 0-100"),
        ({**_model(a=1), "bands": [50]}, "exactly two"),
        ({"signals": {"a": {"rule": "linear", "worst": 3, "best": 3, "weight": 1}}}, "make them differ"),
        ({"signals": {"a": {"rule": "percentile", "worst": 0, "best": 1, "weight": 1}}}, "unknown normalisation rule"),
        ({"signals": {"a": {"rule": "linear", "worst": "x", "best": 1, "weight": 1}}}, "must be numbers"),
        ({**_model(a=1), "segments": {"SMB": {"weights": {"a": 0}}}}, "Profile 'SMB': all weights are zero"),
        ({**_model(a=1), "segments": {"SMB": {"weights": {"zzz": 1}}}}, "unknown signals"),
        ({**_model(a=1), "segments": {"SMB": {"bands": [80, 20]}}}, "Profile 'SMB'"),
        ({"signals": {}}, "at least one signal"),
        ("not a model", "at least one signal"),
    ],
)
def test_check_model_rejects_bad_models_with_a_fix_it_message(model, fragment):
    with pytest.raises(health.ModelError) as info:
        health.check_model(model)
    assert fragment in str(info.value)
    assert isinstance(info.value, DataError)


def test_check_model_lists_every_problem_at_once():
    problems = health.model_problems({**_model(a=-1), "bands": [80, 20]})
    assert len(problems) == 2


def test_a_segment_with_no_data_for_any_weighted_signal_is_rejected_and_single_gaps_warned():
    model = _model(a=1, b=1)
    coverage = pd.DataFrame({"segment": ["SMB", "SMB", "Enterprise", "Enterprise"], "signal": ["a", "b", "a", "b"],
                             "customers": [10, 0, 0, 0]})
    with pytest.raises(health.ModelError, match="Segment 'Enterprise': none of the weighted signals has data"):
        health.check_model(model, coverage=coverage)
    # Enterprise gets its own profile weighting only "a" -> still no data there.
    fixed = {**model, "segments": {"Enterprise": {"weights": {"a": 1, "b": 0}}}}
    with pytest.raises(health.ModelError):
        health.check_model(fixed, coverage=coverage)
    coverage.loc[2, "customers"] = 5  # Enterprise now has "a"
    assert health.check_model(fixed, coverage=coverage)
    # SMB has no "b" data: valid, but the editor warns that it drops out there.
    warnings = health.model_warnings(fixed, coverage)
    assert len(warnings) == 1 and "Segment 'SMB'" in warnings[0] and "B" in warnings[0]


def test_edit_model_changes_a_copy_and_builds_segment_profiles():
    model = _model(a=1, b=1)
    edited = health.edit_model(model, rules={"a": (2, 8)}, weights={"a": 3}, bands=(40, 70))
    assert edited["signals"]["a"] == {"rule": "linear", "worst": 2.0, "best": 8.0, "weight": 3.0}
    assert edited["bands"] == [40.0, 70.0] and model["signals"]["a"]["weight"] == 1  # input untouched
    seg = health.edit_model(edited, segment="SMB", weights={"a": 0, "b": 1}, bands=(30, 60))
    assert health.model_weights(seg, "SMB") == {"a": 0.0, "b": 1.0}
    assert health.model_bands(seg, "SMB") == (30.0, 60.0) and health.model_bands(seg, "Enterprise") == (40.0, 70.0)
    assert "segments" not in health.edit_model(seg, segment="SMB", drop_profile=True)


def test_model_table_shares_and_rule_sentences():
    table = health.model_table(health.DEFAULT_MODEL).set_index("signal")
    # DEFAULT_MODEL weights sum to 25+5+10+8+8+7+10+7+12+8 = 100, so usage has a 25% say.
    assert table.loc["usage", "share"] == pytest.approx(0.25)
    assert table["share"].sum() == pytest.approx(1.0)
    assert table.loc["resolution_hours", "rule"].startswith("100 points at 4 or less, 0 at 72")
