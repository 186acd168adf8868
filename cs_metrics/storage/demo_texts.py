"""Word lists and sentence templates for the demo company (``cs_metrics.storage.demo``).

Everything here is invented for the demo and written for it, in English and Italian. Templates are
grouped by the circumstance that makes them likely (an NPS comment's tone and theme, a churn
reason, a department's agenda), so that the generated data carries real patterns: detractors in
slow onboardings complain about onboarding, customers with support friction about support, and
so on. ``{customer}`` in an agenda title is replaced with a customer's name.
"""

from __future__ import annotations

# --------------------------------------------------------------------------------------------
# Company names
# --------------------------------------------------------------------------------------------

ITALIAN_SURNAMES: tuple[str, ...] = (
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
    "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo",
    "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso",
    "Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile", "Martinelli", "Vitale", "Lombardo",
    "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti", "Parisi", "Villa", "Conte",
    "Ferraro", "Ferri", "Fabbri", "Bianco", "Marini", "Grasso", "Valentini", "Messina", "Sala",
    "De Angelis", "Gatti", "Pellegrini", "Palumbo", "Sanna", "Farina", "Rizzi", "Monti",
)

#: Italian sector words per industry (vocab.INDUSTRIES order).
ITALIAN_SECTOR_WORDS: dict[str, tuple[str, ...]] = {
    "Retail": ("Distribuzione", "Commerciale", "Moda", "Arredamenti", "Alimentari"),
    "Manufacturing": ("Meccanica", "Industrie", "Componenti", "Plastiche", "Automazione"),
    "Financial services": ("Finanziaria", "Consulenza", "Assicurazioni", "Leasing", "Investimenti"),
    "Healthcare": ("Medicale", "Diagnostica", "Farmaceutici", "Sanità", "Laboratori"),
    "Software": ("Informatica", "Sistemi", "Digital", "Software", "Tecnologie"),
    "Logistics": ("Logistica", "Trasporti", "Spedizioni", "Autotrasporti", "Magazzini"),
    "Public sector": ("Servizi Territoriali", "Multiservizi", "Servizi Ambientali", "Energia", "Acque"),
    "Hospitality": ("Hotels", "Turismo", "Ristorazione", "Ospitalità", "Resort"),
}

ITALIAN_SUFFIXES: tuple[str, ...] = ("S.r.l.", "S.p.A.", "S.r.l.", "S.r.l.", "S.n.c.")

INTERNATIONAL_PREFIXES: tuple[str, ...] = (
    "Northwind", "Bluepeak", "Silverline", "Brightwater", "Ironbridge", "Greenfield", "Redstone",
    "Clearview", "Summit", "Harbour", "Oakridge", "Westgate", "Evergreen", "Lumen", "Polaris",
    "Cobalt", "Granite", "Riverside", "Highland", "Meridian", "Atlas", "Falcon", "Keystone",
    "Beacon", "Copperleaf", "Fjord", "Alpenrose", "Lindqvist", "Haverford", "Montclair",
    "Sunridge", "Bramble", "Vantage", "Elmstead", "Quarry", "Starling", "Tidewater", "Birchwood",
    "Corvid", "Marlow",
)

INTERNATIONAL_SECTOR_WORDS: dict[str, tuple[str, ...]] = {
    "Retail": ("Retail", "Stores", "Outfitters", "Home & Living", "Markets"),
    "Manufacturing": ("Manufacturing", "Components", "Industries", "Tooling", "Fabrication"),
    "Financial services": ("Capital", "Finance", "Advisory", "Insurance", "Credit"),
    "Healthcare": ("Health", "Medical", "Diagnostics", "Care", "Clinics"),
    "Software": ("Software", "Systems", "Labs", "Digital", "Analytics"),
    "Logistics": ("Logistics", "Freight", "Transport", "Shipping", "Distribution"),
    "Public sector": ("Utilities", "Municipal Services", "Water", "Transit", "Energy"),
    "Hospitality": ("Hotels", "Hospitality", "Travel", "Resorts", "Dining"),
}

