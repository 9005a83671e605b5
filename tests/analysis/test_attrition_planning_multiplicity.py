"""Attrition tables, power planning and p-value adjustment."""

import numpy as np
import pandas as pd
import pytest

from analysis import adjust_p, attrition, independent_effect, minimum_detectable_effect, required_n


def test_attrition_counts_and_baseline_difference():
    """Counts by hand; the baseline difference must equal independent_effect (dropouts -
    completers), itself checked against Lakens (2013)."""
    rows = []
    baseline = {1: 3.0, 2: 2.0, 3: 4.0, 4: 5.0, 5: 1.0, 6: 2.5}
    for person, score in baseline.items():
        rows.append((person, "A" if person < 5 else "B", "T0", score))
    for person in (1, 3, 4, 6):
        rows.append((person, "A" if person < 5 else "B", "T1", baseline[person] + 0.5))
    frame = pd.DataFrame(rows, columns=["participant", "site", "wave", "score"])
    frame["group"], frame["scale"] = "intervention", "brs"
    result = attrition(frame)
    table = result.per_site.set_index("site")
    assert table.loc["A", ["n_baseline", "n_retained", "n_dropped"]].tolist() == [4, 3, 1]
    assert table.loc["B", "retention"] == pytest.approx(0.5)
    row = result.baseline_difference.iloc[0]
    with pytest.warns(UserWarning, match="fewer than 5"):
        reference = independent_effect([2.0, 1.0], [3.0, 4.0, 5.0, 2.5])
    assert (row["n_completers"], row["n_dropouts"]) == (4, 2)
    assert row["d"] == pytest.approx(reference.d)
    assert (row["d_low"], row["d_high"]) == pytest.approx(reference.d_ci)
    assert row["p"] == pytest.approx(reference.p)


def test_attrition_baseline_difference_matches_lakens_example():
    """Lakens (2013), Front. Psychol. 4:863, p. 4 and Table 1: the movie ratings as two
    independent groups of ten give d_s = 1.13 with 95% CI [0.16, 2.06] (noncentral t).
    Here the ten who dropped out had the Movie 1 ratings at baseline and the ten who
    stayed the Movie 2 ratings, so d (dropouts - completers) must be that published d,
    through attrition's own grouping and moment computation."""
    movie_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
    movie_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]
    rows = [(f"D{i}", "T0", score) for i, score in enumerate(movie_1)]
    rows += [(f"C{i}", "T0", score) for i, score in enumerate(movie_2)]
    rows += [(f"C{i}", "T1", score + 1.0) for i, score in enumerate(movie_2)]
    frame = pd.DataFrame(rows, columns=["participant", "wave", "score"])
    frame["site"], frame["group"], frame["scale"] = "A", "intervention", "rating"
    result = attrition(frame)
    site = result.per_site.iloc[0]
    assert (site["n_baseline"], site["n_retained"], site["n_dropped"]) == (20, 10, 10)
    assert len(result.baseline_difference) == 1
    row = result.baseline_difference.iloc[0]
    assert (row["n_dropouts"], row["n_completers"]) == (10, 10)
    assert round(row["d"], 2) == 1.13
    assert [round(row["d_low"], 2), round(row["d_high"], 2)] == [0.16, 2.06]


def test_required_n_matches_cohen_and_gpower():
    """Cohen (1988), Table 2.4.1 (two-sided alpha .05, power .80): n = 64 per group for
    d = .50 and 26 for d = .80; G*Power 3 (Faul et al. 2007) gives 34 pairs for d_z = .50."""
    assert required_n(0.5) == 64
    assert required_n(0.8) == 26
    assert required_n(0.5, design="paired") == 34
    assert required_n(-0.5) == 64


def test_minimum_detectable_effect_inverts_required_n():
    """Cohen (1988), Table 2.4.1: 64 per group detect d = .50 with power .80."""
    assert round(minimum_detectable_effect(64), 2) == 0.50
    assert minimum_detectable_effect(26) < 0.8 < minimum_detectable_effect(25)


def test_planning_rejects_nonsense():
    with pytest.raises(ValueError, match="power"):
        required_n(0.5, power=80)
    with pytest.raises(ValueError, match="non-zero"):
        required_n(0)
    with pytest.raises(ValueError, match="design"):
        required_n(0.5, design="crossover")


BH_1995 = [
    0.0001,
    0.0004,
    0.0019,
    0.0095,
    0.0201,
    0.0278,
    0.0298,
    0.0344,
    0.0459,
    0.3240,
    0.4262,
    0.5719,
    0.6528,
    0.7590,
    1.0000,
]


def test_adjustments_reproduce_benjamini_hochberg_1995_example():
    """Benjamini & Hochberg (1995), section 4, 15 p-values of a trial: at q = .05 the
    FDR procedure rejects the four smallest, the Bonferroni-type (Holm) procedure three."""
    assert (adjust_p(BH_1995, method="fdr_bh") <= 0.05).sum() == 4
    assert (adjust_p(BH_1995, method="holm") <= 0.05).sum() == 3


def test_holm_by_hand_and_missing_values_kept():
    """Holm (1979): sorted p times (m - i + 1), made monotone; computed by hand."""
    adjusted = adjust_p([0.01, 0.04, np.nan, 0.03])
    assert adjusted[[0, 1, 3]] == pytest.approx([0.03, 0.06, 0.06])
    assert np.isnan(adjusted[2])
    with pytest.raises(ValueError, match="between 0 and 1"):
        adjust_p([0.5, 1.5])
    with pytest.raises(ValueError, match="'holm' or 'fdr_bh'"):
        adjust_p([0.5], method="bonferroni")
