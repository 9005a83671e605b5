"""How stored rows look in the API's JSON (the shapes of the OpenAPI component schemas)."""

from __future__ import annotations

import surveys
from evalsys.collection.models import Response, SurveyLink
from evalsys.programme.models import Intervention, Site, Wave
from evalsys.programme.models import Questionnaire as QuestionnaireRow


def stored_response(response: Response, intervention_slug: str, version: int) -> dict:
    """A stored ORM response (participant, site, wave and scores loaded) as JSON."""
    scores: dict[str, dict[str, float | None]] = {}
    for score in response.scores:
        scores.setdefault(score.instrument_key, {})[score.scale] = score.value
    participant = response.participant
    return response_body(
        response,
        intervention=intervention_slug,
        site=participant.site.slug,
        wave=response.wave.label,
        questionnaire_version=version,
        scores=scores,
        group=participant.group_name,
        participant_code=participant.code,
    )


def response_body(
    response,
    *,
    intervention: str,
    site: str,
    wave: str,
    questionnaire_version: int,
    scores: dict,
    group: str | None = None,
    participant_code: str | None = None,
) -> dict:
    """The StoredResponse shape, from an ORM Response or a submission's StoredResponse."""
    superseded_at = response.superseded_at
    return {
        "id": response.id,
        "submission_id": response.submission_id,
        "intervention": intervention,
        "site": site,
        "wave": wave,
        "group": group if group is not None else response.group,
        "participant_code": (
            participant_code if participant_code is not None else response.participant_code
        ),
        "questionnaire_version": questionnaire_version,
        "language": response.language,
        "mode": response.mode,
        "submitted_at": response.submitted_at.isoformat(),
        "received_at": response.received_at.isoformat(),
        "duration_seconds": response.duration_seconds,
        "answers": response.answers,
        "scores": scores,
        "quality_flags": list(response.quality_flags or []),
        "entered_code": getattr(response, "entered_code", None),
        "supersedes_id": response.supersedes_id,
        "superseded_at": None if superseded_at is None else superseded_at.isoformat(),
        "voided_at": _when(getattr(response, "voided_at", None)),
    }


def _when(moment) -> str | None:
    return None if moment is None else moment.isoformat()


def intervention_summary(intervention: Intervention) -> dict:
    current = intervention.questionnaire
    return {
        "slug": intervention.slug,
        "name": intervention.name,
        "description": intervention.description or "",
        "target_group": intervention.target_group or "",
        "protective_factors": list(intervention.protective_factors or []),
        "design": intervention.design,
        "questionnaire_version": None if current is None else current.version,
        "retention_days": intervention.retention_days,
        "invitations": intervention.invitations,
    }


def intervention_detail(intervention: Intervention, sites: list[Site]) -> dict:
    return {
        **intervention_summary(intervention),
        "sites": [site_body(site) for site in sites],
        "waves": [wave_body(wave) for wave in intervention.waves],
    }


def site_body(site: Site) -> dict:
    return {
        "slug": site.slug,
        "name": site.name,
        "municipality": site.municipality or "",
        "area": site.area or "",
        "organisation": site.organisation or "",
    }


def wave_body(wave: Wave) -> dict:
    return {
        "label": wave.label,
        "name": wave.name,
        "names": {"nl": wave.name, **(wave.names or {})},
        "position": wave.position,
        "opens_on": None if wave.opens_on is None else wave.opens_on.isoformat(),
        "closes_on": None if wave.closes_on is None else wave.closes_on.isoformat(),
        "opens_after_days": wave.opens_after_days,
        "closes_after_days": wave.closes_after_days,
        "participant_code": (wave.settings or {}).get("participant_code", "assigned"),
    }


def questionnaire_body(
    row: QuestionnaireRow, questionnaire: surveys.Questionnaire, has_responses: bool
) -> dict:
    """Everything a client needs to show the questionnaire itself (a tablet app): every text in
    every language, the conditions, groups and missing-data codes."""
    languages = sorted({lang for block in questionnaire.blocks for lang in block.languages})
    return {
        "version": row.version,
        "created_at": row.created_at.isoformat(),
        "has_responses": has_responses,
        "languages": languages,
        "consent": dict(questionnaire.consent or {}),
        "instruments": [_instrument(block) for block in questionnaire.blocks],
    }


def _instrument(instrument: surveys.Instrument) -> dict:
    return {
        "id": instrument.id,
        "version": instrument.version,
        "kind": instrument.kind,
        "title": dict(instrument.title),
        "section_title": dict(instrument.section_title),
        "instructions": dict(instrument.instructions),
        "languages": dict(instrument.languages),
        "relevant": instrument.relevant,
        "groups": [
            {
                "id": group.id,
                "title": dict(group.title),
                "relevant": group.relevant,
                "parent": group.parent,
            }
            for group in instrument.groups
        ],
        "scales": [scale.id for scale in instrument.scales],
        "items": [_item(instrument, item) for item in instrument.items],
    }


def _item(instrument: surveys.Instrument, item) -> dict:
    return {
        "id": item.id,
        "type": item.type,
        "required": item.required,
        "text": dict(item.text),
        "hint": dict(item.hint),
        "options": [option.value for option in item.options],
        "choices": [_choice(option) for option in item.options],
        "missing": [_choice(option) for option in instrument.missing_for(item)],
        "min": item.min,
        "max": item.max,
        "integer": item.integer,
        "max_length": item.max_length,
        "relevant": item.relevant,
        "group": item.group,
        "constraint": item.constraint,
        "constraint_message": dict(item.constraint_message),
    }


def _choice(option) -> dict:
    return {"value": option.value, "label": dict(option.labels), "name": option.name}


def library_instrument(instrument: surveys.Instrument) -> dict:
    return {
        "id": instrument.id,
        "version": instrument.version,
        "kind": instrument.kind,
        "title": dict(instrument.title),
        "items": len(instrument.items),
        "scales": [scale.id for scale in instrument.scales],
        "languages": dict(instrument.languages),
        "licence": instrument.licence,
        "citation": instrument.citation,
    }


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def link_body(request, link: SurveyLink) -> dict:
    return {
        "link": link.token,
        "site": link.site.slug,
        "wave": link.wave.label,
        "group": link.group_name,
        "is_open": link.is_open,
        "url": request.route_url("survey.fill", token=link.token),
    }
