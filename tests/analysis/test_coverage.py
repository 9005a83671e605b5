"""Simulation: 95% intervals of d_z and of the pooled estimate cover the truth ~95% of the time.

Independent of published numbers: the true values are known by construction. Fixed seeds,
vectorised over replications. The Monte Carlo SE of a coverage near .95 is
sqrt(.95 x .05 / reps): .0034 with 4000 replications and .0028 with 6000, so
[.935, .965] is +-4.4 and +-5.3 SE.
"""

import numpy as np

from analysis.effects import paired_moments
from analysis.pooling import pooled_table
from analysis.site_pooling import d_z_variance

SITES = (3, 5, 10, 20)
TAU2 = {"none": 0.0, "small": 0.02, "moderate": 0.08}
SITE_SIZES = ((6, 15), (15, 60))
TRUE_MEAN = 0.5


def simulated_d_z(rng, reps, k, sizes, tau2, mu=TRUE_MEAN):
    """Sites' n and d_z from paired data whose differences are normal with SD 1 and mean
    delta_i ~ N(mu, tau2). d_z depends on the data only through the mean and SD of the
    differences, which for normal data are independent, N(delta, 1/n) and
    sqrt(chi2_(n-1) / (n-1)) (Student 1908), so they are drawn directly."""
    n = rng.integers(sizes[0], sizes[1] + 1, (reps, k)).astype(float)
    delta = mu + rng.normal(0, np.sqrt(tau2), (reps, k))
    mean_diff = rng.normal(delta, 1 / np.sqrt(n))
    sd_diff = np.sqrt(rng.chisquare(n - 1) / (n - 1))
    return n, mean_diff / sd_diff


def coverage_grid(reps, seed, ci_method):
    """Coverage of the pooled interval per (sizes, tau2 label, k), as evaluate() pools."""
    rng = np.random.default_rng(seed)
    grid = {}
    for sizes in SITE_SIZES:
        for label, tau2 in TAU2.items():
            for k in SITES:
                n, d = simulated_d_z(rng, reps, k, sizes, tau2)
                table = pooled_table(d, d_z_variance(n, d), ci_method=ci_method)
                assert table["converged"].all()
                inside = (table["ci_low"] <= TRUE_MEAN) & (TRUE_MEAN <= table["ci_high"])
                grid[sizes, label, k] = inside.mean()
    return grid


def test_d_z_interval_covers_the_true_value():
    rng = np.random.default_rng(20260101)
    reps, n, true_dz = 4000, 15, 0.5
    # differences ~ N(0.5, 1): d_z = 0.5; pre/post built so that post - pre has that law
    pre = rng.normal(0, 1, (reps, n))
    post = pre + rng.normal(true_dz, 1, (reps, n))
    centred_pre = pre - pre.mean(1, keepdims=True)
    centred_post = post - post.mean(1, keepdims=True)
    cov = (centred_pre * centred_post).sum(1) / (n - 1)
    m = paired_moments(
        np.full(reps, n),
        pre.mean(1),
        post.mean(1),
        pre.var(1, ddof=1),
        post.var(1, ddof=1),
        cov,
    )
    covered = (m["d_z_low"] <= true_dz) & (true_dz <= m["d_z_high"])
    assert 0.935 <= covered.mean() <= 0.965


def test_pooled_interval_covers_the_true_mean_with_many_sites():
    rng = np.random.default_rng(7)
    reps, k, mu, tau2 = 4000, 40, 0.3, 0.02
    v = rng.uniform(0.01, 0.05, (reps, k))
    y = mu + rng.normal(0, np.sqrt(tau2), (reps, k)) + rng.normal(0, np.sqrt(v))
    table = pooled_table(y, v, method="REML")
    covered = (table["ci_low"] <= mu) & (mu <= table["ci_high"])
    assert table["converged"].all()
    assert 0.935 <= covered.mean() <= 0.965


def test_pooled_interval_covers_at_few_sites_in_every_cell():
    """Issue 24: 93.5-96.5% in every cell of k in {3, 5, 10, 20} x tau^2 in {0, 0.02,
    0.08} x site sizes {6-15, 15-60} pairs, true mean d_z 0.5, sites' d_z pooled as
    evaluate() pools them (REML, variance 1/n + d^2/(2n), HKSJ). The Wald z interval of
    the same draws falls below 93.5% where tau^2 > 0 and sites are few, which is why
    HKSJ is the default; bench/bench_coverage.py runs the grid with more replications,
    other true means, the ad hoc variant and the prediction interval."""
    hksj = coverage_grid(6000, 2024, "hksj")
    wald = coverage_grid(6000, 2024, "wald")
    outside = {cell: rate for cell, rate in hksj.items() if not 0.935 <= rate <= 0.965}
    assert not outside, outside
    assert min(wald.values()) < 0.91
