"""The claim an evaluation supports, on the evidence levels of the Erkenningscommissie."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.frames import CodedScores
from analysis.results import EVIDENCE_LEVELS, Claim, ScaleInfo


def make_claim(
    design: str,
    coded: CodedScores,
    infos: Mapping[str, ScaleInfo],
    pooled: pd.DataFrame,
    comparison: pd.DataFrame,
    alpha: float,
    has_comparison: bool,
) -> Claim:
    def good_direction(scale: str, value: float) -> bool:
        return bool(value > 0) if infos[scale].higher_is_better else bool(value < 0)

    improved = [
        f"{row.scale} ({row.wave_from}-{row.wave_to})"
        for row in pooled.itertuples()
        if row.group == "intervention"
        and np.isfinite(row.p_adjusted)
        and row.p_adjusted < alpha
        and good_direction(row.scale, row.estimate)
    ]
    if design == "pre_post" or not has_comparison:
        if improved:
            return Claim.for_level(
                "first_indication",
                design,
                "The intervention group improved (pooled d_z, adjusted p < "
                f"{alpha}) on: {', '.join(improved)}.",
            )
        return Claim.for_level(
            "no_indication",
            design,
            "No pooled change of the intervention group was "
            f"in the good direction with adjusted p < {alpha}.",
        )
    overall = comparison[comparison["site"] == "all"]
    beats = overall[
        np.isfinite(overall["p_adjusted"].astype(float))
        & (overall["p_adjusted"].astype(float) < alpha)
        & np.array(
            [
                good_direction(s, e)
                for s, e in zip(overall["scale"], overall["ancova_effect"], strict=True)
            ],
            dtype=bool,
        )
    ]
    if beats.empty:
        return Claim.for_level(
            "no_indication",
            design,
            "The intervention group did not improve more than "
            f"the comparison group (site-adjusted ANCOVA, adjusted p < {alpha}) on any scale.",
        )
    described = ", ".join(f"{r.scale} ({r.wave_from}-{r.wave_to})" for r in beats.itertuples())
    level = "good_indication"
    basis = f"The intervention group improved more than the comparison group on: {described}."
    if design == "randomised":
        last = coded.waves[-1]
        if len(coded.waves) >= 3 and (beats["wave_to"] == last).any():
            level = "strong_indication"
            basis += f" The difference lasted until the follow-up wave {last}."
        else:
            basis += " Strong indications also need a lasting effect at a follow-up wave."
    assert level in EVIDENCE_LEVELS
    return Claim.for_level(level, design, basis)
