"""Random-effects pooling against metafor (BCG trials, Pygmalion studies); the rules for sites."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

from analysis import ScaleInfo, evaluate, pool_effects
from analysis.pooling import pooled_table
from analysis.site_pooling import d_z_variance

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


# metadat::dat.raudenbush1985 (Raudenbush & Bryk 1985): standardised mean differences of
# 19 teacher-expectancy ("Pygmalion") studies, yi and vi as the data set prints them.
PYGMALION_Y = [0.03, 0.12, -0.14, 1.18, 0.26, -0.06, -0.02, -0.32, 0.27, 0.80,
               0.54, 0.18, -0.02, 0.23, -0.18, -0.06, 0.30, 0.07, -0.07]  # fmt: skip
PYGMALION_V = [0.0156, 0.0216, 0.0279, 0.1391, 0.1362, 0.0106, 0.0106, 0.0484, 0.0269,
               0.0630, 0.0912, 0.0497, 0.0835, 0.0841, 0.0253, 0.0279, 0.0193, 0.0088,
               0.0303]  # fmt: skip

# Kacker (2004), as in statsmodels' test suite (stats/tests/results/results_meta.py)
KACKER_Y = [61.0, 61.4, 62.21, 62.3, 62.34, 62.6, 62.7, 62.84, 65.9]
KACKER_V = [0.2025, 1.2100, 0.0900, 0.2025, 0.3844, 0.5625, 0.0676, 0.0225, 1.8225]


def test_reml_wald_matches_metafor():
    """metafor, rma(yi, vi, data = dat) on dat.bcg log risk ratios (the package's
    standard example, test = "z"): estimate -0.7145, se 0.1798, tau^2 0.3132, I^2 92.22%,
    Q(df = 12) = 152.2330 -- these also appear in third-party test suites that check
    against metafor. The CI [-1.0669, -0.3622] and H^2 12.86 are as metafor prints them;
    the CI also follows from estimate +- 1.96 se."""
    pooled = pool_effects(*log_risk_ratios(), ci_method="wald")
    assert round(pooled.estimate, 4) == -0.7145
    assert round(pooled.se, 4) == 0.1798
    assert [round(x, 4) for x in pooled.ci] == [-1.0669, -0.3622]
    assert round(pooled.tau2, 4) == 0.3132
    assert round(100 * pooled.i2, 2) == 92.22
    assert round(pooled.h2, 2) == 12.86
    assert round(pooled.q, 4) == 152.2330 and pooled.q_df == 12
    assert pooled.converged and pooled.weights.sum() == pytest.approx(1.0)
    assert pooled.df == np.inf and pooled.se_wald == pooled.se


def test_hksj_is_the_default_and_matches_metafor_knha_on_bcg():
    """metafor's README (github.com/wviechtb/metafor, the dat.bcg example):
    rma(yi, vi, data = dat, test = "knha") prints estimate -0.7145, se 0.1808,
    tval -3.9522, df 12, pval 0.0019, ci.lb -1.1084, ci.ub -0.3206; tau^2 stays 0.3132.
    Its predict(res, transf = exp, digits = 2) prints ci 0.33-0.73 and pi 0.14-1.76:
    metafor's prediction interval after knha takes t on k - 1 = 12 df and the adjusted
    se, which our ingredients reproduce; ours follows Higgins, Thompson & Spiegelhalter
    (2009) instead (t on k - 2 df, unadjusted se; tested below)."""
    pooled = pool_effects(*log_risk_ratios())
    assert pooled.ci_method == "hksj" and pooled.df == 12
    assert round(pooled.estimate, 4) == -0.7145
    assert round(pooled.se, 4) == 0.1808
    assert round(pooled.t, 4) == -3.9522
    assert round(pooled.p, 4) == 0.0019
    assert [round(x, 4) for x in pooled.ci] == [-1.1084, -0.3206]
    assert round(pooled.se_wald, 4) == 0.1798 and round(pooled.tau2, 4) == 0.3132
    assert [round(float(np.exp(x)), 2) for x in pooled.ci] == [0.33, 0.73]
    half = stats.t.ppf(0.975, 12) * np.sqrt(pooled.se**2 + pooled.tau2)
    metafor_pi = np.exp([pooled.estimate - half, pooled.estimate + half])
    assert [round(float(x), 2) for x in metafor_pi] == [0.14, 1.76]


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("REML", (0.0188, 0.0837, 0.0616, 1.3593, -0.0457, 0.2131)),
        ("DL", (0.0259, 0.0893, 0.0636, 1.4050, -0.0442, 0.2229)),
    ],
)
def test_hksj_matches_raudenbush_2009_table_16_3(method, expected):
    """Raudenbush (2009), in Cooper, Hedges & Valentine (Eds.), *The handbook of research
    synthesis and meta-analysis* (2nd ed.), ch. 16, Table 16.3, Knapp-Hartung rows, as
    reproduced in metafor's tests (tests/testthat/test_analysis_example_raudenbush2009.r,
    rma(yi, vi, data = dat.raudenbush1985, method = ..., test = "knha")):
    tau^2, mu, se, t, ci.lb, ci.ub. metafor stops its Fisher scoring once tau^2 changes by
    less than 1e-5 (its default threshold), so its t can differ in the fourth decimal."""
    pooled = pool_effects(PYGMALION_Y, PYGMALION_V, method=method)
    tau2, mu, se, t, low, high = expected
    assert round(pooled.tau2, 4) == tau2
    assert round(pooled.estimate, 4) == mu
    assert round(pooled.se, 4) == se
    assert pooled.t == pytest.approx(t, abs=1.5e-4) and pooled.df == 18
    assert [round(x, 4) for x in pooled.ci] == [low, high]


def test_hksj_matches_metafor_output_recorded_by_statsmodels():
    """statsmodels' test suite records metafor's rma(y, v, method = "DL", test = "knha")
    on Kacker's (2004) data (stats/tests/results/results_meta.py, exk1_dl_hksj):
    b 62.3901386044504, se 0.29477605699879, ci 61.710383798052 to 63.0698934108488,
    tau^2 0.288049246973751."""
    pooled = pool_effects(KACKER_Y, KACKER_V, method="DL")
    assert pooled.estimate == pytest.approx(62.3901386044504, rel=1e-12)
    assert pooled.se == pytest.approx(0.29477605699879, rel=1e-10)
    assert pooled.ci == pytest.approx((61.710383798052, 63.0698934108488), rel=1e-12)
    assert pooled.tau2 == pytest.approx(0.288049246973751, rel=1e-10)


def test_hksj_agrees_with_statsmodels_combine_effects():
    """statsmodels' combine_effects (an independent implementation): with use_t its
    random-effects "wls" interval is the Hartung-Knapp-Sidik-Jonkman interval."""
    y, v = log_risk_ratios()
    reference = combine_effects(y, v, method_re="chi2", use_t=True)
    pooled = pool_effects(y, v, method="DL")
    assert pooled.se == pytest.approx(reference.sd_eff_w_re_hksj, rel=1e-10)
    assert pooled.ci == pytest.approx(tuple(reference.conf_int(use_t=True)[3]), rel=1e-10)


def test_adhoc_variant_is_never_narrower_than_wald():
    """Knapp & Hartung (2003); metafor's test = "adhoc" (Jackson et al. 2017, sec. 4.3):
    q* = max(1, q). With effects closer together than their variances imply q* < 1, so
    plain HKSJ is narrower than Wald's standard error and the ad hoc variant uses it."""
    y, v = [0.30, 0.32, 0.29, 0.31, 0.30], [0.02, 0.03, 0.025, 0.04, 0.02]
    hksj, adhoc, wald = (pool_effects(y, v, ci_method=m) for m in ("hksj", "hksj_adhoc", "wald"))
    assert hksj.se < wald.se == adhoc.se
    half = stats.t.ppf(0.975, 4) * wald.se
    assert adhoc.ci == pytest.approx((wald.estimate - half, wald.estimate + half))
    assert adhoc.ci[1] - adhoc.ci[0] > wald.ci[1] - wald.ci[0]


