"""Statistics for small groups: intervals, reliability, agreement, comparisons, trends.

Pure numpy/scipy (no Streamlit, no SQL). Every function takes plain numbers or
numpy arrays and returns a float or a small frozen dataclass, in the style of
``scipy.stats`` result objects.

Conventions
-----------
* NaN in a 1-D input means "no answer" and is dropped before anything is computed.
* 2-D item matrices are respondents x items; a respondent with any NaN is dropped
  (listwise deletion), as in R ``psych::alpha(use="complete.obs")`` and
  ``multilevel::rwg.j`` -- except ``rwg_j_star``, which takes each item's
  variance over everyone who answered it (item-wise), as the app's stored
  per-item aggregates do.
* Undefined results (too few responses, no variation, nothing answered) are not
  errors: fields that cannot be computed are NaN and ``reason`` says why in words a
  facilitator can read. Functions that return a plain float return NaN.
* Invalid *arguments* (a scale with fewer than two points, a confidence level
  outside (0, 1), mismatched lengths) are programming errors and raise ValueError.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import special
from scipy import stats as sps

__all__ = [
    "Comparison",
    "CronbachAlpha",
    "MeanCI",
    "Trend",
    "cliffs_delta",
    "compare",
    "cronbach_alpha",
    "hedges_g",
    "icc1",
    "icc2",
    "mean_ci",
    "reverse",
    "rwg",
    "rwg_j",
    "rwg_j_star",
    "trend",
]

NAN = float("nan")

NO_RESPONSES = "no responses"
TOO_FEW = "fewer than 2 responses"
NO_VARIATION = "no variation"


# ---------------------------------------- helpers


def _vector(values: ArrayLike) -> np.ndarray:
    """1-D float array with NaNs dropped."""
    x = np.asarray(values, dtype=float).ravel()
    return x[~np.isnan(x)]


def _complete_rows(items: ArrayLike) -> np.ndarray:
    """2-D float array (respondents x items) keeping only rows without NaN."""
    x = np.asarray(items, dtype=float)
    if x.ndim == 1:
        x = x[:, np.newaxis]
    if x.ndim != 2:
        raise ValueError("items must be a 2-D array (respondents x items)")
    return x[~np.isnan(x).any(axis=1)]


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be between 0 and 1")


def _null_variance(scale_points: int) -> float:
    """Variance of the discrete uniform on A points, (A^2 - 1) / 12.

    The "no agreement" reference of James, Demaree & Wolf (1984); equals
    ``ranvar=2`` in R ``multilevel`` for a 5-point scale.
    """
    if scale_points < 2:
        raise ValueError("scale_points must be at least 2")
    return (scale_points**2 - 1) / 12.0


def _clip01(value: float) -> float:
    return float(min(1.0, max(0.0, value)))


# ---------------------------------------- scoring


def reverse(values: ArrayLike, low: float, high: float) -> np.ndarray:
    """Reverse-score answers on a ``low``..``high`` scale: ``low + high - x``.

    Negatively worded items are flipped so that a high score always means more of
    the construct before items are averaged or checked for reliability. NaN stays
    NaN. Scalars are accepted and come back as a 0-d array.
    """
    if low >= high:
        raise ValueError("low must be below high")
    return low + high - np.asarray(values, dtype=float)


# ---------------------------------------- means


@dataclass(frozen=True)
class MeanCI:
    """A mean with its t-based confidence interval.

    ``low``/``high`` are NaN when the interval is undefined (fewer than 2
    responses, or every response identical); ``reason`` then says why and is
    empty otherwise.
    """

    mean: float
    low: float
    high: float
    n: int
    confidence: float = 0.95
    reason: str = ""


def mean_ci(values: ArrayLike, confidence: float = 0.95) -> MeanCI:
    """Mean with Student's t interval, mean +/- t(n-1) * s / sqrt(n).

    Small groups (5-40) need the t rather than the normal quantile (Student 1908);
    computed with ``scipy.stats.ttest_1samp(...).confidence_interval``.
    """
    _check_confidence(confidence)
    x = _vector(values)
    n = int(x.size)
    if n == 0:
        return MeanCI(NAN, NAN, NAN, 0, confidence, NO_RESPONSES)
    mean = float(np.mean(x))
    if n < 2:
        return MeanCI(mean, NAN, NAN, n, confidence, TOO_FEW)
    if np.ptp(x) == 0:
        # A zero-width interval would claim certainty that 2-40 people cannot give.
        return MeanCI(mean, NAN, NAN, n, confidence, NO_VARIATION)
    ci = sps.ttest_1samp(x, 0.0).confidence_interval(confidence)
    return MeanCI(mean, float(ci.low), float(ci.high), n, confidence)


def mean_ci_from_summary(
    mean: float, sd: float, n: int, confidence: float = 0.95
) -> MeanCI:
    """The same t interval as ``mean_ci``, from n, mean and sample SD (ddof=1).

    Aggregates come from one SQL ``GROUP BY`` over stored scores; this turns
    those sufficient statistics into the interval without fetching the values.
    """
    _check_confidence(confidence)
    n = int(n)
    if n == 0:
        return MeanCI(NAN, NAN, NAN, 0, confidence, NO_RESPONSES)
    if n < 2:
        return MeanCI(float(mean), NAN, NAN, n, confidence, TOO_FEW)
    if not sd > 1e-12:
        return MeanCI(float(mean), NAN, NAN, n, confidence, NO_VARIATION)
    # special.stdtrit is scipy.stats.t.ppf without its argument checks: the
    # same numbers, ~20x faster, which matters when trends build many figures.
    half = float(special.stdtrit(n - 1, 0.5 + confidence / 2.0)) * sd / math.sqrt(n)
    return MeanCI(float(mean), float(mean - half), float(mean + half), n, confidence)


# ---------------------------------------- reliability


@dataclass(frozen=True)
class CronbachAlpha:
    """Cronbach's alpha with its Feldt confidence interval.

    ``n`` is the number of complete respondents used (after listwise deletion),
    ``k`` the number of items.
    """

    alpha: float
    low: float
    high: float
    n: int
    k: int
    confidence: float = 0.95
    reason: str = ""


def _feldt_interval(
    alpha: float, n: int, k: int, confidence: float
) -> tuple[float, float]:
    """Feldt (1965) interval: (1 - alpha_hat)/(1 - alpha) ~ F(n-1, (n-1)(k-1)).

    Feldt, L. S. (1965), Psychometrika 30, 357-370; Feldt, Woodruff & Salih (1987),
    Applied Psychological Measurement 11, 93-103. Same as R ``psych::alpha.ci``.
    """
    df1 = n - 1
    df2 = (n - 1) * (k - 1)
    tail = (1.0 - confidence) / 2.0
    low = 1.0 - (1.0 - alpha) * sps.f.ppf(1.0 - tail, df1, df2)
    high = 1.0 - (1.0 - alpha) * sps.f.ppf(tail, df1, df2)
    return float(low), float(high)


def cronbach_alpha(items: ArrayLike, confidence: float = 0.95) -> CronbachAlpha:
    """Cronbach's (1951) alpha, k/(k-1) * (1 - sum item variances / total variance).

    ``items`` is respondents x items; respondents with any missing item are dropped
    (listwise), so every variance is taken over the same people. The interval is
    Feldt's F-based one (Feldt 1965; Feldt, Woodruff & Salih 1987), which is exact
    under the classical compound-symmetry model and is what R ``psych`` reports.
    """
    _check_confidence(confidence)
    x = _complete_rows(items)
    n, k = x.shape
    undefined = _alpha_undefined(n, k, confidence)
    if undefined is not None:
        return undefined
    return cronbach_alpha_from_variances(
        np.var(x, axis=0, ddof=1), float(np.var(x.sum(axis=1), ddof=1)), n, confidence
    )


def _alpha_undefined(n: int, k: int, confidence: float) -> CronbachAlpha | None:
    """Alpha with the reason it cannot be computed, or None when it can."""
    if k < 2:
        return CronbachAlpha(NAN, NAN, NAN, n, k, confidence, "fewer than 2 items")
    if n == 0:
        return CronbachAlpha(NAN, NAN, NAN, 0, k, confidence, NO_RESPONSES)
    if n < 2:
        return CronbachAlpha(NAN, NAN, NAN, n, k, confidence, TOO_FEW)
    return None


def cronbach_alpha_from_variances(
    item_variances: ArrayLike, total_variance: float, n: int, confidence: float = 0.95
) -> CronbachAlpha:
    """Alpha and its Feldt interval from the item variances and the variance of
    the item sum, all over the same ``n`` complete respondents (ddof=1).

    Lets stored aggregates give reliability for a whole programme without
    fetching every answer.
    """
    _check_confidence(confidence)
    variances = np.asarray(item_variances, dtype=float)
    k = int(variances.size)
    undefined = _alpha_undefined(n, k, confidence)
    if undefined is not None:
        return undefined
    if not total_variance > 0.0:
        return CronbachAlpha(NAN, NAN, NAN, n, k, confidence, NO_VARIATION)
    alpha = k / (k - 1) * (1.0 - float(variances.sum()) / total_variance)
    low, high = _feldt_interval(alpha, n, k, confidence)
    return CronbachAlpha(float(alpha), low, high, n, k, confidence)


# ---------------------------------------- agreement


def rwg(values: ArrayLike, scale_points: int) -> float:
    """Single-item within-group agreement r_wg = 1 - s^2 / ((A^2 - 1) / 12).

    James, Demaree & Wolf (1984), J. Applied Psychology 69, 85-98: observed
    variance against the variance expected if answers were uniformly random on A
    points. Truncated to [0, 1] (a variance above the null means no agreement), as
    R ``multilevel::rwg`` does. NaN with fewer than 2 answers.
    """
    null = _null_variance(scale_points)
    x = _vector(values)
    if x.size < 2:
        return NAN
    return _clip01(1.0 - float(np.var(x, ddof=1)) / null)


def _mean_item_variance(items: ArrayLike) -> tuple[float, int]:
    """Mean of the item variances over complete respondents, and the item count."""
    x = _complete_rows(items)
    n, j = x.shape
    if n < 2 or j < 1:
        return NAN, j
    return float(np.mean(np.var(x, axis=0, ddof=1))), j


def rwg_j(items: ArrayLike, scale_points: int) -> float:
    """Multi-item agreement r_wg(J) of James, Demaree & Wolf (1984).

    With r = 1 - mean item variance / null variance,
    r_wg(J) = J r / (J r + (1 - r)) (the Spearman-Brown step-up of r to J items).
    When the mean item variance exceeds the null variance the group shows no
    agreement and the result is 0, as in R ``multilevel::rwg.j``; always in [0, 1].
    Respondents with a missing item are dropped (listwise, as ``rwg.j``).
    """
    null = _null_variance(scale_points)
    mean_var, j = _mean_item_variance(items)
    if math.isnan(mean_var):
        return NAN
    ratio = min(mean_var / null, 1.0)
    agree = j * (1.0 - ratio)
    return _clip01(agree / (agree + ratio))


def rwg_j_star(items: ArrayLike, scale_points: int) -> float:
    """Lindell's r*_wg(J) = 1 - mean item variance / null variance.

    Lindell, Brandt & Whitney (1999), Applied Psychological Measurement 23,
    127-135: unlike r_wg(J) it does not grow with the number of items. Each
    item's variance is taken over everyone who answered that item (item-wise:
    a respondent who skipped one item still counts for the others), exactly
    what ``rwg_j_star_from_variances`` gets from the stored per-item
    aggregates; items with fewer than 2 answers are left out. With no missing
    answers this equals R ``multilevel::rwg.j.lindell``. Truncated to [0, 1]
    here (``rwg.j.lindell`` leaves negative values).
    """
    x = np.asarray(items, dtype=float)
    if x.ndim == 1:
        x = x[:, np.newaxis]
    if x.ndim != 2:
        raise ValueError("items must be a 2-D array (respondents x items)")
    _null_variance(scale_points)
    variances = []
    for column in x.T:
        answered = column[~np.isnan(column)]
        if answered.size >= 2:
            variances.append(float(np.var(answered, ddof=1)))
    return rwg_j_star_from_variances(variances, scale_points)


def rwg_j_star_from_variances(item_variances: ArrayLike, scale_points: int) -> float:
    """Lindell's r*_wg(J) from the items' sample variances (ddof=1).

    Lets SQL aggregates (per-item n, sum, sum of squares) give agreement without
    fetching answers. NaN if no variance is known.
    """
    null = _null_variance(scale_points)
    variances = np.asarray(item_variances, dtype=float)
    variances = variances[~np.isnan(variances)]
    if variances.size == 0:
        return NAN
    return _clip01(1.0 - float(np.mean(variances)) / null)


# ---------------------------------------- ICC


def _one_way_mean_squares(
    values: ArrayLike, groups: ArrayLike
) -> tuple[float, float, float] | None:
    """(MSB, MSW, k = N / number of groups) of a one-way ANOVA, or None if undefined.

    Rows whose value is NaN are dropped. Undefined: fewer than 2 groups, or no
    within-group degrees of freedom.
    """
    y = np.asarray(values, dtype=float).ravel()
    g = np.asarray(groups).ravel()
    if y.shape != g.shape:
        raise ValueError("values and groups must have the same length")
    keep = ~np.isnan(y)
    y, g = y[keep], g[keep]
    labels, inverse = np.unique(g, return_inverse=True)
    n_groups, n = labels.size, y.size
    if n_groups < 2 or n - n_groups < 1:
        return None
    sizes = np.bincount(inverse, minlength=n_groups).astype(float)
    means = np.bincount(inverse, weights=y, minlength=n_groups) / sizes
    grand = y.mean()
    ss_between = float(np.sum(sizes * (means - grand) ** 2))
    ss_within = float(np.sum((y - means[inverse]) ** 2))
    msb = ss_between / (n_groups - 1)
    msw = ss_within / (n - n_groups)
    return msb, msw, n / n_groups


def icc1(values: ArrayLike, groups: ArrayLike) -> float:
    """ICC(1) = (MSB - MSW) / (MSB + (k - 1) MSW), k = N / number of groups.

    Share of individual variance tied to group membership, from a one-way ANOVA
    (Bartko 1976; Bliese 2000). Same as R ``multilevel::ICC1(aov(y ~ factor(g)))``,
    including its k = N / groups for unequal group sizes. Can be negative. NaN with
    fewer than 2 groups, no within-group replication, or no variation at all.
    """
    ms = _one_way_mean_squares(values, groups)
    if ms is None:
        return NAN
    msb, msw, k = ms
    denom = msb + (k - 1.0) * msw
    if denom == 0.0:
        return NAN
    return float((msb - msw) / denom)


def icc2(values: ArrayLike, groups: ArrayLike) -> float:
    """ICC(2) = (MSB - MSW) / MSB: reliability of the group means.

    Bartko (1976); Bliese (2000); R ``multilevel::ICC2``. Equals the Spearman-Brown
    step-up of ICC(1) to k = N / groups members. NaN when undefined (see ``icc1``)
    or when the group means do not differ at all (MSB = 0).
    """
    ms = _one_way_mean_squares(values, groups)
    if ms is None:
        return NAN
    msb, msw, _ = ms
    if msb == 0.0:
        return NAN
    return float((msb - msw) / msb)


# ---------------------------------------- effect sizes


def _hedges_j(df: float) -> float:
    """Exact small-sample bias correction of Hedges (1981), eq. 6e.

    J(m) = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2)); the familiar
    1 - 3 / (4 m - 1) (= 1 - 3 / (4 (n1 + n2) - 9)) is its approximation and
    differs by less than 0.001 once m >= 4.
    """
    half = df / 2.0
    return float(
        math.exp(special.gammaln(half) - special.gammaln(half - 0.5)) / math.sqrt(half)
    )


def hedges_g(a: ArrayLike, b: ArrayLike) -> float:
    """Hedges' g: (mean a - mean b) / pooled SD, times the exact correction J.

    Cohen's d with the pooled (n - 1)-weighted SD over-states the effect in small
    samples; Hedges (1981, J. Educational Statistics 6, 107-128) removes the bias
    with J(n_a + n_b - 2), computed here in its exact gamma form (see Lakens 2013,
    Frontiers in Psychology 4:863, for the approximate form). NaN if either group
    has fewer than 2 answers or there is no variation within groups.
    """
    x, y = _vector(a), _vector(b)
    n1, n2 = x.size, y.size
    if n1 < 2 or n2 < 2:
        return NAN
    df = n1 + n2 - 2
    pooled = ((n1 - 1) * np.var(x, ddof=1) + (n2 - 1) * np.var(y, ddof=1)) / df
    if pooled == 0.0:
        return NAN
    d = (np.mean(x) - np.mean(y)) / math.sqrt(pooled)
    return float(d * _hedges_j(df))


def cliffs_delta(a: ArrayLike, b: ArrayLike) -> float:
    """Cliff's delta, P(a > b) - P(a < b) over all pairs (Cliff 1993).

    An ordinal effect size fitting Likert answers: no assumption about distances
    between scale points. Computed from ranks as 2 U / (n_a n_b) - 1 with the
    Mann-Whitney U of ``a`` (ties count half), which is exactly
    (#{a > b} - #{a < b}) / (n_a n_b). NaN if either group is empty.
    """
    x, y = _vector(a), _vector(b)
    n1, n2 = x.size, y.size
    if n1 == 0 or n2 == 0:
        return NAN
    ranks = sps.rankdata(np.concatenate([x, y]))
    u = float(ranks[:n1].sum()) - n1 * (n1 + 1) / 2.0
    return float(2.0 * u / (n1 * n2) - 1.0)


# ---------------------------------------- comparison


@dataclass(frozen=True)
class Comparison:
    """Unpaired comparison of a with b; every difference is a - b.

    ``diff``/``low``/``high``: mean difference with Welch's interval;
    ``t_welch``/``df_welch``/``p_welch``: Welch's t test (two-sided);
    ``p_mannwhitney``: two-sided Mann-Whitney U test; ``hedges_g`` and
    ``cliffs_delta``: standardized and ordinal effect sizes. Undefined fields are
    NaN and ``reason`` says why.
    """

    diff: float
    low: float
    high: float
    p_welch: float
    p_mannwhitney: float
    hedges_g: float
    cliffs_delta: float
    n_a: int
    n_b: int
    mean_a: float
    mean_b: float
    t_welch: float
    df_welch: float
    confidence: float = 0.95
    reason: str = ""


def compare(a: ArrayLike, b: ArrayLike, confidence: float = 0.95) -> Comparison:
    """Compare two independent groups: mean difference, Welch and Mann-Whitney.

    Welch (1947) does not assume equal variances, which two professional groups of
    different sizes rarely have (``scipy.stats.ttest_ind(equal_var=False)`` and its
    ``confidence_interval``). The Mann-Whitney U test (``scipy.stats.mannwhitneyu``,
    two-sided, exact for small samples without ties) and Cliff's delta do not treat
    Likert points as equally spaced; Hedges' g gives the standardized size.
    """
    _check_confidence(confidence)
    x, y = _vector(a), _vector(b)
    n1, n2 = int(x.size), int(y.size)
    mean_a = float(np.mean(x)) if n1 else NAN
    mean_b = float(np.mean(y)) if n2 else NAN
    diff = mean_a - mean_b
    delta = cliffs_delta(x, y)

    def partial(reason: str, p_mw: float = NAN) -> Comparison:
        return Comparison(
            diff=diff,
            low=NAN,
            high=NAN,
            p_welch=NAN,
            p_mannwhitney=p_mw,
            hedges_g=NAN,
            cliffs_delta=delta,
            n_a=n1,
            n_b=n2,
            mean_a=mean_a,
            mean_b=mean_b,
            t_welch=NAN,
            df_welch=NAN,
            confidence=confidence,
            reason=reason,
        )

    if n1 == 0 or n2 == 0:
        return partial(NO_RESPONSES + (" in a" if n1 == 0 else " in b"))
    if n1 < 2 or n2 < 2:
        return partial(TOO_FEW + (" in a" if n1 < 2 else " in b"))
    if np.ptp(np.concatenate([x, y])) == 0:
        return partial(NO_VARIATION)
    p_mw = float(sps.mannwhitneyu(x, y, alternative="two-sided").pvalue)
    if np.ptp(x) == 0 and np.ptp(y) == 0:
        # Welch's standard error is zero; its t and interval are undefined.
        return partial(NO_VARIATION + " within either group", p_mw=p_mw)
    with warnings.catch_warnings():
        # scipy warns about "catastrophic cancellation" when one group answered
        # identically; its variance is then exactly 0 and Welch's t is still right.
        warnings.filterwarnings("ignore", "Precision loss", RuntimeWarning)
        welch = sps.ttest_ind(x, y, equal_var=False)
        ci = welch.confidence_interval(confidence)
    return Comparison(
        diff=diff,
        low=float(ci.low),
        high=float(ci.high),
        p_welch=float(welch.pvalue),
        p_mannwhitney=p_mw,
        hedges_g=hedges_g(x, y),
        cliffs_delta=delta,
        n_a=n1,
        n_b=n2,
        mean_a=mean_a,
        mean_b=mean_b,
        t_welch=float(welch.statistic),
        df_welch=float(welch.df),
        confidence=confidence,
    )


@dataclass(frozen=True)
class WelchDifference:
    """Mean difference a - b with Welch's interval and p, from summary figures."""

    diff: float
    low: float
    high: float
    p: float
    df: float
    n_a: int
    n_b: int
    confidence: float = 0.95
    reason: str = ""


def welch_from_summary(
    mean_a: float,
    sd_a: float,
    n_a: int,
    mean_b: float,
    sd_b: float,
    n_b: int,
    confidence: float = 0.95,
) -> WelchDifference:
    """Welch's interval and test for a - b from n, mean and SD of each group.

    The same figures as ``compare`` gives from raw values (Welch 1947;
    Satterthwaite degrees of freedom), for gaps computed from SQL aggregates.
    """
    _check_confidence(confidence)
    diff = float(mean_a - mean_b)
    if n_a < 2 or n_b < 2:
        return WelchDifference(diff, NAN, NAN, NAN, NAN, n_a, n_b, confidence, TOO_FEW)
    va, vb = sd_a**2 / n_a, sd_b**2 / n_b
    se = math.sqrt(va + vb)
    if not se > 0:
        return WelchDifference(
            diff, NAN, NAN, NAN, NAN, n_a, n_b, confidence, NO_VARIATION
        )
    df = (va + vb) ** 2 / (va**2 / (n_a - 1) + vb**2 / (n_b - 1))
    half = float(sps.t.ppf(0.5 + confidence / 2, df)) * se
    p = float(2 * sps.t.sf(abs(diff) / se, df))
    return WelchDifference(diff, diff - half, diff + half, p, df, n_a, n_b, confidence)


# ---------------------------------------- trend


@dataclass(frozen=True)
class Trend:
    """Monotonic trend of values over time.

    ``slope`` (change per time unit) and ``low``/``high``: Theil-Sen estimate and
    its interval; ``intercept`` = median(values) - slope * median(times)
    (Conover 1980, as ``scipy.stats.theilslopes``). ``p``: two-sided Mann-Kendall
    test; ``tau``: Kendall's tau-b between time and value; ``s`` and ``var_s``:
    the Mann-Kendall score and its tie-corrected variance. Undefined fields are
    NaN and ``reason`` says why.
    """

    slope: float
    low: float
    high: float
    p: float
    n: int
    tau: float
    s: float
    var_s: float
    intercept: float
    confidence: float = 0.95
    reason: str = ""


def _tie_sums(x: np.ndarray) -> tuple[float, float, float]:
    """Sums over tie groups t of t(t-1), t(t-1)(t-2) and t(t-1)(2t+5)."""
    _, counts = np.unique(x, return_counts=True)
    t = counts[counts > 1].astype(float)
    return (
        float(np.sum(t * (t - 1))),
        float(np.sum(t * (t - 1) * (t - 2))),
        float(np.sum(t * (t - 1) * (2 * t + 5))),
    )


def _kendall_var_s(n: int, times: np.ndarray, values: np.ndarray) -> float:
    """Variance of Kendall's S under independence, ties in both variables.

    Kendall (1975, Rank Correlation Methods, eq. 4.3); the formula of R
    ``Kendall`` (McLeod) and of ``scipy.stats.kendalltau``'s asymptotic test.
    """
    t1, t2, t3 = _tie_sums(times)
    u1, u2, u3 = _tie_sums(values)
    nn = float(n) * (n - 1)
    return (
        (nn * (2 * n + 5) - t3 - u3) / 18.0
        + (t2 * u2) / (9.0 * nn * (n - 2))
        + (t1 * u1) / (2.0 * nn)
    )


def _as_time(times: ArrayLike) -> np.ndarray:
    t = np.asarray(times)
    if t.dtype.kind == "M":  # datetime64 -> days
        return (t - t.min()) / np.timedelta64(1, "D")
    return t.astype(float).ravel()


def trend(times: ArrayLike, values: ArrayLike, confidence: float = 0.95) -> Trend:
    """Theil-Sen slope with its interval and the Mann-Kendall trend test.

    Theil (1950) / Sen (1968): the median of all pairwise slopes, robust to a
    few extreme answers (``scipy.stats.theilslopes``; interval from Sen's
    Kendall-based ranks). Mann-Kendall (Mann 1945; Kendall 1975) tests S, the sum
    of sign(t_j - t_i) sign(x_j - x_i): Kendall's tau between time and value. The
    p-value is the classic normal approximation with the tie-corrected variance of
    S (ties in times and in values) *and* the continuity correction
    z = (S - sign S) / sqrt(var S), as in R ``Kendall::MannKendall`` and
    ``trend::mk.test`` (Hipel & McLeod 1994). ``scipy.stats.kendalltau`` gives the
    same S, tau-b and variance but omits the continuity correction, so its p is
    slightly smaller (0.000288 vs 0.000292 on the Great Lakes series).

    ``times`` may be numbers (e.g. days, session index) or datetime64 (converted to
    days). Pairs with a NaN in either are dropped; ties in time are allowed (several
    responses per session). Needs 3 points and 2 distinct times.
    """
    _check_confidence(confidence)
    t = _as_time(times)
    x = np.asarray(values, dtype=float).ravel()
    if t.shape != x.shape:
        raise ValueError("times and values must have the same length")
    keep = ~(np.isnan(t) | np.isnan(x))
    t, x = t[keep], x[keep]
    n = int(x.size)

    def empty(reason: str) -> Trend:
        return Trend(NAN, NAN, NAN, NAN, n, NAN, NAN, NAN, NAN, confidence, reason)

    if n == 0:
        return empty(NO_RESPONSES)
    if n < 3:
        return empty("fewer than 3 responses")
    if np.ptp(t) == 0:
        return empty("fewer than 2 distinct times")
    if np.ptp(x) == 0:
        return Trend(
            0.0, NAN, NAN, NAN, n, NAN, 0.0, NAN, float(x[0]), confidence, NO_VARIATION
        )

    with warnings.catch_warnings():
        # Heavy ties make Sen's rank variance negative: no interval (reason below).
        warnings.filterwarnings("ignore", "invalid value", RuntimeWarning)
        ts = sps.theilslopes(x, t, alpha=confidence)
    tau = float(sps.kendalltau(t, x).statistic)
    # S from tau-b: tau_b = S / sqrt((n0 - n_t)(n0 - n_u)), n0 = n(n-1)/2.
    n0 = n * (n - 1) / 2.0
    t1 = _tie_sums(t)[0] / 2.0
    u1 = _tie_sums(x)[0] / 2.0
    s = float(round(tau * math.sqrt((n0 - t1) * (n0 - u1))))
    var_s = _kendall_var_s(n, t, x)
    z = (s - math.copysign(1.0, s)) / math.sqrt(var_s) if s != 0 else 0.0
    p = float(min(1.0, 2.0 * sps.norm.sf(abs(z))))
    return Trend(
        slope=float(ts.slope),
        low=float(ts.low_slope),
        high=float(ts.high_slope),
        p=p,
        n=n,
        tau=tau,
        s=s,
        var_s=float(var_s),
        intercept=float(ts.intercept),
        confidence=confidence,
        reason=""
        if np.isfinite(ts.low_slope) and np.isfinite(ts.high_slope)
        else "too many tied values for an interval",
    )
