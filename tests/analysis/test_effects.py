"""Paired and independent effect sizes against published worked examples."""

import numpy as np
import pytest
from scipy import optimize, stats

from analysis import independent_effect, paired_effect

# Lakens (2013), Front. Psychol. 4:863, Table 1: ten people rate two movies.
MOVIE_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
MOVIE_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]

# R's `sleep` data (Student 1908; ?sleep in R): extra sleep of ten patients on two drugs.
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_paired_matches_lakens_2013_within_subjects_example():
    """Lakens (2013), p. 5 and Table 1: t(9) = 4.74, d_z = 1.50, d_av = 1.13, g_av = 1.08,
    p = 0.001; means 8.7 and 7.7, SDs 0.82 and 0.95."""
    effect = paired_effect(MOVIE_2, MOVIE_1)
    assert effect.n == 10 and effect.df == 9
    assert round(effect.t, 2) == 4.74
    assert round(effect.d_z, 2) == 1.50
    assert round(effect.d_av, 2) == 1.13
    assert round(effect.g_av, 2) == 1.08
    assert round(effect.p, 3) == 0.001
    assert (round(effect.mean_post, 1), round(effect.mean_pre, 1)) == (8.7, 7.7)
    assert (round(effect.sd_post, 2), round(effect.sd_pre, 2)) == (0.82, 0.95)


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
