"""The claim rule by simulation: few false claims under baseline imbalance, power kept.

Programmes of 5 sites x 30 participants per group (analysis.claim_simulation): classical test
theory scores whose true baseline differs between the groups, parallel trends and no effect
(Lord's paradox: Lord 1967; Van Breukelen 2006), or a true effect in a randomised design. Fixed
seeds; bench/bench_claims.py runs the same with more programmes and more settings.
"""

import warnings

import numpy as np
import pytest

from analysis import ScaleInfo, evaluate
from analysis.claim_simulation import claim_rate, claim_verdicts, simulate_programmes

INFO = {"scale": ScaleInfo("Veerkracht", True, 1.0, 0.75)}
STRONG_ENOUGH = ("good_indication", "strong_indication")


@pytest.fixture(scope="module")
def null_programmes():
    """2,000 programmes: imbalance U(0.3, 1.0) SD, reliability U(.6, .9), no effect."""
    rng = np.random.default_rng(2024)
    return simulate_programmes(rng, 2000, imbalance=(0.3, 1.0), reliability=(0.6, 0.9))


def test_false_claims_under_baseline_imbalance_stay_below_five_percent(null_programmes):
    """The issue's bound: a good indication or stronger in at most 5% of null programmes.
    Measured with this seed: 0.25%; ANCOVA alone (the rule before) claimed in 44%."""
    rate = claim_rate(null_programmes, "pre_post_comparison")
    assert rate <= 0.05
    assert claim_rate(null_programmes, "randomised") > 0.25  # ANCOVA alone: the old rule
    verdicts = claim_verdicts(null_programmes, "pre_post_comparison")
    assert np.mean(verdicts == "imbalanced") > 0.3  # most are stopped by the balance check


def test_a_true_effect_in_a_randomised_design_is_found_in_most_programmes():
    """0.5 SD effect, groups by lot, same size: measured 100% good indications (seed 2025);
    a quasi-experimental design that happens to be balanced keeps 96.4%."""
    rng = np.random.default_rng(2025)
    programmes = simulate_programmes(rng, 1000, effect=0.5)
    assert claim_rate(programmes, "randomised") >= 0.9
    assert claim_rate(programmes, "pre_post_comparison") >= 0.8


def test_evaluate_reaches_the_verdict_of_the_vectorised_rule():
    """Through evaluate() itself: 12 null programmes of the review's kind and 8 randomised
    with an effect; its claim is good or stronger exactly where the rule says "supports"."""
    rng = np.random.default_rng(7)
    null = simulate_programmes(rng, 12, imbalance=(0.3, 1.0), reliability=(0.6, 0.9))
    power = simulate_programmes(rng, 8, effect=0.5)
    claimed = {"null": 0, "power": 0}
    for name, programmes, design in (
        ("null", null, "pre_post_comparison"),
        ("power", power, "randomised"),
    ):
        expected = claim_verdicts(programmes, design) == "supports"
        for i in range(programmes.n_programmes):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = evaluate(programmes.scores(i), design, INFO, mixed=False)
            assert (result.claim.level in STRONG_ENOUGH) == expected[i], (name, i)
            claimed[name] += result.claim.level in STRONG_ENOUGH
    assert claimed["null"] == 0
    assert claimed["power"] == 8
