"""Word lists and sentence templates about the company's own teams, for the demo company.

The teams and their maturity self-assessment (evidence, comments), and their meetings (meeting and
agenda item titles per department and relevance to customers, the customer item of the minutes,
decisions). Everything here is invented for the demo and written for it, in English and Italian.
``{customer}`` in an agenda title is replaced with a customer's name, ``{dept}`` and ``{month}``
in a meeting title with the department and the month.
"""

from __future__ import annotations

# --------------------------------------------------------------------------------------------
# Maturity self-assessment
# --------------------------------------------------------------------------------------------

#: (name, department, kind, respondents per round).
TEAMS: tuple[tuple[str, str, str, int], ...] = (
    ("Customer Success Italy", "Customer Success", "customer_facing", 6),
    ("Customer Success International", "Customer Success", "customer_facing", 5),
    ("Sales", "Sales", "customer_facing", 7),
    ("Support", "Customer Success", "customer_facing", 8),
    ("Marketing", "Marketing", "customer_facing", 4),
    ("Product", "Product", "internal", 6),
    ("IT", "IT", "internal", 5),
    ("Logistics", "Logistics", "internal", 4),
    ("Administration", "Administration", "internal", 2),
    ("Leadership", "Board", "leadership", 4),
)

MATURITY_EVIDENCE: dict[str, tuple[str, ...]] = {
    "culture": (
        "NPS verbatims are read aloud at the start of every monthly all-hands.",
        "Leadership reviews customer complaints in the board pack.",
        "We ask customers about their goals before proposing anything.",
        "Ogni trimestre incontriamo tre clienti per ascoltare le loro priorità.",
    ),
    "organization": (
        "Customer Success owns the voice-of-the-customer report and shares it with all departments.",
        "A cross-functional churn review meets every month.",
        "Sales and CS share one renewal forecast.",
        "Il team CS coordina un gruppo di lavoro con prodotto e vendite.",
    ),
    "customer_involvement": (
        "The customer advisory board met twice this year and chose two roadmap items.",
        "Five customers tested the new reporting module before launch.",
        "Customers co-wrote the onboarding checklist.",
        "Abbiamo invitato clienti alla revisione del processo di consegna.",
    ),
    "technology": (
        "Support conversations and NPS comments are linked to the CRM account.",
        "Health scores trigger tasks in the CRM automatically.",
        "Product feedback from the community flows into the backlog tool.",
        "I ticket di assistenza sono visibili a tutti i reparti nel CRM.",
    ),
}

MATURITY_COMMENTS: tuple[str, ...] = (
    "Better than last year, but it depends on who is in the room.",
    "We talk about this more than we act on it.",
    "Strong in our team, weaker across the company.",
    "Hard to judge; we have no data on it.",
    "Il cambiamento c'è, ma è ancora lento.",
    "Dipende molto dal progetto.",
)

# --------------------------------------------------------------------------------------------
# Meetings
# --------------------------------------------------------------------------------------------

