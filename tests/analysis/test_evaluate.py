"""evaluate(): the per-site table agrees with the single functions; claims follow the design."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from analysis import (
    EVIDENCE_LEVELS,
    ScaleInfo,
    compare_groups,
    evaluate,
    paired_effect,
    pool_effects,
    reliable_change,
)


def test_site_rows_equal_paired_effect_and_reliable_change(scales, make_scores):
    """The vectorised per-site computation must reproduce paired_effect() and
    reliable_change() (each checked against published examples) row by row."""
    scores = make_scores()
    result = evaluate(scores, "pre_post_comparison", scales)
    wide = scores.pivot_table(
        index=["participant", "site", "group", "scale"], columns="wave", values="score"
    ).reset_index()
    for _, row in result.site_effects.iterrows():
        part = wide[
            (wide["site"] == row["site"])
            & (wide["group"] == row["group"])
            & (wide["scale"] == row["scale"])
        ]
        pre, post = part[row["wave_from"]].to_numpy(), part[row["wave_to"]].to_numpy()
        single = paired_effect(pre, post)
        assert row["n"] == single.n
        assert row["d_z"] == pytest.approx(single.d_z, rel=1e-9)
        assert (row["d_z_low"], row["d_z_high"]) == pytest.approx(single.d_z_ci, rel=1e-8)
        assert row["g_av"] == pytest.approx(single.g_av, rel=1e-9)
        assert row["r"] == pytest.approx(single.r, rel=1e-9)
        assert row["p"] == pytest.approx(single.p, rel=1e-8)
        assert row["wilcoxon_p"] == pytest.approx(single.wilcoxon_p, rel=1e-9)
        info = scales[row["scale"]]
        rc = reliable_change(
            pre,
            post,
            sd=info.reference_sd,
            reliability=info.reliability,
            higher_is_better=info.higher_is_better,
            cutoff=info.cutoff,
        )
        assert {k: row[k] for k in rc.counts} == rc.counts


def test_pooled_rows_equal_pool_effects(scales, make_scores):
    scores = make_scores()
    result = evaluate(scores, "pre_post_comparison", scales, mixed=False)
    row = result.pooled.iloc[0]
    sites = result.site_effects[
        (result.site_effects["scale"] == row["scale"])
        & (result.site_effects["group"] == row["group"])
        & (result.site_effects["wave_to"] == row["wave_to"])
    ]
    n, d = sites["n"].to_numpy(float), sites["d_z"].to_numpy()
    with pytest.warns(UserWarning, match="Only 4 effects"):
        single = pool_effects(d, 1 / n + d**2 / (2 * n))
    assert row["estimate"] == pytest.approx(single.estimate, rel=1e-10)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(single.ci, rel=1e-10)
    assert row["tau2"] == pytest.approx(single.tau2, abs=1e-12)
    assert row["k"] == 4 and row["n"] == n.sum()


def test_overall_comparison_equals_compare_groups_with_sites(scales, make_scores):
    scores = make_scores()
    result = evaluate(scores, "pre_post_comparison", scales, mixed=False)
    overall = result.comparison[
        (result.comparison["site"] == "all")
        & (result.comparison["scale"] == "brs")
        & (result.comparison["wave_to"] == "T1")
    ].iloc[0]
    wide = (
        scores[scores["scale"] == "brs"]
        .pivot_table(index=["participant", "site", "group"], columns="wave", values="score")
        .reset_index()
        .dropna(subset=["T0", "T1"])
    )
    single = compare_groups(wide["T0"], wide["T1"], wide["group"], site=wide["site"])
    assert overall["site_adjusted"]
    assert overall["ancova_effect"] == pytest.approx(single.ancova_effect, rel=1e-10)
    assert overall["did_se"] == pytest.approx(single.did_se, rel=1e-10)


def test_pre_post_design_never_claims_more_than_a_first_indication(scales, make_scores):
    """DOMAIN.md: a pre/post design without comparison gives at most a first indication."""
    scores = make_scores(effect=1.0, with_comparison=False)
    result = evaluate(scores, "pre_post", scales, mixed=False)
    assert result.claim.level == "first_indication"
    assert result.claim.design_ceiling == "first_indication"
    assert "Eerste aanwijzingen" in result.claim.text_nl
    assert result.comparison.empty


def test_comparison_design_decides_on_the_comparison(scales, make_scores):
    both_improve = make_scores(effect=0.5, comparison_effect=0.5)
    result = evaluate(both_improve, "pre_post_comparison", scales, mixed=False)
    assert result.claim.level == "no_indication"
    better = make_scores(effect=0.8, comparison_effect=0.0)
    assert (
        evaluate(better, "pre_post_comparison", scales, mixed=False).claim.level
        == "good_indication"
    )


def test_randomised_design_needs_follow_up_for_strong_indications(scales, make_scores):
    scores = make_scores(effect=0.8)
    assert evaluate(scores, "randomised", scales, mixed=False).claim.level == "strong_indication"
    two_waves = scores[scores["wave"] != "T2"]
    assert evaluate(two_waves, "randomised", scales, mixed=False).claim.level == "good_indication"


def test_no_effect_gives_no_indication(scales, make_scores):
    result = evaluate(
        make_scores(effect=0.0, with_comparison=False), "pre_post", scales, mixed=False
    )
    assert result.claim.level == "no_indication"
    assert result.claim.level in EVIDENCE_LEVELS


def test_lower_is_better_scale_counts_a_decrease_as_improvement(scales, make_scores):
    result = evaluate(
        make_scores(effect=1.0, with_comparison=False), "pre_post", scales, mixed=False
    )
    lonely = result.site_effects[result.site_effects["scale"] == "lonely"]
    assert (lonely["mean_diff"] < 0).all() and (lonely["improvement"] > 0).all()
    assert (lonely["improved"] + lonely["recovered"] > lonely["deteriorated"]).all()


def test_tables_mixed_model_and_json(scales, make_scores):
    scores = make_scores()
    result = evaluate(scores, "pre_post_comparison", scales, waves=["T0", "T1", "T2"])
    frames = result.to_frames()
    assert set(frames) >= {
        "site_effects",
        "pooled",
        "comparison",
        "attrition",
        "attrition_baseline",
        "mixed_model",
        "variance_components",
    }
    assert {"wave[T1]:group[intervention]", "Intercept"} <= set(result.mixed_model["term"])
    assert set(result.variance_components["component"]) == {"site", "participant", "residual"}
    assert result.n_participants == scores["participant"].nunique()
    text = json.dumps(result.to_dict(), allow_nan=False)
    assert json.loads(text)["claim"]["level"] == result.claim.level
    assert (result.site_effects["p_adjusted"] >= result.site_effects["p"]).all()


def test_mixed_model_can_be_skipped_above_a_size(scales, make_scores):
    result = evaluate(make_scores(), "pre_post", scales, mixed_max_participants=10)
    assert result.mixed_model.empty
    assert any("mixed model was skipped" in note for note in result.notes)


def test_explicit_wave_order_is_respected(scales, make_scores):
    scores = make_scores(waves=("pre", "post"))
    result = evaluate(scores, "pre_post", scales, waves=["pre", "post"], mixed=False)
    assert result.waves == ("pre", "post")
    assert set(result.site_effects["wave_from"]) == {"pre"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f, s: (f, "pre-post", s), "design must be one of"),
        (lambda f, s: (f.drop(columns="site"), "pre_post", s), "lacks the column"),
        (lambda f, s: (f, "pre_post", {"brs": s["brs"]}), "no description"),
        (
            lambda f, s: (f, "pre_post", {**s, "brs": ScaleInfo("BRS", True, 0.7, 1.2)}),
            "between 0 and 1",
        ),
        (lambda f, s: (pd.concat([f, f.iloc[:1]]), "pre_post", s), "more than one score"),
        (lambda f, s: (f.assign(group="control"), "pre_post", s), "'intervention' or"),
        (lambda f, s: (f[f["wave"] == "T0"], "pre_post", s), "at least 2 waves"),
    ],
)
def test_bad_input_raises_a_readable_error(scales, change, message, make_scores):
    frame, design, info = change(make_scores(people=40), scales)
    with pytest.raises(ValueError, match=message):
        evaluate(frame, design, info, mixed=False)


def test_a_participant_at_two_sites_is_refused(scales, make_scores):
    scores = make_scores(people=40)
    scores.loc[scores.index[0], "site"] = "elsewhere"
    with pytest.raises(ValueError, match="more than one site"):
        evaluate(scores, "pre_post", scales, mixed=False)


def test_unknown_wave_in_order_is_refused(scales, make_scores):
    with pytest.raises(ValueError, match="not in the given order"):
        evaluate(make_scores(people=40), "pre_post", scales, waves=["T0", "T1"], mixed=False)


def test_analysis_never_imports_the_app_or_the_database():
    """DESIGN.md: analysis must not depend on evalsys, pyramid, sqlalchemy or surveys."""
    code = (
        "import sys, analysis; "
        "bad = [m for m in ('evalsys', 'pyramid', 'sqlalchemy', 'surveys') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_tiny_sites_get_missing_figures_not_errors(scales, make_scores):
    scores = make_scores(people=60, sites=30, dropout=0.0)
    result = evaluate(scores, "pre_post_comparison", scales, mixed=False)
    tiny = result.site_effects[result.site_effects["n"] == 1]
    assert len(tiny) and tiny["d_z"].isna().all()
    assert np.isfinite(result.pooled["estimate"]).all()
