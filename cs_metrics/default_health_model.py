"""The health model a new database starts with, as plain data (version 1 of ``health_model``).

Ground floor: storage seeds it, the health metrics read it, neither imports the other for it.
"""

from __future__ import annotations

from typing import Any

#: The default model shipped with the app: the success indicators of the domain brief, with
#: weights that favour product usage and penalise billing problems. Version 1 in a new database.
DEFAULT_MODEL: dict[str, Any] = {
    "signals": {
        "usage": {"rule": "linear", "worst": 0.1, "best": 0.8, "weight": 25},
        "tickets_opened": {"rule": "linear", "worst": 0, "best": 4, "weight": 5},
        "resolution_hours": {"rule": "linear", "worst": 72, "best": 4, "weight": 10},
        "tutorial_views": {"rule": "linear", "worst": 0, "best": 10, "weight": 8},
        "training_hours": {"rule": "linear", "worst": 0, "best": 8, "weight": 8},
        "services_purchased": {"rule": "linear", "worst": 0, "best": 10000, "weight": 7},
        "expansion": {"rule": "linear", "worst": 0, "best": 1, "weight": 10},
        "advocacy": {"rule": "linear", "worst": 0, "best": 2, "weight": 7},
        "billing_issue": {"rule": "linear", "worst": 2, "best": 0, "weight": 12},
        "marketing_unsubscribe": {"rule": "linear", "worst": 1, "best": 0, "weight": 8},
    },
    "bands": [50, 75],
}
