"""Reference tests for cs_metrics.text: tokens, themes and the weighted log-odds of Monroe, Colaresi &
Quinn (2008), with every expected number worked out by hand in a comment."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from cs_metrics import text
from cs_metrics.errors import DataError

# --- tokens -----------------------------------------------------------------------------------------


def test_tokenize_english_drops_stop_words_and_punctuation():
    assert text.tokenize("Support takes DAYS to answer, and tickets get closed!", language="en") == [
        "support", "takes", "days", "answer", "tickets", "closed"]


def test_tokenize_italian_splits_elisions_and_keeps_accents():
    # "l'" and "dell'" are elided articles: the apostrophe splits them off and they are stop words.
    assert text.tokenize("L'avvio dell'assistenza è stato lentissimo, più di un mese.", language="it") == [
        "avvio", "assistenza", "lentissimo", "mese"]


def test_tokenize_without_language_uses_both_stop_lists_and_handles_missing():
    assert text.tokenize("The invoice e la fattura") == ["invoice", "fattura"]
    assert text.tokenize(None) == [] and text.tokenize(math.nan) == [] and text.tokenize("") == []
    assert text.tokenize("the of and", keep_stop_words=True) == ["the", "of", "and"]
    with pytest.raises(DataError, match="language"):
        text.tokenize("hello", language="fr")


def test_word_counts():
    counts = text.word_counts(["Slow support", "support is slow, slow!", None], language="en")
    assert counts == {"slow": 3, "support": 2}


# --- weighted log-odds ------------------------------------------------------------------------------


def test_log_odds_with_prior_from_the_two_groups():
    # first = {late: 3, fast: 0} (n1 = 3), second = {late: 1, fast: 4} (n2 = 5); default prior = pooled
    # counts a = {late: 4, fast: 4}, a0 = 8 (Monroe et al. 2008, eq. 16 and 20):
    # late: delta = log((3+4)/(3+8-3-4)) - log((1+4)/(5+8-1-4)) = log(7/4) - log(5/8) = 1.029619,
    #       var = 1/7 + 1/5 = 0.342857, z = 1.029619 / 0.585540 = 1.758410;
    # fast: delta = log((0+4)/(3+8-0-4)) - log((4+4)/(5+8-4-4)) = log(4/7) - log(8/5) = -1.029619,
    #       var = 1/4 + 1/8 = 0.375, z = -1.029619 / 0.612372 = -1.681362.
    t = text.log_odds({"late": 3, "fast": 0}, {"late": 1, "fast": 4})
    assert t["feature"].tolist() == ["late", "fast"]
    assert t["prior"].tolist() == [4.0, 4.0]
    assert t["log_odds"].tolist() == pytest.approx([1.029619, -1.029619], abs=1e-6)
    assert t["z"].tolist() == pytest.approx([1.758410, -1.681362], abs=1e-6)


def test_log_odds_with_a_small_prior():
    # prior_size = 2 rescales the pooled counts to a = {late: 1, fast: 1}, a0 = 2:
    # late: log((3+1)/(3+2-3-1)) - log((1+1)/(5+2-1-1)) = log(4) - log(0.4) = log(10) = 2.302585,
    #       var = 1/4 + 1/2 = 0.75, z = 2.302585 / 0.866025 = 2.658797;
    # fast: log((0+1)/(3+2-0-1)) - log((4+1)/(5+2-4-1)) = log(0.25) - log(2.5) = -2.302585,
    #       var = 1/1 + 1/5 = 1.2, z = -2.302585 / 1.095445 = -2.101967.
    t = text.log_odds({"late": 3, "fast": 0}, {"late": 1, "fast": 4}, prior_size=2)
    assert t["z"].tolist() == pytest.approx([2.658797, -2.101967], abs=1e-5)


def test_log_odds_with_a_background_prior_shrinks_rare_words():
    # Background {common: 90, rare: 10} (a0 = 100); first {common: 9, rare: 1}, second {common: 9, rare: 1}:
    # identical shares give delta = 0 for every word.
    t = text.log_odds({"common": 9, "rare": 1}, {"common": 9, "rare": 1}, prior={"common": 90, "rare": 10})
    assert t["log_odds"].abs().max() == pytest.approx(0.0, abs=1e-12)


def test_log_odds_empty_and_bad_counts():
    assert text.log_odds({}, {}).empty
    with pytest.raises(DataError, match="non-negative"):
        text.log_odds({"a": -1}, {"a": 2})
    with pytest.raises(DataError, match="prior"):
        text.log_odds({"a": 1}, {"a": 2}, prior={"a": 0})


def test_distinguishing_words_on_a_small_corpus():
    comments = pd.DataFrame({
        "comment": ["slow support", "slow support again", "slow invoices", "fast support", "fast setup",
                    "fast and clear", "fine", None],
        "score": [2, 3, 5, 10, 9, 10, 8, 1],
        "language": ["en"] * 8,
    })
    words = text.distinguishing_words(comments, language="en", min_count=2, top=5)
    # Detractors wrote "slow" 3 times, promoters never; promoters wrote "fast" 3 times, detractors never;
    # "support" is shared (2 vs 1), so it sits between them.
    assert words.loc[words["side"] == "detractor", "word"].iloc[0] == "slow"
    assert words.loc[words["side"] == "promoter", "word"].iloc[0] == "fast"
    slow = words.set_index("word").loc["slow"]
    assert (slow["detractors"], slow["promoters"]) == (3, 0)
    # By hand ("again" and "and" are stop words): detractor tokens slow 3, support 2, invoices 1 (n1 = 6);
    # promoter tokens fast 3, support 1, setup 1, clear 1 (n2 = 6); the prior is every comment, the
    # passive's "fine" included: slow 3, support 3, fast 3, invoices 1, setup 1, clear 1, fine 1 (a0 = 13).
    # slow: a = 3; delta = log((3+3)/(6+13-3-3)) - log((0+3)/(6+13-0-3)) = log(6/13) - log(3/16) = 0.900787,
    # var = 1/6 + 1/3 = 0.5, z = 0.900787 / 0.707107 = 1.273906.
    assert slow["z"] == pytest.approx(1.273906, abs=1e-5)
    # Words below min_count in all comments are left out.
    assert "invoices" not in set(words["word"])


def test_distinguishing_words_empty_and_other_language():
    comments = pd.DataFrame({"comment": ["lento"], "score": [2], "language": ["it"]})
    assert text.distinguishing_words(comments, language="en").empty
    assert text.distinguishing_words(comments.iloc[0:0], language="it").empty
    with pytest.raises(DataError):
        text.distinguishing_words(pd.DataFrame({"comment": ["x"], "score": [11], "language": ["en"]}))


# --- themes -----------------------------------------------------------------------------------------


def test_every_theme_has_keywords_in_both_languages():
    assert len({t.key for t in text.THEMES}) == len(text.THEMES)
    assert all(t.en and t.it for t in text.THEMES)


@pytest.mark.parametrize(
    ("comment", "theme", "expected"),
    [
        ("Wrong invoices three months in a row", "billing", True),
        ("Fatturazione chiara e puntuale", "billing", True),  # prefix fattur*
        ("Ci avete addebitato licenze", "billing", True),
        ("L'assistenza risponde in poche ore", "support", True),  # after the elision
        ("Great reports", "billing", False),
        ("Il nostro referente è cambiato", "csm", True),
        ("Troppo caro", "price", True),
    ],
)
def test_mentions_theme_in_english_and_italian(comment, theme, expected):
    assert text.mentions_theme(pd.Series([comment]), theme).tolist() == [expected]


def test_mentions_theme_unknown_theme_and_missing_text():
    assert text.mentions_theme(pd.Series([None, math.nan]), "billing").tolist() == [False, False]
    with pytest.raises(DataError, match="theme"):
        text.mentions_theme(pd.Series(["x"]), "weather")


def test_theme_table_counts_and_shares():
    comments = pd.DataFrame({
        "comment": ["Wrong invoice again", "Fatture sbagliate", "Support is slow", "Support is great",
                    "Invoices are fine", "Great reports"],
        "score": [1, 4, 6, 10, 8, 9],
    })
    t = text.theme_table(comments).set_index("theme")
    # billing: 2 detractors (invoice, fatture), 1 passive, 0 promoters; 3 detractor comments in all.
    assert t.loc["billing", ["detractors", "passives", "promoters"]].tolist() == [2, 1, 0]
    assert t.loc["billing", "detractor_share"] == pytest.approx(2 / 3)
    assert t.loc["billing", "promoter_share"] == 0.0
    assert t.loc["support", ["detractors", "promoters"]].tolist() == [1, 1]
    # Billing leans to detractors, reporting to promoters.
    assert t.loc["billing", "z"] > 0 > t.loc["reporting", "z"]
    assert "fattur*" in t.loc["billing", "keywords"]


def test_theme_table_empty_and_filter_by_theme():
    assert text.theme_table(pd.DataFrame({"comment": [], "score": []})).empty
    comments = pd.DataFrame({"comment": ["Fattura errata", "Bel report"], "score": [3, 9]})
    assert text.filter_by_theme(comments, "billing")["comment"].tolist() == ["Fattura errata"]
    assert len(text.filter_by_theme(comments, None)) == 2


def test_theme_mentions_of_all_themes_at_once_equal_mentions_theme_one_by_one():
    # Whole words only, prefixes with "*", either language, upper case, elisions and digits as
    # separators, missing texts: each column must equal the regular expression of mentions_theme.
    texts = pd.Series(["Wrong INVOICES again", "l'addebito e la fatturazione", "invoiced2times", "rollout-live!",
                       "prezzi alti, ma qualità", "priceless", "no api", "rapid", None, math.nan, "", "Report:dati"])
    found = text.theme_mentions(texts)
    assert found.shape == (len(texts), len(text.THEMES))
    for column, theme in enumerate(text.THEMES):
        assert found[:, column].tolist() == text.mentions_theme(texts, theme).tolist(), theme.key
    billing = [t.key for t in text.THEMES].index("billing")
    assert found[:, billing].tolist() == [True, True, True] + [False] * 9


def test_filter_comments_by_words_group_language_and_theme():
    comments = pd.DataFrame({
        "comment": ["Invoice wrong", "Fattura errata", "Great SUPPORT", None, "support slow, invoice late"],
        "language": ["en", "it", "en", "en", "en"],
        "group": ["detractor", "detractor", "promoter", "passive", "passive"],
    })
    assert text.filter_comments(comments).index.tolist() == [0, 1, 2, 3, 4]
    assert text.filter_comments(comments, search=" support ").index.tolist() == [2, 4]  # trimmed, any case
    assert text.filter_comments(comments, theme="billing", languages=("en",)).index.tolist() == [0, 4]
    assert text.filter_comments(comments, theme="billing", groups=("passive",)).index.tolist() == [4]
    with pytest.raises(DataError, match="detractor, passive or promoter"):
        text.filter_comments(comments, groups=("critic",))


# --- one split for every count: the vectorised path against the per-comment loop it replaced ----------


def reference_distinguishing_words(comments: pd.DataFrame, *, language=None, top=10, min_count=3, prior_size=None):
    """``distinguishing_words`` as it was written before the words were split in one pass: one
    ``tokenize`` call and three Counter updates per comment (the reference the fast path must equal)."""
    columns = ["word", "detractors", "promoters", "log_odds", "z", "side"]
    empty = pd.DataFrame({c: pd.Series(dtype=float if c in ("detractors", "promoters", "log_odds", "z") else object)
                          for c in columns})
    if language is not None and "language" in comments.columns:
        comments = comments[comments["language"] == language]
    comments = comments[comments["comment"].notna()] if len(comments) else comments
    if comments.empty:
        return empty
    groups = text._groups(comments)
    background, det, pro = Counter(), Counter(), Counter()
    for comment, group in zip(comments["comment"], groups):
        words = text.tokenize(comment, language=language)
        background.update(words)
        if group == "detractor":
            det.update(words)
        elif group == "promoter":
            pro.update(words)
    keep = {w for w, c in background.items() if c >= min_count and (det.get(w, 0) + pro.get(w, 0)) > 0}
    if not keep or (sum(det.values()) == 0 and sum(pro.values()) == 0):
        return empty
    table = text.log_odds(det, pro, prior=background, prior_size=prior_size)
    table = table[table["feature"].isin(keep)].rename(columns={"feature": "word", "first": "detractors",
                                                               "second": "promoters"})
    table["side"] = np.where(table["z"] > 0, "detractor", "promoter")
    det_side = table[table["z"] > 0].head(top)
    pro_side = table[table["z"] < 0].sort_values("z").head(top)
    return pd.concat([det_side, pro_side], ignore_index=True)[columns]


def reference_theme_mentions(texts, themes=text.THEMES) -> np.ndarray:
    """Per text and theme, the theme's regular expression searched in that one lower-cased text
    (the definition ``mentions_theme`` and ``theme_mentions`` must both equal)."""
    texts = list(texts)
    return np.array([[t is not None and t == t and bool(text._pattern(th.keywords).search(str(t).lower()))
                      for th in themes] for t in texts], dtype=bool).reshape(len(texts), len(themes))


def _corpus(n: int, seed: int) -> pd.DataFrame:
    """Comments built from words of both languages, stop words, theme keywords, punctuation,
    digits, elisions, capitals, accents, NUL, repeats and missing ones; scores 0-10."""
    rng = np.random.default_rng(seed)
    vocabulary = ["support", "slow", "fast", "invoice", "Fatture", "fatturazione", "assistenza", "L'avvio", "the", "and",
                  "è", "È", "qualità", "QUALITÀ", "report2", "api", "ERP", "price-list", "costo", "x", "a", "onboarding",
                  "dell'integrazione", "webinar!", "snake_case", "ΣΟΦΟΣ", "\x00", "ok", "great", "  ", "Caro", "priceless"]
    rows = []
    for _ in range(n):
        words = rng.choice(vocabulary, size=rng.integers(0, 9))
        rows.append(" ".join(words) + rng.choice(["", ".", "!", " 100%"]))
    comments = pd.Series(rows, dtype=object)
    comments[rng.random(n) < 0.05] = None
    comments[rng.random(n) < 0.2] = comments.iloc[0]  # repeated texts are split once
    return pd.DataFrame({"comment": comments, "score": rng.integers(0, 11, n),
                         "language": rng.choice(["en", "it", None], n)})


def test_split_words_equals_tokenising_each_text():
    texts = ["Slow support", "slow support", None, math.nan, "", "L'avvio dell'assistenza", "a\x00b", 12,
             "snake_case2x", "ΣΟΦΟΣ È", "Slow support"]
    split = text.split_words(texts)
    assert len(split) == len(texts)
    # Each row's words, in order: exactly what _WORD finds in the lower-cased text (none when missing).
    for row, value in enumerate(texts):
        expected = [] if value is None or value != value else text._WORD.findall(str(value).lower())
        mine = [] if split.text[row] < 0 else split.vocabulary[split.word[split.owner == split.text[row]]].tolist()
        assert mine == expected, value
    assert split.text[0] == split.text[-1] and split.text[0] != split.text[1]  # equal texts share one split
    assert text.split_words([]).vocabulary.size == 0 and len(text.split_words([None])) == 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_distinguishing_words_and_themes_equal_the_per_comment_loop(seed):
    comments = _corpus(400, seed)
    split = text.split_words(comments["comment"])
    for language in ("en", "it", None):
        for options in ({}, {"min_count": 1, "top": 5}, {"prior_size": 10.0}):
            expected = reference_distinguishing_words(comments, language=language, **options)
            pd.testing.assert_frame_equal(text.distinguishing_words(comments, language=language, **options), expected,
                                          check_exact=True)
            pd.testing.assert_frame_equal(
                text.distinguishing_words(comments, language=language, words=split, **options), expected,
                check_exact=True)
    assert (text.theme_mentions(comments["comment"]) == reference_theme_mentions(comments["comment"])).all()
    for column, theme in enumerate(text.THEMES):  # the one-theme filter too (equal texts matched once)
        assert (text.mentions_theme(comments["comment"], theme).to_numpy()
                == reference_theme_mentions(comments["comment"])[:, column]).all()
    assert (text.theme_mentions(comments["comment"], words=split) == reference_theme_mentions(comments["comment"])).all()
    pd.testing.assert_frame_equal(text.theme_table(comments, words=split), text.theme_table(comments), check_exact=True)


def test_theme_table_equals_counting_the_regular_expressions():
    comments = _corpus(300, 4)
    kept = comments[comments["comment"].notna()]
    hits = reference_theme_mentions(kept["comment"])
    groups = text._groups(kept).to_numpy()
    table = text.theme_table(comments).set_index("theme")
    for column, theme in enumerate(text.THEMES):
        # Comments of each group whose text the theme's regular expression matches.
        expected = [int((hits[:, column] & (groups == g)).sum()) for g in ("detractor", "passive", "promoter")]
        assert table.loc[theme.key, ["detractors", "passives", "promoters"]].tolist() == expected, theme.key


def test_words_split_from_other_comments_are_refused():
    comments = pd.DataFrame({"comment": ["slow", "fast"], "score": [1, 10], "language": ["en", "en"]})
    with pytest.raises(DataError, match="other comments"):
        text.distinguishing_words(comments, words=text.split_words(["slow"]))
    with pytest.raises(DataError, match="other comments"):
        text.theme_table(comments, words=text.split_words(["slow", "fast", "again"]))
