"""Statistics for evaluating social interventions: effects, reliable change, pooling, claims.

``analysis`` works on pandas DataFrames and plain arrays only; it never imports the web
application, the database layer or ``surveys``. An evaluator can use it in a notebook::

    import pandas as pd
    from analysis import ScaleInfo, evaluate, disclose

    scores = pd.read_csv("scores.csv")  # participant, site, group, wave, scale, score
    scales = {"brs": ScaleInfo("Brief Resilience Scale", higher_is_better=True,
                               reference_sd=0.7, reliability=0.8, cutoff=3.0)}
    result = evaluate(scores, "pre_post_comparison", scales, waves=["T0", "T1", "T2"])
    public = disclose(result, min_cell=10)   # for reports and the ministry
    public.to_frames()["pooled"]             # tidy tables
    public.to_dict()                         # JSON for the API
    public.claim.text_nl                     # the sentence the report leads with

Interface for the web app, the PDF report and the exports: :class:`EvaluationResult`.
Its tables (all pandas DataFrames, one row per unit, nothing rounded) are

* ``site_effects``: scale x site x group x wave pair -- ``n``, ``mean_pre``,
  ``mean_post``, ``sd_pre``, ``sd_post``, ``mean_diff``, ``sd_diff``, ``r``, ``d_z``,
  ``d_z_low``, ``d_z_high``, ``d_av``, ``g_av``, ``t``, ``df``, ``p``, ``p_adjusted``,
  ``wilcoxon_p``, the reliable-change counts ``recovered``, ``improved``,
  ``unchanged``, ``deteriorated``, ``harmed``, and ``improvement`` (``d_z`` signed so
  that positive is better);
* ``pooled``: scale x group x wave pair -- random-effects pooling of the sites' ``d_z``
  (``k``, ``n``, ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``p``, ``p_adjusted``,
  ``tau2``, ``i2``, ``h2``, ``q``, ``q_p``, ``pi_low``, ``pi_high``) and summed counts;
* ``comparison``: scale x wave pair x site (``"all"`` = across sites) -- ANCOVA and
  difference-in-differences, raw and standardised, with intervals;
* ``attrition`` (site x group x wave) and ``attrition_baseline`` (scale x group);
* ``mixed_model`` (scale x term) and ``variance_components`` (scale x component);
* ``suppressed``: what :func:`disclose` blanked and why.

plus ``claim`` (:class:`Claim`: ``level`` in :data:`EVIDENCE_LEVELS`, ``text_en``,
``text_nl``, ``basis``, ``design_ceiling``), ``n_participants``, ``waves``, ``scales``,
``notes``, ``min_cell``; ``to_frames()`` and ``to_dict()`` (JSON-serialisable).
docs/analysis.md describes every method, when to use it and how to read it.
"""

from analysis.attrition import Attrition, attrition
from analysis.disclosure import disclose
from analysis.effects import IndependentEffect, PairedEffect, independent_effect, paired_effect
from analysis.evaluate import evaluate
from analysis.groups import GroupComparison, compare_groups
from analysis.mixed import MixedModelResult, mixed_model
from analysis.multiplicity import adjust_p
from analysis.planning import minimum_detectable_effect, required_n
from analysis.pooling import PooledEffect, pool_effects
from analysis.reliability import Reliability, cronbach_alpha, scale_reliabilities
from analysis.reliable_change import (
    CATEGORIES,
    ClinicalCutoff,
    ReliableChange,
    clinical_cutoff,
    reliable_change,
)
from analysis.results import EVIDENCE_LEVELS, Claim, EvaluationResult, ScaleInfo

__all__ = [
    "CATEGORIES",
    "EVIDENCE_LEVELS",
    "Attrition",
    "Claim",
    "ClinicalCutoff",
    "EvaluationResult",
    "GroupComparison",
    "IndependentEffect",
    "MixedModelResult",
    "PairedEffect",
    "PooledEffect",
    "Reliability",
    "ReliableChange",
    "ScaleInfo",
    "adjust_p",
    "attrition",
    "clinical_cutoff",
    "compare_groups",
    "cronbach_alpha",
    "disclose",
    "evaluate",
    "independent_effect",
    "minimum_detectable_effect",
    "mixed_model",
    "paired_effect",
    "pool_effects",
    "reliable_change",
    "required_n",
    "scale_reliabilities",
]
