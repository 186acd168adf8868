"""The fixed words of a board pack, in English and Italian: headings, section titles, verdicts,
definitions, methods, and the period as a pack writes it."""

from __future__ import annotations

from cs_metrics.period import Period
from cs_metrics.tiles import (
    AREAS,
    DETECTABLE,
    MIN_CUSTOMERS,
    MIN_MEETINGS,
    MIN_NPS_RESPONSES,
    NOT_APPLICABLE,
    NOT_DETECTABLE,
    NOT_TESTABLE,
)

#: Languages a pack is written in.
LANGUAGES: tuple[str, ...] = ("en", "it")

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Customer posture", "subtitle": "Board pack", "period": "Period", "compare": "Compared with",
        "customers": "Customers", "generated": "Generated", "freshness": "Data up to", "changed": "What changed",
        "context": "Customers and revenue", "figure": "Figure", "value": "Value", "previous": "Previous",
        "change": "Change", "test": "Change reading", "n": "n", "reading": "Reading",
        "since": "Since the last pack", "no_since": "No figure changed since the last pack",
        "saved": "saved", "appendix": "Appendix: definitions and methods", "sections": "Sections",
        "page": "Page", "demo": "demo data", "company_wide": "Company-wide: the customer filters do not apply.",
        "too_few": "too few observations to read with confidence",
        "left_out": "Left out", "no_data_period": "no data for this period",
        "contents": "Contents", "summary": "Summary: the posture on one page", "meaning": "What this means",
        "contradiction": "Largest contradiction", "notes_definitions": "Definitions",
        "notes_tests": "How each change was read", "notes_freshness": "Data freshness", "interval": "95% CI",
        "of": "of",
        "at_risk": "Largest accounts at risk", "account": "Customer", "owner": "Owner", "arr": "ARR",
        "score": "Score", "why": "Why", "no_owner": "no owner", "plan": "Owner's plan",
        "next_step": "Next step (due)", "no_plan": "no plan yet",
    },
    "it": {
        "title": "Postura verso il cliente", "subtitle": "Documento per il consiglio", "period": "Periodo",
        "compare": "Confrontato con", "customers": "Clienti", "generated": "Generato", "freshness": "Dati fino al",
        "changed": "Che cosa è cambiato", "context": "Clienti e ricavi", "figure": "Indicatore", "value": "Valore",
        "previous": "Precedente", "change": "Variazione", "test": "Lettura della variazione", "n": "n",
        "reading": "Lettura", "since": "Dall'ultimo documento", "no_since": "Nessun indicatore è cambiato dall'ultimo documento",
        "saved": "salvato il", "appendix": "Appendice: definizioni e metodi", "sections": "Sezioni",
        "page": "Pagina", "demo": "dati dimostrativi",
        "company_wide": "Riguarda tutta l'azienda: i filtri sui clienti non si applicano.",
        "too_few": "troppo poche osservazioni per una lettura affidabile",
        "left_out": "Esclusi", "no_data_period": "nessun dato per questo periodo",
        "contents": "Indice", "summary": "Sintesi: la postura in una pagina", "meaning": "Che cosa significa",
        "contradiction": "Contraddizione principale", "notes_definitions": "Definizioni",
        "notes_tests": "Come è stata letta ogni variazione", "notes_freshness": "Aggiornamento dei dati",
        "interval": "IC 95%", "of": "di",
        "at_risk": "Clienti a rischio con più ARR", "account": "Cliente", "owner": "Responsabile", "arr": "ARR",
        "score": "Punteggio", "why": "Perché", "no_owner": "nessun responsabile", "plan": "Piano del responsabile",
        "next_step": "Prossimo passo (scadenza)", "no_plan": "nessun piano ancora",
    },
}

SECTION_TITLES: dict[str, dict[str, str]] = {
    "en": {**AREAS},
    "it": {"nps": "NPS", "health": "Salute dei clienti", "onboarding": "Onboarding", "retention": "Churn e retention",
           "renewals": "Rinnovi in arrivo", "maturity": "Maturità", "meetings": "Riunioni", "customers": "Clienti"},
}

VERDICTS_IT: dict[str, str] = {
    DETECTABLE: "statisticamente rilevabile",
    NOT_DETECTABLE: "nessun cambiamento rilevabile",
    NOT_APPLICABLE: "nessun test applicabile",
    NOT_TESTABLE: "dati insufficienti per il test",
}

