"""Simulation: 95% intervals of d_z and of the pooled estimate cover the truth ~95% of the time.

Independent of published numbers: the true values are known by construction. Fixed seeds,
vectorised over replications, a few thousand replications each; the Monte Carlo SE of a
coverage near .95 with 4000 replications is about .0034, so [.935, .965] is +-4.4 SE.
"""

import numpy as np

from analysis.effects import paired_moments
from analysis.pooling import pooled_table


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


def test_pooled_interval_covers_the_true_mean():
    rng = np.random.default_rng(7)
    reps, k, mu, tau2 = 4000, 40, 0.3, 0.02
    v = rng.uniform(0.01, 0.05, (reps, k))
    y = mu + rng.normal(0, np.sqrt(tau2), (reps, k)) + rng.normal(0, np.sqrt(v))
    table = pooled_table(y, v, method="REML")
    covered = (table["ci_low"] <= mu) & (mu <= table["ci_high"])
    assert table["converged"].all()
    assert 0.935 <= covered.mean() <= 0.965
