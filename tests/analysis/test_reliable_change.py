"""Reliable change index and clinical cutoffs (Jacobson & Truax 1991)."""

import numpy as np
import pytest

from analysis import clinical_cutoff, reliable_change


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
