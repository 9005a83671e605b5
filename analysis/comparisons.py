"""Intervention against comparison group per site and across sites: a step of evaluate()."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from analysis.frames import CodedScores
from analysis.groups import comparison_table
from analysis.multiplicity import adjust_p
from analysis.notes import Note


def empty_comparison() -> pd.DataFrame:
    """The comparison table of a design without a comparison (no rows)."""
    return pd.DataFrame(
        columns=[
            "scale", "wave_from", "wave_to", "site", *COMPARISON_COLUMNS, "site_adjusted",
            "p_adjusted", "did_p_adjusted",
        ]
    )  # fmt: skip


COMPARISON_COLUMNS = (
    "n_intervention",
    "n_comparison",
    "ancova_effect",
    "ancova_se",
    "ancova_low",
    "ancova_high",
    "ancova_p",
    "ancova_d",
    "did",
    "did_se",
    "did_low",
    "did_high",
    "did_p",
    "did_d",
    "sd_pre_pooled",
    "baseline_diff",
    "baseline_d",
    "df_ancova",
    "df_did",
)


def comparison_step(
    coded: CodedScores,
    pairs: list[tuple[int, int]],
    confidence: float,
    p_adjust: str,
    notes: list[str],
) -> pd.DataFrame:
    """ANCOVA and DiD per site and across sites (``site == "all"``), p adjusted on "all" rows.

    ``p_adjusted`` (ANCOVA) and ``did_p_adjusted`` are each adjusted over the "all" rows of
    every scale x wave pair, as the claim reads them; per-site rows keep NaN there.
    """
    table = comparison_rows(coded, pairs, confidence)
    overall = (table["site"] == "all").to_numpy()
    for column, source in (("p_adjusted", "ancova_p"), ("did_p_adjusted", "did_p")):
        table[column] = np.nan
        table.loc[overall, column] = adjust_p(table.loc[overall, source].to_numpy(), p_adjust)
    both = (table["n_intervention"] >= 2) & (table["n_comparison"] >= 2)
    flat = table[both & table["sd_pre_pooled"].isna()]
    for (scale, wave_from, wave_to), part in flat.groupby(
        ["scale", "wave_from", "wave_to"], sort=False
    ):
        where = ", ".join(str(site) for site in part["site"])
        notes.append(
            Note(
                "flat_baseline",
                f"Scale {scale}, {wave_from}-{wave_to} ({where}): every participant has the "
                "same baseline score within each group, so the ANCOVA and the standardised "
                "effects are left empty (NaN) instead of infinite.",
                scale=scale,
                wave_from=wave_from,
                wave_to=wave_to,
                sites=[str(site) for site in part["site"]],
            )
        )
    return table


def comparison_rows(
    coded: CodedScores, pairs: list[tuple[int, int]], confidence: float
) -> pd.DataFrame:
    """The comparison table before p-values are adjusted (see :func:`comparison_step`)."""
    frames = []
    n_sites = len(coded.sites)
    for s, scale in enumerate(coded.scales):
        for a, b in pairs:
            pre_all, post_all = coded.wide[s, :, a], coded.wide[s, :, b]
            complete = np.isfinite(pre_all) & np.isfinite(post_all)
            pre, post = pre_all[complete], post_all[complete]
            treated = coded.group_of[complete] == 0
            site = coded.site_of[complete]
            if pre.size == 0:
                continue
            in_site = np.bincount(site, minlength=n_sites)
            treated_in_site = np.bincount(site, weights=treated, minlength=n_sites)
            used = in_site > 0
            # Site fixed effects only when every site has both groups: when groups sit at
            # different sites, site and group are confounded and cannot be separated.
            mixed_sites = bool(
                np.all((treated_in_site[used] > 0) & (treated_in_site[used] < in_site[used]))
            )
            adjust = mixed_sites and used.sum() > 1
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                per_site = comparison_table(
                    pre, post, treated, site, n_sites, confidence=confidence
                )
                overall = comparison_table(
                    pre,
                    post,
                    treated,
                    np.zeros(pre.size, dtype=np.intp),
                    1,
                    absorb=site if adjust else None,
                    confidence=confidence,
                )
            overall["site_adjusted"] = np.array([adjust])
            per_site["site_adjusted"] = np.zeros(n_sites, dtype=bool)
            for table, sites in (
                (overall, np.array(["all"], dtype=object)),
                (per_site, coded.sites.to_numpy()),
            ):
                frame = pd.DataFrame({name: table[name] for name in COMPARISON_COLUMNS})
                frame["site_adjusted"] = table["site_adjusted"]
                frame.insert(0, "site", sites)
                frame.insert(0, "wave_to", coded.waves[b])
                frame.insert(0, "wave_from", coded.waves[a])
                frame.insert(0, "scale", scale)
                both = (frame["n_intervention"] > 0) & (frame["n_comparison"] > 0)
                frames.append(frame if sites[0] == "all" else frame[both])
    table = pd.concat(frames, ignore_index=True)
    numeric = list(COMPARISON_COLUMNS)
    table[numeric] = table[numeric].astype(float).replace([np.inf, -np.inf], np.nan)
    small = (table["n_intervention"] < 2) | (table["n_comparison"] < 2)
    table.loc[small, numeric[2:]] = np.nan
    for column in ("n_intervention", "n_comparison"):
        table[column] = table[column].astype(int)
    table["site_adjusted"] = table["site_adjusted"].astype(bool)
    return table
