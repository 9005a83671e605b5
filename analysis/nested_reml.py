"""REML for a linear model with random intercepts for participants nested in sites."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize


@dataclass(frozen=True)
class NestedFit:
    beta: np.ndarray
    covariance: np.ndarray
    df: np.ndarray
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
    ``(X' V^-1 X)^-1``; ``df`` are Satterthwaite's for each coefficient
    (:func:`satterthwaite_df`). Results agree with statsmodels' MixedLM and R's lme4 (see
    the tests).

    References
    ----------
    Harville, D. A. (1977). Maximum likelihood approaches to variance component estimation
    and to related problems. *JASA*, 72, 320-338.
    Searle, S. R., Casella, G., & McCulloch, C. E. (1992). *Variance components*. Wiley.
    Satterthwaite, F. E. (1946). An approximate distribution of estimates of variance
    components. *Biometrics Bulletin*, 2, 110-114.
    Giesbrecht, F. G., & Burns, J. C. (1985). Two-stage analysis based on a mixed model:
    large-sample asymptotic theory and small-sample simulation results. *Biometrics*, 41,
    477-486.
    Kuznetsova, A., Brockhoff, P. B., & Christensen, R. H. B. (2017). lmerTest package:
    tests in linear mixed effects models. *Journal of Statistical Software*, 82(13).
    """
    lik = NestedLikelihood(x, y, participant, site)
    n_ratios = 2 if site is not None else 1
    # fatol is absolute, in units of -2 log-likelihood: 1e-8 is far below any difference
    # that matters and above the rounding error of sums over a million scores
    options = {"xatol": 1e-8, "fatol": 1e-8, "maxfev": 4000}
    best = None
    for start in (np.full(n_ratios, 1.0), np.full(n_ratios, 0.3)):
        result = optimize.minimize(lik.profiled, start, method="Nelder-Mead", options=options)
        # restart from the optimum: Nelder-Mead can stall on a flat ridge
        result = optimize.minimize(lik.profiled, result.x, method="Nelder-Mead", options=options)
        if best is None or result.fun < best.fun:
            best = result
    ratios = best.x**2
    _, q = lik.pieces(np.concatenate([[1.0], ratios]))
    p = lik.p
    rss = q[p, p] - q[:p, p] @ np.linalg.solve(q[:p, :p], q[:p, p])
    residual = rss / (lik.n_obs - p)
    theta = np.concatenate([[residual], residual * ratios])
    converged = bool(best.success) or _is_minimum(lik.profiled, best.x)
    _, q = lik.pieces(theta)
    covariance = np.linalg.inv(q[:p, :p])
    beta = covariance @ q[:p, p]
    return NestedFit(
        beta=beta,
        covariance=covariance,
        df=satterthwaite_df(lik, theta),
        site_variance=float(theta[2]) if site is not None else float("nan"),
        participant_variance=float(theta[1]),
        residual_variance=float(theta[0]),
        converged=converged,
        restricted_loglik=float(
            -0.5 * (lik.objective(theta) + (lik.n_obs - p) * np.log(2 * np.pi))
        ),
    )