#: Legal-form suffixes per region for non-Italian companies.
REGION_SUFFIXES: dict[str, tuple[str, ...]] = {
    "Italy": ITALIAN_SUFFIXES,
    "DACH": ("GmbH", "AG", "GmbH"),
    "France": ("SAS", "SA", "SARL"),
    "Iberia": ("S.L.", "S.A.", "Lda."),
    "UK & Ireland": ("Ltd", "plc", "Ltd"),
    "Nordics": ("AB", "AS", "Oy", "ApS"),
    "North America": ("Inc.", "LLC", "Corp."),
}

#: Cities per region, used to tell apart companies that would otherwise share a name.
REGION_CITIES: dict[str, tuple[str, ...]] = {
    "Italy": ("Milano", "Torino", "Bologna", "Verona", "Bari", "Firenze", "Padova", "Brescia",
              "Napoli", "Genova", "Bergamo", "Parma"),
    "DACH": ("München", "Wien", "Zürich", "Hamburg", "Stuttgart", "Graz"),
    "France": ("Lyon", "Lille", "Nantes", "Bordeaux", "Toulouse", "Paris"),
    "Iberia": ("Madrid", "Valencia", "Porto", "Bilbao", "Sevilla", "Lisboa"),
    "UK & Ireland": ("Leeds", "Bristol", "Dublin", "Glasgow", "Cork", "Manchester"),
    "Nordics": ("Göteborg", "Aarhus", "Bergen", "Tampere", "Malmö", "Oslo"),
    "North America": ("Toronto", "Austin", "Denver", "Boston", "Portland", "Chicago"),
}

# --------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------

#: Customer Success Managers: (name, segment, covers Italy?).
CSM_OWNERS: tuple[tuple[str, str, bool], ...] = (
    ("Giulia Bianchi", "SMB", True),
    ("Marco Esposito", "SMB", True),
    ("Chiara Romano", "SMB", True),
    ("Sarah Mitchell", "SMB", False),
    ("Jonas Weber", "SMB", False),
    ("Lucía Fernández", "SMB", False),
    ("Luca Ferrari", "Mid-Market", True),
    ("Francesca Colombo", "Mid-Market", True),
    ("Camille Laurent", "Mid-Market", False),
    ("Erik Lindqvist", "Mid-Market", False),
    ("Alessandro Ricci", "Enterprise", True),
    ("Daniel O'Brien", "Enterprise", False),
)

# --------------------------------------------------------------------------------------------
# Milestones
# --------------------------------------------------------------------------------------------

KICKOFF_NAME = "Kickoff call"

FIRST_VALUE_NAMES: tuple[str, ...] = (
    "First report shared with management",
    "First orders processed end to end",
    "Go-live of the first team",
    "First automated workflow running",
    "Data from the old system migrated and checked",
)

ACTIVATION_NAMES: tuple[str, ...] = (
    "All licensed teams working in the product",
    "Weekly use by every department in scope",
    "Integration with the customer's ERP live",
)

SUCCESS_NAMES: tuple[str, ...] = (
    "Month-end close two days faster",
    "Rolled out to a second business unit",
    "Order errors halved against the baseline",
    "Board pack produced from the product",
    "Customer's own clients served from the portal",
    "Stock-outs reduced for a full quarter",
)

# --------------------------------------------------------------------------------------------
# NPS comments: (language, tone, theme) -> templates
# --------------------------------------------------------------------------------------------

NPS_THEMES: tuple[str, ...] = (
    "onboarding", "support", "price", "reporting", "integrations", "training", "billing", "csm",
)

