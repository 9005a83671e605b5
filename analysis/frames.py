"""Turning the long score table into coded arrays: participants x waves per scale."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

COLUMNS = ("participant", "site", "group", "wave", "scale", "score")
GROUPS = ("intervention", "comparison")


@dataclass(frozen=True)
class CodedScores:
    """The long table recoded: ``wide[scale, participant, wave]`` holds each score (NaN if none)."""

    wide: np.ndarray
    participants: pd.Index
    sites: pd.Index
    scales: pd.Index
    waves: tuple[str, ...]
    site_of: np.ndarray
    group_of: np.ndarray  # 0 intervention, 1 comparison
    dropped_non_numeric: int = 0  # scores given but not numbers, kept as missing
    dropped_infinite: int = 0  # scores of +-inf, kept as missing


def _codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.intp), pd.Index(uniques)


def code_scores(scores: pd.DataFrame, waves: Sequence[str] | None = None) -> CodedScores:
    """Check the long table and recode it; raise ValueError with a readable sentence."""
    if not isinstance(scores, pd.DataFrame):
        raise ValueError("Give the scores as a table (DataFrame) with one row per score.")
    missing = [c for c in COLUMNS if c not in scores.columns]
    if missing:
        raise ValueError(
            f"The score table lacks the column(s) {', '.join(missing)}; it needs "
            f"{', '.join(COLUMNS)}."
        )
    score = pd.to_numeric(scores["score"], errors="coerce").to_numpy(dtype=float, copy=True)
    non_numeric = int((np.isnan(score) & scores["score"].notna().to_numpy()).sum())
    infinite = np.isinf(score)
    score[infinite] = np.nan
    if scores[["participant", "site", "group", "wave", "scale"]].isna().any().any():
        raise ValueError(
            "Every row needs a participant, site, group, wave and scale; some are empty."
        )
    # factorise first and convert only the distinct labels to text: fast for millions of rows
    wave_raw, wave_uniques = pd.factorize(scores["wave"])
    wave_text = [str(w) for w in wave_uniques]
    if waves is None:
        order = tuple(sorted(wave_text))
    else:
        order = tuple(str(w) for w in waves)
        unknown = sorted(set(wave_text) - set(order))
        if unknown:
            raise ValueError(
                f"The wave(s) {', '.join(unknown)} are not in the given order {list(order)}."
            )
        if len(set(order)) != len(order):
            raise ValueError("The wave order names a wave twice.")
    if len(order) < 2:
        raise ValueError("An evaluation needs scores from at least 2 waves.")
    position = {label: i for i, label in enumerate(order)}
    wave_code = np.array([position[w] for w in wave_text], dtype=np.intp)[wave_raw]
    group_raw, group_uniques = pd.factorize(scores["group"])
    group_text = [str(g) for g in group_uniques]
    bad_groups = sorted(set(group_text) - set(GROUPS))
    if bad_groups:
        raise ValueError(
            f"Groups must be 'intervention' or 'comparison'; found {', '.join(bad_groups)}."
        )
    group_code = np.array([g == "comparison" for g in group_text], dtype=np.int8)[group_raw]
    participant_code, participants = _codes(scores["participant"])
    site_code, sites = _codes(scores["site"])
    scale_raw, scale_uniques = pd.factorize(scores["scale"])
    scale_text = np.array([str(x) for x in scale_uniques], dtype=object)
    order_of_scales = np.argsort(scale_text, kind="stable")
    rank = np.empty_like(order_of_scales)
    rank[order_of_scales] = np.arange(order_of_scales.size)
    scale_code = rank[scale_raw].astype(np.intp)
    scales = pd.Index(scale_text[order_of_scales])
    n_p, n_w, n_s = len(participants), len(order), len(scales)
    site_of = np.full(n_p, -1, dtype=np.intp)
    site_of[participant_code] = site_code
    if np.any(site_of[participant_code] != site_code):
        raise ValueError("A participant appears at more than one site; each belongs to one site.")
    group_of = np.zeros(n_p, dtype=np.int8)
    group_of[participant_code] = group_code
    if np.any(group_of[participant_code] != group_code):
        raise ValueError("A participant appears in both groups; each belongs to one group.")
    key = (scale_code.astype(np.int64) * n_p + participant_code) * n_w + wave_code
    counts = np.bincount(key, minlength=n_s * n_p * n_w)
    if counts.max(initial=0) > 1:
        raise ValueError(
            "A participant has more than one score for the same scale and wave; "
            "keep only the latest (corrections supersede earlier answers)."
        )
    wide = np.full(n_s * n_p * n_w, np.nan)
    wide[key] = score
    return CodedScores(
        wide=wide.reshape(n_s, n_p, n_w),
        participants=participants,
        sites=sites,
        scales=scales,
        waves=order,
        site_of=site_of,
        group_of=group_of,
        dropped_non_numeric=non_numeric,
        dropped_infinite=int(infinite.sum()),
    )
