"""Linear mixed model for repeated scores: participants nested in sites (statsmodels MixedLM)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis._checks import check_confidence, warn
from analysis.nested_reml import NestedLikelihood, fit_nested_reml, satterthwaite_df


@dataclass(frozen=True)
class MixedModelResult:
    """Fixed effects and variance components of :func:`mixed_model`."""

    fixed: pd.DataFrame
    variance_components: pd.DataFrame
    formula: str
    n_observations: int
    n_participants: int
    n_sites: int
    converged: bool
    method: str
    confidence: float


def mixed_model(
    long_frame: pd.DataFrame,
    *,
    score: str = "score",
    wave: str | None = "wave",
    group: str | None = None,
    participant: str = "participant",
    site: str | None = "site",
    waves: list[str] | None = None,
    reference_group: str = "comparison",
    confidence: float = 0.95,
    engine: str = "closed_form",
) -> MixedModelResult:
    """Fit ``score ~ wave (x group)`` with random intercepts for participants and sites.

    Parameters
    ----------
    long_frame : pandas.DataFrame
        One row per participant and wave (one scale).
    score, wave, group, participant, site : str
        Column names. ``wave=None`` fits an intercept-only model; ``group=None`` leaves
        out the group terms; ``site=None`` (or a single site) leaves out the site level.
    waves : list of str, optional
        Order of the waves; the first is the reference. Default: sorted.
    reference_group : str, default "comparison"
        Reference level of ``group``.
    confidence : float, default 0.95
        Level of the intervals of the fixed effects.
    engine : {"closed_form", "statsmodels"}, default "closed_form"
        ``"closed_form"`` maximises the restricted likelihood with sums per participant
        and site (:func:`analysis.nested_reml.fit_nested_reml`): seconds for a million
        participants. ``"statsmodels"`` fits the same model with ``MixedLM`` (sites as
        groups, participants as a variance component), which grows with the cube of the
        participants per site (about a minute for 3,000) and serves as a cross-check.

    Returns
    -------
    MixedModelResult
        ``fixed``: one row per term (``term, estimate, se, df, ci_low, ci_high, t, p``);
        ``variance_components``: ``site``, ``participant`` and ``residual`` variances;
        counts, the formula and whether the optimiser converged.

    Raises
    ------
    ValueError
        If a column is missing or fewer than two participants have scores.

    Notes
    -----
    The model is ``y_ijt = x_ijt' b + u_j + v_ij + e_ijt`` with site intercepts
    ``u_j ~ N(0, s_site^2)``, participant-within-site intercepts ``v_ij ~ N(0, s_p^2)``
    and residuals ``e ~ N(0, s_e^2)``, fitted by REML (Laird & Ware 1982; Harville 1977).
    Fixed effects are treatment-coded: the first wave and the reference group are the
    baseline, so ``wave[T1]:group[intervention]`` is the extra change of the intervention
    group. The model uses every available score, so participants who missed a wave still
    count (valid if scores are missing at random). Intervals and p-values use t with
    Satterthwaite's df per term (:func:`analysis.nested_reml.satterthwaite_df`; the
    method of lmerTest), not the normal distribution: with few sites a term that varies
    between sites (the intercept, or a group that differs by site) has few df, and a z
    interval would be too narrow; terms that vary within participants (the waves and their
    interaction with group) keep many df. Both engines agree with R's lme4 on its
    ``Pastes`` example (see the tests).

    References
    ----------
    Laird, N. M., & Ware, J. H. (1982). Random-effects models for longitudinal data.
    *Biometrics*, 38, 963-974.
    Seabold, S., & Perktold, J. (2010). statsmodels: econometric and statistical modeling
    with Python. *Proceedings of the 9th Python in Science Conference*.
    Satterthwaite, F. E. (1946). An approximate distribution of estimates of variance
    components. *Biometrics Bulletin*, 2, 110-114.
    Kuznetsova, A., Brockhoff, P. B., & Christensen, R. H. B. (2017). lmerTest package:
    tests in linear mixed effects models. *Journal of Statistical Software*, 82(13).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> people = np.repeat(np.arange(40), 2)
    >>> frame = pd.DataFrame({"participant": people, "site": people % 4,
    ...     "wave": np.tile(["T0", "T1"], 40),
    ...     "score": rng.normal(size=80) + np.tile([0, 0.5], 40)})
    >>> result = mixed_model(frame)
    >>> list(result.fixed["term"])
    ['Intercept', 'wave[T1]']
    """
    check_confidence(confidence)
    if engine not in ("closed_form", "statsmodels"):
        raise ValueError(f"engine must be 'closed_form' or 'statsmodels'; got {engine!r}.")
    needed = [c for c in (score, wave, group, participant, site) if c is not None]
    missing = [c for c in needed if c not in long_frame.columns]
    if missing:
        raise ValueError(f"The table lacks the column(s) {', '.join(missing)}.")
    data = long_frame[needed]
    data = data[np.isfinite(pd.to_numeric(data[score], errors="coerce").to_numpy(float))]
    participant_code = pd.factorize(data[participant])[0]
    n_participants = int(participant_code.max()) + 1 if participant_code.size else 0
    if n_participants < 2:
        raise ValueError("A mixed model needs scores of at least 2 participants.")
    site_code = pd.factorize(data[site])[0] if site is not None else None
    wave_code, wave_labels = None, None
    if wave is not None:
        labels = data[wave].astype(str)
        wave_labels = list(waves) if waves is not None else sorted(set(labels))
        unknown = sorted(set(labels) - set(wave_labels))
        if unknown:
            raise ValueError(f"The wave(s) {', '.join(unknown)} are not in the given order.")
        wave_code = pd.Categorical(labels, categories=wave_labels).codes.astype(np.intp)
    treated, group_label = None, None
    if group is not None:
        labels = data[group].astype(str).to_numpy()
        others = sorted(set(labels) - {reference_group})
        if len(others) > 1:
            raise ValueError("The group column may hold only two groups.")
        if len(others) == 1 and (labels == reference_group).any():
            group_label = others[0]
            treated = labels == group_label
    return fit_coded(
        pd.to_numeric(data[score]).to_numpy(dtype=float),
        participant_code,
        site_code,
        wave_code=wave_code,
        wave_labels=wave_labels,
        treated=treated,
        group_label=group_label,
        score_name=score,
        confidence=confidence,
        engine=engine,
    )


def fit_coded(
    y: np.ndarray,
    participant_code: np.ndarray,
    site_code: np.ndarray | None,
    *,
    wave_code: np.ndarray | None = None,
    wave_labels: list[str] | None = None,
    treated: np.ndarray | None = None,
    group_label: str = "intervention",
    score_name: str = "score",
    confidence: float = 0.95,
    engine: str = "closed_form",
) -> MixedModelResult:
    """The model of :func:`mixed_model` from integer codes (used by :func:`analysis.evaluate`)."""
    n_participants = int((np.bincount(participant_code) > 0).sum())
    n_sites = int((np.bincount(site_code) > 0).sum()) if site_code is not None else 1
    names, columns = ["Intercept"], [np.ones(y.size)]
    wave_dummies: list[tuple[str, np.ndarray]] = []
    if wave_code is not None and wave_labels is not None:
        present = np.bincount(wave_code, minlength=len(wave_labels)) > 0
        wave_dummies = [
            (f"wave[{label}]", (wave_code == w).astype(float))
            for w, label in enumerate(wave_labels)
            if w > 0 and present[w]
        ]
    for name, column in wave_dummies:
        names.append(name)
        columns.append(column)
    if treated is not None:
        dummy = treated.astype(float)
        group_name = f"group[{group_label}]"
        names.append(group_name)
        columns.append(dummy)
        for name, column in wave_dummies:
            names.append(f"{name}:{group_name}")
            columns.append(column * dummy)
    x = np.column_stack(columns)
    rhs = " * ".join(
        t for t, used in (("wave", bool(wave_dummies)), ("group", treated is not None)) if used
    )
    formula = f"{score_name} ~ {rhs or '1'}"
    sites = site_code if n_sites > 1 else None
    if engine == "closed_form":
        fit = fit_nested_reml(x, y, participant_code, sites)
        estimate, covariance, df = fit.beta, fit.covariance, fit.df
        components = {
            "site": fit.site_variance,
            "participant": fit.participant_variance,
            "residual": fit.residual_variance,
        }
        converged = fit.converged
    else:
        estimate, covariance, components, converged = _fit_statsmodels(
            x, y, participant_code, sites
        )
        theta = [components["residual"], components["participant"]]
        theta += [components["site"]] if sites is not None else []
        likelihood = NestedLikelihood(x, y, participant_code, sites)
        df = satterthwaite_df(likelihood, np.array(theta))
    if not converged:
        warn("The mixed model did not converge; read its estimates with care.")
    se = np.sqrt(np.diag(covariance))
    crit = stats.t.ppf(0.5 + confidence / 2, df)
    fixed = pd.DataFrame(
        {
            "term": names,
            "estimate": estimate,
            "se": se,
            "df": df,
            "ci_low": estimate - crit * se,
            "ci_high": estimate + crit * se,
            "t": estimate / se,
            "p": 2 * stats.t.sf(np.abs(estimate / se), df),
        }
    )
    variance = pd.DataFrame({"component": list(components), "variance": list(components.values())})
    return MixedModelResult(
        fixed=fixed,
        variance_components=variance,
        formula=formula,
        n_observations=int(y.size),
        n_participants=n_participants,
        n_sites=n_sites,
        converged=bool(converged),
        method="REML",
        confidence=confidence,
    )


def _fit_statsmodels(
    x: np.ndarray, y: np.ndarray, participant: np.ndarray, site: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, dict[str, float], bool]:
    from statsmodels.regression.mixed_linear_model import MixedLM

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if site is not None:
            # sites as groups, participants as a variance component (nested effects)
            exog_vc: dict[str, dict] = {"participant": {}}
            for g in np.unique(site):
                codes = pd.factorize(participant[site == g])[0]
                exog_vc["participant"][g] = np.eye(codes.max() + 1)[codes]
            model = MixedLM(y, x, groups=site, exog_re=np.ones((y.size, 1)), exog_vc=exog_vc)
            fit = model.fit(reml=True)
            components = {
                "site": float(
                    fit.cov_re.iloc[0, 0] if hasattr(fit.cov_re, "iloc") else fit.cov_re[0, 0]
                ),
                "participant": float(fit.vcomp[0]),
                "residual": float(fit.scale),
            }
        else:
            model = MixedLM(y, x, groups=participant)
            fit = model.fit(reml=True)
            cov_re = np.asarray(fit.cov_re)
            components = {
                "site": float("nan"),
                "participant": float(cov_re[0, 0]),
                "residual": float(fit.scale),
            }
    p = x.shape[1]
    covariance = np.asarray(fit.cov_params())[:p, :p]
    return np.asarray(fit.fe_params), covariance, components, bool(fit.converged)
