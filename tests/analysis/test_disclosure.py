"""disclose(): nothing about fewer than min_cell participants, not even by subtraction."""

import json

import numpy as np
import pandas as pd
import pytest

from analysis import CATEGORIES, disclose, evaluate


@pytest.fixture
def result(scales, make_scores):
    scores = make_scores(people=400, sites=4, dropout=0.1)
    # one small site of 8 participants (4 per group)
    small = make_scores(people=8, sites=1, seed=5)
    small["participant"] = "S" + small["participant"]
    small["site"] = "small-site"
    scores = pd.concat([scores, small], ignore_index=True)
    return evaluate(scores, "pre_post_comparison", scales, mixed=False)


def published_counts(frame):
    values = frame[list(CATEGORIES) + ["n"]].to_numpy(dtype=float)
    return values[np.isfinite(values)]


def test_no_published_count_lies_between_one_and_min_cell(result):
    safe = disclose(result, min_cell=10)
    for table in (safe.site_effects, safe.pooled):
        counts = published_counts(table)
        assert not ((counts > 0) & (counts < 10)).any()
    attrition = safe.attrition[["n_baseline", "n_retained", "n_dropped"]].to_numpy(float)
    attrition = attrition[np.isfinite(attrition)]
    assert not ((attrition > 0) & (attrition < 10)).any()


def test_small_site_figures_are_blank_and_recorded(result):
    safe = disclose(result, min_cell=10)
    small = safe.site_effects[safe.site_effects["site"] == "small-site"]
    assert small[["n", "d_z", "mean_pre", "p"]].isna().all().all()
    assert (safe.suppressed["table"] == "site_effects").any()
    assert safe.suppressed["reason"].str.contains("fewer than 10").any()
    assert safe.min_cell == 10
    # the original is untouched
    assert result.site_effects.loc[result.site_effects["site"] == "small-site", "n"].notna().all()


def test_a_suppressed_site_cannot_be_recovered_from_the_pooled_total(result):
    """If one pooled site's n were the only blank among the sites a pooled row sums, pooled
    n minus the others would reveal it: a second one must be blank too (secondary)."""
    safe = disclose(result, min_cell=10)
    pooled = result.site_effects["pooling"] == "pooled"
    for _, part in safe.site_effects[pooled.to_numpy()].groupby(
        ["scale", "group", "wave_from", "wave_to"]
    ):
        assert part["n"].isna().sum() != 1
        for name in CATEGORIES:
            assert part[name].isna().sum() != 1 or len(part) == 1


def test_a_suppressed_count_cannot_be_recovered_within_its_row(result):
    safe = disclose(result, min_cell=10)
    published = safe.site_effects[safe.site_effects["n"].notna()]
    hidden = published[list(CATEGORIES)].isna().sum(axis=1)
    assert not (hidden == 1).any()


def test_comparison_rows_with_a_small_group_are_blank(result):
    safe = disclose(result, min_cell=10)
    small = safe.comparison[safe.comparison["site"] == "small-site"]
    assert len(small) and small["ancova_effect"].isna().all()
    overall = safe.comparison[safe.comparison["site"] == "all"]
    assert overall["ancova_effect"].notna().all()


def test_min_cell_never_below_five(result):
    with pytest.raises(ValueError, match="at least 5"):
        disclose(result, min_cell=3)
    with pytest.raises(ValueError, match="whole number"):
        disclose(result, min_cell=7.5)


def test_disclosed_result_is_json_serialisable(result):
    safe = disclose(result, min_cell=10)
    data = json.loads(json.dumps(safe.to_dict(), allow_nan=False))
    assert data["min_cell"] == 10
    assert data["tables"]["suppressed"]
