"""The claim an evaluation supports, on the evidence levels of the Erkenningscommissie."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.claim_texts import LANGUAGES, claim_text, decimal, p_text
from analysis.results import DESIGN_CEILING, EVIDENCE_LEVELS, Claim, ScaleInfo

#: Largest standardised baseline difference between the groups of a quasi-experimental
#: design that still counts as comparable (What Works Clearinghouse 2022: above 0.25 SD no
#: adjustment makes the groups equivalent; Rubin 2001 and Stuart 2010 use the same limit).
BALANCE_LIMIT = 0.25

#: What a comparison row says about the effect: it supports a claim, or why not.
VERDICTS = ("supports", "imbalanced", "unchecked", "disagree", "no_difference")

Part = Callable[[str], str]


def comparison_verdicts(
    design: str,
    good_sign: np.ndarray,
    ancova_effect: np.ndarray,
    ancova_p_adjusted: np.ndarray,
    did: np.ndarray,
    did_p_adjusted: np.ndarray,
    baseline_d: np.ndarray,
    alpha: float,
) -> np.ndarray:
    """Per comparison row, one of :data:`VERDICTS` (vectorised, so simulations can use it).

    Parameters
    ----------
    design : {"pre_post_comparison", "randomised"}
        The design: randomised designs read the ANCOVA alone.
    good_sign : array of +1 or -1
        +1 where a higher score is better.
    ancova_effect, ancova_p_adjusted, did, did_p_adjusted : arrays
        Effects (intervention - comparison) and their adjusted p-values.
    baseline_d : array
        Standardised baseline difference between the groups.
    alpha : float
        Significance level.

    Returns
    -------
    numpy.ndarray of str
        ``supports``: randomised, ANCOVA in the good direction with adjusted p < alpha; or
        quasi-experimental, ANCOVA and difference-in-differences both so and
        |baseline_d| <= :data:`BALANCE_LIMIT`. Otherwise, for a quasi-experimental row
        where either estimate favours the intervention: ``imbalanced`` (the groups differ
        more than the limit at baseline), ``unchecked`` (balance cannot be computed) or
        ``disagree`` (only one of the two estimates favours it). Else ``no_difference``.

    Notes
    -----
    ANCOVA on a baseline measured with error under-adjusts a baseline difference (Lord
    1967; Van Breukelen 2006); difference-in-differences is biased instead when the groups
    would not have changed alike, e.g. with selection on a low baseline and regression to
    the mean. When both favour the intervention, the effect holds under either
    assumption: they bracket it (Angrist & Pischke 2009, section 5.4). Randomisation
    makes baseline differences chance, which ANCOVA handles (Senn 1994).
    """
    sign = np.asarray(good_sign, dtype=float)
    with np.errstate(invalid="ignore"):
        ancova_ok = (np.asarray(ancova_p_adjusted, dtype=float) < alpha) & (
            sign * np.asarray(ancova_effect, dtype=float) > 0
        )
        verdict = np.full(ancova_ok.shape, "no_difference", dtype=object)
        if design == "randomised":
            verdict[ancova_ok] = "supports"
            return verdict
        did_ok = (np.asarray(did_p_adjusted, dtype=float) < alpha) & (
            sign * np.asarray(did, dtype=float) > 0
        )
        balance = np.abs(np.asarray(baseline_d, dtype=float))
    either = ancova_ok | did_ok
    balanced = balance <= BALANCE_LIMIT
    verdict[either & balanced & (ancova_ok != did_ok)] = "disagree"
    verdict[either & (balance > BALANCE_LIMIT)] = "imbalanced"
    verdict[either & np.isnan(balance)] = "unchecked"
    verdict[ancova_ok & did_ok & balanced] = "supports"
    return verdict


def make_claim(
    design: str,
    waves: Sequence[str],
    infos: Mapping[str, ScaleInfo],
    pooled: pd.DataFrame,
    comparison: pd.DataFrame,
    site_effects: pd.DataFrame,
    alpha: float,
    has_comparison: bool,
) -> Claim:
    """The strongest claim the design and the comparisons from baseline support.

    Only wave pairs that start at the baseline (the first wave) count: a later pair such
    as T1 -> T2 adjusts for a score the intervention may already have changed. See
    :func:`analysis.evaluate` for the levels and :func:`comparison_verdicts` for the rule
    a comparison row must pass.
    """
    baseline = waves[0]

    def good(scale: str) -> float:
        return 1.0 if infos[scale].higher_is_better else -1.0

    def where(rows: pd.DataFrame) -> str:
        pairs: dict[str, list[str]] = {}
        for r in rows.itertuples():
            pairs.setdefault(infos[r.scale].label, []).append(f"{r.wave_from}–{r.wave_to}")
        return "; ".join(f"{label}: {', '.join(waves)}" for label, waves in pairs.items())

    from_baseline = pooled[pooled["wave_from"] == baseline]
    improved = {
        group: from_baseline[
            (from_baseline["group"] == group)
            & (from_baseline["p_adjusted"].astype(float) < alpha)
            & (from_baseline["estimate"] * from_baseline["scale"].map(good) > 0)
        ]
        for group in ("intervention", "comparison")
    }
    constant = _constant_part(site_effects, baseline, infos)
    parts: list[Part] = []
    basis = [f"Claims rest on comparisons from the baseline wave {baseline}."]
    if design == "pre_post" or not has_comparison:
        if len(improved["intervention"]):
            parts += [_say("claim_first"), _say("design_pre_post")]
            basis.append(
                "The intervention group improved (pooled d_z, adjusted p < "
                f"{alpha}) on: {where(improved['intervention'])}."
            )
            return _claim("first_indication", design, parts, basis)
        parts.append(_say("claim_none"))
        parts.append(constant or _say("none_nobody_alone"))
        basis.append(f"No pooled change of the intervention group with adjusted p < {alpha}.")
        return _claim("no_indication", design, parts, basis)

    rows = comparison[(comparison["site"] == "all") & (comparison["wave_from"] == baseline)]
    verdict = comparison_verdicts(
        design,
        rows["scale"].map(good).to_numpy(dtype=float),
        rows["ancova_effect"].to_numpy(dtype=float),
        rows["p_adjusted"].to_numpy(dtype=float),
        rows["did"].to_numpy(dtype=float),
        rows["did_p_adjusted"].to_numpy(dtype=float),
        rows["baseline_d"].to_numpy(dtype=float),
        alpha,
    )
    design_part = _say("design_randomised" if design == "randomised" else "design_quasi")
    basis.append(_rule(design, alpha) + " " + _figures(rows, verdict))
    supports = rows[verdict == "supports"]
    if len(supports):
        if design == "randomised":
            return _randomised_claim(supports, rows, verdict, waves, where, design_part, basis)
        parts += [_say("claim_good_quasi", where=where(supports)), _say("quasi_checks_passed")]
        return _claim("good_indication", design, parts, basis)
    failed = np.isin(verdict, ("imbalanced", "unchecked", "disagree"))
    if failed.any():
        reasons = _reasons(rows[failed], verdict[failed], where)
        if len(improved["intervention"]):
            parts += [_say("claim_first"), design_part, _say("stepped_down", reasons=reasons)]
            return _claim("first_indication", design, parts, basis)
        parts += [_say("claim_none"), design_part, _say("stepped_down_none", reasons=reasons)]
        return _claim("no_indication", design, parts, basis)
    key = {
        (True, True): "none_both",
        (True, False): "none_not_more",
        (False, True): "none_only_comparison",
        (False, False): "none_nobody",
    }[(len(improved["intervention"]) > 0, len(improved["comparison"]) > 0)]
    detail = constant if constant and key == "none_nobody" else _say(key)
    return _claim("no_indication", design, [_say("claim_none"), design_part, detail], basis)


def _randomised_claim(
    supports: pd.DataFrame,
    rows: pd.DataFrame,
    verdict: np.ndarray,
    waves: Sequence[str],
    where: Callable[[pd.DataFrame], str],
    design_part: Part,
    basis: list[str],
) -> Claim:
    last = waves[-1]
    lasting = supports[supports["wave_to"] == last]
    if len(waves) >= 3 and len(lasting):
        basis.append(f"The difference lasted from {waves[0]} until the follow-up wave {last}.")
        parts = [_say("claim_strong", where=where(lasting)), design_part]
        return _claim("strong_indication", "randomised", parts, basis)
    if len(waves) < 3:
        follow_up = _say("follow_up_none")
    elif (rows["wave_to"] == last).any():
        follow_up = _say("follow_up_unclear", last=last)
    else:  # e.g. wave_pairs="consecutive": T0 -> T2 was never compared
        follow_up = _say("follow_up_missing", last=last)
    basis.append(f"Strong indications need the comparison {waves[0]}-{last} to support it too.")
    parts = [_say("claim_good_randomised", where=where(supports)), design_part, follow_up]
    return _claim("good_indication", "randomised", parts, basis)


def _claim(level: str, design: str, parts: list[Part], basis: list[str]) -> Claim:
    assert level in EVIDENCE_LEVELS
    texts = {language: " ".join(part(language) for part in parts) for language in LANGUAGES}
    return Claim(
        level=level,
        design_ceiling=DESIGN_CEILING[design],
        text_en=texts["en"],
        text_nl=texts["nl"],
        basis=" ".join(basis),
    )


def _say(key: str, **values: object) -> Part:
    """A sentence to be written in either language; callables in ``values`` get the language."""

    def part(language: str) -> str:
        filled = {k: v(language) if callable(v) else v for k, v in values.items()}
        return claim_text(language, key, **filled)

    return part


def _reasons(rows: pd.DataFrame, verdicts: np.ndarray, where: Callable) -> Part:
    """Why the comparison rows that favour the intervention do not carry a claim."""

    def reasons(language: str) -> str:
        def items(verdict: str, key: str, values: Callable[[pd.Series], dict]) -> str:
            chosen = rows[verdicts == verdict]
            return "; ".join(
                claim_text(language, key, where=where(chosen.loc[[i]]), **values(row))
                for i, row in chosen.iterrows()
            )

        out = []
        if (verdicts == "imbalanced").any():
            listed = items(
                "imbalanced",
                "item_imbalanced",
                lambda row: {"d": decimal(row["baseline_d"], language)},
            )
            out.append(
                claim_text(
                    language,
                    "reason_imbalanced",
                    items=listed,
                    limit=decimal(BALANCE_LIMIT, language),
                )
            )
        if (verdicts == "unchecked").any():
            places = where(rows[verdicts == "unchecked"])
            out.append(claim_text(language, "reason_unchecked", items=places))
        if (verdicts == "disagree").any():
            listed = items(
                "disagree",
                "item_disagree",
                lambda row: {
                    "ancova": decimal(row["ancova_d"], language),
                    "p_ancova": p_text(row["p_adjusted"], language),
                    "did": decimal(row["did_d"], language),
                    "p_did": p_text(row["did_p_adjusted"], language),
                },
            )
            out.append(claim_text(language, "reason_disagree", items=listed))
        return "; ".join(out)

    return reasons


def _constant_part(
    site_effects: pd.DataFrame, baseline: str, infos: Mapping[str, ScaleInfo]
) -> Part | None:
    """The sentence for intervention-group sites where everyone changed alike, if any."""
    if "constant_change" not in site_effects:
        return None
    rows = site_effects[
        (site_effects["group"] == "intervention")
        & (site_effects["wave_from"] == baseline)
        & (site_effects["constant_change"] == 1)  # bool, or float after disclosure
    ]
    if rows.empty:
        return None
    # sites and scales only: the claim is published as it is, and a row's figures may be
    # ones that disclose() blanks
    places = "; ".join(
        f"{r.site} ({infos[r.scale].label}, {r.wave_from}–{r.wave_to})" for r in rows.itertuples()
    )
    return _say("constant", where=places)


def _rule(design: str, alpha: float) -> str:
    if design == "randomised":
        return (
            "Randomised design: a comparison supports the claim when the site-adjusted "
            f"ANCOVA favours the intervention group with adjusted p < {alpha}."
        )
    return (
        "Quasi-experimental design (no randomisation): a comparison supports the claim when "
        f"the groups' standardised baseline difference is at most {BALANCE_LIMIT} and both "
        f"ANCOVA and difference-in-differences favour the intervention with adjusted p < {alpha}."
    )


def _figures(rows: pd.DataFrame, verdict: np.ndarray) -> str:
    lines = [
        f"{row.scale} ({row.wave_from}-{row.wave_to}): baseline d {row.baseline_d:.2f}, "
        f"ANCOVA d {row.ancova_d:.2f} (adjusted p {row.p_adjusted:.3g}), DiD d "
        f"{row.did_d:.2f} (adjusted p {row.did_p_adjusted:.3g}): {v.replace('_', ' ')}."
        for row, v in zip(rows.itertuples(), verdict, strict=True)
    ]
    return " ".join(lines) if lines else "No comparison from baseline could be computed."
