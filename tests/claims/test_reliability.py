"""Agreement statistics against examples worked by hand.

Cohen's kappa: κ = (p_o − p_e) / (1 − p_e), with p_o the share of units both raters put in the
same category and p_e the sum over categories of the product of the raters' shares.

Krippendorff's alpha, two raters, no missing values: α = 1 − (n − 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck,
with o the coincidence matrix (each unit adds both ordered pairs of its two values), n_c its row
sums, n the number of values, and the ordinal δ²_ck = (Σ_{g=c..k} n_g − (n_c + n_k)/2)²."""

import krippendorff
import numpy as np
import pytest

from claims.reliability import alpha_from_pairs, cohen_kappa, krippendorff_alpha_ordinal


def test_perfect_agreement_is_one_for_both_statistics_with_a_degenerate_interval() -> None:
    kappa = cohen_kappa(["true", "false", "mixed", "true"], ["true", "false", "mixed", "true"])
    alpha = krippendorff_alpha_ordinal([5, 1, 3, 5], [5, 1, 3, 5])
    assert kappa.value == pytest.approx(1.0) and kappa.n == 4
    assert alpha.value == pytest.approx(1.0) and alpha.n == 4
    assert (kappa.low, kappa.high) == pytest.approx((1.0, 1.0))


def test_chance_agreement_gives_kappa_zero_and_the_small_sample_alpha_by_hand() -> None:
    # Rater 1: A A B B; rater 2: A B A B. p_o = 2/4, p_e = .5·.5 + .5·.5 = .5, so κ = 0.
    kappa = cohen_kappa(["true", "true", "false", "false"], ["true", "false", "true", "false"])
    assert kappa.value == pytest.approx(0.0)
    # Coincidences: o_11 = 2, o_12 = o_21 = 2, o_22 = 2; n_1 = n_2 = 4, n = 8; with two values
    # δ² is the same for the one pair of them, so α = 1 − 7 · (2 + 2) / (4 · 4 · 2) = 0.125.
    alpha = krippendorff_alpha_ordinal([1, 1, 2, 2], [1, 2, 1, 2])
    assert alpha.value == pytest.approx(0.125)


def test_kappa_on_an_unbalanced_table_matches_the_hand_computation() -> None:
    # 10 units: both "true" 4, both "false" 3, true/false 2, false/true 1.
    first = ["true"] * 4 + ["false"] * 3 + ["true"] * 2 + ["false"]
    second = ["true"] * 4 + ["false"] * 3 + ["false"] * 2 + ["true"]
    # p_o = 7/10; rater 1: true 6, false 4; rater 2: true 5, false 5.
    # p_e = .6·.5 + .4·.5 = .5; κ = (.7 − .5) / .5 = 0.4.
    assert cohen_kappa(first, second).value == pytest.approx(0.4)


def test_ordinal_alpha_weighs_near_misses_less_than_far_ones() -> None:
    # Values 1, 2, 3. Units: (1,1) (2,2) (3,3) (1,2). Coincidences: o_11 = 2, o_22 = 2, o_33 = 2,
    # o_12 = o_21 = 1; n_1 = 3, n_2 = 3, n_3 = 2, n = 8.
    # δ²_12 = (3 + 3 − 3)² = 9; δ²_23 = (3 + 2 − 2.5)² = 6.25; δ²_13 = (3 + 3 + 2 − 2.5)² = 30.25.
    # Observed: 2 · 1 · 9 = 18. Expected: 2 · (3·3·9 + 3·2·6.25 + 3·2·30.25) = 2 · 300 = 600.
    # α = 1 − 7 · 18 / 600 = 0.79.
    near = krippendorff_alpha_ordinal([1, 2, 3, 1], [1, 2, 3, 2])
    assert near.value == pytest.approx(0.79)
    far = krippendorff_alpha_ordinal([1, 2, 3, 1], [1, 2, 3, 3])
    assert far.value is not None and far.value < near.value


def test_the_bootstrap_alpha_matches_the_krippendorff_package() -> None:
    rng = np.random.default_rng(7)
    first = rng.integers(1, 6, 300)
    second = np.clip(first + rng.integers(-1, 2, 300), 1, 5)
    expected = krippendorff.alpha(
        reliability_data=np.array([first, second], dtype=float),
        level_of_measurement="ordinal",
        value_domain=[1, 2, 3, 4, 5],
    )
    assert alpha_from_pairs(list(first), list(second)) == pytest.approx(expected)
    estimate = krippendorff_alpha_ordinal(list(first), list(second))
    assert estimate.low is not None and estimate.high is not None
    assert estimate.low < estimate.value < estimate.high


def test_units_off_the_scale_are_left_out_of_alpha_but_not_of_kappa() -> None:
    alpha = krippendorff_alpha_ordinal([5, 1, None, 3], [5, 1, 3, None])
    assert alpha.n == 2 and alpha.value == pytest.approx(1.0)
    kappa = cohen_kappa(["true", "false", "unverifiable", "mixed"], ["true", "false", "mixed", "x"])
    assert kappa.n == 4


def test_agreement_is_undefined_when_every_rating_is_the_same_or_there_is_none() -> None:
    assert cohen_kappa(["true", "true"], ["true", "true"]).value is None
    assert krippendorff_alpha_ordinal([5, 5], [5, 5]).value is None
    assert cohen_kappa([], []).value is None and cohen_kappa([], []).n == 0


def test_raters_must_rate_the_same_units() -> None:
    with pytest.raises(ValueError, match="same units"):
        cohen_kappa(["true"], [])
