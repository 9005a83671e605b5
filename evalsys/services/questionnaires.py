"""Questionnaire versions of an intervention: build, store (append-only) and load with a cache."""

from __future__ import annotations

import surveys

from ..models import Intervention, Questionnaire


def build(
    intervention: Intervention,
    instrument_refs: list[tuple[str, str | None]],
    *,
    demographics: str | None = "demographics",
) -> surveys.Questionnaire:
    """A surveys.Questionnaire for the intervention from (instrument id, version) pairs."""
    return surveys.Questionnaire(
        id=intervention.slug,
        version=str(len(intervention.questionnaires) + 1),
        title={"nl": intervention.name, "en": intervention.name},
        instruments=tuple(surveys.load_instrument(i, v) for i, v in instrument_refs),
        demographics=surveys.load_instrument(demographics) if demographics else None,
        consent=dict(intervention.consent_text or {}),
    )


def save_version(
    dbsession, intervention: Intervention, questionnaire: surveys.Questionnaire
) -> Questionnaire:
    """Store a questionnaire as the intervention's newest version (an unchanged one is kept).

    Versions are append-only, so responses always keep the version they were given with.
    """
    definition = questionnaire.to_dict(embed=True)
    current = intervention.questionnaire
    if current is not None and current.definition == definition:
        return current
    row = Questionnaire(version=(current.version + 1) if current else 1, definition=definition)
    intervention.questionnaires.append(row)
    dbsession.flush()
    return row


def load(row: Questionnaire) -> surveys.Questionnaire:
    """The surveys object of a stored version, parsed once per process (versions never change)."""
    key = (row.id, row.version, row.created_at.isoformat())
    cached = _cache.get(key)
    if cached is None:
        if len(_cache) > 512:
            _cache.clear()
        cached = _cache[key] = surveys.Questionnaire.from_dict(row.definition)
    return cached


_cache: dict[tuple, surveys.Questionnaire] = {}
