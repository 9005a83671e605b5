"""Simulated programmes that check the claim rule: its false-claim rate and its power."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.claims import comparison_verdicts
from analysis.groups import comparison_table


@dataclass(frozen=True)
class SimulatedProgrammes:
    """Many programmes of one scale and two waves, one row per participant.

    ``programme`` and ``site`` are integer codes (sites numbered within each programme),
    ``treated`` marks the intervention group; ``imbalance`` (true baseline difference in
    SDs of the observed baseline) and ``reliability`` are per programme.
    """

    pre: np.ndarray
    post: np.ndarray
    treated: np.ndarray
    site: np.ndarray
    programme: np.ndarray
    imbalance: np.ndarray
    reliability: np.ndarray
    sites: int

    @property
    def n_programmes(self) -> int:
        return int(self.imbalance.size)

    def scores(self, index: int) -> pd.DataFrame:
        """Programme ``index`` as the long score table :func:`analysis.evaluate` takes."""
        mine = self.programme == index
        n = int(mine.sum())
        people = np.arange(n)
        return pd.DataFrame(
            {
                "participant": np.tile(people, 2),
                "site": np.tile(self.site[mine], 2),
                "group": np.tile(np.where(self.treated[mine], "intervention", "comparison"), 2),
                "wave": np.repeat(["T0", "T1"], n),
                "scale": "scale",
                "score": np.r_[self.pre[mine], self.post[mine]],
            }
        )


def simulate_programmes(
    rng: np.random.Generator,
    n_programmes: int,
    *,
    sites: int = 5,
    per_group: int = 30,
    imbalance: tuple[float, float] = (0.0, 0.0),
    reliability: tuple[float, float] = (0.6, 0.9),
    effect: float = 0.0,
    trend: float = 0.2,
    change_sd: float = 0.3,
    site_sd: float = 0.3,
) -> SimulatedProgrammes:
    """Programmes whose groups differ in true score at baseline and then change alike.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random source (seed it for a reproducible run).
    n_programmes : int
        How many programmes.
    sites, per_group : int
        Sites per programme, and participants per group at each site.
    imbalance, reliability : (low, high)
        Each programme draws its baseline imbalance (true-score difference of the
        intervention group, in SDs of the observed baseline) and the scale's reliability
        uniformly from these ranges.
    effect : float
        True effect of the intervention at the second wave, in the same SD units.
    trend, change_sd, site_sd : float
        Change of everyone (parallel trends), SD of individual true change, SD of the
        sites' levels.

    Notes
    -----
    Classical test theory: observed = true + error with Var(true) = reliability and
    Var(error) = 1 - reliability, so the observed baseline has SD 1 within a group
    (Lord & Novick 1968). Both groups follow the same trend: difference-in-differences
    is unbiased, ANCOVA is biased by (1 - within-group reliability) x imbalance
    (Lord's paradox).
    """
    size = sites * 2 * per_group
    programme = np.repeat(np.arange(n_programmes), size)
    site = np.tile(np.repeat(np.arange(sites), 2 * per_group), n_programmes)
    treated = np.tile(np.arange(2 * per_group) < per_group, sites * n_programmes)
    gap = rng.uniform(*imbalance, n_programmes)
    rel = rng.uniform(*reliability, n_programmes)
    level = rng.normal(0, site_sd, n_programmes * sites)[programme * sites + site]
    r = rel[programme]
    true = level + gap[programme] * treated + rng.normal(0, 1, programme.size) * np.sqrt(r)
    noise = np.sqrt(1 - r)
    pre = true + rng.normal(0, 1, programme.size) * noise
    change = trend + effect * treated + rng.normal(0, change_sd, programme.size)
    post = true + change + rng.normal(0, 1, programme.size) * noise
    return SimulatedProgrammes(pre, post, treated, site, programme, gap, rel, sites)


def claim_verdicts(programmes: SimulatedProgrammes, design: str, alpha: float = 0.05) -> np.ndarray:
    """Per programme, the verdict of :func:`analysis.claims.comparison_verdicts`.

    The comparison is the across-site row of :func:`analysis.evaluate` (site fixed
    effects), for all programmes at once; with one scale and one wave pair its adjusted
    p-values are the raw ones, so ``"supports"`` is exactly where ``evaluate`` claims a
    good indication or stronger.
    """
    table = comparison_table(
        programmes.pre,
        programmes.post,
        programmes.treated,
        programmes.programme,
        programmes.n_programmes,
        absorb=programmes.site,
    )
    return comparison_verdicts(
        design,
        np.ones(programmes.n_programmes),
        table["ancova_effect"],
        table["ancova_p"],
        table["did"],
        table["did_p"],
        table["baseline_d"],
        alpha,
    )


def claim_rate(programmes: SimulatedProgrammes, design: str, alpha: float = 0.05) -> float:
    """Share of programmes with a good indication or stronger (see :func:`claim_verdicts`)."""
    return float(np.mean(claim_verdicts(programmes, design, alpha) == "supports"))
