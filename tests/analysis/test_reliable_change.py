"""Reliable change index and clinical cutoffs (Jacobson & Truax 1991)."""

import numpy as np
import pytest
from scipy import stats

from analysis import clinical_cutoff, reliable_change


def test_reliable_change_criterion_matches_cecpfuns_test_of_jacobson_truax_example():
    """Jacobson & Truax's (1991) example s1 = 7.5, r_xx = .80, as tested in the R package
    CECPfuns (C. Evans; tests/testthat/test-getRCIfromSDandAlpha.R): the smallest reliable
    change getRCIfromSDandAlpha(7.5, .8, conf = 0.95) = qnorm(.975) * sqrt(2) * SD *
    sqrt(1 - rel) = 9.296925484568419. Here that is S_diff times the 97.5% normal quantile."""
    z = stats.norm.ppf(0.975)
    result = reliable_change([40.0, 40.0], [49.29, 49.30], sd=7.5, reliability=0.8, z=z)
    assert result.se_diff * z == pytest.approx(9.296925484568419, abs=1e-12)
    # a change just below that criterion is not reliable, one just above it is
    assert list(result.category) == ["unchanged", "improved"]


def test_reliable_change_matches_textbook_worked_example():
    """Open textbook on social-emotional assessment for school psychologists, University
    of Arizona Libraries (opentextbooks.library.arizona.edu/wodrichseas), Appendix E "How to
    Calculate Reliable Change Indexes (RCIs)", Table A.3.1: Piers-Harris-2 total score,
    SEM = 3.07 (test manual); S_diff = sqrt(2 * 3.07^2) = 4.34; 1.96 * 4.34 = 8.51;
    pretest 24, post-test 35, change 11 > 8.51: "Reliable change was detected".
    The textbook starts from the SEM, which is sd * sqrt(1 - r): any sd and r with that
    product give it; r = .75 and sd = 2 * 3.07 are used here."""
    result = reliable_change([24.0], [35.0], sd=2 * 3.07, reliability=0.75)
    assert round(result.se_diff, 2) == 4.34
    assert round(1.96 * result.se_diff, 2) == 8.51
    assert result.rci[0] > 1.96
    assert list(result.category) == ["improved"]


def test_standard_error_of_difference_follows_the_published_formula():
    """Jacobson & Truax (1991, p. 14): S_diff = sqrt(2 SE^2), SE = s1 sqrt(1 - r_xx).
    No numeric worked example from the paper was available to us, so this checks the
    formula with values computed by hand: s1 = 7.5, r = .88 gives
    SE = 7.5 * sqrt(.12) = 2.598076 and S_diff = 3.674235."""
    result = reliable_change([20.0], [30.0], sd=7.5, reliability=0.88)
    assert result.se_diff == pytest.approx(np.sqrt(2) * 7.5 * np.sqrt(0.12), rel=1e-12)
    assert round(result.se_diff, 6) == 3.674235
    assert result.rci[0] == pytest.approx(10 / 3.674235, rel=1e-6)


def test_categories_respect_direction_and_cutoff():
    """Jacobson & Truax (1991, p. 15): recovered = reliable change that also passes the
    cutoff; improved = reliable change only. With lower scores better, the signs flip."""
    pre = np.array([10.0, 10.0, 10.0, 30.0, 30.0, 22.0])
    post = np.array([30.0, 17.0, 11.0, 10.0, 23.0, 22.0])
    result = reliable_change(pre, post, sd=5, reliability=0.8, cutoff=20.0)
    # S_diff = sqrt(2) * 5 * sqrt(.2) = 3.162; 1.96 S_diff = 6.20
    assert list(result.category) == [
        "recovered",
        "improved",
        "unchanged",
        "harmed",
        "deteriorated",
        "unchanged",
    ]
    lower = reliable_change(pre, post, sd=5, reliability=0.8, cutoff=20.0, higher_is_better=False)
    assert list(lower.category) == [
        "harmed",
        "deteriorated",
        "unchanged",
        "recovered",
        "improved",
        "unchanged",
    ]
    assert lower.counts == {
        "recovered": 1,
        "improved": 1,
        "unchanged": 2,
        "deteriorated": 1,
        "harmed": 1,
    }


def test_without_cutoff_nobody_recovers_or_is_harmed():
    result = reliable_change([10, 30], [30, 10], sd=5, reliability=0.8)
    assert list(result.category) == ["improved", "deteriorated"]


def test_missing_scores_are_not_classified():
    result = reliable_change([10, np.nan], [30, 12], sd=5, reliability=0.8)
    assert result.n == 1
    assert result.category[1] is None and np.isnan(result.rci[1])


@pytest.mark.parametrize("reliability", [0, 1, 1.2, -0.1])
def test_reliability_must_lie_between_zero_and_one(reliability):
    with pytest.raises(ValueError, match="between 0 and 1"):
        reliable_change([1, 2], [2, 3], sd=1, reliability=reliability)


def test_lengths_must_match():
    with pytest.raises(ValueError, match="same length"):
        reliable_change([1, 2, 3], [2, 3], sd=1, reliability=0.8)


def test_clinical_cutoffs_follow_jacobson_truax_formulas():
    """Jacobson & Truax (1991, p. 13): a = M_dys + 2 s_dys, b = M_fun - 2 s_fun,
    c = (s_dys M_fun + s_fun M_dys) / (s_dys + s_fun); values computed by hand."""
    cut = clinical_cutoff(
        functional_mean=40, functional_sd=5, dysfunctional_mean=20, dysfunctional_sd=10
    )
    assert (cut.a, cut.b) == (40.0, 30.0)
    assert cut.c == pytest.approx((10 * 40 + 5 * 20) / 15)
    lower = clinical_cutoff(
        functional_mean=5,
        functional_sd=4,
        dysfunctional_mean=25,
        dysfunctional_sd=8,
        higher_is_better=False,
    )
    assert (lower.a, lower.b) == (9.0, 13.0)
    assert lower.c == pytest.approx((8 * 5 + 4 * 25) / 12)


def test_clinical_cutoffs_match_clinicalsignificance_vignette():
    """R package clinicalsignificance (B. Claus), vignette "Clinical Significance
    Cutoffs", section "Jacobson & Truax": depression scores (lower is better), clinical
    population M = 32, SD = 7, functional population M = 10, SD = 7, gives a = 18,
    b = 24 and c = 21."""
    cut = clinical_cutoff(
        functional_mean=10,
        functional_sd=7,
        dysfunctional_mean=32,
        dysfunctional_sd=7,
        higher_is_better=False,
    )
    assert (cut.a, cut.b, cut.c) == (18.0, 24.0, 21.0)


def test_clinical_cutoffs_match_clinicalsignificance_test_snapshot():
    """R package clinicalsignificance, tests/testthat/_snaps/clinical_significance.md,
    "summary is correct" (claus_2020 BDI-II, lower is better): with M clinical 35.48 and
    SD clinical 8.16 "The cutoff type was "a" with a value of 19.16"; adding the functional
    population M = 8, SD = 8, "The cutoff type was "c" with a value of 21.6". The snapshot
    prints the clinical M and SD rounded to two decimals; so are the cutoffs."""
    cut = clinical_cutoff(
        functional_mean=8,
        functional_sd=8,
        dysfunctional_mean=35.48,
        dysfunctional_sd=8.16,
        higher_is_better=False,
    )
    assert round(cut.a, 2) == 19.16
    assert round(cut.c, 1) == 21.6
