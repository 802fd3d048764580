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

The same holds for groups within a pulse: two teams answering at different
levels make any items look consistent (pure-noise items read "good" in every
simulated programme whose teams were two points apart), so a pulse's figures
are pooled within its groups first (``within_groups``).

The "groups" are the release model's buckets (``survey.disclosure``): each
group the pulse shows, and everyone else (no group given, or a group the pulse
hides) as one cell; never each respondent's own group. Pooled by own group, a
hidden group of one would be a cell of one, left out of alpha and its count:
alpha's n one short of the released n, and a hidden group's make-up visible in
alpha. Each bucket grows only by releases of 0 or at least k complete
respondents, so no cell is ever of one person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from survey.stats import NAN, CronbachAlpha, _feldt_interval

__all__ = ["PulseItems", "WithinAlpha", "within_groups", "within_pulse_alpha"]

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
    groups: int = 1  # cells pooled within: the variances have n - groups df


def within_groups(cells: Sequence[PulseItems]) -> PulseItems | None:
    """One pulse's figures pooled within its groups (each cell one release
    bucket's complete respondents: a shown group, or everyone else): sum
    (n_g - 1) S_g / sum (n_g - 1), so a difference between the groups' levels
    adds nothing. Cells of one person carry no within-group variance and are
    left out (released buckets never are one person); None when no cell has
    two."""
    used = [c for c in cells if c.n - c.groups >= 1]
    if not used:
        return None
    df = np.array([c.n - c.groups for c in used], dtype=float)
    items = np.array([list(c.item_variances) for c in used], dtype=float)
    total = np.array([c.total_variance for c in used], dtype=float)
    return PulseItems(
        ((df[:, None] * items).sum(axis=0) / df.sum()).tolist(),
        float((df * total).sum() / df.sum()),
        sum(c.n for c in used),
        sum(c.groups for c in used),
    )


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
    as sum df_p S_p / sum df_p (df_p = n_p - groups_p). With one pulse of one
    group this is that pulse's alpha exactly. ``reason`` is "fewer than k
    complete responses in any pulse" when no pulse counts.
    """
    used = [p for p in parts if p.n >= max(k, 2) and p.n > p.groups]
    items = len(parts[0].item_variances) if parts else 0
    if not used:
        reason = f"fewer than {k} complete responses in every pulse"
        return WithinAlpha(
            CronbachAlpha(NAN, NAN, NAN, 0, items, confidence, reason), 0, 0
        )
    weights = np.array([p.n - p.groups for p in used], dtype=float)
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
    # Feldt's n for a pulse pooled within g groups: the n with the same df.
    n_eff = max(p.n - p.groups + 1 for p in used)
    low, high = _feldt_interval(alpha, n_eff, j, confidence)
    return WithinAlpha(
        CronbachAlpha(alpha, low, high, responses, j, confidence),
        len(used),
        responses,
        APPROXIMATE if len(used) > 1 else "",
    )
