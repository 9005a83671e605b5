"""REML for a linear model with random intercepts for participants nested in sites."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize


@dataclass(frozen=True)
class NestedFit:
    beta: np.ndarray
    covariance: np.ndarray
    site_variance: float
    participant_variance: float
    residual_variance: float
    converged: bool
    restricted_loglik: float


def fit_nested_reml(
    x: np.ndarray, y: np.ndarray, participant: np.ndarray, site: np.ndarray | None
) -> NestedFit:
    """REML fit of ``y = X b + u_site + v_participant + e`` (all random effects normal).

    Parameters
    ----------
    x : (n, p) array
        Fixed-effects design matrix (full column rank).
    y : (n,) array
        Responses.
    participant : (n,) int array
        Participant codes 0..P-1; participants are nested in sites.
    site : (n,) int array or None
        Site codes 0..J-1, or None for a model without a site level.

    Notes
    -----
    The covariance of one site is ``V = D + s_site^2 11'`` with ``D`` block-diagonal over
    participants, ``D_i = s_e^2 I + s_p^2 11'``. Both inverses follow from the
    Sherman-Morrison formula: ``D_i^-1 = (I - c_i 11') / s_e^2`` with
    ``c_i = s_p^2 / (s_e^2 + n_i s_p^2)``, and ``log|D_i| = (n_i - 1) log s_e^2 +
    log(s_e^2 + n_i s_p^2)`` (Searle, Casella & McCulloch 1992, ch. 3 and 6). Every
    quadratic form ``a' V^-1 b`` of the restricted likelihood (Harville 1977, eq. 3.6)
    then needs only sums of the columns of ``[X y]`` per participant, grouped by site and
    by participant size ``n_i``, so one evaluation costs O(sites x waves x p^2) whatever
    the number of participants. The residual variance is profiled out and the two variance
    ratios maximise the restricted likelihood (Nelder-Mead on their square roots, so a
    variance of zero is reachable); ``b`` is the GLS estimate and its covariance
    ``(X' V^-1 X)^-1``. Results agree with statsmodels' MixedLM and R's lme4 (see the
    tests).

    References
    ----------
    Harville, D. A. (1977). Maximum likelihood approaches to variance component estimation
    and to related problems. *JASA*, 72, 320-338.
    Searle, S. R., Casella, G., & McCulloch, C. E. (1992). *Variance components*. Wiley.
    """
    n_obs, p = x.shape
    z = np.column_stack([x, y])
    n_participants = int(participant.max()) + 1
    n_i = np.bincount(participant, minlength=n_participants)
    sums = np.column_stack(
        [np.bincount(participant, weights=z[:, c], minlength=n_participants) for c in range(p + 1)]
    )
    present = n_i > 0
    n_i, sums = n_i[present], sums[present]
    sizes, size_code = np.unique(n_i, return_inverse=True)
    n_sizes = sizes.size
    zz = z.T @ z
    g = np.stack([sums[size_code == m].T @ sums[size_code == m] for m in range(n_sizes)])
    count = np.bincount(size_code, minlength=n_sizes).astype(float)
    if site is not None:
        site_of = np.zeros(n_participants, dtype=np.intp)
        site_of[participant] = site
        site_of = site_of[present]
        n_sites = int(site_of.max()) + 1
        cell = site_of * n_sizes + size_code
        h = np.stack(
            [
                np.bincount(cell, weights=sums[:, c], minlength=n_sites * n_sizes)
                for c in range(p + 1)
            ],
            axis=-1,
        ).reshape(n_sites, n_sizes, p + 1)
        c_js = np.bincount(cell, minlength=n_sites * n_sizes).reshape(n_sites, n_sizes)
    n_people = float(n_i.size)

    def pieces(theta: np.ndarray) -> tuple[float, np.ndarray]:
        """log|V| and [X y]' V^-1 [X y] for variances (s_e^2, s_p^2[, s_site^2])."""
        s_e, s_p = theta[0], theta[1]
        s_s = theta[2] if site is not None else 0.0
        u = 1.0 / (s_e + sizes * s_p)  # 1' D_i^-1 1 / n_i for each participant size
        c = s_p * u
        q = (zz - np.tensordot(c, g, axes=1)) / s_e
        logdet = (n_obs - n_people) * np.log(s_e) + (count * np.log(s_e + sizes * s_p)).sum()
        if site is not None and s_s > 0:
            s_j = np.einsum("m,jmc->jc", u, h)
            t_j = c_js @ (u * sizes)
            factor = s_s / (1 + s_s * t_j)
            q = q - np.einsum("j,ja,jb->ab", factor, s_j, s_j)
            logdet += np.log1p(s_s * t_j).sum()
        return logdet, q

    def objective(theta: np.ndarray) -> float:
        logdet, q = pieces(theta)
        a, b = q[:p, :p], q[:p, p]
        sign, logdet_a = np.linalg.slogdet(a)
        if sign <= 0:
            return np.inf
        # -2 x restricted log-likelihood without the constant (Harville 1977, eq. 3.6)
        return float(logdet + logdet_a + q[p, p] - b @ np.linalg.solve(a, b))

    n_ratios = 2 if site is not None else 1

    def profiled(root: np.ndarray) -> float:
        # V = s_e^2 W(rho) with variance ratios rho = root^2 (zero is an interior point of
        # root); s_e^2 is profiled out: s_e^2 = r'W^-1 r / (n - p) (Harville 1977, sec. 4)
        theta = np.concatenate([[1.0], root**2])
        logdet, q = pieces(theta)
        a, b = q[:p, :p], q[:p, p]
        sign, logdet_a = np.linalg.slogdet(a)
        if sign <= 0:
            return np.inf
        rss = q[p, p] - b @ np.linalg.solve(a, b)
        if not rss > 0:
            return np.inf
        return float((n_obs - p) * np.log(rss) + logdet + logdet_a)

    # fatol is absolute, in units of -2 log-likelihood: 1e-8 is far below any difference
    # that matters and above the rounding error of sums over a million scores
    options = {"xatol": 1e-8, "fatol": 1e-8, "maxfev": 4000}
    best = None
    for start in (np.full(n_ratios, 1.0), np.full(n_ratios, 0.3)):
        result = optimize.minimize(profiled, start, method="Nelder-Mead", options=options)
        # restart from the optimum: Nelder-Mead can stall on a flat ridge
        result = optimize.minimize(profiled, result.x, method="Nelder-Mead", options=options)
        if best is None or result.fun < best.fun:
            best = result
    ratios = best.x**2
    _, q = pieces(np.concatenate([[1.0], ratios]))
    rss = q[p, p] - q[:p, p] @ np.linalg.solve(q[:p, :p], q[:p, p])
    residual = rss / (n_obs - p)
    theta = np.concatenate([[residual], residual * ratios])
    converged = bool(best.success) or _is_minimum(profiled, best.x)
    _, q = pieces(theta)
    covariance = np.linalg.inv(q[:p, :p])
    beta = covariance @ q[:p, p]
    return NestedFit(
        beta=beta,
        covariance=covariance,
        site_variance=float(theta[2]) if site is not None else float("nan"),
        participant_variance=float(theta[1]),
        residual_variance=float(theta[0]),
        converged=converged,
        restricted_loglik=float(-0.5 * (objective(theta) + (n_obs - p) * np.log(2 * np.pi))),
    )


def _is_minimum(objective, root: np.ndarray) -> bool:
    # Nelder-Mead may stop at its evaluation limit on a flat optimum; accept the point
    # when no small step along any axis lowers the objective by more than 1e-8.
    base = objective(root)
    if not np.isfinite(base):
        return False
    for i in range(root.size):
        for step in (-1e-4, 1e-4):
            trial = root.copy()
            trial[i] += step * max(1.0, abs(trial[i]))
            if objective(trial) < base - 1e-8:
                return False
    return True
