"""Cronbach's alpha with Feldt's interval, and McDonald's omega."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import cronbach_alpha, scale_reliabilities
from analysis.reliability import omega_from_correlations

DATA = Path(__file__).parent / "data"


def test_alpha_and_feldt_interval_match_pingouin_documentation():
    """pingouin's documented example (pingouin.cronbach_alpha on its `cronbach_alpha`
    dataset, 15 people x 10 items, tested there against R's psych): alpha = 0.591719,
    95% CI [0.195, 0.84] (Feldt et al. 1987)."""
    items = pd.read_csv(DATA / "cronbach_alpha_wide.csv", index_col="Subj")
    result = cronbach_alpha(items)
    assert (result.n, result.k) == (15, 10)
    assert round(result.alpha, 6) == 0.591719
    assert [round(x, 3) for x in result.ci] == [0.195, 0.840]


def test_omega_recovers_the_population_value_of_a_one_factor_model():
    """No published omega for an open dataset was at hand; this is an independent check:
    for a correlation matrix built exactly from loadings l, the one-factor ML fit returns
    l, so omega = (sum l)^2 / ((sum l)^2 + sum(1 - l^2)) (McDonald 1999, eq. 6.20b)."""
    loadings = np.array([0.8, 0.7, 0.6, 0.5, 0.75])
    correlations = np.outer(loadings, loadings)
    np.fill_diagonal(correlations, 1.0)
    expected = loadings.sum() ** 2 / (loadings.sum() ** 2 + (1 - loadings**2).sum())
    assert omega_from_correlations(correlations, 500) == pytest.approx(expected, abs=1e-5)


def test_omega_agrees_with_r_factanal_one_factor_solution():
    """No published omega for a one-factor ML model of an open data set was found. What
    was found is R's one-factor ML solution of a published correlation matrix, recorded
    in statsmodels' test suite (statsmodels/multivariate/tests/test_ml_factor.py,
    test_1factor: factanal(covmat = cm, factors = 1) with cm = 0.4^|i - j|, p = 4,
    printed with digits = 10): uniquenesses 0.8392472054, 0.5820958187, 0.5820958187,
    0.8392472054 and loadings 0.4009399224, 0.6464550935, 0.6464550935, 0.4009399224.
    Omega from those (McDonald 1999, eq. 6.20b) is compared with ours, which fits the
    same model with statsmodels' Factor. The likelihood is flat near its maximum (the
    statsmodels test notes a slightly higher likelihood at an asymmetric solution), so
    the two agree to three decimals, not to the ten that R prints."""
    ii = np.arange(4)
    correlations = 0.4 ** np.abs(np.subtract.outer(ii, ii))
    loadings = np.array([0.4009399224, 0.6464550935, 0.6464550935, 0.4009399224])
    uniqueness = np.array([0.8392472054, 0.5820958187, 0.5820958187, 0.8392472054])
    r_omega = loadings.sum() ** 2 / (loadings.sum() ** 2 + uniqueness.sum())
    assert omega_from_correlations(correlations, 100) == pytest.approx(r_omega, abs=5e-4)


def test_incomplete_rows_are_dropped_and_too_few_items_raise():
    items = pd.read_csv(DATA / "cronbach_alpha_wide.csv", index_col="Subj").astype(float)
    items.iloc[0, 0] = np.nan
    assert cronbach_alpha(items).n == 14
    with pytest.raises(ValueError, match="at least 2 items"):
        cronbach_alpha(items[["Q1"]])


def test_scale_reliabilities_gives_one_row_per_scale():
    items = pd.read_csv(DATA / "cronbach_alpha_wide.csv", index_col="Subj")
    table = scale_reliabilities({"demo": items, "broken": items[["Q1"]]})
    assert list(table["scale"]) == ["demo", "broken"]
    assert round(table.loc[0, "alpha"], 6) == 0.591719
    assert "at least 2 items" in table.loc[1, "note"]
