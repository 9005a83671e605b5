"""Intervention versus comparison group: ANCOVA and difference-in-differences."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis._checks import ArrayLike, as_float_array, check_confidence, check_same_length, warn
from analysis.notes import Note


@dataclass(frozen=True)
class GroupComparison:
    """Intervention minus comparison, adjusted for baseline (see :func:`compare_groups`)."""

    n_intervention: int
    n_comparison: int
    ancova_effect: float
    ancova_se: float
    ancova_ci: tuple[float, float]
    ancova_p: float
    ancova_d: float
    did: float
    did_se: float
    did_ci: tuple[float, float]
    did_p: float
    did_d: float
    sd_pre_pooled: float
    df_ancova: int
    df_did: int
    site_adjusted: bool
    confidence: float
    baseline_diff: float = float("nan")
    baseline_d: float = float("nan")
    notes: tuple[str, ...] = ()


def _group_sums(key: np.ndarray, n_keys: int, *columns: np.ndarray) -> list[np.ndarray]:
    return [np.bincount(key, weights=c, minlength=n_keys) for c in columns]


def _demean(values: np.ndarray, key: np.ndarray, n_keys: int) -> np.ndarray:
    counts = np.bincount(key, minlength=n_keys)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.bincount(key, weights=values, minlength=n_keys) / counts
    return values - means[key]


def comparison_table(
    pre: np.ndarray,
    post: np.ndarray,
    treated: np.ndarray,
    key: np.ndarray,
    n_keys: int,
    *,
    absorb: np.ndarray | None = None,
    confidence: float = 0.95,
) -> dict[str, np.ndarray]:
    """ANCOVA and difference-in-differences for every key at once (complete pairs only).

    Within each key this is the OLS fit of ``post ~ 1 + pre + treated`` and of
    ``(post - pre) ~ 1 + treated``, from sums of cross-products. ``absorb`` (integer
    codes, e.g. sites) adds fixed effects by demeaning within its levels first
    (Frisch-Waugh-Lovell); the residual degrees of freedom then also lose one per
    extra level within each key. ``baseline_diff`` is the fit of ``pre ~ 1 + treated``
    (within the levels of ``absorb`` when given): the groups' difference at baseline.

    A baseline without variation (within the levels of ``absorb``) leaves the ANCOVA
    undefined, and a pooled baseline SD of 0 the standardised effects: those are NaN,
    never +-inf. "Without variation" allows for rounding: a sum of squares below 1e-10
    of the raw one is noise of the cancellation in ``sum(x^2) - sum(x)^2 / n``.
    """
    treated = treated.astype(float)
    change = post - pre
    n = np.bincount(key, minlength=n_keys).astype(float)
    n_treated = np.bincount(key, weights=treated, minlength=n_keys)
    extra_levels = np.zeros(n_keys)
    if absorb is not None:
        n_levels = int(absorb.max()) + 1
        combined = key * n_levels + absorb
        present = np.bincount(combined, minlength=n_keys * n_levels).reshape(n_keys, n_levels)
        extra_levels = (present > 0).sum(axis=1) - 1.0
        size = n_keys * n_levels
        pre_c, post_c, treated_c, change_c = (
            _demean(v, combined, size) for v in (pre, post, treated, change)
        )
    else:
        pre_c, post_c, treated_c, change_c = pre, post, treated, change

    def centered(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        sab, sa, sb = _group_sums(key, n_keys, a * b, a, b)
        with np.errstate(invalid="ignore", divide="ignore"):
            return sab - sa * sb / n

    s11 = centered(pre_c, pre_c)
    s12 = centered(pre_c, treated_c)
    s22 = centered(treated_c, treated_c)
    s1y = centered(pre_c, post_c)
    s2y = centered(treated_c, post_c)
    syy = centered(post_c, post_c)
    scc = centered(change_c, change_c)
    s2c = centered(treated_c, change_c)
    s2x = centered(treated_c, pre_c)
    (raw_pre2,) = _group_sums(key, n_keys, pre**2)
    with np.errstate(invalid="ignore", divide="ignore"):
        det = s11 * s22 - s12**2
        # A constant baseline, or one that is a copy of the group: no ANCOVA. The limit is
        # paired_moments': cancellation leaves about 1e-16 of the raw sum, not exactly 0.
        singular = (s11 <= 1e-10 * raw_pre2) | (det <= 1e-10 * s11 * s22)
        det = np.where(singular, np.nan, det)
        b_pre = (s22 * s1y - s12 * s2y) / det
        b_treat = (s11 * s2y - s12 * s1y) / det
        df_a = n - 3 - extra_levels
        sigma2_a = (syy - b_pre * s1y - b_treat * s2y) / df_a
        se_a = np.sqrt(sigma2_a * s11 / det)
        did = s2c / s22
        df_d = n - 2 - extra_levels
        sigma2_d = (scc - did * s2c) / df_d
        se_d = np.sqrt(sigma2_d / s22)
        # pooled within-group SD at baseline (Morris 2008, eq. 8's denominator)
        pre_t, pre2_t = _group_sums(key, n_keys, pre * treated, pre**2 * treated)
        pre_all, pre2_all = _group_sums(key, n_keys, pre, pre**2)
        n_c = n - n_treated
        ss_t = pre2_t - pre_t**2 / n_treated
        ss_c = (pre2_all - pre2_t) - (pre_all - pre_t) ** 2 / n_c
        ss_within = ss_t + ss_c
        sd_pre = np.where(ss_within > 1e-10 * pre2_all, np.sqrt(ss_within / (n - 2)), np.nan)
        baseline_diff = s2x / s22
    crit_a = stats.t.ppf(0.5 + confidence / 2, df_a)
    crit_d = stats.t.ppf(0.5 + confidence / 2, df_d)
    return {
        "n_intervention": n_treated,
        "n_comparison": n - n_treated,
        "ancova_effect": b_treat,
        "ancova_se": se_a,
        "ancova_low": b_treat - crit_a * se_a,
        "ancova_high": b_treat + crit_a * se_a,
        "ancova_p": 2 * stats.t.sf(np.abs(b_treat / se_a), df_a),
        "ancova_d": b_treat / sd_pre,
        "did": did,
        "did_se": se_d,
        "did_low": did - crit_d * se_d,
        "did_high": did + crit_d * se_d,
        "did_p": 2 * stats.t.sf(np.abs(did / se_d), df_d),
        "did_d": did / sd_pre,
        "sd_pre_pooled": sd_pre,
        "baseline_diff": baseline_diff,
        "baseline_d": baseline_diff / sd_pre,
        "df_ancova": df_a,
        "df_did": df_d,
    }


def compare_groups(
    pre: ArrayLike,
    post: ArrayLike,
    group: ArrayLike,
    *,
    site: ArrayLike | None = None,
    intervention: object = "intervention",
    confidence: float = 0.95,
) -> GroupComparison:
    """Compare the change of an intervention group with that of a comparison group.

    Parameters
    ----------
    pre, post : array_like
        Each participant's score before and after. Participants with a missing score
        are dropped.
    group : array_like
        Each participant's group; the value ``intervention`` marks the intervention group,
        every other value the comparison group.
    site : array_like, optional
        Each participant's site. When given, both models include site fixed effects.
    intervention : object, default "intervention"
        The label of the intervention group in ``group``.
    confidence : float, default 0.95
        Level of the intervals.

    Returns
    -------
    GroupComparison
        ``ancova_effect``: the baseline-adjusted difference at post (intervention -
        comparison), with ``ancova_se``, ``ancova_ci`` and ``ancova_p``; ``did``: the
        difference in mean change, with ``did_se``, ``did_ci`` and ``did_p``; both also
        standardised (``ancova_d``, ``did_d``) by the pooled within-group SD at baseline.
        ``baseline_diff`` and ``baseline_d``: the groups' difference at baseline, raw and
        standardised the same way (a check of balance). ``notes``: what could not be
        computed and why (a constant baseline leaves ANCOVA and every standardised
        figure NaN).

    Raises
    ------
    ValueError
        If the lengths differ or a group has fewer than two complete pairs.

    Notes
    -----
    ANCOVA is the OLS fit of ``post = b0 + b1 pre + b2 intervention (+ site)``; ``b2`` is
    the effect (Vickers & Altman 2001 recommend it for randomised pre/post designs:
    it is unbiased and more precise than change scores). Difference-in-differences is
    the OLS fit of ``post - pre = c0 + c1 intervention (+ site)``; without sites, ``c1``
    equals the difference in mean change and its test Student's t-test on change scores.
    In non-randomised designs the two can differ (Lord's paradox): ANCOVA assumes groups
    that would have been equal given baseline, DiD assumes parallel trends. The
    standardised versions divide by the pooled baseline SD (Morris 2008). When the
    groups differ at baseline, ANCOVA on a baseline measured with error under-adjusts
    (Lord 1967; Van Breukelen 2006): ``baseline_d`` shows how far apart they started.

    References
    ----------
    Vickers, A. J., & Altman, D. G. (2001). Analysing controlled trials with baseline and
    follow up measurements. *BMJ*, 323, 1123-1124.
    Morris, S. B. (2008). Estimating effect sizes from pretest-posttest-control group
    designs. *Organizational Research Methods*, 11, 364-386.
    Lord, F. M. (1967). A paradox in the interpretation of group comparisons.
    *Psychological Bulletin*, 68, 304-305.
    Van Breukelen, G. J. P. (2006). ANCOVA versus change from baseline had more power in
    randomized studies and more bias in nonrandomized studies. *Journal of Clinical
    Epidemiology*, 59, 920-925.

    Examples
    --------
    >>> result = compare_groups(
    ...     [10, 12, 11, 13, 10, 12, 11, 13], [14, 15, 15, 17, 11, 12, 12, 14],
    ...     ["intervention"] * 4 + ["comparison"] * 4)
    >>> round(result.did, 4)
    3.0
    """
    check_confidence(confidence)
    pre_arr = as_float_array(pre, "pre")
    post_arr = as_float_array(post, "post")
    check_same_length(pre_arr, post_arr, "pre", "post")
    labels = np.asarray(group, dtype=object)
    if labels.shape != pre_arr.shape:
        raise ValueError("Give one group label per participant (as many as there are scores).")
    treated = labels == intervention
    complete = np.isfinite(pre_arr) & np.isfinite(post_arr)
    absorb = None
    if site is not None:
        site_arr = np.asarray(site, dtype=object)
        if site_arr.shape != pre_arr.shape:
            raise ValueError("Give one site per participant (as many as there are scores).")
        absorb = pd.factorize(site_arr[complete])[0]
    pre_c, post_c, treated_c = pre_arr[complete], post_arr[complete], treated[complete]
    n_t, n_c = int(treated_c.sum()), int((~treated_c).sum())
    if n_t < 2 or n_c < 2:
        raise ValueError(
            "Each group needs at least 2 participants with both scores; "
            f"found {n_t} (intervention) and {n_c} (comparison)."
        )
    if n_t < 10 or n_c < 10:
        warn("A group has fewer than 10 complete pairs: the comparison is very uncertain.")
    key = np.zeros(pre_c.size, dtype=np.intp)
    m = comparison_table(pre_c, post_c, treated_c, key, 1, absorb=absorb, confidence=confidence)

    def one(name: str) -> float:
        return float(m[name][0])

    notes = []
    if not np.isfinite(one("sd_pre_pooled")):
        notes.append(
            Note(
                "flat_baseline_pair",
                "Every participant has the same baseline score (within each group): the "
                "ANCOVA cannot be fitted and the standardised effects (over the baseline SD) "
                "are undefined, so they are NaN; the raw difference-in-differences stands.",
            )
        )
    elif not np.isfinite(one("ancova_se")):
        notes.append(
            Note(
                "ancova_no_information",
                "The baseline scores carry no information beyond the group (and site): the "
                "ANCOVA cannot be fitted, so it is NaN.",
            )
        )
    for note in notes:
        warn(note)

    return GroupComparison(
        n_intervention=n_t,
        n_comparison=n_c,
        ancova_effect=one("ancova_effect"),
        ancova_se=one("ancova_se"),
        ancova_ci=(one("ancova_low"), one("ancova_high")),
        ancova_p=one("ancova_p"),
        ancova_d=one("ancova_d"),
        did=one("did"),
        did_se=one("did_se"),
        did_ci=(one("did_low"), one("did_high")),
        did_p=one("did_p"),
        did_d=one("did_d"),
        sd_pre_pooled=one("sd_pre_pooled"),
        df_ancova=int(one("df_ancova")),
        df_did=int(one("df_did")),
        site_adjusted=site is not None,
        confidence=confidence,
        baseline_diff=one("baseline_diff"),
        baseline_d=one("baseline_d"),
        notes=tuple(notes),
    )
