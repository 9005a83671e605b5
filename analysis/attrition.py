"""Attrition: who dropped out between waves, per site, and whether dropouts differed at baseline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis._checks import check_confidence
from analysis.effects import independent_moments
from analysis.frames import GROUPS, CodedScores, code_scores


@dataclass(frozen=True)
class Attrition:
    """Attrition tables (see :func:`attrition`)."""

    per_site: pd.DataFrame
    baseline_difference: pd.DataFrame


def attrition(
    scores: pd.DataFrame, *, waves: Sequence[str] | None = None, confidence: float = 0.95
) -> Attrition:
    """Who dropped out between waves, per site, and whether dropouts differed at baseline.

    Parameters
    ----------
    scores : pandas.DataFrame
        Long table with columns ``participant, site, group, wave, scale, score``.
    waves : sequence of str, optional
        Order of the waves; the first is the baseline. Default: sorted.
    confidence : float, default 0.95
        Level of the interval of the baseline difference.

    Returns
    -------
    Attrition
        ``per_site``: one row per site x group x later wave with ``n_baseline``
        (participants with a baseline score), ``n_retained`` (of those, with a score at
        that wave), ``n_dropped`` and ``retention`` (a proportion).
        ``baseline_difference``: one row per scale x group comparing, at baseline, the
        participants who dropped out before the last wave with those who stayed:
        ``n_completers, n_dropouts``, both means and SDs, Cohen's ``d`` (dropouts -
        completers, pooled SD), its interval, and Student's ``p``.

    Notes
    -----
    A participant counts as present at a wave when any of their scale scores is there.
    A baseline difference signals selective attrition: completers' change may then not
    represent everyone who started (Shadish, Cook & Campbell 2002, ch. 10). ``d`` and its
    noncentral t interval are those of :func:`analysis.independent_effect`.

    References
    ----------
    Shadish, W. R., Cook, T. D., & Campbell, D. T. (2002). *Experimental and
    quasi-experimental designs for generalized causal inference*. Houghton Mifflin.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"participant": [1, 1, 2, 3, 3], "site": "A",
    ...     "group": "intervention", "wave": ["T0", "T1", "T0", "T0", "T1"],
    ...     "scale": "brs", "score": [3.0, 3.5, 2.0, 4.0, 4.1]})
    >>> attrition(frame).per_site[["n_baseline", "n_retained", "n_dropped"]].values.tolist()
    [[3, 2, 1]]
    """
    check_confidence(confidence)
    return attrition_tables(code_scores(scores, waves), confidence=confidence)


def attrition_tables(coded: CodedScores, *, confidence: float = 0.95) -> Attrition:
    """The attrition tables from already coded scores (vectorised over sites and scales)."""
    present = np.isfinite(coded.wide).any(axis=0)  # participant x wave
    at_baseline = present[:, 0]
    n_sites, n_waves = len(coded.sites), len(coded.waves)
    key = coded.site_of * 2 + coded.group_of
    rows = []
    base = np.bincount(key, weights=at_baseline, minlength=n_sites * 2)
    for w in range(1, n_waves):
        retained = np.bincount(key, weights=at_baseline & present[:, w], minlength=n_sites * 2)
        rows.append(
            pd.DataFrame(
                {
                    "site": np.repeat(coded.sites.to_numpy(), 2),
                    "group": np.tile(GROUPS, n_sites),
                    "wave": coded.waves[w],
                    "n_baseline": base.astype(int),
                    "n_retained": retained.astype(int),
                    "n_dropped": (base - retained).astype(int),
                    "retention": np.where(base > 0, retained / np.maximum(base, 1), np.nan),
                }
            )
        )
    per_site = pd.concat(rows, ignore_index=True)
    per_site = per_site[per_site["n_baseline"] > 0].reset_index(drop=True)

    completer = present[:, -1]
    frames = []
    for s, scale in enumerate(coded.scales):
        baseline = coded.wide[s, :, 0]
        has = np.isfinite(baseline)
        x = np.where(has, baseline, 0.0)
        # groups: 2 * group + (0 completer, 1 dropout)
        k = coded.group_of.astype(np.intp) * 2 + (~completer).astype(np.intp)
        n = np.bincount(k, weights=has, minlength=4)
        sx = np.bincount(k, weights=x, minlength=4)
        sxx = np.bincount(k, weights=x * x, minlength=4)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = sx / n
            var = (sxx - n * mean**2) / (n - 1)
        var = np.where(var < 0, 0.0, var)
        comp, drop = np.array([0, 2]), np.array([1, 3])
        m = independent_moments(
            n[drop], n[comp], mean[drop], mean[comp], var[drop], var[comp], confidence
        )
        frames.append(
            pd.DataFrame(
                {
                    "scale": scale,
                    "group": list(GROUPS),
                    "n_completers": n[comp].astype(int),
                    "n_dropouts": n[drop].astype(int),
                    "mean_completers": mean[comp],
                    "mean_dropouts": mean[drop],
                    "sd_completers": np.sqrt(var[comp]),
                    "sd_dropouts": np.sqrt(var[drop]),
                    "d": m["d"],
                    "d_low": m["d_low"],
                    "d_high": m["d_high"],
                    "p": m["p"],
                }
            )
        )
    baseline_difference = pd.concat(frames, ignore_index=True)
    baseline_difference = baseline_difference[
        baseline_difference["n_completers"] + baseline_difference["n_dropouts"] > 0
    ].reset_index(drop=True)
    return Attrition(per_site=per_site, baseline_difference=baseline_difference)
