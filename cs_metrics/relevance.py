"""Which agenda items are about the customer? A visible lexicon proposes a label; a person confirms it.

``suggest_relevance`` proposes ``none``, ``indirect`` or ``direct`` for an agenda item title
(English or Italian) from a small lexicon of weighted terms, and says which terms produced it.
``suggestion_accuracy`` measures the proposals against labels given by people.
``resolve_relevance`` and ``relevance_choice`` translate between a stored label (with who chose
it) and the choice offered in the logging form, where ``ACCEPT_SUGGESTION`` takes the proposal.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cs_metrics import vocab
from cs_metrics.errors import DataError
from cs_metrics.i18n import _, formats
from cs_metrics.meetings import ItemDraft, MeetingError

#: The lexicon: term -> weight. A term is lower-case, accents removed; ``*`` ends a prefix (so
#: ``client*`` matches client, clients, cliente, clienti, clientela). Longer phrases are matched
#: first and hide the words they contain. Positive weights of 1 or more mark the customer named
#: directly (kind ``direct``); smaller positive weights mark things customers meet or pay for
#: (kind ``indirect``); negative weights mark internal matters.
LEXICON: dict[str, tuple[str, float]] = {
    # -- the customer named directly (English)
    "customer*": ("direct", 1.0), "client*": ("direct", 1.0), "consumer*": ("direct", 1.0),
    "shopper*": ("direct", 1.0), "buyer*": ("direct", 0.8), "user*": ("direct", 0.8),
    "end user*": ("direct", 1.0), "account holder*": ("direct", 1.0), "patient*": ("direct", 1.0), "pazient*": ("direct", 1.0),
    "nps": ("direct", 1.0), "net promoter": ("direct", 1.0), "detractor*": ("direct", 1.0),
    "promoter*": ("direct", 1.0), "churn*": ("direct", 1.0), "complain*": ("direct", 1.0),
    "complaint*": ("direct", 1.0), "escalation*": ("direct", 1.0), "onboarding*": ("direct", 1.0),
    "renew*": ("direct", 1.0), "feedback": ("direct", 1.0), "satisfaction": ("direct", 1.0),
    "testimonial*": ("direct", 1.0), "voice of the": ("direct", 1.0), "first value": ("direct", 1.0),
    "feature request*": ("direct", 1.0), "usability": ("direct", 1.0), "user research": ("direct", 1.0),
    "reported by": ("direct", 1.0), "requested by": ("direct", 1.0), "advisory board": ("direct", 1.0),
    "success plan*": ("direct", 1.0), "retention": ("direct", 1.0), "refund*": ("direct", 1.0),
    "why we lost": ("direct", 1.0), "beta": ("direct", 1.0), "guest*": ("direct", 1.0),
    "subscriber*": ("direct", 1.0), "cancellation*": ("direct", 1.0), "unhappy": ("direct", 1.0),
    # -- the customer named directly (Italian)
    "utent*": ("direct", 1.0), "consumator*": ("direct", 1.0), "reclam*": ("direct", 1.0),
    "lamentel*": ("direct", 1.0), "disdett*": ("direct", 1.0), "abbandono": ("direct", 0.8),
    "rinnov*": ("direct", 1.0), "soddisfazion*": ("direct", 1.0), "detrattor*": ("direct", 1.0),
    "promotor*": ("direct", 1.0), "testimonian*": ("direct", 1.0), "primo valore": ("direct", 1.0),
    "rimbors*": ("direct", 1.0), "segnalat* da": ("direct", 1.0), "richiest* da": ("direct", 1.0),
    "ospit*": ("direct", 1.0), "abbonat*": ("direct", 1.0), "acquirent*": ("direct", 1.0),
    "resi": ("direct", 1.0), "returns": ("direct", 1.0), "product returns": ("direct", 1.0),
    # -- what customers meet, use or pay for (English)
    "customer portal": ("indirect", 0.6), "customer success": ("indirect", 0.4),
    "pric*": ("indirect", 0.5), "discount*": ("indirect", 0.5), "invoic*": ("indirect", 0.5),
    "billing": ("indirect", 0.5), "payment reminder*": ("indirect", 0.5), "collections": ("indirect", 0.5),
    "portal*": ("indirect", 0.5), "website": ("indirect", 0.5), "web shop": ("indirect", 0.5),
    "webshop": ("indirect", 0.5), "e commerce": ("indirect", 0.5), "ecommerce": ("indirect", 0.5),
    "checkout": ("indirect", 0.5), "mobile app": ("indirect", 0.5), "deliver*": ("indirect", 0.5),
    "shipping": ("indirect", 0.5), "shipment*": ("indirect", 0.5), "packag*": ("indirect", 0.5),
    "support": ("indirect", 0.5), "help cent*": ("indirect", 0.5), "helpdesk": ("indirect", 0.4),
    "help desk": ("indirect", 0.4), "uptime": ("indirect", 0.5), "outage*": ("indirect", 0.5),
    "downtime": ("indirect", 0.5), "status page": ("indirect", 0.5), "api": ("indirect", 0.5),
    "sla*": ("indirect", 0.5), "service level*": ("indirect", 0.5), "response time*": ("indirect", 0.5),
    "roadmap": ("indirect", 0.5), "feature*": ("indirect", 0.4), "bug*": ("indirect", 0.5),
    "quality": ("indirect", 0.5), "brand": ("indirect", 0.5), "reputation": ("indirect", 0.5),
    "data protection": ("indirect", 0.5), "privacy": ("indirect", 0.5), "gdpr": ("indirect", 0.5),
    "terms and conditions": ("indirect", 0.5), "webinar*": ("indirect", 0.5),
    "newsletter*": ("indirect", 0.5), "community": ("indirect", 0.5), "documentation": ("indirect", 0.5),
    "warranty": ("indirect", 0.5), "out of stock": ("indirect", 0.5), "stock availability": ("indirect", 0.5),
    "lead time*": ("indirect", 0.5), "call cent*": ("indirect", 0.5), "contact cent*": ("indirect", 0.5),
    "live chat": ("indirect", 0.5), "survey*": ("indirect", 0.5), "order*": ("indirect", 0.4),
    "proposal*": ("indirect", 0.5), "health score*": ("indirect", 0.6), "case stud*": ("indirect", 0.6),
    "pick accuracy": ("indirect", 0.5), "carrier*": ("indirect", 0.4), "opening hours": ("indirect", 0.5),
    "store*": ("indirect", 0.4), "shop*": ("indirect", 0.4), "accessibility": ("indirect", 0.5),
    "self service": ("indirect", 0.5), "tutorial*": ("indirect", 0.5), "user guide*": ("indirect", 0.5),
    "public": ("indirect", 0.4), "recall*": ("indirect", 0.5), "tracking": ("indirect", 0.4),
    # -- what customers meet, use or pay for (Italian)
    "prezz*": ("indirect", 0.5), "listin*": ("indirect", 0.5), "scont*": ("indirect", 0.5),
    "fattur*": ("indirect", 0.5), "sollecit*": ("indirect", 0.5), "portale": ("indirect", 0.5),
    "sito": ("indirect", 0.5), "negozi*": ("indirect", 0.4), "consegn*": ("indirect", 0.5),
    "spedizion*": ("indirect", 0.5), "imballagg*": ("indirect", 0.5), "assistenza": ("indirect", 0.5),
    "supporto": ("indirect", 0.5), "disponibilita": ("indirect", 0.4), "garanzia": ("indirect", 0.5),
    "qualita": ("indirect", 0.5), "marchio": ("indirect", 0.5), "reputazione": ("indirect", 0.5),
    "funzionalita": ("indirect", 0.4), "tempi di risposta": ("indirect", 0.5), "sondagg*": ("indirect", 0.5),
    "ordin*": ("indirect", 0.4), "offert*": ("indirect", 0.5), "app": ("indirect", 0.5),
    "guasti": ("indirect", 0.5), "disservizi*": ("indirect", 0.5), "tracciamento": ("indirect", 0.4),
    "punto vendita": ("indirect", 0.5), "carrello": ("indirect", 0.4), "punti vendita": ("indirect", 0.5), "vetrin*": ("indirect", 0.4),
    # -- internal matters (English)
    "internal": ("internal", -0.8), "budget*": ("internal", -0.8), "payroll": ("internal", -0.8),
    "salar*": ("internal", -0.8), "hiring": ("internal", -0.8), "recruit*": ("internal", -0.8),
    "headcount": ("internal", -0.8), "holiday*": ("internal", -0.8), "vacation*": ("internal", -0.8),
    "expense*": ("internal", -0.8), "audit*": ("internal", -0.8), "tax*": ("internal", -0.8),
    "vat": ("internal", -0.8), "lease": ("internal", -0.8), "office*": ("internal", -0.8),
    "insurance": ("internal", -0.8), "licen*": ("internal", -0.8), "laptop*": ("internal", -0.8),
    "server*": ("internal", -0.8), "backup*": ("internal", -0.8), "patch*": ("internal", -0.8),
    "staff*": ("internal", -0.8), "team": ("internal", -0.6), "rota": ("internal", -0.8),
    "shift*": ("internal", -0.8), "forklift*": ("internal", -0.8), "sprint*": ("internal", -0.8),
    "technical debt": ("internal", -0.8), "architecture": ("internal", -0.8), "refactor*": ("internal", -0.8),
    "quota*": ("internal", -0.8), "commission*": ("internal", -0.8), "territor*": ("internal", -0.8),
    "dividend*": ("internal", -0.8), "covenant*": ("internal", -0.8), "remuneration": ("internal", -0.8),
    "risk register": ("internal", -0.8), "reconciliation": ("internal", -0.8), "supplier*": ("internal", -0.8),
    "vendor*": ("internal", -0.8), "procurement": ("internal", -0.8), "facilit*": ("internal", -0.8),
    "parking": ("internal", -0.8), "canteen": ("internal", -0.8), "safety": ("internal", -0.8),
    "agency": ("internal", -0.8), "offsite": ("internal", -0.8), "appraisal*": ("internal", -0.8),
    "employee*": ("internal", -0.8), "intranet": ("internal", -0.8), "year end": ("internal", -0.8),
    "closing": ("internal", -0.6), "capital expenditure": ("internal", -0.8), "capex": ("internal", -0.8),
    "compliance training": ("internal", -0.8), "org chart": ("internal", -0.8), "reorganisation": ("internal", -0.8),
    # -- internal matters (Italian)
    "intern*": ("internal", -0.8), "bilancio": ("internal", -0.8), "paghe": ("internal", -0.8),
    "stipend*": ("internal", -0.8), "assunzion*": ("internal", -0.8), "selezione del personale": ("internal", -0.8),
    "organico": ("internal", -0.8), "ferie": ("internal", -0.8), "note spese": ("internal", -0.8),
    "spese": ("internal", -0.6), "tasse": ("internal", -0.8), "iva": ("internal", -0.8),
    "affitto": ("internal", -0.8), "uffic*": ("internal", -0.8), "assicurazion*": ("internal", -0.8),
    "licenz*": ("internal", -0.8), "portatil*": ("internal", -0.8), "personale": ("internal", -0.8),
    "dipendent*": ("internal", -0.8), "turni": ("internal", -0.8), "carrell* elevator*": ("internal", -0.8), "muletto": ("internal", -0.8),
    "manutenzione": ("internal", -0.6), "debito tecnico": ("internal", -0.8), "architettura": ("internal", -0.8),
    "provvigion*": ("internal", -0.8), "fornitor*": ("internal", -0.8), "collegio sindacale": ("internal", -0.8),
    "sicurezza sul lavoro": ("internal", -0.8), "agenzia": ("internal", -0.8), "formazione interna": ("internal", -0.8),
    "chiusura": ("internal", -0.6), "inventario": ("internal", -0.6), "server": ("internal", -0.8),
    "rete": ("internal", -0.6), "magazzino": ("internal", -0.4), "squadra": ("internal", -0.6),
}

#: A title scoring at least this much, with a directly-customer term, is labelled ``direct``.
DIRECT_THRESHOLD = 0.9
#: A title scoring at least this much (and not ``direct``) is labelled ``indirect``.
INDIRECT_THRESHOLD = 0.4


@dataclass(frozen=True)
class Suggestion:
    """A proposed relevance label, its score, and the lexicon terms that produced it.

    ``matched_terms`` lists the lexicon entries found in the text, in lexicon order; ``weights``
    gives each one's contribution to ``score`` (their sum).
    """

    label: str
    score: float
    matched_terms: tuple[str, ...] = ()
    weights: tuple[float, ...] = field(default=())

    def explain(self) -> str:
        """The terms and weights behind the label, e.g. ``"customer* +1.0, deliver* +0.5"``."""
        if not self.matched_terms:
            return _("no term of the lexicon found")
        return ", ".join(f"{t} {formats.decimal(w, 1, sign=True)}" for t, w in zip(self.matched_terms, self.weights))


def normalise_text(text: str) -> str:
    """Lower case, accents removed, anything but letters and digits turned into single spaces.

    Example
    -------
    >>> normalise_text("Qualità dell'assistenza — e-commerce")
    'qualita dell assistenza e commerce'
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def _term_pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(w.rstrip("*")) + (r"[a-z0-9]*" if w.endswith("*") else "") for w in term.split()]
    return re.compile(r"\b" + r"\s+".join(words) + r"\b")


