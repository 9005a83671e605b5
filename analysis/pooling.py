"""Random-effects meta-analysis: pooling effects of several sites (REML or DerSimonian-Laird)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from analysis._checks import ArrayLike, as_float_array, check_confidence, warn

METHODS = ("REML", "DL")
#: Intervals of the pooled estimate: Hartung-Knapp-Sidik-Jonkman (the default), its "ad hoc"
#: variant that is never narrower than Wald's, and Wald's normal interval.
CI_METHODS = ("hksj", "hksj_adhoc", "wald")


@dataclass(frozen=True)
class PooledEffect:
    """A random-effects pooled estimate (see :func:`pool_effects`)."""

    estimate: float
    se: float
    ci: tuple[float, float]
    t: float
    df: float
    p: float
    se_wald: float
    tau2: float
    i2: float
    h2: float
    q: float
    q_df: int
    q_p: float
    prediction_interval: tuple[float, float]
    prediction_df: float
    k: int
    weights: np.ndarray
    method: str
    ci_method: str
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
    ``tau2 <- tau2 + (y'PPy - tr(P)) / tr(PP)``. Rows stop once their step is below
    ``tol``, so a simulation of many meta-analyses costs what its slowest rows need. A row
    whose likelihood is so flat that scoring still crawls after ``max_iter`` steps (about
    1 in 20,000 simulated meta-analyses of 3 sites) is finished by Brent's bounded search.
    The restricted likelihood can have a local maximum inside and a higher one at zero;
    the higher one is returned.
    """
    shape = y.shape[:-1]
    y2 = y.reshape(-1, y.shape[-1])
    v2 = v.reshape(-1, v.shape[-1])
    tau2 = tau2_dl(y2, v2)
    converged = np.zeros(tau2.shape, dtype=bool)
    active = np.arange(tau2.size)
    for _ in range(max_iter):
        if active.size == 0:
            break
        ya, va, ta = y2[active], v2[active], tau2[active]
        w = 1 / (va + ta[:, None])
        sw = w.sum(-1)
        mu = (w * ya).sum(-1) / sw
        py = w * (ya - mu[:, None])  # P y
        tr_p = sw - (w**2).sum(-1) / sw
        # tr(PP) for P = W - w w' / sum(w)
        tr_pp = (w**2).sum(-1) - 2 * (w**3).sum(-1) / sw + ((w**2).sum(-1) / sw) ** 2
        new = np.maximum(0.0, ta + ((py**2).sum(-1) - tr_p) / tr_pp)
        done = np.abs(new - ta) < tol
        tau2[active] = new
        converged[active[done]] = True
        active = active[~done]
    for row in active:
        tau2[row], converged[row] = _maximise_reml(y2[row], v2[row], tau2[row])
    zero = np.zeros_like(tau2)
    at_zero = restricted_loglik(y2, v2, zero) > restricted_loglik(y2, v2, tau2) + 1e-12
    tau2[at_zero] = 0.0
    return tau2.reshape(shape), converged.reshape(shape)


def restricted_loglik(y: np.ndarray, v: np.ndarray, tau2: np.ndarray) -> np.ndarray:
    """Restricted log-likelihood of tau^2 along the last axis, without its constant.

    ``-1/2 (sum log(v + tau2) + log sum w + sum w (y - mu)^2)`` with ``w = 1 / (v + tau2)``
    (Viechtbauer 2005).
    """
    w = 1 / (v + tau2[..., None])
    sw = w.sum(-1)
    mu = (w * y).sum(-1) / sw
    return -0.5 * (
        np.log(v + tau2[..., None]).sum(-1) + np.log(sw) + (w * (y - mu[..., None]) ** 2).sum(-1)
    )


def _maximise_reml(y: np.ndarray, v: np.ndarray, current: float) -> tuple[float, bool]:
    def loss(t: float) -> float:
        return -float(restricted_loglik(y, v, np.array(t)))

    upper = 10 * (float(np.var(y)) + float(v.max()))
    search = optimize.minimize_scalar(
        loss, bounds=(0.0, upper), method="bounded", options={"xatol": 1e-12}
    )
    best = min((0.0, current, float(search.x)), key=loss)
    return best, bool(search.success)


