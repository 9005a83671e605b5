"""Mixed model with participants nested in sites, against lme4 and statsmodels."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.regression.tests as statsmodels_tests
from scipy import stats

from analysis import mixed_model

DATA = Path(__file__).parent / "data"


def anova_components(pastes):
    """Balanced nested ANOVA estimators (Searle, Casella & McCulloch 1992, ch. 3):
    s_batch^2 = (MS_batch - MS_sample) / 6, s_sample^2 = (MS_sample - MS_error) / 2,
    s_e^2 = MS_error; for balanced data with positive estimates they equal REML."""
    y = pastes["strength"]
    grand = y.mean()
    batch = pastes.groupby("batch")["strength"].transform("mean")
    sample = pastes.groupby("sample")["strength"].transform("mean")
    ms_batch = ((batch - grand) ** 2).sum() / 9
    ms_sample = ((sample - batch) ** 2).sum() / 20
    ms_error = ((y - sample) ** 2).sum() / 30
    return (ms_batch - ms_sample) / 6, (ms_sample - ms_error) / 2, ms_error


@pytest.mark.parametrize("engine", ["closed_form", "statsmodels"])
def test_nested_intercepts_match_lme4_pastes(engine):
    """lme4's Pastes data (Davies & Goldsmith 1972), lmer(strength ~ 1 + (1 | batch) +
    (1 | batch:cask)), with lme4's results as recorded in statsmodels' test suite
    (regression/tests/test_lme.py, test_pastes_vcomp): intercept 60.0533, se 0.6769,
    batch variance 1.657, residual variance 0.678. The cask-within-batch variance is not
    in that file; it is checked against the balanced-ANOVA estimator (8.4337)."""
    pastes = pd.read_csv(DATA / "pastes.csv")
    result = mixed_model(
        pastes, score="strength", wave=None, participant="sample", site="batch", engine=engine
    )
    fixed = result.fixed.set_index("term")
    variance = result.variance_components.set_index("component")["variance"]
    assert fixed.loc["Intercept", "estimate"] == pytest.approx(60.0533, rel=1e-5)
    assert fixed.loc["Intercept", "se"] == pytest.approx(0.6769, rel=1e-3)
    assert variance["site"] == pytest.approx(1.657, rel=1e-3)
    assert variance["residual"] == pytest.approx(0.678, rel=1e-3)
    site, sample, residual = anova_components(pastes)
    assert variance["participant"] == pytest.approx(sample, rel=1e-3)
    assert variance["site"] == pytest.approx(site, rel=1e-3)
    assert result.n_sites == 10 and result.n_participants == 30 and result.converged


def test_closed_form_reaches_the_exact_reml_optimum_on_balanced_data():
    """The closed-form engine matches the ANOVA estimators to 1e-5 (relative)."""
    pastes = pd.read_csv(DATA / "pastes.csv")
    result = mixed_model(pastes, score="strength", wave=None, participant="sample", site="batch")
    variance = result.variance_components["variance"].to_numpy()
    np.testing.assert_allclose(variance, anova_components(pastes), rtol=1e-5)


@pytest.mark.parametrize("engine", ["closed_form", "statsmodels"])
def test_pastes_mean_has_the_anova_df_and_a_t_interval(engine):
    """Balanced nested data: the mean's variance is MS_batch / 60, a mean square on
    10 - 1 = 9 df, so Satterthwaite's df are exactly 9 (Satterthwaite 1946; Searle,
    Casella & McCulloch 1992, ch. 3) and the 95% interval is estimate +- t_9 se with
    t_9 = 2.2622, not +- 1.96 se."""
    pastes = pd.read_csv(DATA / "pastes.csv")
    result = mixed_model(
        pastes, score="strength", wave=None, participant="sample", site="batch", engine=engine
    )
    row = result.fixed.set_index("term").loc["Intercept"]
    assert row["df"] == pytest.approx(9, rel=1e-3)  # statsmodels stops short of the optimum
    half = stats.t.ppf(0.975, row["df"]) * row["se"]
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(
        (row["estimate"] - half, row["estimate"] + half), rel=1e-12
    )
    assert round(stats.t.ppf(0.975, 9), 4) == 2.2622
    assert row["p"] == pytest.approx(2 * stats.t.sf(row["t"], row["df"]), rel=1e-12)


def balanced_cluster_trial(seed=1, sites=6, people=8):
    """Two waves; the first half of the sites are intervention sites."""
    rng = np.random.default_rng(seed)
    participant = np.repeat(np.arange(sites * people), 2)
    site = participant // people
    group = np.where(site < sites // 2, "intervention", "comparison")
    wave = np.tile(["T0", "T1"], sites * people)
    score = (
        10
        + rng.normal(0, 1, sites)[site]
        + rng.normal(0, 1.5, sites * people)[participant]
        + rng.normal(0, 1, participant.size)
        + 0.5 * (wave == "T1") * (group == "intervention")
    )
    return pd.DataFrame(
        {"participant": participant, "site": site, "group": group, "wave": wave, "score": score}
    )


def test_satterthwaite_df_match_the_mean_squares_of_a_balanced_cluster_trial():
    """Independent computation from the classical ANOVA of a balanced design with the
    group at site level (6 sites of 8, 2 waves): the wave terms lie in the within-person
    stratum, 48 - 2 = 46 df. The group effect at T0 has variance 2 (MS_site + MS_within)
    / 48, so Satterthwaite's (1946) df from the mean squares are
    (MS_site + MS_within)^2 / (MS_site^2 / 4 + MS_within^2 / 46), with MS_site on
    6 - 2 = 4 df."""
    frame = balanced_cluster_trial()
    result = mixed_model(frame, group="group")
    fixed = result.fixed.set_index("term")
    variance = result.variance_components.set_index("component")["variance"]
    ms_within = variance["residual"]
    ms_site = variance["residual"] + 2 * variance["participant"] + 16 * variance["site"]
    expected = (ms_site + ms_within) ** 2 / (ms_site**2 / 4 + ms_within**2 / 46)
    assert fixed.loc["group[intervention]", "df"] == pytest.approx(expected, rel=1e-3)
    assert fixed.loc["wave[T1]", "df"] == pytest.approx(46, rel=1e-3)
    assert fixed.loc["wave[T1]:group[intervention]", "df"] == pytest.approx(46, rel=1e-3)
    # with few sites the between-site term's interval is far wider than a z interval
    row = fixed.loc["group[intervention]"]
    assert (row["ci_high"] - row["ci_low"]) / (2 * 1.96 * row["se"]) > 1.2


def test_random_intercepts_without_sites_match_lme4_dietox():
    """statsmodels' test_lme.py (test_dietox) records lme4's lmer(Weight ~ Time + (1 | Pig),
    data = dietox): fixed effects 15.723523 and 6.942505, se 0.78805374 and 0.03338727,
    residual variance 11.36692, pig variance 40.39395."""
    path = Path(statsmodels_tests.__file__).parent / "results" / "dietox.csv"
    frame = pd.read_csv(path)
    from analysis.nested_reml import fit_nested_reml

    x = np.column_stack([np.ones(len(frame)), frame["Time"].to_numpy(float)])
    fit = fit_nested_reml(x, frame["Weight"].to_numpy(float), pd.factorize(frame["Pig"])[0], None)
    np.testing.assert_allclose(fit.beta, [15.723523, 6.942505], rtol=1e-5)
    np.testing.assert_allclose(
        np.sqrt(np.diag(fit.covariance)), [0.78805374, 0.03338727], rtol=1e-4
    )
    assert fit.residual_variance == pytest.approx(11.36692, rel=1e-4)
    assert fit.participant_variance == pytest.approx(40.39395, rel=1e-4)


def synthetic(seed=3, people=120, sites=6):
    rng = np.random.default_rng(seed)
    participant = np.repeat(np.arange(people), 3)
    site = participant % sites
    group = np.where((participant // sites) % 2, "intervention", "comparison")
    wave = np.tile(["T0", "T1", "T2"], people)
    score = (
        10
        + rng.normal(0, 2, people)[participant]
        + rng.normal(0, 1, sites)[site]
        + np.tile([0.0, 0.5, 0.8], people) * (group == "intervention")
        + rng.normal(0, 1.5, participant.size)
    )
    frame = pd.DataFrame(
        {"participant": participant, "site": site, "group": group, "wave": wave, "score": score}
    )
    return frame[rng.random(len(frame)) > 0.1]


def test_closed_form_agrees_with_statsmodels_mixedlm():
    """Independent check on unbalanced data: statsmodels' MixedLM (sites as groups,
    participants as a variance component) fits the same REML model."""
    frame = synthetic()
    ours = mixed_model(frame, group="group")
    theirs = mixed_model(frame, group="group", engine="statsmodels")
    assert list(ours.fixed["term"]) == list(theirs.fixed["term"])
    np.testing.assert_allclose(ours.fixed["estimate"], theirs.fixed["estimate"], rtol=1e-4)
    np.testing.assert_allclose(ours.fixed["se"], theirs.fixed["se"], rtol=1e-3)
    np.testing.assert_allclose(
        ours.variance_components["variance"],
        theirs.variance_components["variance"],
        rtol=1e-3,
        atol=1e-4,
    )
    assert "wave[T2]:group[intervention]" in set(ours.fixed["term"])


def test_missing_columns_and_single_participant_raise():
    frame = synthetic()
    with pytest.raises(ValueError, match="lacks the column"):
        mixed_model(frame.drop(columns="site"))
    with pytest.raises(ValueError, match="at least 2 participants"):
        mixed_model(frame[frame["participant"] == 0])
