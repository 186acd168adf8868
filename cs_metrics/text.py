"""What customers write: tokens, named themes, and the words that set detractors apart from promoters.

The comparison is the weighted log-odds ratio with an informative Dirichlet prior of Monroe,
Colaresi & Quinn (2008), "Fightin' Words: Lexical Feature Selection and Evaluation for
Identifying the Content of Political Conflict", *Political Analysis* 16(4), eq. 16-22. For a word
``w`` counted ``y1`` times among the ``n1`` words of the first group and ``y2`` among the ``n2`` of
the second, with prior pseudo-counts ``a_w`` (summing to ``a0``)::

    delta_w = log((y1 + a_w) / (n1 + a0 - y1 - a_w)) - log((y2 + a_w) / (n2 + a0 - y2 - a_w))
    var_w  ~= 1 / (y1 + a_w) + 1 / (y2 + a_w)
    z_w     = delta_w / sqrt(var_w)

The prior is informative: ``a_w`` is proportional to the word's frequency in a background corpus
(by default all comments of the period, passives included), so rare words are pulled toward
"no difference" and a word has to be both frequent and lopsided to stand out. Everything shown is
a count a person can check: the words, how often each group used them, and ``z``.

Themes are named groups of keywords in English and Italian (``THEMES``). A keyword ending in
``*`` matches every word starting with it (``fattur*`` matches fattura, fatture, fatturazione).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cs_metrics.errors import DataError
from cs_metrics.i18n import _

LANGUAGES: dict[str, str] = {"en": "English", "it": "Italian"}

#: Words too common to say anything about a comment (articles, pronouns, auxiliaries, ...).
STOP_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        """
        a about above after again against all almost also am an and any are as at be because been
        before being below between both but by can cannot could did do does doing done down during
        each even ever every few for from further get gets got had has have having he her here hers
        him his how i if in into is it its itself just let me more most much must my no nor not now
        of off on once only or other our ours ourselves out over own per quite rather really same
        she should so some such than that the their theirs them themselves then there these they
        this those through to too under until up upon us very was we were what when where which
        while who whom why will with within without would yet you your yours one two three four
        still already s t d ll m re ve don doesn didn isn aren wasn weren won wouldn shouldn couldn
        can't cant im ive we're were we've weve it's its thing things lot lots way ways
        """.split()
    ),
    "it": frozenset(
        """
        a ad al alla alle allo agli ai all anche ancora avere aveva avevamo avevano avete abbiamo
        ha hanno ho c che chi ci cioè come con contro cui da dal dalla dalle dallo dagli dai dall
        del della delle dello degli dei dell di e è ed era erano essere fa fare fino gli già i il
        in io l la le lei li lo loro lui ma mai me mi mia mie miei mio molto ne né negli nei nel
        nella nelle nello nell noi non nostra nostre nostri nostro o od ogni per perché però più
        poi poco qua quale quali quando quanto quella quelle quelli quello questa queste questi
        questo qui se sé sei si sia siamo siete solo sono sta stato stati su sua sue sui sul sulla
        sulle sullo sull suo suoi tra tu tua tue tuo tuoi tutta tutte tutti tutto un una uno
        vi voi vostra vostro è stata state stesso sempre così via volta volte ecc sì dopo prima
        senza verso presso oltre anzi invece
        """.split()
    ),
}
ALL_STOP_WORDS: frozenset[str] = STOP_WORDS["en"] | STOP_WORDS["it"]

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def tokenize(text: str | None, *, language: str | None = None, keep_stop_words: bool = False) -> list[str]:
    """Lower-case word tokens of ``text`` without stop words (of ``language``, or of both).

    Apostrophes split words, so the Italian elisions ``l'avvio`` and ``dell'assistenza`` give
    ``avvio`` and ``assistenza``; single letters are dropped.

    Example
    -------
    >>> tokenize("L'assistenza risponde dopo giorni!", language="it")
    ['assistenza', 'risponde', 'giorni']
    >>> tokenize("Support takes days to answer", language="en")
    ['support', 'takes', 'days', 'answer']
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return []
    if language is not None and language not in STOP_WORDS:
        raise DataError(_("Unknown language {language}: use one of {languages} (or None for both).").format(
            language=repr(language), languages=sorted(STOP_WORDS)))
    words = _WORD.findall(str(text).lower())
    if keep_stop_words:
        return [w for w in words if len(w) > 1]
    stop = STOP_WORDS[language] if language else ALL_STOP_WORDS
    return [w for w in words if len(w) > 1 and w not in stop]


