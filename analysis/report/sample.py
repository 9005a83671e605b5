"""A synthetic evaluation for demonstrations, benchmarks and tests of the report (no real data)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analysis.disclosure import disclose
from analysis.evaluate import evaluate
from analysis.report.meta import InstrumentInfo, ReportMeta, SiteInfo
from analysis.results import EvaluationResult, ScaleInfo

#: Demo sites: NPLV areas (DOMAIN.md), with names that need more than Latin-1.
SITE_NAMES: tuple[tuple[str, str, str, str, str], ...] = (
    ("overvecht", "Utrecht Overvecht", "Utrecht", "Overvecht", "Buurthuis Zoë"),
    ("zuidoost", "Amsterdam Zuidoost", "Amsterdam", "Zuidoost", "Stichting Şükrü"),
    ("woensel", "مركز الشباب", "Eindhoven", "Woensel-Zuid", "Jongerencentrum"),
    ("nieuwland", "Schiedam Nieuwland-Oost", "Schiedam", "Nieuwland-Oost", "Jongerenwerk"),
    ("groningen-noord", "Groningen Noord", "Groningen", "Noord", "Wijkteam Noord"),
    ("heerlen-noord", "Heerlen Noord", "Heerlen", "Noord", "Sportief Heerlen"),
)

SCALE_INFO: dict[str, ScaleInfo] = {
    "brs": ScaleInfo(
        "Veerkracht (BRS)", True, 0.7, 0.8, cutoff=3.0, reference_source="Smith et al. 2008"
    ),
    "lonely": ScaleInfo(
        "Eenzaamheid (De Jong Gierveld)",
        False,
        1.5,
        0.75,
        cutoff=2.0,
        reference_source="De Jong Gierveld & Van Tilburg 2006",
    ),
    "gse": ScaleInfo(
        "Zelfeffectiviteit (GSE)", True, 4.5, 0.85, reference_source="Schwarzer & Jerusalem"
    ),
}
_GENERATION = {"brs": (3.0, 0.7), "lonely": (3.0, 1.5), "gse": (28.0, 4.5)}


def sample_scores(
    *,
    sites: int = 6,
    scales: int = 2,
    waves: int = 3,
    per_site: int = 60,
    small_site: int | None = 7,
    effect: float = 0.5,
    seed: int = 2026,
) -> pd.DataFrame:
    """A long score table: half of each site in the intervention group, half comparison.

    Parameters
    ----------
    sites, scales, waves : int
        How many sites (named after NPLV areas), scales (brs, lonely, gse) and waves.
    per_site : int
        Participants per site (both groups).
    small_site : int, optional
        Participants at the last site instead (default 7: below the suppression limit).
    effect : float
        Improvement of the intervention group in SD units from the first wave on.
    seed : int
        Seed of the random generator: the same seed gives the same table.

    Returns
    -------
    pandas.DataFrame
        ``participant, site, group, wave, scale, score``; about 12% drop out per wave.
    """
    rng = np.random.default_rng(seed)
    sizes = [per_site] * sites
    if small_site is not None and sites > 1:
        sizes[-1] = small_site
    site_ids = [_site_id(i) for i in range(sites)]
    site = np.repeat(site_ids, sizes)
    people = site.size
    participant = np.array([f"P{i:05d}" for i in range(people)])
    comparison = np.arange(people) % 2 == 1
    group = np.where(comparison, "comparison", "intervention")
    site_shift = np.repeat(rng.normal(0, 0.15, sites), sizes)
    wave_labels = [f"T{w}" for w in range(waves)]
    # dropping out is a property of the person: gone from a wave on all scales at once
    present_at = np.ones((waves, people), dtype=bool)
    for w in range(1, waves):
        present_at[w] = present_at[w - 1] & (rng.random(people) > 0.12)
    frames = []
    for scale in list(SCALE_INFO)[:scales]:
        mean, sd = _GENERATION[scale]
        sign = 1.0 if SCALE_INFO[scale].higher_is_better else -1.0
        person = rng.normal(0, 0.8, people)
        for w, wave in enumerate(wave_labels):
            present = present_at[w]
            change = np.where(comparison, 0.1, effect + site_shift) * min(w, 1)
            score = mean + sd * (person + sign * change + rng.normal(0, 0.6, people))
            frames.append(
                pd.DataFrame(
                    {
                        "participant": participant[present],
                        "site": site[present],
                        "group": group[present],
                        "wave": wave,
                        "scale": scale,
                        "score": score[present],
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def sample_report_inputs(
    *,
    sites: int = 6,
    scales: int = 2,
    waves: int = 3,
    per_site: int = 60,
    small_site: int | None = 7,
    design: str = "pre_post_comparison",
    seed: int = 2026,
) -> tuple[ReportMeta, EvaluationResult, EvaluationResult]:
    """A ReportMeta, the raw result and the disclosed result of :func:`sample_scores`."""
    scores = sample_scores(
        sites=sites, scales=scales, waves=waves, per_site=per_site, small_site=small_site,
        seed=seed,
    )  # fmt: skip
    infos = {k: v for k, v in list(SCALE_INFO.items())[:scales]}
    wave_labels = tuple(f"T{w}" for w in range(waves))
    raw = evaluate(scores, design, infos, waves=list(wave_labels))
    public = disclose(raw, min_cell=10)
    quality_rows = []
    for site_id, part in scores.groupby("site"):
        for wave, wave_part in part.groupby("wave"):
            responses = wave_part["participant"].nunique()
            quality_rows.append(
                {
                    "site": site_id,
                    "wave": wave,
                    "responses": responses,
                    "straight_lining": int(responses // 5),
                    "reverse_inconsistent": int(responses // 3),
                    "too_fast": int(responses // 20),
                }
            )
    names = [_site_name(i) for i in range(sites)]
    meta = ReportMeta(
        intervention="Samen Sterk in de Wijk",
        slug="samen-sterk",
        description="Groepstraining van tien weken voor jongeren van 16 tot 23 jaar, over "
        "omgaan met tegenslag, eigen kracht en contact met anderen.",
        target_group="Jongeren van 16 tot 23 jaar in NPLV-gebieden",
        design=design,
        protective_factors=("veerkracht", "zelfredzaamheid", "sociale inclusie"),
        sites=tuple(
            SiteInfo(
                id=site_id,
                name=name,
                municipality=municipality,
                area=area,
                organisation=organisation,
            )
            for site_id, name, municipality, area, organisation in names
        ),
        waves=tuple((label, name) for label, name in zip(wave_labels, _WAVE_NAMES, strict=False)),
        period=(dt.date(2025, 1, 6), dt.date(2025, 12, 19)),
        data_taken_at=dt.datetime(2026, 1, 15, 9, 30, tzinfo=dt.UTC),
        generated_at=dt.datetime(2026, 1, 15, 9, 31, tzinfo=dt.UTC),
        instruments=tuple(_INSTRUMENTS[s] for s in infos),
        quality=pd.DataFrame(quality_rows),
        min_cell=10,
        version_label="versie 1 (voorbeeld met verzonnen gegevens)",
        authors=("Zoë de Vries", "Şükrü Yılmaz"),
        scale_info=infos,
    )
    return meta, raw, public


_WAVE_NAMES = ("voormeting", "nameting", "vervolgmeting", "meting 4", "meting 5")

_INSTRUMENTS = {
    "brs": InstrumentInfo(
        id="brs",
        version="1",
        title="Brief Resilience Scale (BRS-DLV)",
        citation="Smith, B. W., et al. (2008). The Brief Resilience Scale. Int J Behav Med, "
        "15, 194-200. Nederlandse versie: Soer et al. (2019).",
        licence="vrij voor onderzoek met bronvermelding",
        scales=("brs",),
        alpha={"brs": 0.79},
    ),
    "lonely": InstrumentInfo(
        id="lonely",
        version="1",
        title="De Jong Gierveld eenzaamheidsschaal (6 items)",
        citation="De Jong Gierveld, J., & Van Tilburg, T. (2006). A 6-item scale for overall, "
        "emotional, and social loneliness. Research on Aging, 28, 582-598.",
        licence="onderzoek met bronvermelding",
        scales=("lonely",),
        alpha={"lonely": 0.74},
    ),
    "gse": InstrumentInfo(
        id="gse",
        version="1",
        title="Algemene Zelfeffectiviteit Schaal (GSE)",
        citation="Schwarzer, R., & Jerusalem, M. (1995). Generalized Self-Efficacy scale.",
        licence="met naamsvermelding",
        translation_note="De Nederlandse tekst is een werkvertaling.",
        scales=("gse",),
        alpha={"gse": None},
    ),
}


def _site_id(i: int) -> str:
    return SITE_NAMES[i][0] if i < len(SITE_NAMES) else f"locatie-{i + 1}"


def _site_name(i: int) -> tuple[str, str, str, str, str]:
    if i < len(SITE_NAMES):
        return SITE_NAMES[i]
    return (_site_id(i), f"Locatie {i + 1}", "Gemeente", f"Wijk {i + 1}", f"Organisatie {i + 1}")