def test_dl_matches_metafor_tests():
    """metafor's tests (test_misc_metan_vs_rma.uni_with_dat.bcg.r, checked against Stata's
    metan): DL estimate -0.7141, CI [-1.0644, -0.3638]; tau^2 0.3088, se 0.1787."""
    pooled = pool_effects(*log_risk_ratios(), method="DL", ci_method="wald")
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
    assert pooled.se_wald == pytest.approx(reference.sd_eff_w_re, rel=1e-10)
    assert pooled.tau2 == pytest.approx(reference.tau2, rel=1e-10)


def test_wald_prediction_interval_adds_tau2_to_the_standard_error():
    """metafor's predict() after test = "z": estimate +- z sqrt(se^2 + tau^2)."""
    pooled = pool_effects(*log_risk_ratios(), ci_method="wald")
    half = 1.959963984540054 * np.sqrt(pooled.se**2 + pooled.tau2)
    assert pooled.prediction_interval == pytest.approx(
        (pooled.estimate - half, pooled.estimate + half)
    )


def test_prediction_interval_uses_t_on_k_minus_2_df():
    """Higgins, Thompson & Spiegelhalter (2009): estimate +- t_(k-2) sqrt(tau^2 + SE^2),
    SE the unadjusted standard error; for k = 13, t_11 = 2.2010 (any t table)."""
    pooled = pool_effects(*log_risk_ratios())
    half = 2.200985160091639 * np.sqrt(pooled.se_wald**2 + pooled.tau2)
    assert pooled.prediction_df == 11
    assert pooled.prediction_interval == pytest.approx(
        (pooled.estimate - half, pooled.estimate + half), rel=1e-12
    )
    table = pooled_table(np.array([[0.2, 0.5]]), np.array([[0.02, 0.03]]))
    assert np.isnan(table["pi_low"][0]) and np.isnan(table["pi_high"][0])


