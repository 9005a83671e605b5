"""Builders of small synthetic score tables for the analysis tests."""

import numpy as np
import pandas as pd
import pytest

from analysis import ScaleInfo


def build_scores(
    *,
    people=240,
    sites=4,
    waves=("T0", "T1", "T2"),
    effect=0.5,
    comparison_effect=0.0,
    with_comparison=True,
    dropout=0.1,
    seed=11,
):
    """Long table: two scales (brs higher is better, lonely lower is better)."""
    rng = np.random.default_rng(seed)
    participant = np.array([f"P{i:05d}" for i in range(people)])
    site = np.array([f"site-{i % sites}" for i in range(people)])
    comparison = (
        (np.arange(people) // sites) % 2 == 1 if with_comparison else np.zeros(people, dtype=bool)
    )
    group = np.where(comparison, "comparison", "intervention")
    frames = []
    for scale, sign, mean, sd in (("brs", 1, 3.0, 0.7), ("lonely", -1, 3.0, 1.5)):
        person = rng.normal(0, 0.8, people)
        for w, wave in enumerate(waves):
            present = rng.random(people) > dropout * w
            change = np.where(comparison, comparison_effect, effect) * min(w, 1)
            score = mean + sd * (person + sign * change + rng.normal(0, 0.6, people))
            frames.append(
                pd.DataFrame(
                    {
                        "participant": participant[present],
                        "site": site[present],
                        "group": group[present],
                        "wave": wave,
                        "scale": scale,
                        "score": score[present],
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


SCALES = {
    "brs": ScaleInfo(
        "Brief Resilience Scale", True, 0.7, 0.8, cutoff=3.0, reference_source="Smith et al. 2008"
    ),
    "lonely": ScaleInfo("Loneliness", False, 1.5, 0.75, cutoff=2.0),
}


@pytest.fixture
def scales():
    return dict(SCALES)


@pytest.fixture
def make_scores():
    """The builder of synthetic long score tables (see build_scores)."""
    return build_scores
