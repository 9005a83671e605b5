"""Paired and independent effect sizes against published worked examples."""

import math

import numpy as np
import pytest
from scipy import optimize, stats

from analysis import independent_effect, paired_effect
from analysis.effects import g_av_correction, paired_moments
from analysis.noncentral import hedges_correction

# Lakens (2013), Front. Psychol. 4:863, Table 1: ten people rate two movies.
MOVIE_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
MOVIE_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]

# R's `sleep` data (Student 1908; ?sleep in R): extra sleep of ten patients on two drugs.
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_paired_matches_lakens_2013_within_subjects_example():
    """Lakens (2013), p. 5 and Table 1: t(9) = 4.74, d_z = 1.50, d_av = 1.13, g_av = 1.08,
    p = 0.001; means 8.7 and 7.7, SDs 0.82 and 0.95. Lakens' g_av corrects with the df of
    two independent groups, J(18); ours uses J(2 (n - 1) / (1 + r^2)) (tested below), so
    here Lakens' 1.08 is checked as d_av x J(18)."""
    effect = paired_effect(MOVIE_2, MOVIE_1)
    assert effect.n == 10 and effect.df == 9
    assert round(effect.t, 2) == 4.74
    assert round(effect.d_z, 2) == 1.50
    assert round(effect.d_av, 2) == 1.13
    assert round(effect.d_av * float(hedges_correction(18)), 2) == 1.08
    assert round(effect.p, 3) == 0.001
    assert (round(effect.mean_post, 1), round(effect.mean_pre, 1)) == (8.7, 7.7)
    assert (round(effect.sd_post, 2), round(effect.sd_pre, 2)) == (0.82, 0.95)


def test_g_z_matches_metafor_smcc_on_morris_2008():
    """metafor's tests (tests/testthat/test_analysis_example_morris2008.r): escalc(measure =
    "SMCC") -- the standardised mean change over the SD of the change scores with Hedges'
    correction J(n - 1), i.e. g_z -- on the treatment groups of Morris (2008), Table 5:
    0.5417, 1.0198, 2.6619, 1.9088, 0.0765."""
    m_pre = np.array([30.6, 23.5, 0.5, 53.4, 35.6])
    m_post = np.array([38.5, 26.8, 0.7, 75.9, 36.0])
    sd_pre = np.array([15.0, 3.1, 0.1, 14.5, 4.7])
    sd_post = np.array([11.6, 4.1, 0.1, 4.4, 4.6])
    n = np.array([20, 50, 9, 10, 14])
    r = np.array([0.47, 0.64, 0.77, 0.89, 0.44])
    m = paired_moments(n, m_pre, m_post, sd_pre**2, sd_post**2, r * sd_pre * sd_post)
    np.testing.assert_array_equal(np.round(m["g_z"], 4), [0.5417, 1.0198, 2.6619, 1.9088, 0.0765])


def test_g_z_is_d_z_times_hedges_j_on_n_minus_1_df():
    """Hedges (1981): J(df) = Gamma(df/2) / (sqrt(df/2) Gamma((df - 1)/2)), here computed
    with math.lgamma; for ten pairs J(9) = 0.9139 (its approximation 1 - 3 / (4 df - 1)
    gives 0.9143)."""
    effect = paired_effect(MOVIE_2, MOVIE_1)
    j9 = math.exp(math.lgamma(4.5) - 0.5 * math.log(4.5) - math.lgamma(4.0))
    assert round(j9, 4) == 0.9139
    assert effect.g_z == pytest.approx(effect.d_z * j9, rel=1e-12)


def test_g_av_uses_the_df_of_two_correlated_sds():
    """Cousineau (2020), eq. 2, as metafor's escalc(measure = "SMCRP") uses it: the bias
    correction of a d standardised by the average of the pre and post SDs takes
    J(2 (n - 1) / (1 + r^2)); computed here with math.lgamma from the sample r."""
    effect = paired_effect(MOVIE_2, MOVIE_1)
    df = 2 * (effect.n - 1) / (1 + effect.r**2)
    j = math.exp(math.lgamma(df / 2) - 0.5 * math.log(df / 2) - math.lgamma((df - 1) / 2))
    assert effect.g_av == pytest.approx(effect.d_av * j, rel=1e-12)
    assert round(effect.g_av, 2) == 1.06  # Lakens' J(18) gives 1.08, 2.3% more
    assert float(g_av_correction(10, np.nan)) == pytest.approx(float(hedges_correction(9)))


def test_g_av_is_nearly_unbiased_at_high_pre_post_correlation():
    """Simulation (fixed seed, 100,000 samples of 10 pairs, r = .7, equal SDs, true
    standardised change 0.5): with the sample r plugged into J(2 (n - 1) / (1 + r^2)) the
    mean g_av lies within 1% of the truth (0.5% in bench runs with 400,000); Lakens'
    J(2 (n - 1)) leaves it 2.8% too high (Monte Carlo SE 0.15%)."""
    rng = np.random.default_rng(70)
    reps, n, r, delta = 100_000, 10, 0.7, 0.5
    z = rng.standard_normal((reps, n, 2)) @ np.linalg.cholesky([[1, r], [r, 1]]).T
    pre, post = z[..., 0], z[..., 1] + delta
    s_pre, s_post = pre.std(1, ddof=1), post.std(1, ddof=1)
    cov = ((pre - pre.mean(1, keepdims=True)) * (post - post.mean(1, keepdims=True))).sum(1)
    sample_r = cov / (n - 1) / (s_pre * s_post)
    d_av = (post.mean(1) - pre.mean(1)) / ((s_pre + s_post) / 2)
    corrected = (d_av * g_av_correction(n, sample_r)).mean() / delta - 1
    lakens = (d_av * hedges_correction(2 * (n - 1))).mean() / delta - 1
    assert abs(corrected) < 0.01
    assert lakens > 0.02