#: Agenda item titles: language -> department -> relevance -> titles.
AGENDA_TITLES: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "en": {
        "Board": {
            "none": (
                "Quarterly financial results", "Approval of the annual budget",
                "Audit committee report", "Bank covenants review", "Remuneration policy",
                "Capital expenditure plan", "Risk register update",
                "Lease for the new headquarters", "Dividend proposal", "Tax advisory update",
            ),
            "indirect": (
                "Pricing strategy for next year", "Investment in the new support platform",
                "Brand repositioning proposal", "Data protection compliance status",
            ),
            "direct": (
                "Customer churn and retention review", "NPS trend and main detractor themes",
                "Top customers: health and renewal risk", "Escalation: {customer}",
                "Time to first value for new customers",
            ),
        },
        "IT": {
            "none": (
                "Server migration to the new data centre", "Patch management backlog",
                "Laptop refresh programme", "Backup and restore test results",
                "Office software licence audit", "Network upgrade in the warehouse",
                "Identity management rollout", "Cloud cost review", "Helpdesk staffing rota",
            ),
            "indirect": (
                "Uptime of the customer portal", "Checkout performance on the web shop",
                "Security review of the public API", "Status page improvements",
            ),
            "direct": (
                "Last outage: what customers experienced", "Integration issues reported by {customer}",
                "Single sign-on requested by customers",
            ),
        },
        "Logistics": {
            "none": (
                "Warehouse shift planning", "Forklift maintenance contract",
                "Carrier invoice reconciliation", "Stock count schedule", "Fuel cost trend",
                "Safety inspection follow-up", "Pallet racking replacement",
            ),
            "indirect": (
                "Pick accuracy in the central warehouse", "Packaging redesign",
                "Carrier performance scorecard",
            ),
            "direct": (
                "Delivery times for customers in the South", "Late deliveries to {customer}",
                "Customer complaints about damaged goods", "Same-day delivery for key customers",
            ),
        },
        "Administration": {
            "none": (
                "Payroll calendar for the holidays", "Year-end closing checklist",
                "Expense policy update", "Supplier payment terms", "VAT filing",
                "Office move logistics", "Insurance renewal", "Internal audit findings",
            ),
            "indirect": (
                "Invoice template redesign", "Collections process for overdue invoices",
                "E-invoicing compliance",
            ),
            "direct": (
                "Billing errors reported by customers", "Credit notes for {customer}",
                "Payment reminders: tone and timing towards customers",
            ),
        },
        "Sales": {
            "none": (
                "Pipeline review", "Commission plan", "Territory realignment",
                "Trade fair budget", "CRM data hygiene", "Hiring plan for account executives",
                "Quota attainment by quarter",
            ),
            "indirect": (
                "Discount policy", "Proposal template update", "Partner channel programme",
            ),
            "direct": (
                "Handover from sales to onboarding", "Why we lost {customer}",
                "Customer feedback on our buying process",
                "Expectations we set with new customers", "Renewal of {customer}",
            ),
        },
        "Customer Success": {
            "none": (
                "Team holiday planning", "CS tooling budget", "Hiring a new CSM",
                "Internal reporting cadence", "Team training plan",
            ),
            "indirect": (
                "Health score model review", "Renewal playbook", "Help centre content plan",
            ),
            "direct": (
                "Detractor follow-ups this month", "Stalled onboardings past target",
                "Churned accounts: follow-up calls", "Success plan for {customer}",
                "Time to first value by segment", "Customer advisory board agenda",
            ),
        },
        "Marketing": {
            "none": (
                "Campaign calendar", "Agency contract renewal", "Website redesign budget",
                "Social media guidelines for staff", "Event logistics",
                "Marketing automation licence",
            ),
            "indirect": (
                "Newsletter unsubscribe rate", "Case study pipeline", "Webinar programme",
            ),
            "direct": (
                "Testimonials from customers for the new site",
                "Voice of the customer survey results", "Launch of the customer community",
            ),
        },
        "Product": {
            "none": (
                "Sprint planning", "Technical debt backlog", "Release schedule",
                "Architecture review", "Test automation coverage", "Hiring plan for engineers",
            ),
            "indirect": (
                "Roadmap prioritisation", "Reporting module redesign", "Performance improvements",
            ),
            "direct": (
                "Feature requests from customers", "Usability test with customers",
                "Top customer-reported bugs", "Beta programme with {customer}",
            ),
        },
    },
    "it": {
        "Board": {
            "none": ("Approvazione del bilancio", "Piano investimenti", "Relazione del collegio sindacale"),
            "indirect": ("Strategia prezzi per il prossimo anno",),
            "direct": ("Andamento dell'abbandono clienti", "Clienti principali: rischi di rinnovo"),
        },
        "IT": {
            "none": ("Migrazione dei server", "Rinnovo dei portatili", "Verifica dei backup"),
            "indirect": ("Disponibilità del portale clienti",),
            "direct": ("Problemi di integrazione segnalati da {customer}",),
        },
        "Logistics": {
            "none": ("Turni di magazzino", "Inventario di fine anno", "Manutenzione carrelli"),
            "indirect": ("Nuovi imballaggi",),
            "direct": ("Tempi di consegna ai clienti del Sud", "Reclami per merce danneggiata"),
        },
        "Administration": {
            "none": ("Calendario paghe", "Chiusura di fine anno", "Rinnovo assicurazioni", "Esiti dell'audit interno"),
            "indirect": ("Solleciti di pagamento",),
            "direct": ("Errori di fatturazione segnalati dai clienti",),
        },
        "Sales": {
            "none": ("Revisione della pipeline", "Piano provvigioni", "Budget fiere"),
            "indirect": ("Politica sconti",),
            "direct": ("Passaggio di consegne tra vendite e onboarding", "Rinnovo di {customer}"),
        },
        "Customer Success": {
            "none": ("Ferie del team", "Budget strumenti CS"),
            "indirect": ("Revisione del modello di health score",),
            "direct": ("Richiami ai detrattori NPS", "Onboarding in ritardo", "Piano di successo per {customer}"),
        },
        "Marketing": {
            "none": ("Calendario campagne", "Rinnovo contratto agenzia"),
            "indirect": ("Programma webinar",),
            "direct": ("Testimonianze dei clienti per il sito",),
        },
        "Product": {
            "none": ("Pianificazione sprint", "Debito tecnico"),
            "indirect": ("Priorità della roadmap",),
            "direct": ("Richieste di funzionalità dai clienti", "Test di usabilità con i clienti"),
        },
    },
}

