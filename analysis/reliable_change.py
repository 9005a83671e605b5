"""Reliable change per participant and clinical cutoffs (Jacobson & Truax 1991)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis._checks import ArrayLike, as_float_array, check_same_length, warn

#: Category labels, in the order of the codes :func:`classify_change` returns.
CATEGORIES: tuple[str, ...] = ("recovered", "improved", "unchanged", "deteriorated", "harmed")


@dataclass(frozen=True)
class ReliableChange:
    """Reliable change of each participant (see :func:`reliable_change`)."""

    se_diff: float
    rci: np.ndarray
    category: np.ndarray
    counts: dict[str, int]
    n: int
    cutoff: float | None
    z: float


@dataclass(frozen=True)
class ClinicalCutoff:
    """The three Jacobson-Truax cutoffs between dysfunctional and functional scores."""

    a: float
    b: float
    c: float


def standard_error_of_difference(sd: float, reliability: float) -> float:
    """``S_diff = sqrt(2) * sd * sqrt(1 - reliability)`` (Jacobson & Truax 1991, p. 14)."""
    check_reliability(reliability)
    if not sd > 0:
        raise ValueError(f"The reference SD must be a positive number; got {sd}.")
    return float(np.sqrt(2.0) * sd * np.sqrt(1.0 - reliability))


def check_reliability(reliability: float) -> None:
    if not 0 < reliability < 1:
        raise ValueError(
            "The reliability must lie strictly between 0 and 1 (for example 0.85); "
            f"got {reliability}."
        )


def classify_change(
    pre: np.ndarray,
    post: np.ndarray,
    se_diff: float,
    *,
    higher_is_better: bool,
    cutoff: float | None,
    z: float,
) -> tuple[np.ndarray, np.ndarray]:
    """RCI and category code (index into :data:`CATEGORIES`, -1 if a score is missing).

    Vectorised over participants; :func:`reliable_change` and :func:`analysis.evaluate`
    both use it.
    """
    with np.errstate(invalid="ignore"):
        rci = (post - pre) / se_diff
        sign = 1.0 if higher_is_better else -1.0
        better = sign * rci > z
        worse = sign * rci < -z
        code = np.full(rci.shape, 2, dtype=np.int8)
        code[better] = 1
        code[worse] = 3
        if cutoff is not None:
            # "Functional" is the side of the cutoff where the scores are better.
            functional_pre = sign * (pre - cutoff) >= 0
            functional_post = sign * (post - cutoff) >= 0
            code[better & ~functional_pre & functional_post] = 0
            code[worse & functional_pre & ~functional_post] = 4
    code[~np.isfinite(rci)] = -1
    return rci, code


def reliable_change(
    pre: ArrayLike,
    post: ArrayLike,
    *,
    sd: float,
    reliability: float,
    higher_is_better: bool = True,
    cutoff: float | None = None,
    z: float = 1.96,
) -> ReliableChange:
    """Jacobson-Truax reliable change index and category for each participant.

    Parameters
    ----------
    pre, post : array_like
        Each participant's score before and after, in the same order. Participants
        with a missing score get ``rci`` NaN and category ``None``; they are not counted.
    sd : float
        SD of the scale in a reference (norm or pre-treatment) sample.
    reliability : float
        Reliability of the scale (test-retest or alpha), strictly between 0 and 1.
    higher_is_better : bool, default True
        Direction of improvement on the scale.
    cutoff : float, optional
        Clinical cutoff (see :func:`clinical_cutoff`). Needed for "recovered" and "harmed".
    z : float, default 1.96
        Critical value; 1.96 is two-sided 5 %.

    Returns
    -------
    ReliableChange
        ``se_diff``, per participant ``rci`` and ``category`` ("recovered", "improved",
        "unchanged", "deteriorated", "harmed"), ``counts`` per category and ``n``.

    Notes
    -----
    ``SE = sd * sqrt(1 - reliability)``, ``S_diff = sqrt(2 SE^2)`` and
    ``RCI = (post - pre) / S_diff`` (Jacobson & Truax 1991, p. 14, the correction of
    Christensen & Mendoza 1986). A change is reliable when ``|RCI| > z``. A reliable
    improvement that moves a participant from the dysfunctional to the functional side
    of the cutoff is "recovered" (Jacobson & Truax 1991, p. 15); a reliable deterioration
    from the functional to the dysfunctional side is "harmed". A score exactly at the
    cutoff counts as functional.

    References
    ----------
    Jacobson, N. S., & Truax, P. (1991). Clinical significance: a statistical approach to
    defining meaningful change in psychotherapy research. *Journal of Consulting and
    Clinical Psychology*, 59, 12-19.
    Christensen, L., & Mendoza, J. L. (1986). A method of assessing change in a single
    subject: an alteration of the RC index. *Behavior Therapy*, 17, 305-308.

    Examples
    --------
    >>> result = reliable_change([20, 20, 20], [30, 22, 10], sd=5, reliability=0.8)
    >>> round(result.se_diff, 4)
    3.1623
    >>> list(result.category)
    ['improved', 'unchanged', 'deteriorated']
    """
    check_reliability(reliability)
    pre_arr = as_float_array(pre, "pre")
    post_arr = as_float_array(post, "post")
    check_same_length(pre_arr, post_arr, "pre", "post")
    se_diff = standard_error_of_difference(sd, reliability)
    rci, code = classify_change(
        pre_arr, post_arr, se_diff, higher_is_better=higher_is_better, cutoff=cutoff, z=z
    )
    n = int((code >= 0).sum())
    if n == 0:
        warn("No participant has both scores: there is no change to classify.")
    labels = np.array((*CATEGORIES, None), dtype=object)
    category = labels[np.where(code >= 0, code, len(CATEGORIES))]
    counts = {name: int((code == i).sum()) for i, name in enumerate(CATEGORIES)}
    return ReliableChange(
        se_diff=se_diff, rci=rci, category=category, counts=counts, n=n, cutoff=cutoff, z=z
    )


def clinical_cutoff(
    *,
    functional_mean: float,
    functional_sd: float,
    dysfunctional_mean: float,
    dysfunctional_sd: float,
    higher_is_better: bool = True,
) -> ClinicalCutoff:
    """Jacobson-Truax cutoffs a, b and c between a dysfunctional and a functional population.

    Parameters
    ----------
    functional_mean, functional_sd : float
        Mean and SD of a functional (norm) population.
    dysfunctional_mean, dysfunctional_sd : float
        Mean and SD of a dysfunctional (clinical or pre-treatment) population.
    higher_is_better : bool, default True
        Direction of improvement on the scale.

    Returns
    -------
    ClinicalCutoff
        ``a``: two SDs beyond the dysfunctional mean, towards functional; ``b``: two SDs
        from the functional mean, towards dysfunctional; ``c``: the point between the two
        means weighted by the SDs.

    Notes
    -----
    Jacobson & Truax (1991, p. 13), with 0 the dysfunctional and 1 the functional
    population: ``a = M0 + 2 s0``, ``b = M1 - 2 s1`` (signs reversed when lower scores
    are better) and ``c = (s0 M1 + s1 M0) / (s0 + s1)``, the point equally far, in SD
    units, from both means. Jacobson & Truax recommend ``c`` when norms for both
    populations exist and they overlap.

    References
    ----------
    Jacobson, N. S., & Truax, P. (1991). *Journal of Consulting and Clinical Psychology*,
    59, 12-19.

    Examples
    --------
    >>> cut = clinical_cutoff(functional_mean=40, functional_sd=5,
    ...                       dysfunctional_mean=20, dysfunctional_sd=10)
    >>> cut.a, cut.b, round(cut.c, 4)
    (40.0, 30.0, 33.3333)
    """
    if not (functional_sd > 0 and dysfunctional_sd > 0):
        raise ValueError("Both standard deviations must be positive numbers.")
    sign = 1.0 if higher_is_better else -1.0
    if sign * (functional_mean - dysfunctional_mean) <= 0:
        warn("The functional mean is not on the better side of the dysfunctional mean.")
    a = dysfunctional_mean + sign * 2 * dysfunctional_sd
    b = functional_mean - sign * 2 * functional_sd
    c = (dysfunctional_sd * functional_mean + functional_sd * dysfunctional_mean) / (
        dysfunctional_sd + functional_sd
    )
    return ClinicalCutoff(a=float(a), b=float(b), c=float(c))
