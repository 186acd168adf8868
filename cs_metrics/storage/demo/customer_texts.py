"""Word lists and sentence templates about customers, for the demo company.

Company names, the Customer Success Managers who own the accounts, milestone names, NPS comments
and follow-up notes, and the notes of churn follow-up calls. Everything here is invented for the
demo and written for it, in English and Italian. Templates are grouped by the circumstance that
makes them likely (an NPS comment's tone and theme, a churn reason), so that the generated data
carries real patterns: detractors in slow onboardings complain about onboarding, customers with
support friction about support, and so on.
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

#: Legal-form suffixes per region.
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