_PATTERNS: list[tuple[str, re.Pattern[str], str, float]] = sorted(
    ((t, _term_pattern(t), kind, w) for t, (kind, w) in LEXICON.items()),
    key=lambda entry: (-len(entry[0].split()), -len(entry[0])),
)


def suggest_relevance(text: str) -> Suggestion:
    """Propose none / indirect / direct for an agenda item title, from the weighted ``LEXICON``.

    Each lexicon term found counts once; longer phrases are matched first and hide the words
    they contain. ``score`` is the sum of the weights found. The label is ``direct`` when a term
    naming the customer directly was found and the score reaches ``DIRECT_THRESHOLD``,
    ``indirect`` when the score reaches ``INDIRECT_THRESHOLD``, else ``none``. Empty text gives
    ``none`` with score 0.

    Example
    -------
    >>> s = suggest_relevance("Late deliveries to customers in the South")
    >>> s.label, s.score, s.matched_terms
    ('direct', 1.5, ('customer*', 'deliver*'))
    >>> suggest_relevance("Ferie del team").label
    'none'
    """
    remaining = f" {normalise_text(text)} "
    found: dict[str, tuple[str, float]] = {}
    for term, pattern, kind, weight in _PATTERNS:
        if pattern.search(remaining):
            found[term] = (kind, weight)
            remaining = pattern.sub(" ", remaining)
    ordered = [t for t in LEXICON if t in found]
    weights = tuple(found[t][1] for t in ordered)
    score = float(round(sum(weights), 10))
    has_direct = any(found[t][0] == "direct" for t in ordered)
    if has_direct and score >= DIRECT_THRESHOLD:
        label = "direct"
    elif score >= INDIRECT_THRESHOLD:
        label = "indirect"
    else:
        label = "none"
    return Suggestion(label=label, score=score, matched_terms=tuple(ordered), weights=weights)


