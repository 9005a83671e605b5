"""Random-effects meta-analysis: pooling effects of several sites (REML or DerSimonian-Laird)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from analysis._checks import ArrayLike, as_float_array, check_confidence, warn

METHODS = ("REML", "DL")


@dataclass(frozen=True)
class PooledEffect:
    """A random-effects pooled estimate (see :func:`pool_effects`)."""

    estimate: float
    se: float
    ci: tuple[float, float]
    z: float
    p: float
    tau2: float
    i2: float
    h2: float
    q: float
    q_df: int
    q_p: float
    prediction_interval: tuple[float, float]
    k: int
    weights: np.ndarray
    method: str
    converged: bool
    confidence: float


def tau2_dl(y: np.ndarray, v: np.ndarray) -> np.ndarray:
    """DerSimonian-Laird tau^2 along the last axis (DerSimonian & Laird 1986, eq. 8)."""
    w = 1 / v
    sw = w.sum(-1)
    mu = (w * y).sum(-1) / sw
    q = (w * (y - mu[..., None]) ** 2).sum(-1)
    k = y.shape[-1]
    return np.maximum(0.0, (q - (k - 1)) / (sw - (w**2).sum(-1) / sw))


def tau2_reml(
    y: np.ndarray, v: np.ndarray, *, tol: float = 1e-10, max_iter: int = 1000
) -> tuple[np.ndarray, np.ndarray]:
    """REML tau^2 along the last axis by Fisher scoring; returns (tau2, converged).

    Notes
    -----
    Fisher scoring on the restricted likelihood (Viechtbauer 2005, eq. 14; the
    algorithm of metafor's ``rma(method = "REML")``), started at the DL estimate and
    truncated at zero: with ``w = 1 / (v + tau2)`` and ``P = W - W 1 1' W / sum(w)``,
    ``tau2 <- tau2 + (y'PPy - tr(P)) / tr(PP)``.
    """
    tau2 = tau2_dl(y, v)
    converged = np.zeros(tau2.shape, dtype=bool)
    for _ in range(max_iter):
        w = 1 / (v + tau2[..., None])
        sw = w.sum(-1)
        mu = (w * y).sum(-1) / sw
        py = w * (y - mu[..., None])  # P y
        tr_p = sw - (w**2).sum(-1) / sw
        # tr(PP) for P = W - w w' / sum(w)
        tr_pp = (w**2).sum(-1) - 2 * (w**3).sum(-1) / sw + ((w**2).sum(-1) / sw) ** 2
        step = ((py**2).sum(-1) - tr_p) / tr_pp
        new = np.maximum(0.0, tau2 + step)
        done = np.abs(new - tau2) < tol
        tau2 = new
        converged |= done
        if np.all(converged):
            break
    return tau2, converged


def pool_effects(
    effects: ArrayLike,
    variances: ArrayLike,
    *,
    method: str = "REML",
    confidence: float = 0.95,
) -> PooledEffect:
    """Pool effects of several sites (or studies) with a random-effects model.

    Parameters
    ----------
    effects : array_like
        One effect per site, e.g. ``d_z``.
    variances : array_like
        Their sampling variances (squared standard errors), all positive.
    method : {"REML", "DL"}, default "REML"
        Estimator of the between-site variance tau^2: restricted maximum likelihood
        (metafor's default) or DerSimonian-Laird.
    confidence : float, default 0.95
        Level of the confidence and prediction intervals.

    Returns
    -------
    PooledEffect
        ``estimate``, ``se``, ``ci``, Wald ``z`` and ``p``; ``tau2``; ``i2`` (a proportion,
        0-1) and ``h2``; Cochran's ``q`` with ``q_df`` and ``q_p``; the
        ``prediction_interval`` for the effect at a new site; ``k``; the relative
        ``weights`` (summing to 1); and whether REML ``converged``.

    Raises
    ------
    ValueError
        If the lengths differ, a variance is not positive, or fewer than 2 effects remain.

    Notes
    -----
    The estimate weights each effect by ``1 / (v_i + tau^2)`` (DerSimonian & Laird 1986);
    ``se = 1 / sqrt(sum w)`` and the interval is Wald's ``estimate +- z se``.
    ``I^2 = tau^2 / (tau^2 + s^2)`` and ``H^2 = (tau^2 + s^2) / s^2`` with the typical
    within-study variance ``s^2 = (k - 1) sum w / ((sum w)^2 - sum w^2)``, fixed-effect
    weights ``w`` (Higgins & Thompson 2002, eq. 9; as metafor computes them, so ``I^2``
    follows the chosen tau^2 estimator). The prediction interval is
    ``estimate +- z sqrt(se^2 + tau^2)``, metafor's default. Effects with a missing
    value are dropped. statsmodels' ``combine_effects`` offers DL and Paule-Mandel but not
    REML, so REML is computed here (Viechtbauer 2005) and checked against metafor.

    References
    ----------
    DerSimonian, R., & Laird, N. (1986). Meta-analysis in clinical trials. *Controlled
    Clinical Trials*, 7, 177-188.
    Viechtbauer, W. (2005). Bias and efficiency of meta-analytic variance estimators in the
    random-effects model. *Journal of Educational and Behavioral Statistics*, 30, 261-293.
    Higgins, J. P. T., & Thompson, S. G. (2002). Quantifying heterogeneity in a
    meta-analysis. *Statistics in Medicine*, 21, 1539-1558.
    Viechtbauer, W. (2010). Conducting meta-analyses in R with the metafor package.
    *Journal of Statistical Software*, 36(3).

    Examples
    --------
    >>> pooled = pool_effects([0.30, 0.55, 0.20, 0.45], [0.02, 0.03, 0.025, 0.04])
    >>> pooled.k, round(pooled.estimate, 4)
    (4, 0.3545)
    """
    check_confidence(confidence)
    if method not in METHODS:
        raise ValueError(f"The pooling method must be 'REML' or 'DL'; got {method!r}.")
    y = as_float_array(effects, "effect")
    v = as_float_array(variances, "variance")
    if y.shape != v.shape:
        raise ValueError(
            f"Give one variance per effect; got {y.size} effects and {v.size} variances."
        )
    keep = np.isfinite(y) & np.isfinite(v)
    y, v = y[keep], v[keep]
    if np.any(v <= 0):
        raise ValueError("Every variance must be positive; at least one is zero or negative.")
    k = y.size
    if k < 2:
        raise ValueError(f"Pooling needs at least 2 effects with a variance; found {k}.")
    if k < 5:
        warn(f"Only {k} effects: the between-site variance tau^2 is very uncertain.")
    table = pooled_table(y[None, :], v[None, :], method=method, confidence=confidence)
    weights = 1 / (v + table["tau2"][0])
    return PooledEffect(
        estimate=float(table["estimate"][0]),
        se=float(table["se"][0]),
        ci=(float(table["ci_low"][0]), float(table["ci_high"][0])),
        z=float(table["z"][0]),
        p=float(table["p"][0]),
        tau2=float(table["tau2"][0]),
        i2=float(table["i2"][0]),
        h2=float(table["h2"][0]),
        q=float(table["q"][0]),
        q_df=k - 1,
        q_p=float(table["q_p"][0]),
        prediction_interval=(float(table["pi_low"][0]), float(table["pi_high"][0])),
        k=k,
        weights=weights / weights.sum(),
        method=method,
        converged=bool(table["converged"][0]),
        confidence=confidence,
    )


def pooled_table(
    y: np.ndarray, v: np.ndarray, *, method: str = "REML", confidence: float = 0.95
) -> dict[str, np.ndarray]:
    """Random-effects pooling of every row of ``y`` (rows: analyses, columns: sites).

    All rows must be complete; this is the vectorised engine of :func:`pool_effects`.
    """
    k = y.shape[-1]
    if method == "REML":
        tau2, converged = tau2_reml(y, v)
    else:
        tau2, converged = tau2_dl(y, v), np.ones(y.shape[:-1], dtype=bool)
    w_fixed = 1 / v
    sw_fixed = w_fixed.sum(-1)
    mu_fixed = (w_fixed * y).sum(-1) / sw_fixed
    q = (w_fixed * (y - mu_fixed[..., None]) ** 2).sum(-1)
    w = 1 / (v + tau2[..., None])
    sw = w.sum(-1)
    estimate = (w * y).sum(-1) / sw
    se = 1 / np.sqrt(sw)
    crit = stats.norm.ppf(0.5 + confidence / 2)
    # Higgins & Thompson (2002), eq. 9: typical within-study variance
    s2 = (k - 1) * sw_fixed / (sw_fixed**2 - (w_fixed**2).sum(-1))
    spread = crit * np.sqrt(se**2 + tau2)
    return {
        "estimate": estimate,
        "se": se,
        "ci_low": estimate - crit * se,
        "ci_high": estimate + crit * se,
        "z": estimate / se,
        "p": 2 * stats.norm.sf(np.abs(estimate / se)),
        "tau2": tau2,
        "i2": tau2 / (tau2 + s2),
        "h2": (tau2 + s2) / s2,
        "q": q,
        "q_p": stats.chi2.sf(q, k - 1),
        "pi_low": estimate - spread,
        "pi_high": estimate + spread,
        "converged": converged,
    }
