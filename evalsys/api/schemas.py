"""JSON Schemas of the API's bodies: the OpenAPI document shows them; views validate with them."""

from __future__ import annotations

from evalsys.api.errors import ErrorCode
from evalsys.collection.models import GROUPS, MODES

SLUG = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$", "maxLength": 64}
TEXT = {"type": "string", "maxLength": 10000}
NAME = {"type": "string", "minLength": 1, "maxLength": 200}
SHORT = {"type": "string", "maxLength": 200}
WAVE_NAMES = {
    "type": "object",
    "properties": {"nl": NAME, "en": NAME},
    "additionalProperties": False,
    "description": "the round's name per interface language; nl is the same as name",
}
# A change may take the English name away (null): English pages then show the Dutch name.
WAVE_NAMES_CHANGE = {
    **WAVE_NAMES,
    "properties": {"nl": NAME, "en": {**NAME, "type": ["string", "null"]}},
}
DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}
INVITATIONS = {
    "type": "boolean",
    "description": "participants may leave an e-mail address for their next round "
    "(docs/follow-up.md); default false",
}
DAYS_OR_NULL = {
    "type": ["integer", "null"],
    "minimum": 0,
    "maximum": 3660,
    "description": "days after the participant answered the previous wave (docs/follow-up.md)",
}
LANGUAGE = {"type": "string", "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$", "maxLength": 16}
CODE_MODES = ["assigned", "issued", "self_generated"]
MAX_INTEGER = 2_147_483_647  # the database's integer columns hold no more
RETENTION_DAYS = {
    "type": ["integer", "null"],
    "minimum": 1,
    "maximum": 36525,
    "description": "days participant data is kept after collection ends (docs/privacy.md); "
    "null: not set, nothing is deleted",
}
# One line without control characters: PostgreSQL refuses NUL even in a look-up. The busy
# submission checks its link, code and item ids itself, at a quarter of what a pattern per
# field and key cost (api.responses._check_characters); text answers are judged by
# surveys.validation, per item.
ONE_LINE = "^[^\\u0000-\\u001f]*$"
ANSWER = {
    "description": "An option value, a number, a text, a list of option values, or null (missing).",
    "type": ["integer", "number", "string", "array", "null"],
    "items": {"type": ["integer", "string"]},
}


def object_schema(properties: dict, required: tuple = (), **extra) -> dict:
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    schema.update(extra)
    return schema


SCHEMAS: dict[str, dict] = {
    "Error": object_schema(
        {
            "error": {"type": "string", "enum": [code.value for code in ErrorCode]},
            "message": {"type": "string"},
            "details": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
        },
        ("error", "message", "details"),
    ),
    "FieldError": object_schema(
        {
            "field": {"type": "string", "description": "the request field, e.g. answers.brs_1"},
            "code": {"type": "string"},
            "message": {"type": "string"},
        },
        ("field", "code", "message"),
    ),
    "ResponseSubmission": object_schema(
        {
            "submission_id": {
                "type": "string",
                "format": "uuid",
                "description": "Made by the client, new for every submission; a retry sends "
                "the same one and gets the stored response back.",
            },
            "link": {
                "type": "string",
                "minLength": 1,
                "maxLength": 64,
                "description": "the survey link token (the part after /s/); like the "
                "participant code and the item ids, no control characters (invalid_characters)",
            },
            "participant_code": {"type": "string", "minLength": 1, "maxLength": 64},
            "language": LANGUAGE,
            "answers": {
                "type": "object",
                "description": "item id -> answer",
                "additionalProperties": ANSWER,
                "maxProperties": 1000,
            },
            "duration_seconds": {
                "type": ["integer", "null"],
                "minimum": 0,
                "maximum": MAX_INTEGER,
                "description": "seconds the participant took, if known",
            },
            "submitted_at": {
                "type": "string",
                "format": "date-time",
                "maxLength": 40,
                "description": "when the participant answered, for a client that collects "
                "offline: RFC 3339 with a zone offset (2027-01-12T10:15:00+01:00); not in the "
                "future, not long before the wave opened; default: when it arrives",
            },
        },
        ("submission_id", "link", "participant_code", "language", "answers"),
    ),
    "StoredResponse": object_schema(
        {
            "id": {"type": "integer"},
            "submission_id": {"type": "string", "format": "uuid"},
            "intervention": SLUG,
            "site": SLUG,
            "wave": {"type": "string"},
            "group": {"type": "string", "enum": list(GROUPS)},
            "participant_code": {"type": "string"},
            "questionnaire_version": {"type": "integer"},
            "language": {"type": "string"},
            "mode": {"type": "string", "enum": list(MODES)},
            "submitted_at": {
                "type": "string",
                "format": "date-time",
                "description": "when the participant answered (as the client said, or when "
                "it arrived); wave windows and due lists use it",
            },
            "received_at": {
                "type": "string",
                "format": "date-time",
                "description": "when the server stored the answers",
            },
            "duration_seconds": {"type": ["integer", "null"]},
            "answers": {"type": "object", "additionalProperties": ANSWER},
            "scores": {
                "type": "object",
                "description": "instrument id -> scale id -> score (null: too few items)",
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": {"type": ["number", "null"]},
                },
            },
            "quality_flags": {"type": "array", "items": {"type": "string"}},
            "entered_code": {
                "type": ["string", "null"],
                "description": "the code on the form, when a self-generated code was linked to "
                "participant_code with one element different (flag "
                "code_matched_with_one_difference); null otherwise",
            },
            "supersedes_id": {"type": ["integer", "null"]},
            "superseded_at": {"type": ["string", "null"], "format": "date-time"},
            "voided_at": {"type": ["string", "null"], "format": "date-time"},
        },
        (
            "id",
            "submission_id",
            "intervention",
            "site",
            "wave",
            "group",
            "participant_code",
            "questionnaire_version",
            "language",
            "mode",
            "submitted_at",
            "received_at",
            "duration_seconds",
            "answers",
            "scores",
            "quality_flags",
            "supersedes_id",
            "superseded_at",
        ),
    ),
    "ResponsePage": object_schema(
        {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/StoredResponse"}},
            "next_cursor": {
                "type": ["string", "null"],
                "description": "pass as ?cursor= for the next page; null on the last page",
            },
        },
        ("items", "next_cursor"),
    ),
}
