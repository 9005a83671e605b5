"""What a report says about the intervention beyond the statistics: who, where, when, what."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from analysis.results import ScaleInfo


@dataclass(frozen=True)
class InstrumentInfo:
    """One instrument of the questionnaire, as the methods section describes it."""

    id: str
    version: str
    title: str
    citation: str
    licence: str
    translation_note: str = ""  # e.g. "Dutch text is a working translation"
    scales: tuple[str, ...] = ()
    alpha: dict[str, float | None] = field(default_factory=dict)  # this sample, per scale id


@dataclass(frozen=True)
class SiteInfo:
    id: str  # the site label used in EvaluationResult tables (the site slug)
    name: str
    municipality: str = ""
    area: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class ReportMeta:
    """Everything a report needs besides the EvaluationResult.

    ``data_taken_at`` is the moment the scores were read from the database (the data snapshot),
    ``generated_at`` when the PDF was made. ``quality`` is a DataFrame with one row per
    site x wave and one integer column per data-quality flag (plus ``responses``).
    """

    intervention: str
    slug: str
    description: str
    target_group: str
    design: str  # pre_post | pre_post_comparison | randomised
    protective_factors: tuple[str, ...]
    sites: tuple[SiteInfo, ...]
    waves: tuple[tuple[str, str], ...]  # (label, name) in order, baseline first
    period: tuple[dt.date | None, dt.date | None]
    data_taken_at: dt.datetime
    generated_at: dt.datetime
    instruments: tuple[InstrumentInfo, ...] = ()
    quality: pd.DataFrame | None = None
    min_cell: int = 10
    version_label: str = ""  # e.g. "versie 3, gepubliceerd 2026-11-28" for a published report
    authors: tuple[str, ...] = ()  # who wrote the report (PDF author metadata and the cover)
    scale_info: dict[str, ScaleInfo] = field(default_factory=dict)  # direction, norms, per id
