"""Plain-language readings of the statistics, for a facilitator to say aloud.

The wording follows the interval, not the p-value alone: if the 95% interval
of a change includes zero we say we cannot tell, whatever the point estimate.
Sizes use Cohen's conventional thresholds for Hedges' g (0.2 / 0.5 / 0.8).
"""

from __future__ import annotations

import math

from survey.stats import Comparison, CronbachAlpha, Trend


def effect_size_word(g: float) -> str:
    size = abs(g)
    if size < 0.2:
        return "negligible"
    if size < 0.5:
        return "small"
    if size < 0.8:
        return "moderate"
    return "large"


def change_reading(change: Comparison, k: int) -> str:
    """E.g. "likely improvement, large" or "too few responses to tell"."""
    if min(change.n_a, change.n_b) < max(k, 2):
        return "too few responses to tell"
    if math.isnan(change.low) or math.isnan(change.high):
        return "cannot tell (no variation to compare)"
    if change.low <= 0 <= change.high:
        return "no clear change (the interval includes zero)"
    direction = "improvement" if change.diff > 0 else "decline"
    return f"likely {direction}, {effect_size_word(change.hedges_g)} size"


def trend_reading(result: Trend) -> str:
    if math.isnan(result.p):
        return "cannot tell"
    if result.p >= 0.05:
        return "no clear trend"
    return "rising" if result.slope > 0 else "falling"


def alpha_reading(result: CronbachAlpha) -> str:
    """Conventional bands; the interval matters more than the point estimate."""
    if math.isnan(result.alpha):
        return f"not available ({result.reason})"
    if result.alpha >= 0.8:
        return "good"
    if result.alpha >= 0.7:
        return "acceptable"
    if result.alpha >= 0.6:
        return "questionable"
    return "poor: treat the dimension score with care"