def test_paired_t_and_wilcoxon_match_r_sleep_example():
    """R documentation examples on `sleep`: t.test(paired = TRUE) prints t = -4.0621,
    df = 9, p-value = 0.002833; wilcox.test(paired = TRUE) prints V = 0,
    p-value = 0.009091 (normal approximation with continuity correction, because of
    ties and a zero difference)."""
    effect = paired_effect(SLEEP_2, SLEEP_1)
    assert round(effect.t, 4) == -4.0621
    assert round(effect.p, 6) == 0.002833
    assert round(effect.wilcoxon_p, 6) == 0.009091


def test_wilcoxon_exact_matches_r_depression_example():
    """R ?wilcox.test, Hollander & Wolfe (1973, p. 29) depression scores:
    wilcox.test(x, y, paired = TRUE, alternative = "greater") prints V = 40,
    p-value = 0.01953 (exact, 10/512); the two-sided exact p is twice that, 0.0390625."""
    x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
    y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
    effect = paired_effect(y, x)
    assert effect.wilcoxon_p == pytest.approx(2 * 10 / 512, abs=1e-12)


def test_d_z_interval_inverts_the_noncentral_t():
    """No published interval for d_z of these data was found; this checks the exact
    interval against an independent computation: scipy's brentq root of the noncentral t
    distribution function (Cumming & Finch 2001, the method itself), divided by sqrt(n)."""
    effect = paired_effect(SLEEP_1, SLEEP_2)
    t, df = effect.t, effect.df

    def limit(p):
        return optimize.brentq(lambda nc: stats.nct.cdf(t, df, nc) - p, -50, 50, xtol=1e-14)

    assert effect.d_z_ci[0] == pytest.approx(limit(0.975) / np.sqrt(10), abs=1e-9)
    assert effect.d_z_ci[1] == pytest.approx(limit(0.025) / np.sqrt(10), abs=1e-9)
    assert 0 < effect.d_z_ci[0] < effect.d_z < effect.d_z_ci[1]


def test_independent_matches_lakens_2013_between_subjects_example():
    """Lakens (2013), p. 4: the same ratings as two groups of ten: t(18) = 2.52,
    d_s = 1.13 with 95% CI [0.16, 2.06] (ESCI, noncentral t), Hedges' g_s = 1.08."""
    effect = independent_effect(MOVIE_1, MOVIE_2)
    assert round(effect.t, 2) == 2.52 and effect.df == 18
    assert round(effect.d, 2) == 1.13
    assert [round(x, 2) for x in effect.d_ci] == [0.16, 2.06]
    assert round(effect.g, 2) == 1.08
    assert effect.g_ci[0] < effect.g < effect.g_ci[1]


def test_independent_p_matches_students_t_test():
    """Student's t-test of scipy (independent implementation) on the same data."""
    effect = independent_effect(MOVIE_1, MOVIE_2)
    reference = stats.ttest_ind(MOVIE_1, MOVIE_2)
    assert effect.t == pytest.approx(reference.statistic, rel=1e-12)
    assert effect.p == pytest.approx(reference.pvalue, rel=1e-10)


def test_pairs_with_a_missing_side_are_dropped():
    full = paired_effect(MOVIE_2, MOVIE_1)
    gappy = paired_effect(MOVIE_2 + [np.nan, 5.0], MOVIE_1 + [4.0, np.nan])
    assert gappy.n == 10
    assert gappy.d_z == pytest.approx(full.d_z)


@pytest.mark.parametrize(
    ("pre", "post", "message"),
    [
        ([1, 2, 3], [1, 2], "same length"),
        ([1, np.nan], [2, 3], "at least 2"),
        ([1, 2], [2, 3], None),
    ],
)
def test_bad_input_raises_a_readable_error(pre, post, message):
    if message is None:
        with pytest.warns(UserWarning):
            paired_effect(pre, post)
        return
    with pytest.raises(ValueError, match=message):
        paired_effect(pre, post)


def test_equal_change_for_everyone_warns_and_still_returns_means():
    with pytest.warns(UserWarning, match="same amount"):
        effect = paired_effect([1, 2, 3, 4, 5, 6], [2, 3, 4, 5, 6, 7])
    assert effect.mean_diff == pytest.approx(1.0)
    assert np.isnan(effect.d_z)


def test_independent_needs_two_scores_per_group():
    with pytest.raises(ValueError, match="at least 2"):
        independent_effect([1.0], [1.0, 2.0, 3.0])


def test_confidence_must_be_a_proportion():
    with pytest.raises(ValueError, match="between 0 and 1"):
        paired_effect(MOVIE_2, MOVIE_1, confidence=95)


def test_equal_change_for_everyone_gives_no_d_z_instead_of_a_huge_one():
    """Regression: everyone changing by the same amount left rounding noise (SD ~1e-9), which
    made t ~1e8 and the exact interval search take minutes. Zero variance gives NaN, with a
    warning, and the rest is still computed (STYLE.md: doubtful input warns)."""
    import warnings

    pre = np.array([3.1, 2.7, 4.3, 3.9, 2.2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = paired_effect(pre, pre + 0.3)
    assert result.mean_diff == pytest.approx(0.3)
    assert np.isnan(result.d_z)
    assert np.isnan(result.d_z_ci[0]) and np.isnan(result.d_z_ci[1])