NPS_COMMENTS: dict[tuple[str, str, str], tuple[str, ...]] = {
    # English, detractors
    ("en", "detractor", "onboarding"): (
        "Setup dragged on for months and we still are not fully live.",
        "Onboarding felt improvised: no plan, no dates, a different contact every week.",
        "We were promised a go-live in four weeks. It took three months.",
    ),
    ("en", "detractor", "support"): (
        "Support takes days to answer and tickets get closed without a fix.",
        "A blocking issue sat in the queue for almost a week. Not acceptable.",
        "Every support ticket turns into a long chase.",
    ),
    ("en", "detractor", "price"): (
        "The renewal price went up and nothing else changed.",
        "Far too expensive for what we actually use.",
    ),
    ("en", "detractor", "reporting"): (
        "Reports are rigid and we cannot get the numbers our managers ask for.",
        "Exporting data to a spreadsheet is still painful.",
    ),
    ("en", "detractor", "integrations"): (
        "The connector to our ERP keeps breaking and nobody seems to own it.",
        "No usable CRM integration, so we retype everything by hand.",
    ),
    ("en", "detractor", "training"): (
        "Training was rushed; half of the team does not know the basic features.",
        "The training material is generic and does not match how we work.",
    ),
    ("en", "detractor", "billing"): (
        "Wrong invoices three months in a row, and each correction needed several emails.",
        "We were charged for seats we had already cancelled.",
    ),
    ("en", "detractor", "csm"): (
        "Our account manager changed three times this year; we start from scratch each time.",
        "We only hear from you when the contract is up for renewal.",
    ),
    # English, passives
    ("en", "passive", "onboarding"): (
        "Slow start, but the system works now.",
        "Onboarding could have been better organised; we got there in the end.",
    ),
    ("en", "passive", "support"): (
        "Support is friendly, response times are hit and miss.",
        "They usually solve things, sometimes after a reminder or two.",
    ),
    ("en", "passive", "price"): (
        "Good product, but the price is at the limit of what a company our size can justify.",
        "With a lower price I would recommend it without hesitation.",
    ),
    ("en", "passive", "reporting"): (
        "Standard reports are fine; we need dashboards we can shape ourselves.",
        "A few filters are missing in the reports, otherwise fine.",
    ),
    ("en", "passive", "integrations"): (
        "Integrations exist but still need too many manual steps.",
        "Waiting for the connector to our web shop before we can say more.",
    ),
    ("en", "passive", "training"): (
        "An advanced training track would help our power users.",
        "The initial training was useful; the help articles could be clearer.",
    ),
    ("en", "passive", "billing"): (
        "Invoices are correct, but downloading them from the portal is clumsy.",
        "We would like one invoice for all our sites.",
    ),
    ("en", "passive", "csm"): (
        "Our CSM knows her stuff, we just do not talk often enough.",
        "Good relationship with customer success; more regular reviews would help.",
    ),
    # English, promoters
    ("en", "promoter", "onboarding"): (
        "We were live in three weeks. Smoothest rollout we have had.",
        "Clear onboarding plan, no surprises, everything on the agreed dates.",
    ),
    ("en", "promoter", "support"): (
        "Support answers within hours and actually fixes the problem.",
        "Fast, competent support every single time.",
    ),
    ("en", "promoter", "price"): (
        "It paid for itself within a few months.",
        "Excellent value for money.",
    ),
    ("en", "promoter", "reporting"): (
        "Management finally gets up-to-date numbers every morning.",
        "The reports save us hours every week.",
    ),
    ("en", "promoter", "integrations"): (
        "Plugged into our ERP without any drama.",
        "Well documented API; our IT team is happy.",
    ),
    ("en", "promoter", "training"): (
        "Hands-on training, the team picked it up straight away.",
        "The tutorials are clear and new colleagues become independent quickly.",
    ),
    ("en", "promoter", "billing"): (
        "Billing is simple and always on time.",
        "Transparent pricing and clean invoices, never an issue.",
    ),
    ("en", "promoter", "csm"): (
        "Our customer success manager understands our business better than some of our own staff.",
        "Every review with our CSM ends with a concrete idea we can use.",
    ),
    # Italian, detractors
    ("it", "detractor", "onboarding"): (
        "L'avvio è stato lentissimo: dopo due mesi non eravamo ancora operativi.",
        "Onboarding confuso, un referente diverso ogni settimana e nessun piano chiaro.",
        "Ci avevate promesso di partire in un mese, ne sono passati tre.",
    ),
    ("it", "detractor", "support"): (
        "L'assistenza risponde dopo giorni e spesso chiude il ticket senza risolvere.",
        "Per un problema bloccante abbiamo aspettato quasi una settimana.",
        "Ogni richiesta al supporto diventa un inseguimento.",
    ),
    ("it", "detractor", "price"): (
        "Al rinnovo il prezzo è aumentato, il prodotto è rimasto uguale.",
        "Troppo caro per quello che usiamo davvero.",
    ),
    ("it", "detractor", "reporting"): (
        "I report sono rigidi e non riusciamo a estrarre i dati che chiede la direzione.",
        "Esportare i dati in Excel è ancora un'impresa.",
    ),
    ("it", "detractor", "integrations"): (
        "L'integrazione con il nostro gestionale si interrompe di continuo.",
        "Manca un collegamento decente con il CRM, facciamo tutto a mano.",
    ),
    ("it", "detractor", "training"): (
        "Formazione troppo veloce: metà dei colleghi non sa usare le funzioni di base.",
        "Il materiale formativo è solo in inglese e poco pratico.",
    ),
    ("it", "detractor", "billing"): (
        "Fatture sbagliate per tre mesi di fila, e ogni volta bisogna sollecitare la correzione.",
        "Ci avete addebitato licenze che avevamo già disdetto.",
    ),
    ("it", "detractor", "csm"): (
        "Il nostro referente è cambiato tre volte in un anno, ogni volta si riparte da zero.",
        "Vi fate sentire solo quando c'è da rinnovare il contratto.",
    ),
    # Italian, passives
    ("it", "passive", "onboarding"): (
        "Partenza un po' lenta, ma adesso il sistema funziona.",
        "L'avvio poteva essere organizzato meglio, comunque ci siamo arrivati.",
    ),
    ("it", "passive", "support"): (
        "L'assistenza è cortese ma i tempi di risposta variano molto.",
        "Di solito risolvono, a volte però bisogna insistere.",
    ),
    ("it", "passive", "price"): (
        "Buon prodotto, ma il prezzo è al limite per un'azienda come la nostra.",
        "Con un costo più basso lo consiglierei senza dubbi.",
    ),
    ("it", "passive", "reporting"): (
        "I report standard vanno bene, ci servirebbero cruscotti personalizzabili.",
        "Manca qualche filtro nei report, per il resto tutto bene.",
    ),
    ("it", "passive", "integrations"): (
        "Le integrazioni ci sono ma richiedono ancora troppi passaggi manuali.",
        "Aspettiamo il connettore per il nostro e-commerce.",
    ),
    ("it", "passive", "training"): (
        "Qualche webinar in più in italiano sarebbe utile.",
        "La formazione iniziale è servita, ora ci vorrebbe un livello avanzato.",
    ),
    ("it", "passive", "billing"): (
        "Fatturazione corretta, ma scaricare le fatture dal portale è scomodo.",
        "Vorremmo una fattura unica per tutte le sedi.",
    ),
    ("it", "passive", "csm"): (
        "Il referente è preparato, però ci sentiamo poco.",
        "Buon rapporto con il customer success, servirebbero più incontri di verifica.",
    ),
    # Italian, promoters
    ("it", "promoter", "onboarding"): (
        "In tre settimane eravamo operativi, avvio gestito benissimo.",
        "Onboarding chiaro e ben pianificato, nessuna sorpresa.",
    ),
    ("it", "promoter", "support"): (
        "L'assistenza risponde in poche ore e risolve davvero.",
        "Supporto rapido e competente, sempre.",
    ),
    ("it", "promoter", "price"): (
        "L'investimento si è ripagato in pochi mesi.",
        "Ottimo rapporto qualità-prezzo.",
    ),
    ("it", "promoter", "reporting"): (
        "Finalmente la direzione ha i numeri aggiornati ogni mattina.",
        "I report ci fanno risparmiare ore ogni settimana.",
    ),
    ("it", "promoter", "integrations"): (
        "Si è collegato al nostro gestionale senza problemi.",
        "API ben documentate, il nostro reparto IT è soddisfatto.",
    ),
    ("it", "promoter", "training"): (
        "Formazione pratica e coinvolgente, il team ha imparato subito.",
        "I tutorial sono chiari, i nuovi colleghi diventano autonomi in fretta.",
    ),
    ("it", "promoter", "billing"): (
        "Fatturazione chiara e puntuale, mai un problema.",
        "Prezzi trasparenti e fatture sempre corrette.",
    ),
    ("it", "promoter", "csm"): (
        "La nostra referente conosce la nostra attività meglio di alcuni colleghi interni.",
        "Il customer success manager ci porta idee concrete a ogni incontro.",
    ),
}

