"""Internal consistency of a scale: Cronbach's alpha with Feldt's interval, McDonald's omega."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis._checks import check_confidence, warn


@dataclass(frozen=True)
class Reliability:
    """Internal consistency of one scale (see :func:`cronbach_alpha`)."""

    alpha: float
    ci: tuple[float, float]
    omega: float
    n: int
    k: int
    confidence: float


def cronbach_alpha(items: pd.DataFrame, *, confidence: float = 0.95) -> Reliability:
    """Cronbach's alpha with Feldt's confidence interval, and McDonald's omega.

    Parameters
    ----------
    items : pandas.DataFrame
        One row per participant, one column per item. Rows with a missing item are
        dropped (listwise deletion).
    confidence : float, default 0.95
        Confidence level of the interval for alpha.

    Returns
    -------
    Reliability
        ``alpha``, its interval ``ci``, ``omega`` (total, from a one-factor model), the
        number of complete rows ``n`` and of items ``k``.

    Raises
    ------
    ValueError
        If fewer than two items or two complete rows are given.

    Notes
    -----
    ``alpha = k / (k - 1) * (1 - sum(s_i^2) / s_total^2)`` (Cronbach 1951). Feldt,
    Woodruff & Salih (1987, eqs. 6-7) give the interval
    ``1 - (1 - alpha) F_{(1+c)/2}`` to ``1 - (1 - alpha) F_{(1-c)/2}`` with ``F`` on
    ``n - 1`` and ``(n - 1)(k - 1)`` degrees of freedom. Omega total is
    ``(sum l)^2 / ((sum l)^2 + sum u)`` with loadings ``l`` and uniquenesses ``u`` of a
    one-factor maximum-likelihood model of the item correlations (McDonald 1999, eq. 6.20b),
    fitted with statsmodels' ``Factor``; it is NaN when that model does not converge.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika*, 16, 297-334.
    Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for
    coefficient alpha. *Applied Psychological Measurement*, 11, 93-103.
    McDonald, R. P. (1999). *Test theory: a unified treatment*. Erlbaum.

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 3, 5, 5],
    ...                       "q3": [1, 3, 3, 4, 4]})
    >>> round(cronbach_alpha(items).alpha, 4)
    0.9538
    """
    check_confidence(confidence)
    if not isinstance(items, pd.DataFrame):
        raise ValueError("Give the items as a table (DataFrame) with one column per item.")
    data = items.apply(pd.to_numeric, errors="coerce").dropna().to_numpy(dtype=float)
    n, k = data.shape
    if k < 2:
        raise ValueError(f"Alpha needs at least 2 items; the table has {k}.")
    if n < 2:
        raise ValueError(f"Alpha needs at least 2 participants who answered every item; found {n}.")
    if n < 10:
        warn(f"Only {n} complete rows: alpha is very uncertain.")
    item_var = data.var(axis=0, ddof=1)
    total_var = data.sum(axis=1).var(ddof=1)
    if total_var == 0 or np.any(item_var == 0):
        warn("An item or the total score does not vary: alpha may be undefined.")
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = k / (k - 1) * (1 - item_var.sum() / total_var)
    tail = (1 - confidence) / 2
    df1, df2 = n - 1, (n - 1) * (k - 1)
    # Feldt, Woodruff & Salih (1987), eqs. 6 and 7
    low = 1 - (1 - alpha) * stats.f.ppf(1 - tail, df1, df2)
    high = 1 - (1 - alpha) * stats.f.ppf(tail, df1, df2)
    return Reliability(
        alpha=float(alpha),
        ci=(float(low), float(high)),
        omega=_omega_total(data),
        n=int(n),
        k=int(k),
        confidence=confidence,
    )


def omega_from_correlations(correlations: np.ndarray, nobs: int) -> float:
    """McDonald's omega total of a one-factor ML model fitted to a correlation matrix."""
    from statsmodels.multivariate.factor import Factor

    k = correlations.shape[0]
    if k < 3:
        # A one-factor model is not identified with two items; with two parallel
        # items omega equals the Spearman-Brown reliability of their correlation.
        r = correlations[0, 1]
        return float(2 * r / (1 + r)) if k == 2 else float("nan")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = Factor(corr=correlations, n_factor=1, method="ml", nobs=nobs).fit()
    except (np.linalg.LinAlgError, ValueError):
        return float("nan")
    loadings = np.asarray(fit.loadings)[:, 0]
    uniqueness = np.asarray(fit.uniqueness)
    total = loadings.sum() ** 2
    return float(total / (total + uniqueness.sum()))


def _omega_total(data: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        correlations = np.corrcoef(data, rowvar=False)
    if not np.all(np.isfinite(correlations)):
        return float("nan")
    return omega_from_correlations(correlations, data.shape[0])


def scale_reliabilities(
    item_frames: Mapping[str, pd.DataFrame], *, confidence: float = 0.95
) -> pd.DataFrame:
    """Alpha, its interval and omega for several scales at once, as a tidy table.

    Parameters
    ----------
    item_frames : mapping of str to pandas.DataFrame
        Scale id to its item table (one row per participant, one column per item), for
        example the answers of this sample at baseline.

    Returns
    -------
    pandas.DataFrame
        One row per scale: ``scale, n, k, alpha, alpha_low, alpha_high, omega``. A scale
        whose alpha cannot be computed gets NaN and a ``note``.

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 3, 5, 5],
    ...                       "q3": [1, 3, 3, 4, 4]})
    >>> table = scale_reliabilities({"brs": items})
    >>> list(table.columns)
    ['scale', 'n', 'k', 'alpha', 'alpha_low', 'alpha_high', 'omega', 'note']
    """
    rows = []
    for scale, frame in item_frames.items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = cronbach_alpha(frame, confidence=confidence)
            rows.append(
                {
                    "scale": scale,
                    "n": result.n,
                    "k": result.k,
                    "alpha": result.alpha,
                    "alpha_low": result.ci[0],
                    "alpha_high": result.ci[1],
                    "omega": result.omega,
                    "note": None,
                }
            )
        except ValueError as error:
            rows.append({"scale": scale, "note": str(error)})
    columns = ["scale", "n", "k", "alpha", "alpha_low", "alpha_high", "omega", "note"]
    return pd.DataFrame(rows, columns=columns)
