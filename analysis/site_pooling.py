"""Pooling the sites' d_z in evaluate(): which sites enter, with what variance, and the table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.notes import Note
from analysis.pooling import pooled_table
from analysis.reliable_change import CATEGORIES

#: A site needs this many complete pairs to enter the pooled d_z.
MIN_PAIRS = 4

#: Values of the ``pooling`` column of the site table: why a site is (not) in the pooled row.
POOLED = "pooled"
TOO_FEW_PAIRS = "fewer_than_4_pairs"
NO_D_Z = "no_d_z"

POOLED_COLUMNS = (
    "scale", "group", "wave_from", "wave_to", "k", "k_small", "n", "estimate", "se",
    "se_wald", "df", "ci_low", "ci_high", "t", "p", "tau2", "i2", "h2", "q", "q_p",
    "pi_low", "pi_high", "pi_df", "converged", "method", "ci_method", *CATEGORIES,
)  # fmt: skip


def d_z_variance(n: np.ndarray, d_z: np.ndarray) -> np.ndarray:
    """Large-sample sampling variance of d_z: ``1/n + d_z^2 / (2n)``.

    Hedges & Olkin (1985, p. 80) for a one-sample standardised mean. The exact variance,
    from the noncentral t of ``d_z sqrt(n)`` on ``n - 1`` df, is
    ``(n - 1) / ((n - 3) n) + d^2 ((n - 1) / (n - 3) - 1 / J(n - 1)^2)``: infinite below 4
    pairs, and three times the large-sample value at 4 pairs and d = 0.
    """
    n = np.asarray(n, dtype=float)
    return 1 / n + np.asarray(d_z, dtype=float) ** 2 / (2 * n)


def pooling_status(site_effects: pd.DataFrame) -> np.ndarray:
    """Per site row: ``"pooled"``, ``"fewer_than_4_pairs"`` or ``"no_d_z"`` (d_z undefined)."""
    n = site_effects["n"].to_numpy(dtype=float)
    d_z = site_effects["d_z"].to_numpy(dtype=float)
    defined = (n >= 2) & np.isfinite(d_z)
    return np.where(~defined, NO_D_Z, np.where(n < MIN_PAIRS, TOO_FEW_PAIRS, POOLED))


def pooled_sites(
    site_effects: pd.DataFrame,
    method: str,
    confidence: float,
    notes: list[str],
    *,
    ci_method: str = "hksj",
) -> pd.DataFrame:
    """Random-effects pooling of the sites' d_z per scale x group x wave pair.

    Parameters
    ----------
    site_effects : pandas.DataFrame
        The site table of :func:`analysis.evaluate` (``scale, site, group, wave_from,
        wave_to, n, d_z, d_z_low, d_z_high, p`` and the reliable-change counts). A column
        ``pooling`` is added to it in place: ``"pooled"``, ``"fewer_than_4_pairs"`` or
        ``"no_d_z"`` (fewer than 2 pairs, or no variation in the differences).
    method : {"REML", "DL"}
        Estimator of tau^2.
    confidence : float
        Level of the intervals.
    notes : list of str
        Sentences for the result's notes are appended here.
    ci_method : {"hksj", "hksj_adhoc", "wald"}, default "hksj"
        Interval of the pooled estimate (see :func:`analysis.pool_effects`).

    Returns
    -------
    pandas.DataFrame
        One row per scale x group x wave pair with at least one pooled site: ``k`` sites
        pooled, ``k_small`` sites left out for fewer than 4 complete pairs, ``n`` pairs in
        the pooled sites, the estimate with its HKSJ ``se``, ``se_wald``, ``df``, interval,
        ``t`` and ``p``; tau^2, I^2, H^2, Q; the prediction interval with ``pi_df``;
        ``method``, ``ci_method`` and the reliable-change counts of the pooled sites.

    Notes
    -----
    Each site's d_z enters with the large-sample variance of :func:`d_z_variance`. Below
    4 complete pairs that variance does not hold: the exact variance of d_z is infinite
    there (the noncentral t has no finite variance on 2 or fewer df), so such a site would
    have weight zero and is left out, counted in ``k_small`` and named ``"fewer_than_4_pairs"``
    in the site table. With one pooled site the row is that site's d_z with its exact
    noncentral-t interval (``ci_method = "single_site"``).

    References
    ----------
    Hedges, L. V., & Olkin, I. (1985). *Statistical methods for meta-analysis*. Academic Press.
    Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size and
    related estimators. *Journal of Educational Statistics*, 6, 107-128.
    """
    status = pooling_status(site_effects)
    site_effects["pooling"] = status
    keys = ["scale", "group", "wave_from", "wave_to"]
    rows = []
    for key, part in site_effects[status != NO_D_Z].groupby(keys, sort=False):
        scale, group, wave_from, wave_to = key
        where = f"Scale {scale}, {group} group, {wave_from}-{wave_to}"
        used = part[part["pooling"] == POOLED]
        k_small = len(part) - len(used)
        if k_small:
            notes.append(
                Note(
                    "small_sites",
                    f"{where}: {k_small} site(s) with fewer than {MIN_PAIRS} complete pairs "
                    "left out of the pooled d_z (the large-sample variance of d_z does not "
                    f"hold there; its exact variance is infinite below {MIN_PAIRS} pairs).",
                    count=k_small,
                    min_pairs=MIN_PAIRS,
                    **dict(zip(keys, key, strict=True)),
                )
            )
        if used.empty:
            continue
        n = used["n"].to_numpy(dtype=float)
        d = used["d_z"].to_numpy(dtype=float)
        variance = d_z_variance(n, d)
        row: dict[str, object] = dict(zip(keys, key, strict=True))
        row.update(k=len(used), k_small=k_small, n=int(n.sum()), method=method)
        if len(used) >= 2:
            table = pooled_table(
                d[None, :],
                variance[None, :],
                method=method,
                confidence=confidence,
                ci_method=ci_method,
            )
            row.update({name: values[0].item() for name, values in table.items()})
            row["ci_method"] = ci_method
        else:
            only = used.iloc[0]
            row.update(
                estimate=only["d_z"],
                se=float(np.sqrt(variance[0])),
                ci_low=only["d_z_low"],
                ci_high=only["d_z_high"],
                t=only.get("t", np.nan),
                df=only.get("df", np.nan),
                p=only["p"],
                converged=True,
                ci_method="single_site",
            )
            notes.append(
                Note(
                    "single_site",
                    f"{where}: only one site is pooled, so the 'pooled' row is its effect.",
                    **dict(zip(keys, key, strict=True)),
                )
            )
        for name in CATEGORIES:
            row[name] = int(used[name].sum())
        rows.append(row)
    return pd.DataFrame(rows).reindex(columns=list(POOLED_COLUMNS))
