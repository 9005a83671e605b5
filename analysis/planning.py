"""Planning a study: the smallest detectable effect and the sample size needed."""

from __future__ import annotations

import math

from statsmodels.stats.power import TTestIndPower, TTestPower

DESIGNS = ("independent", "paired")


def _engine(design: str) -> TTestIndPower | TTestPower:
    if design not in DESIGNS:
        raise ValueError(f"The design must be 'independent' or 'paired'; got {design!r}.")
    return TTestIndPower() if design == "independent" else TTestPower()


def _check(alpha: float, power: float) -> None:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie between 0 and 1 (for example 0.05); got {alpha}.")
    if not 0 < power < 1:
        raise ValueError(f"power must lie between 0 and 1 (for example 0.8); got {power}.")


def minimum_detectable_effect(
    n: int, *, alpha: float = 0.05, power: float = 0.8, design: str = "independent"
) -> float:
    """Smallest standardised effect a two-sided t-test detects with the given power.

    Parameters
    ----------
    n : int
        Participants per group (``design="independent"``, equal groups) or pairs
        (``design="paired"``).
    alpha : float, default 0.05
        Two-sided significance level.
    power : float, default 0.8
        Probability of detecting the effect.
    design : {"independent", "paired"}
        Two equal groups (Cohen's d) or one group measured twice (d_z).

    Returns
    -------
    float
        The effect size (d or d_z).

    Notes
    -----
    Solves the noncentral t power function (Cohen 1988, ch. 2) for the effect with
    statsmodels' ``TTestIndPower`` / ``TTestPower``, the computation G*Power performs.

    References
    ----------
    Cohen, J. (1988). *Statistical power analysis for the behavioral sciences* (2nd ed.).
    Faul, F., Erdfelder, E., Lang, A.-G., & Buchner, A. (2007). G*Power 3. *Behavior
    Research Methods*, 39, 175-191.

    Examples
    --------
    >>> round(minimum_detectable_effect(64), 2)
    0.5
    """
    _check(alpha, power)
    if not n >= 2:
        raise ValueError(f"n must be at least 2; got {n}.")
    size = {"nobs1" if design == "independent" else "nobs": n}
    return float(_engine(design).solve_power(effect_size=None, alpha=alpha, power=power, **size))


def required_n(
    effect: float, *, alpha: float = 0.05, power: float = 0.8, design: str = "independent"
) -> int:
    """Participants per group (or pairs) a two-sided t-test needs to detect ``effect``.

    Parameters
    ----------
    effect : float
        Expected standardised effect (Cohen's d, or d_z for ``design="paired"``); its
        sign is ignored.
    alpha, power, design
        As in :func:`minimum_detectable_effect`.

    Returns
    -------
    int
        The sample size, rounded up.

    Notes
    -----
    Solves the noncentral t power function for n (Cohen 1988, ch. 2) with statsmodels,
    and rounds up.

    References
    ----------
    Cohen, J. (1988). *Statistical power analysis for the behavioral sciences* (2nd ed.),
    Table 2.4.1.

    Examples
    --------
    >>> required_n(0.5)
    64
    """
    _check(alpha, power)
    if not (effect != 0 and math.isfinite(effect)):
        raise ValueError("The expected effect must be a non-zero number.")
    engine = _engine(design)
    n = engine.solve_power(effect_size=abs(effect), alpha=alpha, power=power)
    return int(math.ceil(float(n) - 1e-9))