#: Closed-loop notes on NPS follow-ups, by tone.
NPS_FOLLOW_UP_NOTES: dict[str, tuple[str, ...]] = {
    "detractor": (
        "Called the customer; agreed a plan to bring support response times down.",
        "Apologised for the billing error and issued a credit note.",
        "Booked an extra training session for their team.",
        "Escalated the integration bug to product; fix scheduled for the next release.",
        "Met the sponsor on site, reviewed the onboarding plan together.",
        "Explained the price change and offered a plan that fits their usage.",
        "Customer did not want a call; summary sent by email.",
    ),
    "passive": (
        "Shared the roadmap for the reporting improvements they asked for.",
        "Sent links to the advanced tutorials.",
        "Set up quarterly reviews with their operations lead.",
    ),
    "promoter": (
        "Asked for a testimonial; they agreed.",
        "Invited to the customer advisory board.",
        "Referral to a partner company received.",
    ),
}

ANONYMOUS_FOLLOW_UP_NOTE = "Anonymous response: no follow-up possible."

# --------------------------------------------------------------------------------------------
# Churn follow-up calls
# --------------------------------------------------------------------------------------------

CHURN_NOTES: dict[str, tuple[str, ...]] = {
    "acquired": (
        "Acquired by a group that uses another platform everywhere.",
        "New owners consolidated suppliers after the acquisition.",
    ),
    "out_of_business": (
        "The company went into liquidation.",
        "Closed down after a difficult year; nothing we could have done.",
    ),
    "wrong_fit": (
        "Needed things we do not do; should not have been sold the product.",
        "Too small for the product: one user, no process to support.",
    ),
    "poor_onboarding": (
        "Never went fully live; they blame the slow setup.",
        "Lost momentum during onboarding when their project lead left.",
        "Onboarding took too long; management lost patience.",
    ),
    "no_value": (
        "Usage stayed low and they could not show value internally.",
        "Paying for seats nobody used, in their words.",
    ),
    "price": (
        "Found the renewal price too high for how much they use it.",
        "Asked for a discount we could not give.",
    ),
    "budget_cut": (
        "All software spending cut this year.",
        "New CFO cancelled every non-essential contract.",
    ),
    "competitor": (
        "Moved to a cheaper local competitor.",
        "Chose a competitor bundled with their new ERP.",
    ),
    "missing_feature": (
        "Needed multi-currency reporting that we do not have.",
        "Asked for an offline mobile app for field staff.",
    ),
    "support_experience": (
        "Unhappy with how long tickets took to resolve.",
        "Two unresolved escalations in a row; trust was gone.",
    ),
    "champion_left": (
        "Our sponsor left; the new manager had never heard of us.",
        "Champion moved to another company (possible new lead there).",
    ),
}

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