def suggestion_accuracy(texts: Sequence[str], labels: Sequence[str]) -> tuple[float, pd.DataFrame]:
    """Share of ``texts`` whose suggested label equals the person's label, and the confusion table.

    Returns ``(accuracy, confusion)``, ``confusion`` indexed by the person's label and with one
    column per suggested label (counts). Empty input gives NaN and an all-zero table.

    Example
    -------
    >>> acc, table = suggestion_accuracy(["Customer complaints", "Payroll calendar"], ["direct", "none"])
    >>> acc
    1.0
    """
    unknown = sorted(set(labels) - set(vocab.AGENDA_RELEVANCE))
    if unknown:
        raise DataError(_("Labels {unknown} are not relevance labels; use {labels}.").format(
            unknown=unknown, labels=list(vocab.AGENDA_RELEVANCE)))
    suggested = [suggest_relevance(t).label for t in texts]
    table = pd.crosstab(
        pd.Categorical(list(labels), categories=vocab.AGENDA_RELEVANCE),
        pd.Categorical(suggested, categories=vocab.AGENDA_RELEVANCE),
        rownames=["person"], colnames=["suggested"], dropna=False,
    )
    accuracy = float(np.mean([a == b for a, b in zip(labels, suggested)])) if len(suggested) else math.nan
    return accuracy, table


# --- the logging form's relevance choice ---------------------------------------------------------

#: The choice that accepts the suggested label in the logging form.
ACCEPT_SUGGESTION = "suggested"


def resolve_relevance(title: str, choice: str) -> tuple[str, str]:
    """(relevance, relevance_source) for an item: the suggestion when ``choice`` accepts it,
    else the person's label.

    Example
    -------
    >>> resolve_relevance("Customer complaints about returns", "suggested")
    ('direct', 'suggestion')
    >>> resolve_relevance("Customer complaints about returns", "indirect")
    ('indirect', 'person')
    """
    if choice == ACCEPT_SUGGESTION:
        return suggest_relevance(title).label, "suggestion"
    if choice not in vocab.AGENDA_RELEVANCE:
        raise MeetingError(_("Relevance {choice} is unknown; use none, indirect or direct.").format(choice=repr(choice)))
    return choice, "person"


def relevance_choice(item: ItemDraft) -> str:
    """The form choice that reproduces a stored item's label: the suggestion when it was accepted
    from one and the lexicon still proposes it, otherwise the label itself."""
    if item.relevance_source == "suggestion" and suggest_relevance(item.title).label == item.relevance:
        return ACCEPT_SUGGESTION
    return item.relevance
