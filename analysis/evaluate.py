"""One call that evaluates an intervention from its long score table: evaluate()."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis._checks import check_confidence
from analysis.attrition import attrition_tables
from analysis.effects import paired_moments, wilcoxon_signed_rank_p
from analysis.frames import GROUPS, CodedScores, code_scores
from analysis.groups import comparison_table
from analysis.mixed import fit_coded
from analysis.multiplicity import METHODS as ADJUST_METHODS
from analysis.multiplicity import adjust_p
from analysis.pooling import METHODS as POOL_METHODS
from analysis.pooling import pooled_table
from analysis.reliable_change import (
    CATEGORIES,
    check_reliability,
    classify_change,
    standard_error_of_difference,
)
from analysis.results import DESIGN_CEILING, EVIDENCE_LEVELS, Claim, EvaluationResult, ScaleInfo

WAVE_PAIRS = ("baseline", "consecutive", "all")


def evaluate(
    scores: pd.DataFrame,
    design: str,
    scales: Mapping[str, ScaleInfo],
    *,
    waves: Sequence[str] | None = None,
    wave_pairs: str = "baseline",
    confidence: float = 0.95,
    pooling: str = "REML",
    p_adjust: str = "holm",
    alpha: float = 0.05,
    mixed: bool = True,
    mixed_max_participants: int | None = None,
) -> EvaluationResult:
    """Evaluate an intervention: effects per site, pooled, against comparison, and the claim.

    Parameters
    ----------
    scores : pandas.DataFrame
        Long table, one row per score: ``participant, site, group, wave, scale, score``.
        ``group`` is "intervention" or "comparison"; a missing score is NaN or absent.
    design : {"pre_post", "pre_post_comparison", "randomised"}
        The design of the study; it caps the claim (DOMAIN.md, evidence levels).
    scales : mapping of str to ScaleInfo
        Every scale in ``scores`` with its direction, reference SD, reliability and cutoff.
    waves : sequence of str, optional
        Order of the waves, baseline first. Default: sorted labels.
    wave_pairs : {"baseline", "consecutive", "all"}, default "baseline"
        Which pairs of waves to compare: baseline with every later wave, each wave with
        the next, or every pair.
    confidence : float, default 0.95
        Level of every interval.
    pooling : {"REML", "DL"}, default "REML"
        Estimator of the between-site variance (see :func:`analysis.pool_effects`).
    p_adjust : {"holm", "fdr_bh"}, default "holm"
        Adjustment of p-values within each table (see :func:`analysis.adjust_p`).
    alpha : float, default 0.05
        Significance level for the claim.
    mixed : bool, default True
        Fit the mixed model of :func:`analysis.mixed_model` per scale (closed-form REML,
        a few seconds even for a million participants).
    mixed_max_participants : int, optional
        Skip the mixed model, with a note, above this many participants. Default: no limit.

    Returns
    -------
    EvaluationResult
        Tidy tables (see :class:`analysis.EvaluationResult`) and the claim.

    Raises
    ------
    ValueError
        On an unknown design, a scale without a description, a description with a
        reliability outside (0, 1), or a malformed score table.

    Notes
    -----
    Per scale x site x group x wave pair: the paired effect of :func:`analysis.paired_effect`
    and the reliable-change counts of :func:`analysis.reliable_change`, computed for all
    sites at once from grouped sums (a Python loop runs per site only for the Wilcoxon
    test). Sites are pooled per scale x group x wave pair with a random-effects model on
    ``d_z``, whose sampling variance is taken as ``1/n + d_z^2 / (2n)`` (Hedges & Olkin
    1985, p. 80 for a one-sample standardised mean). Designs with a comparison group add
    ANCOVA and difference-in-differences per site and across sites (site fixed effects;
    :func:`analysis.compare_groups`). The claim follows the evidence levels of the
    Erkenningscommissie Interventies and never exceeds what the design supports:

    * ``first_indication``: the pooled change of the intervention group is in the good
      direction with adjusted p < ``alpha`` (pre/post designs; the ceiling of ``pre_post``);
    * ``good_indication``: the site-adjusted ANCOVA effect is in the good direction with
      adjusted p < ``alpha`` (``pre_post_comparison``, or ``randomised`` without follow-up);
    * ``strong_indication``: as good, in a ``randomised`` design, and also at the last of
      three or more waves (follow-up);
    * otherwise ``no_indication``. With a comparison group, a within-group change alone
      is not enough: the comparison decides.

    References
    ----------
    Erkenningscommissie Interventies (Movisie, NJi): *Erkenningscriteria* (niveaus
    "eerste", "goede" en "sterke aanwijzingen voor effectiviteit").
    Hedges, L. V., & Olkin, I. (1985). *Statistical methods for meta-analysis*. Academic Press.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> people = np.arange(60)
    >>> base = rng.normal(3, 0.6, 60)
    >>> frame = pd.DataFrame({"participant": np.tile(people, 2),
    ...     "site": np.tile(people % 3, 2), "group": "intervention",
    ...     "wave": np.repeat(["T0", "T1"], 60), "scale": "brs",
    ...     "score": np.r_[base, base + 0.4 + rng.normal(0, 0.3, 60)]})
    >>> info = {"brs": ScaleInfo("Brief Resilience Scale", True, 0.7, 0.8)}
    >>> result = evaluate(frame, "pre_post", info)
    >>> result.claim.level
    'first_indication'
    """
    if design not in DESIGN_CEILING:
        raise ValueError(f"The design must be one of {', '.join(DESIGN_CEILING)}; got {design!r}.")
    if wave_pairs not in WAVE_PAIRS:
        raise ValueError(f"wave_pairs must be one of {', '.join(WAVE_PAIRS)}; got {wave_pairs!r}.")
    if pooling not in POOL_METHODS:
        raise ValueError(f"The pooling method must be 'REML' or 'DL'; got {pooling!r}.")
    if p_adjust not in ADJUST_METHODS:
        raise ValueError(f"p_adjust must be 'holm' or 'fdr_bh'; got {p_adjust!r}.")
    check_confidence(confidence)
    coded = code_scores(scores, waves)
    notes: list[str] = []
    infos = _scale_infos(coded, scales, notes)
    pairs = _pairs(len(coded.waves), wave_pairs)

    site_effects = _site_effects(coded, infos, pairs, confidence)
    site_effects["p_adjusted"] = adjust_p(site_effects["p"].to_numpy(), p_adjust)
    pooled = _pooled(site_effects, pooling, confidence, notes)
    if len(pooled):
        pooled["p_adjusted"] = adjust_p(pooled["p"].to_numpy(), p_adjust)

    has_comparison = bool((coded.group_of == 1).any()) and bool((coded.group_of == 0).any())
    comparison = _empty_comparison()
    if design != "pre_post":
        if has_comparison:
            comparison = _comparison(coded, pairs, confidence)
            overall = comparison["site"] == "all"
            comparison["p_adjusted"] = np.nan
            comparison.loc[overall, "p_adjusted"] = adjust_p(
                comparison.loc[overall, "ancova_p"].to_numpy(), p_adjust
            )
        else:
            notes.append(
                "The design has a comparison group, but the data hold no scores of both "
                "groups; only the change within groups is reported."
            )
    elif has_comparison:
        notes.append(
            "The design is pre/post, so the comparison-group scores are reported as a "
            "separate group but not compared with the intervention group."
        )

    attrition = attrition_tables(coded, confidence=confidence)
    mixed_fixed, mixed_variance = _mixed(
        coded, design, has_comparison, mixed, mixed_max_participants, confidence, notes
    )
    claim = _claim(design, coded, infos, pooled, comparison, alpha, has_comparison)
    present = np.isfinite(coded.wide).any(axis=(0, 2))
    return EvaluationResult(
        design=design,
        waves=coded.waves,
        scales={scale: infos[scale].label for scale in coded.scales},
        n_participants=int(present.sum()),
        site_effects=site_effects,
        pooled=pooled,
        comparison=comparison,
        attrition=attrition.per_site,
        attrition_baseline=attrition.baseline_difference,
        mixed_model=mixed_fixed,
        variance_components=mixed_variance,
        claim=claim,
        notes=tuple(notes),
        confidence=confidence,
    )


def _scale_infos(
    coded: CodedScores, scales: Mapping[str, ScaleInfo], notes: list[str]
) -> dict[str, ScaleInfo]:
    infos = {}
    for scale in coded.scales:
        info = scales.get(scale)
        if info is None:
            raise ValueError(
                f"The scale {scale!r} has scores but no description (ScaleInfo) in scales."
            )
        check_reliability(info.reliability)
        if not info.reference_sd > 0:
            raise ValueError(f"The reference SD of scale {scale!r} must be a positive number.")
        infos[scale] = info
    unused = sorted(set(scales) - set(coded.scales))
    if unused:
        notes.append(f"No scores were found for the scale(s) {', '.join(unused)}.")
    return infos


def _pairs(n_waves: int, how: str) -> list[tuple[int, int]]:
    if how == "baseline":
        return [(0, w) for w in range(1, n_waves)]
    if how == "consecutive":
        return [(w, w + 1) for w in range(n_waves - 1)]
    return list(itertools.combinations(range(n_waves), 2))


def _site_effects(
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
                    **{name: m[name] for name in _PAIRED_COLUMNS},
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


_PAIRED_COLUMNS = (
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


def _pooled(
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


def _empty_comparison() -> pd.DataFrame:
    return pd.DataFrame(
        columns=["scale", "wave_from", "wave_to", "site", *_COMPARISON_COLUMNS, "site_adjusted"]
    )


_COMPARISON_COLUMNS = (
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
    "df_ancova",
    "df_did",
)


def _comparison(
    coded: CodedScores, pairs: list[tuple[int, int]], confidence: float
) -> pd.DataFrame:
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
                frame = pd.DataFrame({name: table[name] for name in _COMPARISON_COLUMNS})
                frame["site_adjusted"] = table["site_adjusted"]
                frame.insert(0, "site", sites)
                frame.insert(0, "wave_to", coded.waves[b])
                frame.insert(0, "wave_from", coded.waves[a])
                frame.insert(0, "scale", scale)
                both = (frame["n_intervention"] > 0) & (frame["n_comparison"] > 0)
                frames.append(frame if sites[0] == "all" else frame[both])
    table = pd.concat(frames, ignore_index=True)
    numeric = list(_COMPARISON_COLUMNS)
    table[numeric] = table[numeric].astype(float).replace([np.inf, -np.inf], np.nan)
    small = (table["n_intervention"] < 2) | (table["n_comparison"] < 2)
    table.loc[small, numeric[2:]] = np.nan
    for column in ("n_intervention", "n_comparison"):
        table[column] = table[column].astype(int)
    table["site_adjusted"] = table["site_adjusted"].astype(bool)
    return table


def _mixed(
    coded: CodedScores,
    design: str,
    has_comparison: bool,
    wanted: bool,
    max_participants: int | None,
    confidence: float,
    notes: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    fixed_columns = ["scale", "term", "estimate", "se", "ci_low", "ci_high", "z", "p"]
    empty = (
        pd.DataFrame(columns=fixed_columns),
        pd.DataFrame(columns=["scale", "component", "variance"]),
    )
    n_participants = int(np.isfinite(coded.wide).any(axis=(0, 2)).sum())
    if not wanted:
        notes.append("The mixed model was not requested.")
        return empty
    if max_participants is not None and n_participants > max_participants:
        notes.append(
            f"The mixed model was skipped: {n_participants} participants is more than the "
            f"limit of {max_participants} set for it."
        )
        return empty
    use_group = design != "pre_post" and has_comparison
    fixed_frames, variance_frames = [], []
    for s, scale in enumerate(coded.scales):
        participant, wave = np.nonzero(np.isfinite(coded.wide[s]))
        if np.unique(participant).size < 2:
            notes.append(f"The mixed model for scale {scale} needs at least 2 participants.")
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = fit_coded(
                    coded.wide[s][participant, wave],
                    participant,
                    coded.site_of[participant],
                    wave_code=wave,
                    wave_labels=list(coded.waves),
                    treated=(coded.group_of[participant] == 0) if use_group else None,
                    group_label="intervention",
                    confidence=confidence,
                )
        except (ValueError, np.linalg.LinAlgError) as error:
            notes.append(f"The mixed model for scale {scale} could not be fitted: {error}")
            continue
        if not result.converged:
            notes.append(f"The mixed model for scale {scale} did not converge.")
        fixed_frames.append(result.fixed.assign(scale=scale)[fixed_columns])
        variance_frames.append(
            result.variance_components.assign(scale=scale)[["scale", "component", "variance"]]
        )
    if not fixed_frames:
        return empty
    return (
        pd.concat(fixed_frames, ignore_index=True),
        pd.concat(variance_frames, ignore_index=True),
    )


def _claim(
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
