"""The words on the charts, in Dutch and English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "forest_title": "{scale}: verandering van {wave_from} naar {wave_to} ({group})",
        "pooled": "Alle locaties samen",
        "prediction": "Voorspellingsinterval",
        "better": "verbetering",
        "worse": "verslechtering",
        "favours_right": "{word} →",
        "favours_left": "← {word}",
        "too_few": "minder dan {min_cell} deelnemers",
        "secondary": "niet getoond: zou een kleine groep verraden",
        "axis": "Effectgrootte d_z (95%-betrouwbaarheidsinterval)",
        "site": "Locatie",
        "estimate": "d_z [95%-BI]",
        "forest_desc": (
            "Forest plot. Per locatie de effectgrootte d_z met 95%-betrouwbaarheidsinterval; "
            "onderaan alle locaties samen als ruit. {rows}"
        ),
        "bars_title": "{scale}: betrouwbare verandering per deelnemer, {wave_from} naar {wave_to} "
        "({group})",
        "bars_desc": "Gestapelde staven: aandeel deelnemers per uitkomst, per locatie. {rows}",
        "recovered": "hersteld",
        "improved": "verbeterd",
        "unchanged": "onveranderd",
        "deteriorated": "verslechterd",
        "harmed": "achteruitgegaan tot probleemniveau",
        "hidden": "niet getoond (< {min_cell})",
        "intervention": "interventiegroep",
        "comparison": "vergelijkingsgroep",
        "no_data": "Geen gegevens voor deze combinatie.",
    },
    "en": {
        "forest_title": "{scale}: change from {wave_from} to {wave_to} ({group})",
        "pooled": "All sites together",
        "prediction": "Prediction interval",
        "better": "improvement",
        "worse": "deterioration",
        "favours_right": "{word} →",
        "favours_left": "← {word}",
        "too_few": "fewer than {min_cell} participants",
        "secondary": "not shown: would reveal a small group",
        "axis": "Effect size d_z (95% confidence interval)",
        "site": "Site",
        "estimate": "d_z [95% CI]",
        "forest_desc": (
            "Forest plot. Per site the effect size d_z with its 95% confidence interval; at "
            "the bottom all sites together as a diamond. {rows}"
        ),
        "bars_title": "{scale}: reliable change per participant, {wave_from} to {wave_to} "
        "({group})",
        "bars_desc": "Stacked bars: share of participants per outcome, per site. {rows}",
        "recovered": "recovered",
        "improved": "improved",
        "unchanged": "unchanged",
        "deteriorated": "deteriorated",
        "harmed": "harmed",
        "hidden": "not shown (< {min_cell})",
        "intervention": "intervention group",
        "comparison": "comparison group",
        "no_data": "No data for this combination.",
    },
}


def chart_text(language: str, key: str, **values: object) -> str:
    """The text ``key`` in ``language`` ("nl" or "en"), with ``values`` filled in."""
    if language not in TEXTS:
        raise ValueError(f"The language must be 'nl' or 'en'; got {language!r}.")
    return TEXTS[language][key].format(**values)