def word_counts(texts: Iterable[str | None], *, language: str | None = None) -> Counter:
    """How many times each word (tokenised as in ``tokenize``) occurs across ``texts``."""
    counts: Counter = Counter()
    for text in texts:
        counts.update(tokenize(text, language=language))
    return counts


_WORD_OR_GAP = re.compile(r"[^\W\d_]+|\x00")


@dataclass(frozen=True)
class Words:
    """Every word of a column of texts, split once (``split_words``) for all the counts made from it.

    Equal texts are split once: ``text`` gives, for each row, the number of its distinct text (-1
    for a missing one); ``owner`` and ``word`` give, for each word occurrence in the distinct
    texts, the distinct text it is in and its number in ``vocabulary`` (the distinct lower-case
    words, stop words and single letters included, as ``_WORD`` splits them).
    """

    text: np.ndarray
    owner: np.ndarray
    word: np.ndarray
    vocabulary: np.ndarray
    n_texts: int

    def __len__(self) -> int:
        return len(self.text)

    def totals(self, weight: np.ndarray) -> np.ndarray:
        """Per word of ``vocabulary``: its occurrences summed over the rows, each row counting
        ``weight`` times (0 leaves a row out, 1 counts it once)."""
        rows = self.text >= 0
        weight = np.asarray(weight, dtype=float)
        per_text = np.bincount(self.text[rows], weights=weight[rows], minlength=self.n_texts)
        counts = np.bincount(self.word, weights=per_text[self.owner], minlength=len(self.vocabulary))
        return np.rint(counts).astype(np.int64)

    def kept(self, language: str | None) -> np.ndarray:
        """Which words of ``vocabulary`` ``tokenize`` keeps for ``language`` (no stop words, no
        single letters)."""
        stop = STOP_WORDS[language] if language else ALL_STOP_WORDS
        return np.fromiter((len(w) > 1 and w not in stop for w in self.vocabulary), dtype=bool,
                           count=len(self.vocabulary))


def split_words(texts: Iterable[str | None]) -> Words:
    """``Words`` of ``texts``: each distinct text lower-cased and split into runs of letters (as
    ``tokenize`` splits) in one pass over all of them, not one call per row.

    Example
    -------
    >>> w = split_words(["Slow support", None, "slow support"])
    >>> w.text.tolist(), w.vocabulary[w.word].tolist()
    ([0, -1, 1], ['slow', 'support', 'slow', 'support'])
    """
    values = np.asarray(texts if isinstance(texts, pd.Series) else list(texts), dtype=object).ravel()
    codes, distinct = pd.factorize(values)
    if not all(isinstance(t, str) for t in distinct):  # numbers and the like are read as their text
        values = np.array([t if isinstance(t, str) or pd.isna(t) else str(t) for t in values], dtype=object)
        codes, distinct = pd.factorize(values)
    distinct = [str(t) for t in distinct]
    joined = "\x00".join(distinct)
    if joined.count("\x00") != max(len(distinct) - 1, 0):  # NUL is no letter: as a blank it splits the same
        joined = "\x00".join(t.replace("\x00", " ") for t in distinct)
    tokens = np.array(_WORD_OR_GAP.findall(joined.lower()), dtype=object)
    found, vocabulary = pd.factorize(tokens)
    vocabulary = np.asarray(vocabulary, dtype=object)
    gap = next((i for i, w in enumerate(vocabulary) if w == "\x00"), None)  # (numpy's == drops NULs)
    if gap is not None:
        is_gap = found == gap
        owner = np.cumsum(is_gap)[~is_gap]
        found = found[~is_gap]
        found = found - (found > gap)
        vocabulary = np.delete(vocabulary, gap)
    else:
        owner = np.zeros(len(found), dtype=np.int64)
    return Words(text=np.asarray(codes, dtype=np.int64), owner=owner.astype(np.int64),
                 word=np.asarray(found, dtype=np.int64), vocabulary=vocabulary, n_texts=len(distinct))