#: Italian definitions of the figures (the English ones are the tiles' own).
DEFINITIONS_IT: dict[str, str] = {
    "nps": "% di promotori (9-10) meno % di detrattori (0-6) tra le risposte del periodo; intervallo al 95% "
    "con il metodo di Wald corretto (Rocks 2016). La variazione è verificata con un test z a due campioni.",
    "health_green": "Quota dei clienti valutati nella fascia verde (punteggio sopra 75) nell'ultimo mese con "
    "segnali; punteggio = media pesata degli indicatori normalizzati. Conta tutti i clienti: nessun test.",
    "health_green_arr": "Quota dell'ARR (12 x MRR del mese) dei clienti valutati che sta nella fascia verde.",
    "health_red": "Quota dei clienti valutati nella fascia rossa (punteggio 50 o meno).",
    "ttfv": "Mediana di Kaplan-Meier dei giorni dalla firma al primo valore per i clienti firmati nel periodo; "
    "chi è ancora in onboarding è censurato, non escluso. Variazione verificata con il test log-rank.",
    "ttfv_within_target": "Quota dei clienti firmati nel periodo che raggiunge il primo valore entro il target "
    "(1 - S(t) della curva di Kaplan-Meier). Variazione verificata con il test log-rank.",
    "logo_churn": "Clienti persi nel periodo diviso clienti attivi all'inizio (esclusi i firmati nel periodo). "
    "Conta tutti i clienti: nessun test.",
    "grr": "Ricavi mantenuti dai clienti paganti all'inizio del periodo, ciascuno al massimo pari al ricavo "
    "iniziale (l'espansione non conta); mai sopra il 100%.",
    "nrr": "Ricavi a fine periodo dei clienti paganti all'inizio, in rapporto ai loro ricavi iniziali; "
    "l'espansione conta, quindi può superare il 100%.",
    "maturity": "Stadio mediano autovalutato (1 Isola ... 5 Social Business) su tutte le risposte dell'ultimo "
    "round, contro il round precedente; variazione verificata con il test U di Mann-Whitney. Valutato dai "
    "team: i filtri sui clienti non si applicano.",
    "meeting_share": "Minuti dei punti all'ordine del giorno che riguardano il cliente sul totale dei minuti "
    "registrati nelle riunioni del periodo, contro il 5% implicito nella stima del 95% di contenuti interni. "
    "Variazione verificata con un test z sui due rapporti.",
    "renewals_90": "ARR dei clienti con contratti di 12 mesi o più il cui termine cade nei 90 giorni dopo la data "
    "di riferimento, come nella pagina Churn e retention. Conta tutti i contratti: nessun test. Il dettaglio dà la "
    "quota di questo ARR dei clienti in fascia rossa (l'ultima fascia di salute) e l'ARR che si prevede rinnovi, "
    "ogni contratto al tasso storico di mancato rinnovo della sua fascia, con il suo intervallo (ogni fascia agli "
    "estremi del suo intervallo di Wilson al 95%). Il valore di confronto è l'ARR in scadenza nei 90 giorni dopo "
    "l'ultimo giorno del periodo di confronto, come noto quel giorno. Più ARR in rinnovo non è né meglio né "
    "peggio: è ciò che è in gioco.",
    "customers": "Clienti firmati entro l'ultimo giorno del periodo e non persi a quella data.",
    "arr": "12 x i ricavi ricorrenti mensili dell'ultimo mese del periodo.",
}

METHODS: dict[str, tuple[str, ...]] = {
    "en": (
        "Sampled figures (NPS, time to first value, maturity, meeting time) carry n and a 95% interval; a change "
        "is called statistically detectable only when its test gives p < 0.05. Census figures (health bands, "
        "churn, revenue retention, customers, ARR) count every customer: no test applies to their change.",
        f"Below a minimum n (NPS {MIN_NPS_RESPONSES} responses, {MIN_CUSTOMERS} customers, "
        f"{MIN_MEETINGS} meetings, 3 answers per maturity dimension) a figure is marked too uncertain to read.",
        "NPS interval: adjusted Wald (Rocks 2016: 0.75 detractor, 1.5 passive, 0.75 promoter added), clipped "
        "to -100..100. Time to first value: Kaplan-Meier with right-censoring (customers still onboarding, or "
        "lost before first value, are censored), log-rank test between signing cohorts.",
        "Health bands: score 50 or below red, above 50 to 75 yellow, above 75 green. Trends: each point is the "
        "same figure over a window as long as the period, ending at a month end.",
        "Peer medians on the retention trend (dashed): SaaS Capital's 2023 survey of private B2B SaaS companies "
        "above $1M ARR, for the band of annual contract value holding the company's ARR per paying customer "
        "(band edges in US dollars). A median is the middle company, not a target.",
    ),
    "it": (
        "Gli indicatori campionari (NPS, tempo al primo valore, maturità, tempo delle riunioni) riportano n e un "
        "intervallo al 95%; una variazione è detta statisticamente rilevabile solo se il test dà p < 0,05. Gli "
        "indicatori censuari (fasce di salute, churn, retention dei ricavi, clienti, ARR) contano tutti i clienti: "
        "nessun test si applica alla loro variazione.",
        f"Sotto un n minimo (NPS {MIN_NPS_RESPONSES} risposte, {MIN_CUSTOMERS} clienti, {MIN_MEETINGS} "
        "riunioni, 3 risposte per dimensione di maturità) un indicatore è segnato come troppo incerto.",
        "Intervallo NPS: Wald corretto (Rocks 2016: si aggiungono 0,75 detrattori, 1,5 passivi, 0,75 promotori), "
        "limitato a -100..100. Tempo al primo valore: Kaplan-Meier con censura a destra, test log-rank tra coorti.",
        "Fasce di salute: 50 o meno rosso, oltre 50 fino a 75 giallo, oltre 75 verde. Andamenti: ogni punto è lo "
        "stesso indicatore su una finestra lunga quanto il periodo, che termina a fine mese.",
        "Mediane di riferimento sull'andamento della retention (tratteggiate): l'indagine 2023 di SaaS Capital sulle "
        "aziende SaaS B2B private sopra 1 milione di dollari di ARR, per la fascia di valore annuo del contratto che "
        "contiene l'ARR per cliente pagante dell'azienda (soglie in dollari). Una mediana è l'azienda di mezzo, non "
        "un obiettivo.",
    ),
}


_MONTHS_IT = ("gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic")


def period_label(period: Period, language: str = "en") -> str:
    """The period as shown in a pack, from its first to its last day, with Italian month names in
    Italian packs.

    Example
    -------
    >>> import datetime as dt
    >>> period_label(Period(dt.date(2025, 11, 1), dt.date(2026, 10, 31)), "it")
    '01 nov 2025 – 31 ott 2026'
    """
    if language != "it":
        return period.label()
    return " – ".join(f"{d.day:02d} {_MONTHS_IT[d.month - 1]} {d.year}" for d in (period.first, period.last))
