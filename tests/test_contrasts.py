"""Contrasts, equivalence, effect-size intervals, Holm and Wilson against
published worked examples; within-pulse reliability and agreement nulls."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from survey import stats
from survey.agreement import (
    null_variance,
    random_answering_band,
    rwg_j_star_against,
)
from survey.contrasts import (
    cliffs_delta_interval,
    difference_of_differences,
    hedges_g_interval,
    holm,
    smd_interval,
    tost,
    welch_contrast,
    wilson,
)
from survey.reliability import PulseItems, within_groups, within_pulse_alpha


def test_tost_reproduces_lakens_2017_moery_calin_jageman_example() -> None:
    # Lakens (2017, SPPS 8, 355) / TOSTER TOSTtwo example: n = 95, M = 5.25,
    # SD = 0.95 against n = 89, M = 5.22, SD = 0.83, bounds d = +/-0.43, equal
    # variances: "t(182) = -2.69, p = 0.004".
    n1, n2 = 95, 89
    sp = math.sqrt(((n1 - 1) * 0.95**2 + (n2 - 1) * 0.83**2) / (n1 + n2 - 2))
    se = sp * math.sqrt(1 / n1 + 1 / n2)
    result = tost(5.25 - 5.22, se, n1 + n2 - 2, margin=0.43 * sp)
    assert result.t_upper == pytest.approx(-2.69, abs=0.005)
    assert result.df == 182
    assert result.p == pytest.approx(0.004, abs=0.0005)
    assert result.equivalent
    assert -result.margin < result.low < result.high < result.margin


def test_tost_is_not_equivalent_when_the_interval_reaches_the_margin() -> None:
    result = tost(0.3, 0.2, 30, margin=0.5)
    assert not result.equivalent
    assert result.high > 0.5


def test_welch_contrast_of_two_cells_is_welchs_test() -> None:
    a = np.array([3, 4, 5, 5, 6, 7, 4.0])
    b = np.array([2, 3, 3, 4, 4, 5, 3, 2, 6.0])
    c = welch_contrast(
        [1, -1], [a.mean(), b.mean()], [a.std(ddof=1), b.std(ddof=1)], [7, 9]
    )
    ref = sps.ttest_ind(a, b, equal_var=False)
    ci = ref.confidence_interval()
    assert c.p == pytest.approx(ref.pvalue, rel=1e-10)
    assert (c.low, c.high) == pytest.approx((ci.low, ci.high), rel=1e-10)
    assert c.df == pytest.approx(ref.df, rel=1e-10)


def test_difference_of_differences_adds_the_four_variances() -> None:
    c = difference_of_differences((4.0, 1.0, 10), (3.0, 1.0, 10), (5.0, 1.0, 10),
                                  (5.0, 1.0, 10))  # fmt: skip
    assert c.estimate == pytest.approx(-1.0)  # gap +1 → 0
    assert c.se == pytest.approx(math.sqrt(4 * 0.1))
    assert c.df == pytest.approx(36.0)  # four equal cells: 4 × 9


def test_contrast_without_enough_responses_has_no_interval() -> None:
    c = welch_contrast([1, -1], [4, 5], [1, 1], [1, 8])
    assert math.isnan(c.low) and c.reason


def test_smd_interval_reproduces_kline_2013_noncentral_example() -> None:
    # Kline (2013, Beyond Significance Testing, 2nd ed., p. 202), as checked in
    # esci's tests: d_s = -0.8528028 [-2.121155, 0.4482578], df = 12, n = 5, 5.
    scale = math.sqrt(1 / 5 + 1 / 5)
    t = -2.0 / (2.345208 * scale)
    d = smd_interval(t, 12, scale)
    assert d.estimate == pytest.approx(-0.8528028, abs=1e-6)
    assert d.low == pytest.approx(-2.121155, abs=1e-5)
    assert d.high == pytest.approx(0.4482578, abs=1e-5)


def test_hedges_g_interval_matches_g_and_scales_the_d_interval() -> None:
    a = np.array([5, 6, 6, 7, 5, 6, 4.0])
    b = np.array([3, 4, 5, 4, 3, 5, 4, 4.0])
    g = hedges_g_interval(a.mean(), a.std(ddof=1), 7, b.mean(), b.std(ddof=1), 8)
    assert g.estimate == pytest.approx(stats.hedges_g(a, b), rel=1e-12)
    assert g.low < g.estimate < g.high
    assert g.low > 0  # a clear difference of about 1.8 SD


def test_hedges_g_interval_gives_a_reason_without_variation() -> None:
    g = hedges_g_interval(7.0, 0.0, 6, 4.0, 0.0, 6)
    assert math.isnan(g.estimate) and g.reason == "no variation"


def test_cliffs_delta_interval_reproduces_effsize() -> None:
    # R effsize::cliff.delta defaults (unbiased variance, t quantile), its test
    # suite: delta = -0.25, 95% CI [-0.7265846, 0.3890062].
    r = cliffs_delta_interval(
        [10, 10, 20, 20, 20, 30, 30, 30, 40, 50], [10, 20, 30, 40, 40, 50]
    )
    assert r.estimate == pytest.approx(-0.25)
    assert r.low == pytest.approx(-0.7265846, abs=1e-7)
    assert r.high == pytest.approx(0.3890062, abs=1e-7)


def test_holm_reproduces_the_textbook_worked_example() -> None:
    # Four hypotheses, p = .01, .04, .03, .005 at alpha = .05: Holm rejects the
    # first and fourth only (adjusted .03, .06, .06, .02; R p.adjust "holm").
    adjusted = holm([0.01, 0.04, 0.03, 0.005])
    assert adjusted == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert [p < 0.05 for p in adjusted] == [True, False, False, True]


def test_holm_ignores_readings_without_a_test() -> None:
    adjusted = holm([0.02, math.nan, 0.5])
    assert adjusted[0] == pytest.approx(0.04)
    assert math.isnan(adjusted[1])
    assert adjusted[2] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("count", "n", "low", "high"),
    # Newcombe (1998, Stat Med 17, 857), Table II, method 3 (Wilson).
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],  # fmt: skip
)
def test_wilson_reproduces_newcombe_1998(
    count: int, n: int, low: float, high: float
) -> None:
    r = wilson(count, n)
    assert (r.low, r.high) == pytest.approx((low, high), abs=5e-5)


def test_within_pulse_alpha_of_one_pulse_is_its_alpha() -> None:
    rng = np.random.default_rng(1)
    x = rng.integers(1, 8, size=(12, 3)).astype(float) + rng.normal(size=(12, 1))
    part = PulseItems(x.var(axis=0, ddof=1), float(x.sum(axis=1).var(ddof=1)), 12)
    within = within_pulse_alpha([part], k=5)
    assert within.alpha.alpha == pytest.approx(stats.cronbach_alpha(x).alpha)
    assert within.note == ""


def test_a_change_in_the_mean_does_not_make_noise_items_reliable() -> None:
    rng = np.random.default_rng(2)
    pulses = [rng.integers(1, 4, size=(15, 3)) + shift for shift in (0, 2, 4)]
    pooled = stats.cronbach_alpha(np.vstack(pulses)).alpha
    parts = [
        PulseItems(p.var(axis=0, ddof=1), float(p.sum(axis=1).var(ddof=1)), 15)
        for p in pulses
    ]
    within = within_pulse_alpha(parts, k=5)
    assert pooled > 0.7  # what pooling across pulses used to report
    assert within.alpha.alpha < 0.5
    assert "approximate" in within.note


def test_a_gap_between_groups_does_not_make_noise_items_reliable() -> None:
    # Items that are pure noise within each of two groups whose levels differ
    # by two points: pooled over the pulse they covary through the gap alone.
    rng = np.random.default_rng(11)
    low = 3.0 + rng.normal(0, 0.8, size=(9, 3))
    high = 5.0 + rng.normal(0, 0.8, size=(8, 3))

    def part(x: np.ndarray) -> PulseItems:
        return PulseItems(
            x.var(axis=0, ddof=1), float(x.sum(axis=1).var(ddof=1)), len(x)
        )

    together = within_pulse_alpha([part(np.vstack([low, high]))], 5)
    pooled = within_groups([part(low), part(high)])
    assert pooled is not None and pooled.n == 17 and pooled.groups == 2
    within = within_pulse_alpha([pooled], 5)
    assert together.alpha.alpha >= 0.7
    assert within.alpha.alpha < 0.6
    assert within.alpha.n == 17


def test_within_groups_of_one_group_is_that_group() -> None:
    x = np.random.default_rng(3).normal(4, 1, size=(12, 4))
    one = PulseItems(x.var(axis=0, ddof=1), float(x.sum(axis=1).var(ddof=1)), 12)
    assert within_groups([one]) == replace(one, item_variances=list(one.item_variances))
    assert within_groups([PulseItems([1.0, 1.0], 2.0, 1)]) is None


def test_within_pulse_alpha_never_uses_a_pulse_below_k() -> None:
    part = PulseItems([1.0, 1.2, 0.9], 6.0, 4)
    within = within_pulse_alpha([part], k=5)
    assert math.isnan(within.alpha.alpha)
    assert "fewer than 5" in within.alpha.reason


def test_slight_skew_null_for_five_points_is_james_demaree_wolf() -> None:
    p = np.array([0.05, 0.15, 0.20, 0.35, 0.25])
    x = np.arange(1, 6)
    variance = float(p @ x**2 - (p @ x) ** 2)
    assert null_variance(5, "slight skew") == pytest.approx(variance)
    assert null_variance(7) == 4.0


def test_agreement_is_lower_against_the_skewed_null() -> None:
    variances = [1.5, 1.8, 1.2]
    assert rwg_j_star_against(variances, 7, "slight skew") < rwg_j_star_against(
        variances, 7
    )


def test_random_answering_band_at_five_people_one_item() -> None:
    # Five people answering one 7-point item at random reach 0.80 in about one
    # group in twenty (issue 11, finding 7).
    assert random_answering_band(5, 1, 7) == pytest.approx(0.80, abs=0.05)
    assert random_answering_band(30, 3, 7) < random_answering_band(5, 1, 7)


def test_rwg_j_star_is_item_wise() -> None:
    # A respondent who skipped the second item still counts for the first.
    items = np.array([[4, 4], [4, np.nan], [5, 5], [4, 4], [5, 5]], dtype=float)
    first = np.var([4, 4, 5, 4, 5], ddof=1)
    second = np.var([4, 5, 4, 5], ddof=1)
    assert stats.rwg_j_star(items, 5) == pytest.approx(1 - (first + second) / 2 / 2)


@settings(deadline=None, max_examples=60)
@given(
    st.lists(st.integers(1, 7), min_size=2, max_size=25),
    st.lists(st.integers(1, 7), min_size=2, max_size=25),
)
def test_cliffs_delta_interval_equals_the_dominance_matrix_formula(
    a: list[int], b: list[int]
) -> None:
    # Computed by binary search; the textbook n_a x n_b matrix must agree.
    x, y = np.array(a, float), np.array(b, float)
    dom = np.sign(x[:, None] - y[None, :])
    d = dom.mean()
    n1, n2 = dom.shape
    var = (
        n2**2 * np.sum((dom.mean(1) - d) ** 2)
        + n1**2 * np.sum((dom.mean(0) - d) ** 2)
        - np.sum((dom - d) ** 2)
    ) / (n1 * n2 * (n1 - 1) * (n2 - 1))
    r = cliffs_delta_interval(x, y)
    assert r.estimate == pytest.approx(d, abs=1e-12)
    if var > 1e-12:
        z = sps.t.ppf(0.975, n1 + n2 - 2)
        root = z * math.sqrt(var) * math.sqrt((1 - d * d) ** 2 + z * z * var)
        low = (d - d**3 - root) / (1 - d * d + z * z * var)
        assert r.low == pytest.approx(low, abs=1e-9)


def test_random_answering_band_is_continuous_where_the_method_changes() -> None:
    # Monte Carlo up to 40 people, a normal approximation above.
    assert random_answering_band(40, 3, 7) == pytest.approx(
        random_answering_band(41, 3, 7), abs=0.02
    )
    assert 0 < random_answering_band(8000, 4, 7) < 0.02
