"""The claim: baseline imbalance, the design's name, equal change, follow-up, no-indication words.

Each test builds a programme whose truth is known by construction (the generators below or
analysis.claim_simulation) and checks the claim evaluate() draws from it; the rules come from
Lord (1967), Van Breukelen (2006), What Works Clearinghouse (2022) and Angrist & Pischke (2009).
"""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from analysis import ScaleInfo, adjust_p, compare_groups, evaluate
from analysis.claim_simulation import simulate_programmes
from analysis.claims import BALANCE_LIMIT, comparison_verdicts

INFO = {"scale": ScaleInfo("Veerkracht", True, 1.0, 0.7)}


def quiet_evaluate(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return evaluate(*args, mixed=False, **kwargs)


@pytest.fixture(scope="module")
def lords_paradox():
    """The review's programme: the intervention group starts 0.8 SD higher, no effect, parallel
    trends, reliability .70; large enough for ANCOVA's bias (0.3 x 0.8 = 0.24 SD) to show."""
    rng = np.random.default_rng(67)
    return simulate_programmes(
        rng, 1, sites=5, per_group=80, imbalance=(0.8, 0.8), reliability=(0.7, 0.7)
    ).scores(0)


def test_quasi_experimental_claim_steps_down_under_baseline_imbalance(lords_paradox):
    """ANCOVA alone (the rule before) reads Lord's paradox as an effect; the claim must not."""
    result = quiet_evaluate(lords_paradox, "pre_post_comparison", INFO)
    row = result.comparison[result.comparison["site"] == "all"].iloc[0]
    assert row["p_adjusted"] < 0.05 and row["ancova_effect"] > 0  # the paradox is there
    assert row["did_p_adjusted"] > 0.05  # and difference-in-differences sees nothing
    assert row["baseline_d"] == pytest.approx(0.8, abs=0.15)
    assert result.claim.level in ("first_indication", "no_indication")
    assert "verschilden bij de start meer dan 0,25 standaarddeviatie" in result.claim.text_nl
    assert f"Veerkracht: T0–T1 ({row['baseline_d']:.2f})".replace(".", ",") in result.claim.text_nl
    assert "differed by more than 0.25 standard deviations at baseline" in result.claim.text_en
    assert "imbalanced" in result.claim.basis


def test_a_randomised_design_keeps_ancova_as_the_primary_estimate(lords_paradox):
    """The same numbers labelled randomised: ANCOVA decides (Vickers & Altman 2001; Senn 1994)."""
    result = quiet_evaluate(lords_paradox, "randomised", INFO)
    assert result.claim.level == "good_indication"


@pytest.mark.parametrize(
    ("ancova", "did", "baseline", "quasi", "randomised"),
    [
        ((0.3, 0.01), (0.3, 0.01), 0.1, "supports", "supports"),
        ((0.3, 0.01), (0.3, 0.01), 0.4, "imbalanced", "supports"),
        ((0.3, 0.01), (0.3, 0.01), -0.4, "imbalanced", "supports"),
        ((0.3, 0.01), (0.05, 0.40), 0.1, "disagree", "supports"),
        ((0.05, 0.40), (0.3, 0.01), 0.1, "disagree", "no_difference"),
        ((0.3, 0.01), (0.3, 0.01), np.nan, "unchecked", "supports"),
        ((-0.3, 0.01), (-0.3, 0.01), 0.0, "no_difference", "no_difference"),
        ((0.3, 0.20), (0.3, 0.20), 0.0, "no_difference", "no_difference"),
    ],
)
def test_comparison_verdicts(ancova, did, baseline, quasi, randomised):
    """The rule row by row: balance within 0.25 SD (WWC 2022) and ANCOVA and DiD agreeing."""
    for design, expected in (("pre_post_comparison", quasi), ("randomised", randomised)):
        verdict = comparison_verdicts(
            design, np.array([1.0]), np.array([ancova[0]]), np.array([ancova[1]]),
            np.array([did[0]]), np.array([did[1]]), np.array([baseline]), 0.05,
        )  # fmt: skip
        assert verdict.tolist() == [expected], design
    assert BALANCE_LIMIT == 0.25


def balanced_programme(effect, comparison_effect=0.0, *, waves=2, seed=5, people=400, sites=4):
    """Groups alternate within sites (so they start alike); scores on one scale."""
    rng = np.random.default_rng(seed)
    treated = np.arange(people) % 2 == 0
    site = (np.arange(people) // 2) % sites
    person = rng.normal(0, 0.8, people)
    frames = []
    for w in range(waves):
        shift = np.where(treated, effect, comparison_effect) * min(w, 1)
        frames.append(
            pd.DataFrame(
                {
                    "participant": np.arange(people),
                    "site": site,
                    "group": np.where(treated, "intervention", "comparison"),
                    "wave": f"T{w}",
                    "scale": "scale",
                    "score": person + shift + rng.normal(0, 0.5, people),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def test_the_design_is_named_and_worded_differently_in_both_languages():
    scores = balanced_programme(0.5)
    quasi = quiet_evaluate(scores, "pre_post_comparison", INFO)
    randomised = quiet_evaluate(scores, "randomised", INFO)
    assert quasi.claim.level == randomised.claim.level == "good_indication"
    assert "quasi-experimenteel" in quasi.claim.text_nl
    assert "quasi-experimental" in quasi.claim.text_en
    assert "vergelijkbaar" in quasi.claim.text_nl  # the checks it passed
    assert "quasi" not in randomised.claim.text_nl + randomised.claim.text_en
    assert "gerandomiseerd" in randomised.claim.text_nl
    assert "controlegroep" in randomised.claim.text_nl
    assert quasi.claim.text_nl != randomised.claim.text_nl
    assert quasi.claim.text_en != randomised.claim.text_en
    nothing = quiet_evaluate(balanced_programme(0.0), "pre_post_comparison", INFO)
    assert nothing.claim.level == "no_indication"
    assert "quasi-experimenteel" in nothing.claim.text_nl  # at every level


def test_no_indication_says_whether_both_groups_improved_or_nobody_did():
    both = quiet_evaluate(balanced_programme(0.5, 0.5), "pre_post_comparison", INFO)
    nobody = quiet_evaluate(balanced_programme(0.0, 0.0), "pre_post_comparison", INFO)
    assert both.claim.level == nobody.claim.level == "no_indication"
    assert "Beide groepen gingen ongeveer evenveel vooruit" in both.claim.text_nl
    assert "Both groups improved about equally" in both.claim.text_en
    assert "Geen van beide groepen ging duidelijk vooruit" in nobody.claim.text_nl
    assert "Neither group clearly improved" in nobody.claim.text_en
    assert both.claim.text_nl != nobody.claim.text_nl


def three_waves(t1, t2, *, seed=9, people=600):
    """Randomised, three waves; the intervention group's true shift at T1 and at T2."""
    rng = np.random.default_rng(seed)
    treated = rng.permutation(np.arange(people) % 2 == 0)
    person = rng.normal(0, 0.8, people)
    frames = []
    for w, shift in enumerate((0.0, t1, t2)):
        frames.append(
            pd.DataFrame(
                {
                    "participant": np.arange(people),
                    "site": np.arange(people) % 3,
                    "group": np.where(treated, "intervention", "comparison"),
                    "wave": f"T{w}",
                    "scale": "scale",
                    "score": person + treated * shift + rng.normal(0, 0.5, people),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def test_follow_up_rests_on_baseline_to_follow_up_never_on_a_later_pair():
    """A group that worsens at T1 and recovers by T2 has no effect at T2; the T1 -> T2 ANCOVA,
    which adjusts for the worsened T1, shows a "gain". The rule before read it as strong."""
    dip = three_waves(-0.8, 0.0)
    result = quiet_evaluate(dip, "randomised", INFO, wave_pairs="all")
    later = result.comparison[
        (result.comparison["site"] == "all") & (result.comparison["wave_from"] == "T1")
    ].iloc[0]
    assert later["p_adjusted"] < 0.05 and later["ancova_effect"] > 0
    assert result.claim.level == "no_indication"
    # a lasting effect compared only wave by wave: T0 -> T2 was never computed
    lasting = three_waves(0.8, 0.8)
    consecutive = quiet_evaluate(lasting, "randomised", INFO, wave_pairs="consecutive")
    assert consecutive.claim.level == "good_indication"
    assert "De vervolgmeting (T2) is niet met de voormeting vergeleken" in consecutive.claim.text_nl
    assert quiet_evaluate(lasting, "randomised", INFO).claim.level == "strong_indication"
    faded = quiet_evaluate(three_waves(0.8, 0.0), "randomised", INFO)
    assert faded.claim.level == "good_indication"
    assert "Van de voormeting tot de vervolgmeting (T2)" in faded.claim.text_nl


def equal_change(change=1.0, *, people=8):
    """One site; every participant's integer score rises by ``change``."""
    pre = np.array([2, 3, 3, 4, 2, 5, 3, 4][:people], dtype=float)
    return pd.DataFrame(
        {
            "participant": np.tile(np.arange(people), 2),
            "site": "Heerlen",
            "group": "intervention",
            "wave": np.repeat(["T0", "T1"], people),
            "scale": "scale",
            "score": np.r_[pre, pre + change],
        }
    )


def test_everyone_changing_alike_is_said_not_hidden():
    """SD of differences 0: d_z is undefined, so the site cannot be pooled; the site row, a
    note and the claim say so, and the claim does not say that nobody improved while reliable
    change (S_diff = 0.5 sqrt(2 x 0.4) = 0.45 < 1, Jacobson & Truax 1991) counts all 8 improved."""
    info = {"scale": ScaleInfo("Veerkracht", True, 0.5, 0.6)}
    result = quiet_evaluate(equal_change(), "pre_post", info)
    row = result.site_effects.iloc[0]
    assert bool(row["constant_change"]) and row["sd_diff"] == 0 and np.isnan(row["d_z"])
    assert row["improved"] + row["recovered"] == 8
    assert result.pooled.empty
    assert any("Heerlen" in note and "left out of the pooled d_z" in note for note in result.notes)
    assert result.claim.level == "no_indication"
    assert "ging niet duidelijk vooruit" not in result.claim.text_nl
    where = "Heerlen (Veerkracht, T0–T1)"
    assert f"Bij {where} veranderde iedere deelnemer precies evenveel" in result.claim.text_nl
    assert f"At {where} every participant changed" in result.claim.text_en
    # published as they are: no figure of a site that disclose() may blank (n = 8 < 10)
    for text in (result.claim.text_nl, result.claim.text_en, *result.notes):
        assert not re.search(r"\b8\b|\+1\b", text), text


def test_a_near_zero_sd_of_differences_is_noted_when_treated_as_zero():
    """Changes of 0.1 on non-integer scores: from the sums the SD of the differences comes out
    as rounding noise (about 1e-9 here), which paired_moments sets to 0; the note says so."""
    frame = equal_change()
    frame["score"] = frame["score"] * 1.37 + np.r_[np.zeros(8), np.full(8, 0.1)]
    result = quiet_evaluate(frame, "pre_post", INFO)
    assert result.site_effects.iloc[0]["sd_diff"] == 0
    noted = [note for note in result.notes if "rounding noise" in note]
    assert len(noted) == 1 and "treated as 0" in noted[0]


def test_dropped_scores_are_noted_in_the_result():
    scores = balanced_programme(0.3, people=40).astype({"score": object})
    scores.loc[0, "score"] = "n.v.t."
    scores.loc[1, "score"] = np.inf
    scores.loc[2, "score"] = -np.inf
    with pytest.warns(UserWarning, match="not numbers"):
        result = evaluate(scores, "pre_post_comparison", INFO, mixed=False)
    assert "1 score(s) were not numbers and were treated as missing." in result.notes
    assert "2 score(s) were infinite and were treated as missing." in result.notes
    assert result.comparison["n_intervention"].max() < 20  # the three rows are missing


def test_a_constant_baseline_gives_nan_and_a_note_not_infinity():
    """Every baseline 5: ANCOVA is not identified and the baseline SD is 0; the standardised
    difference-in-differences used to come out as -inf."""
    pre = np.full(12, 5.0)
    post = np.array([6, 7, 5, 6, 7, 8, 5, 6, 5, 6, 5, 7], dtype=float)
    group = ["intervention"] * 6 + ["comparison"] * 6
    with pytest.warns(UserWarning, match="same baseline score"):
        result = compare_groups(pre, post, group)
    assert np.isnan(result.ancova_effect) and np.isnan(result.did_d)
    assert np.isnan(result.ancova_d) and np.isnan(result.baseline_d)
    assert result.did == pytest.approx(6.5 - 5.667, abs=1e-3)
    assert len(result.notes) == 1 and "NaN" in result.notes[0]
    long = pd.DataFrame(
        {
            "participant": np.tile(np.arange(12), 2),
            "site": "A",
            "group": group * 2,
            "wave": np.repeat(["T0", "T1"], 12),
            "scale": "scale",
            "score": np.r_[pre, post],
        }
    )
    evaluated = quiet_evaluate(long, "pre_post_comparison", INFO)
    overall = evaluated.comparison[evaluated.comparison["site"] == "all"].iloc[0]
    assert np.isnan(overall["did_d"]) and np.isfinite(overall["did"])
    assert any("same baseline score" in note for note in evaluated.notes)


def test_holm_equals_statsmodels():
    """adjust_p's own Holm (statsmodels' collects garbage on every call) against statsmodels."""
    rng = np.random.default_rng(3)
    for _ in range(5):  # each statsmodels call collects garbage: keep it short
        p = rng.random(rng.integers(1, 30)) ** 3
        assert adjust_p(p) == pytest.approx(multipletests(p, method="holm")[1], abs=1e-15)
