"""Controlled vocabularies shared by the storage layer, the importers and the demo company.

Values stored in the database are the keys below (lower-case, no spaces); labels are for display.
"""

from __future__ import annotations

from cs_metrics.i18n import N_

SEGMENTS: tuple[str, ...] = ("SMB", "Mid-Market", "Enterprise")

REGIONS: tuple[str, ...] = (
    "Italy",
    "DACH",
    "France",
    "Iberia",
    "UK & Ireland",
    "Nordics",
    "North America",
)

INDUSTRIES: tuple[str, ...] = (
    "Retail",
    "Manufacturing",
    "Financial services",
    "Healthcare",
    "Software",
    "Logistics",
    "Public sector",
    "Hospitality",
)

PLANS: tuple[str, ...] = ("Starter", "Growth", "Scale")

CUSTOMER_STATUSES: tuple[str, ...] = ("onboarding", "active", "churned")

NPS_TOUCHPOINTS: tuple[str, ...] = ("relationship", "onboarding", "support", "renewal")

FOLLOW_UP_STATUSES: tuple[str, ...] = ("open", "in_progress", "done", "not_needed")

MILESTONE_KINDS: tuple[str, ...] = ("kickoff", "first_value", "activation", "success")

#: Raw health signals (monthly, one value per customer). Units are part of the contract with
#: importers and with ``cs_metrics.default_health_model.DEFAULT_MODEL``; the descriptions are English,
#: shown through ``_()``.
HEALTH_SIGNALS: dict[str, str] = {
    "usage": N_("share of licensed seats active in the month (0-1)"),
    "tickets_opened": N_("support tickets opened in the month (count)"),
    "resolution_hours": N_("median hours to resolve the month's tickets (missing when no tickets)"),
    "tutorial_views": N_("tutorials, guides and help articles viewed in the month (count)"),
    "training_hours": N_("training consumed in the last 3 months, online or in person (hours)"),
    "services_purchased": N_("professional services bought in the last 12 months (currency)"),
    "expansion": N_("1 when the customer expanded (upsell, more seats) in the last 6 months, else 0"),
    "advocacy": N_("testimonials, referrals and case studies in the last 12 months (count)"),
    "billing_issue": N_("billing problems in the month: late payment, declined card, missing data (count)"),
    "marketing_unsubscribe": N_("1 when the customer's contacts unsubscribed from marketing email, else 0"),
}

#: Health bands, worst first (thresholds live in the health model).
HEALTH_BANDS: tuple[str, ...] = ("red", "yellow", "green")

#: Churn reasons: key -> (label, category, controllable). Only a customer company being acquired or
#: going out of business is outside the company's control; every other reason could be acted on.
CHURN_REASONS: dict[str, tuple[str, str, bool]] = {
    "acquired": ("Customer was acquired", "company event", False),
    "out_of_business": ("Customer went out of business", "company event", False),
    "wrong_fit": ("Not a fit for the product (sold to the wrong customer)", "acquisition", True),
    "poor_onboarding": ("Onboarding too slow or never finished", "onboarding", True),
    "no_value": ("Did not see enough value / low adoption", "value", True),
    "price": ("Price too high for the value", "commercial", True),
    "budget_cut": ("Budget cut", "commercial", True),
    "competitor": ("Moved to a competitor", "competition", True),
    "missing_feature": ("Missing feature", "product", True),
    "support_experience": ("Poor support experience", "service", True),
    "champion_left": ("Internal champion left", "relationship", True),
}

#: Reasons of consumer businesses and the reason "not known", offered beside ``CHURN_REASONS`` in a
#: new company's vocabulary. A customer who moved away or died left for reasons outside the company's
#: control; a reason not known yet is neither.
OTHER_CHURN_REASONS: dict[str, tuple[str, str, bool | None]] = {
    "moved": ("Customer moved away", "customer circumstances", False),
    "deceased": ("Customer deceased", "customer circumstances", False),
    "unknown": ("Reason not known", "unknown", None),
}

#: Departments whose meetings are logged; ``CUSTOMER_ITEM_ADOPTERS`` in the demo adopted the
#: mandatory "customer item" in their minutes part-way through the history.
DEPARTMENTS: tuple[str, ...] = (
    "Board",
    "IT",
    "Logistics",
    "Administration",
    "Sales",
    "Customer Success",
    "Marketing",
    "Product",
)

MEETING_TYPES: tuple[str, ...] = ("board", "executive", "department", "project", "other")

AGENDA_RELEVANCE: tuple[str, ...] = ("none", "indirect", "direct")

RELEVANCE_SOURCES: tuple[str, ...] = ("person", "suggestion")

CX_IMPACTS: tuple[str, ...] = ("favours", "neutral", "worsens")

MATURITY_DIMENSIONS: tuple[str, ...] = (
    "culture",
    "organization",
    "customer_involvement",
    "technology",
)

RESPONDENT_ROLES: tuple[str, ...] = ("executive", "manager", "individual_contributor")

CONFIDENCE_LEVELS: tuple[str, ...] = ("low", "medium", "high")

#: The vocabularies a company edits (Data page), by kind: what data rows of that kind may hold (names
#: in English, shown through ``_()``).
VOCABULARY_KINDS: dict[str, str] = {
    "segment": N_("Segments"),
    "region": N_("Regions"),
    "touchpoint": N_("NPS touchpoints (survey types)"),
    "churn_reason": N_("Churn reasons"),
    "department": N_("Departments"),
    "meeting_type": N_("Meeting types"),
}

#: Currency of a new company (ISO 4217 code); the Data page changes it.
DEFAULT_CURRENCY = "EUR"


def default_terms() -> dict[str, list[dict[str, object]]]:
    """A new company's vocabularies: per kind, the terms ``key``, ``label``, ``category``,
    ``controllable`` (the last two for churn reasons only), in display order.

    >>> [t["key"] for t in default_terms()["segment"]]
    ['SMB', 'Mid-Market', 'Enterprise']
    """
    plain = {"segment": SEGMENTS, "region": REGIONS, "touchpoint": NPS_TOUCHPOINTS, "department": DEPARTMENTS,
             "meeting_type": MEETING_TYPES}
    out: dict[str, list[dict[str, object]]] = {
        kind: [{"key": key, "label": key, "category": None, "controllable": None} for key in keys]
        for kind, keys in plain.items()
    }
    reasons = {**CHURN_REASONS, **OTHER_CHURN_REASONS}
    out["churn_reason"] = [{"key": key, "label": label, "category": category, "controllable": controllable}
                           for key, (label, category, controllable) in reasons.items()]
    return {kind: out[kind] for kind in VOCABULARY_KINDS}
