"""Within-group agreement against more than one null, and what random answering
gives at the group's size.

r*wg(j) (Lindell, Brandt & Whitney 1999) compares the observed item variances
with the variance expected if nobody agreed. The usual reference, the uniform
distribution over the scale (James, Demaree & Wolf 1984), is lenient: people
rarely answer uniformly at random, and a mild leniency bias alone makes answers
look "in agreement". So readings compare against the uniform and a slightly
skewed null (LeBreton & Senter 2008, Table 3), and show the band that purely
random answering reaches at the same number of people and items.
"""

from __future__ import annotations

import math
from functools import lru_cache
from statistics import NormalDist
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from survey.stats import NAN, _clip01

__all__ = ["NULLS", "null_variance", "random_answering_band", "rwg_j_star_against"]

Null = Literal["uniform", "slight skew"]
NULLS: tuple[Null, ...] = ("uniform", "slight skew")

# Expected error variance of a slightly skewed response distribution
# (LeBreton & Senter 2008, Organizational Research Methods 11, 815-852,
# Table 3). The 5-point value is James, Demaree & Wolf's (1984) distribution
# (.05, .15, .20, .35, .25); see ``test_agreement``.
_SLIGHT_SKEW: dict[int, float] = {5: 1.34, 7: 2.90}


def null_variance(scale_points: int, null: Null = "uniform") -> float:
    """Variance expected with no agreement on an A-point scale under ``null``.

    Uniform: (A^2 - 1) / 12. Slight skew: the published value for 5 and 7
    points; other scales have none and raise ValueError.
    """
    if scale_points < 2:
        raise ValueError("scale_points must be at least 2")
    if null == "uniform":
        return (scale_points**2 - 1) / 12.0
    if null == "slight skew":
        if scale_points not in _SLIGHT_SKEW:
            raise ValueError(f"no published slight-skew null for {scale_points}")
        return _SLIGHT_SKEW[scale_points]
    raise ValueError(f"unknown null {null!r}")


def rwg_j_star_against(
    item_variances: ArrayLike, scale_points: int, null: Null = "uniform"
) -> float:
    """r*wg(j) = 1 - mean item variance / null variance, truncated to [0, 1].

    Item variances are taken item-wise (each over everyone who answered that
    item), as ``survey.stats.rwg_j_star``. NaN if no variance is known.
    """
    expected = null_variance(scale_points, null)
    v = np.asarray(item_variances, dtype=float)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return NAN
    return _clip01(1.0 - float(np.mean(v)) / expected)


EXACT_UP_TO = 40  # simulate up to this many people; a normal approximation above


@lru_cache(maxsize=512)
def random_answering_band(
    n: int,
    items: int,
    scale_points: int,
    quantile: float = 0.95,
    draws: int = 4000,
    seed: int = 20260101,
) -> float:
    """The ``quantile`` of r*wg(j) (uniform null) when ``n`` people answer
    ``items`` items uniformly at random.

    With five people and one item, random answers reach 0.80 or more in about
    one group in twenty; a reading is only "agreement" above this band.
    Up to ``EXACT_UP_TO`` people: Monte Carlo with a fixed seed (deterministic,
    cached; 4,000 draws put the 95th percentile within about +/-0.01). Above,
    where a sample variance is close to normal: 1 - s^2/sigma^2 has mean 0 and
    variance (2/(n-1) + kappa/n)/J, kappa the excess kurtosis of the discrete
    uniform, -6(A^2+1)/(5(A^2-1)).
    """
    if n < 2 or items < 1:
        return NAN
    if n > EXACT_UP_TO:
        a2 = scale_points**2
        kurtosis = -6.0 * (a2 + 1) / (5.0 * (a2 - 1))
        sd = math.sqrt((2.0 / (n - 1) + kurtosis / n) / items)
        return _clip01(float(NormalDist().inv_cdf(quantile)) * sd)
    rng = np.random.default_rng(seed + 1000 * n + items)
    answers = rng.integers(1, scale_points + 1, size=(draws, n, items))
    mean_var = answers.var(axis=1, ddof=1).mean(axis=1)
    values = np.clip(1.0 - mean_var / null_variance(scale_points), 0.0, 1.0)
    return float(np.quantile(values, quantile))
