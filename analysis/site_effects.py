"""Change within each group per site, and its pooling across sites: steps of evaluate()."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.effects import paired_moments, wilcoxon_signed_rank_p
from analysis.frames import GROUPS, CodedScores
from analysis.pooling import pooled_table
from analysis.reliable_change import CATEGORIES, classify_change, standard_error_of_difference
from analysis.results import ScaleInfo


def site_effects(
    coded: CodedScores,
    infos: Mapping[str, ScaleInfo],
    pairs: list[tuple[int, int]],
    confidence: float,
) -> pd.DataFrame:
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
                }
            )
            frames.append(table[n > 0])
    if not frames:
        raise ValueError("No participant has scores at both waves of any pair of waves.")
    table = pd.concat(frames, ignore_index=True)
    table["n"] = table["n"].astype(int)
    table["df"] = table["df"].astype(int)
    return table


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


def pooled_sites(
    site_effects: pd.DataFrame, method: str, confidence: float, notes: list[str]
) -> pd.DataFrame:
    rows = []
    usable = site_effects[(site_effects["n"] >= 2) & np.isfinite(site_effects["d_z"])]
    for (scale, group, wave_from, wave_to), part in usable.groupby(
        ["scale", "group", "wave_from", "wave_to"], sort=False
    ):
        n = part["n"].to_numpy(dtype=float)
        d = part["d_z"].to_numpy()
        # Hedges & Olkin (1985, p. 80): Var(d) of a one-sample standardised mean
        variance = 1 / n + d**2 / (2 * n)
        row = {
            "scale": scale,
            "group": group,
            "wave_from": wave_from,
            "wave_to": wave_to,
            "k": len(part),
            "n": int(n.sum()),
            "method": method,
        }
        if len(part) >= 2:
            table = pooled_table(
                d[None, :], variance[None, :], method=method, confidence=confidence
            )
            row.update({name: float(values[0]) for name, values in table.items()})
            row["converged"] = bool(table["converged"][0])
        else:
            only = part.iloc[0]
            row.update(
                estimate=only["d_z"],
                se=float(np.sqrt(variance[0])),
                ci_low=only["d_z_low"],
                ci_high=only["d_z_high"],
                p=only["p"],
                converged=True,
            )
            notes.append(
                f"Scale {scale}, {group} group, {wave_from}-{wave_to}: only one site has "
                "data, so the 'pooled' row is that site's effect."
            )
        for name in CATEGORIES:
            row[name] = int(part[name].sum())
        rows.append(row)
    columns = [
        "scale", "group", "wave_from", "wave_to", "k", "n", "estimate", "se", "ci_low",
        "ci_high", "z", "p", "tau2", "i2", "h2", "q", "q_p", "pi_low", "pi_high",
        "converged", "method", *CATEGORIES,
    ]  # fmt: skip
    return pd.DataFrame(rows).reindex(columns=columns)
