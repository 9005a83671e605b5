"""One call that evaluates an intervention from its long score table: evaluate()."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis._checks import check_confidence
from analysis.attrition import attrition_tables
from analysis.claims import make_claim
from analysis.comparisons import comparison_step, empty_comparison
from analysis.frames import CodedScores, code_scores
from analysis.mixed import fit_coded
from analysis.multiplicity import METHODS as ADJUST_METHODS
from analysis.multiplicity import adjust_p
from analysis.notes import Note
from analysis.pooling import METHODS as POOL_METHODS
from analysis.reliable_change import check_reliability
from analysis.results import DESIGN_CEILING, EvaluationResult, ScaleInfo
from analysis.site_effects import site_effects
from analysis.site_pooling import pooled_sites

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
    Erkenningscommissie Interventies, never exceeds what the design supports, and rests
    only on wave pairs from the baseline (:func:`analysis.claims.make_claim`):

    * ``first_indication``: the pooled change of the intervention group is in the good
      direction with adjusted p < ``alpha`` (the ceiling of ``pre_post``; also where a
      quasi-experimental comparison favours the intervention but fails a check below);
    * ``good_indication``: ``randomised``: the site-adjusted ANCOVA effect is in the good
      direction with adjusted p < ``alpha``. ``pre_post_comparison`` (quasi-experimental):
      ANCOVA and difference-in-differences both are, and the groups' standardised
      baseline difference is at most 0.25 (:func:`analysis.claims.comparison_verdicts`);
    * ``strong_indication``: as good, in a ``randomised`` design, and also from the
      baseline to the last of three or more waves (follow-up);
    * otherwise ``no_indication``, saying whether both groups improved alike or nobody
      did. With a comparison group, a within-group change alone is not enough.

    References
    ----------
    Erkenningscommissie Interventies (Movisie, NJi): *Erkenningscriteria* (niveaus
    "eerste", "goede" en "sterke aanwijzingen voor effectiviteit").
    Hedges, L. V., & Olkin, I. (1985). *Statistical methods for meta-analysis*. Academic Press.
    Lord, F. M. (1967). A paradox in the interpretation of group comparisons.
    *Psychological Bulletin*, 68, 304-305.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> people = np.arange(120)
    >>> base = rng.normal(3, 0.6, 120)
    >>> frame = pd.DataFrame({"participant": np.tile(people, 2),
    ...     "site": np.tile(people % 4, 2), "group": "intervention",
    ...     "wave": np.repeat(["T0", "T1"], 120), "scale": "brs",
    ...     "score": np.r_[base, base + 0.4 + rng.normal(0, 0.3, 120)]})
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
    notes: list[str] = _dropped_scores(coded)
    infos = _scale_infos(coded, scales, notes)
    pairs = _pairs(len(coded.waves), wave_pairs)

    effects = site_effects(coded, infos, pairs, confidence, notes)
    effects["p_adjusted"] = adjust_p(effects["p"].to_numpy(), p_adjust)
    pooled = pooled_sites(effects, pooling, confidence, notes)
    pooled["p_adjusted"] = adjust_p(pooled["p"].to_numpy(dtype=float), p_adjust)

    has_comparison = bool((coded.group_of == 1).any()) and bool((coded.group_of == 0).any())
    comparison = empty_comparison()
    if design != "pre_post":
        if has_comparison:
            comparison = comparison_step(coded, pairs, confidence, p_adjust, notes)
        else:
            notes.append(
                Note(
                    "no_comparison_scores",
                    "The design has a comparison group, but the data hold no scores of both "
                    "groups; only the change within groups is reported.",
                )
            )
    elif has_comparison:
        notes.append(
            Note(
                "pre_post_with_comparison",
                "The design is pre/post, so the comparison-group scores are reported as a "
                "separate group but not compared with the intervention group.",
            )
        )

    attrition = attrition_tables(coded, confidence=confidence)
    mixed_fixed, mixed_variance = _mixed(
        coded, design, has_comparison, mixed, mixed_max_participants, confidence, notes
    )
    claim = make_claim(
        design, coded.waves, infos, pooled, comparison, effects, alpha, has_comparison
    )
    present = np.isfinite(coded.wide).any(axis=(0, 2))
    return EvaluationResult(
        design=design,
        waves=coded.waves,
        scales={scale: infos[scale].label for scale in coded.scales},
        n_participants=int(present.sum()),
        site_effects=effects,
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


def _dropped_scores(coded: CodedScores) -> list[str]:
    notes = []
    if coded.dropped_non_numeric:
        notes.append(
            Note(
                "non_numeric_scores",
                f"{coded.dropped_non_numeric} score(s) were not numbers and were treated as "
                "missing.",
                count=coded.dropped_non_numeric,
            )
        )
    if coded.dropped_infinite:
        notes.append(
            Note(
                "infinite_scores",
                f"{coded.dropped_infinite} score(s) were infinite and were treated as missing.",
                count=coded.dropped_infinite,
            )
        )
    for note in notes:
        warnings.warn(note, UserWarning, stacklevel=3)
    return notes


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
        notes.append(
            Note(
                "unused_scales",
                f"No scores were found for the scale(s) {', '.join(unused)}.",
                scales=unused,
            )
        )
    return infos


def _pairs(n_waves: int, how: str) -> list[tuple[int, int]]:
    if how == "baseline":
        return [(0, w) for w in range(1, n_waves)]
    if how == "consecutive":
        return [(w, w + 1) for w in range(n_waves - 1)]
    return list(itertools.combinations(range(n_waves), 2))


def _mixed(
    coded: CodedScores,
    design: str,
    has_comparison: bool,
    wanted: bool,
    max_participants: int | None,
    confidence: float,
    notes: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    fixed_columns = ["scale", "term", "estimate", "se", "df", "ci_low", "ci_high", "t", "p"]
    empty = (
        pd.DataFrame(columns=fixed_columns),
        pd.DataFrame(columns=["scale", "component", "variance"]),
    )
    n_participants = int(np.isfinite(coded.wide).any(axis=(0, 2)).sum())
    if not wanted:
        notes.append(Note("mixed_not_requested", "The mixed model was not requested."))
        return empty
    if max_participants is not None and n_participants > max_participants:
        notes.append(
            Note(
                "mixed_skipped",
                f"The mixed model was skipped: {n_participants} participants is more than the "
                f"limit of {max_participants} set for it.",
                count=n_participants,
                limit=max_participants,
            )
        )
        return empty
    use_group = design != "pre_post" and has_comparison
    fixed_frames, variance_frames = [], []
    for s, scale in enumerate(coded.scales):
        participant, wave = np.nonzero(np.isfinite(coded.wide[s]))
        if np.unique(participant).size < 2:
            notes.append(
                Note(
                    "mixed_too_few",
                    f"The mixed model for scale {scale} needs at least 2 participants.",
                    scale=scale,
                )
            )
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
            notes.append(
                Note(
                    "mixed_failed",
                    f"The mixed model for scale {scale} could not be fitted: {error}",
                    scale=scale,
                    error=str(error),
                )
            )
            continue
        if not result.converged:
            notes.append(
                Note(
                    "mixed_not_converged",
                    f"The mixed model for scale {scale} did not converge.",
                    scale=scale,
                )
            )
        # the fit's own columns (z or t and df, as mixed.py reports them), scale first
        fixed_frames.append(result.fixed.assign(scale=scale)[["scale", *result.fixed.columns]])
        variance_frames.append(
            result.variance_components.assign(scale=scale)[["scale", "component", "variance"]]
        )
    if not fixed_frames:
        return empty
    return (
        pd.concat(fixed_frames, ignore_index=True),
        pd.concat(variance_frames, ignore_index=True),
    )
