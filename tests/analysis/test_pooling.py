"""Random-effects pooling against metafor's BCG vaccine example."""

import numpy as np
import pytest
from statsmodels.stats.meta_analysis import combine_effects

from analysis import pool_effects

# metafor::dat.bcg (Colditz et al. 1994): tpos, tneg, cpos, cneg of 13 trials.
BCG = np.array([
    [4, 119, 11, 128], [6, 300, 29, 274], [3, 228, 11, 209], [62, 13536, 248, 12619],
    [33, 5036, 47, 5761], [180, 1361, 372, 1079], [8, 2537, 10, 619],
    [505, 87886, 499, 87892], [29, 7470, 45, 7232], [17, 1699, 65, 1600],
    [186, 50448, 141, 27197], [5, 2493, 3, 2338], [27, 16886, 29, 17825],
], dtype=float)  # fmt: skip


def log_risk_ratios():
    """escalc(measure = "RR"): yi = log(a/n1) - log(c/n2), vi = 1/a - 1/n1 + 1/c - 1/n2."""
    a, b, c, d = BCG.T
    return np.log(a / (a + b)) - np.log(c / (c + d)), 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)


def test_reml_matches_metafor():
    """metafor, rma(yi, vi, data = dat) on dat.bcg log risk ratios (the package's
    standard example): estimate -0.7145, se 0.1798, tau^2 0.3132, I^2 92.22%,
    Q(df = 12) = 152.2330 -- these also appear in third-party test suites that check
    against metafor. The CI [-1.0669, -0.3622] and H^2 12.86 are as metafor prints them;
    the CI also follows from estimate +- 1.96 se."""
    pooled = pool_effects(*log_risk_ratios())
    assert round(pooled.estimate, 4) == -0.7145
    assert round(pooled.se, 4) == 0.1798
    assert [round(x, 4) for x in pooled.ci] == [-1.0669, -0.3622]
    assert round(pooled.tau2, 4) == 0.3132
    assert round(100 * pooled.i2, 2) == 92.22
    assert round(pooled.h2, 2) == 12.86
    assert round(pooled.q, 4) == 152.2330 and pooled.q_df == 12
    assert pooled.converged and pooled.weights.sum() == pytest.approx(1.0)


def test_dl_matches_metafor_tests():
    """metafor's tests (test_misc_metan_vs_rma.uni_with_dat.bcg.r, checked against Stata's
    metan): DL estimate -0.7141, CI [-1.0644, -0.3638]; tau^2 0.3088, se 0.1787."""
    pooled = pool_effects(*log_risk_ratios(), method="DL")
    assert round(pooled.estimate, 4) == -0.7141
    assert [round(x, 4) for x in pooled.ci] == [-1.0644, -0.3638]
    assert round(pooled.tau2, 4) == 0.3088
    assert round(pooled.se, 4) == 0.1787


def test_dl_agrees_with_statsmodels_combine_effects():
    """statsmodels' combine_effects(method_re="chi2") is DerSimonian-Laird."""
    y, v = log_risk_ratios()
    reference = combine_effects(y, v, method_re="chi2")
    pooled = pool_effects(y, v, method="DL")
    assert pooled.estimate == pytest.approx(reference.mean_effect_re, rel=1e-10)
    assert pooled.se == pytest.approx(reference.sd_eff_w_re, rel=1e-10)
    assert pooled.tau2 == pytest.approx(reference.tau2, rel=1e-10)


def test_prediction_interval_adds_tau2_to_the_standard_error():
    """metafor's predict(): estimate +- z sqrt(se^2 + tau^2) (computed from the above)."""
    pooled = pool_effects(*log_risk_ratios())
    half = 1.959963984540054 * np.sqrt(pooled.se**2 + pooled.tau2)
    assert pooled.prediction_interval == pytest.approx(
        (pooled.estimate - half, pooled.estimate + half)
    )


def test_homogeneous_effects_give_zero_tau2():
    pooled = pool_effects([0.5, 0.5, 0.5, 0.5, 0.5], [0.01, 0.02, 0.03, 0.02, 0.01])
    assert pooled.tau2 == 0 and pooled.i2 == 0 and pooled.estimate == pytest.approx(0.5)


def test_bad_input_raises():
    with pytest.raises(ValueError, match="one variance per effect"):
        pool_effects([0.1, 0.2], [0.01])
    with pytest.raises(ValueError, match="positive"):
        pool_effects([0.1, 0.2], [0.01, 0.0])
    with pytest.raises(ValueError, match="at least 2"):
        pool_effects([0.1], [0.01])
    with pytest.raises(ValueError, match="'REML' or 'DL'"):
        pool_effects([0.1, 0.2], [0.01, 0.02], method="PM")