def test_homogeneous_effects_give_zero_tau2():
    pooled = pool_effects([0.5, 0.5, 0.5, 0.5, 0.5], [0.01, 0.02, 0.03, 0.02, 0.01])
    assert pooled.tau2 == 0 and pooled.i2 == 0 and pooled.estimate == pytest.approx(0.5)


def test_reml_returns_the_global_maximum_when_scoring_crawls():
    """Regression (found by the coverage simulation): for these three sites the restricted
    likelihood has a flat local maximum near tau^2 = 0.0045 and its highest value at 0;
    Fisher scoring from the DL start (0.0277) crawled for 1000 steps. REML must return
    the global maximum, checked against the likelihood formula (Viechtbauer 2005)
    evaluated by hand on a grid."""
    from analysis.pooling import tau2_reml

    y = np.array([0.31225792, 0.28876587, 0.88215731])
    v = np.array([0.02330561, 0.02314873, 0.08171181])
    tau2, converged = tau2_reml(y[None], v[None])
    assert converged[0] and tau2[0] == 0.0

    def loglik(t):
        w = 1 / (v + t)
        mu = (w * y).sum() / w.sum()
        return -0.5 * (np.log(v + t).sum() + np.log(w.sum()) + (w * (y - mu) ** 2).sum())

    grid = np.linspace(0, 0.05, 5001)
    assert grid[np.argmax([loglik(t) for t in grid])] == 0.0


def test_bad_input_raises():
    with pytest.raises(ValueError, match="one variance per effect"):
        pool_effects([0.1, 0.2], [0.01])
    with pytest.raises(ValueError, match="positive"):
        pool_effects([0.1, 0.2], [0.01, 0.0])
    with pytest.raises(ValueError, match="at least 2"):
        pool_effects([0.1], [0.01])
    with pytest.raises(ValueError, match="'REML' or 'DL'"):
        pool_effects([0.1, 0.2], [0.01, 0.02], method="PM")
    with pytest.raises(ValueError, match="ci_method"):
        pool_effects([0.1, 0.2], [0.01, 0.02], ci_method="knha")


def scores_with_tiny_sites(sizes=(30, 30, 25, 3, 2), seed=5):
    """A pre/post table, one scale, sites of the given numbers of participants."""
    rng = np.random.default_rng(seed)
    site = np.repeat([f"site-{i}" for i in range(len(sizes))], sizes)
    people = site.size
    pre = rng.normal(3, 0.6, people)
    post = pre + 0.3 + rng.normal(0, 0.4, people)
    return pd.DataFrame(
        {
            "participant": np.tile(np.arange(people), 2),
            "site": np.tile(site, 2),
            "group": "intervention",
            "wave": np.repeat(["T0", "T1"], people),
            "scale": "brs",
            "score": np.r_[pre, post],
        }
    )


def test_sites_with_fewer_than_4_pairs_are_left_out_and_say_so():
    """Issue 24: below 4 complete pairs the large-sample variance of d_z does not hold
    (its exact noncentral-t variance is infinite there), so such sites are left out of
    pooling; the site table says which, the pooled row counts them, a note explains."""
    info = {"brs": ScaleInfo("Brief Resilience Scale", True, 0.7, 0.8)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = evaluate(scores_with_tiny_sites(), "pre_post", info, mixed=False)
    sites = result.site_effects.set_index("site")
    assert list(sites["pooling"]) == ["pooled"] * 3 + ["fewer_than_4_pairs"] * 2
    row = result.pooled.iloc[0]
    assert (row["k"], row["k_small"], row["n"]) == (3, 2, 85)
    assert row["ci_method"] == "hksj" and row["df"] == 2
    big = sites[sites["pooling"] == "pooled"]
    n, d = big["n"].to_numpy(float), big["d_z"].to_numpy()
    with pytest.warns(UserWarning, match="Only 3 effects"):
        single = pool_effects(d, d_z_variance(n, d))
    assert row["estimate"] == pytest.approx(single.estimate, rel=1e-12)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(single.ci, rel=1e-12)
    assert any("2 site(s) with fewer than 4 complete pairs" in note for note in result.notes)


def test_d_z_variance_is_hedges_and_olkins():
    """Hedges & Olkin (1985, p. 80): Var(d) = 1/n + d^2 / (2n); 1/20 + 0.25/40 at n = 20."""
    assert d_z_variance(20, 0.5) == pytest.approx(0.05625, rel=1e-15)
