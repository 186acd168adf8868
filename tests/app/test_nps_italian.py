"""The NPS page in Italian on the demo company: the page's words in Italian (title, headline labels,
promotori / passivi / detrattori) and the NPS with its 95% interval written the Italian way
("IC 95% da −5 a +12 · n = 1.234": true minus, thousands point). The expected numbers are the
English test's (tests/app/test_nps_page.py, ``_check_headline``: counted here from the raw rows with
the formulas written out), written the Italian way; one English run checks the same figures."""

from __future__ import annotations

import json
import math

import pytest

from cs_metrics import i18n
from tests.app.test_nps_page import PAGE, Z, _adjusted, _captions, _in, _metric, _periods, _tables

MINUS = "\u2212"  # Italian typesetting writes a true minus before a negative number


def _signed(value: float, language: str) -> str:
    """A whole number with its sign, as the page writes an NPS: "+12", "-5" (English), "−5" (Italian)."""
    text = f"{value:+.0f}"
    return text.replace("-", MINUS) if language == "it" else text


def _whole(n: int, language: str) -> str:
    """A count with thousands separators: "1,234" (English), "1.234" (Italian)."""
    return f"{n:,}".replace(",", ".") if language == "it" else f"{n:,}"


def _expected(f) -> dict:
    """The headline of the default period from the raw answers, as tests/app/test_nps_page.py:66-83
    computes it: the raw NPS (% promoters - % detractors), the adjusted-Wald interval, the counts."""
    cur, _ = _periods(f)
    scores = _in(f["nps_response"], "responded_on", cur)["score"]
    scores = scores[(scores >= 0) & (scores <= 10)]
    n = len(scores)
    centre, var, n_adj = _adjusted(scores)
    half = Z * math.sqrt(var / n_adj)
    return {"nps": ((scores >= 9).sum() - (scores <= 6).sum()) / n * 100, "n": n,
            "low": (centre - half) * 100, "high": (centre + half) * 100, "promoters": int((scores >= 9).sum()),
            "passives": int(scores.between(7, 8).sum()), "detractors": int((scores <= 6).sum())}


#: The page's words in each language: (headline labels, counts caption, interval caption, legend names).
WORDS = {
    "it": {"change": "Variazione rispetto al periodo precedente", "response": "Tasso di risposta",
           "counts": "{promoters} promotori, {passives} passivi, {detractors} detrattori",
           "interval": "IC 95% da {low} a {high} · n = {n}", "intro": "L'NPS è un segnale del successo dei clienti",
           "groups": ("detrattori", "passivi", "promotori"), "trend": "Andamento"},
    "en": {"change": "Change vs previous period", "response": "Response rate",
           "counts": "{promoters} promoters, {passives} passives, {detractors} detractors",
           "interval": "95% CI {low} to {high} · n = {n}", "intro": "NPS is one signal of customer success",
           "groups": ("detractors", "passives", "promoters"), "trend": "Trend"},
}


@pytest.mark.parametrize("language", ["it", "en"])
def test_nps_headline_in_the_readers_language(app_on_demo, demo_db_url, language):
    # AppTest calls the widgets' format_func outside the app's run, where the reader's language is not
    # known (English): the test speaks the page's language too, or a translated option is not found.
    with i18n.using(language):
        at = app_on_demo(PAGE, language=language)
    assert not at.exception, [e.value for e in at.exception]
    words, f = WORDS[language], _tables(demo_db_url)
    want = _expected(f)

    assert at.title[0].value == "NPS"  # the same word in both languages
    assert any(c.value.startswith(words["intro"]) for c in at.caption)
    assert words["trend"] in [s.value for s in at.subheader]
    labels = [m.label for m in at.metric]
    assert {"NPS", words["change"], words["response"]} <= set(labels)

    # The NPS and its 95% interval, written as the reader's language writes numbers.
    assert _metric(at, "NPS").value == _signed(want["nps"], language)
    interval = words["interval"].format(low=_signed(want["low"], language), high=_signed(want["high"], language),
                                        n=_whole(want["n"], language))
    assert interval in _captions(at)
    counts = words["counts"].format(**{k: _whole(want[k], language) for k in ("promoters", "passives", "detractors")})
    assert counts in _captions(at)

    # The score distribution's legend names the three groups with their counts.
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    bars = next(c for c in charts if any(t.get("type") == "bar" and "(" in t.get("name", "") for t in c["data"]))
    names = [t["name"] for t in bars["data"]]
    assert names == [f"{group} ({want[key]})" for group, key in
                     zip(words["groups"], ("detractors", "passives", "promoters"), strict=True)]
