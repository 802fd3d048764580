"""Cronbach's alpha within pulses, never pooled across them.

Pooling every response of a programme into one alpha lets the programme's own
change in the mean (everyone answering higher later) masquerade as items that
hang together: noise items read "acceptable". Here each pulse contributes its
within-pulse item variances and total-score variance, pooled with their
degrees of freedom (the pooled within-pulse covariance matrix, whose trace and
sum are all alpha needs), and a pulse counts only with at least ``k`` complete
responses. The same people answer several pulses, so the Feldt interval is
given with the largest single pulse as its n: an approximation, wider than one
that counted each response as a new person, and said to be approximate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from survey.stats import NAN, CronbachAlpha, _feldt_interval

__all__ = ["PulseItems", "WithinAlpha", "within_pulse_alpha"]

APPROXIMATE = (
    "approximate interval: the same people answer several pulses, so it uses "
    "the largest pulse's complete responses as n"
)


@dataclass(frozen=True)
class PulseItems:
    """One pulse's figures over its complete respondents (ddof=1)."""

    item_variances: Sequence[float]
    total_variance: float  # variance of the item sum
    n: int


@dataclass(frozen=True)
class WithinAlpha:
    alpha: CronbachAlpha
    pulses: int  # pulses that counted
    responses: int  # complete responses over those pulses
    note: str = ""


def within_pulse_alpha(
    parts: Sequence[PulseItems], k: int, confidence: float = 0.95
) -> WithinAlpha:
    """Alpha from the pooled within-pulse variances of pulses with n >= k.

    alpha = J/(J-1) (1 - sum_j S_jj / S_total), where S is pooled over pulses
    as sum (n_p - 1) S_p / sum (n_p - 1). With one pulse this is that pulse's
    alpha exactly. ``reason`` is "fewer than k complete responses in any
    pulse" when no pulse counts.
    """
    used = [p for p in parts if p.n >= max(k, 2)]
    items = len(parts[0].item_variances) if parts else 0
    if not used:
        reason = f"fewer than {k} complete responses in every pulse"
        return WithinAlpha(
            CronbachAlpha(NAN, NAN, NAN, 0, items, confidence, reason), 0, 0
        )
    weights = np.array([p.n - 1 for p in used], dtype=float)
    item_var = np.array([list(p.item_variances) for p in used], dtype=float)
    total = np.array([p.total_variance for p in used], dtype=float)
    pooled_items = (weights[:, None] * item_var).sum(axis=0) / weights.sum()
    pooled_total = float((weights * total).sum() / weights.sum())
    j = pooled_items.size
    responses = int(sum(p.n for p in used))
    if j < 2:
        reason = "fewer than 2 items"
        return WithinAlpha(
            CronbachAlpha(NAN, NAN, NAN, responses, j, confidence, reason),
            len(used),
            responses,
        )
    if not pooled_total > 0:
        return WithinAlpha(
            CronbachAlpha(NAN, NAN, NAN, responses, j, confidence, "no variation"),
            len(used),
            responses,
        )
    alpha = j / (j - 1) * (1.0 - float(pooled_items.sum()) / pooled_total)
    n_eff = max(p.n for p in used)
    low, high = _feldt_interval(alpha, n_eff, j, confidence)
    return WithinAlpha(
        CronbachAlpha(alpha, low, high, responses, j, confidence),
        len(used),
        responses,
        APPROXIMATE if len(used) > 1 else "",
    )
