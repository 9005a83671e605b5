"""ANCOVA and difference-in-differences against statsmodels' OLS."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats

from analysis import compare_groups


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


def test_a_group_with_fewer_than_two_pairs_raises():
    with pytest.raises(ValueError, match="at least 2"):
        compare_groups([1, 2, 3], [2, 3, 4], ["intervention", "comparison", "comparison"])
