"""Change within each group per site: a step of evaluate() (pooling: analysis.site_pooling)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.effects import paired_moments, wilcoxon_signed_rank_p
from analysis.frames import GROUPS, CodedScores
from analysis.notes import Note
from analysis.reliable_change import CATEGORIES, classify_change, standard_error_of_difference
from analysis.results import ScaleInfo


def site_effects(
    coded: CodedScores,
    infos: Mapping[str, ScaleInfo],
    pairs: list[tuple[int, int]],
    confidence: float,
    notes: list[str],
) -> pd.DataFrame:
    """Paired effect and reliable-change counts per scale x site x group x wave pair.

    ``constant_change`` marks rows where every participant changed by the same amount:
    the SD of the differences is 0, so d_z, t and p are undefined (NaN) and the row
    cannot be pooled, while reliable change still classifies everyone. Each such row
    gets a sentence in ``notes``, as does an SD of the differences that came out of the
    sums as rounding noise and was treated as 0.
    """
    n_sites = len(coded.sites)
    n_keys = n_sites * 2
    key_all = coded.site_of * 2 + coded.group_of
    frames = []
    for s, scale in enumerate(coded.scales):
        info = infos[scale]
        se_diff = standard_error_of_difference(info.reference_sd, info.reliability)
        for a, b in pairs:
            pre_all, post_all = coded.wide[s, :, a], coded.wide[s, :, b]
            complete = np.isfinite(pre_all) & np.isfinite(post_all)
            pre, post, key = pre_all[complete], post_all[complete], key_all[complete]
            if pre.size == 0:
                continue
            # centre first: sums of squares of raw scores lose precision
            x = pre - pre.mean()
            y = post - pre.mean()
            n = np.bincount(key, minlength=n_keys).astype(float)
            sx, sy, sxx, syy, sxy = (
                np.bincount(key, weights=w, minlength=n_keys) for w in (x, y, x * x, y * y, x * y)
            )
            with np.errstate(invalid="ignore", divide="ignore"):
                mx, my = sx / n, sy / n
                var_x = (sxx - n * mx**2) / (n - 1)
                var_y = (syy - n * my**2) / (n - 1)
                cov = (sxy - n * mx * my) / (n - 1)
            var_x, var_y = np.maximum(var_x, 0.0), np.maximum(var_y, 0.0)
            m = paired_moments(n, mx + pre.mean(), my + pre.mean(), var_x, var_y, cov, confidence)
            with np.errstate(invalid="ignore"):
                constant = (n >= 2) & (m["sd_diff"] == 0)
            # what the sums gave before paired_moments called it rounding noise
            raw_sd_diff = np.sqrt(np.abs(var_x + var_y - 2 * cov))
            _, code = classify_change(
                pre,
                post,
                se_diff,
                higher_is_better=info.higher_is_better,
                cutoff=info.cutoff,
                z=1.96,
            )
            counts = np.bincount(
                key * len(CATEGORIES) + code, minlength=n_keys * len(CATEGORIES)
            ).reshape(n_keys, len(CATEGORIES))
            wilcoxon = _wilcoxon_by_key(post - pre, key, n_keys)
            sign = 1.0 if info.higher_is_better else -1.0
            table = pd.DataFrame(
                {
                    "scale": scale,
                    "site": np.repeat(coded.sites.to_numpy(), 2),
                    "group": np.tile(GROUPS, n_sites),
                    "wave_from": coded.waves[a],
                    "wave_to": coded.waves[b],
                    **{name: m[name] for name in PAIRED_COLUMNS},
                    "wilcoxon_p": wilcoxon,
                    **{name: counts[:, i] for i, name in enumerate(CATEGORIES)},
                    "improvement": sign * m["d_z"],
                    "constant_change": constant,
                }
            )
            if constant.any():
                spread = _spread_by_key(post - pre, key, n_keys)
                _note_constant(table[constant], raw_sd_diff[constant], spread[constant], notes)
            frames.append(table[n > 0])
    if not frames:
        raise ValueError("No participant has scores at both waves of any pair of waves.")
    table = pd.concat(frames, ignore_index=True)
    table["n"] = table["n"].astype(int)
    table["df"] = table["df"].astype(int)
    return table


def _spread_by_key(differences: np.ndarray, key: np.ndarray, n_keys: int) -> np.ndarray:
    high = np.full(n_keys, -np.inf)
    low = np.full(n_keys, np.inf)
    np.maximum.at(high, key, differences)
    np.minimum.at(low, key, differences)
    return high - low


def _note_constant(
    rows: pd.DataFrame, raw_sd_diff: np.ndarray, spread: np.ndarray, notes: list[str]
) -> None:
    # No figure of the row goes into the note (not n, the change or the counts): notes are
    # published as they are, and the row may be one that disclose() blanks.
    for row, raw, width in zip(rows.itertuples(index=False), raw_sd_diff, spread, strict=True):
        what = (
            "every participant changed by the same amount"
            if width == 0
            else f"the participants' changes differ by at most {width:.1e}"
        )
        sentence = (
            f"Scale {row.scale}, {row.wave_from}-{row.wave_to}, site {row.site} ({row.group} "
            f"group): {what}. The SD of the differences is taken as 0, so d_z, t and p are "
            "undefined and this site is left out of the pooled d_z; its reliable-change "
            "counts stay in its row (constant_change)."
        )
        if raw > 0:
            sentence += (
                f" (From the sums the SD of the differences came out as {raw:.1e}: below the "
                "rounding noise of the sums, so it was treated as 0.)"
            )
        notes.append(
            Note(
                "constant_change",
                sentence,
                scale=row.scale,
                wave_from=row.wave_from,
                wave_to=row.wave_to,
                site=row.site,
                group=row.group,
            )
        )


PAIRED_COLUMNS = (
    "n",
    "mean_pre",
    "mean_post",
    "sd_pre",
    "sd_post",
    "mean_diff",
    "sd_diff",
    "r",
    "d_z",
    "d_z_low",
    "d_z_high",
    "g_z",
    "d_av",
    "g_av",
    "t",
    "df",
    "p",
)


def _wilcoxon_by_key(differences: np.ndarray, key: np.ndarray, n_keys: int) -> np.ndarray:
    order = np.argsort(key, kind="stable")
    bounds = np.searchsorted(key[order], np.arange(n_keys + 1))
    sorted_diff = differences[order]
    result = np.full(n_keys, np.nan)
    for k in range(n_keys):  # one test per site x group
        chunk = sorted_diff[bounds[k] : bounds[k + 1]]
        if chunk.size:
            result[k] = wilcoxon_signed_rank_p(chunk)
    return result