class NestedLikelihood:
    """The restricted likelihood of the nested model from sums per participant and site.

    Built once from the data; :meth:`pieces` then costs O(sites x sizes x p^2) for any
    variances ``theta = (s_e^2, s_p^2[, s_site^2])`` (see :func:`fit_nested_reml`).
    """

    def __init__(
        self, x: np.ndarray, y: np.ndarray, participant: np.ndarray, site: np.ndarray | None
    ):
        self.n_obs, self.p = x.shape
        p = self.p
        z = np.column_stack([x, y])
        n_participants = int(participant.max()) + 1
        n_i = np.bincount(participant, minlength=n_participants)
        sums = np.column_stack(
            [
                np.bincount(participant, weights=z[:, c], minlength=n_participants)
                for c in range(p + 1)
            ]
        )
        present = n_i > 0
        n_i, sums = n_i[present], sums[present]
        self.sizes, size_code = np.unique(n_i, return_inverse=True)
        n_sizes = self.sizes.size
        self.zz = z.T @ z
        self.g = np.stack([sums[size_code == m].T @ sums[size_code == m] for m in range(n_sizes)])
        self.count = np.bincount(size_code, minlength=n_sizes).astype(float)
        self.n_people = float(n_i.size)
        self.has_site = site is not None
        if site is not None:
            site_of = np.zeros(n_participants, dtype=np.intp)
            site_of[participant] = site
            site_of = site_of[present]
            n_sites = int(site_of.max()) + 1
            cell = site_of * n_sizes + size_code
            self.h = np.stack(
                [
                    np.bincount(cell, weights=sums[:, c], minlength=n_sites * n_sizes)
                    for c in range(p + 1)
                ],
                axis=-1,
            ).reshape(n_sites, n_sizes, p + 1)
            self.c_js = np.bincount(cell, minlength=n_sites * n_sizes).reshape(n_sites, n_sizes)

    def pieces(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """log|V| and [X y]' V^-1 [X y] for variances (s_e^2, s_p^2[, s_site^2])."""
        s_e, s_p = theta[0], theta[1]
        s_s = theta[2] if self.has_site else 0.0
        u = 1.0 / (s_e + self.sizes * s_p)  # 1' D_i^-1 1 / n_i for each participant size
        c = s_p * u
        q = (self.zz - np.tensordot(c, self.g, axes=1)) / s_e
        logdet = (self.n_obs - self.n_people) * np.log(s_e) + (
            self.count * np.log(s_e + self.sizes * s_p)
        ).sum()
        if self.has_site and s_s > 0:
            s_j = np.einsum("m,jmc->jc", u, self.h)
            t_j = self.c_js @ (u * self.sizes)
            factor = s_s / (1 + s_s * t_j)
            q = q - np.einsum("j,ja,jb->ab", factor, s_j, s_j)
            logdet += np.log1p(s_s * t_j).sum()
        return logdet, q

    def objective(self, theta: np.ndarray) -> float:
        """-2 x restricted log-likelihood without the constant (Harville 1977, eq. 3.6)."""
        p = self.p
        logdet, q = self.pieces(theta)
        a, b = q[:p, :p], q[:p, p]
        sign, logdet_a = np.linalg.slogdet(a)
        if sign <= 0:
            return np.inf
        return float(logdet + logdet_a + q[p, p] - b @ np.linalg.solve(a, b))

    def profiled(self, root: np.ndarray) -> float:
        """The objective with s_e^2 profiled out, as a function of root = sqrt(ratios)."""
        # V = s_e^2 W(rho) with variance ratios rho = root^2 (zero is an interior point of
        # root); s_e^2 = r'W^-1 r / (n - p) (Harville 1977, sec. 4)
        p = self.p
        logdet, q = self.pieces(np.concatenate([[1.0], root**2]))
        a, b = q[:p, :p], q[:p, p]
        sign, logdet_a = np.linalg.slogdet(a)
        if sign <= 0:
            return np.inf
        rss = q[p, p] - b @ np.linalg.solve(a, b)
        if not rss > 0:
            return np.inf
        return float((self.n_obs - p) * np.log(rss) + logdet + logdet_a)

    def covariance(self, theta: np.ndarray) -> np.ndarray:
        """Covariance of the GLS estimate, (X' V^-1 X)^-1, at the variances theta."""
        _, q = self.pieces(theta)
        return np.linalg.inv(q[: self.p, : self.p])


def satterthwaite_df(lik: NestedLikelihood, theta: np.ndarray) -> np.ndarray:
    """Satterthwaite's denominator df of each fixed effect at the REML variances ``theta``.

    Notes
    -----
    For coefficient ``j`` with variance ``phi_j(theta) = [(X' V^-1 X)^-1]_jj``,
    ``df_j = 2 phi_j^2 / (g' A g)`` with ``g`` the gradient of ``phi_j`` in the variances
    and ``A`` their asymptotic covariance, twice the inverse Hessian of -2 x the restricted
    log-likelihood (Satterthwaite 1946; Giesbrecht & Burns 1985; the method of lmerTest,
    Kuznetsova, Brockhoff & Christensen 2017). Derivatives are central differences with
    a step of 1% of the variance (at least 0.01% of the total variance, at most half the
    variance): smaller steps drown in the rounding of the likelihood's sums; this one
    reproduces the balanced-ANOVA df of the tests to about 1e-4. A variance estimated at
    zero (below 1e-8 of the residual variance) is held fixed, as its likelihood has no
    interior optimum there. In balanced nested data the df equal those of the classical ANOVA:
    ``sites - 1`` for the mean of Davies & Goldsmith's Pastes (see the tests). Where
    ``phi_j`` does not depend on the variances the df are infinite.
    """
    free = np.flatnonzero(theta > 1e-8 * theta[0])
    free = free[np.isfinite(theta[free])]
    # a step on the scale of the total variance, but never past zero
    step = np.minimum(1e-2 * np.maximum(theta[free], 1e-2 * theta.sum()), theta[free] / 2)

    def shifted(*moves: tuple[int, float]) -> np.ndarray:
        point = theta.astype(float).copy()
        for i, sign in moves:
            point[free[i]] += sign * step[i]
        return point

    m = free.size
    hessian = np.empty((m, m))
    centre = lik.objective(theta)
    for i in range(m):
        hessian[i, i] = (
            lik.objective(shifted((i, 1))) - 2 * centre + lik.objective(shifted((i, -1)))
        ) / step[i] ** 2
        for j in range(i):
            value = (
                lik.objective(shifted((i, 1), (j, 1)))
                - lik.objective(shifted((i, 1), (j, -1)))
                - lik.objective(shifted((i, -1), (j, 1)))
                + lik.objective(shifted((i, -1), (j, -1)))
            ) / (4 * step[i] * step[j])
            hessian[i, j] = hessian[j, i] = value
    a = 2 * np.linalg.inv(hessian)
    gradient = np.stack(
        [
            (np.diag(lik.covariance(shifted((i, 1)))) - np.diag(lik.covariance(shifted((i, -1)))))
            / (2 * step[i])
            for i in range(m)
        ],
        axis=-1,
    )  # (p, m)
    phi = np.diag(lik.covariance(theta))
    spread = np.einsum("pi,ij,pj->p", gradient, a, gradient)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(spread > 0, 2 * phi**2 / spread, np.inf)


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
