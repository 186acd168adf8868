"""Reference tests for cs_metrics.relevance: the suggested relevance of agenda item titles, its
accuracy on a labelled set, and the form's relevance choice."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from cs_metrics import relevance as rl
from cs_metrics.errors import DataError
from cs_metrics.meetings import ItemDraft, MeetingError

LABELLED = Path(__file__).resolve().parent / "data" / "relevance_labelled.csv"


def test_suggest_relevance_shows_its_terms():
    s = rl.suggest_relevance("Customer complaints about late deliveries")
    assert s.label == "direct"
    assert s.matched_terms == ("customer*", "complaint*", "deliver*")
    assert s.score == pytest.approx(1.0 + 1.0 + 0.5)
    assert s.explain() == "customer* +1.0, complaint* +1.0, deliver* +0.5"


@pytest.mark.parametrize(
    "text, label",
    [
        ("Reclami dei clienti sulle consegne", "direct"),
        ("Qualità dell'assistenza telefonica", "indirect"),
        ("Piano ferie del personale", "none"),
        ("Pricing of the Growth plan", "indirect"),
        ("Server patching window", "none"),
        ("Uptime of the customer portal", "indirect"),  # "customer portal" is a channel, not the customer
        ("Customer Success team holiday rota", "none"),
    ],
)
def test_suggest_relevance_examples(text, label):
    assert rl.suggest_relevance(text).label == label


def test_suggest_relevance_empty_text():
    s = rl.suggest_relevance("")
    assert (s.label, s.score, s.matched_terms) == ("none", 0.0, ())
    assert s.explain() == "no term of the lexicon found"


def test_suggestion_accuracy_on_the_labelled_set():
    data = pd.read_csv(LABELLED)
    assert len(data) >= 120 and set(data["language"]) == {"en", "it"}
    assert set(data["label"]) == {"none", "indirect", "direct"}
    accuracy, confusion = rl.suggestion_accuracy(data["title"].tolist(), data["label"].tolist())
    per_language = {
        lang: rl.suggestion_accuracy(part["title"].tolist(), part["label"].tolist())[0]
        for lang, part in data.groupby("language")
    }
    report = (
        f"suggest_relevance accuracy on {len(data)} labelled agenda items: {accuracy:.3f} "
        f"(en {per_language['en']:.3f}, it {per_language['it']:.3f})\n{confusion}"
    )
    print(report)
    assert accuracy >= 0.8, report
    assert min(per_language.values()) >= 0.8, report
    assert int(confusion.to_numpy().sum()) == len(data)


def test_suggestion_accuracy_rejects_unknown_labels():
    with pytest.raises(DataError, match="not relevance labels"):
        rl.suggestion_accuracy(["x"], ["maybe"])
    accuracy, table = rl.suggestion_accuracy([], [])
    assert math.isnan(accuracy) and int(table.to_numpy().sum()) == 0


def test_resolve_relevance_records_the_source():
    assert rl.resolve_relevance("Renewal risk of key accounts", "suggested") == ("direct", "suggestion")
    assert rl.resolve_relevance("Renewal risk of key accounts", "none") == ("none", "person")
    with pytest.raises(MeetingError):
        rl.resolve_relevance("x", "perhaps")


def test_relevance_choice_reproduces_the_stored_label():
    # "Late deliveries to customers" scores customer* 1.0 + deliver* 0.5 = 1.5 >= DIRECT_THRESHOLD
    # (0.9) with a direct term: the lexicon proposes "direct" (see test_suggest_relevance_shows_its_terms).
    accepted = ItemDraft("Late deliveries to customers", 30, "direct", "suggestion")
    assert rl.relevance_choice(accepted) == rl.ACCEPT_SUGGESTION
    # The same label chosen by a person stays the person's choice.
    assert rl.relevance_choice(ItemDraft("Late deliveries to customers", 30, "direct", "person")) == "direct"
    # A suggestion the lexicon no longer proposes ("Shift plan" scores shift* -0.8: "none") is kept as the label.
    assert rl.relevance_choice(ItemDraft("Shift plan", 20, "indirect", "suggestion")) == "indirect"
