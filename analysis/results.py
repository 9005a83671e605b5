"""The result of an evaluation, its claim, and the scale descriptions it needs."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Evidence levels (Erkenningscommissie Interventies), weakest first.
EVIDENCE_LEVELS: tuple[str, ...] = (
    "no_indication",
    "first_indication",
    "good_indication",
    "strong_indication",
)

#: The strongest level each design can support (DOMAIN.md).
DESIGN_CEILING: dict[str, str] = {
    "pre_post": "first_indication",
    "pre_post_comparison": "good_indication",
    "randomised": "strong_indication",
}


@dataclass(frozen=True)
class ScaleInfo:
    """What the analysis needs to know about a scale (given by the caller, e.g. from surveys).

    Attributes
    ----------
    label : str
        Name to show, e.g. "Brief Resilience Scale".
    higher_is_better : bool
        Direction of improvement.
    reference_sd : float
        SD in a reference sample, for the reliable change index.
    reliability : float
        Reliability (test-retest or alpha) in that reference sample, in (0, 1).
    cutoff : float, optional
        Clinical cutoff (Jacobson-Truax c) for "recovered" and "harmed".
    reference_source : str, optional
        Where ``reference_sd`` and ``reliability`` come from (shown in reports).
    """

    label: str
    higher_is_better: bool
    reference_sd: float
    reliability: float
    cutoff: float | None = None
    reference_source: str | None = None


@dataclass(frozen=True)
class Claim:
    """The strongest claim the data and the design support (see :mod:`analysis.claims`).

    Attributes
    ----------
    level : str
        One of :data:`EVIDENCE_LEVELS`.
    design_ceiling : str
        The strongest level the design could support.
    text_en, text_nl : str
        The claim in plain words: the level, the design (quasi-experimental or
        randomised where there is a comparison group), and why the claim stepped down or
        what happened when there is no indication.
    basis : str
        The rule and the figures behind it, for an expert (English).
    """

    level: str
    design_ceiling: str
    text_en: str
    text_nl: str
    basis: str


TABLES: tuple[str, ...] = (
    "site_effects",
    "pooled",
    "comparison",
    "attrition",
    "attrition_baseline",
    "mixed_model",
    "variance_components",
    "suppressed",
)


@dataclass(frozen=True)
class EvaluationResult:
    """Everything :func:`analysis.evaluate` found, as tidy tables plus the claim.

    Every table is a pandas DataFrame with one row per unit named in its first columns;
    nothing is rounded. Tables:

    ``site_effects``
        scale x site x group x wave pair (``wave_from``, ``wave_to``): ``n`` complete
        pairs, ``mean_pre, mean_post, sd_pre, sd_post, mean_diff, sd_diff, r, d_z, d_z_low,
        d_z_high, d_av, g_av, t, df, p, p_adjusted, wilcoxon_p``, the reliable-change counts
        ``recovered, improved, unchanged, deteriorated, harmed`` and ``improvement``: the
        change in the scale's good direction in SD units of the differences (``d_z``, sign
        flipped when lower is better), ``constant_change`` (every participant changed by
        the same amount: the SD of the differences is 0, d_z is undefined and the row is
        not pooled; ``notes`` names it).
    ``pooled``
        scale x group x wave pair: random-effects pooling of the sites' ``d_z``: ``k``
        sites, ``n``, ``estimate, se, ci_low, ci_high, z, p, p_adjusted, tau2, i2, h2, q,
        q_p, pi_low, pi_high, method``, and the summed reliable-change counts.
    ``comparison``
        scale x wave pair x site (``site`` is ``"all"`` for the site-adjusted row):
        ANCOVA and difference-in-differences of intervention versus comparison
        (``n_intervention, n_comparison, ancova_effect, ancova_se, ancova_low, ancova_high,
        ancova_p, ancova_d, did, did_se, did_low, did_high, did_p, did_d, sd_pre_pooled,
        baseline_diff, baseline_d, df_ancova, df_did``), ``site_adjusted`` (site fixed
        effects were used: only when every site has both groups), and for the "all" rows
        ``p_adjusted`` (ANCOVA) and ``did_p_adjusted``, each adjusted over those rows.
        ``baseline_d`` is the groups' standardised difference at baseline, which the claim
        of a quasi-experimental design checks. Empty for a pre/post design.
    ``attrition`` / ``attrition_baseline``
        See :func:`analysis.attrition`.
    ``mixed_model`` / ``variance_components``
        Fixed effects (``scale, term, estimate, se, ci_low, ci_high, z, p``) and variance
        components per scale; empty when skipped (see ``notes``).
    ``suppressed``
        After :func:`analysis.disclose`: ``table, row, column, reason`` per blanked cell.

    Other fields: ``design``, ``waves`` (in order), ``scales`` (id -> label),
    ``n_participants``, ``claim`` (:class:`Claim`), ``notes`` (plain sentences about what
    was skipped or doubtful), ``min_cell`` (``None`` until disclosed) and ``confidence``.
    """

    design: str
    waves: tuple[str, ...]
    scales: dict[str, str]
    n_participants: int | None
    site_effects: pd.DataFrame
    pooled: pd.DataFrame
    comparison: pd.DataFrame
    attrition: pd.DataFrame
    attrition_baseline: pd.DataFrame
    mixed_model: pd.DataFrame
    variance_components: pd.DataFrame
    claim: Claim
    notes: tuple[str, ...] = ()
    suppressed: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["table", "row", "column", "reason"])
    )
    min_cell: int | None = None
    confidence: float = 0.95

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """All tables by name (copies), e.g. for an Excel workbook with a sheet each."""
        return {name: getattr(self, name).copy() for name in TABLES}

    def to_dict(self) -> dict:
        """A JSON-serialisable dict: tables as lists of records, NaN as ``None``."""
        return {
            "design": self.design,
            "waves": list(self.waves),
            "scales": dict(self.scales),
            "n_participants": self.n_participants,
            "claim": {
                "level": self.claim.level,
                "design_ceiling": self.claim.design_ceiling,
                "text_en": self.claim.text_en,
                "text_nl": self.claim.text_nl,
                "basis": self.claim.basis,
            },
            "notes": list(self.notes),
            "min_cell": self.min_cell,
            "confidence": self.confidence,
            "tables": {name: _records(getattr(self, name)) for name in TABLES},
        }


def _plain(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    columns = [str(c) for c in frame.columns]
    return [
        {column: _plain(value) for column, value in zip(columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]