def pool_effects(
    effects: ArrayLike,
    variances: ArrayLike,
    *,
    method: str = "REML",
    ci_method: str = "hksj",
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
    ci_method : {"hksj", "hksj_adhoc", "wald"}, default "hksj"
        Interval and test of the pooled estimate: Hartung-Knapp-Sidik-Jonkman (t on
        k - 1 df with an adjusted standard error; metafor's ``test = "knha"``), its ad hoc
        variant that is never narrower than Wald's (``test = "adhoc"``), or Wald's normal
        interval (``test = "z"``, metafor's default).
    confidence : float, default 0.95
        Level of the confidence and prediction intervals.

    Returns
    -------
    PooledEffect
        ``estimate``; ``se`` (the adjusted one for HKSJ), ``ci``, the statistic ``t``
        with its ``df`` (infinite for Wald) and ``p``; ``se_wald``; ``tau2``; ``i2`` (a
        proportion, 0-1) and ``h2``; Cochran's ``q`` with ``q_df`` and ``q_p``; the
        ``prediction_interval`` for the effect at a new site with its ``prediction_df``;
        ``k``; the relative ``weights`` (summing to 1); and whether REML ``converged``.

    Raises
    ------
    ValueError
        If the lengths differ, a variance is not positive, or fewer than 2 effects remain.

    Notes
    -----
    The estimate weights each effect by ``w_i = 1 / (v_i + tau^2)`` (DerSimonian & Laird
    1986); its Wald standard error is ``1 / sqrt(sum w)``. A Wald interval treats tau^2
    as known and covers too rarely when there are few sites. The Hartung-Knapp-Sidik-
    Jonkman interval (Hartung 1999; Hartung & Knapp 2001; Sidik & Jonkman 2002) multiplies
    the variance by ``q* = sum w_i (y_i - estimate)^2 / (k - 1)`` and takes the t
    quantile on ``k - 1`` df. Its ad hoc variant uses ``max(1, q*)`` (Knapp & Hartung
    2003; Roever, Knapp & Friede 2015; Jackson et al. 2017, sec. 4.3): never narrower
    than Wald's, but with few sites it over-covers badly (about 100% at k = 3 and over 99%
    at k = 5 in this package's simulation, ``bench/bench_coverage.py``), so it is not the
    default. If all effects are equal (``q* = 0``), ``q* = 1`` is used instead of a
    zero-width interval. ``I^2 = tau^2 / (tau^2 + s^2)`` and
    ``H^2 = (tau^2 + s^2) / s^2`` with the typical within-study variance
    ``s^2 = (k - 1) sum w / ((sum w)^2 - sum w^2)``, fixed-effect weights ``w`` (Higgins &
    Thompson 2002, eq. 9; as metafor computes them, so ``I^2`` follows the chosen tau^2
    estimator). With HKSJ the prediction interval is
    ``estimate +- t_(k-2) sqrt(se_wald^2 + tau^2)`` (Higgins, Thompson & Spiegelhalter
    2009), undefined for ``k = 2``; with Wald it is metafor's normal one.
    Effects with a missing value are dropped. statsmodels' ``combine_effects`` offers DL
    and Paule-Mandel but not REML, so REML is computed here (Viechtbauer 2005) and
    checked against metafor.

    References
    ----------
    DerSimonian, R., & Laird, N. (1986). Meta-analysis in clinical trials. *Controlled
    Clinical Trials*, 7, 177-188.
    Hartung, J. (1999). An alternative method for meta-analysis. *Biometrical Journal*, 41,
    901-916.
    Hartung, J., & Knapp, G. (2001). A refined method for the meta-analysis of controlled
    clinical trials with binary outcome. *Statistics in Medicine*, 20, 3875-3889.
    Sidik, K., & Jonkman, J. N. (2002). A simple confidence interval for meta-analysis.
    *Statistics in Medicine*, 21, 3153-3159.
    Knapp, G., & Hartung, J. (2003). Improved tests for a random effects meta-regression
    with a single covariate. *Statistics in Medicine*, 22, 2693-2710.
    Roever, C., Knapp, G., & Friede, T. (2015). Hartung-Knapp-Sidik-Jonkman approach and
    its modification for random-effects meta-analysis with few studies. *BMC Medical
    Research Methodology*, 15, 99.
    Jackson, D., Law, M., Ruecker, G., & Schwarzer, G. (2017). The Hartung-Knapp
    modification for random-effects meta-analysis: a useful refinement but are there any
    residual concerns? *Statistics in Medicine*, 36, 3923-3934.
    Higgins, J. P. T., Thompson, S. G., & Spiegelhalter, D. J. (2009). A re-evaluation of
    random-effects meta-analysis. *JRSS A*, 172, 137-159.
    Viechtbauer, W. (2005). Bias and efficiency of meta-analytic variance estimators in the
    random-effects model. *Journal of Educational and Behavioral Statistics*, 30, 261-293.
    Higgins, J. P. T., & Thompson, S. G. (2002). Quantifying heterogeneity in a
    meta-analysis. *Statistics in Medicine*, 21, 1539-1558.
    Viechtbauer, W. (2010). Conducting meta-analyses in R with the metafor package.
    *Journal of Statistical Software*, 36(3).

    Examples
    --------
    >>> pooled = pool_effects([0.30, 0.55, 0.20, 0.45], [0.02, 0.03, 0.025, 0.04])
    >>> pooled.k, round(pooled.estimate, 4), pooled.df
    (4, 0.3545, 3.0)
    """
    check_confidence(confidence)
    if method not in METHODS:
        raise ValueError(f"The pooling method must be 'REML' or 'DL'; got {method!r}.")
    if ci_method not in CI_METHODS:
        raise ValueError(f"ci_method must be one of {', '.join(CI_METHODS)}; got {ci_method!r}.")
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
    table = pooled_table(
        y[None, :], v[None, :], method=method, confidence=confidence, ci_method=ci_method
    )
    one = {name: values[0] for name, values in table.items()}
    weights = 1 / (v + one["tau2"])
    return PooledEffect(
        estimate=float(one["estimate"]),
        se=float(one["se"]),
        ci=(float(one["ci_low"]), float(one["ci_high"])),
        t=float(one["t"]),
        df=float(one["df"]),
        p=float(one["p"]),
        se_wald=float(one["se_wald"]),
        tau2=float(one["tau2"]),
        i2=float(one["i2"]),
        h2=float(one["h2"]),
        q=float(one["q"]),
        q_df=k - 1,
        q_p=float(one["q_p"]),
        prediction_interval=(float(one["pi_low"]), float(one["pi_high"])),
        prediction_df=float(one["pi_df"]),
        k=k,
        weights=weights / weights.sum(),
        method=method,
        ci_method=ci_method,
        converged=bool(one["converged"]),
        confidence=confidence,
    )


def pooled_table(
    y: np.ndarray,
    v: np.ndarray,
    *,
    method: str = "REML",
    confidence: float = 0.95,
    ci_method: str = "hksj",
) -> dict[str, np.ndarray]:
    """Random-effects pooling of every row of ``y`` (rows: analyses, columns: sites).

    All rows must be complete and hold at least 2 sites; this is the vectorised engine
    of :func:`pool_effects` (see there for the formulas).
    """
    if ci_method not in CI_METHODS:
        raise ValueError(f"ci_method must be one of {', '.join(CI_METHODS)}; got {ci_method!r}.")
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
    se_wald = 1 / np.sqrt(sw)
    tail = 0.5 + confidence / 2
    if ci_method == "wald":
        se, df = se_wald, np.full(estimate.shape, np.inf)
        crit = stats.norm.ppf(tail)
        # metafor's predict() after rma(test = "z"): normal quantile
        pi_df = df
        pi_half = crit * np.sqrt(se_wald**2 + tau2)
    else:
        # Hartung & Knapp (2001); Sidik & Jonkman (2002): generalised Q over k - 1
        scale = (w * (y - estimate[..., None]) ** 2).sum(-1) / (k - 1)
        if ci_method == "hksj_adhoc":
            scale = np.maximum(scale, 1.0)  # Knapp & Hartung (2003); Jackson et al. (2017)
        scale = np.where(scale > 0, scale, 1.0)  # all effects equal: no zero-width interval
        se, df = se_wald * np.sqrt(scale), np.full(estimate.shape, k - 1.0)
        crit = stats.t.ppf(tail, k - 1)
        # Higgins, Thompson & Spiegelhalter (2009): t on k - 2 df; undefined for k = 2
        pi_df = np.full(estimate.shape, k - 2.0)
        pi_crit = stats.t.ppf(tail, k - 2) if k > 2 else np.nan
        pi_half = pi_crit * np.sqrt(se_wald**2 + tau2)
    statistic = estimate / se
    # Higgins & Thompson (2002), eq. 9: typical within-study variance
    s2 = (k - 1) * sw_fixed / (sw_fixed**2 - (w_fixed**2).sum(-1))
    return {
        "estimate": estimate,
        "se": se,
        "se_wald": se_wald,
        "df": df,
        "ci_low": estimate - crit * se,
        "ci_high": estimate + crit * se,
        "t": statistic,
        "p": 2 * stats.t.sf(np.abs(statistic), df),
        "tau2": tau2,
        "i2": tau2 / (tau2 + s2),
        "h2": (tau2 + s2) / s2,
        "q": q,
        "q_p": stats.chi2.sf(q, k - 1),
        "pi_low": estimate - pi_half,
        "pi_high": estimate + pi_half,
        "pi_df": pi_df,
        "converged": converged,
    }
