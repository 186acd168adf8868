"""Customer health score: normalised success indicators combined by a weighted mean.

The model
---------
A model is a plain mapping (stored as JSON in ``health_model.definition``)::

    {
      "signals": {"usage": {"rule": "linear", "worst": 0.1, "best": 0.8, "weight": 25}, ...},
      "bands": [50, 75],
      "segments": {"Enterprise": {"weights": {...}, "bands": [55, 80]}}   # optional profiles
    }

Normalisation rule ``linear``: a raw value at ``worst`` scores 0, at ``best`` scores 100, linearly
in between and clipped outside; ``worst`` may be larger than ``best`` for signals where less is
better (resolution hours, billing problems). The score is the weighted mean of the normalised
signals that are present; a missing signal drops out and the remaining weights renormalise (it is
never counted as 0). Bands: ``score <= 50`` red, ``50 < score <= 75`` yellow, above 75 green.

The rooms
---------
``model``
    Normalisation, weights and bands per segment, checking a model before it is saved
    (``check_model``), the model as a table, editing it (``edit_model``).
``scoring``
    Scores and bands (``score_wide``, ``score_customers``), one customer's score explained
    signal by signal (``explain``), band shares and the histogram of scores, also from counts
    made in SQL (``shares_from_counts``, ``histogram_from_bins``).
``movement``
    Scores over months: band shares by month, band transitions between two months, customers
    at risk, one customer's history.
``backtest``
    The score against what actually happened: churn rate per band with Wilson intervals and the
    AUC of the score for churn within a horizon, with a DeLong interval.
"""

from cs_metrics.default_health_model import DEFAULT_MODEL
from cs_metrics.health.backtest import (
    MIN_BACKTEST_EVENTS,
    AucResult,
    BacktestResult,
    auc_interval,
    backtest,
    backtest_by_month,
    backtest_months,
    band_before_churn,
)
from cs_metrics.health.model import (
    BAND_LABELS,
    BAND_TITLES,
    SIGNAL_LABELS,
    ModelError,
    band_label,
    band_title,
    check_model,
    check_weights,
    describe_rule,
    edit_model,
    model_bands,
    model_problems,
    model_table,
    model_warnings,
    model_weights,
    normalise,
    signal_label,
)
from cs_metrics.health.movement import (
    TRANSITION_FROM,
    TRANSITION_TO,
    WHY_LABELS,
    at_risk,
    band_transitions,
    band_trend,
    customer_choices,
    customer_history,
    month_rows,
    movement,
    scored_months,
    transition_matrix,
    transitions_in_order,
    why_label,
)
from cs_metrics.health.scoring import (
    MIN_SCORED,
    band,
    band_shares,
    band_shares_by,
    explain,
    histogram_from_bins,
    score_customers,
    score_histogram,
    score_wide,
    shares_from_counts,
    weighted_score,
)
from cs_metrics.vocab import HEALTH_BANDS as BANDS

__all__ = [
    "BAND_LABELS", "BAND_TITLES", "BANDS", "DEFAULT_MODEL", "MIN_BACKTEST_EVENTS", "MIN_SCORED", "SIGNAL_LABELS", "TRANSITION_FROM",
    "TRANSITION_TO", "AucResult", "BacktestResult", "ModelError", "at_risk", "auc_interval", "backtest",
    "backtest_by_month", "backtest_months", "band", "band_before_churn", "band_shares", "band_shares_by",
    "band_transitions", "band_trend", "check_model", "check_weights", "customer_choices", "customer_history",
    "describe_rule", "edit_model", "explain", "histogram_from_bins", "model_bands", "model_problems", "model_table",
    "model_warnings", "model_weights", "month_rows", "movement", "normalise", "score_customers",
    "score_histogram", "score_wide", "scored_months", "shares_from_counts", "signal_label", "transition_matrix",
    "transitions_in_order", "weighted_score", "WHY_LABELS", "band_label", "band_title", "why_label",
]
