"""ANCOVA and difference-in-differences against a published trial and statsmodels' OLS."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats

from analysis import compare_groups

DATA = Path(__file__).parent / "data"

# Lakens (2013), Front. Psychol. 4:863, Table 1: ten people rate two movies.
MOVIE_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
MOVIE_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]


def test_ancova_matches_published_weight_loss_trial():
    """Horan & Johnson (1971), J Behav Ther Exp Psychiatry 2:243-249, Table 2 (p. 246):
    weights before and after treatment, analysed by A. S. Kurz (2023), "Boost your power
    with baseline covariates" (part 1 of "The GLM and causal inference" series), with the
    wait-list control (delayed, n = 22) against the experimental group (n = 19). R's
    summary(lm(post ~ 1 + experimental + pre)) prints for experimental: Estimate -4.57237,
    Std. Error 2.00226, t value -2.284, Pr(>|t|) 0.0281, on 38 degrees of freedom;
    broom::tidy(conf.int = TRUE), rounded to two decimals: conf.low -8.63, conf.high -0.52.
    The same post's lm(post ~ 1 + experimental) (intercept 153.818, experimental -2.489)
    checks the transcription."""
    trial = pd.read_csv(DATA / "horan_johnson_1971.csv")
    trial = trial[trial["treatment"].isin(["delayed", "experimental"])]
    result = compare_groups(
        trial["pre"], trial["post"], trial["treatment"], intervention="experimental"
    )
    means = trial.groupby("treatment")["post"].mean()
    assert round(means["delayed"], 3) == 153.818
    assert round(means["experimental"] - means["delayed"], 3) == -2.489
    assert (result.n_intervention, result.n_comparison, result.df_ancova) == (19, 22, 38)
    assert round(result.ancova_effect, 5) == -4.57237
    assert round(result.ancova_se, 5) == 2.00226
    assert round(result.ancova_effect / result.ancova_se, 3) == -2.284
    assert round(result.ancova_p, 4) == 0.0281
    assert [round(x, 2) for x in result.ancova_ci] == [-8.63, -0.52]


def test_did_is_students_t_on_change_and_matches_lakens_example():
    """Difference-in-differences without sites is Student's t-test on change scores.
    With changes equal to Lakens' (2013, p. 4) movie ratings as two groups of ten, the
    published t(18) = 2.52 must come back, with the difference of the means 8.7 - 7.7
    (Table 1). Baselines are arbitrary: only the change enters."""
    pre = np.arange(20, dtype=float)
    change = np.array(MOVIE_1 + MOVIE_2, dtype=float)
    group = ["intervention"] * 10 + ["comparison"] * 10
    result = compare_groups(pre, pre + change, group)
    assert result.df_did == 18
    assert round(result.did, 1) == 1.0
    assert round(result.did / result.did_se, 2) == 2.52


@pytest.fixture
def trial():
    rng = np.random.default_rng(7)
    n = 240
    frame = pd.DataFrame(
        {
            "pre": rng.normal(20, 4, n),
            "group": rng.choice(["intervention", "comparison"], n),
            "site": rng.choice(["A", "B", "C"], n),
        }
    )
    frame["post"] = (
        3
        + 0.8 * frame["pre"]
        + 1.5 * (frame["group"] == "intervention")
        + frame["site"].map({"A": 0.0, "B": 1.0, "C": -1.0})
        + rng.normal(0, 2, n)
    )
    return frame


def test_ancova_and_did_match_statsmodels_ols(trial):
    """No published pre/post two-group example with printed ANCOVA output was at hand;
    the closed-form estimates are checked against statsmodels' OLS fits of
    post ~ pre + group and (post - pre) ~ group (an independent implementation)."""
    result = compare_groups(trial["pre"], trial["post"], trial["group"])
    ancova = smf.ols("post ~ pre + C(group, Treatment('comparison'))", trial).fit()
    term = "C(group, Treatment('comparison'))[T.intervention]"
    assert result.ancova_effect == pytest.approx(ancova.params[term], rel=1e-10)
    assert result.ancova_se == pytest.approx(ancova.bse[term], rel=1e-10)
    assert result.ancova_p == pytest.approx(ancova.pvalues[term], rel=1e-8)
    assert result.ancova_ci == pytest.approx(tuple(ancova.conf_int().loc[term]), rel=1e-10)
    did = smf.ols("I(post - pre) ~ C(group, Treatment('comparison'))", trial).fit()
    assert result.did == pytest.approx(did.params[term], rel=1e-10)
    assert result.did_se == pytest.approx(did.bse[term], rel=1e-10)


def test_did_without_sites_is_students_t_test_on_change(trial):
    """The difference in mean change and its p are Student's t-test on change scores."""
    result = compare_groups(trial["pre"], trial["post"], trial["group"])
    change = trial["post"] - trial["pre"]
    treated = trial["group"] == "intervention"
    reference = stats.ttest_ind(change[treated], change[~treated])
    assert result.did == pytest.approx(change[treated].mean() - change[~treated].mean())
    assert result.did_p == pytest.approx(reference.pvalue, rel=1e-8)


def test_site_fixed_effects_match_statsmodels(trial):
    """post ~ pre + group + C(site) in statsmodels versus site demeaning here."""
    result = compare_groups(trial["pre"], trial["post"], trial["group"], site=trial["site"])
    ancova = smf.ols("post ~ pre + C(group, Treatment('comparison')) + C(site)", trial).fit()
    term = "C(group, Treatment('comparison'))[T.intervention]"
    assert result.site_adjusted
    assert result.ancova_effect == pytest.approx(ancova.params[term], rel=1e-10)
    assert result.ancova_se == pytest.approx(ancova.bse[term], rel=1e-10)
    assert result.df_ancova == int(ancova.df_resid)
    # the groups' baseline difference within sites: pre ~ group + site (Frisch-Waugh-Lovell)
    baseline = smf.ols("pre ~ C(group, Treatment('comparison')) + C(site)", trial).fit()
    assert result.baseline_diff == pytest.approx(baseline.params[term], rel=1e-10)
    assert result.baseline_d == pytest.approx(result.baseline_diff / result.sd_pre_pooled)


def test_baseline_difference_without_sites_is_the_difference_of_means(trial):
    """Standardised as Morris (2008) standardises the effects: over the pooled baseline SD."""
    result = compare_groups(trial["pre"], trial["post"], trial["group"])
    pre = trial.groupby("group")["pre"]
    assert result.baseline_diff == pytest.approx(
        pre.mean()["intervention"] - pre.mean()["comparison"], rel=1e-10
    )
    n, var = pre.count(), pre.var()
    pooled = np.sqrt(((n - 1) * var).sum() / (n.sum() - 2))
    assert result.baseline_d == pytest.approx(result.baseline_diff / pooled, rel=1e-10)
    assert result.notes == ()


def test_a_group_with_fewer_than_two_pairs_raises():
    with pytest.raises(ValueError, match="at least 2"):
        compare_groups([1, 2, 3], [2, 3, 4], ["intervention", "comparison", "comparison"])
