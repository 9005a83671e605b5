"""The JSON API's contract for an intervention's structure (evalsys/api/structure.py,
interventions.py): interventions, sites, rounds, the questionnaire, coordinators, survey links."""

from __future__ import annotations

from evalsys.api.schemas import (
    CODE_MODES,
    DATE_OR_NULL,
    DAYS_OR_NULL,
    INVITATIONS,
    NAME,
    ONE_LINE,
    RETENTION_DAYS,
    SHORT,
    SLUG,
    TEXT,
    WAVE_NAMES,
    WAVE_NAMES_CHANGE,
    object_schema,
)
from evalsys.collection.models import GROUPS
from evalsys.programme.models import DESIGNS

STRUCTURE_SCHEMAS: dict[str, dict] = {
    "InterventionSummary": object_schema(
        {
            "slug": SLUG,
            "name": {"type": "string"},
            "description": {"type": "string"},
            "target_group": {"type": "string"},
            "protective_factors": {"type": "array", "items": {"type": "string"}},
            "design": {"type": "string", "enum": list(DESIGNS)},
            "questionnaire_version": {"type": ["integer", "null"]},
            "retention_days": {
                "type": ["integer", "null"],
                "description": "days participant data is kept after collection ends "
                "(docs/privacy.md); null: not set, nothing is deleted",
            },
            "invitations": INVITATIONS,
        },
        (
            "slug",
            "name",
            "description",
            "target_group",
            "protective_factors",
            "design",
            "questionnaire_version",
            "retention_days",
            "invitations",
        ),
    ),
    "InterventionList": object_schema(
        {
            "items": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/InterventionSummary"},
            }
        },
        ("items",),
    ),
    "InterventionCreate": object_schema(
        {
            "slug": SLUG,
            "name": NAME,
            "description": TEXT,
            "target_group": TEXT,
            "protective_factors": {"type": "array", "items": SHORT, "maxItems": 20},
            "design": {"type": "string", "enum": list(DESIGNS)},
            "retention_days": RETENTION_DAYS,
        },
        ("slug", "name", "design"),
    ),
    "InterventionChange": object_schema(
        {
            "name": NAME,
            "description": TEXT,
            "target_group": TEXT,
            "protective_factors": {"type": "array", "items": SHORT, "maxItems": 20},
            "design": {"type": "string", "enum": list(DESIGNS)},
            "retention_days": RETENTION_DAYS,
            "invitations": INVITATIONS,
        },
        minProperties=1,
    ),
    "Site": object_schema(
        {
            "slug": SLUG,
            "name": {"type": "string"},
            "municipality": {"type": "string"},
            "area": {"type": "string"},
            "organisation": {"type": "string"},
        },
        ("slug", "name", "municipality", "area", "organisation"),
    ),
    "SiteList": object_schema(
        {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Site"}}}, ("items",)
    ),
    "SiteCreate": object_schema(
        {
            "slug": SLUG,
            "name": NAME,
            "municipality": SHORT,
            "area": SHORT,
            "organisation": SHORT,
        },
        ("slug", "name"),
    ),
    "Wave": object_schema(
        {
            "label": {"type": "string"},
            "name": {"type": "string"},
            "names": WAVE_NAMES,
            "position": {"type": "integer"},
            "opens_on": DATE_OR_NULL,
            "closes_on": DATE_OR_NULL,
            "opens_after_days": DAYS_OR_NULL,
            "closes_after_days": DAYS_OR_NULL,
            "participant_code": {"type": "string", "enum": CODE_MODES},
        },
        (
            "label",
            "name",
            "names",
            "position",
            "opens_on",
            "closes_on",
            "opens_after_days",
            "closes_after_days",
            "participant_code",
        ),
    ),
    "WaveList": object_schema(
        {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Wave"}}}, ("items",)
    ),
    "WaveCreate": object_schema(
        {
            "label": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,16}$"},
            "name": NAME,
            "names": WAVE_NAMES,
            "position": {
                "type": "integer",
                "minimum": 0,
                "description": "order of the waves; default: after the last one",
            },
            "opens_on": DATE_OR_NULL,
            "closes_on": DATE_OR_NULL,
            "opens_after_days": DAYS_OR_NULL,
            "closes_after_days": DAYS_OR_NULL,
            "participant_code": {"type": "string", "enum": CODE_MODES},
        },
        ("label", "name"),
    ),
    "WaveChange": object_schema(
        {
            "name": NAME,
            "names": WAVE_NAMES_CHANGE,
            "opens_on": DATE_OR_NULL,
            "closes_on": DATE_OR_NULL,
            "opens_after_days": DAYS_OR_NULL,
            "closes_after_days": DAYS_OR_NULL,
            "participant_code": {"type": "string", "enum": CODE_MODES},
        },
        minProperties=1,
    ),
    # Questionnaire, QuestionnaireInstrument, QuestionnaireItem: api/instruments_contract.py
    "QuestionnaireChange": object_schema(
        {
            "instruments": {
                "type": "array",
                "minItems": 1,
                "maxItems": 30,
                "description": "in the order participants see them; ids from GET /instruments",
                "items": object_schema(
                    {
                        "id": {"type": "string", "minLength": 1, "maxLength": 100},
                        "version": {
                            "type": ["string", "null"],
                            "description": "null or absent: the newest version",
                        },
                    },
                    ("id",),
                ),
            },
            "demographics": {
                "type": ["boolean", "string"],
                "maxLength": 120,
                "description": "true (default): start with the standard block of questions about "
                "the participant; false: none; or the id (`id@version`) of another such block, "
                "e.g. one imported with a form (kind `demographics` in GET /instruments)",
            },
        },
        ("instruments",),
    ),
    "LibraryInstrument": object_schema(
        {
            "id": {"type": "string"},
            "version": {"type": "string"},
            "kind": {"type": "string"},
            "title": {"type": "object", "additionalProperties": {"type": "string"}},
            "items": {"type": "integer", "description": "number of items"},
            "scales": {"type": "array", "items": {"type": "string"}},
            "languages": {"type": "object", "additionalProperties": {"type": "string"}},
            "licence": {"type": "string"},
            "citation": {"type": "string"},
        },
        ("id", "version", "kind", "title", "items", "scales", "languages", "licence", "citation"),
    ),
    "InstrumentList": object_schema(
        {"items": {"type": "array", "items": {"$ref": "#/components/schemas/LibraryInstrument"}}},
        ("items",),
    ),
    "CoordinatorAssignment": object_schema(
        {"username": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": ONE_LINE}},
        ("username",),
    ),
    "Coordinator": object_schema(
        {"username": {"type": "string"}, "intervention": SLUG, "site": SLUG},
        ("username", "intervention", "site"),
    ),
    "SurveyLink": object_schema(
        {
            "link": {"type": "string", "description": "the token to send as link"},
            "site": SLUG,
            "wave": {"type": "string"},
            "group": {"type": "string", "enum": list(GROUPS)},
            "is_open": {"type": "boolean"},
            "url": {"type": "string", "description": "the participant's web survey"},
        },
        ("link", "site", "wave", "group", "is_open", "url"),
    ),
    "SurveyLinkList": object_schema(
        {"items": {"type": "array", "items": {"$ref": "#/components/schemas/SurveyLink"}}},
        ("items",),
    ),
    "CoordinatorList": object_schema(
        {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Coordinator"}}},
        ("items",),
    ),
}

# The full intervention: its summary plus its sites and waves.
STRUCTURE_SCHEMAS["Intervention"] = object_schema(
    {
        **STRUCTURE_SCHEMAS["InterventionSummary"]["properties"],
        "sites": {"type": "array", "items": {"$ref": "#/components/schemas/Site"}},
        "waves": {"type": "array", "items": {"$ref": "#/components/schemas/Wave"}},
    },
    (*STRUCTURE_SCHEMAS["InterventionSummary"]["required"], "sites", "waves"),
)