def log_odds(
    first: dict[str, float] | pd.Series,
    second: dict[str, float] | pd.Series,
    *,
    prior: dict[str, float] | pd.Series | None = None,
    prior_size: float | None = None,
) -> pd.DataFrame:
    """Weighted log-odds of each feature between two groups of counts (Monroe et al. 2008).

    Parameters
    ----------
    first, second
        Counts per feature (word or theme) in each group.
    prior
        Background counts that set the informative Dirichlet prior; default: ``first + second``.
        Features absent from the background get no prior weight of their own; background words
        absent from both groups still count in the prior's total ``a0``.
    prior_size
        Total prior pseudo-count ``a0``; the background is rescaled to it. Default: the
        background's own total (each ``a_w`` equals its background count).

    Returns
    -------
    DataFrame
        ``feature``, ``first``, ``second``, ``prior`` (``a_w``), ``log_odds`` (delta, positive
        when more typical of ``first``), ``se`` and ``z`` (delta / se), sorted by ``z``
        descending. Empty when both groups are empty.

    Example
    -------
    first = {late: 3, fast: 0}, second = {late: 1, fast: 4}; prior = sum: a = {late: 4, fast: 4},
    a0 = 8, n1 = 3, n2 = 5. For "late": delta = log(7 / (3 + 8 - 7)) - log(5 / (5 + 8 - 5))
    = log(1.75) - log(0.625) = 1.029619; var = 1/7 + 1/5 = 0.342857; z = 1.758410.

    >>> t = log_odds({"late": 3, "fast": 0}, {"late": 1, "fast": 4})
    >>> t.loc[0, "feature"], round(float(t.loc[0, "log_odds"]), 6), round(float(t.loc[0, "z"]), 6)
    ('late', 1.029619, 1.75841)
    """
    a = pd.Series(first, dtype=float)
    b = pd.Series(second, dtype=float)
    features = a.index.union(b.index)
    a = a.reindex(features, fill_value=0.0)
    b = b.reindex(features, fill_value=0.0)
    if ((a < 0) | (b < 0)).any() or a.isna().any() or b.isna().any():
        raise DataError(_("Counts must be non-negative numbers; remove missing or negative counts."))
    columns = ["feature", "first", "second", "prior", "log_odds", "se", "z"]
    if a.sum() + b.sum() == 0:
        return pd.DataFrame({c: pd.Series(dtype=object if c == "feature" else float) for c in columns})
    background = (a + b) if prior is None else pd.Series(prior, dtype=float)
    if background.isna().any() or (background < 0).any() or background.sum() <= 0:
        raise DataError(_("The prior's background counts must be non-negative and not all zero."))
    # a0 sums the prior over the whole background vocabulary, including words neither group used.
    scale = (prior_size / background.sum()) if prior_size else 1.0
    a0 = float(background.sum() * scale)
    alpha = background.reindex(features, fill_value=0.0) * scale
    n1, n2 = float(a.sum()), float(b.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log((a + alpha) / (n1 + a0 - a - alpha)) - np.log((b + alpha) / (n2 + a0 - b - alpha))
        se = np.sqrt(1.0 / (a + alpha) + 1.0 / (b + alpha))
    out = pd.DataFrame(
        {"feature": features.astype(object), "first": a.values, "second": b.values, "prior": alpha.values,
         "log_odds": delta.values, "se": se.values}
    )
    out["z"] = out["log_odds"] / out["se"]
    out = out[np.isfinite(out["z"])]
    return out.sort_values(["z", "feature"], ascending=[False, True], ignore_index=True)[columns]


def _groups(comments: pd.DataFrame) -> pd.Series:
    from cs_metrics.nps import classify

    if "score" not in comments.columns or "comment" not in comments.columns:
        raise DataError(_("Comments need a 'comment' and a 'score' column."))
    return classify(comments["score"]) if len(comments) else pd.Series(dtype=object)


def distinguishing_words(
    comments: pd.DataFrame,
    *,
    language: str | None = None,
    top: int = 10,
    min_count: int = 3,
    prior_size: float | None = None,
    words: Words | None = None,
) -> pd.DataFrame:
    """Words that set detractors' comments apart from promoters' (and the other way round).

    ``comments`` has one row per response with ``comment``, ``score`` and, to pick a language,
    ``language``. Counts come from detractors (0-6) and promoters (9-10); the prior is every
    comment of that language, passives included. Words used fewer than ``min_count`` times in
    all are left out. ``words``: ``split_words(comments["comment"])`` when already made (several
    languages and the themes count from one split).

    Returns
    -------
    DataFrame
        ``word``, ``detractors``, ``promoters`` (times used), ``z`` (positive: detractors' word),
        ``side`` (``detractor`` / ``promoter``): the ``top`` words of each side, strongest first.
    """
    columns = ["word", "detractors", "promoters", "log_odds", "z", "side"]
    empty = pd.DataFrame({c: pd.Series(dtype=float if c in ("detractors", "promoters", "log_odds", "z") else object)
                          for c in columns})
    rows = comments["comment"].notna().to_numpy(dtype=bool) if len(comments) else np.zeros(0, dtype=bool)
    if language is not None and "language" in comments.columns:
        rows = rows & (comments["language"] == language).to_numpy(dtype=bool)
    if not rows.any():
        return empty
    if language is not None and language not in STOP_WORDS:
        raise DataError(_("Unknown language {language}: use one of {languages} (or None for both).").format(
            language=repr(language), languages=sorted(STOP_WORDS)))
    groups = _groups(comments[rows]).to_numpy(dtype=object)
    words = words if words is not None else split_words(comments["comment"])
    if len(words) != len(comments):
        raise DataError(_("The words were split from other comments; split these comments' words."))

    def counted(weight: np.ndarray) -> pd.Series:
        full = np.zeros(len(comments))
        full[rows] = weight
        totals = words.totals(full)
        use = kept & (totals > 0)
        return pd.Series(totals[use], index=pd.Index(words.vocabulary[use], dtype=object), dtype=np.int64)

    kept = words.kept(language)
    background = counted(np.ones(len(groups)))
    det = counted((groups == "detractor").astype(float))
    pro = counted((groups == "promoter").astype(float))
    both = det.add(pro, fill_value=0)
    keep = set(background.index[background >= min_count]) & set(both.index[both > 0])
    if not keep or (det.sum() == 0 and pro.sum() == 0):
        return empty
    table = log_odds(det, pro, prior=background, prior_size=prior_size)
    table = table[table["feature"].isin(keep)].rename(
        columns={"feature": "word", "first": "detractors", "second": "promoters"}
    )
    table["side"] = np.where(table["z"] > 0, "detractor", "promoter")
    det_side = table[table["z"] > 0].head(top)
    pro_side = table[table["z"] < 0].sort_values("z").head(top)
    return pd.concat([det_side, pro_side], ignore_index=True)[columns]


# --- themes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    """A named group of keywords, in English and in Italian (``*`` at the end: any ending)."""

    key: str
    label: str
    en: tuple[str, ...]
    it: tuple[str, ...]

    @property
    def keywords(self) -> tuple[str, ...]:
        return self.en + self.it

    def describe(self) -> str:
        return ", ".join(dict.fromkeys(self.keywords))


THEMES: tuple[Theme, ...] = (
    Theme("onboarding", "Onboarding and go-live",
          ("onboard*", "setup", "rollout", "live", "kickoff", "implementation*"),
          ("onboarding", "avvio", "avviat*", "partenz*", "partire", "operativ*", "attivazion*")),
    Theme("support", "Support and tickets",
          ("support", "ticket*", "helpdesk", "queue", "fix", "fixes"),
          ("assistenza", "supporto", "ticket*", "richiest*", "risolv*")),
    Theme("price", "Price and value",
          ("price*", "pricing", "expensive", "cheap*", "cost*", "value", "paid"),
          ("prezz*", "caro", "cara", "costo", "costi", "investiment*", "ripagat*", "qualità")),
    Theme("reporting", "Reports and data",
          ("report*", "dashboard*", "export*", "spreadsheet*", "numbers"),
          ("report", "cruscott*", "esport*", "excel", "numeri", "dati")),
    Theme("integrations", "Integrations",
          ("integrat*", "connector*", "api", "erp", "crm"),
          ("integrazion*", "connettor*", "gestional*", "collegament*", "collegat*", "api", "crm")),
    Theme("training", "Training and help material",
          ("train*", "tutorial*", "webinar*", "course*", "help"),
          ("formazion*", "formativ*", "tutorial*", "webinar*", "corso", "corsi", "imparat*")),
    Theme("billing", "Billing and invoices",
          ("invoice*", "billing", "billed", "charged", "payment*"),
          ("fattur*", "addebit*", "pagament*")),
    Theme("csm", "Customer success relationship",
          ("csm", "manager", "account", "review*", "relationship"),
          ("referente", "csm", "manager", "incontr*", "rapporto")),
)
THEME_BY_KEY: dict[str, Theme] = {t.key: t for t in THEMES}


_LETTER = r"[^\W\d_]"


def _pattern(keywords: Iterable[str]) -> re.Pattern:
    """One regex matching any keyword as a whole word (a maximal run of letters, as ``tokenize``
    splits), a trailing ``*`` allowing any further letters."""
    parts = [re.escape(k[:-1]) + _LETTER + "*" if k.endswith("*") else re.escape(k) for k in dict.fromkeys(keywords)]
    return re.compile(rf"(?<!{_LETTER})(?:{'|'.join(parts)})(?!{_LETTER})", re.IGNORECASE)


def _mentions(texts: pd.Series, theme: Theme) -> pd.Series:
    # Equal texts are matched once.
    codes, distinct = pd.factorize(texts.astype(object).where(texts.notna(), "").astype(str))
    lowered = pd.Series(np.asarray(distinct, dtype=object), dtype=object).str.lower()
    found = lowered.str.contains(_pattern(theme.keywords), regex=True).to_numpy(dtype=bool)
    found = found[codes] if len(found) else np.zeros(len(texts), dtype=bool)
    return pd.Series(found, index=texts.index, dtype=bool, name=texts.name)


def theme_mentions(texts: Iterable[str | None], themes: tuple[Theme, ...] = THEMES, *,
                   words: Words | None = None) -> np.ndarray:
    """Which of ``themes`` each text mentions (a boolean array, one row per text, one column per
    theme), as ``mentions_theme`` decides it for one theme: a whole word (a run of letters) equal
    to a keyword, or starting with a keyword ending in ``*``. The texts are split into words once
    (``split_words``; ``words`` when already made) and each distinct word matched against the
    keywords once, so many themes cost one pass.

    Example
    -------
    >>> theme_mentions(["Fatture sbagliate", "Great reports", None], THEMES[-2:]).tolist()
    [[True, False], [False, False], [False, False]]
    """
    words = words if words is not None else split_words(texts)
    exact = [{k for k in th.keywords if not k.endswith("*")} for th in themes]
    prefixes = [tuple(k[:-1] for k in th.keywords if k.endswith("*")) for th in themes]
    masks = np.fromiter(
        (sum(1 << j for j in range(len(themes)) if word in exact[j] or word.startswith(prefixes[j]))
         for word in words.vocabulary), dtype=np.int64, count=len(words.vocabulary))
    per_text = np.zeros(words.n_texts, dtype=np.int64)
    hit = masks[words.word] != 0
    np.bitwise_or.at(per_text, words.owner[hit], masks[words.word[hit]])
    per_row = np.where(words.text >= 0, per_text[np.maximum(words.text, 0)] if words.n_texts else 0, 0)
    bits = np.array([1 << j for j in range(len(themes))], dtype=np.int64)
    return (per_row[:, None] & bits[None, :]) != 0


def mentions_theme(texts: pd.Series, theme: str | Theme) -> pd.Series:
    """True where a text uses one of the theme's keywords (either language).

    Example
    -------
    >>> mentions_theme(pd.Series(["Fatture sbagliate", "Great reports", None]), "billing").tolist()
    [True, False, False]
    """
    if isinstance(theme, str):
        if theme not in THEME_BY_KEY:
            raise DataError(_("Unknown theme {theme}; use one of {themes}.").format(theme=repr(theme),
                                                                                 themes=sorted(THEME_BY_KEY)))
        theme = THEME_BY_KEY[theme]
    return _mentions(texts, theme)


def theme_table(comments: pd.DataFrame, *, themes: tuple[Theme, ...] = THEMES,
                words: Words | None = None) -> pd.DataFrame:
    """Per theme: how many detractor, passive and promoter comments mention it, and which side it leans to.

    ``detractor_share`` / ``promoter_share`` are the mentioning comments over all comments of that
    group; ``z`` is the weighted log-odds (see ``log_odds``) of the theme's mentions among
    detractors versus promoters, with all mentions (passives included) as the prior: positive
    means a detractors' theme. Sorted by ``z`` descending. ``words``:
    ``split_words(comments["comment"])`` when already made.
    """
    columns = ["theme", "label", "keywords", "detractors", "passives", "promoters", "detractor_share",
               "promoter_share", "z"]
    if words is not None and len(words) != len(comments):
        raise DataError(_("The words were split from other comments; split these comments' words."))
    hits = theme_mentions(comments["comment"], themes, words=words) if len(comments) else None
    present = comments["comment"].notna().to_numpy(dtype=bool) if len(comments) else np.zeros(0, dtype=bool)
    comments = comments[present] if len(comments) else comments
    if comments.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    groups = _groups(comments)
    hits = hits[present]
    of_group = {g: (groups == g).to_numpy(dtype=bool) for g in ("detractor", "passive", "promoter")}
    rows = []
    for column, theme in enumerate(themes):
        rows.append({"theme": theme.key, "label": theme.label, "keywords": theme.describe(),
                     **{f"{g}s": int((hits[:, column] & of_group[g]).sum()) for g in of_group}})
    table = pd.DataFrame(rows)
    n_det, n_pro = int((groups == "detractor").sum()), int((groups == "promoter").sum())
    table["detractor_share"] = table["detractors"] / n_det if n_det else math.nan
    table["promoter_share"] = table["promoters"] / n_pro if n_pro else math.nan
    prior = table.set_index("theme")[["detractors", "passives", "promoters"]].sum(axis=1)
    if prior.sum() > 0 and (table["detractors"].sum() + table["promoters"].sum()) > 0:
        odds = log_odds(table.set_index("theme")["detractors"], table.set_index("theme")["promoters"], prior=prior)
        table["z"] = table["theme"].map(odds.set_index("feature")["z"])
    else:
        table["z"] = math.nan
    return table.sort_values("z", ascending=False, ignore_index=True)[columns]


def filter_by_theme(comments: pd.DataFrame, theme: str | None) -> pd.DataFrame:
    """The rows of ``comments`` whose ``comment`` mentions ``theme`` (all rows when ``theme`` is None)."""
    if theme is None or comments.empty:
        return comments
    return comments[mentions_theme(comments["comment"], theme)]


#: The NPS groups a comment can be filtered by.
GROUPS = ("detractor", "passive", "promoter")


def filter_comments(
    comments: pd.DataFrame,
    *,
    search: str = "",
    languages: tuple[str, ...] = (),
    groups: tuple[str, ...] = (),
    theme: str | None = None,
) -> pd.DataFrame:
    """The rows of ``comments`` (with ``comment``, ``language`` and ``group``) whose comment
    contains ``search`` (case-insensitive), in one of ``languages`` and ``groups`` and about
    ``theme``; an empty filter keeps every row.

    Example
    -------
    >>> c = pd.DataFrame({"comment": ["Fattura sbagliata", "Great support", "invoice late"],
    ...                   "language": ["it", "en", "en"], "group": ["detractor", "promoter", "detractor"]})
    >>> filter_comments(c, search="FATT")["comment"].tolist()
    ['Fattura sbagliata']
    >>> filter_comments(c, groups=("detractor",), theme="billing", languages=("en",))["comment"].tolist()
    ['invoice late']
    """
    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        raise DataError(_("Unknown group(s) {unknown}; use detractor, passive or promoter.").format(unknown=unknown))
    keep = pd.Series(True, index=comments.index)
    term = search.strip().lower()
    if term:
        lowered = comments["comment"].astype(object).where(comments["comment"].notna(), "").astype(str).str.lower()
        keep &= lowered.str.contains(term, regex=False)
    if languages:
        keep &= comments["language"].isin(languages)
    if groups:
        keep &= comments["group"].isin(groups)
    return filter_by_theme(comments[keep.to_numpy(dtype=bool)], theme)
