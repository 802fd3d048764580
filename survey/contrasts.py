"""Contrasts between independent means, equivalence, effect-size intervals,
multiplicity and proportions: the figures behind every reading in words.

Pure numpy/scipy, plain numbers in and small frozen results out, like
``survey.stats``. Pulses are anonymous cross-sections, so every contrast here
treats the cells it combines as independent samples; the readings say so.

* ``welch_contrast``: any linear contrast of independent means (a change in a
  group-standardised mean, a change in the gap between two groups) with the
  Welch–Satterthwaite degrees of freedom.
* ``tost``: two one-sided tests of equivalence against a stated margin
  (Schuirmann 1987; Lakens 2017) before anything is called "similar".
* ``hedges_g_interval`` / ``smd_interval``: the noncentral-t interval for a
  standardised mean difference (Steiger & Fouladi 1997; Kline 2013).
* ``cliffs_delta_interval``: Cliff's (1993) delta with the asymmetric interval
  of Feng & Cliff (2004).
* ``holm``: Holm's (1979) step-down adjustment within a family of readings.
* ``wilson``: Wilson's (1927) score interval for a share of people.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, special
from scipy import stats as sps

from survey.stats import NAN, NO_VARIATION, TOO_FEW, _hedges_j, _vector

__all__ = [
    "Contrast",
    "EffectInterval",
    "Equivalence",
    "Proportion",
    "cliffs_delta_interval",
    "difference_of_differences",
    "hedges_g_interval",
    "holm",
    "smd_interval",
    "tost",
    "welch_contrast",
    "wilson",
]


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be between 0 and 1")


# ---------------------------------------- linear contrasts of independent means


@dataclass(frozen=True)
class Contrast:
    """A linear contrast sum(w_i * mean_i) of independent means.

    ``se`` is sqrt(sum w_i^2 s_i^2 / n_i); ``df`` the Welch–Satterthwaite degrees
    of freedom; ``low``/``high`` the two-sided t interval and ``p`` the two-sided
    test of zero. NaN fields come with a ``reason``.
    """

    estimate: float
    low: float
    high: float
    se: float
    df: float
    p: float
    confidence: float = 0.95
    reason: str = ""

    @property
    def clear(self) -> bool:
        """Whether the interval excludes zero."""
        return bool(self.low > 0 or self.high < 0)


def welch_contrast(
    weights: Sequence[float],
    means: Sequence[float],
    sds: Sequence[float],
    ns: Sequence[int],
    confidence: float = 0.95,
) -> Contrast:
    """Interval and test for sum(w_i * mean_i) over independent cells.

    Each cell contributes w_i^2 s_i^2 / n_i to the variance; the degrees of
    freedom are Satterthwaite's (1946) approximation,
    (sum v_i)^2 / sum(v_i^2 / (n_i - 1)), which for two cells with weights
    (1, -1) is Welch's (1947) test. A difference of differences (the change in
    a gap between two groups) is the contrast (+1, -1, -1, +1) over four cells.
    """
    _check_confidence(confidence)
    w = np.asarray(weights, dtype=float)
    m = np.asarray(means, dtype=float)
    s = np.asarray(sds, dtype=float)
    n = np.asarray(ns, dtype=float)
    if not (w.shape == m.shape == s.shape == n.shape) or w.ndim != 1:
        raise ValueError("weights, means, sds and ns must have the same length")
    estimate = float(np.dot(w, m))
    used = w != 0
    if np.any(n[used] < 2):
        return Contrast(estimate, NAN, NAN, NAN, NAN, NAN, confidence, TOO_FEW)
    parts = w[used] ** 2 * s[used] ** 2 / n[used]
    variance = float(parts.sum())
    if not variance > 1e-18:
        return Contrast(estimate, NAN, NAN, 0.0, NAN, NAN, confidence, NO_VARIATION)
    se = math.sqrt(variance)
    df = variance**2 / float(np.sum(parts**2 / (n[used] - 1)))
    # special.stdtrit/stdtr are what scipy.stats.t.ppf/sf call, without the
    # argument checking that dominates when readings are simulated by the 1,000.
    half = float(special.stdtrit(df, 0.5 + confidence / 2.0)) * se
    p = float(2.0 * special.stdtr(df, -abs(estimate) / se))
    return Contrast(estimate, estimate - half, estimate + half, se, df, p, confidence)


def difference_of_differences(
    first_a: tuple[float, float, int],
    first_b: tuple[float, float, int],
    later_a: tuple[float, float, int],
    later_b: tuple[float, float, int],
    confidence: float = 0.95,
) -> Contrast:
    """Change in the gap a - b from a first to a later pulse, from (mean, sd, n).

    (later_a - later_b) - (first_a - first_b) with the Welch–Satterthwaite
    interval over the four independent cells. Convergence is read from this
    interval, never from two point estimates of the gap.
    """
    cells = [later_a, later_b, first_a, first_b]
    return welch_contrast(
        [1.0, -1.0, -1.0, 1.0],
        [c[0] for c in cells],
        [c[1] for c in cells],
        [c[2] for c in cells],
        confidence,
    )


# ---------------------------------------- equivalence


@dataclass(frozen=True)
class Equivalence:
    """Two one-sided tests that an effect lies within (-margin, +margin).

    ``p`` is the larger of the two one-sided p-values; ``equivalent`` is
    p < alpha, which is the same as the 1 - 2 alpha interval (``low``, ``high``)
    lying inside the margins.
    """

    estimate: float
    margin: float
    """Differences within plus or minus this many scale points count as similar."""
    t_lower: float
    t_upper: float
    p_lower: float
    p_upper: float
    p: float
    low: float
    high: float
    df: float
    alpha: float = 0.05
    reason: str = ""

    @property
    def equivalent(self) -> bool:
        """Whether both one-sided tests reject: the effect is within the margin."""
        return bool(self.p < self.alpha)


def tost(
    estimate: float, se: float, df: float, margin: float, alpha: float = 0.05
) -> Equivalence:
    """Schuirmann's (1987) two one-sided tests against +/- ``margin``.

    H01: effect <= -margin and H02: effect >= +margin are each rejected by a
    one-sided t test at ``alpha``; both rejected means the effect is closer to
    zero than the margin (Lakens 2017, Social Psychological and Personality
    Science 8, 355-362). Works for any estimate with a t-distributed standard
    error, e.g. a Welch difference or a ``welch_contrast``.
    """
    if not margin > 0:
        raise ValueError("margin must be positive")
    _check_confidence(1.0 - alpha)
    if not (se > 0 and df > 0) or math.isnan(estimate):
        return Equivalence(
            estimate, margin, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, alpha,
            "no standard error",
        )  # fmt: skip
    t_lower = (estimate + margin) / se
    t_upper = (estimate - margin) / se
    p_lower = float(special.stdtr(df, -t_lower))
    p_upper = float(special.stdtr(df, t_upper))
    half = float(special.stdtrit(df, 1.0 - alpha)) * se
    return Equivalence(
        estimate=float(estimate),
        margin=float(margin),
        t_lower=float(t_lower),
        t_upper=float(t_upper),
        p_lower=p_lower,
        p_upper=p_upper,
        p=max(p_lower, p_upper),
        low=float(estimate - half),
        high=float(estimate + half),
        df=float(df),
        alpha=alpha,
    )


# ---------------------------------------- effect sizes with intervals


@dataclass(frozen=True)
class EffectInterval:
    """An effect size with its confidence interval (NaN with a reason)."""

    estimate: float
    low: float
    high: float
    confidence: float = 0.95
    reason: str = ""


def _ncp_bounds(t: float, df: float, confidence: float) -> tuple[float, float]:
    """Noncentrality parameters whose t distributions put ``t`` at the
    upper and lower tail quantiles (confidence-interval inversion).

    ``scipy.special.nctdtrinc`` inverts the noncentral t directly; should it
    fail (NaN), a root search brackets from ``t`` in doubling steps, since
    P(T <= t | ncp) falls as ncp grows.
    """
    tail = (1.0 - confidence) / 2.0
    fast = (
        float(special.nctdtrinc(df, 1.0 - tail, t)),
        float(special.nctdtrinc(df, tail, t)),
    )
    if not any(math.isnan(v) for v in fast):
        return fast

    def cdf(ncp: float) -> float:
        value = float(sps.nct.cdf(t, df, ncp))
        if math.isnan(value):
            return 1.0 if ncp < t else 0.0
        return value

    def solve(target: float) -> float:
        step = 1.0
        low, high = t - step, t + step
        while cdf(low) < target:
            step *= 2.0
            low = t - step
        step = 1.0
        while cdf(high) > target:
            step *= 2.0
            high = t + step
        return float(optimize.brentq(lambda x: cdf(x) - target, low, high, xtol=1e-12))

    return solve(1.0 - tail), solve(tail)


def smd_interval(
    t: float, df: float, scale: float, confidence: float = 0.95
) -> EffectInterval:
    """Noncentral-t interval for a standardised mean difference d = t * scale.

    Steiger & Fouladi (1997); for two independent groups scale =
    sqrt(1/n1 + 1/n2) and df = n1 + n2 - 2 (MBESS ``ci.smd``). The interval for
    the noncentrality parameter of t is mapped to d by the same scale, so it is
    exact under normality and equal variances, and asymmetric as it should be.
    """
    _check_confidence(confidence)
    if not (df > 0 and scale > 0) or not math.isfinite(t):
        return EffectInterval(NAN, NAN, NAN, confidence, TOO_FEW)
    low, high = _ncp_bounds(t, df, confidence)
    return EffectInterval(t * scale, low * scale, high * scale, confidence)


def hedges_g_interval(
    mean_a: float,
    sd_a: float,
    n_a: int,
    mean_b: float,
    sd_b: float,
    n_b: int,
    confidence: float = 0.95,
) -> EffectInterval:
    """Hedges' g for a - b with its noncentral-t interval, from summary figures.

    g = J(df) * d with the pooled SD (see ``survey.stats.hedges_g``); the
    interval is that of d (``smd_interval``) times the same J, as in Hedges &
    Olkin (1985) and TOSTER's ``smd_ci = "nct"``. No variation within either
    group leaves g undefined (an infinite "effect" from a 4 → 7 move of
    everyone is not a size), and says so.
    """
    _check_confidence(confidence)
    if n_a < 2 or n_b < 2:
        return EffectInterval(NAN, NAN, NAN, confidence, TOO_FEW)
    df = n_a + n_b - 2
    pooled = ((n_a - 1) * sd_a**2 + (n_b - 1) * sd_b**2) / df
    if not pooled > 1e-12:
        return EffectInterval(NAN, NAN, NAN, confidence, NO_VARIATION)
    scale = math.sqrt(1.0 / n_a + 1.0 / n_b)
    t = (mean_a - mean_b) / math.sqrt(pooled) / scale
    d = smd_interval(t, df, scale, confidence)
    j = _hedges_j(df)
    return EffectInterval(d.estimate * j, d.low * j, d.high * j, confidence)


def cliffs_delta_interval(
    a: ArrayLike, b: ArrayLike, confidence: float = 0.95
) -> EffectInterval:
    """Cliff's delta P(a > b) - P(a < b) with the Feng & Cliff (2004) interval.

    Variance: Cliff's (1993, eq. 9) unbiased estimate from the dominance
    matrix; interval: the asymmetric one of Cliff (1993) / Feng & Cliff (2004)
    with a t(n_a + n_b - 2) quantile, which stays inside [-1, 1]. These are the
    defaults of R ``effsize::cliff.delta``.
    """
    _check_confidence(confidence)
    x, y = _vector(a), _vector(b)
    n1, n2 = x.size, y.size
    if n1 < 2 or n2 < 2:
        return EffectInterval(NAN, NAN, NAN, confidence, TOO_FEW)
    # The dominance matrix sign(x_i - y_j) without building it (n1 x n2 is
    # 4 million cells for two pulses of 2,000): its row and column means and
    # its count of ties come from binary searches in the sorted samples.
    xs, ys = np.sort(x), np.sort(y)
    y_below = np.searchsorted(ys, x, side="left")
    y_above = n2 - np.searchsorted(ys, x, side="right")
    x_below = np.searchsorted(xs, y, side="left")
    x_above = n1 - np.searchsorted(xs, y, side="right")
    rows = (y_below - y_above) / n2  # mean of sign(x_i - y) over y
    cols = (x_above - x_below) / n1  # mean of sign(x - y_j) over x
    d = float(rows.mean())
    untied = float(np.sum(y_below + y_above))  # pairs with sign +-1
    sum_sq = untied - 2 * d * d * n1 * n2 + n1 * n2 * d * d  # sum (dom - d)^2
    var = (
        n2**2 * np.sum((rows - d) ** 2) + n1**2 * np.sum((cols - d) ** 2) - sum_sq
    ) / (n1 * n2 * (n1 - 1) * (n2 - 1))
    var = float(max(var, 0.0))
    if var == 0.0:
        reason = "complete separation: no interval" if abs(d) == 1.0 else NO_VARIATION
        return EffectInterval(d, NAN, NAN, confidence, reason)
    z = float(sps.t.ppf(0.5 + confidence / 2.0, n1 + n2 - 2))
    root = z * math.sqrt(var) * math.sqrt((1 - d * d) ** 2 + z * z * var)
    denom = 1 - d * d + z * z * var
    return EffectInterval(
        d, (d - d**3 - root) / denom, (d - d**3 + root) / denom, confidence
    )


# ---------------------------------------- multiplicity


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's (1979) step-down adjusted p-values, in the input order.

    Sorted ascending, the i-th smallest p (0-based) is multiplied by (m - i),
    made monotone with a running maximum and capped at 1 (R
    ``p.adjust(method = "holm")``). Rejecting where the adjusted p < alpha keeps
    the chance of any false "clear" reading in the family at or below alpha,
    whatever the dependence between the tests. NaN p-values (readings without
    a test) stay NaN and do not count towards m.
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    known = np.flatnonzero(~np.isnan(p))
    m = known.size
    if m == 0:
        return out.tolist()
    order = known[np.argsort(p[known], kind="stable")]
    running = 0.0
    for i, idx in enumerate(order):
        running = max(running, min(1.0, (m - i) * float(p[idx])))
        out[idx] = running
    return out.tolist()


# ---------------------------------------- proportions


@dataclass(frozen=True)
class Proportion:
    """A share with its Wilson score interval."""

    share: float
    low: float
    high: float
    count: int
    """How many of the ``n`` are in the share."""
    n: int
    confidence: float = 0.95
    reason: str = ""
    """Why the share is undefined (nobody answered); empty when it is not."""


def wilson(count: int, n: int, confidence: float = 0.95) -> Proportion:
    """Wilson's (1927) score interval for count / n.

    Unlike the textbook p +/- z sqrt(p(1-p)/n) it never leaves [0, 1] and keeps
    its coverage for the small groups and extreme shares of a pulse (Newcombe
    1998, Statistics in Medicine 17, 857-872, method 3).
    """
    _check_confidence(confidence)
    if n <= 0:
        return Proportion(NAN, NAN, NAN, count, n, confidence, "no responses")
    if not 0 <= count <= n:
        raise ValueError("count must be between 0 and n")
    z = float(sps.norm.ppf(0.5 + confidence / 2.0))
    p = count / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low = 0.0 if count == 0 else max(0.0, centre - half)
    high = 1.0 if count == n else min(1.0, centre + half)
    return Proportion(p, low, high, count, n, confidence)