#: Meeting titles per meeting type; ``{dept}`` is the department, ``{month}`` e.g. "March 2026".
MEETING_TITLES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "board": ("Board of Directors, {month}", "Board meeting"),
        "executive": ("Executive committee", "Leadership weekly", "Management review, {month}"),
        "department": ("{dept} weekly", "{dept} monthly review", "{dept} team meeting"),
        "project": (
            "Project: ERP upgrade", "Project: new customer portal", "Project: warehouse automation",
            "Project: pricing review", "Project: onboarding redesign", "Project: data platform",
        ),
        "other": ("{dept} planning session", "Quarterly kick-off", "{dept} retrospective"),
    },
    "it": {
        "board": ("Consiglio di amministrazione, {month}",),
        "executive": ("Comitato di direzione",),
        "department": ("Riunione {dept}", "Riunione mensile {dept}"),
        "project": ("Progetto: nuovo gestionale", "Progetto: portale clienti"),
        "other": ("Pianificazione {dept}",),
    },
}

#: Text of the mandatory customer item when it names something done for customers.
CUSTOMER_ITEM_TEXTS: dict[str, tuple[str, ...]] = {
    "en": (
        "Agreed to call back every detractor within two working days.",
        "Delivery cut-off moved to 6 pm so customers receive goods a day earlier.",
        "Onboarding plan for new SMB customers shortened to two weeks.",
        "Invoices will show the order reference customers asked for.",
        "Support hours extended to 8 pm on weekdays.",
        "Top three customer-reported bugs moved to the next release.",
        "Renewal quotes will be sent 90 days ahead instead of 30.",
        "Key customers get a named contact in the warehouse.",
    ),
    "it": (
        "Decidiamo di richiamare ogni detrattore entro due giorni lavorativi.",
        "Orario limite per le spedizioni spostato alle 18: i clienti ricevono la merce un giorno prima.",
        "Piano di onboarding per i nuovi clienti ridotto a due settimane.",
        "Le fatture riporteranno il riferimento d'ordine richiesto dai clienti.",
    ),
}

#: Text of the customer item when it was filled but nothing discussed touched the customer.
CUSTOMER_ITEM_NOTHING: dict[str, str] = {
    "en": "Nothing discussed today changes anything for customers.",
    "it": "Nessun argomento di oggi ha effetti diretti sui clienti.",
}

#: Decision texts: (customer-related?, cx_impact) -> texts.
DECISION_TEXTS: dict[tuple[bool, str], tuple[str, ...]] = {
    (True, "favours"): (
        "Call every detractor within two working days.",
        "Assign a dedicated onboarding specialist to Enterprise accounts.",
        "Refund delivery costs to the customers hit by the delays.",
        "Translate the help centre into Italian.",
        "Offer a free training session to every new customer.",
        "Extend support hours until 8 pm.",
        "Fix the three most reported bugs before any new feature.",
        "Send renewal proposals three months before the contract ends.",
    ),
    (True, "neutral"): (
        "Collect another month of data before changing the onboarding plan.",
        "Move the customer advisory board to next quarter.",
        "Ask Customer Success for a list of affected accounts.",
        "Keep the current delivery schedule for now.",
    ),
    (True, "worsens"): (
        "Raise prices on legacy plans without a transition period.",
        "Stop free onsite visits for SMB customers.",
    ),
    (False, "favours"): (
        "Schedule maintenance windows outside customers' business hours.",
        "Include the support team in the migration test plan.",
        "Hire a second person for the helpdesk.",
    ),
    (False, "neutral"): (
        "Approve the budget as proposed.",
        "Run the server migration over the weekend.",
        "Open two positions for engineers.",
        "Renew the insurance with the current broker.",
        "Adopt the new expense policy from next month.",
        "Postpone the office move to spring.",
        "Ask the auditors for a follow-up review.",
    ),
    (False, "worsens"): (
        "Cut the support tooling budget by 20%.",
        "Freeze hiring in Customer Success until next year.",
        "Reduce warehouse shifts on Saturdays.",
        "Move the portal fixes to next year to fund the ERP project.",
    ),
}
